"""My profile: language and time zone saved (audited, CSRF, errors in English and
Russian), the mail preferences that come back here, the calendar feed and the
links to the password, second factor and sessions; linked from every page's header."""
from __future__ import annotations

from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from secretariat_app.notices.models import NotificationKind
from tests.conftest import post_form
from tests.factories import delegate, officer

PAGE = "/my/profile/"


def _audits(user_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.profile",
                                                            AuditEntry.object_id == str(user_id))))


def test_anonymous_is_sent_to_log_in(client, reference):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post(PAGE, data={"language": "ru", "timezone": "UTC"}).status_code in (302, 400)


def test_the_header_links_the_profile_and_the_page_links_the_rest(client, login, reference):
    me = delegate()
    login(me)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/my/profile/"' in home
    html = client.get(PAGE).get_data(as_text=True)
    for link in ("/auth/password", "/my/sessions/", "/calendar/regenerate", "/my/notices/preferences"):
        assert link in html, link
    assert me.email in html


def test_a_person_without_a_known_zone_is_shown_the_forums(client, login, reference):
    me = delegate(timezone="")
    login(me)
    html = client.get(PAGE).get_data(as_text=True)
    assert '<option selected value="Asia/Almaty">' in html
    assert "Times shown in Asia/Almaty" in html  # and the pages show times in it
    me.timezone = "Europe/Moscow"
    db.session.commit()
    html = client.get(PAGE).get_data(as_text=True)
    assert '<option selected value="Europe/Moscow">' in html and '<option selected value="Asia/Almaty">' not in html


def test_saving_language_and_zone_is_audited_and_the_page_turns_russian(client, login, reference):
    me = delegate(language="en", timezone="UTC")
    login(me)
    response = post_form(client, PAGE, {"language": "ru", "timezone": "Asia/Tokyo"}, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ru">' in html and "Ваш профиль сохранён." in html
    db.session.refresh(me)
    assert (me.language, me.timezone) == ("ru", "Asia/Tokyo")
    [entry] = _audits(me.id)
    assert entry.actor_id == me.id
    assert entry.before == {"language": "en", "timezone": "UTC"}
    assert entry.after == {"language": "ru", "timezone": "Asia/Tokyo"}
    # Saving the same values again changes nothing and records nothing.
    post_form(client, PAGE, {"language": "ru", "timezone": "Asia/Tokyo"})
    assert len(_audits(me.id)) == 1


def test_bad_values_are_refused_under_their_fields_in_the_readers_language(client, login, reference):
    me = delegate(language="en", timezone="UTC")
    login(me)
    response = post_form(client, PAGE, {"language": "de", "timezone": "Mars/Olympus"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose English or Russian." in html and "Unknown time zone." in html
    db.session.refresh(me)
    assert (me.language, me.timezone) == ("en", "UTC") and _audits(me.id) == []
    me.language = "ru"
    db.session.commit()
    html = post_form(client, PAGE, {"language": "ru", "timezone": "Mars/Olympus"}).get_data(as_text=True)
    assert "Неизвестный часовой пояс." in html
    db.session.refresh(me)
    assert me.timezone == "UTC"


def test_without_the_csrf_token_nothing_is_saved(client, login, reference):
    me = delegate(language="en", timezone="UTC")
    login(me)
    response = client.post(PAGE, data={"language": "ru", "timezone": "Asia/Tokyo"})
    assert response.status_code == 400
    db.session.refresh(me)
    assert (me.language, me.timezone) == ("en", "UTC") and _audits(me.id) == []


def test_mail_preferences_saved_from_the_profile_come_back_to_it(client, login, reference):
    me = officer()
    login(me)
    html = client.get(PAGE).get_data(as_text=True)
    assert f'name="mail_{NotificationKind.CYCLE_FINDING.value}"' in html  # an officer's kind
    kept = {f"mail_{kind.value}": "y" for kind in NotificationKind if kind != NotificationKind.MEETING_REMINDER}
    response = post_form(client, "/my/notices/preferences", {**kept, "back": "profile"}, page=PAGE)
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    db.session.refresh(me)
    assert me.mail_opt_out == [NotificationKind.MEETING_REMINDER.value]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.notice_preferences")) is not None


def test_a_delegate_is_not_offered_the_officers_kinds(client, login, reference):
    login(delegate())
    assert f'name="mail_{NotificationKind.CYCLE_FINDING.value}"' not in client.get(PAGE).get_data(as_text=True)


def test_the_calendar_feed_from_the_profile(client, login, reference):
    me = delegate()
    login(me)
    assert "You have no feed address yet." in client.get(PAGE).get_data(as_text=True)
    response = post_form(client, "/calendar/regenerate", {}, page=PAGE)
    assert response.status_code == 200 and "webcal://" in response.get_data(as_text=True)
    html = client.get(PAGE).get_data(as_text=True)
    assert "You have a feed address." in html and "/calendar/revoke" in html
    assert post_form(client, "/calendar/revoke", {}, page=PAGE).status_code == 302
    db.session.refresh(me)
    assert me.feed_token_hash is None
