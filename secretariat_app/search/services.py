"""The search box: ranked results of each kind the reader may see, with the
matching passage marked.

Each kind is ONE statement, whatever the number of results: the index's hits
(search.fulltext: a GIN index scan on PostgreSQL, an FTS5 query on SQLite)
joined to the objects, cut by the reader's rule (permissions.search) and by
the inbox's filters, ranked and cut at the page; the passage is computed for
the rows of the page only, after the cut (an outer query), so it is never
taken from an object the reader may not read."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from markupsafe import Markup
from sqlalchemy import (
    Integer,
    String,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    false,
    func,
    literal_column,
    not_,
    null,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.cbm.models import CbmAnnualReport, CbmArea
from secretariat_app.core.columns import UTCDateTime
from secretariat_app.core.pg_connections import lone_read
from secretariat_app.decisions.models import Decision
from secretariat_app.documents.models import (
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    FileText,
    Receipt,
    TextStatus,
)
from secretariat_app.documents.services.inbox import (
    OTHER_LANGUAGE,
    READ,
    UNREAD,
    FilterShape,
    InboxFilters,
    filter_clauses,
)
from secretariat_app.extensions import db, prepared_statements
from secretariat_app.meetings.models import Meeting
from secretariat_app.permissions import search as rules
from secretariat_app.permissions.documents import READER_USER, Reader, reader_for, reader_params
from secretariat_app.search import word_stats
from secretariat_app.search.fulltext import Match
from secretariat_app.search.models import SearchEntry, SearchKind

PER_PAGE = 20
CANDIDATES = 60  # the matching documents ranked at most (find_documents says why)
MAX_PAGE = -(-CANDIDATES // PER_PAGE)
SIDE_RESULTS = 5  # meetings, decisions, reports shown beside the documents

_E = aliased(SearchEntry, name="e")


@dataclass
class DocumentHit:
    document_id: int
    symbol: str
    title_en: str
    title_ru: str
    doc_type: DocumentType
    level: DistributionLevel
    status: DocumentStatus
    circulated_at: datetime | None
    unread: bool
    passage: Markup

    def title(self, language: str = "en") -> str:
        return (self.title_ru or self.title_en) if language == "ru" else (self.title_en or self.title_ru)


@dataclass
class Hit:
    """A meeting, a decision or a CBM report found."""

    kind: SearchKind
    object_id: int
    label: object  # a decision's reference, a meeting's start, a report's year
    title_en: str
    title_ru: str
    passage: Markup

    def title(self, language: str = "en") -> str:
        return (self.title_ru or self.title_en) if language == "ru" else (self.title_en or self.title_ru)


@dataclass
class Results:
    query: str
    documents: list[DocumentHit]
    page: int
    more: bool
    meetings: list[Hit]
    decisions: list[Hit]
    reports: list[Hit]


# Constants written into the statements, not bound: the statement's values are
# then the reader's ids, the words and the filters only (psycopg keeps the parse of
# a statement of at most 50 values and 4 kB).
_NEWLINE = literal_column("'\n'", String)


def _kind(kind: SearchKind) -> ColumnElement[str]:
    return literal_column(f"'{kind.value}'", String)


def _number(n: int) -> ColumnElement[int]:
    return literal_column(str(int(n)), Integer)


def _match() -> Match:
    return Match(db.session.get_bind().dialect.name)


@dataclass(frozen=True)
class _Shape:
    """What makes two document searches' statements differ; the values are bound."""

    dialect: str
    secretariat: bool
    delegation: bool
    filters: tuple[str, ...]  # the inbox filters given, by name
    language: str  # "", "one", "other"
    state: str  # "", READ, UNREAD
    per_page: int
    # The words are rare (search.word_stats): the GIN index's way, not the walk, written into the
    # statement, which is then prepared: planned once per connection (planning it cost 1.7-1.9 ms,
    # running it 0.1-1.0 ms, at 100k), its generic plan the same way whatever the words (Match.once).
    rare: bool = False
    # The words are common (search.word_stats): the walk's way, written into the statement
    # (Match.walk), which is prepared too. Without statistics (neither rare nor walk) the
    # statement is planned for its words, and the planner chooses.
    walk: bool = False

    @property
    def prepared(self) -> bool:
        return self.rare or self.walk


