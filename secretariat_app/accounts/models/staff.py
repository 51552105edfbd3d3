"""The Secretariat's own staff: positions and appointments."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.accounts.models.states import Body, State
from secretariat_app.core.columns import enum_column
from secretariat_app.extensions import Model


class Position(enum.Enum):
    EXECUTIVE_DIRECTOR = "executive_director"  # Secretary General since the 6th Summit (2022)
    DEPUTY_EXECUTIVE_DIRECTOR = "deputy_executive_director"
    PROFESSIONAL = "professional"  # seconded by a member state, which pays
    SUPPORT = "support"  # contracted national of a member state


class StaffAppointment(Model):
    __tablename__ = "staff_appointment"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="term_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_name: Mapped[str] = mapped_column(String(120))
    position: Mapped[Position] = mapped_column(enum_column(Position, "staff_position"))
    post_title: Mapped[str] = mapped_column(String(120), default="")
    nationality_id: Mapped[int] = mapped_column(ForeignKey("state.id"), index=True)
    seconding_state_id: Mapped[int | None] = mapped_column(ForeignKey("state.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    appointing_body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"))
    decision_reference: Mapped[str] = mapped_column(String(80), default="")

    nationality: Mapped[State] = relationship(foreign_keys=[nationality_id])
    seconding_state: Mapped[State | None] = relationship(foreign_keys=[seconding_state_id])
    appointing_body: Mapped[Body | None] = relationship()
