"""Reading circulated documents: who may read one, receipts, acknowledgements
and the audit of downloads.

Every check of a single document goes through domain.visibility.may_read with
the facts that matter for the reader at hand: the document's status and level,
whether it was circulated to the reader's delegation and whether the reader is
a named recipient. `readable_clause` is the same rule written in SQL, for lists;
the tests hold the two to the same answers."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    cast,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.audit import services as audit
from secretariat_app.audit.models import AuditEntry
from secretariat_app.core.columns import utcnow
from secretariat_app.documents.models import (
    Acknowledgement,
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentVersion,
    NamedRecipient,
    Receipt,
    StoredFile,
    UnreadCirculation,
)
from secretariat_app.domain import symbols
from secretariat_app.domain.visibility import DocumentFacts, Reader, may_read
from secretariat_app.extensions import db, prepared_statements
from secretariat_app.permissions import is_secretariat


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


def _version_query(reader: Reader):
    """A version's file and what decides whether `reader` may read its document,
    in the column order _readable_download unpacks (download_for and
    open_download's statement both start from it)."""
    return (
        select(DocumentVersion.id, DocumentVersion.document_id, DocumentVersion.language,
               Document.symbol, Document.status, Document.level,
               StoredFile.sha256, StoredFile.content_type, StoredFile.extension, StoredFile.size,
               _circulated_to(reader).label("circulated"), _named(reader).label("named"))
        .join(Document, Document.id == DocumentVersion.document_id)
        .join(StoredFile, StoredFile.sha256 == DocumentVersion.file_sha256)
    )


def _readable_download(reader: Reader, row) -> Download | None:
    """The Download of a _version_query row, if domain.visibility lets `reader`
    read it. By position, in _version_query's column order (cheaper than by name)."""
    version_id, document_id, language, symbol, status, level, sha256, content_type, extension, size, \
        circulated, named = row[:12]
    if not may_read(reader, facts_for(reader, status, level, circulated, named)):
        return None
    return Download(version_id, document_id, symbol, language, sha256, content_type, extension, size)


def download_for(user, version_id: int) -> Download | None:
    """The file of a version, if `user` may read its document (one query)."""
    reader = reader_for(user)
    with prepared_statements():  # key lookups: planning them cost more than running them
        row = db.session.execute(_version_query(reader).where(DocumentVersion.id == version_id)).first()
    return None if row is None else _readable_download(reader, row)


def record_download(user, download: Download) -> None:
    """Every download is audited (who, what, when); a reader's first one is
    also their receipt. One transaction; on PostgreSQL one statement and the
    commit."""
    _write_download(user, download)
    db.session.commit()


def _write_download(user, download: Download) -> None:
    entry = audit.entry_values(user, "document.download", "document", download.document_id, None,
                               _download_details(download.version_id, download.symbol, download.language,
                                                 download.sha256))
    reader = None if is_secretariat(user) else user.id
    if db.session.get_bind().dialect.name == "postgresql":
        statement = insert(AuditEntry.__table__).values(**entry)
        if reader is not None:
            statement = statement.add_cte(*_receipt_ctes(reader, download.document_id))
        with prepared_statements():
            db.session.execute(statement)
    else:
        if reader is not None:
            _add_receipt(reader, download.document_id)
        db.session.execute(insert(AuditEntry.__table__).values(**entry))


def _download_details(version_id, symbol, language, sha256) -> dict:
    """What the audit entry of a download says (what is json_build_object's below)."""
    return {"version_id": version_id, "symbol": symbol, "language": language, "sha256": sha256}


def open_download(user, version_id: int) -> Download | None:
    """download_for and the writes of record_download at once, not committed:
    the caller checks the stored file, then commits, or rolls back (nothing is
    recorded of a download that does not happen).

    On PostgreSQL one statement reads the version and, where `readable_clause`
    (the rule in SQL) lets the reader read its document, writes the receipt and
    the audit entry in CTEs; then domain.visibility.may_read decides as for any
    download, and a refusal rolls the writes back (the tests hold the two forms
    of the rule to the same answers). Elsewhere: download_for, then the writes."""
    if db.session.get_bind().dialect.name != "postgresql":
        found = download_for(user, version_id)
        if found is not None:
            _write_download(user, found)
        return found
    reader = reader_for(user)
    statement = _open_download_statement(reader.is_secretariat, reader.delegation_id is not None)
    params = {"version_id": version_id, "reader_id": user.id, "reader_delegation_id": user.delegation_id}
    with prepared_statements() as connection:  # Core rows: no ORM entity in it
        row = connection.execute(statement, params).first()
    if row is None:
        return None
    found = _readable_download(reader, row)
    if found is None:
        db.session.rollback()  # whatever the SQL form of the rule let through is not kept
    return found


# The reader, as bound parameters of the statement below (built once per kind of reader).
_VERSION, _READER = bindparam("version_id", type_=Integer), bindparam("reader_id", type_=Integer)
_READER_DELEGATION = bindparam("reader_delegation_id", type_=Integer)


@lru_cache(maxsize=4)
def _open_download_statement(secretariat: bool, has_delegation: bool):
    """open_download's statement for a kind of reader, with the reader and the
    version as bound parameters: built and compiled once per process, not on
    every download."""
    reader = Reader(user_id=_READER, delegation_id=_READER_DELEGATION if has_delegation else None,  # type: ignore[arg-type]
                    is_secretariat=secretariat)
    found = (_version_query(reader).add_columns(readable_clause(reader).label("readable"))
             .where(DocumentVersion.id == _VERSION).cte("found"))
    readable = select(found.c.document_id).where(found.c.readable)
    details = func.json_build_object(*(item for key, column in _download_details(
        found.c.id, found.c.symbol, found.c.language, found.c.sha256).items() for item in (key, column)))
    audited = insert(AuditEntry.__table__).from_select(
        ["at", "actor_id", "action", "object_type", "object_id", "before", "after"],
        select(func.now(), _READER, literal("document.download"), literal("document"),
               cast(found.c.document_id, String), null(),
               type_coerce(details, AuditEntry.__table__.c.after.type)).where(found.c.readable))
    statement = select(found).add_cte(audited.cte("audited"))
    if not secretariat:
        table = Receipt.__table__
        received = (postgresql.insert(table)
                    .from_select(["user_id", "document_id", "read_at"],
                                 select(_READER, found.c.document_id, func.now()).where(found.c.readable))
                    .on_conflict_do_nothing(index_elements=[table.c.user_id, table.c.document_id]))
        unread = UnreadCirculation.__table__
        ended = delete(unread).where(unread.c.user_id == _READER, unread.c.document_id.in_(readable))
        statement = statement.add_cte(received.cte("receipt_added"), ended.cte("unread_ended"))
    return statement


# Receipts and acknowledgements ---------------------------------------------

def _receipt_insert(dialect: str, user_id: int, document_id: int):
    """The receipt unless there is one: safe against a second request racing this one."""
    table = Receipt.__table__
    return ((postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
            .values(user_id=user_id, document_id=document_id, read_at=utcnow())
            .on_conflict_do_nothing(index_elements=[table.c.user_id, table.c.document_id]))


def _unread_delete(user_id: int, document_id: int):
    table = UnreadCirculation.__table__
    return delete(table).where(table.c.user_id == user_id, table.c.document_id == document_id)


def _receipt_ctes(user_id: int, document_id: int):
    """On PostgreSQL, the receipt and the end of "unread" as CTEs of another
    statement. The trigger on receipt ends "unread" for a new receipt; the DELETE
    here also mends the rare row a circulation committed at the very moment of
    the first reading left behind."""
    return (_receipt_insert("postgresql", user_id, document_id).cte("receipt_added"),
            _unread_delete(user_id, document_id).cte("unread_ended"))


def _add_receipt(user_id: int, document_id: int) -> bool:
    """Insert the receipt unless there is one, and make sure the document is not
    left "unread" (see _receipt_ctes): one statement on PostgreSQL. Returns whether
    the receipt is new."""
    dialect = db.session.get_bind().dialect.name
    statement = _receipt_insert(dialect, user_id, document_id).returning(Receipt.__table__.c.id)
    if dialect == "postgresql":
        statement = statement.add_cte(_unread_delete(user_id, document_id).cte("unread_ended"))
        return db.session.execute(statement).first() is not None
    added = db.session.execute(statement).first() is not None
    if not added:
        db.session.execute(_unread_delete(user_id, document_id))
    return added


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
