"""A meeting's status: confirming, postponing, cancelling and marking it held.

Each is one user action: the rules first (RuleViolations, nothing written),
then the change, its audit entry and its reminder rows in one transaction,
committed. A cancellation queues the cancellation notice in that transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from secretariat_app.accounts.models.people import User
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.decisions.models import Decision
from secretariat_app.domain import meeting_rules as rules
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting, MeetingStatus
from secretariat_app.meetings.services import announcements, reminders
from secretariat_app.meetings.services.meetings import MEETING_FIELDS, SWG, start_day


@dataclass
class PostponeData:
    """A postponement: the reason, optionally the decision, and new local
    times in the meeting's zone (none: the new date is not yet known)."""

    reason: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    decision_id: int | None = None
    reason_ru: str = ""


def _refuse(violations: list[Violation]) -> None:
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)


def _lock(meeting: Meeting) -> None:
    """Take the meeting's row for this transaction (a row lock on PostgreSQL, the one writer
    on SQLite) and read it afresh: of two officers confirming at once, the second waits, then
    is refused as "already confirmed", instead of sending every delegation a second invitation."""
    db.session.execute(update(Meeting).where(Meeting.id == meeting.id).values(sequence=Meeting.sequence))
    db.session.refresh(meeting)


def _check_decision(decision_id: int | None) -> list[Violation]:
    if decision_id is not None and db.session.get(Decision, decision_id) is None:
        return [Violation("decision_id", N_("Unknown decision."))]
    return []


def _new_times(meeting: Meeting, data: PostponeData) -> tuple[list[Violation], datetime | None, datetime | None]:
    """The new UTC times; a new start alone keeps the meeting's length."""
    if data.starts_at is None:
        if data.ends_at is not None:
            return [Violation("starts_at", N_("Give the new start as well as the new end."))], None, None
        return [], None, None
    starts_at = rules.to_utc(data.starts_at, meeting.timezone)
    if data.ends_at is None:
        ends_at = starts_at + (meeting.ends_at - meeting.starts_at)
    else:
        ends_at = rules.to_utc(data.ends_at, meeting.timezone)
    violations = rules.check_times(starts_at, ends_at, meeting.registration_deadline)
    if starts_at <= meeting.starts_at:
        violations.append(Violation("starts_at", N_("A postponed meeting starts later than planned.")))
    if meeting.prepares is not None and meeting.body.code == SWG:
        day = rules.local_day(starts_at, meeting.timezone)
        violations += [Violation("starts_at", v.message, v.params)
                       for v in rules.check_preparation(day, start_day(meeting.prepares))]
    return violations, starts_at, ends_at


def postpone(actor: User | None, meeting: Meeting, data: PostponeData) -> Meeting:
    """Postpone the meeting, to new dates or to a date not yet fixed; a reason is required."""
    violations = rules.check_action("postpone", meeting.status.value) + rules.check_reason(data.reason)
    violations += _check_decision(data.decision_id)
    moved, starts_at, ends_at = _new_times(meeting, data)
    _refuse(violations + moved)
    with audit.tracking_changes(actor, "meeting.postpone", "meeting", meeting, MEETING_FIELDS):
        if starts_at is not None:
            assert ends_at is not None  # _new_times gives both or neither
            meeting.starts_at, meeting.ends_at = starts_at, ends_at
        meeting.status = MeetingStatus.POSTPONED
        meeting.status_reason = data.reason.strip()
        meeting.status_reason_ru = (data.reason_ru or "").strip()
        meeting.status_decision_id = data.decision_id
        meeting.sequence = (meeting.sequence or 0) + 1
    if starts_at is not None:
        reminders.sync(meeting)  # the pending reminders move to the new date
    else:
        reminders.cancel_pending(meeting)  # no date yet: nothing to remind of
    announcements.announce_change(meeting)  # the calendars of those invited show the postponement
    db.session.commit()
    return meeting


def cancel(actor: User | None, meeting: Meeting, reason: str, decision_id: int | None = None,
           reason_ru: str = "") -> Meeting:
    """Cancel the meeting; a reason is required (in Russian too, if wished), the decision optional."""
    _refuse(rules.check_action("cancel", meeting.status.value) + rules.check_reason(reason)
            + _check_decision(decision_id))
    with audit.tracking_changes(actor, "meeting.cancel", "meeting", meeting, MEETING_FIELDS):
        meeting.status = MeetingStatus.CANCELLED
        meeting.status_reason = reason.strip()
        meeting.status_reason_ru = (reason_ru or "").strip()
        meeting.status_decision_id = decision_id
        meeting.sequence = (meeting.sequence or 0) + 1
    announcements.withdraw(meeting)  # the cancellation (METHOD:CANCEL) replaces what had not gone yet
    reminders.cancel_meeting(meeting)
    db.session.commit()
    return meeting


def confirm(actor: User | None, meeting: Meeting) -> Meeting:
    """Confirm a planned (or postponed) meeting: the invited delegations get the invitation
    (or, confirmed again after a postponement, its update with the next SEQUENCE)."""
    _lock(meeting)
    _refuse(rules.check_action("confirm", meeting.status.value))
    with audit.tracking_changes(actor, "meeting.confirm", "meeting", meeting, MEETING_FIELDS):
        meeting.status = MeetingStatus.CONFIRMED
        if meeting.announced_at is not None:
            meeting.sequence = (meeting.sequence or 0) + 1  # TENTATIVE to CONFIRMED in their calendars
    reminders.sync(meeting)
    announcements.announce(meeting)
    db.session.commit()
    return meeting


def mark_held(actor: User | None, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Record that the meeting took place: only once its start has passed, and only once."""
    now = now or utcnow()
    _refuse(rules.check_action("held", meeting.status.value) + rules.check_held(meeting.starts_at, now))
    with audit.tracking_changes(actor, "meeting.held", "meeting", meeting, MEETING_FIELDS):
        meeting.status = MeetingStatus.HELD
    reminders.cancel_pending(meeting)
    db.session.commit()
    return meeting