def _filters(shape: _Shape, document, listed=None) -> list[ColumnElement[bool]]:
    """The inbox's filters on a document row (documents.services.inbox.filter_clauses, the one
    builder of what they mean), bound, and the read state. `listed`: the row of the list walked
    (circulation, named_recipient), whose copies of the document's year and meeting
    (documents/list_filters.py) the year and meeting are read from, so that the walk takes its
    list's index of that year or meeting."""
    given = FilterShape(meeting="meeting_id" in shape.filters, body="body_id" in shape.filters,
                        year="year" in shape.filters, doc_type="doc_type" in shape.filters, language=shape.language)
    on_document, on_list = filter_clauses(given, document, DocumentVersion, listed)
    clauses = [*on_document, *on_list]
    if shape.state:
        read = _read(document)
        clauses.append(read if shape.state == READ else not_(read))
    return clauses


def _read(document) -> ColumnElement[bool]:
    """Whether the reader opened the document (`document`: a row or columns with an id)."""
    return exists().where(Receipt.user_id == READER_USER, Receipt.document_id == document.id)


NO_FILTERS = InboxFilters()


def _columns(d):
    return (d.id, d.symbol, d.title_en, d.title_ru, d.doc_type, d.level, d.status, d.circulated_at)


@lru_cache(maxsize=4)
def _hits(dialect: str):
    """The entries that match rare words (kind, object_id, scored), found once per statement
    through the GIN index (MATERIALIZED: one scan, whoever reads them) and then probed for the
    reader by each way, each kind, by key: the page's every part reads the same few rows. (Each
    part asked the index itself, and a delegate's named list of a thousand documents was
    walked and each probed: 6 ms of the 20 at a UN body's size.)"""
    match = Match(dialect, once=True)
    return (match.matching(select(_E.kind, _E.object_id).select_from(_E), _E)
            .cte("hits").prefix_with("MATERIALIZED"))


def _entries(match: Match, rare: bool, found, kind: SearchKind, object_id):
    """`found` joined to the matching entries of `kind` for `object_id`, with their `scored`
    column: the rare words' hits (_hits), or search_entry kept to the matches."""
    if rare:
        hits = _hits(match.dialect)
        return (found.join(hits, and_(hits.c.kind == _kind(kind), hits.c.object_id == object_id))
                .add_columns(hits.c.scored))
    return match.matching(found.join(_E, and_(_E.kind == _kind(kind), _E.object_id == object_id)), _E)


def _matching(match: Match, shape: _Shape, found, d, newest, listed=None):
    """`found` (rows naming documents `d`; `listed`: the list walked, if any) joined to
    their entries, kept to those that match and pass the filters: the newest CANDIDATES
    by `newest`, as (id, scored, at)."""
    if shape.rare or (listed is None and any(name in shape.filters for name in _LISTED)):
        # Rare words, or a filter that picks few documents with no list of its own to walk (the
        # Secretariat's search): start from them (the GIN index, the filter's own index), not
        # from a walk in time order, which would read every newer document first. The time as
        # an expression no index holds takes the walk off the planner's table. A list's year or
        # meeting is walked newest first along the list's own index of it.
        newest = func.coalesce(newest, newest)
    return (_entries(match, shape.rare, found, SearchKind.DOCUMENT, d.id).add_columns(newest.label("at"))
            .where(*_filters(shape, d, listed)).order_by(newest.desc()).limit(_number(CANDIDATES)))


_LISTED = ("meeting_id", "year")  # the filters the lists keep a copy of, with an index each


