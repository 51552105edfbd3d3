"""Submitting a clean negotiated text for adoption: at a meeting, or by the silence procedure.

The decision is made by the decisions' own services (create_decision, then circulate for
silence): its text is the final revision's wording, headed by that revision's symbol, and
the negotiation records the decision (the decision's page finds the text by it), so each
links the other. The text is then closed. Only a clean text is submitted (no brackets,
no "object", both languages), and only once its final wording has been compiled and
circulated as a revision (the decision names what the delegations received)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.audit import services as audit
from secretariat_app.core.forum_time import forum_today
from secretariat_app.decisions.models import Decision, Procedure
from secretariat_app.decisions.services import decisions as decision_service
from secretariat_app.documents.models import DocumentStatus
from secretariat_app.domain import silence
from secretariat_app.domain.negotiation import LANGUAGES
from secretariat_app.domain.negotiation_compile import as_plain_text
from secretariat_app.domain.violations import N_, Violation
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import NegotiatedText, TextStatus
from secretariat_app.negotiations.services.texts import (
    TEXT_FIELDS,
    adoptable_violations,
    compiled,
    compiled_rows,
    locked,
    refuse,
)
from secretariat_app.permissions import is_secretariat


@dataclass
class AdoptionData:
    procedure: Procedure
    reference: str = ""  # blank: the next free one of the body
    meeting_id: int | None = None
    adopted_on: date | None = None  # at a meeting
    silence_deadline: date | None = None  # by silence (blank: two weeks)


def final_wording(text: NegotiatedText, language: str) -> str:
    """The adopted wording: the final revision's symbol, then each paragraph under its number."""
    symbol = text.revisions[-1].document.symbol if text.revisions else text.document.symbol
    lines = [symbol] + [as_plain_text(p, language, text.positions_by_name) for p in compiled(text, language)]
    return "\n\n".join(lines)


def _final_revision_violations(text: NegotiatedText) -> list[Violation]:
    latest = text.revisions[-1] if text.revisions else None
    if latest is None or latest.number == 0 or latest.compiled != compiled_rows(text):
        return [Violation("text", N_("Compile the final wording as a revision and circulate it first."))]
    if latest.document.status == DocumentStatus.DRAFT:
        return [Violation("text", N_("Circulate %(symbol)s, the final revision, first."),
                          {"symbol": latest.document.symbol})]
    return []


def submit(actor: User | None, text: NegotiatedText, data: AdoptionData) -> Decision:
    """Create the decision that adopts the text (at a meeting, or a draft circulated for silence) and
    close the negotiation; commit. Raises RuleViolations, writing nothing when the text is not ready
    or the decision is refused."""
    text = locked(text)
    violations = adoptable_violations(text, is_secretariat(actor))
    if not violations:
        violations = _final_revision_violations(text)
    if not violations and data.procedure == Procedure.SILENCE:
        today = forum_today()
        violations = silence.check_circulation(silence.DRAFT, "silence", today,
                                               data.silence_deadline or silence.default_deadline(today))
    refuse(violations)
    document = text.revisions[-1].document
    titles = {lang: (document.title(lang) or document.symbol)[:silence.TITLE_MAX] for lang in LANGUAGES}
    decision = decision_service.create_decision(actor, decision_service.DecisionData(
        body_id=document.body_id, procedure=data.procedure, title_en=titles["en"], title_ru=titles["ru"],
        reference=data.reference, text_en=final_wording(text, "en"), text_ru=final_wording(text, "ru"),
        meeting_id=data.meeting_id, adopted_on=data.adopted_on if data.procedure == Procedure.MEETING else None,
    ))
    if data.procedure == Procedure.SILENCE:
        decision_service.circulate(actor, decision, data.silence_deadline)
    text = locked(text)
    with audit.tracking_changes(actor, "negotiation.submit", "negotiated_text", text, TEXT_FIELDS):
        text.status, text.decision_id = TextStatus.SUBMITTED, decision.id
    db.session.commit()
    return decision


def text_of_decision(decision: Decision) -> NegotiatedText | None:
    """The negotiated text a decision adopted (the other way of the link)."""
    return db.session.scalar(select(NegotiatedText).where(NegotiatedText.decision_id == decision.id))
