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
from sqlalchemy import bindparam, select
from sqlalchemy.orm import defer, joinedload

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.sessions import LoginSession, UserSession
from secretariat_app.accounts.services import sessions
from secretariat_app.core import cache_generation
from secretariat_app.core.pg_connections import lone_read
from secretariat_app.extensions import db, login_manager, prepared_statements

# What every page needs of its reader, in one statement: the session's row (open,
# recently seen), the roles (permissions), the delegation and its state (named in
# the page header). Built once: the statement and its cache key are reused by every
# request. On PostgreSQL it runs outside a transaction when it comes first
# (pg_connections.lone_read).
# The same statement reads the generation of the rows web processes cache
# (core/cache_generation.py): a change made through another process is seen on
# the next request, at the cost of one primary-key lookup and no round trip.
# What no page header needs is left to load when asked for (the password hash, the
# mail preferences, the feed's token hash, creation times, the sealed TOTP secret): fewer columns to
# convert. The enrolment time stays: the second-factor gate reads it on every page.
USER_OPTIONS = (
    defer(User.password_hash), defer(User.created_at), defer(User.feed_token_hash), defer(User.mail_opt_out),
    defer(User.document_digest), defer(User.second_factor_secret), defer(User.second_factor_last_step),
    joinedload(User.role_rows),
    joinedload(User.delegation).defer(Delegation.created_at).joinedload(Delegation.state),
)
READER = lone_read(
    select(User, UserSession.id, UserSession.last_seen_at, cache_generation.column())
    .join(UserSession, UserSession.user_id == User.id)
    .options(*USER_OPTIONS)
    .where(UserSession.secret_hash == bindparam("secret_hash"), UserSession.ended_at.is_(None),
           UserSession.last_seen_at > bindparam("idle_since"))
)
KEY_LENGTH = 64  # longer than any secret start_session makes


@login_manager.user_loader
def load_user(key: str) -> User | None:
    """The user of the open session whose secret the cookie carries, or None."""
    if not key or len(key) > KEY_LENGTH:
        return None
    now = datetime.now(UTC)
    with prepared_statements():  # a key lookup: one plan fits every reader
        row = db.session.execute(READER, {"secret_hash": sessions.secret_hash(key),
                                          "idle_since": sessions.idle_since(now)}).unique().first()
    if row is None:
        return None
    user, session_id, last_seen_at, generation = row
    cache_generation.seen(generation)
    if not user.active:
        return None
    user.login_session = LoginSession(session_id, key)
    sessions.touch(session_id, last_seen_at, now)
    return user


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
