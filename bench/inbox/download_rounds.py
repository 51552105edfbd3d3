"""The download against bare send_file, several builds in one run (issue 21, item 4).

run.py measures one build's download beside bare send_file. To say why the
download makes what it makes, this serves, on a kept database (`run.py --keep`,
then `--reuse`), bare send_file (bench/inbox/baseline_app.py) and the app from
one or more checkouts at once, each with gunicorn as run.py serves it (two sync
workers per core, production settings), and measures them with wrk round by round,
interleaved, so that each round's ratios are taken back to back (the order
turning from round to round):

    .venv/bin/python bench/inbox/download_rounds.py --reuse /tmp/cica-bench-XXXX \\
        --build this=. --build main=/work/main [--build this-async=.:synchronous_commit=off] [--rounds 5]

A build is NAME=CHECKOUT, optionally followed by `:setting=value` PostgreSQL
settings for its connections (PGOPTIONS), e.g. `synchronous_commit=off` to show
what the durable commit of the audit entry costs: a measurement only, the app
never runs so. It prints each round and the median ratio of each build's
download to bare send_file, with the machine's load average.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402
import run  # noqa: E402
from common import BenchError, Processes, free_port, say  # noqa: E402


def parse_build(text: str) -> tuple[str, Path, str]:
    name, _, rest = text.partition("=")
    checkout, _, settings = rest.partition(":")
    options = " ".join(f"-c {setting}" for setting in settings.split(",") if setting)
    return name, Path(checkout or ".").resolve(), options


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", type=Path, required=True, metavar="WORKDIR")
    parser.add_argument("--build", action="append", required=True, metavar="NAME=CHECKOUT[:setting=value,...]")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=load.WORKERS,
                        help="gunicorn workers of each server (default: deploy's rule, two per core)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    info = load.LoadInfo.read(args.reuse / "info.json")
    logdir = args.reuse / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    procs = Processes(logdir)
    try:
        env = load.app_env(info.pg_url, args.reuse, Path(info.file_store))
        base_port = free_port()
        base_env = dict(env, BENCH_DATABASE_URL=load.sqlalchemy_url(info.pg_url),
                        BENCH_DELEGATION_ID=str(info.bench_delegation_id), BENCH_FILE=info.big_file)
        baseline = procs.start("baseline", [run.GUNICORN, "-w", str(args.workers), "-b", f"127.0.0.1:{base_port}",
                                            "--timeout", "60", "--chdir", str(run.HERE), "baseline_app:app"],
                               base_env, run.HERE)
        run.wait_ready(procs, "baseline", baseline, base_port, "/file")
        apps: dict[str, tuple[int, str]] = {}
        for text in args.build:
            name, checkout, options = parse_build(text)
            port = free_port()
            build_env = dict(env, PYTHONPATH=str(checkout))
            if options:
                build_env["PGOPTIONS"] = options
            proc = procs.start(f"app-{name}", [run.GUNICORN, "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                                               "--timeout", "60", "wsgi:app"], build_env, checkout)
            run.wait_ready(procs, f"app-{name}", proc, port, "/auth/login")
            cookie = run.log_in(port, info.bench_email, info.password)
            status, _, body = run.http_request(port, "GET", f"/documents/versions/{info.big_version_id}/download",
                                               headers={"Cookie": f"session={cookie}"})
            if status != 200 or len(body) != load.TEN_MB:
                raise BenchError(f"{name}: the download answered {status} with {len(body):,} bytes")
            apps[name] = (port, cookie)
            say(f"  {name}: {checkout}{' with ' + options if options else ''} on port {port}")
        runs: dict[str, list[run.WrkResult]] = {"send_file": [], **{name: [] for name in apps}}
        loads = []
        for number in range(1, args.rounds + 1):
            loads.append(os.getloadavg()[0])
            say(f"round {number} of {args.rounds} (load average {loads[-1]:.1f})")
            # The order turns each round (bare send_file first, then second, ...): a load that rises or
            # falls within a round does not always favour the same server.
            order = ["send_file", *apps]
            shift = (number - 1) % len(order)
            for name in order[shift:] + order[:shift]:
                if name == "send_file":
                    runs[name].append(run.run_wrk(f"http://127.0.0.1:{base_port}/file", args, None,
                                                  "bare send_file 10 MB"))
                else:
                    port, cookie = apps[name]
                    runs[name].append(run.run_wrk(
                        f"http://127.0.0.1:{port}/documents/versions/{info.big_version_id}/download", args,
                        cookie, f"download 10 MB, {name}"))
        say(f"\ndownload / bare send_file, round by round (load average {min(loads):.1f}-{max(loads):.1f} "
            "at the start of the rounds):")
        for name in apps:
            ratios = [a.rps / b.rps for a, b in zip(runs[name], runs["send_file"], strict=True)]
            say(f"  {name:<20}{' '.join(f'{r:.2f}' for r in ratios)}   median {statistics.median(ratios):.2f} "
                f"({min(ratios):.2f}-{max(ratios):.2f}); req/s median "
                f"{statistics.median(r.rps for r in runs[name]):.1f}, p99 median "
                f"{statistics.median(r.p99_ms for r in runs[name]):.1f} ms")
        say(f"  {'bare send_file':<20}req/s median {statistics.median(r.rps for r in runs['send_file']):.1f}, "
            f"p99 median {statistics.median(r.p99_ms for r in runs['send_file']):.1f} ms")
        return 0
    except BenchError as error:
        say(f"ERROR: {error}")
        return 2
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())
