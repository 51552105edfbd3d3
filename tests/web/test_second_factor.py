"""The second factor through the pages: the second step of a login, the
enrolment gate of Secretariat staff, recovery codes, the throttle, a delegate
turning it on and off, an administrator's reset, and the expiry of a login
held between its two steps. On SQLite and PostgreSQL (the `app` fixture)."""
from __future__ import annotations

import re

import pyotp
from freezegun import freeze_time
from sqlalchemy import select

from secretariat_app.accounts.models.people import Role, User, UserRole
from secretariat_app.accounts.passwords import hash_password
from secretariat_app.accounts.services import second_factor
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.conftest import csrf_token, log_in, post_form
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory, admin, delegate, officer
from tests.second_factor_helpers import next_code

GATED_PAGES = ["/", "/inbox/", "/documents/", "/documents/1", "/admin/", "/admin/users", "/admin/audit",
               "/meetings/", "/auth/password", "/auth/two-step", "/my/notices/"]
CODES_RE = re.compile(r"<li><code>([0-9a-z]{5}-[0-9a-z]{5})</code></li>")


def _password(client, user: User, path: str = "/auth/login"):
    return post_form(client, path, {"email": user.email, "password": PASSWORD}, page="/auth/login")


def _code(client, code: str):
    return post_form(client, "/auth/second-factor", {"code": code}, page="/auth/login")


def _events(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == f"security.{action}")
                                   .order_by(AuditEntry.id)))


def _fresh(user: User) -> User:
    db.session.rollback()
    found = db.session.get(User, user.id)
    assert found is not None
    return found


def _enrol_through_the_page(client, app, user: User) -> tuple[str, list[str]]:
    """What a person does: read the key off the page, add it to an app, type its code."""
    page = client.get("/auth/second-factor/enrol").get_data(as_text=True)
    secret = re.search(r'<code class="secret"[^>]*>([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    response = post_form(client, "/auth/second-factor/enrol", {"code": next_code(app, user.email, secret)},
                         page="/auth/second-factor/enrol")
    assert response.status_code == 200
    return secret, CODES_RE.findall(response.get_data(as_text=True))


# The enrolment gate ----------------------------------------------------------------------------------

