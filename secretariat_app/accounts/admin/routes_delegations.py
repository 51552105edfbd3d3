"""Delegations pages: the list with each one's status today and number of
users, one delegation with its users, and creating a delegation."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from secretariat_app.accounts.admin import bp
from secretariat_app.accounts.admin.forms_states import DelegationForm
from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.accounts.models.states import State
from secretariat_app.accounts.services import delegations as delegation_service
from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.localisation import current_language
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, Audience, Load, access


@bp.route("/delegations")
@access(Audience.SECRETARIAT)
def delegations() -> ResponseReturnValue:
    """Every delegation with its state's status today and its number of users."""
    today = forum_today()
    return render_template("admin/delegations.html",
                           rows=delegation_service.delegations_overview(today, current_language()), today=today)


@bp.route("/delegations/<int:delegation_id>")
@access(Action.VIEW_DELEGATION, within=Audience.SECRETARIAT,
        load=Load("delegation_id", "delegation", lambda delegation_id: db.session.get(Delegation, delegation_id)))
def delegation_detail(delegation: Delegation) -> ResponseReturnValue:
    """One delegation: its state, status today and its user accounts."""
    users = db.session.scalars(
        select(User).where(User.delegation_id == delegation.id).order_by(User.name, User.id)
    ).all()
    today = forum_today()
    return render_template("admin/delegation_detail.html", delegation=delegation, users=users,
                           today=today, status=delegation.status_on(today))


@bp.route("/delegations/new", methods=["GET", "POST"])
@access(Action.MANAGE_DELEGATIONS)
def delegation_new() -> ResponseReturnValue:
    """Create the delegation of a state that has a membership and no delegation yet."""
    candidates = delegation_service.states_without_delegation(current_language())
    form = DelegationForm() if request.method == "POST" else DelegationForm(
        data={"state": request.args.get("state", type=int)}
    )
    form.fill_choices(candidates, current_language())
    if form.validate_on_submit():
        state = db.get_or_404(State, form.state.data)
        try:
            delegation = delegation_service.create_delegation(current_user, state)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The delegation of %(name)s has been created.", name=state.name(current_language())), "success")
            return redirect(url_for("admin.delegation_detail", delegation_id=delegation.id))
    return render_template("admin/delegation_form.html", form=form, candidates=candidates)

