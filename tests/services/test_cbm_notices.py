"""Report deadlines as notification rows: reminders 30 and 7 days before a
draft report is due and one chaser after it, kept in step with the due time
and the report's status; the mail they become, in English and Russian."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale, ngettext
from freezegun import freeze_time
from sqlalchemy import select

from secretariat_app.cbm.models import CbmCoordinatorUser, ReportStatus
from secretariat_app.cbm.services import notices as cbm_notices
from secretariat_app.cbm.services import reports as service
from secretariat_app.extensions import db
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from secretariat_app.notices.services import dispatch, rendering
from tests import cbm_builders as build

UTC = UTC
KIND = NotificationKind.REPORT_DEADLINE
PENDING, SENT, CANCELLED = NotificationStatus.PENDING, NotificationStatus.SENT, NotificationStatus.CANCELLED
DUE = datetime(2026, 11, 15, 19, 0, tzinfo=UTC)  # the end of 15 November in Astana (the default)
REMIND_30, REMIND_7, CHASE = DUE - timedelta(days=30), DUE - timedelta(days=7), DUE + timedelta(minutes=1)
BASE = "http://127.0.0.1:5000"


@pytest.fixture
def cast(app_ctx):
    return build.cbm_cast()


def rows(report, status=None) -> list[Notification]:
    query = select(Notification).where(Notification.kind == KIND, Notification.subject_type == "cbm_report",
                                       Notification.subject_id == report.id)
    if status is not None:
        query = query.where(Notification.status == status)
    return list(db.session.scalars(query.order_by(Notification.recipient_id, Notification.due_at)))


def schedule(report, status=PENDING) -> set[tuple[int, datetime]]:
    return {(r.recipient_id, r.due_at) for r in rows(report, status)}


def send_due(now: datetime) -> list[int]:
    """One dispatch at `now`, delivered in this process; returns the ids sent."""
    sent: list[int] = []

    def deliver(pairs):
        outcomes = dispatch.deliver_batch(pairs)
        sent.extend(i for i, outcome in outcomes.items() if outcome == "sent")

    with freeze_time(now):
        dispatch.dispatch(deliver, now, per_task=50)
    return sent


def parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


# Queued with the report -----------------------------------------------------------------

@freeze_time("2026-09-01 08:00:00")
def test_opening_a_report_queues_two_reminders_and_a_chaser_per_coordinator(cast):
    second = build.coordinator_user(cast.area)
    report = service.open_report(cast.coordinator, cast.area, 2026)
    expected = {(who.id, at) for who in (cast.coordinator, second) for at in (REMIND_30, REMIND_7, CHASE)}
    assert schedule(report) == expected
    # Nobody else: not the member delegate, not the officer who could also write it.
    assert {r.recipient_id for r in rows(report)} == {cast.coordinator.id, second.id}


@freeze_time("2026-11-10 08:00:00")
def test_a_report_opened_late_gets_only_what_is_still_ahead(cast):
    report = service.open_report(cast.officer, cast.area, 2026)
    assert schedule(report) == {(cast.coordinator.id, CHASE)}


@freeze_time("2026-09-01 08:00:00")
def test_changing_the_due_day_moves_the_pending_rows(cast):
    report = service.open_report(cast.officer, cast.area, 2026)
    ids = {r.id for r in rows(report)}
    service.set_due(cast.officer, report, date(2026, 12, 1))
    new_due = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    assert schedule(report) == {(cast.coordinator.id, new_due - timedelta(days=30)),
                                (cast.coordinator.id, new_due - timedelta(days=7)),
                                (cast.coordinator.id, new_due + timedelta(minutes=1))}
    assert {r.id for r in rows(report)} == ids  # moved, not added


@freeze_time("2026-09-01 08:00:00")
def test_submitting_cancels_the_pending_rows_and_reopening_queues_them_again(cast):
    report = service.open_report(cast.coordinator, cast.area, 2026)
    service.submit_report(cast.coordinator, report)
    assert schedule(report) == set() and len(rows(report, CANCELLED)) == 3
    with freeze_time("2026-10-20 08:00:00"):  # after the 30-day reminder's time
        service.reopen_report(cast.officer, report, "Add the autumn workshop.")
        assert schedule(report) == {(cast.coordinator.id, REMIND_7), (cast.coordinator.id, CHASE)}
    assert rows(report, CANCELLED)[0].due_at == REMIND_30  # a past reminder is not sent late


# The periodic task's service ------------------------------------------------------------

@freeze_time("2026-09-01 08:00:00")
def test_sync_all_writes_the_rows_of_a_coordinator_assigned_later_and_is_idempotent(cast):
    report = service.open_report(cast.coordinator, cast.area, 2026)
    later = build.coordinator_user(cast.area)
    assert cbm_notices.sync_all() == 3
    assert cbm_notices.sync_all() == 0
    assert {at for who, at in schedule(report) if who == later.id} == {REMIND_30, REMIND_7, CHASE}
    # Someone no longer assigned gets nothing more.
    db.session.delete(db.session.scalar(select(CbmCoordinatorUser).where(CbmCoordinatorUser.user_id == later.id)))
    db.session.commit()
    assert cbm_notices.sync_all() == 3
    assert {who for who, _at in schedule(report)} == {cast.coordinator.id}


def test_the_chaser_arrives_once_and_only_while_the_report_is_missing(cast, outbox):
    other_area = build.area("ict")
    other_coordinator = build.coordinator_user(other_area)
    build.paper(other_area)
    with freeze_time("2026-09-01 08:00:00"):
        late = service.open_report(cast.coordinator, cast.area, 2026)
        on_time = service.open_report(other_coordinator, other_area, 2026)
    for instant in (REMIND_30, REMIND_7):
        send_due(instant + timedelta(minutes=1))
    with freeze_time("2026-11-14 08:00:00"):
        service.submit_report(other_coordinator, on_time)
    after_due = CHASE + timedelta(minutes=5)
    for minutes in (0, 15, 30):  # the beat task and the dispatcher keep running
        with freeze_time(after_due + timedelta(minutes=minutes)):
            cbm_notices.sync_all()
        send_due(after_due + timedelta(minutes=minutes))
    chasers = [m for m in outbox if "overdue" in m["Subject"]]
    assert len(chasers) == 1 and chasers[0]["To"] == cast.coordinator.email
    assert [r.due_at for r in rows(late, SENT)] == [REMIND_30, REMIND_7, CHASE]
    assert [r.due_at for r in rows(on_time, SENT)] == [REMIND_30, REMIND_7]
    assert [r.due_at for r in rows(on_time, CANCELLED)] == [CHASE]
    assert not any(other_coordinator.email == m["To"] and "overdue" in m["Subject"] for m in outbox)


def test_a_notice_of_a_report_submitted_meanwhile_is_cancelled_not_sent(cast, outbox):
    with freeze_time("2026-09-01 08:00:00"):
        report = service.open_report(cast.coordinator, cast.area, 2026)
    # Submitted without the service (as if a dispatcher had already claimed the rows).
    report.status = ReportStatus.SUBMITTED
    db.session.commit()
    assert send_due(REMIND_30 + timedelta(minutes=1)) == []
    assert outbox == []
    row = rows(report)[0]
    assert row.status == CANCELLED and "submitted" in row.last_error


def test_a_reminder_that_would_arrive_after_the_due_time_is_dropped(cast, outbox):
    with freeze_time("2026-09-01 08:00:00"):
        report = service.open_report(cast.coordinator, cast.area, 2026)
    send_due(CHASE + timedelta(minutes=1))  # the dispatcher was down for weeks
    assert [m["Subject"] for m in outbox] == [
        f"CICA: the 2026 implementation report on {cast.area.name_en} is overdue"]
    assert [r.due_at for r in rows(report, CANCELLED)] == [REMIND_30, REMIND_7]


# The mail ------------------------------------------------------------------------------------

def notice_for(report, user, due_at: datetime) -> Notification:
    return db.session.scalar(select(Notification).where(
        Notification.subject_id == report.id, Notification.recipient_id == user.id, Notification.due_at == due_at,
        Notification.kind == KIND))


def test_the_reminder_in_english_in_the_readers_zone_and_astana_time(cast):
    tokyo = build.coordinator_user(cast.area, name="Haruki", timezone="Asia/Tokyo")
    new_york = build.coordinator_user(cast.area, name="Grace", timezone="America/New_York")
    build.activity(cast.plan)
    with freeze_time("2026-09-01 08:00:00"):
        report = service.open_report(cast.officer, cast.area, 2026)
    with freeze_time(REMIND_7):
        message = rendering.build(notice_for(report, tokyo, REMIND_7))
        other = rendering.build(notice_for(report, new_york, REMIND_7))
    text, html = parts(message)
    area = cast.area.name_en
    assert message["Subject"] == f"CICA: the 2026 implementation report on {area} is due in 7 days"
    assert "Dear Haruki," in text and "due in 7 days, by the end of 15 November 2026, Astana time" in text
    # One instant, on each reader's clock and on the Secretariat's.
    assert "16 November 2026, 04:00 (Asia/Tokyo)" in text
    assert "15 November 2026, 14:00 (America/New_York)" in parts(other)[0]
    for body in (text, parts(other)[0]):
        assert "15 November 2026, 24:00 (Asia/Almaty)" in body
    assert "Activities of the year not yet reported: 1 of 1." in text
    assert f"{BASE}/cbm/reports/{report.id}" in text and f'href="{BASE}/cbm/reports/{report.id}"' in html
    assert message["Message-ID"] == notice_for(report, tokyo, REMIND_7).message_id


def test_the_chaser_says_overdue(cast):
    with freeze_time("2026-09-01 08:00:00"):
        report = service.open_report(cast.officer, cast.area, 2026)
    with freeze_time(CHASE):
        message = rendering.build(notice_for(report, cast.coordinator, CHASE))
    text, html = parts(message)
    assert message["Subject"] == f"CICA: the 2026 implementation report on {cast.area.name_en} is overdue"
    assert "it is overdue" in text and "due in" not in text and "Overdue" in html


def test_the_reminder_in_russian(cast):
    russian = build.coordinator_user(cast.area, name="Иван", language="ru", timezone="Europe/Moscow")
    with freeze_time("2026-09-01 08:00:00"):
        report = service.open_report(cast.officer, cast.area, 2026)
    with freeze_time(REMIND_30):
        message = rendering.build(notice_for(report, russian, REMIND_30))
    text, html = parts(message)
    area = cast.area.name_ru
    with force_locale("ru"):
        expected = ngettext("CICA: the %(year)s implementation report on %(area)s is due in %(num)d day",
                            "CICA: the %(year)s implementation report on %(area)s is due in %(num)d days",
                            30, year=2026, area=area)
    assert message["Subject"] == expected and area in message["Subject"]
    assert cast.area.name_en not in text and area in text
    assert "15 ноября 2026, 24:00 (Asia/Almaty)" in text  # the date in Russian
    assert "15 ноября 2026, 22:00 (Europe/Moscow)" in text
    assert 'lang="ru"' in html


def test_a_former_coordinator_is_not_chased(cast):
    with freeze_time("2026-09-01 08:00:00"):
        report = service.open_report(cast.officer, cast.area, 2026)
        row = notice_for(report, cast.coordinator, REMIND_30)
        db.session.delete(db.session.scalar(select(CbmCoordinatorUser).where(
            CbmCoordinatorUser.user_id == cast.coordinator.id)))
        db.session.commit()
        with pytest.raises(rendering.NotDeliverable, match="no longer coordinates"):
            rendering.build(row)
