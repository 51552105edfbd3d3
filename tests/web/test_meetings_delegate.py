"""Delegate pages for meetings: only the meetings their own delegation is
invited to, and registering its participants until the deadline. Also the
time-zone display, seen by a reader in another zone."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.accounts.models.states import Body
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting, Participant
from secretariat_app.meetings.services import invitations
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services.invitations import ParticipantData
from secretariat_app.meetings.services.meetings import MeetingData
from tests.conftest import post_form
from tests.factories import delegate, officer
from tests.reference import delegation

# Registration closes at 18:00 Almaty time (13:00 UTC) on 20 May 2027.
BEFORE, AFTER = "2027-05-20 12:00:00", "2027-05-20 14:00:00"
PERSON = {"name": "Aliya Nurlanovna", "function": "Head of delegation", "email": "aliya@mfa.example"}


def schedule(title: str, start: datetime, code: str = "SOC", **overrides) -> Meeting:
    soc = db.session.scalar(select(Body).where(Body.code == code))
    values = dict(body_id=soc.id, title_en=title, title_ru=title, starts_at=start,
                  ends_at=start + timedelta(hours=8), timezone="Asia/Almaty")
    values.update(overrides)
    return service.create_meeting(None, MeetingData(**values))


@pytest.fixture
def meeting(reference) -> Meeting:
    return schedule("June SOC", datetime(2027, 6, 1, 10), registration_deadline=datetime(2027, 5, 20, 18))


def participants() -> int:
    return db.session.scalar(select(func.count(Participant.id)))


# Who sees what ---------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, meeting):
    for url in ("/delegation/meetings", f"/delegation/meetings/{meeting.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_an_officer_is_refused_the_delegate_pages(client, login, meeting):
    login(officer())
    assert client.get("/delegation/meetings").status_code == 403
    assert client.get(f"/delegation/meetings/{meeting.id}").status_code == 403


def test_a_delegate_sees_their_delegations_meetings_upcoming_first(client, login, reference):
    schedule("Old SOC", datetime(2021, 6, 1, 10))
    schedule("Next SOC", datetime(2027, 9, 1, 10))
    schedule("Soon SOC", datetime(2027, 6, 1, 10))
    schedule("Observers only", datetime(2027, 7, 1, 10), code="SWG")
    invitations.remove_invitation(None, invitations.invitation_for(
        db.session.scalar(select(Meeting).where(Meeting.title_en == "Observers only")), delegation("KAZ").id))
    with freeze_time("2026-12-01"):
        login(delegate(delegation("KAZ")))
        page = client.get("/delegation/meetings").get_data(as_text=True)
    upcoming, past = page.split('id="past"')
    assert upcoming.index("Soon SOC") < upcoming.index("Next SOC")
    assert "Old SOC" in past and "Old SOC" not in upcoming
    assert "Observers only" not in page


def test_a_delegate_of_an_uninvited_delegation_gets_404(client, login, meeting):
    japan = delegate(delegation("JPN"))  # an observer, not invited by default
    login(japan)
    assert client.get(f"/delegation/meetings/{meeting.id}").status_code == 404
    response = post_form(client, f"/delegation/meetings/{meeting.id}/participants", PERSON, page="/delegation/")
    assert response.status_code == 404
    assert "June SOC" not in client.get("/delegation/meetings").get_data(as_text=True)
    assert client.get("/delegation/meetings/999999").status_code == 404
    assert participants() == 0


def test_a_delegate_sees_only_their_own_delegations_participants(client, login, meeting):
    invitations.register_participant(officer(), invitations.invitation_for(meeting, delegation("CHN").id),
                                     ParticipantData(name="Chinese Delegate"))
    login(delegate(delegation("KAZ")))
    page = client.get(f"/delegation/meetings/{meeting.id}").get_data(as_text=True)
    assert "June SOC" in page and "Chinese Delegate" not in page


def test_a_delegate_cannot_remove_another_delegations_participant(client, login, meeting):
    chinese = invitations.register_participant(officer(), invitations.invitation_for(meeting, delegation("CHN").id),
                                               ParticipantData(name="Chinese Delegate"))
    with freeze_time(BEFORE):
        login(delegate(delegation("KAZ")))  # invited to the same meeting
        response = post_form(client, f"/delegation/meetings/{meeting.id}/participants/{chinese.id}/remove", {},
                             page=f"/delegation/meetings/{meeting.id}")
    assert response.status_code == 404 and participants() == 1


# Registering ---------------------------------------------------------------------

def test_a_delegate_registers_and_removes_before_the_deadline(client, login, meeting):
    user = delegate(delegation("KAZ"))
    url = f"/delegation/meetings/{meeting.id}"
    with freeze_time(BEFORE):
        login(user)
        response = post_form(client, f"{url}/participants", PERSON, page=url)
        assert response.status_code == 302
        saved = db.session.scalar(select(Participant))
        assert saved.invitation.delegation.state.code == "KAZ" and saved.registered_by_id == user.id
        assert "Aliya Nurlanovna" in client.get(url).get_data(as_text=True)
        response = post_form(client, f"{url}/participants/{saved.id}/remove", {}, page=url)
        assert response.status_code == 302
    assert participants() == 0


def test_registration_after_the_deadline_is_refused(client, login, meeting):
    url = f"/delegation/meetings/{meeting.id}"
    with freeze_time(AFTER):
        login(delegate(delegation("KAZ")))
        response = post_form(client, f"{url}/participants", PERSON, page=url)
    assert response.status_code == 200
    assert "Registration for this meeting closed on 20 May 2027, 18:00 (Asia/Almaty)" in response.get_data(as_text=True)
    assert participants() == 0


def test_bad_participant_input_names_the_field(client, login, meeting):
    url = f"/delegation/meetings/{meeting.id}"
    with freeze_time(BEFORE):
        login(delegate(delegation("KAZ")))
        response = post_form(client, f"{url}/participants", {**PERSON, "name": "", "email": "nobody"}, page=url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<label for="name">' in page.split('class="field has-error"')[1]
    assert participants() == 0


def test_an_officer_registers_after_the_deadline_and_cannot_withdraw_a_used_invitation(client, login, meeting):
    kaz = invitations.invitation_for(meeting, delegation("KAZ").id)
    with freeze_time("2027-05-25"):
        login(officer())
        url = f"/meetings/{meeting.id}/invitations/{kaz.id}/participants/new"
        assert post_form(client, url, PERSON).status_code == 302
        response = post_form(client, f"/meetings/{meeting.id}/invitations/{kaz.id}/remove", {},
                             page=f"/meetings/{meeting.id}/invitations")
    assert response.status_code == 409
    assert "registered participant" in response.get_data(as_text=True)
    assert invitations.invitation_for(meeting, delegation("KAZ").id) is not None


# Time zones ------------------------------------------------------------------------

def test_an_almaty_meeting_seen_from_bangkok(client, login, reference):
    local = datetime(2027, 6, 1, 10, 0)
    almaty = schedule("Almaty SOC", local)
    db.session.expire_all()
    stored = db.session.get(Meeting, almaty.id).starts_at
    # tzdata (2024a and later): Asia/Almaty is UTC+5 all year, Asia/Bangkok UTC+7.
    assert local.replace(tzinfo=ZoneInfo("Asia/Almaty")).utcoffset() == timedelta(hours=5)
    assert stored == datetime(2027, 6, 1, 5, 0, tzinfo=UTC)
    bangkok = stored.astimezone(ZoneInfo("Asia/Bangkok"))
    assert bangkok.hour == 12

    login(officer(timezone="Asia/Bangkok"))
    officer_page = client.get(f"/meetings/{almaty.id}").get_data(as_text=True)
    when = officer_page.split('id="when"')[1].split("</dd>")[0]
    assert "1 June 2027, 10:00 (Asia/Almaty)" in when
    assert "1 June 2027, 12:00 (Asia/Bangkok)" in when

    other = client.application.test_client()
    post_form(other, "/auth/login", {"email": delegate(delegation("KAZ"), timezone="Asia/Bangkok").email,
                                     "password": "correct horse battery"})
    page = other.get(f"/delegation/meetings/{almaty.id}").get_data(as_text=True)
    when = page.split('id="when"')[1].split("</dd>")[0]
    assert "10:00 (Asia/Almaty)" in when and "12:00 (Asia/Bangkok)" in when
