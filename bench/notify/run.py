"""The notification benchmark (issue 6, "A benchmark"), run by hand:

    .venv/bin/python bench/notify/run.py                    # 10,000 notices, PostgreSQL
    .venv/bin/python bench/notify/run.py --notices 1000     # a quick try
    .venv/bin/python bench/notify/run.py --sqlite           # a file SQLite database instead

In one process tree it
  1. creates a fresh database (PostgreSQL `secretariat_notify_bench`, dropped
     at the end; or a SQLite file in a temporary directory), builds the schema
     with the app's migrations (`flask db upgrade`) and loads the reference
     data (`flask seed --no-demo`);
  2. creates 100 delegates (half English, half Russian, several time zones)
     and ceil(N / 100) circulated documents, and queues N due
     DOCUMENT_CIRCULATED notices with `notice_queue.queue` (one per
     (document, recipient));
  3. starts an aiosmtpd sink in a subprocess (this script with `_sink`), which
     counts the messages and the distinct Message-IDs it accepts and notes the
     wall-clock time of the first and the last;
  4. starts a real Celery worker (`celery -A workers.celery_app worker
     --concurrency 2`) against Redis on 127.0.0.1:6379 with a queue of its own,
     MAIL_BACKEND=smtp to the sink;
  5. runs the dispatcher from this process every second: the very function
     the beat task `dispatch_due` runs (`workers.tasks.notify.dispatch_now`:
     take back, claim, commit, enqueue one `send_notifications(pairs)` per
     batch of up to NOTIFY_PER_TASK (50) rows), until the sink has N messages; notices per second run from the
     start of the first claim to the last message the sink accepted; the
     worker's process tree (main process and pool) is sampled from /proc every
     0.1 s for its peak resident memory;
  6. stops the worker, then the baseline: the same N rows rendered into the
     same messages in this process with `rendering.build` (not timed), sent
     by a plain loop of smtplib to a fresh sink, one connection per message
     (the ratio is against this one, as issue 6 set it); then, for
     information only, all of them over one connection to another fresh sink
     (the worker sends each batch over one connection; that ratio is printed too);
  7. prints the table and the count checks, and stops everything it started
     (on error and on Ctrl-C too), removes its queue's keys from Redis, drops
     the database and removes the temporary directory (unless --keep).

Exit status: 0 target met (ratio >= 0.5, every count right), 1 target or a
count missed, 2 the benchmark could not run.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # /work/main
sys.path.insert(0, str(ROOT / "bench"))

from common import BenchError, Processes, free_port, say  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
CELERY = str(VENV_BIN / "celery") if (VENV_BIN / "celery").exists() else str(Path(sys.executable).parent / "celery")
DEFAULT_PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
DEFAULT_DB = "secretariat_notify_bench"
DEFAULT_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
RECIPIENTS = 100
TARGET_RATIO = 0.5
TIME_ZONES = ("Asia/Almaty", "Europe/Moscow", "Asia/Tehran", "Asia/Shanghai", "UTC", "Asia/Kolkata")


# --- the SMTP sink (runs as `run.py _sink PORT STATS_FILE` in its own process) ---------------------------

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.I | re.M)


def run_sink(port: int, stats_path: Path) -> None:
    """aiosmtpd on 127.0.0.1:`port`, accepting everything. Every 0.1 s it writes
    {count, distinct, duplicates, first, last} to `stats_path` (first/last:
    time.time() of the first and last message accepted); on SIGTERM it stops and
    writes the final stats with every Message-ID it saw and how often."""
    from aiosmtpd.controller import Controller

    lock = threading.Lock()
    seen: Counter = Counter()
    state = {"count": 0, "first": None, "last": None, "no_id": 0}
    stop = threading.Event()
    parent = os.getppid()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            now = time.time()
            content = envelope.original_content or envelope.content
            head = content.split(b"\r\n\r\n", 1)[0]
            match = MESSAGE_ID.search(head)
            with lock:
                state["count"] += 1
                state["first"] = state["first"] or now
                state["last"] = now
                if match:
                    seen[match.group(1).decode("ascii", "replace")] += 1
                else:
                    state["no_id"] += 1
            return "250 OK"

    def snapshot(with_ids: bool = False) -> dict:
        with lock:
            data = {**state, "distinct": len(seen), "duplicates": sum(n - 1 for n in seen.values() if n > 1),
                    "ready": True}
            if with_ids:
                data["ids"] = dict(seen)
        return data

    def write(data: dict) -> None:
        tmp = stats_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, stats_path)

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    last_written = None
    try:
        while not stop.is_set():
            data = snapshot()
            if data != last_written:
                write(data)
                last_written = data
            if os.getppid() != parent:  # the benchmark died without stopping us
                break
            stop.wait(0.1)
    finally:
        controller.stop()
        write(snapshot(with_ids=True))


# --- processes ------------------------------------------------------------------------------------------

@dataclass
class Sink:
    name: str
    port: int
    stats_path: Path
    proc: subprocess.Popen
    final: dict = field(default_factory=dict)

    def stats(self) -> dict:
        try:
            return json.loads(self.stats_path.read_text())
        except (OSError, ValueError):
            return {}


def start_sink(procs: Processes, workdir: Path, name: str) -> Sink:
    port = free_port()
    stats_path = workdir / f"{name}.json"
    proc = procs.start(name, [PYTHON, str(Path(__file__).resolve()), "_sink", str(port), str(stats_path)],
                       dict(os.environ, PYTHONUNBUFFERED="1"))
    sink = Sink(name, port, stats_path, proc)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"the SMTP sink {name} exited:\n{procs.tail(name)}")
        if sink.stats().get("ready"):
            return sink
        time.sleep(0.05)
    raise BenchError(f"the SMTP sink {name} did not start:\n{procs.tail(name)}")


def stop_sink(procs: Processes, sink: Sink) -> dict:
    procs.stop(sink.proc)
    sink.final = sink.stats()
    return sink.final


def wait_for_messages(sink: Sink, expected: int, timeout: float, alive=None, on_tick=None) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        stats = sink.stats()
        if stats.get("count", 0) >= expected:
            return stats
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout:.0f} s: the sink {sink.name} has "
                             f"{stats.get('count', 0):,} of {expected:,} messages")
        if sink.proc.poll() is not None:
            raise BenchError(f"the SMTP sink {sink.name} exited")
        if alive:
            alive()
        if on_tick:
            on_tick()
        time.sleep(0.05)


# --- memory of a process tree from /proc -----------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def tree_rss(root_pid: int) -> tuple[int, int]:
    """(sum of VmRSS in bytes, number of processes) of `root_pid` and its descendants."""
    children = _children_map()
    pids, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, []))
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total, len(pids)


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak, self.peak_processes, self.samples = 0, 0, 0
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            rss, count = tree_rss(self.pid)
            if rss > self.peak:
                self.peak, self.peak_processes = rss, count
            self.samples += 1
            self.halt.wait(self.every)

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=5)


# --- database, schema, data --------------------------------------------------------------------------------

def pg_admin(pg_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg_url.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def build_schema(env: dict) -> None:
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    for args in (["db", "upgrade"], ["seed", "--no-demo"]):
        done = subprocess.run(flask + args, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"flask {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


def make_people_and_notices(notices: int) -> tuple[int, int, int]:
    """RECIPIENTS delegates, ceil(notices / RECIPIENTS) circulated documents and
    `notices` due DOCUMENT_CIRCULATED notices (one per (document, recipient)).
    Returns (users, documents, queued)."""
    from datetime import datetime, timedelta

    from sqlalchemy import func, select

    from secretariat_app.accounts.models.people import Delegation, Role, User, UserRole
    from secretariat_app.accounts.models.states import Body
    from secretariat_app.documents.models import (
        DistributionLevel,
        Document,
        DocumentStatus,
        DocumentType,
        Originator,
    )
    from secretariat_app.extensions import db
    from secretariat_app.notices.models import NotificationKind
    from secretariat_app.notices.services import queue as notice_queue

    delegations = list(db.session.scalars(select(Delegation).order_by(Delegation.id)))
    if not delegations:
        raise BenchError("the reference data made no delegations")
    users = []
    for n in range(RECIPIENTS):
        user = User(email=f"bench.delegate{n:03d}@bench.cica.example", name=f"Bench Delegate {n:03d}",
                    password_hash="!bench-no-login", language="ru" if n % 2 else "en",
                    timezone=TIME_ZONES[n % len(TIME_ZONES)], active=True,
                    delegation_id=delegations[n % len(delegations)].id,
                    mail_opt_out=[], document_digest=False)
        user.role_rows = [UserRole(role=Role.DELEGATE)]
        users.append(user)
    db.session.add_all(users)
    db.session.commit()

    body = db.session.scalar(select(Body).where(Body.code == "SOC")) or db.session.scalar(select(Body))
    year = 2031  # no recorded document has this year: symbols cannot clash
    first_serial = (db.session.scalar(select(func.max(Document.serial)).where(
        Document.body_id == body.id, Document.year == year)) or 0) + 1
    circulated = datetime.now(UTC) - timedelta(minutes=5)
    count = math.ceil(notices / RECIPIENTS)
    documents = []
    for n in range(count):
        serial = first_serial + n
        documents.append(Document(
            symbol=f"CICA/{body.code}/{year}/{serial}", body_id=body.id, year=year, serial=serial,
            title_en=f"Report on confidence building measures in the economic dimension, part {n + 1}",
            title_ru=f"Доклад о мерах доверия в экономическом измерении, часть {n + 1}",
            doc_type=DocumentType.REPORT, originator=Originator.SECRETARIAT,
            level=DistributionLevel.LIMITED if n % 3 == 0 else DistributionLevel.GENERAL,
            status=DocumentStatus.CIRCULATED, circulated_at=circulated))
    db.session.add_all(documents)
    db.session.commit()

    due = datetime.now(UTC) - timedelta(seconds=1)
    user_ids = [user.id for user in users]
    queued, left = 0, notices
    for document in documents:
        take = user_ids[:min(left, RECIPIENTS)]
        queued += notice_queue.queue(NotificationKind.DOCUMENT_CIRCULATED, "document", document.id, take, due)
        left -= len(take)
    db.session.commit()
    return len(users), len(documents), queued


def status_counts() -> Counter:
    from sqlalchemy import func, select

    from secretariat_app.extensions import db
    from secretariat_app.notices.models import Notification

    rows = db.session.execute(select(Notification.status, func.count()).group_by(Notification.status))
    db.session.rollback()
    return Counter({status.value: n for status, n in rows})


# --- Redis: only the keys of our own queue ---------------------------------------------------------------------

def purge_queue(redis_url: str, queue: str) -> int:
    """Delete our queue's lists and binding, and any of our messages left in
    kombu's shared 'unacked' hash (only entries routed to our queue)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = [queue, *(f"{queue}\x06\x16{p}" for p in range(1, 10)),
                f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
        removed = client.delete(*keys)
        for tag, value in client.hscan_iter("unacked"):
            try:
                routed = json.loads(value)[-1]
            except (ValueError, IndexError, TypeError):
                continue
            if routed == queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
                removed += 1
        return removed
    finally:
        client.close()


