"""Invitations and participants: officers manage invitations; a delegate
registers their own delegation's participants until the deadline."""
from __future__ import annotations

from datetime import datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.accounts.models.states import Body
from secretariat_app.audit.models import AuditEntry
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Meeting, Participant
from secretariat_app.meetings.services import invitations
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services import status as status_service
from secretariat_app.meetings.services.invitations import ParticipantData
from secretariat_app.meetings.services.meetings import MeetingData
from tests.factories import delegate, officer
from tests.reference import delegation

# Registration closes at 18:00 Almaty time (13:00 UTC) on 20 May 2027.
BEFORE, AFTER = "2027-05-20 12:59:00", "2027-05-20 13:01:00"


@pytest.fixture
def meeting(reference) -> Meeting:
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    return service.create_meeting(None, MeetingData(
        body_id=soc.id, title_en="SOC", title_ru="КСДЛ", starts_at=datetime(2027, 6, 1, 10),
        ends_at=datetime(2027, 6, 2, 18), timezone="Asia/Almaty", registration_deadline=datetime(2027, 5, 20, 18),
    ))


def invitation_of(meeting: Meeting, code: str) -> Invitation:
    return invitations.invitation_for(meeting, delegation(code).id)


def person(name: str = "Aliya Nurlanovna", email: str = "aliya@mfa.example") -> ParticipantData:
    return ParticipantData(name=name, function="Head of delegation", email=email)


def participants() -> int:
    return db.session.scalar(select(func.count(Participant.id)))


# Invitations -----------------------------------------------------------------

def test_officer_invites_an_observer_and_withdraws_the_invitation(meeting):
    assert invitation_of(meeting, "JPN") is None
    added = invitations.add_invitation(officer(), meeting, delegation("JPN").id)
    assert added.meeting_id == meeting.id
    with pytest.raises(RuleViolations) as excinfo:
        invitations.add_invitation(None, meeting, delegation("JPN").id)
    assert [v.field for v in excinfo.value.violations] == ["delegation_id"]
    invitations.remove_invitation(None, added)
    assert invitation_of(meeting, "JPN") is None
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "invitation")
                             .order_by(AuditEntry.id)).all()
    assert actions == ["invitation.create", "invitation.delete"]


def test_unknown_delegation_cannot_be_invited(meeting):
    with pytest.raises(RuleViolations):
        invitations.add_invitation(None, meeting, 999_999)


def test_an_invitation_with_participants_cannot_be_withdrawn(meeting):
    kaz = invitation_of(meeting, "KAZ")
    invitations.register_participant(officer(), kaz, person())
    with pytest.raises(RuleViolations) as excinfo:
        invitations.remove_invitation(None, kaz)
    assert "registered participant" in excinfo.value.violations[0].render()
    assert invitation_of(meeting, "KAZ") is not None and participants() == 1


# Participants ------------------------------------------------------------------

def test_a_delegate_registers_their_own_delegation_before_the_deadline(meeting):
    kaz_delegate = delegate(delegation("KAZ"))
    with freeze_time(BEFORE):
        registered = invitations.register_participant(kaz_delegate, invitation_of(meeting, "KAZ"), person())
    assert registered.registered_by_id == kaz_delegate.id and registered.email == "aliya@mfa.example"
    with freeze_time(BEFORE), pytest.raises(RuleViolations) as excinfo:
        invitations.register_participant(kaz_delegate, invitation_of(meeting, "KAZ"), person(name="Again"))
    assert [v.field for v in excinfo.value.violations] == ["email"]


def test_registration_after_the_deadline_is_refused_with_a_clear_message(meeting):
    kaz_delegate = delegate(delegation("KAZ"))
    with freeze_time(AFTER), pytest.raises(RuleViolations) as excinfo:
        invitations.register_participant(kaz_delegate, invitation_of(meeting, "KAZ"), person())
    message = excinfo.value.violations[0].render()
    assert "Registration for this meeting closed on 20 May 2027, 18:00 (Asia/Almaty)" in message
    assert participants() == 0


def test_an_officer_registers_for_any_delegation_at_any_time(meeting):
    with freeze_time("2027-06-10 00:00:00"):
        invitations.register_participant(officer(), invitation_of(meeting, "CHN"), person(email=""))
    assert participants() == 1


def test_a_delegate_cannot_register_for_another_delegation(meeting):
    kaz_delegate = delegate(delegation("KAZ"))
    with freeze_time(BEFORE), pytest.raises(RuleViolations):
        invitations.register_participant(kaz_delegate, invitation_of(meeting, "CHN"), person())
    assert participants() == 0


def test_registration_closes_when_the_meeting_is_cancelled(meeting):
    kaz_delegate = delegate(delegation("KAZ"))
    with freeze_time(BEFORE):
        assert invitations.registration_open(meeting)
    status_service.cancel(None, meeting, "Decided by the SOC")
    with freeze_time(BEFORE), pytest.raises(RuleViolations):
        invitations.register_participant(kaz_delegate, invitation_of(meeting, "KAZ"), person())
    with freeze_time(BEFORE):
        assert not invitations.registration_open(meeting)  # what the delegate's page and the API say


def test_registration_is_open_until_the_deadline(meeting):
    with freeze_time(BEFORE):
        assert invitations.registration_open(meeting)
    with freeze_time(AFTER):
        assert not invitations.registration_open(meeting)


def test_a_delegate_removes_their_own_participant_only_before_the_deadline(meeting):
    kaz_delegate = delegate(delegation("KAZ"))
    with freeze_time(BEFORE):
        first = invitations.register_participant(kaz_delegate, invitation_of(meeting, "KAZ"), person())
        second = invitations.register_participant(kaz_delegate, invitation_of(meeting, "KAZ"),
                                                  person("Second", "second@mfa.example"))
        invitations.remove_participant(kaz_delegate, first)
    assert participants() == 1
    with freeze_time(AFTER), pytest.raises(RuleViolations):
        invitations.remove_participant(kaz_delegate, second)
    chn_delegate = delegate(delegation("CHN"))
    with freeze_time(BEFORE), pytest.raises(RuleViolations):
        invitations.remove_participant(chn_delegate, second)
    invitations.remove_participant(officer(), second)  # officers may, after the deadline too
    assert participants() == 0


@freeze_time("2027-01-10 09:00:00")
def test_inviting_a_delegation_gives_its_people_the_pending_reminders(meeting):
    from secretariat_app.notices.models import (
        Notification,
        NotificationKind,
        NotificationStatus,
    )

    japanese = delegate(delegation=delegation("JPN"))

    def reminders_for(user) -> list[str]:
        return sorted(row.status.value for row in db.session.scalars(select(Notification).where(
            Notification.recipient_id == user.id, Notification.kind == NotificationKind.MEETING_REMINDER)))

    assert reminders_for(japanese) == []
    added = invitations.add_invitation(officer(), meeting, delegation("JPN").id)
    assert reminders_for(japanese) == ["pending"] * 3  # the SOC's 30, 7 and 1 days before
    invitations.remove_invitation(None, added)
    db.session.expire_all()
    assert NotificationStatus.PENDING.value not in reminders_for(japanese)
