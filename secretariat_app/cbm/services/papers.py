"""The papers of a priority area: a concept paper or an action plan drafted by
the coordinator as a document of the clearing house (LIMITED, SWG, originated by
the coordinating delegation), submitted, reviewed by the SWG with the member
delegations' comments, approved by an SOC decision, superseded by the next
approved paper of its kind.

The rules of each step are in domain.cbm_papers. Each function is one user
action: it checks, writes the rows and their audit entry and commits; nothing
is written when a rule refuses (RuleViolations)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import Body
from secretariat_app.audit import services as audit
from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import (
    CbmArea,
    CbmPaper,
    CbmPaperComment,
    PaperKind,
    PaperStatus,
)
from secretariat_app.cbm.services.catalogue import current_coordinators
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_day_of, forum_today
from secretariat_app.decisions.models import Decision, DecisionStatus
from secretariat_app.documents.models import (
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    Originator,
    StoredFile,
)
from secretariat_app.documents.services import documents
from secretariat_app.documents.services.circulation import (
    Audience,
    CirculationData,
    circulate,
)
from secretariat_app.documents.services.download import Download
from secretariat_app.documents.services.versions import UploadData, upload
from secretariat_app.domain import cbm_papers as rules
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.meetings.services.meetings import default_delegations
from secretariat_app.notices.models import NotificationKind
from secretariat_app.notices.services import queue as notice_queue
from secretariat_app.permissions import Action, can, is_coordinator_of, is_secretariat

PAPER_FIELDS = ("area_id", "kind", "status", "document_id", "period_start", "period_end", "submitted_at",
                "review_started_at", "approved_at", "approval_decision_id", "superseded_by_id")
DOCUMENT_TYPES = {PaperKind.CONCEPT_PAPER: DocumentType.CONCEPT_PAPER, PaperKind.ACTION_PLAN: DocumentType.ACTION_PLAN}
REVIEWING_BODY = "SWG"


@dataclass
class PaperData:
    kind: PaperKind | None
    title_en: str = ""
    title_ru: str = ""
    period_start: date | None = None
    period_end: date | None = None
    # The coordinating delegation the paper comes from (officers choose; a coordinator's own is taken).
    delegation_id: int | None = None


def _refuse(violations: list[Violation]) -> None:
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)


def _lock(paper: CbmPaper) -> None:
    """One step of a paper at a time (PostgreSQL), reading its status as it is now."""
    db.session.refresh(paper, with_for_update=True)


def _record(actor, action: str, paper: CbmPaper, before: dict | None, **extra: Any) -> None:
    after = {**audit.snapshot(paper, PAPER_FIELDS), "symbol": paper.document.symbol, **extra}
    audit.record(actor, action, "cbm_paper", paper.id, before, after)


# Drafting -------------------------------------------------------------------------------------------

def originating_delegations(area: CbmArea, day: date | None = None, language: str = "en") -> list[Delegation]:
    """The delegations of the states coordinating `area` on `day`, coordinators first, each by name in `language`."""
    state_ids = [c.state_id for c in current_coordinators(area.id, day, language)]
    found = {d.state_id: d for d in db.session.scalars(select(Delegation).where(Delegation.state_id.in_(state_ids)))}
    return [found[s] for s in dict.fromkeys(state_ids) if s in found]


def _originator(actor, area: CbmArea, data: PaperData, day: date) -> tuple[Delegation | None, list[Violation]]:
    if not is_secretariat(actor) and is_coordinator_of(actor, area.id):
        return actor.delegation, []
    options = originating_delegations(area, day)
    if not options:
        return None, [Violation("delegation_id", N_("No state coordinates this area today: the SOC appoints a "
                                                    "coordinator first."))]
    if data.delegation_id is None:
        return options[0], []
    chosen = next((d for d in options if d.id == data.delegation_id), None)
    if chosen is None:
        return None, [Violation("delegation_id", N_("Choose the delegation of a state coordinating this area."))]
    return chosen, []


def _titles(data: PaperData) -> tuple[str, str]:
    return (data.title_en or "").strip(), (data.title_ru or "").strip()


def create_paper(actor: User | None, area: CbmArea, data: PaperData, today: date | None = None) -> CbmPaper:
    """Open a draft concept paper or action plan of `area`: a draft document (type
    concept paper or action plan, body SWG, LIMITED, originated by the coordinating
    delegation) under its symbol, and the paper, committed together. Raises
    RuleViolations, writing nothing; any other failure rolls back the document too."""
    today = today or forum_today()
    title_en, title_ru = _titles(data)
    violations = []
    if not isinstance(data.kind, PaperKind):
        violations.append(Violation("kind", N_("Choose a concept paper or an action plan.")))
    violations += documents.check_titles(title_en, title_ru)
    violations += rules.check_period(data.kind == PaperKind.ACTION_PLAN, data.period_start, data.period_end)
    delegation, refused = _originator(actor, area, data, today)
    violations += refused
    swg = db.session.scalar(select(Body).where(Body.code == REVIEWING_BODY))
    if swg is None:
        violations.append(Violation("kind", N_("The SWG is missing from the reference data: load it first.")))
    _refuse(violations)
    assert isinstance(data.kind, PaperKind) and swg is not None and delegation is not None  # refused above otherwise
    try:
        document = documents.create_document(actor, documents.DocumentData(
            doc_type=DOCUMENT_TYPES[data.kind], originator=Originator.COORDINATOR, level=DistributionLevel.LIMITED,
            title_en=title_en, title_ru=title_ru, body_id=swg.id, year=today.year,
            originator_delegation_id=delegation.id), today, commit=False)
        is_plan = data.kind == PaperKind.ACTION_PLAN
        paper = CbmPaper(area_id=area.id, kind=data.kind, status=PaperStatus.DRAFT, document_id=document.id,
                         period_start=data.period_start if is_plan else None,
                         period_end=data.period_end if is_plan else None, created_by_id=getattr(actor, "id", None))
        db.session.add(paper)
        db.session.flush()
        _record(actor, "cbm_paper.create", paper, None)
        db.session.commit()
    except Exception:  # the document, its serial and the paper go back together
        db.session.rollback()
        raise
    return paper


def update_paper(actor: User | None, paper: CbmPaper, data: PaperData) -> CbmPaper:
    """Change a draft's titles (while its document has not been circulated) and an
    action plan's period, and commit (audited when something changed)."""
    _lock(paper)
    title_en, title_ru = _titles(data)
    document = paper.document
    violations = rules.check_edit(paper.status.value)
    _refuse(violations)
    violations += documents.check_titles(title_en, title_ru)
    violations += rules.check_period(paper.kind == PaperKind.ACTION_PLAN, data.period_start, data.period_end)
    if (title_en, title_ru) != (document.title_en, document.title_ru) and document.status != DocumentStatus.DRAFT:
        violations.append(Violation("title_en", N_("%(symbol)s has been circulated under its title, which stays; "
                                                   "upload the revised files instead."), {"symbol": document.symbol}))
    _refuse(violations)
    with audit.tracking_changes(actor, "document.update", "document", document, documents.DOCUMENT_FIELDS):
        document.title_en, document.title_ru = title_en, title_ru
    with audit.tracking_changes(actor, "cbm_paper.update", "cbm_paper", paper, PAPER_FIELDS):
        if paper.kind == PaperKind.ACTION_PLAN:
            paper.period_start, paper.period_end = data.period_start, data.period_end
    db.session.commit()
    return paper


