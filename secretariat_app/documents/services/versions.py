"""Language versions of a document: uploading a file for a language, what the
page shows of each language (missing, stale), and the sweeper of stored files.

A file goes through FileStore.save (size limit, type by content, stored under
its SHA-256, atomically); the name the user gave it never reaches the file
system. A new upload for a language is a new DocumentVersion: the earlier one
stays in the archive."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from secretariat_app.accounts.models.people import User
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.core.filetypes import Reason
from secretariat_app.core.storage import FileStore, RefusedFile, Stored, file_store
from secretariat_app.documents.models import (
    Document,
    DocumentStatus,
    DocumentVersion,
    FileText,
    StoredFile,
)
from secretariat_app.documents.text import extraction as text_extraction
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db

WORKING_LANGUAGES = ("en", "ru")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
VERSION_FIELDS = ("document_id", "language", "is_original", "file_sha256")
UPLOAD_STATUSES = (DocumentStatus.DRAFT, DocumentStatus.CIRCULATED)
SWEEP_GRACE_SECONDS = 3600


@dataclass
class UploadData:
    language: str
    stream: BinaryIO | None
    is_original: bool = False
    filename: str | None = None  # the name the user gave: it must agree with the content


def file_refusal(refused: RefusedFile,
                 empty: str = N_("The file is empty: choose the file of this language version.")) -> Violation:
    """The form error for a file the store refused: the reason's message (core/filetypes.Reason)."""
    if refused.reason is Reason.EMPTY:
        return Violation("file", empty)
    return Violation("file", refused.reason.value, refused.params)


def _check(document: Document, data: UploadData) -> tuple[list[Violation], str]:
    language = (data.language or "").strip().lower()
    violations = []
    if document.status not in UPLOAD_STATUSES:
        violations.append(Violation("file", N_("%(symbol)s is %(status)s: its files are kept as they were."),
                                    {"symbol": document.symbol, "status": document.status.value}))
    if not LANGUAGE_CODE.match(language):
        violations.append(Violation("language", N_("Give the language as a two- or three-letter code (en, ru, zh…).")))
    if data.stream is None:
        violations.append(Violation("file", N_("Choose the file to upload.")))
    return violations, language


def _store_row(stored: Stored) -> None:
    """The StoredFile row of a content, written once whoever uploads it, with its
    file_text row (PENDING) and the read of its text once the upload commits."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(StoredFile).values(
        sha256=stored.sha256, size=stored.size, content_type=stored.type.content_type,
        extension=stored.type.extension, created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["sha256"]))
    text_extraction.add_pending(stored.sha256)


def upload(actor: User | None, document: Document, data: UploadData, store: FileStore | None = None,
           max_size: int | None = None, now: datetime | None = None) -> DocumentVersion:
    """Store a file as the `language` version of `document` and commit.

    Refused (RuleViolations on `file` or `language`, nothing written) when the
    document is superseded or withdrawn, or the file is empty, too large, of
    a type not accepted or named as another type (core/sniffing.py). A language other than English and Russian is the
    original language."""
    store = store or file_store()
    max_size = max_size or current_app.config["MAX_UPLOAD_SIZE"]
    violations, language = _check(document, data)
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)
    assert data.stream is not None  # an upload without a file is refused above
    try:
        stored = store.save(data.stream, max_size, data.filename)
    except RefusedFile as refused:
        db.session.rollback()
        raise RuleViolations([file_refusal(refused)]) from None
    store.path_for(stored.sha256).touch()  # a fresh mtime: the sweeper's grace period covers this upload
    _store_row(stored)
    version = DocumentVersion(
        document_id=document.id, language=language, file_sha256=stored.sha256,
        is_original=bool(data.is_original) or language not in WORKING_LANGUAGES,
        uploaded_by_id=getattr(actor, "id", None), uploaded_at=now or utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    after = audit.snapshot(version, VERSION_FIELDS)
    after["symbol"] = document.symbol
    audit.record(actor, "document_version.create", "document_version", version.id, None, after)
    db.session.commit()
    return version


# What the page shows of each language -----------------------------------------------------

@dataclass
class LanguageStatus:
    language: str
    versions: list[DocumentVersion] = field(default_factory=list)  # oldest first; the last is current
    stale_since: DocumentVersion | None = None  # the later replacement of another language

    @property
    def current(self) -> DocumentVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def missing(self) -> bool:
        return not self.versions

    @property
    def stale(self) -> bool:
        return self.stale_since is not None

    @property
    def is_original(self) -> bool:
        return self.current is not None and self.current.is_original


def _moment(version: DocumentVersion) -> tuple[datetime, int]:
    return version.uploaded_at, version.id


def language_statuses(document: Document) -> list[LanguageStatus]:
    """English, Russian and any other language uploaded, each with its uploads.

    English or Russian without a file is missing. A language is stale when
    another language was replaced (uploaded again) after its own latest upload.
    The uploads are replayed in order: a replacement of an up-to-date language
    makes every other language stale; the upload of a stale language brings it
    up to date without making the others stale (it catches up, it does not change)."""
    by_language: dict[str, LanguageStatus] = {code: LanguageStatus(code) for code in WORKING_LANGUAGES}
    for version in sorted(document.versions, key=_moment):
        status = by_language.setdefault(version.language, LanguageStatus(version.language))
        changes = bool(status.versions) and status.stale_since is None
        status.versions.append(version)
        status.stale_since = None
        if changes:
            for other in by_language.values():
                if other is not status and other.versions:
                    other.stale_since = version
    return list(by_language.values())


def current_versions(document: Document) -> list[DocumentVersion]:
    """The latest upload of each language."""
    return [s.current for s in language_statuses(document) if s.current is not None]


# The sweeper ------------------------------------------------------------------------------

def sweep_files(store: FileStore | None = None, grace_seconds: float = SWEEP_GRACE_SECONDS) -> list[str]:
    """Remove the stored files no language version, CBM attachment or written objection refers
    to (those of deleted drafts and removed attachments, and uploads that never
    got a row), with their StoredFile rows, and commit. Files younger than the
    grace period stay: their row may be being written. Returns the hashes
    removed; a second run removes nothing more."""
    from sqlalchemy import union

    from secretariat_app.cbm.models import CbmAttachment
    from secretariat_app.decisions.models import SilenceObjection

    def _referenced_hashes():  # language versions, CBM report attachments and written objections
        return union(select(DocumentVersion.file_sha256), select(CbmAttachment.file_sha256),
                     select(SilenceObjection.file_sha256).where(SilenceObjection.file_sha256.is_not(None)))

    store = store or file_store()
    referenced = set(db.session.scalars(_referenced_hashes()))
    removed = store.sweep(referenced, grace_seconds)
    unreferenced = db.session.scalars(
        select(StoredFile.sha256).where(StoredFile.sha256.not_in(_referenced_hashes()))
    ).all()
    gone = [sha for sha in unreferenced if not store.exists(sha)]  # a young file keeps its row too
    if gone:
        db.session.execute(delete(FileText).where(  # its text goes with it (ON DELETE CASCADE, said here too)
            FileText.sha256.in_(gone), FileText.sha256.not_in(_referenced_hashes())))
        db.session.execute(delete(StoredFile).where(
            StoredFile.sha256.in_(gone), StoredFile.sha256.not_in(_referenced_hashes())))
    db.session.commit()
    return removed
