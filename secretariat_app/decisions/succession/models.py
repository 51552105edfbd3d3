"""Succession to the chairmanship: the term a succession is about, the
candidatures for it (withdrawn, never deleted), the delegations informed of
each, and the decisions of the register each step rests on."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import State
from secretariat_app.core.columns import UTCDateTime, enum_column, utcnow
from secretariat_app.decisions.models import Chairmanship, Decision
from secretariat_app.domain.periods import Period
from secretariat_app.extensions import Model


class CandidatureStatus(enum.Enum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class ChairSuccession(Model):
    """One term of the chairmanship still to be (or just) decided: its dates, its
    candidatures, and what the deciding decision wrote in the ledger."""

    __tablename__ = "chair_succession"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date, unique=True)
    ends_on: Mapped[date] = mapped_column(Date)
    # Set once the decision took effect: the ledger's row it created or extended.
    chairmanship_id: Mapped[int | None] = mapped_column(ForeignKey("chairmanship.id"))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once beat warned the officers that the term before ends within a year undecided.
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidatures: Mapped[list[ChairCandidature]] = relationship(
        back_populates="succession", order_by="ChairCandidature.letter_on, ChairCandidature.id")
    chairmanship: Mapped[Chairmanship | None] = relationship()

    @property
    def period(self) -> Period:
        return Period(self.starts_on, self.ends_on)


class ChairCandidature(Model):
    """A member state's letter to the Chair: it intends to chair for the term."""

    __tablename__ = "chair_candidature"

    id: Mapped[int] = mapped_column(primary_key=True)
    succession_id: Mapped[int] = mapped_column(ForeignKey("chair_succession.id"), index=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id"), index=True)
    letter_on: Mapped[date] = mapped_column(Date)
    continuation: Mapped[bool] = mapped_column(Boolean, default=False)  # the current Chair asks to continue
    status: Mapped[CandidatureStatus] = mapped_column(enum_column(CandidatureStatus, "candidature_status"),
                                                      default=CandidatureStatus.ACTIVE)
    note: Mapped[str] = mapped_column(Text, default="")
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_note: Mapped[str] = mapped_column(Text, default="")
    informed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the members were told (once)
    # The SOC's decision recommending this candidate (silence procedure), and the MFA's or
    # Summit's choosing it; each a decision of the register.
    recommendation_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    succession: Mapped[ChairSuccession] = relationship(back_populates="candidatures")
    recommendation_decision: Mapped[Decision | None] = relationship(foreign_keys=[recommendation_decision_id])
    decision: Mapped[Decision | None] = relationship(foreign_keys=[decision_id])
    state: Mapped[State] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    recipients: Mapped[list[CandidatureRecipient]] = relationship(back_populates="candidature",
                                                                  order_by="CandidatureRecipient.delegation_id")

    @property
    def active(self) -> bool:
        return self.status == CandidatureStatus.ACTIVE


class CandidatureRecipient(Model):
    """A delegation the members' notice of a candidature went to: what was circulated to it."""

    __tablename__ = "chair_candidature_recipient"

    candidature_id: Mapped[int] = mapped_column(ForeignKey("chair_candidature.id"), primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"), primary_key=True, index=True)
    informed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidature: Mapped[ChairCandidature] = relationship(back_populates="recipients")
    delegation: Mapped[Delegation] = relationship()
