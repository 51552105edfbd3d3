"""Activities planned in an action plan: planning, changing and removing one.

A coordinator of the area or an officer (the route checks who) plans an
activity on an action plan of the area that is not superseded; its planned
dates lie inside the plan's period and its responsible state is a member on
the planned start. An activity whose implementation is reported stays as it
was: the report describes it. Each function checks the rules (RuleViolations,
nothing written), writes the row and its audit entry, and commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NoReturn

from sqlalchemy.exc import IntegrityError

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import State
from secretariat_app.audit import services as audit
from secretariat_app.cbm.models import (
    ActivityType,
    CbmActivity,
    CbmPaper,
    PaperKind,
    PaperStatus,
)
from secretariat_app.domain import cbm_reports as rules
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db

ACTIVITY_FIELDS = ("action_plan_id", "title_en", "title_ru", "activity_type", "planned_start", "planned_end",
                   "venue", "host_state_id", "responsible_state_id")


@dataclass
class ActivityData:
    """What a user submits for one planned activity."""

    title_en: str = ""
    title_ru: str = ""
    activity_type: ActivityType | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    venue: str = ""
    host_state_id: int | None = None
    responsible_state_id: int | None = None


def plan_period(plan: CbmPaper) -> rules.PlanPeriod | None:
    if plan.kind != PaperKind.ACTION_PLAN or plan.period_start is None or plan.period_end is None:
        return None
    return rules.PlanPeriod(plan.period_start, plan.period_end)


def _state(state_id: int | None) -> State | None:
    return db.session.get(State, state_id) if state_id is not None else None


def _check(plan: CbmPaper, data: ActivityData) -> list[Violation]:
    if plan.kind != PaperKind.ACTION_PLAN:
        return [Violation("status", N_("Activities are planned in an action plan, not in a concept paper."))]
    responsible = _state(data.responsible_state_id)
    host = _state(data.host_state_id)
    member = (responsible is not None and data.planned_start is not None
              and responsible.is_member_on(data.planned_start))
    return rules.check_activity(rules.ActivityFacts(
        title_en=data.title_en or "", title_ru=data.title_ru or "",
        type_given=isinstance(data.activity_type, ActivityType),
        planned_start=data.planned_start, planned_end=data.planned_end, venue=data.venue or "",
        period=plan_period(plan), plan_superseded=plan.status == PaperStatus.SUPERSEDED,
        host_state_known=data.host_state_id is None or host is not None,
        responsible_state_name=responsible.name_en if responsible is not None else None,
        responsible_is_member=member,
    ))


def _refuse(violations: list[Violation]) -> NoReturn:
    db.session.rollback()
    if any(v.field == "status" for v in violations):
        raise rules.StateConflict(violations)
    raise RuleViolations(violations)


def _apply(activity: CbmActivity, data: ActivityData) -> None:
    # _check refuses data without them (rules.check_activity)
    assert data.activity_type is not None and data.planned_start is not None and data.planned_end is not None
    assert data.responsible_state_id is not None
    activity.title_en, activity.title_ru = (data.title_en or "").strip(), (data.title_ru or "").strip()
    activity.activity_type = data.activity_type
    activity.planned_start, activity.planned_end = data.planned_start, data.planned_end
    activity.venue = (data.venue or "").strip()
    activity.host_state_id = data.host_state_id
    activity.responsible_state_id = data.responsible_state_id


def create_activity(actor: User | None, plan: CbmPaper, data: ActivityData) -> CbmActivity:
    """Plan an activity on `plan` and commit. Raises RuleViolations (StateConflict
    for a superseded plan), writing nothing."""
    violations = _check(plan, data)
    if violations:
        _refuse(violations)
    activity = CbmActivity(action_plan_id=plan.id, created_by_id=getattr(actor, "id", None))
    _apply(activity, data)
    db.session.add(activity)
    db.session.flush()
    audit.record(actor, "cbm_activity.create", "cbm_activity", activity.id, None,
                 audit.snapshot(activity, ACTIVITY_FIELDS))
    db.session.commit()
    return activity


def _check_changeable(activity: CbmActivity) -> list[Violation]:
    if activity.report is not None:
        return [Violation("status", N_("The implementation of this activity has been reported: the activity "
                                       "stays as it was planned."))]
    return []


def update_activity(actor: User | None, activity: CbmActivity, data: ActivityData) -> CbmActivity:
    """Change a planned activity and commit (audited when something changed).
    Refused once its implementation is reported (StateConflict)."""
    violations = _check_changeable(activity) or _check(activity.action_plan, data)
    if violations:
        _refuse(violations)
    with audit.tracking_changes(actor, "cbm_activity.update", "cbm_activity", activity, ACTIVITY_FIELDS):
        _apply(activity, data)
    db.session.commit()
    return activity


def delete_activity(actor: User | None, activity: CbmActivity) -> None:
    """Remove a planned activity and commit. Refused once its implementation is
    reported, or when its action plan is superseded (StateConflict)."""
    violations = _check_changeable(activity)
    if not violations and activity.action_plan.status == PaperStatus.SUPERSEDED:
        violations = [Violation("status", N_("This action plan has been superseded: its activities are kept as "
                                             "they were."))]
    if violations:
        _refuse(violations)
    before = audit.snapshot(activity, ACTIVITY_FIELDS)
    activity_id = activity.id
    db.session.delete(activity)
    try:
        db.session.flush()
    except IntegrityError:  # an implementation report written meanwhile
        db.session.rollback()
        again = db.session.get(CbmActivity, activity_id)
        assert again is not None  # the delete was rolled back
        raise rules.StateConflict(_check_changeable(again)
                                  or [Violation("status", N_("This activity cannot be removed now."))]) from None
    audit.record(actor, "cbm_activity.delete", "cbm_activity", activity_id, before, None)
    db.session.commit()
