"""The notification benchmark, run by hand, at production settings:

    .venv/bin/python bench/notify/run.py                    # 5,000 notices, 3 rounds, PostgreSQL
    .venv/bin/python bench/notify/run.py --rounds 5         # more rounds: medians and ranges
    .venv/bin/python bench/notify/run.py --notices 1000     # a quick try
    .venv/bin/python bench/notify/run.py --sqlite           # a file SQLite database instead

It measures what an officer sees: a document circulated to every delegation
(members and observers), one notice per active user of them, until the last
mail is accepted. In one process tree it
  1. creates a fresh database (PostgreSQL `secretariat_notify_bench`, dropped
     at the end; or a SQLite file in a temporary directory), builds the schema
     with the app's migrations (`flask db upgrade`) and loads the reference
     data (`flask seed --no-demo`): every delegation;
  2. creates N delegates spread over all the delegations (half English, half
     Russian, several time zones);
  3. each round: starts an aiosmtpd sink in a subprocess (this script with
     `_sink`), which counts the messages and the distinct Message-IDs it accepts
     and notes the wall-clock time of the first and the last; a real Celery
     worker (`--concurrency 2`) and one beat against Redis with a queue of their
     own, MAIL_BACKEND=smtp to the sink, and every NOTIFY_* setting at its
     default (production's: 500 in flight, 50 per task, beat every 60 s);
     then registers a draft with its English and Russian versions and
     circulates it with `circulate()` to members and observers, as the
     officer's button does. Nothing else runs the dispatcher: the commit asks
     for a dispatch and each batch for the next. Timed from the call to
     `circulate()` to the last mail the sink accepted (end to end), and from
     the first mail to the last;
  4. then the baseline of that round: the same rows rendered into the same
     messages in this process with `rendering.build` (not timed), sent by a
     plain loop of smtplib to a fresh sink, one connection per message (the
     ratio is against this one, as issue 6 set it), and over one connection
     (information: the worker sends each batch over one connection);
  5. prints each round, the medians and ranges over the rounds, the machine's
     load average around each round, and the count checks, and stops everything
     it started (on error and on Ctrl-C too), removes its queue's keys from
     Redis, drops the database and removes the temporary directory (unless --keep).

Exit status: 0 every round delivered N notices in under TARGET_SECONDS end to
end with every count right, 1 a target or a count missed, 2 the benchmark
could not run.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # /work/main
sys.path.insert(0, str(ROOT / "bench"))

from common import BenchError, Processes, free_port, say  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
if not VENV_BIN.exists():  # a worktree without its own virtualenv: the one running this script
    VENV_BIN = Path(sys.executable).parent
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
CELERY = str(VENV_BIN / "celery") if (VENV_BIN / "celery").exists() else str(Path(sys.executable).parent / "celery")
DEFAULT_PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
DEFAULT_DB = "secretariat_notify_bench"
DEFAULT_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
TARGET_SECONDS = 60.0  # issue 18: 5,000 notices to all delegations in under a minute, end to end
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


def make_people(count: int) -> tuple[int, int]:
    """`count` delegates spread over every delegation. Returns (users, delegations)."""

    from sqlalchemy import select

    from secretariat_app.accounts.models.people import Delegation, Role, User, UserRole
    from secretariat_app.extensions import db

    delegations = list(db.session.scalars(select(Delegation).order_by(Delegation.id)))
    if not delegations:
        raise BenchError("the reference data made no delegations")
    users = []
    for n in range(count):
        user = User(email=f"bench.delegate{n:05d}@bench.cica.example", name=f"Bench Delegate {n:05d}",
                    password_hash="!bench-no-login", language="ru" if n % 2 else "en",
                    timezone=TIME_ZONES[n % len(TIME_ZONES)], active=True,
                    delegation_id=delegations[n % len(delegations)].id,
                    mail_opt_out=[], document_digest=False)
        user.role_rows = [UserRole(role=Role.DELEGATE)]
        users.append(user)
    db.session.add_all(users)
    db.session.commit()
    return len(users), len(delegations)


def make_draft(round_number: int) -> int:
    """A GENERAL draft with an English and a Russian version (real files in the store)."""
    import io

    from sqlalchemy import func, select

    from secretariat_app.accounts.models.states import Body
    from secretariat_app.core.storage import file_store
    from secretariat_app.documents.models import (
        DistributionLevel,
        Document,
        DocumentStatus,
        DocumentType,
        DocumentVersion,
        Originator,
        StoredFile,
    )
    from secretariat_app.extensions import db

    body = db.session.scalar(select(Body).where(Body.code == "SOC")) or db.session.scalar(select(Body))
    year = 2031  # no recorded document has this year: symbols cannot clash
    serial = (db.session.scalar(select(func.max(Document.serial)).where(
        Document.body_id == body.id, Document.year == year)) or 0) + 1
    document = Document(
        symbol=f"CICA/{body.code}/{year}/{serial}", body_id=body.id, year=year, serial=serial,
        title_en=f"Report on confidence building measures in the economic dimension, round {round_number}",
        title_ru=f"Доклад о мерах доверия в экономическом измерении, раунд {round_number}",
        doc_type=DocumentType.REPORT, originator=Originator.SECRETARIAT, level=DistributionLevel.GENERAL,
        status=DocumentStatus.DRAFT)
    db.session.add(document)
    db.session.commit()
    for language in ("en", "ru"):
        content = b"%PDF-1.4\n% " + f"{document.symbol} {language}".encode() + b"\n%%EOF\n"
        stored = file_store().save(io.BytesIO(content), max_size=1024 * 1024)
        if db.session.get(StoredFile, stored.sha256) is None:
            db.session.add(StoredFile(sha256=stored.sha256, size=stored.size, content_type=stored.type.content_type,
                                      extension=stored.type.extension))
        db.session.add(DocumentVersion(document_id=document.id, language=language, is_original=language == "en",
                                       file_sha256=stored.sha256))
        db.session.commit()
    return document.id


def circulate_to_everyone(document_id: int) -> None:
    """What the officer's button does: `circulate()` to members and observers (one commit)."""
    from secretariat_app.documents.models import Document
    from secretariat_app.documents.services.circulation import Audience, CirculationData, circulate
    from secretariat_app.extensions import db

    circulate(None, db.session.get(Document, document_id), CirculationData(Audience.MEMBERS_AND_OBSERVERS))


