"""Officer pages for a meeting's invitations and the participants registered
under each: inviting a delegation, withdrawing an invitation, registering and
removing participants (officers may do so for any delegation, at any time)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from secretariat_app.core.forms import show_violations
from secretariat_app.core.localisation import by_name, current_language
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Meeting, Participant
from secretariat_app.meetings.services import invitations as invitation_service
from secretariat_app.meetings.services import meetings as meeting_service
from secretariat_app.meetings.web import bp
from secretariat_app.meetings.web.forms import InvitationForm, ParticipantForm
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
    if form.validate_on_submit():
        try:
            participant = invitation_service.register_participant(current_user, invitation, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("%(name)s has been registered.", name=participant.name), "success")
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