def upload_file(actor: User | None, paper: CbmPaper, data: UploadData) -> DocumentVersion:
    """Store a language file of the paper's document (documents_versions.upload) while
    the paper is a draft, new or returned for revision."""
    _refuse(rules.check_edit(paper.status.value, "file"))
    return upload(actor, paper.document, data)


# The steps ---------------------------------------------------------------------------------------------

def submit(actor: User | None, paper: CbmPaper, now: datetime | None = None) -> CbmPaper:
    """The coordinator submits a draft that has at least one language file, and commits."""
    now = now or utcnow()
    _lock(paper)
    _refuse(rules.check_submit(paper.status.value, {v.language for v in paper.document.versions}))
    before = audit.snapshot(paper, PAPER_FIELDS)
    paper.status, paper.submitted_at, paper.submitted_by_id = PaperStatus.SUBMITTED, now, getattr(actor, "id", None)
    _record(actor, "cbm_paper.submit", paper, before, at=now.isoformat())
    db.session.commit()
    return paper


def _active_users(delegation_ids: list[int]) -> list[int]:
    if not delegation_ids:
        return []
    return list(db.session.scalars(select(User.id).where(User.delegation_id.in_(delegation_ids),
                                                         User.active.is_(True))))


def start_review(actor: User | None, paper: CbmPaper, now: datetime | None = None) -> CbmPaper:
    """Put a submitted paper to the SWG review and commit: its document is circulated
    to the member delegations of today (documents_circulation.circulate queues their
    notices); delegations that received it in an earlier round are told again."""
    now = now or utcnow()
    _lock(paper)
    refused = rules.refusal(rules.Action.START_REVIEW, paper.status.value)
    _refuse([refused] if refused else [])
    document = paper.document
    members = default_delegations(forum_day_of(now), False)
    reached = set(db.session.scalars(select(Circulation.delegation_id).where(Circulation.document_id == document.id)))
    again = [d.id for d in members if d.id in reached]
    new = [d.id for d in members if d.id not in reached]
    before = audit.snapshot(paper, PAPER_FIELDS)
    paper.status, paper.review_started_at = PaperStatus.UNDER_REVIEW, now
    told_again = notice_queue.queue(NotificationKind.DOCUMENT_CIRCULATED, "document", document.id,
                                    _active_users(again), now)
    _record(actor, "cbm_paper.start_review", paper, before, at=now.isoformat(), delegation_ids=sorted(new),
            told_again_delegation_ids=sorted(again), notifications_again=told_again)
    if new or not again:
        circulate(actor, document, CirculationData(Audience.MEMBERS), now=now)  # commits, or refuses and rolls back
    else:
        db.session.commit()
    return paper


