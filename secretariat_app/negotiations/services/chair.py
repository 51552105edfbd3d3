"""The chair's decisions, recorded by the Secretariat with who and why: accept a proposal (its
wording becomes the paragraph's), drop it, or merge alternatives into new wording. The
pure rules (domain.negotiation.accept/drop/merge) say what the text becomes and which
proposals lapse; this writes it, each decision one ChairDecision row and its audit entry."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select, update

from secretariat_app.accounts.models.people import User
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.domain import negotiation as rules
from secretariat_app.domain import negotiation_rules as checks
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import (
    ChairDecision,
    ChairDecisionKind,
    NegotiatedText,
    PartKind,
    ProposalStatus,
    TextParagraph,
    TextProposal,
)
from secretariat_app.negotiations.services import notices
from secretariat_app.negotiations.services.texts import domain_text, locked, refuse
from secretariat_app.permissions import is_secretariat

AUDIT_ACTIONS = {checks.ACCEPT: "negotiation.accept", checks.DROP: "negotiation.drop",
                 checks.MERGE: "negotiation.merge"}


def decide(actor: User | None, text: NegotiatedText, decision: str, proposal_ids: Iterable[int], reason: str,
           wording: Mapping[str, str] | None = None) -> ChairDecision:
    """Record the chair's decision on open proposals of one paragraph and commit: the paragraph's
    wording changes (accept, merge), the proposals are closed, those that no longer fit lapse.
    Raises RuleViolations, writing nothing."""
    text = locked(text)
    ids = tuple(dict.fromkeys(int(i) for i in proposal_ids))
    wording = {lang: (wording or {}).get(lang, "") for lang in rules.LANGUAGES}
    reason = (reason or "").strip()
    before = domain_text(text)
    refuse(checks.check_chair_decision(is_secretariat(actor), text.status.value, before,
                                       checks.ChairDecision(decision, ids, reason, wording)))
    proposals = {p.id: p for p in text.proposals}
    paragraph = db.session.get(TextParagraph, proposals[ids[0]].paragraph_id)
    assert paragraph is not None  # a proposal's paragraph is never deleted
    wording_before = {"en": paragraph.wording_en, "ru": paragraph.wording_ru}
    new_paragraph: TextParagraph | None = None
    if decision == checks.ACCEPT and proposals[ids[0]].kind.value == rules.ADD_AFTER:
        new_paragraph = _make_room_after(text, paragraph)
    if decision == checks.ACCEPT:
        outcome = rules.accept(before, ids[0], new_paragraph.id if new_paragraph else None)
    elif decision == checks.DROP:
        outcome = rules.drop(before, ids[0])
    else:
        outcome = rules.merge(before, paragraph.id, ids, wording)
    row = ChairDecision(text_id=text.id, paragraph_id=paragraph.id, decision=ChairDecisionKind(decision),
                        reason=reason, wording_en=wording["en"] if decision == checks.MERGE else "",
                        wording_ru=wording["ru"] if decision == checks.MERGE else "",
                        decided_by_id=getattr(actor, "id", None), decided_at=utcnow())
    db.session.add(row)
    db.session.flush()
    _write_paragraphs(text, outcome.text)
    closed = _write_statuses(text, outcome.text, row)
    notices.queue_decided(p for p in text.proposals if str(p.id) in closed)
    audit.record(actor, AUDIT_ACTIONS[decision], "chair_decision", row.id, None, {
        "text_id": text.id, "paragraph_id": paragraph.id, "proposal_ids": list(ids), "reason": reason,
        "wording_before": wording_before, "wording_after": {"en": paragraph.wording_en, "ru": paragraph.wording_ru},
        "closed": closed, "new_paragraph_id": new_paragraph.id if new_paragraph else None,
    })
    db.session.commit()
    return row


def _make_room_after(text: NegotiatedText, anchor: TextParagraph) -> TextParagraph:
    """An empty paragraph row after `anchor` and the paragraphs already added after it; those
    that follow move down one place."""
    ordered = sorted(text.paragraphs, key=lambda p: p.position)
    at = ordered.index(anchor) + 1
    while at < len(ordered) and ordered[at].added_after_id == anchor.id:
        at += 1
    position = ordered[at - 1].position + 1
    # Two steps, so that no moment has two rows at one place (none is unique, but the order stays whole).
    db.session.execute(update(TextParagraph).where(TextParagraph.text_id == text.id,
                                                   TextParagraph.position >= position)
                       .values(position=TextParagraph.position + 1))
    new = TextParagraph(text_id=text.id, position=position, kind=PartKind(anchor.kind.value),
                        added_after_id=anchor.id)
    db.session.add(new)
    db.session.flush()
    db.session.expire(text, ["paragraphs"])
    return new


def _write_paragraphs(text: NegotiatedText, after: rules.Text) -> None:
    rows = {p.id: p for p in text.paragraphs}
    for paragraph in after.paragraphs:
        row = rows.get(paragraph.id)
        if row is None:
            continue
        row.wording_en, row.wording_ru = paragraph.text("en"), paragraph.text("ru")
        row.deleted = paragraph.deleted


def _write_statuses(text: NegotiatedText, after: rules.Text, decision: ChairDecision) -> dict[str, str]:
    """Close the proposals the decision closed (and those it made lapse); returns {id: status}."""
    closed = {}
    for proposal in text.proposals:
        status = after.proposal(proposal.id).status
        if status != proposal.status.value:
            proposal.status = ProposalStatus(status)
            proposal.closed_by_id, proposal.closed_at = decision.id, utcnow()
            closed[str(proposal.id)] = status
    return closed


def decisions_of(text: NegotiatedText) -> list[ChairDecision]:
    """The chair's decisions on the text, in the order taken."""
    return list(db.session.scalars(select(ChairDecision).where(ChairDecision.text_id == text.id)
                                   .order_by(ChairDecision.id)))


def closed_by(decision: ChairDecision) -> list[TextProposal]:
    """The proposals a decision closed (accepted, dropped, merged, or lapsed by it)."""
    return list(db.session.scalars(select(TextProposal).where(TextProposal.closed_by_id == decision.id)
                                   .order_by(TextProposal.id)))
