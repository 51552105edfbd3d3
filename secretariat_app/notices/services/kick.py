"""Asking for a dispatch now: a commit that queued notices is followed by a
dispatch at once, not at beat's next pass (up to NOTIFY_DISPATCH_INTERVAL_SECONDS
later).

`queue()` marks its session; when that session commits, `kick()` sends the
task `dispatch_due` to the broker from a background thread, so that the
request that circulated a document never waits on the broker (and a broker
that is down costs it nothing: beat's pass sends the notices later, as before).
Kicks asked for while one is on its way are one kick. The task expires after
KICK_EXPIRES seconds: a kick that waited longer than beat's period is moot."""
from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from secretariat_app.extensions import db

log = logging.getLogger(__name__)

DISPATCH_TASK = "workers.tasks.notify.dispatch_due"
KICK_EXPIRES = 60.0
QUEUED = "notices_queued"  # the session's mark: it holds new notices

_lock = threading.Lock()
_pending: set[int] = set()  # the Celery apps (by id) with a kick on its way
_executor: ThreadPoolExecutor | None = None


def mark_queued() -> None:
    """Called by `queue()`: this session's commit asks for a dispatch."""
    db.session.info[QUEUED] = True


@event.listens_for(db.session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(QUEUED, False) and has_app_context():
        kick()


@event.listens_for(db.session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction: its notices are gone
        session.info.pop(QUEUED, None)


def kick() -> None:
    """Ask the workers for a dispatch now, without waiting for the broker."""
    celery = current_app.extensions.get("celery")
    if celery is None:
        return
    global _executor
    with _lock:
        if id(celery) in _pending:
            return
        _pending.add(id(celery))
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notice-kick")
        executor = _executor
    executor.submit(_send, celery)


def _send(celery: Any) -> None:
    with _lock:
        _pending.discard(id(celery))
    try:
        celery.send_task(DISPATCH_TASK, expires=KICK_EXPIRES, retry=False)
    except Exception as error:  # noqa: BLE001  (the broker's many ways of being down: beat sends them later)
        log.warning("could not ask for a dispatch (%s: %s); the notices go out at beat's next pass",
                    type(error).__name__, error)


def _forget_after_fork() -> None:
    """A forked child (a gunicorn or Celery worker) has no kicker thread of its parent's."""
    global _executor, _lock
    _executor, _lock = None, threading.Lock()
    _pending.clear()


os.register_at_fork(after_in_child=_forget_after_fork)
