"""A delegation's participants through the API: registering, listing and removing them as
the delegate's meeting page does, until the registration deadline; a refusal is a 422
with the page's message; the service's audit entries."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Invitation, Participant
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.documents_helpers import cast, meeting


def _invited(c, days: int = 60):
    held = meeting("SOC next", start=datetime.now(UTC) + timedelta(days=days))
    db.session.add(Invitation(meeting_id=held.id, delegation_id=c.alpha.id))
    db.session.commit()
    return held


def test_a_delegate_registers_lists_and_removes_participants(app_ctx, client):
    c = cast()
    held = _invited(c)
    a1 = bearer(token_for(c.a1, Scope.READ, Scope.REGISTER))
    url = f"/api/v1/meetings/{held.id}/participants"
    made = client.post(url, headers=a1, json={"name": "Aigerim Alpha", "function": "Head of delegation",
                                              "email": "Aigerim@Alpha.example"})
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["email"] == "aigerim@alpha.example"  # as the service keeps it
    again = client.post(url, headers=a1, json={"name": "Aigerim A.", "email": "aigerim@alpha.example"})
    assert again.status_code == 422 and again.get_json()["errors"][0]["field"] == "email"
    listed = client.get(url, headers=a1).get_json()
    assert listed["registration_open"] is True and [p["name"] for p in listed["items"]] == ["Aigerim Alpha"]
    # Another delegation's delegate sees nothing of it.
    assert client.get(url, headers=bearer(token_for(c.b1, Scope.READ, Scope.REGISTER))).status_code == 404
    # Nor may they remove it, not even through a meeting their delegation is invited to.
    db.session.add(Invitation(meeting_id=held.id, delegation_id=c.beta.id))
    db.session.commit()
    b1 = bearer(token_for(c.b1, Scope.READ, Scope.REGISTER))
    assert client.delete(f"{url}/{made.get_json()['id']}", headers=b1).status_code == 404
    removed = client.delete(f"{url}/{made.get_json()['id']}", headers=a1)
    assert removed.status_code == 204
    assert db.session.scalars(select(Participant)).all() == []
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("participant.%"))
                                      .order_by(AuditEntry.id)))
    assert actions == ["participant.create", "participant.delete"]


def test_after_the_deadline_the_pages_message(app_ctx, client):
    c = cast()
    held = _invited(c)
    held.registration_deadline = datetime.now(UTC) - timedelta(days=1)
    db.session.commit()
    a1 = bearer(token_for(c.a1, Scope.READ, Scope.REGISTER), **{"Accept-Language": "en"})
    url = f"/api/v1/meetings/{held.id}/participants"
    late = client.post(url, headers=a1, json={"name": "Late Comer"})
    assert late.status_code == 422 and late.mimetype == "application/problem+json"
    assert late.get_json()["errors"][0]["message"].startswith("Registration for this meeting closed on")
    assert client.get(url, headers=a1).get_json()["registration_open"] is False
    blank = client.post(url, headers=a1, json={"name": ""})
    assert blank.status_code == 422
    assert client.post(url, headers=bearer(token_for(c.a1, Scope.READ)), json={"name": "X"}).status_code == 403
