"""The delegate's inbox: the fast path of inbox.index, fenced in one module.

What it lists: the documents the reader may read (permissions.documents, from
the table in domain/visibility.py: circulated to the reader's delegation for
GENERAL and LIMITED, to the reader by name for RESTRICTED, never drafts);
unread first, then the newest circulation first.

What it trades. The plain way is one query over the documents the reader may
read (permissions.documents.readable), sorted; it reads the delegation's whole
history on every request. Here instead each way a document reaches a reader
(the delegation's circulation, the reader's name) is walked along its own
index, and the rule is applied to each walk in pieces: the statuses a
recipient reads (status_clause) and the levels each way opens (level_clause),
both taken from the same table as the SQL and Python forms of the rule, and
written into the SQL as constants. They are tested on the list row the walk
reads, on its copies of the document's status and level (documents/
list_filters.py: written by the database, passed on at once when a document is
derestricted, withdrawn or superseded), not on a probe of the document a row
walked. The module refuses to load if the rule
gains a way of reaching a reader that it does not walk (_WAYS below), and
tests/services/test_document_access.py holds its answers to the rule's.

One page is ONE statement: a UNION ALL of up to six small branches (of the
delegation's list and of the named list: the unread marks, the unread rows after
the horizon, the read rows), each walking its own index
in circulation order and stopping at the page size, joined to the document (whose
row carries the latest version of each language: documents/version_languages.py),
its meeting and the delegation's acknowledgement, sorted and cut. Paging is by key
(the last row's unread flag, circulation time and document id), so the hundredth
page costs what the first does.

Which documents the reader has not read: those without a receipt
(documents/read_state.py). A reader who keeps up has a horizon: what reached
them before it and is unread is listed in unread_mark (few rows), and only what
reached them after it is probed against their receipts. So each unread list is
two walks: the reader's marks (ix_unread_mark_user_id_named_at, index only) and
the list itself from its newest row down to the horizon (the span since the
horizon last moved), keeping the rows without a receipt; a reader with no
horizon has no marks, and reads so little that their unread rows are at the top
of the list. The read lists walk the lists in time order and keep the rows the
unread walks would not: after the horizon those with a receipt, before it those
without a mark (one index probe a row). Each branch reads about as many index
entries as it returns rows, whether the reader keeps up or has read nothing. A
named recipient received the document when they were named (the circulation
that named them).

Filters (filter_clauses, the one builder of what they mean) keep each walk as
short as the page. A year or a meeting picks a few documents of a long history,
at its far end for an old year: each list carries its documents' year and
meeting (documents/list_filters.py) and is walked along its index of that year
or meeting, newest first (ix_circulation_delegation_id_year_circulated_at, ...).
Another language is walked the same way: each list row says whether its
document has a version in another language, and a partial index of each list
holds the rows where it does.
Body, type, a language and read/unread are passed by many documents: the lists
are walked in time order with a probe of the document a row (LATERAL), about
page size / share of documents passing rows. bench/inbox/explain.py --cases
shows each filter's generic plan.

The statements are built once per shape (which filters, where the cursor is)
with bound parameters, and reused: a request only binds its values. Rows are read by position in
the order of PageRow, whose fields _page_statement checks against its columns (inbox_page says why).

What proves it: bench/inbox/run.py (the inbox at least 0.6 of the baseline's
requests per second, p99 under 50 ms, on 100,000 documents and 1.2 million
circulations); tests/web/test_inbox_queries.py (one statement a page)."""
from __future__ import annotations

import enum
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from flask import current_app, has_app_context
from sqlalchemy import (
    Integer,
    SQLColumnExpression,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.accounts.models.states import Body
from secretariat_app.core import cache_generation, driver_statements
from secretariat_app.core.columns import UTCDateTime
from secretariat_app.core.pg_connections import lone_read
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
)
from secretariat_app.documents.read_state import ReadHorizon, UnreadMark
from secretariat_app.documents.services import other_languages
from secretariat_app.documents.services.other_languages import MAIN_LANGUAGES
from secretariat_app.domain import visibility
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.permissions.documents import level_clause, status_clause

