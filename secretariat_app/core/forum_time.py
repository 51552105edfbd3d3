"""The forum's clock. A "day" (a deadline, a term, "today" on a page, the year of a
symbol) is a day in the forum's time zone, `FORUM_TIMEZONE` (Astana's, Asia/Almaty,
by default), not the server's: at 20:00 UTC it is already tomorrow in Astana.
Times are stored in UTC; only days are counted here."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_FORUM_TIMEZONE = "Asia/Almaty"


def forum_zone() -> ZoneInfo:
    name = current_app.config.get("FORUM_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_FORUM_TIMEZONE)


def forum_today() -> date:
    """Today in the forum's time zone."""
    return datetime.now(forum_zone()).date()


def forum_day_of(moment: datetime) -> date:
    """The forum's day on which a moment (UTC if naive) falls."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(forum_zone()).date()
