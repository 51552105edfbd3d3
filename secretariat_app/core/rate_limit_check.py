"""Flask-Limiter's check before every request, run only when it has something
to check.

Flask-Limiter runs its check (`Limiter._check_request_limit`) before every
request, for the limits that apply to a whole application, blueprint or the
default. This app sets none of those: every limit is a decorator on the views
it limits (core/read_limits.py, the login, reset and second-factor routes),
and the decorator checks it when its view runs, whatever this hook does. Before
every other page the hook found nothing to check, at 40 to 150 µs a request
(bench/inbox/pipeline.py, docs/benchmarks.md).

It still runs, unchanged, as soon as it has anything to check: application or
default limits (RATELIMIT_APPLICATION, RATELIMIT_DEFAULT), the limits of
the request's blueprint (the JSON API's per-token limit), meta limits,
in-memory fallback limits, or a limit Flask-Limiter has
hinted for the endpoint (a decorated callable that is not the view itself). It
reads Flask-Limiter's private state (4.x) for that; should the names change,
the hook runs on every request as before (tests/web/test_rate_limit_check.py).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter


def _anything_to_check(limiter: Limiter) -> Callable[[str | None], bool]:
    def anything(endpoint: str | None) -> bool:
        try:
            manager: Any = limiter.limit_manager
            limiter_state: Any = limiter
            return bool(manager._application_limits or manager._default_limits
                        or any(name in manager._blueprint_limits for name in request.blueprints)
                        or limiter_state._meta_limits or limiter_state._in_memory_fallback
                        or manager.has_hints(endpoint or ""))
        except AttributeError:  # another Flask-Limiter: check as it always did
            return True
    return anything


def register_rate_limit_check(app: Flask, limiter: Limiter) -> None:
    """Put the guarded check in the place of Flask-Limiter's own (after
    limiter.init_app(app))."""
    check = limiter._check_request_limit
    hooks = app.before_request_funcs.get(None, [])
    if check not in hooks:
        return
    anything = _anything_to_check(limiter)

    def check_request_limit() -> None:
        if anything(request.endpoint):
            check()

    hooks[hooks.index(check)] = check_request_limit
