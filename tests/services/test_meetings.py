"""Scheduling meetings: the rules create_meeting and update_meeting apply,
the default invitations, the sequence, and the status changes."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.accounts.services.states import statuses_on
from secretariat_app.audit.models import AuditEntry
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Meeting, MeetingStatus
from secretariat_app.meetings.services import calendar as calendar_service
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services import status as status_service
from secretariat_app.meetings.services.meetings import MeetingData
from secretariat_app.meetings.services.status import PostponeData
from tests.factories import officer
from tests.reference import body, state

UTC = UTC


def data(**overrides) -> MeetingData:
    values = dict(
        body_id=body("SOC").id, title_en="Senior Officials Committee", title_ru="Комитет старших должностных лиц",
        starts_at=datetime(2027, 6, 1, 10, 0), ends_at=datetime(2027, 6, 2, 18, 0), timezone="Asia/Almaty",
        city="Astana", host_state_id=state("KAZ").id,
    )
    values.update(overrides)
    return MeetingData(**values)


def meetings_count() -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


def refused_fields(excinfo) -> list[str]:
    return [v.field for v in excinfo.value.violations]


def audit_actions() -> list[str]:
    return list(db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "meeting").order_by(AuditEntry.id)))


# Creating ------------------------------------------------------------------------

def test_create_stores_utc_and_records_who_did_it(reference):
    actor = officer()
    meeting = service.create_meeting(actor, data())
    assert meeting.starts_at == datetime(2027, 6, 1, 5, 0, tzinfo=UTC)  # Almaty is UTC+5 since 2024
    assert meeting.ends_at == datetime(2027, 6, 2, 13, 0, tzinfo=UTC)
    assert meeting.status == MeetingStatus.PLANNED and meeting.sequence == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.create"))
    assert entry.actor_id == actor.id and entry.object_id == str(meeting.id)
    assert entry.after["title_ru"] == "Комитет старших должностных лиц"
    assert len(entry.after["invited_delegation_ids"]) == 28


@pytest.mark.parametrize("day,members", [(datetime(2015, 6, 1, 10), 26), (datetime(2023, 1, 1, 10), 28)])
def test_members_on_the_start_date_are_invited(reference, day, members):
    meeting = service.create_meeting(None, data(starts_at=day, ends_at=day.replace(hour=18)))
    assert len(meeting.invitations) == members
    statuses = {i.delegation.status_on(day.date()) for i in meeting.invitations}
    assert statuses == {MembershipStatus.MEMBER}


def test_observers_only_when_chosen(reference):
    day = datetime(2023, 1, 1, 10)
    observers = len(statuses_on(day.date())[MembershipStatus.OBSERVER])
    assert observers > 0
    with_them = service.create_meeting(None, data(starts_at=day, ends_at=day.replace(hour=18),
                                                  invite_observers=True))
    assert len(with_them.invitations) == 28 + observers
    without = service.create_meeting(None, data(starts_at=day, ends_at=day.replace(hour=18)))
    assert not any(i.delegation.status_on(day.date()) == MembershipStatus.OBSERVER for i in without.invitations)


def test_a_state_that_joined_later_is_not_invited_to_an_earlier_meeting(reference):
    meeting = service.create_meeting(None, data(starts_at=datetime(2015, 6, 1, 10), ends_at=datetime(2015, 6, 1, 18)))
    codes = {i.delegation.state.code for i in meeting.invitations}
    assert "KAZ" in codes and "KWT" not in codes and "LKA" not in codes and "JPN" not in codes


def test_end_before_start_is_refused_on_ends_at(reference):
    with pytest.raises(RuleViolations) as excinfo:
        service.create_meeting(None, data(ends_at=datetime(2027, 6, 1, 9, 59)))
    assert refused_fields(excinfo) == ["ends_at"]
    assert meetings_count() == 0


def test_unknown_body_and_missing_titles_are_refused(reference):
    with pytest.raises(RuleViolations) as excinfo:
        service.create_meeting(None, data(body_id=999_999, title_en=" ", title_ru=""))
    assert set(refused_fields(excinfo)) == {"body_id", "title_en", "title_ru"}
    with pytest.raises(RuleViolations) as excinfo:
        service.create_meeting(None, data(body_id=None, timezone="Mars/Olympus"))
    assert set(refused_fields(excinfo)) == {"body_id", "timezone"}
    assert meetings_count() == 0 and db.session.scalar(select(func.count(Invitation.id))) == 0


def test_unknown_host_state_and_late_registration_deadline_are_refused(reference):
    with pytest.raises(RuleViolations) as excinfo:
        service.create_meeting(None, data(host_state_id=999_999, registration_deadline=datetime(2027, 6, 1, 11)))
    assert set(refused_fields(excinfo)) == {"host_state_id", "registration_deadline"}


def test_a_second_summit_numbered_5_is_refused_on_number(reference):
    summit = body("SUMMIT").id
    service.create_meeting(None, data(body_id=summit, number=5, starts_at=datetime(2019, 6, 15, 10),
                                      ends_at=datetime(2019, 6, 15, 18), timezone="Asia/Dushanbe"))
    with pytest.raises(RuleViolations) as excinfo:
        service.create_meeting(None, data(body_id=summit, number=5))
    assert refused_fields(excinfo) == ["number"]
    service.create_meeting(None, data(body_id=body("MFA").id, number=5))  # another body may use 5
    assert meetings_count() == 2


def test_a_concurrent_duplicate_number_is_caught_at_the_database(reference, monkeypatch):
    summit = body("SUMMIT").id
    service.create_meeting(None, data(body_id=summit, number=7))
    monkeypatch.setattr(service, "_number_taken", lambda *args: None)  # the check ran before the other save
    with pytest.raises(RuleViolations) as excinfo:
        service.create_meeting(None, data(body_id=summit, number=7))
    assert refused_fields(excinfo) == ["number"]
    assert meetings_count() == 1


# SWG and SOC -------------------------------------------------------------------

def soc_on(day: datetime) -> Meeting:
    return service.create_meeting(None, data(starts_at=day, ends_at=day.replace(hour=18)))


def swg(**overrides) -> MeetingData:
    return data(body_id=body("SWG").id, title_en="Special Working Group", title_ru="СРГ", **overrides)


def test_an_swg_prepares_an_soc_a_few_days_later(reference):
    soc = soc_on(datetime(2022, 12, 14, 10))
    session = service.create_meeting(None, swg(starts_at=datetime(2022, 12, 12, 10), ends_at=datetime(2022, 12, 12, 18),
                                               prepares_meeting_id=soc.id))
    assert session.prepares == soc
    assert service.preparing_sessions(soc) == [session]


def test_meetings_starting_together_are_listed_in_the_order_created(reference):
    """Two SWG sessions at the same hour before one SOC: the SOC's page and the delegation's
    meetings list them in the order created, whatever the order of their rows in the table
    (an edit moves a row on PostgreSQL)."""
    soc = soc_on(datetime(2022, 12, 14, 10))
    sessions = [service.create_meeting(None, swg(starts_at=datetime(2022, 12, 12, 10),
                                                 ends_at=datetime(2022, 12, 12, 18), prepares_meeting_id=soc.id))
                for _ in range(2)]
    sessions[0].city = "Almaty"
    db.session.commit()
    db.session.expire_all()
    assert service.preparing_sessions(soc) == sessions
    kazakhstan = db.session.scalar(select(Invitation.delegation_id).where(Invitation.meeting_id == soc.id).limit(1))
    upcoming, past = calendar_service.delegation_meetings(kazakhstan, datetime(2022, 12, 1, tzinfo=UTC))
    assert upcoming == [*sessions, soc] and past == []


@pytest.mark.parametrize("swg_day", [datetime(2022, 12, 15, 10), datetime(2022, 12, 14, 9), datetime(2022, 11, 20, 10)])
def test_an_swg_after_or_long_before_its_soc_is_refused(reference, swg_day):
    soc = soc_on(datetime(2022, 12, 14, 10))
    with pytest.raises(RuleViolations) as excinfo:
        service.create_meeting(None, swg(starts_at=swg_day, ends_at=swg_day.replace(hour=20),
                                         prepares_meeting_id=soc.id))
    assert refused_fields(excinfo) == ["prepares_meeting_id"]


def test_only_an_swg_prepares_and_only_an_soc(reference):
    soc = soc_on(datetime(2022, 12, 14, 10))
    other_swg = service.create_meeting(None, swg(starts_at=datetime(2022, 12, 13, 10),
                                                 ends_at=datetime(2022, 12, 13, 18)))
    with pytest.raises(RuleViolations) as excinfo:
        service.create_meeting(None, data(starts_at=datetime(2022, 12, 12, 10), ends_at=datetime(2022, 12, 12, 18),
                                          prepares_meeting_id=soc.id))
    assert refused_fields(excinfo) == ["prepares_meeting_id"]
    with pytest.raises(RuleViolations) as excinfo:
        service.create_meeting(None, swg(starts_at=datetime(2022, 12, 12, 10), ends_at=datetime(2022, 12, 12, 18),
                                         prepares_meeting_id=other_swg.id))
    assert refused_fields(excinfo) == ["prepares_meeting_id"]


# Updating ------------------------------------------------------------------------

def test_moving_or_renaming_increments_the_sequence(reference):
    meeting = service.create_meeting(None, data())
    service.update_meeting(None, meeting, data(note="Draft agenda circulated"))
    assert meeting.sequence == 0
    service.update_meeting(None, meeting, data(note="Draft agenda circulated", starts_at=datetime(2027, 6, 1, 11)))
    assert meeting.sequence == 1 and meeting.starts_at == datetime(2027, 6, 1, 6, tzinfo=UTC)
    service.update_meeting(None, meeting, data(note="Draft agenda circulated", starts_at=datetime(2027, 6, 1, 11),
                                               title_en="SOC (first session)"))
    assert meeting.sequence == 2
    assert audit_actions() == ["meeting.create", "meeting.update", "meeting.update", "meeting.update"]


def test_update_refuses_a_taken_number_and_writes_nothing(reference):
    summit = body("SUMMIT").id
    service.create_meeting(None, data(body_id=summit, number=5))
    sixth = service.create_meeting(None, data(body_id=summit, number=6, starts_at=datetime(2028, 6, 1, 10),
                                              ends_at=datetime(2028, 6, 1, 18)))
    with pytest.raises(RuleViolations) as excinfo:
        service.update_meeting(None, sixth, data(body_id=summit, number=5))
    assert refused_fields(excinfo) == ["number"]
    db.session.expire_all()
    assert db.session.get(Meeting, sixth.id).number == 6
    service.update_meeting(None, sixth, data(body_id=summit, number=6, city="Baku"))  # its own number is fine
    assert sixth.city == "Baku"


# Status ----------------------------------------------------------------------

def test_postpone_needs_a_reason_and_moves_the_meeting(reference):
    meeting = service.create_meeting(None, data())
    with pytest.raises(RuleViolations) as excinfo:
        status_service.postpone(None, meeting, PostponeData(reason=" ", decision_id=999_999))
    assert set(refused_fields(excinfo)) == {"reason", "decision_id"}
    status_service.postpone(None, meeting, PostponeData(reason="Host unavailable",
                                                        starts_at=datetime(2027, 9, 1, 10)))
    assert meeting.status == MeetingStatus.POSTPONED and meeting.status_reason == "Host unavailable"
    assert meeting.starts_at == datetime(2027, 9, 1, 5, tzinfo=UTC)
    assert meeting.ends_at == datetime(2027, 9, 2, 13, tzinfo=UTC)  # the same length
    assert meeting.sequence == 1
    status_service.postpone(None, meeting, PostponeData(reason="Date not yet agreed"))  # no new dates
    assert meeting.starts_at == datetime(2027, 9, 1, 5, tzinfo=UTC) and meeting.sequence == 2
    assert audit_actions()[-2:] == ["meeting.postpone", "meeting.postpone"]


def test_cancel_needs_a_reason_and_is_final(reference):
    meeting = service.create_meeting(None, data())
    with pytest.raises(RuleViolations):
        status_service.cancel(None, meeting, "")
    status_service.cancel(None, meeting, "Decided by the SOC")
    assert meeting.status == MeetingStatus.CANCELLED and meeting.sequence == 1
    for action in (lambda: status_service.confirm(None, meeting),
                   lambda: status_service.postpone(None, meeting, PostponeData(reason="x")),
                   lambda: status_service.cancel(None, meeting, "again")):
        with pytest.raises(RuleViolations):
            action()
    assert meeting.status == MeetingStatus.CANCELLED


def test_mark_held_only_once_started_and_only_once(reference):
    meeting = service.create_meeting(None, data())
    status_service.confirm(None, meeting)
    assert meeting.status == MeetingStatus.CONFIRMED
    with freeze_time("2027-06-01 04:59:00"):
        with pytest.raises(RuleViolations) as excinfo:
            status_service.mark_held(None, meeting)
        assert refused_fields(excinfo) == ["status"]
    with freeze_time("2027-06-01 05:00:00"):
        status_service.mark_held(None, meeting)
    assert meeting.status == MeetingStatus.HELD
    with pytest.raises(RuleViolations):
        status_service.mark_held(None, meeting)
    assert audit_actions() == ["meeting.create", "meeting.confirm", "meeting.held"]
