"""Queueing notices: one row per recipient, written in the transaction of
whatever causes the notice (features call `queue`), and who may be mailed.
Never talks to the broker, so it works while Redis is down; the dispatcher
(`dispatch`) sends the rows that fall due, and the caller's commit asks for a
dispatch at once (`kick`, from a background thread)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from secretariat_app.accounts.models.people import User
from secretariat_app.core.columns import utcnow
from secretariat_app.domain.digest import next_digest_instant
from secretariat_app.extensions import db
from secretariat_app.notices import kinds
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from secretariat_app.notices.services import kick

PENDING = NotificationStatus.PENDING
QUEUE_CHUNK = 500


def mailable(user: User | None, kind: NotificationKind) -> str | None:
    """Why `user` is not to be mailed a notice of `kind` (None: they are)."""
    if user is None:
        return "the recipient no longer exists"
    if not user.active:
        return "the recipient's account is deactivated"
    if not (user.email or "").strip():
        return "the recipient has no e-mail address"
    if kind.value in (user.mail_opt_out or []):
        return "the recipient chose not to receive this kind of notice by mail"
    return None


def queue(kind: NotificationKind, subject_type: str, subject_id: int, recipient_ids: Iterable[int],
          due_at: datetime) -> int:
    """Add one pending row per recipient to the caller's transaction (the caller
    commits); returns how many were added. A notice that exists already (same
    kind, subject, recipient and due time), a recipient who opted out of this
    kind by mail, has no e-mail or is deactivated, is skipped. Never talks to
    the broker, so it works while Redis is down; after the commit, a
    background thread asks for a dispatch (`kick`)."""
    ids = sorted(set(recipient_ids))
    if not ids:
        return 0
    users = db.session.scalars(select(User).where(User.id.in_(ids)))
    wanted = sorted((u for u in users if mailable(u, kind) is None), key=lambda u: u.id)
    if not wanted:
        return 0
    now = utcnow()
    values = [{"kind": kind, "subject_type": subject_type, "subject_id": subject_id, "recipient_id": user.id,
               "due_at": _due_for(user, kind, due_at), "status": PENDING, "attempts": 0, "last_error": "",
               "created_at": now}
              for user in wanted]
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    added = 0
    for start in range(0, len(values), QUEUE_CHUNK):  # within SQLite's limit on bound parameters
        # ON CONFLICT DO NOTHING: two requests queuing the same notice at once do not fail either one.
        statement = (dialect.insert(Notification).values(values[start:start + QUEUE_CHUNK])
                     .on_conflict_do_nothing().returning(Notification.id))
        added += len(db.session.execute(statement).all())
    if added:
        kick.mark_queued()  # the caller's commit asks for a dispatch now
    return added


def _due_for(user: User, kind: NotificationKind, due_at: datetime) -> datetime:
    """A person who chose the daily digest gets the notices of a digest kind
    (document notices) together, the next morning."""
    if user.document_digest and kinds.is_digest_kind(kind):
        return next_digest_instant(due_at, user.timezone)
    return due_at
