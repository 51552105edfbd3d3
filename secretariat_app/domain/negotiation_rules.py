"""Who may take part in a negotiation, in what, and until when, without a database.

- Only member delegations negotiate: a delegation that is not a member on the
  day (an observer, a partner) is always refused, whoever acts for it.
- A delegate acts for their own delegation; the Secretariat may record what a
  member delegation sent it (by note or mail) on its behalf.
- Proposals, and supports of or objections to them, are taken until the deadline
  (a forum day, inclusive). Positions may be stated, and a delegation's own
  proposal withdrawn, for as long as the text is under negotiation.
- The chair's decisions (accept, drop, merge) are recorded by the Secretariat,
  with the reason; a proposal is accepted only once it is worded in both languages.
- Once submitted for adoption (a decision created), the text is closed.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from secretariat_app.domain.negotiation import (
    ADD_AFTER,
    DELETE,
    INSERT,
    LANGUAGES,
    NEEDS_WORDING,
    OPEN,
    POSITIONS,
    PROPOSAL_KINDS,
    REPLACE,
    TITLE,
    Paragraph,
    Proposal,
    Text,
    adoptability,
    fits_everywhere,
)
from secretariat_app.domain.violations import N_, Violation

NEGOTIATING, SUBMITTED = "negotiating", "submitted"
WORDING_MAX = 4000
JUSTIFICATION_MAX = 1000
REASON_MAX = 1000

ACCEPT, DROP, MERGE = "accept", "drop", "merge"
CHAIR_DECISIONS = (ACCEPT, DROP, MERGE)


@dataclass(frozen=True)
class Actor:
    """Who acts, and for which delegation, resolved on the day of the act."""

    is_secretariat: bool
    delegation: str | None  # the delegation acted for (None: none named)
    delegation_is_member: bool  # a member state's delegation on the day
    own_delegation: bool  # the actor is a delegate of that delegation


def check_participant(actor: Actor, status: str) -> list[Violation]:
    """Whether `actor` may act for the delegation in a negotiation that is in `status`."""
    if status != NEGOTIATING:
        return [Violation("text", N_("The text has been submitted for adoption: the negotiation is closed."))]
    if actor.delegation is None:
        return [Violation("delegation", N_("Name the delegation."))]
    if not actor.delegation_is_member:
        return [Violation("delegation", N_("Only member states negotiate: %(name)s is not a member."),
                          {"name": actor.delegation})]
    if not (actor.is_secretariat or actor.own_delegation):
        return [Violation("delegation", N_("You may act only for your own delegation."))]
    return []


def check_deadline(deadline: date | None, today: date) -> list[Violation]:
    """Proposals and stances are taken until the end of the deadline day (in the forum's time zone)."""
    if deadline is not None and today > deadline:
        return [Violation("deadline", N_("The deadline for proposals (%(day)s) has passed."),
                          {"day": deadline.isoformat()})]
    return []


def _length(field: str, value: str, limit: int) -> list[Violation]:
    if len(value) > limit:
        return [Violation(field, N_("Use at most %(n)d characters."), {"n": limit})]
    return []


@dataclass(frozen=True)
class ProposalFacts:
    kind: str
    language: str
    target: str
    text: str
    justification: str
    paragraph: Paragraph
    same_already_open: bool  # this delegation has an open proposal that makes the paragraph read the same


def check_proposal(actor: Actor, status: str, deadline: date | None, today: date,
                   facts: ProposalFacts) -> list[Violation]:
    """Every rule a proposed amendment breaks (empty when it may be recorded)."""
    violations = check_participant(actor, status)
    if violations:
        return violations
    violations += check_deadline(deadline, today)
    if facts.kind not in PROPOSAL_KINDS:
        return violations + [Violation("kind", N_("Choose what the amendment does."))]
    if facts.language not in LANGUAGES:
        violations.append(Violation("language", N_("Choose English or Russian.")))
    paragraph = facts.paragraph
    if paragraph.deleted:
        violations.append(Violation("paragraph", N_("This paragraph has been deleted.")))
    if paragraph.kind == TITLE and facts.kind in (DELETE, ADD_AFTER):
        violations.append(Violation("kind", N_("The title may be reworded, not deleted nor followed by a paragraph.")))
    if facts.kind in NEEDS_WORDING and not facts.text.strip():
        violations.append(Violation("text", N_("Give the wording you propose.")))
    if facts.kind == DELETE and (facts.text.strip() or facts.target.strip()):
        violations.append(Violation("text", N_("A deletion takes no wording: leave it blank.")))
    if facts.kind == ADD_AFTER and facts.target.strip():
        violations.append(Violation("target", N_("A new paragraph replaces no words: leave them blank.")))
    if (facts.kind in (REPLACE, INSERT) and facts.target and facts.language in LANGUAGES
            and facts.target not in paragraph.text(facts.language)):
        violations.append(Violation("target", N_("These words are not in the paragraph's current wording.")))
    violations += _length("text", facts.text, WORDING_MAX) + _length("target", facts.target, WORDING_MAX)
    violations += _length("justification", facts.justification, JUSTIFICATION_MAX)
    if facts.same_already_open:
        violations.append(Violation("text", N_("Your delegation has already proposed this.")))
    return violations


def check_stance(actor: Actor, status: str, deadline: date | None, today: date, proposal: Proposal) -> list[Violation]:
    """Whether the delegation may support or object to `proposal`."""
    violations = check_participant(actor, status)
    if violations:
        return violations
    violations += check_deadline(deadline, today)
    if proposal.status != OPEN:
        violations.append(Violation("proposal", N_("This proposal is no longer open.")))
    if proposal.delegation == actor.delegation:
        violations.append(Violation("proposal", N_("This is your delegation's own proposal.")))
    return violations


def check_position(actor: Actor, status: str, paragraph: Paragraph, position: str) -> list[Violation]:
    """Whether the delegation may state `position` on `paragraph` (no deadline: until the text is submitted)."""
    violations = check_participant(actor, status)
    if violations:
        return violations
    if position not in POSITIONS:
        violations.append(Violation("position", N_("Choose agree, reserve or object.")))
    if paragraph.deleted:
        violations.append(Violation("paragraph", N_("This paragraph has been deleted.")))
    return violations


def check_withdrawal(actor: Actor, status: str, proposal: Proposal) -> list[Violation]:
    """Whether the delegation may withdraw `proposal`: its own, still open."""
    violations = check_participant(actor, status)
    if violations:
        return violations
    if proposal.delegation != actor.delegation:
        violations.append(Violation("proposal", N_("Only the proposing delegation withdraws its proposal.")))
    if proposal.status != OPEN:
        violations.append(Violation("proposal", N_("This proposal is no longer open.")))
    return violations


def check_translation(is_secretariat: bool, status: str, text: Text, proposal: Proposal,
                      language: str, target: str, wording: str) -> list[Violation]:
    """Whether the Secretariat may record its translation of `proposal` into `language`."""
    if not is_secretariat:
        return [Violation("proposal", N_("Translations are the Secretariat's."))]
    if status != NEGOTIATING:
        return [Violation("text", N_("The text has been submitted for adoption: the negotiation is closed."))]
    violations = []
    if proposal.status != OPEN:
        violations.append(Violation("proposal", N_("This proposal is no longer open.")))
    if language not in LANGUAGES or language == proposal.language:
        violations.append(Violation("language", N_("Translate into the other working language.")))
        return violations
    if proposal.kind in NEEDS_WORDING and not wording.strip():
        violations.append(Violation("text", N_("Give the translated wording.")))
    wording_now = text.paragraph(proposal.paragraph_id).text(language)
    if proposal.kind in (REPLACE, INSERT) and target and target not in wording_now:
        violations.append(Violation("target", N_("These words are not in the paragraph's current wording.")))
    return violations + _length("text", wording, WORDING_MAX) + _length("target", target, WORDING_MAX)


@dataclass(frozen=True)
class ChairDecision:
    decision: str  # ACCEPT, DROP or MERGE
    proposal_ids: tuple[int, ...]
    reason: str
    wording: Mapping[str, str]  # MERGE: the new wording in each language


def check_chair_decision(is_secretariat: bool, status: str, text: Text, decision: ChairDecision) -> list[Violation]:
    """Whether the chair's decision may be recorded: by the Secretariat, on open proposals (all of one
    paragraph for a merge), with the reason; an accepted proposal worded in both languages; a merge's
    wording given in both."""
    if not is_secretariat:
        return [Violation("decision", N_("The chair's decisions are recorded by the Secretariat."))]
    if status != NEGOTIATING:
        return [Violation("text", N_("The text has been submitted for adoption: the negotiation is closed."))]
    if decision.decision not in CHAIR_DECISIONS:
        return [Violation("decision", N_("Choose accept, drop or merge."))]
    known = {p.id: p for p in text.proposals}
    chosen = [known[i] for i in decision.proposal_ids if i in known]
    if not chosen or len(chosen) != len(set(decision.proposal_ids)):
        return [Violation("proposal_ids", N_("Choose the proposals."))]
    violations = []
    if any(p.status != OPEN for p in chosen):
        violations.append(Violation("proposal_ids", N_("This proposal is no longer open.")))
    if not decision.reason.strip():
        violations.append(Violation("reason", N_("Say why (it is recorded with the decision).")))
    violations += _length("reason", decision.reason, REASON_MAX)
    if decision.decision in (ACCEPT, DROP) and len(chosen) != 1:
        violations.append(Violation("proposal_ids", N_("Choose one proposal.")))
    elif decision.decision == ACCEPT:
        violations += _acceptable(text, chosen[0])
    elif decision.decision == MERGE:
        violations += _mergeable(chosen, decision.wording)
    return violations


def _acceptable(text: Text, proposal: Proposal) -> list[Violation]:
    if not proposal.translated:
        return [Violation("proposal_ids", N_("The Secretariat's translation of this proposal is pending: "
                                             "record it before accepting."))]
    if not fits_everywhere(text.paragraph(proposal.paragraph_id), proposal):
        return [Violation("proposal_ids", N_("The paragraph's wording has changed: merge instead."))]
    return []


def _mergeable(chosen: list[Proposal], wording: Mapping[str, str]) -> list[Violation]:
    violations = []
    if len({p.paragraph_id for p in chosen}) != 1:
        violations.append(Violation("proposal_ids", N_("Merge proposals of one paragraph only.")))
    if any(p.kind == ADD_AFTER for p in chosen):
        violations.append(Violation("proposal_ids", N_("A new paragraph is accepted or dropped, not merged.")))
    for language in LANGUAGES:
        value = wording.get(language, "")
        if not value.strip():
            violations.append(Violation(f"wording_{language}", N_("Give the merged wording in both languages.")))
        violations += _length(f"wording_{language}", value, WORDING_MAX)
    return violations


def check_adoption(is_secretariat: bool, status: str, text: Text,
                   positions: Mapping[int, Mapping[str, str]]) -> list[Violation]:
    """Whether the text may be submitted for adoption: clean (no brackets), no "object", both languages."""
    if not is_secretariat:
        return [Violation("text", N_("The Secretariat submits a text for adoption."))]
    if status != NEGOTIATING:
        return [Violation("text", N_("The text has already been submitted for adoption."))]
    state = adoptability(text, positions)
    violations = []
    if state.bracketed:
        violations.append(Violation("text", N_("Paragraphs still in brackets: %(n)d."), {"n": len(state.bracketed)}))
    if state.objected:
        violations.append(Violation("text", N_("Paragraphs a delegation objects to: %(n)d."),
                                    {"n": len(state.objected)}))
    if state.untranslated:
        violations.append(Violation("text", N_("Paragraphs lacking their English or Russian wording: %(n)d."),
                                    {"n": len(state.untranslated)}))
    return violations
