"""When a draft is circulated under silence, every person of every member delegation
is told once (a row written in the circulating transaction, mailed by the dispatcher
after the commit), in their language, with the end of silence in Astana's time and
theirs and the deadline as a calendar event; no observer is told unless the
Secretariat circulated the draft to it (then for information). Three mornings before
the deadline the members are reminded, unless silence is already broken."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from secretariat_app.decisions.models import DecisionStatus, SilenceCirculation
from secretariat_app.decisions.services.decisions import circulate
from secretariat_app.decisions.services.objections import BreakSilenceData, break_silence
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from tests.factories import delegate, officer
from tests.services.test_cbm_notices import send_due
from tests.silence_setup import CIRCULATED_AT, REMINDED_AT, circulated, delegation

CIRCULATED, REMINDER = NotificationKind.SILENCE_CIRCULATED, NotificationKind.SILENCE_REMINDER


@pytest.fixture
def people(app_ctx, reference):
    return {
        "kaz": delegate(delegation("KAZ"), timezone="America/Bogota"),
        "kaz_away": delegate(delegation("KAZ"), active=False),
        "rus": delegate(delegation("RUS"), language="ru", timezone="UTC"),
        "chn": delegate(delegation("CHN")),
        "jpn": delegate(delegation("JPN")),  # an observer's
        "officer": officer(),
    }


def rows(kind: NotificationKind) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)
                                   .order_by(Notification.recipient_id)))


def test_every_member_delegation_is_told_once_and_no_observer(people, outbox):
    officer_ = people["officer"]
    decision = circulated(officer_)
    told = rows(CIRCULATED)
    assert {r.recipient_id for r in told} == {people[k].id for k in ("kaz", "rus", "chn")}
    assert {(r.due_at, r.status) for r in told} == {(CIRCULATED_AT, NotificationStatus.PENDING)}
    assert outbox == []  # nothing is sent in the circulating request
    circulations = db.session.scalars(select(SilenceCirculation).where(SilenceCirculation.decision_id == decision.id))
    reached = {c.delegation_id: c.as_member for c in circulations}
    assert reached[delegation("KAZ").id] is True and delegation("JPN").id not in reached
    assert all(reached.values()) and len(reached) >= 28
    # Circulating again is refused, and the dispatcher keeps running: each person gets one mail.
    with pytest.raises(RuleViolations):
        circulate(officer_, decision, today=CIRCULATED_AT.date())
    for minutes in (1, 2):
        send_due(CIRCULATED_AT + timedelta(minutes=minutes))
    mails = [m for m in outbox if "SOC/2027/DEC/1" in m["Subject"]]
    assert sorted(m["To"] for m in mails) == sorted(people[k].email for k in ("kaz", "rus", "chn"))
    assert all(r.status == NotificationStatus.SENT for r in rows(CIRCULATED))


def test_the_mail_gives_both_times_both_titles_the_link_and_the_deadline_event(people, outbox):
    decision = circulated()
    send_due(CIRCULATED_AT + timedelta(minutes=1))
    mails = {m["To"]: m for m in outbox}
    english = mails[people["kaz"].email]
    body = english.get_body(("plain",)).get_content()
    assert english["Subject"] == "Silence procedure: SOC/2027/DEC/1 Venue of the next SOC"
    assert ("Silence ends at 23:59 on 12 March 2027, Astana time (13:59 on 12 March 2027 in your time, "
            "America/Bogota).") in body
    assert "Venue of the next SOC" in body and "Место проведения следующего КСДЛ" in body
    assert "adopted on 13 March 2027" in body and f"/decisions/{decision.id}" in body
    [ics] = [part for part in english.iter_attachments() if part.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics.get_content() if isinstance(ics.get_content(), str)
                               else ics.get_content().decode()).walk("VEVENT")[0]
    assert str(event["UID"]) == f"silence-{decision.id}@cica.example"
    assert event.decoded("DTEND") == datetime(2027, 3, 12, 19, 0, tzinfo=UTC)  # 24:00 in Astana
    assert event.decoded("DTSTART") == datetime(2027, 3, 12, 18, 0, tzinfo=UTC)
    russian = mails[people["rus"].email]
    text = russian.get_body(("plain",)).get_content()
    assert "Процедура молчания" in russian["Subject"]
    assert "23:59 12 марта 2027, по времени Астаны (18:59 12 марта 2027 по вашему времени, UTC)" in text


def test_an_observer_the_secretariat_chose_is_told_for_information(people, outbox):
    circulated(observers=("JPN",))
    assert people["jpn"].id in {r.recipient_id for r in rows(CIRCULATED)}
    send_due(CIRCULATED_AT + timedelta(minutes=1))
    body = next(m for m in outbox if m["To"] == people["jpn"].email).get_body(("plain",)).get_content()
    assert "for information: observers take no part" in body and "break silence" not in body


def test_a_member_cannot_be_chosen_as_an_observer(people):
    with pytest.raises(RuleViolations) as refused:
        circulated(observers=("RUS",))
    assert [v.field for v in refused.value.violations] == ["observers"]
    assert rows(CIRCULATED) == []


def test_the_members_are_reminded_three_mornings_before_unless_silence_is_broken(people, outbox):
    circulated()
    reminders = rows(REMINDER)
    assert {r.recipient_id for r in reminders} == {people[k].id for k in ("kaz", "rus", "chn")}
    assert {r.due_at for r in reminders} == {REMINDED_AT}
    send_due(REMINDED_AT - timedelta(minutes=1))
    assert not any("ends soon" in m["Subject"] for m in outbox)
    send_due(REMINDED_AT + timedelta(minutes=1))
    assert sorted(m["To"] for m in outbox if "ends soon" in m["Subject"]) == sorted(
        people[k].email for k in ("kaz", "chn"))
    assert any("скоро заканчивается" in m["Subject"] for m in outbox if m["To"] == people["rus"].email)


def test_no_reminder_once_silence_is_broken(people, outbox):
    decision = circulated()
    break_silence(people["chn"], decision, BreakSilenceData(text="We object."), now=REMINDED_AT - timedelta(days=1))
    assert decision.status == DecisionStatus.STOPPED
    send_due(REMINDED_AT + timedelta(minutes=1))
    assert not any("ends soon" in m["Subject"] for m in outbox)
    assert {r.status for r in rows(REMINDER)} == {NotificationStatus.CANCELLED}


def test_the_reminders_sent_are_on_the_timeline(people, app_ctx):
    from freezegun import freeze_time

    from tests.silence_setup import client_of
    from tests.visible_text import visible_text

    decision = circulated()
    send_due(REMINDED_AT + timedelta(minutes=1))
    with freeze_time(REMINDED_AT + timedelta(hours=1)):
        page = client_of(app_ctx, people["kaz"]).get(f"/decisions/{decision.id}").get_data(as_text=True)
    text = visible_text(page, "en")
    text = text[text.index("Timeline of the silence procedure"):]
    assert "Reminder sent to 3 people" in text
    assert text.index("Circulated to") < text.index("Reminder sent to") < text.index("Silence ends at 23:59")
