"""The staff register service: facts from the database, rules enforced, rows and audit written."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.staff import Position, StaffAppointment
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.accounts.services.staff import (
    StaffData,
    save_appointment,
    staff_register,
)
from secretariat_app.audit.models import AuditEntry
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from tests.audit_counts import entries_about
from tests.factories import officer


def state_id(code: str) -> int:
    return db.session.scalar(select(State.id).where(State.code == code))


def body_id(code: str) -> int:
    return db.session.scalar(select(Body.id).where(Body.code == code))


def rows() -> int:
    return db.session.scalar(select(func.count(StaffAppointment.id)))


def staff_audit() -> list[AuditEntry]:
    return entries_about("staff_appointment")


def data(position: Position = Position.PROFESSIONAL, **kwargs) -> StaffData:
    values = {
        "person_name": "Aliya Nurlanovna",
        "position": position,
        "nationality_id": state_id("KAZ"),
        "starts_on": date(2024, 1, 1),
        "seconding_state_id": state_id("KAZ") if position == Position.PROFESSIONAL else None,
    }
    values.update(kwargs)
    return StaffData(**values)


def refused(actor, appointment, staff_data) -> list[str]:
    """Fields named by the violations; asserts that nothing was written."""
    before_rows, before_audit = rows(), len(staff_audit())
    with pytest.raises(RuleViolations) as caught:
        save_appointment(actor, appointment, staff_data)
    assert rows() == before_rows
    assert len(staff_audit()) == before_audit
    return [v.field for v in caught.value.violations]


def test_create_writes_the_row_and_an_audit_entry(reference):
    actor = officer()
    saved = save_appointment(actor, None, data(appointing_body_id=body_id("MFA"), decision_reference=" MFA/2024/3 "))
    assert rows() == 1
    assert saved.decision_reference == "MFA/2024/3"
    [entry] = staff_audit()
    assert (entry.action, entry.actor_id, entry.object_id) == ("staff.create", actor.id, str(saved.id))
    assert entry.before is None
    assert entry.after["position"] == "professional"
    assert entry.after["seconding_state_id"] == state_id("KAZ")
    assert entry.after["starts_on"] == "2024-01-01" and entry.after["ends_on"] is None


def test_deputy_term_defaults_to_three_years(reference):
    saved = save_appointment(officer(), None, data(Position.DEPUTY_EXECUTIVE_DIRECTOR, starts_on=date(2023, 3, 1)))
    assert saved.ends_on == date(2026, 2, 28)


def test_deputy_term_longer_than_three_years_is_refused(reference):
    staff_data = data(Position.DEPUTY_EXECUTIVE_DIRECTOR, starts_on=date(2023, 3, 1), ends_on=date(2027, 1, 1))
    assert refused(officer(), None, staff_data) == ["ends_on"]


def test_end_before_start_is_refused(reference):
    assert refused(officer(), None, data(ends_on=date(2023, 12, 31))) == ["ends_on"]


def test_professional_staff_need_a_seconding_state(reference):
    assert refused(officer(), None, data(seconding_state_id=None)) == ["seconding_state"]


def test_an_observer_cannot_second_staff(reference):
    assert refused(officer(), None, data(seconding_state_id=state_id("JPN"))) == ["seconding_state"]


def test_seconding_state_membership_is_checked_on_the_start_date(reference):
    early = data(seconding_state_id=state_id("KWT"), starts_on=date(2022, 10, 12))
    assert refused(officer(), None, early) == ["seconding_state"]
    save_appointment(officer(), None, replace(early, starts_on=date(2022, 10, 13)))
    assert rows() == 1


def test_support_staff_must_be_nationals_of_a_member(reference):
    assert refused(officer(), None, data(Position.SUPPORT, nationality_id=state_id("JPN"))) == ["nationality"]


def test_support_staff_nationality_is_checked_on_the_start_date(reference):
    lanka = data(Position.SUPPORT, nationality_id=state_id("LKA"), starts_on=date(2017, 1, 1))
    assert refused(officer(), None, lanka) == ["nationality"]  # an observer until mid-2018
    save_appointment(officer(), None, replace(lanka, starts_on=date(2019, 1, 1)))
    assert rows() == 1


def test_an_organisation_is_not_a_nationality(reference):
    assert refused(officer(), None, data(Position.SUPPORT, nationality_id=state_id("UN"))) == ["nationality"]


def test_unknown_references_are_refused(reference):
    staff_data = data(nationality_id=999_999, seconding_state_id=999_998, appointing_body_id=999_997)
    assert sorted(refused(officer(), None, staff_data)) == ["appointing_body", "nationality", "seconding_state"]


@pytest.mark.parametrize("position", [Position.EXECUTIVE_DIRECTOR, Position.DEPUTY_EXECUTIVE_DIRECTOR])
def test_two_people_cannot_hold_a_single_post_at_once(reference, position):
    actor = officer()
    save_appointment(actor, None, data(position, starts_on=date(2022, 10, 13), ends_on=date(2025, 10, 12)))
    clash = data(position, person_name="Someone Else", starts_on=date(2025, 10, 12))
    assert refused(actor, None, clash) == ["starts_on"]
    save_appointment(actor, None, replace(clash, starts_on=date(2025, 10, 13)))
    assert rows() == 2


def test_professional_staff_may_serve_side_by_side(reference):
    save_appointment(officer(), None, data())
    save_appointment(officer(), None, data(person_name="Second diplomat", seconding_state_id=state_id("CHN")))
    assert rows() == 2


def test_update_checks_overlap_against_the_others_only(reference):
    actor = officer()
    first = save_appointment(actor, None, data(Position.EXECUTIVE_DIRECTOR, ends_on=date(2024, 12, 31)))
    second = save_appointment(actor, None,
                              data(Position.EXECUTIVE_DIRECTOR, person_name="Next", starts_on=date(2025, 1, 1)))
    # Moving its own dates is fine; running into the next term is not.
    save_appointment(actor, first, data(Position.EXECUTIVE_DIRECTOR, ends_on=date(2024, 12, 30)))
    assert refused(actor, first, data(Position.EXECUTIVE_DIRECTOR, ends_on=date(2025, 1, 1))) == ["starts_on"]
    assert db.session.get(StaffAppointment, first.id).ends_on == date(2024, 12, 30)
    assert db.session.get(StaffAppointment, second.id).starts_on == date(2025, 1, 1)


def test_update_records_before_and_after(reference):
    actor = officer()
    appointment = save_appointment(actor, None, data())
    save_appointment(actor, appointment, data(ends_on=date(2026, 12, 31), post_title="Counsellor"))
    entry = staff_audit()[-1]
    assert (entry.action, entry.object_id) == ("staff.update", str(appointment.id))
    assert entry.before["ends_on"] is None and entry.before["post_title"] == ""
    assert entry.after["ends_on"] == "2026-12-31" and entry.after["post_title"] == "Counsellor"


def test_saving_without_a_change_records_nothing(reference):
    actor = officer()
    appointment = save_appointment(actor, None, data())
    save_appointment(actor, appointment, data())
    assert [e.action for e in staff_audit()] == ["staff.create"]


def test_register_splits_current_upcoming_and_past(reference):
    actor = officer()
    make = lambda position, name, start, end=None, **kw: save_appointment(  # noqa: E731
        actor, None, data(position, person_name=name, starts_on=start, ends_on=end, **kw))
    make(Position.EXECUTIVE_DIRECTOR, "Old ED", date(2018, 1, 1), date(2022, 10, 12))
    make(Position.EXECUTIVE_DIRECTOR, "Secretary General", date(2022, 10, 13))
    make(Position.SUPPORT, "Assistant", date(2020, 1, 1))
    make(Position.PROFESSIONAL, "Counsellor", date(2023, 1, 1))
    make(Position.PROFESSIONAL, "Former counsellor", date(2015, 1, 1), date(2019, 12, 31))
    make(Position.PROFESSIONAL, "Newcomer", date(2025, 3, 1))

    register = staff_register(date(2024, 6, 1))
    assert [a.person_name for a in register.current] == ["Secretary General", "Counsellor", "Assistant"]
    assert [a.person_name for a in register.upcoming] == ["Newcomer"]
    assert [a.person_name for a in register.past] == ["Old ED", "Former counsellor"]