# The ways a document reaches a delegate that the branches below walk. If the
# rule (domain.visibility.READING) gains another, the inbox would silently miss
# what it opens: refuse to load instead.
_WAYS = (visibility.DELEGATION, visibility.NAMED)
if visibility.READING[visibility.RECIPIENT].ways != _WAYS:
    raise RuntimeError(f"the inbox walks {_WAYS}, but domain.visibility lets a recipient read by "
                       f"{visibility.READING[visibility.RECIPIENT].ways}: teach the inbox the new way")

PAGE_SIZE = 50
# Short names in the SQL (document AS d, ...; the keys' columns id, at, un inside, named
# as PageRow's only in the outer SELECT): the first page's statement stays under the
# length up to which psycopg keeps its parsed form (4,096 characters).
_D, _C, _U, _N = (aliased(Document, name="d"), aliased(Circulation, name="c"),
                  aliased(UnreadMark, name="u"), aliased(NamedRecipient, name="n"))
_R, _H = aliased(Receipt, name="r"), aliased(ReadHorizon, name="h")
_V, _A, _M = aliased(DocumentVersion, name="v"), aliased(Acknowledgement, name="a"), aliased(Meeting, name="m")
READ, UNREAD = "read", "unread"
OTHER_LANGUAGE = "other"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class InboxFilters:
    meeting_id: int | None = None
    body_id: int | None = None
    year: int | None = None
    doc_type: DocumentType | None = None
    language: str | None = None  # en, ru, another code, or "other" (any but en and ru)
    # Words to look for: the search's (search.services, ranked over the full-text index); the inbox's
    # lists walk circulation in time order, so inbox_page ignores them.
    search: str = ""
    state: str | None = None  # READ or UNREAD: only the documents the reader has (not) opened


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


@dataclass(slots=True)
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
# (Short names: the page statement stays under psycopg's 4,096 characters, see _D above.)
USER, DELEGATION = bindparam("u", type_=Integer), bindparam("d", type_=Integer)
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
    cursor: bool | None = None  # None: first page; else the cursor's unread flag
    state: str | None = None  # READ, UNREAD or None (both lists)
    limit: int = 51  # rows a page statement returns: the page size and one to tell whether more follow


@dataclass(frozen=True)
class FilterShape:
    """Which of the inbox's filters are given (their values are bound: filter_params)."""

    meeting: bool = False
    body: bool = False
    year: bool = False
    doc_type: bool = False
    language: str = ""  # "", "one" (a language's code), "other" (any but en and ru)


def filter_shape(filters: InboxFilters) -> FilterShape:
    language = "" if not filters.language else "other" if filters.language == OTHER_LANGUAGE else "one"
    return FilterShape(filters.meeting_id is not None, filters.body_id is not None, filters.year is not None,
                       filters.doc_type is not None, language)


def filter_params(filters: InboxFilters) -> dict:
    """The values of filter_clauses' parameters."""
    params: dict = {name: value for name, value in (
        ("meeting_id", filters.meeting_id), ("body_id", filters.body_id), ("year", filters.year),
        ("doc_type", filters.doc_type)) if value is not None}
    if filters.language and filters.language != OTHER_LANGUAGE:
        params["language"] = filters.language
    return params


def filter_clauses(shape: FilterShape | Shape, document=Document, version=DocumentVersion,
                   listed=None) -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """The inbox's filters (meeting, body, year, type, language) as conditions with bound
    parameters (filter_params): the one builder of what they mean, for the inbox's
    page, the API's synchronisation (changes.py) and any other list of documents.
    Returns (on the document, on the list): with `listed` (a circulation or
    named_recipient row, or its alias) the year and the meeting are the list's copies
    of the document's (documents/list_filters.py), which its indexes walk in the list's
    order, and so is whether it has a version in another language; without, they are
    on the document too."""
    holder = document if listed is None else listed
    on_document: list[ColumnElement[bool]] = []
    on_list: list[ColumnElement[bool]] = []
    for present, column, name, clauses in (
            (shape.meeting, holder.meeting_id, "meeting_id", on_list if listed is not None else on_document),
            (shape.body, document.body_id, "body_id", on_document),
            (shape.year, holder.year, "year", on_list if listed is not None else on_document),
            (shape.doc_type, document.doc_type, "doc_type", on_document)):
        if present:
            clauses.append(column == bindparam(name))
    if shape.language == "other" and listed is not None:
        # The list's copy, the bare column: the predicate of the lists' partial indexes.
        on_list.append(listed.other_language)
    elif shape.language:
        in_language = (other_languages.in_other_language(version) if shape.language == "other"
                       else version.language == bindparam("language"))
        on_document.append(exists().where(version.document_id == document.id, in_language))
    return on_document, on_list


