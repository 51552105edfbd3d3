"""The person reading a page or calling the API: what every authenticated request knows of its user.

A `Reader` is built from the rows of one Core statement (`reader_select`: the
user, the roles, the delegation's names, the cache generation, joined to the
row that names the user) by `reader_of`: no ORM entity is made for a request
that only reads. Two doors build one: the pages' user loader (accounts/login.py,
from the login session the cookie names) and the API (api/services/tokens.py,
from the bearer token's row; its reader has no login session). It is
`current_user` on every page and every API request, and carries what templates,
the navigation and the access rules (permissions/) read: the id, the roles, the
delegation, the language, the time zone, the second factor's enrolment, the
session.

It is read-only. A page that changes the account itself (the profile, the
sessions, two-step verification, the password, the calendar feed, the mail
preferences, the tokens) works on the ORM row: `current_user_row()`. Writing an
attribute of a reader raises AttributeError, so a write can never be lost
silently on an object that is not saved. A column the reader does not carry
(the mail preferences, the feed's token hash...) is read from that row, loaded
the first time it is asked for. The services take a reader as their actor: they
write its id (created_by_id, the audit entry's actor_id), never the reader.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import abort, g, has_request_context
from flask_login import current_user
from sqlalchemy import ColumnElement, FromClause, Row, Select, select
from sqlalchemy.orm import joinedload, object_session

from secretariat_app.accounts.models.people import Delegation, Role, User, UserRole
from secretariat_app.accounts.models.states import State
from secretariat_app.core import cache_generation, driver_statements
from secretariat_app.extensions import db

if TYPE_CHECKING:
    from secretariat_app.accounts.models.sessions import LoginSession

# What may change on a reader during its request: the session gets a new secret
# (sessions.end_all_sessions with `keep`).
_WRITABLE = frozenset({"login_session"})


class Reader:
    """The user of the request's session or token, from its Core rows (see the module's docstring)."""

    __slots__ = ("active", "delegation_id", "email", "id", "language", "login_session", "name", "roles",
                 "second_factor_enrolled_at", "timezone", "_delegation_names", "_delegation_row")

    is_authenticated = True  # Flask-Login: a reader exists only for an open session or a live token
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

    def get_id(self) -> str:  # Flask-Login keeps this in the cookie: the session's secret ("" on the API)
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
        """The ORM row of this user, in the request's session, with this request's login session (if any)."""
        row = db.session.get(User, self.id)
        if row is None:  # the account was deleted while the request ran
            abort(401)
        if row.login_session is None:
            row.login_session = self.login_session
        return row

    def __repr__(self) -> str:
        return f"<Reader {self.email}>"


# What a reader is built from, in one statement (reader_select): the user's columns the pages
# and the rules read, the delegation's names (the page header), the roles (one row each: a
# user without one has one row with None) and the generation of the rows web processes cache
# (core/cache_generation.py: a scalar subquery, no round trip). The door's own columns (the
# session's, the token's) come after them, from READER_WIDTH on.
_user, _role = User.__table__.c, UserRole.__table__.c
_delegation, _state = Delegation.__table__.c, State.__table__.c
READER_COLUMNS: tuple[ColumnElement[Any], ...] = (
    _user.id, _user.email, _user.name, _user.language, _user.timezone, _user.active, _user.delegation_id,
    _user.second_factor_enrolled_at, _state.name_en, _state.name_ru, _role.role, cache_generation.column(),
)
READER_WIDTH = len(READER_COLUMNS)
_ROLE = next(n for n, column in enumerate(READER_COLUMNS) if column is _role.role)  # (`==` builds SQL)


def reader_select(door: FromClause, user_id: ColumnElement[int], *columns: ColumnElement[Any]) -> Select[Any]:
    """The reader's columns, then `columns`, of the user whose id is `user_id`, a column of
    `door` (the row that names the user: a login session, an access token). The caller adds
    its WHERE; the rows go to reader_of."""
    return (
        select(*READER_COLUMNS, *columns)
        .select_from(
            door.join(User.__table__, user_id == _user.id)
            .outerjoin(UserRole.__table__, _role.user_id == _user.id)
            .outerjoin(Delegation.__table__, _delegation.id == _user.delegation_id)
            .outerjoin(State.__table__, _state.id == _delegation.state_id)
        )
    )


_DRIVER_STATEMENTS: dict[int, driver_statements.DriverStatement] = {}


def reader_rows(statement: Select[Any], parameters: dict[str, Any]) -> Sequence[Row[Any] | tuple[Any, ...]]:
    """The rows of `statement`, a reader_select marked as a lone read (a door's module
    constant), for `parameters`. On PostgreSQL it is prepared and run on the driver's
    cursor (core/driver_statements.py: SQLAlchemy's execution of it cost more CPU than the
    statement, on every request), compiled once per process; elsewhere, through SQLAlchemy.
    The values are the same either way (its column types' result processors)."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return connection.execute(statement, parameters).all()
    driver = _DRIVER_STATEMENTS.get(id(statement))
    if driver is None:
        driver = _DRIVER_STATEMENTS[id(statement)] = driver_statements.DriverStatement.of(statement, connection)
    return driver_statements.run_all(connection, driver, parameters)


def reader_of(rows: Sequence[Row[Any] | tuple[Any, ...]], login_session: LoginSession | None = None) -> Reader | None:
    """The reader of a reader_select's rows (at least one; one a role), under `login_session`
    (None: an API request), or None when the account is deactivated. Notes the cache
    generation read with it (cache_generation.seen) either way."""
    (user_id, email, name, language, timezone, active, delegation_id, enrolled_at, name_en, name_ru,
     _first_role, generation) = rows[0][:READER_WIDTH]
    cache_generation.seen(generation)
    if not active:
        return None
    return Reader(id=user_id, email=email, name=name, language=language, timezone=timezone, active=active,
                  delegation_id=delegation_id, roles=frozenset(row[_ROLE] for row in rows if row[_ROLE] is not None),
                  second_factor_enrolled_at=enrolled_at,
                  delegation_names=(name_en, name_ru) if name_en is not None else None,
                  login_session=login_session)


def request_reader() -> Reader | User | None:
    """The request's user if Flask-Login has loaded one (without asking it to)."""
    if not has_request_context():
        return None
    user = g.get("_login_user")
    return user if isinstance(user, Reader | User) else None


def current_user_row() -> User:
    """The ORM row of the request's user, for a page or an API call that changes the
    account (the reader is read-only)."""
    user = current_user._get_current_object()
    if isinstance(user, Reader):
        return user.row()
    if not isinstance(user, User):
        abort(401)
    return user
