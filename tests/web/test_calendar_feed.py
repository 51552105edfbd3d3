"""The personal calendar feed: the secret URL, what it holds for whom, and a
wrong, revoked or altered token answering a plain 404; the settings page."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from icalendar import Calendar

from secretariat_app.accounts.models.people import User
from secretariat_app.extensions import db
from secretariat_app.meetings.models import DatePrecision, Invitation, Meeting
from secretariat_app.meetings.services import feeds
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services.meetings import MeetingData
from tests.conftest import post_form
from tests.factories import UserFactory, delegate, officer
from tests.ics_check import parse_twice
from tests.reference import body, delegation

UTC = UTC
NOW = "2027-03-01 12:00:00"
FEED_URL_RE = re.compile(r'value="(https?://[^"]+/calendar/feed/([A-Za-z0-9_-]+)\.ics)"')


def schedule(title: str, start: datetime, **overrides) -> Meeting:
    values = dict(body_id=body("SOC").id, title_en=title, title_ru=f"{title} (ru)", starts_at=start,
                  ends_at=start + timedelta(hours=8), timezone="Asia/Almaty", city="Astana")
    values.update(overrides)
    with freeze_time(NOW):
        return service.create_meeting(None, MeetingData(**values))


@pytest.fixture
def calendar_world(reference):
    """Meetings inside and outside the window; one KAZ is not invited to."""
    world = {
        "soon": schedule("Soon", datetime(2027, 6, 1, 10)),
        "last_year": schedule("Last year", datetime(2026, 4, 1, 10)),
        "too_old": schedule("Too old", datetime(2026, 2, 1, 10)),
        "in_two_years": schedule("In two years", datetime(2029, 2, 1, 10)),
        "too_far": schedule("Too far", datetime(2029, 4, 1, 10)),
        "month_only": schedule("Month only", datetime(2026, 9, 1, 10), date_precision=DatePrecision.MONTH),
        "without_kaz": schedule("Without Kazakhstan", datetime(2027, 7, 1, 10)),
    }
    db.session.execute(Invitation.__table__.delete().where(
        Invitation.meeting_id == world["without_kaz"].id, Invitation.delegation_id == delegation("KAZ").id))
    db.session.commit()
    return world


def token_for(user: User) -> str:
    return feeds.regenerate(user)


def summaries(response) -> list[str]:
    calendar, _ = parse_twice(response.data)  # both parsers accept every feed
    return [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]


def test_an_officer_sees_every_meeting_in_the_window_with_alarms(client, calendar_world):
    token = token_for(officer())
    with freeze_time(NOW):
        response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert summaries(response) == ["Last year", "Soon", "Without Kazakhstan", "In two years"]
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert all(len(e.walk("VALARM")) == 1 for e in events)
    assert "Set-Cookie" not in response.headers  # a calendar program keeps no session


def test_a_delegate_sees_only_their_delegations_meetings_in_their_language(client, calendar_world):
    token = token_for(delegate(delegation("KAZ"), language="ru"))
    with freeze_time(NOW):
        response = client.get(f"/calendar/feed/{token}.ics")
    assert summaries(response) == ["Last year (ru)", "Soon (ru)", "In two years (ru)"]
    uids = [str(e["UID"]) for e in Calendar.from_ical(response.data).walk("VEVENT")]
    assert f"meeting-{calendar_world['without_kaz'].id}@cica.example" not in uids
    assert all("/delegation/meetings/" in str(e["URL"]) for e in Calendar.from_ical(response.data).walk("VEVENT"))


def test_a_delegate_of_an_uninvited_delegation_and_a_user_without_a_role_see_nothing(client, calendar_world):
    for user in (delegate(delegation("JPN")), UserFactory()):
        with freeze_time(NOW):
            response = client.get(f"/calendar/feed/{token_for(user)}.ics")
        assert response.status_code == 200 and summaries(response) == []


def test_wrong_revoked_and_altered_tokens_answer_the_same_404(client, calendar_world):
    user = officer()
    old = token_for(user)
    new = token_for(user)  # regenerating retires the old token
    assert client.get(f"/calendar/feed/{new}.ics").status_code == 200
    altered = new[:-1] + ("A" if new[-1] != "A" else "B")
    answers = [client.get(f"/calendar/feed/{t}.ics") for t in (old, altered, "x" * 43, "short", new + "x")]
    assert [a.status_code for a in answers] == [404] * 5
    assert len({a.get_data(as_text=True) for a in answers}) == 1  # no hint which it was
    feeds.revoke(user)
    revoked = client.get(f"/calendar/feed/{new}.ics")
    assert revoked.status_code == 404 and revoked.get_data(as_text=True) == answers[0].get_data(as_text=True)
    assert client.get("/calendar/feed/.ics").status_code == 404


def test_an_inactive_users_feed_is_closed(client, calendar_world):
    user = officer()
    token = token_for(user)
    user.active = False
    db.session.commit()
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 404


def test_only_the_tokens_digest_is_stored(app_ctx, calendar_world):
    user = officer()
    token = token_for(user)
    db.session.refresh(user)
    assert user.feed_token_hash == feeds.token_hash(token) and token not in user.feed_token_hash
    assert len(token) == 43


# The settings page ---------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, reference):
    for url in ("/calendar/",):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    for url in ("/calendar/regenerate", "/calendar/revoke"):
        response = client.post(url)
        assert response.status_code in (302, 400)
        assert response.status_code != 200


@pytest.mark.parametrize("who", ["officer", "delegate"])
def test_a_user_makes_revokes_and_remakes_the_feed_address(client, login, calendar_world, who):
    user = officer() if who == "officer" else delegate(delegation("KAZ"))
    login(user)
    page = client.get("/calendar/")
    assert page.status_code == 200 and "You have no feed address yet." in page.get_data(as_text=True)
    response = post_form(client, "/calendar/regenerate", {}, page="/calendar/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    https_url, token = FEED_URL_RE.search(html).groups()
    assert 'value="webcal://' in html and f"/calendar/feed/{token}.ics" in html
    with freeze_time(NOW):
        assert client.get(f"/calendar/feed/{token}.ics").status_code == 200
    # Shown once: the page no longer holds it.
    assert token not in client.get("/calendar/").get_data(as_text=True)
    assert post_form(client, "/calendar/revoke", {}, page="/calendar/").status_code == 302
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 404
    db.session.expire_all()
    assert db.session.get(User, user.id).feed_token_hash is None


def test_a_post_without_the_csrf_token_is_refused(client, login, calendar_world):
    login(officer())
    assert client.post("/calendar/regenerate").status_code == 400
    assert client.post("/calendar/revoke").status_code == 400
