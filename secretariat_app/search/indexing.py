"""Keeping the search index up to date: what each kind of object puts in it,
and when it is written.

- In the transaction that writes the object (a SQLAlchemy after_flush hook):
  a document created, its symbol or titles changed, a language version added
  or replaced; a meeting's, a decision's or a CBM report's titles or texts;
  and an object deleted. So the index never lags behind a commit, and a
  rollback takes its entries back with it.
- After the text of a stored file is committed by the extraction worker
  (documents.signals.file_text_changed): the documents using that file.
- `rebuild` indexes everything (the migration, `flask search reindex`).

Every function takes a Connection, so the migration and the hook use the same code."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from secretariat_app.cbm.models import CbmAnnualReport, CbmArea
from secretariat_app.core.columns import utcnow
from secretariat_app.decisions.models import Decision
from secretariat_app.documents.models import Document, DocumentVersion, FileText, TextStatus
from secretariat_app.documents.signals import file_text_changed
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.search import fulltext
from secretariat_app.search.fulltext import Parts
from secretariat_app.search.models import SearchEntry, SearchKind

_entry = SearchEntry.__table__


def _document_parts(connection: Connection, ids: list[int]) -> dict[int, Parts]:
    """Symbol, titles, and the text of the latest version of each language (two statements)."""
    parts: dict[int, Parts] = {}
    for id_, symbol, title_en, title_ru in connection.execute(
            select(Document.id, Document.symbol, Document.title_en, Document.title_ru)
            .where(Document.id.in_(ids))):
        found = parts[id_] = Parts()
        found.add("head", "other", fulltext.symbol_words(symbol))
        found.add("head", "en", title_en)
        found.add("head", "ru", title_ru)
    latest = (select(DocumentVersion.document_id, DocumentVersion.language,
                     DocumentVersion.id.label("id"), DocumentVersion.file_sha256)
              .where(DocumentVersion.document_id.in_(ids)).subquery())
    newest = (select(latest.c.document_id, latest.c.language, FileText.text)
              .join(FileText, FileText.sha256 == latest.c.file_sha256)
              .where(FileText.status == TextStatus.EXTRACTED,
                     latest.c.id == select(DocumentVersion.id).where(
                         DocumentVersion.document_id == latest.c.document_id,
                         DocumentVersion.language == latest.c.language)
                     .order_by(DocumentVersion.id.desc()).limit(1).scalar_subquery())
              .order_by(latest.c.document_id, latest.c.language))
    for document_id, language, text_ in connection.execute(newest):
        if document_id in parts:
            parts[document_id].add("body", language, text_)
    return parts


def _meeting_parts(connection: Connection, ids: list[int]) -> dict[int, Parts]:
    parts = {}
    for id_, title_en, title_ru, city, city_ru in connection.execute(
            select(Meeting.id, Meeting.title_en, Meeting.title_ru, Meeting.city, Meeting.city_ru)
            .where(Meeting.id.in_(ids))):
        found = parts[id_] = Parts()
        found.add("head", "en", title_en)
        found.add("head", "ru", title_ru)
        found.add("head", "other", city)
        found.add("head", "ru", city_ru)
    return parts


def _decision_parts(connection: Connection, ids: list[int]) -> dict[int, Parts]:
    parts = {}
    for id_, reference, title_en, title_ru, text_en, text_ru in connection.execute(
            select(Decision.id, Decision.reference, Decision.title_en, Decision.title_ru, Decision.text_en,
                   Decision.text_ru).where(Decision.id.in_(ids))):
        found = parts[id_] = Parts()
        found.add("head", "other", fulltext.symbol_words(reference))
        found.add("head", "en", title_en)
        found.add("head", "ru", title_ru)
        found.add("body", "en", text_en)
        found.add("body", "ru", text_ru)
    return parts


def _report_parts(connection: Connection, ids: list[int]) -> dict[int, Parts]:
    parts = {}
    for id_, year, name_en, name_ru, summary_en, summary_ru in connection.execute(
            select(CbmAnnualReport.id, CbmAnnualReport.year, CbmArea.name_en, CbmArea.name_ru,
                   CbmAnnualReport.summary_en, CbmAnnualReport.summary_ru)
            .join(CbmArea, CbmArea.id == CbmAnnualReport.area_id).where(CbmAnnualReport.id.in_(ids))):
        found = parts[id_] = Parts()
        found.add("head", "other", str(year))
        found.add("head", "en", name_en)
        found.add("head", "ru", name_ru)
        found.add("body", "en", summary_en)
        found.add("body", "ru", summary_ru)
    return parts


_PARTS = {
    SearchKind.DOCUMENT: _document_parts,
    SearchKind.MEETING: _meeting_parts,
    SearchKind.DECISION: _decision_parts,
    SearchKind.CBM_REPORT: _report_parts,
}
# What each kind's index is made of: a change to one of these attributes re-indexes the object.
_WATCHED = {
    Document: (SearchKind.DOCUMENT, ("symbol", "title_en", "title_ru")),
    Meeting: (SearchKind.MEETING, ("title_en", "title_ru", "city", "city_ru")),
    Decision: (SearchKind.DECISION, ("reference", "title_en", "title_ru", "text_en", "text_ru")),
    CbmAnnualReport: (SearchKind.CBM_REPORT, ("area_id", "year", "summary_en", "summary_ru")),
}


def index(connection: Connection, kind: SearchKind, ids: Iterable[int]) -> None:
    """(Re)index these objects of `kind`; those that no longer exist leave the index."""
    ids = sorted(set(ids))
    if not ids:
        return
    parts = _PARTS[kind](connection, ids)
    existing = dict(connection.execute(select(_entry.c.object_id, _entry.c.id).where(
        _entry.c.kind == kind.value, _entry.c.object_id.in_(ids))).all())
    gone = [existing.pop(id_) for id_ in ids if id_ not in parts and id_ in existing]
    if gone:
        connection.execute(delete(_entry).where(_entry.c.id.in_(gone)))
    for object_id, found in parts.items():
        entry_id = existing.get(object_id)
        if entry_id is None:
            entry_id = connection.execute(insert(_entry).values(
                kind=kind.value, object_id=object_id).returning(_entry.c.id)).scalar_one()
        else:
            connection.execute(_entry.update().where(_entry.c.id == entry_id).values(indexed_at=utcnow()))
        fulltext.store(connection, entry_id, found)


def forget(connection: Connection, kind: SearchKind, ids: Iterable[int]) -> None:
    ids = sorted(set(ids))
    if ids:
        connection.execute(delete(_entry).where(_entry.c.kind == kind.value, _entry.c.object_id.in_(ids)))


def rebuild(connection: Connection, batch: int = 500) -> int:
    """Index every object of every kind (what exists when the index is created). Returns how many."""
    total = 0
    for kind, model in ((SearchKind.DOCUMENT, Document), (SearchKind.MEETING, Meeting),
                        (SearchKind.DECISION, Decision), (SearchKind.CBM_REPORT, CbmAnnualReport)):
        ids = list(connection.execute(select(model.id).order_by(model.id)).scalars())
        for start in range(0, len(ids), batch):
            index(connection, kind, ids[start:start + batch])
        total += len(ids)
    return total


def documents_using(connection: Connection, sha256: str) -> list[int]:
    return list(connection.execute(select(DocumentVersion.document_id).where(
        DocumentVersion.file_sha256 == sha256).distinct()).scalars())


# When: in the writing transaction ------------------------------------------------------------

def _changed(obj, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _index_flushed(session: Session, _flush_context) -> None:
    """Index what this flush wrote (the object's rows are in the database now, uncommitted)."""
    touched: dict[SearchKind, set[int]] = defaultdict(set)
    deleted: dict[SearchKind, set[int]] = defaultdict(set)
    for obj in session.new:
        if isinstance(obj, DocumentVersion):
            touched[SearchKind.DOCUMENT].add(obj.document_id)
        elif type(obj) in _WATCHED:
            touched[_WATCHED[type(obj)][0]].add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, DocumentVersion) and _changed(obj, ("file_sha256", "language", "document_id")):
            touched[SearchKind.DOCUMENT].add(obj.document_id)
        elif type(obj) in _WATCHED and _changed(obj, _WATCHED[type(obj)][1]):
            touched[_WATCHED[type(obj)][0]].add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, DocumentVersion):
            touched[SearchKind.DOCUMENT].add(obj.document_id)
        elif type(obj) in _WATCHED:
            deleted[_WATCHED[type(obj)][0]].add(obj.id)
    if not touched and not deleted:
        return
    connection = session.connection()
    for kind, ids in deleted.items():
        forget(connection, kind, ids)
    for kind, ids in touched.items():
        index(connection, kind, ids - deleted.get(kind, set()))


# When: after the text of a file is committed (the extraction worker) --------------------------

@file_text_changed.connect
def _file_text_changed(_sender, sha256: str, **_kwargs) -> None:
    """Re-index the documents that use the file, in a transaction of their own (idempotent)."""
    connection = db.session.connection()
    index(connection, SearchKind.DOCUMENT, documents_using(connection, sha256))
    db.session.commit()


