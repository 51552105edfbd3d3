"""Handing work to the Celery workers from a request: after the commit, by name.

`send_after_commit(name, **kwargs)` queues a task on the current database
transaction; it goes to the broker when that transaction commits and is
dropped when it rolls back, so a worker never acts on rows that were not
written. Outside a transaction it goes at once. Tasks are sent by name
(`celery.send_task`), so the web app imports nothing from `workers`.

A broker that cannot be reached loses the task: that is logged, and the
names of the tasks not sent by the last commit (or the last direct send) are
kept for the caller, `unsent()`, which may tell the person (a 503 page, or a
message that the mail could not be sent)."""
from __future__ import annotations

from typing import Any

from flask import current_app
from kombu.exceptions import OperationalError
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from secretariat_app.extensions import db

PENDING = "tasks_after_commit"
UNSENT = "tasks_unsent"


def send_after_commit(name: str, **kwargs: Any) -> None:
    """Send task `name` with `kwargs` (JSON values) when the current transaction
    commits, or now when none is open."""
    session = db.session()
    session.info.pop(UNSENT, None)
    if session.in_transaction():
        session.info.setdefault(PENDING, []).append((name, kwargs))
    else:
        _send(session, name, kwargs)


def unsent() -> list[str]:
    """The names of the tasks the last commit (or direct send) could not hand to the broker."""
    return list(db.session().info.get(UNSENT, []))


def _send(session: Session, name: str, kwargs: dict[str, Any]) -> None:
    try:
        current_app.extensions["celery"].send_task(name, kwargs=kwargs)
    except (OperationalError, OSError):
        current_app.logger.exception("the broker refused task %s; it is not sent", name)
        session.info.setdefault(UNSENT, []).append(name)


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for name, kwargs in session.info.pop(PENDING, []):
        _send(session, name, kwargs)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: SessionTransaction) -> None:
    # After a commit (after_commit came first and took them) or a rollback or close
    # of the whole transaction; a savepoint's end leaves them.
    if transaction.parent is None:
        session.info.pop(PENDING, None)
