"""The path of a CBM paper as pure rules: each step from where it may start, each
skip and repetition refused with its own reason, and the rules of each step."""
from __future__ import annotations

from datetime import date

import pytest

from secretariat_app.domain import cbm_papers as rules
from secretariat_app.domain.cbm_papers import (
    APPROVED,
    DRAFT,
    STEPS,
    SUBMITTED,
    SUPERSEDED,
    UNDER_REVIEW,
    Action,
    DecisionFacts,
    PaperFacts,
)

ALLOWED = {
    (Action.SUBMIT, DRAFT): SUBMITTED,
    (Action.START_REVIEW, SUBMITTED): UNDER_REVIEW,
    (Action.APPROVE, UNDER_REVIEW): APPROVED,
    (Action.RETURN, SUBMITTED): DRAFT,
    (Action.RETURN, UNDER_REVIEW): DRAFT,
}
REFUSED = [(action, status) for action in Action for status in STEPS if (action, status) not in ALLOWED]
SOC = DecisionFacts("SOC/2026/DEC/4", "SOC", True, date(2026, 6, 27))


@pytest.mark.parametrize("action,status", list(ALLOWED))
def test_each_step_leads_where_it_should(action, status):
    assert rules.refusal(action, status) is None
    assert rules.next_status(action, status) == ALLOWED[(action, status)]


@pytest.mark.parametrize("action,status", REFUSED)
def test_every_other_step_is_refused_with_its_own_reason(action, status):
    refused = rules.refusal(action, status)
    assert refused is not None and refused.field == "status"
    assert refused.message != "This step is not possible now."  # every case is explained
    with pytest.raises(ValueError):
        rules.next_status(action, status)


def test_the_skips_are_named():
    assert "draft cannot be approved" in rules.refusal(Action.APPROVE, DRAFT).message
    assert "SWG has not reviewed" in rules.refusal(Action.APPROVE, SUBMITTED).message
    assert "not submitted" in rules.refusal(Action.START_REVIEW, DRAFT).message
    assert "approved paper is not returned" in rules.refusal(Action.RETURN, APPROVED).message


def test_a_draft_is_submitted_with_a_file_only():
    assert [v.field for v in rules.check_submit(DRAFT, set())] == ["file"]
    assert rules.check_submit(DRAFT, {"ru"}) == []
    assert [v.field for v in rules.check_submit(UNDER_REVIEW, {"en"})] == ["status"]


@pytest.mark.parametrize("decision,submitted,expected", [
    (None, date(2026, 5, 1), "Choose the adopted SOC decision"),
    (DecisionFacts("SWG/2026/DEC/1", "SWG", True, date(2026, 6, 1)), date(2026, 5, 1), "the SOC approves"),
    (DecisionFacts("SOC/2026/DEC/5", "SOC", False, None), date(2026, 5, 1), "has not been adopted"),
    (SOC, date(2026, 7, 1), "before the paper was submitted"),
])
def test_approval_needs_an_adopted_soc_decision_taken_after_submission(decision, submitted, expected):
    violations = rules.check_approval(UNDER_REVIEW, decision, submitted)
    assert len(violations) == 1 and violations[0].field == "decision_id"
    assert expected in violations[0].render()


def test_approval_on_the_day_of_submission_and_only_after_review():
    assert rules.check_approval(UNDER_REVIEW, SOC, date(2026, 6, 27)) == []
    assert [v.field for v in rules.check_approval(SUBMITTED, SOC, date(2026, 6, 1))] == ["status"]
    assert [v.field for v in rules.check_approval(DRAFT, SOC, None)] == ["status"]


def test_returning_needs_a_reason():
    assert [v.field for v in rules.check_return(SUBMITTED, "")] == ["reason"]
    assert [v.field for v in rules.check_return(UNDER_REVIEW, "x" * (rules.REASON_MAX + 1))] == ["reason"]
    assert rules.check_return(UNDER_REVIEW, "Add the budget.") == []
    assert [v.field for v in rules.check_return(DRAFT, "Add the budget.")] == ["status"]


@pytest.mark.parametrize("status", STEPS)
def test_only_a_draft_is_edited(status):
    assert rules.may_edit(status) is (status == DRAFT)
    if status != DRAFT:
        assert [v.field for v in rules.check_edit(status, "file")] == ["file"]
    assert "cannot be edited" in (rules.check_edit(APPROVED)[0].message)


def test_an_action_plan_covers_a_period():
    assert {v.field for v in rules.check_period(True, None, None)} == {"period_start", "period_end"}
    assert [v.field for v in rules.check_period(True, date(2027, 1, 1), date(2026, 12, 31))] == ["period_end"]
    assert rules.check_period(True, date(2026, 1, 1), date(2026, 1, 1)) == []
    assert rules.check_period(False, None, None) == []


def test_member_delegations_comment_during_the_review_only():
    assert rules.check_comment(UNDER_REVIEW, True, "We support it.") == []
    assert "under SWG review" in rules.check_comment(SUBMITTED, True, "We support it.")[0].message
    assert "member states" in rules.check_comment(UNDER_REVIEW, False, "We support it.")[0].message
    assert "Write the comment" in rules.check_comment(UNDER_REVIEW, True, "")[0].message
    assert rules.check_comment(UNDER_REVIEW, True, "x" * (rules.COMMENT_MAX + 1))[0].field == "text"


def test_an_approval_supersedes_the_approved_paper_of_the_same_area_and_kind_only():
    new = PaperFacts(10, 1, "action_plan", APPROVED)
    others = [
        PaperFacts(1, 1, "action_plan", APPROVED),  # superseded
        PaperFacts(2, 1, "concept_paper", APPROVED),  # another kind
        PaperFacts(3, 2, "action_plan", APPROVED),  # another area
        PaperFacts(4, 1, "action_plan", SUPERSEDED),  # already superseded
        PaperFacts(5, 1, "action_plan", DRAFT),  # not approved
        new,
    ]
    assert rules.superseded_by_approval(new, others) == [1]


def test_the_step_indicator():
    assert [(s.status, s.state) for s in rules.progress(SUBMITTED)] == [
        (DRAFT, "done"), (SUBMITTED, "current"), (UNDER_REVIEW, "todo"), (APPROVED, "todo")]
    assert [s.state for s in rules.progress(APPROVED)] == ["done", "done", "done", "current"]
    superseded = rules.progress(SUPERSEDED)
    assert [s.status for s in superseded][-1] == SUPERSEDED and superseded[-1].state == "current"
    assert len(rules.progress(DRAFT)) == 4
