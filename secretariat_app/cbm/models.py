"""Confidence building measures: the catalogue (dimensions and priority areas),
the coordinating states, the concept papers and action plans of each area,
their activities and the implementation reports."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import State
from secretariat_app.core.columns import UTCDateTime, enum_column, utcnow
from secretariat_app.decisions.models import Decision
from secretariat_app.documents.models import Document, StoredFile
from secretariat_app.extensions import Model, db


class CoordinatorRole(enum.Enum):
    COORDINATOR = "coordinator"
    CO_COORDINATOR = "co_coordinator"


class PaperKind(enum.Enum):
    CONCEPT_PAPER = "concept_paper"
    ACTION_PLAN = "action_plan"


class PaperStatus(enum.Enum):
    """draft -> submitted -> under SWG review -> approved (by an SOC decision) -> superseded."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_swg_review"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


class ActivityType(enum.Enum):
    CONFERENCE = "conference"
    SEMINAR = "seminar"
    WORKSHOP = "workshop"
    TRAINING = "training"
    EXERCISE = "exercise"
    PUBLICATION = "publication"
    OTHER = "other"


class ReportStatus(enum.Enum):
    """draft (the coordinator edits) -> submitted (locked) -> published (observers may read).
    A Secretariat reopening puts a submitted report back to draft, recorded."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"


class CbmDimension(Model):
    """One of the five dimensions of the Catalogue of CBMs (2004)."""

    __tablename__ = "cbm_dimension"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)  # order on screen
    # Place in the in-depth review rotation (one dimension a year), 0-based.
    review_order: Mapped[int] = mapped_column(Integer, unique=True)

    areas: Mapped[list[CbmArea]] = relationship(back_populates="dimension", order_by="(CbmArea.position, CbmArea.id)")

    def name(self, language: str = "en") -> str:
        return self.name_ru if language == "ru" else self.name_en


class CbmArea(Model):
    """A priority area inside a dimension (SMEs, ICT security, ...)."""

    __tablename__ = "cbm_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("cbm_dimension.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    dimension: Mapped[CbmDimension] = relationship(back_populates="areas")
    coordinators: Mapped[list[CbmCoordinator]] = relationship(
        back_populates="area", order_by="(CbmCoordinator.term_start, CbmCoordinator.id)"
    )
    coordinator_users: Mapped[list[CbmCoordinatorUser]] = relationship(back_populates="area")
    papers: Mapped[list[CbmPaper]] = relationship(back_populates="area", order_by="CbmPaper.id")

    def name(self, language: str = "en") -> str:
        return self.name_ru if language == "ru" else self.name_en


class CbmCoordinator(Model):
    """A state coordinating (or co-coordinating) an area for a term, appointed by an SOC decision."""

    __tablename__ = "cbm_coordinator"
    __table_args__ = (
        CheckConstraint("term_end IS NULL OR term_end >= term_start", name="term_order"),
        UniqueConstraint("area_id", "state_id", "term_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("cbm_area.id"), index=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id"), index=True)
    role: Mapped[CoordinatorRole] = mapped_column(enum_column(CoordinatorRole, "coordinator_role"))
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[CbmArea] = relationship(back_populates="coordinators")
    state: Mapped[State] = relationship()
    decision: Mapped[Decision | None] = relationship()

    def covers(self, day: date) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


class CbmCoordinatorUser(Model):
    """A user of a coordinating delegation who acts as coordinator for the area."""

    __tablename__ = "cbm_coordinator_user"
    __table_args__ = (UniqueConstraint("area_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("cbm_area.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    area: Mapped[CbmArea] = relationship(back_populates="coordinator_users")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CbmPaper(Model):
    """A concept paper or an action plan of an area, carried by a document of
    the documents module, through SWG review to SOC approval."""

    __tablename__ = "cbm_paper"
    __table_args__ = (
        CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start", name="period_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("cbm_area.id"), index=True)
    kind: Mapped[PaperKind] = mapped_column(enum_column(PaperKind, "cbm_paper_kind"))
    status: Mapped[PaperStatus] = mapped_column(
        enum_column(PaperStatus, "cbm_paper_status"), default=PaperStatus.DRAFT
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), unique=True)
    # The years an action plan covers (None for a concept paper).
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    review_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approval_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("cbm_paper.id"))

    area: Mapped[CbmArea] = relationship(back_populates="papers")
    document: Mapped[Document] = relationship()
    approval_decision: Mapped[Decision | None] = relationship()
    superseded_by: Mapped[CbmPaper | None] = relationship(remote_side="CbmPaper.id")
    comments: Mapped[list[CbmPaperComment]] = relationship(
        back_populates="paper", order_by="(CbmPaperComment.created_at, CbmPaperComment.id)"
    )
    activities: Mapped[list[CbmActivity]] = relationship(
        back_populates="action_plan", order_by="(CbmActivity.planned_start, CbmActivity.id)"
    )


class CbmPaperComment(Model):
    """A delegation's comment on a paper during the SWG review."""

    __tablename__ = "cbm_paper_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("cbm_paper.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    paper: Mapped[CbmPaper] = relationship(back_populates="comments")
    delegation = relationship("Delegation")
    author: Mapped[User | None] = relationship()


