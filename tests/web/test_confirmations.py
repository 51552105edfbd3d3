"""Submitting a CBM report and deleting a draft document take a second step: the
page's button opens a confirmation page; only its own button (confirmed=yes) acts.
Works without JavaScript; a POST without the confirmation changes nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import CbmAnnualReport, ReportStatus
from secretariat_app.documents.models import Document
from secretariat_app.extensions import db
from tests import cbm_builders as build
from tests.conftest import csrf_token, post_form
from tests.documents_setup import counts, make_document
from tests.web.test_cbm_reports import client_of, refresh


@pytest.fixture
def cast(app_ctx):
    return build.cbm_cast()


@pytest.fixture
def draft(cast):
    build.activity(cast.plan, start=date(2026, 5, 10), title="SME forum")
    build.activity(cast.plan, start=date(2026, 9, 14), title="SME workshop")
    return build.annual_report(cast.area, 2026, due=date(2026, 11, 20))


def _audited(action: str) -> int:
    db.session.rollback()
    return len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all())


def test_the_report_page_asks_before_submitting(app_ctx, cast, draft):
    client = client_of(app_ctx, cast.coordinator)
    report_page = client.get(f"/cbm/reports/{draft.id}").get_data(as_text=True)
    assert f'href="/cbm/reports/{draft.id}/submit"' in report_page  # a link to the question, not a form that acts
    page = client.get(f"/cbm/reports/{draft.id}/submit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Submit the implementation report for 2026 to the Secretariat?" in html
    assert "2 activities of the year are not reported yet." in html
    assert 'name="confirmed" value="yes"' in html and f'href="/cbm/reports/{draft.id}"' in html
    # A POST without the confirmation (the old one-click form, a stray request) is asked again.
    again = post_form(client, f"/cbm/reports/{draft.id}/submit", {}, page=f"/cbm/reports/{draft.id}")
    assert again.status_code == 200 and "Yes, submit the report" in again.get_data(as_text=True)
    assert refresh(CbmAnnualReport, draft.id).status == ReportStatus.DRAFT and _audited("cbm_report.submit") == 0
    done = post_form(client, f"/cbm/reports/{draft.id}/submit", {"confirmed": "yes"}, page=f"/cbm/reports/{draft.id}")
    assert done.status_code == 302
    assert refresh(CbmAnnualReport, draft.id).status == ReportStatus.SUBMITTED and _audited("cbm_report.submit") == 1
    # Submitted: the question is not asked again (409, locked).
    assert client.get(f"/cbm/reports/{draft.id}/submit").status_code == 409


def test_the_confirmation_is_refused_to_whoever_may_not_submit(app_ctx, cast, draft):
    other = build.coordinator_user(build.area("ict"))
    assert client_of(app_ctx, other).get(f"/cbm/reports/{draft.id}/submit").status_code == 404
    member = client_of(app_ctx, cast.member)
    assert member.get(f"/cbm/reports/{draft.id}/submit").status_code == 404  # a draft they may not read
    token = csrf_token(member, "/auth/password")
    response = member.post(f"/cbm/reports/{draft.id}/submit", data={"csrf_token": token, "confirmed": "yes"})
    assert response.status_code == 404
    assert refresh(CbmAnnualReport, draft.id).status == ReportStatus.DRAFT


def test_the_confirmation_needs_the_csrf_token(app_ctx, cast, draft):
    client = client_of(app_ctx, cast.coordinator)
    assert client.post(f"/cbm/reports/{draft.id}/submit", data={"confirmed": "yes"}).status_code == 400
    assert refresh(CbmAnnualReport, draft.id).status == ReportStatus.DRAFT


def test_deleting_a_draft_is_asked_first(client, login, world):
    draft = make_document(world)
    draft_id = draft.id
    login(world.officer)
    detail = client.get(f"/documents/{draft.id}").get_data(as_text=True)
    assert f'href="/documents/{draft.id}/delete"' in detail
    page = client.get(f"/documents/{draft.id}/delete")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"Delete the draft {draft.symbol}?" in html and "cannot be undone" in html
    before = counts()
    again = post_form(client, f"/documents/{draft.id}/delete", {}, page=f"/documents/{draft.id}")
    assert again.status_code == 200 and "Yes, delete the draft" in again.get_data(as_text=True)
    assert counts() == before
    done = post_form(client, f"/documents/{draft.id}/delete", {"confirmed": "yes"}, page=f"/documents/{draft.id}")
    assert done.status_code == 302
    assert _audited("document.delete") == 1 and db.session.get(Document, draft_id) is None


def test_the_delete_question_in_russian_and_refused_to_delegates(client, login, world):
    draft = make_document(world)
    world.officer.language = "ru"
    db.session.commit()
    login(world.officer)
    html = client.get(f"/documents/{draft.id}/delete").get_data(as_text=True)
    assert f"Удалить проект {draft.symbol}?" in html and "Да, удалить проект" in html
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, f"/documents/{draft.id}")})
    login(world.a1)
    assert client.get(f"/documents/{draft.id}/delete").status_code == 403
    assert db.session.get(Document, draft.id) is not None
