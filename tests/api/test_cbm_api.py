"""A CBM coordinator's work through the API, end to end: their areas, planning, changing and
removing an activity, opening a year's report, its summary, what happened at each activity
with its attachments, and submitting it, through the pages' services with their audit
entries; a broken rule a 422 and a locked report a 409, each with the page's message; a
file the store refuses a 422 and one past what a request may carry a 413, never a 500."""
from __future__ import annotations

import hashlib
import io
from datetime import date

from sqlalchemy import select

from secretariat_app.accounts.models.states import MembershipStatus
from secretariat_app.audit.models import AuditEntry
from secretariat_app.cbm.models import CbmActivity, CbmActivityReport, CbmAnnualReport, CbmAttachment, ReportStatus
from secretariat_app.cbm.services import reports as report_service
from secretariat_app.cbm.services.attachments import add_attachment
from secretariat_app.extensions import db
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.cbm_builders import (
    activity,
    activity_report,
    annual_report,
    area,
    cbm_cast,
    coordinator_user,
    member_state,
    paper,
)
from tests.documents_helpers import pdf
from tests.documents_setup import PNG
from tests.upload_samples import HOSTILE

LOCKED = "This report has been submitted and is locked. To correct it, ask the Secretariat to reopen it."
REPORTED = "The implementation of this activity has been reported: the activity stays as it was planned."


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


# Removing an activity; what happened at each activity, and its attachments --------------------------

def _report_with_a_held_activity():
    """The cast, a draft report for 2025 and an activity of that year not reported yet."""
    k = cbm_cast()
    draft = annual_report(k.area, year=2025, due=date(2025, 11, 20))
    return k, draft, activity(k.plan, start=date(2025, 6, 10), title="Workshop")


def _held(state_id: int, **changes) -> dict:
    return {"held_on": "2025-06-10", "held_until": "2025-06-11", "venue": "Almaty", "participant_count": 30,
            "participating_states": [state_id], "outcome_en": "Training delivered.",
            "outcome_ru": "Обучение проведено.", **changes}


