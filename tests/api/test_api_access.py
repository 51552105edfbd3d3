"""Every operation of the API, both ways: the token of someone the pages let do it
is answered, and an observer, another delegation, the Secretariat where the page
is a delegate's, a revoked or an expired token, and no token are refused, with
the pages' 404 or 403 (401 for a token that is no longer one). A test walks the
URL map so that no operation escapes the table."""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from secretariat_app.api.models import AccessToken
from secretariat_app.api.services.tokens import revoke_token
from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Participant
from secretariat_app.permissions import Audience, requirement_of
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.api.negotiation_helpers import OP1, alpha_proposes, beta_proposes, negotiation, paragraph
from tests.documents_helpers import body, cast, library, meeting

ALL = (Scope.READ, Scope.ACKNOWLEDGE, Scope.NEGOTIATE, Scope.REGISTER)


@dataclass
class Door:
    endpoint: str
    method: str
    url: str
    # The expected status for each reader: a1 (alpha, a member), b1 (beta, another member
    # delegation), g1 (gamma, an observer), the officer.
    a1: int
    b1: int
    g1: int
    officer: int
    json: dict | None = None
    upload: tuple[str, bytes] | None = None  # a file sent as multipart/form-data (a fresh stream each call)


@pytest.fixture
def doors(app_ctx) -> tuple[object, list[Door]]:
    c = cast()
    docs = library(c)
    held = meeting("SOC 2027", start=datetime(2027, 6, 1, 4, tzinfo=UTC))
    invitation = Invitation(meeting_id=held.id, delegation_id=c.alpha.id)
    db.session.add(invitation)
    db.session.flush()
    registered = Participant(invitation_id=invitation.id, name="A. Alphason")
    db.session.add(registered)
    draft = Decision(reference="SOC/2027/DEC/2", body_id=body().id, procedure=Procedure.MEETING,
                     status=DecisionStatus.DRAFT, title_en="Draft", title_ru="Проект")
    adopted = Decision(reference="SOC/2027/DEC/1", body_id=body().id, procedure=Procedure.MEETING,
                       status=DecisionStatus.ADOPTED, title_en="Adopted", title_ru="Принято")
    db.session.add_all([draft, adopted])
    db.session.commit()
    g2 = docs["G2"]  # GENERAL, circulated to alpha only
    text = negotiation(c)  # LIMITED, circulated to alpha and beta
    op1, betas = paragraph(text, OP1).id, beta_proposes(c, text).id
    # On OP2 (position 4): beta's to withdraw, and one of each member's for the chair to merge.
    op2 = paragraph(text, OP1 + 1).id
    withdrawable = beta_proposes(c, text, "the annual report", OP1 + 1, "the report").id
    merged = [alpha_proposes(c, text, "the reports", OP1 + 1, "the report").id,
              beta_proposes(c, text, "the first report", OP1 + 1, "the report").id]
    amendment = {"kind": "replace", "language": "en", "target": "consultations", "text": "talks"}
    MEETING = {"body_id": body().id, "title_en": "SOC 2028", "title_ru": "СОК 2028", "starts_at": "2028-06-01T10:00:00",
               "ends_at": "2028-06-01T18:00:00"}
    return c, [
        Door("api.inbox", "GET", "/api/v1/inbox", 200, 200, 200, 403),
        Door("api.document", "GET", f"/api/v1/documents/{g2.id}", 200, 404, 404, 200),
        Door("api.document", "GET", f"/api/v1/documents/{docs['L1'].id}", 200, 200, 404, 200),
        Door("api.version_file", "GET", f"/api/v1/versions/{g2.versions[0].id}/file", 200, 404, 404, 200),
        Door("api.acknowledge", "POST", f"/api/v1/documents/{g2.id}/acknowledgement", 200, 404, 404, 403),
        Door("api.meetings", "GET", "/api/v1/meetings", 200, 200, 200, 200),
        Door("api.meeting", "GET", f"/api/v1/meetings/{held.id}", 200, 404, 404, 200),
        Door("api.decisions", "GET", "/api/v1/decisions", 200, 200, 200, 200),
        Door("api.decision", "GET", f"/api/v1/decisions/{adopted.id}", 200, 200, 200, 200),
        Door("api.decision", "GET", f"/api/v1/decisions/{draft.id}", 404, 404, 404, 200),
        Door("api.me", "GET", "/api/v1/me", 200, 200, 200, 200),
        # Participants: a delegate of the invited delegation; no one else
        # (the Secretariat registers on its own pages); before the officer cancels the meeting below.
        Door("api.participants", "GET", f"/api/v1/meetings/{held.id}/participants", 200, 404, 404, 403),
        Door("api.register", "POST", f"/api/v1/meetings/{held.id}/participants", 201, 404, 404, 403,
             json={"name": "B. Alphason", "function": "Adviser"}),
        Door("api.remove", "DELETE", f"/api/v1/meetings/{held.id}/participants/{registered.id}", 204, 404, 404, 403),
        # The Secretariat's: 403 for any delegate, as the officers' pages.
        Door("api.circulation", "GET", f"/api/v1/documents/{g2.id}/circulation", 403, 403, 403, 200),
        Door("api.create", "POST", "/api/v1/documents", 403, 403, 403, 201,
             json={"doc_type": "report", "originator": "secretariat", "level": "general", "title_en": "New",
                   "title_ru": "Новый", "body_id": body().id, "year": 2027}),
        Door("api.upload", "POST", f"/api/v1/documents/{g2.id}/versions", 403, 403, 403, 422),  # no file sent
        Door("api.circulate", "POST", f"/api/v1/documents/{g2.id}/circulation", 403, 403, 403, 200,
             json={"audience": "delegations", "delegation_ids": [c.beta.id]}),
        Door("api.failed_notices", "GET", "/api/v1/notices/failed", 403, 403, 403, 200),
        Door("api.schedule_meeting", "POST", "/api/v1/meetings", 403, 403, 403, 201, json=MEETING),
        Door("api.change_meeting", "PUT", f"/api/v1/meetings/{held.id}", 403, 403, 403, 200,
             json={**MEETING, "title_en": "SOC 2027, moved"}),
        Door("api.meeting_status", "POST", f"/api/v1/meetings/{held.id}/status", 403, 403, 403, 200,
             json={"action": "cancel", "reason": "No quorum"}),
        # Negotiations: a member delegation that may read the text; an observer never (404);
        # the Secretariat reads every text and records the chair's decisions, but takes no part (403).
        Door("api.negotiations", "GET", "/api/v1/negotiations", 200, 200, 200, 200),
        Door("api.negotiation", "GET", f"/api/v1/negotiations/{text.id}", 200, 200, 404, 200),
        Door("api.propose", "POST", f"/api/v1/negotiations/{text.id}/paragraphs/{op1}/proposals", 201, 201, 404, 403,
             json=amendment),
        Door("api.stance", "POST", f"/api/v1/negotiations/{text.id}/proposals/{betas}/stance",
             200, 422, 404, 403, json={"stance": "support"}),  # beta's own: the rule refuses it
        Door("api.position", "PUT", f"/api/v1/negotiations/{text.id}/paragraphs/{op1}/position", 200, 200, 404, 403,
             json={"position": "reserve"}),
        Door("api.decide", "POST", f"/api/v1/negotiations/{text.id}/proposals/{betas}/decision", 403, 403, 403, 200,
             json={"decision": "drop", "reason": "No support"}),
        # Only the proposing delegation withdraws (alpha: the rule refuses, 422), before the merge lapses it.
        Door("api.withdraw", "POST", f"/api/v1/negotiations/{text.id}/proposals/{withdrawable}/withdrawal",
             422, 200, 404, 403),
        Door("api.merge", "POST", f"/api/v1/negotiations/{text.id}/paragraphs/{op2}/merge", 403, 403, 403, 200,
             json={"proposal_ids": merged, "wording_en": "OP2. They welcome the reports of the Secretariat.",
                   "wording_ru": "OP2. Они приветствуют доклады Секретариата.", "reason": "Both, together"}),
    ]


