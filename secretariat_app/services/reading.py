"""Reading circulated documents: who may read one, receipts, acknowledgements
and the audit of downloads.

Every check of a single document goes through domain.visibility.may_read with
the facts that matter for the reader at hand: the document's status and level,
whether it was circulated to the reader's delegation and whether the reader is
a named recipient. `readable_clause` is the same rule written in SQL, for lists;
the tests hold the two to the same answers."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.domain import symbols
from secretariat_app.domain.visibility import DocumentFacts, Reader, may_read
from secretariat_app.extensions import db
from secretariat_app.models.documents import (
    Acknowledgement,
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentVersion,
    NamedRecipient,
    Receipt,
    StoredFile,
)
from secretariat_app.permissions import is_secretariat
from secretariat_app.services import audit


def reader_for(user) -> Reader:
    return Reader(user_id=user.id, delegation_id=user.delegation_id, is_secretariat=is_secretariat(user))


# The facts, for one reader -------------------------------------------------

def _circulated_to(reader: Reader) -> ColumnElement[bool]:
    if reader.delegation_id is None:
        return false()
    return exists().where(Circulation.document_id == Document.id,
                          Circulation.delegation_id == reader.delegation_id)


def _named(reader: Reader) -> ColumnElement[bool]:
    return exists().where(NamedRecipient.document_id == Document.id, NamedRecipient.user_id == reader.user_id)


def facts_for(reader: Reader, status: DocumentStatus, level: DistributionLevel,
              circulated: bool, named: bool) -> DocumentFacts:
    """What domain.visibility needs to know, as far as this reader is concerned."""
    return DocumentFacts(
        status=status.value,
        level=level.value,
        circulated_to=frozenset({reader.delegation_id}) if circulated and reader.delegation_id else frozenset(),
        named=frozenset({reader.user_id}) if named else frozenset(),
    )


def readable_clause(reader: Reader) -> ColumnElement[bool]:
    """may_read as a WHERE clause on Document, for lists."""
    if reader.is_secretariat:
        return true()
    return and_(
        Document.status != DocumentStatus.DRAFT,
        or_(
            and_(Document.level != DistributionLevel.RESTRICTED, _circulated_to(reader)),
            and_(Document.level == DistributionLevel.RESTRICTED, _named(reader)),
        ),
    )


def may_read_document(user, document_id: int) -> bool:
    """Whether `user` may read the document; False when it does not exist
    (the caller answers 404 either way, so that existence does not leak)."""
    reader = reader_for(user)
    query = select(Document.status, Document.level, _circulated_to(reader).label("circulated"),
                   _named(reader).label("named")).where(Document.id == document_id)
    row = db.session.execute(query).first()
    return row is not None and may_read(reader, facts_for(reader, row.status, row.level, row.circulated, row.named))


def load_document(document_id: int) -> Document | None:
    """A document with what its page shows: versions and their files, meeting, body."""
    query = (
        select(Document)
        .where(Document.id == document_id)
        .options(selectinload(Document.versions).selectinload(DocumentVersion.file),
                 selectinload(Document.meeting), selectinload(Document.body))
    )
    return db.session.scalar(query)


def readable_document(user, document_id: int) -> Document | None:
    """The document, if `user` may read it; None otherwise."""
    return load_document(document_id) if may_read_document(user, document_id) else None


def related_documents(user, document: Document) -> list[Document]:
    """The other documents of the same lineage (the original, its revisions,
    corrigenda and addenda) that `user` may read, in symbol order."""
    root = document.base_id or document.id
    query = (
        select(Document)
        .where(or_(Document.id == root, Document.base_id == root), Document.id != document.id,
               readable_clause(reader_for(user)))
        .order_by(Document.id)
    )
    return list(db.session.scalars(query))


def superseded_by(document: Document, related: list[Document]) -> Document | None:
    """The revision that replaced `document`, among those the reader may read:
    the first revision numbered after it."""
    if document.status != DocumentStatus.SUPERSEDED:
        return None
    mine = document.version_number if document.version_kind is not None else 0
    revisions = [d for d in related if d.version_kind is not None and d.version_kind.value == "Rev"
                 and (d.version_number or 0) > mine and d.status != DocumentStatus.DRAFT]
    return min(revisions, key=lambda d: d.version_number or 0) if revisions else None


def latest_versions(versions: list[DocumentVersion]) -> list[DocumentVersion]:
    """The latest upload of each language (versions in upload order), English and
    Russian first, then the others by language code."""
    latest: dict[str, DocumentVersion] = {}
    for version in sorted(versions, key=lambda v: v.id):
        latest[version.language] = version
    order = {"en": 0, "ru": 1}
    return sorted(latest.values(), key=lambda v: (order.get(v.language, 2), v.language))


# Downloads ------------------------------------------------------------------

@dataclass(frozen=True)
class Download:
    version_id: int
    document_id: int
    symbol: str
    language: str
    sha256: str
    content_type: str
    extension: str
    size: int

    @property
    def file_name(self) -> str:
        """CICA-SOC-2024-17-ru.pdf."""
        try:
            return symbols.parse(self.symbol).file_name(self.language, self.extension)
        except ValueError:  # a symbol from before the rules: the same shape, made safe
            safe = "".join(ch if ch.isalnum() or ch in ".-" else "-" for ch in self.symbol)
            return f"{safe}-{self.language}.{self.extension}"


def download_for(user, version_id: int) -> Download | None:
    """The file of a version, if `user` may read its document (one query)."""
    reader = reader_for(user)
    query = (
        select(DocumentVersion.id, DocumentVersion.document_id, DocumentVersion.language,
               Document.symbol, Document.status, Document.level,
               StoredFile.sha256, StoredFile.content_type, StoredFile.extension, StoredFile.size,
               _circulated_to(reader).label("circulated"), _named(reader).label("named"))
        .join(Document, Document.id == DocumentVersion.document_id)
        .join(StoredFile, StoredFile.sha256 == DocumentVersion.file_sha256)
        .where(DocumentVersion.id == version_id)
    )
    row = db.session.execute(query).first()
    if row is None or not may_read(reader, facts_for(reader, row.status, row.level, row.circulated, row.named)):
        return None
    return Download(row.id, row.document_id, row.symbol, row.language, row.sha256, row.content_type,
                    row.extension, row.size)


def record_download(user, download: Download) -> None:
    """Every download is audited (who, what, when); a reader's first one is
    also their receipt. Commits."""
    if not is_secretariat(user):
        _add_receipt(user.id, download.document_id)
    audit.record(user, "document.download", "document", download.document_id, None, {
        "version_id": download.version_id,
        "symbol": download.symbol,
        "language": download.language,
        "sha256": download.sha256,
    })
    db.session.commit()


# Receipts and acknowledgements ---------------------------------------------

def _add_receipt(user_id: int, document_id: int) -> bool:
    """Insert the receipt unless there is one: one statement, safe against a
    second request racing this one."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Receipt.__table__
    statement = (insert(table).values(user_id=user_id, document_id=document_id)
                 .on_conflict_do_nothing(index_elements=[table.c.user_id, table.c.document_id])
                 .returning(table.c.id))
    return db.session.execute(statement).first() is not None