def _shape_and_params(user, filters: InboxFilters, cursor: Cursor | None, limit: int,
                      dialect: str) -> tuple[Shape, dict]:
    params: dict = {"u": user.id, "d": user.delegation_id, **filter_params(filters)}
    if cursor is not None:
        params.update(after_at=cursor.at, after_id=cursor.document_id)
    given = filter_shape(filters)
    shape = Shape(dialect, user.delegation_id is not None, given.meeting, given.body, given.year, given.doc_type,
                  given.language, None if cursor is None else cursor.unread,
                  filters.state if filters.state in (READ, UNREAD) else None, limit)
    return shape, params


def _document_filters(shape: Shape, listed, named: bool) -> tuple[list[ColumnElement[bool]],
                                                                    list[ColumnElement[bool]]]:
    """What a list's row must pass: (on its document: the filters on the document; on the
    list row: the reading rule on its copies of the document's status and level, and the
    copies of the year, the meeting and another language: documents/list_filters.py)."""
    on_document, on_list = filter_clauses(shape, _D, _V, listed)
    return on_document, [status_clause(visibility.RECIPIENT, listed.document_status), _level(named, listed),
                         *on_list]


def _marked(named: bool, document_id) -> ColumnElement[bool]:
    """Whether the reader has a mark for the document (a probe of unread_mark's key)."""
    return exists().where(_U.document_id == document_id, _U.user_id == USER,
                          _U.named == (true() if named else false()))


def _received(document_id) -> ColumnElement[bool]:
    """Whether the reader has a receipt for the document (a probe of receipt's key, index only)."""
    return exists().where(_R.user_id == USER, _R.document_id == document_id)


@lru_cache(maxsize=4)
def _horizon_cte(dialect: str):
    """The reader's horizon (read_horizon), or a time before every other when they
    have none: one row, read once per statement (a lookup of its key)."""
    never = "'-infinity'" if dialect == "postgresql" else "''"  # '' sorts first on SQLite
    return select(func.coalesce(select(_H.horizon_at).where(_H.user_id == USER).scalar_subquery(),
                                literal_column(never, UTCDateTime)).label("at")).cte("hz")


def _horizon(shape: Shape) -> ColumnElement:
    return select(_horizon_cte(shape.dialect).c.at).scalar_subquery()


def _read_by_horizon(named: bool, at, document_id, shape: Shape) -> ColumnElement[bool]:
    """Whether the reader has read a row of a list: after their horizon, a receipt;
    at or before it, no mark. One probe a row."""
    # Probes as scalar subqueries (the key's row or NULL), not EXISTS: inside a CASE, PostgreSQL may
    # turn an EXISTS into a hashed subplan, which reads ALL the reader's receipts (tens of thousands for
    # one who keeps up) at every request; a scalar subquery stays one index-only probe a row.
    one = literal_column("1", Integer)
    received = select(one).where(_R.user_id == USER, _R.document_id == document_id).scalar_subquery()
    marked = select(one).where(_U.document_id == document_id, _U.user_id == USER,
                                 _U.named == (true() if named else false())).scalar_subquery()
    return case((at > _horizon(shape), received.is_not(None)), else_=marked.is_(None))


def _after(at, document_id) -> ColumnElement[bool]:
    """Rows after the cursor in (circulation time, document id) descending order,
    written so that an index on the time can serve it."""
    return and_(at <= AFTER_AT, or_(at < AFTER_AT, document_id < AFTER_ID))


