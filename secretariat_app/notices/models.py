"""Notices to be sent, kept as rows: the request that causes a notice writes
its row; a dispatcher sends due rows and marks them."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.accounts.models.people import User
from secretariat_app.core.columns import UTCDateTime, enum_column, utcnow
from secretariat_app.extensions import Model


class NotificationKind(enum.Enum):
    MEETING_REMINDER = "meeting_reminder"
    MEETING_CANCELLED = "meeting_cancelled"
    DOCUMENT_CIRCULATED = "document_circulated"
    ACKNOWLEDGEMENT_CHASER = "acknowledgement_chaser"
    REPORT_DEADLINE = "report_deadline"
    CYCLE_FINDING = "cycle_finding"


class NotificationStatus(enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Notification(Model):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("kind", "subject_type", "subject_id", "recipient_id", "due_at"),
        Index("ix_notification_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, "notification_kind"))
    subject_type: Mapped[str] = mapped_column(String(40))  # "meeting", "document", ...
    subject_id: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[NotificationStatus] = mapped_column(
        enum_column(NotificationStatus, "notification_status"), default=NotificationStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After a failed attempt: not sent again before this instant. Kept apart from
    # due_at, which is part of the notice's identity (its unique key).
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recipient: Mapped[User] = relationship()

    @property
    def message_id(self) -> str:
        """Deterministic, so that a rare second delivery can be recognised as the same mail."""
        return f"<notice-{self.id}-{self.kind.value}-{self.subject_type}-{self.subject_id}@cica.example>"


class SchedulerLock(Model):
    """A named lease: the one Celery beat (or dispatcher) holding it until `expires_at`."""

    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
