"""Rules of the meetings calendar, as pure functions of plain values.

Times handed to these checks are timezone-aware; the services convert the
local date-times an officer types (in the meeting's own IANA zone) to UTC
with `to_utc` before asking."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from secretariat_app.domain.violations import N_, Violation

TITLE_MAX = 200
AGENDA_TITLE_MAX = 300
CITY_MAX = 120
# An SWG session meets "a few days before each SOC": the SOC it prepares
# starts between 1 and 14 days (calendar days, each in its own zone) later.
SWG_LEAD_DAYS = (1, 14)

# Which status each action may start from (values of MeetingStatus).
ACTION_FROM = {
    "confirm": {"planned", "postponed"},
    "postpone": {"planned", "confirmed", "postponed"},
    "cancel": {"planned", "confirmed", "postponed"},
    "held": {"planned", "confirmed", "postponed"},
}
REFUSED_ACTION = {
    "confirm": N_("Only a planned or postponed meeting can be confirmed."),
    "postpone": N_("A meeting that has been held or cancelled cannot be postponed."),
    "cancel": N_("A meeting that has been held or cancelled cannot be cancelled."),
    "held": N_("This meeting has already been marked as held, or it was cancelled."),
}


def zone_of(name: str | None) -> ZoneInfo | None:
    """The zone called `name`, or None if tzdata does not know it."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@overload
def to_utc(local: datetime, zone: str) -> datetime: ...
@overload
def to_utc(local: None, zone: str) -> None: ...
def to_utc(local: datetime | None, zone: str) -> datetime | None:
    """A wall-clock time in `zone` (naive) as an aware UTC time."""
    if local is None:
        return None
    tz = zone_of(zone)
    if tz is None:
        raise ValueError(f"unknown time zone {zone!r}")
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=tz).astimezone(UTC)


@overload
def to_local(moment: datetime, zone: str) -> datetime: ...
@overload
def to_local(moment: None, zone: str) -> None: ...
def to_local(moment: datetime | None, zone: str) -> datetime | None:
    """An aware time as the naive wall-clock time in `zone` (for a form)."""
    if moment is None:
        return None
    return moment.astimezone(zone_of(zone) or UTC).replace(tzinfo=None)


def local_day(moment: datetime, zone: str) -> date:
    """The calendar day of `moment` where the meeting takes place."""
    return moment.astimezone(zone_of(zone) or UTC).date()


def check_titles(title_en: str, title_ru: str, limit: int = TITLE_MAX) -> list[Violation]:
    violations = []
    for name, value in (("title_en", title_en), ("title_ru", title_ru)):
        if not value:
            violations.append(Violation(name, N_("The title is required in English and in Russian.")))
        elif len(value) > limit:
            violations.append(Violation(name, N_("Use at most %(n)d characters."), {"n": limit}))
    return violations


def check_times(starts_at: datetime | None, ends_at: datetime | None,
                registration_deadline: datetime | None = None) -> list[Violation]:
    """Start and end given, the end not before the start, registration closing before the start."""
    violations = []
    if starts_at is None:
        violations.append(Violation("starts_at", N_("Give the date and time the meeting starts.")))
    if ends_at is None:
        violations.append(Violation("ends_at", N_("Give the date and time the meeting ends.")))
    if starts_at is not None and ends_at is not None and ends_at < starts_at:
        violations.append(Violation("ends_at", N_("The meeting cannot end before it starts.")))
    if registration_deadline is not None and starts_at is not None and registration_deadline > starts_at:
        violations.append(Violation("registration_deadline",
                                    N_("The registration deadline must come before the meeting starts.")))
    return violations


def check_number(number: int | None) -> list[Violation]:
    if number is not None and number < 1:
        return [Violation("number", N_("The number is a positive whole number."))]
    return []


def check_preparation(swg_day: date, soc_day: date) -> list[Violation]:
    """An SWG session starts 1 to 14 days before the SOC it prepares."""
    lead = (soc_day - swg_day).days
    low, high = SWG_LEAD_DAYS
    if lead < low:
        return [Violation("prepares_meeting_id",
                          N_("The SWG session must start before the SOC it prepares (at least one day before)."))]
    if lead > high:
        return [Violation("prepares_meeting_id",
                          N_("The SOC an SWG session prepares must start at most %(n)d days after it."),
                          {"n": high})]
    return []


def check_action(action: str, status: str) -> list[Violation]:
    """Whether a meeting in `status` (a MeetingStatus value) may be confirmed, postponed, cancelled or held."""
    if status in ACTION_FROM[action]:
        return []
    return [Violation("status", REFUSED_ACTION[action])]


def check_held(starts_at: datetime, now: datetime) -> list[Violation]:
    if now < starts_at:
        return [Violation("status", N_("A meeting can be marked as held only once it has started."))]
    return []


def check_reason(reason: str) -> list[Violation]:
    if not reason.strip():
        return [Violation("reason", N_("Give the reason."))]
    return []


def registration_open(deadline: datetime | None, starts_at: datetime, now: datetime) -> bool:
    """Delegations register until the deadline, or until the meeting starts when there is none."""
    return now <= (deadline if deadline is not None else starts_at)


def check_participant(name: str, function: str, email: str) -> list[Violation]:
    violations = []
    if not name.strip():
        violations.append(Violation("name", N_("Give the participant's name.")))
    elif len(name.strip()) > 120:
        violations.append(Violation("name", N_("Use at most %(n)d characters."), {"n": 120}))
    if len(function.strip()) > 120:
        violations.append(Violation("function", N_("Use at most %(n)d characters."), {"n": 120}))
    email = email.strip()
    if email and (len(email) > 254 or "@" not in email[1:-1] or " " in email):
        violations.append(Violation("email", N_("Give a valid e-mail address, or leave it blank.")))
    return violations
