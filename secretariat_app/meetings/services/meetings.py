"""Scheduling meetings: creating and editing them, with the default invitations.

Officers type times as local date-times in the meeting's own IANA zone; they
are stored in UTC. Every write checks the rules first (RuleViolations,
nothing written), then changes the records and their audit entry in one
transaction and commits. Status changes are in meetings_status, invitations
and participants in meetings_invitations, the agenda in meetings_agenda."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import (
    Body,
    MembershipStatus,
    State,
    states_with_status_on,
)
from secretariat_app.audit import services as audit
from secretariat_app.domain import meeting_rules as rules
from secretariat_app.domain import reminders as reminder_rules
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.meetings.models import (
    DatePrecision,
    Invitation,
    Meeting,
    MeetingFormat,
)
from secretariat_app.meetings.services import announcements, reminders

MEETING_FIELDS = (
    "body_id", "number", "title_en", "title_ru", "starts_at", "ends_at", "timezone", "date_precision",
    "city", "city_ru", "host_state_id", "format", "status", "status_reason", "status_reason_ru",
    "status_decision_id", "prepares_meeting_id", "registration_deadline", "note", "note_ru", "sequence",
    "reminder_offsets", "announced_at",
)
# A change to one of these moves, renames or relocates the meeting: calendar copies must be replaced.
CALENDAR_FIELDS = ("title_en", "title_ru", "starts_at", "ends_at", "timezone", "city", "city_ru", "host_state_id",
                   "format")
# A change to one of these changes when the meeting's reminders fall due.
REMINDER_FIELDS = ("body_id", "starts_at", "timezone", "date_precision", "reminder_offsets")
SWG, SOC = "SWG", "SOC"


@dataclass
class MeetingData:
    """What an officer submits for one meeting. Times are local wall-clock
    times (naive) in `timezone`."""

    body_id: int | None
    title_en: str
    title_ru: str
    starts_at: datetime | None
    ends_at: datetime | None
    timezone: str = "Asia/Almaty"
    number: int | None = None
    city: str = ""
    city_ru: str = ""
    host_state_id: int | None = None
    format: MeetingFormat = MeetingFormat.IN_PERSON
    registration_deadline: datetime | None = None
    prepares_meeting_id: int | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    note: str = ""
    note_ru: str = ""
    invite_observers: bool = False  # on creation: observers' delegations are invited too
    reminder_offsets: list[int] | None = None  # days before the start; None: the body's defaults


@dataclass(frozen=True)
class _Resolved:
    """The submitted data with times in UTC and the records it names."""

    body: Body
    starts_at: datetime
    ends_at: datetime
    registration_deadline: datetime | None


def start_day(meeting: Meeting) -> date:
    """The day the meeting starts, where it takes place."""
    return rules.local_day(meeting.starts_at, meeting.timezone)


def preparing_sessions(meeting: Meeting) -> list[Meeting]:
    """The SWG sessions that prepare this (SOC) meeting."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.prepares_meeting_id == meeting.id).order_by(Meeting.starts_at, Meeting.id)
    ))


def _utc(local: datetime | None, zone: str) -> datetime | None:
    try:
        return rules.to_utc(local, zone)
    except ValueError:  # the zone is unknown: reported once, on the timezone field
        return None


def _number_taken(body_id: int, number: int, meeting: Meeting | None) -> Violation | None:
    query = select(Meeting.id).where(Meeting.body_id == body_id, Meeting.number == number)
    if meeting is not None:
        query = query.where(Meeting.id != meeting.id)
    if db.session.scalar(query.limit(1)) is None:
        return None
    return _number_clash(number)


def _number_clash(number: int) -> Violation:
    return Violation("number", N_("This body already has a meeting numbered %(number)d."), {"number": number})


def _check_prepares(data: MeetingData, body: Body, starts_at: datetime | None,
                    meeting: Meeting | None) -> list[Violation]:
    if data.prepares_meeting_id is None:
        return []
    field_name = "prepares_meeting_id"
    if body.code != SWG:
        return [Violation(field_name, N_("Only an SWG session prepares an SOC."))]
    soc = db.session.get(Meeting, data.prepares_meeting_id)
    if soc is None or (meeting is not None and soc.id == meeting.id) or soc.body.code != SOC:
        return [Violation(field_name, N_("Choose an SOC meeting."))]
    if starts_at is None:
        return []
    return rules.check_preparation(rules.local_day(starts_at, data.timezone), start_day(soc))