def rows_of(document_id: int) -> dict[str, str]:
    """{Message-ID: status} of the notices of `document_id`."""
    from sqlalchemy import select

    from secretariat_app.extensions import db
    from secretariat_app.notices.models import Notification

    rows = {row.message_id: row.status.value for row in db.session.scalars(
        select(Notification).where(Notification.subject_type == "document", Notification.subject_id == document_id))}
    db.session.rollback()
    return rows


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
    rate: float = 0.0  # notices / end-to-end seconds
    seconds: float = 0.0  # from the call to circulate() to the last mail accepted
    spread: float = 0.0  # from the first mail accepted to the last
    first_mail: float = 0.0  # from the call to circulate() to the first mail
    circulate_seconds: float = 0.0  # the officer's request: circulate() and its commit
    worker_idle_rss: int = 0
    worker_peak_rss: int = 0
    worker_processes: int = 0
    received: int = 0
    distinct: int = 0
    duplicates: int = 0
    ids_match: bool = False
    statuses: Counter = field(default_factory=Counter)
    load_before: tuple = ()
    load_after: tuple = ()


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


def run_round(args, procs: Processes, workdir: Path, env: dict, app, round_number: int) -> tuple:
    """One round: a fresh sink, worker and beat; a draft circulated to everyone; the
    system's figures. Returns (SystemResult, document id, its rows' Message-IDs)."""
    from secretariat_app.extensions import db

    result = SystemResult()
    sink = start_sink(procs, workdir, f"sink-system-{round_number}")
    env = dict(env, MAIL_PORT=str(sink.port))
    name, beat_name = f"worker-{round_number}", f"beat-{round_number}"
    worker = procs.start(name, [CELERY, "-A", "workers.celery_app", "worker", "--concurrency", str(args.concurrency),
                                "--loglevel", args.loglevel, "--hostname", f"notify-bench-{uuid.uuid4().hex[:6]}@%h",
                                "--without-mingle", "--without-gossip", "--without-heartbeat"], env)
    beat = procs.start(beat_name, [CELERY, "-A", "workers.celery_app", "beat", "--loglevel", "INFO",
                                   "--schedule", str(workdir / f"beat-schedule-{round_number}")], env)
    wait_worker_ready(procs, name, worker)
    with app.app_context():
        document_id = make_draft(round_number)
        db.session.remove()
    time.sleep(1.0)
    if beat.poll() is not None:
        raise BenchError(f"beat exited with {beat.returncode}:\n{procs.tail(beat_name, 40)}")
    result.worker_idle_rss, _ = tree_rss(worker.pid)
    sampler = MemorySampler(worker.pid)
    sampler.start()

    def alive() -> None:
        if worker.poll() is not None:
            raise BenchError(f"the worker exited with {worker.returncode}:\n{procs.tail(name, 40)}")

    try:
        result.load_before = os.getloadavg()
        started = time.time()
        with app.app_context():
            circulate_to_everyone(document_id)  # commits; its commit asks for a dispatch
            db.session.remove()
        result.circulate_seconds = time.time() - started
        with app.app_context():
            row_ids = set(rows_of(document_id))
            db.session.remove()
        if len(row_ids) != args.notices:
            raise BenchError(f"circulating queued {len(row_ids):,} notices, not {args.notices:,}")
        stats = wait_for_messages(sink, args.notices, args.timeout, alive=alive)
        result.seconds = stats["last"] - started
        result.spread = stats["last"] - stats["first"]
        result.first_mail = stats["first"] - started
        result.rate = args.notices / result.seconds
        result.load_after = os.getloadavg()
        deadline = time.monotonic() + 30  # every row "sent"; then a while longer: nothing may go out twice
        while time.monotonic() < deadline:
            with app.app_context():
                result.statuses = Counter(rows_of(document_id).values())
                db.session.remove()
            if set(result.statuses) == {"sent"}:
                break
            time.sleep(0.2)
        time.sleep(2.5)
    finally:
        sampler.stop()
    result.worker_peak_rss, result.worker_processes = sampler.peak, sampler.peak_processes
    procs.stop(beat)
    procs.stop(worker)
    final = stop_sink(procs, sink)
    ids = final.get("ids", {})
    result.received, result.distinct, result.duplicates = final.get("count", 0), final.get("distinct", 0), \
        final.get("duplicates", 0)
    result.ids_match = set(ids) == row_ids
    return result, document_id, row_ids


