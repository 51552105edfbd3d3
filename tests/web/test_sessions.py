"""Sessions that end: a copy of a session cookie taken before a logout, a
password change or reset, "sign out everywhere else", a role change or a
deactivation gets the login page when replayed (from a second client holding
the copy); the session that acted stays in; "Your sessions" lists where one is
logged in and signs any of them out, but never someone else's."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from secretariat_app.accounts.models.sessions import EndReason, UserSession
from secretariat_app.accounts.services import link_delivery
from secretariat_app.extensions import db
from tests.conftest import log_in, post_form
from tests.documents_helpers import READS, cast, library
from tests.factories import PASSWORD, DelegationFactory, admin, delegate, officer

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")


def browser(app, user_agent: str | None = None, address: str | None = None):
    """A new test client: another browser (its user agent and address, if given)."""
    client = app.test_client()
    if user_agent:
        client.environ_base["HTTP_USER_AGENT"] = user_agent
    if address:
        client.environ_base["REMOTE_ADDR"] = address
    return client


def copy_of(app, client):
    """A second client replaying `client`'s session cookie as it is now."""
    copy = app.test_client()
    copy.environ_base.update(client.environ_base)  # "strong" session protection: same address and browser
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def is_in(client, page: str = "/my/sessions/") -> bool:
    """True if `client` opens `page`; False if it is sent to the login page."""
    response = client.get(page)
    if response.status_code == 302 and response.location.startswith("/auth/login"):
        return False
    assert response.status_code == 200, (page, response.status_code)
    return True


def rows(user) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                   .order_by(UserSession.id)))


def test_a_cookie_copied_before_logout_opens_the_inbox_and_downloads_until_then_not_after(app_ctx, app):
    c = cast()
    docs = library(c)
    version = docs[sorted(READS["a1"])[0]].versions[0]
    download = f"/documents/versions/{version.id}/download"
    client = browser(app)
    log_in(client, c.a1.email)
    copy = copy_of(app, client)
    assert is_in(copy, "/inbox/") and copy.get(download).status_code == 200  # the copy works while logged in
    post_form(client, "/auth/logout", {}, page="/inbox/")
    assert not is_in(copy, "/inbox/")
    assert copy.get(download).status_code == 302
    assert not is_in(client, "/inbox/")
    assert [(r.end_reason, r.ended_at is not None) for r in rows(c.a1)] == [(EndReason.LOGOUT, True)]


def test_a_password_change_ends_every_other_session_and_copies_of_this_one(app_ctx, app):
    user = delegate()
    here, elsewhere = browser(app), browser(app, IPHONE)
    log_in(here, user.email)
    log_in(elsewhere, user.email)
    copy = copy_of(app, here)
    assert is_in(copy)
    response = post_form(here, "/auth/password", {"current_password": PASSWORD, "new_password": "a new long password",
                                                  "confirm": "a new long password"})
    assert response.status_code == 302
    assert is_in(here)  # the browser that changed it stays in, under a new secret
    assert not is_in(elsewhere)
    assert not is_in(copy)


def test_a_password_change_refused_ends_nothing(app_ctx, app):
    user = delegate()
    here, elsewhere = browser(app), browser(app)
    log_in(here, user.email)
    log_in(elsewhere, user.email)
    copy = copy_of(app, here)
    post_form(here, "/auth/password", {"current_password": "not the password", "new_password": "a new long password",
                                       "confirm": "a new long password"})
    assert is_in(here) and is_in(elsewhere) and is_in(copy)


def test_a_password_reset_ends_every_session(app_ctx, app, outbox):
    user = delegate()
    logged_in = browser(app)
    log_in(logged_in, user.email)
    copy = copy_of(app, logged_in)
    link_delivery.send_reset_link("request-1", user.email)  # what the worker does
    raw = link_delivery.raw_token("reset", "request-1")
    post_form(browser(app), f"/auth/reset/{raw}", {"new_password": "brand new password",
                                                   "confirm": "brand new password"})
    assert not is_in(logged_in) and not is_in(copy)
    assert {r.end_reason for r in rows(user)} == {EndReason.PASSWORD_RESET}


