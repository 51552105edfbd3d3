"""iCalendar for meetings: the invitation (REQUEST, then CANCEL) and the feed,
with a stable UID, the meeting's SEQUENCE, UTC times and the reader's language."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from secretariat_app.meetings.models import MeetingFormat
from secretariat_app.meetings.services import ics as calendar_ics
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services import status as status_service
from secretariat_app.meetings.services.meetings import MeetingData
from tests.factories import delegate, officer
from tests.ics_check import parse_twice
from tests.reference import body, kaz, state

UTC = UTC


def schedule(**overrides):
    values = dict(body_id=body("SOC").id, title_en="Senior Officials Committee",
                  title_ru="Комитет старших должностных лиц", starts_at=datetime(2027, 6, 1, 10),
                  ends_at=datetime(2027, 6, 2, 18), timezone="Asia/Almaty", city="Astana",
                  host_state_id=state("KAZ").id)
    values.update(overrides)
    with freeze_time("2027-01-10 12:00:00"):
        return service.create_meeting(None, MeetingData(**values))


def parse(ics: bytes):
    """Read by both parsers (tests/ics_check.py); the events as icalendar reads them."""
    calendar, _ = parse_twice(ics)
    return calendar, calendar.walk("VEVENT")


def test_an_invitation_in_the_recipients_language(reference):
    meeting = schedule()
    reader = delegate(kaz(), language="ru")
    ics = calendar_ics.invitation(meeting, reader, now=datetime(2027, 1, 10, 12, tzinfo=UTC))
    text = ics.decode()
    assert "DTSTART:20270601T050000Z" in text and "DTEND:20270602T130000Z" in text  # UTC
    calendar, (event,) = parse(ics)
    assert str(calendar["METHOD"]) == "REQUEST" and str(calendar["VERSION"]) == "2.0"
    assert str(event["UID"]) == f"meeting-{meeting.id}@cica.example"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["SUMMARY"]) == "Комитет старших должностных лиц"
    assert str(event["LOCATION"]) == "Astana, Казахстан"
    assert str(event["STATUS"]) == "TENTATIVE"  # planned, not yet confirmed
    assert str(event["URL"]).endswith(f"/delegation/meetings/{meeting.id}")
    assert str(event["ATTENDEE"]) == f"mailto:{reader.email}"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert event.decoded("DTSTART") == datetime(2027, 6, 1, 5, tzinfo=UTC)


def test_an_officer_gets_the_secretariat_page_and_english(reference):
    meeting = schedule()
    _, (event,) = parse(calendar_ics.invitation(meeting, officer()))
    assert str(event["SUMMARY"]) == "Senior Officials Committee"
    assert str(event["URL"]).endswith(f"/meetings/{meeting.id}") and "/delegation/" not in str(event["URL"])
    assert str(event["LOCATION"]) == "Astana, Kazakhstan"


def test_confirmed_then_cancelled_keeps_the_uid_and_raises_the_sequence(reference):
    meeting = schedule()
    reader = officer()
    status_service.confirm(None, meeting)
    calendar, (confirmed,) = parse(calendar_ics.invitation(meeting, reader))
    assert str(confirmed["STATUS"]) == "CONFIRMED"
    with freeze_time("2027-02-01 12:00:00"):
        status_service.cancel(None, meeting, "Decided by the SOC")
    calendar, (cancelled,) = parse(calendar_ics.invitation(meeting, reader))
    assert str(calendar["METHOD"]) == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["UID"] == confirmed["UID"]
    assert int(cancelled["SEQUENCE"]) > int(confirmed["SEQUENCE"])
    assert "Decided by the SOC" in str(cancelled["DESCRIPTION"])


@pytest.mark.parametrize("fmt,expected", [(MeetingFormat.ONLINE, "Online"),
                                          (MeetingFormat.HYBRID, "Astana, Kazakhstan (and online)")])
def test_online_and_hybrid_locations(reference, fmt, expected):
    meeting = schedule(format=fmt)
    _, (event,) = parse(calendar_ics.invitation(meeting, officer()))
    assert str(event["LOCATION"]) == expected


def test_a_feed_has_one_event_per_meeting_each_with_an_alarm(reference):
    soc = schedule()
    summit = schedule(body_id=body("SUMMIT").id, number=9, title_en="Summit", title_ru="Саммит",
                      starts_at=datetime(2028, 10, 12, 10), ends_at=datetime(2028, 10, 13, 18))
    called_off = schedule(title_en="Called off", title_ru="Отменено", starts_at=datetime(2027, 9, 1, 10),
                          ends_at=datetime(2027, 9, 1, 18))
    with freeze_time("2027-02-01 12:00:00"):
        status_service.cancel(None, called_off, "No quorum")
    reader = officer(language="ru")
    calendar, events = parse(calendar_ics.feed([soc, called_off, summit], reader))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"])
    raw = calendar_ics.feed([soc], reader)
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in raw and b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in raw
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert [str(e["UID"]) for e in events] == [f"meeting-{m.id}@cica.example" for m in (soc, called_off, summit)]
    assert [str(e["SUMMARY"]) for e in events] == ["Комитет старших должностных лиц", "Отменено", "Саммит"]
    alarms = {str(e["UID"]): e.walk("VALARM") for e in events}
    assert [a.decoded("TRIGGER") for a in alarms[f"meeting-{soc.id}@cica.example"]] == [-timedelta(days=1)]
    assert [a.decoded("TRIGGER") for a in alarms[f"meeting-{summit.id}@cica.example"]] == [-timedelta(days=2)]
    assert alarms[f"meeting-{called_off.id}@cica.example"] == []  # no alarm for a cancelled meeting
    assert str(events[1]["STATUS"]) == "CANCELLED"
    assert all("METHOD" not in e for e in events)
