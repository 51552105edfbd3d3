"""Delegations pages: the list with status today and number of users, one
delegation with its users, and creating a delegation."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import MembershipStatus, State
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.audit_counts import changes_recorded
from tests.conftest import log_in, post_form
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    StateFactory,
    delegate,
    officer,
)


def _count(model) -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def _delegation(code: str) -> Delegation:
    return db.session.scalar(select(Delegation).join(State).where(State.code == code))


@pytest.fixture
def as_officer(app_ctx, client):
    user = officer()
    log_in(client, user.email)
    return user


def test_list_shows_status_today_and_user_counts(reference, client, as_officer):
    kaz = _delegation("KAZ")
    delegate(delegation=kaz)
    delegate(delegation=kaz, active=False)
    html = client.get("/admin/delegations").get_data(as_text=True)
    assert len(re.findall(r'href="/admin/delegations/\d+"', html)) == 38
    assert re.search(r'data-users="KAZ">2<', html) and re.search(r'data-users="RUS">0<', html)
    row = html.split('data-users="KWT"')[0].rsplit("<tr>", 1)[1]
    assert "Kuwait" in row and "tag-member" in row


def test_list_shows_a_delegation_without_status_today(app_ctx, client, as_officer):
    state = StateFactory(code="OLD", name_en="Former Observer")
    MembershipFactory(state=state, status=MembershipStatus.OBSERVER, valid_from=date(2002, 1, 1),
                      valid_to=date(2010, 1, 1))
    DelegationFactory(state=state)
    html = client.get("/admin/delegations").get_data(as_text=True)
    row = html.split('data-users="OLD"')[0].rsplit("<tr>", 1)[1]
    assert "Former Observer" in row and "tag-" not in row and "none" in row


def test_detail_lists_the_users(reference, client, as_officer):
    kaz = _delegation("KAZ")
    delegate(delegation=kaz, name="Aigerim Kazakh", email="aigerim@mfa.kz.example")
    delegate(delegation=_delegation("RUS"), name="Boris Russian")
    html = client.get(f"/admin/delegations/{kaz.id}").get_data(as_text=True)
    assert "Kazakhstan" in html and "Aigerim Kazakh" in html and "aigerim@mfa.kz.example" in html
    assert "Boris Russian" not in html
    assert "/admin/states/KAZ" in html and "tag-member" in html


def test_unknown_delegation_is_404(app_ctx, client, as_officer):
    assert client.get("/admin/delegations/999999").status_code == 404


def test_create_a_delegation(app_ctx, client, as_officer):
    state = StateFactory(code="AZE", name_en="Azerbaijan")
    MembershipFactory(state=state)
    StateFactory(code="NON", name_en="No Status")  # no membership: not offered
    html = client.get("/admin/delegations/new").get_data(as_text=True)
    assert "Azerbaijan" in html and "No Status" not in html
    response = post_form(client, "/admin/delegations/new", {"state": str(state.id)})
    assert response.status_code == 302
    assert _count(Delegation) == 1
    delegation = db.session.scalar(select(Delegation))
    assert response.headers["Location"].endswith(f"/admin/delegations/{delegation.id}")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "delegation.create"))
    assert entry.after == {"state_id": state.id} and entry.before is None
    # Now there is nothing left to create a delegation for.
    html = client.get("/admin/delegations/new").get_data(as_text=True)
    assert "already has a delegation" in html


def test_a_state_that_may_not_have_one_is_refused(app_ctx, client, as_officer):
    without_status = StateFactory()
    response = post_form(client, "/admin/delegations/new", {"state": str(without_status.id)})
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    response = post_form(client, "/admin/delegations/new", {"state": ""})
    assert response.status_code == 200
    assert _count(Delegation) == 0 and changes_recorded() == 0


def test_a_delegate_cannot_see_delegations_here(reference, client):
    kaz = _delegation("KAZ")
    user = delegate(delegation=kaz)
    log_in(client, user.email)
    assert client.get("/admin/delegations").status_code == 403
    assert client.get(f"/admin/delegations/{kaz.id}").status_code == 403
