"""What a member delegation does in a negotiation through the API (propose an amendment,
support or object to another's proposal, withdraw its own, state its position on a
paragraph: the `negotiate` scope) and the chair's acceptance, drop or merge of proposals,
recorded by the Secretariat with the reason (the `officer` scope).

The pages' rule and the pages' services: taking part is permissions.negotiations'
(a delegate of a member delegation that may read the text, while it is under
negotiation: an observer or another delegation 404, the Secretariat 403); the
deadline and the finer rules are the services' (negotiations.services), refused as a
422 problem with the page's message. Each service writes its audit entry."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from secretariat_app.api.authentication import requires_scope
from secretariat_app.api.schemas.negotiations import (
    ChairDecisionIn,
    ChairDecisionOut,
    MergeIn,
    PositionIn,
    PositionOut,
    ProposalIn,
    ProposalOut,
    StanceIn,
    StanceOut,
)
from secretariat_app.api.v1 import bp
from secretariat_app.api.v1.routes_negotiations import TEXT, negotiation_detail
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import ChairDecision, NegotiatedText, TextParagraph, TextProposal
from secretariat_app.negotiations.services import chair, proposals
from secretariat_app.permissions import Action, access
from secretariat_app.permissions.tokens import Scope

INVALID = [422]


def _of_text(model, object_id: int, text: NegotiatedText):
    """A paragraph or proposal of this text, or 404."""
    found = db.session.get(model, object_id)
    if found is None or found.text_id != text.id:
        abort(404)
    return found


def _proposal_out(text: NegotiatedText, proposal_id: int) -> ProposalOut:
    for paragraph in negotiation_detail(text).paragraphs:
        for proposal in paragraph.proposals:
            if proposal.id == proposal_id:
                return proposal
    raise LookupError(proposal_id)  # a proposal just recorded is on its text


@bp.post("/negotiations/<int:text_id>/paragraphs/<int:paragraph_id>/proposals")
@bp.input(ProposalIn, location="json", arg_name="data")
@bp.output(ProposalOut, status_code=201)
@bp.doc(summary="Propose an amendment", operation_id="proposeAmendment", tags=["Negotiations"], responses=INVALID)
@access(Action.TAKE_PART_IN_NEGOTIATION, load=TEXT)
@requires_scope(Scope.NEGOTIATE)
def propose(text: NegotiatedText, paragraph_id: int, data: ProposalIn) -> ProposalOut:
    """Propose an amendment to a paragraph for the delegate's delegation, before the deadline
    (until the end of that forum day), in English or Russian."""
    paragraph = _of_text(TextParagraph, paragraph_id, text)
    proposal = proposals.propose(current_user, text, current_user.delegation, proposals.ProposalData(
        paragraph.id, data.kind.value, data.language, data.target, data.text, data.justification))
    return _proposal_out(text, proposal.id)


@bp.post("/negotiations/<int:text_id>/proposals/<int:proposal_id>/stance")
@bp.input(StanceIn, location="json", arg_name="data")
@bp.output(StanceOut)
@bp.doc(summary="Support or object to a proposal", operation_id="stateStance", tags=["Negotiations"],
        responses=INVALID)
@access(Action.TAKE_PART_IN_NEGOTIATION, load=TEXT)
@requires_scope(Scope.NEGOTIATE)
def stance(text: NegotiatedText, proposal_id: int, data: StanceIn) -> StanceOut:
    """The delegation's support of, or objection to, another delegation's open proposal (the latest counts)."""
    proposal = _of_text(TextProposal, proposal_id, text)
    row = proposals.state_stance(current_user, proposal, current_user.delegation, data.stance)
    return StanceOut(proposal_id=proposal.id, delegation_id=row.delegation_id, stance=row.stance,
                     stated_at=row.stated_at)


@bp.post("/negotiations/<int:text_id>/proposals/<int:proposal_id>/withdrawal")
@bp.output(ProposalOut)
@bp.doc(summary="Withdraw a proposal", operation_id="withdrawProposal", tags=["Negotiations"], responses=INVALID)
@access(Action.TAKE_PART_IN_NEGOTIATION, load=TEXT)
@requires_scope(Scope.NEGOTIATE)
def withdraw(text: NegotiatedText, proposal_id: int) -> ProposalOut:
    """Withdraw one of the delegation's own open proposals; it stays on the text, marked withdrawn."""
    proposal = _of_text(TextProposal, proposal_id, text)
    proposals.withdraw(current_user, proposal)
    return _proposal_out(text, proposal.id)


