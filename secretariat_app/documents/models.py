"""Documents of the clearing house: symbols, language versions, stored files,
circulation, reading and acknowledgement."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import Body
from secretariat_app.core.bilingual import in_language
from secretariat_app.core.columns import IdentityEnum, UTCDateTime, enum_column, utcnow
from secretariat_app.documents.services.other_languages import OTHER_LANGUAGE_SQL
from secretariat_app.extensions import Model
from secretariat_app.meetings.models import AgendaItem, Meeting


class DocumentType(IdentityEnum):
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


class DistributionLevel(IdentityEnum):
    """Ordered from the widest to the narrowest readership."""

    GENERAL = "general"
    LIMITED = "limited"
    RESTRICTED = "restricted"


class DocumentStatus(IdentityEnum):
    DRAFT = "draft"
    CIRCULATED = "circulated"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class VersionKind(enum.Enum):
    """Later versions of a document: a revision replaces, a corrigendum corrects, an addendum adds."""

    REV = "Rev"
    CORR = "Corr"
    ADD = "Add"


class SymbolCounter(Model):
    """The last serial given per body and year: serials are never reused, even
    when a draft is deleted."""

    __tablename__ = "symbol_counter"
    __table_args__ = (UniqueConstraint("body_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"))
    year: Mapped[int] = mapped_column(Integer)
    last_serial: Mapped[int] = mapped_column(Integer, default=0)


class Document(Model):
    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("base_id", "version_kind", "version_number"),
        # The inbox's and the search's year filter starts from the year's documents.
        Index("ix_document_year", "year"),
    )

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
    status_reason_ru: Mapped[str] = mapped_column(Text, default="", server_default="")  # optional
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When the row last changed (status, level, titles...): what the API's synchronisation
    # (documents/services/changes.py) counts as a change with a new version or a circulation.
    # Empty on rows written by hand in SQL (the benchmark's load): created_at stands in.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # 'en:12,ru:13': the latest version of each language, written by the database whenever a
    # version is (documents/version_languages.py) and read by the inbox's page; never by the ORM.
    version_languages: Mapped[str | None] = mapped_column(Text)

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

    def reason_in(self, language: str = "en") -> str:
        """Why it was withdrawn (or what superseded it), in `language`; English when no Russian was written."""
        return in_language(self.status_reason, self.status_reason_ru, language)

    def title(self, language: str = "en") -> str:
        if language == "ru":
            return self.title_ru or self.title_en
        return self.title_en or self.title_ru


class StoredFile(Model):
    """A file in the content-addressed store, named by its SHA-256."""

    __tablename__ = "stored_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(120))
    extension: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TextStatus(enum.Enum):
    """How far the text of a stored file has been read (by the worker, after the upload commits)."""

    PENDING = "pending"  # not read yet (or read again: a retry is due)
    EXTRACTED = "extracted"  # text found and stored
    SCAN = "scan"  # a PDF of images: pages but no text layer
    UNREADABLE = "unreadable"  # damaged, encrypted, or the reader failed for good
    UNSUPPORTED = "unsupported"  # a type we have no reader for


class FileText(Model):
    """The text of a stored file, for full-text search and the side-by-side view.
    Keyed like the store, by the file's SHA-256: the same file uploaded twice is read once."""

    __tablename__ = "file_text"

    sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256", ondelete="CASCADE"), primary_key=True)
    status: Mapped[TextStatus] = mapped_column(enum_column(TextStatus, "text_status"), default=TextStatus.PENDING)
    text: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(400), default="")
    extracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class KitStatus(enum.Enum):
    BUILDING = "building"  # asked for; a worker builds it
    READY = "ready"
    FAILED = "failed"  # the worker could not build it (a stored file missing): asking again builds it again


