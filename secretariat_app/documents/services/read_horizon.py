"""Moving readers' horizons forward (documents/read_state.py): the beat's
nightly pass, the loader of the benchmark and `flask documents advance-horizons`.

A horizon moves for a user who keeps up: when the documents that reached them
between their horizon and the new one and that they have not read, with the
marks they already have, are at most max(MARK_FLOOR, their receipts). Those
documents become marks in the same transaction, and the horizon moves to
`until` (an hour ago by default: a circulation still being committed carries a
time later than that, so none can fall behind a horizon unseen). A user who
reads little keeps no horizon and no marks: their unread documents are at the
top of their delegation's history, where the inbox finds them at once.

So marks stay bounded by what users do (their receipts), and the inbox's walk
from the newest circulation down to the horizon stays short for those who read:
the span since the last pass. Which users move never changes what is read or
unread, only where the inbox looks for it."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, literal, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite

from secretariat_app.accounts.models.people import User
from secretariat_app.core.columns import utcnow
from secretariat_app.documents.models import Circulation, NamedRecipient, Receipt
from secretariat_app.documents.read_state import ReadHorizon, UnreadMark
from secretariat_app.extensions import db

# A user may always carry this many marks, whatever they have read: one who has read little and
# has few documents (a new delegation, a named recipient) gets a horizon too.
MARK_FLOOR = 200
# How far behind now a horizon is set: longer than any transaction that circulates.
MARGIN = timedelta(hours=1)


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _counts(query) -> dict[int, int]:
    return {key: count for key, count in db.session.execute(query)}


def _unread_since(user_id: int, delegation_id: int | None, since: datetime | None, until: datetime):
    """The documents that reached the user in (since, until] and that they have not read:
    (document_id, user_id, named, at) rows, the marks the span needs."""
    def in_span(at):
        return and_(at <= until, at > since) if since is not None else at <= until

    def unread(document_id):
        return ~exists().where(Receipt.user_id == user_id, Receipt.document_id == document_id)

    named = select(NamedRecipient.document_id, literal(user_id), true(), NamedRecipient.added_at).where(
        NamedRecipient.user_id == user_id, in_span(NamedRecipient.added_at), unread(NamedRecipient.document_id))
    if delegation_id is None:
        return named
    circulated = select(Circulation.document_id, literal(user_id), literal(False), Circulation.circulated_at).where(
        Circulation.delegation_id == delegation_id, in_span(Circulation.circulated_at),
        unread(Circulation.document_id))
    return circulated.union_all(named)


def advance(until: datetime | None = None, user_ids: Iterable[int] | None = None) -> int:
    """Move the horizon of every user who keeps up (or of `user_ids` only) to
    `until` (default: an hour ago), writing the marks of the span it passes.
    Commits; returns how many horizons moved."""
    until = until or utcnow() - MARGIN
    wanted = set(user_ids) if user_ids is not None else None
    horizons = {uid: at for uid, at in db.session.execute(select(ReadHorizon.user_id, ReadHorizon.horizon_at))}
    receipts = _counts(select(Receipt.user_id, func.count()).group_by(Receipt.user_id))
    marks = _counts(select(UnreadMark.user_id, func.count()).group_by(UnreadMark.user_id))
    # What reached users without a horizon: their delegation's whole circulation and their named list.
    per_delegation = _counts(select(Circulation.delegation_id, func.count())
                             .where(Circulation.circulated_at <= until).group_by(Circulation.delegation_id))
    named = _counts(select(NamedRecipient.user_id, func.count())
                    .where(NamedRecipient.added_at <= until).group_by(NamedRecipient.user_id))
    users = db.session.execute(select(User.id, User.delegation_id).where(
        or_(User.delegation_id.is_not(None), User.id.in_(select(NamedRecipient.user_id)))).order_by(User.id)).all()
    moved = 0
    for user_id, delegation_id in users:
        if wanted is not None and user_id not in wanted:
            continue
        since = horizons.get(user_id)
        if since is not None and since >= until:
            continue
        allowed = max(MARK_FLOOR, receipts.get(user_id, 0)) - marks.get(user_id, 0)
        if since is None:
            reached = per_delegation.get(delegation_id, 0) if delegation_id is not None else 0
            reached += named.get(user_id, 0)
            if not reached:  # nothing has reached them: a horizon would spare no walk
                continue
            # At least this many are unread (a receipt reads one document at most): too many, skip.
            if reached - receipts.get(user_id, 0) > allowed:
                continue
        span = _unread_since(user_id, delegation_id, since, until).subquery()
        unread = db.session.scalar(select(func.count()).select_from(span)) or 0
        if unread > allowed:
            continue
        if unread:
            # (WHERE: SQLite reads "ON CONFLICT" after a bare SELECT ... FROM as a join's ON.)
            db.session.execute(_insert(UnreadMark.__table__)
                               .from_select(["document_id", "user_id", "named", "at"], select(span).where(true()))
                               .on_conflict_do_nothing())
        horizon = _insert(ReadHorizon.__table__).values(user_id=user_id, horizon_at=until)
        db.session.execute(horizon.on_conflict_do_update(index_elements=["user_id"],
                                                         set_={"horizon_at": horizon.excluded.horizon_at}))
        moved += 1
    db.session.commit()
    return moved
