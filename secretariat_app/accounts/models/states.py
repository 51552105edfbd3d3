"""States and organisations, their membership of CICA over time, and the bodies."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ColumnElement, Date, ForeignKey, String, and_, exists, or_, select
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.core.columns import enum_column
from secretariat_app.extensions import Model


class StateKind(enum.Enum):
    STATE = "state"
    ORGANISATION = "organisation"


class MembershipStatus(enum.Enum):
    MEMBER = "member"
    OBSERVER = "observer"
    PARTNER = "partner"


class State(Model):
    """A state or an international organisation that can take part in CICA."""

    __tablename__ = "state"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    iso2: Mapped[str | None] = mapped_column(String(2))
    kind: Mapped[StateKind] = mapped_column(enum_column(StateKind, "state_kind"))
    name_en: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="state", order_by="Membership.valid_from", cascade="all, delete-orphan"
    )

    def name(self, language: str = "en") -> str:
        return self.name_ru if language == "ru" else self.name_en

    def status_on(self, day: date) -> MembershipStatus | None:
        for membership in self.memberships:
            if membership.covers(day):
                return membership.status
        return None

    @hybrid_method
    def is_member_on(self, day: date) -> bool:
        """Whether the state is a member of CICA on `day`: the one definition of membership on a day.
        On the class, the same rule as SQL (an EXISTS over its memberships), for queries of states."""
        return self.status_on(day) == MembershipStatus.MEMBER

    @is_member_on.expression  # hybrid_method.inplace is itself; mypy types `.inplace` on it as a plain callable
    @classmethod
    def _is_member_on_expression(cls, day: date) -> ColumnElement[bool]:
        return exists().where(Membership.state_id == cls.id, Membership.status == MembershipStatus.MEMBER,
                              Membership.covers(day))

    def __repr__(self) -> str:
        return f"<State {self.code}>"


class Membership(Model):
    """A period during which a state held one status (member, observer, partner)."""

    __tablename__ = "membership"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id"), index=True)
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, "membership_status")
    )
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")

    state: Mapped[State] = relationship(back_populates="memberships")

    @hybrid_method
    def covers(self, day: date) -> bool:
        """Whether the period includes `day` (its last day included); on the class, the same as SQL."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @covers.expression  # hybrid_method.inplace is itself; mypy types `.inplace` on it as a plain callable
    @classmethod
    def _covers_expression(cls, day: date) -> ColumnElement[bool]:
        return and_(cls.valid_from <= day, or_(cls.valid_to.is_(None), cls.valid_to >= day))

    @hybrid_method
    def meets(self, first: date, last: date) -> bool:
        """Whether the period shares a day with first..last; on the class, the same as SQL."""
        return self.valid_from <= last and (self.valid_to is None or self.valid_to >= first)

    @meets.expression  # hybrid_method.inplace is itself; mypy types `.inplace` on it as a plain callable
    @classmethod
    def _meets_expression(cls, first: date, last: date) -> ColumnElement[bool]:
        return and_(cls.valid_from <= last, or_(cls.valid_to.is_(None), cls.valid_to >= first))


def states_with_status_on(day: date, *statuses: MembershipStatus):
    """SELECT of the states holding one of `statuses` on `day`."""
    return (
        select(State)
        .join(Membership)
        .where(Membership.status.in_(statuses), Membership.covers(day))
        .order_by(State.name_en)
    )


class Body(Model):
    """A CICA body that meets: Summit, MFA, informal MFA, SOC, SWG."""

    __tablename__ = "body"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    numbered: Mapped[bool] = mapped_column(default=False)
    rhythm_en: Mapped[str] = mapped_column(String(200), default="")

    def name(self, language: str = "en") -> str:
        return self.name_ru if language == "ru" else self.name_en


__all__ = ["Body", "Membership", "MembershipStatus", "State", "StateKind", "states_with_status_on"]