# --- the run -----------------------------------------------------------------------------------------------------

@dataclass
class SystemResult:
    rate: float = 0.0
    seconds: float = 0.0
    first_pass_seconds: float = 0.0
    claimed_first_pass: int = 0
    first_pass_tasks: int = 0
    passes: int = 0
    worker_idle_rss: int = 0
    worker_peak_rss: int = 0
    worker_processes: int = 0
    received: int = 0
    distinct: int = 0
    duplicates: int = 0
    ids_match: bool = False
    statuses: Counter = field(default_factory=Counter)


@dataclass
class LoopResult:
    rate: float = 0.0
    seconds: float = 0.0
    received: int = 0
    distinct: int = 0
    ids_match: bool = False


def wait_worker_ready(procs: Processes, name: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"the worker exited with {proc.returncode}:\n{procs.tail(name, 40)}")
        if re.search(r"\S+@\S+ ready\.", procs.log_of(name)):
            return
        time.sleep(0.2)
    raise BenchError(f"the worker was not ready within {timeout:.0f} s:\n{procs.tail(name, 40)}")


def run_system(args, procs: Processes, workdir: Path, env: dict, sink: Sink, app, row_ids: set[str]) -> SystemResult:
    from secretariat_app.extensions import db
    from workers.tasks.notify import dispatch_now

    result = SystemResult()
    name = "worker"
    worker = procs.start(name, [CELERY, "-A", "workers.celery_app", "worker", "--concurrency", str(args.concurrency),
                                "--loglevel", args.loglevel, "--hostname", f"notify-bench-{uuid.uuid4().hex[:6]}@%h",
                                "--without-mingle", "--without-gossip", "--without-heartbeat"], env)
    wait_worker_ready(procs, name, worker)
    time.sleep(0.5)
    result.worker_idle_rss, _ = tree_rss(worker.pid)
    sampler = MemorySampler(worker.pid)
    sampler.start()

    def alive() -> None:
        if worker.poll() is not None:
            raise BenchError(f"the worker exited with {worker.returncode}:\n{procs.tail(name, 40)}")

    state = {"t0": None, "last": 0.0}

    def dispatch_if_due() -> None:
        now = time.monotonic()
        if now - state["last"] < args.dispatch_every:
            return
        state["last"] = now
        started_wall, started = time.time(), time.perf_counter()
        with app.app_context():
            done = dispatch_now()  # what the beat task dispatch_due runs
            db.session.remove()
        took = time.perf_counter() - started
        result.passes += 1
        if done.error:
            raise BenchError(f"the dispatcher could not enqueue: {done.error}")
        if done.claimed and state["t0"] is None:
            state["t0"] = started_wall
            result.first_pass_seconds, result.claimed_first_pass = took, len(done.claimed)
            result.first_pass_tasks = done.tasks
            say(f"  dispatch pass 1: claimed {len(done.claimed):,} notices and enqueued them in {done.tasks:,} "
                f"tasks in {took:.2f} s")
        elif done.claimed:
            say(f"  dispatch pass {result.passes}: claimed {len(done.claimed):,} more")
        state["last"] = time.monotonic()

    try:
        dispatch_if_due()
        stats = wait_for_messages(sink, args.notices, args.timeout, alive=alive, on_tick=dispatch_if_due)
        if state["t0"] is None:
            raise BenchError("messages arrived before any claim (a stale task of another run?)")
        result.seconds = stats["last"] - state["t0"]
        result.rate = args.notices / result.seconds
        # Every row should now be "sent"; then a few more dispatcher passes: nothing may go out twice.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with app.app_context():
                result.statuses = status_counts()
            if set(result.statuses) == {"sent"}:
                break
            time.sleep(0.2)
        settle = time.monotonic() + 2.5
        while time.monotonic() < settle:
            dispatch_if_due()
            time.sleep(0.1)
    finally:
        sampler.stop()
    result.worker_peak_rss, result.worker_processes = sampler.peak, sampler.peak_processes
    procs.stop(worker)
    final = stop_sink(procs, sink)
    ids = final.get("ids", {})
    result.received, result.distinct, result.duplicates = final.get("count", 0), final.get("distinct", 0), \
        final.get("duplicates", 0)
    result.ids_match = set(ids) == row_ids
    return result


