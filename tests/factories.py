"""factory_boy factories for the models. Users get the password
'correct horse battery' unless told otherwise; officers and administrators
also get a second factor with the TOTP secret TOTP_SECRET (tests.conftest.log_in
completes the second step with it), unless made with second_factor=False."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import factory
from factory.alchemy import SQLAlchemyModelFactory

from secretariat_app.accounts.models.people import Delegation, Role, User, UserRole
from secretariat_app.accounts.models.staff import Position, StaffAppointment
from secretariat_app.accounts.models.states import (
    Membership,
    MembershipStatus,
    State,
    StateKind,
)
from secretariat_app.accounts.passwords import hash_password
from secretariat_app.accounts.sealing import seal
from secretariat_app.accounts.services.second_factor import REQUIRED_FOR
from secretariat_app.extensions import db

PASSWORD = "correct horse battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # what a test's authenticator app holds


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class StateFactory(Base):
    class Meta:
        model = State

    code = factory.Sequence(lambda n: f"X{n:02d}")
    iso2 = None
    kind = StateKind.STATE
    name_en = factory.Sequence(lambda n: f"State {n}")
    name_ru = factory.Sequence(lambda n: f"Государство {n}")


class MembershipFactory(Base):
    class Meta:
        model = Membership

    state = factory.SubFactory(StateFactory)
    status = MembershipStatus.MEMBER
    valid_from = date(1999, 9, 14)
    valid_to = None
    note = ""


class DelegationFactory(Base):
    class Meta:
        model = Delegation

    state = factory.SubFactory(StateFactory)


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@cica.example")
    name = factory.Sequence(lambda n: f"User {n}")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    language = "en"
    timezone = "Asia/Almaty"
    active = True
    delegation = None

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.role_rows.append(UserRole(role=role))
        if create and extracted:
            db.session.commit()

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        """Enrolled with TOTP_SECRET: True, or None (the default) for Secretariat staff, who must be."""
        if extracted or (extracted is None and self.has_role(*REQUIRED_FOR)):
            enrol(self, commit=create)


def enrol(user: User, secret: str = TOTP_SECRET, commit: bool = True) -> User:
    """`user` with a second factor whose app holds `secret` (as if they had enrolled)."""
    user.second_factor_secret = seal(secret)
    user.second_factor_last_step = None
    user.second_factor_enrolled_at = datetime.now(UTC)
    if commit:
        db.session.commit()
    return user


def officer(**kwargs) -> User:
    return UserFactory(roles=[Role.OFFICER], **kwargs)


def admin(**kwargs) -> User:
    return UserFactory(roles=[Role.ADMIN], **kwargs)


def delegate(delegation: Delegation | None = None, **kwargs) -> User:
    return UserFactory(roles=[Role.DELEGATE], delegation=delegation or DelegationFactory(), **kwargs)


class StaffAppointmentFactory(Base):
    class Meta:
        model = StaffAppointment

    person_name = factory.Sequence(lambda n: f"Staff member {n}")
    position = Position.PROFESSIONAL
    nationality = factory.SubFactory(StateFactory)
    seconding_state = factory.SelfAttribute("nationality")
    starts_on = date(2024, 1, 1)
    ends_on = None
    decision_reference = ""


@contextmanager
def reading_in(language: str) -> Iterator[User]:
    """A request of an officer whose profile language is `language`, logged in
    (what the web layer has when it calls a service and shows its refusal)."""
    from flask import current_app
    from flask_login import login_user

    reader = officer(language=language)
    with current_app.test_request_context():
        login_user(reader)
        yield reader
