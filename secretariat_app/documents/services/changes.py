"""What changed for a reader since a time: the synchronisation of a delegation's
documents (the API's inbox with `updated_since`, examples/mirror_inbox.py).

A document changed for a reader when it reached them (circulated to their
delegation, or they were named), when a language version was uploaded, or when
its row changed (status, level, titles: Document.updated_at). The rows come in
the order of their ids, paged by key (the last id), each with the time of its
latest change: a client keeps the latest time it saw and gives it as `since`
next time, and can stop and resume at any page.

Why by id and not by the time of the change: the time is computed per reader
(when the document reached them), so no index orders by it, and a page in that
order would compute it for every document the reader may read (a first
synchronisation of 30,000 documents took minutes). In id order the database
walks the primary key and stops at the page size: a page costs about as much
as its rows, whatever comes after it.

Who may read what is permissions.documents' rule, as SQL (`readable`), the
same as every list of documents; the inbox's filters are the inbox's own
clauses (inbox.filter_clauses), with bound values. This is the plain form, not a fast path: one
statement a page, which computes each readable document's latest change."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import BigInteger, exists, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.core.columns import UTCDateTime
from secretariat_app.documents.models import (
    Acknowledgement,
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    NamedRecipient,
    Receipt,
    StoredFile,
)
from secretariat_app.documents.services.inbox import (
    MAIN_LANGUAGES,
    READ,
    UNREAD,
    InboxFilters,
    filter_clauses,
    filter_params,
    filter_shape,
)
from secretariat_app.extensions import db
from secretariat_app.permissions.documents import readable, reader_for

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR_START = "c"
NO_FILTERS = InboxFilters()


@dataclass(frozen=True)
class ChangeCursor:
    """Where a page of changes starts: after this document."""

    document_id: int

    def token(self) -> str:
        return f"{CURSOR_START}_{self.document_id}"

    @classmethod
    def parse(cls, token: str | None) -> ChangeCursor | None:
        start, _, document_id = (token or "").partition("_")
        if start != CURSOR_START or not document_id.isdigit() or len(document_id) > 18:
            return None
        return cls(int(document_id))


@dataclass(frozen=True)
class ChangedFile:
    version_id: int
    language: str
    is_original: bool
    uploaded_at: datetime
    sha256: str
    size: int
    content_type: str
    extension: str


@dataclass
class ChangedDocument:
    document_id: int
    symbol: str
    title_en: str
    title_ru: str
    doc_type: DocumentType
    level: DistributionLevel
    status: DocumentStatus
    reached_at: datetime | None
    updated_at: datetime
    unread: bool
    acknowledged: bool
    meeting_id: int | None
    languages: list[str] = field(default_factory=list)
    files: list[ChangedFile] = field(default_factory=list)  # the latest of each language

    @property
    def cursor(self) -> ChangeCursor:
        return ChangeCursor(self.document_id)


def _latest(*times: ColumnElement) -> ColumnElement:
    """The latest of `times` (none of them NULL), in the database's own words."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.greatest(*times)
    return func.max(*times)  # SQLite's max() of several arguments is a scalar function


def _filters(user, filters: InboxFilters) -> list[ColumnElement[bool]]:
    """The inbox's filters, as the inbox's page applies them (inbox.filter_clauses: one
    builder for both), on Document; and the read state by the reader's receipts."""
    on_document, _ = filter_clauses(filter_shape(filters), Document, DocumentVersion)
    clauses = list(on_document)
    if filters.state in (READ, UNREAD):
        # Read is a receipt (documents/read_state.py); the horizon and marks only speed up the inbox's walk.
        read = exists().where(Receipt.document_id == Document.id, Receipt.user_id == user.id)
        clauses.append(~read if filters.state == UNREAD else read)
    return clauses


