"""Who someone is: the Secretariat (administrators and officers), an administrator,
a delegate (a delegation's member, coordinators included), and the audiences
of the pages built from them."""
from __future__ import annotations

import enum
from collections.abc import Callable

from secretariat_app.accounts.models.people import Role

SECRETARIAT_ROLES = (Role.ADMIN, Role.OFFICER)
DELEGATION_ROLES = (Role.DELEGATE, Role.COORDINATOR)


def is_authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_secretariat(user) -> bool:
    return is_authenticated(user) and user.has_role(*SECRETARIAT_ROLES)


def is_admin(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.ADMIN)


def is_delegate(user) -> bool:
    return is_authenticated(user) and user.delegation_id is not None and user.has_role(*DELEGATION_ROLES)


class Audience(enum.Enum):
    """Who may open a page at all. A page that acts on an object names its Action instead,
    whose audience is the first gate (see Action.audience)."""

    PUBLIC = "public"
    AUTHENTICATED = "authenticated"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"
    DELEGATE = "delegate"

    def admits(self, user) -> bool:
        return AUDIENCE_RULES[self](user)


AUDIENCE_RULES: dict[Audience, Callable[[object], bool]] = {
    Audience.PUBLIC: lambda user: True,
    Audience.AUTHENTICATED: is_authenticated,
    Audience.SECRETARIAT: is_secretariat,
    Audience.ADMIN: is_admin,
    Audience.DELEGATE: is_delegate,
}