@bp.put("/negotiations/<int:text_id>/paragraphs/<int:paragraph_id>/position")
@bp.input(PositionIn, location="json", arg_name="data")
@bp.output(PositionOut)
@bp.doc(summary="My delegation's position on a paragraph", operation_id="statePosition", tags=["Negotiations"],
        responses=INVALID)
@access(Action.TAKE_PART_IN_NEGOTIATION, load=TEXT)
@requires_scope(Scope.NEGOTIATE)
def position(text: NegotiatedText, paragraph_id: int, data: PositionIn) -> PositionOut:
    """Agree, reserve (awaiting instructions) or object: the delegation's position on the paragraph now."""
    paragraph = _of_text(TextParagraph, paragraph_id, text)
    row = proposals.state_position(current_user, paragraph, current_user.delegation, data.position.value)
    return PositionOut(paragraph_id=paragraph.id, delegation_id=row.delegation_id, position=row.position,
                       stated_at=row.stated_at)


@bp.post("/negotiations/<int:text_id>/proposals/<int:proposal_id>/decision")
@bp.input(ChairDecisionIn, location="json", arg_name="data")
@bp.output(ChairDecisionOut)
@bp.doc(summary="The chair's acceptance or drop of a proposal", operation_id="decideProposal",
        tags=["Officers"], responses=INVALID)
@access(Action.MANAGE_NEGOTIATIONS)
@requires_scope(Scope.OFFICER)
def decide(text_id: int, proposal_id: int, data: ChairDecisionIn) -> ChairDecisionOut:
    """Accept an open proposal (its wording becomes the paragraph's) or drop it, with the reason recorded;
    the proposals that no longer fit lapse, as on the negotiation's page."""
    text = db.session.get(NegotiatedText, text_id)
    if text is None:
        abort(404)
    proposal = _of_text(TextProposal, proposal_id, text)
    row = chair.decide(current_user, text, data.decision, (proposal.id,), data.reason)
    return _decision_out(row)


@bp.post("/negotiations/<int:text_id>/paragraphs/<int:paragraph_id>/merge")
@bp.input(MergeIn, location="json", arg_name="data")
@bp.output(ChairDecisionOut)
@bp.doc(summary="The chair's merge of proposals", operation_id="mergeProposals", tags=["Officers"],
        responses=INVALID)
@access(Action.MANAGE_NEGOTIATIONS)
@requires_scope(Scope.OFFICER)
def merge(text_id: int, paragraph_id: int, data: MergeIn) -> ChairDecisionOut:
    """Merge open proposals of a paragraph into new wording (English and Russian), with the reason
    recorded; the proposals that no longer fit lapse, as on the negotiation's page."""
    text = db.session.get(NegotiatedText, text_id)
    if text is None:
        abort(404)
    paragraph = _of_text(TextParagraph, paragraph_id, text)
    for proposal_id in data.proposal_ids:  # the page merges what its paragraph lists: a proposal of another, 404
        if _of_text(TextProposal, proposal_id, text).paragraph_id != paragraph.id:
            abort(404)
    row = chair.decide(current_user, text, "merge", data.proposal_ids, data.reason,
                       {"en": data.wording_en, "ru": data.wording_ru})
    return _decision_out(row)


def _decision_out(row: ChairDecision) -> ChairDecisionOut:
    return ChairDecisionOut(id=row.id, paragraph_id=row.paragraph_id, decision=row.decision,
                            reason=row.reason, decided_at=row.decided_at,
                            closed={str(p.id): p.status.value for p in chair.closed_by(row)})
