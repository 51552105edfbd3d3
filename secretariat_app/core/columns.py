"""Column types shared by the models."""
from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Dialect, Enum, TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware, on
    PostgreSQL (timestamptz) and SQLite (text) alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store timezone-aware UTC times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class IdentityEnum(enum.Enum):
    """An enumeration whose members hash by identity. Members of an Enum are equal
    only to themselves, so this hash agrees with equality as Enum's own does
    (hash of the member's name, a Python-level call): a dict or set of members
    behaves the same, a lookup costs a third less. For the enumerations a page
    looks up row by row (the inbox: three a row, tests/test_enums.py)."""

    __hash__ = object.__hash__


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """Enums stored as their values in a VARCHAR with a named CHECK constraint."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
