"""Invitations to a meeting and the participants each delegation registers.

Officers add and remove invitations and may register participants for any
invited delegation at any time. A delegate registers (and removes) the
participants of their own delegation only, until the registration deadline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from secretariat_app.accounts.models.people import Delegation, User
from secretariat_app.audit import services as audit
from secretariat_app.core.columns import utcnow
from secretariat_app.core.localisation import by_name, local_datetime
from secretariat_app.domain import meeting_rules as rules
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db
from secretariat_app.meetings.models import (
    Invitation,
    Meeting,
    MeetingStatus,
    Participant,
)
from secretariat_app.meetings.services import announcements, reminders
from secretariat_app.permissions import is_secretariat

INVITATION_FIELDS = ("meeting_id", "delegation_id")
# A meeting of these statuses takes no registration, whatever its deadline.
CLOSED_STATUSES = (MeetingStatus.CANCELLED, MeetingStatus.HELD)
PARTICIPANT_FIELDS = ("invitation_id", "name", "function", "email", "registered_by_id")


@dataclass
class ParticipantData:
    name: str
    function: str = ""
    email: str = ""


def _refuse(violations: list[Violation]) -> None:
    if violations:
        db.session.rollback()
        raise RuleViolations(violations)


def _already_invited() -> Violation:
    return Violation("delegation_id", N_("This delegation is already invited."))


def invitation_for(meeting: Meeting, delegation_id: int | None) -> Invitation | None:
    """The invitation of this delegation to the meeting, or None."""
    if delegation_id is None:
        return None
    return db.session.scalar(
        select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.delegation_id == delegation_id)
    )


def uninvited_delegations(meeting: Meeting, language: str = "en") -> list[Delegation]:
    """Delegations that could still be invited, by name in `language`."""
    invited = select(Invitation.delegation_id).where(Invitation.meeting_id == meeting.id)
    delegations = db.session.scalars(select(Delegation).where(Delegation.id.not_in(invited))
                                      .options(selectinload(Delegation.state))).all()
    return by_name(delegations, language)


def add_invitation(actor: User | None, meeting: Meeting, delegation_id: int | None) -> Invitation:
    """Invite one more delegation and commit."""
    if delegation_id is None or db.session.get(Delegation, delegation_id) is None:
        _refuse([Violation("delegation_id", N_("Unknown delegation."))])
    if invitation_for(meeting, delegation_id) is not None:
        _refuse([_already_invited()])
    invitation = Invitation(meeting_id=meeting.id, delegation_id=delegation_id)
    db.session.add(invitation)
    try:
        db.session.flush()
    except IntegrityError:  # invited at the same moment by someone else
        db.session.rollback()
        raise RuleViolations([_already_invited()]) from None
    audit.record(actor, "invitation.create", "invitation", invitation.id, None,
                 audit.snapshot(invitation, INVITATION_FIELDS))
    reminders.sync(meeting)  # the new delegation's people get the pending reminders
    announcements.invite_delegation(meeting, invitation.delegation_id)  # and the invitation, once announced
    db.session.commit()
    return invitation


def remove_invitation(actor: User | None, invitation: Invitation) -> None:
    """Withdraw an invitation; refused while the delegation has registered participants."""
    # Read the participants under a lock of the invitation, so a registration cannot slip in.
    db.session.execute(select(Invitation.id).where(Invitation.id == invitation.id).with_for_update())
    registered = db.session.scalar(
        select(func.count(Participant.id)).where(Participant.invitation_id == invitation.id)
    )
    if registered:
        _refuse([Violation("invitation", N_(
            "The delegation has %(n)d registered participant(s): remove them before withdrawing the invitation."),
            {"n": registered})])
    audit.record(actor, "invitation.delete", "invitation", invitation.id,
                 audit.snapshot(invitation, INVITATION_FIELDS), None)
    meeting = invitation.meeting
    db.session.delete(invitation)
    db.session.flush()
    reminders.sync(meeting)  # its people's pending reminders are cancelled
    announcements.withdraw(meeting, keep=set(announcements.recipient_ids(meeting)))  # and their invitation
    db.session.commit()


def _may_change_participants(actor: User | None, invitation: Invitation, now: datetime) -> list[Violation]:
    """Officers always may; a delegate only for their own delegation, while registration is open."""
    if is_secretariat(actor):
        return []
    if actor is None or getattr(actor, "delegation_id", None) != invitation.delegation_id:
        return [Violation("invitation", N_("You can register only the participants of your own delegation."))]
    meeting = invitation.meeting
    if meeting.status in CLOSED_STATUSES:
        return [Violation("invitation", N_("Registration is closed: the meeting has been held or cancelled."))]
    if not rules.registration_open(meeting.registration_deadline, meeting.starts_at, now):
        return [Violation("invitation", N_(
            "Registration for this meeting closed on %(deadline)s; please contact the Secretariat."),
            {"deadline": _deadline_text(meeting)})]
    return []


def registration_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """Whether a delegate may still register or remove their delegation's participants (the
    rule _may_change_participants applies, as one answer for the pages)."""
    return meeting.status not in CLOSED_STATUSES and rules.registration_open(
        meeting.registration_deadline, meeting.starts_at, now or utcnow())


def _deadline_text(meeting: Meeting) -> str:
    return local_datetime(meeting.registration_deadline or meeting.starts_at, meeting.timezone)


def register_participant(actor: User | None, invitation: Invitation, data: ParticipantData,
                         now: datetime | None = None) -> Participant:
    """Register a person for the invited delegation and commit."""
    now = now or utcnow()
    name, function, email = data.name.strip(), data.function.strip(), data.email.strip().lower()
    violations = _may_change_participants(actor, invitation, now)
    violations += rules.check_participant(name, function, email)
    if email and not violations:
        taken = db.session.scalar(select(Participant.id).where(
            Participant.invitation_id == invitation.id, func.lower(Participant.email) == email))
        if taken is not None:
            violations.append(Violation("email", N_("This person is already registered.")))
    _refuse(violations)
    participant = Participant(invitation_id=invitation.id, name=name, function=function, email=email,
                              registered_by_id=getattr(actor, "id", None), registered_at=now)
    db.session.add(participant)
    db.session.flush()
    audit.record(actor, "participant.create", "participant", participant.id, None,
                 audit.snapshot(participant, PARTICIPANT_FIELDS))
    db.session.commit()
    return participant


def remove_participant(actor: User | None, participant: Participant, now: datetime | None = None) -> None:
    """Remove a registered person (a delegate: their own delegation's, before the deadline)."""
    _refuse(_may_change_participants(actor, participant.invitation, now or utcnow()))
    audit.record(actor, "participant.delete", "participant", participant.id,
                 audit.snapshot(participant, PARTICIPANT_FIELDS), None)
    db.session.delete(participant)
    db.session.commit()
