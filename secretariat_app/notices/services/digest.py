"""The daily digest: a person who chose it (User.document_digest) gets the
notices of a digest kind (document notices, see `kinds`) due the same morning
in one mail. The oldest row of the morning still to be sent carries the mail;
the others are marked sent, "in the digest of notice N"."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update

from secretariat_app.extensions import db
from secretariat_app.notices import kinds
from secretariat_app.notices.models import Notification, NotificationStatus

PENDING, SENDING, SENT = NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.SENT
NO_SYNC = {"synchronize_session": False}


def is_digest(row: Notification) -> bool:
    """Whether `row` goes out in a daily digest: a digest kind, for a person who chose the digest."""
    return kinds.is_digest_kind(row.kind) and bool(row.recipient.document_digest)


def _siblings(row: Notification):
    return (select(Notification).where(Notification.recipient_id == row.recipient_id, Notification.kind == row.kind,
                                       Notification.due_at == row.due_at, Notification.id != row.id)
            .order_by(Notification.id))


def carried_note(carrier_id: int) -> str:
    return f"in the digest of notice {carrier_id}"


def digest_rows(row: Notification) -> list[Notification]:
    """The notices that one digest mail carried by `row` lists (itself
    first): those of the same morning not yet sent, and those already marked as
    carried by it. Just [row] when the person takes no digest."""
    if not is_digest(row):
        return [row]
    others = db.session.scalars(_siblings(row).where(or_(
        Notification.status.in_((PENDING, SENDING)), Notification.last_error == carried_note(row.id))))
    return [row, *others]


def digested_elsewhere(row: Notification) -> int | None:
    """The id of an older notice of the same digest still to be sent: that one
    carries `row` in its mail, so `row` sends nothing itself."""
    if not is_digest(row):
        return None
    return db.session.scalar(_siblings(row).where(Notification.id < row.id,
                                                  Notification.status.in_((PENDING, SENDING))).limit(1)
                             .with_only_columns(Notification.id))


def mark_carried(row: Notification, now: datetime) -> None:
    """After the digest mail went out: the notices it listed are sent too."""
    ids = [other.id for other in digest_rows(row)[1:] if other.status in (PENDING, SENDING)]
    if ids:
        db.session.execute(update(Notification).where(Notification.id.in_(ids),
                                                      Notification.status.in_((PENDING, SENDING)))
                           .values(status=SENT, sent_at=now, last_error=carried_note(row.id)),
                           execution_options=NO_SYNC)
        db.session.commit()
