"""The login between its two steps: who gave the right password, held in the
(signed) session for SECOND_FACTOR_PENDING_SECONDS, with nobody logged in yet.

It names the user and a fingerprint of their password hash at the moment, so a
password change or reset in between ends it too (as does a reset of the second
factor: the account has none any more), and the page to go to after."""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from flask import current_app, session

from secretariat_app.accounts.models.people import User
from secretariat_app.extensions import db

KEY = "second_factor_pending"


@dataclass(frozen=True)
class Pending:
    user: User
    next_url: str


def _password_fingerprint(user: User) -> str:
    """Changes with the password (a new hash, a new salt); keyed, so the signed but
    readable cookie shows nothing of the hash."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def hold(user: User, next_url: str) -> None:
    session[KEY] = {"user": user.id, "password": _password_fingerprint(user), "at": int(time.time()),
                    "next": next_url}


def pending_user_id() -> int | None:
    """The user id of the held login, unchecked (the throttle's key)."""
    held = session.get(KEY)
    return held.get("user") if isinstance(held, dict) else None


def current() -> Pending | None:
    """The held login if it is still valid; else None (and it is dropped)."""
    held = session.get(KEY)
    if not isinstance(held, dict):
        return None
    fresh = time.time() - held.get("at", 0) <= current_app.config["SECOND_FACTOR_PENDING_SECONDS"]
    user = db.session.get(User, held.get("user")) if fresh and isinstance(held.get("user"), int) else None
    if (user is None or not user.active or not user.has_second_factor
            or not hmac.compare_digest(_password_fingerprint(user), str(held.get("password")))):
        drop()
        return None
    return Pending(user, held.get("next") or "/")


def drop() -> None:
    session.pop(KEY, None)