def test_officer_without_a_second_factor_opens_nothing_but_enrolment_until_enrolled(app_ctx, app, client):
    user = officer(second_factor=False)
    assert _password(client, user).headers["Location"] == "/"  # logged in with the password alone
    for path in GATED_PAGES:
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/auth/second-factor/enrol", path
    # A form elsewhere is not served either.
    assert client.post("/admin/users/new", data={"csrf_token": csrf_token(client, "/auth/second-factor/enrol")}
                       ).headers["Location"] == "/auth/second-factor/enrol"
    page = client.get("/auth/second-factor/enrol")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<svg' in html and 'class="qr"' in html
    assert "<title>" in html.split('class="qr"', 1)[1][:200]  # the QR code says what it is
    assert re.search(r'<code class="secret"[^>]*>([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', html)  # and its text

    _secret, codes = _enrol_through_the_page(client, app, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    for path in ["/admin/", "/admin/users", "/inbox/", "/auth/two-step"]:
        assert client.get(path).status_code in (200, 403), path  # the pages answer for themselves again
    assert client.get("/admin/").status_code == 200
    assert [e.object_id for e in _events("second_factor_enrolled")] == [str(user.id)]
    assert _fresh(user).has_second_factor


def test_logout_stays_open_before_enrolment(app_ctx, client):
    user = admin(second_factor=False)
    _password(client, user)
    assert post_form(client, "/auth/logout", {}, page="/auth/second-factor/enrol").status_code == 302
    assert "/auth/login" in client.get("/admin/").headers["Location"]


def test_a_wrong_code_does_not_enrol(app_ctx, client):
    user = officer(second_factor=False)
    _password(client, user)
    client.get("/auth/second-factor/enrol")
    response = post_form(client, "/auth/second-factor/enrol", {"code": "000000"}, page="/auth/second-factor/enrol")
    assert response.status_code == 200 and "That code is not right" in response.get_data(as_text=True)
    assert not _fresh(user).has_second_factor
    assert client.get("/admin/").headers["Location"] == "/auth/second-factor/enrol"


def test_the_role_granted_during_a_session_sends_to_enrolment_at_once(app_ctx, client):
    user = UserFactory()  # no role yet: signs in with the password alone
    log_in(client, user.email)
    assert client.get("/my/notices/").status_code == 200
    db.session.add(UserRole(user_id=user.id, role=Role.OFFICER))
    db.session.commit()
    assert client.get("/my/notices/").headers["Location"] == "/auth/second-factor/enrol"


def test_delegates_and_enrolled_staff_pass_the_gate(app_ctx, client, app):
    log_in(client, delegate().email)
    assert client.get("/inbox/").status_code == 200
    other = app.test_client()
    log_in(other, officer().email)
    assert other.get("/admin/").status_code == 200


# The second step --------------------------------------------------------------------------------------

def test_the_password_alone_does_not_log_in_an_account_with_a_second_factor(app_ctx, app, client):
    user = officer()
    response = post_form(client, "/auth/login?next=/admin/users", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/auth/second-factor"
    assert "/auth/login" in client.get("/admin/").headers["Location"]  # not logged in yet
    assert _events("login") == []
    wrong = _code(client, "123456" if pyotp.TOTP(TOTP_SECRET).now() != "123456" else "654321")
    assert wrong.status_code == 200 and "That code is not right" in wrong.get_data(as_text=True)
    assert [e.object_id for e in _events("second_factor_failed")] == [str(user.id)]
    assert "/auth/login" in client.get("/admin/").headers["Location"]
    right = _code(client, next_code(app, user.email))
    assert right.headers["Location"] == "/admin/users"  # where the login was going
    assert client.get("/admin/").status_code == 200
    [login] = _events("login")
    assert login.after["second_factor"] == "totp" and login.actor_id == user.id


def test_a_code_works_once(app_ctx, app, client):
    user = officer()
    code = next_code(app, user.email)
    _password(client, user)
    assert _code(client, code).status_code == 302
    post_form(client, "/auth/logout", {}, page="/auth/password")
    _password(client, user)
    again = _code(client, code)
    assert again.status_code == 200 and "used already" in again.get_data(as_text=True)
    assert "/auth/login" in client.get("/admin/").headers["Location"]
    # An older code than the last one used is refused too; the next one is accepted.
    assert _code(client, next_code(app, user.email)).status_code == 302


def test_a_recovery_code_works_once(app_ctx, app, client):
    user = officer()
    codes = second_factor.renew_recovery_codes(user, next_code(app, user.email))
    _password(client, user)
    assert _code(client, codes[0].upper().replace("-", " ")).status_code == 302  # as typed from paper
    [used] = _events("recovery_code_used")
    assert used.after["left"] == 9 and used.object_id == str(user.id)
    assert _events("login")[-1].after["second_factor"] == "recovery_code"
    post_form(client, "/auth/logout", {}, page="/auth/password")
    _password(client, user)
    assert _code(client, codes[0]).status_code == 200  # spent
    assert _code(client, "zzzzz-zzzzz").status_code == 200  # never issued
    assert _code(client, codes[1]).status_code == 302


def test_the_second_step_is_throttled_per_account(app_ctx, app, client):
    user = officer()
    _password(client, user)
    statuses = [_code(client, "000000").status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
    response = _code(client, next_code(app, user.email))  # the right code waits too
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True) and "Retry-After" in response.headers
    # From another address the account is still throttled; other accounts are not.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    _password(other, user)
    assert _code(other, next_code(app, user.email)).status_code == 429
    colleague = officer()
    _password(other, colleague)
    assert _code(other, next_code(app, colleague.email)).status_code == 302


def test_the_second_step_is_throttled_per_address(app_ctx, app, client):
    accounts = [officer() for _ in range(4)]
    for user, failures in zip(accounts, (4, 4, 2), strict=False):
        _password(client, user)
        assert [_code(client, "000000").status_code for _ in range(failures)] == [200] * failures
    _password(client, accounts[3])
    assert _code(client, next_code(app, accounts[3].email)).status_code == 429


def test_right_codes_do_not_count_towards_the_throttle(app_ctx, app):
    user = officer()
    for _ in range(7):
        client = app.test_client()
        _password(client, user)
        assert _code(client, next_code(app, user.email)).status_code == 302


def test_the_held_login_expires(app_ctx, app, client):
    user = officer()
    with freeze_time("2026-12-04 10:00:00") as clock:
        _password(client, user)
        clock.tick(app.config["SECOND_FACTOR_PENDING_SECONDS"] - 10)
        assert client.get("/auth/second-factor").status_code == 200  # still held
        clock.tick(20)
        response = _code(client, next_code(app, user.email))
        assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
        assert "/auth/login" in client.get("/admin/").headers["Location"]
        assert "Your sign-in has expired" in client.get("/auth/login").get_data(as_text=True)
    assert _events("login") == []


def test_the_second_step_without_a_password_first_goes_to_login(app_ctx, client):
    assert client.get("/auth/second-factor").headers["Location"] == "/auth/login"


def test_a_password_change_between_the_steps_ends_the_held_login(app_ctx, app, client):
    user = officer()
    _password(client, user)
    _fresh(user).password_hash = hash_password("another long password")  # a change or a reset in between
    db.session.commit()
    assert _code(client, next_code(app, user.email)).headers["Location"] == "/auth/login"


# A delegate's choice -----------------------------------------------------------------------------------

def test_a_delegate_turns_it_on_and_off(app_ctx, app, client):
    user = delegate()
    log_in(client, user.email)
    page = client.get("/auth/two-step").get_data(as_text=True)
    assert "You sign in with your password alone." in page and "/auth/second-factor/enrol" in page
    secret, codes = _enrol_through_the_page(client, app, user)
    assert len(codes) == 10
    page = client.get("/auth/two-step").get_data(as_text=True)
    assert "10 recovery codes left." in page and "Turn off two-step verification" in page

    post_form(client, "/auth/logout", {}, page="/auth/password")
    assert _password(client, user).headers["Location"] == "/auth/second-factor"
    assert _code(client, codes[3]).status_code == 302

    off = {"off-password": "not my password", "off-code": "000000"}
    refused = post_form(client, "/auth/two-step/off", off, page="/auth/two-step")
    assert refused.status_code == 200 and "The password is not correct." in refused.get_data(as_text=True)
    off["off-password"] = PASSWORD
    refused = post_form(client, "/auth/two-step/off", off, page="/auth/two-step")
    assert refused.status_code == 200 and "That code is not right" in refused.get_data(as_text=True)
    assert _fresh(user).has_second_factor
    off["off-code"] = next_code(app, user.email, secret)
    done = post_form(client, "/auth/two-step/off", off, page="/auth/two-step")
    assert done.status_code == 302, re.findall(r'class="error[^>]*>([^<]*)<', done.get_data(as_text=True))
    assert not _fresh(user).has_second_factor and len(_events("second_factor_disabled")) == 1

    post_form(client, "/auth/logout", {}, page="/auth/password")
    assert _password(client, user).headers["Location"] == "/"  # the password alone again


def test_staff_cannot_turn_it_off(app_ctx, app, client):
    user = officer()
    log_in(client, user.email)
    page = client.get("/auth/two-step").get_data(as_text=True)
    assert "Secretariat staff must keep two-step verification on." in page and "off-password" not in page
    response = post_form(client, "/auth/two-step/off",
                         {"off-password": PASSWORD, "off-code": next_code(app, user.email)}, page="/auth/two-step")
    assert response.status_code == 200 and _fresh(user).has_second_factor


def test_new_recovery_codes_replace_the_old(app_ctx, app, client):
    user = officer()
    old = second_factor.renew_recovery_codes(user, next_code(app, user.email))
    log_in(client, user.email)
    response = post_form(client, "/auth/two-step/recovery-codes", {"renew-code": next_code(app, user.email)},
                         page="/auth/two-step")
    new = CODES_RE.findall(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    post_form(client, "/auth/logout", {}, page="/auth/password")
    _password(client, user)
    assert _code(client, old[0]).status_code == 200
    assert _code(client, new[0]).status_code == 302


# An administrator's reset ------------------------------------------------------------------------------

def test_an_administrator_resets_a_second_factor_ending_every_session(app_ctx, app):
    target, chief = officer(), admin()
    theirs, mine = app.test_client(), app.test_client()
    log_in(theirs, target.email)
    assert theirs.get("/admin/").status_code == 200
    log_in(mine, chief.email)
    page = mine.get(f"/admin/users/{target.id}/edit").get_data(as_text=True)
    assert "Reset two-step verification" in page
    response = post_form(mine, f"/admin/users/{target.id}/second-factor/reset", {},
                         page=f"/admin/users/{target.id}/edit")
    assert response.status_code == 302
    assert not _fresh(target).has_second_factor
    [event] = _events("second_factor_reset")
    assert event.actor_id == chief.id and event.object_id == str(target.id)
    assert "/auth/login" in theirs.get("/admin/").headers["Location"]  # their session has ended
    assert mine.get("/admin/").status_code == 200  # the administrator's has not
    # At their next login they set it up again before anything else.
    assert _password(theirs, target).headers["Location"] == "/"
    assert theirs.get("/admin/").headers["Location"] == "/auth/second-factor/enrol"


def test_only_an_administrator_resets_and_not_their_own(app_ctx, app):
    target = officer()
    for who in (officer(), delegate()):
        client = app.test_client()
        log_in(client, who.email)
        response = post_form(client, f"/admin/users/{target.id}/second-factor/reset", {}, page="/auth/two-step")
        assert response.status_code == 403, who
    chief = admin()
    client = app.test_client()
    log_in(client, chief.email)
    assert post_form(client, f"/admin/users/{chief.id}/second-factor/reset", {},
                     page="/auth/two-step").status_code == 403
    assert client.post(f"/admin/users/{target.id}/second-factor/reset").status_code == 400  # no CSRF token
    assert client.post("/admin/users/999999/second-factor/reset",
                       data={"csrf_token": csrf_token(client, "/auth/two-step")}).status_code == 404
    assert _fresh(target).has_second_factor and _fresh(chief).has_second_factor
    assert _events("second_factor_reset") == []


# In Russian -------------------------------------------------------------------------------------------

def test_the_pages_speak_russian(app_ctx, app, client):
    user = officer(second_factor=False, language="ru")
    _password(client, user)
    page = client.get("/auth/second-factor/enrol").get_data(as_text=True)
    assert "Настройка двухэтапной проверки" in page
    other = app.test_client()
    staff = officer(language="ru")
    _password(other, staff)
    # Before the login completes the page follows the browser's language.
    page = other.get("/auth/second-factor", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Двухэтапная проверка" in page
