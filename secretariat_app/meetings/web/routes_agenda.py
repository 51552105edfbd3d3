"""Officer pages for a meeting's agenda: add, edit, remove, move up and down."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.core.forms import show_violations
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import AgendaItem
from secretariat_app.meetings.services import agenda as agenda_service
from secretariat_app.meetings.web import bp
from secretariat_app.meetings.web.forms import AgendaItemForm
from secretariat_app.meetings.web.routes import flash_violations, get_meeting
from secretariat_app.permissions import Audience, access


def _item(meeting_id: int, item_id: int) -> AgendaItem:
    item = db.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting_id:
        abort(404)
    return item


def _back(meeting_id: int) -> ResponseReturnValue:
    return redirect(url_for("meetings.agenda", meeting_id=meeting_id))


@bp.route("/<int:meeting_id>/agenda", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def agenda(meeting_id: int) -> ResponseReturnValue:
    """The agenda with its controls, and the form that adds an item at the end."""
    meeting = get_meeting(meeting_id)
    form = AgendaItemForm()
    if form.validate_on_submit():
        try:
            agenda_service.add_item(current_user, meeting, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The item has been added to the agenda."), "success")
            return _back(meeting.id)
    return render_template("meetings/agenda.html", meeting=meeting, form=form)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def agenda_edit(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = get_meeting(meeting_id)
    item = _item(meeting.id, item_id)
    form = AgendaItemForm() if request.method == "POST" else AgendaItemForm(obj=item)
    if form.validate_on_submit():
        try:
            agenda_service.update_item(current_user, item, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The item has been saved."), "success")
            return _back(meeting.id)
    return render_template("meetings/agenda_item.html", meeting=meeting, item=item, form=form)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/remove", methods=["POST"])
@access(Audience.SECRETARIAT)
def agenda_remove(meeting_id: int, item_id: int) -> ResponseReturnValue:
    item = _item(get_meeting(meeting_id).id, item_id)
    agenda_service.remove_item(current_user, item)
    flash(_("The item has been removed; the items after it moved up."), "success")
    return _back(meeting_id)


def _move(meeting_id: int, item_id: int, step: int) -> ResponseReturnValue:
    item = _item(get_meeting(meeting_id).id, item_id)
    try:
        agenda_service.move_item(current_user, item, step)
    except RuleViolations as error:
        flash_violations(error)
    return _back(meeting_id)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/up", methods=["POST"])
@access(Audience.SECRETARIAT)
def agenda_up(meeting_id: int, item_id: int) -> ResponseReturnValue:
    return _move(meeting_id, item_id, -1)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/down", methods=["POST"])
@access(Audience.SECRETARIAT)
def agenda_down(meeting_id: int, item_id: int) -> ResponseReturnValue:
    return _move(meeting_id, item_id, +1)