def build_messages(app) -> list:
    """The same rows rendered into the same messages the worker sent (rendering.build)."""
    from sqlalchemy import select

    from secretariat_app.extensions import db
    from secretariat_app.notices.models import Notification
    from secretariat_app.notices.services import rendering

    with app.app_context():
        rows = list(db.session.scalars(select(Notification).order_by(Notification.id)))
        messages = [rendering.build(row) for row in rows]
        db.session.remove()
    return messages


def plain_loop(procs: Processes, workdir: Path, name: str, messages: list, one_connection: bool, row_ids: set[str],
               timeout: float) -> LoopResult:
    sink = start_sink(procs, workdir, name)
    result = LoopResult()
    try:
        started = time.time()
        if one_connection:
            with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
                for message in messages:
                    smtp.send_message(message)
        else:  # as secretariat_app.core.mail.send: a connection per message (no STARTTLS, no login)
            for message in messages:
                with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
                    smtp.send_message(message)
        stats = wait_for_messages(sink, len(messages), timeout)
        result.seconds = stats["last"] - started
        result.rate = len(messages) / result.seconds
    finally:
        final = stop_sink(procs, sink)
    result.received, result.distinct = final.get("count", 0), final.get("distinct", 0)
    result.ids_match = set(final.get("ids", {})) == row_ids
    return result


