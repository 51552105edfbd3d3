"""The invitation with its iCalendar goes to the invited delegations when a
meeting is confirmed (not only with the first reminder), once each, through
the notices outbox; a move, a new place or a postponement sends the update
with the next SEQUENCE; a cancellation replaces what had not gone yet with
the CANCEL; a delegation invited later gets the invitation then. Every
attachment is read by two parsers, in the recipient's language."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from secretariat_app.accounts.models.states import Body, State
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.meetings.services import invitations as invitation_service
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services import status as status_service
from secretariat_app.meetings.services.meetings import MeetingData
from secretariat_app.meetings.services.status import PostponeData
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from secretariat_app.notices.services import dispatch
from tests.factories import DelegationFactory, delegate, officer
from tests.ics_check import parse_twice
from tests.reference import kaz

INVITATION, UPDATED = NotificationKind.MEETING_INVITATION, NotificationKind.MEETING_UPDATED
CANCELLED = NotificationKind.MEETING_CANCELLED
CREATED = "2027-01-10 12:00:00"
TWO_DAYS_LATER = {"starts_at": datetime(2027, 6, 3, 10), "ends_at": datetime(2027, 6, 4, 18)}


def data(**overrides) -> MeetingData:
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    kazakhstan = db.session.scalar(select(State).where(State.code == "KAZ"))
    values = dict(body_id=soc.id, title_en="Senior Officials Committee", title_ru="Комитет старших должностных лиц",
                  starts_at=datetime(2027, 6, 1, 10), ends_at=datetime(2027, 6, 2, 18), timezone="Asia/Almaty",
                  city="Astana", city_ru="Астана", host_state_id=kazakhstan.id)
    values.update(overrides)
    return MeetingData(**values)


@pytest.fixture
def meeting(reference) -> Meeting:
    with freeze_time(CREATED):
        return service.create_meeting(None, data())


@pytest.fixture
def people(meeting):
    """A Russian-reading delegate of KAZ (invited), an officer, and a delegate of a delegation not invited."""
    return {"kaz": delegate(kaz(), language="ru", timezone="Asia/Almaty"), "officer": officer(),
            "stranger": delegate(DelegationFactory())}


def rows(meeting, kind=None, status=None) -> list[Notification]:
    query = select(Notification).where(Notification.subject_type == "meeting", Notification.subject_id == meeting.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    if status is not None:
        query = query.where(Notification.status == status)
    return list(db.session.scalars(query.order_by(Notification.id)))


def send_due(outbox, at: str) -> list:
    """One dispatcher pass at `at`, each claimed row delivered: the mails sent by it."""
    before = len(outbox)
    with freeze_time(at):
        dispatch.dispatch(dispatch.deliver)
    return outbox[before:]


def invitation_of(message):
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar, _ = parse_twice(part.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    return part.get_param("method"), calendar, event


def test_confirming_sends_the_invitation_to_the_invited_delegations_once(meeting, people, outbox):
    assert rows(meeting, INVITATION) == []  # planned only: nothing yet
    with freeze_time("2027-01-20 08:00:00"):
        status_service.confirm(None, meeting)
    assert meeting.announced_at == datetime(2027, 1, 20, 8, tzinfo=UTC)
    invited = rows(meeting, INVITATION)
    assert [r.recipient_id for r in invited] == [people["kaz"].id]  # not the officer, not the stranger
    sent = send_due(outbox, "2027-01-20 08:00:00")
    assert send_due(outbox, "2027-01-20 08:05:00") == []  # exactly once
    (message,) = sent
    assert message["To"] == people["kaz"].email
    assert message["Subject"] == "Приглашение: Комитет старших должностных лиц, 1 июня 2027"
    assert "Ваша делегация приглашена" in message.get_body(("plain",)).get_content()
    method, calendar, event = invitation_of(message)
    assert method == "REQUEST" and str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"meeting-{meeting.id}@cica.example" and int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["LOCATION"]) == "Астана, Казахстан"
    assert str(event["ATTENDEE"]) == f"mailto:{people['kaz'].email}"


def test_an_english_reader_gets_the_english_venue(meeting, outbox):
    reader = delegate(kaz(), language="en")
    with freeze_time("2027-01-20 08:00:00"):
        status_service.confirm(None, meeting)
    (message,) = [m for m in send_due(outbox, "2027-01-20 08:00:00") if m["To"] == reader.email]
    assert message["Subject"] == "Invitation: Senior Officials Committee, 1 June 2027"
    _, _, event = invitation_of(message)
    assert str(event["LOCATION"]) == "Astana, Kazakhstan"
    assert "Place: Astana, Kazakhstan" in message.get_body(("plain",)).get_content()


def test_a_move_sends_the_update_with_the_next_sequence(meeting, people, outbox):
    with freeze_time("2027-01-20 08:00:00"):
        status_service.confirm(None, meeting)
    send_due(outbox, "2027-01-20 08:00:00")
    with freeze_time("2027-02-01 09:00:00"):
        service.update_meeting(None, meeting, data(note="Bring the national reports.", note_ru="Возьмите доклады."))
    assert rows(meeting, UPDATED) == []  # a note is not a time or a place: no update
    moved_to = dict(starts_at=datetime(2027, 6, 3, 10), ends_at=datetime(2027, 6, 4, 18),
                    note="Bring the national reports.", note_ru="Возьмите доклады.")
    with freeze_time("2027-02-02 09:00:00"):
        service.update_meeting(None, meeting, data(**moved_to))
    assert meeting.sequence == 1
    (message,) = send_due(outbox, "2027-02-02 09:00:00")
    assert message["Subject"] == "Изменение: Комитет старших должностных лиц, 3 июня 2027"
    method, _, event = invitation_of(message)
    assert method == "REQUEST" and int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == f"meeting-{meeting.id}@cica.example"
    assert event.decoded("DTSTART") == datetime(2027, 6, 3, 5, tzinfo=UTC)
    text = message.get_body(("plain",)).get_content()
    assert "Заседание, указанное ниже, изменилось" in text and "Примечание: Возьмите доклады." in text
    with freeze_time("2027-02-03 09:00:00"):  # a new place alone (the Russian venue) is a change too
        service.update_meeting(None, meeting, data(**moved_to, city_ru="Нур-Султан"))
    (moved,) = send_due(outbox, "2027-02-03 09:00:00")
    _, _, event = invitation_of(moved)
    assert int(event["SEQUENCE"]) == 2 and str(event["LOCATION"]) == "Нур-Султан, Казахстан"


def test_a_change_before_the_invitation_went_out_sends_one_mail_with_the_new_details(meeting, people, outbox):
    with freeze_time("2027-01-20 08:00:00"):
        status_service.confirm(None, meeting)
        service.update_meeting(None, meeting, data(**TWO_DAYS_LATER))
    assert rows(meeting, UPDATED) == []
    (message,) = send_due(outbox, "2027-01-20 08:00:00")
    _, _, event = invitation_of(message)
    assert message["Subject"].startswith("Приглашение:") and int(event["SEQUENCE"]) == 1


def test_moving_a_meeting_never_confirmed_sends_nothing(meeting, people, outbox):
    with freeze_time("2027-02-02 09:00:00"):
        service.update_meeting(None, meeting, data(**TWO_DAYS_LATER))
    assert rows(meeting, INVITATION) == rows(meeting, UPDATED) == []


def test_a_cancellation_replaces_the_invitation_not_yet_sent(meeting, people, outbox):
    with freeze_time("2027-01-20 08:00:00"):
        status_service.confirm(None, meeting)
    with freeze_time("2027-01-20 08:01:00"):
        status_service.cancel(None, meeting, "No quorum", reason_ru="Нет кворума")
    assert [r.status for r in rows(meeting, INVITATION)] == [NotificationStatus.CANCELLED]
    sent = [m for m in send_due(outbox, "2027-01-20 08:01:00") if m["To"] == people["kaz"].email]
    (message,) = sent
    method, calendar, event = invitation_of(message)
    assert method == "CANCEL" and str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert "Нет кворума" in str(event["DESCRIPTION"])
    assert "Причина: Нет кворума" in message.get_body(("plain",)).get_content()


def test_a_postponement_and_the_new_confirmation_are_updates(meeting, people, outbox):
    with freeze_time("2027-01-20 08:00:00"):
        status_service.confirm(None, meeting)
    send_due(outbox, "2027-01-20 08:00:00")
    with freeze_time("2027-02-01 09:00:00"):
        status_service.postpone(None, meeting, PostponeData(
            reason="Host request", reason_ru="По просьбе принимающей стороны", starts_at=datetime(2027, 7, 1, 10)))
    (postponed,) = send_due(outbox, "2027-02-01 09:00:00")
    _, _, event = invitation_of(postponed)
    assert int(event["SEQUENCE"]) == 1 and str(event["STATUS"]) == "TENTATIVE"
    assert "Перенесено: По просьбе принимающей стороны" in postponed.get_body(("plain",)).get_content()
    with freeze_time("2027-02-10 09:00:00"):
        status_service.confirm(None, meeting)
    (confirmed,) = send_due(outbox, "2027-02-10 09:00:00")
    _, _, event = invitation_of(confirmed)
    assert confirmed["Subject"].startswith("Изменение:")
    assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CONFIRMED"
    assert len(rows(meeting, INVITATION)) == 1  # the first invitation is never sent again


def test_a_delegation_invited_after_the_confirmation_gets_the_invitation(meeting, people, outbox):
    late = DelegationFactory()
    newcomer = delegate(late, language="en")
    with freeze_time("2027-01-20 08:00:00"):
        status_service.confirm(None, meeting)
    send_due(outbox, "2027-01-20 08:00:00")
    with freeze_time("2027-01-25 08:00:00"):
        invitation = invitation_service.add_invitation(None, meeting, late.id)
    (message,) = send_due(outbox, "2027-01-25 08:00:00")
    assert message["To"] == newcomer.email and message["Subject"].startswith("Invitation:")
    # Withdrawn before its invitation went out: it does not go.
    other = DelegationFactory()
    delegate(other)
    with freeze_time("2027-01-26 08:00:00"):
        second = invitation_service.add_invitation(None, meeting, other.id)
        invitation_service.remove_invitation(None, second)
    assert send_due(outbox, "2027-01-26 08:00:00") == []
    assert invitation.delegation_id == late.id


def test_a_refused_confirmation_writes_no_invitation(meeting, people):
    with freeze_time("2027-01-20 08:00:00"):
        status_service.cancel(None, meeting, "No quorum")
        with pytest.raises(RuleViolations):
            status_service.confirm(None, meeting)
    assert rows(meeting, INVITATION) == [] and meeting.announced_at is None


def test_of_two_confirmations_at_once_the_second_waits_and_is_refused(meeting, people, app):
    """Another officer's confirmation holds the meeting's row: this one waits for it (a row
    lock on PostgreSQL, SQLite's single writer), then finds the meeting confirmed and is
    refused, so no delegation gets a second invitation."""
    import threading

    from sqlalchemy import update

    outcome: list[str] = []

    def confirm_elsewhere():
        with app.app_context():
            try:
                status_service.confirm(None, db.session.get(Meeting, meeting.id))
                outcome.append("confirmed")
            except RuleViolations:
                outcome.append("refused")

    with db.engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(update(Meeting).where(Meeting.id == meeting.id).values(status="confirmed"))
        thread = threading.Thread(target=confirm_elsewhere)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive() and outcome == []  # waiting for the other confirmation
        transaction.commit()
    thread.join(10)
    assert outcome == ["refused"]
    db.session.expire_all()
    assert rows(meeting, INVITATION) == []
