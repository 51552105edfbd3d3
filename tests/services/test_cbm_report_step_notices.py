"""Coordinators are told when the Secretariat reopens their report (with the reason)
or publishes it: a notice row per coordinator written in the step's own transaction
(nothing when the step is refused), mailed once by the dispatcher, in each
recipient's language; a publication reopened before it is mailed is not announced."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from secretariat_app.cbm.models import ReportStatus
from secretariat_app.cbm.services import reports as service
from secretariat_app.domain.cbm_reports import StateConflict
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification, NotificationKind, NotificationStatus
from tests import cbm_builders as build
from tests.services.test_cbm_notices import send_due

REOPENED, PUBLISHED = NotificationKind.REPORT_REOPENED, NotificationKind.REPORT_PUBLISHED
# Before the report falls due (20 December): no deadline notice goes out meanwhile.
NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


@pytest.fixture
def cast(app_ctx):
    return build.cbm_cast()


@pytest.fixture
def submitted(cast):
    return build.annual_report(cast.area, 2026, due=date(2026, 12, 20), status=ReportStatus.SUBMITTED)


def rows(report, kind) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(
        Notification.kind == kind, Notification.subject_id == report.id).order_by(Notification.due_at,
                                                                                 Notification.recipient_id)))


def test_a_reopening_tells_each_coordinator_why_once(cast, submitted, outbox):
    russian = build.coordinator_user(cast.area, language="ru")
    outsider = build.coordinator_user(build.area("ict"))
    with freeze_time(NOW):
        service.reopen_report(cast.officer, submitted, "The participant count of the forum is missing.", now=NOW)
    pending = rows(submitted, REOPENED)
    assert {(r.recipient_id, r.due_at, r.status) for r in pending} == {
        (cast.coordinator.id, NOW, NotificationStatus.PENDING), (russian.id, NOW, NotificationStatus.PENDING)}
    for minutes in (1, 2):  # the dispatcher keeps running: each notice goes once
        send_due(NOW + timedelta(minutes=minutes))
    mails = {m["To"]: m for m in outbox}
    assert len(outbox) == 2 and set(mails) == {cast.coordinator.email, russian.email}
    assert outsider.email not in mails
    english = mails[cast.coordinator.email]
    assert "has been reopened for correction" in english["Subject"]
    body = english.get_body(("plain",)).get_content()
    assert "The participant count of the forum is missing." in body and f"/cbm/reports/{submitted.id}" in body
    in_russian = mails[russian.email]
    assert "открыт для исправления" in in_russian["Subject"]
    assert "Причина, указанная Секретариатом: The participant count of the forum is missing." in \
        in_russian.get_body(("plain",)).get_content()
    assert all(r.status == NotificationStatus.SENT for r in rows(submitted, REOPENED))


def test_each_reopening_carries_its_own_reason(cast, submitted, outbox):
    later = NOW + timedelta(days=2)
    service.reopen_report(cast.officer, submitted, "First: the venue is wrong.", now=NOW)
    service.submit_report(cast.coordinator, submitted, now=NOW + timedelta(days=1))
    service.reopen_report(cast.officer, submitted, "Second: the outcome is missing.", now=later)
    assert [r.due_at for r in rows(submitted, REOPENED)] == [NOW, later]
    send_due(later + timedelta(minutes=1))
    bodies = sorted((m.get_body(("plain",)).get_content() for m in outbox), key=lambda b: "Second" in b)
    assert len(bodies) == 2
    assert "First: the venue is wrong." in bodies[0] and "Second" not in bodies[0]
    assert "Second: the outcome is missing." in bodies[1] and "First" not in bodies[1]


def test_a_refused_step_queues_nothing(cast, app_ctx, outbox):
    draft = build.annual_report(cast.area, 2026, due=date(2026, 12, 20))
    with pytest.raises(StateConflict):
        service.reopen_report(cast.officer, draft, "Nothing to reopen.", now=NOW)
    with pytest.raises(StateConflict):
        service.publish_report(cast.officer, draft, now=NOW)
    assert rows(draft, REOPENED) == [] and rows(draft, PUBLISHED) == []
    send_due(NOW + timedelta(minutes=1))
    assert outbox == []


def test_a_publication_is_announced_to_the_coordinators(cast, submitted, outbox):
    service.publish_report(cast.officer, submitted, now=NOW)
    assert [r.recipient_id for r in rows(submitted, PUBLISHED)] == [cast.coordinator.id]
    send_due(NOW + timedelta(minutes=1))
    send_due(NOW + timedelta(minutes=2))
    [mail] = outbox
    assert mail["To"] == cast.coordinator.email and "has been published" in mail["Subject"]
    assert "observers may read it now" in mail.get_body(("plain",)).get_content()


def test_a_publication_reopened_before_it_is_mailed_is_not_announced(cast, submitted, outbox):
    service.publish_report(cast.officer, submitted, now=NOW)
    service.reopen_report(cast.officer, submitted, "Published too early.", now=NOW + timedelta(seconds=30))
    send_due(NOW + timedelta(minutes=1))
    assert [m["Subject"] for m in outbox] == [
        "CICA: the 2026 implementation report on Area smes has been reopened for correction"]
    [published] = rows(submitted, PUBLISHED)
    assert published.status == NotificationStatus.CANCELLED and "reopened" in published.last_error


def test_a_coordinator_who_turned_the_notice_off_is_not_mailed(cast, submitted, outbox):
    cast.coordinator.mail_opt_out = [REOPENED.value]
    db.session.commit()
    service.reopen_report(cast.officer, submitted, "A correction.", now=NOW)
    assert rows(submitted, REOPENED) == []
    send_due(NOW + timedelta(minutes=1))
    assert outbox == []