def _check(data: MeetingData, meeting: Meeting | None) -> tuple[list[Violation], _Resolved | None]:
    """Every rule `data` breaks, and the data resolved when it breaks none."""
    violations = rules.check_titles(data.title_en, data.title_ru) + rules.check_number(data.number)
    violations += reminder_rules.check_offsets(data.reminder_offsets)
    body = db.session.get(Body, data.body_id) if data.body_id is not None else None
    if data.body_id is None:
        violations.append(Violation("body_id", N_("Choose the body.")))
    elif body is None:
        violations.append(Violation("body_id", N_("Unknown body.")))
    if rules.zone_of(data.timezone) is None:
        violations.append(Violation("timezone", N_("Unknown time zone.")))
    starts_at = _utc(data.starts_at, data.timezone)
    ends_at = _utc(data.ends_at, data.timezone)
    deadline = _utc(data.registration_deadline, data.timezone)
    if rules.zone_of(data.timezone) is not None:
        violations += rules.check_times(starts_at, ends_at, deadline)
    for field_name in ("city", "city_ru"):
        if len(getattr(data, field_name)) > rules.CITY_MAX:
            violations.append(Violation(field_name, N_("Use at most %(n)d characters."), {"n": rules.CITY_MAX}))
    if data.host_state_id is not None and db.session.get(State, data.host_state_id) is None:
        violations.append(Violation("host_state_id", N_("Unknown state.")))
    if not isinstance(data.format, MeetingFormat):
        violations.append(Violation("format", N_("Choose in person, online or hybrid.")))
    if body is not None:
        if data.number is not None and data.number >= 1:
            clash = _number_taken(body.id, data.number, meeting)
            if clash:
                violations.append(clash)
        violations += _check_prepares(data, body, starts_at, meeting)
    if violations:
        return violations, None
    assert body is not None and starts_at is not None and ends_at is not None  # refused above otherwise
    return [], _Resolved(body, starts_at, ends_at, deadline)


def _normalised(data: MeetingData) -> MeetingData:
    return MeetingData(**{
        **data.__dict__,
        "title_en": (data.title_en or "").strip(),
        "title_ru": (data.title_ru or "").strip(),
        "timezone": (data.timezone or "").strip(),
        "city": (data.city or "").strip(),
        "city_ru": (data.city_ru or "").strip(),
        "note": (data.note or "").strip(),
        "note_ru": (data.note_ru or "").strip(),
    })


def _apply(meeting: Meeting, data: MeetingData, resolved: _Resolved) -> None:
    meeting.body_id = resolved.body.id
    meeting.number = data.number
    meeting.title_en, meeting.title_ru = data.title_en, data.title_ru
    meeting.starts_at, meeting.ends_at = resolved.starts_at, resolved.ends_at
    meeting.timezone = data.timezone
    meeting.date_precision = data.date_precision
    meeting.city, meeting.city_ru = data.city, data.city_ru
    meeting.host_state_id = data.host_state_id
    meeting.format = data.format
    meeting.registration_deadline = resolved.registration_deadline
    meeting.prepares_meeting_id = data.prepares_meeting_id
    meeting.note, meeting.note_ru = data.note, data.note_ru
    offsets = data.reminder_offsets
    meeting.reminder_offsets = None if offsets is None else list(reminder_rules.normalise(offsets))


def _flush_or_number_clash(number: int | None) -> None:
    """Flush; a concurrent save of the same number for the body becomes a field error."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if number is None:
            raise
        raise RuleViolations([_number_clash(number)]) from None


def default_delegations(day: date, with_observers: bool) -> list[Delegation]:
    """The delegations of the states that are members on `day` (and observers, if asked)."""
    statuses = [MembershipStatus.MEMBER] + ([MembershipStatus.OBSERVER] if with_observers else [])
    state_ids = states_with_status_on(day, *statuses).with_only_columns(State.id).order_by(None)
    return list(db.session.scalars(
        select(Delegation).where(Delegation.state_id.in_(state_ids)).order_by(Delegation.id)
    ))


def create_meeting(actor: User | None, data: MeetingData) -> Meeting:
    """Schedule a meeting and invite the delegations of its members on its
    start date (and of its observers when asked), then commit.

    Raises RuleViolations, writing nothing, when a rule refuses the data."""
    data = _normalised(data)
    violations, resolved = _check(data, None)
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)
    assert resolved is not None  # given when nothing is refused
    meeting = Meeting(sequence=0)
    _apply(meeting, data, resolved)
    db.session.add(meeting)
    _flush_or_number_clash(data.number)
    delegations = default_delegations(start_day(meeting), data.invite_observers)
    for delegation in delegations:
        db.session.add(Invitation(meeting_id=meeting.id, delegation_id=delegation.id))
    db.session.flush()
    after = audit.snapshot(meeting, MEETING_FIELDS)
    after["invited_delegation_ids"] = sorted(d.id for d in delegations)
    audit.record(actor, "meeting.create", "meeting", meeting.id, None, after)
    reminders.sync(meeting)
    db.session.commit()
    return meeting


def update_meeting(actor: User | None, meeting: Meeting, data: MeetingData) -> Meeting:
    """Change a meeting's details and commit (audited when something changed).
    A move, a new title or a new place increments the sequence and, once the
    meeting is announced, sends the invited delegations the updated
    invitation. Invitations are kept; a change of start, zone, body or offsets
    moves the pending reminders.

    Raises RuleViolations, writing nothing, when a rule refuses the data."""
    data = _normalised(data)
    violations, resolved = _check(data, meeting)
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)
    assert resolved is not None  # given when nothing is refused
    with audit.tracking_changes(actor, "meeting.update", "meeting", meeting, MEETING_FIELDS):
        before = audit.snapshot(meeting, CALENDAR_FIELDS)
        reminder_before = audit.snapshot(meeting, REMINDER_FIELDS)
        _apply(meeting, data, resolved)
        moved = audit.snapshot(meeting, CALENDAR_FIELDS) != before
        if moved:
            meeting.sequence = (meeting.sequence or 0) + 1
        _flush_or_number_clash(data.number)
    if audit.snapshot(meeting, REMINDER_FIELDS) != reminder_before:
        reminders.sync(meeting)
    if moved:
        announcements.announce_change(meeting)
    db.session.commit()
    return meeting
