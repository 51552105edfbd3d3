"""The paper pages: who reads a paper at each step (404 for the others), who may
draft and take each step, a coordinator's paper through the pages from draft to
approval, and the skips answered 409."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.cbm.models import (
    CbmArea,
    CbmPaper,
    CbmPaperComment,
    PaperKind,
    PaperStatus,
)
from secretariat_app.documents.models import Document
from secretariat_app.extensions import db
from tests import cbm_builders as build
from tests.conftest import csrf_token, log_in, post_form
from tests.documents_helpers import body
from tests.documents_setup import PDF
from tests.factories import officer
from tests.form_errors import error_fields
from tests.forum_day import SUITE_DAY
from tests.services.test_cbm_catalogue import soc_decision

pytestmark = pytest.mark.usefixtures("steady_forum_day")

READERS = ("officer", "coordinator", "other_coordinator", "member", "observer")
STATUSES = list(PaperStatus)


@dataclass
class Cast:
    area: CbmArea
    coordinator: User
    other_coordinator: User
    member: User
    observer: User
    officer: User


@pytest.fixture
def cast(app_ctx) -> Cast:
    body("SWG"), body("SOC")
    area = build.area("smes")
    return Cast(area=area, coordinator=build.coordinator_user(area),
                other_coordinator=build.coordinator_user(build.area("ict")), member=build.member_delegate(),
                observer=build.member_delegate(MembershipStatus.OBSERVER), officer=officer())


def browser(app, user):
    client = app.test_client()
    log_in(client, user.email)
    return client


def html(response) -> str:
    return response.get_data(as_text=True)


def status_of(paper_id: int) -> PaperStatus:
    db.session.expire_all()
    return db.session.get(CbmPaper, paper_id).status


def may_read(who: str, status: PaperStatus) -> bool:
    if who in ("officer", "coordinator"):
        return True
    if who == "observer":
        return False
    return status != PaperStatus.DRAFT  # members, the coordinator of another area among them


# Who reads a paper ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", READERS)
def test_who_reads_a_paper_at_each_step(app, cast, who):
    papers = {s: build.paper(cast.area, status=s) for s in STATUSES}
    client = browser(app, getattr(cast, who))
    for status, paper in papers.items():
        expected = 200 if may_read(who, status) else 404
        assert client.get(f"/cbm/papers/{paper.id}").status_code == expected, (who, status)
    listed = html(client.get(f"/cbm/areas/{cast.area.id}"))
    for status, paper in papers.items():
        assert (f'data-paper="{paper.id}" data-status' in listed) is may_read(who, status), (who, status)


def test_anonymous_is_sent_to_log_in_and_a_missing_paper_is_404(app, client, cast):
    paper = build.paper(cast.area)
    for url in [f"/cbm/papers/{paper.id}", f"/cbm/areas/{cast.area.id}/papers/new", f"/cbm/papers/{paper.id}/edit"]:
        assert "/auth/login" in client.get(url).headers["Location"]
    assert browser(app, cast.officer).get("/cbm/papers/999").status_code == 404


@pytest.mark.parametrize("who,expected", [("officer", 200), ("coordinator", 200), ("other_coordinator", 403),
                                          ("member", 403), ("observer", 403)])
def test_who_may_draft_a_paper_of_the_area(app, cast, who, expected):
    assert browser(app, getattr(cast, who)).get(f"/cbm/areas/{cast.area.id}/papers/new").status_code == expected


@pytest.mark.parametrize("who", ["other_coordinator", "member"])
def test_other_delegations_take_no_coordinator_step(app, cast, who):
    draft = build.paper(cast.area, status=PaperStatus.DRAFT)
    submitted = build.paper(cast.area, status=PaperStatus.SUBMITTED)
    client = browser(app, getattr(cast, who))
    token = csrf_token(client, "/auth/password")
    for url in (f"/cbm/papers/{draft.id}/edit", f"/cbm/papers/{draft.id}/upload"):
        assert client.get(url).status_code == 404  # a draft they may not read
    assert client.post(f"/cbm/papers/{draft.id}/submit", data={"csrf_token": token}).status_code == 404
    for url in (f"/cbm/papers/{submitted.id}/edit", f"/cbm/papers/{submitted.id}/upload"):
        assert client.get(url).status_code == 403
    assert client.post(f"/cbm/papers/{submitted.id}/submit", data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize("who", ["coordinator", "member"])
def test_only_officers_take_the_secretariats_steps(app, cast, who):
    paper = build.paper(cast.area, status=PaperStatus.UNDER_REVIEW)
    client = browser(app, getattr(cast, who))
    token = csrf_token(client, f"/cbm/papers/{paper.id}")
    assert client.post(f"/cbm/papers/{paper.id}/review", data={"csrf_token": token}).status_code == 403
    for step in ("return", "approve"):
        assert client.get(f"/cbm/papers/{paper.id}/{step}").status_code == 403
    assert status_of(paper.id) == PaperStatus.UNDER_REVIEW


# A paper through the pages ----------------------------------------------------------------------------------

def test_a_concept_paper_from_draft_to_approval(app, cast):
    coordinator, officer_, member = (browser(app, u) for u in (cast.coordinator, cast.officer, cast.member))
    new = f"/cbm/areas/{cast.area.id}/papers/new"
    missing = post_form(coordinator, new, {"kind": "action_plan", "title_en": "Plan", "title_ru": ""})
    assert set(error_fields(html(missing))) == {"period_start", "period_end"}
    assert db.session.scalar(select(func.count(Document.id))) == 0
    created = post_form(coordinator, new, {"kind": "concept_paper", "title_en": "Concept of SMEs", "title_ru": ""})
    assert created.status_code == 302
    paper = db.session.scalar(select(CbmPaper))
    url = f"/cbm/papers/{paper.id}"
    assert created.headers["Location"].endswith(url) and paper.kind == PaperKind.CONCEPT_PAPER

    no_file = post_form(coordinator, f"{url}/submit", {}, page=url)
    assert no_file.status_code == 302 and status_of(paper.id) == PaperStatus.DRAFT
    assert "at least one language" in html(coordinator.get(url))
    sent = post_form(coordinator, f"{url}/upload", {"language": "en", "other_language": "",
                                                    "file": (io.BytesIO(PDF), "concept.pdf")},
                     content_type="multipart/form-data")
    assert sent.status_code == 302
    page = html(coordinator.get(url))
    version = re.search(rf'/cbm/papers/{paper.id}/files/(\d+)', page)
    assert version, "the coordinator downloads the draft's file from the paper's page"
    assert coordinator.get(version.group(0)).data == PDF
    assert member.get(version.group(0)).status_code == 404
    assert browser(app, cast.other_coordinator).get(version.group(0)).status_code == 404
    assert post_form(coordinator, f"{url}/submit", {}, page=url).status_code == 302
    assert status_of(paper.id) == PaperStatus.SUBMITTED

    assert post_form(officer_, f"{url}/review", {}, page=url).status_code == 302
    assert status_of(paper.id) == PaperStatus.UNDER_REVIEW
    page = html(member.get(url))
    assert "/documents/versions/" in page and f"/inbox/{paper.document_id}" in page  # circulated to members
    assert post_form(member, f"{url}/comments", {"text": "We welcome the concept."}).status_code == 302
    assert "We welcome the concept." in html(coordinator.get(url))
    assert "We welcome the concept." in html(officer_.get(url))

    decision = soc_decision("SOC/2026/DEC/11", adopted_on=SUITE_DAY)
    refused = post_form(officer_, f"{url}/approve", {"decision_id": ""})
    assert error_fields(html(refused)) == ["decision_id"]
    assert post_form(officer_, f"{url}/approve", {"decision_id": str(decision.id)}).status_code == 302
    assert status_of(paper.id) == PaperStatus.APPROVED
    page = html(member.get(url))
    assert 'data-step="approved" data-state="current"' in page and "SOC/2026/DEC/11" in page
    assert [a for a in re.findall(r'data-action="(\w+)"', page)] == ["create", "submit", "start_review", "approve"]


def test_returned_for_revision_with_the_reason_shown(app, cast):
    paper = build.paper(cast.area, status=PaperStatus.SUBMITTED)
    officer_ = browser(app, cast.officer)
    url = f"/cbm/papers/{paper.id}"
    empty = post_form(officer_, f"{url}/return", {"reason": ""})
    assert error_fields(html(empty)) == ["reason"] and status_of(paper.id) == PaperStatus.SUBMITTED
    assert post_form(officer_, f"{url}/return", {"reason": "Name the host of each event."}).status_code == 302
    assert status_of(paper.id) == PaperStatus.DRAFT
    page = html(browser(app, cast.coordinator).get(url))
    assert 'data-returned="1"' in page and "Name the host of each event." in page and "Upload a file" in page


# Skips and conflicts ---------------------------------------------------------------------------------------------

def test_skips_and_steps_out_of_turn_answer_409(app, cast):
    draft = build.paper(cast.area, status=PaperStatus.DRAFT)
    submitted = build.paper(cast.area, status=PaperStatus.SUBMITTED)
    done = build.paper(cast.area, status=PaperStatus.APPROVED)
    officer_, coordinator = browser(app, cast.officer), browser(app, cast.coordinator)
    assert officer_.get(f"/cbm/papers/{draft.id}/approve").status_code == 409
    assert officer_.get(f"/cbm/papers/{submitted.id}/approve").status_code == 409
    assert officer_.get(f"/cbm/papers/{draft.id}/return").status_code == 409
    assert post_form(officer_, f"/cbm/papers/{draft.id}/review", {}, page=f"/cbm/papers/{draft.id}").status_code == 409
    skipped = officer_.get(f"/cbm/papers/{submitted.id}/approve")
    assert "SWG has not reviewed" in html(skipped)
    for url in (f"/cbm/papers/{done.id}/edit", f"/cbm/papers/{done.id}/upload"):
        assert coordinator.get(url).status_code == 409
    assert post_form(coordinator, f"/cbm/papers/{done.id}/submit", {}, page=f"/cbm/papers/{done.id}").status_code == 409
    assert [status_of(p.id) for p in (draft, submitted, done)] == [
        PaperStatus.DRAFT, PaperStatus.SUBMITTED, PaperStatus.APPROVED]


def test_comments_during_the_review_only_and_by_members_only(app, cast):
    submitted = build.paper(cast.area, status=PaperStatus.SUBMITTED)
    review = build.paper(cast.area, status=PaperStatus.UNDER_REVIEW)
    member = browser(app, cast.member)
    assert "Send the comment" in html(member.get(f"/cbm/papers/{review.id}"))
    assert "Send the comment" not in html(member.get(f"/cbm/papers/{submitted.id}"))
    assert post_form(member, f"/cbm/papers/{submitted.id}/comments", {"text": "Early"},
                     page=f"/cbm/papers/{submitted.id}").status_code == 409
    empty = post_form(member, f"/cbm/papers/{review.id}/comments", {"text": ""})
    assert empty.status_code == 200 and error_fields(html(empty)) == ["text"]
    observer = browser(app, cast.observer)
    token = csrf_token(observer, "/auth/password")
    assert observer.post(f"/cbm/papers/{review.id}/comments",
                         data={"text": "We too", "csrf_token": token}).status_code == 404
    officer_ = browser(app, cast.officer)
    assert "Send the comment" not in html(officer_.get(f"/cbm/papers/{review.id}"))
    assert post_form(officer_, f"/cbm/papers/{review.id}/comments", {"text": "x"},
                     page=f"/cbm/papers/{review.id}").status_code == 403
    assert db.session.scalar(select(func.count(CbmPaperComment.id))) == 0
