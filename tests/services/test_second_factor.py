"""The second factor's rules below the pages: codes and their window, single use,
recovery codes stored hashed, the secret sealed at rest, the reset, the demo."""
from __future__ import annotations

import time

import pytest
from flask import current_app
from sqlalchemy import select

from secretariat_app.accounts import sealing, totp
from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.second_factor import RecoveryCode
from secretariat_app.accounts.models.sessions import UserSession
from secretariat_app.accounts.services import second_factor, sessions
from secretariat_app.audit.models import AuditEntry
from secretariat_app.demo import accounts as demo_accounts
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from tests.factories import PASSWORD, TOTP_SECRET, delegate, officer


def _open_sessions(user) -> set[int]:
    return set(db.session.scalars(select(UserSession.id).where(UserSession.user_id == user.id,
                                                               UserSession.ended_at.is_(None))))

def test_a_code_is_accepted_one_step_either_side_of_now_and_not_further():
    now = time.time()
    step = totp.current_step(now)
    for offset in (-1, 0, 1):
        assert totp.matching_step(TOTP_SECRET, totp.code_at(TOTP_SECRET, step + offset), now) == step + offset
    for offset in (-3, -2, 2, 3):
        code = totp.code_at(TOTP_SECRET, step + offset)
        if all(code != totp.code_at(TOTP_SECRET, step + near) for near in (-1, 0, 1)):  # a rare coincidence
            assert totp.matching_step(TOTP_SECRET, code, now) is None
    assert totp.matching_step(TOTP_SECRET, "12345", now) is None
    assert totp.matching_step(TOTP_SECRET, "abcdef", now) is None
    spaced = totp.code_at(TOTP_SECRET, step)
    assert totp.matching_step(TOTP_SECRET, f"{spaced[:3]} {spaced[3:]}", now) == step  # as apps show it


def test_recovery_codes_are_random_and_read_as_typed():
    codes = totp.new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    code = "0a1b2-c3d4e"
    assert totp.recovery_hash(code) == totp.recovery_hash(" OA1B2 C3D4E ") == totp.recovery_hash("oa1b2c3d4e")
    assert totp.recovery_hash(code) != totp.recovery_hash("0a1b2-c3d4f")


def test_the_secret_is_sealed_with_a_key_from_secret_key(app_ctx):
    user = officer()
    stored = db.session.scalar(select(User.second_factor_secret).where(User.id == user.id))
    assert stored and TOTP_SECRET not in stored and sealing.unseal(stored) == TOTP_SECRET
    original, fallbacks = current_app.config["SECRET_KEY"], current_app.config.get("SECRET_KEY_FALLBACKS")
    try:
        current_app.config["SECRET_KEY"] = "another key altogether, rotated"
        assert sealing.unseal(stored) is None  # a copy of the database alone opens nothing
        current_app.config["SECRET_KEY_FALLBACKS"] = [original]
        assert sealing.unseal(stored) == TOTP_SECRET  # the old key kept as a fallback still opens it
    finally:
        current_app.config.update(SECRET_KEY=original, SECRET_KEY_FALLBACKS=fallbacks)


def test_a_code_works_once_and_an_older_one_not_after_it(app_ctx):
    user = officer()
    step = totp.current_step()
    assert second_factor.check_code(user, totp.code_at(TOTP_SECRET, step)) is second_factor.Method.TOTP
    assert second_factor.check_code(user, totp.code_at(TOTP_SECRET, step)) is None
    assert second_factor.check_code(user, totp.code_at(TOTP_SECRET, step - 1)) is None
    assert second_factor.check_code(user, totp.code_at(TOTP_SECRET, step + 1)) is second_factor.Method.TOTP
    db.session.commit()
    assert db.session.get(User, user.id).second_factor_last_step == step + 1


def test_no_code_works_without_an_enrolment(app_ctx):
    user = delegate()
    assert second_factor.check_code(user, totp.code_at(TOTP_SECRET, totp.current_step())) is None