def mib(value: int) -> str:
    return f"{value / 1024 / 1024:.1f} MiB"


def report(args, system: SystemResult, per_message: LoopResult, one_conn: LoopResult, size: int) -> bool:
    n = args.notices
    ratio = system.rate / per_message.rate if per_message.rate else 0.0
    counts_ok = (system.received == n and system.distinct == n and system.ids_match
                 and system.statuses == Counter({"sent": n})
                 and per_message.received == n and per_message.distinct == n and per_message.ids_match)
    ok = ratio >= TARGET_RATIO and counts_ok
    say("")
    say(f"RESULTS: {n:,} DOCUMENT_CIRCULATED notices, {args.database_kind}, Redis, worker --concurrency "
        f"{args.concurrency}, {os.cpu_count()} CPUs, messages of about {size:,} bytes")
    say(f"  {'':<58}{'notices/s':>11}{'seconds':>10}")
    say(f"  {'system: dispatcher -> Redis -> worker -> SMTP sink':<58}{system.rate:>11.1f}{system.seconds:>10.2f}")
    say(f"  {'plain smtplib loop, a connection per message (baseline)':<58}{per_message.rate:>11.1f}"
        f"{per_message.seconds:>10.2f}")
    say(f"  {'plain smtplib loop, one connection (information only)':<58}{one_conn.rate:>11.1f}"
        f"{one_conn.seconds:>10.2f}")
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    say(f"  ratio system / baseline: {ratio:.2f}   target >= {TARGET_RATIO}: {verdict}")
    if one_conn.rate:  # the worker sends a batch over one connection: the stricter comparison, for information
        say(f"  ratio system / one-connection loop (information only): {system.rate / one_conn.rate:.2f}")
    say(f"  worker peak memory (RSS of main + pool, {system.worker_processes} processes): "
        f"{mib(system.worker_peak_rss)}  (idle before dispatch: {mib(system.worker_idle_rss)})")
    say(f"  first dispatch pass (claim {system.claimed_first_pass:,} + commit + enqueue "
        f"{system.first_pass_tasks:,} tasks): "
        f"{system.first_pass_seconds:.2f} s; passes run: {system.passes}")
    say("  counts:")
    say(f"    system:   sink received {system.received:,} (want {n:,}), distinct Message-IDs {system.distinct:,} "
        f"(want {n:,}), repeated {system.duplicates}, Message-IDs = the rows' own: "
        f"{'yes' if system.ids_match else 'NO'}; rows {dict(system.statuses)}")
    say(f"    baseline: sink received {per_message.received:,}, distinct Message-IDs {per_message.distinct:,}, "
        f"same Message-IDs: {'yes' if per_message.ids_match else 'NO'}")
    say(f"    one-conn: sink received {one_conn.received:,}, distinct Message-IDs {one_conn.distinct:,}")
    say(f"  verdict: {'all counts right' if counts_ok else 'COUNTS WRONG'}; "
        f"target {'met' if ratio >= TARGET_RATIO else 'missed'}")
    return ok


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=10_000, help="notices to send (default 10,000)")
    parser.add_argument("--sqlite", action="store_true", help="a file SQLite database instead of PostgreSQL")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="PostgreSQL server (superuser, trust): %(default)s")
    parser.add_argument("--db-name", default=DEFAULT_DB)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool size (default 2)")
    parser.add_argument("--loglevel", default="INFO", help="worker log level (default INFO, as in Procfile.dev)")
    parser.add_argument("--dispatch-every", type=float, default=1.0, help="seconds between dispatcher passes")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for the sink (default 900)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    args = parser.parse_args(argv)
    if args.notices < 1:
        parser.error("--notices must be at least 1")
    args.database_kind = "SQLite" if args.sqlite else "PostgreSQL"
    return args


