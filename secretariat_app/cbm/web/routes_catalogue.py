"""The Catalogue of CBMs: the dimensions and their priority areas with their
coordinating states (everyone with a stake in CICA reads them), an area's page
with its coordinators and papers, and the officers' pages that add areas,
record appointments, end terms and assign coordinator users."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.cbm.models import CbmArea, CbmCoordinator, CbmCoordinatorUser
from secretariat_app.cbm.services import catalogue as catalogue_service
from secretariat_app.cbm.services import papers as paper_service
from secretariat_app.cbm.web import bp
from secretariat_app.cbm.web.forms_catalogue import (
    AppointmentForm,
    AreaForm,
    AreaNamesForm,
    CoordinatorUserForm,
    EndTermForm,
)
from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.labels import (
    COORDINATOR_ROLE_LABELS,
    PAPER_KIND_LABELS,
    PAPER_STATUS_LABELS,
    PAPER_STEP_LABELS,
)
from secretariat_app.core.localisation import current_language, local_date
from secretariat_app.domain.cbm_papers import progress
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import (
    Action,
    access,
    can,
    coordinated_area_ids,
    is_secretariat,
)


@bp.context_processor
def _cbm_labels() -> dict:
    return {
        "coordinator_role_label": lambda r: COORDINATOR_ROLE_LABELS.get(r, r),
        "paper_kind_label": lambda k: PAPER_KIND_LABELS.get(k, k),
        "paper_status_label": lambda s: PAPER_STATUS_LABELS.get(s, s),
        "paper_step_label": lambda s: PAPER_STEP_LABELS.get(s, s),
        "paper_progress": lambda paper: progress(paper.status.value),
    }


def _area_page(area: CbmArea) -> ResponseReturnValue:
    return redirect(url_for("cbm.area", area_id=area.id))


# Reading --------------------------------------------------------------------------------------------

@bp.route("/")
@access(Action.READ_CBM_OVERVIEW)
def index() -> ResponseReturnValue:
    """The catalogue in the reader's language with today's coordinators, and the reader's own areas."""
    today = forum_today()
    coordinators = catalogue_service.current_coordinators_by_area(today, language=current_language())
    return render_template("cbm/catalogue.html", dimensions=catalogue_service.catalogue(),
                           coordinators=coordinators,
                           my_areas=catalogue_service.areas_of_user(current_user, today),
                           officer=is_secretariat(current_user), today=today)


@bp.route("/areas/<int:area_id>")
@access(Action.READ_CBM_OVERVIEW)
def area(area_id: int) -> ResponseReturnValue:
    """An area: its coordinators over time, its papers at their step, and what the reader may do there."""
    area_ = db.get_or_404(CbmArea, area_id)
    today = forum_today()
    officer = is_secretariat(current_user)
    coordinates = area_.id in coordinated_area_ids(current_user, today)
    users = catalogue_service.coordinator_users(area_, today) if officer or coordinates else []
    return render_template(
        "cbm/area.html", area=area_, today=today, officer=officer, coordinates=coordinates,
        may_draft=can(current_user, Action.COORDINATE_CBM_AREA, area_),
        history=sorted(area_.coordinators, key=lambda c: (c.term_start, c.id), reverse=True),
        current=catalogue_service.current_coordinators(area_.id, today, current_language()),
        coordinator_users=users,
        papers=paper_service.readable_papers(current_user, area_),
        user_form=_user_form(area_, today) if officer else None)


# Areas --------------------------------------------------------------------------------------------------

