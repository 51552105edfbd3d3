"""Delivery at the workers' speed: a commit that queued notices asks for a
dispatch (from a thread, never failing the request), each finished batch asks
for the next one unless the server was down, and the claim keeps within the
in-flight limit and the per-minute rate (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from secretariat_app.notices.services import circuit, dispatch, kick
from secretariat_app.notices.services import queue as notice_queue
from tests.documents_helpers import make_document
from tests.factories import delegate

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CIRCULATED = NotificationKind.DOCUMENT_CIRCULATED
PENDING, SENDING, SENT = NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.SENT


@pytest.fixture
def settings(app_ctx, monkeypatch):
    for name, value in {"NOTIFY_BATCH_SIZE": 100, "NOTIFY_RATE_PER_MINUTE": 0, "NOTIFY_PER_TASK": 5,
                        "MAIL_BACKEND": "memory"}.items():
        monkeypatch.setitem(app_ctx.config, name, value)
    return app_ctx.config


@pytest.fixture
def kicks(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(kick, "kick", lambda: calls.append(1))
    return calls


def queue_rows(count: int, due_at: datetime = NOW) -> int:
    """`count` notices of a new document to new delegates (the caller commits)."""
    return notice_queue.queue(CIRCULATED, "document", make_document().id, [delegate().id for _ in range(count)],
                              due_at)


def claim(**options) -> list[tuple[int, int]]:
    claimed = dispatch.claim_due(NOW, **options)
    db.session.commit()
    return claimed


# The claim's room --------------------------------------------------------------------------------------------

def test_the_rate_counts_the_mails_of_the_last_minute(settings):
    queue_rows(20)
    db.session.commit()
    old = db.session.scalars(select(Notification.id).order_by(Notification.id).limit(5)).all()
    db.session.execute(update(Notification).where(Notification.id.in_(old[:3]))
                       .values(status=SENT, sent_at=NOW - timedelta(seconds=30)))  # within the minute
    db.session.execute(update(Notification).where(Notification.id.in_(old[3:]))
                       .values(status=SENT, sent_at=NOW - timedelta(seconds=90)))  # before it
    db.session.commit()
    assert len(claim(rate=8)) == 5  # 8 a minute, 3 sent in it
    assert claim(rate=8) == []  # and 5 in flight
    assert len(claim(rate=10)) == 2
    assert len(claim(rate=0)) == 8  # no rate: the in-flight limit (100) alone, and the rest is claimed


def test_the_smaller_room_wins(settings):
    queue_rows(30)
    db.session.commit()
    assert len(claim(limit=4, rate=100)) == 4
    assert claim(limit=4, rate=100) == []  # in flight: 4 of 4
    assert len(claim(limit=10, rate=7)) == 3  # the rate: 7 less the 4 in flight
    assert claim(limit=-5, rate=0) == []  # a room below nothing is nothing (not "no LIMIT")


# Asking for a dispatch ---------------------------------------------------------------------------------------

def test_a_commit_that_queued_notices_asks_for_one_dispatch(settings, kicks):
    documents, users = [make_document().id for _ in range(2)], [delegate().id for _ in range(3)]
    db.session.commit()
    assert kicks == []
    assert notice_queue.queue(CIRCULATED, "document", documents[0], users, NOW) == 3
    assert notice_queue.queue(CIRCULATED, "document", documents[1], users[:2], NOW) == 2
    assert kicks == []  # nothing before the commit
    db.session.commit()
    assert kicks == [1]  # one for the transaction
    db.session.commit()
    assert kicks == [1]


def test_a_rolled_back_transaction_or_nothing_new_asks_for_nothing(settings, kicks):
    queue_rows(2)
    db.session.rollback()
    db.session.commit()
    assert kicks == []
    users, document = [delegate().id for _ in range(2)], make_document().id
    db.session.commit()
    assert kicks == []
    notice_queue.queue(CIRCULATED, "document", document, users, NOW)
    db.session.commit()
    assert kicks == [1]
    assert notice_queue.queue(CIRCULATED, "document", document, users, NOW) == 0  # queued already
    db.session.commit()
    assert kicks == [1]


def test_the_kick_sends_the_dispatch_task_from_a_thread_and_never_raises(settings, app, monkeypatch, caplog):
    celery = app.extensions["celery"]
    sent, done = [], threading.Event()
    caller = threading.get_ident()

    def send_task(name, **options):
        sent.append((name, options, threading.get_ident() != caller))
        done.set()
        if len(sent) == 2:
            raise ConnectionRefusedError(111, "Connection refused")  # the broker is down

    monkeypatch.setattr(celery, "send_task", send_task)
    kick.kick()
    assert done.wait(10)
    assert sent == [("workers.tasks.notify.dispatch_due", {"expires": 60.0, "retry": False}, True)]
    done.clear()
    kick.kick()  # the broker refuses: a warning, nothing raised to the caller
    assert done.wait(10)
    deadline = datetime.now() + timedelta(seconds=10)
    while "could not ask for a dispatch" not in caplog.text and datetime.now() < deadline:
        threading.Event().wait(0.05)
    assert "could not ask for a dispatch" in caplog.text


def test_a_finished_batch_runs_the_next_pass_unless_the_server_was_down(settings, monkeypatch):
    from workers.tasks import notify

    passes: list[int] = []
    monkeypatch.setattr(notify, "dispatch_now", lambda: passes.append(1))
    queue_rows(4)
    db.session.commit()
    assert notify.send_notifications([list(pair) for pair in claim()]) == "sent: 4"
    assert passes == [1]
    circuit.record_outage("SMTP server unreachable: ConnectionRefusedError", NOW)
    queue_rows(2)
    db.session.commit()
    assert notify.send_notifications([list(pair) for pair in claim()]) == "held: 2"
    assert passes == [1]  # the server is down: beat's pass and the probe take over
    queue_rows(1)
    db.session.commit()
    assert notify.send_notification(*claim()[0]) == "held"  # one row (an earlier version's task): no pass


def test_the_dispatcher_runs_until_no_due_row_is_left(settings, monkeypatch):
    """Tasks run in order, as a worker would take them from its queue: the pass
    that the commit asked for, then each batch running the next pass; no beat."""
    from workers.tasks import notify

    monkeypatch.setitem(settings, "NOTIFY_BATCH_SIZE", 10)
    broker: list[tuple] = []
    passes: list[int] = []
    real_pass = notify.dispatch_now

    def counted_pass():
        passes.append(1)
        return real_pass()

    monkeypatch.setattr(notify, "dispatch_now", counted_pass)
    monkeypatch.setattr(kick, "kick", lambda: broker.append((notify.dispatch_due, ())))
    monkeypatch.setattr(notify, "enqueue_batch", lambda pairs: broker.append(
        (notify.send_notifications, ([list(p) for p in pairs],))))
    queue_rows(37)
    queue_rows(3, due_at=datetime.now(UTC) + timedelta(hours=1))  # not due: not sent
    db.session.commit()
    most_in_flight = 0
    while broker:
        task, args = broker.pop(0)
        task(*args)
        most_in_flight = max(most_in_flight, db.session.scalar(
            select(func.count(Notification.id)).where(Notification.status == SENDING)))
    db.session.expire_all()
    statuses = sorted(r.status.value for r in db.session.scalars(select(Notification)))
    assert statuses == ["pending"] * 3 + ["sent"] * 37
    assert most_in_flight <= 10 and len(passes) >= 4  # several passes, never above the limit
