"""The papers pipeline: drafting a concept paper or action plan as a document of
the clearing house, submission, SWG review (circulated to members only),
comments, return for revision, SOC approval and supersession."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import (
    CbmPaper,
    CbmPaperComment,
    PaperKind,
    PaperStatus,
)
from secretariat_app.cbm.services import papers as service
from secretariat_app.cbm.services.papers import PaperData
from secretariat_app.documents.models import (
    Circulation,
    DistributionLevel,
    Document,
    DocumentStatus,
    DocumentType,
    Originator,
    SymbolCounter,
)
from secretariat_app.documents.services.versions import UploadData
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind
from tests import cbm_builders as build
from tests.cbm_builders import Pipeline
from tests.documents_setup import PDF
from tests.forum_day import SUITE_DAY
from tests.services.test_cbm_catalogue import refused, soc_decision

pytestmark = pytest.mark.usefixtures("steady_forum_day")

TODAY = SUITE_DAY
NOW = datetime.now(UTC)
PLAN = PaperData(PaperKind.ACTION_PLAN, "Action plan on SMEs 2027-2029", "План действий по МСП на 2027-2029 годы",
                 date(2027, 1, 1), date(2029, 12, 31))
CONCEPT = PaperData(PaperKind.CONCEPT_PAPER, "Concept paper on SMEs", "")


def upload_pdf(p: Pipeline, paper: CbmPaper, language: str = "en", content: bytes = PDF):
    return service.upload_file(p.coordinator, paper, UploadData(language, io.BytesIO(content)))


def reviewed(p: Pipeline, data: PaperData = PLAN) -> CbmPaper:
    paper = service.create_paper(p.coordinator, p.area, data)
    upload_pdf(p, paper)
    service.submit(p.coordinator, paper)
    return service.start_review(p.officer, paper)


def approved(p: Pipeline, data: PaperData = PLAN, reference: str = "SOC/2026/DEC/1") -> CbmPaper:
    paper = reviewed(p, data)
    return service.approve(p.officer, paper, soc_decision(reference, adopted_on=TODAY).id)


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (CbmPaper, Document, SymbolCounter, AuditEntry, Circulation, Notification))


def actions(paper: CbmPaper) -> list[str]:
    return [h.action for h in service.history(paper)]


# Drafting -------------------------------------------------------------------------------------------------

def test_a_coordinator_opens_an_action_plan_as_a_limited_swg_document(pipeline):
    p = pipeline
    paper = service.create_paper(p.coordinator, p.area, PLAN)
    document = paper.document
    assert (paper.status, paper.kind, paper.period_start, paper.period_end) == (
        PaperStatus.DRAFT, PaperKind.ACTION_PLAN, date(2027, 1, 1), date(2029, 12, 31))
    assert (document.doc_type, document.originator, document.level, document.status) == (
        DocumentType.ACTION_PLAN, Originator.COORDINATOR, DistributionLevel.LIMITED, DocumentStatus.DRAFT)
    assert document.originator_delegation_id == p.coordinator.delegation_id
    assert document.symbol == f"CICA/SWG/{TODAY.year}/1"
    assert (document.title_en, document.title_ru) == (PLAN.title_en, PLAN.title_ru)
    assert actions(paper) == ["create"]


def test_a_concept_paper_has_no_period_and_one_title_is_enough(pipeline):
    paper = service.create_paper(pipeline.coordinator, pipeline.area,
                                 PaperData(PaperKind.CONCEPT_PAPER, "", "Концепция", date(2027, 1, 1), None))
    assert (paper.period_start, paper.period_end, paper.document.doc_type) == (None, None, DocumentType.CONCEPT_PAPER)


@pytest.mark.parametrize("data,field", [
    (PaperData(PaperKind.ACTION_PLAN, "Plan", "", None, date(2027, 12, 31)), "period_start"),
    (PaperData(PaperKind.ACTION_PLAN, "Plan", "", date(2028, 1, 1), date(2027, 12, 31)), "period_end"),
    (PaperData(PaperKind.CONCEPT_PAPER, "", ""), "title_en"),
    (PaperData(None, "Paper", ""), "kind"),
])
def test_a_bad_paper_is_refused_and_takes_no_symbol(pipeline, data, field):
    before = counts()
    assert field in refused(service.create_paper, pipeline.coordinator, pipeline.area, data)
    assert counts() == before


def test_an_officer_drafts_for_a_coordinating_delegation_only(pipeline):
    p = pipeline
    paper = service.create_paper(p.officer, p.area, CONCEPT)
    assert paper.document.originator_delegation_id == p.coordinator.delegation_id
    stranger = build.member_delegate()
    assert "delegation_id" in refused(service.create_paper, p.officer, p.area,
                                      PaperData(**{**CONCEPT.__dict__, "delegation_id": stranger.delegation_id}))
    orphan = build.area("tourism")
    assert "No state coordinates" in refused(service.create_paper, p.officer, orphan, CONCEPT)["delegation_id"]


def test_a_draft_is_edited_but_an_approved_paper_is_not(pipeline):
    p = pipeline
    paper = service.create_paper(p.coordinator, p.area, PLAN)
    service.update_paper(p.coordinator, paper, PaperData(PaperKind.ACTION_PLAN, "Revised plan", "",
                                                         date(2027, 1, 1), date(2028, 12, 31)))
    assert (paper.document.title_en, paper.period_end) == ("Revised plan", date(2028, 12, 31))
    assert actions(paper) == ["create", "update"]
    done = approved(p)
    before = counts()
    assert "cannot be edited" in refused(service.update_paper, p.coordinator, done, PLAN)["status"]
    assert "file" in refused(upload_pdf, p, done, "ru")
    assert counts() == before


# The steps ----------------------------------------------------------------------------------------------------

def test_the_whole_path_with_its_timestamps(pipeline):
    p = pipeline
    paper = service.create_paper(p.coordinator, p.area, PLAN)
    upload_pdf(p, paper, "ru")
    service.submit(p.coordinator, paper, now=NOW)
    assert (paper.status, paper.submitted_at, paper.submitted_by_id) == (PaperStatus.SUBMITTED, NOW, p.coordinator.id)
    service.start_review(p.officer, paper, now=NOW + timedelta(hours=1))
    assert (paper.status, paper.review_started_at) == (PaperStatus.UNDER_REVIEW, NOW + timedelta(hours=1))
    decision = soc_decision("SOC/2026/DEC/2", adopted_on=NOW.date())
    service.approve(p.officer, paper, decision.id, now=NOW + timedelta(days=1))
    assert (paper.status, paper.approved_at, paper.approval_decision_id) == (
        PaperStatus.APPROVED, NOW + timedelta(days=1), decision.id)
    history = service.history(paper)
    assert [h.action for h in history] == ["create", "submit", "start_review", "approve"]
    assert history[-1].at == NOW + timedelta(days=1) and history[-1].details["decision"] == "SOC/2026/DEC/2"


def test_a_draft_without_a_file_is_not_submitted(pipeline):
    paper = service.create_paper(pipeline.coordinator, pipeline.area, PLAN)
    assert "file" in refused(service.submit, pipeline.coordinator, paper)
    assert paper.status == PaperStatus.DRAFT


def test_no_step_is_skipped(pipeline):
    p = pipeline
    paper = service.create_paper(p.coordinator, p.area, PLAN)
    upload_pdf(p, paper)
    decision = soc_decision("SOC/2026/DEC/3", adopted_on=TODAY)
    assert "draft cannot be approved" in refused(service.approve, p.officer, paper, decision.id)["status"]
    assert "not submitted" in refused(service.start_review, p.officer, paper)["status"]
    assert "draft already" in refused(service.return_for_revision, p.officer, paper, "why")["status"]
    service.submit(p.coordinator, paper)
    assert "submitted already" in refused(service.submit, p.coordinator, paper)["status"]
    assert "SWG has not reviewed" in refused(service.approve, p.officer, paper, decision.id)["status"]
    service.start_review(p.officer, paper)
    assert "under SWG review already" in refused(service.start_review, p.officer, paper)["status"]
    service.approve(p.officer, paper, decision.id)
    for call, args in ((service.submit, ()), (service.start_review, ()), (service.approve, (decision.id,)),
                       (service.return_for_revision, ("why",))):
        assert "status" in refused(call, p.officer, paper, *args)
    assert paper.status == PaperStatus.APPROVED


def test_the_swg_review_circulates_to_the_member_delegations_only(pipeline):
    p = pipeline
    paper = reviewed(p)
    reached = set(db.session.scalars(select(Circulation.delegation_id).where(
        Circulation.document_id == paper.document_id)))
    assert {p.member.delegation_id, p.coordinator.delegation_id, p.other_coordinator.delegation_id} <= reached
    assert p.observer.delegation_id not in reached
    told = set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == NotificationKind.DOCUMENT_CIRCULATED, Notification.subject_id == paper.document_id)))
    assert {p.member.id, p.coordinator.id} <= told and p.observer.id not in told and p.officer.id not in told
    assert paper.document.status == DocumentStatus.CIRCULATED


def test_approval_needs_an_adopted_soc_decision_after_submission(pipeline):
    p = pipeline
    paper = reviewed(p)
    assert "decision_id" in refused(service.approve, p.officer, paper, None)
    old = soc_decision("SOC/2020/DEC/1", adopted_on=date(2020, 6, 1))
    assert "before the paper was submitted" in refused(service.approve, p.officer, paper, old.id)["decision_id"]
    swg = soc_decision("SWG/2026/DEC/1", adopted_on=TODAY, body_code="SWG")
    assert "decision_id" in refused(service.approve, p.officer, paper, swg.id)
    assert paper.status == PaperStatus.UNDER_REVIEW and paper.approved_at is None


def test_returned_for_revision_with_a_reason_then_reviewed_again(pipeline):
    p = pipeline
    paper = reviewed(p)
    assert "reason" in refused(service.return_for_revision, p.officer, paper, "  ")
    service.return_for_revision(p.officer, paper, "Add the budget of each activity.")
    assert (paper.status, paper.submitted_at, paper.review_started_at) == (PaperStatus.DRAFT, None, None)
    assert service.last_return(paper).details["reason"] == "Add the budget of each activity."
    upload_pdf(p, paper, "en", PDF + b"% revised\n")  # the circulated document takes a revised file
    service.submit(p.coordinator, paper)
    assert service.last_return(paper) is None
    first_round = db.session.scalar(select(func.count(Circulation.id)))
    service.start_review(p.officer, paper, now=NOW + timedelta(minutes=5))
    assert db.session.scalar(select(func.count(Circulation.id))) == first_round  # the same members, once
    again = db.session.scalars(select(Notification.recipient_id).where(
        Notification.subject_id == paper.document_id, Notification.due_at == NOW + timedelta(minutes=5))).all()
    assert p.member.id in again and p.observer.id not in again
    assert actions(paper) == ["create", "submit", "start_review", "return", "submit", "start_review"]


def test_approval_supersedes_the_areas_approved_paper_of_the_same_kind(pipeline):
    p = pipeline
    concept = approved(p, CONCEPT, "SOC/2026/DEC/1")
    first = approved(p, PLAN, "SOC/2026/DEC/2")
    second = approved(p, PLAN, "SOC/2026/DEC/3")
    db.session.expire_all()
    assert (first.status, first.superseded_by_id) == (PaperStatus.SUPERSEDED, second.id)
    assert (second.status, concept.status) == (PaperStatus.APPROVED, PaperStatus.APPROVED)
    assert actions(first)[-1] == "supersede"
    assert service.history(first)[-1].details["superseded_by"] == second.document.symbol
    # Another area's plan is not touched.
    other = build.paper(build.area("agriculture"))
    approved(p, PLAN, "SOC/2026/DEC/4")
    db.session.expire_all()
    assert other.status == PaperStatus.APPROVED


# Comments -------------------------------------------------------------------------------------------------------

def test_member_delegations_comment_during_the_review_and_observers_cannot(pipeline):
    p = pipeline
    paper = service.create_paper(p.coordinator, p.area, PLAN)
    upload_pdf(p, paper)
    service.submit(p.coordinator, paper)
    assert "under SWG review" in refused(service.add_comment, p.member, paper, "Too early")["text"]
    service.start_review(p.officer, paper)
    mine = service.add_comment(p.member, paper, "  We support the plan.  ")
    assert (mine.text, mine.delegation_id, mine.author_id) == ("We support the plan.", p.member.delegation_id,
                                                               p.member.id)
    assert "member states" in refused(service.add_comment, p.observer, paper, "We too")["text"]
    assert "text" in refused(service.add_comment, p.member, paper, "")
    theirs = service.add_comment(p.other_coordinator, paper, "Please add a workshop.")
    assert db.session.scalar(select(func.count(CbmPaperComment.id))) == 2
    # The coordinator and the Secretariat read every comment; a delegation its own.
    assert [c.id for c in service.comments_for(p.coordinator, paper)] == [mine.id, theirs.id]
    assert [c.id for c in service.comments_for(p.officer, paper)] == [mine.id, theirs.id]
    assert [c.id for c in service.comments_for(p.member, paper)] == [mine.id]
    assert [c.id for c in service.comments_for(p.other_coordinator, paper)] == [theirs.id]


def test_readable_papers_and_the_coordinators_draft_files(pipeline):
    p = pipeline
    draft = service.create_paper(p.coordinator, p.area, CONCEPT)
    version = upload_pdf(p, draft)
    plan = reviewed(p)
    assert [x.id for x in service.readable_papers(p.coordinator, p.area)] == [draft.id, plan.id]
    assert [x.id for x in service.readable_papers(p.member, p.area)] == [plan.id]
    assert service.readable_papers(p.observer, p.area) == []
    assert service.draft_file(p.coordinator, draft, version.id).language == "en"
    assert service.draft_file(p.member, draft, version.id) is None
    assert service.draft_file(p.other_coordinator, draft, version.id) is None
    assert service.draft_file(p.coordinator, plan, version.id) is None  # not this paper's file
