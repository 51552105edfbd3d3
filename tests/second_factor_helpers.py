"""The test's authenticator app: the code a person would type for TOTP_SECRET."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select, update

from secretariat_app.accounts import totp
from secretariat_app.accounts.models.people import User
from secretariat_app.extensions import db
from tests.factories import TOTP_SECRET


def next_code(app: Flask, email: str, secret: str = TOTP_SECRET) -> str:
    """A code the server accepts now: of the current step or the next (the window
    allows one either side), and later than the last one this account used.

    A code works once, so a test that logs one account in a third time within 30
    seconds would have to wait for the next code; instead the account's last
    accepted step is moved back, as if that wait had passed (this function
    stands in for the clock, and nothing else touches the column)."""
    with app.app_context():
        user_id, last = db.session.execute(
            select(User.id, User.second_factor_last_step).where(User.email == email.strip().lower())
        ).one()
        now = totp.current_step()
        step = now if last is None else max(last + 1, now)
        if step > now + totp.WINDOW:
            db.session.execute(update(User).where(User.id == user_id).values(second_factor_last_step=now - 1))
            db.session.commit()
            step = now
        return totp.code_at(secret, step)
