"""Accounts: creating and editing users, logging in, passwords and their reset."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from secretariat_app.accounts import passwords
from secretariat_app.accounts.models.people import (
    Delegation,
    PasswordResetToken,
    Role,
    User,
    UserRole,
)
from secretariat_app.accounts.models.sessions import EndReason
from secretariat_app.accounts.services import link_requests, sessions
from secretariat_app.audit import services as audit
from secretariat_app.audit.security import SecurityEvent, record_security_event
from secretariat_app.core.localisation import is_known_timezone
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db, rowcount
from secretariat_app.permissions import Action, can

USER_FIELDS = ("email", "name", "language", "timezone", "active", "delegation_id", "roles")
SECRETARIAT = {Role.ADMIN, Role.OFFICER}
DELEGATION = {Role.DELEGATE, Role.COORDINATOR}


@dataclass
class UserData:
    email: str
    name: str
    language: str = "en"
    timezone: str = "UTC"
    roles: frozenset[Role] = frozenset()
    delegation_id: int | None = None
    active: bool = True


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_language_and_zone(language: str | None, timezone: str | None) -> list[Violation]:
    """A working language of CICA and a time zone the server knows (an account's, or one's own profile)."""
    violations = []
    if language not in current_app.config["LANGUAGES"]:
        violations.append(Violation("language", N_("Choose English or Russian.")))
    if not is_known_timezone(timezone):
        violations.append(Violation("timezone", N_("Unknown time zone.")))
    return violations


def _check_user(data: UserData, user: User | None) -> list[Violation]:
    violations = []
    email = normalise_email(data.email)
    clash = db.session.scalar(select(User.id).where(func.lower(User.email) == email))
    if clash is not None and (user is None or clash != user.id):
        violations.append(Violation("email", N_("Another account already uses this e-mail address.")))
    violations += check_language_and_zone(data.language, data.timezone)
    if not data.roles:
        violations.append(Violation("roles", N_("Give the account at least one role.")))
    if data.roles & SECRETARIAT and data.roles & DELEGATION:
        violations.append(
            Violation("roles", N_("Secretariat staff cannot also be delegates of a delegation."))
        )
    if data.roles & DELEGATION and data.delegation_id is None:
        violations.append(Violation("delegation_id", N_("A delegate belongs to a delegation.")))
    if data.roles & SECRETARIAT and data.delegation_id is not None:
        violations.append(Violation("delegation_id", N_("Secretariat staff belong to no delegation.")))
    if data.delegation_id is not None and db.session.get(Delegation, data.delegation_id) is None:
        violations.append(Violation("delegation_id", N_("Unknown delegation.")))
    return violations


def _apply(user: User, data: UserData) -> None:
    user.email = normalise_email(data.email)
    user.name = data.name.strip()
    user.language = data.language
    user.timezone = data.timezone
    user.active = data.active
    user.delegation_id = data.delegation_id
    wanted = set(data.roles)
    user.role_rows = [row for row in user.role_rows if row.role in wanted]
    for role in wanted - {row.role for row in user.role_rows}:
        user.role_rows.append(UserRole(role=role))


def create_user(actor: User | None, data: UserData, password: str) -> User:
    violations = _check_user(data, None) + check_password_strength(password)
    if violations:
        raise RuleViolations(violations)
    user = User(password_hash=passwords.hash_password(password))
    _apply(user, data)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, None, audit.snapshot(user, USER_FIELDS))
    db.session.commit()
    return user


def update_user(actor: User, user: User, data: UserData) -> User:
    violations = _check_user(data, user)
    if violations:
        raise RuleViolations(violations)
    roles_before, was_active = user.roles, user.active
    with audit.tracking_changes(actor, "user.update", "user", user, USER_FIELDS):
        _apply(user, data)
    _record_protection_changes(actor, user, roles_before, was_active)
    if was_active and not user.active:
        end_reset_tokens(user)  # and its reset and invitation links
    db.session.commit()
    return user


def _record_protection_changes(actor: User, user: User, roles_before: frozenset[Role], was_active: bool) -> None:
    """A role change or a deactivation is a security event, and ends every session
    of the account (but the one making the change, when someone edits themselves)."""
    reason = None
    if user.roles != roles_before:
        record_security_event(SecurityEvent.ROLES_CHANGED, user, actor=actor,
                              roles_before=sorted(r.value for r in roles_before),
                              roles_after=sorted(r.value for r in user.roles))
        reason = EndReason.ROLES_CHANGED
    if was_active and not user.active:
        record_security_event(SecurityEvent.ACCOUNT_DEACTIVATED, user, actor=actor)
        reason = EndReason.DEACTIVATED
    if reason is not None:
        keep = sessions.current_session_id(actor) if actor.id == user.id else None
        sessions.end_all_sessions(user, reason=reason, keep=keep, actor=actor)


def check_password_strength(password: str, field: str = "password") -> list[Violation]:
    if len(password) < passwords.MIN_LENGTH:
        return [Violation(field, N_("Use at least %(n)d characters."), {"n": passwords.MIN_LENGTH})]
    return []


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Takes a hash's time either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        passwords.burn_time(password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.session.commit()
    return user


def _set_password(user: User, password: str, *, reason: EndReason, keep: int | None = None) -> None:
    """Every change of password (change, reset) goes through here: every session of
    the account but `keep`, and every outstanding reset or invitation link, end with it."""
    user.password_hash = passwords.hash_password(password)
    sessions.end_all_sessions(user, reason=reason, keep=keep)
    end_reset_tokens(user)


def change_password(user: User, current: str, new: str) -> None:
    violations = []
    if not passwords.verify_password(user.password_hash, current):
        violations.append(Violation("current_password", N_("The current password is not correct.")))
    violations += check_password_strength(new, "new_password")
    if violations:
        raise RuleViolations(violations)
    # The session that changed it stays; the others end.
    _set_password(user, new, reason=EndReason.PASSWORD_CHANGED, keep=sessions.current_session_id(user))
    audit.record(user, "user.password_change", "user", user.id)
    db.session.commit()


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# Reset and invitation links ------------------------------------------------
# A link carries a raw token; only its SHA-256 is stored. A token works once,
# until it expires, and only while its account is active. Using one ends every
# outstanding token of the account, and so does any change of password
# (_set_password) and deactivation. The tokens are issued and mailed by the
# worker (accounts/services/link_delivery.py), never inside a request.


def issue_reset_token(user: User, expires_at: datetime, raw: str) -> PasswordResetToken:
    """Add a token for `raw` valid until `expires_at` to the transaction (the caller commits)."""
    token = PasswordResetToken(user_id=user.id, token_hash=_token_hash(raw), created_at=datetime.now(UTC),
                               expires_at=expires_at)
    db.session.add(token)
    return token


def find_reset_token(raw: str) -> PasswordResetToken | None:
    """The token of `raw`, valid or not."""
    return db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(raw)))


def is_usable(token: PasswordResetToken, now: datetime | None = None) -> bool:
    return (token.used_at is None and token.expires_at > (now or datetime.now(UTC))
            and token.user is not None and token.user.active)


def valid_reset_token(raw: str) -> PasswordResetToken | None:
    token = find_reset_token(raw)
    return token if token is not None and is_usable(token) else None


def end_reset_tokens(user: User) -> None:
    """End every outstanding reset and invitation token of `user`, in the caller's transaction."""
    db.session.execute(
        update(PasswordResetToken).where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=datetime.now(UTC)).execution_options(synchronize_session=False))


