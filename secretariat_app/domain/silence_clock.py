"""When a silence procedure ends, in the forum's time and the reader's, without a database.

The deadline is a day in the forum's time zone (Astana's for CICA): silence can be
broken until that day ends, at 24:00 forum time, and the decision is adopted on the
next forum day. A moment (an objection lodged through the pages) counts on the
forum day it falls on, wherever the person who lodged it sits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LAST_MINUTE = timedelta(minutes=1)


def silence_ends_at(deadline: date, forum_zone: ZoneInfo) -> datetime:
    """The instant (UTC) the deadline day ends: 00:00 of the next day in the forum's zone."""
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=forum_zone).astimezone(UTC)


def forum_day(moment: datetime, forum_zone: ZoneInfo) -> date:
    """The forum's day a moment (UTC if naive) falls on."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(forum_zone).date()


def lodged_in_time(moment: datetime, deadline: date, forum_zone: ZoneInfo) -> bool:
    """Whether an objection lodged at `moment` is lodged by the end of the deadline day."""
    return forum_day(moment, forum_zone) <= deadline


def adoption_day(deadline: date) -> date:
    """A silence that holds is adopted the forum day after the deadline."""
    return deadline + timedelta(days=1)


@dataclass(frozen=True)
class DeadlineInZones:
    """The last minute of the deadline day, as the forum and as the reader tell the time."""

    forum: datetime  # 23:59 on the deadline day, in the forum's zone
    reader: datetime  # the same instant in the reader's zone
    same_zone: bool  # the reader's clock reads the forum's (no second time to show)


def deadline_in_zones(deadline: date, forum_zone: ZoneInfo, reader_zone: ZoneInfo) -> DeadlineInZones:
    last_minute = silence_ends_at(deadline, forum_zone) - LAST_MINUTE
    forum, reader = last_minute.astimezone(forum_zone), last_minute.astimezone(reader_zone)
    return DeadlineInZones(forum, reader, reader_zone.key == forum_zone.key)


REMINDER_DAYS_BEFORE = 3  # the member delegations that have not objected are reminded this many days ahead
REMINDER_HOUR = 9  # in the forum's morning


def reminder_at(deadline: date, forum_zone: ZoneInfo, circulated_at: datetime) -> datetime | None:
    """When the members are reminded that silence is about to end (UTC): 09:00 forum time,
    REMINDER_DAYS_BEFORE days before the deadline; None when that is not after circulation
    (a short silence needs no reminder)."""
    at = datetime.combine(deadline - timedelta(days=REMINDER_DAYS_BEFORE), time(REMINDER_HOUR),
                          tzinfo=forum_zone).astimezone(UTC)
    return at if at > circulated_at else None
