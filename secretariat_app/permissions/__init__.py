"""The one policy module: who may use each page and do each action.

Every view declares its requirement with @access(...): an Audience (who may
open it), or the Action it does (enum members, so that a misspelt name fails
at import). A request to a view that declares none is refused (deny by
default), and a test walks the URL map to prove that every endpoint declared
one.

- @access(Audience.X): checked before the view runs.
- @access(Action.X) for an action that needs no object: its audience and its
  rule are checked before the view runs (403).
- @access(Action.X, load=Load(...)) for an action on the object a URL names:
  the view receives the object instead of its id. A missing object, or one the
  reader may not see (Load.see, an action that hides), answers 404 as if it did
  not exist; then the action is checked on it (403, or 404 if the action hides).

can(user, action, obj) answers the same questions anywhere (templates get
`can` and `Action` as globals). The rules are RULES below; the CBM ones are in
permissions.cbm, the succession's in permissions.succession; who may read a
document (a row, and which rows) is in permissions.documents; who sees a
decision under silence and may break it, in permissions.decisions."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy import true
from sqlalchemy.sql.elements import ColumnElement

from secretariat_app.accounts.models.people import User
from secretariat_app.decisions.models import Decision, DecisionStatus
from secretariat_app.extensions import login_manager
from secretariat_app.permissions import cbm as _cbm
from secretariat_app.permissions import negotiations as _negotiations
from secretariat_app.permissions.actions import Action
from secretariat_app.permissions.cbm import (
    coordinated_area_ids,
    delegation_status,
    is_coordinator_of,
)
from secretariat_app.permissions.decisions import (
    decision_condition,
    may_break_silence,
    may_read_decision,
    may_read_objection,
)
from secretariat_app.permissions.meetings import may_read_meeting
from secretariat_app.permissions.roles import (
    DELEGATION_ROLES,
    SECRETARIAT_ROLES,
    Audience,
    is_admin,
    is_authenticated,
    is_delegate,
    is_secretariat,
)
from secretariat_app.permissions.succession import may_manage_succession, may_read_succession

__all__ = [
    "DELEGATION_ROLES", "RULES", "SECRETARIAT_ROLES", "Action", "Audience", "Load", "access", "audience_of",
    "can", "coordinated_area_ids", "decision_condition", "decision_statuses", "decision_statuses_condition",
    "delegation_status", "enforce_access", "is_admin", "is_coordinator_of", "is_delegate", "is_secretariat",
    "require", "requirement_of",
]


# The rules ------------------------------------------------------------------------------------

def _may_grant(user, role) -> bool:
    """Only administrators make people Secretariat staff."""
    return is_admin(user) or (is_secretariat(user) and role in DELEGATION_ROLES)


def _may_edit_user(user, other: User) -> bool:
    """Officers manage delegates; Secretariat accounts are the administrators'."""
    return is_admin(user) or (is_secretariat(user) and not is_secretariat(other))


def _decision_statuses(user) -> frozenset[DecisionStatus]:
    """Outside the Secretariat, the register and the search show adopted decisions only (a delegation
    reaches a draft under silence through its notice and its "needs you" list: permissions.decisions)."""
    return frozenset(DecisionStatus) if is_secretariat(user) else frozenset({DecisionStatus.ADOPTED})


def decision_statuses_condition(statuses: frozenset[DecisionStatus], status=Decision.status) -> ColumnElement[bool]:
    return true() if statuses == frozenset(DecisionStatus) else status.in_(sorted(statuses, key=lambda s: s.value))


def decision_statuses(user) -> frozenset[DecisionStatus]:
    """The statuses of the decisions `user` may read (as data: a statement built once per answer)."""
    return _decision_statuses(user)


