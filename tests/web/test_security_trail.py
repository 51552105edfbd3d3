"""The security trail: sign-ins, refusals and sign-outs in the audit log, with
the client's address (the real one behind a trusted proxy) and browser."""
from __future__ import annotations

from sqlalchemy import select

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.conftest import post_form
from tests.factories import PASSWORD, officer
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
