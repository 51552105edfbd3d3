"""The API's user: the token's owner is a read-only Reader (accounts/reader.py) built,
as a page's, from the rows of one statement (the token's row joined to the owner's
columns, roles, delegation's names and the cache generation), without a login session.
It is what the rules and the services get as the actor: the writes record its id. The
token's last use is noted at most once a minute; staff whose second factor was reset
are refused until they enrol again."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from flask import g, request_finished
from sqlalchemy import select, update

from secretariat_app.accounts.models.people import Role
from secretariat_app.accounts.reader import Reader
from secretariat_app.api.models import AccessToken
from secretariat_app.audit.models import AuditEntry
from secretariat_app.core.models import CacheGeneration
from secretariat_app.documents.models import Acknowledgement, Document
from secretariat_app.extensions import db
from secretariat_app.permissions.tokens import Scope
from tests.api.helpers import bearer, token_for
from tests.api.test_officers_api import NEW
from tests.documents_helpers import body, cast, circulate, make_document, meeting
from tests.web.test_inbox_queries import counting_statements


@contextmanager
def request_users(app) -> Iterator[list[object]]:
    """The user of each request made inside the block, as the request left it."""
    users: list[object] = []

    def keep(sender, response, **extra):  # still in the request's context
        users.append((g.get("_login_user"), g.get("cache_generation", "not read")))

    with request_finished.connected_to(keep, app):
        yield users


def last_used(secret: str) -> datetime | None:
    with db.engine.connect() as connection:
        return connection.scalar(select(AccessToken.last_used_at).where(
            AccessToken.secret_hash == hashlib.sha256(secret.encode()).hexdigest()))


def test_the_owner_is_a_reader_from_one_statement(app_ctx, client):
    c = cast()
    meeting("Any")  # a generation to read
    circulate(make_document("Note", "Записка"), c.alpha)
    secret = token_for(c.a1)
    client.get("/api/v1/me", headers=bearer(secret))  # the first use is noted: a write of its own
    with request_users(app_ctx) as users, counting_statements() as statements:
        me = client.get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.get_json()["delegation"] == c.alpha.state.name_en and me.get_json()["email"] == c.a1.email
    # One statement: the token, its owner, the roles, the delegation's names, the cache generation.
    assert len(statements) == 1, statements
    assert all(table in statements[0] for table in ("access_token", "user_account", "user_role", "state",
                                                     "cache_generation"))
    [(user, generation)] = users
    assert isinstance(user, Reader) and user.id == c.a1.id and user.roles == frozenset({Role.DELEGATE})
    assert user.login_session is None and user.get_id() == ""  # no login session on the API
    with db.engine.connect() as connection:
        assert generation == connection.scalar(select(CacheGeneration.generation)) is not None
    # The inbox: that statement and the page's rows, nothing more.
    with counting_statements() as statements:
        inbox = client.get("/api/v1/inbox?per_page=50", headers=bearer(secret))
    assert inbox.status_code == 200 and len(inbox.get_json()["items"]) == 1
    assert len(statements) == 2, statements


def test_the_writes_record_the_token_owner_as_their_actor(app_ctx, client):
    c = cast()
    officer = bearer(token_for(c.officer, Scope.READ, Scope.OFFICER))
    with request_users(app_ctx) as users:
        created = client.post("/api/v1/documents", json={**NEW, "body_id": body().id}, headers=officer)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert isinstance(users[0][0], Reader) and users[0][0].id == c.officer.id
    document_id = created.get_json()["id"]
    assert db.session.get(Document, document_id).created_by_id == c.officer.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.create"))
    assert entry is not None and (entry.actor_id, entry.object_id) == (c.officer.id, str(document_id))

    circulated = make_document("Note", "Записка")
    circulate(circulated, c.alpha)
    delegate = bearer(token_for(c.a2, Scope.READ, Scope.ACKNOWLEDGE))
    response = client.post(f"/api/v1/documents/{circulated.id}/acknowledgement", headers=delegate)
    assert response.status_code == 200 and response.get_json()["acknowledged_by"] == c.a2.name
    acknowledgement = db.session.scalar(select(Acknowledgement).where(Acknowledgement.document_id == circulated.id))
    assert (acknowledgement.delegation_id, acknowledgement.acknowledged_by_id) == (c.alpha.id, c.a2.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.acknowledge"))
    assert entry is not None and entry.actor_id == c.a2.id
    # The same act without its scope, or by an observer's delegate it never reached: refused, nothing written.
    assert client.post(f"/api/v1/documents/{circulated.id}/acknowledgement",
                       headers=bearer(token_for(c.a1))).status_code == 403
    assert client.post(f"/api/v1/documents/{circulated.id}/acknowledgement",
                       headers=bearer(token_for(c.g1, Scope.READ, Scope.ACKNOWLEDGE))).status_code == 404
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "document.acknowledge",
                                                         AuditEntry.actor_id != c.a2.id)) is None


def test_the_last_use_is_noted_at_most_once_a_minute(app_ctx, client):
    secret = token_for(cast().a1)
    assert last_used(secret) is None
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    first = last_used(secret)
    assert first is not None and datetime.now(UTC) - first < timedelta(minutes=1)
    half_a_minute_ago = datetime.now(UTC) - timedelta(seconds=30)
    table = AccessToken.__table__
    db.session.execute(update(table).values(last_used_at=half_a_minute_ago))
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert last_used(secret) == half_a_minute_ago  # within the minute: not written again
    db.session.execute(update(table).values(last_used_at=datetime.now(UTC) - timedelta(minutes=2)))
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert datetime.now(UTC) - last_used(secret) < timedelta(minutes=1)


def test_staff_whose_second_factor_was_reset_must_enrol_before_using_the_api(app_ctx, client):
    c = cast()
    secret = token_for(c.officer, Scope.READ, Scope.OFFICER)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    c.officer.second_factor_enrolled_at = None
    db.session.commit()
    refused = client.get("/api/v1/me", headers=bearer(secret))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert "two-step verification" in refused.get_json()["detail"]
    # A delegate without a second factor needs none.
    assert client.get("/api/v1/me", headers=bearer(token_for(c.a1))).status_code == 200