def build_messages(app, document_id: int) -> list:
    """The same rows rendered into the same messages the worker sent (rendering.build)."""
    from sqlalchemy import select

    from secretariat_app.extensions import db
    from secretariat_app.notices.models import Notification
    from secretariat_app.notices.services import rendering

    with app.app_context():
        rows = list(db.session.scalars(select(Notification).where(
            Notification.subject_type == "document", Notification.subject_id == document_id)
            .order_by(Notification.id)))
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


def _spread(values: list[float], fmt: str = "{:.1f}") -> str:
    """median (min–max)"""
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def report(args, rounds: list[tuple[SystemResult, LoopResult, LoopResult]], size: int, delegations: int) -> bool:
    n = args.notices
    say("")
    say(f"RESULTS: {n:,} DOCUMENT_CIRCULATED notices per round (one circulation to {delegations} delegations), "
        f"{len(rounds)} round(s), {args.database_kind}, Redis, worker --concurrency {args.concurrency} and one beat, "
        f"NOTIFY_* at their defaults, {os.cpu_count()} CPUs, messages of about {size:,} bytes")
    say(f"  {'round':<6}{'end to end s':>13}{'notices/s':>11}{'first→last s':>14}{'to 1st mail s':>14}"
        f"{'circulate s':>12}{'loop/conn /s':>13}{'loop 1 conn /s':>15}{'ratio':>7}   load avg (1 min) before→after")
    ok = True
    for number, (system, per_message, one_conn) in enumerate(rounds, 1):
        ratio = system.rate / per_message.rate if per_message.rate else 0.0
        counts_ok = (system.received == n and system.distinct == n and system.duplicates == 0 and system.ids_match
                     and system.statuses == Counter({"sent": n})
                     and per_message.received == n and per_message.distinct == n and per_message.ids_match)
        ok = ok and counts_ok and system.seconds < TARGET_SECONDS
        say(f"  {number:<6}{system.seconds:>13.2f}{system.rate:>11.1f}{system.spread:>14.2f}{system.first_mail:>14.2f}"
            f"{system.circulate_seconds:>12.2f}{per_message.rate:>13.1f}{one_conn.rate:>15.1f}{ratio:>7.2f}   "
            f"{system.load_before[0]:.1f}→{system.load_after[0]:.1f}")
        say(f"         counts: sink {system.received:,} (want {n:,}), distinct Message-IDs {system.distinct:,}, "
            f"repeated {system.duplicates}, the rows' own: {'yes' if system.ids_match else 'NO'}; "
            f"rows {dict(system.statuses)}; baseline {per_message.received:,} / {per_message.distinct:,}"
            f"{'' if counts_ok else '   COUNTS WRONG'}")
    systems = [r[0] for r in rounds]
    say("  medians (min–max) over the rounds:")
    say(f"    end to end, circulate() to the last mail: {_spread([s.seconds for s in systems], '{:.2f}')} s "
        f"= {_spread([s.rate for s in systems])} notices/s   (target: under {TARGET_SECONDS:g} s)")
    say(f"    first mail to last mail:                  {_spread([s.spread for s in systems], '{:.2f}')} s")
    say(f"    plain smtplib loop, a connection per message: {_spread([r[1].rate for r in rounds])} messages/s; "
        f"one connection: {_spread([r[2].rate for r in rounds])} messages/s")
    say(f"    ratio system (end to end) / loop with a connection per message: "
        f"{_spread([s.rate / r[1].rate for s, r in zip(systems, rounds, strict=True)], '{:.2f}')}")
    say(f"    load average (1 min) at the start of the rounds: {_spread([s.load_before[0] for s in systems])}")
    say(f"  worker peak memory (RSS of main + pool, {systems[-1].worker_processes} processes): "
        f"{mib(max(s.worker_peak_rss for s in systems))}  (idle: {mib(systems[-1].worker_idle_rss)})")
    verdict = f"every round under {TARGET_SECONDS:g} s, every count right" if ok else "MISSED"
    say(f"  verdict: {verdict}")
    return ok


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=5_000, help="delegates, so notices per round (default 5,000)")
    parser.add_argument("--rounds", type=int, default=3, help="circulations, each timed on its own (default 3)")
    parser.add_argument("--sqlite", action="store_true", help="a file SQLite database instead of PostgreSQL")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="PostgreSQL server (superuser, trust): %(default)s")
    parser.add_argument("--db-name", default=DEFAULT_DB)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool size (default 2)")
    parser.add_argument("--loglevel", default="INFO", help="worker log level (default INFO, as in Procfile.dev)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for the sink (default 900)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    args = parser.parse_args(argv)
    if args.notices < 1 or args.rounds < 1:
        parser.error("--notices and --rounds must be at least 1")
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

        env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG", "MAIL_USERNAME",
                                                                 "MAIL_PASSWORD", "CELERY_RESULT_BACKEND")
               and not k.startswith("NOTIFY_")}  # every NOTIFY_* setting at its default
        env.update(
            DATABASE_URL=database_url, CELERY_BROKER_URL=args.redis_url, CELERY_QUEUE=queue,
            INSTANCE_DIR=str(workdir / "instance"), FILE_STORE_DIR=str(workdir / "files"),
            SECRETARIAT_ENV="development", MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT="25",
            MAIL_USE_STARTTLS="0", RATELIMIT_STORAGE_URI="memory://", PYTHONUNBUFFERED="1",
        )

        say("1. Schema and reference data (flask db upgrade, flask seed --no-demo)")
        started = time.perf_counter()
        build_schema(env)
        say(f"   done in {time.perf_counter() - started:.1f} s")

        for name in [k for k in os.environ if k.startswith("NOTIFY_")]:
            del os.environ[name]
        os.environ.update(env)  # before the app's config module is imported: it reads the environment once
        sys.path.insert(0, str(ROOT))
        from secretariat_app import create_app

        app = create_app()
        settings = {k: app.config[k] for k in ("NOTIFY_BATCH_SIZE", "NOTIFY_PER_TASK", "NOTIFY_RATE_PER_MINUTE",
                                               "NOTIFY_DISPATCH_INTERVAL_SECONDS")}
        say(f"2. {args.notices:,} delegates over every delegation; settings {settings}")
        started = time.perf_counter()
        with app.app_context():
            from secretariat_app.extensions import db

            users, delegations = make_people(args.notices)
            db.session.remove()
        say(f"   {users:,} users in {delegations} delegations in {time.perf_counter() - started:.1f} s")

        rounds = []
        size = 0
        for number in range(1, args.rounds + 1):
            say(f"3.{number} Round {number}: a worker (--concurrency {args.concurrency}) and beat; a draft "
                f"circulated to every delegation")
            system, document_id, row_ids = run_round(args, procs, workdir, env, app, number)
            say(f"   {system.received:,} mails, {system.seconds:.2f} s end to end ({system.rate:.1f} notices/s), "
                f"first to last mail {system.spread:.2f} s; load {system.load_before[0]:.1f}")
            messages = build_messages(app, document_id)
            size = len(messages[0].as_bytes()) if messages else 0
            per_message = plain_loop(procs, workdir, f"sink-baseline-{number}", messages, False, row_ids, args.timeout)
            one_conn = plain_loop(procs, workdir, f"sink-one-connection-{number}", messages, True, row_ids,
                                  args.timeout)
            say(f"   baseline: a connection per message {per_message.rate:.1f}/s, one connection {one_conn.rate:.1f}/s")
            del messages
            rounds.append((system, per_message, one_conn))

        status = 0 if report(args, rounds, size, delegations) else 1
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
