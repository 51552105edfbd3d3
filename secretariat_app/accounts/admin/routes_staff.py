"""The staff register pages: the list, and appointing or editing one person."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.accounts.admin import bp
from secretariat_app.accounts.admin.forms_staff import StaffForm, initial_data
from secretariat_app.accounts.models.staff import StaffAppointment
from secretariat_app.accounts.services import staff as staff_service
from secretariat_app.core.forms import show_violations
from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.localisation import current_language
from secretariat_app.domain.terms import official_title
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.permissions import Action, access


@bp.route("/staff")
@access(Action.MANAGE_STAFF)
def staff() -> ResponseReturnValue:
    register = staff_service.staff_register(forum_today())
    return render_template("admin/staff.html", register=register, title_of=_title_of)


@bp.route("/staff/new", methods=["GET", "POST"])
@access(Action.MANAGE_STAFF)
def staff_new() -> ResponseReturnValue:
    return _edit(None)


@bp.route("/staff/<int:appointment_id>/edit", methods=["GET", "POST"])
@access(Action.MANAGE_STAFF)
def staff_edit(appointment_id: int) -> ResponseReturnValue:
    return _edit(db.get_or_404(StaffAppointment, appointment_id))


def _title_of(appointment: StaffAppointment) -> str:
    """The post's official title for that term, translated, or the free-text title."""
    title = official_title(appointment.position.value, appointment.starts_on)
    return _(title) if title else appointment.post_title


def _edit(appointment: StaffAppointment | None) -> ResponseReturnValue:
    """One form for both creating and editing; the service decides what the rules allow."""
    form = StaffForm() if request.method == "POST" else StaffForm(data=initial_data(appointment))
    form.fill_choices(current_language())
    if form.validate_on_submit():
        try:
            saved = staff_service.save_appointment(current_user, appointment, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The appointment of %(name)s has been saved.", name=saved.person_name), "success")
            return redirect(url_for("admin.staff"))
    return render_template("admin/staff_form.html", form=form, appointment=appointment)
