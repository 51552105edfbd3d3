"""A page of several builds against its bare reference, in one run: the
download against bare send_file (issue 21, item 4), or the inbox against the
bare page (item 0).

run.py measures one build beside its references. To say what a change is
worth, this serves, on a kept database (`run.py --keep`, then `--reuse`), the
reference (bench/inbox/baseline_app.py: `/file` or `/bare`) and the app from
one or more checkouts at once, each with gunicorn as run.py serves it (two sync
workers per core, production settings), and measures them with wrk round by
round, interleaved, so that each round's ratios are taken back to back (the
order turning from round to round):

    .venv/bin/python bench/inbox/download_rounds.py --reuse /tmp/cica-bench-XXXX \\
        --build this=. --build main=/work/main [--build this-async=.:synchronous_commit=off] \\
        [--page inbox] [--cpu] [--rounds 5]

A build is NAME=CHECKOUT, optionally followed by `:setting=value` PostgreSQL
settings for its connections (PGOPTIONS), e.g. `synchronous_commit=off` to show
what the durable commit of the audit entry costs: a measurement only, the app
never runs so. It prints each round and the median ratio of each build's page
to its reference, with the machine's load average.

`--cpu` also prints, for each measured run, the CPU time a request cost the
server's gunicorn workers and PostgreSQL's processes (from /proc, utime and
stime, over the measured seconds, divided by the requests wrk counted): on a
shared machine where req/s moves by a third from minute to minute, the CPU a
request costs moves less, and it says which side a change saved.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
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


PAGES = {"download": ("/file", "bare send_file 10 MB", "download 10 MB"),
         "inbox": ("/bare", "bare page", "inbox")}


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _postgres_pids() -> list[int]:
    """Every PostgreSQL process on the machine (the postmaster, its backends, its writers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def _cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes, in seconds (those that ended in between are left out)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime: the stat's 14th and 15th fields
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_split(server_pid: int) -> Callable[[], Callable[[int], str]]:
    """For run.run_wrk's `around`: the CPU a request cost the server's workers and PostgreSQL."""
    def start() -> Callable[[int], str]:
        workers, postgres = _children(server_pid), _postgres_pids()
        before = _cpu_seconds(workers), _cpu_seconds(postgres)

        def finish(requests: int) -> str:
            app, pg = _cpu_seconds(workers) - before[0], _cpu_seconds(postgres) - before[1]
            return f"CPU a request: app {app / requests * 1e6:,.0f} µs, PostgreSQL {pg / requests * 1e6:,.0f} µs"
        return finish
    return start


def compile_catalogues(checkout: Path) -> None:
    """The build's message catalogues compiled, as `make install` does: a git worktree has only
    the .po files, and without the .mo its pages would be English for every reader (cheaper
    to write than the benchmark reader's Russian, and not what it is served)."""
    translations = checkout / "secretariat_app" / "translations"
    if not all((po.with_suffix(".mo")).exists() for po in translations.glob("*/LC_MESSAGES/messages.po")):
        subprocess.run([str(load.VENV_BIN / "pybabel"), "compile", "--use-fuzzy", "-d", str(translations),
                        "-D", "messages"], check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", type=Path, required=True, metavar="WORKDIR")
    parser.add_argument("--build", action="append", required=True, metavar="NAME=CHECKOUT[:setting=value,...]")
    parser.add_argument("--page", choices=tuple(PAGES), default="download",
                        help="download: the download against bare send_file (default); inbox: the inbox "
                             "page against the bare page")
    parser.add_argument("--cpu", action="store_true",
                        help="print the CPU a request cost the server's workers and PostgreSQL")
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
        reference_path, reference_label, page_label = PAGES[args.page]
        run.wait_ready(procs, "baseline", baseline, base_port, reference_path)
        apps: dict[str, tuple[int, str, int]] = {}
        for text in args.build:
            name, checkout, options = parse_build(text)
            compile_catalogues(checkout)
            port = free_port()
            build_env = dict(env, PYTHONPATH=str(checkout))
            if options:
                build_env["PGOPTIONS"] = options
            proc = procs.start(f"app-{name}", [run.GUNICORN, "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                                               "--timeout", "60", "wsgi:app"], build_env, checkout)
            run.wait_ready(procs, f"app-{name}", proc, port, "/auth/login")
            cookie = run.log_in(port, info.bench_email, info.password)
            path = f"/documents/versions/{info.big_version_id}/download" if args.page == "download" else "/inbox/"
            status, _, body = run.http_request(port, "GET", path, headers={"Cookie": f"session={cookie}"})
            if status != 200 or (args.page == "download" and len(body) != load.TEN_MB):
                raise BenchError(f"{name}: {path} answered {status} with {len(body):,} bytes")
            apps[name] = (port, cookie, proc.pid)
            say(f"  {name}: {checkout}{' with ' + options if options else ''} on port {port}")
        runs: dict[str, list[run.WrkResult]] = {"reference": [], **{name: [] for name in apps}}
        loads = []
        for number in range(1, args.rounds + 1):
            loads.append(os.getloadavg()[0])
            say(f"round {number} of {args.rounds} (load average {loads[-1]:.1f})")
            # The order turns each round (the reference first, then second, ...): a load that rises or
            # falls within a round does not always favour the same server.
            order = ["reference", *apps]
            shift = (number - 1) % len(order)
            for name in order[shift:] + order[:shift]:
                if name == "reference":
                    runs[name].append(run.run_wrk(f"http://127.0.0.1:{base_port}{reference_path}", args, None,
                                                  reference_label,
                                                  around=cpu_split(baseline.pid) if args.cpu else None))
                else:
                    port, cookie, pid = apps[name]
                    runs[name].append(run.run_wrk(f"http://127.0.0.1:{port}{path}", args, cookie,
                                                  f"{page_label}, {name}", around=cpu_split(pid) if args.cpu else None))
        say(f"\n{page_label} / {reference_label}, round by round (load average {min(loads):.1f}-{max(loads):.1f} "
            "at the start of the rounds):")
        for name in apps:
            ratios = [a.rps / b.rps for a, b in zip(runs[name], runs["reference"], strict=True)]
            p99s = [a.p99_ms / b.p99_ms for a, b in zip(runs[name], runs["reference"], strict=True)]
            say(f"  {name:<20}{' '.join(f'{r:.2f}' for r in ratios)}   median {statistics.median(ratios):.2f} "
                f"({min(ratios):.2f}-{max(ratios):.2f}); req/s median "
                f"{statistics.median(r.rps for r in runs[name]):.1f}, p99 median "
                f"{statistics.median(r.p99_ms for r in runs[name]):.1f} ms "
                f"({statistics.median(p99s):.2f}x the reference's, {min(p99s):.2f}-{max(p99s):.2f})")
        say(f"  {reference_label:<20}req/s median {statistics.median(r.rps for r in runs['reference']):.1f}, "
            f"p99 median {statistics.median(r.p99_ms for r in runs['reference']):.1f} ms")
        return 0
    except BenchError as error:
        say(f"ERROR: {error}")
        return 2
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())
