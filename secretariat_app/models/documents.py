"""Documents of the clearing house: symbols, language versions, stored files,
circulation, reading and acknowledgement."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.extensions import db
from secretariat_app.models.columns import UTCDateTime, enum_column, utcnow
from secretariat_app.models.meetings import AgendaItem, Meeting
from secretariat_app.models.people import Delegation, User
from secretariat_app.models.states import Body


class DocumentType(enum.Enum):
    AGENDA = "agenda"
    DRAFT_DECISION = "draft_decision"
    DECISION = "decision"
    REPORT = "report"
    CONCEPT_PAPER = "concept_paper"
    ACTION_PLAN = "action_plan"
    NOTE_VERBALE = "note_verbale"
    INFORMATION_NOTE = "information_note"
    OTHER = "other"


class Originator(enum.Enum):
    SECRETARIAT = "secretariat"
    CHAIR = "chair"
    DELEGATION = "delegation"
    COORDINATOR = "coordinator"
    ORGANISATION = "organisation"


class DistributionLevel(enum.Enum):
    """Ordered from the widest to the narrowest readership."""

    GENERAL = "general"
    LIMITED = "limited"
    RESTRICTED = "restricted"


class DocumentStatus(enum.Enum):
    DRAFT = "draft"
    CIRCULATED = "circulated"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class VersionKind(enum.Enum):
    """Later versions of a document: a revision replaces, a corrigendum corrects, an addendum adds."""

    REV = "Rev"
    CORR = "Corr"
    ADD = "Add"


class SymbolCounter(db.Model):
    """The last serial given per body and year: serials are never reused, even
    when a draft is deleted."""

    __tablename__ = "symbol_counter"
    __table_args__ = (UniqueConstraint("body_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"))
    year: Mapped[int] = mapped_column(Integer)
    last_serial: Mapped[int] = mapped_column(Integer, default=0)


class Document(db.Model):
    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("base_id", "version_kind", "version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    symbol: Mapped[str] = mapped_column(String(80), unique=True)  # CICA/SOC/2024/17/Rev.1
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    # A later version points at the original document (base) it revises, corrects or adds to.
    base_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    version_kind: Mapped[VersionKind | None] = mapped_column(enum_column(VersionKind, "version_kind"))
    version_number: Mapped[int | None] = mapped_column(Integer)
    title_en: Mapped[str] = mapped_column(String(400), default="")
    title_ru: Mapped[str] = mapped_column(String(400), default="")
    doc_type: Mapped[DocumentType] = mapped_column(enum_column(DocumentType, "document_type"))
    originator: Mapped[Originator] = mapped_column(enum_column(Originator, "originator"))
    originator_delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegation.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    level: Mapped[DistributionLevel] = mapped_column(enum_column(DistributionLevel, "distribution_level"))
    status: Mapped[DocumentStatus] = mapped_column(
        enum_column(DocumentStatus, "document_status"), default=DocumentStatus.DRAFT
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    body: Mapped[Body] = relationship()
    base: Mapped[Document | None] = relationship(remote_side="Document.id", back_populates="later_versions")
    later_versions: Mapped[list[Document]] = relationship(
        back_populates="base", order_by="Document.id"
    )
    originator_delegation: Mapped[Delegation | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.id", cascade="all, delete-orphan"
    )

    def title(self, language: str = "en") -> str:
        if language == "ru":
            return self.title_ru or self.title_en
        return self.title_en or self.title_ru


class StoredFile(db.Model):
    """A file in the content-addressed store, named by its SHA-256."""

    __tablename__ = "stored_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(120))
    extension: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DocumentVersion(db.Model):
    """One uploaded file of one language of a document. A new upload for the same
    language replaces the previous one on screen; the archive keeps both."""

    __tablename__ = "document_version"
    __table_args__ = (Index("ix_document_version_document_id_language", "document_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))  # en, ru, or the original language's code
    is_original: Mapped[bool] = mapped_column(default=False)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")
    file: Mapped[StoredFile] = relationship()
    uploaded_by: Mapped[User | None] = relationship()


class Circulation(db.Model):
    """A document sent to one delegation (or, for RESTRICTED, through one named person)."""

    __tablename__ = "circulation"
    __table_args__ = (
        UniqueConstraint("document_id", "delegation_id"),
        Index("ix_circulation_delegation_id_circulated_at", "delegation_id", "circulated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    circulated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    circulated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    document: Mapped[Document] = relationship()
    delegation: Mapped[Delegation] = relationship()
    circulated_by: Mapped[User | None] = relationship()


class NamedRecipient(db.Model):
    """A person a RESTRICTED document was circulated to by name."""

    __tablename__ = "named_recipient"
    __table_args__ = (UniqueConstraint("document_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Receipt(db.Model):
    """When a person first opened or downloaded a document."""

    __tablename__ = "receipt"
    __table_args__ = (UniqueConstraint("user_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Acknowledgement(db.Model):
    """A delegation's acknowledgement of receipt, given by one of its users."""

    __tablename__ = "acknowledgement"
    __table_args__ = (UniqueConstraint("document_id", "delegation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    delegation: Mapped[Delegation] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()
