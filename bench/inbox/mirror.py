"""The incremental mirror of a delegation's inbox at the benchmark's size (issue 23): how long
examples/mirror_inbox.py takes to copy the metadata of every document circulated to the bench
delegation (31,575 at the default size), then to run again with nothing changed, then again
after a few documents changed. Target: the metadata of 30,000 documents in under a minute.

On a database a `run.py --keep` left:

    .venv/bin/python bench/inbox/mirror.py --reuse /tmp/cica-bench-XXXX [--rounds 3] [--per-page 500]

It serves the app as run.py does (gunicorn, two workers per core, production settings), makes the bench
delegate a `read` token with the app's service (api_token.py), and runs the example client
with `--metadata-only` (no file is fetched: the files are the download's benchmark) into a
temporary folder, timing each run. The few changes are made in SQL (a new version time on 20
documents: what an upload does to the listing) and undone afterwards."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import load  # noqa: E402
from common import BenchError, Processes, free_port, say  # noqa: E402
from run import GUNICORN, PYTHON, api_token, wait_ready  # noqa: E402

ROOT = load.ROOT
CLIENT = ROOT / "examples" / "mirror_inbox.py"
TARGET_SECONDS = 60.0
CHANGED = 20


def run_client(url: str, token: str, folder: Path, per_page: int | None) -> tuple[float, dict]:
    env = {**os.environ, "CICA_TOKEN": token}
    size = ["--per-page", str(per_page)] if per_page else []
    started = time.perf_counter()
    done = subprocess.run([PYTHON, str(CLIENT), "--metadata-only", *size, url, str(folder)], env=env,
                          capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"mirror_inbox.py failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])


def touch_documents(info: load.LoadInfo, undo: list | None = None) -> list:
    """A newer upload time on CHANGED of the delegation's documents (what a new language version
    does to the listing); with `undo`, put the times back."""
    with psycopg.connect(info.pg_url) as conn:
        if undo is not None:
            for version_id, uploaded_at in undo:
                conn.execute("UPDATE document_version SET uploaded_at = %s WHERE id = %s", (uploaded_at, version_id))
            return []
        rows = conn.execute("""
            SELECT v.id, v.uploaded_at FROM document_version v
            JOIN circulation c ON c.document_id = v.document_id AND c.delegation_id = %s
            JOIN document d ON d.id = v.document_id AND d.level = 'general'
            ORDER BY v.id LIMIT %s""", (info.bench_delegation_id, CHANGED)).fetchall()
        conn.execute("UPDATE document_version SET uploaded_at = now() WHERE id = ANY(%s)", ([r[0] for r in rows],))
        return rows


def interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, interrupt)  # stopped like Ctrl-C: through the clean-up below
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", type=Path, required=True, metavar="WORKDIR")
    parser.add_argument("--rounds", type=int, default=1, help="first synchronisations, each into a new folder")
    parser.add_argument("--per-page", type=int, default=None, help="the client's page size (its --per-page)")
    parser.add_argument("--workers", type=int, default=load.WORKERS,
                        help="gunicorn workers of each server (default: deploy's rule, two per core)")
    args = parser.parse_args()
    info = load.LoadInfo.read(args.reuse / "info.json")
    logdir = args.reuse / "logs"
    logdir.mkdir(exist_ok=True)
    procs = Processes(logdir)
    folder_root = Path(tempfile.mkdtemp(prefix="cica-mirror-"))
    undo: list | None = None
    try:
        env = load.app_env(info.pg_url, args.reuse, Path(info.file_store))
        port = free_port()
        app = procs.start("mirror-app", [GUNICORN, "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                                         "--timeout", "120", "wsgi:app"], env, ROOT)
        wait_ready(procs, "mirror-app", app, port, "/auth/login")
        token = api_token(env, args.reuse)
        url = f"http://127.0.0.1:{port}/"
        say(f"Mirroring the metadata of the inbox of {info.bench_email} ({info.bench_inbox_size:,} documents "
            f"circulated to the delegation; load average {os.getloadavg()[0]:.1f})")
        firsts = []
        folder = folder_root
        for n in range(1, args.rounds + 1):
            folder = folder_root / f"round{n}"
            seconds, summary = run_client(url, token, folder, args.per_page)
            firsts.append(seconds)
            say(f"  first synchronisation {n}: {seconds:6.1f} s, {summary['listed']:,} listed, "
                f"{summary['documents_written']:,} written ({summary['listed'] / seconds:,.0f} a second; "
                f"load {os.getloadavg()[0]:.1f})")
        seconds, summary = run_client(url, token, folder, args.per_page)
        say(f"  again, nothing changed:   {seconds:6.1f} s, {summary['listed']:,} listed (the look-back), "
            f"{summary['documents_written']} written")
        undo = touch_documents(info)
        seconds, summary = run_client(url, token, folder, args.per_page)
        say(f"  again, {CHANGED} changed:       {seconds:6.1f} s, {summary['listed']:,} listed, "
            f"{summary['documents_written']} written")
        first = statistics.median(firsts)
        met = first < TARGET_SECONDS
        say(f"  target: the first synchronisation under {TARGET_SECONDS:.0f} s: median {first:.1f} s "
            f"({min(firsts):.1f}-{max(firsts):.1f}): {'met' if met else 'MISSED'}")
        return 0 if met else 1
    except BenchError as error:
        say(f"ERROR: {error}")
        return 2
    except KeyboardInterrupt:
        say("interrupted")
        return 2
    finally:
        if undo:
            touch_documents(info, undo)
        procs.stop_all()
        shutil.rmtree(folder_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
