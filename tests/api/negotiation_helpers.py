"""A negotiation for the API tests (no tests here): a LIMITED draft decision circulated to
the cast's two member delegations, negotiated on the shared draft, and beta's proposal on OP1."""
from __future__ import annotations

from datetime import timedelta

from secretariat_app.core.forum_time import forum_today
from secretariat_app.documents.models import DistributionLevel, DocumentType
from secretariat_app.negotiations.models import NegotiatedText, TextParagraph, TextProposal
from secretariat_app.negotiations.services import proposals, texts
from tests.documents_helpers import Cast, circulate, make_document
from tests.negotiation_setup import DRAFT_EN, DRAFT_RU


def negotiation(c: Cast, positions_by_name: bool = False) -> NegotiatedText:
    document = make_document("Statement on dialogue", "Заявление о диалоге", doc_type=DocumentType.DRAFT_DECISION,
                             level=DistributionLevel.LIMITED)
    circulate(document, c.alpha, c.beta)
    return texts.start(c.officer, document, DRAFT_EN, DRAFT_RU, forum_today() + timedelta(days=7),
                       positions_by_name)


def paragraph(text: NegotiatedText, position: int) -> TextParagraph:
    return next(p for p in text.paragraphs if p.position == position)


OP1 = 3  # title, PP1, OP1...


def beta_proposes(c: Cast, text: NegotiatedText, wording: str = "regular consultations",
                  position: int = OP1, target: str = "consultations") -> TextProposal:
    return proposals.propose(c.b1, text, c.beta, proposals.ProposalData(
        paragraph(text, position).id, "replace", "en", target, wording, "Clearer"))


def alpha_proposes(c: Cast, text: NegotiatedText, wording: str, position: int, target: str) -> TextProposal:
    return proposals.propose(c.a1, text, c.alpha, proposals.ProposalData(
        paragraph(text, position).id, "replace", "en", target, wording, "Clearer"))