@pytest.fixture
def cbm_doors(app_ctx) -> tuple[object, list[Door]]:
    """A coordinator's doors, with `a1` the area's coordinator, `b1` the coordinator of another
    area (403 here; a draft report of this area, or what is in it, they may not read: 404), `g1`
    an observer's delegate, whose token cannot carry `report` (403), and the officer's token
    neither (403). Each door has its own rows, so that what one removes another does not miss."""
    from secretariat_app.cbm.services.attachments import add_attachment
    from tests.cbm_builders import activity, activity_report, annual_report, area, cbm_cast, coordinator_user
    from tests.documents_helpers import pdf

    k = cbm_cast()
    other = coordinator_user(area("tourism"))
    planned, spare = activity(k.plan), activity(k.plan, title="Spare")
    draft = annual_report(k.area, year=2025, due=date(2025, 11, 20))
    held = activity_report(activity(k.plan, start=date(2025, 5, 10), title="Held"), draft)
    attached = add_attachment(k.coordinator, held, io.BytesIO(pdf("Programme")), "programme.pdf")
    unreported = activity(k.plan, start=date(2025, 6, 10), title="Unreported")
    withdrawn = activity_report(activity(k.plan, start=date(2025, 7, 1), title="Withdrawn"), draft)
    who = SimpleNamespace(a1=k.coordinator, b1=other, g1=k.observer, officer=k.officer, member=k.member)
    state = k.coordinator.delegation.state_id
    new = {"title_en": "Workshop", "title_ru": "Семинар", "activity_type": "seminar", "planned_start": "2026-06-01",
           "planned_end": "2026-06-02", "venue": "Astana", "responsible_state_id": state}
    held_on = {"held_on": "2025-06-10", "participant_count": 25, "outcome_en": "Held.", "participating_states": [state]}
    return who, [
        Door("api.cbm_areas", "GET", "/api/v1/cbm/areas", 200, 200, 403, 403),
        Door("api.cbm_area", "GET", f"/api/v1/cbm/areas/{k.area.id}", 200, 403, 403, 403),
        Door("api.cbm_activity_create", "POST", f"/api/v1/cbm/plans/{k.plan.id}/activities", 201, 403, 403, 403,
             json=new),
        Door("api.cbm_activity_update", "PUT", f"/api/v1/cbm/activities/{planned.id}", 200, 403, 403, 403,
             json={**new, "title_en": "Seminar, moved"}),
        Door("api.cbm_activity_delete", "DELETE", f"/api/v1/cbm/activities/{spare.id}", 204, 403, 403, 403),
        Door("api.cbm_report_open", "POST", f"/api/v1/cbm/areas/{k.area.id}/reports", 201, 403, 403, 403,
             json={"year": 2026}),
        Door("api.cbm_report", "GET", f"/api/v1/cbm/reports/{draft.id}", 200, 404, 403, 403),
        Door("api.cbm_report_summary", "PUT", f"/api/v1/cbm/reports/{draft.id}/summary", 200, 404, 403, 403,
             json={"summary_en": "A good year."}),
        Door("api.cbm_activity_report", "GET", f"/api/v1/cbm/reports/{draft.id}/activities/{held.activity_id}",
             200, 404, 403, 403),
        Door("api.cbm_activity_report_save", "PUT", f"/api/v1/cbm/reports/{draft.id}/activities/{unreported.id}",
             200, 404, 403, 403, json=held_on),
        Door("api.cbm_attachments", "GET", f"/api/v1/cbm/activity-reports/{held.id}/attachments", 200, 404, 403, 403),
        Door("api.cbm_attachment_upload", "POST", f"/api/v1/cbm/activity-reports/{held.id}/attachments",
             201, 404, 403, 403, upload=("participants.pdf", pdf("Participants"))),
        Door("api.cbm_attachment_file", "GET", f"/api/v1/cbm/attachments/{attached.id}/file", 200, 404, 403, 403),
        Door("api.cbm_attachment_delete", "DELETE", f"/api/v1/cbm/attachments/{attached.id}", 204, 404, 403, 403),
        Door("api.cbm_activity_report_delete", "DELETE", f"/api/v1/cbm/activity-reports/{withdrawn.id}",
             204, 404, 403, 403),
        Door("api.cbm_report_submit", "POST", f"/api/v1/cbm/reports/{draft.id}/submission", 200, 404, 403, 403),
    ]


