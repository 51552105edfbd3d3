"""Personal access tokens: making one (shown once), revoking one, listing a
person's, and finding the token and its owner a request's bearer secret names.

Every function that ends a use case commits; each is audited as a security
event (audit/security.py), as a session or a second factor is."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.reader import READER_WIDTH, Reader, reader_of, reader_rows, reader_select
from secretariat_app.accounts.services.second_factor import check_code, is_required_for
from secretariat_app.api.models import AccessToken
from secretariat_app.audit.security import SecurityEvent, record_security_event
from secretariat_app.core.pg_connections import lone_read
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.permissions.tokens import Scope, grantable

TOKEN_START = "cica_"
SHOWN_PREFIX = 12  # the characters of a token kept to tell it apart on the profile page
DEFAULT_DAYS = 365
MAX_DAYS = 366
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    name: str
    scopes: tuple[Scope, ...]
    days: int = DEFAULT_DAYS
    code: str = ""  # the second factor's code, where the owner has one


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def needs_code(user: User) -> bool:
    """A token outlives any session: making one asks for the second factor of
    whoever has one (and Secretariat staff always have one)."""
    return is_required_for(user) or user.has_second_factor


def create_token(user: User, data: NewToken) -> tuple[AccessToken, str]:
    """A new token of `user`'s and its secret (shown once: only its hash is kept).
    Commits; raises RuleViolations, writing nothing but a failed code's event."""
    problems = []
    name = data.name.strip()
    if not name or len(name) > 100:
        problems.append(Violation("name", N_("Give the token a name of up to 100 characters.")))
    if not data.scopes:
        problems.append(Violation("scopes", N_("Choose at least one scope.")))
    elif not set(data.scopes) <= set(grantable(user)):
        problems.append(Violation("scopes", N_("Your account cannot use one of the scopes chosen.")))
    if not 1 <= data.days <= MAX_DAYS:
        problems.append(Violation("days", N_("A token lasts from 1 to 366 days.")))
    if problems:
        db.session.rollback()
        raise RuleViolations(problems)
    if needs_code(user) and check_code(user, data.code) is None:
        record_security_event(SecurityEvent.SECOND_FACTOR_FAILED, user, stage="access_token")
        db.session.commit()  # the failure stays in the trail
        raise RuleViolations([Violation("code", N_("That code is not right, or it has been used already."))])
    secret = TOKEN_START + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    token = AccessToken(user_id=user.id, name=name, secret_hash=secret_hash(secret), prefix=secret[:SHOWN_PREFIX],
                        scopes=" ".join(s.value for s in Scope if s in data.scopes), created_at=now,
                        expires_at=now + timedelta(days=data.days))
    db.session.add(token)
    db.session.flush()
    record_security_event(SecurityEvent.ACCESS_TOKEN_CREATED, user, token_id=token.id, name=name,
                          scopes=token.scopes, expires_at=token.expires_at.isoformat())
    db.session.commit()
    return token, secret


def tokens_of(user: User) -> list[AccessToken]:
    """`user`'s tokens not revoked, the newest first (expired ones too, marked so on the page)."""
    return list(db.session.scalars(
        select(AccessToken).where(AccessToken.user_id == user.id, AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())))


def revoke_token(user: User, token_id: int) -> bool:
    """Revoke one of `user`'s own tokens; False when they have no such live token. Commits."""
    token = db.session.scalar(select(AccessToken).where(
        AccessToken.id == token_id, AccessToken.user_id == user.id, AccessToken.revoked_at.is_(None)))
    if token is None:
        db.session.rollback()
        return False
    token.revoked_at = datetime.now(UTC)
    record_security_event(SecurityEvent.ACCESS_TOKEN_REVOKED, user, token_id=token.id, name=token.name)
    db.session.commit()
    return True


@dataclass(frozen=True)
class TokenInUse:
    """What a request needs of its token: which it is (the audit names it), its scopes, its expiry."""

    id: int
    scope_values: frozenset[str]
    expires_at: datetime


# Finding a request's token: one Core statement, the token's row joined to the reader's
# columns (accounts/reader.py's reader_select: the owner, the roles, the delegation's
# names, the cache generation), prepared and a lone read like the pages' (accounts/login.py):
# outside a transaction on PostgreSQL, so that a request that only reads keeps its
# connection's prepared statements (the inbox's page). The owner is built from its rows as a
# page's reader is (reader_of, without a login session); the token's own columns come as
# plain values (no entity: a request never changes its row but for _touch).
_token = AccessToken.__table__.c
BEARER = lone_read(
    reader_select(AccessToken.__table__, _token.user_id,
                  _token.id, _token.scopes, _token.expires_at, _token.last_used_at)
    .where(_token.secret_hash == bindparam("secret_hash"), _token.revoked_at.is_(None),
           _token.expires_at > bindparam("now"))
)
MAX_SECRET_LENGTH = 100


def authenticate(secret: str) -> tuple[Reader, TokenInUse] | None:
    """The owner (a read-only Reader, as a page's current_user) and the token a bearer secret
    names, if the token is live and its owner active; None otherwise (unknown, revoked,
    expired, deactivated)."""
    if not secret.startswith(TOKEN_START) or len(secret) > MAX_SECRET_LENGTH:
        return None
    now = datetime.now(UTC)
    rows = reader_rows(BEARER, {"secret_hash": secret_hash(secret), "now": now})  # prepared: a key lookup
    if not rows:
        return None
    token_id, scopes, expires_at, last_used_at = rows[0][READER_WIDTH:]
    owner = reader_of(rows)
    if owner is None:  # deactivated
        return None
    _touch(token_id, last_used_at, now)
    return owner, TokenInUse(token_id, frozenset(scopes.split()), expires_at)


def _touch(token_id: int, last_used_at: datetime | None, now: datetime) -> None:
    """Note when the token was last used, at most once a minute, on a connection of
    its own (never the request's transaction); best effort, like a session's. The time
    is the row's as read now (a column, not the entity a session may hold from before)."""
    if last_used_at is not None and now - last_used_at < TOUCH_INTERVAL:
        return
    table = AccessToken.__table__
    try:
        with db.engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == token_id).values(last_used_at=now))
    except SQLAlchemyError as error:
        current_app.logger.warning("access token %s: last use not recorded (%s)", token_id, error)