@dataclass(frozen=True)
class Source:
    """One branch: rows (document_id, at) in the order of `at`, `document_id`."""

    query: Select
    at: SQLColumnExpression[Any]
    document_id: SQLColumnExpression[Any]


def _branch(source: Source, unread: bool, shape: Shape, only_if: ColumnElement[bool] | None = None):
    """One list, read or unread, in circulation order after the cursor, cut at the page size."""
    query = source.query
    if shape.cursor is not None and shape.cursor == unread:
        query = query.where(_after(source.at, source.document_id))
    if only_if is not None:
        query = query.where(only_if)
    # (A year, a meeting and another language are walked in the list's order along indexes of
    # their own: _sources.)
    branch = (query.add_columns(literal_column("1" if unread else "0", Integer).label("un"))
              .order_by(source.at.desc(), source.document_id.desc()).limit(_limit(shape)))
    if shape.dialect == "postgresql":
        return branch  # parenthesised in the UNION ALL: shorter SQL (see _page_statement) than a subquery
    # SQLite takes no parenthesised member of a UNION ALL: a subquery each.
    cut = branch.subquery()
    return select(cut.c.id, cut.c.at, cut.c.un)


def _with_document(query: Select, document_id, where: list, shape: Shape) -> Select:
    """A list's rows whose documents pass `where` (_document_filters: the filters on the
    document, such as its body or type). Without any, the document is not read: the
    reading rule was tested on the list row's copies of its status and level."""
    if not where:
        return query
    if shape.dialect == "postgresql":
        # A filter on the document that many documents pass (body, type, a language): the
        # document is probed row by row (LATERAL), in the walk's order. A join would let the
        # generic plan, costed for a reader with thousands of unread rows, hash every document
        # of the type, or start from the body's 40,000 documents for a named list of 600.
        probe = (select(_D.id).where(_D.id == document_id, *where)
                 .limit(literal_column("1", Integer)).lateral("document"))
        return query.join(probe, true())
    return query.join(_D, _D.id == document_id).where(*where)


def _list_alias(named: bool):
    """The list a way of reaching the reader walks, its time column, and whether a row of it is the
    reader's: the delegation's circulation, or the reader's named list."""
    if named:
        return _N, _N.added_at, _N.user_id == USER
    return _C, _C.circulated_at, _C.delegation_id == DELEGATION


def _unread_source(named: bool, where: list, on_list: list, shape: Shape) -> Source:
    """The reader's marks of a list (unread, at or before their horizon), newest
    first, walking ix_unread_mark_user_id_named_at; each row still checked against
    the list itself (circulated to the reader's delegation, or naming the reader)
    and the document."""
    listed, _, in_list = _list_alias(named)
    at, document_id = _U.at, _U.document_id
    query = (select(document_id.label("id"), at.label("at"))
             .join(listed, and_(listed.document_id == document_id, in_list))
             .where(_U.user_id == USER, _U.named == (true() if named else false()), at <= _horizon(shape),
                    *on_list))
    return Source(_with_document(query, document_id, where, shape), at, document_id)


def _fresh_source(named: bool, where: list, on_list: list, shape: Shape) -> Source:
    """A list's rows after the reader's horizon (all of it when they have none)
    without a receipt of theirs, newest first: a walk of the list's index down to
    the horizon, a probe of the receipt's key a row."""
    listed, at, in_list = _list_alias(named)
    document_id = listed.document_id
    query = (select(document_id.label("id"), at.label("at"))
             .where(in_list, *on_list, at > _horizon(shape), ~_received(document_id)))
    return Source(_with_document(query, document_id, where, shape), at, document_id)


def _level(named: bool, listed) -> ColumnElement[bool]:
    """The levels a document that reached the reader by this list opens to them
    (permissions.documents: RESTRICTED by name, the others through the
    delegation), on the list row's copy of the document's level, written into
    the SQL as constants: the same in every execution, and so known to the
    planner when PostgreSQL plans the statement once for all readers (a
    prepared statement's generic plan). Written when the statement is compiled,
    once per shape."""
    return level_clause(visibility.RECIPIENT, visibility.NAMED if named else visibility.DELEGATION,
                        listed.document_level)


