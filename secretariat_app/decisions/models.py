"""Decisions of the bodies, taken at a meeting or by the silence procedure, and
the chairmanship ledger (a chairmanship rests on a decision)."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.core.bilingual import in_language
from secretariat_app.core.columns import UTCDateTime, enum_column, utcnow
from secretariat_app.extensions import Model

if TYPE_CHECKING:  # meetings.models (and through it documents.models) imports this module
    from secretariat_app.documents.models import StoredFile
    from secretariat_app.meetings.models import Meeting


class Procedure(enum.Enum):
    MEETING = "meeting"  # adopted by consensus at a meeting
    SILENCE = "silence"  # circulated with a deadline; adopted if nobody breaks silence


class DecisionStatus(enum.Enum):
    DRAFT = "draft"
    UNDER_SILENCE = "under_silence"  # circulated, deadline not yet passed
    ADOPTED = "adopted"
    STOPPED = "stopped"  # silence broken by an objection


class Decision(Model):
    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. SOC/2024/DEC/3
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    procedure: Mapped[Procedure] = mapped_column(enum_column(Procedure, "decision_procedure"))
    status: Mapped[DecisionStatus] = mapped_column(
        enum_column(DecisionStatus, "decision_status"), default=DecisionStatus.DRAFT
    )
    title_en: Mapped[str] = mapped_column(String(300))
    title_ru: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(Text, default="")
    text_ru: Mapped[str] = mapped_column(Text, default="")
    adopted_on: Mapped[date | None] = mapped_column(Date)
    # Silence procedure: circulated on, deadline (inclusive); adopted the day after.
    silence_circulated_on: Mapped[date | None] = mapped_column(Date)
    silence_deadline: Mapped[date | None] = mapped_column(Date)
    # A departure from a cycle rule this decision approved (e.g. the 6th MFA postponed to 2021).
    justifies_body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"))
    justifies_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship(foreign_keys=[body_id])
    justifies_body: Mapped[Body | None] = relationship(foreign_keys=[justifies_body_id])
    objections: Mapped[list[SilenceObjection]] = relationship(
        back_populates="decision", order_by="SilenceObjection.id", cascade="all, delete-orphan"
    )
    circulations: Mapped[list[SilenceCirculation]] = relationship(
        back_populates="decision", order_by="SilenceCirculation.id", cascade="all, delete-orphan"
    )

    def title(self, language: str = "en") -> str:
        return self.title_ru if language == "ru" else self.title_en


class SilenceCirculation(Model):
    """A delegation a draft under silence was circulated to: every member delegation
    on the day of circulation (`as_member`: they may break silence), and the
    observers the Secretariat chose, for information. Who may see the procedure
    before it is adopted is decided by these rows (permissions.decisions)."""

    __tablename__ = "silence_circulation"
    __table_args__ = (UniqueConstraint("decision_id", "delegation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"), index=True)
    as_member: Mapped[bool] = mapped_column(Boolean, default=True)
    circulated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    circulated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    decision: Mapped[Decision] = relationship(back_populates="circulations")
    delegation: Mapped[Delegation] = relationship()


class SilenceObjection(Model):
    """A member's written objection that breaks the silence: recorded by an officer
    (a note received), or lodged by the delegation itself on the decision's page
    (`lodged_at`, the moment; its text and/or a file)."""

    __tablename__ = "silence_objection"
    __table_args__ = (UniqueConstraint("decision_id", "delegation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    lodged_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lodged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # lodged through the page: the moment
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_file.sha256"), index=True)
    filename: Mapped[str | None] = mapped_column(String(200))  # shown only; never a path
    file_size: Mapped[int | None] = mapped_column(BigInteger)

    decision: Mapped[Decision] = relationship(back_populates="objections")
    file: Mapped[StoredFile | None] = relationship("StoredFile")
    delegation: Mapped[Delegation] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class Chairmanship(Model):
    """One state's chairmanship: from `starts_on` to `ends_on` (inclusive; open while current)."""

    __tablename__ = "chairmanship"
    __table_args__ = (CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="term_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(Date)
    year_precision: Mapped[bool] = mapped_column(default=False)  # imported history knows years only
    basis: Mapped[str] = mapped_column(Text, default="")
    basis_ru: Mapped[str] = mapped_column(Text, default="", server_default="")
    basis_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    basis_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))

    state: Mapped[State] = relationship()
    basis_decision: Mapped[Decision | None] = relationship()
    basis_meeting: Mapped[Meeting | None] = relationship()

    def basis_in(self, language: str = "en") -> str:
        """The note on the term's basis in `language` (the English one when no Russian was written)."""
        return in_language(self.basis, self.basis_ru, language)

    @property
    def handover_year(self) -> int | None:
        """The year the successor takes over, as the record writes terms ("2002-2010")."""
        return (self.ends_on + timedelta(days=1)).year if self.ends_on else None


class ChairmanshipDecision(Model):
    """A decision on a chairmanship taken at a meeting: assumed, extended,
    renewed, handed over or elected (the history's chairmanship_decisions.csv).
    It justifies a departure of that chairmanship from the forum's chair rule."""

    __tablename__ = "chairmanship_decision"
    __table_args__ = (UniqueConstraint("chairmanship_id", "decision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chairmanship_id: Mapped[int] = mapped_column(ForeignKey("chairmanship.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # assumed | extended | renewed | handed_over | elected

    chairmanship: Mapped[Chairmanship] = relationship()
    decision: Mapped[Decision] = relationship()
