"""States, memberships and delegations services: the rules refuse bad data
and write nothing; good data is written with its audit entries."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import (
    Membership,
    MembershipStatus,
    State,
    StateKind,
)
from secretariat_app.accounts.services import delegations as delegation_service
from secretariat_app.accounts.services import states as state_service
from secretariat_app.accounts.services.states import MembershipData, StateData
from secretariat_app.audit.models import AuditEntry
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from tests.factories import MembershipFactory, StateFactory, officer


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _fields(error: RuleViolations) -> set[str]:
    return {v.field for v in error.violations}


def _codes(states) -> set[str]:
    return {s.code for s in states}


# Who held which status -----------------------------------------------------

def test_members_and_observers_in_2015(reference):
    on = state_service.statuses_on(date(2015, 6, 1))
    assert len(on[MembershipStatus.MEMBER]) == 26
    assert len(on[MembershipStatus.OBSERVER]) == 11
    assert "LKA" in _codes(on[MembershipStatus.OBSERVER])
    assert "KWT" not in _codes(on[MembershipStatus.MEMBER])
    assert "KWT" in _codes(state_service.states_without_status_on(date(2015, 6, 1)))


def test_members_in_2023_include_sri_lanka_and_kuwait(reference):
    on = state_service.statuses_on(date(2023, 1, 1))
    members = _codes(on[MembershipStatus.MEMBER])
    assert len(members) == 28
    assert {"LKA", "KWT"} <= members
    assert "LKA" not in _codes(on[MembershipStatus.OBSERVER])


def test_status_changes_on_the_boundary_day(reference):
    last_observer_day = state_service.statuses_on(date(2018, 6, 30))
    first_member_day = state_service.statuses_on(date(2018, 7, 1))
    assert "LKA" in _codes(last_observer_day[MembershipStatus.OBSERVER])
    assert "LKA" in _codes(first_member_day[MembershipStatus.MEMBER])


# States --------------------------------------------------------------------

def test_create_state_normalises_and_audits(app_ctx):
    actor = officer()
    state = state_service.create_state(
        actor, StateData(code=" kwt ", iso2="kw", name_en=" Kuwait ", name_ru="Кувейт"))
    assert (state.code, state.iso2, state.name_en) == ("KWT", "KW", "Kuwait")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "state.create"))
    assert entry.actor_id == actor.id and entry.object_id == str(state.id)
    assert entry.before is None and entry.after["code"] == "KWT" and entry.after["kind"] == "state"


@pytest.mark.parametrize("data,field", [
    (StateData(code="K", name_en="A", name_ru="Б"), "code"),
    (StateData(code="TOOLONGCODE", name_en="A", name_ru="Б"), "code"),
    (StateData(code="K1", name_en="A", name_ru="Б"), "code"),
    (StateData(code="ABC", iso2="K", name_en="A", name_ru="Б"), "iso2"),
    (StateData(code="ABC", iso2="K1", name_en="A", name_ru="Б"), "iso2"),
    (StateData(code="ABC", name_en=" ", name_ru="Б"), "name_en"),
    (StateData(code="ABC", name_en="A", name_ru=""), "name_ru"),
    (StateData(code="ABC", name_en="A" * 121, name_ru="Б"), "name_en"),
])
def test_create_state_refuses_bad_data(app_ctx, data, field):
    with pytest.raises(RuleViolations) as caught:
        state_service.create_state(None, data)
    assert field in _fields(caught.value)
    assert _count(State) == 0 and _count(AuditEntry) == 0


def test_organisation_without_iso_code(app_ctx):
    state = state_service.create_state(
        None, StateData(code="SCO", kind=StateKind.ORGANISATION, iso2="", name_en="SCO", name_ru="ШОС"))
    assert state.iso2 is None and state.kind is StateKind.ORGANISATION


def test_codes_are_unique(app_ctx):
    StateFactory(code="KAZ")
    other = StateFactory(code="KGZ")
    with pytest.raises(RuleViolations) as caught:
        state_service.create_state(None, StateData(code="kaz", name_en="A", name_ru="Б"))
    assert _fields(caught.value) == {"code"}
    with pytest.raises(RuleViolations):
        state_service.update_state(None, other, StateData(code="KAZ", name_en="A", name_ru="Б"))
    db.session.rollback()
    assert db.session.get(State, other.id).code == "KGZ"
    assert _count(AuditEntry) == 0


def test_update_state_records_before_and_after(app_ctx):
    state = StateFactory(code="TUR", name_en="Turkey", name_ru="Турция")
    state_service.update_state(None, state, StateData(code="TUR", iso2="TR", name_en="Türkiye", name_ru="Турция"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "state.update"))
    assert entry.before["name_en"] == "Turkey" and entry.after["name_en"] == "Türkiye"
    assert entry.before["iso2"] is None and entry.after["iso2"] == "TR"
    # Saving the same values again is no change and writes no entry.
    state_service.update_state(None, state, StateData(code="TUR", iso2="TR", name_en="Türkiye", name_ru="Турция"))
    assert _count(AuditEntry) == 1


# Memberships ---------------------------------------------------------------

def test_first_membership_creates_the_delegation(app_ctx):
    state = StateFactory(code="AZE")
    membership = state_service.add_membership(
        officer(), state, MembershipData(MembershipStatus.MEMBER, date(1999, 9, 14), note="Founding member"))
    assert membership.id is not None
    delegation = delegation_service.delegation_of(state)
    assert delegation is not None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert actions == {"membership.create", "delegation.create"}
    # A second period does not make a second delegation.
    state_service.update_membership(None, membership, MembershipData(
        MembershipStatus.MEMBER, date(1999, 9, 14), date(2009, 12, 31), "Founding member"))
    state_service.add_membership(None, state, MembershipData(MembershipStatus.OBSERVER, date(2010, 1, 1)))
    assert _count(Delegation) == 1 and _count(Membership) == 2


def test_end_before_start_is_refused(app_ctx):
    state = StateFactory()
    with pytest.raises(RuleViolations) as caught:
        state_service.add_membership(None, state, MembershipData(
            MembershipStatus.MEMBER, date(2020, 1, 1), date(2019, 12, 31)))
    assert _fields(caught.value) == {"valid_to"}
    assert _count(Membership) == 0 and _count(Delegation) == 0 and _count(AuditEntry) == 0


def test_overlapping_periods_of_one_state_are_refused(app_ctx):
    existing = MembershipFactory(status=MembershipStatus.OBSERVER, valid_from=date(2002, 6, 4),
                                 valid_to=date(2018, 6, 30))
    state = existing.state
    with pytest.raises(RuleViolations) as caught:
        state_service.add_membership(None, state, MembershipData(MembershipStatus.MEMBER, date(2018, 6, 30)))
    assert _fields(caught.value) == {"valid_from"}
    assert "2002-06-04" in caught.value.violations[0].render()
    assert _count(Membership) == 1 and _count(AuditEntry) == 0
    # The day after is fine; another state's periods do not count.
    state_service.add_membership(None, state, MembershipData(MembershipStatus.MEMBER, date(2018, 7, 1)))
    MembershipFactory(valid_from=date(2010, 1, 1))
    assert _count(Membership) == 3


def test_update_membership_checks_the_other_periods_only(app_ctx):
    first = MembershipFactory(status=MembershipStatus.OBSERVER, valid_from=date(2002, 6, 4),
                              valid_to=date(2018, 6, 30))
    second = MembershipFactory(state=first.state, valid_from=date(2018, 7, 1))
    # Changing a period against itself is no overlap.
    state_service.update_membership(None, second, MembershipData(
        MembershipStatus.MEMBER, date(2018, 7, 1), None, "Admitted in 2018"))
    with pytest.raises(RuleViolations) as caught:
        state_service.update_membership(None, second, MembershipData(MembershipStatus.MEMBER, date(2018, 1, 1)))
    assert _fields(caught.value) == {"valid_from"}
    assert db.session.get(Membership, second.id).valid_from == date(2018, 7, 1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "membership.update"))
    assert entry.before["note"] == "" and entry.after["note"] == "Admitted in 2018"
    assert _count(AuditEntry) == 1


# Delegations ---------------------------------------------------------------

def test_create_delegation_needs_a_membership_and_only_one(app_ctx):
    state = StateFactory()
    with pytest.raises(RuleViolations) as caught:
        delegation_service.create_delegation(None, state)
    assert _fields(caught.value) == {"state"}
    MembershipFactory(state=state)
    delegation = delegation_service.create_delegation(None, state)
    assert delegation.state_id == state.id
    with pytest.raises(RuleViolations):
        delegation_service.create_delegation(None, state)
    assert _count(Delegation) == 1
    assert [e.action for e in db.session.scalars(select(AuditEntry))] == ["delegation.create"]


def test_delegations_overview(reference):
    rows = {row.delegation.state.code: row for row in delegation_service.delegations_overview(date(2015, 6, 1))}
    assert len(rows) == 38
    assert rows["LKA"].status is MembershipStatus.OBSERVER
    assert rows["KWT"].status is None
    assert rows["KAZ"].user_count == 0
    assert delegation_service.states_without_delegation() == []