def test_sign_out_everywhere_else_keeps_only_the_browser_that_asked(app_ctx, app):
    user = delegate()
    other_user = delegate()
    here, there, far = browser(app, FIREFOX), browser(app, IPHONE), browser(app)
    for client in (here, there, far):
        log_in(client, user.email)
    bystander = browser(app)
    log_in(bystander, other_user.email)
    copy_here, copy_there = copy_of(app, here), copy_of(app, there)
    response = post_form(here, "/my/sessions/sign-out-others", {}, page="/my/sessions/", follow_redirects=True)
    assert "2 other sessions have been signed out." in response.get_data(as_text=True)
    assert is_in(here)
    assert not is_in(there) and not is_in(far) and not is_in(copy_there)
    assert not is_in(copy_here)  # a copy of the asking browser's cookie, taken before, ends too
    assert is_in(bystander)  # another person's sessions are theirs
    assert len(rows(user)) == 3 and [r.ended_at is None for r in rows(user)].count(True) == 1


def test_sign_out_one_session_and_not_another_users(app_ctx, app):
    user, other_user = delegate(), delegate()
    here, there = browser(app, FIREFOX), browser(app, IPHONE)
    log_in(here, user.email)
    log_in(there, user.email)
    theirs = browser(app)
    log_in(theirs, other_user.email)
    their_session = rows(other_user)[0].id
    response = post_form(here, f"/my/sessions/{their_session}/sign-out", {}, page="/my/sessions/")
    assert response.status_code == 404
    assert is_in(theirs) and rows(other_user)[0].ended_at is None
    there_id = rows(user)[1].id
    response = post_form(here, f"/my/sessions/{there_id}/sign-out", {}, page="/my/sessions/")
    assert response.status_code == 302
    assert not is_in(there) and is_in(here)
    # Once over, it cannot be signed out again; an id past any key is a 404 too.
    assert post_form(here, f"/my/sessions/{there_id}/sign-out", {}, page="/my/sessions/").status_code == 404
    assert post_form(here, "/my/sessions/99999999999999999999/sign-out", {}, page="/my/sessions/").status_code == 404


def test_signing_out_this_browser_from_the_list_logs_out(app_ctx, app):
    user = delegate()
    here = browser(app)
    log_in(here, user.email)
    response = post_form(here, f"/my/sessions/{rows(user)[0].id}/sign-out", {}, page="/my/sessions/")
    assert response.status_code == 302 and response.location.startswith("/auth/login")
    assert not is_in(here)


def test_sign_out_needs_post_and_the_csrf_token(app_ctx, app):
    user = delegate()
    here, there = browser(app), browser(app)
    log_in(here, user.email)
    log_in(there, user.email)
    there_id = rows(user)[1].id
    assert here.get(f"/my/sessions/{there_id}/sign-out").status_code == 405
    assert here.post(f"/my/sessions/{there_id}/sign-out").status_code == 400
    assert here.post("/my/sessions/sign-out-others").status_code == 400
    assert is_in(there)


def test_the_sessions_page_lists_address_and_browser(app_ctx, app):
    user = delegate(language="en")
    here = browser(app, FIREFOX, "192.0.2.7")
    phone = browser(app, IPHONE, "198.51.100.23")
    log_in(here, user.email)
    log_in(phone, user.email)
    other = delegate()
    log_in(browser(app, address="203.0.113.99"), other.email)
    html = here.get("/my/sessions/").get_data(as_text=True)
    assert "Firefox 128 on Windows" in html and "192.0.2.7" in html
    assert "Safari 17 on iPhone" in html and "198.51.100.23" in html
    assert "203.0.113.99" not in html  # only one's own
    assert len(re.findall(r'action="/my/sessions/\d+/sign-out"', html)) == 1  # the phone's
    assert html.count('action="/auth/logout"') == 2  # the menu's, and this browser's card: a logout
    assert 'action="/my/sessions/sign-out-others"' in html
    assert "this browser" in html
    # The profile (linked from every page's header) links to it, and the page is in Russian for a Russian reader.
    assert 'href="/my/profile/"' in here.get("/my/notices/").get_data(as_text=True)
    assert 'href="/my/sessions/"' in here.get("/my/profile/").get_data(as_text=True)
    user.language = "ru"
    db.session.commit()
    ru = here.get("/my/sessions/").get_data(as_text=True)
    assert "Ваши сеансы" in ru and "Firefox 128 (Windows)" in ru


