"""Deny by default: every endpoint declares its audience, anonymous users are
refused everywhere but the public pages, and delegates and officers are kept
out of each other's pages."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from secretariat_app.permissions import Action, Audience, audience_of, requirement_of
from tests.conftest import csrf_token, log_in
from tests.factories import delegate, officer

PUBLIC = {"static", "main.index", "main.health", "auth.login", "auth.reset_request", "auth.reset_password",
          "auth.second_factor",  # the login's second step: without a login held by the password, back to login
          "calendar.feed",  # the feed is opened by calendar programs; its secret token is the key
          "api.openapi", "api.reference"}  # the JSON API's description (never its data): tests/api
DUMMY = {"int": "1", "default": "x"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        url = rule.rule
        for name, converter in rule._converters.items():
            value = DUMMY["int"] if isinstance(converter, IntegerConverter) else DUMMY["default"]
            url = _substitute(url, name, value)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def _substitute(url: str, name: str, value: str) -> str:
    start = url.index("<")
    while start != -1:
        end = url.index(">", start)
        if url[start:end].split(":")[-1] == name:
            return url[:start] + value + url[end + 1:]
        start = url.find("<", end)
    return url


def _request(client, method: str, url: str, token: str):
    data = {"csrf_token": token} if method != "GET" else None
    return client.open(url, method=method, data=data)


def test_every_endpoint_declares_an_audience(app):
    with app.test_request_context():
        missing = [r.endpoint for r in app.url_map.iter_rules() if audience_of(r.endpoint) is None]
        declared = {requirement_of(r.endpoint) for r in app.url_map.iter_rules()}
    assert missing == []
    assert all(isinstance(r, Audience | Action) for r in declared)


def test_public_endpoints_are_exactly_the_listed_ones(app):
    with app.test_request_context():
        public = {r.endpoint for r in app.url_map.iter_rules() if audience_of(r.endpoint) == Audience.PUBLIC}
    assert public == PUBLIC


def test_anonymous_is_refused_everywhere_but_public_pages(app, client):
    token = csrf_token(client)
    checked = 0
    for endpoint, method, url in _routes(app):
        if endpoint in PUBLIC:
            continue
        response = _request(client, method, url, token)
        assert response.status_code in (302, 401), (endpoint, method, url, response.status_code)
        if response.status_code == 302:
            assert "/auth/login" in response.headers["Location"], (endpoint, url)
        checked += 1
    assert checked >= 5


def _audience_routes(app, audiences):
    """The pages of `audiences`. The JSON API's are left to tests/api/test_api_access.py: a
    session cookie never authenticates them (401), only a token does."""
    with app.test_request_context():
        return [(e, m, u) for e, m, u in _routes(app) if audience_of(e) in audiences and not e.startswith("api.")]


@pytest.mark.parametrize("who,forbidden", [("delegate", {Audience.SECRETARIAT, Audience.ADMIN}),
                                           ("officer", {Audience.DELEGATE})])
def test_roles_are_kept_to_their_own_pages(app_ctx, client, who, forbidden):
    user = delegate() if who == "delegate" else officer()
    log_in(client, user.email)
    token = csrf_token(client, "/auth/password")
    routes = _audience_routes(app_ctx, forbidden)
    assert routes, "no pages of that audience exist"
    for endpoint, method, url in routes:
        response = _request(client, method, url, token)
        assert response.status_code == 403, (who, endpoint, method, url, response.status_code)


def test_officer_reaches_secretariat_pages_and_delegate_their_own(app_ctx, client):
    d = delegate()
    log_in(client, d.email)
    assert client.get("/delegation/").status_code == 200
    other = app_ctx.test_client()
    log_in(other, officer().email)
    assert other.get("/admin/").status_code == 200
    assert other.get("/admin/audit").status_code == 200
