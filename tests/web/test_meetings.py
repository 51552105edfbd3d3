"""Officer pages of the meetings calendar: who may use them, the forms'
refusals, the calendar, the month grid and one meeting's page."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.decisions.models import Chairmanship
from secretariat_app.extensions import db
from secretariat_app.meetings.models import DatePrecision, Meeting, MeetingStatus
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services.meetings import MeetingData
from tests.conftest import post_form
from tests.factories import delegate, officer
from tests.form_errors import error_fields
from tests.reference import body, state


def schedule(code: str = "SOC", start: datetime = datetime(2027, 6, 1, 10), **overrides) -> Meeting:
    values = dict(body_id=body(code).id, title_en=f"{code} session", title_ru=f"Сессия {code}",
                  starts_at=start, ends_at=start.replace(hour=18), timezone="Asia/Almaty", city="Astana")
    values.update(overrides)
    return service.create_meeting(None, MeetingData(**values))


def form(**overrides) -> dict[str, str]:
    values = {
        "body_id": str(body("SUMMIT").id), "number": "7", "title_en": "Seventh CICA Summit",
        "title_ru": "Седьмой саммит СВМДА", "timezone": "Asia/Baku", "starts_at": "2027-10-12T10:00",
        "ends_at": "2027-10-13T18:00", "date_precision": "day", "city": "Baku",
        "host_state_id": str(state("AZE").id), "format": "in_person", "registration_deadline": "",
        "prepares_meeting_id": "", "note": "",
    }
    values.update(overrides)
    return values


def meetings_count() -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


@pytest.fixture
def meeting(reference) -> Meeting:
    return schedule()


def officer_urls(m: Meeting) -> list[str]:
    return ["/meetings/", "/meetings/month/2027/6", "/meetings/new", f"/meetings/{m.id}", f"/meetings/{m.id}/edit",
            f"/meetings/{m.id}/postpone", f"/meetings/{m.id}/cancel", f"/meetings/{m.id}/agenda",
            f"/meetings/{m.id}/invitations", f"/meetings/{m.id}/invitations/{m.invitations[0].id}/participants/new"]


# Who may use the pages -----------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, meeting):
    for url in officer_urls(meeting):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


def test_an_officer_reaches_every_page(client, login, meeting):
    login(officer())
    for url in officer_urls(meeting):
        assert client.get(url).status_code == 200, url


def test_a_delegate_is_refused_every_officer_page_and_action(client, login, meeting):
    login(delegate(meeting.invitations[0].delegation))
    for url in officer_urls(meeting):
        assert client.get(url).status_code == 403, url
    for action in ("confirm", "held"):
        response = post_form(client, f"/meetings/{meeting.id}/{action}", {}, page="/auth/password")
        assert response.status_code == 403
    response = post_form(client, "/meetings/new", form(), page="/auth/password")
    assert response.status_code == 403 and meetings_count() == 1


def test_unknown_meeting_is_not_found(client, login, meeting):
    login(officer())
    for url in ("/meetings/999999", "/meetings/999999/edit", "/meetings/999999/agenda", "/meetings/month/2027/13"):
        assert client.get(url).status_code == 404, url


# Scheduling ---------------------------------------------------------------------

def test_scheduling_a_summit(client, login, reference):
    login(officer())
    response = post_form(client, "/meetings/new", form())
    assert response.status_code == 302
    saved = db.session.scalar(select(Meeting))
    assert response.headers["Location"].endswith(f"/meetings/{saved.id}")
    assert saved.number == 7 and saved.host_state.code == "AZE"
    assert saved.starts_at.hour == 6  # 10:00 in Baku (UTC+4)
    assert len(saved.invitations) == 28


@pytest.mark.parametrize("overrides,field", [
    ({"ends_at": "2027-10-12T09:00"}, "ends_at"),
    ({"body_id": "999999"}, "body_id"),
    ({"title_ru": ""}, "title_ru"),
    ({"registration_deadline": "2027-10-12T11:00"}, "registration_deadline"),
    ({"starts_at": "not a date"}, "starts_at"),
])
def test_bad_input_is_shown_under_its_field_and_nothing_is_saved(client, login, reference, overrides, field):
    login(officer())
    response = post_form(client, "/meetings/new", form(**overrides))
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == [field]
    assert meetings_count() == 0


def test_a_second_summit_numbered_5_is_refused(client, login, reference):
    schedule("SUMMIT", datetime(2019, 6, 15, 10), number=5, timezone="Asia/Dushanbe")
    login(officer())
    response = post_form(client, "/meetings/new", form(number="5"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_fields(page) == ["number"] and "already has a meeting numbered 5" in page
    assert meetings_count() == 1


def test_an_swg_after_its_soc_is_refused(client, login, reference):
    soc = schedule("SOC", datetime(2027, 6, 10, 10))
    login(officer())
    swg = form(body_id=str(body("SWG").id), number="", timezone="Asia/Almaty", starts_at="2027-06-11T10:00",
               ends_at="2027-06-11T18:00", prepares_meeting_id=str(soc.id))
    response = post_form(client, "/meetings/new", swg)
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == ["prepares_meeting_id"]
    swg.update(starts_at="2027-06-08T10:00", ends_at="2027-06-08T18:00")
    assert post_form(client, "/meetings/new", swg).status_code == 302
    assert meetings_count() == 2


def test_editing_shows_local_times_and_saves_a_move(client, login, meeting):
    login(officer())
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="2027-06-01T10:00"' in page
    changed = form(body_id=str(meeting.body_id), number="", timezone="Asia/Almaty", starts_at="2027-06-03T10:00",
                   ends_at="2027-06-03T18:00", host_state_id="")
    assert post_form(client, f"/meetings/{meeting.id}/edit", changed).status_code == 302
    db.session.expire_all()
    moved = db.session.get(Meeting, meeting.id)
    assert moved.starts_at.day == 3 and moved.sequence == 1 and len(moved.invitations) == 28


# Status --------------------------------------------------------------------------

def test_postpone_and_cancel_need_a_reason(client, login, meeting):
    login(officer())
    response = post_form(client, f"/meetings/{meeting.id}/cancel", {"reason": "", "decision_id": ""})
    assert response.status_code == 200 and error_fields(response.get_data(as_text=True)) == ["reason"]
    response = post_form(client, f"/meetings/{meeting.id}/postpone",
                         {"reason": "Host unavailable", "starts_at": "2027-09-01T10:00", "ends_at": "",
                          "decision_id": ""})
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "postponed" in page and "Host unavailable" in page and "1 September 2027, 10:00 (Asia/Almaty)" in page


def test_held_is_refused_before_the_start(client, login, meeting):
    user = officer()
    with freeze_time("2027-05-01 00:00:00"):
        login(user)
        response = post_form(client, f"/meetings/{meeting.id}/held", {}, page=f"/meetings/{meeting.id}",
                             follow_redirects=True)
    assert "only once it has started" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == MeetingStatus.PLANNED
    with freeze_time("2027-06-02 00:00:00"):
        login(user)
        post_form(client, f"/meetings/{meeting.id}/held", {}, page=f"/meetings/{meeting.id}")
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == MeetingStatus.HELD


def test_confirm(client, login, meeting):
    login(officer())
    post_form(client, f"/meetings/{meeting.id}/confirm", {}, page=f"/meetings/{meeting.id}")
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == MeetingStatus.CONFIRMED


# Pages ---------------------------------------------------------------------------

def test_calendar_lists_upcoming_meetings_and_filters_by_body_and_year(client, login, reference):
    schedule("SOC", datetime(2027, 6, 1, 10), title_en="June SOC")
    schedule("SWG", datetime(2027, 5, 30, 10), title_en="May SWG")
    schedule("SOC", datetime(2021, 6, 1, 10), title_en="Old SOC")
    with freeze_time("2026-12-01"):
        login(officer())
        page = client.get("/meetings/").get_data(as_text=True)
        assert page.index("May SWG") < page.index("June SOC") and "Old SOC" not in page
        page = client.get(f"/meetings/?body={body('SOC').id}").get_data(as_text=True)
        assert "June SOC" in page and "May SWG" not in page
        page = client.get("/meetings/?year=2021").get_data(as_text=True)
        assert "Old SOC" in page and "June SOC" not in page


def test_month_grid_places_meetings_on_their_local_start_day(client, login, reference):
    # 01:00 on 1 June in Tokyo is still 31 May in UTC.
    schedule("SOC", datetime(2027, 6, 1, 1), title_en="Tokyo SOC", timezone="Asia/Tokyo")
    schedule("SWG", datetime(2027, 5, 31, 10), title_en="May SWG")
    login(officer())
    page = client.get("/meetings/month/2027/6").get_data(as_text=True)
    assert "<table" in page
    cell = page.split('data-day="2027-06-01"')[1].split("</td>")[0]
    assert "Tokyo SOC" in cell and "May SWG" not in page
    assert "/meetings/month/2027/5" in page and "/meetings/month/2027/7" in page
    assert "/meetings/month/2026/12" in client.get("/meetings/month/2027/1").get_data(as_text=True)


def test_historical_meetings_known_to_the_month_show_month_and_year(client, login, reference):
    old = schedule("SUMMIT", datetime(2014, 5, 1, 12), number=4, title_en="Fourth Summit",
                   timezone="Asia/Shanghai", date_precision=DatePrecision.MONTH)
    login(officer())
    page = client.get(f"/meetings/{old.id}").get_data(as_text=True)
    when = page.split('id="when"')[1].split("</dd>")[0]
    assert "May 2014" in when and "12:00" not in when and "2014-05-01" not in when
    month = client.get("/meetings/month/2014/5").get_data(as_text=True)
    assert "Known to the month only" in month and "Fourth Summit" in month


def test_detail_shows_chair_status_and_the_swg_soc_link_both_ways(client, login, reference):
    db.session.add(Chairmanship(state=state("AZE"), starts_on=date(2024, 10, 1), ends_on=date(2028, 9, 30)))
    db.session.commit()
    soc = schedule("SOC", datetime(2027, 6, 10, 10), title_en="June SOC")
    swg = schedule("SWG", datetime(2027, 6, 8, 10), title_en="June SWG", prepares_meeting_id=soc.id)
    login(officer())
    page = client.get(f"/meetings/{soc.id}").get_data(as_text=True)
    assert "Azerbaijan" in page.split('id="chair"')[1].split("</dd>")[0]
    assert f"/meetings/{swg.id}" in page.split('id="prepared-by"')[1].split("</dd>")[0]
    page = client.get(f"/meetings/{swg.id}").get_data(as_text=True)
    assert f"/meetings/{soc.id}" in page.split('id="prepares"')[1].split("</dd>")[0]


def test_month_names_follow_the_readers_language(client, login, reference):
    old = schedule("SUMMIT", datetime(2014, 5, 1, 12), number=4, title_en="Fourth Summit", title_ru="Четвёртый саммит",
                   timezone="Asia/Shanghai", date_precision=DatePrecision.MONTH)
    login(officer(language="ru"))
    page = client.get(f"/meetings/{old.id}").get_data(as_text=True)
    assert "май 2014" in page.split('id="when"')[1].split("</dd>")[0]
    assert "Четвёртый саммит" in page
