"""The one policy module: who may use each page and do each action.

Every view declares its audience with @access(...). A request to a view that
declares none is refused (deny by default), and a test walks the URL map to
prove that every endpoint declared one."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from secretariat_app.extensions import login_manager
from secretariat_app.models.people import Role, User

SECRETARIAT_ROLES = (Role.ADMIN, Role.OFFICER)
DELEGATION_ROLES = (Role.DELEGATE, Role.COORDINATOR)


def is_secretariat(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*SECRETARIAT_ROLES)


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.ADMIN)


def is_delegate(user) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.delegation_id is not None
        and user.has_role(*DELEGATION_ROLES)
    )


AUDIENCES: dict[str, Callable[[object], bool]] = {
    "public": lambda user: True,
    "authenticated": lambda user: bool(getattr(user, "is_authenticated", False)),
    "secretariat": is_secretariat,
    "admin": is_admin,
    "delegate": is_delegate,
}


def access(audience: str):
    """Declare who may use a view: one of AUDIENCES."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")

    def decorate(view):
        view.access_audience = audience
        return view

    return decorate


def audience_of(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint == "static":
        return "public"
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_audience", None)


def enforce_access():
    """before_request hook: refuse anything a view did not open to this user."""
    if request.endpoint is None:  # no route matched: let the 404/405 handler answer
        return None
    audience = audience_of(request.endpoint)
    if audience is None:
        current_app.logger.error("endpoint %s declares no audience: refused", request.endpoint)
        abort(403)
    if audience == "public":
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not AUDIENCES[audience](current_user):
        abort(403)
    return None


# Actions on objects -------------------------------------------------------

def can(user: User, action: str, obj=None) -> bool:
    """Whether `user` may do `action` (on `obj`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if action == "grant_role":
        # Only administrators make people Secretariat staff.
        return is_admin(user) or (is_secretariat(user) and obj in DELEGATION_ROLES)
    if action == "edit_user":
        # Officers manage delegates; Secretariat accounts are the administrators'.
        return is_admin(user) or (is_secretariat(user) and not is_secretariat(obj))
    if action in {"manage_reference_data", "manage_staff", "manage_delegations", "read_audit"}:
        return is_secretariat(user)
    if action == "view_delegation":
        return is_secretariat(user) or (is_delegate(user) and user.delegation_id == obj.id)
    return False


def require(action: str, obj=None) -> None:
    if not can(current_user, action, obj):
        abort(403)


def with_permission(action: str):
    """Decorator form of require() for actions that need no object."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)

        return wrapper

    return decorate
