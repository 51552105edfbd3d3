"""Notices through a real Celery worker and beat, against Redis, to a real SMTP
server (aiosmtpd), counting what the server received:

(a) a notice due now reaches every recipient exactly once;
(b) two dispatchers at once (PostgreSQL) still send one mail per recipient;
(e) an SMTP server answering 4xx, then 5xx: retries, then a failed row whose
    error the officer page shows, and which its resend button sends.

(c) the SIGKILLed worker and (d) the stopped Redis are in test_dispatch_failures.py.
The helpers here are shared by the other test_dispatch* files."""
from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import TestConfig, celery_settings
from secretariat_app import create_app
from secretariat_app.extensions import db
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from tests import services_available as services
from tests.conftest import free_port, log_in, post_form

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
SENT = NotificationStatus.SENT
pytestmark = [pytest.mark.integration, pytest.mark.redis]


# A scripted SMTP server ----------------------------------------------------------------------------------

class Sink:
    """aiosmtpd on a free port. Answers DATA with the scripted replies first
    (e.g. "451 4.3.0 try later"), then "250 OK". With `delay`, it keeps each
    accepted mail first and answers `delay` seconds later, as a server that has
    stored a mail before the client hears so: a client killed meanwhile has
    had its mail delivered without knowing it."""

    def __init__(self, replies=(), delay: float = 0.0):
        from aiosmtpd.controller import Controller

        self.replies, self.delay, self.accepted, self.answers = list(replies), delay, [], []
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    reply = sink.replies.pop(0) if sink.replies else "250 OK"
                    sink.answers.append(reply)
                    if reply.startswith("250"):
                        sink.accepted.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                if sink.delay:
                    await asyncio.sleep(sink.delay)
                return reply

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def messages(self) -> list:
        with self.lock:
            return list(self.accepted)

    def stop(self) -> None:
        self.controller.stop()


# Processes we start and stop -------------------------------------------------------------------------------

class RedisServer:
    """Our own redis-server on a free port, without persistence: stopping it loses nothing of anyone else's."""

    def __init__(self, log: Path):
        self.port, self.log, self.process = free_port(), log, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        wait_for(lambda: services.port_open("127.0.0.1", self.port), 10, "redis-server to listen")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Celery:
    """A `celery worker` or `celery beat` process in its own session, so that the
    test can SIGKILL it with its pool processes and nothing else."""

    def __init__(self, env: dict, log: Path, *args: str):
        self.log = log
        self.process = subprocess.Popen([str(CELERY), "-A", "workers.celery_app", *args], cwd=ROOT, env=env,
                                        stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the process and its children (its process group: ours only)."""
        if self.running():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.running():
            self.process.terminate()  # a warm shutdown: the pool's processes finish and exit with it
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        if self.process.returncode is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # a pool process left behind, if any
            except ProcessLookupError:
                pass
        else:
            self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def worker(env: dict, tmp_path: Path, name: str, concurrency: int = 2) -> Celery:
    return Celery(env, tmp_path / f"{name}.log", "worker", "--loglevel", "INFO", "--concurrency", str(concurrency),
                  "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@%h", "--without-mingle", "--without-gossip",
                  "--without-heartbeat")


def beat(env: dict, tmp_path: Path, name: str = "beat") -> Celery:
    return Celery(env, tmp_path / f"{name}.log", "beat", "--loglevel", "INFO",
                  "--schedule", str(tmp_path / f"{name}-schedule"))


def wait_for(condition, timeout: float, what: str, processes=()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for process in processes:
            assert process.running(), f"{process.log.name} exited while waiting for {what}:\n{process.output()[-3000:]}"
        time.sleep(0.2)
    logs = "\n".join(f"--- {p.log.name}\n{p.output()[-2500:]}" for p in processes)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{logs}")


# The application: a database the worker shares, settings for short waits ---------------------------------

class Setup:
    def __init__(self, tmp_path: Path, database_url: str, broker_url: str, sink: Sink | None, **notify):
        self.queue = f"test-notify-{uuid.uuid4().hex[:8]}"
        settings = {"NOTIFY_MAX_ATTEMPTS": 5, "NOTIFY_BACKOFF_SECONDS": 1, "NOTIFY_SENDING_TIMEOUT_SECONDS": 30,
                    "NOTIFY_BATCH_SIZE": 100, "NOTIFY_DISPATCH_INTERVAL_SECONDS": 1, **notify}
        self.env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker_url,
                    "CELERY_QUEUE": self.queue, "INSTANCE_DIR": str(tmp_path / "instance"),
                    "FILE_STORE_DIR": str(tmp_path / "files"), "SECRETARIAT_ENV": "development",
                    "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port if sink else 25),
                    **{name: str(value) for name, value in settings.items()}}
        self.app = create_app(TestConfig, {
            "SQLALCHEMY_DATABASE_URI": database_url, "FILE_STORE_DIR": str(tmp_path / "files"), **settings,
            "CELERY": {**celery_settings(broker_url, None), "task_default_queue": self.queue},
        })
        self.sink = sink
        with self.app.app_context():
            db.create_all()

    def statuses(self) -> Counter:
        with self.app.app_context():
            return Counter(status for (status,) in db.session.execute(select(Notification.status)))

    def message_ids(self) -> dict[str, str]:
        """Message-ID → the recipient's e-mail, for every row."""
        with self.app.app_context():
            return {row.message_id: row.recipient.email for row in db.session.scalars(select(Notification))}

    def all_sent(self) -> bool:
        counts = self.statuses()
        return bool(counts) and set(counts) == {SENT}

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'app.sqlite'}"


