"""core/tasks.send_after_commit: a task goes to the broker when the transaction
commits, never when it rolls back, at once when none is open; a broker that
refuses it is named by unsent(), not raised."""
from __future__ import annotations

from kombu.exceptions import OperationalError
from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.core import tasks
from secretariat_app.extensions import db
from tests.factories import officer


def test_a_task_waits_for_the_commit(app_ctx, sent_tasks):
    user = officer()
    user.name = "Renamed"
    db.session.flush()
    tasks.send_after_commit("some.task", user_id=user.id)
    assert sent_tasks == []
    db.session.commit()
    assert sent_tasks == [("some.task", {"user_id": user.id})]
    db.session.commit()  # sent once
    assert len(sent_tasks) == 1


def test_a_rolled_back_transaction_sends_nothing_then_or_later(app_ctx, sent_tasks):
    db.session.scalar(select(User.id))  # a transaction is open
    tasks.send_after_commit("some.task", n=1)
    db.session.rollback()
    db.session.commit()
    db.session.scalar(select(User.id))
    db.session.close()
    assert sent_tasks == []


def test_a_savepoint_rolled_back_keeps_the_task_of_the_transaction(app_ctx, sent_tasks):
    db.session.scalar(select(User.id))
    tasks.send_after_commit("some.task", n=1)
    savepoint = db.session.begin_nested()
    savepoint.rollback()
    db.session.commit()
    assert sent_tasks.names() == ["some.task"]


def test_without_a_transaction_the_task_goes_at_once(app_ctx, sent_tasks):
    db.session.close()
    tasks.send_after_commit("some.task", n=2)
    assert sent_tasks == [("some.task", {"n": 2})]


def test_a_refusing_broker_is_named_not_raised(app_ctx, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(app_ctx.extensions["celery"], "send_task", refuse)
    db.session.close()
    tasks.send_after_commit("some.task")
    assert tasks.unsent() == ["some.task"]
    db.session.scalar(select(User.id))
    tasks.send_after_commit("other.task")
    assert tasks.unsent() == []  # not yet tried
    db.session.commit()
    assert tasks.unsent() == ["other.task"]
