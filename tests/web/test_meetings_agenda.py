"""Officer pages for the agenda and the invitations of one meeting."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from secretariat_app.accounts.models.states import Body
from secretariat_app.extensions import db
from secretariat_app.meetings.models import AgendaItem, Meeting
from secretariat_app.meetings.services import invitations
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services.meetings import MeetingData
from tests.conftest import post_form
from tests.factories import delegate, officer
from tests.reference import delegation


@pytest.fixture
def meeting(reference) -> Meeting:
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    return service.create_meeting(None, MeetingData(
        body_id=soc.id, title_en="June SOC", title_ru="КСДЛ", starts_at=datetime(2027, 6, 1, 10),
        ends_at=datetime(2027, 6, 2, 18), timezone="Asia/Almaty"))


def agenda(meeting: Meeting) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(AgendaItem.title_en).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)))


def item_id(title: str) -> int:
    return db.session.scalar(select(AgendaItem.id).where(AgendaItem.title_en == title))


def test_officer_builds_and_reorders_the_agenda(client, login, meeting):
    login(officer())
    url = f"/meetings/{meeting.id}/agenda"
    for title in ("Opening", "Budget", "Closing"):
        assert post_form(client, url, {"title_en": title, "title_ru": title + " (ru)"}).status_code == 302
    assert agenda(meeting) == ["Opening", "Budget", "Closing"]
    post_form(client, f"{url}/{item_id('Closing')}/up", {}, page=url)
    assert agenda(meeting) == ["Opening", "Closing", "Budget"]
    post_form(client, f"{url}/{item_id('Opening')}/down", {}, page=url)
    assert agenda(meeting) == ["Closing", "Opening", "Budget"]
    post_form(client, f"{url}/{item_id('Opening')}/remove", {}, page=url)
    assert agenda(meeting) == ["Closing", "Budget"]
    positions = db.session.scalars(select(AgendaItem.position).where(AgendaItem.meeting_id == meeting.id)
                                   .order_by(AgendaItem.position)).all()
    assert positions == [1, 2]
    edit = f"{url}/{item_id('Budget')}/edit"
    assert 'value="Budget"' in client.get(edit).get_data(as_text=True)
    assert post_form(client, edit, {"title_en": "Budget 2028", "title_ru": "Бюджет"}).status_code == 302
    assert agenda(meeting) == ["Closing", "Budget 2028"]
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert page.index("Closing") < page.index("Budget 2028")


def test_agenda_item_needs_both_titles(client, login, meeting):
    login(officer())
    response = post_form(client, f"/meetings/{meeting.id}/agenda", {"title_en": "Opening", "title_ru": ""})
    assert response.status_code == 200 and 'class="field has-error"' in response.get_data(as_text=True)
    assert agenda(meeting) == []


def test_an_item_of_another_meeting_is_not_found(client, login, meeting, reference):
    other = service.create_meeting(None, MeetingData(
        body_id=meeting.body_id, title_en="Other", title_ru="Другое", starts_at=datetime(2027, 9, 1, 10),
        ends_at=datetime(2027, 9, 1, 18), timezone="Asia/Almaty"))
    login(officer())
    post_form(client, f"/meetings/{other.id}/agenda", {"title_en": "X", "title_ru": "Икс"})
    assert client.get(f"/meetings/{meeting.id}/agenda/{item_id('X')}/edit").status_code == 404


def test_officer_invites_an_observer_and_withdraws_an_unused_invitation(client, login, meeting):
    login(officer())
    url = f"/meetings/{meeting.id}/invitations"
    japan = delegation("JPN")
    assert f'value="{japan.id}"' in client.get(url).get_data(as_text=True)
    assert post_form(client, url, {"delegation_id": str(japan.id)}).status_code == 302
    invitation = invitations.invitation_for(meeting, japan.id)
    assert invitation is not None
    response = post_form(client, f"{url}/{invitation.id}/remove", {}, page=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert invitations.invitation_for(meeting, japan.id) is None


def test_a_delegate_cannot_touch_the_agenda(client, login, meeting):
    login(delegate(delegation("KAZ")))
    response = post_form(client, f"/meetings/{meeting.id}/agenda", {"title_en": "X", "title_ru": "Икс"},
                         page="/delegation/")
    assert response.status_code == 403
    assert agenda(meeting) == []