RULES: dict[Action, Callable[[Any, Any], bool]] = {
    Action.GRANT_ROLE: _may_grant,
    Action.INVITE_USER: lambda user, obj: _may_grant(user, DELEGATION_ROLES[0]),
    Action.EDIT_USER: _may_edit_user,
    Action.RESET_SECOND_FACTOR: lambda user, other: is_admin(user) and other.id != user.id,
    Action.MANAGE_REFERENCE_DATA: lambda user, obj: is_secretariat(user),
    Action.MANAGE_STAFF: lambda user, obj: is_secretariat(user),
    Action.MANAGE_DELEGATIONS: lambda user, obj: is_secretariat(user),
    Action.READ_AUDIT: lambda user, obj: is_secretariat(user),
    Action.VIEW_DELEGATION: lambda user, delegation: (
        is_secretariat(user) or (is_delegate(user) and user.delegation_id == delegation.id)),
    Action.READ_MEETING: may_read_meeting,
    Action.READ_DECISION: may_read_decision,
    Action.BREAK_SILENCE: may_break_silence,
    Action.READ_SILENCE_OBJECTION: may_read_objection,
    Action.MANAGE_SUCCESSION: may_manage_succession,
    Action.READ_SUCCESSION: may_read_succession,
    **_cbm.RULES,
    **_negotiations.RULES,
}
_missing = set(Action) - set(RULES)
if _missing:  # pragma: no cover - caught at import by every test
    raise RuntimeError(f"actions without a rule: {sorted(a.value for a in _missing)}")


def can(user, action: Action, obj=None) -> bool:
    """Whether `user` may do `action` (on `obj`)."""
    if not isinstance(action, Action):
        raise TypeError(f"can() takes an Action, not {action!r}")
    if not is_authenticated(user):
        return False
    return RULES[action](user, obj)


def require(action: Action, obj=None) -> None:
    if not can(current_user, action, obj):
        abort(403)


# The decorator ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Load:
    """How a view finds the object its action is done on: `find` takes the URL argument `arg`
    and returns the object, or None when there is none. The view receives the object as `name`
    in place of `arg`. An object the reader may not `see` answers 404, as one that does not exist."""

    arg: str
    name: str
    find: Callable[[Any], object | None]
    see: Action | None = None


def access(requirement: Audience | Action, *, load: Load | None = None, within: Audience | None = None):
    """Declare what a view requires (see the module's docstring). `within` narrows the audience of
    an action to the part of the site the page belongs to (an officers' page, for example)."""
    if not isinstance(requirement, Audience | Action):
        raise TypeError(f"@access takes an Audience or an Action, not {requirement!r}")
    if isinstance(requirement, Audience) and load is not None:
        raise TypeError("@access(Audience...) loads nothing: name the Action done on the object")
    if isinstance(requirement, Action) and requirement.on_object and load is None:
        raise TypeError(f"{requirement} is done on an object: say how the view loads it (load=Load(...))")
    if load is not None and load.see is not None and not isinstance(load.see, Action):
        raise TypeError(f"Load.see takes an Action, not {load.see!r}")
    audience = within or (requirement.audience if isinstance(requirement, Action) else requirement)

    def decorate(view):
        target = view
        if load is not None:
            @wraps(view)
            def target(**kwargs):
                assert isinstance(requirement, Action) and load is not None  # an Audience loads nothing (above)
                found = load.find(kwargs.pop(load.arg))
                if found is None or (load.see is not None and not can(current_user, load.see, found)):
                    abort(404)
                if requirement.on_object and requirement is not load.see and not can(current_user, requirement,
                                                                                     found):
                    abort(404 if requirement.hides else 403)
                kwargs[load.name] = found
                return view(**kwargs)

        target.access_requirement = requirement
        target.access_audience = audience
        return target

    return decorate


def requirement_of(endpoint: str | None) -> Audience | Action | None:
    if endpoint is None:
        return None
    if endpoint == "static":
        return Audience.PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_requirement", None)


def audience_of(endpoint: str | None) -> Audience | None:
    """Who may open the endpoint at all (for an action: its audience)."""
    if endpoint == "static":
        return Audience.PUBLIC
    if endpoint is None or requirement_of(endpoint) is None:
        return None
    return getattr(current_app.view_functions.get(endpoint), "access_audience", None)


def enforce_access():
    """before_request hook: refuse anything a view did not open to this user."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: let the 404/405 handler answer
        return None
    requirement = requirement_of(endpoint)
    if requirement is None:
        current_app.logger.error("endpoint %s declares no requirement: refused", endpoint)
        abort(403)
    audience = audience_of(endpoint)
    if audience == Audience.PUBLIC:
        return None
    user = current_user._get_current_object()  # resolved once (the reader, or the anonymous user)
    if not user.is_authenticated:
        return login_manager.unauthorized()
    assert audience is not None  # @access sets the audience with the requirement
    if not audience.admits(user):
        abort(403)
    if isinstance(requirement, Action) and not requirement.on_object and not can(user, requirement):
        abort(403)
    return None
