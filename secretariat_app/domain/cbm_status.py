"""Status rules of CBM implementation shared by the reports, the chasers and
the overview, as pure functions of plain values (no Flask, no database).

An activity of an approved action plan is *reported* once its implementation
report is written; *missing* when the area's annual report for its year was
submitted without it; *late* when that annual report's due time passed with
nothing written; otherwise *planned*. A cell of the overview (an area in a
year) takes the most pressing state of its activities."""
from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The Secretariat sits in Astana: a due date is the end of that day there.
SECRETARIAT_TIMEZONE = "Asia/Almaty"
# By default an annual report is due two weeks before the December SOC opens,
# or on 15 November when no December SOC is scheduled yet.
DAYS_BEFORE_DECEMBER_SOC = 14
FALLBACK_DUE_MONTH_DAY = (11, 15)
# In-depth review: one dimension a year in rotation, economic in 2022, new
# challenges and threats 2023, human 2024, environmental 2025, ...
REVIEW_ROTATION_START = 2022


class ActivityState(enum.Enum):
    PLANNED = "planned"
    REPORTED = "reported"
    LATE = "late"
    MISSING = "missing"


# The most pressing first: a cell shows the first of these any activity has.
PRESSING_ORDER = (ActivityState.MISSING, ActivityState.LATE, ActivityState.PLANNED, ActivityState.REPORTED)


def activity_state(*, reported: bool, annual_submitted: bool, due_at: datetime | None,
                   now: datetime) -> ActivityState:
    if reported:
        return ActivityState.REPORTED
    if annual_submitted:
        return ActivityState.MISSING
    if due_at is not None and now >= due_at:
        return ActivityState.LATE
    return ActivityState.PLANNED


def cell_state(states: Iterable[ActivityState]) -> ActivityState | None:
    present = set(states)
    return next((state for state in PRESSING_ORDER if state in present), None)


def end_of_day_utc(day: date, zone: str = SECRETARIAT_TIMEZONE) -> datetime:
    """The instant a due *day* ends in `zone` (midnight after it), in UTC."""
    local = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def default_due_day(year: int, december_soc_start: date | None) -> date:
    if december_soc_start is not None and december_soc_start.year == year:
        return december_soc_start - timedelta(days=DAYS_BEFORE_DECEMBER_SOC)
    return date(year, *FALLBACK_DUE_MONTH_DAY)


def default_due_at(year: int, december_soc_start: date | None) -> datetime:
    return end_of_day_utc(default_due_day(year, december_soc_start))


def review_position(year: int, dimensions: int = 5) -> int:
    """Which place of the rotation (CbmDimension.review_order) is reviewed in depth in `year`."""
    return (year - REVIEW_ROTATION_START) % dimensions
