"""Meetings and decisions through the API: a delegate sees the meetings their
delegation is invited to and adopted decisions, as on the pages; anything else
answers 404 exactly as nothing."""
from __future__ import annotations

from datetime import UTC, date, datetime

from secretariat_app.accounts.models.states import Body
from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation
from tests.api.helpers import bearer, token_for
from tests.documents_helpers import cast, circulate, make_document, meeting


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_a_delegate_sees_the_meetings_their_delegation_is_invited_to(app_ctx, client):
    c = cast()
    invited, other = meeting("Invited", start=datetime(2027, 1, 1, 4, tzinfo=UTC)), meeting("Other")
    later = meeting("Later", start=datetime(2027, 6, 1, 4, tzinfo=UTC))
    db.session.add_all([Invitation(meeting_id=invited.id, delegation_id=c.alpha.id),
                        Invitation(meeting_id=later.id, delegation_id=c.alpha.id),
                        Invitation(meeting_id=other.id, delegation_id=c.beta.id)])
    db.session.commit()
    document = make_document("Agenda", "Повестка", meeting_id=invited.id)
    circulate(document, c.alpha)
    secret = token_for(c.a1)
    assert ids(client.get("/api/v1/meetings", headers=bearer(secret))) == [invited.id, later.id]
    first = client.get("/api/v1/meetings?per_page=1", headers=bearer(secret)).get_json()
    assert ids(client.get(f"/api/v1/meetings?per_page=1&cursor={first['next_cursor']}",
                          headers=bearer(secret))) == [later.id]
    detail = client.get(f"/api/v1/meetings/{invited.id}", headers=bearer(secret)).get_json()
    assert detail["documents"] == [document.id] and detail["body"] == "SOC"
    assert client.get(f"/api/v1/meetings/{other.id}", headers=bearer(secret)).status_code == 404
    assert client.get(f"/api/v1/meetings/{invited.id}", headers=bearer(token_for(c.b1))).status_code == 404
    assert ids(client.get("/api/v1/meetings", headers=bearer(token_for(c.officer)))) == [
        other.id, invited.id, later.id]


def test_a_delegate_reads_adopted_decisions_only(app_ctx, client):
    c = cast()
    soc = db.session.query(Body).filter_by(code="SOC").one_or_none() or Body(code="SOC", name_en="SOC", name_ru="СОК")
    db.session.add(soc)
    db.session.flush()
    adopted = Decision(reference="SOC/2024/DEC/1", body_id=soc.id, procedure=Procedure.MEETING,
                       status=DecisionStatus.ADOPTED, title_en="Adopted", title_ru="Принято",
                       adopted_on=date(2024, 5, 1))
    draft = Decision(reference="SOC/2024/DEC/2", body_id=soc.id, procedure=Procedure.MEETING,
                     status=DecisionStatus.DRAFT, title_en="Draft", title_ru="Проект")
    db.session.add_all([adopted, draft])
    db.session.commit()
    secret = token_for(c.g1)
    assert ids(client.get("/api/v1/decisions", headers=bearer(secret))) == [adopted.id]
    assert client.get(f"/api/v1/decisions/{adopted.id}", headers=bearer(secret)).get_json()["text_en"] == ""
    assert client.get(f"/api/v1/decisions/{draft.id}", headers=bearer(secret)).status_code == 404
    assert ids(client.get("/api/v1/decisions", headers=bearer(token_for(c.officer)))) == [adopted.id, draft.id]
