"""The session cookie (core/session_cookies.py): a cookie this process verified
opens again without being verified again, to the same session, and only while
it would still verify: not once it has expired, nor under other keys; a forged
one never; each request gets its own copy. An API operation has no session.
And the app's ensure_sync (core/application.py) asks Flask once per function."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apiflask import APIFlask
from flask.sessions import NullSession
from flask.testing import EnvironBuilder
from freezegun import freeze_time

from secretariat_app.core.application import SecretariatApp
from secretariat_app.core.session_cookies import SessionInterface
from tests.conftest import log_in
from tests.factories import PASSWORD, delegate


def _open(app, cookie: str | None, path: str = "/inbox/"):
    """The session the interface opens for a request with `cookie` (the request only built: a
    request context pushed would open one itself)."""
    headers = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"} if cookie else {}
    builder = EnvironBuilder(app, path, headers=headers)
    try:
        return app.session_interface.open_session(app, app.request_class(builder.get_environ()))
    finally:
        builder.close()


def _cookie(app, data: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(data)


@pytest.fixture
def verifications(app, monkeypatch) -> list:
    """Each time a cookie's signature is checked (the serializer's loads)."""
    checked: list = []
    serializer = app.session_interface.get_signing_serializer(app)
    original = serializer.loads
    monkeypatch.setattr(serializer, "loads", lambda *args, **kwargs: checked.append(1) or original(*args, **kwargs))
    return checked


def test_the_app_uses_this_interface(app):
    assert isinstance(app.session_interface, SessionInterface)


def test_a_verified_cookie_opens_again_without_a_second_check(app, verifications):
    cookie = _cookie(app, {"_user_id": "k1", "csrf_token": "t1"})
    first = _open(app, cookie)
    assert dict(first) == {"_user_id": "k1", "csrf_token": "t1"} and len(verifications) == 1
    second = _open(app, cookie)
    assert dict(second) == dict(first) and second is not first
    assert len(verifications) == 1  # served from what the first request verified


def test_a_forged_cookie_opens_no_session_even_beside_a_kept_one(app, verifications):
    cookie = _cookie(app, {"_user_id": "k2"})
    assert dict(_open(app, cookie)) == {"_user_id": "k2"}
    payload, signature = cookie.rsplit(".", 1)
    forged = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert dict(_open(app, forged)) == {}
    other_payload = _cookie(app, {"_user_id": "someone else"}).rsplit(".", 1)[0]
    assert dict(_open(app, f"{other_payload}.{signature}")) == {}
    assert dict(_open(app, forged)) == {}  # a cookie that did not verify is never kept
    assert len(verifications) == 4


def test_a_kept_cookie_expires_as_a_verified_one_would(app):
    lifetime = app.permanent_session_lifetime
    with freeze_time(datetime.now(UTC)) as clock:
        cookie = _cookie(app, {"_user_id": "k3"})
        assert dict(_open(app, cookie)) == {"_user_id": "k3"}
        clock.tick(lifetime - timedelta(seconds=5))
        assert dict(_open(app, cookie)) == {"_user_id": "k3"}
        clock.tick(timedelta(seconds=10))
        assert dict(_open(app, cookie)) == {}  # older than the session's lifetime
        clock.move_to(datetime.now(UTC) - lifetime * 3)
        assert dict(_open(app, cookie)) == {}  # signed in the future


def test_other_keys_verify_again(app, monkeypatch):
    cookie = _cookie(app, {"_user_id": "k4"})
    assert dict(_open(app, cookie)) == {"_user_id": "k4"}
    old_key = app.secret_key
    monkeypatch.setattr(app, "secret_key", "another key, not the one that signed the cookie" * 2)
    assert dict(_open(app, cookie)) == {}
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_key])  # the old key as a fallback: it opens
    assert dict(_open(app, cookie)) == {"_user_id": "k4"}


def test_each_request_changes_its_own_copy(app):
    cookie = _cookie(app, {"_flashes": [["info", "first"]], "prefs": {"a": 1}})
    opened = _open(app, cookie)
    opened["_flashes"].append(["info", "second"])
    opened["prefs"]["a"] = 2
    again = _open(app, cookie)
    assert again["_flashes"] == [["info", "first"]] and again["prefs"] == {"a": 1}


def test_an_api_operation_has_no_session_and_its_open_pages_do(app):
    cookie = _cookie(app, {"_user_id": "k5"})
    assert isinstance(_open(app, cookie, "/api/v1/inbox"), NullSession)
    assert dict(_open(app, cookie, "/api/v1/")) == {"_user_id": "k5"}


def test_a_signed_in_reader_stays_signed_in_across_requests(app_ctx, client):
    user = delegate()
    log_in(client, user.email, PASSWORD)
    for _ in range(3):
        answer = client.get("/inbox/")
        assert answer.status_code == 200
    with client.session_transaction() as kept:
        assert kept.get("_user_id")


def test_ensure_sync_is_asked_of_flask_once_per_function(monkeypatch):
    asked: list = []
    original = APIFlask.ensure_sync
    monkeypatch.setattr(APIFlask, "ensure_sync", lambda self, func: asked.append(func) or original(self, func))
    app = SecretariatApp(__name__, spec_path=None, docs_path=None)

    def view() -> str:
        return "ok"

    assert app.ensure_sync(view) is view and app.ensure_sync(view) is view
    assert asked == [view]

    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self) -> str:
            return "ok"

    odd = Unhashable()
    assert app.ensure_sync(odd) is odd and app.ensure_sync(odd) is odd
    assert asked == [view, odd, odd]