def _limit(shape: Shape) -> ColumnElement:
    """The page size, written into the SQL: a LIMIT the planner knows plans each
    branch as the short index walk it is (an unknown one is costed as a tenth of
    the table)."""
    return literal_column(str(int(shape.limit)), Integer)


def _read_source(named: bool, where: list, on_list: list, shape: Shape) -> Source:
    """One list of the reader's (the delegation's circulation, or their named
    list) in time order, its read rows (_read_by_horizon)."""
    listed, at, in_list = _list_alias(named)
    document_id = listed.document_id
    query = (select(document_id.label("id"), at.label("at"))
             .where(in_list, *on_list, _read_by_horizon(named, at, document_id, shape)))
    return Source(_with_document(query, document_id, where, shape), at, document_id)


def _sources(shape: Shape, unread: bool) -> list[Source]:
    """The lists a delegate receives documents by, unread or read: their
    delegation's circulation (GENERAL, LIMITED) and their own name (RESTRICTED),
    each at the time it reached them (circulated to the delegation; named).
    Each list's unread rows are two walks: the reader's marks behind the
    horizon, the list itself after it. (The named list was walked once with a
    probe a row, short as it is: a delegate named on 640 RESTRICTED documents,
    all read, cost 0.7 of the statement's 1.4 ms at every request.)
    A year or a meeting filters each list by its own copies of the document's
    (documents/list_filters.py), walking the list's index of that year or
    meeting: as short a walk as without a filter."""
    sources = []
    for named in ((False, True) if shape.delegation else (True,)):
        where, on_list = _document_filters(shape, _list_alias(named)[0], named)
        sources += ([_unread_source(named, where, on_list, shape), _fresh_source(named, where, on_list, shape)]
                    if unread else [_read_source(named, where, on_list, shape)])
    return sources


def _candidates(shape: Shape):
    """The keys (document id, time, unread flag) of the page, sorted and cut.
    Each branch stops at the page size; the read ones are merged in time order
    and cut again, and run only when the unread ones left room on the page: when
    the unread rows fill it, the database does not read them at all (a one-time
    filter)."""
    limit = _limit(shape)

    def merged(branches, limit=limit):
        if len(branches) == 1:  # a reader with no delegation: one list; "(SELECT ... LIMIT) ORDER BY" is refused
            one = branches[0].subquery()
            return select(one.c.id, one.c.at, one.c.un).order_by(
                one.c.at.desc(), one.c.id.desc()).limit(limit)
        both = union_all(*branches)
        return both.order_by(both.selected_columns.at.desc(), both.selected_columns.id.desc()).limit(limit)

    if shape.state == UNREAD:  # the unread lists alone
        keys = merged([_branch(source, True, shape) for source in _sources(shape, True)]).subquery("ks")
    elif shape.cursor is False or shape.state == READ:
        # Past the unread rows, or the read ones only: the read lists alone.
        keys = merged([_branch(source, False, shape) for source in _sources(shape, False)]).subquery("ks")
    else:
        unread = union_all(*(_branch(source, True, shape) for source in _sources(shape, True))).cte("ur")
        found = select(func.count().label("k")).select_from(unread).scalar_subquery()
        # The read rows: merged in time order, as many as the unread ones left room for.
        read = merged([_branch(source, False, shape, found < limit) for source in _sources(shape, False)],
                      case((found < limit, limit - found), else_=literal_column("0", Integer))).subquery("rd")
        keys = union_all(select(unread.c.id, unread.c.at, unread.c.un),
                         select(read.c.id, read.c.at, read.c.un)).subquery("ks")
    return (select(keys.c.id, keys.c.at, keys.c.un)
            .order_by(keys.c.un.desc(), keys.c.at.desc(), keys.c.id.desc()).limit(limit)
            .subquery("pk"))


