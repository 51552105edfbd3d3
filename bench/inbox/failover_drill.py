"""The failover drill of issue 18 (item 3), run by hand on a database a
`run.py --keep` run left:

    .venv/bin/python bench/inbox/failover_drill.py --reuse WORKDIR [--seconds 30] [--every 2]

It serves this checkout's app (gunicorn, two workers per core, production settings), logs
in as the bench delegate, loads the inbox with wrk and, meanwhile, terminates
every backend of the database (what a failover or a restart does to the app's
connections) every --every seconds. It prints how many requests were answered
and how many were not 2xx/3xx, and the app's log lines about lost connections.
With core/db_failover.py every inbox request is answered (the reads are run
again once); before it, each kill cost one 500 per worker that used a killed
connection. Exit status 0: no bad answer; 1: some; 2: the drill could not run.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import load  # noqa: E402
import run  # noqa: E402
from common import BenchError, Processes, free_port, say  # noqa: E402


def kill_backends(pg_url: str, db_name: str) -> int:
    with psycopg.connect(pg_url, autocommit=True) as admin:
        row = admin.execute("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                            " WHERE datname = %s AND pid <> pg_backend_pid()", (db_name,)).fetchone()
    return int(row[0]) if row else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", type=Path, metavar="WORKDIR", required=True)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between two kills")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=load.WORKERS,
                        help="gunicorn workers of each server (default: deploy's rule, two per core)")
    args = parser.parse_args()

    info = load.LoadInfo.read(args.reuse / "info.json")
    logdir = args.reuse / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    procs = Processes(logdir)
    try:
        env = load.app_env(info.pg_url, args.reuse, Path(info.file_store))
        run.check_app_starts(env)
        port = free_port()
        name = f"drill-app-{port}"  # a log of its own
        app = procs.start(name, [run.GUNICORN, "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                                        "--timeout", "60", "wsgi:app"], env, run.ROOT)
        run.wait_ready(procs, name, app, port, "/auth/login")
        cookie = run.log_in(port, info.bench_email, info.password)
        say(f"Serving {run.ROOT} on port {port}; wrk on the inbox for {args.seconds} s, "
            f"every backend of {info.db_name} terminated every {args.every:g} s")
        kills: list[int] = []
        stop = threading.Event()

        def killer() -> None:
            while not stop.wait(args.every):
                kills.append(kill_backends(info.pg_url, info.db_name))  # the killer's own is spared

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        done = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
                               "--timeout", "10s", "-H", f"User-Agent: {run.USER_AGENT}",
                               "-H", f"Cookie: session={cookie}",
                               f"http://127.0.0.1:{port}/inbox/"], capture_output=True, text=True, check=True)
        stop.set()
        thread.join()
        result = run.parse_wrk(done.stdout)
        log = procs.log_of(name)
        retried = log.count("retrying once on a fresh connection")
        refused = log.count("answered 503")
        say(f"  {len(kills)} kills ({sum(kills)} backends), {result.requests:,} requests, "
            f"{result.rps:.1f} req/s, {result.bad_responses} not 2xx/3xx, socket errors: {result.socket_errors or 0}")
        say(f"  app log: {retried} reads run again on a fresh connection, {refused} answered 503, "
            f"{log.count('Internal Server Error') + log.count('unhandled error')} errors")
        return 0 if not result.bad_responses else 1
    except BenchError as error:
        say(f"ERROR: {error}")
        return 2
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())