def record_receipt(user, document_id: int) -> bool:
    """Mark the document read for `user` (the first time only). Commits.
    Returns whether this was the first time."""
    if is_secretariat(user):
        return False
    added = _add_receipt(user.id, document_id)
    db.session.commit()
    return added


def receipt_of(user_id: int, document_id: int) -> Receipt | None:
    return db.session.scalar(select(Receipt).where(Receipt.user_id == user_id, Receipt.document_id == document_id))


def acknowledgement_of(delegation_id: int | None, document_id: int) -> Acknowledgement | None:
    if delegation_id is None:
        return None
    return db.session.scalar(
        select(Acknowledgement)
        .where(Acknowledgement.document_id == document_id, Acknowledgement.delegation_id == delegation_id)
        .options(selectinload(Acknowledgement.acknowledged_by))
    )


def acknowledge(user, document: Document) -> tuple[Acknowledgement, bool]:
    """Acknowledge receipt on behalf of the user's delegation, once. Returns the
    acknowledgement and whether it is new. Audited; commits."""
    existing = acknowledgement_of(user.delegation_id, document.id)
    if existing is not None:
        return existing, False
    acknowledgement = Acknowledgement(document_id=document.id, delegation_id=user.delegation_id,
                                      acknowledged_by_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(acknowledgement)
    except IntegrityError:  # a colleague acknowledged at the same moment
        existing = acknowledgement_of(user.delegation_id, document.id)
        if existing is None:
            raise
        return existing, False
    audit.record(user, "document.acknowledge", "document", document.id, None, {
        "symbol": document.symbol,
        "delegation_id": user.delegation_id,
        "acknowledged_at": audit.plain(acknowledgement.acknowledged_at),
    })
    _add_receipt(user.id, document.id)
    db.session.commit()
    return acknowledgement, True