@lru_cache(maxsize=256)
def _documents_statement(shape: _Shape):
    """find_documents' statement, built once per shape (the reader's ids, the
    filters' values, the words and the page are bound). The walks and the ranking
    carry the documents' ids only; the page's rows are joined to their documents
    at the end (a short statement: psycopg keeps its parse)."""
    match = Match(shape.dialect, once=shape.prepared, walk=shape.walk)
    d = aliased(Document, name="d")
    reader = Reader(0, 0 if shape.delegation else None, shape.secretariat)
    ways = rules.walks(reader)
    if ways is None:  # the Secretariat: every document, newest first
        candidates = _matching(match, shape, select(d.id).select_from(d).where(rules.documents_clause(reader, d)),
                               d, d.circulated_at).subquery("candidates")
    else:
        # Each way the documents reached the reader, newest first, in a branch of its own (its
        # own index, its own LIMIT); the branches' newest CANDIDATES together.
        branches = [_matching(match, shape, select(d.id).select_from(walk.source)
                              .join(d, d.id == walk.document_id)
                              .where(walk.reached, rules.walk_clause(reader, walk, d)), d, walk.at,
                              walk.source)
                    .subquery(f"way_{n}") for n, walk in enumerate(ways)]
        if not branches:  # no way reaches this reader: nothing
            nothing = null().cast(TSVECTOR) if match.postgresql else null()
            candidates = select(d.id, nothing.label("scored")).where(false()).subquery("candidates")
        elif len(branches) == 1:
            candidates = branches[0]
        else:
            every = union_all(*(select(branch) for branch in branches)).subquery("reached")
            candidates = select(every).order_by(every.c.at.desc()).limit(_number(CANDIDATES)).subquery("candidates")
    rank = match.rank(candidates.c.scored).label("rank")
    ranked = (select(candidates.c.id, rank).order_by(rank.desc(), candidates.c.id.desc())
              .limit(_number(shape.per_page + 1)).offset(bindparam("offset", type_=Integer)).subquery("ranked"))
    page = aliased(Document, name="doc")
    return lone_read(select(*_columns(page), ranked.c.rank, _read(page).label("read"),
                            match.passage(_document_text(page.id)).label("passage"))
                     .join_from(ranked, page, page.id == ranked.c.id))


def find_documents(user, query: str, filters: InboxFilters = NO_FILTERS, page: int = 1,
                   per_page: int = PER_PAGE) -> tuple[list[DocumentHit], bool]:
    """A page of the documents `user` may read that match `query`, best first: one statement.

    Ranked are the CANDIDATES newest of the matching documents the reader may
    read (newest: when the document reached them; all of them, for any but
    common words), so that a word found in half the archive costs a walk of
    about CANDIDATES divided by the share of documents that hold it, not a
    rank of every match. A delegate's search walks each way documents reach
    them (permissions.search.walks: the delegation's circulations along
    (delegation, time), the documents naming them along (user, time)), each in
    a branch of its own that stops at CANDIDATES matches, so that what it reads
    grows with what the delegation received, not with the archive (a UN-sized
    body's 193 delegations each see a small share of it). A rarer word is found
    through the index of the words (GIN, FTS5) and each of its documents probed
    for the reader. Which way a query goes is decided here from the
    statistics of the words (search.word_stats: the planner's own estimate of a
    word it keeps no figure for sent a UN-sized body's rare word on the walk);
    without them PostgreSQL's planner chooses.
    The Secretariat, who reads everything, walks the documents newest first."""
    match = _match()
    if not match.searchable(query):
        return [], False
    shape, params = _documents_query(match, user, query, filters, page, per_page)
    return _document_hits(_execute(shape, _documents_statement(shape), params), match, query, per_page)


def _execute(shape: _Shape, statement, params: dict) -> Sequence[Row]:
    """Run a search statement: prepared when its way is written into it (_Shape.rare, walk), so
    that PostgreSQL plans it once per connection; otherwise planned for its words."""
    if not shape.prepared:
        return db.session.execute(statement, params).all()
    with prepared_statements() as connection:
        return connection.execute(statement, params).all()


def _documents_query(match: Match, user, query: str, filters: InboxFilters, page: int,
                     per_page: int) -> tuple[_Shape, dict]:
    """The shape of find_documents' statement and the values it binds."""
    page = max(1, min(page, MAX_PAGE))
    reader = reader_for(user)
    values = {"meeting_id": filters.meeting_id, "body_id": filters.body_id, "year": filters.year,
              "doc_type": filters.doc_type}
    language = ("" if not filters.language else OTHER_LANGUAGE if filters.language == OTHER_LANGUAGE else "one")
    shape = _Shape(match.dialect, reader.is_secretariat, reader.delegation_id is not None,
                   tuple(name for name, value in values.items() if value is not None), language,
                   filters.state if filters.state in (READ, UNREAD) else "", per_page,
                   *_way(query))
    params = {**match.params(query), **reader_params(reader), "offset": (page - 1) * per_page,
              **{name: value for name, value in values.items() if value is not None}}
    if language == "one":
        params["language"] = filters.language
    return shape, params


