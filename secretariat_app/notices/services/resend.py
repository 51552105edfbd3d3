"""Failed notices and resending them. The officers' page (one notice or all)
and `flask notify resend` are three doors to one use case, `resend_failed`:
failed rows become pending again and the audit log says who did it and from
where, in one transaction."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update

from secretariat_app.audit import services as audit
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationStatus

PENDING, FAILED = NotificationStatus.PENDING, NotificationStatus.FAILED
NO_SYNC = {"synchronize_session": False}


def failed_notices(limit: int = 500) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.status == FAILED)
                                   .order_by(Notification.id.desc()).limit(limit)))


def count_failed() -> int:
    return db.session.execute(select(func.count(Notification.id)).where(Notification.status == FAILED)).scalar_one()


def resend(ids: Iterable[int] | None = None) -> list[int]:
    """Failed rows (those in `ids`, or all of them when None) become pending
    with their attempts at 0; returns the ids. Their due time is already past,
    so the next dispatch takes them (their unique key is left as it was). The
    caller commits."""
    statement = update(Notification).where(Notification.status == FAILED)
    if ids is not None:
        statement = statement.where(Notification.id.in_(set(ids)))
    statement = (statement.values(status=PENDING, attempts=0, claimed_at=None, not_before=None)
                 .returning(Notification.id))
    return sorted(db.session.scalars(statement, execution_options=NO_SYNC))


def record_resend(actor, ids: list[int], by: str) -> None:
    """Note the resend in the audit log (the caller commits)."""
    if ids:
        object_id = str(ids[0]) if len(ids) == 1 else f"{len(ids)} notices"
        audit.record(actor, "notification.resend", "notification", object_id,
                     {"status": FAILED.value}, {"status": PENDING.value, "ids": ids, "by": by})


def resend_failed(actor, ids: Iterable[int] | None, by: str) -> list[int]:
    """The use case: make the failed rows among `ids` (all failed rows when None)
    pending again, note it in the audit log and commit, all at once. Returns the
    ids resent; with none, nothing is written."""
    resent = resend(ids)
    if resent:
        record_resend(actor, resent, by)
        db.session.commit()
    else:
        db.session.rollback()
    return resent
