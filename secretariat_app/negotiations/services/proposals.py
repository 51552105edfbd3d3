"""What a member delegation does in a negotiation (a delegate for their own delegation, or the
Secretariat recording what a delegation sent it): propose an amendment, support or object to
another's proposal, withdraw its own, state its position on a paragraph; and the Secretariat's
translation of a proposal into the other working language. Each is one transaction with its
audit entry; the rules are domain.negotiation_rules'."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_today
from secretariat_app.domain import negotiation as rules
from secretariat_app.domain import negotiation_rules as checks
from secretariat_app.domain.violations import N_, Violation
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import (
    NegotiatedText,
    ParagraphPosition,
    PositionKind,
    ProposalKind,
    ProposalStance,
    ProposalStatus,
    StanceKind,
    TextParagraph,
    TextProposal,
    TranslationStatus,
)
from secretariat_app.negotiations.services.texts import domain_text, locked, refuse
from secretariat_app.permissions import is_secretariat

PROPOSAL_FIELDS = ("text_id", "paragraph_id", "delegation_id", "kind", "language", "target_en", "text_en",
                   "target_ru", "text_ru", "justification", "translation", "status")


def actor_for(user: User | None, delegation: Delegation | None, today: date) -> checks.Actor:
    """Who acts, for which delegation, as the rules see them on `today`."""
    return checks.Actor(
        is_secretariat=is_secretariat(user),
        delegation=delegation.name("en") if delegation is not None else None,
        delegation_is_member=delegation is not None and delegation.is_member_on(today),
        own_delegation=delegation is not None and getattr(user, "delegation_id", None) == delegation.id,
    )


@dataclass
class ProposalData:
    paragraph_id: int | None
    kind: str
    language: str
    target: str = ""
    text: str = ""
    justification: str = ""


def _paragraph(text: NegotiatedText, paragraph_id: int | None) -> TextParagraph:
    paragraph = db.session.get(TextParagraph, paragraph_id) if paragraph_id is not None else None
    if paragraph is None or paragraph.text_id != text.id:
        refuse([Violation("paragraph", N_("Choose a paragraph of this text."))])
    assert paragraph is not None  # refused above
    return paragraph


def _same_open(text: NegotiatedText, delegation: Delegation, paragraph_id: int, kind: str, language: str,
               target: str, words: str) -> bool:
    return any(p.status == ProposalStatus.OPEN and p.delegation_id == delegation.id and p.paragraph_id == paragraph_id
               and p.kind.value == kind and p.language == language and p.target(language) == target
               and p.words(language) == words for p in text.proposals)


def propose(actor: User | None, text: NegotiatedText, delegation: Delegation | None, data: ProposalData,
            today: date | None = None) -> TextProposal:
    """Record a delegation's amendment to a paragraph, in the language it was made in (its translation
    pending), and commit. Raises RuleViolations, writing nothing."""
    today = today or forum_today()
    text = locked(text)
    paragraph = _paragraph(text, data.paragraph_id)
    target, words = rules.tidy(data.target), rules.tidy(data.text)
    pure = domain_text(text).paragraph(paragraph.id)
    facts = checks.ProposalFacts(
        data.kind, data.language, target, words, (data.justification or "").strip(), pure,
        delegation is not None and _same_open(text, delegation, paragraph.id, data.kind, data.language, target, words))
    refuse(checks.check_proposal(actor_for(actor, delegation, today), text.status.value, text.deadline, today, facts))
    assert delegation is not None  # refused above
    proposal = TextProposal(
        text_id=text.id, paragraph_id=paragraph.id, delegation_id=delegation.id, kind=ProposalKind(data.kind),
        language=data.language, justification=facts.justification, status=ProposalStatus.OPEN,
        # A deletion has no words to translate: it reads the same in both languages.
        translation=TranslationStatus.DONE if data.kind == rules.DELETE else TranslationStatus.PENDING,
        proposed_by_id=getattr(actor, "id", None), proposed_at=utcnow())
    setattr(proposal, f"target_{data.language}", target)
    setattr(proposal, f"text_{data.language}", words)
    db.session.add(proposal)
    db.session.flush()
    audit.record(actor, "negotiation.propose", "text_proposal", proposal.id, None,
                 audit.snapshot(proposal, PROPOSAL_FIELDS))
    db.session.commit()
    return proposal


def translate(actor: User | None, proposal: TextProposal, target: str, words: str) -> TextProposal:
    """Record the Secretariat's translation of a proposal into the other working language, and commit."""
    text = locked(proposal.text)
    language = "ru" if proposal.language == "en" else "en"
    target, words = rules.tidy(target), rules.tidy(words)
    pure = domain_text(text)
    refuse(checks.check_translation(is_secretariat(actor), text.status.value, pure, pure.proposal(proposal.id),
                                    language, target, words))
    with audit.tracking_changes(actor, "negotiation.translate", "text_proposal", proposal, PROPOSAL_FIELDS):
        setattr(proposal, f"target_{language}", target)
        setattr(proposal, f"text_{language}", words)
        proposal.translation = TranslationStatus.DONE
        proposal.translated_by_id, proposal.translated_at = getattr(actor, "id", None), utcnow()
    db.session.commit()
    return proposal