def test_every_cbm_door_both_ways(cbm_doors, client):
    """Every refusal first, on the rows as they are, then the coordinator acts."""
    who, table = cbm_doors
    refused = {"b1": token_for(who.b1, *ALL, Scope.REPORT), "g1": token_for(who.g1, *ALL),
               "officer": token_for(who.officer, Scope.READ, Scope.OFFICER)}
    coordinator = token_for(who.a1, *ALL, Scope.REPORT)
    unscoped = token_for(who.a1, *ALL)  # the coordinator's token without `report`
    member = token_for(who.member, *ALL)  # a member's delegate: no `report` to give
    revoked = token_for(who.a1, *ALL, Scope.REPORT, name="revoked")
    revoke_token(who.a1, db.session.query(AccessToken).filter_by(name="revoked").one().id)
    for door in table:
        assert call(client, door, unscoped).status_code == 403, door.url
        assert call(client, door, member).status_code == 403, door.url
        assert call(client, door, revoked).status_code == 401, door.url
        assert call(client, door, None).status_code == 401, door.url
        for name, token in [*refused.items(), ("a1", coordinator)]:
            response = call(client, door, token)
            assert response.status_code == getattr(door, name), (door.url, name, response.get_data(as_text=True))
            if response.status_code >= 400:
                assert response.mimetype == "application/problem+json"