def _interrupted(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupted)  # `kill` cleans up as Ctrl-C does
    workdir = Path(tempfile.mkdtemp(prefix="cica-notify-bench-"))
    logdir = workdir / "logs"
    logdir.mkdir()
    procs = Processes(logdir)
    queue = f"bench-notify-{uuid.uuid4().hex[:10]}"
    created_pg = False
    status = 2
    app = None
    try:
        if args.sqlite:
            database_url = f"sqlite:///{workdir / 'bench.sqlite'}"
        else:
            pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
            pg_admin(args.pg_url, f'CREATE DATABASE "{args.db_name}"')
            created_pg = True
            database_url = f"{args.pg_url.rstrip('/')}/{args.db_name}"
        say(f"Notification benchmark: {args.notices:,} notices, {args.database_kind}, queue {queue}, "
            f"logs in {logdir}")

        # One sink port known now: the worker and the in-process app read MAIL_PORT from the environment.
        env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG", "MAIL_USERNAME",
                                                                 "MAIL_PASSWORD", "CELERY_RESULT_BACKEND")}
        sink = start_sink(procs, workdir, "sink-system")
        env.update(
            DATABASE_URL=database_url, CELERY_BROKER_URL=args.redis_url, CELERY_QUEUE=queue,
            INSTANCE_DIR=str(workdir / "instance"), FILE_STORE_DIR=str(workdir / "files"),
            SECRETARIAT_ENV="development", MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=str(sink.port),
            MAIL_USE_STARTTLS="0", RATELIMIT_STORAGE_URI="memory://", PYTHONUNBUFFERED="1",
            NOTIFY_BATCH_SIZE=str(max(20_000, 2 * args.notices)),
            # Tasks wait in the queue while thousands go before them: no row may be "taken back" meanwhile.
            NOTIFY_SENDING_TIMEOUT_SECONDS=str(max(3600, int(args.timeout) * 2)),
            NOTIFY_DISPATCH_INTERVAL_SECONDS="1",
        )

        say("1. Schema and reference data (flask db upgrade, flask seed --no-demo)")
        started = time.perf_counter()
        build_schema(env)
        say(f"   done in {time.perf_counter() - started:.1f} s")

        os.environ.update(env)  # before the app's config module is imported: it reads the environment once
        sys.path.insert(0, str(ROOT))
        from secretariat_app import create_app

        app = create_app()
        say(f"2. {RECIPIENTS} delegates, documents and {args.notices:,} due notices")
        started = time.perf_counter()
        with app.app_context():
            users, documents, queued = make_people_and_notices(args.notices)
            from sqlalchemy import select

            from secretariat_app.extensions import db
            from secretariat_app.notices.models import Notification

            row_ids = {row.message_id for row in db.session.scalars(select(Notification))}
            db.session.remove()
        if queued != args.notices or len(row_ids) != args.notices:
            raise BenchError(f"queued {queued:,} notices ({len(row_ids):,} rows), not {args.notices:,}")
        say(f"   {users} users, {documents} documents, {queued:,} notices queued in "
            f"{time.perf_counter() - started:.1f} s")

        say(f"3. The system: a Celery worker (--concurrency {args.concurrency}) and the dispatcher every "
            f"{args.dispatch_every:g} s, to the sink on port {sink.port}")
        system = run_system(args, procs, workdir, env, sink, app, row_ids)
        say(f"   {system.received:,} messages in {system.seconds:.2f} s: {system.rate:.1f} notices/s; "
            f"worker peak {mib(system.worker_peak_rss)}")

        say("4. The baseline: the same rows rendered in this process with rendering.build (not timed)")
        started = time.perf_counter()
        messages = build_messages(app)
        size = len(messages[0].as_bytes()) if messages else 0
        say(f"   {len(messages):,} messages built in {time.perf_counter() - started:.1f} s "
            f"(about {size:,} bytes each)")
        per_message = plain_loop(procs, workdir, "sink-baseline", messages, False, row_ids, args.timeout)
        say(f"   a connection per message: {per_message.rate:.1f} messages/s ({per_message.seconds:.2f} s)")
        one_conn = plain_loop(procs, workdir, "sink-one-connection", messages, True, row_ids, args.timeout)
        say(f"   one connection:           {one_conn.rate:.1f} messages/s ({one_conn.seconds:.2f} s)")
        del messages

        status = 0 if report(args, system, per_message, one_conn, size) else 1
    except BenchError as error:
        say(f"\nERROR: {error}")
        status = 2
    except KeyboardInterrupt:
        say("\ninterrupted")
        status = 2
    except Exception as error:  # noqa: BLE001 - still clean up, then show it
        import traceback

        say(f"\nERROR: {type(error).__name__}: {error}")
        traceback.print_exc()
        status = 2
    finally:
        previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the clean-up
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        procs.stop_all()
        if app is not None:
            try:
                from secretariat_app.extensions import db

                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
            except Exception:  # noqa: BLE001
                pass
        try:
            purge_queue(args.redis_url, queue)
        except Exception as error:  # noqa: BLE001
            say(f"could not remove the queue {queue} from Redis: {error}")
        if args.keep:
            say(f"\nKept {'database ' + args.db_name + ' and ' if created_pg else ''}{workdir}")
        else:
            if created_pg:
                try:
                    pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
                except Exception as error:  # noqa: BLE001
                    say(f"could not drop {args.db_name}: {error}")
            shutil.rmtree(workdir, ignore_errors=True)
            say(f"\nCleaned up: processes stopped, queue removed from Redis"
                f"{', database ' + args.db_name + ' dropped' if created_pg else ''}, {workdir} removed")
        signal.signal(signal.SIGINT, previous_int)
    return status


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_sink":
        run_sink(int(sys.argv[2]), Path(sys.argv[3]))
        sys.exit(0)
    sys.exit(main())
