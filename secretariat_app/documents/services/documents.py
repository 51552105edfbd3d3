"""The clearing house: creating documents under a symbol, later versions
(/Rev.N, /Corr.N, /Add.N), editing and deleting drafts.

The symbol CICA/<BODY>/<YEAR>/<SERIAL> is given at creation from the body's
counter for the year, read under a row lock; serials are never reused, even
when a draft is deleted. Every write checks the rules first (RuleViolations,
nothing written), then changes the records and their audit entry in one
transaction and commits. Language versions are in documents_versions,
circulation and its sequels in documents_circulation, the archive's queries
in documents_archive."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import Body
from secretariat_app.audit import services as audit
from secretariat_app.core.forum_time import forum_today
from secretariat_app.documents.models import (
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    Originator,
    SymbolCounter,
    VersionKind,
)
from secretariat_app.domain import symbols
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.meetings.models import AgendaItem, Meeting

DOCUMENT_FIELDS = (
    "symbol", "body_id", "year", "serial", "base_id", "version_kind", "version_number", "title_en", "title_ru",
    "doc_type", "originator", "originator_delegation_id", "meeting_id", "agenda_item_id", "level", "status",
    "status_reason", "status_reason_ru", "circulated_at",
)
TITLE_MAX = 400
FIRST_YEAR = 1992  # the Almaty initiative
# Originators that are a delegation: the delegation must be named (optional for an organisation).
DELEGATION_NEEDED = (Originator.DELEGATION, Originator.COORDINATOR)
DELEGATION_ALLOWED = DELEGATION_NEEDED + (Originator.ORGANISATION,)


@dataclass
class DocumentData:
    """What an officer submits for a document. Body and year count only at
    creation (they are part of the symbol)."""

    doc_type: DocumentType
    originator: Originator
    level: DistributionLevel
    title_en: str = ""
    title_ru: str = ""
    body_id: int | None = None  # blank: the meeting's body
    year: int | None = None  # blank: the current year
    originator_delegation_id: int | None = None
    meeting_id: int | None = None
    agenda_item_id: int | None = None


@dataclass
class LaterVersionData:
    kind: VersionKind
    number: int | None = None  # blank: the next free number of that kind
    title_en: str = ""
    title_ru: str = ""
    level: DistributionLevel | None = None  # blank: the base document's


def _refuse(violations: list[Violation]) -> None:
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)


def symbol_of(document: Document) -> symbols.Symbol:
    return symbols.parse(document.symbol)


# Checking what an officer submits -------------------------------------------------

def _normalised(data: DocumentData) -> DocumentData:
    return replace(data, title_en=(data.title_en or "").strip(), title_ru=(data.title_ru or "").strip())


def check_titles(title_en: str, title_ru: str) -> list[Violation]:
    violations = []
    if not title_en and not title_ru:
        violations.append(Violation("title_en", N_("Give the title in English or in Russian (or both).")))
    for name, value in (("title_en", title_en), ("title_ru", title_ru)):
        if len(value) > TITLE_MAX:
            violations.append(Violation(name, N_("Use at most %(n)d characters."), {"n": TITLE_MAX}))
    return violations


def _check_choices(data: DocumentData) -> list[Violation]:
    violations = []
    if not isinstance(data.doc_type, DocumentType):
        violations.append(Violation("doc_type", N_("Choose the type of document.")))
    if not isinstance(data.level, DistributionLevel):
        violations.append(Violation("level", N_("Choose the distribution level.")))
    if not isinstance(data.originator, Originator):
        violations.append(Violation("originator", N_("Choose the originator.")))
    elif data.originator in DELEGATION_ALLOWED and data.originator_delegation_id is not None:
        if db.session.get(Delegation, data.originator_delegation_id) is None:
            violations.append(Violation("originator_delegation_id", N_("Unknown delegation.")))
    elif data.originator in DELEGATION_NEEDED:
        violations.append(Violation("originator_delegation_id",
                                    N_("Name the delegation that originates the document.")))
    return violations


def _check_meeting(data: DocumentData) -> tuple[list[Violation], Meeting | None]:
    """The meeting and agenda item: the item must belong to the meeting."""
    meeting = db.session.get(Meeting, data.meeting_id) if data.meeting_id is not None else None
    if data.meeting_id is not None and meeting is None:
        return [Violation("meeting_id", N_("Unknown meeting."))], None
    if data.agenda_item_id is None:
        return [], meeting
    item = db.session.get(AgendaItem, data.agenda_item_id)
    if item is None:
        return [Violation("agenda_item_id", N_("Unknown agenda item."))], meeting
    if meeting is None:
        return [Violation("meeting_id", N_("Choose the meeting the agenda item belongs to."))], None
    if item.meeting_id != meeting.id:
        return [Violation("agenda_item_id", N_("This agenda item belongs to another meeting."))], meeting
    return [], meeting


def _check(data: DocumentData, creating: bool, today: date) -> tuple[list[Violation], Body | None, int]:
    """Every rule `data` breaks, and the body and year of a new document."""
    violations = check_titles(data.title_en, data.title_ru) + _check_choices(data)
    meeting_violations, meeting = _check_meeting(data)
    violations += meeting_violations
    body, year = None, data.year or today.year
    if creating:
        body_id = data.body_id if data.body_id is not None else (meeting.body_id if meeting else None)
        body = db.session.get(Body, body_id) if body_id is not None else None
        if body_id is None:
            violations.append(Violation("body_id", N_("Choose the body (or a meeting, whose body is taken).")))
        elif body is None:
            violations.append(Violation("body_id", N_("Unknown body.")))
        if not FIRST_YEAR <= year <= today.year + 1:
            violations.append(Violation("year", N_("Give a year from %(first)d to %(last)d."),
                                        {"first": FIRST_YEAR, "last": today.year + 1}))
    return violations, body, year


def _apply(document: Document, data: DocumentData) -> None:
    document.title_en, document.title_ru = data.title_en, data.title_ru
    document.doc_type = data.doc_type
    document.originator = data.originator
    allowed = data.originator in DELEGATION_ALLOWED
    document.originator_delegation_id = data.originator_delegation_id if allowed else None
    document.meeting_id = data.meeting_id
    document.agenda_item_id = data.agenda_item_id
    document.level = data.level


# Serials ----------------------------------------------------------------------------

def _ensure_counter(body_id: int, year: int) -> None:
    """Create the counter row of a body and year unless it exists (two first
    documents at once: one insert wins, the other does nothing)."""
    dialect = db.session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - the app runs on PostgreSQL and SQLite only
        raise RuntimeError(f"unsupported database {dialect}")
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(SymbolCounter).values(body_id=body_id, year=year, last_serial=0)
                       .on_conflict_do_nothing(index_elements=["body_id", "year"]))


def next_serial(body_id: int, year: int) -> int:
    """Take the next serial of a body and year: the counter row is locked
    (SELECT … FOR UPDATE on PostgreSQL) until the transaction ends."""
    _ensure_counter(body_id, year)
    counter = db.session.execute(
        select(SymbolCounter).where(SymbolCounter.body_id == body_id, SymbolCounter.year == year)
        .with_for_update().execution_options(populate_existing=True)  # the locked row, not a stale copy
    ).scalar_one()
    counter.last_serial += 1
    return counter.last_serial


# Creating and editing ------------------------------------------------------------------

def create_document(actor: User | None, data: DocumentData, today: date | None = None, *,
                    commit: bool = True) -> Document:
    """Create a draft under the next symbol of its body and year, and commit.
    Raises RuleViolations, writing nothing (the serial is not taken).

    With commit=False the draft, its serial and its audit entry are only flushed:
    a caller that writes more rows for the same user action (a CBM paper) commits
    them all at once, or rolls them all back."""
    today = today or forum_today()
    data = _normalised(data)
    violations, body, year = _check(data, True, today)
    _refuse(violations)
    assert body is not None  # a new document without one is refused above
    serial = next_serial(body.id, year)
    document = Document(body_id=body.id, year=year, serial=serial, status=DocumentStatus.DRAFT,
                        symbol=str(symbols.Symbol(body.code, year, serial)),
                        created_by_id=getattr(actor, "id", None), status_reason="")
    _apply(document, data)
    db.session.add(document)
    db.session.flush()
    audit.record(actor, "document.create", "document", document.id, None, audit.snapshot(document, DOCUMENT_FIELDS))
    if commit:
        db.session.commit()
    return document


def update_document(actor: User | None, document: Document, data: DocumentData) -> Document:
    """Change a draft's details (not its symbol) and commit, audited when something changed.
    Refused once the document has been circulated."""
    data = _normalised(data)
    if document.status != DocumentStatus.DRAFT:
        _refuse([Violation("status", N_("Only a draft can be changed; a circulated document is "
                                        "revised, corrected or added to by a later version."))])
    violations, _, _ = _check(data, False, forum_today())
    _refuse(violations)
    with audit.tracking_changes(actor, "document.update", "document", document, DOCUMENT_FIELDS):
        _apply(document, data)
    db.session.commit()
    return document


def next_number(base: Document, kind: VersionKind) -> int:
    """The next free number of `kind` among the later versions of `base`."""
    last = db.session.scalar(select(func.max(Document.version_number))
                             .where(Document.base_id == base.id, Document.version_kind == kind))
    return (last or 0) + 1


def _version_taken(symbol: str) -> Violation:
    return Violation("number", N_("%(symbol)s exists already: a document has one version of each number."),
                     {"symbol": symbol})


def create_later_version(actor: User | None, document: Document, data: LaterVersionData) -> Document:
    """A draft revision, corrigendum or addendum of `document` (of its base when
    `document` is itself a later version), under the same body, year and serial,
    and commit. The number is the next free one of its kind unless given; a
    number that exists is refused (RuleViolations, nothing written)."""
    base = document.base or document
    db.session.refresh(base, with_for_update=True)  # one new version of a base at a time (PostgreSQL)
    titles = ((data.title_en or "").strip() or base.title_en, (data.title_ru or "").strip() or base.title_ru)
    violations = check_titles(*titles)
    if base.status == DocumentStatus.DRAFT:
        violations.append(Violation("kind", N_("%(symbol)s is still a draft: change the draft itself; later "
                                               "versions are issued for circulated documents."),
                                    {"symbol": base.symbol}))
    if not isinstance(data.kind, VersionKind):
        violations.append(Violation("kind", N_("Choose revision, corrigendum or addendum.")))
    _refuse(violations)
    free = next_number(base, data.kind)
    number = data.number if data.number is not None else free
    symbol = str(symbol_of(base).later(data.kind.value, max(number, 1)))
    if number < 1 or number > free:
        _refuse([Violation("number", N_("The next free number is %(n)d."), {"n": free})])
    if number < free:
        _refuse([_version_taken(symbol)])
    later = Document(
        symbol=symbol, body_id=base.body_id, year=base.year, serial=base.serial, base_id=base.id,
        version_kind=data.kind, version_number=number, title_en=titles[0], title_ru=titles[1],
        doc_type=base.doc_type, originator=base.originator, originator_delegation_id=base.originator_delegation_id,
        meeting_id=base.meeting_id, agenda_item_id=base.agenda_item_id, level=data.level or base.level,
        status=DocumentStatus.DRAFT, status_reason="", created_by_id=getattr(actor, "id", None),
    )
    db.session.add(later)
    try:
        db.session.flush()
    except IntegrityError:  # the same number made at the same moment by someone else
        db.session.rollback()
        raise RuleViolations([_version_taken(symbol)]) from None
    audit.record(actor, "document.create", "document", later.id, None, audit.snapshot(later, DOCUMENT_FIELDS))
    db.session.commit()
    return later


# Deleting a draft ---------------------------------------------------------------------------

class NeverDeleted(Exception):
    """A circulated (superseded, withdrawn) document is kept for ever."""

    def __init__(self, document: Document):
        super().__init__(document.symbol)
        self.document = document


def delete_draft(actor: User | None, document: Document) -> None:
    """Delete a draft with its language versions (the stored files stay for the
    sweeper) and commit. Raises NeverDeleted for anything circulated. The
    serial is not given back."""
    db.session.refresh(document, with_for_update=True)
    if document.status != DocumentStatus.DRAFT:
        db.session.rollback()
        raise NeverDeleted(document)
    before = audit.snapshot(document, DOCUMENT_FIELDS)
    before["language_versions"] = [{"language": v.language, "sha256": v.file_sha256} for v in document.versions]
    audit.record(actor, "document.delete", "document", document.id, before, None)
    db.session.delete(document)
    db.session.commit()