def call(client, door: Door, token: str | None):
    headers = bearer(token) if token else {}
    if door.upload is not None:
        name, content = door.upload
        return client.open(door.url, method=door.method, headers=headers, data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    return client.open(door.url, method=door.method, headers=headers, json=door.json)


def test_every_door_both_ways(doors, client):
    c, table = doors
    tokens = {who: token_for(getattr(c, who), *ALL) for who in ("a1", "b1", "g1")}
    tokens["officer"] = token_for(c.officer, Scope.READ, Scope.OFFICER)
    for door in table:
        for who, token in tokens.items():
            response = call(client, door, token)
            assert response.status_code == getattr(door, who), (door.url, who, response.get_data(as_text=True))
            if response.status_code >= 400:
                assert response.mimetype == "application/problem+json"


def test_a_revoked_an_expired_and_no_token_are_refused_at_every_door(doors, client):
    c, table = doors
    revoked, expired = token_for(c.a1, *ALL, name="revoked"), token_for(c.a1, *ALL, name="expired")
    revoke_token(c.a1, db.session.query(AccessToken).filter_by(name="revoked").one().id)
    db.session.execute(update(AccessToken).where(
        AccessToken.secret_hash == hashlib.sha256(expired.encode()).hexdigest())
        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    db.session.commit()
    for door in table:
        for token in (revoked, expired, None):
            assert call(client, door, token).status_code == 401, (door.url, token)


def test_without_the_scope_each_door_is_403(doors, client):
    c, table = doors
    acknowledge_only = token_for(c.a1, Scope.ACKNOWLEDGE)
    read_only = token_for(c.a1, Scope.READ)
    for door in table:
        if door.a1 not in (200, 204) or door.endpoint == "api.me":
            continue
        writes = ("api.acknowledge", "api.stance", "api.position", "api.remove")
        token = read_only if door.endpoint in writes else acknowledge_only
        assert call(client, door, token).status_code == 403, door.url


def test_an_officers_token_without_the_officer_scope_is_refused_the_secretariats_doors(doors, client):
    c, table = doors
    read_only = token_for(c.officer, Scope.READ)
    for door in table:
        if door.a1 == 403 and door.officer != 403:
            assert call(client, door, read_only).status_code == 403, door.url


def test_the_table_covers_every_operation_of_the_api(app, doors, cbm_doors):
    table = doors[1] + cbm_doors[1]
    open_ = {"api.openapi", "api.reference"}
    with app.test_request_context():
        endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
        assert {requirement_of(endpoint) for endpoint in open_} == {Audience.PUBLIC}
    assert endpoints == {door.endpoint for door in table} | open_


def test_the_document_and_its_reference_page_are_open(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.get_json()["openapi"] == "3.1.0"
    page = client.get("/api/v1/")
    assert page.status_code == 200 and page.mimetype == "text/html"