@bp.route("/areas/new", methods=["GET", "POST"])
@access(Action.MANAGE_CBM)
def area_new() -> ResponseReturnValue:
    """Add a priority area to a dimension (?dimension=<id> proposes one)."""
    initial = {"dimension_id": request.args.get("dimension", type=int)}
    form = AreaForm() if request.method == "POST" else AreaForm(data=initial)
    form.fill_choices(current_language())
    if form.validate_on_submit():
        try:
            added = catalogue_service.add_area(current_user, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The priority area %(name)s has been added.", name=added.name(current_language())), "success")
            return _area_page(added)
    return render_template("cbm/area_form.html", form=form, area=None)


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@access(Action.MANAGE_CBM)
def area_edit(area_id: int) -> ResponseReturnValue:
    """Correct the English and Russian names of an area (its code stays)."""
    area_ = db.get_or_404(CbmArea, area_id)
    form = AreaNamesForm() if request.method == "POST" else AreaNamesForm(
        data={"name_en": area_.name_en, "name_ru": area_.name_ru})
    if form.validate_on_submit():
        try:
            catalogue_service.rename_area(current_user, area_, form.name_en.data, form.name_ru.data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The names have been saved."), "success")
            return _area_page(area_)
    return render_template("cbm/area_form.html", form=form, area=area_)


# Coordinating states ----------------------------------------------------------------------------------------

@bp.route("/areas/<int:area_id>/coordinators/new", methods=["GET", "POST"])
@access(Action.MANAGE_CBM)
def coordinator_new(area_id: int) -> ResponseReturnValue:
    """Record the state an SOC decision appointed as coordinator or co-coordinator, for a term."""
    area_ = db.get_or_404(CbmArea, area_id)
    form = AppointmentForm() if request.method == "POST" else AppointmentForm(data={"term_start": forum_today()})
    form.fill_choices(current_language(), forum_today())
    if form.validate_on_submit():
        try:
            row = catalogue_service.appoint(current_user, area_, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("%(state)s has been recorded as %(role)s of %(area)s.", state=row.state.name(current_language()),
                    role=COORDINATOR_ROLE_LABELS[row.role], area=area_.name(current_language())), "success")
            return _area_page(area_)
    return render_template("cbm/area_coordinator_form.html", form=form, area=area_)


@bp.route("/coordinators/<int:coordinator_id>/end", methods=["GET", "POST"])
@access(Action.MANAGE_CBM)
def coordinator_end(coordinator_id: int) -> ResponseReturnValue:
    """End a coordinating state's term (or end it earlier)."""
    row = db.get_or_404(CbmCoordinator, coordinator_id)
    form = EndTermForm() if request.method == "POST" else EndTermForm(data={"term_end": row.term_end or forum_today()})
    if form.validate_on_submit():
        try:
            catalogue_service.end_term(current_user, row, form.term_end.data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            assert row.term_end is not None  # end_term sets it
            flash(_("The term of %(state)s ends on %(day)s.", state=row.state.name(current_language()),
                    day=local_date(row.term_end)), "success")
            return _area_page(row.area)
    return render_template("cbm/area_coordinator_end.html", form=form, row=row, area=row.area)


# Coordinator users ----------------------------------------------------------------------------------------------

def _user_form(area_: CbmArea, today: date) -> CoordinatorUserForm:
    form = CoordinatorUserForm(formdata=None) if request.method == "GET" else CoordinatorUserForm()
    form.fill_choices(catalogue_service.eligible_users(area_, today), current_language())
    return form


@bp.route("/areas/<int:area_id>/coordinator-users/new", methods=["GET", "POST"])
@access(Action.MANAGE_CBM)
def coordinator_user_new(area_id: int) -> ResponseReturnValue:
    """Let a user of a coordinating delegation act as the area's coordinator."""
    area_ = db.get_or_404(CbmArea, area_id)
    form = _user_form(area_, forum_today())
    if form.validate_on_submit():
        try:
            assignment = catalogue_service.assign_coordinator_user(current_user, area_, form.user_id.data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("%(name)s now acts as coordinator of %(area)s.", name=assignment.user.name,
                    area=area_.name(current_language())), "success")
            return _area_page(area_)
    return render_template("cbm/area_coordinator_user_form.html", form=form, area=area_)


@bp.route("/coordinator-users/<int:assignment_id>/revoke", methods=["POST"])
@access(Action.MANAGE_CBM)
def coordinator_user_revoke(assignment_id: int) -> ResponseReturnValue:
    """Stop a user acting as coordinator of the area (with their last area, the role goes)."""
    assignment = db.get_or_404(CbmCoordinatorUser, assignment_id)
    area_, name = assignment.area, assignment.user.name
    catalogue_service.revoke_coordinator_user(current_user, assignment)
    flash(_("%(name)s no longer acts as coordinator of %(area)s.", name=name, area=area_.name(current_language())),
          "success")
    return _area_page(area_)
