"""Notices due at the instants a subject wants them (a meeting's reminders, a CBM
report's deadline reminders and chaser): the subject's rows of one kind made to
match its recipients and instants, in the caller's transaction.

For each recipient, a pending row at a wanted instant stays; a cancelled one at
a wanted instant still to come is revived; pending rows at instants no longer
wanted move to the wanted instants that have no row, and what is left of them is
cancelled; a wanted instant still without a row gets a new one when it is still
to come (or when `still_due` says a past one is). A pending row already tried
(waiting to retry after a temporary failure) keeps its place while the recipient
still wants any instant. Rows sent, being sent or failed are never touched."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from secretariat_app.notices.services import queue as notice_queue

PENDING, CANCELLED = NotificationStatus.PENDING, NotificationStatus.CANCELLED

# Whether a wanted instant already past is still to be written for a recipient (given their rows).
StillDue = Callable[[list[Notification], datetime], bool]


@dataclass
class ScheduleChanges:
    created: int = 0
    moved: int = 0
    revived: int = 0
    cancelled: int = 0
    kept: int = 0

    @property
    def touched(self) -> int:
        """The rows written or changed (kept ones are not)."""
        return self.created + self.moved + self.revived + self.cancelled


def subject_rows(kind: NotificationKind, subject_type: str, subject_id: int) -> list[Notification]:
    """The subject's rows of `kind`, locked (PostgreSQL) so that a dispatcher skips them meanwhile."""
    query = (
        select(Notification)
        .where(Notification.kind == kind, Notification.subject_type == subject_type,
               Notification.subject_id == subject_id)
        .order_by(Notification.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


def cancel(rows: Iterable[Notification], changes: ScheduleChanges | None = None) -> ScheduleChanges:
    """Cancel the pending ones of `rows`."""
    changes = changes if changes is not None else ScheduleChanges()
    for row in rows:
        if row.status == PENDING:
            row.status = CANCELLED
            changes.cancelled += 1
    db.session.flush()
    return changes


def sync(kind: NotificationKind, subject_type: str, subject_id: int, rows: list[Notification],
         recipients: Iterable[int], instants: list[datetime], now: datetime,
         still_due: StillDue | None = None) -> ScheduleChanges:
    """Make the subject's `rows` match `instants` for each of `recipients` (and no instant for
    the recipients of a row who are no longer among them)."""
    wanted = set(recipients)
    by_recipient: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        by_recipient[row.recipient_id].append(row)
    changes = ScheduleChanges()
    to_insert: dict[datetime, list[int]] = defaultdict(list)
    for rid in sorted(wanted | set(by_recipient)):
        for instant in _match(by_recipient.get(rid, []), instants if rid in wanted else [], now, changes, still_due):
            to_insert[instant].append(rid)
    db.session.flush()  # moves and cancellations first: a new row may take a freed instant
    for instant, ids in sorted(to_insert.items()):
        changes.created += notice_queue.queue(kind, subject_type, subject_id, ids, instant)
    db.session.flush()
    return changes


def _revive(row: Notification) -> None:
    row.status, row.attempts, row.last_error, row.claimed_at, row.not_before = PENDING, 0, "", None, None


def _match(rows: list[Notification], instants: list[datetime], now: datetime, changes: ScheduleChanges,
           still_due: StillDue | None) -> list[datetime]:
    """Make one recipient's rows match the instants; returns the instants still to be written."""
    at = {row.due_at: row for row in rows}
    kept: set[int] = set()
    missing: list[datetime] = []
    for instant in instants:
        row = at.get(instant)
        if row is None:
            if instant > now or (still_due is not None and still_due(rows, instant)):
                missing.append(instant)
        elif row.status == PENDING:
            kept.add(row.id)  # due now or later: it stays (a due one goes out shortly)
            changes.kept += 1
        elif row.status == CANCELLED and instant > now:
            _revive(row)
            kept.add(row.id)
            changes.revived += 1
        # sent, being sent, failed, or a cancelled instant now past: that notice is done
    # A pending row already tried (waiting to retry after a temporary failure) was due at an
    # instant now past; it keeps its place, unless its recipient wants no instant any more.
    movable = sorted((r for r in rows if r.status == PENDING and r.id not in kept and (not r.attempts or not instants)),
                     key=lambda r: r.due_at)
    to_write = []
    for instant in missing:
        if movable:
            movable.pop(0).due_at = instant
            changes.moved += 1
        else:
            to_write.append(instant)
    for row in movable:
        row.status = CANCELLED
        changes.cancelled += 1
    return to_write