def _upload(client, url: str, headers: dict, name: str, content: bytes):
    return client.post(url, headers=headers, data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_a_coordinator_removes_a_planned_activity_but_not_a_reported_one(app_ctx, client):
    k, draft, held = _report_with_a_held_activity()
    spare = activity(k.plan, title="Spare")
    activity_report(held, draft)
    coordinator = bearer(token_for(k.coordinator, Scope.REPORT), **{"Accept-Language": "en"})
    assert client.delete(f"/api/v1/cbm/activities/{spare.id}", headers=coordinator).status_code == 204
    assert db.session.scalar(select(CbmActivity.id).where(CbmActivity.id == spare.id)) is None
    refused = client.delete(f"/api/v1/cbm/activities/{held.id}", headers=coordinator)
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["detail"] == REPORTED
    russian = client.delete(f"/api/v1/cbm/activities/{held.id}", headers={**coordinator, "Accept-Language": "ru"})
    assert russian.status_code == 409
    assert russian.get_json()["detail"].startswith("Доклад о проведении этого мероприятия уже представлен")
    assert client.delete(f"/api/v1/cbm/activities/{spare.id}", headers=coordinator).status_code == 404
    assert _cbm_actions() == ["cbm_activity.delete"]


def test_a_coordinator_reports_an_activity_attaches_files_and_withdraws_them(app_ctx, client):
    k, draft, held = _report_with_a_held_activity()
    coordinator = bearer(token_for(k.coordinator, Scope.REPORT), **{"Accept-Language": "en"})
    state = k.coordinator.delegation.state_id
    url = f"/api/v1/cbm/reports/{draft.id}/activities/{held.id}"
    missing = client.get(url, headers=coordinator)
    assert missing.status_code == 404
    assert missing.get_json()["detail"] == "The implementation of this activity is not reported in this annual report."
    # The rules' refusals, under the fields they name, in the page's words; nothing written.
    observer_state = member_state(MembershipStatus.OBSERVER)
    wrong = client.put(url, headers=coordinator, json=_held(state, participant_count=-4,
                                                             participating_states=[observer_state.id]))
    assert wrong.status_code == 422 and wrong.mimetype == "application/problem+json"
    errors = {e["field"]: e["message"] for e in wrong.get_json()["errors"]}
    assert errors.keys() == {"participant_count", "participating_states"}
    assert errors["participant_count"] == "The number of participants cannot be negative."
    assert observer_state.name_en in errors["participating_states"]
    typed = client.put(url, headers=coordinator, json=_held(state, participant_count="30", surprise=1))
    assert typed.status_code == 422 and {e["field"] for e in typed.get_json()["errors"]} == {
        "participant_count", "surprise"}
    assert db.session.scalar(select(CbmActivityReport.id)) is None
    saved = client.put(url, headers=coordinator, json=_held(state))
    assert saved.status_code == 200, saved.get_data(as_text=True)
    row = saved.get_json()
    assert (row["activity_id"], row["participant_count"], row["participating_states"], row["attachments"]) == (
        held.id, 30, [state], [])
    corrected = client.put(url, headers=coordinator, json=_held(state, participant_count=32))
    assert corrected.status_code == 200 and corrected.get_json()["id"] == row["id"]
    assert client.get(url, headers=coordinator).get_json()["participant_count"] == 32
    line = client.get(f"/api/v1/cbm/reports/{draft.id}", headers=coordinator).get_json()["lines"][0]
    assert line["activity_report_id"] == row["id"] and line["participant_count"] == 32
    # Another area's activity is not this report's to name.
    elsewhere = activity(paper(area("tourism")), start=date(2025, 6, 10))
    assert client.put(f"/api/v1/cbm/reports/{draft.id}/activities/{elsewhere.id}", headers=coordinator,
                      json=_held(state)).status_code == 404
    # A file: kept by its content, listed, downloaded with the page's headers, removed.
    attachments = f"/api/v1/cbm/activity-reports/{row['id']}/attachments"
    content = pdf("Programme")
    uploaded = _upload(client, attachments, coordinator, "programme.pdf", content)
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    attachment = uploaded.get_json()
    assert (attachment["filename"], attachment["sha256"], attachment["size"], attachment["content_type"]) == (
        "programme.pdf", hashlib.sha256(content).hexdigest(), len(content), "application/pdf")
    assert [a["id"] for a in client.get(attachments, headers=coordinator).get_json()["items"]] == [attachment["id"]]
    assert [a["id"] for a in client.get(url, headers=coordinator).get_json()["attachments"]] == [attachment["id"]]
    got = client.get(attachment["download_url"], headers=coordinator)
    assert got.status_code == 200 and got.data == content
    assert got.headers["Content-Type"] == "application/pdf" and got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Cache-Control"] == "private, no-cache" and got.headers["ETag"] == f'"{attachment["sha256"]}"'
    assert got.headers["Content-Disposition"].startswith("attachment") and "programme.pdf" in got.headers[
        "Content-Disposition"]
    second = _upload(client, attachments, coordinator, "photo.png", PNG).get_json()
    assert client.delete(f"/api/v1/cbm/attachments/{attachment['id']}", headers=coordinator).status_code == 204
    assert [a["id"] for a in client.get(attachments, headers=coordinator).get_json()["items"]] == [second["id"]]
    assert client.get(attachment["download_url"], headers=coordinator).status_code == 404
    # Withdrawn from the draft with what is attached to it.
    assert client.delete(f"/api/v1/cbm/activity-reports/{row['id']}", headers=coordinator).status_code == 204
    assert client.get(url, headers=coordinator).status_code == 404
    assert db.session.scalar(select(CbmAttachment.id)) is None
    assert _cbm_actions() == ["cbm_activity_report.create", "cbm_activity_report.update", "cbm_attachment.create",
                              "cbm_attachment.create", "cbm_attachment.delete", "cbm_activity_report.delete"]


def test_a_submitted_report_refuses_every_change_with_409_and_is_still_read(app_ctx, client):
    k, draft, held = _report_with_a_held_activity()
    row = activity_report(held, draft)
    attachment = add_attachment(k.coordinator, row, io.BytesIO(pdf("Programme")), "programme.pdf")
    spare = activity(k.plan, start=date(2025, 9, 1), title="Spare")
    report_service.submit_report(k.coordinator, draft)
    coordinator = bearer(token_for(k.coordinator, Scope.REPORT), **{"Accept-Language": "en"})
    state = k.coordinator.delegation.state_id
    for response in (
            client.put(f"/api/v1/cbm/reports/{draft.id}/activities/{held.id}", headers=coordinator, json=_held(state)),
            client.put(f"/api/v1/cbm/reports/{draft.id}/activities/{spare.id}", headers=coordinator,
                       json=_held(state, held_on="2025-09-01", held_until=None)),
            client.delete(f"/api/v1/cbm/activity-reports/{row.id}", headers=coordinator),
            _upload(client, f"/api/v1/cbm/activity-reports/{row.id}/attachments", coordinator, "more.pdf",
                    pdf("More")),
            client.delete(f"/api/v1/cbm/attachments/{attachment.id}", headers=coordinator)):
        assert response.status_code == 409, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json" and response.get_json()["detail"] == LOCKED
    russian = client.delete(f"/api/v1/cbm/attachments/{attachment.id}",
                            headers={**coordinator, "Accept-Language": "ru"})
    assert russian.status_code == 409 and "Секретариат" in russian.get_json()["detail"]
    assert client.get(f"/api/v1/cbm/reports/{draft.id}/activities/{held.id}", headers=coordinator).status_code == 200
    assert client.get(f"/api/v1/cbm/attachments/{attachment.id}/file", headers=coordinator).status_code == 200
    # A member (another area's coordinator) reads the submitted report on the page; it is not theirs to coordinate.
    other = bearer(token_for(coordinator_user(area("tourism")), Scope.REPORT))
    assert client.get(f"/api/v1/cbm/reports/{draft.id}/activities/{held.id}", headers=other).status_code == 403
    assert client.get(f"/api/v1/cbm/attachments/{attachment.id}/file", headers=other).status_code == 403
    assert (db.session.query(CbmActivityReport).count(), db.session.query(CbmAttachment).count()) == (1, 1)


def test_a_file_refused_or_too_large_is_a_problem_never_a_500(app, app_ctx, client, monkeypatch):
    k, draft, held = _report_with_a_held_activity()
    row = activity_report(held, draft)
    coordinator = bearer(token_for(k.coordinator, Scope.REPORT), **{"Accept-Language": "en"})
    url = f"/api/v1/cbm/activity-reports/{row.id}/attachments"
    for name, content, words in HOSTILE[:4]:
        refused = _upload(client, url, coordinator, name, content)
        assert refused.status_code == 422 and refused.mimetype == "application/problem+json", name
        [error] = refused.get_json()["errors"]
        assert error["field"] == "file" and words in error["message"], (name, error)
    russian = _upload(client, url, {**coordinator, "Accept-Language": "ru"}, "minutes.pdf", HOSTILE[0][1])
    assert "веб-страница (HTML)" in russian.get_json()["errors"][0]["message"]
    empty = _upload(client, url, coordinator, "empty.pdf", b"")
    assert empty.status_code == 422 and empty.get_json()["errors"][0]["message"] == "The file is empty."
    for language, words in (("en", "Choose the file to attach."), ("ru", "Выберите файл, который нужно приложить.")):
        nothing = client.post(url, headers={**coordinator, "Accept-Language": language}, data={},
                              content_type="multipart/form-data")
        assert nothing.status_code == 422 and nothing.get_json()["errors"] == [{"field": "file", "message": words}]
    monkeypatch.setitem(app.config, "MAX_UPLOAD_SIZE", 1024)  # past the store's limit: the page's message
    large = _upload(client, url, coordinator, "large.pdf", pdf("x" * 2048))
    assert large.status_code == 422
    assert large.get_json()["errors"][0]["message"].startswith("The file is larger than")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)  # past what a request may carry at all
    huge = _upload(client, url, coordinator, "huge.pdf", pdf("x" * 8192))
    assert huge.status_code == 413 and huge.mimetype == "application/problem+json"
    assert huge.get_json()["detail"] == "What you sent is larger than the system accepts."
    assert db.session.scalar(select(CbmAttachment.id)) is None
