"""Officer pages for a meeting's invitations and the participants registered
under each: inviting a delegation, withdrawing an invitation, registering and
removing participants (officers may do so for any delegation, at any time), and
the participant list as CSV and as a printable page (both audited)."""
from __future__ import annotations

from flask import Response, abort, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from secretariat_app.core.forms import show_violations
from secretariat_app.core.localisation import by_name, current_language
from secretariat_app.core.read_limits import export_limit
from secretariat_app.core.spreadsheets import CSV_CONTENT_TYPE
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Meeting, Participant
from secretariat_app.meetings.services import invitations as invitation_service
from secretariat_app.meetings.services import meetings as meeting_service
from secretariat_app.meetings.services import participant_list
from secretariat_app.meetings.web import bp
from secretariat_app.meetings.web.forms import InvitationForm, ParticipantForm
from secretariat_app.meetings.web.participants import register_from_form
from secretariat_app.meetings.web.routes import get_meeting
from secretariat_app.permissions import Audience, access


def _invitation(meeting: Meeting, invitation_id: int) -> Invitation:
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.meeting_id != meeting.id:
        abort(404)
    return invitation


def _back(meeting: Meeting) -> ResponseReturnValue:
    return redirect(url_for("meetings.invitations", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/invitations", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def invitations(meeting_id: int) -> ResponseReturnValue:
    """The invited delegations with their participants, and the form that invites one more."""
    meeting = get_meeting(meeting_id)
    language = current_language()
    day = meeting_service.start_day(meeting)
    form = InvitationForm()
    form.delegation_id.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(str(d.id), d.name(language)) for d in invitation_service.uninvited_delegations(meeting, language)
    ]
    if form.validate_on_submit():
        try:
            invitation = invitation_service.add_invitation(current_user, meeting, form.delegation_id.data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The delegation of %(name)s has been invited.", name=invitation.delegation.name(language)),
                  "success")
            return _back(meeting)
    rows = by_name(meeting.invitations, language, of=lambda i: i.delegation)
    return render_template("meetings/invitations.html", meeting=meeting, form=form, invitations=rows,
                           start_day=day)


@bp.route("/<int:meeting_id>/invitations/<int:invitation_id>/remove", methods=["POST"])
@access(Audience.SECRETARIAT)
def invitation_remove(meeting_id: int, invitation_id: int) -> ResponseReturnValue:
    """Withdraw an invitation; refused (409) while participants are registered under it."""
    meeting = get_meeting(meeting_id)
    invitation = _invitation(meeting, invitation_id)
    name = invitation.delegation.name(current_language())
    try:
        invitation_service.remove_invitation(current_user, invitation)
    except RuleViolations as error:
        abort(409, description=" ".join(v.render(_) for v in error.violations))
    flash(_("The invitation of %(name)s has been withdrawn.", name=name), "success")
    return _back(meeting)


@bp.route("/<int:meeting_id>/invitations/<int:invitation_id>/participants/new", methods=["GET", "POST"])
@access(Audience.SECRETARIAT)
def participant_new(meeting_id: int, invitation_id: int) -> ResponseReturnValue:
    meeting = get_meeting(meeting_id)
    invitation = _invitation(meeting, invitation_id)
    form = ParticipantForm()
    if register_from_form(form, invitation):
        return _back(meeting)
    return render_template("meetings/participant_form.html", meeting=meeting, invitation=invitation, form=form)


@bp.route("/<int:meeting_id>/participants/<int:participant_id>/remove", methods=["POST"])
@access(Audience.SECRETARIAT)
def participant_remove(meeting_id: int, participant_id: int) -> ResponseReturnValue:
    meeting = get_meeting(meeting_id)
    participant = db.get_or_404(Participant, participant_id)
    if participant.invitation.meeting_id != meeting.id:
        abort(404)
    name = participant.name
    invitation_service.remove_participant(current_user, participant)
    flash(_("%(name)s is no longer registered.", name=name), "success")
    return _back(meeting)


# The participant list: CSV and printable, audited -------------------------------------------

def _participant_list(meeting_id: int) -> tuple[Meeting, participant_list.ParticipantList]:
    meeting = get_meeting(meeting_id)
    return meeting, participant_list.participant_list(meeting, current_language())


@bp.route("/<int:meeting_id>/participants.csv")
@access(Audience.SECRETARIAT)
@export_limit
def participants_csv(meeting_id: int) -> ResponseReturnValue:
    """The participant list as a CSV file for Excel (UTF-8 with BOM, formulas neutralised)."""
    meeting, listing = _participant_list(meeting_id)
    body = participant_list.participants_csv(listing, current_language())
    participant_list.record_export(current_user, listing, "csv")
    response = Response(body, status=200)
    response.headers["Content-Type"] = CSV_CONTENT_TYPE
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{participant_list.csv_filename(meeting, listing.day)}"'
    response.headers["Cache-Control"] = "private, no-store"  # names and addresses of people
    return response


@bp.route("/<int:meeting_id>/participants/print")
@access(Audience.SECRETARIAT)
@export_limit
def participants_print(meeting_id: int) -> ResponseReturnValue:
    """The participant list as a page to print (A4), by delegation."""
    _meeting, listing = _participant_list(meeting_id)
    participant_list.record_export(current_user, listing, "print")
    response = make_response(render_template("meetings/participants_print.html", listing=listing))
    response.headers["Cache-Control"] = "private, no-store"
    return response
