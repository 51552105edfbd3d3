"""The CSRF token every logged-in page carries (the log-out form in its header),
signed at most once a minute per session and process rather than on every page.

Flask-WTF signs the session's raw token with a timestamp (itsdangerous, HMAC)
for each request that shows a form. A token signed up to SIGNED_FOR seconds ago
is the same token a fresh signature would give but for its timestamp: it stays
valid for WTF_CSRF_TIME_LIMIT less at most that, and is checked by Flask-WTF
exactly as a fresh one. Within a request the token is the one Flask-WTF keeps
in `g`, so forms and the header agree.

Kept per process and never invalidated across processes, safely: a token holds
no authority of its own. Every process signs with the same SECRET_KEY, so one
signed by any process is accepted by every other (tests/integration/
test_two_processes.py posts a token one process signed to the other), and the
cache is keyed by the session's raw token, which only the holder of that
session's cookie sends. Who may do what is decided per request from the
reader's row (a role changed or an account deactivated through another
process counts on the next request), not from the token."""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from time import monotonic  # bound at import: a test stands in for it here alone

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

SIGNED_FOR = 60.0  # seconds a signed token is served again
KEPT = 1024  # sessions remembered per process
_KEY = "csrf_signed_tokens"
_LOCK = Lock()  # a threaded server's requests share the cache


def csrf_token() -> str:
    """generate_csrf, reusing this session's token signed in the last minute."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g:
        kept: str = g.get(field)
        return kept
    signed: OrderedDict[str, tuple[str, float]] = current_app.extensions[_KEY]
    raw, now = session.get(field), monotonic()
    if isinstance(raw, str) and (hit := signed.get(raw)) is not None and now - hit[1] < SIGNED_FOR:
        setattr(g, field, hit[0])
        return hit[0]
    token: str = generate_csrf()
    with _LOCK:
        signed[session[field]] = (token, now)
        signed.move_to_end(session[field])
        while len(signed) > KEPT:
            signed.popitem(last=False)
    return token


def register_csrf_tokens(app: Flask) -> None:
    """Templates' csrf_token(), in place of Flask-WTF's: its global, and a context
    processor run after Flask-WTF's (call this after csrf.init_app)."""
    app.extensions[_KEY] = OrderedDict()
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
