"""The second factor: enrolling an authenticator app, checking a code at login,
recovery codes, turning it off, and an administrator's reset.

Who must have one: Secretariat staff (REQUIRED_FOR); delegates and coordinators
may. Codes are checked here and nowhere else (`check_code`): a TOTP code is
claimed by one conditional UPDATE of the last accepted step, a recovery code by
one conditional UPDATE of its row, so neither works twice, even when two
requests race. Every function that ends a use case commits; `check_code` and
`verify_login` add to the caller's transaction (the login route records the
login in the same commit).
"""
from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, or_, select, update

from secretariat_app.accounts import passwords, sealing, totp
from secretariat_app.accounts.models.people import Role, User
from secretariat_app.accounts.models.second_factor import RecoveryCode
from secretariat_app.accounts.models.sessions import EndReason
from secretariat_app.accounts.services import sessions
from secretariat_app.audit.security import SecurityEvent, record_security_event
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db, rowcount

if TYPE_CHECKING:
    from secretariat_app.accounts.reader import Reader

REQUIRED_FOR = (Role.ADMIN, Role.OFFICER)


class Method(enum.Enum):
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"


def is_required_for(user: User | Reader) -> bool:
    """Officers and administrators read every RESTRICTED document and grant roles."""
    return user.has_role(*REQUIRED_FOR)


def must_enrol(user: User | Reader) -> bool:
    return is_required_for(user) and not user.has_second_factor


# Enrolment ----------------------------------------------------------------------------------------

