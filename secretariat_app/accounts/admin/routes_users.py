"""User accounts pages: the list (filtered by role and delegation, paged),
inviting a new user, and editing one with roles, delegation, language,
time zone and the active flag."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.admin import bp
from secretariat_app.accounts.admin.forms_users import (
    UserEditForm,
    UserForm,
    user_initial,
)
from secretariat_app.accounts.models.people import Delegation, Role, User, UserRole
from secretariat_app.accounts.models.states import State
from secretariat_app.accounts.services import second_factor
from secretariat_app.accounts.services import users as accounts
from secretariat_app.core import tasks
from secretariat_app.core.forms import optional_id, show_violations
from secretariat_app.core.localisation import current_language
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, Audience, Load, access, can

PAGE_SIZE = 25
NO_DELEGATION = "none"



def _all_delegations() -> list[Delegation]:
    return list(db.session.scalars(
        select(Delegation).join(State, Delegation.state_id == State.id)
        .options(selectinload(Delegation.state)).order_by(State.code)
    ))


def _grantable(user: User | None = None) -> list[Role]:
    """Roles the reader may grant, plus those `user` holds (shown checked)."""
    held = user.roles if user is not None else frozenset()
    return [r for r in Role if can(current_user, Action.GRANT_ROLE, r) or r in held]


def _role_filter(value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


def _delegation_filter(value: str) -> int | str | None:
    if value == NO_DELEGATION:
        return NO_DELEGATION
    return optional_id(value)


@bp.route("/users")
@access(Audience.SECRETARIAT)
def users() -> ResponseReturnValue:
    """User accounts by name, filtered by ?role= and ?delegation= (an id, or
    `none` for Secretariat staff), PAGE_SIZE a page. Unknown filter values are ignored."""
    role = _role_filter(request.args.get("role", ""))
    delegation = _delegation_filter(request.args.get("delegation", ""))
    query = (
        select(User)
        .options(selectinload(User.delegation).selectinload(Delegation.state))
        .order_by(User.name, User.id)
    )
    if role is not None:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if delegation == NO_DELEGATION:
        query = query.where(User.delegation_id.is_(None))
    elif delegation is not None:
        query = query.where(User.delegation_id == delegation)
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    filters = {"role": role.value if role else "", "delegation": str(delegation or "")}
    return render_template("admin/users.html", page=page, filters=filters, roles=list(Role),
                           delegations=_all_delegations(), no_delegation=NO_DELEGATION)


@bp.route("/users/new", methods=["GET", "POST"])
@access(Action.INVITE_USER)
def user_new() -> ResponseReturnValue:
    """Invite a new user: the account is created without a usable password and
    its owner is mailed a link to choose one."""
    if request.method == "POST":
        form = UserForm()
    else:
        form = UserForm(data=user_initial(None, request.args.get("delegation", type=int)))
    form.fill_choices(_grantable(), _all_delegations(), current_language())
    if form.validate_on_submit():
        try:
            user = accounts.invite_user(current_user, form.to_data())  # commits; the worker mails the invitation
        except RuleViolations as error:
            show_violations(form, error)
        else:
            if not tasks.unsent():
                flash(_("The account of %(name)s has been created; an invitation to choose a password "
                        "is on its way to %(email)s.", name=user.name, email=user.email), "success")
            else:
                flash(_("The account of %(name)s has been created, but the invitation could not be sent. "
                        "They can ask for a reset link on the login page.", name=user.name), "error")
            return redirect(url_for("admin.users"))
    return _form_page(form, None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@access(Action.EDIT_USER, load=Load("user_id", "user", lambda user_id: db.session.get(User, user_id)))
def user_edit(user: User) -> ResponseReturnValue:
    """Edit an account. Officers edit delegation accounts only; only
    administrators edit Secretariat accounts and grant Secretariat roles."""
    form = UserEditForm() if request.method == "POST" else UserEditForm(data=user_initial(user))
    form.fill_choices(_grantable(user), _all_delegations(), current_language())
    if form.validate_on_submit():
        try:
            accounts.edit_user(current_user, user, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The account of %(name)s has been saved.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return _form_page(form, user)


@bp.route("/users/<int:user_id>/second-factor/reset", methods=["POST"])
@access(Action.RESET_SECOND_FACTOR, load=Load("user_id", "user", lambda user_id: db.session.get(User, user_id)))
def user_second_factor_reset(user: User) -> ResponseReturnValue:
    """An administrator removes another user's second factor (a lost phone); their
    sessions end, and Secretariat staff set it up again at their next login."""
    if second_factor.reset(current_user, user):  # commits
        flash(_("The two-step verification of %(name)s has been reset and their sessions have ended.",
                name=user.name), "success")
    else:
        flash(_("%(name)s has no two-step verification to reset.", name=user.name), "info")
    return redirect(url_for("admin.user_edit", user_id=user.id))


def _form_page(form: UserForm, user: User | None) -> ResponseReturnValue:
    return render_template("admin/user_form.html", form=form, user=user,
                           grants_secretariat_roles=can(current_user, Action.GRANT_ROLE, Role.ADMIN),
                           second_factor_required=user is not None and second_factor.is_required_for(user))
