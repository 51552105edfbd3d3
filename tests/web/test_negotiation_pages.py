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
    proposals.state_position(world.b1, op(text, 3), world.member_b, "reserve")
    revision = revisions.compile_revision(world.officer, text)
    login(world.a1)
    page = client.get(f"/negotiations/{text.id}/revisions/{revision.number}").get_data(as_text=True)
    assert proposal.status == ProposalStatus.OPEN
    assert "<ins>" in page and "warmly" in page and "<del>" in page
    # Others' positions are counts to delegates: the revision does not name Borduria's reservation.
    assert "Reservation: 1 delegation(s)" in page and "Borduria" not in page


def test_the_officer_starts_a_negotiation_from_the_documents_page(client, login, world):
    from secretariat_app.negotiations.models import NegotiatedText
    from tests.documents_setup import make_document
    from tests.negotiation_setup import DRAFT_EN, DRAFT_RU

    document = make_document(world)
    login(world.officer)
    assert f"/negotiations/start/{document.id}" in client.get(f"/documents/{document.id}").get_data(as_text=True)
    url = f"/negotiations/start/{document.id}"
    bad = post_form(client, url, {"draft_en": DRAFT_EN, "draft_ru": "Только название"})
    assert bad.status_code == 400 and "Give the title and at least one paragraph." in bad.get_data(as_text=True)
    done = post_form(client, url, {"draft_en": DRAFT_EN, "draft_ru": DRAFT_RU, "deadline": ""})
    text = db.session.scalar(select(NegotiatedText))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/negotiations/{text.id}")
    assert len(text.paragraphs) == 5
    assert f"/negotiations/{text.id}" in client.get(f"/documents/{document.id}").get_data(as_text=True)


def test_the_officer_records_a_member_delegations_proposal_never_an_observers(client, login, world, text):
    login(world.officer)
    url = f"/negotiations/{text.id}/paragraphs/{op(text, 1).id}/propose"
    page = client.get(url).get_data(as_text=True)
    assert "Borduria" in page and "Carpania" not in page  # only member delegations are offered
    crafted = post_form(client, url, {"delegation_id": str(world.observer.id), "kind": "delete", "language": "en"})
    assert crafted.status_code == 400 and "Only member states negotiate" in crafted.get_data(as_text=True)
    done = post_form(client, url, {"delegation_id": str(world.member_b.id), "kind": "delete", "language": "en"})
    assert done.status_code == 302
    assert db.session.scalar(select(TextProposal.delegation_id)) == world.member_b.id


def test_bad_input_is_a_readable_refusal_never_a_500(client, login, world, text):
    other = start_negotiation(world)
    proposal = proposals.propose(world.a1, text, world.member_a,
                                 ProposalData(op(text, 1).id, "replace", "en", "agree", "decide"))
    login(world.officer)
    page = f"/negotiations/{text.id}"
    assert client.get(f"{page}?delegation=abc&status=nonsense").status_code == 200
    assert client.get(f"/negotiations/{other.id}/proposals/{proposal.id}/translate").status_code == 404
    assert post_form(client, f"{page}/proposals/{proposal.id}/decide", {"decision": "maybe"},
                     page=page).status_code == 400
    merged = post_form(client, f"{page}/paragraphs/{op(text, 1).id}/merge",
                       {"wording_en": "x", "wording_ru": "y", "reason": "r"}, page=page, follow_redirects=True)
    assert merged.status_code == 200 and "Choose the proposals." in merged.get_data(as_text=True)
    assert client.get(f"{page}/revisions/7").status_code == 404
    assert client.get("/negotiations/999999").status_code == 404


def test_the_chair_merges_and_the_text_is_submitted_for_silence_through_the_pages(client, login, world, text):
    from secretariat_app.decisions.models import Decision, DecisionStatus

    pid = op(text, 1).id
    a = proposals.propose(world.a1, text, world.member_a, ProposalData(pid, "replace", "en", "agree", "decide"))
    b = proposals.propose(world.b1, text, world.member_b, ProposalData(pid, "replace", "en", "agree", "resolve"))
    login(world.officer)
    page = f"/negotiations/{text.id}"
    merged = post_form(client, f"{page}/paragraphs/{op(text, 1).id}/merge",
                       {"proposal_ids": [str(a.id), str(b.id)], "wording_en": "The Member States decide to consult.",
                        "wording_ru": "Государства-члены решили консультироваться.", "reason": "Compromise"}, page=page)
    assert merged.status_code == 302
    db.session.expire_all()
    assert {p.status for p in db.session.scalars(select(TextProposal))} == {ProposalStatus.MERGED}
    adopt = f"{page}/adopt"
    refused = post_form(client, adopt, {"procedure": "silence"})
    assert refused.status_code == 400 and "Compile the final wording" in refused.get_data(as_text=True)
    revision = revisions.compile_revision(world.officer, text)
    revisions.circulate_revision(world.officer, revision, _members())
    done = post_form(client, adopt, {"procedure": "silence"})
    decision = db.session.scalar(select(Decision))
    assert done.status_code == 302 and decision.status == DecisionStatus.UNDER_SILENCE
    assert f"/negotiations/{text.id}" in client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert decision.reference in client.get(page).get_data(as_text=True)


def _members():
    from secretariat_app.documents.services.circulation import Audience, CirculationData

    return CirculationData(Audience.MEMBERS)