def state_stance(actor: User | None, proposal: TextProposal, delegation: Delegation | None, stance: str,
                 today: date | None = None) -> ProposalStance:
    """Record a delegation's support of (or objection to) another delegation's proposal, and commit."""
    today = today or forum_today()
    text = locked(proposal.text)
    violations = checks.check_stance(actor_for(actor, delegation, today), text.status.value, text.deadline, today,
                                     domain_text(text).proposal(proposal.id))
    if stance not in (rules.SUPPORT, rules.OPPOSE):
        violations.append(Violation("stance", N_("Choose support or object.")))
    refuse(violations)
    assert delegation is not None  # refused above
    row = ProposalStance(proposal_id=proposal.id, delegation_id=delegation.id, stance=StanceKind(stance),
                         stated_by_id=getattr(actor, "id", None), stated_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "negotiation.support" if stance == rules.SUPPORT else "negotiation.object", "text_proposal",
                 proposal.id, None, {"delegation_id": delegation.id, "stance": stance, "stance_id": row.id})
    db.session.commit()
    return row


def withdraw(actor: User | None, proposal: TextProposal, today: date | None = None) -> TextProposal:
    """Withdraw a delegation's own open proposal (it stays, marked withdrawn), and commit."""
    today = today or forum_today()
    text = locked(proposal.text)
    refuse(checks.check_withdrawal(actor_for(actor, proposal.delegation, today), text.status.value,
                                   domain_text(text).proposal(proposal.id)))
    with audit.tracking_changes(actor, "negotiation.withdraw", "text_proposal", proposal, PROPOSAL_FIELDS):
        proposal.status, proposal.closed_at = ProposalStatus.WITHDRAWN, utcnow()
    db.session.commit()
    return proposal


def state_position(actor: User | None, paragraph: TextParagraph, delegation: Delegation | None, position: str,
                   today: date | None = None) -> ParagraphPosition:
    """Record a delegation's position on a paragraph (agree, reserve, object), and commit."""
    today = today or forum_today()
    text = locked(paragraph.text)
    refuse(checks.check_position(actor_for(actor, delegation, today), text.status.value,
                                 domain_text(text).paragraph(paragraph.id), position))
    assert delegation is not None  # refused above
    row = ParagraphPosition(paragraph_id=paragraph.id, delegation_id=delegation.id, position=PositionKind(position),
                            stated_by_id=getattr(actor, "id", None), stated_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "negotiation.position", "text_paragraph", paragraph.id, None,
                 {"delegation_id": delegation.id, "position": position, "position_id": row.id})
    db.session.commit()
    return row
