"""Notices at the workers' speed and through an SMTP outage, with a real
Celery worker on Redis, PostgreSQL and aiosmtpd:

- with no beat at all, the commit that queued the notices asks for a dispatch
  and each finished batch for the next, until every due notice is sent: many
  batches, never more in flight than the limit, a notice not yet due left alone;
- an SMTP server down for longer than the whole attempt budget fails nothing
  (the circuit holds the notices, their attempts untouched); started again, it
  receives every notice once."""
from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from tests.conftest import SmtpSink
from tests.integration.test_dispatch import Setup, Sink, beat, people_and_notices, wait_for, worker

pytestmark = [pytest.mark.integration, pytest.mark.redis]
PENDING, SENDING, SENT, FAILED = (NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.SENT,
                                  NotificationStatus.FAILED)
DOCUMENT_KINDS = (NotificationKind.DOCUMENT_CIRCULATED, NotificationKind.ACKNOWLEDGEMENT_CHASER)


class InFlight(threading.Thread):
    """Samples the rows "sending" while the test waits: the most it saw."""

    def __init__(self, setup: Setup):
        super().__init__(daemon=True)
        self.setup, self.most, self.halt = setup, 0, threading.Event()

    def run(self) -> None:
        with self.setup.app.app_context():
            while not self.halt.is_set():
                count = db.session.scalar(select(func.count(Notification.id))
                                          .where(Notification.status == SENDING))
                db.session.rollback()
                self.most = max(self.most, count or 0)
                self.halt.wait(0.05)
            db.session.remove()

    def stop(self) -> int:
        self.halt.set()
        self.join(10)
        return self.most


def dispatch_passes(process) -> list[int]:
    """How many notices each pass that claimed some handed over: the task
    dispatch_due (the kick) and the passes that batches run after themselves."""
    output = process.output()
    return [int(n) for n in re.findall(r"dispatch_due\[[^]]+\] succeeded in [^:]+: (\d+)", output)
            + re.findall(r"the next pass after a batch: (\d+) notices handed over", output)]


def test_batches_follow_one_another_without_beat(tmp_path, redis_url, postgres_database, processes):
    sink = Sink()
    setup = Setup(tmp_path, postgres_database, redis_url, sink, NOTIFY_BATCH_SIZE=10, NOTIFY_PER_TASK=5,
                  NOTIFY_DISPATCH_INTERVAL_SECONDS=3600)
    sampler = InFlight(setup)
    try:
        one = worker(setup.env, tmp_path, "worker")
        processes.append(one)  # and no beat
        wait_for(lambda: " ready." in one.output(), 30, "the worker to start", processes)
        with setup.app.app_context():  # a notice due in an hour: not sent by any of these passes
            from secretariat_app.notices.services import queue as notice_queue
            from tests.factories import delegate

            notice_queue.queue(NotificationKind.MEETING_REMINDER, "meeting", 1, [delegate().id],
                               datetime.now(UTC) + timedelta(hours=1))
            db.session.commit()
        sampler.start()
        expected = people_and_notices(setup, 30, DOCUMENT_KINDS)  # its commit asks for the first dispatch
        assert expected == 60
        wait_for(lambda: setup.statuses()[SENT] == expected, 60, "every due notice to be sent", processes)
        time.sleep(1)
        most = sampler.stop()
        statuses = setup.statuses()
        assert statuses == Counter({SENT: expected, PENDING: 1})  # the one due later waits
        with setup.app.app_context():
            messages = sink.messages()
            rows = {r.message_id: r.recipient.email for r in db.session.scalars(
                select(Notification).where(Notification.kind.in_(DOCUMENT_KINDS)))}
        assert sorted(m["Message-ID"] for m in messages) == sorted(rows)  # each once
        passes = dispatch_passes(one)
        assert sum(passes) == expected and len([n for n in passes if n]) >= 6, passes  # batch after batch
        assert most <= 10, f"{most} notices in flight, above the limit of 10"
    finally:
        sampler.halt.set()
        setup.close()
        sink.stop()


def test_an_smtp_outage_longer_than_the_attempt_budget_fails_nothing(tmp_path, redis_url, postgres_database,
                                                                      processes):
    """Three attempts 1 s and 2 s apart: without the circuit, every notice
    would have failed within about 3 s of a 12 s outage."""
    smtp = SmtpSink()  # not started: the server is down
    setup = Setup(tmp_path, postgres_database, redis_url, smtp, NOTIFY_MAX_ATTEMPTS=3, NOTIFY_BACKOFF_SECONDS=1,
                  NOTIFY_OUTAGE_BACKOFF_SECONDS=1, NOTIFY_OUTAGE_BACKOFF_MAX_SECONDS=2, NOTIFY_PER_TASK=5)
    try:
        processes += [worker(setup.env, tmp_path, "worker"), beat(setup.env, tmp_path)]
        wait_for(lambda: " ready." in processes[0].output() and "beat: Starting" in processes[1].output(), 30,
                 "the worker and beat to start", processes)
        expected = people_and_notices(setup, 10, DOCUMENT_KINDS)

        def circuit_state() -> str:
            from secretariat_app.notices.services import circuit

            with setup.app.app_context():
                state = circuit.status().state.value
                db.session.remove()
                return state

        wait_for(lambda: circuit_state() != "closed", 20, "the circuit to open", processes)
        opened = time.monotonic()
        while time.monotonic() - opened < 12:  # four times the attempt budget
            statuses = setup.statuses()
            assert statuses[FAILED] == 0 and statuses[SENT] == 0, statuses
            time.sleep(0.5)
        with setup.app.app_context():
            assert db.session.scalar(select(func.max(Notification.attempts))) == 0  # no attempt spent
            assert db.session.scalar(select(func.max(Notification.claims))) == 1  # claimed once, then held
        assert "notices held, no attempt spent" in processes[0].output()
        smtp.start()
        wait_for(lambda: setup.statuses() == Counter({SENT: expected}), 30, "the notices to go out", processes)
        time.sleep(2)
        with setup.app.app_context():
            rows = {r.message_id: r.recipient.email for r in db.session.scalars(select(Notification))}
            assert db.session.scalar(select(func.max(Notification.attempts))) == 1
        received = [email.message_from_bytes(e.content, policy=email.policy.default) for e in smtp.messages]
        assert sorted(m["Message-ID"] for m in received) == sorted(rows)  # every notice once
        assert all(rows[m["Message-ID"]] == m["To"] for m in received)
        assert circuit_state() == "closed"
    finally:
        setup.close()
        smtp.stop()
