"""The activity and report pages: who may read and act (both ways), the forms
and their refusals, the locked report (409), the due time on each reader's
clock, and the attachments' downloads."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import (
    CbmActivity,
    CbmActivityReport,
    CbmAnnualReport,
    CbmAttachment,
    ReportStatus,
)
from secretariat_app.cbm.services import reports as service
from secretariat_app.extensions import db
from tests import cbm_builders as build
from tests.conftest import log_in, post_form
from tests.form_errors import error_fields

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def cast(app_ctx):
    return build.cbm_cast()


@pytest.fixture
def draft(cast):
    """The 2026 report of the area, a draft, with one activity planned and one reported."""
    reported = build.activity(cast.plan, start=date(2026, 5, 10), title="SME forum")
    build.activity(cast.plan, start=date(2026, 9, 14), title="SME workshop")
    report = build.annual_report(cast.area, 2026, due=date(2026, 11, 20))
    build.activity_report(reported, report, participants=40, states=[cast.coordinator.delegation.state])
    return report


def client_of(app, user):
    client = app.test_client()
    log_in(client, user.email)
    return client


def refresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def report_form(**overrides) -> dict:
    values = {"held_on": "2026-09-14", "held_until": "", "venue": "Baku", "participating_states": [],
              "participant_count": "30", "outcome_en": "Training delivered.", "outcome_ru": ""}
    values.update(overrides)
    return values


# Reading: who sees which report --------------------------------------------------------------

def test_a_draft_is_read_by_its_coordinators_and_the_secretariat_only(app_ctx, cast, draft):
    url = f"/cbm/reports/{draft.id}"
    for reader in (cast.coordinator, cast.officer):
        page = client_of(app_ctx, reader).get(url)
        assert page.status_code == 200 and "SME forum" in page.get_data(as_text=True)
    other_coordinator = build.coordinator_user(build.area("ict"))
    for outsider in (cast.member, cast.observer, other_coordinator):
        assert client_of(app_ctx, outsider).get(url).status_code == 404  # its existence does not leak


def test_members_read_a_submitted_report_and_observers_only_a_published_one(app_ctx, cast, draft):
    url = f"/cbm/reports/{draft.id}"
    service.submit_report(cast.coordinator, draft)
    member, observer = client_of(app_ctx, cast.member), client_of(app_ctx, cast.observer)
    assert member.get(url).status_code == 200
    assert observer.get(url).status_code == 404
    service.publish_report(cast.officer, draft)
    page = observer.get(url)
    assert page.status_code == 200 and "SME forum" in page.get_data(as_text=True)


def test_the_area_section_lists_only_the_reports_a_reader_may_read(app_ctx, cast, draft):
    submitted = build.annual_report(cast.area, 2025, due=date(2025, 11, 15), status=ReportStatus.SUBMITTED)
    member_view = client_of(app_ctx, cast.member).get(f"/cbm/areas/{cast.area.id}/reports").get_data(as_text=True)
    assert f'data-report="{submitted.id}"' in member_view and f'data-report="{draft.id}"' not in member_view
    assert "Open the annual report for" not in member_view and "Plan an activity" not in member_view
    own = client_of(app_ctx, cast.coordinator).get(f"/cbm/areas/{cast.area.id}").get_data(as_text=True)
    assert 'id="area-reports"' in own  # the section on the area's page
    assert f'data-report="{draft.id}"' in own and "Plan an activity" in own and "Open the annual report for" in own


# Activities ------------------------------------------------------------------------------------

def activity_form(cast, **overrides) -> dict:
    values = {"title_en": "Workshop on e-commerce", "title_ru": "", "activity_type": "workshop",
              "planned_start": "2026-10-05", "planned_end": "2026-10-06", "venue": "Tashkent", "host_state": "",
              "responsible_state": str(cast.coordinator.delegation.state_id)}
    values.update(overrides)
    return values


def test_a_coordinator_plans_an_activity_and_dates_outside_the_plan_are_refused(app_ctx, cast):
    client = client_of(app_ctx, cast.coordinator)
    url = f"/cbm/plans/{cast.plan.id}/activities/new"
    page = post_form(client, url, activity_form(cast, planned_start="2029-01-10", planned_end="2029-01-11"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and error_fields(html) == ["planned_start"]
    assert "2025-01-01 to 2027-12-31" in html and count(CbmActivity) == 0
    response = post_form(client, url, activity_form(cast))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cbm/areas/{cast.area.id}#area-reports")
    activity = db.session.scalar(select(CbmActivity))
    assert (activity.title_en, activity.planned_start) == ("Workshop on e-commerce", date(2026, 10, 5))


def test_nobody_but_the_areas_coordinators_and_the_secretariat_plans_or_edits(app_ctx, cast):
    activity = build.activity(cast.plan)
    other_coordinator = build.coordinator_user(build.area("ict"))
    urls = [f"/cbm/plans/{cast.plan.id}/activities/new", f"/cbm/activities/{activity.id}/edit"]
    for outsider in (cast.member, other_coordinator):
        client = client_of(app_ctx, outsider)
        for url in urls:
            assert client.get(url).status_code == 403, url
        changed = post_form(client, urls[1], activity_form(cast, venue="Elsewhere"), page="/auth/password")
        assert changed.status_code == 403
        assert post_form(client, f"/cbm/activities/{activity.id}/delete", {}, page="/auth/password").status_code == 403
    assert client_of(app_ctx, cast.observer).get(urls[0]).status_code == 404  # observers do not read plans
    assert refresh(CbmActivity, activity.id).venue == "Astana"
    officer = client_of(app_ctx, cast.officer)
    assert post_form(officer, urls[1], activity_form(cast, venue="Almaty")).status_code == 302
    assert refresh(CbmActivity, activity.id).venue == "Almaty"


def test_a_reported_activity_is_not_edited_or_removed(app_ctx, cast, draft):
    reported = db.session.scalar(select(CbmActivity).where(CbmActivity.title_en == "SME forum"))
    client = client_of(app_ctx, cast.coordinator)
    assert client.get(f"/cbm/activities/{reported.id}/edit").status_code == 409
    assert post_form(client, f"/cbm/activities/{reported.id}/delete", {}, page="/auth/password").status_code == 409
    assert refresh(CbmActivity, reported.id) is not None


# Opening a report --------------------------------------------------------------------------------

def test_a_coordinator_opens_a_report_and_a_second_one_is_a_conflict(app_ctx, cast):
    client = client_of(app_ctx, cast.coordinator)
    url = f"/cbm/areas/{cast.area.id}/reports/new"
    response = post_form(client, url, {"year": "2026"})
    report = db.session.scalar(select(CbmAnnualReport))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cbm/reports/{report.id}")
    again = post_form(client, url, {"year": "2026"})
    assert again.status_code == 409 and "exists already" in again.get_data(as_text=True)
    no_plan = post_form(client, url, {"year": "2030"})
    assert no_plan.status_code == 200 and "no approved action plan covering 2030" in no_plan.get_data(as_text=True)
    assert count(CbmAnnualReport) == 1


def test_a_member_or_another_areas_coordinator_cannot_open_a_report(app_ctx, cast):
    for outsider in (cast.member, build.coordinator_user(build.area("ict"))):
        client = client_of(app_ctx, outsider)
        assert post_form(client, f"/cbm/areas/{cast.area.id}/reports/new", {"year": "2026"},
                         page="/auth/password").status_code == 403
    assert count(CbmAnnualReport) == 0


# Writing what happened -----------------------------------------------------------------------------

def workshop(draft) -> CbmActivity:
    return db.session.scalar(select(CbmActivity).where(CbmActivity.title_en == "SME workshop"))


def test_a_coordinator_reports_an_activity_and_bad_input_is_refused(app_ctx, cast, draft):
    client = client_of(app_ctx, cast.coordinator)
    url = f"/cbm/reports/{draft.id}/activities/{workshop(draft).id}"
    observer_state = build.member_state(MembershipStatus.OBSERVER)
    member_state = build.member_state()
    page = post_form(client, url, report_form(participant_count="-4",
                                              participating_states=[str(observer_state.id), str(member_state.id)]))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and sorted(error_fields(html)) == ["participant_count", "participating_states"]
    assert "cannot be negative" in html and observer_state.name_en in html
    assert count(CbmActivityReport) == 1  # only the fixture's
    response = post_form(client, url, report_form(participating_states=[str(member_state.id)]))
    assert response.status_code == 302
    row = refresh(CbmActivity, workshop(draft).id).report
    assert (row.participant_count, [s.id for s in row.participating_states]) == (30, [member_state.id])
    page = client.get(f"/cbm/reports/{draft.id}").get_data(as_text=True)
    assert "Training delivered." in page and 'data-participants="30"' in page


def test_others_cannot_write_an_activity_report(app_ctx, cast, draft):
    url = f"/cbm/reports/{draft.id}/activities/{workshop(draft).id}"
    assert post_form(client_of(app_ctx, build.coordinator_user(build.area("ict"))), url, report_form(),
                     page="/auth/password").status_code == 404
    service.submit_report(cast.coordinator, draft)
    member = client_of(app_ctx, cast.member)  # may read it now, never write it
    assert member.get(f"/cbm/reports/{draft.id}").status_code == 200
    assert post_form(member, url, report_form(), page="/auth/password").status_code == 403
    assert post_form(member, f"/cbm/reports/{draft.id}/submit", {}, page="/auth/password").status_code == 403
    assert count(CbmActivityReport) == 1


# The steps of a report -----------------------------------------------------------------------------

def test_submission_locks_the_report_with_409_saying_the_secretariat_must_reopen(app_ctx, cast, draft):
    client = client_of(app_ctx, cast.coordinator)
    assert post_form(client, f"/cbm/reports/{draft.id}/submit", {"confirmed": "yes"},
                     page=f"/cbm/reports/{draft.id}").status_code == 302
    assert refresh(CbmAnnualReport, draft.id).status == ReportStatus.SUBMITTED
    url = f"/cbm/reports/{draft.id}/activities/{workshop(draft).id}"
    for response in (client.get(url), post_form(client, url, report_form(), page="/auth/password"),
                     client.get(f"/cbm/reports/{draft.id}/summary")):
        assert response.status_code == 409
        assert "ask the Secretariat to reopen it" in response.get_data(as_text=True)
    assert count(CbmActivityReport) == 1


def test_a_draft_cannot_be_published_and_only_officers_publish(app_ctx, cast, draft):
    officer = client_of(app_ctx, cast.officer)
    response = post_form(officer, f"/cbm/reports/{draft.id}/publish", {}, page=f"/cbm/reports/{draft.id}")
    assert response.status_code == 409 and "submits the report first" in response.get_data(as_text=True)
    service.submit_report(cast.coordinator, draft)
    coordinator = client_of(app_ctx, cast.coordinator)
    assert post_form(coordinator, f"/cbm/reports/{draft.id}/publish", {},
                     page="/auth/password").status_code == 403
    assert refresh(CbmAnnualReport, draft.id).status == ReportStatus.SUBMITTED
    published = post_form(officer, f"/cbm/reports/{draft.id}/publish", {}, page=f"/cbm/reports/{draft.id}")
    assert published.status_code == 302
    assert refresh(CbmAnnualReport, draft.id).status == ReportStatus.PUBLISHED


def test_an_officer_reopens_with_a_reason_shown_on_the_page(app_ctx, cast, draft):
    service.submit_report(cast.coordinator, draft)
    officer = client_of(app_ctx, cast.officer)
    url = f"/cbm/reports/{draft.id}/reopen"
    page = post_form(officer, url, {"reason": ""})
    assert page.status_code == 200 and error_fields(page.get_data(as_text=True)) == ["reason"]
    assert post_form(officer, url, {"reason": "The workshop was held after all."}).status_code == 302
    report = refresh(CbmAnnualReport, draft.id)
    assert (report.status, report.reopened_count) == (ReportStatus.DRAFT, 1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cbm_report.reopen"))
    assert entry.actor_id == cast.officer.id and entry.after["reason"] == "The workshop was held after all."
    html = client_of(app_ctx, cast.coordinator).get(f"/cbm/reports/{draft.id}").get_data(as_text=True)
    assert 'data-reopened="1"' in html and "The workshop was held after all." in html
    assert client_of(app_ctx, cast.coordinator).get(url).status_code == 403  # the Secretariat's step


# Deadlines on each reader's clock -----------------------------------------------------------------

def test_coordinators_in_tokyo_and_new_york_see_the_same_instant(app_ctx, cast, draft):
    tokyo = build.coordinator_user(cast.area, timezone="Asia/Tokyo")
    new_york = build.coordinator_user(cast.area, timezone="America/New_York")
    instant = "2026-11-20T19:00:00+00:00"  # the end of 20 November in Astana (UTC+5)
    pages = {who.timezone: client_of(app_ctx, who).get(f"/cbm/reports/{draft.id}").get_data(as_text=True)
             for who in (tokyo, new_york)}
    for zone, html in pages.items():
        assert f'<time datetime="{instant}">' in html
        assert "by the end of 20 November 2026, Astana time (Asia/Almaty)" in html
        assert f"your time ({zone})" in html
    assert "21 November 2026, 04:00" in pages["Asia/Tokyo"]
    assert "20 November 2026, 14:00" in pages["America/New_York"]


def test_an_officer_moves_the_due_day_and_others_may_not(app_ctx, cast, draft):
    officer = client_of(app_ctx, cast.officer)
    assert 'value="2026-11-20"' in officer.get(f"/cbm/reports/{draft.id}/due").get_data(as_text=True)
    assert post_form(officer, f"/cbm/reports/{draft.id}/due", {"due_day": "2026-12-01"}).status_code == 302
    assert refresh(CbmAnnualReport, draft.id).due_at == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    coordinator = client_of(app_ctx, cast.coordinator)
    assert coordinator.get(f"/cbm/reports/{draft.id}/due").status_code == 403


# Attachments ------------------------------------------------------------------------------------------

def test_an_attachment_is_uploaded_and_downloaded_only_by_readers(app_ctx, cast, draft):
    row = db.session.scalar(select(CbmActivityReport))
    coordinator = client_of(app_ctx, cast.coordinator)
    url = f"/cbm/activity-reports/{row.id}/attachments/new"
    response = post_form(coordinator, url, {"file": (io.BytesIO(PDF), "programme.pdf")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    attachment = db.session.scalar(select(CbmAttachment))
    download = f"/cbm/attachments/{attachment.id}"
    got = coordinator.get(download)
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment") and "programme.pdf" in got.headers[
        "Content-Disposition"]
    member = client_of(app_ctx, cast.member)
    assert member.get(download).status_code == 404  # the draft is not theirs to read
    service.submit_report(cast.coordinator, draft)
    assert member.get(download).status_code == 200  # checked again on every request
    assert post_form(coordinator, f"/cbm/attachments/{attachment.id}/delete", {},
                     page="/auth/password").status_code == 409
    assert count(CbmAttachment) == 1


def test_the_pages_are_in_the_readers_language(app_ctx, cast, draft):
    russian = build.coordinator_user(cast.area, language="ru", timezone="Europe/Moscow")
    client = client_of(app_ctx, russian)
    row = db.session.scalar(select(CbmActivityReport))
    pages = [f"/cbm/reports/{draft.id}", f"/cbm/areas/{cast.area.id}/reports",
             f"/cbm/plans/{cast.plan.id}/activities/new", f"/cbm/reports/{draft.id}/activities/{workshop(draft).id}",
             f"/cbm/activity-reports/{row.id}/attachments/new", f"/cbm/areas/{cast.area.id}/reports/new"]
    for url in pages:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert '<html lang="ru">' in html, url
    report = client.get(f"/cbm/reports/{draft.id}").get_data(as_text=True)
    assert cast.area.name_ru in report and "SME forum (ru)" in report  # the Russian title of the activity
    assert "(Europe/Moscow)" in report  # the due instant on the reader's clock too