def enrolment_secret(user: User) -> str:
    """The secret being enrolled: the one already shown if it is still pending (a
    reload shows the same QR code), else a new one, stored sealed. Commits."""
    if user.has_second_factor:
        raise RuleViolations([Violation("code", N_("Two-step verification is already on."))])
    if user.second_factor_secret:
        pending = sealing.unseal(user.second_factor_secret)
        if pending is not None:
            return pending
    secret = totp.new_secret()
    user.second_factor_secret = sealing.seal(secret)
    user.second_factor_last_step = None
    db.session.commit()
    return secret


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn the second factor on when `code` comes from the app given the pending secret.

    Returns the ten recovery codes (shown once, stored hashed). Sessions of the
    account other than the caller's end (they were opened with the password
    alone): the caller's own goes on under a new secret (services/sessions.py).
    Commits; raises RuleViolations (writing nothing) for a wrong code."""
    secret = sealing.unseal(user.second_factor_secret) if user.second_factor_secret else None
    step = totp.matching_step(secret, code) if secret else None
    if user.has_second_factor or step is None:
        db.session.rollback()
        raise RuleViolations([Violation("code", N_("That code is not right. Enter the code your app shows now."))])
    user.second_factor_last_step = step
    user.second_factor_enrolled_at = datetime.now(UTC)
    codes = _replace_recovery_codes(user)
    # The sessions opened with the password alone end; the caller's goes on under a new secret.
    sessions.end_all_sessions(user, reason=EndReason.SECOND_FACTOR_ENROLLED, keep=sessions.current_session_id(user))
    record_security_event(SecurityEvent.SECOND_FACTOR_ENROLLED, user)
    db.session.commit()
    return codes


def enrol_with_secret(user: User, secret: str) -> None:
    """Enrol `user` with a secret given rather than confirmed by a code: the demo
    seeding only, which prints the secret for a person to add to their app. Commits."""
    user.second_factor_secret = sealing.seal(secret)
    user.second_factor_last_step = None
    user.second_factor_enrolled_at = datetime.now(UTC)
    record_security_event(SecurityEvent.SECOND_FACTOR_ENROLLED, user, by="seed")
    db.session.commit()


def readable_secret(user: User) -> str | None:
    """The enrolled secret in clear (the demo banner), None if none or the key changed."""
    if not user.has_second_factor or not user.second_factor_secret:
        return None
    return sealing.unseal(user.second_factor_secret)


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=totp.recovery_hash(code)) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


# Checking a code ----------------------------------------------------------------------------------

def _claim_step(user: User, code: str) -> bool:
    secret = sealing.unseal(user.second_factor_secret) if user.second_factor_secret else None
    step = totp.matching_step(secret, code) if secret else None
    if step is None:
        return False
    last = User.__table__.c.second_factor_last_step
    claimed = rowcount(db.session.execute(
        update(User.__table__).where(User.__table__.c.id == user.id, or_(last.is_(None), last < step))
        .values(second_factor_last_step=step)
    ))
    db.session.expire(user, ["second_factor_last_step"])
    return claimed == 1


def _claim_recovery_code(user: User, code: str) -> bool:
    table = RecoveryCode.__table__
    return rowcount(db.session.execute(
        update(table).where(table.c.user_id == user.id, table.c.code_hash == totp.recovery_hash(code),
                            table.c.used_at.is_(None))
        .values(used_at=datetime.now(UTC))
    )) == 1


def check_code(user: User, code: str) -> Method | None:
    """Whether `code` proves the second factor of `user`, using it up: a TOTP code
    of a step not used before, or an unused recovery code. Adds to the transaction."""
    if not user.has_second_factor or not code:
        return None
    if totp.looks_like_totp(code):
        return Method.TOTP if _claim_step(user, code) else None
    return Method.RECOVERY_CODE if _claim_recovery_code(user, code) else None


def verify_login(user: User, code: str) -> Method | None:
    """The second step of a login: check_code, and its security event (a failure, or
    the use of a recovery code). The caller records the login and commits."""
    method = check_code(user, code)
    if method is None:
        record_security_event(SecurityEvent.SECOND_FACTOR_FAILED, user, stage="login")
    elif method is Method.RECOVERY_CODE:
        record_security_event(SecurityEvent.RECOVERY_CODE_USED, user, left=recovery_codes_left(user))
    return method


def _refuse_code(user: User, stage: str) -> RuleViolations:
    record_security_event(SecurityEvent.SECOND_FACTOR_FAILED, user, stage=stage)
    db.session.commit()  # the failure stays in the trail
    return RuleViolations([Violation("code", N_("That code is not right, or it has been used already."))])


# The owner's settings -----------------------------------------------------------------------------

def renew_recovery_codes(user: User, code: str) -> list[str]:
    """Ten new recovery codes in place of the old ones, for a current code. Commits."""
    if check_code(user, code) is None:
        raise _refuse_code(user, "recovery_codes")
    codes = _replace_recovery_codes(user)
    record_security_event(SecurityEvent.RECOVERY_CODES_RENEWED, user)
    db.session.commit()
    return codes


def _clear(user: User) -> None:
    user.second_factor_secret = None
    user.second_factor_last_step = None
    user.second_factor_enrolled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User, password: str, code: str) -> None:
    """A delegate turns their second factor off with their password and a current code.
    Secretariat staff cannot (it is required of them). Commits."""
    if is_required_for(user):
        raise RuleViolations([Violation("code", N_("Secretariat staff must keep two-step verification on."))])
    if not passwords.verify_password(user.password_hash, password):
        record_security_event(SecurityEvent.SECOND_FACTOR_FAILED, user, stage="turn_off", reason="password")
        db.session.commit()
        raise RuleViolations([Violation("password", N_("The password is not correct."))])
    if check_code(user, code) is None:
        raise _refuse_code(user, "turn_off")
    _clear(user)
    record_security_event(SecurityEvent.SECOND_FACTOR_DISABLED, user)
    db.session.commit()


# The administrator's reset ------------------------------------------------------------------------

def reset(actor: User, user: User) -> bool:
    """An administrator removes `user`'s second factor (a lost phone): the secret and
    the recovery codes go, every session of `user` ends, and the event names the
    administrator. Secretariat staff enrol again at their next login. Commits.
    False when there was nothing to reset (nothing is written)."""
    if not user.has_second_factor:
        return False
    _clear(user)
    sessions.end_all_sessions(user, reason=EndReason.SECOND_FACTOR_RESET, actor=actor)
    record_security_event(SecurityEvent.SECOND_FACTOR_RESET, user, actor=actor)
    db.session.commit()
    return True
