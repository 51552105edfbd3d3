"""States and memberships pages: who held which status on a day, one state's
history, and creating or editing states and their membership periods."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.accounts.admin import bp
from secretariat_app.accounts.admin.forms_states import (
    MembershipForm,
    OnDateForm,
    StateForm,
    membership_initial,
    state_initial,
)
from secretariat_app.accounts.models.states import Membership, MembershipStatus, State
from secretariat_app.accounts.services import states as state_service
from secretariat_app.accounts.services.delegations import delegation_of
from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.localisation import current_language
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, Audience, access


def _state_or_404(code: str) -> State:
    state = state_service.state_with_history(code)
    if state is None:
        abort(404)
    return state


@bp.route("/states")
@access(Audience.SECRETARIAT)
def states() -> ResponseReturnValue:
    """Who was a member, observer or partner on ?on=YYYY-MM-DD (today by default).

    A date that is not one gives the form error and status 400."""
    form = OnDateForm(request.args)
    if not form.validate():
        return render_template("admin/states.html", form=form, day=None, by_status={}, without=[]), 400
    day = form.on.data or forum_today()
    if form.on.data is None:
        form.on.data = day
    language = current_language()
    return render_template(
        "admin/states.html", form=form, day=day, statuses=list(MembershipStatus),
        by_status=state_service.statuses_on(day, language),
        without=state_service.states_without_status_on(day, language),
    )


@bp.route("/states/<code>")
@access(Audience.SECRETARIAT)
def state_detail(code: str) -> ResponseReturnValue:
    """A state's names, ISO code, membership history and delegation."""
    state = _state_or_404(code)
    return render_template("admin/state_detail.html", state=state, delegation=delegation_of(state),
                           today=forum_today(), status_today=state.status_on(forum_today()))


@bp.route("/states/new", methods=["GET", "POST"])
@access(Action.MANAGE_REFERENCE_DATA)
def state_new() -> ResponseReturnValue:
    return _edit_state(None)


@bp.route("/states/<code>/edit", methods=["GET", "POST"])
@access(Action.MANAGE_REFERENCE_DATA)
def state_edit(code: str) -> ResponseReturnValue:
    return _edit_state(_state_or_404(code))


def _edit_state(state: State | None) -> ResponseReturnValue:
    """One form for creating and editing; the service decides what the rules allow."""
    form = StateForm() if request.method == "POST" else StateForm(data=state_initial(state))
    if form.validate_on_submit():
        try:
            if state is None:
                saved = state_service.create_state(current_user, form.to_data())
            else:
                saved = state_service.update_state(current_user, state, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("%(name)s has been saved.", name=saved.name(current_language())), "success")
            return redirect(url_for("admin.state_detail", code=saved.code))
    return render_template("admin/state_form.html", form=form, state=state)


@bp.route("/states/<code>/memberships/new", methods=["GET", "POST"])
@access(Action.MANAGE_REFERENCE_DATA)
def membership_new(code: str) -> ResponseReturnValue:
    state = _state_or_404(code)
    return _edit_membership(state, None)


@bp.route("/memberships/<int:membership_id>/edit", methods=["GET", "POST"])
@access(Action.MANAGE_REFERENCE_DATA)
def membership_edit(membership_id: int) -> ResponseReturnValue:
    membership = db.get_or_404(Membership, membership_id)
    return _edit_membership(membership.state, membership)


def _edit_membership(state: State, membership: Membership | None) -> ResponseReturnValue:
    """Add or change one membership period of `state`."""
    form = MembershipForm() if request.method == "POST" else MembershipForm(data=membership_initial(membership))
    if form.validate_on_submit():
        try:
            if membership is None:
                state_service.add_membership(current_user, state, form.to_data())
            else:
                state_service.update_membership(current_user, membership, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The membership of %(name)s has been saved.", name=state.name(current_language())), "success")
            return redirect(url_for("admin.state_detail", code=state.code))
    return render_template("admin/membership_form.html", form=form, state=state, membership=membership)
