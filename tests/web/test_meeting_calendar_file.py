"""A meeting's own .ics ("add to my calendar") for whoever may see the meeting
(permissions.meetings: the Secretariat, and the delegations invited), read by
two parsers, with the UID of the invitation and its SEQUENCE; the Russian
free text of meetings and chairmanships (venue, note, reason, basis), written
on the forms and shown in the reader's language with English as fallback."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.decisions.models import Chairmanship
from secretariat_app.decisions.services.chair import ChairmanshipData, create_chairmanship
from secretariat_app.extensions import db
from secretariat_app.meetings.models import DatePrecision, Meeting
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services import status as status_service
from secretariat_app.meetings.services.meetings import MeetingData
from secretariat_app.permissions import Action, can
from tests.conftest import log_in, post_form
from tests.factories import DelegationFactory, UserFactory, delegate, officer
from tests.ics_check import parse_twice
from tests.reference import body, kaz, state

NOW = "2027-01-10 12:00:00"


def data(**overrides) -> MeetingData:
    values = dict(body_id=body("SOC").id, title_en="Senior Officials Committee",
                  title_ru="Комитет старших должностных лиц", starts_at=datetime(2027, 6, 1, 10),
                  ends_at=datetime(2027, 6, 2, 18), timezone="Asia/Almaty", city="Astana", city_ru="Астана",
                  host_state_id=state("KAZ").id, note="Bring the national reports.",
                  note_ru="Возьмите национальные доклады.")
    values.update(overrides)
    return MeetingData(**values)


@pytest.fixture
def meeting(reference) -> Meeting:
    with freeze_time(NOW):
        return service.create_meeting(None, data())


def ics_of(client, meeting_id: int):
    response = client.get(f"/calendar/meetings/{meeting_id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="meeting-{meeting_id}.ics"'
    calendar, _ = parse_twice(response.data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


# Who may download it ------------------------------------------------------------------

def test_an_officer_downloads_it_in_the_language_of_the_page(client, login, meeting):
    login(officer(language="ru"))
    calendar, event = ics_of(client, meeting.id)
    assert str(calendar["METHOD"]) == "PUBLISH" and "ATTENDEE" not in event
    assert str(event["UID"]) == f"meeting-{meeting.id}@cica.example" and int(event["SEQUENCE"]) == 0
    assert str(event["SUMMARY"]) == "Комитет старших должностных лиц"
    assert str(event["LOCATION"]) == "Астана, Казахстан"
    assert event.decoded("DTSTART") == datetime(2027, 6, 1, 5, tzinfo=UTC)
    assert str(event["URL"]).endswith(f"/meetings/{meeting.id}")


def test_an_invited_delegate_downloads_it_and_a_move_raises_its_sequence(client, login, meeting):
    login(delegate(kaz(), language="en"))
    _, first = ics_of(client, meeting.id)
    assert str(first["LOCATION"]) == "Astana, Kazakhstan" and "/delegation/meetings/" in str(first["URL"])
    with freeze_time("2027-02-01 09:00:00"):
        service.update_meeting(None, meeting, data(starts_at=datetime(2027, 6, 3, 10),
                                                   ends_at=datetime(2027, 6, 4, 18)))
    _, moved = ics_of(client, meeting.id)
    assert moved["UID"] == first["UID"] and int(moved["SEQUENCE"]) == int(first["SEQUENCE"]) + 1


def test_a_cancelled_meeting_downloads_as_cancelled(client, login, meeting):
    with freeze_time("2027-02-01 09:00:00"):
        status_service.cancel(None, meeting, "No quorum", reason_ru="Нет кворума")
    login(delegate(kaz(), language="ru"))
    _, event = ics_of(client, meeting.id)
    assert str(event["STATUS"]) == "CANCELLED" and "Нет кворума" in str(event["DESCRIPTION"])


@pytest.mark.parametrize("who", ["uninvited delegate", "no role"])
def test_anyone_who_may_not_see_the_meeting_is_answered_not_found(client, login, meeting, who):
    person = delegate(DelegationFactory()) if who == "uninvited delegate" else UserFactory()
    assert not can(person, Action.READ_MEETING, meeting)
    login(person)
    response = client.get(f"/calendar/meetings/{meeting.id}.ics")
    assert response.status_code == 404 and b"BEGIN:VCALENDAR" not in response.data


def test_anonymous_is_sent_to_log_in_and_an_unknown_meeting_is_not_found(client, login, meeting):
    response = client.get(f"/calendar/meetings/{meeting.id}.ics")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(officer())
    assert client.get("/calendar/meetings/999999.ics").status_code == 404


def test_a_historical_record_known_to_the_month_has_no_file(client, login, reference):
    with freeze_time(NOW):
        old = service.create_meeting(None, data(starts_at=datetime(2015, 4, 1, 10), ends_at=datetime(2015, 4, 1, 18),
                                                date_precision=DatePrecision.MONTH))
    login(officer())
    assert client.get(f"/calendar/meetings/{old.id}.ics").status_code == 404
    assert "add-to-calendar" not in client.get(f"/meetings/{old.id}").get_data(as_text=True)


@pytest.mark.parametrize("language,label", [("en", "Add to my calendar (.ics)"), ("ru", "Добавить в мой календарь")])
def test_both_meeting_pages_link_the_file(client, login, meeting, language, label):
    link = f'href="/calendar/meetings/{meeting.id}.ics"'
    for user, url in ((officer(language=language), f"/meetings/{meeting.id}"),
                      (delegate(kaz(), language=language), f"/delegation/meetings/{meeting.id}")):
        html = page_as(client, login, user, url)
        assert link in html and label in html


# The Russian free text ----------------------------------------------------------------

def page_as(client, login, user: User, url: str) -> str:
    """The page as `user` sees it, in a browser of their own (a new client)."""
    browser = client.application.test_client()
    log_in(browser, user.email)
    return browser.get(url).get_data(as_text=True)


def test_the_venue_and_the_note_are_shown_in_the_readers_language(client, login, meeting):
    url = f"/delegation/meetings/{meeting.id}"
    russian = page_as(client, login, delegate(kaz(), language="ru"), url)
    english = page_as(client, login, delegate(kaz(), language="en"), url)
    assert "Астана" in russian and "Возьмите национальные доклады." in russian and "Astana" not in russian
    assert "Astana" in english and "Bring the national reports." in english and "Астана" not in english


def test_english_is_the_fallback_when_no_russian_was_written(client, login, reference):
    with freeze_time(NOW):
        plain = service.create_meeting(None, data(city_ru="", note_ru=""))
    russian = page_as(client, login, delegate(kaz(), language="ru"), f"/delegation/meetings/{plain.id}")
    assert "Astana" in russian and "Bring the national reports." in russian


def test_the_officer_writes_the_russian_venue_and_note_on_the_form(client, login, meeting):
    login(officer())
    form = {"body_id": str(meeting.body_id), "number": "", "title_en": meeting.title_en,
            "title_ru": meeting.title_ru, "timezone": "Asia/Almaty", "starts_at": "2027-06-01T10:00",
            "ends_at": "2027-06-02T18:00", "date_precision": "day", "city": "Astana", "city_ru": "Астана (Нур-Султан)",
            "host_state_id": str(state("KAZ").id), "format": "in_person", "registration_deadline": "",
            "prepares_meeting_id": "", "note": "Note", "note_ru": "Примечание", "reminder_offsets": ""}
    html = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'name="city_ru"' in html and 'name="note_ru"' in html and "Астана" in html
    response = post_form(client, f"/meetings/{meeting.id}/edit", form)
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert (meeting.city_ru, meeting.note_ru) == ("Астана (Нур-Султан)", "Примечание")
    assert meeting.sequence == 1  # a new Russian venue is a new place in Russian calendars
    too_long = post_form(client, f"/meetings/{meeting.id}/edit", {**form, "city_ru": "Я" * 121})
    assert too_long.status_code == 200 and 'for="city_ru"' in too_long.get_data(as_text=True)


def test_the_reason_of_a_cancellation_in_both_languages(client, login, meeting):
    login(officer())
    html = client.get(f"/meetings/{meeting.id}/cancel").get_data(as_text=True)
    assert 'name="reason_ru"' in html
    response = post_form(client, f"/meetings/{meeting.id}/cancel",
                         {"reason": "No quorum", "reason_ru": "Нет кворума", "decision_id": ""})
    assert response.status_code == 302
    url = f"/delegation/meetings/{meeting.id}"
    assert "Нет кворума" in page_as(client, login, delegate(kaz(), language="ru"), url)
    assert "No quorum" in page_as(client, login, delegate(kaz(), language="en"), url)


def test_the_basis_of_a_chairmanship_in_both_languages(client, login, reference):
    create_chairmanship(None, ChairmanshipData(state("KAZ").id, date(2020, 9, 23), date(2024, 10, 1),
                                               basis="Decided at the Sixth Summit",
                                               basis_ru="Решение Шестого саммита"))
    russian = page_as(client, login, officer(language="ru"), "/chairmanship/")
    english = page_as(client, login, officer(language="en"), "/chairmanship/")
    assert "Решение Шестого саммита" in russian and "Decided at the Sixth Summit" not in russian
    assert "Decided at the Sixth Summit" in english
    login(officer())
    chair = db.session.scalar(select(Chairmanship))
    assert 'name="basis_ru"' in client.get(f"/chairmanship/{chair.id}/edit").get_data(as_text=True)