def people_and_notices(setup: Setup, recipients: int, kinds=(NotificationKind.DOCUMENT_CIRCULATED,)) -> int:
    """`recipients` delegates and one document; one notice of each kind per delegate, due now."""
    from secretariat_app.notices.services import queue as notice_queue
    from tests.documents_helpers import make_document
    from tests.factories import delegate

    with setup.app.app_context():
        users = [delegate() for _ in range(recipients)]
        document = make_document()
        now = datetime.now(UTC)
        queued = sum(notice_queue.queue(kind, "document", document.id, [u.id for u in users], now) for kind in kinds)
        db.session.commit()
        return queued


def assert_each_notice_once(setup: Setup, expected: int) -> list:
    messages = setup.sink.messages()
    rows = setup.message_ids()
    assert len(rows) == expected
    received = Counter(m["Message-ID"] for m in messages)
    assert set(received) == set(rows), "a notice is missing, or a mail is not a notice's"
    for message in messages:
        assert message["To"] == rows[message["Message-ID"]]
    return messages


# (a) ---------------------------------------------------------------------------------------------------------

def test_a_notice_due_now_reaches_every_recipient_exactly_once(tmp_path, redis_url, processes):
    sink = Sink()
    setup = Setup(tmp_path, sqlite_url(tmp_path), redis_url, sink)
    try:
        expected = people_and_notices(setup, 8, (NotificationKind.DOCUMENT_CIRCULATED,
                                                 NotificationKind.ACKNOWLEDGEMENT_CHASER))
        assert expected == 16
        processes += [worker(setup.env, tmp_path, "worker"), beat(setup.env, tmp_path)]
        wait_for(setup.all_sent, 25, "every notice to be sent", processes)
        time.sleep(3)  # three more dispatcher runs: nothing is sent twice
        messages = assert_each_notice_once(setup, expected)
        assert len(messages) == expected
        assert Counter(m["To"] for m in messages) == Counter({email: 2 for email in set(setup.message_ids().values())})
        assert all(m.get_body(("html",)) is not None for m in messages)
    finally:
        setup.close()
        sink.stop()


# (b) ---------------------------------------------------------------------------------------------------------

