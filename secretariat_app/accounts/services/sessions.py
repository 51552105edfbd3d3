"""Sessions that end: one row per login (models/sessions.py), named by the cookie.

- `start_session(user)` where someone has just proved who they are, before
  `login_user(user)`; the caller commits.
- `end_session(user, id, reason=...)`: logout, or "sign out" on "Your sessions".
- `end_all_sessions(user, reason=..., keep=...)`: a password change or reset, a
  role change, deactivation, a second-factor reset, "sign out everywhere else";
  the session kept gets a new secret.
- `touch(...)`: the user loader's "last seen", written at most every
  SESSION_TOUCH_INTERVAL, never inside the request's transaction.
- `purge_sessions()`: the beat task's clean-up of sessions long over.

Ending writes the row in the caller's transaction and records
SecurityEvent.SESSION_REVOKED (a logout is recorded as LOGOUT by its route).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.sessions import (
    ADDRESS_LENGTH,
    USER_AGENT_LENGTH,
    EndReason,
    LoginSession,
    UserSession,
)
from secretariat_app.accounts.reader import request_reader
from secretariat_app.audit.security import SecurityEvent, client_details, record_security_event
from secretariat_app.extensions import db, rowcount


def secret_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user: User) -> UserSession:
    """A new session for `user`, from the current request's address and browser,
    added to the transaction. It becomes `user.login_session`, so that
    `login_user(user)`, which the caller calls next, puts its secret in the cookie."""
    key = secrets.token_urlsafe(32)
    client = client_details()
    now = datetime.now(UTC)
    row = UserSession(user_id=user.id, secret_hash=secret_hash(key), created_at=now, last_seen_at=now,
                      address=client.get("address", "unknown")[:ADDRESS_LENGTH],
                      user_agent=client.get("user_agent", "")[:USER_AGENT_LENGTH])
    db.session.add(row)
    db.session.flush()
    user.login_session = LoginSession(row.id, key)
    return row


def end_session(user: User, session_id: int, *, reason: str, actor: User | None = None) -> bool:
    """End `user`'s session `session_id` if it is theirs and still open; False
    otherwise (someone else's, unknown, already ended: the page answers 404)."""
    ended = rowcount(db.session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=datetime.now(UTC), end_reason=str(reason))
    ))
    if ended and reason != EndReason.LOGOUT:
        record_security_event(SecurityEvent.SESSION_REVOKED, user, actor=actor, reason=str(reason),
                              sessions=[session_id])
    return bool(ended)


def end_all_sessions(user: User, *, reason: str, keep: int | None = None, actor: User | None = None) -> int:
    """End every open session of `user` but `keep` (a session id: the one that
    asked, when the user acts on their own account); returns how many ended.
    `actor`: who caused it when that is someone else (an administrator).

    When `keep` is the session of the current request, it stays under a new
    secret (accounts/login.py puts it in this browser's cookie): a copy of the
    cookie taken before opens nothing either."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep)
        if keep == current_session_id(user):
            _renew_secret(user, keep)
    ended = rowcount(db.session.execute(query.values(ended_at=datetime.now(UTC), end_reason=str(reason))))
    if ended:
        record_security_event(SecurityEvent.SESSION_REVOKED, user, actor=actor, reason=str(reason),
                              sessions=ended, kept=keep)
    return ended


def _renew_secret(user: User, session_id: int) -> None:
    key = secrets.token_urlsafe(32)
    db.session.execute(update(UserSession).where(UserSession.id == session_id).values(secret_hash=secret_hash(key)))
    user.login_session = LoginSession(session_id, key)
    reader = request_reader()  # the request's reader (accounts/reader.py), if `user` is its ORM row
    if reader is not None and reader is not user and reader.id == user.id:
        reader.login_session = user.login_session


def current_session_id(user: User) -> int | None:
    """The id of the session `user`'s current request runs under, if any (`user` the
    request's reader, or its ORM row however it was loaded)."""
    if user.login_session is None:
        reader = request_reader()
        if reader is None or reader.id != user.id or reader.login_session is None:
            return None
        return reader.login_session.id
    return user.login_session.id


def idle_since(now: datetime) -> datetime:
    """Sessions last seen before this are over (SESSION_IDLE_TIMEOUT)."""
    return now - current_app.config["SESSION_IDLE_TIMEOUT"]


def active_sessions(user: User) -> list[UserSession]:
    """`user`'s open sessions, the latest seen first."""
    return list(db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
               UserSession.last_seen_at > idle_since(datetime.now(UTC)))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ))


def touch(session_id: int, last_seen_at: datetime, now: datetime) -> None:
    """Note that the session was seen `now`, if it was last noted more than
    SESSION_TOUCH_INTERVAL ago: one write every few minutes, not one a request.

    On a connection of its own, committed at once: it never joins (or commits)
    the request's transaction. Best effort: if the database is busy, the next
    request after the interval tries again."""
    interval = current_app.config["SESSION_TOUCH_INTERVAL"]
    if now - last_seen_at < interval:
        return
    try:
        with db.engine.begin() as connection:
            connection.execute(  # the condition: several processes may try at once, one writes
                update(UserSession.__table__)
                .where(UserSession.__table__.c.id == session_id,
                       UserSession.__table__.c.last_seen_at < now - interval)
                .values(last_seen_at=now)
            )
    except SQLAlchemyError as error:
        current_app.logger.warning("session %s: last seen not recorded (%s)", session_id, error)


def purge_sessions() -> int:
    """Delete sessions that ended, or went idle, more than SESSION_RETENTION ago
    (the audit log keeps their events); returns how many went."""
    now = datetime.now(UTC)
    before = now - current_app.config["SESSION_RETENTION"]
    result = db.session.execute(
        delete(UserSession).where(or_(UserSession.ended_at < before,
                                      UserSession.last_seen_at < idle_since(before)))
    )
    db.session.commit()
    return rowcount(result)
