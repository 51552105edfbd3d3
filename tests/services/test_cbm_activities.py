"""Planning activities on an action plan: dates inside the plan's period, a
member responsible state, audited changes, and an activity kept as planned
once its implementation is reported."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import ActivityType, CbmActivity, PaperKind, PaperStatus
from secretariat_app.cbm.services.activities import (
    ActivityData,
    create_activity,
    delete_activity,
    update_activity,
)
from secretariat_app.domain.cbm_reports import StateConflict
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from tests import cbm_builders as build


@pytest.fixture
def cast(app_ctx):
    return build.cbm_cast()


def data(cast, **overrides) -> ActivityData:
    values = dict(title_en="Seminar on SMEs", title_ru="Семинар по МСП", activity_type=ActivityType.SEMINAR,
                  planned_start=date(2026, 5, 10), planned_end=date(2026, 5, 11), venue="Astana",
                  host_state_id=None, responsible_state_id=cast.coordinator.delegation.state_id)
    values.update(overrides)
    return ActivityData(**values)


def activities() -> int:
    return db.session.scalar(select(func.count(CbmActivity.id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def refused(error) -> dict[str, str]:
    return {v.field: v.render() for v in error.value.violations}


def test_a_coordinator_plans_an_activity(cast):
    activity = create_activity(cast.coordinator, cast.plan, data(cast, host_state_id=build.member_state().id))
    db.session.expire_all()
    saved = db.session.get(CbmActivity, activity.id)
    assert (saved.title_en, saved.activity_type, saved.planned_start, saved.venue) == (
        "Seminar on SMEs", ActivityType.SEMINAR, date(2026, 5, 10), "Astana")
    assert saved.created_by_id == cast.coordinator.id and saved.host_state_id is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cbm_activity.create"))
    assert entry.actor_id == cast.coordinator.id and entry.after["planned_start"] == "2026-05-10"


def test_one_title_is_enough_and_none_is_refused(cast):
    create_activity(cast.officer, cast.plan, data(cast, title_en="", title_ru="Семинар"))
    with pytest.raises(RuleViolations) as error:
        create_activity(cast.officer, cast.plan, data(cast, title_en=" ", title_ru=""))
    assert "title_en" in refused(error)
    assert activities() == 1


def test_dates_outside_the_plan_period_are_refused_naming_it(cast):
    with pytest.raises(RuleViolations) as error:
        create_activity(cast.coordinator, cast.plan, data(cast, planned_start=date(2028, 3, 1),
                                                          planned_end=date(2028, 3, 2)))
    assert not isinstance(error.value, StateConflict)
    assert "2025-01-01 to 2027-12-31" in refused(error)["planned_start"]
    assert activities() == 0 and audit_actions() == []


def test_the_responsible_state_must_be_a_member_on_the_planned_start(cast):
    observer = build.member_state(MembershipStatus.OBSERVER)
    with pytest.raises(RuleViolations) as error:
        create_activity(cast.coordinator, cast.plan, data(cast, responsible_state_id=observer.id))
    assert f"{observer.name_en} is not a member state on 2026-05-10" in refused(error)["responsible_state"]
    joined_later = build.member_state(since=date(2026, 6, 1))
    with pytest.raises(RuleViolations):
        create_activity(cast.coordinator, cast.plan, data(cast, responsible_state_id=joined_later.id))
    assert activities() == 0


def test_a_superseded_plan_is_a_conflict_and_a_plan_in_preparation_is_fine(cast):
    old = build.paper(cast.area, status=PaperStatus.SUPERSEDED)
    with pytest.raises(StateConflict):
        create_activity(cast.coordinator, old, data(cast))
    draft = build.paper(cast.area, status=PaperStatus.DRAFT)
    create_activity(cast.coordinator, draft, data(cast))
    concept = build.paper(cast.area, kind=PaperKind.CONCEPT_PAPER)
    with pytest.raises(StateConflict):
        create_activity(cast.coordinator, concept, data(cast))
    assert activities() == 1


def test_an_edit_is_audited_with_before_and_after(cast):
    activity = create_activity(cast.coordinator, cast.plan, data(cast))
    update_activity(cast.coordinator, activity, data(cast, venue="Baku", planned_start=date(2026, 6, 1),
                                                     planned_end=date(2026, 6, 1)))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cbm_activity.update"))
    assert (entry.before["venue"], entry.after["venue"]) == ("Astana", "Baku")
    assert entry.after["planned_start"] == "2026-06-01"


def test_a_refused_edit_changes_nothing(cast):
    activity = create_activity(cast.coordinator, cast.plan, data(cast))
    with pytest.raises(RuleViolations):
        update_activity(cast.coordinator, activity, data(cast, planned_end=date(2030, 1, 1), venue="Baku"))
    db.session.expire_all()
    assert db.session.get(CbmActivity, activity.id).venue == "Astana"
    assert "cbm_activity.update" not in audit_actions()


def test_a_reported_activity_can_be_neither_changed_nor_removed(cast):
    activity = create_activity(cast.coordinator, cast.plan, data(cast))
    build.activity_report(activity, build.annual_report(cast.area))
    with pytest.raises(StateConflict) as error:
        update_activity(cast.coordinator, activity, data(cast, venue="Baku"))
    assert "has been reported" in refused(error)["status"]
    with pytest.raises(StateConflict):
        delete_activity(cast.coordinator, db.session.get(CbmActivity, activity.id))
    db.session.expire_all()
    assert db.session.get(CbmActivity, activity.id).venue == "Astana"


def test_an_unreported_activity_is_removed_and_the_removal_audited(cast):
    activity = create_activity(cast.coordinator, cast.plan, data(cast))
    activity_id = activity.id
    delete_activity(cast.officer, activity)
    assert db.session.get(CbmActivity, activity_id) is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cbm_activity.delete"))
    assert entry.object_id == str(activity_id) and entry.before["title_en"] == "Seminar on SMEs"
    assert entry.actor_id == cast.officer.id
