"""Personal access tokens: made on the profile's tokens page (shown once, stored
hashed, a year by default, the second factor asked of whoever has one), revoked
there, and refused by the API once revoked or expired, or when their owner is
deactivated; cookies never authenticate the API, CSRF does not apply to bearer
requests, the scopes narrow, and each token has its own rate limit."""
from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from secretariat_app.api.models import AccessToken
from secretariat_app.audit.models import AuditEntry
from secretariat_app.core.errors import EXPLANATIONS
from secretariat_app.extensions import db
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.conftest import csrf_token, post_form
from tests.documents_helpers import cast, circulate, make_document
from tests.second_factor_helpers import next_code

SECRET = re.compile(r'<code class="token-secret">(cica_[A-Za-z0-9_-]+)</code>')


def made_on_the_page(client, data: dict):
    response = post_form(client, "/my/tokens/", data)
    match = SECRET.search(response.get_data(as_text=True))
    return response, match.group(1) if match else None


def security_events(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_delegate_makes_a_token_shown_once_and_kept_only_as_its_hash(app_ctx, client, login):
    c = cast()
    login(c.a1)
    response, secret = made_on_the_page(client, {"name": "Registry sync", "scopes": ["read", "acknowledge"],
                                                  "days": "365"})
    assert response.status_code == 200 and secret is not None
    row = db.session.scalar(select(AccessToken))
    assert row.user_id == c.a1.id and row.name == "Registry sync" and row.scope_values == {"read", "acknowledge"}
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr([getattr(row, column.key) for column in AccessToken.__table__.columns])
    assert abs(row.expires_at - (datetime.now(UTC) + timedelta(days=365))) < timedelta(minutes=1)
    # The list shows its name and first characters, never the secret again.
    page = client.get("/my/tokens/").get_data(as_text=True)
    assert "Registry sync" in page and row.prefix in page and secret not in page
    assert security_events("security.access_token_created")
    assert client.get("/api/v1/me", headers=bearer(secret)).get_json()["email"] == c.a1.email


def test_the_profile_links_to_the_tokens_page(app_ctx, client, login):
    login(cast().a1)
    assert "/my/tokens/" in client.get("/my/profile/").get_data(as_text=True)


def test_an_officer_needs_a_fresh_second_factor_code(app_ctx, client, login):
    c = cast()
    login(c.officer)
    response, secret = made_on_the_page(client, {"name": "Ops", "scopes": ["read", "officer"], "days": "30"})
    assert response.status_code == 422 and secret is None
    assert "That code is not right" in response.get_data(as_text=True)
    assert db.session.scalar(select(AccessToken)) is None
    assert security_events("security.second_factor_failed")
    response, secret = made_on_the_page(client, {"name": "Ops", "scopes": ["read", "officer"], "days": "30",
                                                  "code": next_code(client.application, c.officer.email)})
    assert response.status_code == 200 and secret is not None
    assert db.session.scalar(select(AccessToken)).scope_values == {"read", "officer"}


def test_a_token_never_gets_a_scope_its_owner_cannot_use(app_ctx, client, login):
    c = cast()
    login(c.a1)
    response, secret = made_on_the_page(client, {"name": "x", "scopes": ["read", "officer"], "days": "30"})
    assert response.status_code == 422 and secret is None
    assert db.session.scalar(select(AccessToken)) is None
    for days in ("0", "367"):
        response, secret = made_on_the_page(client, {"name": "x", "scopes": ["read"], "days": days})
        assert response.status_code == 422 and secret is None


def test_revoked_expired_and_deactivated_tokens_are_refused(app_ctx, client, login):
    c = cast()
    revoked, expired, deactivated, live = (token_for(c.a1, name="r"), token_for(c.a2, name="e"),
                                           token_for(c.b1, name="d"), token_for(c.a1, name="l"))
    db.session.execute(AccessToken.__table__.update().where(
        AccessToken.secret_hash == hashlib.sha256(expired.encode()).hexdigest())
        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    c.b1.active = False
    db.session.commit()
    login(c.a1)
    token_id = db.session.scalar(select(AccessToken.id).where(AccessToken.name == "r"))
    assert post_form(client, "/my/tokens/revoke", {"token_id": str(token_id)}, page="/my/tokens/").status_code == 302
    assert security_events("security.access_token_revoked")
    for secret in (revoked, expired, deactivated, "cica_made-up", "not-even-a-token"):
        response = client.get("/api/v1/me", headers=bearer(secret))
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/me", headers=bearer(live)).status_code == 200


def test_nobody_revokes_another_persons_token(app_ctx, client, login):
    c = cast()
    secret = token_for(c.a2)
    login(c.a1)
    token_id = db.session.scalar(select(AccessToken.id))
    assert post_form(client, "/my/tokens/revoke", {"token_id": str(token_id)}, page="/my/tokens/").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_a_session_cookie_never_authenticates_the_api(app_ctx, client, login):
    c = cast()
    document = make_document("Note", "Записка")
    circulate(document, c.alpha)
    login(c.a1)
    assert client.get("/inbox/").status_code == 200  # the cookie works for the pages
    for path in ("/api/v1/me", "/api/v1/inbox", f"/api/v1/documents/{document.id}"):
        response = client.get(path)
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
    # A form post with the page's CSRF token does not act through the API either.
    response = client.post(f"/api/v1/documents/{document.id}/acknowledgement",
                           data={"csrf_token": csrf_token(client, "/inbox/")})
    assert response.status_code == 401


def test_a_bearer_request_needs_no_csrf_token_and_its_scopes_narrow(app_ctx, client):
    c = cast()
    document = make_document("Note", "Записка")
    circulate(document, c.alpha)
    reader, acknowledger = token_for(c.a1, Scope.READ), token_for(c.a1, Scope.READ, Scope.ACKNOWLEDGE)
    response = client.post(f"/api/v1/documents/{document.id}/acknowledgement", headers=bearer(reader))
    assert response.status_code == 403 and "acknowledge" in response.get_json()["detail"]
    response = client.post(f"/api/v1/documents/{document.id}/acknowledgement", headers=bearer(acknowledger))
    assert response.status_code == 200 and response.get_json()["new"] is True


def test_each_token_has_its_own_rate_limit(app, app_ctx, client, monkeypatch):
    c = cast()
    first, second = token_for(c.a1, name="one"), token_for(c.a1, name="two")
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    assert [client.get("/api/v1/me", headers=bearer(first)).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/me", headers=bearer(first))
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) >= 1
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200


@pytest.mark.parametrize("language", ["en", "ru"])
def test_errors_are_problem_details_in_the_language_asked_for(app_ctx, client, language):
    secret = token_for(cast().a1)
    response = client.get("/api/v1/documents/999999", headers=bearer(secret, **{"Accept-Language": language}))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    body = response.get_json()
    with force_locale(language):
        expected = str(EXPLANATIONS[404])
    assert body == {"type": "about:blank", "title": "Not Found", "status": 404, "detail": expected}
    if language == "ru":
        assert expected != "There is nothing at this address."  # the message is translated


def test_invalid_values_are_named_in_a_problem(app_ctx, client):
    secret = token_for(cast().a1)
    response = client.get("/api/v1/inbox?per_page=0&year=abc", headers=bearer(secret))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {error["field"] for error in response.get_json()["errors"]} == {"per_page", "year"}