def test_two_dispatchers_at_once_send_one_mail_per_recipient(tmp_path, redis_url, postgres_database, processes):
    """Two worker processes run dispatch passes at the same moments (and the
    test process runs its own between them), claiming small batches with
    FOR UPDATE SKIP LOCKED; every notice is still mailed once."""
    from secretariat_app.notices.services import dispatch
    from workers.tasks.notify import enqueue

    sink = Sink()
    setup = Setup(tmp_path, postgres_database, redis_url, sink, NOTIFY_BATCH_SIZE=7)
    try:
        expected = people_and_notices(setup, 30, (NotificationKind.DOCUMENT_CIRCULATED,
                                                  NotificationKind.ACKNOWLEDGEMENT_CHASER))
        processes += [worker(setup.env, tmp_path, "one", 3), worker(setup.env, tmp_path, "two", 3)]
        celery = setup.app.extensions["celery"]
        claimed_here = 0
        deadline = time.monotonic() + 25
        while not setup.all_sent() and time.monotonic() < deadline:
            for _ in range(4):  # four dispatch passes at once, in the two workers
                celery.send_task("workers.tasks.notify.dispatch_due")
            with setup.app.app_context():
                claimed_here += dispatch.dispatch(enqueue).enqueued  # and a fifth here
            time.sleep(0.3)
        wait_for(setup.all_sent, 5, "every notice to be sent", processes)
        time.sleep(2)
        messages = assert_each_notice_once(setup, expected)
        assert len(messages) == expected == 60
        with setup.app.app_context():
            assert db.session.scalar(select(func.max(Notification.attempts))) == 1  # no row was claimed twice
        # The passes of the task dispatch_due, and those its batches ran after themselves.
        passes = r"dispatch_due\[[^]]+\] succeeded in [^:]+: (\d+)|the next pass after a batch: (\d+)"
        claimed = [claimed_here] + [sum(int(a or b) for a, b in re.findall(passes, p.output())) for p in processes]
        assert sum(claimed) == expected and sum(1 for n in claimed if n) >= 2, claimed  # they did run side by side
    finally:
        setup.close()
        sink.stop()


# (e) ---------------------------------------------------------------------------------------------------------

def test_a_refusing_smtp_server_leads_to_retries_then_a_failed_row_on_the_officer_page(tmp_path, redis_url,
                                                                                          processes):
    from tests.factories import officer

    sink = Sink(replies=["451 4.3.0 Mailbox busy, try again later", "451 4.3.0 Mailbox busy, try again later",
                         "554 5.7.1 Message refused by policy"])
    setup = Setup(tmp_path, sqlite_url(tmp_path), redis_url, sink)
    try:
        assert people_and_notices(setup, 1) == 1
        processes += [worker(setup.env, tmp_path, "worker"), beat(setup.env, tmp_path)]
        wait_for(lambda: setup.statuses() == Counter({NotificationStatus.FAILED: 1}), 25, "the row to fail",
                 processes)
        assert [a[:3] for a in sink.answers] == ["451", "451", "554"]  # two retries, then the refusal
        assert sink.messages() == []
        with setup.app.app_context():
            row = db.session.scalar(select(Notification))
            row_id, message_id = row.id, row.message_id
            assert (row.attempts, row.last_error) == (3, "554 5.7.1 Message refused by policy")
            staff_email = officer().email
        client = setup.app.test_client()
        log_in(client, staff_email)
        html = client.get("/notices/failed").get_data(as_text=True)
        assert "554 5.7.1 Message refused by policy" in html and f'data-notice="{row_id}"' in html
        assert post_form(client, f"/notices/{row_id}/resend", {}, page="/notices/failed").status_code == 302
        wait_for(setup.all_sent, 15, "the resent notice to go out", processes)  # the server accepts now
        [message] = assert_each_notice_once(setup, 1)
        assert message["Message-ID"] == message_id
    finally:
        setup.close()
        sink.stop()
