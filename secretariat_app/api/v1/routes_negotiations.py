"""Negotiated texts through the API: the texts the reader may open, and one text with its
paragraphs in English and Russian, its current revision, each paragraph's proposals and
the positions on it, by name or as counts as the negotiation's setting says.

The pages' rule (permissions.negotiations): the Secretariat every text, a member
delegation's delegate those whose document (or a revision) reached their delegation;
anyone else 404, as a text that does not exist. What is shown is the pages' view
(negotiations.services.views), in English names."""
from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from secretariat_app.api.authentication import requires_scope
from secretariat_app.api.schemas.negotiations import (
    NegotiationDetail,
    NegotiationList,
    NegotiationOut,
    ParagraphOut,
    PositionsOut,
    ProposalOut,
    RevisionOut,
    WordingOut,
)
from secretariat_app.api.v1 import bp
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import NegotiatedText, PositionKind, TextProposal, TranslationStatus
from secretariat_app.negotiations.services import views
from secretariat_app.negotiations.services.texts import domain_text
from secretariat_app.permissions import Action, Audience, Load, access, can, is_secretariat
from secretariat_app.permissions import documents as document_access
from secretariat_app.permissions.tokens import Scope

TEXT = Load("text_id", "text", lambda text_id: db.session.get(NegotiatedText, text_id), see=Action.READ_NEGOTIATION)


def negotiation_out(text: NegotiatedText) -> dict:
    document = text.document
    return dict(id=text.id, document_id=document.id, symbol=document.symbol, title_en=document.title_en,
                title_ru=document.title_ru, status=text.status, deadline=text.deadline,
                positions_by_name=text.positions_by_name)


@bp.get("/negotiations")
@bp.output(NegotiationList)
@bp.doc(summary="Negotiated texts", operation_id="listNegotiations", tags=["Negotiations"])
@access(Audience.AUTHENTICATED)
@requires_scope(Scope.READ)
def negotiations() -> NegotiationList:
    """The negotiated texts the reader may open, newest first (a delegate: a member delegation's,
    on a document that reached it)."""
    every = db.session.scalars(select(NegotiatedText).order_by(NegotiatedText.id.desc())).all()
    return NegotiationList(items=[NegotiationOut(**negotiation_out(t)) for t in every
                                  if can(current_user, Action.READ_NEGOTIATION, t)])


def _wording(proposal: TextProposal, language: str) -> WordingOut | None:
    if language != proposal.language and proposal.translation != TranslationStatus.DONE:
        return None
    return WordingOut(target=proposal.target(language), text=proposal.words(language))


def _revision(text: NegotiatedText) -> RevisionOut | None:
    for revision in reversed(text.revisions):
        if is_secretariat(current_user) or document_access.may_read_document(current_user, revision.document_id):
            return RevisionOut(number=revision.number, document_id=revision.document_id,
                               symbol=revision.document.symbol, created_at=revision.created_at)
    return None


@bp.get("/negotiations/<int:text_id>")
@bp.output(NegotiationDetail)
@bp.doc(summary="A negotiated text", operation_id="getNegotiation", tags=["Negotiations"])
@access(Action.READ_NEGOTIATION, load=TEXT)
@requires_scope(Scope.READ)
def negotiation(text: NegotiatedText) -> NegotiationDetail:
    """The text paragraph by paragraph (EN and RU), its current revision, each paragraph's proposals
    (status, the proposing delegation, supporters and objectors) and positions: the reader's
    delegation's own, the others' by name where the negotiation shows names, counts otherwise."""
    return negotiation_detail(text)


def negotiation_detail(text: NegotiatedText) -> NegotiationDetail:
    mine = None if is_secretariat(current_user) else current_user.delegation
    names = can(current_user, Action.SEE_POSITION_NAMES, text)
    rows = views.paragraph_views(text, "en", views.Filters(), mine.name("en") if mine else None, names)
    pure = {p.id: p for p in domain_text(text, "en").proposals}
    paragraphs = []
    for row in rows:
        paragraph = row.paragraph
        proposals = [ProposalOut(
            id=p.id, paragraph_id=p.paragraph_id, delegation_id=p.delegation_id, delegation=pure[p.id].delegation,
            kind=p.kind, language=p.language, en=_wording(p, "en"), ru=_wording(p, "ru"),
            justification=p.justification, status=p.status, translation_pending=p.translation != TranslationStatus.DONE,
            supporters=list(pure[p.id].supporters), objectors=list(pure[p.id].objectors),
            proposed_at=p.proposed_at) for p in row.proposals]
        paragraphs.append(ParagraphOut(
            id=paragraph.id, position=paragraph.position, kind=paragraph.kind, label=row.label,
            wording_en=paragraph.wording_en, wording_ru=paragraph.wording_ru, deleted=paragraph.deleted,
            positions=PositionsOut(mine=PositionKind(row.my_position) if row.my_position else None,
                                   by_name=row.positions if names else None, counts=row.counts),
            proposals=proposals))
    return NegotiationDetail(**negotiation_out(text), revision=_revision(text), paragraphs=paragraphs)
