"""Meeting reminders as pure functions: the default offsets of each body,
checking the offsets an officer types, and the instants reminders fall due.

An offset is a number of calendar days before the meeting starts. A reminder
"7 days before" falls at the same wall-clock time, where the meeting takes
place, as the meeting starts, 7 calendar days earlier: across a change of
daylight-saving time between the two, the UTC instant is not simply the start
minus 7 × 24 hours. Instants are always handed back in UTC."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from secretariat_app.domain.violations import N_, Violation

FIELD = "reminder_offsets"
MAX_OFFSET_DAYS = 365
MAX_OFFSETS = 10
# Days before the start, per body code (bodies.csv).
DEFAULT_OFFSETS: dict[str, tuple[int, ...]] = {
    "SUMMIT": (60, 14, 2),
    "MFA": (60, 14, 2),
    "MFA_INFORMAL": (14, 2),
    "SOC": (30, 7, 1),
    "SWG": (14, 3, 1),
}
FALLBACK_OFFSETS: tuple[int, ...] = (7, 1)
_SEPARATORS = re.compile(r"[\s,;]+")


def default_offsets(body_code: str | None) -> tuple[int, ...]:
    """The offsets a meeting of this body gets when the officer sets none."""
    return DEFAULT_OFFSETS.get(body_code or "", FALLBACK_OFFSETS)


def normalise(offsets: Iterable[int]) -> tuple[int, ...]:
    """Each offset once, the earliest reminder (the most days) first."""
    return tuple(sorted(set(offsets), reverse=True))


def offsets_for(custom: list[int] | None, body_code: str | None) -> tuple[int, ...]:
    """The meeting's own offsets, or its body's when it has none (an empty list: no reminders)."""
    return normalise(custom) if custom is not None else default_offsets(body_code)


def parse_offsets(text: str | None) -> list[int] | None:
    """"30, 7, 1" as [30, 7, 1]; blank as None (the body's defaults).

    Raises ValueError when a part is not a whole number. Ranges are checked
    by check_offsets, so that a service refuses them whoever calls it."""
    parts = [p for p in _SEPARATORS.split((text or "").strip()) if p]
    if not parts:
        return None
    offsets = []
    for part in parts:
        if not re.fullmatch(r"[+-]?\d{1,6}", part):
            raise ValueError(f"not a whole number of days: {part!r}")
        offsets.append(int(part))
    return offsets


def format_offsets(offsets: Iterable[int] | None) -> str:
    return "" if offsets is None else ", ".join(str(n) for n in normalise(offsets))


def check_offsets(offsets: list[int] | None) -> list[Violation]:
    """Whole numbers of days from 0 to a year; None (the defaults) is fine."""
    if offsets is None:
        return []
    violations = []
    if any(isinstance(n, bool) or not isinstance(n, int) for n in offsets):
        return [Violation(FIELD, N_("Give whole numbers of days, separated by commas."))]
    if any(n < 0 for n in offsets):
        violations.append(Violation(FIELD, N_("A reminder cannot come after the meeting starts: "
                                              "give 0 or more days.")))
    if any(n > MAX_OFFSET_DAYS for n in offsets):
        violations.append(Violation(FIELD, N_("A reminder can come at most %(n)d days before the meeting."),
                                    {"n": MAX_OFFSET_DAYS}))
    if len(set(offsets)) > MAX_OFFSETS:
        violations.append(Violation(FIELD, N_("Give at most %(n)d reminders."), {"n": MAX_OFFSETS}))
    return violations


def _zone(name: str | None) -> ZoneInfo | timezone:
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def due_instant(starts_at: datetime, zone: str | None, days: int) -> datetime:
    """When the reminder `days` before a meeting starting at `starts_at` (aware)
    falls due: the meeting's local start time, `days` calendar days earlier, in UTC.

    A wall-clock time that does not exist that day (the hour skipped in spring)
    is read with the offset before the change, i.e. it falls an hour later on
    the clock; one that occurs twice (autumn) is the first of the two."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    tz = _zone(zone)
    wall = starts_at.astimezone(tz).replace(tzinfo=None) - timedelta(days=days)
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def due_instants(starts_at: datetime, zone: str | None, offsets: Iterable[int],
                 now: datetime | None = None) -> list[datetime]:
    """The due instants of `offsets`, soonest first; with `now`, only those after it."""
    instants = {due_instant(starts_at, zone, days) for days in offsets}
    if now is not None:
        instants = {moment for moment in instants if moment > now}
    return sorted(instants)
