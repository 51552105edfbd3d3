"""Reading the archive: search by symbol and title words in either language,
filters, the documents of a meeting in symbol order, and a document's lineage.

The archive's pages are the Secretariat's, and the Secretariat reads every
document; the lists are still cut by permissions.documents.readable for the
reader at hand (nothing, for an officer), so that no list of documents escapes
the rule."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.states import Body
from secretariat_app.documents.models import (
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    VersionKind,
)
from secretariat_app.extensions import db
from secretariat_app.permissions.documents import Reader, readable

MAX_WORDS = 8
KIND_ORDER: dict[VersionKind | None, int] = {VersionKind.REV: 1, VersionKind.CORR: 2, VersionKind.ADD: 3}


@dataclass
class ArchiveFilter:
    q: str = ""
    body_id: int | None = None
    year: int | None = None
    doc_type: DocumentType | None = None
    status: DocumentStatus | None = None
    level: DistributionLevel | None = None
    meeting_id: int | None = None


def search_words(text: str) -> list[str]:
    """The words of a search, each to be found in the symbol or a title (at most MAX_WORDS)."""
    return [w for w in (text or "").split() if w][:MAX_WORDS]


def matches_words(words: list[str]):
    """A WHERE clause: every word occurs in the symbol or in the English or Russian title.

    Case is ignored; on SQLite only for Latin letters (its lower() knows ASCII only)."""
    clauses = []
    for word in words:
        variants = {word, word.lower(), word.upper(), word.capitalize()}
        clauses.append(or_(*(column.icontains(variant, autoescape=True)
                             for column in (Document.symbol, Document.title_en, Document.title_ru)
                             for variant in variants)))
    return and_(*clauses)


def version_order():
    """Symbol order within a body and year: the original, then Rev.1, Rev.2…, Corr.1…, Add.1…"""
    kind = case(*((Document.version_kind == kind, rank) for kind, rank in KIND_ORDER.items()), else_=0)
    return (kind, Document.version_number)


def archive_query(filters: ArchiveFilter, reader: Reader):
    """SELECT of the documents matching `filters` that `reader` may read: the
    latest year first, then by body and serial (newest first)."""
    query = (select(Document).join(Body, Body.id == Document.body_id).where(readable(reader))
             .options(selectinload(Document.body)))
    words = search_words(filters.q)
    if words:
        query = query.where(matches_words(words))
    for column, value in ((Document.body_id, filters.body_id), (Document.year, filters.year),
                          (Document.doc_type, filters.doc_type), (Document.status, filters.status),
                          (Document.level, filters.level), (Document.meeting_id, filters.meeting_id)):
        if value is not None:
            query = query.where(column == value)
    return query.order_by(Document.year.desc(), Body.code, Document.serial.desc(), *version_order(), Document.id)


def archive_years() -> list[int]:
    return list(db.session.scalars(select(Document.year).distinct().order_by(Document.year.desc())))


def meeting_documents(meeting_id: int, reader: Reader) -> list[Document]:
    """The documents of a meeting that `reader` may read, in symbol order (body,
    year, serial, then its later versions)."""
    query = (select(Document).join(Body, Body.id == Document.body_id)
             .where(Document.meeting_id == meeting_id, readable(reader))
             .options(selectinload(Document.body), selectinload(Document.versions))
             .order_by(Body.code, Document.year, Document.serial, *version_order()))
    return list(db.session.scalars(query))


def lineage(document: Document) -> tuple[Document | None, list[Document]]:
    """The base of a later version (None for an original) and every later
    version of the same base, in symbol order."""
    base = document.base
    family = (base or document).later_versions
    return base, sorted(family, key=lambda d: (KIND_ORDER.get(d.version_kind, 0), d.version_number or 0))
