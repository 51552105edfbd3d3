"""The path of a concept paper or an action plan, as rules on plain values.

    draft --submit--> submitted --start review--> under SWG review --approve--> approved
      ^                   |                              |                          |
      +----return for revision (reason required) --------+        a later approval of the
                                                                   same kind: superseded

- The coordinator submits a draft once it has at least one language file.
- The Secretariat puts a submitted paper to the SWG (the document is circulated
  to the member delegations); member delegations comment during the review.
- The SOC approves a reviewed paper by an adopted decision, taken after the
  paper was submitted; nothing is approved without SWG review.
- The Secretariat returns a submitted or reviewed paper to the coordinator,
  giving the reason; it is a draft again.
- Only a draft is edited; an approved paper stays as approved and is replaced
  by a new paper, whose approval supersedes it.

Statuses are the values of cbm.models.PaperStatus; nothing here touches Flask or
the database."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from secretariat_app.domain.violations import N_, Violation

DRAFT, SUBMITTED, UNDER_REVIEW, APPROVED, SUPERSEDED = (
    "draft", "submitted", "under_swg_review", "approved", "superseded")
STEPS = (DRAFT, SUBMITTED, UNDER_REVIEW, APPROVED, SUPERSEDED)
REASON_MAX = 2000
COMMENT_MAX = 5000
APPOINTING_BODY = "SOC"


class Action(enum.Enum):
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    APPROVE = "approve"
    RETURN = "return"


# Where each action may start, and where it leads.
TRANSITIONS: dict[Action, tuple[frozenset[str], str]] = {
    Action.SUBMIT: (frozenset({DRAFT}), SUBMITTED),
    Action.START_REVIEW: (frozenset({SUBMITTED}), UNDER_REVIEW),
    Action.APPROVE: (frozenset({UNDER_REVIEW}), APPROVED),
    Action.RETURN: (frozenset({SUBMITTED, UNDER_REVIEW}), DRAFT),
}

_FINISHED = N_("This paper has been approved already; a new version is a new paper, whose approval supersedes it.")
_REPLACED = N_("This paper has been superseded by a later approved paper and stays as it was.")

# Why an action is refused from a status: each skip and repetition named.
REFUSALS: dict[tuple[Action, str], str] = {
    (Action.SUBMIT, SUBMITTED): N_("This paper has been submitted already and awaits the SWG review."),
    (Action.SUBMIT, UNDER_REVIEW): N_("This paper is under SWG review already."),
    (Action.SUBMIT, APPROVED): _FINISHED,
    (Action.SUBMIT, SUPERSEDED): _REPLACED,
    (Action.START_REVIEW, DRAFT): N_("The coordinator has not submitted this paper: a draft goes to the SWG "
                                     "only once submitted."),
    (Action.START_REVIEW, UNDER_REVIEW): N_("This paper is under SWG review already."),
    (Action.START_REVIEW, APPROVED): _FINISHED,
    (Action.START_REVIEW, SUPERSEDED): _REPLACED,
    (Action.APPROVE, DRAFT): N_("A draft cannot be approved: the coordinator submits it and the SWG reviews it "
                               "first."),
    (Action.APPROVE, SUBMITTED): N_("The SWG has not reviewed this paper: put it to the SWG review before the SOC "
                                    "approves it."),
    (Action.APPROVE, APPROVED): N_("This paper has been approved already."),
    (Action.APPROVE, SUPERSEDED): _REPLACED,
    (Action.RETURN, DRAFT): N_("This paper is a draft already: the coordinator is working on it."),
    (Action.RETURN, APPROVED): N_("An approved paper is not returned: the coordinator drafts a new paper, whose "
                                  "approval supersedes this one."),
    (Action.RETURN, SUPERSEDED): _REPLACED,
}


def refusal(action: Action, status: str) -> Violation | None:
    """Why `action` may not be taken on a paper in `status` (None: it may)."""
    allowed, _ = TRANSITIONS[action]
    if status in allowed:
        return None
    return Violation("status", REFUSALS.get((action, status), N_("This step is not possible now.")))


def next_status(action: Action, status: str) -> str:
    """The status `action` leads to; ValueError when it is refused."""
    if refusal(action, status) is not None:
        raise ValueError(f"{action.value} is not possible from {status}")
    return TRANSITIONS[action][1]


# The rules of each step ---------------------------------------------------------------------------

def check_submit(status: str, languages: set[str]) -> list[Violation]:
    """A draft with at least one language file."""
    refused = refusal(Action.SUBMIT, status)
    if refused is not None:
        return [refused]
    if not languages:
        return [Violation("file", N_("Upload the paper in English or Russian (at least one language) before "
                                     "submitting it."))]
    return []


@dataclass(frozen=True)
class DecisionFacts:
    reference: str
    body_code: str
    adopted: bool
    adopted_on: date | None


def check_approval(status: str, decision: DecisionFacts | None, submitted_on: date | None) -> list[Violation]:
    """A paper under SWG review, approved by an adopted SOC decision taken on or after its submission."""
    refused = refusal(Action.APPROVE, status)
    if refused is not None:
        return [refused]
    if decision is None:
        return [Violation("decision_id", N_("Choose the adopted SOC decision that approves the paper."))]
    if decision.body_code != APPOINTING_BODY:
        return [Violation("decision_id", N_("%(ref)s is a decision of the %(body)s; the SOC approves concept "
                                            "papers and action plans."),
                          {"ref": decision.reference, "body": decision.body_code})]
    if not decision.adopted or decision.adopted_on is None:
        return [Violation("decision_id", N_("%(ref)s has not been adopted."), {"ref": decision.reference})]
    if submitted_on is not None and decision.adopted_on < submitted_on:
        return [Violation("decision_id", N_("%(ref)s was adopted on %(day)s, before the paper was submitted "
                                            "(%(submitted)s): it cannot approve it."),
                          {"ref": decision.reference, "day": decision.adopted_on.isoformat(),
                           "submitted": submitted_on.isoformat()})]
    return []


def check_reason(reason: str) -> list[Violation]:
    if not reason:
        return [Violation("reason", N_("Give the reason, so that the coordinator knows what to revise."))]
    if len(reason) > REASON_MAX:
        return [Violation("reason", N_("Use at most %(n)d characters."), {"n": REASON_MAX})]
    return []


def check_return(status: str, reason: str) -> list[Violation]:
    refused = refusal(Action.RETURN, status)
    return [refused] if refused is not None else check_reason(reason)


_NOT_EDITABLE = {
    SUBMITTED: N_("This paper has been submitted: it is changed only if the Secretariat returns it for revision."),
    UNDER_REVIEW: N_("This paper is under SWG review: it is changed only if the Secretariat returns it for "
                     "revision."),
    APPROVED: N_("An approved paper cannot be edited: it stays as the SOC approved it. Draft a new paper "
                 "instead."),
    SUPERSEDED: _REPLACED,
}


def check_edit(status: str, field: str = "status") -> list[Violation]:
    """Only a draft (new, or returned for revision) is edited and gets new files."""
    message = _NOT_EDITABLE.get(status)
    return [Violation(field, message)] if message else []


def may_edit(status: str) -> bool:
    return not check_edit(status)


def check_period(is_action_plan: bool, start: date | None, end: date | None) -> list[Violation]:
    """An action plan covers a period (start and end); a concept paper has none."""
    if not is_action_plan:
        return []
    violations = []
    if start is None:
        violations.append(Violation("period_start", N_("An action plan covers a period: give its first day.")))
    if end is None:
        violations.append(Violation("period_end", N_("An action plan covers a period: give its last day.")))
    if start is not None and end is not None and end < start:
        violations.append(Violation("period_end", N_("The period cannot end before it starts.")))
    return violations


def check_comment(status: str, delegation_is_member: bool, text: str) -> list[Violation]:
    """Member delegations comment during the SWG review only."""
    if status != UNDER_REVIEW:
        return [Violation("text", N_("Comments are taken while the paper is under SWG review."))]
    if not delegation_is_member:
        return [Violation("text", N_("Only delegations of member states comment in the SWG review."))]
    if not text:
        return [Violation("text", N_("Write the comment."))]
    if len(text) > COMMENT_MAX:
        return [Violation("text", N_("Use at most %(n)d characters."), {"n": COMMENT_MAX})]
    return []


@dataclass(frozen=True)
class PaperFacts:
    key: int
    area_key: int
    kind: str
    status: str


def superseded_by_approval(approved: PaperFacts, others: list[PaperFacts]) -> list[int]:
    """The papers the approval of `approved` supersedes: the area's approved papers of the same kind."""
    return [p.key for p in others
            if p.key != approved.key and p.area_key == approved.area_key and p.kind == approved.kind
            and p.status == APPROVED]


# The step indicator --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    status: str
    state: str  # "done", "current" or "todo"


def progress(status: str) -> list[Step]:
    """Draft, submitted, under SWG review and approved, each done, current or still to
    come; superseded is shown as a fifth step only for a superseded paper."""
    steps = STEPS if status == SUPERSEDED else STEPS[:-1]
    here = STEPS.index(status)
    return [Step(s, "done" if i < here else "current" if i == here else "todo") for i, s in enumerate(steps)]
