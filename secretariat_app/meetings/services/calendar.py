"""Reading the calendar: upcoming meetings, a year, a month grid, and the
meetings one delegation is invited to."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from secretariat_app.domain import meeting_rules as rules
from secretariat_app.extensions import db
from secretariat_app.meetings.models import DatePrecision, Invitation, Meeting
from secretariat_app.meetings.services.meetings import start_day

# The widest offsets from UTC (Kiribati +14, Baker Island -12), to read a
# local day's meetings with one query.
_SLACK = timedelta(hours=15)


def _listed():
    return select(Meeting).options(selectinload(Meeting.body), selectinload(Meeting.host_state))


def upcoming_meetings(now: datetime, body_id: int | None = None) -> list[Meeting]:
    """Meetings that have not yet ended, soonest first."""
    query = _listed().where(Meeting.ends_at >= now)
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    return list(db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))


def _between(first: date, last: date, body_id: int | None = None) -> list[Meeting]:
    """Meetings whose local start day is from `first` to `last`, in start order."""
    low = datetime.combine(first, datetime.min.time(), UTC) - _SLACK
    high = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC) + _SLACK
    query = _listed().where(Meeting.starts_at >= low, Meeting.starts_at < high)
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    meetings = db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id))
    return [m for m in meetings if first <= start_day(m) <= last]


def meetings_in_year(year: int, body_id: int | None = None) -> list[Meeting]:
    """All meetings starting in `year` (where they take place), whatever their status."""
    return _between(date(year, 1, 1), date(year, 12, 31), body_id)


@dataclass
class MonthGrid:
    year: int
    month: int
    weeks: list[list[tuple[date, list[Meeting]]]] = field(default_factory=list)
    month_only: list[Meeting] = field(default_factory=list)  # history known to the month

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def previous(self) -> tuple[int, int]:
        return (self.year - 1, 12) if self.month == 1 else (self.year, self.month - 1)

    @property
    def next(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)


def month_grid(year: int, month: int) -> MonthGrid:
    """The weeks (Monday first) of a month, each day with the meetings that start
    on it in their own time zone. Meetings known only to the month are listed apart."""
    grid = MonthGrid(year, month)
    last_day = calendar.monthrange(year, month)[1]
    by_day: dict[date, list[Meeting]] = {}
    for meeting in _between(date(year, month, 1), date(year, month, last_day)):
        if meeting.date_precision == DatePrecision.MONTH:
            grid.month_only.append(meeting)
        else:
            by_day.setdefault(start_day(meeting), []).append(meeting)
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        grid.weeks.append([(day, by_day.get(day, []) if day.month == month else []) for day in week])
    return grid


def delegation_meetings(delegation_id: int, now: datetime) -> tuple[list[Meeting], list[Meeting]]:
    """The meetings a delegation is invited to: upcoming (soonest first), then past (latest first)."""
    meetings = db.session.scalars(
        _listed().join(Invitation).where(Invitation.delegation_id == delegation_id)
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    upcoming = [m for m in meetings if m.ends_at >= now]
    past = [m for m in meetings if m.ends_at < now]
    past.reverse()
    return upcoming, past


def meeting_for_delegation(meeting_id: int, delegation_id: int) -> tuple[Meeting, Invitation] | None:
    """The meeting and the delegation's invitation to it, or None when it is not invited."""
    row = db.session.execute(
        select(Meeting, Invitation).join(Invitation)
        .where(Meeting.id == meeting_id, Invitation.delegation_id == delegation_id)
    ).first()
    return (row[0], row[1]) if row else None


def out_of_window(meeting: Meeting, sessions: list[Meeting]) -> list[Meeting]:
    """The SWG sessions preparing this SOC that no longer start 1-14 days before it
    (the SOC was moved after them): shown as a warning, never refused."""
    return [s for s in sessions if rules.check_preparation(start_day(s), start_day(meeting))]
