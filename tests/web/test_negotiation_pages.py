"""The negotiation pages: who may open and use them (both ways), the officer's and the
delegate's views in English and Russian, positions as counts or names, the forms with
their CSRF token, refusals as readable errors, the revision's diff."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from secretariat_app.extensions import db
from secretariat_app.negotiations.models import ParagraphPosition, ProposalStatus, TextParagraph, TextProposal
from secretariat_app.negotiations.services import proposals, revisions
from secretariat_app.negotiations.services.proposals import ProposalData
from tests.conftest import csrf_token, post_form
from tests.negotiation_setup import start_negotiation

pytestmark = pytest.mark.usefixtures("steady_forum_day")


@pytest.fixture
def text(world):
    return start_negotiation(world)


def op(text, n: int) -> TextParagraph:
    return sorted(text.paragraphs, key=lambda p: p.position)[1 + n]


def test_the_officer_sees_the_text_with_proposals_in_both_languages(client, login, world, text):
    proposals.propose(world.a1, text, world.member_a, ProposalData(op(text, 2).id, "replace", "en", "welcome", "note"))
    login(world.officer)
    page = client.get(f"/negotiations/{text.id}").get_data(as_text=True)
    assert "[They welcome the report of the Secretariat.]" in page
    assert "Alt. 1: They note the report of the Secretariat." in page
    assert "proposed by Aland" in page and "Accept" in page and "Compile the next revision" in page
    world.officer.language = "ru"
    db.session.commit()
    russian = client.get(f"/negotiations/{text.id}").get_data(as_text=True)
    assert "[Они приветствуют доклад Секретариата.]" in russian
    assert "перевод ожидается" in russian and "Принять" in russian


def test_a_member_delegate_proposes_through_the_form(client, login, world, text):
    login(world.a1)
    url = f"/negotiations/{text.id}/paragraphs/{op(text, 1).id}/propose"
    assert client.get(url).status_code == 200
    bad = post_form(client, url, {"kind": "replace", "language": "en", "target": "no such words", "text": "x"})
    assert bad.status_code == 400 and "not in the paragraph" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(TextProposal.id))) == 0
    done = post_form(client, url, {"kind": "replace", "language": "en", "target": "agree", "text": "decide"})
    assert done.status_code == 302
    proposal = db.session.scalar(select(TextProposal))
    assert (proposal.delegation_id, proposal.status) == (world.member_a.id, ProposalStatus.OPEN)


def test_a_post_without_its_csrf_token_is_refused(client, login, world, text):
    login(world.a1)
    response = client.post(f"/negotiations/{text.id}/paragraphs/{op(text, 1).id}/position", data={"position": "agree"})
    assert response.status_code in (302, 400)
    assert db.session.scalar(select(func.count(ParagraphPosition.id))) == 0


def test_an_observer_never_opens_nor_acts(client, login, world, text):
    login(world.obs1)
    assert client.get(f"/negotiations/{text.id}").status_code == 404
    assert client.get(f"/negotiations/{text.id}/paragraphs/{op(text, 1).id}/propose").status_code == 404
    token = csrf_token(client, "/my/profile/")
    for url, data in ((f"/negotiations/{text.id}/paragraphs/{op(text, 1).id}/position", {"position": "object"}),
                      (f"/negotiations/{text.id}/paragraphs/{op(text, 1).id}/propose",
                       {"kind": "delete", "language": "en"})):
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 404
    assert db.session.scalar(select(func.count(ParagraphPosition.id))) == 0
    assert db.session.scalar(select(func.count(TextProposal.id))) == 0
    assert f"/negotiations/{text.id}" not in client.get("/negotiations/").get_data(as_text=True)


def test_a_delegate_sees_others_positions_as_counts_unless_the_setting_names_them(client, login, world, text):
    proposals.state_position(world.b1, op(text, 1), world.member_b, "reserve")
    login(world.a1)
    page = client.get(f"/negotiations/{text.id}").get_data(as_text=True)
    assert "reserve: 1" in page and "Borduria" not in page
    text.positions_by_name = True
    db.session.commit()
    assert "reserve: Borduria" in client.get(f"/negotiations/{text.id}").get_data(as_text=True)


def test_a_delegate_states_a_position_and_the_officers_pages_stay_closed(client, login, world, text):
    login(world.a1)
    page = f"/negotiations/{text.id}"
    response = post_form(client, f"{page}/paragraphs/{op(text, 1).id}/position", {"position": "reserve"}, page=page)
    assert response.status_code == 302
    assert db.session.scalar(select(ParagraphPosition.position)).value == "reserve"
    assert client.post(f"{page}/compile", data={"csrf_token": csrf_token(client, page)}).status_code == 403
    assert client.get(f"{page}/adopt").status_code == 403


def test_the_chair_accepts_through_the_page_with_a_reason(client, login, world, text):
    proposal = proposals.propose(world.a1, text, world.member_a,
                                 ProposalData(op(text, 1).id, "replace", "en", "agree", "decide"))
    proposals.translate(world.officer, proposal, "договорились", "решили")
    login(world.officer)
    page = f"/negotiations/{text.id}"
    url = f"{page}/proposals/{proposal.id}/decide"
    no_reason = post_form(client, url, {"decision": "accept", "reason": ""}, page=page, follow_redirects=True)
    assert "Say why" in no_reason.get_data(as_text=True)
    assert post_form(client, url, {"decision": "accept", "reason": "Consensus"}, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(TextProposal, proposal.id).status == ProposalStatus.ACCEPTED
    assert op(text, 1).wording_en == "The Member States decide to hold consultations."


def test_the_revision_page_shows_the_words_changed(client, login, world, text):
    proposal = proposals.propose(world.a1, text, world.member_a,
                                 ProposalData(op(text, 3).id, "insert", "en", "thank", "warmly"))
    revision = revisions.compile_revision(world.officer, text)
    login(world.a1)
    page = client.get(f"/negotiations/{text.id}/revisions/{revision.number}").get_data(as_text=True)
    assert proposal.status == ProposalStatus.OPEN
    assert "<ins>" in page and "warmly" in page and "<del>" in page
