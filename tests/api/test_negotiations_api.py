"""Negotiated texts through the API, end to end: what a member delegation's delegate and
the Secretariat read (positions by name or as counts as the setting says, a translation
pending shown as none), proposing before the deadline and not after, supporting,
stating a position, the chair's acceptance and drop; each written through the pages'
services with their audit entry, a refusal a 422 with the page's message."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.core.forum_time import forum_today
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import ProposalStatus, TextProposal
from secretariat_app.negotiations.services import proposals
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.api.negotiation_helpers import OP1, alpha_proposes, beta_proposes, negotiation, paragraph
from tests.documents_helpers import cast

DELEGATE = (Scope.READ, Scope.NEGOTIATE)


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _op1(detail: dict) -> dict:
    return next(p for p in detail["paragraphs"] if p["position"] == OP1)


def test_a_delegate_reads_the_text_with_proposals_and_counts_not_names(app_ctx, client):
    c = cast()
    text = negotiation(c)
    beta_proposes(c, text)
    proposals.state_position(c.b1, paragraph(text, OP1), c.beta, "object")
    a1 = bearer(token_for(c.a1, *DELEGATE))
    listed = client.get("/api/v1/negotiations", headers=a1).get_json()["items"]
    assert [t["id"] for t in listed] == [text.id]
    detail = client.get(f"/api/v1/negotiations/{text.id}", headers=a1)
    assert detail.status_code == 200, detail.get_data(as_text=True)
    body = detail.get_json()
    assert body["revision"]["number"] == 0 and body["revision"]["document_id"] == text.document_id
    op1 = _op1(body)
    assert op1["wording_en"] == "The Member States agree to hold consultations."
    assert op1["wording_ru"] == "Государства-члены договорились провести консультации."
    [proposal] = op1["proposals"]
    assert proposal["delegation_id"] == c.beta.id and proposal["status"] == "open"
    assert proposal["en"] == {"target": "consultations", "text": "regular consultations"}
    assert proposal["ru"] is None and proposal["translation_pending"] is True
    # Counts, not names: the negotiation does not show positions by name.
    assert op1["positions"] == {"mine": None, "by_name": None, "counts": {"object": 1}}
    # The observer's delegate and a token without `read` have nothing.
    assert client.get("/api/v1/negotiations", headers=bearer(token_for(c.g1, *DELEGATE))).get_json()["items"] == []
    assert client.get(f"/api/v1/negotiations/{text.id}",
                      headers=bearer(token_for(c.a1, Scope.NEGOTIATE))).status_code == 403


def test_names_when_the_setting_shows_them_and_always_to_the_secretariat(app_ctx, client):
    c = cast()
    text = negotiation(c, positions_by_name=True)
    proposals.state_position(c.b1, paragraph(text, OP1), c.beta, "agree")
    beta = c.beta.name("en")
    for user, scopes in ((c.a1, DELEGATE), (c.officer, (Scope.READ,))):
        op1 = _op1(client.get(f"/api/v1/negotiations/{text.id}", headers=bearer(token_for(user, *scopes))).get_json())
        assert op1["positions"]["by_name"] == {"agree": [beta]}
    counted = negotiation(c)
    proposals.state_position(c.b1, paragraph(counted, OP1), c.beta, "agree")
    op1 = _op1(client.get(f"/api/v1/negotiations/{counted.id}",
                          headers=bearer(token_for(c.officer, Scope.READ))).get_json())
    assert op1["positions"]["by_name"] == {"agree": [beta]}


def test_a_delegate_proposes_supports_and_states_a_position(app_ctx, client):
    c = cast()
    text = negotiation(c)
    betas = beta_proposes(c, text)
    op1 = paragraph(text, OP1)
    a1 = bearer(token_for(c.a1, *DELEGATE))
    made = client.post(f"/api/v1/negotiations/{text.id}/paragraphs/{op1.id}/proposals", headers=a1,
                       json={"kind": "delete", "language": "ru", "justification": "Not needed"})
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["delegation_id"] == c.alpha.id and made.get_json()["kind"] == "delete"
    assert db.session.get(TextProposal, made.get_json()["id"]).proposed_by_id == c.a1.id
    supported = client.post(f"/api/v1/negotiations/{text.id}/proposals/{betas.id}/stance", headers=a1,
                            json={"stance": "support"})
    assert supported.status_code == 200 and supported.get_json()["stance"] == "support"
    stated = client.put(f"/api/v1/negotiations/{text.id}/paragraphs/{op1.id}/position", headers=a1,
                        json={"position": "reserve"})
    assert stated.status_code == 200 and stated.get_json()["position"] == "reserve"
    shown = _op1(client.get(f"/api/v1/negotiations/{text.id}", headers=a1).get_json())
    assert shown["positions"]["mine"] == "reserve"
    assert next(p for p in shown["proposals"] if p["id"] == betas.id)["supporters"] == [c.alpha.name("en")]
    assert _actions()[-3:] == ["negotiation.propose", "negotiation.support", "negotiation.position"]


def test_the_rules_refuse_with_the_pages_messages(app_ctx, client):
    c = cast()
    text = negotiation(c)
    op1 = paragraph(text, OP1)
    b1 = bearer(token_for(c.b1, *DELEGATE), **{"Accept-Language": "ru"})
    own = beta_proposes(c, text)
    refused = client.post(f"/api/v1/negotiations/{text.id}/proposals/{own.id}/stance", headers=b1,
                          json={"stance": "support"})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    text.deadline = forum_today() - timedelta(days=1)
    db.session.commit()
    late = client.post(f"/api/v1/negotiations/{text.id}/paragraphs/{op1.id}/proposals", headers=b1,
                       json={"kind": "replace", "language": "en", "target": "consultations", "text": "talks"})
    assert late.status_code == 422
    assert [e["field"] for e in late.get_json()["errors"]] == ["deadline"]
    day = text.deadline.isoformat()
    assert late.get_json()["errors"][0]["message"] == f"Срок для предложений ({day}) истёк."  # the page's words
    bad = client.put(f"/api/v1/negotiations/{text.id}/paragraphs/{op1.id}/position", headers=b1,
                     json={"position": "maybe"})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    other = negotiation(c)
    elsewhere = client.put(f"/api/v1/negotiations/{text.id}/paragraphs/{paragraph(other, OP1).id}/position",
                           headers=b1, json={"position": "agree"})
    assert elsewhere.status_code == 404


def test_the_chair_accepts_and_drops_with_a_reason(app_ctx, client):
    c = cast()
    text = negotiation(c)
    betas = beta_proposes(c, text)
    proposals.translate(c.officer, betas, "консультации", "регулярные консультации")
    officer = bearer(token_for(c.officer, Scope.READ, Scope.OFFICER))
    url = f"/api/v1/negotiations/{text.id}/proposals/{betas.id}/decision"
    no_reason = client.post(url, headers=officer, json={"decision": "accept"})
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"][0]["field"] == "reason"
    accepted = client.post(url, headers=officer, json={"decision": "accept", "reason": "Consensus"})
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    assert accepted.get_json()["closed"] == {str(betas.id): "accepted"}
    db.session.expire_all()
    assert paragraph(text, OP1).wording_en == "The Member States agree to hold regular consultations."
    again = client.post(url, headers=officer, json={"decision": "drop", "reason": "Late"})
    assert again.status_code == 422  # no longer open
    later = proposals.propose(c.a1, text, c.alpha, proposals.ProposalData(
        paragraph(text, OP1).id, "delete", "en", justification="Redundant"))
    dropped = client.post(f"/api/v1/negotiations/{text.id}/proposals/{later.id}/decision", headers=officer,
                          json={"decision": "drop", "reason": "No support"})
    assert dropped.status_code == 200
    db.session.expire_all()
    assert db.session.get(TextProposal, later.id).status == ProposalStatus.DROPPED
    assert _actions()[-1] == "negotiation.drop"


def test_a_delegation_withdraws_its_own_proposal_only(app_ctx, client):
    c = cast()
    text = negotiation(c)
    own = beta_proposes(c, text)
    url = f"/api/v1/negotiations/{text.id}/proposals/{own.id}/withdrawal"
    theirs = client.post(url, headers=bearer(token_for(c.a1, *DELEGATE), **{"Accept-Language": "en"}))
    assert theirs.status_code == 422 and theirs.mimetype == "application/problem+json"
    db.session.expire_all()
    assert db.session.get(TextProposal, own.id).status == ProposalStatus.OPEN
    withdrawn = client.post(url, headers=bearer(token_for(c.b1, *DELEGATE)))
    assert withdrawn.status_code == 200, withdrawn.get_data(as_text=True)
    assert withdrawn.get_json()["id"] == own.id and withdrawn.get_json()["status"] == "withdrawn"
    db.session.expire_all()
    assert db.session.get(TextProposal, own.id).status == ProposalStatus.WITHDRAWN
    assert _actions()[-1] == "negotiation.withdraw"
    again = client.post(url, headers=bearer(token_for(c.b1, *DELEGATE)))
    assert again.status_code == 422  # no longer open


def test_the_chair_merges_proposals_of_one_paragraph_into_new_wording(app_ctx, client):
    c = cast()
    text = negotiation(c)
    op2 = paragraph(text, OP1 + 1)
    merged = [alpha_proposes(c, text, "the reports", OP1 + 1, "the report"),
              beta_proposes(c, text, "the first report", OP1 + 1, "the report")]
    elsewhere = beta_proposes(c, text)  # on OP1
    officer = bearer(token_for(c.officer, Scope.READ, Scope.OFFICER))
    url = f"/api/v1/negotiations/{text.id}/paragraphs/{op2.id}/merge"
    wording = {"wording_en": "They welcome the reports of the Secretariat.",
               "wording_ru": "Они приветствуют доклады Секретариата."}
    mixed = client.post(url, headers=officer, json={"proposal_ids": [merged[0].id, elsewhere.id], **wording,
                                                    "reason": "Together"})
    assert mixed.status_code == 404  # a proposal of another paragraph is not this paragraph's
    empty = client.post(url, headers=officer, json={"proposal_ids": [], **wording, "reason": "Together"})
    assert empty.status_code == 422 and empty.get_json()["errors"][0]["field"] == "proposal_ids"
    done = client.post(url, headers=officer, json={"proposal_ids": [p.id for p in merged], **wording,
                                                   "reason": "Together"})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["decision"] == "merge"
    assert done.get_json()["closed"] == {str(p.id): "merged" for p in merged}
    db.session.expire_all()
    assert paragraph(text, OP1 + 1).wording_en == "They welcome the reports of the Secretariat."
    assert paragraph(text, OP1 + 1).wording_ru == "Они приветствуют доклады Секретариата."
    assert db.session.get(TextProposal, elsewhere.id).status == ProposalStatus.OPEN
    assert _actions()[-1] == "negotiation.merge"
    delegate = client.post(url, headers=bearer(token_for(c.a1, *DELEGATE)),
                           json={"proposal_ids": [elsewhere.id], **wording, "reason": "Mine"})
    assert delegate.status_code == 403
