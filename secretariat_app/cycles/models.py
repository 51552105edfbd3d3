"""The findings of the cycle-rule checks, and the versions of the forum's rules."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.accounts.models.people import User
from secretariat_app.core.columns import UTCDateTime, utcnow
from secretariat_app.extensions import Model


class CycleFinding(Model):
    """A departure from a cycle rule found by the daily check, kept so that
    officers are told of a new one once, not every day."""

    __tablename__ = "cycle_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    rule: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(String(16))
    due_year: Mapped[int | None] = mapped_column(Integer)
    held_year: Mapped[int | None] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(16))
    justified_by: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)  # in English; pages and mails write code + params out
    code: Mapped[str | None] = mapped_column(String(40))  # domain/cycles_text.py; None: stored before codes
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state: Mapped[str | None] = mapped_column(String(120))
    from_year: Mapped[int | None] = mapped_column(Integer)
    to_year: Mapped[int | None] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # no longer found
    raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # officers were told


class CycleRulesVersion(Model):
    """A version of the forum's rules uploaded by an officer (a TOML file, kept
    as uploaded), in force from `effective_on`; before the first one, and for the
    years before it, the rules file of the RULES_FILE setting governs."""

    __tablename__ = "cycle_rules_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)  # 1, 2, ... in the order uploaded
    effective_on: Mapped[date] = mapped_column(Date, index=True)  # a forum day
    file_name: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    forum_name: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200), default="")  # the file's [forum] version
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()