class CbmActivity(Model):
    """An activity planned in an action plan."""

    __tablename__ = "cbm_activity"
    __table_args__ = (CheckConstraint("planned_end >= planned_start", name="planned_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_plan_id: Mapped[int] = mapped_column(ForeignKey("cbm_paper.id"), index=True)
    title_en: Mapped[str] = mapped_column(String(300), default="")
    title_ru: Mapped[str] = mapped_column(String(300), default="")
    activity_type: Mapped[ActivityType] = mapped_column(enum_column(ActivityType, "cbm_activity_type"))
    planned_start: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(200), default="")
    host_state_id: Mapped[int | None] = mapped_column(ForeignKey("state.id"))
    responsible_state_id: Mapped[int] = mapped_column(ForeignKey("state.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    action_plan: Mapped[CbmPaper] = relationship(back_populates="activities")
    host_state: Mapped[State | None] = relationship(foreign_keys=[host_state_id])
    responsible_state: Mapped[State] = relationship(foreign_keys=[responsible_state_id])
    report: Mapped[CbmActivityReport | None] = relationship(back_populates="activity", uselist=False)

    def title(self, language: str = "en") -> str:
        if language == "ru":
            return self.title_ru or self.title_en
        return self.title_en or self.title_ru


class CbmAnnualReport(Model):
    """The implementation report of one area for one reporting year."""

    __tablename__ = "cbm_annual_report"
    __table_args__ = (UniqueConstraint("area_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("cbm_area.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ReportStatus] = mapped_column(
        enum_column(ReportStatus, "cbm_report_status"), default=ReportStatus.DRAFT
    )
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_ru: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)

    area: Mapped[CbmArea] = relationship()
    activity_reports: Mapped[list[CbmActivityReport]] = relationship(back_populates="annual_report")


cbm_activity_participant = Table(
    "cbm_activity_participant",
    db.metadata,
    Column("activity_report_id", ForeignKey("cbm_activity_report.id", ondelete="CASCADE"), primary_key=True),
    Column("state_id", ForeignKey("state.id"), primary_key=True),
)


class CbmActivityReport(Model):
    """What happened at one activity: when, where, who took part, the outcome."""

    __tablename__ = "cbm_activity_report"
    __table_args__ = (
        CheckConstraint("participant_count >= 0", name="participant_count_not_negative"),
        CheckConstraint("held_until IS NULL OR held_until >= held_on", name="held_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("cbm_activity.id"), unique=True)
    annual_report_id: Mapped[int] = mapped_column(ForeignKey("cbm_annual_report.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    held_until: Mapped[date | None] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(200), default="")
    participant_count: Mapped[int] = mapped_column(Integer, default=0)
    outcome_en: Mapped[str] = mapped_column(Text, default="")
    outcome_ru: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    activity: Mapped[CbmActivity] = relationship(back_populates="report")
    annual_report: Mapped[CbmAnnualReport] = relationship(back_populates="activity_reports")
    participating_states: Mapped[list[State]] = relationship(
        secondary=cbm_activity_participant, order_by="State.name_en"
    )
    attachments: Mapped[list[CbmAttachment]] = relationship(
        back_populates="activity_report", order_by="CbmAttachment.id"
    )


class CbmAttachment(Model):
    """A file attached to an activity report (programme, list of participants, photos)."""

    __tablename__ = "cbm_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_report_id: Mapped[int] = mapped_column(ForeignKey("cbm_activity_report.id"), index=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # shown only; never a path
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    activity_report: Mapped[CbmActivityReport] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship()