LINK_NOT_VALID = N_("This reset link is not valid any more. Ask for a new one.")


def reset_password(raw: str, new: str) -> User:
    token = valid_reset_token(raw)
    if token is None:
        raise RuleViolations([Violation("token", LINK_NOT_VALID)])
    violations = check_password_strength(new, "new_password")
    if violations:
        raise RuleViolations(violations)
    # One statement ends every outstanding token of the account and says which it
    # ended: this one is used only if it is among them. A second use, a concurrent
    # use of this or another of the account's links, changes no row for this token.
    now = datetime.now(UTC)
    table = PasswordResetToken.__table__
    ended = set(db.session.execute(
        table.update()
        .where(table.c.user_id == token.user_id, table.c.used_at.is_(None), table.c.expires_at > now)
        .values(used_at=now)
        .returning(table.c.id)
    ).scalars())
    if token.id not in ended:
        db.session.rollback()
        raise RuleViolations([Violation("token", LINK_NOT_VALID)])
    user = token.user
    _set_password(user, new, reason=EndReason.PASSWORD_RESET)
    record_security_event(SecurityEvent.PASSWORD_RESET, user)
    db.session.commit()
    return user


def purge_reset_tokens() -> int:
    """Delete the tokens past their expiry. A used or ended token stays until then:
    a late run of the task that issued it finds it, and mails nothing."""
    now = datetime.now(UTC)
    result = db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.expires_at <= now))
    db.session.commit()
    return rowcount(result)


