"""The search box: ranked results of each kind the reader may see, with the
matching passage marked.

Each kind is ONE statement, whatever the number of results: the index's hits
(search.fulltext: a GIN index scan on PostgreSQL, an FTS5 query on SQLite)
joined to the objects, cut by the reader's rule (permissions.search) and by
the inbox's filters, ranked and cut at the page; the passage is computed for
the rows of the page only, after the cut (an outer query), so it is never
taken from an object the reader may not read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import exists, not_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.cbm.models import CbmAnnualReport, CbmArea
from secretariat_app.decisions.models import Decision
from secretariat_app.documents.models import (
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    Receipt,
)
from secretariat_app.documents.services.inbox import MAIN_LANGUAGES, OTHER_LANGUAGE, InboxFilters
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.permissions import search as rules
from secretariat_app.search.fulltext import Match
from secretariat_app.search.models import SearchEntry, SearchKind

PER_PAGE = 20
CANDIDATES = 200  # the matching documents ranked at most (find_documents says why)
MAX_PAGE = CANDIDATES // PER_PAGE
SIDE_RESULTS = 5  # meetings, decisions, reports shown beside the documents

_E, _P = aliased(SearchEntry, name="e"), aliased(SearchEntry, name="p")


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


def _match() -> Match:
    return Match(db.session.get_bind().dialect.name)


def _filters(filters: InboxFilters, user, document=Document) -> list[ColumnElement[bool]]:
    """The inbox's filters on a document row (the same meanings as documents.services.inbox)."""
    clauses: list[ColumnElement[bool]] = []
    for value, column in ((filters.meeting_id, document.meeting_id), (filters.body_id, document.body_id),
                          (filters.year, document.year), (filters.doc_type, document.doc_type)):
        if value is not None:
            clauses.append(column == value)
    if filters.language:
        in_language = (DocumentVersion.language.not_in(MAIN_LANGUAGES) if filters.language == OTHER_LANGUAGE
                       else DocumentVersion.language == filters.language)
        clauses.append(exists().where(DocumentVersion.document_id == document.id, in_language))
    if filters.state:
        read = _read(user, document)
        clauses.append(read if filters.state == "read" else not_(read))
    return clauses


def _read(user, document) -> ColumnElement[bool]:
    """Whether the reader opened the document (`document`: a row or columns with an id)."""
    return exists().where(Receipt.user_id == user.id, Receipt.document_id == document.id)


NO_FILTERS = InboxFilters()


def find_documents(user, query: str, filters: InboxFilters = NO_FILTERS, page: int = 1,
                   per_page: int = PER_PAGE) -> tuple[list[DocumentHit], bool]:
    """A page of the documents `user` may read that match `query`, best first: one statement.

    Ranked are the CANDIDATES most recently circulated of the matching documents
    the reader may read (all of them, for any but the commonest words): a word
    found in half the archive is ranked among the newest few hundred documents
    that hold it, and the database reads about as many rows as that, walking
    the documents newest first (ix_document_circulated_at) and testing each,
    instead of ranking every match. A rarer word is found through the index of
    the words (GIN, FTS5) and all its documents are ranked: PostgreSQL's planner
    chooses between the two from the statistics of the terms."""
    match = _match()
    if not match.searchable(query):
        return [], False
    page = max(1, min(page, MAX_PAGE))
    hits = match.hits()
    d = aliased(Document, name="d")
    candidates = (select(d.id, d.symbol, d.title_en, d.title_ru, d.doc_type, d.level, d.status, d.circulated_at,
                         hits.c.scored, _E.id.label("entry_id"))
                  .select_from(hits).join(_E, _E.id == hits.c.entry_id).join(d, d.id == _E.object_id)
                  .where(_E.kind == SearchKind.DOCUMENT.value, rules.documents_clause(user, d),
                         *_filters(filters, user, d))
                  .order_by(d.circulated_at.desc()).limit(CANDIDATES).subquery("candidates"))
    rank = match.rank(candidates.c.scored).label("rank")
    ranked = (select(*(c for c in candidates.c if c.key != "scored"), rank)
              .order_by(rank.desc(), candidates.c.id.desc())
              .limit(per_page + 1).offset((page - 1) * per_page).subquery("ranked"))
    statement = (select(ranked, _read(user, ranked.c).label("read"), match.passage(_P.body).label("passage"))
                 .join(_P, _P.id == ranked.c.entry_id).order_by(ranked.c.rank.desc(), ranked.c.id.desc()))
    rows = db.session.execute(statement, match.params(query)).all()
    found = [DocumentHit(row.id, row.symbol, row.title_en, row.title_ru, row.doc_type, row.level, row.status,
                         row.circulated_at, not row.read, match.finish(row.passage, query))
             for row in rows[:per_page]]
    return found, len(rows) > per_page


def _side(user, query: str, kind: SearchKind, model, columns, condition, extra_join=None,
          with_passage: bool = True) -> list[Hit]:
    """The first few objects of one kind (meetings, decisions, reports) the reader may see."""
    match = _match()
    hits = match.hits()
    rank = match.rank(hits.c.scored).label("rank")
    found = (select(model.id.label("id"), *columns, rank, _E.id.label("entry_id"))
             .select_from(hits).join(_E, _E.id == hits.c.entry_id).join(model, model.id == _E.object_id))
    if extra_join is not None:
        found = found.join(*extra_join)
    ranked = (found.where(_E.kind == kind.value, condition)
              .order_by(rank.desc(), model.id.desc()).limit(SIDE_RESULTS).subquery("ranked"))
    passage = match.passage(_P.body) if with_passage else _P.body.is_(None)
    statement = (select(ranked, passage.label("passage")).join(_P, _P.id == ranked.c.entry_id)
                 .order_by(ranked.c.rank.desc(), ranked.c.id.desc()))
    return [Hit(kind, row.id, row.label, row.title_en, row.title_ru,
                match.finish(row.passage, query) if with_passage else Markup(""))
            for row in db.session.execute(statement, match.params(query))]


def find_meetings(user, query: str) -> list[Hit]:
    return _side(user, query, SearchKind.MEETING, Meeting,
                 (Meeting.starts_at.label("label"), Meeting.title_en, Meeting.title_ru),
                 rules.meetings_clause(user), with_passage=False)


def find_decisions(user, query: str) -> list[Hit]:
    return _side(user, query, SearchKind.DECISION, Decision,
                 (Decision.reference.label("label"), Decision.title_en, Decision.title_ru),
                 rules.decisions_clause(user))


def find_reports(user, query: str) -> list[Hit]:
    return _side(user, query, SearchKind.CBM_REPORT, CbmAnnualReport,
                 (CbmAnnualReport.year.label("label"), CbmArea.name_en.label("title_en"),
                  CbmArea.name_ru.label("title_ru")),
                 rules.reports_clause(user), extra_join=(CbmArea, CbmArea.id == CbmAnnualReport.area_id))


def search(user, query: str, filters: InboxFilters = NO_FILTERS, page: int = 1) -> Results:
    """Everything the search page shows: documents (filtered, paged) and, on the
    first page without filters, the meetings, decisions and reports found."""
    documents, more = find_documents(user, query, filters, page)
    side = page == 1 and filters == InboxFilters(search=filters.search) and _match().searchable(query)
    return Results(query, documents, page, more,
                   find_meetings(user, query) if side else [],
                   find_decisions(user, query) if side else [],
                   find_reports(user, query) if side else [])