class MeetingKit(Model):
    """One ZIP of a meeting's documents with its bilingual index, built by a worker.
    Keyed by `digest`, the SHA-256 of what the ZIP holds (each file's hash, its name
    in the ZIP and its line in the index): every reader whose readable documents
    make the same set gets the same ZIP, built once. Who may download it is decided
    again at each download (documents/kits/services.py), never by this row."""

    __tablename__ = "meeting_kit"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(4))  # en, ru or both
    manifest: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # the entries, as built
    status: Mapped[KitStatus] = mapped_column(enum_column(KitStatus, "kit_status"), default=KitStatus.BUILDING)
    size: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str] = mapped_column(String(400), default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DocumentVersion(Model):
    """One uploaded file of one language of a document. A new upload for the same
    language replaces the previous one on screen; the archive keeps both."""

    __tablename__ = "document_version"
    __table_args__ = (
        Index("ix_document_version_document_id_language", "document_id", "language"),
        # The few versions in another (original) language: what the lists' copy of "has a version in
        # another language" is computed from (documents/list_filters.py), one probe a document.
        Index("ix_document_version_other_language", "document_id",
              postgresql_where=text(OTHER_LANGUAGE_SQL), sqlite_where=text(OTHER_LANGUAGE_SQL)),
    )

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


# How many versions are in another language, known to PostgreSQL's planner (statistics on the
# partial index's condition): it estimates "language NOT IN ('en', 'ru')" as if each inequality
# were independent (a fifth of the table where none is): statements that filter on it (the API's
# synchronisation, the search's filter) would be planned for many where there are few.
OTHER_LANGUAGE_STATISTICS = (f"CREATE STATISTICS st_document_version_other_language "
                             f"ON (({OTHER_LANGUAGE_SQL})) FROM document_version")
event.listen(DocumentVersion.__table__, "after_create",
             DDL(OTHER_LANGUAGE_STATISTICS).execute_if(dialect="postgresql"))


class Circulation(Model):
    """A document sent to one delegation (or, for RESTRICTED, through one named person)."""

    __tablename__ = "circulation"
    __table_args__ = (
        UniqueConstraint("document_id", "delegation_id"),
        # The delegation's list in the order the inbox shows it (time, then document), holding
        # what its walks read of each row (on PostgreSQL: an index-only walk, no row fetched).
        Index("ix_circulation_delegation_id_circulated_at", "delegation_id", "circulated_at", "document_id",
              postgresql_include=["document_level", "document_status"]),
        # The inbox's year and meeting filters: the delegation's documents of a year (of a
        # meeting) newest first, a walk as short as the page (documents/services/inbox.py).
        Index("ix_circulation_delegation_id_year_circulated_at", "delegation_id", "year", "circulated_at"),
        Index("ix_circulation_delegation_id_meeting_id_circulated_at", "delegation_id", "meeting_id",
              "circulated_at", postgresql_where=text("meeting_id IS NOT NULL"),
              sqlite_where=text("meeting_id IS NOT NULL")),
        # The filter "another (original) language": the delegation's documents with a version in
        # another language than English and Russian, newest first.
        Index("ix_circulation_delegation_id_circulated_at_other_language", "delegation_id", "circulated_at",
              postgresql_where=text("other_language"), sqlite_where=text("other_language")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    circulated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    circulated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The document's year and meeting, and whether it has a version in another language than
    # English and Russian, copied by the database (documents/list_filters.py's triggers)
    # whoever writes the row: the inbox's filters walk them along the list's order. And its
    # level and status (their values), which the inbox's walks test the reading rule on
    # (permissions.documents) without a probe of the document a row.
    year: Mapped[int | None] = mapped_column(Integer)
    meeting_id: Mapped[int | None] = mapped_column(Integer)
    other_language: Mapped[bool] = mapped_column(Boolean, server_default=false())
    document_level: Mapped[str | None] = mapped_column(String(32))
    document_status: Mapped[str | None] = mapped_column(String(32))

    document: Mapped[Document] = relationship()
    delegation: Mapped[Delegation] = relationship()
    circulated_by: Mapped[User | None] = relationship()


class NamedRecipient(Model):
    """A person a RESTRICTED document was circulated to by name."""

    __tablename__ = "named_recipient"
    __table_args__ = (
        UniqueConstraint("document_id", "user_id"),
        # A person's named list in the order the inbox shows it, holding what its walks read
        # (as the delegation's list).
        Index("ix_named_recipient_user_id_added_at", "user_id", "added_at", "document_id",
              postgresql_include=["document_level", "document_status"]),
        # The same list of a year, of a meeting (the inbox's filters, as on circulation).
        Index("ix_named_recipient_user_id_year_added_at", "user_id", "year", "added_at"),
        Index("ix_named_recipient_user_id_meeting_id_added_at", "user_id", "meeting_id", "added_at",
              postgresql_where=text("meeting_id IS NOT NULL"), sqlite_where=text("meeting_id IS NOT NULL")),
        Index("ix_named_recipient_user_id_added_at_other_language", "user_id", "added_at",
              postgresql_where=text("other_language"), sqlite_where=text("other_language")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The document's year, meeting, other language, level and status, copied by the database
    # (as on Circulation).
    year: Mapped[int | None] = mapped_column(Integer)
    meeting_id: Mapped[int | None] = mapped_column(Integer)
    other_language: Mapped[bool] = mapped_column(Boolean, server_default=false())
    document_level: Mapped[str | None] = mapped_column(String(32))
    document_status: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship()


class Receipt(Model):
    """When a person first opened or downloaded a document."""

    __tablename__ = "receipt"
    __table_args__ = (UniqueConstraint("user_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Acknowledgement(Model):
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


# What each reader has read (read_horizon, unread_mark and their triggers): documents/read_state.py;
# and the document's year and meeting copied onto circulation and named_recipient (list_filters.py,
# its triggers); the latest version of each language on the document (version_languages.py).
# Imported here so that the tables and triggers come with the documents' models.
import secretariat_app.documents.list_filters  # noqa: E402,F401
import secretariat_app.documents.version_languages  # noqa: E402,F401
from secretariat_app.documents.read_state import ReadHorizon as ReadHorizon  # noqa: E402
from secretariat_app.documents.read_state import UnreadMark as UnreadMark  # noqa: E402