# Administration: inviting and editing accounts ------------------------------

INVITE_TTL = timedelta(days=3)
GRANT_REFUSED = {
    Role.ADMIN: N_("Only an administrator may grant or remove the Secretariat administrator role."),
    Role.OFFICER: N_("Only an administrator may grant or remove the Secretariat officer role."),
}


def check_grants(actor: User, old_roles: frozenset[Role], new_roles: frozenset[Role]) -> list[Violation]:
    """Roles `actor` may not give or take away (only administrators manage
    Secretariat roles), as violations on the `roles` field."""
    refused = sorted((r for r in old_roles ^ new_roles if not can(actor, Action.GRANT_ROLE, r)), key=lambda r: r.value)
    return [Violation("roles", GRANT_REFUSED.get(r, N_("You may not grant or remove the role “%(role)s”.")),
                      {"role": r.value}) for r in refused]


def _check_self_edit(actor: User, user: User, data: UserData) -> list[Violation]:
    """An administrator cannot lock themselves out by mistake."""
    if actor.id != user.id:
        return []
    violations = []
    if not data.active:
        violations.append(Violation("active", N_("You cannot deactivate your own account.")))
    if Role.ADMIN in user.roles and Role.ADMIN not in data.roles:
        violations.append(Violation("roles", N_("You cannot remove your own administrator role.")))
    return violations


def invite_user(actor: User, data: UserData) -> User:
    """Create an account with a random password nobody knows, audited, and commit;
    the invitation (a set-password link valid for INVITE_TTL, config
    ACCOUNT_INVITE_TTL) is issued and mailed by the worker once committed
    (link_requests.send_invitation; `tasks.unsent()` says if the broker refused it).

    Raises RuleViolations, writing nothing, for bad data or roles `actor` may not grant."""
    violations = check_grants(actor, frozenset(), frozenset(data.roles)) + _check_user(data, None)
    if violations:
        raise RuleViolations(violations)
    user = User(password_hash=passwords.hash_password(secrets.token_urlsafe(32)))
    _apply(user, data)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same address was saved concurrently
        db.session.rollback()
        raise RuleViolations([Violation("email", N_("Another account already uses this e-mail address."))]) from None
    audit.record(actor, "user.create", "user", user.id, None, audit.snapshot(user, USER_FIELDS))
    audit.record(actor, "user.invite", "user", user.id)
    link_requests.send_invitation(user)
    db.session.commit()
    return user


def edit_user(actor: User, user: User, data: UserData) -> User:
    """update_user for the administration pages: also refuses roles `actor`
    may not grant or remove and self-lockout. Raises RuleViolations, writing nothing."""
    violations = check_grants(actor, user.roles, frozenset(data.roles)) + _check_self_edit(actor, user, data)
    if violations:
        raise RuleViolations(violations + _check_user(data, user))
    return update_user(actor, user, data)