def test_ended_and_idle_sessions_are_not_listed_and_open_nothing(app_ctx, app):
    user = delegate()
    here, idle = browser(app), browser(app, IPHONE)
    log_in(here, user.email)
    log_in(idle, user.email)
    long_ago = datetime.now(UTC) - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1)
    db.session.execute(update(UserSession).where(UserSession.id == rows(user)[1].id).values(last_seen_at=long_ago))
    db.session.commit()
    assert not is_in(idle)
    assert "Safari" not in here.get("/my/sessions/").get_data(as_text=True)


def test_last_seen_is_written_at_most_once_per_interval(app_ctx, app):
    user = delegate()
    here = browser(app)
    log_in(here, user.email)
    session_id = rows(user)[0].id
    started = rows(user)[0].last_seen_at
    assert is_in(here) and rows(user)[0].last_seen_at == started  # within the interval: no write
    earlier = datetime.now(UTC) - app.config["SESSION_TOUCH_INTERVAL"] - timedelta(seconds=5)
    db.session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=earlier))
    db.session.commit()
    assert is_in(here)
    seen = rows(user)[0].last_seen_at
    assert seen > started
    assert is_in(here) and rows(user)[0].last_seen_at == seen


@pytest.fixture
def as_admin(app_ctx, app):
    user = admin(name="Admin")
    client = browser(app)
    log_in(client, user.email)
    return user, client


def _user_form(user, **changes) -> dict:
    values = {"email": user.email, "name": user.name, "roles": sorted(r.value for r in user.roles),
              "delegation_id": str(user.delegation_id or ""), "language": user.language,
              "timezone": user.timezone, "active": "y" if user.active else ""}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_a_role_change_ends_the_accounts_sessions(app_ctx, app, as_admin):
    _, admin_client = as_admin
    target = delegate(delegation=DelegationFactory())
    client = browser(app)
    log_in(client, target.email)
    copy = copy_of(app, client)
    # A save that changes neither roles nor the active flag ends nothing.
    post_form(admin_client, f"/admin/users/{target.id}/edit", _user_form(target, name="Renamed"))
    assert is_in(client) and is_in(copy)
    response = post_form(admin_client, f"/admin/users/{target.id}/edit",
                         _user_form(target, roles=["coordinator", "delegate"]))
    assert response.status_code == 302
    assert not is_in(client) and not is_in(copy)
    assert is_in(admin_client)
    assert {r.end_reason for r in rows(target)} == {EndReason.ROLES_CHANGED}


def test_deactivation_ends_the_accounts_sessions(app_ctx, app, as_admin):
    _, admin_client = as_admin
    target = officer()
    client = browser(app)
    log_in(client, target.email)
    copy = copy_of(app, client)
    assert is_in(copy, "/admin/")
    response = post_form(admin_client, f"/admin/users/{target.id}/edit", _user_form(target, active=None))
    assert response.status_code == 302
    assert not is_in(client, "/admin/") and not is_in(copy, "/admin/")
    assert {r.end_reason for r in rows(target)} == {EndReason.DEACTIVATED}


def test_an_administrator_changing_their_own_roles_stays_in(app_ctx, app, as_admin):
    user, admin_client = as_admin
    elsewhere = browser(app)
    log_in(elsewhere, user.email)
    response = post_form(admin_client, f"/admin/users/{user.id}/edit", _user_form(user, roles=["admin", "officer"]))
    assert response.status_code == 302
    assert is_in(admin_client, "/admin/") and not is_in(elsewhere, "/admin/")


def test_an_old_style_or_forged_cookie_opens_nothing(app_ctx, app):
    """Cookies that name a user the way sessions did before (id:token), or name no
    session at all, load nobody."""
    user = delegate()
    client = browser(app)
    log_in(client, user.email)
    for forged in (f"{user.id}:token0", "", "x" * 500):
        with client.session_transaction() as session:
            session["_user_id"] = forged
        assert not is_in(client)
