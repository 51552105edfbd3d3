"""The meeting reminder and cancellation mails: text and HTML in the
recipient's language, both time zones, the right page, the invitation
attached, the row's Message-ID, and a real SMTP delivery."""
from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from icalendar import Calendar
from sqlalchemy import select

from secretariat_app.accounts.models.states import Body
from secretariat_app.core import mail
from secretariat_app.extensions import db
from secretariat_app.meetings.services import mail as meeting_mail
from secretariat_app.meetings.services import meetings as service
from secretariat_app.meetings.services import reminders
from secretariat_app.meetings.services import status as status_service
from secretariat_app.meetings.services.meetings import MeetingData
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from secretariat_app.notices.services import dispatch
from tests.factories import delegate, officer
from tests.ics_check import parse_twice
from tests.reference import kaz

UTC = UTC
REMINDER, CANCELLED = NotificationKind.MEETING_REMINDER, NotificationKind.MEETING_CANCELLED


@pytest.fixture
def meeting(reference):
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    with freeze_time("2027-01-10 12:00:00"):
        return service.create_meeting(None, MeetingData(
            body_id=soc.id, title_en="Senior Officials Committee", title_ru="Комитет старших должностных лиц",
            starts_at=datetime(2027, 6, 1, 10), ends_at=datetime(2027, 6, 2, 18), timezone="Asia/Almaty",
            city="Astana"))


def notice_for(meeting, user, kind=REMINDER) -> Notification:
    return db.session.scalar(select(Notification).where(
        Notification.subject_id == meeting.id, Notification.recipient_id == user.id, Notification.kind == kind)
        .order_by(Notification.due_at))


def parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    (ics,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    parse_twice(ics.get_payload(decode=True))  # both parsers accept the attachment, byte for byte
    return text, html, ics


def test_a_reminder_in_russian_with_both_zones_the_delegates_page_and_the_invitation(meeting):
    with freeze_time("2027-01-10 12:00:00"):
        reader = delegate(kaz(), language="ru", timezone="Europe/Moscow")
        db.session.refresh(meeting)
        reminders.sync(meeting)
        db.session.commit()
    row = notice_for(meeting, reader)
    message = meeting_mail.render_meeting_notice(row)
    assert message["To"] == reader.email
    assert message["Message-ID"] == row.message_id
    assert "Комитет старших должностных лиц" in message["Subject"] and "1 июня 2027" in message["Subject"]
    text, html, ics = parts(message)
    # 10:00 in Almaty (UTC+5) is 08:00 in Moscow (UTC+3), in Russian.
    assert "вторник, 1 июня 2027, 08:00 (Europe/Moscow, UTC+03:00)" in text
    assert "вторник, 1 июня 2027, 10:00 (Asia/Almaty, UTC+05:00)" in text
    assert f"/delegation/meetings/{meeting.id}" in text
    assert f'href="http://127.0.0.1:5000/delegation/meetings/{meeting.id}"' in html
    assert "08:00 (Europe/Moscow, UTC+03:00)" in html
    assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "REQUEST"
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert str(event["UID"]) == f"meeting-{meeting.id}@cica.example"
    assert str(event["SUMMARY"]) == "Комитет старших должностных лиц"


def test_an_officer_is_sent_to_the_secretariat_page_in_english(meeting):
    reader = officer(language="en", timezone="America/New_York")
    message = meeting_mail.render(meeting, reader, REMINDER, message_id="<x@cica.example>")
    text, html, _ = parts(message)
    assert message["Subject"] == "Reminder: Senior Officials Committee, 1 June 2027"
    assert "Tuesday, 1 June 2027, 01:00 (America/New_York, UTC-04:00)" in text
    assert "Tuesday, 1 June 2027, 10:00 (Asia/Almaty, UTC+05:00)" in text
    assert f"/meetings/{meeting.id}" in text and "/delegation/" not in text
    assert "<script" not in html and "Senior Officials Committee" in html


def test_the_cancellation_mail_carries_method_cancel(meeting):
    reader = delegate(kaz())
    with freeze_time("2027-02-01 09:00:00"):
        status_service.cancel(None, meeting, "Decided by the SOC <urgent>")
    row = notice_for(meeting, reader, CANCELLED)
    assert row is not None and row.due_at == datetime(2027, 2, 1, 9, tzinfo=UTC)
    message = meeting_mail.render_meeting_notice(row)
    text, html, ics = parts(message)
    assert message["Subject"].startswith("Cancelled: Senior Officials Committee")
    assert "Decided by the SOC <urgent>" in text and "Decided by the SOC &lt;urgent&gt;" in html
    assert ics.get_param("method") == "CANCEL"
    calendar = Calendar.from_ical(ics.get_content())
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"meeting-{meeting.id}@cica.example" and int(event["SEQUENCE"]) == 1


def test_a_stale_reminder_of_a_cancelled_meeting_goes_out_as_the_cancellation(meeting):
    reader = officer()
    with freeze_time("2027-02-01 09:00:00"):
        status_service.cancel(None, meeting, "No quorum")
    message = meeting_mail.render(meeting, reader, REMINDER)
    _, _, ics = parts(message)
    assert ics.get_param("method") == "CANCEL" and message["Subject"].startswith("Cancelled:")


def test_a_recipient_without_an_address_or_a_missing_meeting_is_refused(meeting):
    reader = officer()
    reader.email = ""
    with pytest.raises(meeting_mail.MeetingNoticeError):
        meeting_mail.render(meeting, reader, REMINDER)
    db.session.rollback()
    ghost = Notification(id=999, kind=REMINDER, subject_type="meeting", subject_id=987654, recipient_id=reader.id,
                         due_at=datetime(2027, 1, 1, tzinfo=UTC))
    with pytest.raises(meeting_mail.MeetingNoticeError):
        meeting_mail.render_meeting_notice(ghost)


def test_the_mail_goes_through_a_real_smtp_server(app_ctx, meeting, smtp_sink, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app_ctx.config, "MAIL_SERVER", smtp_sink.hostname)
    monkeypatch.setitem(app_ctx.config, "MAIL_PORT", smtp_sink.port)
    reader = officer(language="ru")
    with freeze_time("2027-01-10 12:00:00"):
        reminders.sync(meeting)
        db.session.commit()
    row = notice_for(meeting, reader)
    mail.send(meeting_mail.render_meeting_notice(row))
    assert len(smtp_sink.messages) == 1
    envelope = smtp_sink.messages[0]
    assert envelope.rcpt_tos == [reader.email]
    received = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert received["Message-ID"] == row.message_id
    assert "Комитет старших должностных лиц" in received["Subject"]
    text, _, ics = parts(received)
    assert "Asia/Almaty" in text
    assert ics.get_param("method") == "REQUEST"
    assert Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]["UID"] == f"meeting-{meeting.id}@cica.example"


def test_due_reminders_go_out_through_the_dispatcher_once_to_each(app_ctx, meeting, smtp_sink, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app_ctx.config, "MAIL_SERVER", smtp_sink.hostname)
    monkeypatch.setitem(app_ctx.config, "MAIL_PORT", smtp_sink.port)
    readers = [officer(language="ru"), delegate(kaz(), timezone="Europe/Moscow")]
    with freeze_time("2027-01-10 12:00:00"):
        reminders.sync(meeting)
        db.session.commit()
    # 30 days before 10:00 in Almaty on 1 June: 05:00 UTC on 2 May.
    with freeze_time("2027-05-02 04:59:00"):
        assert dispatch.dispatch(dispatch.deliver).claimed == []
    with freeze_time("2027-05-02 05:00:00"):
        result = dispatch.dispatch(dispatch.deliver)
        again = dispatch.dispatch(dispatch.deliver)
    assert len(result.claimed) == len(readers) and again.claimed == []
    received = [email.message_from_bytes(e.content, policy=email.policy.default) for e in smtp_sink.messages]
    assert sorted(m["To"] for m in received) == sorted(r.email for r in readers)
    assert len({m["Message-ID"] for m in received}) == len(readers)
    for message in received:
        _, _, ics = parts(message)
        assert ics.get_param("method") == "REQUEST"
    sent = db.session.scalars(select(Notification).where(Notification.status == NotificationStatus.SENT)).all()
    assert {n.message_id for n in sent} == {m["Message-ID"] for m in received}
