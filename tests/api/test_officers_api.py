"""The Secretariat's document work through the API, end to end: a draft, its
files, its circulation, the delegates' inbox and acknowledgement, and where it
went; a broken rule answers 422 with the officers' page's message."""
from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.documents_helpers import body, cast, pdf

NEW = {"doc_type": "report", "originator": "secretariat", "level": "limited", "title_en": "Budget",
       "title_ru": "Бюджет", "year": 2027}


def test_an_officer_registers_uploads_and_circulates_and_delegates_receive_it(app_ctx, client):
    c = cast()
    officer = bearer(token_for(c.officer, Scope.READ, Scope.OFFICER))
    created = client.post("/api/v1/documents", json={**NEW, "body_id": body().id}, headers=officer)
    assert created.status_code == 201, created.get_data(as_text=True)
    document = created.get_json()
    assert document["symbol"] == "CICA/SOC/2027/1" and document["status"] == "draft"
    refused = client.post(f"/api/v1/documents/{document['id']}/circulation", json={"audience": "members"},
                          headers=officer)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"][0]["field"]  # no language version yet: the page's message
    content = pdf("Budget 2027")
    uploaded = client.post(f"/api/v1/documents/{document['id']}/versions", headers=officer,
                           data={"language": "en", "file": (io.BytesIO(content), "budget.pdf")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    assert uploaded.get_json()["sha256"] == hashlib.sha256(content).hexdigest()
    circulated = client.post(f"/api/v1/documents/{document['id']}/circulation", json={"audience": "members"},
                             headers=officer)
    assert circulated.status_code == 200, circulated.get_data(as_text=True)
    assert {d["delegation_id"] for d in circulated.get_json()["delegations"]} == {c.alpha.id, c.beta.id}
    # A member's delegate has it in the inbox and acknowledges it; the observer has nothing.
    a1 = bearer(token_for(c.a1, Scope.READ, Scope.ACKNOWLEDGE))
    assert [i["id"] for i in client.get("/api/v1/inbox", headers=a1).get_json()["items"]] == [document["id"]]
    assert client.get("/api/v1/inbox", headers=bearer(token_for(c.g1))).get_json()["items"] == []
    assert client.post(f"/api/v1/documents/{document['id']}/acknowledgement", headers=a1).status_code == 200
    status = client.get(f"/api/v1/documents/{document['id']}/circulation", headers=officer).get_json()
    acknowledged = {d["delegation_id"]: d["acknowledged_at"] for d in status["delegations"]}
    assert acknowledged[c.alpha.id] and acknowledged[c.beta.id] is None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"document.create", "document.circulate", "document.acknowledge"} <= actions


def test_a_file_of_a_type_not_accepted_is_refused_with_the_pages_message(app_ctx, client):
    c = cast()
    officer = bearer(token_for(c.officer, Scope.READ, Scope.OFFICER))
    document = client.post("/api/v1/documents", json={**NEW, "body_id": body().id}, headers=officer).get_json()
    refused = client.post(f"/api/v1/documents/{document['id']}/versions", headers=officer,
                          data={"language": "en", "file": (io.BytesIO(b"\x7fELF\x02\x01\x01" + b"\0" * 64), "x.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.get_json()["errors"]] == ["file"]


def test_invalid_values_never_reach_the_service(app_ctx, client):
    c = cast()
    officer = bearer(token_for(c.officer, Scope.READ, Scope.OFFICER))
    for body_json in ({**NEW, "doc_type": "memo"}, {**NEW, "surprise": 1}, {"title_en": "x"}):
        response = client.post("/api/v1/documents", json=body_json, headers=officer)
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "document.create")) is None


def test_an_officer_schedules_changes_and_cancels_a_meeting(app_ctx, client):
    c = cast()
    officer = bearer(token_for(c.officer, Scope.READ, Scope.OFFICER))
    meeting = {"body_id": body().id, "title_en": "SOC 2028", "title_ru": "СОК 2028",
               "starts_at": "2028-06-01T10:00:00", "ends_at": "2028-06-01T18:00:00"}
    wrong = client.post("/api/v1/meetings", json={**meeting, "ends_at": "2028-05-01T18:00:00"}, headers=officer)
    assert wrong.status_code == 422 and wrong.get_json()["errors"]
    created = client.post("/api/v1/meetings", json=meeting, headers=officer)
    assert created.status_code == 201, created.get_data(as_text=True)
    meeting_id = created.get_json()["id"]
    in_utc = datetime(2028, 6, 1, 10, tzinfo=ZoneInfo("Asia/Almaty")).astimezone(UTC)
    assert datetime.fromisoformat(created.get_json()["starts_at"]) == in_utc  # 10:00 in Almaty, kept in UTC
    # The members' delegations are invited; the observer's is not.
    assert [m["id"] for m in client.get("/api/v1/meetings", headers=bearer(token_for(c.a1))).get_json()["items"]] \
        == [meeting_id]
    assert client.get(f"/api/v1/meetings/{meeting_id}", headers=bearer(token_for(c.g1))).status_code == 404
    moved = client.put(f"/api/v1/meetings/{meeting_id}", json={**meeting, "city": "Astana"}, headers=officer)
    assert moved.status_code == 200 and moved.get_json()["city"] == "Astana"
    refused = client.post(f"/api/v1/meetings/{meeting_id}/status", json={"action": "cancel"}, headers=officer)
    assert refused.status_code == 422  # a cancellation needs its reason, as on the page
    cancelled = client.post(f"/api/v1/meetings/{meeting_id}/status", json={"action": "cancel", "reason": "No quorum"},
                            headers=officer)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"meeting.create", "meeting.update"} <= actions
