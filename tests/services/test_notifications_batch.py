"""Notices sent in batches: one task carries up to NOTIFY_PER_TASK claimed rows,
sends them over one SMTP connection (a real aiosmtpd server here) and marks
each row on its own; a redelivered batch sends nothing twice; a row taken
back while its batch runs is not sent by it; a batch that runs out of time
hands the rest back (SQLite and PostgreSQL)."""
from __future__ import annotations

import email
import email.policy
import smtplib
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from secretariat_app.core import mail
from secretariat_app.extensions import db
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from secretariat_app.notices.services import circuit, dispatch
from secretariat_app.notices.services import queue as notice_queue
from tests.conftest import free_port
from tests.documents_helpers import make_document
from tests.factories import delegate

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
CIRCULATED = NotificationKind.DOCUMENT_CIRCULATED
PENDING, SENDING, SENT = NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.SENT
FAILED = NotificationStatus.FAILED


class Sink:
    """aiosmtpd answering DATA with the scripted replies first, then 250; it
    counts the connections (SMTP sessions) the mail came over."""

    def __init__(self, replies=()):
        from aiosmtpd.controller import Controller

        self.replies, self.accepted, self.sessions, self.lock = list(replies), [], set(), threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    sink.sessions.add(session)
                    reply = sink.replies.pop(0) if sink.replies else "250 OK"
                    if reply.startswith("250"):
                        sink.accepted.append(email.message_from_bytes(envelope.content,
                                                                      policy=email.policy.default))
                return reply

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


@pytest.fixture
def settings(app_ctx, monkeypatch):
    for name, value in {"NOTIFY_MAX_ATTEMPTS": 3, "NOTIFY_BACKOFF_SECONDS": 60, "NOTIFY_BATCH_SIZE": 100,
                        "NOTIFY_SENDING_TIMEOUT_SECONDS": 600, "MAIL_BACKEND": "memory"}.items():
        monkeypatch.setitem(app_ctx.config, name, value)
    return app_ctx.config


@pytest.fixture
def sink(settings, monkeypatch):
    server = Sink()
    for name, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port,
                        "MAIL_USE_STARTTLS": False, "MAIL_USERNAME": None}.items():
        monkeypatch.setitem(settings, name, value)
    yield server
    server.stop()


def rows() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def queued(users, due_at=NOW, kind=CIRCULATED) -> None:
    notice_queue.queue(kind, "document", make_document().id, [u.id for u in users], due_at)
    db.session.commit()


def claim(now=NOW, limit=None) -> list[tuple[int, int]]:
    claimed = dispatch.claim_due(now, limit)
    db.session.commit()
    return claimed


def test_a_batch_goes_over_one_connection_and_marks_every_row(sink):
    users = [delegate(language="ru" if n % 2 else "en") for n in range(12)]
    queued(users)
    claimed = claim()
    outcomes = dispatch.deliver_batch(claimed)
    assert outcomes == {notification_id: "sent" for notification_id, _ in claimed}
    assert len(sink.sessions) == 1
    assert [r.status for r in rows()] == [SENT] * 12
    assert sorted(m["Message-ID"] for m in sink.accepted) == sorted(r.message_id for r in rows())
    assert sorted(m["To"] for m in sink.accepted) == sorted(u.email for u in users)
    assert dispatch.deliver_batch(claimed) == {i: "skipped" for i, _ in claimed}  # a redelivered task
    assert len(sink.accepted) == 12


def test_a_refusal_fails_one_row_and_the_connection_goes_on(sink):
    sink.replies = ["451 4.3.0 try again later", "554 5.7.1 refused"]
    queued([delegate() for _ in range(4)])
    claimed = claim()
    outcomes = dispatch.deliver_batch(claimed)
    assert [outcomes[i] for i, _ in claimed] == ["retry", "failed", "sent", "sent"]
    assert len(sink.sessions) == 1 and len(sink.accepted) == 2
    first, second, *_ = rows()
    assert (first.status, first.last_error) == (PENDING, "451 4.3.0 try again later")
    assert (second.status, second.last_error) == (FAILED, "554 5.7.1 refused")


def test_a_server_that_is_down_is_tried_once_per_batch(settings, monkeypatch):
    port = free_port()  # nothing listens there
    for name, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                        "MAIL_USE_STARTTLS": False, "MAIL_USERNAME": None}.items():
        monkeypatch.setitem(settings, name, value)
    opened = []
    real_open = mail._open_smtp
    monkeypatch.setattr(mail, "_open_smtp", lambda config: opened.append(1) or real_open(config))
    queued([delegate() for _ in range(5)])
    outcomes = dispatch.deliver_batch(claim())
    assert set(outcomes.values()) == {"held"} and len(opened) == 1
    # An outage is not the notices': pending again, the attempt given back (the claim stays counted).
    assert all((r.status, r.attempts, r.claims, r.not_before) == (PENDING, 0, 1, None)
               and "Connection refused" in r.last_error for r in rows())
    assert not circuit.status().closed and "Connection refused" in circuit.status().last_error


