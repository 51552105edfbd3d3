"""The one policy module: who may use each page and do each action.

Every view declares its audience with @access(...). A request to a view that
declares none is refused (deny by default), and a test walks the URL map to
prove that every endpoint declared one."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy import or_, select

from secretariat_app.accounts.models.people import Delegation, Role, User
from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.extensions import db, login_manager

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
    if action in CBM_ACTIONS:
        return CBM_ACTIONS[action](user, obj)
    return False


# Confidence building measures ---------------------------------------------
# Coordinators act for an area only while (a) they hold the coordinator role,
# (b) the Secretariat assigned them to the area, and (c) their delegation's
# state coordinates or co-coordinates the area today.

def coordinated_area_ids(user, day: date | None = None) -> frozenset[int]:
    """The areas `user` may act for as coordinator on `day` (today by default)."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(Role.COORDINATOR):
        return frozenset()
    if user.delegation_id is None:
        return frozenset()
    from secretariat_app.cbm.models import CbmCoordinator, CbmCoordinatorUser

    day = day or date.today()
    rows = db.session.scalars(
        select(CbmCoordinatorUser.area_id)
        .join(CbmCoordinator, CbmCoordinator.area_id == CbmCoordinatorUser.area_id)
        .join(Delegation, Delegation.state_id == CbmCoordinator.state_id)
        .where(
            CbmCoordinatorUser.user_id == user.id,
            Delegation.id == user.delegation_id,
            CbmCoordinator.term_start <= day,
            or_(CbmCoordinator.term_end.is_(None), CbmCoordinator.term_end >= day),
        )
    )
    return frozenset(rows)


def is_coordinator_of(user, area_id: int) -> bool:
    return area_id in coordinated_area_ids(user)


def delegation_status(user, day: date | None = None) -> MembershipStatus | None:
    """The membership status today of the state whose delegation `user` belongs to."""
    if not is_delegate(user) or user.delegation is None:
        return None
    return user.delegation.status_on(day or date.today())


def _may_read_report(user, report) -> bool:
    from secretariat_app.cbm.models import ReportStatus

    if is_secretariat(user) or is_coordinator_of(user, report.area_id):
        return True
    status = delegation_status(user)
    if report.status == ReportStatus.PUBLISHED:
        return status is not None
    if report.status == ReportStatus.SUBMITTED:
        return status == MembershipStatus.MEMBER
    return False


def _may_read_paper(user, paper) -> bool:
    from secretariat_app.cbm.models import PaperStatus

    if is_secretariat(user) or is_coordinator_of(user, paper.area_id):
        return True
    return paper.status != PaperStatus.DRAFT and delegation_status(user) == MembershipStatus.MEMBER


def _may_comment_paper(user, paper) -> bool:
    from secretariat_app.cbm.models import PaperStatus

    return paper.status == PaperStatus.UNDER_REVIEW and delegation_status(user) == MembershipStatus.MEMBER


CBM_ACTIONS: dict[str, Callable[[object, object], bool]] = {
    # catalogue, appointments, SWG review, SOC approval, due dates, reopening, publishing
    "manage_cbm": lambda user, obj: is_secretariat(user),
    # draft papers, plan activities, write and submit reports of one area (obj: the area id)
    "coordinate_cbm_area": lambda user, area_id: is_secretariat(user) or is_coordinator_of(user, area_id),
    "read_cbm_report": _may_read_report,
    "read_cbm_paper": _may_read_paper,
    "comment_cbm_paper": _may_comment_paper,
    # the overview, the catalogue and exports of what the reader may see
    "read_cbm_overview": lambda user, obj: is_secretariat(user) or delegation_status(user) is not None,
}


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
