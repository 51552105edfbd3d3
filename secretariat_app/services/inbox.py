"""The delegate's inbox: documents circulated to the delegate's delegation
(GENERAL, LIMITED) or to the delegate by name (RESTRICTED), never drafts;
unread first, then the newest circulation first.

One page is ONE statement: a UNION ALL of up to four small branches (delegation
unread, delegation read, named unread, named read), each walking its own index
in circulation order and stopping at the page size, joined to the document and
its meeting, sorted and cut. The languages shown per row come from one more
IN query per page. Paging is by key (the last row's unread flag, circulation
time and document id), so the hundredth page costs what the first does.

The statements are built once per shape (which filters, how many search words,
where the cursor is) with bound parameters, and reused: a request only binds
its values."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from sqlalchemy import (
    Integer, and_, bindparam, case, exists, func, literal_column, or_, select, type_coerce, union_all,
)
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.extensions import db
from secretariat_app.models.columns import UTCDateTime
from secretariat_app.models.documents import (
    Acknowledgement,
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    NamedRecipient,
    Receipt,
)
from secretariat_app.models.meetings import Meeting

PAGE_SIZE = 50
MAIN_LANGUAGES = ("en", "ru")
OTHER_LANGUAGE = "other"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class InboxFilters:
    meeting_id: int | None = None
    body_id: int | None = None
    year: int | None = None
    doc_type: DocumentType | None = None
    language: str | None = None  # en, ru, another code, or "other" (any but en and ru)
    search: str = ""

    @property
    def words(self) -> list[str]:
        return [word for word in self.search.split() if word][:10]


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after the row with these keys."""

    unread: bool
    at: datetime
    document_id: int

    def token(self) -> str:
        micros = (self.at - _EPOCH) // timedelta(microseconds=1)
        return f"{int(self.unread)}_{micros}_{self.document_id}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        try:
            unread, micros, document_id = (token or "").split("_")
            if unread not in ("0", "1"):
                return None
            return cls(unread == "1", _EPOCH + timedelta(microseconds=int(micros)), int(document_id))
        except (ValueError, OverflowError):
            return None


@dataclass
class InboxRow:
    document_id: int
    symbol: str
    title_en: str
    title_ru: str
    doc_type: DocumentType
    level: DistributionLevel
    status: DocumentStatus
    circulated_at: datetime
    unread: bool
    acknowledged: bool
    meeting_id: int | None
    meeting_number: int | None
    meeting_title_en: str | None
    meeting_title_ru: str | None
    languages: list[tuple[str, int]] = field(default_factory=list)  # (language, latest version id)

    def title(self, language: str = "en") -> str:
        if language == "ru":
            return self.title_ru or self.title_en
        return self.title_en or self.title_ru

    def meeting_title(self, language: str = "en") -> str:
        title = (self.meeting_title_ru if language == "ru" else self.meeting_title_en) or ""
        return title or self.meeting_title_en or ""

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.unread, self.circulated_at, self.document_id)


@dataclass
class InboxPage:
    rows: list[InboxRow]
    next_cursor: Cursor | None
    first: bool


# Bound parameters, shared by every statement below.
USER, DELEGATION, LIMIT = bindparam("user_id", type_=Integer), bindparam("delegation_id", type_=Integer), \
    bindparam("limit", type_=Integer)
AFTER_AT, AFTER_ID = bindparam("after_at", type_=UTCDateTime), bindparam("after_id", type_=Integer)


@dataclass(frozen=True)
class Shape:
    """What makes two inbox statements differ; the values are bound."""

    dialect: str
    delegation: bool
    meeting: bool = False
    body: bool = False
    year: bool = False
    doc_type: bool = False
    language: str = ""  # "", "one", "other"
    words: int = 0
    cursor: bool | None = None  # None: first page; else the cursor's unread flag


