"""The notice pages name a CBM report deadline notice by its report (year and
area) and link to the report's page, not "cbm_report #id"."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from secretariat_app.extensions import db
from secretariat_app.notices.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from tests import cbm_builders as build
from tests.conftest import log_in

DUE = datetime(2026, 10, 21, 19, 0, tzinfo=UTC)


def notice(user, report, status: NotificationStatus) -> Notification:
    row = Notification(kind=NotificationKind.REPORT_DEADLINE, subject_type="cbm_report", subject_id=report.id,
                       recipient_id=user.id, due_at=DUE, status=status, attempts=0, last_error="")
    if status == NotificationStatus.FAILED:
        row.attempts, row.last_error = 6, "451 4.3.0 try later"
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def deadline(app_ctx):
    cast = build.cbm_cast("tourism")
    cast.area.name_en = "Tourism"
    db.session.commit()
    report = build.annual_report(cast.area, 2026, due=date(2026, 11, 20))
    return cast, report


def page(app, user, url: str) -> str:
    client = app.test_client()
    log_in(client, user.email)
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_failed_notices_page_names_and_links_the_report(app, deadline):
    cast, report = deadline
    notice(cast.coordinator, report, NotificationStatus.FAILED)
    html = page(app, cast.officer, "/notices/failed")
    assert f'<a href="/cbm/reports/{report.id}">Implementation report for 2026: Tourism</a>' in html
    assert f"cbm_report #{report.id}" not in html


def test_my_notices_names_and_links_the_report(app, deadline):
    cast, report = deadline
    notice(cast.coordinator, report, NotificationStatus.PENDING)
    html = page(app, cast.coordinator, "/my/notices/")
    assert f'<a href="/cbm/reports/{report.id}">Implementation report for 2026: Tourism</a>' in html
    assert f"cbm_report #{report.id}" not in html
    assert page(app, cast.coordinator, f"/cbm/reports/{report.id}")  # the link leads to a page they may read


def test_no_link_to_a_draft_the_reader_may_no_longer_read(app, deadline):
    cast, report = deadline
    former = build.member_delegate()  # told once, never a coordinator of the area now
    notice(former, report, NotificationStatus.SENT)
    html = page(app, former, "/my/notices/")
    assert "Implementation report for 2026: Tourism" in html
    assert f'href="/cbm/reports/{report.id}"' not in html