def return_for_revision(actor: User | None, paper: CbmPaper, reason: str, now: datetime | None = None) -> CbmPaper:
    """Send a submitted or reviewed paper back to the coordinator as a draft, with the reason, and commit."""
    now = now or utcnow()
    reason = (reason or "").strip()
    _lock(paper)
    _refuse(rules.check_return(paper.status.value, reason))
    before = audit.snapshot(paper, PAPER_FIELDS)
    paper.status = PaperStatus.DRAFT
    paper.submitted_at = paper.submitted_by_id = paper.review_started_at = None
    _record(actor, "cbm_paper.return", paper, before, reason=reason, at=now.isoformat())
    db.session.commit()
    return paper


def _decision_facts(decision_id: int | None) -> tuple[rules.DecisionFacts | None, list[Violation]]:
    if decision_id is None:
        return None, []
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        return None, [Violation("decision_id", N_("Unknown decision."))]
    return rules.DecisionFacts(decision.reference, decision.body.code, decision.status == DecisionStatus.ADOPTED,
                               decision.adopted_on), []


def _facts(paper: CbmPaper) -> rules.PaperFacts:
    return rules.PaperFacts(paper.id, paper.area_id, paper.kind.value, paper.status.value)


def approve(actor: User | None, paper: CbmPaper, decision_id: int | None, now: datetime | None = None) -> CbmPaper:
    """Record the SOC's approval of a reviewed paper by an adopted decision, supersede
    the area's earlier approved paper of the same kind, and commit."""
    now = now or utcnow()
    _lock(paper)
    facts, violations = _decision_facts(decision_id)
    submitted_on = paper.submitted_at.date() if paper.submitted_at else None
    _refuse(violations or rules.check_approval(paper.status.value, facts, submitted_on))
    assert facts is not None  # rules.check_approval refuses no decision
    earlier = list(db.session.scalars(
        select(CbmPaper).where(CbmPaper.area_id == paper.area_id, CbmPaper.kind == paper.kind,
                               CbmPaper.status == PaperStatus.APPROVED).with_for_update()))
    before = audit.snapshot(paper, PAPER_FIELDS)
    paper.status, paper.approved_at, paper.approval_decision_id = PaperStatus.APPROVED, now, decision_id
    _record(actor, "cbm_paper.approve", paper, before, at=now.isoformat(), decision=facts.reference)
    replaced = set(rules.superseded_by_approval(_facts(paper), [_facts(p) for p in earlier]))
    for old in (p for p in earlier if p.id in replaced):
        before = audit.snapshot(old, PAPER_FIELDS)
        old.status, old.superseded_by_id = PaperStatus.SUPERSEDED, paper.id
        _record(actor, "cbm_paper.supersede", old, before, superseded_by=paper.document.symbol, at=now.isoformat())
    db.session.commit()
    return paper


