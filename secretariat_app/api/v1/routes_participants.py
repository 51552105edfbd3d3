"""A delegation's participants in a meeting it is invited to: who is registered, registering
one, removing one, as the delegate's meeting page does (the `register` scope to change them).

The page's rule: a delegate, for a meeting their delegation is invited to (any other
meeting answers 404, as one that does not exist); the registration deadline and the
participant's details are the service's rules (meetings.services.invitations), refused as
a 422 problem with the page's message; the service writes the audit entry."""
from __future__ import annotations

from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from secretariat_app.api.authentication import requires_scope
from secretariat_app.api.schemas.meetings import ParticipantIn, ParticipantList, ParticipantOut
from secretariat_app.api.v1 import bp
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Participant
from secretariat_app.meetings.services import invitations as invitation_service
from secretariat_app.meetings.web.participants import invited_meeting, own_participant
from secretariat_app.permissions import Audience, access
from secretariat_app.permissions.tokens import Scope

INVALID = [422]


def _out(participant: Participant) -> ParticipantOut:
    return ParticipantOut(id=participant.id, name=participant.name, function=participant.function,
                          email=participant.email, registered_at=participant.registered_at)


@bp.get("/meetings/<int:meeting_id>/participants")
@bp.output(ParticipantList)
@bp.doc(summary="My delegation's participants", operation_id="listParticipants", tags=["Meetings"])
@access(Audience.DELEGATE)
@requires_scope(Scope.READ)
def participants(meeting_id: int) -> ParticipantList:
    """The persons the delegate's delegation registered for the meeting, in the order registered."""
    meeting, invitation = invited_meeting(meeting_id)
    rows = db.session.scalars(select(Participant).where(Participant.invitation_id == invitation.id)
                              .order_by(Participant.id))
    return ParticipantList(items=[_out(p) for p in rows],
                           registration_open=invitation_service.registration_open(meeting))


@bp.post("/meetings/<int:meeting_id>/participants")
@bp.input(ParticipantIn, location="json", arg_name="data")
@bp.output(ParticipantOut, status_code=201)
@bp.doc(summary="Register a participant", operation_id="registerParticipant", tags=["Meetings"],
        responses=INVALID)
@access(Audience.DELEGATE)
@requires_scope(Scope.REGISTER)
def register(meeting_id: int, data: ParticipantIn) -> ParticipantOut:
    """Register a participant of the delegate's own delegation, until the registration deadline."""
    _meeting, invitation = invited_meeting(meeting_id)
    participant = invitation_service.register_participant(current_user, invitation, invitation_service.ParticipantData(
        name=data.name, function=data.function, email=data.email))
    return _out(participant)


@bp.delete("/meetings/<int:meeting_id>/participants/<int:participant_id>")
@bp.doc(summary="Remove a participant", operation_id="removeParticipant", tags=["Meetings"],
        responses={204: "Removed.", 422: "A rule of the service refused it."})
@access(Audience.DELEGATE)
@requires_scope(Scope.REGISTER)
def remove(meeting_id: int, participant_id: int) -> ResponseReturnValue:
    """Remove one of the delegation's own participants, while registration is open."""
    _meeting, invitation = invited_meeting(meeting_id)
    participant = own_participant(invitation, participant_id)
    invitation_service.remove_participant(current_user, participant)
    return "", 204
