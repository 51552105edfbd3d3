"""Meeting reminders as notification rows: who gets them, when, and what
happens to them when the meeting moves, is postponed, cancelled or held."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from icalendar import Calendar
from sqlalchemy import select

from secretariat_app.accounts.models.people import Role
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import (
    DatePrecision,
    Invitation,
    Meeting,
    Participant,
)
from secretariat_app.meetings.services import ics as calendar_ics
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services import reminders
from secretariat_app.meetings.services import status as status_service
from secretariat_app.meetings.services.meetings import MeetingData
from secretariat_app.meetings.services.status import PostponeData
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from tests.factories import UserFactory, admin, delegate, officer
from tests.reference import body, delegation

UTC = UTC
REMINDER, CANCELLED = NotificationKind.MEETING_REMINDER, NotificationKind.MEETING_CANCELLED
PENDING = NotificationStatus.PENDING
# 10:00 in Almaty (UTC+5) on 1 June 2027.
START_UTC = datetime(2027, 6, 1, 5, 0, tzinfo=UTC)


def data(**overrides) -> MeetingData:
    values = dict(body_id=body("SOC").id, title_en="Senior Officials Committee", title_ru="КСДЛ",
                  starts_at=datetime(2027, 6, 1, 10), ends_at=datetime(2027, 6, 2, 18), timezone="Asia/Almaty",
                  city="Astana")
    values.update(overrides)
    return MeetingData(**values)


def rows(meeting: Meeting, kind=REMINDER, status=None) -> list[Notification]:
    query = select(Notification).where(Notification.kind == kind, Notification.subject_type == "meeting",
                                       Notification.subject_id == meeting.id)
    if status is not None:
        query = query.where(Notification.status == status)
    return list(db.session.scalars(query.order_by(Notification.recipient_id, Notification.due_at)))


def schedule_of(meeting: Meeting, status=PENDING) -> set[tuple[int, datetime]]:
    return {(r.recipient_id, r.due_at) for r in rows(meeting, status=status)}


@pytest.fixture
def people(reference):
    """Who should and should not be reminded of an SOC meeting."""
    kaz, rus, jpn = delegation("KAZ"), delegation("RUS"), delegation("JPN")  # JPN: observer, not invited
    return {
        "officer": officer(), "admin": admin(),
        "kaz": delegate(kaz), "kaz_coordinator": UserFactory(roles=[Role.COORDINATOR], delegation=kaz),
        "rus": delegate(rus),
        "jpn": delegate(jpn), "inactive": delegate(kaz, active=False),
        "guest": UserFactory(),  # no role, no delegation: reminded only once registered as a participant
    }


def expected(people, *names, offsets=(30, 7, 1), start=START_UTC) -> set[tuple[int, datetime]]:
    return {(people[n].id, start - timedelta(days=d)) for n in names for d in offsets}


INVITED = ("officer", "admin", "kaz", "kaz_coordinator", "rus")


@freeze_time("2027-01-10 12:00:00")
def test_a_row_for_each_recipient_at_each_offset(people):
    meeting = service.create_meeting(None, data())
    assert schedule_of(meeting) == expected(people, *INVITED)
    assert all(r.status == PENDING and r.attempts == 0 for r in rows(meeting))


@freeze_time("2027-01-10 12:00:00")
def test_a_registered_participant_with_an_account_is_reminded(people):
    meeting = service.create_meeting(None, data())
    invitation = db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id,
                                                            Invitation.delegation_id == delegation("KAZ").id))
    db.session.add(Participant(invitation_id=invitation.id, name="Guest", user_id=people["guest"].id))
    db.session.commit()
    changes = reminders.sync(meeting)
    db.session.commit()
    assert changes.created == 3 and changes.kept == 15
    assert schedule_of(meeting) == expected(people, *INVITED, "guest")


@freeze_time("2027-01-10 12:00:00")
def test_sync_is_idempotent(people):
    meeting = service.create_meeting(None, data())
    before = {r.id for r in rows(meeting)}
    changes = reminders.sync(meeting)
    assert (changes.created, changes.moved, changes.cancelled) == (0, 0, 0)
    assert {r.id for r in rows(meeting)} == before


@freeze_time("2027-05-28 12:00:00")
def test_instants_already_past_are_skipped(people):
    meeting = service.create_meeting(None, data())
    assert schedule_of(meeting) == expected(people, *INVITED, offsets=(1,))


@freeze_time("2027-01-10 12:00:00")
def test_the_meetings_own_offsets_and_the_bodys_defaults(people):
    summit = service.create_meeting(None, data(body_id=body("SUMMIT").id, number=9))
    assert schedule_of(summit) == expected(people, *INVITED, offsets=(60, 14, 2))
    own = service.create_meeting(None, data(starts_at=datetime(2027, 7, 1, 10), ends_at=datetime(2027, 7, 1, 18),
                                            reminder_offsets=[5, 21, 5]))
    assert own.reminder_offsets == [21, 5]
    start = datetime(2027, 7, 1, 5, tzinfo=UTC)
    assert schedule_of(own) == expected(people, *INVITED, offsets=(21, 5), start=start)
    service.update_meeting(None, own, data(starts_at=datetime(2027, 7, 1, 10), ends_at=datetime(2027, 7, 1, 18),
                                           reminder_offsets=[]))
    assert schedule_of(own) == set()  # no reminders at all


@pytest.mark.parametrize("offsets", [[-1], [366], [7, 400]])
def test_an_offset_negative_or_over_a_year_is_refused_and_nothing_is_written(people, offsets):
    with pytest.raises(RuleViolations) as excinfo:
        service.create_meeting(None, data(reminder_offsets=offsets))
    assert [v.field for v in excinfo.value.violations] == ["reminder_offsets"]
    assert db.session.scalar(select(Meeting.id)) is None
    assert db.session.scalar(select(Notification.id)) is None


# (f) Moving, postponing, cancelling ---------------------------------------------------

@freeze_time("2027-01-10 12:00:00")
def test_moving_the_meeting_moves_its_pending_reminders_and_raises_the_sequence(people):
    meeting = service.create_meeting(None, data())
    ids = {(r.recipient_id, r.due_at): r.id for r in rows(meeting)}
    first = Calendar.from_ical(calendar_ics.invitation(meeting, people["kaz"]))
    service.update_meeting(None, meeting, data(starts_at=datetime(2027, 6, 8, 10), ends_at=datetime(2027, 6, 9, 18)))
    moved_start = START_UTC + timedelta(days=7)
    assert meeting.sequence == 1
    assert schedule_of(meeting) == expected(people, *INVITED, start=moved_start)
    # the same rows, moved: none created, none cancelled
    assert {r.id for r in rows(meeting)} == set(ids.values())
    assert rows(meeting, status=NotificationStatus.CANCELLED) == []
    second = Calendar.from_ical(calendar_ics.invitation(meeting, people["kaz"]))
    event_1, event_2 = first.walk("VEVENT")[0], second.walk("VEVENT")[0]
    assert event_2["UID"] == event_1["UID"] == f"meeting-{meeting.id}@cica.example"
    assert int(event_2["SEQUENCE"]) > int(event_1["SEQUENCE"])
    assert event_2.decoded("DTSTART") == moved_start


@freeze_time("2027-01-10 12:00:00")
def test_a_change_that_does_not_move_the_meeting_leaves_the_reminders_alone(people):
    meeting = service.create_meeting(None, data())
    before = {(r.id, r.due_at) for r in rows(meeting)}
    service.update_meeting(None, meeting, data(note="Draft agenda circulated"))
    assert {(r.id, r.due_at) for r in rows(meeting)} == before


def test_a_reminder_already_sent_is_not_repeated_and_one_due_is_kept(people):
    with freeze_time("2027-01-10 12:00:00"):
        meeting = service.create_meeting(None, data())
    sent = [r for r in rows(meeting) if r.due_at == START_UTC - timedelta(days=30)]
    for row in sent:
        row.status, row.sent_at = NotificationStatus.SENT, START_UTC - timedelta(days=30)
    db.session.commit()
    # A week-before reminder that fell due a minute ago and is not yet sent stays pending.
    with freeze_time(START_UTC - timedelta(days=7) + timedelta(minutes=1)):
        changes = reminders.sync(meeting)
        db.session.commit()
    assert (changes.created, changes.moved, changes.cancelled) == (0, 0, 0)
    assert len(rows(meeting, status=NotificationStatus.SENT)) == len(INVITED)
    assert schedule_of(meeting) == expected(people, *INVITED, offsets=(7, 1))


def test_moving_there_and_back_after_a_reminder_went_sends_nothing_again(people):
    with freeze_time("2027-01-10 12:00:00"):
        meeting = service.create_meeting(None, data(reminder_offsets=[100, 1]))
    with freeze_time(START_UTC - timedelta(days=90)):
        for row in rows(meeting):
            if row.due_at == START_UTC - timedelta(days=100):
                row.status = NotificationStatus.SENT
        db.session.commit()
        service.update_meeting(None, meeting, data(starts_at=datetime(2027, 6, 2, 10), ends_at=datetime(2027, 6, 2, 18),
                                                   reminder_offsets=[100, 1]))
        assert schedule_of(meeting) == expected(people, *INVITED, offsets=(1,), start=START_UTC + timedelta(days=1))
        service.update_meeting(None, meeting, data(reminder_offsets=[100, 1]))
    # Back at the first date: the 100-day reminder went and its instant passed; the 1-day one is pending.
    assert schedule_of(meeting) == expected(people, *INVITED, offsets=(1,))
    assert len(rows(meeting, status=NotificationStatus.SENT)) == len(INVITED)


@freeze_time("2027-01-10 12:00:00")
def test_postponing_to_new_dates_moves_and_without_a_date_cancels(people):
    meeting = service.create_meeting(None, data())
    status_service.postpone(None, meeting, PostponeData(reason="Host unavailable",
                                                        starts_at=datetime(2027, 9, 1, 10)))
    september = datetime(2027, 9, 1, 5, tzinfo=UTC)
    assert schedule_of(meeting) == expected(people, *INVITED, start=september)
    status_service.postpone(None, meeting, PostponeData(reason="Date not yet agreed"))
    assert schedule_of(meeting) == set()
    status_service.confirm(None, meeting)  # confirmed at the September date: reminders again
    assert schedule_of(meeting) == expected(people, *INVITED, start=september)


def test_cancelling_cancels_pending_reminders_and_queues_the_cancellation(people):
    with freeze_time("2027-01-10 12:00:00"):
        meeting = service.create_meeting(None, data())
    uid_before = Calendar.from_ical(calendar_ics.invitation(meeting, people["kaz"])).walk("VEVENT")[0]
    now = datetime(2027, 5, 10, 9, 0, tzinfo=UTC)  # the 30-day reminder went; 7 and 1 pending
    for row in rows(meeting):
        if row.due_at < now:
            row.status = NotificationStatus.SENT
    db.session.commit()
    with freeze_time(now):
        status_service.cancel(people["officer"], meeting, "Decided by the SOC")
    assert rows(meeting, status=PENDING) == []
    assert len(rows(meeting, status=NotificationStatus.CANCELLED)) == 2 * len(INVITED)
    assert len(rows(meeting, status=NotificationStatus.SENT)) == len(INVITED)
    notices = rows(meeting, kind=CANCELLED)
    assert sorted(n.recipient_id for n in notices) == sorted(people[n].id for n in INVITED)
    assert all(n.status == PENDING and n.due_at == now for n in notices)
    # The cancellation's invitation: same UID, higher SEQUENCE, METHOD:CANCEL, STATUS:CANCELLED.
    calendar = Calendar.from_ical(calendar_ics.invitation(meeting, people["kaz"]))
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == uid_before["UID"] and int(event["SEQUENCE"]) > int(uid_before["SEQUENCE"])


@freeze_time("2027-07-01 12:00:00")
def test_cancelling_a_meeting_already_over_sends_no_notice(people):
    meeting = service.create_meeting(None, data())
    status_service.cancel(None, meeting, "Recorded late")
    assert rows(meeting, kind=CANCELLED) == []


def test_held_cancels_what_is_left(people):
    with freeze_time("2027-01-10 12:00:00"):
        meeting = service.create_meeting(None, data(reminder_offsets=[30, 0]))
    with freeze_time(START_UTC + timedelta(minutes=5)):
        status_service.mark_held(None, meeting)
    assert rows(meeting, status=PENDING) == []


@freeze_time("2027-01-10 12:00:00")
def test_a_recipient_who_leaves_loses_their_pending_reminders(people):
    meeting = service.create_meeting(None, data())
    people["rus"].active = False
    db.session.commit()
    changes = reminders.sync(meeting)
    db.session.commit()
    assert changes.cancelled == 3
    assert schedule_of(meeting) == expected(people, "officer", "admin", "kaz", "kaz_coordinator")
    for row in rows(meeting, status=NotificationStatus.CANCELLED):  # one had failed once and waited to retry
        row.attempts, row.last_error, row.not_before = 1, "451 try later", datetime(2027, 6, 1, tzinfo=UTC)
        break
    people["rus"].active = True
    db.session.commit()
    changes = reminders.sync(meeting)
    assert changes.revived == 3 and changes.created == 0  # the same rows come back
    assert {(r.attempts, r.last_error, r.not_before) for r in rows(meeting)} == {(0, "", None)}  # as new


@freeze_time("2027-01-10 12:00:00")
def test_a_historical_record_known_to_the_month_gets_no_reminders(people):
    meeting = service.create_meeting(None, data(date_precision=DatePrecision.MONTH))
    assert rows(meeting) == []


# (g) Daylight saving and time zones ----------------------------------------------------

def due_now(now: datetime) -> set[int]:
    """The recipients whose reminder a dispatcher would find due at `now`."""
    return set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.status == PENDING, Notification.due_at <= now)))


@pytest.mark.parametrize("zone,start,due_utc", [
    # 10:00 on 20 March 2027; a week before: 10:00 on 13 March, where the meeting is.
    ("America/New_York", datetime(2027, 3, 20, 10), datetime(2027, 3, 13, 15, 0, tzinfo=UTC)),  # EST then
    ("Europe/Moscow", datetime(2027, 3, 20, 10), datetime(2027, 3, 13, 7, 0, tzinfo=UTC)),  # MSK all year
    ("Europe/London", datetime(2027, 4, 2, 10), datetime(2027, 3, 26, 10, 0, tzinfo=UTC)),  # GMT then, BST after
    # 09:30 on 10 November 2027; a week before, New York was still on EDT.
    ("America/New_York", datetime(2027, 11, 10, 9, 30), datetime(2027, 11, 3, 13, 30, tzinfo=UTC)),
    ("Europe/Moscow", datetime(2027, 11, 10, 9, 30), datetime(2027, 11, 3, 6, 30, tzinfo=UTC)),
])
def test_a_reminder_across_a_clock_change_falls_due_at_the_right_instant(people, zone, start, due_utc):
    with freeze_time("2027-01-10 12:00:00"):
        meeting = service.create_meeting(None, data(timezone=zone, starts_at=start, ends_at=start + timedelta(hours=8),
                                                    reminder_offsets=[7]))
    assert {r.due_at for r in rows(meeting)} == {due_utc}
    with freeze_time(due_utc - timedelta(minutes=1)):
        assert due_now(datetime.now(UTC)) == set()
    with freeze_time(due_utc):
        assert due_now(datetime.now(UTC)) == {people[n].id for n in INVITED}


def test_moving_a_meeting_across_the_march_change_keeps_the_local_hour(people):
    with freeze_time("2027-01-10 12:00:00"):
        meeting = service.create_meeting(None, data(timezone="America/New_York", starts_at=datetime(2027, 3, 10, 10),
                                                    ends_at=datetime(2027, 3, 10, 18), reminder_offsets=[7, 1]))
        assert {r.due_at for r in rows(meeting)} == {datetime(2027, 3, 3, 15, tzinfo=UTC),
                                                     datetime(2027, 3, 9, 15, tzinfo=UTC)}
        service.update_meeting(None, meeting, data(timezone="America/New_York", starts_at=datetime(2027, 3, 17, 10),
                                                   ends_at=datetime(2027, 3, 17, 18), reminder_offsets=[7, 1]))
    # 10 March 10:00 EST -> 17 March 10:00 EDT: the reminders follow the local hour across the change.
    assert {r.due_at for r in rows(meeting)} == {datetime(2027, 3, 10, 15, tzinfo=UTC),
                                                 datetime(2027, 3, 16, 14, tzinfo=UTC)}


@freeze_time("2027-01-10 12:00:00")
def test_who_opted_out_of_reminders_by_mail_gets_none_but_still_the_cancellation(people):
    people["kaz"].mail_opt_out = ["meeting_reminder"]
    db.session.commit()
    meeting = service.create_meeting(None, data())
    assert schedule_of(meeting) == expected(people, "officer", "admin", "kaz_coordinator", "rus")
    status_service.cancel(None, meeting, "No quorum")
    assert people["kaz"].id in {n.recipient_id for n in rows(meeting, kind=CANCELLED)}


def test_a_reminder_waiting_to_retry_is_left_alone_unless_the_meeting_is_called_off(people):
    with freeze_time("2027-01-10 12:00:00"):
        meeting = service.create_meeting(None, data())
    week_before = START_UTC - timedelta(days=7)
    retry_at = week_before + timedelta(minutes=2)
    retrying = [r for r in rows(meeting) if r.due_at == week_before]
    for row in retrying:  # a temporary SMTP refusal: pending again, due a little later
        row.attempts, row.due_at, row.last_error = 1, retry_at, "421 try later"
    db.session.commit()
    with freeze_time(week_before + timedelta(minutes=1)):
        status_service.confirm(None, meeting)
    assert {(r.due_at, r.status, r.attempts) for r in retrying} == {(retry_at, PENDING, 1)}
    with freeze_time(week_before + timedelta(minutes=1)):
        status_service.cancel(None, meeting, "No quorum")
    assert {r.status for r in retrying} == {NotificationStatus.CANCELLED}


def test_a_daily_resync_picks_up_people_who_joined_since(people):
    with freeze_time("2027-01-10 12:00:00"):
        meeting = service.create_meeting(None, data())
        newcomer = delegate(delegation("KAZ"))
        assert reminders.sync_upcoming() == 3
        assert reminders.sync_upcoming() == 0
    assert schedule_of(meeting) == expected(people, *INVITED) | {
        (newcomer.id, START_UTC - timedelta(days=d)) for d in (30, 7, 1)}