def test_enrolment_needs_a_code_of_the_pending_secret_and_stores_codes_hashed(app_ctx):
    user = delegate()
    secret = second_factor.enrolment_secret(user)
    assert second_factor.enrolment_secret(user) == secret  # a reload shows the same key
    with pytest.raises(RuleViolations):
        second_factor.confirm_enrolment(user, totp.code_at(TOTP_SECRET, totp.current_step()))
    assert not db.session.get(User, user.id).has_second_factor
    elsewhere = sessions.start_session(user).id
    here = sessions.start_session(user).id  # the enrolling request's own (user.login_session)
    db.session.commit()
    codes = second_factor.confirm_enrolment(user, totp.code_at(secret, totp.current_step()))
    assert user.has_second_factor and _open_sessions(user) == {here}  # password-only sessions end
    assert elsewhere != here
    stored = set(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert stored == {totp.recovery_hash(code) for code in codes} and not stored & set(codes)
    with pytest.raises(RuleViolations):
        second_factor.enrolment_secret(user)  # enrolled: no new key


def test_a_recovery_code_works_once(app_ctx):
    user = officer()
    codes = second_factor.renew_recovery_codes(user, totp.code_at(TOTP_SECRET, totp.current_step()))
    assert second_factor.check_code(user, codes[0]) is second_factor.Method.RECOVERY_CODE
    assert second_factor.check_code(user, codes[0]) is None
    assert second_factor.recovery_codes_left(user) == 9
    other = officer()
    assert second_factor.check_code(other, codes[1]) is None  # another account's code is nothing


def test_staff_cannot_turn_it_off_and_a_delegate_needs_password_and_code(app_ctx):
    staff = officer()
    with pytest.raises(RuleViolations):
        second_factor.turn_off(staff, PASSWORD, totp.code_at(TOTP_SECRET, totp.current_step()))
    assert db.session.get(User, staff.id).has_second_factor
    user = delegate(second_factor=True)
    with pytest.raises(RuleViolations):
        second_factor.turn_off(user, "wrong password", totp.code_at(TOTP_SECRET, totp.current_step()))
    second_factor.turn_off(user, PASSWORD, totp.code_at(TOTP_SECRET, totp.current_step()))
    assert not user.has_second_factor and user.second_factor_secret is None


def test_a_reset_ends_every_session_and_names_the_administrator(app_ctx):
    user, chief = officer(), officer()
    sessions.start_session(user)
    db.session.commit()
    assert second_factor.reset(chief, user)
    assert not user.has_second_factor and _open_sessions(user) == set()
    assert second_factor.must_enrol(user)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "security.second_factor_reset")).one()
    assert entry.actor_id == chief.id and entry.object_id == str(user.id)
    assert not second_factor.reset(chief, user)  # nothing left to reset: nothing written
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "security.second_factor_reset"))
               .all()) == 1


def test_the_demo_staff_have_a_second_factor_whose_key_is_printed(app_ctx, reference):
    demo_accounts.create_demo_users()
    shown = demo_accounts.enrol_demo_staff()
    assert [email for email, _key, _uri in shown] == ["admin@secretariat.cica.example",
                                                      "officer@secretariat.cica.example"]
    assert demo_accounts.enrol_demo_staff() == shown  # the same keys at every run
    for email, key, uri in shown:
        user = db.session.scalars(select(User).where(User.email == email)).one()
        secret = key.replace(" ", "")
        assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
        assert second_factor.check_code(user, totp.code_at(secret, totp.current_step())) is second_factor.Method.TOTP
    delegates = db.session.scalars(select(User).where(User.email.like("delegate.%"))).all()
    assert delegates and not any(u.has_second_factor for u in delegates)


def test_flask_seed_prints_the_keys(app):
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "Secretariat demo logins also ask for a code" in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("  ") and " key " in line]
    assert len(lines) == 2 and "officer@secretariat.cica.example" in "".join(lines)
    assert result.output.count("otpauth://totp/") == 2
