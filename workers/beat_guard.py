"""Only one Celery beat: the beat's scheduler holds a lease in the database.

`GuardedScheduler` (the app's `beat_scheduler`) takes the lease "celery-beat"
when beat starts and refreshes it every REFRESH_SECONDS; the lease lasts
LOCK_TTL_SECONDS. A second beat, standalone or embedded in a worker
(`worker -B`), finds the lease held by a live holder and exits with a clear
message instead of scheduling every task a second time. A beat that stops
cleanly gives the lease up; one that is killed leaves it to expire, after
which another beat may start; on the same host, a new beat takes the lease of
a beat whose process is gone at once."""
from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any

from celery.beat import PersistentScheduler
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from secretariat_app.notices.services import scheduler_lock

if TYPE_CHECKING:
    from secretariat_app.notices.models import SchedulerLock

LOCK_NAME = "celery-beat"
LOCK_TTL_SECONDS = 180.0
REFRESH_SECONDS = 30.0

log = logging.getLogger(__name__)


def dead_local_holder(holder: str) -> bool:
    """Whether `holder` names a beat of this host whose process no longer exists
    (it was killed and left its lease): its lease need not be waited out."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


class BeatAlreadyRunning(SystemExit):
    """Raised to stop a beat that is not the one allowed to run."""


def refused_message(holder: str, current: SchedulerLock | None) -> str:
    other = f"{current.holder} until {current.expires_at:%Y-%m-%d %H:%M:%S} UTC" if current else "another beat"
    return (f"celery beat {holder} refuses to start: another beat is running (the lease {LOCK_NAME!r} is held by "
            f"{other}). Run exactly one beat; if the other one was killed, its lease expires "
            f"{LOCK_TTL_SECONDS:g} s after its last refresh.")


class GuardedScheduler(PersistentScheduler):
    lock_name = LOCK_NAME
    lock_ttl = LOCK_TTL_SECONDS
    refresh_every = REFRESH_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._refreshed_at: float | None = None  # time.monotonic() of the last successful refresh
        super().__init__(*args, **kwargs)

    def _flask_app(self) -> Flask:
        flask_app: Flask | None = getattr(self.app, "flask_app", None)
        if flask_app is None:
            raise RuntimeError("GuardedScheduler needs the Celery app built by workers.celery_app.celery_init_app")
        return flask_app

    def _acquire(self) -> bool:
        with self._flask_app().app_context():
            if scheduler_lock.acquire(self.lock_name, self.holder, self.lock_ttl):
                return True
            current = scheduler_lock.current(self.lock_name)
            if current and dead_local_holder(current.holder) and scheduler_lock.acquire(
                    self.lock_name, self.holder, self.lock_ttl, replacing=current.holder):
                log.warning("beat %s took over the lease of %s, a beat of this host that is gone",
                            self.holder, current.holder)
                return True
            raise BeatAlreadyRunning(refused_message(self.holder, current))

    def setup_schedule(self) -> None:
        try:
            self._acquire()
        except BeatAlreadyRunning as refused:
            log.error("%s", refused.code)
            raise
        self._refreshed_at = time.monotonic()
        log.info("beat %s holds the lease %r", self.holder, self.lock_name)
        super().setup_schedule()

    def _refresh(self) -> None:
        try:
            self._acquire()
        except BeatAlreadyRunning as lost:
            log.error("beat %s lost its lease and stops: %s", self.holder, lost.code)
            raise
        except SQLAlchemyError:
            held_for = time.monotonic() - (self._refreshed_at or 0)
            if held_for >= self.lock_ttl:
                log.error("beat %s could not refresh its lease for %.0f s and stops", self.holder, held_for)
                raise BeatAlreadyRunning(1) from None
            log.warning("beat %s could not refresh its lease (database unreachable?); retrying", self.holder,
                        exc_info=True)
            return
        self._refreshed_at = time.monotonic()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if self._refreshed_at is None or time.monotonic() - self._refreshed_at >= self.refresh_every:
            self._refresh()
        interval = super().tick(*args, **kwargs)
        until_refresh = self.refresh_every - (time.monotonic() - (self._refreshed_at or 0))
        return min(interval, max(until_refresh, 0.5))

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._refreshed_at is not None:
                try:
                    with self._flask_app().app_context():
                        scheduler_lock.release(self.lock_name, self.holder)
                except SQLAlchemyError:
                    log.warning("beat %s could not give its lease up; it expires by itself", self.holder)
                self._refreshed_at = None
