"""The staff register pages: who may use them, the list, and the form's refusals."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.staff import Position, StaffAppointment
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.audit_counts import entries_about
from tests.conftest import post_form
from tests.factories import StaffAppointmentFactory, delegate, officer
from tests.form_errors import error_fields
from tests.reference import state


def rows() -> int:
    return db.session.scalar(select(func.count(StaffAppointment.id)))


def staff_audit() -> list[AuditEntry]:
    return entries_about("staff_appointment")


def form(**overrides) -> dict[str, str]:
    values = {
        "person_name": "Aliya Nurlanovna",
        "position": "professional",
        "post_title": "",
        "nationality": str(state("KAZ").id),
        "seconding_state": str(state("KAZ").id),
        "starts_on": "2024-01-01",
        "ends_on": "",
        "appointing_body": "",
        "decision_reference": "",
    }
    values.update(overrides)
    return values


@pytest.fixture
def appointment(reference):
    kaz = state("KAZ")
    return StaffAppointmentFactory(person_name="Existing Counsellor", nationality=kaz, seconding_state=kaz)


# Who may use the pages -----------------------------------------------------

def urls(appointment) -> list[str]:
    return ["/admin/staff", "/admin/staff/new", f"/admin/staff/{appointment.id}/edit"]


def test_anonymous_is_sent_to_log_in(client, appointment):
    for url in urls(appointment):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/auth/login" in response.headers["Location"]


def test_a_delegate_is_refused(client, login, appointment):
    login(delegate())
    for url in urls(appointment):
        assert client.get(url).status_code == 403, url
    response = post_form(client, "/admin/staff/new", form(), page="/auth/password")
    assert response.status_code == 403
    assert rows() == 1


def test_unknown_appointment_is_not_found(client, login, reference):
    login(officer())
    assert client.get("/admin/staff/999999/edit").status_code == 404


# The list ------------------------------------------------------------------

def test_list_shows_current_holders_before_past_ones_with_dated_titles(client, login, reference):
    kaz, chn = state("KAZ"), state("CHN")
    StaffAppointmentFactory(person_name="Former Director", position=Position.EXECUTIVE_DIRECTOR,
                            nationality=chn, seconding_state=None,
                            starts_on=date(2018, 1, 1), ends_on=date(2022, 10, 12))
    StaffAppointmentFactory(person_name="Present Secretary", position=Position.EXECUTIVE_DIRECTOR,
                            nationality=kaz, seconding_state=None, starts_on=date(2022, 10, 13))
    login(officer())
    page = client.get("/admin/staff").get_data(as_text=True)
    assert page.index("Present Secretary") < page.index("Former Director")
    current, past = page.split("Former staff")
    assert "Secretary General" in current and "Executive Director</td>" not in current
    assert "<td>Executive Director</td>" in past
    assert "Executive Director / Secretary General" in page  # the position label
    assert "/admin/staff/new" in page


def test_empty_register_says_so(client, login, reference):
    login(officer())
    page = client.get("/admin/staff").get_data(as_text=True)
    assert "Nobody holds a post today." in page


# Creating and editing ------------------------------------------------------

def test_officer_creates_an_appointment(client, login, reference):
    actor = officer()
    login(actor)
    response = post_form(client, "/admin/staff/new", form(decision_reference="SOC/2023/7"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/staff")
    page = client.get("/admin/staff").get_data(as_text=True)
    assert "has been saved" in page and "Aliya Nurlanovna" in page and "SOC/2023/7" in page
    [entry] = staff_audit()
    assert entry.action == "staff.create" and entry.actor_id == actor.id
    assert entry.before is None and entry.after["person_name"] == "Aliya Nurlanovna"


def test_deputy_without_an_end_gets_three_years(client, login, reference):
    login(officer())
    response = post_form(client, "/admin/staff/new",
                         form(position="deputy_executive_director", seconding_state="", starts_on="2023-03-01"))
    assert response.status_code == 302
    assert db.session.scalar(select(StaffAppointment.ends_on)) == date(2026, 2, 28)


def test_edit_form_shows_the_current_values(client, login, appointment):
    login(officer())
    page = client.get(f"/admin/staff/{appointment.id}/edit").get_data(as_text=True)
    assert 'value="Existing Counsellor"' in page
    assert 'value="2024-01-01"' in page
    assert re.search(rf'<option selected value="{state("KAZ").id}">KAZ', page)


def test_officer_edits_an_appointment(client, login, appointment):
    actor = officer()
    login(actor)
    url = f"/admin/staff/{appointment.id}/edit"
    response = post_form(client, url, form(person_name="Existing Counsellor", ends_on="2026-06-30"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(StaffAppointment, appointment.id).ends_on == date(2026, 6, 30)
    [entry] = staff_audit()
    assert (entry.action, entry.object_id, entry.actor_id) == ("staff.update", str(appointment.id), actor.id)
    assert entry.before["ends_on"] is None and entry.after["ends_on"] == "2026-06-30"


# Refusals: a field error, status 200, nothing saved ------------------------

REFUSALS = {
    "deputy longer than three years": (
        dict(position="deputy_executive_director", seconding_state="", starts_on="2023-03-01", ends_on="2026-03-01"),
        "ends_on", "serves a term of three years",
    ),
    "end before start": (dict(ends_on="2023-12-31"), "ends_on", "must be after the start date"),
    "professional not seconded": (dict(seconding_state=""), "seconding_state", "seconded by a member state"),
    "seconded by an observer": (
        dict(seconding_state="JPN"), "seconding_state", "not a member state on the start date",
    ),
    "support from an observer": (
        dict(position="support", seconding_state="", nationality="JPN"), "nationality", "nationals of a member state",
    ),
    "support seconded": (dict(position="support"), "seconding_state", "Only professional staff"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_rule_refusals_show_a_field_error_and_save_nothing(client, login, appointment, case):
    overrides, field, message = REFUSALS[case]
    overrides = {k: str(state(v).id) if v in {"JPN"} else v for k, v in overrides.items()}
    login(officer())
    response = post_form(client, "/admin/staff/new", form(person_name="Refused Person", **overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_fields(page) == [field]
    assert message in page
    assert rows() == 1 and staff_audit() == []


def test_a_second_secretary_general_is_refused(client, login, reference):
    StaffAppointmentFactory(person_name="Present Secretary", position=Position.EXECUTIVE_DIRECTOR,
                            nationality=state("KAZ"), seconding_state=None, starts_on=date(2022, 10, 13))
    login(officer())
    response = post_form(client, "/admin/staff/new",
                         form(position="executive_director", seconding_state="", starts_on="2025-01-01"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_fields(page) == ["starts_on"]
    assert "Another person holds this post from 2022-10-13" in page
    assert rows() == 1 and staff_audit() == []


def test_a_refused_edit_changes_nothing(client, login, appointment):
    login(officer())
    url = f"/admin/staff/{appointment.id}/edit"
    response = post_form(client, url, form(person_name="Renamed", seconding_state=str(state("JPN").id)))
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == ["seconding_state"]
    db.session.expire_all()
    assert db.session.get(StaffAppointment, appointment.id).person_name == "Existing Counsellor"
    assert staff_audit() == []


@pytest.mark.parametrize(
    "overrides, field",
    [
        (dict(person_name=""), "person_name"),
        (dict(starts_on="not a date"), "starts_on"),
        (dict(position="chief"), "position"),
        (dict(nationality=""), "nationality"),
        (dict(nationality="abc"), "nationality"),
    ],
)
def test_malformed_input_shows_a_field_error(client, login, reference, overrides, field):
    login(officer())
    response = post_form(client, "/admin/staff/new", form(**overrides))
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == [field]
    assert rows() == 0
