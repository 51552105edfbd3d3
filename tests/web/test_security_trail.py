"""The security trail: sign-ins, refusals and sign-outs in the audit log, with
the client's address (the real one behind a trusted proxy) and browser."""
from __future__ import annotations

from sqlalchemy import select

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.accounts.services import link_delivery
from secretariat_app.audit.models import AuditEntry
from secretariat_app.audit.security import EVENT_LABELS, SecurityEvent
from secretariat_app.extensions import db
from tests.conftest import log_in, post_form
from tests.factories import PASSWORD, admin, delegate, officer
from tests.second_factor_helpers import next_code


def _events() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "security")
                                   .order_by(AuditEntry.id)))


def test_login_failure_login_and_logout_are_recorded_with_address_and_browser(app_ctx, client):
    user = officer()
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Test)"
    post_form(client, "/auth/login", {"email": user.email, "password": "wrong password!"})
    post_form(client, "/auth/login", {"email": user.email, "password": PASSWORD})
    assert [e.action for e in _events()] == ["security.login_failed"]  # the second step is still to come
    post_form(client, "/auth/second-factor", {"code": next_code(app_ctx, user.email)})
    post_form(client, "/auth/logout", {}, page="/auth/password")
    events = _events()
    assert [e.action for e in events] == ["security.login_failed", "security.login", "security.logout"]
    failed, login, logout = events
    assert failed.after["email"] == user.email and failed.actor_id is None
    assert login.actor_id == user.id and login.object_id == str(user.id)
    assert login.after["second_factor"] == "totp"
    assert logout.actor_id == user.id
    for event in events:
        assert event.after["address"] == "127.0.0.1"
        assert event.after["user_agent"] == "Mozilla/5.0 (Test)"


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(app_ctx, client):
    """Without a configured proxy a client cannot choose its address by a header;
    with one, the address the proxy appended is the client's."""
    user = officer()
    forged = {"X-Forwarded-For": "203.0.113.9"}
    post_form(client, "/auth/login", {"email": user.email, "password": "wrong password!"}, headers=forged)
    assert _events()[-1].after["address"] == "127.0.0.1"

    proxied = create_app(TestConfig, {**{k: app_ctx.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "FILE_STORE_DIR")},
                                      "TRUSTED_PROXY_COUNT": 1})
    proxied.test_client_class = type(client)
    behind = proxied.test_client()
    # A client forges the first entry; the proxy appends the real address last.
    chain = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
    post_form(behind, "/auth/login", {"email": user.email, "password": "wrong password!"}, headers=chain)
    assert _events()[-1].after["address"] == "203.0.113.9"


def _admin_edits(client, user, **changes):
    values = {"email": user.email, "name": user.name, "roles": sorted(r.value for r in user.roles),
              "delegation_id": str(user.delegation_id or ""), "language": user.language,
              "timezone": user.timezone, "active": "y"}
    values.update(changes)
    response = post_form(client, f"/admin/users/{user.id}/edit", {k: v for k, v in values.items() if v is not None})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_role_changes_deactivation_and_revocations_are_recorded_with_the_acting_admin(app_ctx, app, client):
    administrator = admin()
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Admin)"
    log_in(client, administrator.email)
    target = officer()
    log_in(app.test_client(), target.email)
    _admin_edits(client, target, roles=["admin", "officer"])
    _admin_edits(client, target, roles=["admin", "officer"], active=None)
    events = [e for e in _events() if e.object_id == str(target.id) and e.action != "security.login"]
    assert [e.action for e in events] == ["security.roles_changed", "security.session_revoked",
                                          "security.account_deactivated"]
    roles, revoked, deactivated = events
    assert roles.after["roles_before"] == ["officer"] and roles.after["roles_after"] == ["admin", "officer"]
    assert revoked.after["reason"] == "roles_changed" and revoked.after["sessions"] == 1
    for event in events:
        assert event.actor_id == administrator.id
        assert event.after["address"] == "127.0.0.1" and event.after["user_agent"] == "Mozilla/5.0 (Admin)"
    # Deactivation found no session left to end: no second revocation.
    assert deactivated.after.get("reason") is None


def test_a_save_that_changes_no_role_records_no_security_event(app_ctx, client):
    administrator = admin()
    log_in(client, administrator.email)
    target = officer()
    _admin_edits(client, target, name="Another name")
    assert [e.action for e in _events()] == ["security.login"]


def test_a_password_reset_and_sign_out_everywhere_else_are_recorded(app_ctx, app, client):
    user = officer()
    log_in(client, user.email)
    log_in(app.test_client(), user.email)
    post_form(client, "/my/sessions/sign-out-others", {}, page="/my/sessions/")
    link_delivery.send_reset_link("request-1", user.email)  # what the worker does
    raw = link_delivery.raw_token("reset", "request-1")
    post_form(app.test_client(), f"/auth/reset/{raw}", {"new_password": "brand new password",
                                                        "confirm": "brand new password"})
    actions = [e.action for e in _events()]
    assert actions == ["security.login", "security.login", "security.session_revoked",
                       "security.password_reset_requested", "security.session_revoked", "security.password_reset"]
    elsewhere, by_reset = _events()[2], _events()[4]
    assert (elsewhere.after["reason"], elsewhere.after["sessions"]) == ("signed_out_elsewhere", 1)
    assert elsewhere.after["kept"] is not None
    assert (by_reset.after["reason"], by_reset.after["sessions"]) == ("password_reset", 1)
    assert _events()[-1].actor_id == user.id


def test_officers_filter_the_audit_page_by_security_event(app_ctx, app, client):
    reader = officer()
    client.environ_base["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")
    post_form(client, "/auth/login", {"email": "nobody@cica.example", "password": "wrong password!"})
    log_in(client, reader.email)
    page = client.get("/admin/audit?event=login_failed").get_data(as_text=True)
    assert 'value="login_failed" selected' in page and ">Failed login</option>" in page
    assert "nobody@cica.example" in page and "security.login_failed" in page
    assert "security.login<" not in page  # the successful login is filtered out
    assert "127.0.0.1" in page and "Chrome 126 on Linux" in page
    page = client.get("/admin/audit?event=login").get_data(as_text=True)
    assert "security.login<" in page and "security.login_failed" not in page
    # An unknown kind filters nothing and is no error.
    page = client.get("/admin/audit?event=nonsense")
    assert page.status_code == 200 and "security.login_failed" in page.get_data(as_text=True)
    reader.language = "ru"
    db.session.commit()
    assert ">Неудачный вход</option>" in client.get("/admin/audit").get_data(as_text=True)


def test_delegates_cannot_open_the_audit_page(app_ctx, client):
    log_in(client, delegate().email)
    assert client.get("/admin/audit?event=login").status_code == 403


def test_every_security_event_has_a_label():
    assert set(EVENT_LABELS) == set(SecurityEvent)
