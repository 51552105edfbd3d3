"""Demo accounts for `make run`: one of each kind of user, created once."""
from __future__ import annotations

from sqlalchemy import select

from secretariat_app.accounts import totp
from secretariat_app.accounts.models.people import Delegation, Role, User
from secretariat_app.accounts.models.states import State
from secretariat_app.accounts.services import second_factor
from secretariat_app.accounts.services.users import UserData, create_user
from secretariat_app.demo.guard import refuse_in_production
from secretariat_app.extensions import db

DEMO_PASSWORD = "cica-demo-2026"

# (e-mail, name, roles, delegation state code, language, time zone)
DEMO_USERS = [
    ("admin@secretariat.cica.example", "Aigerim Demo (administrator)", {Role.ADMIN}, None, "en", "Asia/Almaty"),
    ("officer@secretariat.cica.example", "Daniyar Demo (officer)", {Role.OFFICER}, None, "ru", "Asia/Almaty"),
    ("delegate.kaz@cica.example", "Delegate of Kazakhstan", {Role.DELEGATE}, "KAZ", "en", "Asia/Almaty"),
    ("delegate.rus@cica.example", "Делегат России", {Role.DELEGATE}, "RUS", "ru", "Europe/Moscow"),
    ("delegate.jpn@cica.example", "Delegate of Japan (observer)", {Role.DELEGATE}, "JPN", "en", "Asia/Tokyo"),
]


def create_demo_users() -> list[tuple[str, str]]:
    """Create missing demo users; returns (e-mail, description) of all of them.
    Raises guard.DemoRefused in production."""
    refuse_in_production()
    listing = []
    for email, name, roles, code, language, zone in DEMO_USERS:
        listing.append((email, name))
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        delegation_id = None
        if code:
            delegation_id = db.session.scalar(
                select(Delegation.id).join(State).where(State.code == code)
            )
        create_user(
            None,
            UserData(email=email, name=name, language=language, timezone=zone,
                     roles=frozenset(roles), delegation_id=delegation_id),
            DEMO_PASSWORD,
        )
    return listing


def enrol_demo_staff() -> list[tuple[str, str, str]]:
    """The Secretariat's demo logins have a second factor, as all staff must: enrol
    those without one with a new random secret. Returns (e-mail, the secret in
    groups, its otpauth URI) of each, for `flask seed` to print (the key to add to
    an authenticator app; the same at every run while the enrolment stands).
    Raises guard.DemoRefused in production."""
    refuse_in_production()
    shown = []
    for email, *_rest in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None or not second_factor.is_required_for(user):
            continue
        if not user.has_second_factor:
            second_factor.enrol_with_secret(user, totp.new_secret())
        secret = second_factor.readable_secret(user)
        if secret is not None:
            shown.append((email, totp.grouped(secret), totp.provisioning_uri(secret, email)))
    return shown