def _document_text(document_id) -> ColumnElement[str]:
    """The text a document's passage is taken from, for one row of the page
    (a correlated subquery): the extracted text of the latest version in each
    language, as search.indexing indexes it. Not kept in the index: read from
    file_text for the page's rows only."""
    version, newer = aliased(DocumentVersion, name="pv"), aliased(DocumentVersion, name="pn")
    return (select(func.aggregate_strings(FileText.text, "\n"))
            .select_from(version).join(FileText, FileText.sha256 == version.file_sha256)
            .where(version.document_id == document_id,
                   FileText.status == literal_column(f"'{TextStatus.EXTRACTED.value}'", String),
                   ~exists().where(newer.document_id == version.document_id, newer.language == version.language,
                                   newer.id > version.id))
            .scalar_subquery())


def _beside(match: Match, kind: SearchKind, model, columns, body, condition, extra_join=None, rare: bool = False):
    """The first few objects of one kind the reader may see, best first: a branch of find_beside.
    `body`: the text its passage is taken from. `rare`: from the rare words' hits (_hits)."""
    found = _entries(match, rare,
                     select(_kind(kind).label("kind"), model.id.label("id"), *columns, body.label("body"))
                     .select_from(model), kind, model.id)
    if extra_join is not None:
        found = found.join(*extra_join)
    scored = found.selected_columns.scored
    rank = match.rank(scored).label("rank")
    ranked = (found.with_only_columns(*(c for c in found.selected_columns if c.key != "scored"), rank)
              .where(condition)
              .order_by(rank.desc(), model.id.desc()).limit(_number(SIDE_RESULTS)).subquery())
    return select(*ranked.c)


def _two_texts(first, second) -> ColumnElement[str]:
    return func.coalesce(first, literal_column("''")) + _NEWLINE + func.coalesce(second, literal_column("''"))


def _way(query: str) -> tuple[bool, bool]:
    """(rare, walk): which way the words go, from the index's statistics (search.word_stats)."""
    way = word_stats.way(query, CANDIDATES)
    return way == word_stats.INDEX, way == word_stats.WALK


def _beside_found(dialect: str, seen: rules.BesideRules, rare: bool = False, walk: bool = False):
    """The meetings, decisions and reports found, as far as `seen` lets the reader
    see them, a few of each (SIDE_RESULTS), with the text of each one's passage
    (`rare`: the rare words' hits, _hits; `walk`: each entry of the kind tested, Match.walk;
    either in a statement planned once, Match.once)."""
    match = Match(dialect, once=rare or walk, walk=walk)
    no_label, no_time = null().cast(String), null().cast(UTCDateTime)
    return union_all(
        _beside(match, SearchKind.MEETING, Meeting,
                (Meeting.title_en, Meeting.title_ru, no_label.label("label"), Meeting.starts_at.label("at")),
                null().cast(Text), rules.meetings_clause(seen), rare=rare),
        _beside(match, SearchKind.DECISION, Decision,
                (Decision.title_en, Decision.title_ru, Decision.reference.label("label"), no_time.label("at")),
                _two_texts(Decision.text_en, Decision.text_ru), rules.decisions_clause(seen), rare=rare),
        _beside(match, SearchKind.CBM_REPORT, CbmAnnualReport,
                (CbmArea.name_en.label("title_en"), CbmArea.name_ru.label("title_ru"),
                 cast(CbmAnnualReport.year, String).label("label"), no_time.label("at")),
                _two_texts(CbmAnnualReport.summary_en, CbmAnnualReport.summary_ru),
                rules.reports_clause(seen), extra_join=(CbmArea, CbmArea.id == CbmAnnualReport.area_id), rare=rare),
    ).subquery("beside")


@lru_cache(maxsize=256)
def _beside_statement(dialect: str, seen: rules.BesideRules):
    """find_beside's statement, built once per dialect and what the reader may see."""
    branches = _beside_found(dialect, seen)
    return (select(*(c for c in branches.c if c.key != "body"),
                   Match(dialect).passage(branches.c.body).label("passage"))
            .order_by(branches.c.kind, branches.c.rank.desc(), branches.c.id.desc()))


