"""When the daily digest of document notices goes out: at a fixed hour of the
recipient's own morning."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DIGEST_HOUR = 7


def next_digest_instant(after: datetime, zone: str, hour: int = DIGEST_HOUR) -> datetime:
    """The first `hour`:00 in `zone` at or after `after` (an aware instant), in UTC."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    local = after.astimezone(tz)
    candidate = datetime.combine(local.date(), time(hour), tzinfo=tz)
    if candidate < local:
        candidate = datetime.combine(local.date() + timedelta(days=1), time(hour), tzinfo=tz)
    return candidate.astimezone(UTC)
