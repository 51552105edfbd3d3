"""Flask-Login wiring: how a session names its user.

The cookie (Flask's signed session) carries the secret of one row of
user_session (models/sessions.py); Flask-Login's remember cookie is never
issued (login_user is never asked to remember). A session that has ended, is
unknown, or sat idle longer than SESSION_IDLE_TIMEOUT loads no user: the
request is anonymous and a page asks for the login.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, Response, g, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam

from secretariat_app.accounts.models.sessions import LoginSession, UserSession
from secretariat_app.accounts.reader import READER_WIDTH, Reader, reader_of, reader_rows, reader_select
from secretariat_app.accounts.services import sessions
from secretariat_app.core.pg_connections import lone_read
from secretariat_app.extensions import login_manager

# What every page needs of its reader, in one statement: the session's row (open,
# recently seen) and the reader's columns (accounts/reader.py's reader_select: the
# user's columns the pages read, the roles, one row each, the delegation's names,
# the generation of the rows web processes cache, so that a change made through
# another process is seen on the next request, at the cost of one primary-key
# lookup and no round trip). Built once: the statement and its cache key are reused
# by every request. It runs prepared on the driver's cursor (reader_rows) and the reader
# is built from its rows (reader_of): no ORM entity, no identity map. On PostgreSQL it
# runs outside a transaction when it comes first (pg_connections.lone_read). The API
# builds its reader the same way from the token's row (api/services/tokens.py).
_session = UserSession.__table__.c
READER = lone_read(
    reader_select(UserSession.__table__, _session.user_id, _session.id, _session.last_seen_at)
    .where(_session.secret_hash == bindparam("secret_hash"), _session.ended_at.is_(None),
           _session.last_seen_at > bindparam("idle_since"))
)
KEY_LENGTH = 64  # longer than any secret start_session makes


@login_manager.user_loader
def load_user(key: str) -> Reader | None:
    """The reader of the open session whose secret the cookie carries, or None."""
    if not key or len(key) > KEY_LENGTH:
        return None
    now = datetime.now(UTC)
    rows = reader_rows(READER, {"secret_hash": sessions.secret_hash(key), "idle_since": sessions.idle_since(now)})
    if not rows:
        return None
    session_id, last_seen_at = rows[0][READER_WIDTH:]
    reader = reader_of(rows, LoginSession(session_id, key))
    if reader is None:  # deactivated
        return None
    sessions.touch(session_id, last_seen_at, now)
    return reader


def _cookie_follows_renewed_secret(response: Response) -> Response:
    """When the request gave its own session a new secret (sessions.end_all_sessions
    with `keep`), the cookie carries the new one from this response on."""
    user = g.get("_login_user")  # Flask-Login's: set only if the request asked who it is
    current = getattr(user, "login_session", None)
    if current is not None and session.get("_user_id") != current.key:
        session["_user_id"] = current.key
    return response


def register_login(app: Flask) -> None:
    login_manager.init_app(app)
    app.after_request(_cookie_follows_renewed_secret)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
