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
from secretariat_app.notices.services import schedule
from secretariat_app.notices.services.schedule import ScheduleChanges
from secretariat_app.permissions import SECRETARIAT_ROLES

SUBJECT = "meeting"
REMINDER = NotificationKind.MEETING_REMINDER
CANCELLED = NotificationKind.MEETING_CANCELLED
PENDING = NotificationStatus.PENDING
# Statuses in which a meeting still takes place, so that reminders make sense.
REMINDED_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.CONFIRMED, MeetingStatus.POSTPONED)


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


def queue_rows(kind: NotificationKind, meeting_id: int, recipient_ids_: list[int], due_at: datetime) -> int:
    """One pending row per recipient in the caller's transaction (notice_queue.queue: a row
    already there, or a recipient who cannot or will not be mailed this kind, is skipped)."""
    return notice_queue.queue(kind, SUBJECT, meeting_id, recipient_ids_, due_at)


def sync(meeting: Meeting, now: datetime | None = None) -> ScheduleChanges:
    """Make the meeting's reminder rows match its start, offsets, status and
    recipients (idempotent). Call it in the transaction that changed the meeting."""
    now = now or utcnow()
    db.session.flush()
    rows = schedule.subject_rows(REMINDER, SUBJECT, meeting.id)
    if not wants_reminders(meeting):
        return schedule.cancel(rows)
    instants = rules.due_instants(meeting.starts_at, meeting.timezone, offsets(meeting))
    return schedule.sync(REMINDER, SUBJECT, meeting.id, rows, recipient_ids(meeting), instants, now)


def cancel_pending(meeting: Meeting) -> ScheduleChanges:
    """Cancel every reminder of the meeting not yet sent (a postponement to a date not yet known)."""
    db.session.flush()
    return schedule.cancel(schedule.subject_rows(REMINDER, SUBJECT, meeting.id))


def cancel_meeting(meeting: Meeting, now: datetime | None = None) -> ScheduleChanges:
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
        touched += changes.touched
        db.session.commit()
    return touched
