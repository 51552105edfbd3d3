"""The in-flight limit holds under dispatchers started at the same instant
(threads released by a barrier) on a real PostgreSQL and on a SQLite file:
together they never claim more than NOTIFY_BATCH_SIZE less what is in flight,
they fill it, and no row is claimed twice."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from secretariat_app.notices.services import dispatch
from tests import services_available as services

pytestmark = [pytest.mark.integration]
SENDING, SENT = NotificationStatus.SENDING, NotificationStatus.SENT
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIMIT = 500


@pytest.fixture(params=["postgresql", "sqlite"])
def limits_app(request, tmp_path: Path):
    if request.param == "postgresql":
        from tests.conftest import _create_postgres_database, _drop_postgres_database

        services.require("PostgreSQL", services.postgres_available(), services.POSTGRES_ADMIN_URL)
        name, url = _create_postgres_database()
    else:
        name, url = "", f"sqlite:///{tmp_path / 'limits.sqlite'}"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "NOTIFY_BATCH_SIZE": LIMIT,
                                  "NOTIFY_RATE_PER_MINUTE": 0})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if name:
        _drop_postgres_database(name)


def due_rows(app, count: int) -> None:
    from secretariat_app.notices.services import queue as notice_queue
    from tests.factories import delegate

    with app.app_context():
        users = [delegate().id for _ in range(10)]
        for subject_id in range(count // len(users)):
            notice_queue.queue(NotificationKind.DOCUMENT_CIRCULATED, "document", subject_id + 1, users,
                               NOW - timedelta(minutes=1))
        db.session.commit()


def race(app, dispatchers: int, full_pass: bool) -> list[list[tuple[int, int]]]:
    """`dispatchers` threads released at one instant, each claiming once (or
    running a whole dispatcher pass); what each claimed."""
    barrier = threading.Barrier(dispatchers)
    claimed: list[list[tuple[int, int]]] = [[] for _ in range(dispatchers)]
    errors: list[BaseException] = []

    def run(index: int) -> None:
        with app.app_context():
            try:
                db.session.execute(select(1))  # a connection in hand before the start
                db.session.rollback()
                barrier.wait()
                if full_pass:
                    claimed[index] = dispatch.dispatch(lambda pairs: None, NOW, per_task=50).claimed
                else:
                    claimed[index] = dispatch.claim_due(NOW)
                    db.session.commit()
            except BaseException as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(dispatchers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return claimed


def in_flight(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Notification.id)).where(Notification.status == SENDING))


def finish(app, count: int) -> None:
    """A worker sends `count` of the rows in flight."""
    with app.app_context():
        ids = db.session.scalars(select(Notification.id).where(Notification.status == SENDING)
                                 .order_by(Notification.id).limit(count)).all()
        db.session.execute(update(Notification).where(Notification.id.in_(ids)).values(status=SENT, sent_at=NOW))
        db.session.commit()


@pytest.mark.parametrize("dispatchers, full_pass", [(2, False), (2, True), (4, False)])
def test_dispatchers_at_the_same_instant_stay_within_the_limit(limits_app, dispatchers, full_pass):
    app = limits_app
    due_rows(app, 1800)
    seen: set[int] = set()
    for round_ in range(3):
        before = in_flight(app)
        claimed = race(app, dispatchers, full_pass)
        ids = [i for batch in claimed for i, _ in batch]
        assert len(ids) == len(set(ids)), "a row was claimed twice"
        assert not seen & set(ids), "a row claimed in an earlier round came back"
        seen |= set(ids)
        # Never above the limit, and filled: the room was LIMIT less what was in flight.
        assert in_flight(app) == before + len(ids) == LIMIT, (round_, [len(c) for c in claimed], before)
        assert all(claim == 1 for batch in claimed for _, claim in batch)
        finish(app, 150 + 100 * round_)  # the workers make room; the next round fills it again
    assert any(race(app, dispatchers, full_pass))  # rows were left: the room was filled again
    assert in_flight(app) == LIMIT
