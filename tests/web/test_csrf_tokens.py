"""The page header's CSRF token (the log-out form), signed at most once a minute
per session: served again within the minute, still accepted, never another
session's, and signed afresh once the minute is over."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import session
from freezegun import freeze_time

from secretariat_app.core import csrf_tokens
from tests.conftest import log_in
from tests.factories import PASSWORD, delegate

LOGOUT_TOKEN = re.compile(r'action="/auth/logout"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"')


def header_token(client) -> str:
    page = client.get("/inbox/").get_data(as_text=True)  # a page with no form but the header's
    match = LOGOUT_TOKEN.search(page)
    assert match, page[:2000]
    return match.group(1)


def counting_signatures(monkeypatch) -> list:
    signed: list = []
    original = csrf_tokens.generate_csrf
    monkeypatch.setattr(csrf_tokens, "generate_csrf", lambda: signed.append(1) or original())
    return signed


def test_the_same_signed_token_within_the_minute_and_it_is_accepted(app_ctx, client, monkeypatch):
    user = delegate()
    log_in(client, user.email, PASSWORD)
    with freeze_time(datetime.now(UTC)) as clock:
        first = header_token(client)  # (the first inbox page of a process also builds its filter form)
        signed = counting_signatures(monkeypatch)
        clock.tick(5)  # a signature made now would carry another timestamp
        assert header_token(client) == first
        clock.tick(50)
        assert header_token(client) == first
    assert signed == []  # not signed again
    response = client.post("/auth/logout", data={"csrf_token": first})
    assert response.status_code == 302
    assert "/auth/login" in client.get("/delegation/").headers["Location"]  # logged out: the token was accepted


def test_a_forged_token_is_still_refused(app_ctx, client):
    user = delegate()
    log_in(client, user.email, PASSWORD)
    token = header_token(client)
    response = client.post("/auth/logout", data={"csrf_token": token[:-2] + ("AA" if token[-2:] != "AA" else "BB")})
    assert response.status_code == 400
    assert client.get("/delegation/").status_code == 200  # still logged in


def test_two_sessions_never_share_a_token(app, app_ctx):
    one, two = app.test_client(), app.test_client()
    log_in(one, delegate().email, PASSWORD)
    log_in(two, delegate().email, PASSWORD)
    token_one, token_two = header_token(one), header_token(two)
    assert token_one != token_two
    # Each session's token is refused by the other session.
    assert two.post("/auth/logout", data={"csrf_token": token_one}).status_code == 400
    assert one.post("/auth/logout", data={"csrf_token": token_one}).status_code == 302


def test_signed_afresh_after_the_minute(app_ctx, client, monkeypatch):
    user = delegate()
    log_in(client, user.email, PASSWORD)
    clock = [1000.0]
    monkeypatch.setattr(csrf_tokens, "monotonic", lambda: clock[0])
    header_token(client)
    signed = counting_signatures(monkeypatch)
    clock[0] += csrf_tokens.SIGNED_FOR - 1
    header_token(client)
    assert signed == []  # still within the minute
    clock[0] += 2
    header_token(client)
    assert signed == [1]  # signed again
    clock[0] += csrf_tokens.SIGNED_FOR - 1
    header_token(client)
    assert signed == [1]  # and that one is served for the next minute


def test_the_token_in_g_is_the_one_forms_of_the_same_request_use(app, app_ctx):
    with app.test_request_context("/"):
        session["csrf_token"] = "raw-token-of-this-session"
        token = csrf_tokens.csrf_token()
        from flask_wtf.csrf import generate_csrf

        assert generate_csrf() == token
        assert csrf_tokens.csrf_token() == token