def test_a_dropped_connection_is_opened_again_for_the_next_row(sink, monkeypatch):
    queued([delegate() for _ in range(3)])
    real_send, calls = smtplib.SMTP.send_message, []

    def send_message(self, message, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            self.close()
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, message, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "send_message", send_message)
    claimed = claim()
    outcomes = dispatch.deliver_batch(claimed)
    assert [outcomes[i] for i, _ in claimed] == ["sent", "retry", "sent"]
    assert len(sink.sessions) == 2


def test_each_row_is_marked_sent_before_the_next_mail_goes(settings, app, monkeypatch):
    """A worker killed in the middle of a batch leaves unmarked only the mail in flight."""
    queued([delegate() for _ in range(4)])
    claimed = claim()
    seen = []

    def send(message):
        with app.app_context():  # another connection sees what is committed
            seen.append(Counter(db.session.scalars(select(Notification.status))))
            db.session.remove()

    monkeypatch.setattr(mail, "send", send)
    dispatch.deliver_batch(claimed)
    assert seen == [Counter({SENT: n, SENDING: 4 - n}) for n in range(4)]


def test_a_row_taken_back_while_its_batch_runs_is_not_sent_by_it(settings, monkeypatch):
    monkeypatch.setitem(settings, "NOTIFY_SENDING_TIMEOUT_SECONDS", 0)  # renew (and check) before every mail
    queued([delegate() for _ in range(3)])
    claimed = claim()
    last_id = claimed[-1][0]
    sent = []

    def send(message):
        sent.append(message["Message-ID"])
        if len(sent) == 1:  # meanwhile the dispatcher took the last row back and claimed it again
            db.session.execute(update(Notification).where(Notification.id == last_id)
                               .values(attempts=Notification.attempts + 1, claims=Notification.claims + 1))
            db.session.commit()

    monkeypatch.setattr(mail, "send", send)
    outcomes = dispatch.deliver_batch(claimed)
    assert [outcomes[i] for i, _ in claimed] == ["sent", "sent", "skipped"]
    assert len(sent) == 2
    last = rows()[-1]
    assert (last.status, last.claims) == (SENDING, 2)  # left to the task of its second claim


def test_a_batch_out_of_time_hands_the_rest_back(settings, monkeypatch, outbox):
    monkeypatch.setitem(settings, "NOTIFY_TASK_SECONDS", 5)
    clock = iter([0.0, 1.0, 2.0, 9.0, 9.0, 9.0])
    monkeypatch.setattr(dispatch.time, "monotonic", lambda: next(clock))
    queued([delegate() for _ in range(4)])
    claimed = claim()
    outcomes = dispatch.deliver_batch(claimed)
    assert [outcomes[i] for i, _ in claimed] == ["sent", "sent", "deferred", "deferred"]
    assert len(outbox) == 2
    *_, third, fourth = rows()
    assert (third.status, third.attempts, third.claimed_at) == (PENDING, 1, None)
    assert "ran out of time" in fourth.last_error
    assert dispatch.deliver_batch(claimed[2:]) == {claimed[2][0]: "skipped", claimed[3][0]: "skipped"}
    again = claim(now=NOW + timedelta(seconds=1))
    assert [attempt for _, attempt in again] == [2, 2]  # a new attempt: the old task's copy stays void


def test_the_dispatcher_hands_over_batches(settings):
    queued([delegate() for _ in range(7)])
    batches = []
    result = dispatch.dispatch(batches.append, now=NOW, per_task=3)
    assert [len(b) for b in batches] == [3, 3, 1] and (result.enqueued, result.tasks) == (7, 3)
    assert sorted(pair for batch in batches for pair in batch) == sorted(result.claimed)


def test_a_batch_survives_a_dead_broker_like_single_tasks(settings):
    queued([delegate() for _ in range(5)])
    handed = []

    def enqueue(batch):
        if handed:
            raise ConnectionError("Connection refused")
        handed.append(batch)

    result = dispatch.dispatch(enqueue, now=NOW, per_task=2)
    assert (len(result.claimed), result.enqueued, result.tasks) == (5, 2, 1) and "refused" in result.error
    # The first task's two stay in flight; the three no task carries are pending again at once.
    assert [r.status for r in rows()] == [SENDING] * 2 + [PENDING] * 3


def test_the_task_takes_json_pairs(settings, outbox):
    from workers.tasks.notify import send_notifications

    queued([delegate() for _ in range(3)])
    pairs = [list(pair) for pair in claim()]
    assert send_notifications.run(pairs) == "sent: 3"
    assert send_notifications.run(pairs) == "skipped: 3"
    assert len(outbox) == 3


def test_a_digest_in_a_batch_is_one_mail(settings, outbox):
    reader = delegate(timezone="Europe/Moscow", document_digest=True)
    other = delegate()
    for _ in range(3):
        queued([reader, other])
    morning = datetime(2025, 6, 3, 4, 0, tzinfo=UTC)  # 07:00 in Moscow, the day after NOW
    outcomes = dispatch.deliver_batch(claim(now=morning))
    assert Counter(outcomes.values()) == Counter({"sent": 4, "skipped": 2})  # 3 plain + the digest; 2 carried
    assert Counter(m["To"] for m in outbox) == Counter({other.email: 3, reader.email: 1})
    assert {r.status for r in rows()} == {SENT}

