"""Named leases in the database (table scheduler_lock): the one Celery beat
allowed to run holds "celery-beat" and refreshes it; a lease not refreshed
before `expires_at` may be taken by another holder.

Both writes are single conditional statements, so two processes racing for a
lease cannot both win, on PostgreSQL (row lock, ON CONFLICT) and on SQLite
(one writer at a time)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from secretariat_app.core.columns import utcnow
from secretariat_app.extensions import db, rowcount
from secretariat_app.notices.models import SchedulerLock

NO_SYNC = {"synchronize_session": False}


def acquire(name: str, holder: str, ttl_seconds: float, now: datetime | None = None,
            replacing: str | None = None) -> bool:
    """Take or refresh the lease `name` for `holder` until now + ttl; commits.
    False when another holder's lease is still live, unless that holder is
    `replacing` (one the caller knows to be dead)."""
    now = now or utcnow()
    expires_at = now + timedelta(seconds=ttl_seconds)
    takeable = [SchedulerLock.holder == holder, SchedulerLock.expires_at < now]
    if replacing:
        takeable.append(SchedulerLock.holder == replacing)
    taken = rowcount(db.session.execute(
        update(SchedulerLock)
        .where(SchedulerLock.name == name, or_(*takeable))
        .values(holder=holder, expires_at=expires_at), execution_options=NO_SYNC))
    if not taken:
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        inserted = db.session.execute(
            dialect.insert(SchedulerLock).values(name=name, holder=holder, expires_at=expires_at)
            .on_conflict_do_nothing().returning(SchedulerLock.name)).first()
        taken = inserted is not None
    db.session.commit()
    return bool(taken)


def release(name: str, holder: str) -> bool:
    """Give the lease up, if `holder` has it; commits."""
    gone = rowcount(db.session.execute(delete(SchedulerLock).where(SchedulerLock.name == name,
                                                                   SchedulerLock.holder == holder),
                                       execution_options=NO_SYNC))
    db.session.commit()
    return bool(gone)


def current(name: str) -> SchedulerLock | None:
    return db.session.scalar(select(SchedulerLock).where(SchedulerLock.name == name))
