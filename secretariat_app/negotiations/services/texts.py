"""Starting a negotiation on a draft document, and reading a negotiation as the pure
rules' data (domain.negotiation.Text, the delegations' current positions)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.audit import services as audit
from secretariat_app.core.forum_time import forum_today
from secretariat_app.documents.models import Document, DocumentStatus
from secretariat_app.domain import negotiation as rules
from secretariat_app.domain import negotiation_rules
from secretariat_app.domain.negotiation_compile import as_plain_text, compile_text
from secretariat_app.domain.negotiation_draft import parse_draft
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import (
    NegotiatedText,
    ParagraphPosition,
    PartKind,
    ProposalStatus,
    StanceKind,
    TextParagraph,
    TextRevision,
    TextStatus,
    TranslationStatus,
)
from secretariat_app.negotiations.services import notices

TEXT_FIELDS = ("document_id", "status", "deadline", "positions_by_name", "decision_id")


def refuse(violations: list[Violation]) -> None:
    """Roll back and raise when the rules refuse (nothing written)."""
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)


def locked(text: NegotiatedText) -> NegotiatedText:
    """The text's row, locked until the transaction ends (PostgreSQL): one write at a time per text."""
    return db.session.execute(
        select(NegotiatedText).where(NegotiatedText.id == text.id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def start(actor: User | None, document: Document, draft_en: str, draft_ru: str, deadline: date | None,
          positions_by_name: bool = False, today: date | None = None) -> NegotiatedText:
    """Start negotiating `document` (a base document, not withdrawn nor superseded) on the draft's
    paragraphs, with the deadline for proposals; the draft is kept as revision 0, and commit."""
    today = today or forum_today()
    parts, violations = parse_draft(draft_en, draft_ru)
    if document.base_id is not None:
        violations.append(Violation("document", N_("Negotiate the original document, not a later version.")))
    if document.status in (DocumentStatus.WITHDRAWN, DocumentStatus.SUPERSEDED):
        violations.append(Violation("document", N_("This document is withdrawn or superseded.")))
    if db.session.scalar(select(NegotiatedText.id).where(NegotiatedText.document_id == document.id)) is not None:
        violations.append(Violation("document", N_("This document is already under negotiation.")))
    if deadline is not None and deadline < today:
        violations.append(Violation("deadline", N_("The deadline cannot be in the past.")))
    refuse(violations)
    text = NegotiatedText(document_id=document.id, deadline=deadline, positions_by_name=positions_by_name,
                          created_by_id=getattr(actor, "id", None), status=TextStatus.NEGOTIATING)
    db.session.add(text)
    db.session.flush()
    for position, part in enumerate(parts, start=1):
        db.session.add(TextParagraph(text_id=text.id, position=position, kind=PartKind(part.kind),
                                     wording_en=part.en, wording_ru=part.ru))
    db.session.flush()
    db.session.refresh(text)
    db.session.add(TextRevision(text_id=text.id, number=0, document_id=document.id, compiled=compiled_rows(text),
                                created_by_id=getattr(actor, "id", None)))
    notices.queue_deadline_reminder(text)
    after = audit.snapshot(text, TEXT_FIELDS) | {"paragraphs": len(parts), "symbol": document.symbol}
    audit.record(actor, "negotiation.start", "negotiated_text", text.id, None, after)
    db.session.commit()
    return text


def update_settings(actor: User | None, text: NegotiatedText, deadline: date | None, positions_by_name: bool,
                    today: date | None = None) -> NegotiatedText:
    """Change the deadline for proposals and whether delegates see others' positions by name, and commit."""
    today = today or forum_today()
    text = locked(text)
    violations = []
    if text.status != TextStatus.NEGOTIATING:
        violations.append(Violation("text", N_("The text has been submitted for adoption: the negotiation is closed.")))
    if deadline is not None and deadline < today and deadline != text.deadline:
        violations.append(Violation("deadline", N_("The deadline cannot be in the past.")))
    refuse(violations)
    with audit.tracking_changes(actor, "negotiation.settings", "negotiated_text", text, TEXT_FIELDS):
        text.deadline, text.positions_by_name = deadline, positions_by_name
    notices.queue_deadline_reminder(text)
    db.session.commit()
    return text


# The pure rules' view of a negotiation -----------------------------------------------------------

def delegation_name(delegation: Delegation, language: str = "en") -> str:
    return delegation.name(language)


def domain_text(text: NegotiatedText, language: str = "en") -> rules.Text:
    """The text as domain.negotiation sees it, delegations named in `language`: each proposal with
    the delegations whose latest stance on it is a support or an objection."""
    paragraphs = tuple(
        rules.Paragraph(p.id, p.kind.value, {"en": p.wording_en, "ru": p.wording_ru}, p.deleted, p.added_after_id)
        for p in sorted(text.paragraphs, key=lambda p: p.position))
    proposals = []
    for proposal in text.proposals:
        latest: dict[int, tuple[Delegation, StanceKind]] = {}
        for stance in proposal.stances:  # in the order stated: the latest wins
            latest[stance.delegation_id] = (stance.delegation, stance.stance)
        done = proposal.translation == TranslationStatus.DONE
        wording = {language_: rules.Wording(proposal.target(language_), proposal.words(language_))
                   for language_ in rules.LANGUAGES if done or language_ == proposal.language}
        proposals.append(rules.Proposal(
            proposal.id, proposal.paragraph_id, proposal.kind.value, delegation_name(proposal.delegation, language),
            proposal.language, wording, proposal.status.value,
            supporters=tuple(delegation_name(d, language) for d, s in latest.values() if s == StanceKind.SUPPORT),
            objectors=tuple(delegation_name(d, language) for d, s in latest.values() if s == StanceKind.OBJECT),
            justification=proposal.justification,
        ))
    return rules.Text(paragraphs, tuple(proposals))


def current_positions(text: NegotiatedText, language: str = "en") -> dict[int, dict[str, str]]:
    """Each paragraph's delegations (named in `language`) and their latest position on it."""
    ids = [p.id for p in text.paragraphs]
    result: dict[int, dict[str, str]] = {}
    if not ids:
        return result
    rows = db.session.scalars(select(ParagraphPosition).where(ParagraphPosition.paragraph_id.in_(ids))
                              .order_by(ParagraphPosition.id))
    for row in rows:
        result.setdefault(row.paragraph_id, {})[delegation_name(row.delegation, language)] = row.position.value
    return result


def compiled(text: NegotiatedText, language: str):
    """The compilation text of the negotiation as it stands, in `language`."""
    return compile_text(domain_text(text, language), current_positions(text, language), language)


def compiled_rows(text: NegotiatedText) -> dict[str, list[list[str]]]:
    """The compilation in both languages as plain rows (key, label, text): what a revision keeps.
    Positions are named as the negotiation's setting lets delegates see them (a revision, its
    files and its diff reach delegates), as counts otherwise."""
    rows: dict[str, list[list[str]]] = {}
    for language in rules.LANGUAGES:
        rows[language] = [[key_of(p), p.label, as_plain_text(p, language, text.positions_by_name)]
                          for p in compiled(text, language)]
    return rows


def key_of(paragraph) -> str:
    """A compiled paragraph's key across revisions: its paragraph, or the proposal of a proposed one."""
    if paragraph.paragraph_id is not None:
        return str(paragraph.paragraph_id)
    return f"proposal-{paragraph.alternatives[0].proposal_ids[0]}"


def adoptable_violations(text: NegotiatedText, is_secretariat: bool) -> list[Violation]:
    return negotiation_rules.check_adoption(is_secretariat, text.status.value, domain_text(text),
                                            current_positions(text))


def open_count(text: NegotiatedText) -> int:
    return sum(1 for p in text.proposals if p.status == ProposalStatus.OPEN)


def for_documents(document_ids: Iterable[int]) -> dict[int, NegotiatedText]:
    """The negotiations of these documents (by their draft document's id)."""
    ids = list(document_ids)
    if not ids:
        return {}
    return {t.document_id: t for t in db.session.scalars(select(NegotiatedText)
                                                         .where(NegotiatedText.document_id.in_(ids)))}


def of_document(document: Document) -> NegotiatedText | None:
    """The negotiation a document is the draft or a revision of (for the document's page)."""
    return db.session.scalar(select(NegotiatedText).where(
        NegotiatedText.id.in_(select(TextRevision.text_id).where(TextRevision.document_id == document.id))
        | (NegotiatedText.document_id == document.id)))