def add_comment(actor: User, paper: CbmPaper, text: str, now: datetime | None = None) -> CbmPaperComment:
    """A member delegation's comment on a paper under SWG review, and commit."""
    now = now or utcnow()
    text = (text or "").strip()
    delegation = actor.delegation
    is_member = delegation is not None and delegation.is_member_on(forum_day_of(now))
    _refuse(rules.check_comment(paper.status.value, is_member, text))
    assert delegation is not None  # not a member's: refused above
    comment = CbmPaperComment(paper_id=paper.id, delegation_id=delegation.id, author_id=actor.id, text=text,
                              created_at=now)
    db.session.add(comment)
    db.session.flush()
    audit.record(actor, "cbm_paper_comment.create", "cbm_paper_comment", comment.id, None,
                 {"paper_id": paper.id, "delegation_id": delegation.id, "text": text})
    db.session.commit()
    return comment


# Reading -------------------------------------------------------------------------------------------------

def load_paper(paper_id: int) -> CbmPaper | None:
    return db.session.scalar(select(CbmPaper).where(CbmPaper.id == paper_id).options(
        selectinload(CbmPaper.document).selectinload(Document.versions).selectinload(DocumentVersion.file),
        selectinload(CbmPaper.area), selectinload(CbmPaper.approval_decision)))


def readable_papers(user, area: CbmArea) -> list[CbmPaper]:
    """The papers of `area` that `user` may read, concept papers first, the newest first."""
    papers = db.session.scalars(select(CbmPaper).where(CbmPaper.area_id == area.id)
                                .options(selectinload(CbmPaper.document), selectinload(CbmPaper.approval_decision)))
    kinds = list(PaperKind)
    readable = (p for p in papers if can(user, Action.READ_CBM_PAPER, p))
    return sorted(readable, key=lambda p: (kinds.index(p.kind), -p.id))


def comments_for(user, paper: CbmPaper) -> list[CbmPaperComment]:
    """The Secretariat and the area's coordinators read every comment; a delegation reads its own."""
    if is_secretariat(user) or is_coordinator_of(user, paper.area_id):
        return list(paper.comments)
    return [c for c in paper.comments if c.delegation_id == getattr(user, "delegation_id", None)]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str  # create, update, submit, start_review, return, approve, supersede
    actor: User | None
    details: dict[str, Any]


def history(paper: CbmPaper) -> list[HistoryEntry]:
    """Every step of the paper, oldest first, from the audit log."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "cbm_paper", AuditEntry.object_id == str(paper.id))
        .options(selectinload(AuditEntry.actor)).order_by(AuditEntry.at, AuditEntry.id))
    result = []
    for entry in entries:
        after = entry.after or {}
        at = datetime.fromisoformat(after["at"]) if isinstance(after.get("at"), str) else entry.at
        result.append(HistoryEntry(at, entry.action.removeprefix("cbm_paper."), entry.actor, after))
    return result


def last_return(paper: CbmPaper) -> HistoryEntry | None:
    """The return for revision a draft is answering, if it was returned."""
    if paper.status != PaperStatus.DRAFT:
        return None
    returns = [h for h in history(paper) if h.action == "return"]
    return returns[-1] if returns else None


def draft_file(user, paper: CbmPaper, version_id: int) -> Download | None:
    """A file of the paper's document for one of the area's coordinators, who may
    not read the document in the clearing house until it is circulated (None: not theirs)."""
    if not can(user, Action.COORDINATE_CBM_AREA, paper):
        return None
    row = db.session.execute(
        select(DocumentVersion.id, DocumentVersion.language, StoredFile.sha256, StoredFile.content_type,
               StoredFile.extension, StoredFile.size)
        .join(StoredFile, StoredFile.sha256 == DocumentVersion.file_sha256)
        .where(DocumentVersion.id == version_id, DocumentVersion.document_id == paper.document_id)).first()
    if row is None:
        return None
    return Download(row.id, paper.document_id, paper.document.symbol, row.language, row.sha256, row.content_type,
                    row.extension, row.size)
