"""Registering a participant from the form: shared by the Secretariat's invitation
pages and the delegate's own meeting page (accounts/delegation), which differ only
in who may (their @access and the invitation they load) and where they go next;
and the meeting a delegate's delegation is invited to, and one of its participants,
as that page and the API load them."""
from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.core.forms import show_violations
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Meeting, Participant
from secretariat_app.meetings.services import calendar as calendar_service
from secretariat_app.meetings.services import invitations as invitation_service
from secretariat_app.meetings.web.forms import ParticipantForm


def register_from_form(form: ParticipantForm, invitation: Invitation) -> bool:
    """Register the submitted participant under `invitation` for the reader: True when
    registered (and said so), False when the form is not submitted, is invalid, or a
    rule refused it (the errors under their fields)."""
    if not form.validate_on_submit():
        return False
    try:
        participant = invitation_service.register_participant(current_user, invitation, form.to_data())
    except RuleViolations as error:
        show_violations(form, error)
        return False
    flash(_("%(name)s has been registered.", name=participant.name), "success")
    return True


def invited_meeting(meeting_id: int) -> tuple[Meeting, Invitation]:
    """The meeting the reader's delegation is invited to, with the invitation; any other
    meeting answers 404, as one that does not exist."""
    found = calendar_service.meeting_for_delegation(meeting_id, current_user.delegation_id)
    if found is None:
        abort(404)
    return found


def own_participant(invitation: Invitation, participant_id: int) -> Participant:
    """A participant registered under `invitation`; any other answers 404."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.invitation_id != invitation.id:
        abort(404)
    return participant
