"""Meetings of the CICA bodies: invitations, participants and the agenda."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
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


class MeetingFormat(enum.Enum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class MeetingStatus(enum.Enum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    HELD = "held"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


class DatePrecision(enum.Enum):
    """Historical meetings are known to the month; scheduled ones to the minute."""

    DAY = "day"
    MONTH = "month"


class Meeting(Model):
    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("body_id", "number"),
        CheckConstraint("ends_at >= starts_at", name="time_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    number: Mapped[int | None] = mapped_column(Integer)  # ordinal, for the bodies that number them
    title_en: Mapped[str] = mapped_column(String(200))
    title_ru: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Almaty")
    date_precision: Mapped[DatePrecision] = mapped_column(
        enum_column(DatePrecision, "date_precision"), default=DatePrecision.DAY
    )
    city: Mapped[str] = mapped_column(String(120), default="")  # the venue, in English
    city_ru: Mapped[str] = mapped_column(String(120), default="", server_default="")  # and in Russian (optional)
    host_state_id: Mapped[int | None] = mapped_column(ForeignKey("state.id"))
    format: Mapped[MeetingFormat] = mapped_column(
        enum_column(MeetingFormat, "meeting_format"), default=MeetingFormat.IN_PERSON
    )
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, "meeting_status"), default=MeetingStatus.PLANNED
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_reason_ru: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The decision behind a postponement, a move or any departure from the rhythm.
    status_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id", use_alter=True))
    # An SWG session prepares one SOC.
    prepares_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    note_ru: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Bumped on every change that a calendar invitation must reflect.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # When the invitation first went to the invited delegations (its confirmation); None: not yet.
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Days before the start when reminders go out; None: the body's defaults.
    reminder_offsets: Mapped[list[int] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship()
    host_state: Mapped[State | None] = relationship()
    status_decision: Mapped[Decision | None] = relationship(foreign_keys=[status_decision_id])
    prepares: Mapped[Meeting | None] = relationship(remote_side="Meeting.id")
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )

    def title(self, language: str = "en") -> str:
        return self.title_ru if language == "ru" else self.title_en

    def venue(self, language: str = "en") -> str:
        """The city in `language` (the English one when no Russian was written)."""
        return in_language(self.city, self.city_ru, language)

    def note_in(self, language: str = "en") -> str:
        return in_language(self.note, self.note_ru, language)

    def reason_in(self, language: str = "en") -> str:
        """Why the meeting was postponed or cancelled, in `language`."""
        return in_language(self.status_reason, self.status_reason_ru, language)


class Invitation(Model):
    """A delegation invited to a meeting."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("meeting_id", "delegation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    delegation: Mapped[Delegation] = relationship()
    participants: Mapped[list[Participant]] = relationship(
        back_populates="invitation", order_by="Participant.id", cascade="all, delete-orphan"
    )


class Participant(Model):
    """A person a delegation registered for a meeting."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    name: Mapped[str] = mapped_column(String(120))
    function: Mapped[str] = mapped_column(String(120), default="")  # e.g. Head of delegation
    email: Mapped[str] = mapped_column(String(254), default="")
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invitation: Mapped[Invitation] = relationship(back_populates="participants")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])


class AgendaItem(Model):
    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title_en: Mapped[str] = mapped_column(String(300))
    title_ru: Mapped[str] = mapped_column(String(300))

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")

    def title(self, language: str = "en") -> str:
        return self.title_ru if language == "ru" else self.title_en


from secretariat_app.decisions.models import Decision  # noqa: E402  (the two refer to each other)
