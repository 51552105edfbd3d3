"""The keys a page of a list starts after, as an opaque text a client gives back."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def time_key(at: datetime, row_id: int) -> str:
    return f"t_{(at - _EPOCH) // timedelta(microseconds=1)}_{row_id}"


def parse_time_key(token: str | None) -> tuple[datetime, int] | None:
    try:
        start, micros, row_id = (token or "").split("_")
        if start != "t":
            return None
        return _EPOCH + timedelta(microseconds=int(micros)), int(row_id)
    except (ValueError, OverflowError):
        return None


def id_key(row_id: int) -> str:
    return f"i_{row_id}"


def parse_id_key(token: str | None) -> int | None:
    start, _, row_id = (token or "").partition("_")
    return int(row_id) if start == "i" and row_id.isdigit() and len(row_id) < 12 else None
