"""Logging in and out, throttling, CSRF, passwords and their reset."""
from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import PasswordResetToken, User
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.conftest import csrf_token, log_in, post_form
from tests.factories import PASSWORD, delegate, officer
from tests.second_factor_helpers import next_code


def _login(client, email, password):
    return post_form(client, "/auth/login", {"email": email, "password": password})


def test_login_with_right_password_and_refusal_with_wrong(app_ctx, client):
    user = officer()
    response = _login(client, user.email, "wrong password!")
    assert response.status_code == 200
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert _login(client, user.email.upper(), PASSWORD).status_code == 302


def test_ten_wrong_passwords_for_one_account_give_429(app_ctx, client):
    user = officer()
    statuses = [_login(client, user.email, f"wrong-{i}-password").status_code for i in range(10)]
    assert statuses[:5] == [200] * 5
    assert 429 in statuses
    # Locked: even the right password waits now.
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


def test_many_failures_from_one_address_give_429_across_accounts(app_ctx, client):
    statuses = [_login(client, f"nobody{i}@cica.example", "wrong password").status_code for i in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_successful_logins_do_not_count_towards_the_throttle(app_ctx, app):
    user = officer()
    for _ in range(8):
        client = app.test_client()
        assert _login(client, user.email, PASSWORD).status_code == 302


def test_post_without_csrf_token_is_400_with_a_readable_page(app_ctx, client):
    user = officer()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)


def test_logout_needs_post_with_token(app_ctx, client):
    log_in(client, officer().email)
    assert client.get("/auth/logout").status_code == 405
    assert post_form(client, "/auth/logout", {}, page="/auth/password").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_open_redirect_after_login_is_refused(app_ctx, app, client):
    """After the password alone (a delegate), and after the second step (an officer)."""
    user = delegate()
    token = csrf_token(client)
    response = client.post("/auth/login?next=//evil.example/x",
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"
    staff, other = officer(), app.test_client()
    token = csrf_token(other)
    response = other.post("/auth/login?next=//evil.example/x",
                          data={"email": staff.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/auth/second-factor"
    response = post_form(other, "/auth/second-factor", {"code": next_code(app, staff.email)})
    assert response.headers["Location"] == "/"


def test_change_password_checks_current_and_ends_other_sessions(app_ctx, app):
    user = officer()
    first, second = app.test_client(), app.test_client()
    log_in(first, user.email)
    log_in(second, user.email)
    response = post_form(first, "/auth/password",
                         {"current_password": "not it at all", "new_password": "a new long password",
                          "confirm": "a new long password"})
    assert "The current password is not correct." in response.get_data(as_text=True)
    response = post_form(first, "/auth/password",
                         {"current_password": PASSWORD, "new_password": "short", "confirm": "short"})
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    response = post_form(first, "/auth/password",
                         {"current_password": PASSWORD, "new_password": "a new long password",
                          "confirm": "a new long password"})
    assert response.status_code == 302
    assert first.get("/admin/").status_code == 200  # this session goes on
    assert second.get("/admin/").status_code == 302  # the other one ended
    assert _login(app.test_client(), user.email, "a new long password").status_code == 302


def _reset_link(message) -> str:
    match = re.search(r"http://[^/]+(/auth/reset/\S+)", message.get_content() if not message.is_multipart()
                      else message.get_body(("plain",)).get_content())
    assert match, message
    return match.group(1)


def test_password_reset_by_mailed_single_use_token(app_ctx, client, outbox):
    user = officer()
    response = post_form(client, "/auth/reset", {"email": user.email})
    assert response.status_code == 302
    assert len(outbox) == 1 and outbox[0]["To"] == user.email
    link = _reset_link(outbox[0])
    # Only the token's hash is stored.
    assert link.rsplit("/", 1)[1] not in {t.token_hash for t in db.session.scalars(select(PasswordResetToken))}
    response = post_form(client, link, {"new_password": "brand new password", "confirm": "brand new password"})
    assert response.status_code == 302
    assert client.get(link).status_code == 404  # used once
    assert _login(client, user.email, "brand new password").status_code == 302


def test_reset_for_unknown_address_says_the_same_and_sends_nothing(app_ctx, client, outbox):
    response = post_form(client, "/auth/reset", {"email": "nobody@cica.example"}, follow_redirects=True)
    assert "If an account uses that address" in response.get_data(as_text=True)
    assert outbox == []


def test_reset_token_expires(app_ctx, client, outbox):
    user = officer()
    post_form(client, "/auth/reset", {"email": user.email})
    link = _reset_link(outbox[0])
    with freeze_time(datetime.now(UTC) + timedelta(hours=1, minutes=1)):
        assert client.get(link).status_code == 404
        token = csrf_token(client)
        response = client.post(link, data={"new_password": "brand new password", "confirm": "brand new password",
                                           "csrf_token": token})
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_reset_mail_goes_through_a_real_smtp_server(app_ctx, client, smtp_sink, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app_ctx.config, "MAIL_SERVER", smtp_sink.hostname)
    monkeypatch.setitem(app_ctx.config, "MAIL_PORT", smtp_sink.port)
    user = officer(language="ru")
    post_form(client, "/auth/reset", {"email": user.email})
    assert len(smtp_sink.messages) == 1
    envelope = smtp_sink.messages[0]
    assert envelope.rcpt_tos == [user.email]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "Секретариат СВМДА: сброс пароля"  # the recipient's language
    assert "/auth/reset/" in message.get_content()


def test_security_headers_and_cookie_flags(app_ctx, client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response = _login(client, officer().email, PASSWORD)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_audit_records_password_change(app_ctx, client):
    user = officer()
    log_in(client, user.email)
    post_form(client, "/auth/password", {"current_password": PASSWORD, "new_password": "another password",
                                         "confirm": "another password"})
    count = db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "user.password_change"))
    assert count == 1
