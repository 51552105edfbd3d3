"""The chairmanship ledger and the findings of the cycle-rule checks."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.extensions import db
from secretariat_app.models.columns import UTCDateTime, utcnow
from secretariat_app.models.decisions import Decision
from secretariat_app.models.meetings import Meeting
from secretariat_app.models.states import State


class Chairmanship(db.Model):
    """One state's chairmanship: from `starts_on` to `ends_on` (inclusive; open while current)."""

    __tablename__ = "chairmanship"
    __table_args__ = (CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="term_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(Date)
    year_precision: Mapped[bool] = mapped_column(default=False)  # imported history knows years only
    basis: Mapped[str] = mapped_column(Text, default="")
    basis_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    basis_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))

    state: Mapped[State] = relationship()
    basis_decision: Mapped[Decision | None] = relationship()
    basis_meeting: Mapped[Meeting | None] = relationship()

    @property
    def handover_year(self) -> int | None:
        """The year the successor takes over, as the record writes terms ("2002-2010")."""
        return (self.ends_on + timedelta(days=1)).year if self.ends_on else None


class CycleFinding(db.Model):
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
    message: Mapped[str] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(String(120))
    from_year: Mapped[int | None] = mapped_column(Integer)
    to_year: Mapped[int | None] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # no longer found
    raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # officers were told