def _shape_and_params(user, filters: InboxFilters, cursor: Cursor | None, limit: int,
                      dialect: str) -> tuple[Shape, dict]:
    params: dict = {"user_id": user.id, "delegation_id": user.delegation_id, "limit": limit}
    for name, value in (("meeting_id", filters.meeting_id), ("body_id", filters.body_id), ("year", filters.year),
                        ("doc_type", filters.doc_type)):
        if value is not None:
            params[name] = value
    language = "" if not filters.language else "other" if filters.language == OTHER_LANGUAGE else "one"
    if language == "one":
        params["language"] = filters.language
    for n, word in enumerate(filters.words):
        for suffix, variant in zip("lucw", (word.lower(), word.upper(), word.capitalize(), word)):
            params[f"w{n}{suffix}"] = "%" + _escape(variant) + "%"
    if cursor is not None:
        params.update(after_at=cursor.at, after_id=cursor.document_id)
    shape = Shape(dialect, user.delegation_id is not None, filters.meeting_id is not None,
                  filters.body_id is not None, filters.year is not None, filters.doc_type is not None,
                  language, len(filters.words), None if cursor is None else cursor.unread)
    return shape, params


def _escape(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _document_filters(shape: Shape) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [Document.status != DocumentStatus.DRAFT]
    for present, column, name in ((shape.meeting, Document.meeting_id, "meeting_id"),
                                  (shape.body, Document.body_id, "body_id"), (shape.year, Document.year, "year"),
                                  (shape.doc_type, Document.doc_type, "doc_type")):
        if present:
            clauses.append(column == bindparam(name))
    if shape.language:
        in_language = (DocumentVersion.language.not_in(MAIN_LANGUAGES) if shape.language == "other"
                       else DocumentVersion.language == bindparam("language"))
        clauses.append(exists().where(DocumentVersion.document_id == Document.id, in_language))
    for n in range(shape.words):
        clauses.append(or_(*(_contains(column, n, shape.dialect)
                             for column in (Document.symbol, Document.title_en, Document.title_ru))))
    return clauses


def _contains(column, n: int, dialect: str) -> ColumnElement[bool]:
    """Case-insensitive containment of word n in any script. PostgreSQL lowers
    Cyrillic; SQLite lowers ASCII only, so there the usual spellings are tried too."""
    lowered = func.lower(column).like(bindparam(f"w{n}l"), escape="/")
    if dialect == "postgresql":
        return lowered
    return or_(lowered, *(column.like(bindparam(f"w{n}{suffix}"), escape="/") for suffix in "ucw"))


def _read(document_id) -> ColumnElement[bool]:
    """Whether the reader has a receipt for the document. Written as IN, not
    EXISTS: PostgreSQL then hashes the reader's receipts once and walks the list
    in circulation order against the hash, which stays fast for a reader who has
    read everything (an anti-join would probe the receipts row by row)."""
    return document_id.in_(select(Receipt.document_id).where(Receipt.user_id == USER))


def _after(at, document_id) -> ColumnElement[bool]:
    """Rows after the cursor in (circulation time, document id) descending order,
    written so that an index on the time can serve it."""
    return and_(at <= AFTER_AT, or_(at < AFTER_AT, document_id < AFTER_ID))


def _branch(source, unread: bool, shape: Shape, limit):
    """One list (delegation or named), read or unread, in circulation order, cut at `limit`."""
    query, at, document_id = source
    read = _read(document_id)
    query = query.where(~read if unread else read)
    if shape.cursor is not None and shape.cursor == unread:
        query = query.where(_after(at, document_id))
    branch = (query.add_columns(literal_column("1" if unread else "0", Integer).label("unread"))
              .order_by(at.desc(), document_id.desc()).limit(limit).subquery())
    return select(branch.c.document_id, branch.c.at, branch.c.unread)


def _sources(shape: Shape) -> list[tuple[Select, ColumnElement, ColumnElement]]:
    """The lists a delegate receives documents by: their delegation's circulation
    (GENERAL, LIMITED) and their own name (RESTRICTED); each as (query, time, document id)."""
    where = _document_filters(shape)
    sources = []
    if shape.delegation:
        at, document_id = Circulation.circulated_at, Circulation.document_id
        sources.append((select(document_id.label("document_id"), at.label("at"))
                        .join(Document, Document.id == document_id)
                        .where(Circulation.delegation_id == DELEGATION,
                               Document.level != DistributionLevel.RESTRICTED, *where), at, document_id))
    # A named recipient received the document when it was circulated, or when
    # they were added to its list later.
    at = type_coerce(case((or_(Document.circulated_at.is_(None), NamedRecipient.added_at > Document.circulated_at),
                           NamedRecipient.added_at), else_=Document.circulated_at), UTCDateTime)
    document_id = NamedRecipient.document_id
    sources.append((select(document_id.label("document_id"), at.label("at"))
                    .join(Document, Document.id == document_id)
                    .where(NamedRecipient.user_id == USER, Document.level == DistributionLevel.RESTRICTED, *where),
                    at, document_id))
    return sources


def _candidates(shape: Shape):
    """At most `limit` rows per branch after the cursor. The read branches are
    cut at what the unread ones left of the page: when the unread rows fill it,
    the database does not read them at all (a LIMIT of 0 never runs its plan)."""
    sources = _sources(shape)
    if shape.cursor is False:
        return union_all(*(_branch(source, False, shape, LIMIT) for source in sources)).subquery("inbox")
    unread = union_all(*(_branch(source, True, shape, LIMIT) for source in sources)).cte("unread_rows")
    found = select(func.count()).select_from(unread).scalar_subquery()
    rest = case((found >= LIMIT, 0), else_=LIMIT - found)
    return union_all(select(unread.c.document_id, unread.c.at, unread.c.unread),
                     *(_branch(source, False, shape, rest) for source in sources)).subquery("inbox")


@lru_cache(maxsize=512)
def _page_statement(shape: Shape) -> Select:
    union = _candidates(shape)
    acknowledged = exists().where(Acknowledgement.document_id == union.c.document_id,
                                  Acknowledgement.delegation_id == DELEGATION)
    return (
        select(union.c.document_id, union.c.at, union.c.unread, acknowledged.label("acknowledged"),
               Document.symbol, Document.title_en, Document.title_ru, Document.doc_type, Document.level,
               Document.status, Document.meeting_id, Meeting.number, Meeting.title_en.label("meeting_title_en"),
               Meeting.title_ru.label("meeting_title_ru"))
        .join(Document, Document.id == union.c.document_id)
        .outerjoin(Meeting, Meeting.id == Document.meeting_id)
        .order_by(union.c.unread.desc(), union.c.at.desc(), union.c.document_id.desc())
        .limit(LIMIT)
    )


def inbox_page(user, filters: InboxFilters = InboxFilters(), cursor: Cursor | None = None,
               per_page: int = PAGE_SIZE) -> InboxPage:
    """One page of the inbox of `user` (a delegate), after `cursor`."""
    shape, params = _shape_and_params(user, filters, cursor, per_page + 1, db.session.get_bind().dialect.name)
    rows = [
        InboxRow(document_id=r.document_id, symbol=r.symbol, title_en=r.title_en, title_ru=r.title_ru,
                 doc_type=r.doc_type, level=r.level, status=r.status, circulated_at=r.at, unread=bool(r.unread),
                 acknowledged=bool(r.acknowledged), meeting_id=r.meeting_id, meeting_number=r.number,
                 meeting_title_en=r.meeting_title_en, meeting_title_ru=r.meeting_title_ru)
        for r in db.session.execute(_page_statement(shape), params)
    ]
    more = len(rows) > per_page
    rows = rows[:per_page]
    _attach_languages(rows)
    return InboxPage(rows=rows, next_cursor=rows[-1].cursor if more else None, first=cursor is None)


_LANGUAGES = (
    select(DocumentVersion.document_id, DocumentVersion.language, func.max(DocumentVersion.id))
    .where(DocumentVersion.document_id.in_(bindparam("document_ids", expanding=True)))
    .group_by(DocumentVersion.document_id, DocumentVersion.language)
)


def _attach_languages(rows: list[InboxRow]) -> None:
    """The languages of the rows' documents, with the latest version of each: one IN query."""
    if not rows:
        return
    by_document: dict[int, list[tuple[str, int]]] = {}
    for document_id, language, version_id in db.session.execute(
            _LANGUAGES, {"document_ids": [r.document_id for r in rows]}):
        by_document.setdefault(document_id, []).append((language, version_id))
    order = {code: n for n, code in enumerate(MAIN_LANGUAGES)}
    for row in rows:
        row.languages = sorted(by_document.get(row.document_id, []),
                               key=lambda item: (order.get(item[0], len(order)), item[0]))
