"""core/rate_limit_check.py: Flask-Limiter's check before every request runs
only when it has something to check; the limits on views hold as before
(tests/web/test_read_limits.py, tests/web/test_login_throttle.py)."""
from __future__ import annotations

import pytest

from secretariat_app.extensions import limiter
from tests.factories import delegate


@pytest.fixture
def resolved(monkeypatch):
    """Flask-Limiter's resolution of the limits of a request, counted."""
    calls = []
    manager = limiter.limit_manager
    real = manager.resolve_limits
    monkeypatch.setattr(manager, "resolve_limits", lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    return calls


def test_a_page_no_limit_applies_to_asks_flask_limiter_nothing(app_ctx, client, login, resolved):
    login(delegate())
    assert client.get("/inbox/").status_code == 200
    assert client.get("/").status_code in (200, 302)
    assert resolved == []


def test_a_search_is_still_checked_by_its_own_limit(app_ctx, client, login, resolved):
    login(delegate())
    assert client.get("/inbox/?q=word").status_code == 200
    assert len(resolved) == 1  # the view's decorator, not the hook before it


def test_with_default_limits_configured_the_check_runs_before_every_request(app_ctx, client, login, resolved,
                                                                             monkeypatch):
    login(delegate())
    monkeypatch.setattr(limiter.limit_manager, "_default_limits", [object()])
    monkeypatch.setattr(limiter.limit_manager, "resolve_limits",
                        lambda *args, **kwargs: resolved.append(1) or ([], []))
    assert client.get("/inbox/").status_code == 200
    assert resolved == [1]


def test_the_api_blueprint_limit_is_checked_on_api_requests_only(app_ctx, client, login, resolved):
    """The JSON API's blueprint has its per-token limit: its requests are checked before the view,
    the pages' are not."""
    login(delegate())
    assert client.get("/inbox/").status_code == 200
    assert resolved == []
    client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert len(resolved) >= 1
