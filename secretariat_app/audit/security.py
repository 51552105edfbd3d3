"""Security events in the audit log: who tried what, from which address and browser.

Every door that signs someone in or out, refuses them, locks them out, or
changes what protects an account records one event here, with the client's
address (the real one behind the trusted proxies: core/proxies.py) and its
user agent. Events are ordinary audit entries (append-only) with
object_type "security" and action "security.<event>", so the audit page
filters them like any other action.
"""
from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db

if TYPE_CHECKING:
    from secretariat_app.accounts.models.people import User

OBJECT_TYPE = "security"
USER_AGENT_LENGTH = 300


class SecurityEvent(enum.Enum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCKOUT = "lockout"
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled"
    SECOND_FACTOR_FAILED = "second_factor_failed"
    SECOND_FACTOR_RESET = "second_factor_reset"
    SECOND_FACTOR_DISABLED = "second_factor_disabled"  # turned off by its owner (delegates only)
    RECOVERY_CODE_USED = "recovery_code_used"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    PASSWORD_RESET = "password_reset"
    SESSION_REVOKED = "session_revoked"
    ROLES_CHANGED = "roles_changed"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCESS_TOKEN_CREATED = "access_token_created"  # a personal access token of the API (api/)
    ACCESS_TOKEN_REVOKED = "access_token_revoked"

    @property
    def action(self) -> str:
        return f"{OBJECT_TYPE}.{self.value}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self, self.value))


# What the audit page's filter calls each event.
EVENT_LABELS = {
    SecurityEvent.LOGIN: _l("Login"),
    SecurityEvent.LOGIN_FAILED: _l("Failed login"),
    SecurityEvent.LOGOUT: _l("Logout"),
    SecurityEvent.LOCKOUT: _l("Lockout"),
    SecurityEvent.SECOND_FACTOR_ENROLLED: _l("Second factor enrolled"),
    SecurityEvent.SECOND_FACTOR_FAILED: _l("Wrong second-factor code"),
    SecurityEvent.SECOND_FACTOR_RESET: _l("Second factor reset"),
    SecurityEvent.SECOND_FACTOR_DISABLED: _l("Second factor turned off"),
    SecurityEvent.RECOVERY_CODE_USED: _l("Recovery code used"),
    SecurityEvent.RECOVERY_CODES_RENEWED: _l("Recovery codes renewed"),
    SecurityEvent.PASSWORD_CHANGED: _l("Password changed"),
    SecurityEvent.PASSWORD_RESET_REQUESTED: _l("Password reset requested"),
    SecurityEvent.PASSWORD_RESET: _l("Password reset"),
    SecurityEvent.SESSION_REVOKED: _l("Sessions signed out"),
    SecurityEvent.ROLES_CHANGED: _l("Roles changed"),
    SecurityEvent.ACCOUNT_DEACTIVATED: _l("Account deactivated"),
    SecurityEvent.ACCESS_TOKEN_CREATED: _l("API access token created"),
    SecurityEvent.ACCESS_TOKEN_REVOKED: _l("API access token revoked"),
}


def client_details() -> dict[str, str]:
    """The address and user agent of the current request (empty outside one)."""
    if not has_request_context():
        return {}
    return {
        "address": request.remote_addr or "unknown",
        "user_agent": (request.user_agent.string or "")[:USER_AGENT_LENGTH],
    }


def record_security_event(event: SecurityEvent, user: User | None = None, *, actor: User | None = None,
                          email: str | None = None, **details: Any) -> AuditEntry:
    """Add a security event to the current transaction (the caller commits).

    `user` is the account the event is about; `actor` who caused it when that is
    someone else (an administrator resetting a second factor); `email` names the
    account tried when there is none (a failed login for an unknown address).
    """
    after: dict[str, Any] = {**client_details(), **details}
    if email is not None:
        after["email"] = email
    entry = AuditEntry(
        actor_id=getattr(actor if actor is not None else user, "id", None),
        action=event.action,
        object_type=OBJECT_TYPE,
        object_id=str(getattr(user, "id", "") or ""),
        before=None,
        after=after,
    )
    db.session.add(entry)
    return entry
