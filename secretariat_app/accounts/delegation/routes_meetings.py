"""Delegate pages for meetings: the meetings the delegate's own delegation is
invited to, one of them, and registering or removing the delegation's
participants until the registration deadline.

A delegate never sees a meeting their delegation is not invited to: such an
address answers 404, as if the meeting did not exist."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.accounts.delegation import bp
from secretariat_app.core.columns import utcnow
from secretariat_app.documents.services import archive
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.meetings.models import (
    Invitation,
    Meeting,
)
from secretariat_app.meetings.services import calendar as calendar_service
from secretariat_app.meetings.services import invitations as invitation_service
from secretariat_app.meetings.web.forms import ParticipantForm
from secretariat_app.meetings.web.participants import invited_meeting, own_participant, register_from_form
from secretariat_app.permissions import Audience, access
from secretariat_app.permissions import documents as document_access


def _detail(meeting: Meeting, invitation: Invitation, form: ParticipantForm) -> ResponseReturnValue:
    # The meeting's documents the delegate may read (permissions.documents, as in the inbox): one query.
    documents = archive.meeting_documents(meeting.id, document_access.reader_for(current_user))
    return render_template("delegation/meetings_detail.html", meeting=meeting, invitation=invitation, form=form,
                           registration_open=invitation_service.registration_open(meeting), documents=documents)


@bp.route("/meetings")
@access(Audience.DELEGATE)
def meetings() -> ResponseReturnValue:
    """The delegation's meetings: upcoming first, then past ones, latest first."""
    upcoming, past = calendar_service.delegation_meetings(current_user.delegation_id, utcnow())
    return render_template("delegation/meetings.html", upcoming=upcoming, past=past)


@bp.route("/meetings/<int:meeting_id>")
@access(Audience.DELEGATE)
def meeting_detail(meeting_id: int) -> ResponseReturnValue:
    meeting, invitation = invited_meeting(meeting_id)
    return _detail(meeting, invitation, ParticipantForm(formdata=None))


@bp.route("/meetings/<int:meeting_id>/participants", methods=["POST"])
@access(Audience.DELEGATE)
def meeting_register(meeting_id: int) -> ResponseReturnValue:
    """Register a participant of the delegate's own delegation."""
    meeting, invitation = invited_meeting(meeting_id)
    form = ParticipantForm()
    if register_from_form(form, invitation):
        return redirect(url_for("delegation.meeting_detail", meeting_id=meeting.id))
    return _detail(meeting, invitation, form)


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>/remove", methods=["POST"])
@access(Audience.DELEGATE)
def meeting_participant_remove(meeting_id: int, participant_id: int) -> ResponseReturnValue:
    """Remove one of the delegation's own participants, while registration is open."""
    meeting, invitation = invited_meeting(meeting_id)
    participant = own_participant(invitation, participant_id)
    name = participant.name
    try:
        invitation_service.remove_participant(current_user, participant)
    except RuleViolations as error:
        for violation in error.violations:
            flash(violation.render(_), "error")
    else:
        flash(_("%(name)s is no longer registered.", name=name), "success")
    return redirect(url_for("delegation.meeting_detail", meeting_id=meeting.id))
