"""Meeting reminders and cancellations as notification rows.

The meeting services call these inside their own transaction, before they
commit: the reminder rows change with the meeting or not at all. A dispatcher
sends the rows that fall due (notices/services/dispatch); nothing here talks to
the broker or to a mail server.

Recipients are the active users of every invited delegation, the registered
participants who have an account, and the Secretariat (administrators and
officers). When the meeting moves, its pending reminders move (their due
instant changes, the row stays); a reminder whose instant has passed is not
written; one already sent is never sent again for the same instant."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from secretariat_app.accounts.models.people import User, UserRole
from secretariat_app.accounts.models.states import Body
from secretariat_app.core.columns import utcnow
from secretariat_app.domain import reminders as rules
from secretariat_app.extensions import db
from secretariat_app.meetings.models import (
    DatePrecision,
    Invitation,
    Meeting,
    MeetingStatus,
    Participant,
)
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from secretariat_app.notices.services import queue as notice_queue
from secretariat_app.permissions import SECRETARIAT_ROLES

SUBJECT = "meeting"
REMINDER = NotificationKind.MEETING_REMINDER
CANCELLED = NotificationKind.MEETING_CANCELLED
PENDING = NotificationStatus.PENDING
# Statuses in which a meeting still takes place, so that reminders make sense.
REMINDED_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.CONFIRMED, MeetingStatus.POSTPONED)


@dataclass
class ReminderChanges:
    created: int = 0
    moved: int = 0
    revived: int = 0
    cancelled: int = 0
    kept: int = 0


def offsets(meeting: Meeting) -> tuple[int, ...]:
    """The meeting's reminder offsets in days: its own, or its body's defaults."""
    body = db.session.get(Body, meeting.body_id) if meeting.body_id is not None else None
    return rules.offsets_for(meeting.reminder_offsets, body.code if body else None)


def recipient_ids(meeting: Meeting) -> list[int]:
    """Who is reminded of the meeting: invited delegations' active users,
    registered participants with an account, and the Secretariat."""
    invited = select(Invitation.delegation_id).where(Invitation.meeting_id == meeting.id)
    delegates = select(User.id).where(User.active.is_(True), User.delegation_id.in_(invited))
    participants = (
        select(User.id).join(Participant, Participant.user_id == User.id)
        .join(Invitation, Invitation.id == Participant.invitation_id)
        .where(Invitation.meeting_id == meeting.id, User.active.is_(True))
    )
    secretariat = (
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), UserRole.role.in_(SECRETARIAT_ROLES))
    )
    ids: set[int] = set()
    for query in (delegates, participants, secretariat):
        ids.update(db.session.scalars(query))
    return sorted(ids)


def wants_reminders(meeting: Meeting) -> bool:
    """A meeting still to take place, known to the day (not a historical record)."""
    return meeting.status in REMINDED_STATUSES and meeting.date_precision == DatePrecision.DAY


def _rows(meeting: Meeting, kind: NotificationKind) -> list[Notification]:
    """The meeting's rows of `kind`, locked (PostgreSQL) so that a dispatcher skips them meanwhile."""
    query = (
        select(Notification)
        .where(Notification.kind == kind, Notification.subject_type == SUBJECT,
               Notification.subject_id == meeting.id)
        .order_by(Notification.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


def queue_rows(kind: NotificationKind, meeting_id: int, recipient_ids_: list[int], due_at: datetime) -> int:
    """One pending row per recipient in the caller's transaction (notice_queue.queue: a row
    already there, or a recipient who cannot or will not be mailed this kind, is skipped)."""
    return notice_queue.queue(kind, SUBJECT, meeting_id, recipient_ids_, due_at)


def _revive(row: Notification) -> None:
    row.status = PENDING
    row.attempts = 0
    row.last_error = ""
    row.claimed_at = None


def _match(rows: list[Notification], instants: list[datetime], now: datetime, changes: ReminderChanges,
           to_insert: dict[datetime, list[int]], recipient_id: int) -> None:
    """Make one recipient's rows match the meeting's due instants."""
    at = {row.due_at: row for row in rows}
    kept: set[int] = set()
    missing: list[datetime] = []
    for instant in instants:
        row = at.get(instant)
        if row is None:
            if instant > now:
                missing.append(instant)
        elif row.status == PENDING:
            kept.add(row.id)  # due now or later: it stays (a due one goes out shortly)
            changes.kept += 1
        elif row.status == NotificationStatus.CANCELLED and instant > now:
            _revive(row)
            kept.add(row.id)
            changes.revived += 1
        # sent, being sent or failed for this very instant: that reminder is done
    # A pending row already tried (waiting to retry after a temporary failure) was due at
    # an instant now past; its due_at is the retry time. It stays, unless its recipient left.
    movable = sorted((r for r in rows if r.status == PENDING and r.id not in kept
                      and (not r.attempts or not instants)), key=lambda r: r.due_at)
    for instant in missing:
        if movable:
            movable.pop(0).due_at = instant
            changes.moved += 1
        else:
            to_insert[instant].append(recipient_id)
    for row in movable:
        row.status = NotificationStatus.CANCELLED
        changes.cancelled += 1


def sync(meeting: Meeting, now: datetime | None = None) -> ReminderChanges:
    """Make the meeting's reminder rows match its start, offsets, status and
    recipients (idempotent). Call it in the transaction that changed the meeting."""
    now = now or utcnow()
    db.session.flush()
    rows = _rows(meeting, REMINDER)
    if not wants_reminders(meeting):
        return _cancel(rows)
    instants = rules.due_instants(meeting.starts_at, meeting.timezone, offsets(meeting))
    recipients = set(recipient_ids(meeting))
    by_recipient: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        by_recipient[row.recipient_id].append(row)
    changes = ReminderChanges()
    to_insert: dict[datetime, list[int]] = defaultdict(list)
    for rid in sorted(recipients | set(by_recipient)):
        _match(by_recipient.get(rid, []), instants if rid in recipients else [], now, changes, to_insert, rid)
    db.session.flush()  # moves and cancellations first: a new row may take a freed instant
    for instant, ids in sorted(to_insert.items()):
        changes.created += queue_rows(REMINDER, meeting.id, ids, instant)
    db.session.flush()
    return changes


def _cancel(rows: list[Notification]) -> ReminderChanges:
    changes = ReminderChanges()
    for row in rows:
        if row.status == PENDING:
            row.status = NotificationStatus.CANCELLED
            changes.cancelled += 1
    db.session.flush()
    return changes


def cancel_pending(meeting: Meeting) -> ReminderChanges:
    """Cancel every reminder of the meeting not yet sent (a postponement to a date not yet known)."""
    db.session.flush()
    return _cancel(_rows(meeting, REMINDER))


def cancel_meeting(meeting: Meeting, now: datetime | None = None) -> ReminderChanges:
    """The meeting is cancelled: its pending reminders are cancelled and a
    cancellation notice is queued, due now, for everyone who would have been
    reminded (unless the meeting was already over or is a historical record)."""
    now = now or utcnow()
    changes = cancel_pending(meeting)
    if meeting.ends_at >= now and meeting.date_precision == DatePrecision.DAY:
        changes.created += queue_rows(CANCELLED, meeting.id, recipient_ids(meeting), now)
        db.session.flush()
    return changes


def pending_reminders(meeting: Meeting) -> list[Notification]:
    """The reminders still to go out, soonest first (for pages and tests)."""
    return list(db.session.scalars(
        select(Notification).where(Notification.kind == REMINDER, Notification.subject_type == SUBJECT,
                                   Notification.subject_id == meeting.id, Notification.status == PENDING)
        .order_by(Notification.due_at, Notification.recipient_id)
    ))


def sync_upcoming(now: datetime | None = None) -> int:
    """Re-sync every meeting still to come (for a daily beat task): picks up delegations
    invited, participants registered and accounts opened or closed since. Commits; returns
    how many rows were created, moved, revived or cancelled."""
    now = now or utcnow()
    ids = list(db.session.scalars(select(Meeting.id).where(
        Meeting.starts_at > now, Meeting.status.in_(REMINDED_STATUSES),
        Meeting.date_precision == DatePrecision.DAY).order_by(Meeting.starts_at)))
    touched = 0
    for meeting_id in ids:
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting is not None  # meetings are cancelled, never deleted
        changes = sync(meeting, now)
        touched += changes.created + changes.moved + changes.revived + changes.cancelled
        db.session.commit()
    return touched
