"""The officers' warning: the term in force ends within a year and no successor is
decided. The daily task (`run_daily`) first records in the ledger the terms whose
decision took effect, then warns, once per term: the next term's succession
row keeps when it warned (`warned_at`), and the unique key of a notice makes a
second queueing harmless. The dispatcher mails the notices after the commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from secretariat_app.accounts.models.people import Role, User, UserRole
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_today
from secretariat_app.decisions.succession import services
from secretariat_app.decisions.succession.effect import lock_succession, take_effect_all
from secretariat_app.extensions import db
from secretariat_app.notices.models import NotificationKind
from secretariat_app.notices.services import queue as notice_queue

SUBJECT_SUCCESSION = "chair_succession"


def secretariat_ids() -> list[int]:
    staff = select(UserRole.user_id).where(UserRole.role.in_((Role.ADMIN, Role.OFFICER)))
    return list(db.session.scalars(select(User.id).where(User.active.is_(True), User.id.in_(staff))
                                   .order_by(User.id)))


def warn_successor_due(today: date | None = None, now: datetime | None = None) -> int:
    """Queue the CHAIR_SUCCESSOR_DUE notice to every officer when the term in force ends
    within a year and no successor is decided, once per term. Returns how many were queued."""
    today, now = today or forum_today(), now or utcnow()
    lock_succession()
    seen = services.overview(today)
    next_term = seen.timeline.next_term
    if not seen.timeline.overdue or next_term is None:
        db.session.rollback()
        return 0
    succession = services.succession_for(next_term, create=True)
    assert succession is not None
    if succession.warned_at is not None:
        db.session.rollback()
        return 0
    queued = notice_queue.queue(NotificationKind.CHAIR_SUCCESSOR_DUE, SUBJECT_SUCCESSION, succession.id,
                                secretariat_ids(), now)
    with audit.tracking_changes(None, "chair_succession.warn", SUBJECT_SUCCESSION, succession, ("warned_at",)):
        succession.warned_at = now
    db.session.commit()
    return queued


@dataclass(frozen=True)
class DailyRun:
    took_effect: list[int]
    warned: int


def run_daily(today: date | None = None) -> DailyRun:
    today = today or forum_today()
    return DailyRun(took_effect=take_effect_all(today), warned=warn_successor_due(today))