class PageRow(NamedTuple):
    """The columns of the page statement, in order: _page_statement checks that these
    are its columns, and inbox_page unpacks its rows in this order."""

    document_id: int
    at: datetime
    unread: int
    acknowledged: bool
    languages: str | None  # 'language:version id,...' (document.version_languages)
    symbol: str
    title_en: str
    title_ru: str
    doc_type: DocumentType
    level: DistributionLevel
    status: DocumentStatus
    meeting_id: int | None
    number: int | None  # the meeting's
    meeting_title_en: str | None
    meeting_title_ru: str | None


@lru_cache(maxsize=512)
def _page_statement(shape: Shape) -> Select:
    """The page's keys joined to their documents and meetings, with the
    delegation's acknowledgement, and the document's copy of its latest version of
    each language (documents/version_languages.py): lookups for the rows of the
    page only. A lone read (pg_connections): after the
    reader's row, the inbox request's only statement. Its columns are PageRow's
    (checked here, once per shape)."""
    keys = _candidates(shape)
    acknowledged = exists().where(_A.document_id == keys.c.id,
                                  _A.delegation_id == DELEGATION)
    statement = lone_read(
        select(keys.c.id.label("document_id"), keys.c.at, keys.c.un.label("unread"),
               acknowledged.label("acknowledged"),
               _D.version_languages.label("languages"),
               _D.symbol, _D.title_en, _D.title_ru, _D.doc_type, _D.level,
               _D.status, _D.meeting_id, _M.number, _M.title_en.label("meeting_title_en"),
               _M.title_ru.label("meeting_title_ru"))
        .join(_D, _D.id == keys.c.id)
        .outerjoin(_M, _M.id == _D.meeting_id)
        .order_by(keys.c.un.desc(), keys.c.at.desc(), keys.c.id.desc())
    )
    columns = tuple(statement.selected_columns.keys())
    if columns != PageRow._fields:
        raise AssertionError(f"the page statement's columns {columns} are not PageRow's {PageRow._fields}")
    return statement


def inbox_page(user, filters: InboxFilters = InboxFilters(), cursor: Cursor | None = None,
               per_page: int = PAGE_SIZE) -> InboxPage:
    """One page of the inbox of `user` (a delegate), after `cursor`: one statement."""
    shape, params = _shape_and_params(user, filters, cursor, per_page + 1, db.session.get_bind().dialect.name)
    # One pass a row, unpacked by position in PageRow's order (_page_statement checks it): PageRow's
    # _make and the driver's own pass over the row (driver_statements' processors) before it cost about
    # 0.6 M of the page's 9 M instructions (bench/inbox, valgrind: docs/benchmarks.md, "2026-12-06 23:35").
    # The enumerations' columns are read through _MEMBERS; the time is the driver's (aware, in the
    # connection's zone) or SQLAlchemy's (UTC): the same instant, shown in the reader's zone.
    types, levels, statuses = _MEMBERS
    rows = [
        InboxRow(document_id, symbol, title_en, title_ru, types[doc_type], levels[level], statuses[status],
                 at, bool(unread), bool(acknowledged), meeting_id, number, meeting_title_en, meeting_title_ru,
                 _latest_languages(languages))
        for (document_id, at, unread, acknowledged, languages, symbol, title_en, title_ru, doc_type, level, status,
             meeting_id, number, meeting_title_en, meeting_title_ru) in _execute_prepared(shape, params)
    ]
    more = len(rows) > per_page
    rows = rows[:per_page]
    return InboxPage(rows=rows, next_cursor=rows[-1].cursor if more else None, first=cursor is None)


