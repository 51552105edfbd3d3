"""Sessions: one row per login, which the session cookie names and which can end.

The cookie carries a random secret; the row keeps only its SHA-256. The user
loader (accounts/login.py) reads the user and the row in one statement and
refuses a session that has ended, is unknown, or sat idle too long. Ending a
row (logout, "sign out", a password change, a role change...) ends the session
for every web process at once: they all read the same rows.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from secretariat_app.core.columns import UTCDateTime, utcnow
from secretariat_app.extensions import Model

ADDRESS_LENGTH = 64
USER_AGENT_LENGTH = 300


class EndReason(enum.StrEnum):
    """Why a session ended (UserSession.end_reason; the SESSION_REVOKED event's reason)."""

    LOGOUT = "logout"
    SIGNED_OUT = "signed_out"                      # from "Your sessions", by its owner
    SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere"  # "sign out everywhere else"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    ROLES_CHANGED = "roles_changed"
    DEACTIVATED = "deactivated"
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled"  # the sessions opened with the password alone
    SECOND_FACTOR_RESET = "second_factor_reset"


class UserSession(Model):
    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the cookie's secret
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # to SESSION_TOUCH_INTERVAL
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH))  # where the login came from
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_LENGTH))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(32))  # an EndReason value


@dataclass(frozen=True)
class LoginSession:
    """The session a request runs under: its row's id and the cookie's secret
    (User.login_session, set by the user loader and by start_session)."""

    id: int
    key: str
