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
    MEETING_INVITATION = "meeting_invitation"
    MEETING_UPDATED = "meeting_updated"
    DOCUMENT_CIRCULATED = "document_circulated"
    ACKNOWLEDGEMENT_CHASER = "acknowledgement_chaser"
    REPORT_DEADLINE = "report_deadline"
    CYCLE_FINDING = "cycle_finding"
    REPORT_REOPENED = "report_reopened"  # a CBM annual report put back to draft, with the reason
    REPORT_PUBLISHED = "report_published"  # a CBM annual report published for observers
    CHAIR_CANDIDATURE = "chair_candidature"  # the Chair informs the members of a candidature
    CHAIR_SUCCESSOR_DUE = "chair_successor_due"  # the term ends within a year, no successor decided (Secretariat)
    SILENCE_CIRCULATED = "silence_circulated"  # a draft decision circulated under the silence procedure
    SILENCE_REMINDER = "silence_reminder"  # its deadline is near and the delegation has not objected
    PROPOSAL_DECIDED = "proposal_decided"  # the chair's decision on a delegation's proposal to a negotiated text
    PROPOSAL_DEADLINE = "proposal_deadline"  # the day before a negotiated text's deadline for proposals


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
        Index("ix_notification_sent_at", "sent_at"),  # the mails of the last minute (NOTIFY_RATE_PER_MINUTE)
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
    # Attempts charged against NOTIFY_MAX_ATTEMPTS: a claim counts one, and it is
    # given back when the SMTP server could not be reached at all (an outage).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Claims ever made (never reset, never given back): the fencing token of a
    # delivery. Every write that starts or ends one is conditional on it.
    claims: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
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


class CircuitState(enum.Enum):
    CLOSED = "closed"  # mail goes out
    OPEN = "open"  # the server could not be reached: nothing is claimed until retry_at
    HALF_OPEN = "half_open"  # one dispatcher is probing the server (until retry_at)


class DeliveryCircuit(Model):
    """The SMTP circuit breaker, one row ("smtp") every worker and dispatcher
    reads: while it is open nothing is claimed and no attempt is spent."""

    __tablename__ = "delivery_circuit"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[CircuitState] = mapped_column(enum_column(CircuitState, "circuit_state"),
                                                default=CircuitState.CLOSED)
    outages: Mapped[int] = mapped_column(Integer, default=0)  # failed connections in a row (the back-off's exponent)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # since when the server is unreachable
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # next probe (open), or the probe's deadline
    last_error: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SchedulerLock(Model):
    """A named lease: the one Celery beat (or dispatcher) holding it until `expires_at`."""

    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