def _execute_prepared(shape: Shape, params: dict) -> Sequence[Any]:
    """Run the page statement (Core rows, no ORM layer); on PostgreSQL as a
    prepared statement on the driver's cursor (core/driver_statements.py: the
    statement compiled once per process and shape, and none of SQLAlchemy's
    execution on every request), planned once per connection and shape rather
    than on every request (planning it costs more than running it). Its generic
    plan is the same index walks as its custom plans: the page size and the
    constant values are written into the SQL, and nothing in it depends on who
    reads. Its rows are the driver's, unprocessed (inbox_page reads them in one
    pass). Elsewhere (SQLite), through SQLAlchemy."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return connection.execute(_page_statement(shape), params).all()
    return driver_statements.run_all(connection, _driver_page_statement(shape), params, processed=False)


def _members(kind: type[enum.Enum]) -> dict[Any, Any]:
    """An enumeration's members by the text its column holds (enum_column stores the
    value: the driver's row) and by themselves (SQLAlchemy's row). Anything else the
    column holds raises KeyError, as SQLAlchemy's processor raises LookupError."""
    return {**{member.value: member for member in kind}, **{member: member for member in kind}}


# A page row's doc_type, level and status.
_MEMBERS = (_members(DocumentType), _members(DistributionLevel), _members(DocumentStatus))


@lru_cache(maxsize=512)  # as many as _page_statement keeps
def _driver_page_statement(shape: Shape) -> driver_statements.DriverStatement:
    """The page statement compiled for the driver, once per process and shape."""
    return driver_statements.DriverStatement.of(_page_statement(shape), db.session.connection())


_LANGUAGE_ORDER = {code: n for n, code in enumerate(MAIN_LANGUAGES)}


def _latest_languages(versions: str | None) -> list[tuple[str, int]]:
    """'en:3,ru:4,en:7' -> [("en", 7), ("ru", 4)]: the latest version of each
    language, English and Russian first, then the others by code (the document's
    copy holds one a language already; a list with more reads the same)."""
    if not versions:
        return []
    if "," not in versions:  # one language (most documents): no sorting, a third of the cost
        language, _, version_id = versions.rpartition(":")
        return [(language, int(version_id))] if language and version_id.isdigit() else []
    latest: dict[str, int] = {}
    for item in versions.split(","):
        language, _, version_id = item.rpartition(":")
        if language and version_id.isdigit():
            latest[language] = max(latest.get(language, 0), int(version_id))
    return sorted(latest.items(), key=lambda item: (_LANGUAGE_ORDER.get(item[0], len(_LANGUAGE_ORDER)), item[0]))


# The filters' choices: bodies and meetings, kept per process -------------------------------

CHOICES_KEY = "inbox_filter_choices"


@dataclass(frozen=True)
class FilterChoices:
    """What the inbox's filters offer: every body, and every meeting newest first
    (the form shows those of a year or two; the archive holds hundreds)."""

    loaded_at: float  # time.monotonic() of the read: tells one read from another in this process
    generation: int | None  # core/cache_generation.py's, when read
    bodies: tuple[tuple[int, str, str], ...]  # id, name_en, name_ru
    meetings: tuple[tuple[int, int | None, str, str, datetime], ...]  # id, number, title_en, title_ru, starts_at
    kept: bool = True  # False: read inside a transaction that changed a body or a meeting, not kept


def filter_choices() -> FilterChoices:
    """The choices, read again (two statements) only when a body or a meeting
    changed since this process read them, through this process or any other: the
    generation the request read with its reader (core/cache_generation.py) is
    not the one they were read under."""
    generation, changing = cache_generation.current(), cache_generation.uncommitted_changes()
    cached = current_app.extensions.get(CHOICES_KEY)
    if cached is not None and cached.generation == generation and not changing:
        return cached
    bodies = tuple((id_, name_en, name_ru) for id_, name_en, name_ru in db.session.execute(
        select(Body.id, Body.name_en, Body.name_ru).order_by(Body.id)))
    meetings = tuple((id_, number, en, ru, starts_at) for id_, number, en, ru, starts_at in db.session.execute(
        select(Meeting.id, Meeting.number, Meeting.title_en, Meeting.title_ru, Meeting.starts_at)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())))
    read = FilterChoices(time.monotonic(), generation, bodies, meetings, kept=not changing)
    if read.kept:
        current_app.extensions[CHOICES_KEY] = read
    return read


def forget_choices() -> None:
    """Read the choices again on the next call (tests, after emptying tables)."""
    if has_app_context():
        current_app.extensions.pop(CHOICES_KEY, None)


cache_generation.watch(Body, Meeting)