def changed_documents(user, since: datetime, filters: InboxFilters = NO_FILTERS,
                      cursor: ChangeCursor | None = None, limit: int = 100
                      ) -> tuple[list[ChangedDocument], ChangeCursor | None]:
    """The documents `user` may read that changed for them after `since`, in the order
    of their ids, after `cursor`; and the cursor of the next page (None: no more)."""
    epoch = literal(_EPOCH, UTCDateTime)
    by_delegation = (select(func.max(Circulation.circulated_at))
                     .where(Circulation.document_id == Document.id,
                            Circulation.delegation_id == (user.delegation_id or 0)).scalar_subquery())
    by_name = (select(func.max(NamedRecipient.added_at))
               .where(NamedRecipient.document_id == Document.id, NamedRecipient.user_id == user.id)
               .scalar_subquery())
    uploaded = select(func.max(DocumentVersion.uploaded_at)).where(
        DocumentVersion.document_id == Document.id).scalar_subquery()
    reached = _latest(func.coalesce(by_delegation, epoch), func.coalesce(by_name, epoch))
    changed = type_coerce(_latest(reached, func.coalesce(uploaded, epoch),
                                  func.coalesce(Document.updated_at, Document.created_at)), UTCDateTime)
    page = (select(Document.id.label("id"), changed.label("changed"),
                   type_coerce(reached, UTCDateTime).label("reached"))
            .where(readable(reader_for(user)), *_filters(user, filters), changed > since))
    if cursor is not None:
        page = page.where(Document.id > cursor.document_id)
    # (The planner's estimate of this walk, which stops at the page's size, passes
    # jit_above_cost: the app's connections run without JIT, config.PG_SESSION_OPTIONS.)
    keys = db.session.execute(page.order_by(Document.id).limit(limit + 1), filter_params(filters)).all()
    more = len(keys) > limit
    keys = keys[:limit]
    rows = _rows(user, keys)
    return rows, (rows[-1].cursor if more and rows else None)


def _among(column, ids: list[int]) -> ColumnElement[bool]:
    """`column` is one of `ids`: on PostgreSQL one array parameter (`= ANY(...)`), so the statement's
    text is the same whatever the page's size (an IN list of 500 parameters is written out, and
    parsed by the driver, on every page); elsewhere IN."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == func.any(literal(ids, ARRAY(BigInteger)))
    return column.in_(ids)


def _rows(user, keys) -> list[ChangedDocument]:
    """The page's rows, in four statements whatever its size (Core rows: no entity is built)."""
    ids = [key.id for key in keys]
    if not ids:
        return []
    documents = {row.id: row for row in db.session.execute(
        select(Document.id, Document.symbol, Document.title_en, Document.title_ru, Document.doc_type,
               Document.level, Document.status, Document.meeting_id).where(_among(Document.id, ids)))}
    latest: dict[int, dict[str, ChangedFile]] = {}
    for row in db.session.execute(
            select(DocumentVersion.id, DocumentVersion.document_id, DocumentVersion.language,
                   DocumentVersion.is_original, DocumentVersion.uploaded_at, StoredFile.sha256, StoredFile.size,
                   StoredFile.content_type, StoredFile.extension)
            .join(StoredFile, StoredFile.sha256 == DocumentVersion.file_sha256)
            .where(_among(DocumentVersion.document_id, ids)).order_by(DocumentVersion.id)):
        latest.setdefault(row.document_id, {})[row.language] = ChangedFile(
            row.id, row.language, row.is_original, row.uploaded_at, row.sha256, row.size, row.content_type,
            row.extension)
    unread = set(ids) - set(db.session.scalars(select(Receipt.document_id).where(
        Receipt.user_id == user.id, _among(Receipt.document_id, ids))))
    acknowledged = set(db.session.scalars(select(Acknowledgement.document_id).where(
        Acknowledgement.delegation_id == (user.delegation_id or 0), _among(Acknowledgement.document_id, ids))))
    order = {code: n for n, code in enumerate(MAIN_LANGUAGES)}
    rows = []
    for key in keys:
        d = documents[key.id]
        rows.append(ChangedDocument(
            d.id, d.symbol, d.title_en, d.title_ru, d.doc_type, d.level, d.status,
            key.reached if key.reached and key.reached > _EPOCH else None, key.changed, d.id in unread,
            d.id in acknowledged, d.meeting_id))
        files = sorted(latest.get(d.id, {}).values(), key=lambda f: (order.get(f.language, len(order)), f.language))
        rows[-1].languages, rows[-1].files = [f.language for f in files], files
    return rows
