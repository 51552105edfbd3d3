"""The Catalogue of CBMs: loading it, areas, the appointment of coordinating
states and the users who act as coordinators."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import Role
from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.accounts.services.reference_data import DATA_DIR
from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import (
    CbmArea,
    CbmCoordinator,
    CbmCoordinatorUser,
    CbmDimension,
    CoordinatorRole,
)
from secretariat_app.cbm.services import catalogue as service
from secretariat_app.cbm.services.catalogue import AppointmentData, AreaData
from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import coordinated_area_ids
from tests import cbm_builders as build
from tests.documents_helpers import body
from tests.factories import UserFactory, officer
from tests.forum_day import SUITE_DAY

pytestmark = pytest.mark.usefixtures("steady_forum_day")

TODAY = SUITE_DAY


def soc_decision(reference: str = "SOC/2024/DEC/7", adopted_on: date | None = date(2024, 6, 27),
                 status: DecisionStatus = DecisionStatus.ADOPTED, body_code: str = "SOC") -> Decision:
    decision = Decision(reference=reference, body_id=body(body_code).id, procedure=Procedure.MEETING, status=status,
                        title_en=f"Decision {reference}", title_ru=f"Решение {reference}", adopted_on=adopted_on)
    db.session.add(decision)
    db.session.commit()
    return decision


def refused(call, *args, **kwargs) -> dict[str, str]:
    """The fields and messages of the violations `call` raises."""
    with pytest.raises(RuleViolations) as caught:
        call(*args, **kwargs)
    return {v.field: v.render() for v in caught.value.violations}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


# Loading ------------------------------------------------------------------------------------------------

def test_the_catalogue_loads_five_dimensions_in_rotation_order_and_their_areas(app_ctx):
    report = service.load_catalogue()
    assert report.created == {"cbm dimensions": 5, "cbm areas": 25}
    dimensions = {d.code: d for d in db.session.scalars(select(CbmDimension))}
    rotation = sorted(dimensions.values(), key=lambda d: d.review_order)
    assert [d.code for d in rotation] == ["economic", "new_challenges", "human", "environmental",
                                          "military_political"]
    assert [d.code for d in sorted(dimensions.values(), key=lambda d: d.position)] == [
        "economic", "environmental", "human", "new_challenges", "military_political"]
    assert dimensions["new_challenges"].name("ru") == "Новые вызовы и угрозы"
    assert {a.code for a in dimensions["environmental"].areas} == {
        "sustainable_development", "environment_protection", "natural_disasters"}
    smes = db.session.scalar(select(CbmArea).where(CbmArea.code == "smes"))
    assert smes.name("ru") == "Развитие малого и среднего предпринимательства"
    assert len(audits("cbm_catalogue.load")) == 1


def test_loading_twice_changes_nothing_and_keeps_what_officers_added_or_corrected(app_ctx):
    service.load_catalogue()
    economic = db.session.scalar(select(CbmDimension).where(CbmDimension.code == "economic"))
    added = service.add_area(officer(), AreaData(economic.id, "digital_economy", "Digital economy",
                                                 "Цифровая экономика"))
    media = db.session.scalar(select(CbmArea).where(CbmArea.code == "media"))
    service.rename_area(officer(), media, "Media", "СМИ")
    before = (count(CbmDimension), count(CbmArea), count(AuditEntry))

    report = service.load_catalogue()

    assert not report.changed
    assert (count(CbmDimension), count(CbmArea), count(AuditEntry)) == before
    db.session.expire_all()
    assert db.session.get(CbmArea, added.id).code == "digital_economy"
    assert (media.name_en, media.name_ru) == ("Media", "СМИ")


def test_a_changed_name_in_the_file_updates_the_area(app_ctx, tmp_path):
    service.load_catalogue()
    text = (DATA_DIR / "cbm_catalogue.csv").read_text(encoding="utf-8").replace(",Tourism,", ",Tourism and travel,")
    (tmp_path / "cbm_catalogue.csv").write_text(text, encoding="utf-8")
    report = service.load_catalogue(tmp_path)
    assert report.updated == {"cbm areas": 1} and report.created == {}
    assert db.session.scalar(select(CbmArea.name_en).where(CbmArea.code == "tourism")) == "Tourism and travel"


# Areas ---------------------------------------------------------------------------------------------------

def test_an_officer_adds_an_area_at_the_end_of_its_dimension(app_ctx):
    first = build.area("smes")
    added = service.add_area(officer(), AreaData(first.dimension_id, " Green_Finance ", "Green finance",
                                                 "Зелёное финансирование"))
    assert (added.code, added.position) == ("green_finance", first.position + 1)
    assert audits("cbm_area.create")[0].after["code"] == "green_finance"


@pytest.mark.parametrize("data,field", [
    (lambda d: AreaData(d, "smes", "SMEs again", "МСП"), "code"),
    (lambda d: AreaData(d, "Bad code!", "Name", "Имя"), "code"),
    (lambda d: AreaData(d, "new_area", "Name", ""), "name_ru"),
    (lambda d: AreaData(d, "new_area", "", "Имя"), "name_en"),
    (lambda d: AreaData(None, "new_area", "Name", "Имя"), "dimension_id"),
])
def test_a_bad_area_is_refused_and_nothing_saved(app_ctx, data, field):
    existing = build.area("smes")
    before = (count(CbmArea), count(AuditEntry))
    assert field in refused(service.add_area, officer(), data(existing.dimension_id))
    assert (count(CbmArea), count(AuditEntry)) == before


def test_renaming_needs_both_names_and_is_audited(app_ctx):
    area = build.area("media")
    assert "name_ru" in refused(service.rename_area, officer(), area, "Media", " ")
    service.rename_area(officer(), area, "Mass media", "Средства массовой информации")
    entry = audits("cbm_area.update")[0]
    assert (entry.before["name_en"], entry.after["name_en"]) == ("Area media", "Mass media")


# Appointments ----------------------------------------------------------------------------------------------

@pytest.fixture
def setting(app_ctx):
    area = build.area("smes")
    return area, build.member_state(), soc_decision()


def appointment(state, decision, start=date(2024, 7, 1), end=None, role=CoordinatorRole.COORDINATOR):
    return AppointmentData(state_id=state.id, role=role, term_start=start, term_end=end,
                           decision_id=decision.id if decision else None)


def test_an_appointment_records_the_state_term_and_decision(setting):
    area, state, decision = setting
    row = service.appoint(officer(), area, appointment(state, decision, end=date(2027, 6, 30)))
    assert (row.state_id, row.role, row.term_start, row.term_end, row.decision_id) == (
        state.id, CoordinatorRole.COORDINATOR, date(2024, 7, 1), date(2027, 6, 30), decision.id)
    assert audits("cbm_coordinator.create")[0].after["decision_id"] == decision.id
    assert [c.id for c in service.current_coordinators(area.id, date(2025, 1, 1))] == [row.id]
    assert service.current_coordinators(area.id, date(2027, 7, 1)) == []


def test_an_appointment_needs_an_adopted_soc_decision(setting):
    area, state, _ = setting
    assert "Choose the adopted SOC decision" in refused(service.appoint, None, area, appointment(state, None))[
        "decision_id"]
    swg = soc_decision("SWG/2024/DEC/1", body_code="SWG")
    assert "only the SOC appoints" in refused(service.appoint, None, area, appointment(state, swg))["decision_id"]
    draft = soc_decision("SOC/2024/DEC/9", adopted_on=None, status=DecisionStatus.DRAFT)
    assert "has not been adopted" in refused(service.appoint, None, area, appointment(state, draft))["decision_id"]
    assert count(CbmCoordinator) == 0


def test_only_a_member_on_the_term_start_is_appointed(setting):
    area, _, decision = setting
    observer = build.member_state(MembershipStatus.OBSERVER)
    assert "not a member state" in refused(service.appoint, None, area, appointment(observer, decision))["state_id"]
    newcomer = build.member_state(since=date(2025, 1, 1))
    assert "state_id" in refused(service.appoint, None, area, appointment(newcomer, decision, start=date(2024, 7, 1)))
    service.appoint(None, area, appointment(newcomer, decision, start=date(2025, 1, 1)))
    assert count(CbmCoordinator) == 1


def test_terms_of_one_state_in_one_area_do_not_overlap(setting):
    area, state, decision = setting
    service.appoint(None, area, appointment(state, decision, start=date(2024, 7, 1), end=date(2025, 6, 30)))
    message = refused(service.appoint, None, area, appointment(state, decision, start=date(2025, 6, 30)))["term_start"]
    assert "already coordinates this area from 1 July 2024 to 30 June 2025" in message
    # The next day, another state at the same time, or the same state in another area: fine.
    service.appoint(None, area, appointment(state, decision, start=date(2025, 7, 1)))
    service.appoint(None, area, appointment(build.member_state(), decision, role=CoordinatorRole.CO_COORDINATOR))
    service.appoint(None, build.area("ict"), appointment(state, decision))
    assert count(CbmCoordinator) == 4


def test_a_term_does_not_end_before_it_starts(setting):
    area, state, decision = setting
    assert "term_end" in refused(service.appoint, None, area,
                                 appointment(state, decision, start=date(2024, 7, 1), end=date(2024, 6, 30)))


def test_ending_a_term(setting):
    area, state, decision = setting
    row = service.appoint(None, area, appointment(state, decision, end=date(2027, 6, 30)))
    assert "before it starts" in refused(service.end_term, None, row, date(2024, 6, 1))["term_end"]
    assert "new appointment" in refused(service.end_term, None, row, date(2028, 1, 1))["term_end"]
    service.end_term(officer(), row, date(2025, 12, 31))
    assert row.term_end == date(2025, 12, 31)
    entry = audits("cbm_coordinator.end")[0]
    assert (entry.before["term_end"], entry.after["term_end"]) == ("2027-06-30", "2025-12-31")


# Coordinator users ----------------------------------------------------------------------------------------

def delegate_of(state, **kwargs):
    return UserFactory(roles=[Role.DELEGATE], delegation=build.delegation_of(state), **kwargs)


def test_assigning_a_user_of_the_coordinating_delegation_grants_the_role(setting):
    area, state, decision = setting
    service.appoint(None, area, appointment(state, decision, start=TODAY - timedelta(days=30)))
    user = delegate_of(state)
    assert coordinated_area_ids(user) == frozenset()
    service.assign_coordinator_user(officer(), area, user.id)
    db.session.expire_all()
    assert user.has_role(Role.COORDINATOR) and user.has_role(Role.DELEGATE)
    assert coordinated_area_ids(user) == {area.id}
    assert [a.id for a in service.areas_of_user(user)] == [area.id]
    roles = audits("user.update")[0]
    assert (roles.before, roles.after) == ({"roles": ["delegate"]}, {"roles": ["coordinator", "delegate"]})
    assert audits("cbm_coordinator_user.create")[0].after["user_id"] == user.id


def test_only_users_of_a_state_coordinating_today_are_assigned(setting):
    area, state, decision = setting
    outsider = delegate_of(build.member_state())
    assert "does not belong" in refused(service.assign_coordinator_user, None, area, outsider.id)["user_id"]
    former = build.member_state()
    service.appoint(None, area, appointment(former, decision, start=date(2024, 7, 1), end=TODAY - timedelta(days=1)))
    assert "user_id" in refused(service.assign_coordinator_user, None, area, delegate_of(former).id)
    future = build.member_state()
    service.appoint(None, area, appointment(future, decision, start=TODAY + timedelta(days=1)))
    assert "user_id" in refused(service.assign_coordinator_user, None, area, delegate_of(future).id)
    service.appoint(None, area, appointment(state, decision, start=TODAY))
    inactive = delegate_of(state, active=False)
    assert "user_id" in refused(service.assign_coordinator_user, None, area, inactive.id)
    user = delegate_of(state)
    service.assign_coordinator_user(None, area, user.id)
    assert "already" in refused(service.assign_coordinator_user, None, area, user.id)["user_id"]
    assert count(CbmCoordinatorUser) == 1
    assert [u.id for u in service.eligible_users(area)] == []


def test_revoking_the_last_area_removes_the_role(setting):
    area, state, decision = setting
    other = build.area("ict")
    for a in (area, other):
        service.appoint(None, a, appointment(state, decision, start=TODAY - timedelta(days=1)))
    user = delegate_of(state)
    first = service.assign_coordinator_user(None, area, user.id)
    second = service.assign_coordinator_user(None, other, user.id)
    service.revoke_coordinator_user(officer(), first)
    db.session.expire_all()
    assert user.has_role(Role.COORDINATOR) and coordinated_area_ids(user) == {other.id}
    service.revoke_coordinator_user(officer(), db.session.get(CbmCoordinatorUser, second.id))
    db.session.expire_all()
    assert user.roles == frozenset({Role.DELEGATE}) and count(CbmCoordinatorUser) == 0
    assert audits("user.update")[-1].after == {"roles": ["delegate"]}
    assert len(audits("cbm_coordinator_user.delete")) == 2


def test_a_coordinator_of_another_state_loses_the_area_when_the_term_ends(setting):
    area, state, decision = setting
    row = service.appoint(None, area, appointment(state, decision, start=TODAY - timedelta(days=10)))
    user = delegate_of(state)
    service.assign_coordinator_user(None, area, user.id)
    service.end_term(None, row, TODAY - timedelta(days=1))
    assert coordinated_area_ids(user) == frozenset()
    assert service.coordinator_users(area) == [(db.session.scalar(select(CbmCoordinatorUser)), False)]