def _beside_hits(rows, match: Match, query: str) -> dict[SearchKind, list[Hit]]:
    """Hits of each kind from rows of _beside_found's columns with the passage, best first."""
    found: dict[SearchKind, list[Hit]] = {SearchKind.MEETING: [], SearchKind.DECISION: [], SearchKind.CBM_REPORT: []}
    for row in sorted(rows, key=lambda row: (row.kind, -row.rank, -row.id)):
        kind = SearchKind(row.kind)
        found[kind].append(Hit(kind, row.id, row.at if kind == SearchKind.MEETING else row.label,
                               row.title_en, row.title_ru, match.finish(row.passage, query)))
    return found


def find_beside(user, query: str) -> dict[SearchKind, list[Hit]]:
    """The meetings, decisions and CBM annual reports found, each kind as far as
    `user` may see it (permissions.search), a few of each: one statement."""
    match = _match()
    if not match.searchable(query):
        return {SearchKind.MEETING: [], SearchKind.DECISION: [], SearchKind.CBM_REPORT: []}
    statement = _beside_statement(match.dialect, rules.beside_rules(user))
    return _beside_hits(db.session.execute(statement, match.params(query)), match, query)


@lru_cache(maxsize=256)
def _page_statement(shape: _Shape, seen: rules.BesideRules):
    """The first page without filters in one statement (one round trip): the
    documents (_documents_statement) and the meetings, decisions and reports
    (_beside_found) as the rows of one UNION ALL, told apart by `kind`, each
    part cut by its own rule, ranked and limited on its own as when asked alone."""
    match = Match(shape.dialect, once=shape.prepared, walk=shape.walk)
    documents = _documents_statement(shape).subquery("documents")
    beside = _beside_found(shape.dialect, seen, shape.rare, shape.walk)
    return lone_read(union_all(
        select(_kind(SearchKind.DOCUMENT).label("kind"), documents.c.id,
               documents.c.symbol.label("label"), documents.c.title_en, documents.c.title_ru,
               documents.c.doc_type, documents.c.level, documents.c.status,
               documents.c.circulated_at.label("at"), documents.c.rank, documents.c.read, documents.c.passage),
        select(beside.c.kind, beside.c.id, beside.c.label, beside.c.title_en, beside.c.title_ru,
               *(null().cast(getattr(Document, name).type).label(name) for name in ("doc_type", "level", "status")),
               beside.c.at, beside.c.rank, false().label("read"),
               match.passage(beside.c.body).label("passage")),
    ))


def _document_hits(rows, match: Match, query: str, per_page: int) -> tuple[list[DocumentHit], bool]:
    """A page of hits from rows of (id, symbol, titles, type, level, status, time, rank, read, passage), in
    any order, and whether there are more (one row more than the page)."""
    rows = sorted(rows, key=lambda row: (-row[8], -row[0]))
    return ([DocumentHit(id_, symbol, title_en, title_ru, doc_type, level, status, at, not read,
                         match.finish(passage, query))
             for id_, symbol, title_en, title_ru, doc_type, level, status, at, _rank, read, passage
             in rows[:per_page]], len(rows) > per_page)


def search(user, query: str, filters: InboxFilters = NO_FILTERS, page: int = 1) -> Results:
    """Everything the search page shows: documents (filtered, paged) and, on the
    first page without filters, the meetings, decisions and reports found; one
    statement either way (_page_statement on the first page without filters)."""
    side = page == 1 and filters == InboxFilters(search=filters.search)
    if not side:
        documents, more = find_documents(user, query, filters, page)
        return Results(query, documents, page, more, [], [], [])
    match = _match()
    if not match.searchable(query):
        return Results(query, [], page, False, [], [], [])
    shape, params = _documents_query(match, user, query, filters, page, PER_PAGE)
    rows = _execute(shape, _page_statement(shape, rules.beside_rules(user)), params)
    documents, more = _document_hits([row[1:] for row in rows if row.kind == SearchKind.DOCUMENT.value],
                                     match, query, PER_PAGE)
    beside = _beside_hits([row for row in rows if row.kind != SearchKind.DOCUMENT.value], match, query)
    return Results(query, documents, page, more, beside[SearchKind.MEETING], beside[SearchKind.DECISION],
                   beside[SearchKind.CBM_REPORT])
