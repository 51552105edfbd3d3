"""The person reading a page: what every logged-in request knows of its user.

The user loader (accounts/login.py) builds a `Reader` from the rows of one
Core statement (the user, the session, the roles, the delegation's names):
no ORM entity is made for a request that only reads. It is `current_user`
on every page (the API's requests get the token's owner, an ORM `User`,
from api/authentication.py), and carries what templates, the navigation and
the access rules (permissions/) read: the id, the roles, the delegation, the
language, the time zone, the second factor's enrolment, the session.

It is read-only. A page that changes the account itself (the profile, the
sessions, two-step verification, the password, the calendar feed, the mail
preferences) works on the ORM row: `current_user_row()`. Writing an
attribute of a reader raises AttributeError, so a write can never be lost
silently on an object that is not saved. A column the reader does not carry
(the mail preferences, the feed's token hash...) is read from that row, loaded
the first time it is asked for.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import abort, g, has_request_context
from flask_login import current_user
from sqlalchemy.orm import joinedload, object_session

from secretariat_app.accounts.models.people import Delegation, Role, User
from secretariat_app.accounts.models.states import State
from secretariat_app.extensions import db

if TYPE_CHECKING:
    from secretariat_app.accounts.models.sessions import LoginSession

# What may change on a reader during its request: the session gets a new secret
# (sessions.end_all_sessions with `keep`).
_WRITABLE = frozenset({"login_session"})


class Reader:
    """The user of the request's session, from its Core row (see the module's docstring)."""

    __slots__ = ("active", "delegation_id", "email", "id", "language", "login_session", "name", "roles",
                 "second_factor_enrolled_at", "timezone", "_delegation_names", "_delegation_row")

    is_authenticated = True  # Flask-Login: a reader exists only for an open session
    is_anonymous = False

    if TYPE_CHECKING:
        id: int
        email: str
        name: str
        language: str
        timezone: str
        active: bool
        delegation_id: int | None
        roles: frozenset[Role]
        second_factor_enrolled_at: datetime | None
        login_session: LoginSession | None
        _delegation_names: tuple[str, str] | None
        _delegation_row: Delegation | None

    def __init__(self, *, id: int, email: str, name: str, language: str, timezone: str,  # noqa: A002
                 active: bool, delegation_id: int | None, roles: frozenset[Role],
                 second_factor_enrolled_at: datetime | None, delegation_names: tuple[str, str] | None,
                 login_session: LoginSession | None = None) -> None:
        values = {"id": id, "email": email, "name": name, "language": language, "timezone": timezone,
                  "active": active, "delegation_id": delegation_id, "roles": roles,
                  "second_factor_enrolled_at": second_factor_enrolled_at,
                  "_delegation_names": delegation_names, "_delegation_row": None, "login_session": login_session}
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def __setattr__(self, key: str, value: Any) -> None:
        if key not in _WRITABLE:
            raise AttributeError(f"the reader is read-only ({key}): change the account through current_user_row()")
        object.__setattr__(self, key, value)

    def __getattr__(self, key: str) -> Any:
        """A column or property of User that the reader does not carry: read from the ORM row."""
        if key.startswith("_") or not hasattr(User, key):
            raise AttributeError(key)
        return getattr(self.row(), key)

    # What User answers, the same way (models/people.py).
    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def has_second_factor(self) -> bool:
        return self.second_factor_enrolled_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login keeps this in the cookie: the session's secret
        return self.login_session.key if self.login_session is not None else ""

    def delegation_name(self, language: str = "en") -> str:
        """The delegation's name (the page header), from the loader's row: nothing loaded."""
        if self._delegation_names is None:
            return ""
        return self._delegation_names[1] if language == "ru" else self._delegation_names[0]

    @property
    def delegation(self) -> Delegation | None:
        """The delegation as an ORM entity, for the rules and services that need one (its
        memberships, a comparison with a proposal's): loaded with its state and memberships
        in one statement when first asked for, then held for the request (the session's
        identity map alone holds nothing: a second get() would read it again)."""
        if self.delegation_id is None:
            return None
        held = self._delegation_row
        if held is None or object_session(held) is not db.session():  # a session removed (failover): again
            held = db.session.get(Delegation, self.delegation_id,
                                  options=[joinedload(Delegation.state).joinedload(State.memberships)])
            object.__setattr__(self, "_delegation_row", held)
        return held

    def row(self) -> User:
        """The ORM row of this user, in the request's session, with this request's session."""
        row = db.session.get(User, self.id)
        if row is None:  # the account was deleted while the request ran
            abort(401)
        if row.login_session is None:
            row.login_session = self.login_session
        return row

    def __repr__(self) -> str:
        return f"<Reader {self.email}>"


def request_reader() -> Reader | User | None:
    """The request's user if Flask-Login has loaded one (without asking it to)."""
    if not has_request_context():
        return None
    user = g.get("_login_user")
    return user if isinstance(user, Reader | User) else None


def current_user_row() -> User:
    """The ORM row of the request's user, for a page that changes the account (the
    reader is read-only). On the API the token's owner is one already."""
    user = current_user._get_current_object()
    if isinstance(user, Reader):
        return user.row()
    if not isinstance(user, User):
        abort(401)
    return user
