"""A CBM coordinator's work through the API, end to end: their areas, planning and changing
an activity, opening a year's report, its summary and submitting it, through the pages'
services with their audit entries; a broken rule a 422 and a locked report a 409, each
with the page's message."""
from __future__ import annotations

from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import CbmAnnualReport, ReportStatus
from secretariat_app.extensions import db
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.cbm_builders import area, cbm_cast

LOCKED = "This report has been submitted and is locked. To correct it, ask the Secretariat to reopen it."


def _cbm_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("cbm_%"))
                                   .order_by(AuditEntry.id)))


def test_a_coordinator_plans_reports_and_submits(app_ctx, client):
    k = cbm_cast()
    area("tourism")  # not theirs
    coordinator = bearer(token_for(k.coordinator, Scope.READ, Scope.REPORT), **{"Accept-Language": "en"})
    assert [a["code"] for a in client.get("/api/v1/cbm/areas", headers=coordinator).get_json()["items"]] == ["smes"]
    state = k.coordinator.delegation.state_id
    new = {"title_en": "Workshop", "title_ru": "Семинар", "activity_type": "seminar", "planned_start": "2026-06-01",
           "planned_end": "2026-06-02", "venue": "Astana", "responsible_state_id": state}
    made = client.post(f"/api/v1/cbm/plans/{k.plan.id}/activities", headers=coordinator, json=new)
    assert made.status_code == 201, made.get_data(as_text=True)
    outside = client.post(f"/api/v1/cbm/plans/{k.plan.id}/activities", headers=coordinator,
                          json={**new, "planned_start": "2031-01-01", "planned_end": "2031-01-02"})
    assert outside.status_code == 422 and outside.mimetype == "application/problem+json"
    changed = client.put(f"/api/v1/cbm/activities/{made.get_json()['id']}", headers=coordinator,
                         json={**new, "venue": "Almaty"})
    assert changed.status_code == 200 and changed.get_json()["venue"] == "Almaty"
    shown = client.get(f"/api/v1/cbm/areas/{k.area.id}", headers=coordinator).get_json()
    assert [a["venue"] for a in shown["plans"][0]["activities"]] == ["Almaty"]
    opened = client.post(f"/api/v1/cbm/areas/{k.area.id}/reports", headers=coordinator, json={"year": 2026})
    assert opened.status_code == 201 and opened.get_json()["status"] == "draft"
    again = client.post(f"/api/v1/cbm/areas/{k.area.id}/reports", headers=coordinator, json={"year": 2026})
    assert again.status_code == 409  # it exists: the page's conflict
    uncovered = client.post(f"/api/v1/cbm/areas/{k.area.id}/reports", headers=coordinator, json={"year": 2030})
    assert uncovered.status_code == 422 and uncovered.get_json()["errors"][0]["field"] == "year"
    report_id = opened.get_json()["id"]
    summary = client.put(f"/api/v1/cbm/reports/{report_id}/summary", headers=coordinator,
                         json={"summary_en": "A good year.", "summary_ru": "Хороший год."})
    assert summary.status_code == 200 and summary.get_json()["summary_ru"] == "Хороший год."
    detail = client.get(f"/api/v1/cbm/reports/{report_id}", headers=coordinator).get_json()
    assert [line["activity_id"] for line in detail["lines"]] == [made.get_json()["id"]]
    submitted = client.post(f"/api/v1/cbm/reports/{report_id}/submission", headers=coordinator)
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    assert db.session.get(CbmAnnualReport, report_id).status == ReportStatus.SUBMITTED
    locked = client.put(f"/api/v1/cbm/reports/{report_id}/summary", headers=coordinator, json={"summary_en": "Later"})
    assert locked.status_code == 409 and locked.get_json()["detail"] == LOCKED
    assert _cbm_actions() == ["cbm_activity.create", "cbm_activity.update", "cbm_report.open", "cbm_report.summary",
                              "cbm_report.submit"]
