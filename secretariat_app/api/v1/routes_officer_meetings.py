"""The Secretariat's meetings through the API: scheduling one, changing it, and
its status (confirm, postpone, cancel, held), with the officers' pages' services
under their rule (Secretariat only) and the `officer` scope."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from secretariat_app.api.authentication import requires_scope
from secretariat_app.api.schemas.meetings import MeetingDetail
from secretariat_app.api.schemas.officers import MeetingIn, MeetingStatusIn
from secretariat_app.api.v1 import bp
from secretariat_app.api.v1.routes_meetings import meeting_detail
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.meetings.services import status as status_service
from secretariat_app.meetings.services.meetings import MeetingData, create_meeting, update_meeting
from secretariat_app.permissions import Audience, access
from secretariat_app.permissions.tokens import Scope

INVALID = [422]


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _data(data: MeetingIn) -> MeetingData:
    return MeetingData(**data.model_dump())


@bp.post("/meetings")
@bp.input(MeetingIn, location="json", arg_name="data")
@bp.output(MeetingDetail, status_code=201)
@bp.doc(summary="Schedule a meeting", operation_id="createMeeting", tags=["Officers"], responses=INVALID)
@access(Audience.SECRETARIAT)
@requires_scope(Scope.OFFICER)
def schedule_meeting(data: MeetingIn) -> MeetingDetail:
    """Schedule a meeting and invite the delegations of its body's members on its start date (and observers')."""
    return meeting_detail(create_meeting(current_user, _data(data)))


@bp.put("/meetings/<int:meeting_id>")
@bp.input(MeetingIn, location="json", arg_name="data")
@bp.output(MeetingDetail)
@bp.doc(summary="Change a meeting", operation_id="updateMeeting", tags=["Officers"], responses=INVALID)
@access(Audience.SECRETARIAT)
@requires_scope(Scope.OFFICER)
def change_meeting(meeting_id: int, data: MeetingIn) -> MeetingDetail:
    """Replace a meeting's details; once announced, the invited delegations are sent the update."""
    return meeting_detail(update_meeting(current_user, _meeting(meeting_id), _data(data)))


@bp.post("/meetings/<int:meeting_id>/status")
@bp.input(MeetingStatusIn, location="json", arg_name="data")
@bp.output(MeetingDetail)
@bp.doc(summary="Change a meeting's status", operation_id="changeMeetingStatus", tags=["Officers"],
        responses=INVALID)
@access(Audience.SECRETARIAT)
@requires_scope(Scope.OFFICER)
def meeting_status(meeting_id: int, data: MeetingStatusIn) -> MeetingDetail:
    """Confirm, postpone (with a reason, and the new local times if known), cancel (with a reason) or mark held."""
    meeting = _meeting(meeting_id)
    if data.action == "confirm":
        meeting = status_service.confirm(current_user, meeting)
    elif data.action == "held":
        meeting = status_service.mark_held(current_user, meeting)
    elif data.action == "cancel":
        meeting = status_service.cancel(current_user, meeting, data.reason, data.decision_id, data.reason_ru)
    else:
        meeting = status_service.postpone(current_user, meeting, status_service.PostponeData(
            reason=data.reason, starts_at=data.starts_at, ends_at=data.ends_at, decision_id=data.decision_id,
            reason_ru=data.reason_ru))
    return meeting_detail(meeting)
