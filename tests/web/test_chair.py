"""The chairmanship ledger pages: who may use them, the ledger and its checks, the form's refusals."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.staff import Position, StaffAppointment
from secretariat_app.decisions.models import Chairmanship
from secretariat_app.decisions.services.chair import (
    ChairmanshipData,
    create_chairmanship,
)
from secretariat_app.extensions import db
from tests.conftest import post_form
from tests.factories import delegate, officer
from tests.form_errors import error_fields
from tests.reference import state


def rows() -> int:
    return db.session.scalar(select(func.count(Chairmanship.id)))


def form(**overrides) -> dict[str, str]:
    values = {"state": str(state("AZE").id), "starts_on": "2024-10-02", "ends_on": "", "basis": "Assumed in 2024",
              "basis_decision": "", "basis_meeting": ""}
    values.update(overrides)
    return values


@pytest.fixture
def ledger(reference) -> list[Chairmanship]:
    def add(code, start, end, **kwargs):
        return create_chairmanship(None, ChairmanshipData(state(code).id, start, end, **kwargs))

    return [
        add("KAZ", date(2002, 1, 1), date(2010, 6, 7), year_precision=True, basis="Founding chair"),
        add("TUR", date(2010, 6, 8), date(2014, 5, 20), year_precision=True),
        add("CHN", date(2014, 5, 21), date(2018, 9, 27)),
        add("TJK", date(2018, 9, 28), date(2020, 9, 22)),
        add("KAZ", date(2020, 9, 23), date(2024, 10, 1)),
    ]


def urls(ledger) -> list[str]:
    return ["/chairmanship/", "/chairmanship/new", f"/chairmanship/{ledger[0].id}/edit"]


def test_anonymous_is_sent_to_log_in(client, ledger):
    for url in urls(ledger):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/auth/login" in response.headers["Location"]


def test_a_delegate_is_refused(client, login, ledger):
    login(delegate())
    for url in urls(ledger):
        assert client.get(url).status_code == 403, url
    assert post_form(client, "/chairmanship/new", form(), page="/auth/password").status_code == 403
    assert rows() == 5


def test_the_ledger_shows_years_for_year_precision_rows_and_the_gap(client, login, ledger):
    login(officer())
    html = client.get("/chairmanship/").get_data(as_text=True)
    assert '<span title="2002-01-01">2002</span>' in html  # Kazakhstan, years only
    assert '<span title="2010-06-07">until 2010</span>' in html  # as the record writes it: 2002-2010
    assert "21 May 2014" in html and "Founding chair" in html
    assert 'data-problem="gap"' in html and "No chair recorded from 2 October 2024 on." in html
    assert 'data-check="holds"' not in html


def test_recording_the_next_chair_closes_the_gap(client, login, ledger):
    login(officer())
    response = post_form(client, "/chairmanship/new", form())
    assert response.status_code == 302
    assert rows() == 6
    html = client.get("/chairmanship/").get_data(as_text=True)
    assert 'data-check="holds"' in html and 'data-problem="gap"' not in html


def test_an_overlap_is_a_field_error_on_the_start_date(client, login, ledger):
    login(officer())
    response = post_form(client, "/chairmanship/new", form(starts_on="2024-10-01"))
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == ["starts_on"]
    assert rows() == 5


def test_end_before_start_is_a_field_error(client, login, ledger):
    login(officer())
    response = post_form(client, "/chairmanship/new", form(ends_on="2024-10-01"))
    assert error_fields(response.get_data(as_text=True)) == ["ends_on"]
    assert rows() == 5


def test_editing_a_term(client, login, ledger):
    login(officer())
    tajikistan = ledger[3]
    html = client.get(f"/chairmanship/{tajikistan.id}/edit").get_data(as_text=True)
    assert 'value="2018-09-28"' in html
    response = post_form(client, f"/chairmanship/{tajikistan.id}/edit",
                         form(state=str(state("TJK").id), starts_on="2018-09-28", ends_on="2020-09-20", basis=""))
    assert response.status_code == 302
    html = client.get("/chairmanship/").get_data(as_text=True)
    assert "No chair from 21 September 2020 to 22 September 2020." in html


def test_the_ledger_warns_about_a_director_still_in_office(client, login, ledger):
    db.session.add(StaffAppointment(person_name="Kairat Sarybay", position=Position.EXECUTIVE_DIRECTOR,
                                    nationality_id=state("KAZ").id, starts_on=date(2022, 10, 13), ends_on=None))
    db.session.commit()
    create_chairmanship(None, ChairmanshipData(state("AZE").id, date(2024, 10, 2), None))
    login(officer())
    html = client.get("/chairmanship/").get_data(as_text=True)
    assert 'data-problem="director"' in html
    assert "The chair changed on 2 October 2024" in html and "Kairat Sarybay" in html


def test_the_staff_form_ties_the_director_to_the_chair(client, login, ledger):
    login(officer())
    director = {"person_name": "Someone", "position": "executive_director", "post_title": "",
                "nationality": str(state("RUS").id), "seconding_state": "", "starts_on": "2022-10-13",
                "ends_on": "2024-12-31", "appointing_body": "", "decision_reference": ""}
    response = post_form(client, "/admin/staff/new", director)
    assert sorted(error_fields(response.get_data(as_text=True))) == ["ends_on", "nationality"]
    assert db.session.scalar(select(func.count(StaffAppointment.id))) == 0
    response = post_form(client, "/admin/staff/new",
                         {**director, "nationality": str(state("KAZ").id), "ends_on": "2024-10-01"})
    assert response.status_code == 302
    assert db.session.scalar(select(StaffAppointment.ends_on)) == date(2024, 10, 1)
