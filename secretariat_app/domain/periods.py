"""Date periods with an open end, and the arithmetic terms of office need."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date | None  # inclusive; None = open-ended

    def overlaps(self, other: Period) -> bool:
        self_end = self.ends_on or date.max
        other_end = other.ends_on or date.max
        return self.starts_on <= other_end and other.starts_on <= self_end

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_end(starts_on: date, years: int) -> date:
    """Last day of a term of `years` years starting on `starts_on`."""
    return add_years(starts_on, years) - timedelta(days=1)
