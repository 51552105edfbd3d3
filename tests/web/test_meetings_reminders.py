"""The meeting form's reminder offsets: a bad offset is an error under its
field and nothing is saved; good ones are saved and scheduled; a move on the
form moves the reminders."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.notices.models import Notification, NotificationStatus
from tests.conftest import post_form
from tests.factories import officer
from tests.form_errors import error_fields
from tests.reference import body

UTC = UTC


def form(**overrides) -> dict[str, str]:
    values = {
        "body_id": str(body("SOC").id), "number": "", "title_en": "Senior Officials Committee",
        "title_ru": "Комитет старших должностных лиц", "timezone": "Asia/Almaty", "starts_at": "2027-06-01T10:00",
        "ends_at": "2027-06-01T18:00", "date_precision": "day", "city": "Astana", "host_state_id": "",
        "format": "in_person", "registration_deadline": "", "prepares_meeting_id": "", "note": "",
        "reminder_offsets": "",
    }
    values.update(overrides)
    return values


def pending_instants() -> set[datetime]:
    return set(db.session.scalars(select(Notification.due_at).where(
        Notification.status == NotificationStatus.PENDING)))


@pytest.mark.parametrize("offsets", ["-1", "366", "30, -7", "1000", "abc", "7.5"])
def test_a_bad_offset_is_an_error_under_its_field_and_nothing_is_saved(client, login, reference, offsets):
    login(officer())
    response = post_form(client, "/meetings/new", form(reminder_offsets=offsets))
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == ["reminder_offsets"]
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 0


@freeze_time("2027-01-10 12:00:00")
def test_offsets_are_saved_scheduled_shown_and_a_move_moves_them(client, login, reference):
    login(officer())
    page = client.get("/meetings/new").get_data(as_text=True)
    assert 'name="reminder_offsets"' in page and "Senior Officials Committee: 30, 7, 1" in page
    assert post_form(client, "/meetings/new", form(reminder_offsets="5; 21")).status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.reminder_offsets == [21, 5]
    start = datetime(2027, 6, 1, 5, tzinfo=UTC)
    assert pending_instants() == {start - timedelta(days=21), start - timedelta(days=5)}
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="21, 5"' in page
    moved = form(reminder_offsets="21, 5", starts_at="2027-06-03T10:00", ends_at="2027-06-03T18:00")
    assert post_form(client, f"/meetings/{meeting.id}/edit", moved).status_code == 302
    later = start + timedelta(days=2)
    assert pending_instants() == {later - timedelta(days=21), later - timedelta(days=5)}
    # Blank: back to the body's defaults.
    assert post_form(client, f"/meetings/{meeting.id}/edit",
                     form(starts_at="2027-06-03T10:00", ends_at="2027-06-03T18:00")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).reminder_offsets is None
    assert pending_instants() == {later - timedelta(days=d) for d in (30, 7, 1)}
