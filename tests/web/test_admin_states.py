"""States and memberships pages: statuses on a day, a state's history, and
creating and editing states and membership periods through the forms."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import Membership, State
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.audit_counts import changes_recorded
from tests.conftest import log_in, post_form
from tests.factories import MembershipFactory, StateFactory, delegate, officer


def _count(model) -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def _field_errors(html: str, name: str) -> list[str]:
    """The error messages shown under the form field called `name`."""
    for chunk in html.split('<div class="field')[1:]:
        if f'name="{name}"' in chunk:
            chunk = chunk.split('<div class="field')[0]
            return re.findall(r'<p class="error"[^>]*>([^<]*)</p>', chunk)
    raise AssertionError(f"no field {name} on the page")


def _counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}


def _section(html: str, status: str) -> str:
    return html.split(f'id="status-{status}"')[1].split("</section>")[0]


@pytest.fixture
def as_officer(app_ctx, client):
    user = officer()
    log_in(client, user.email)
    return user


def test_statuses_on_a_day(reference, client, as_officer):
    page = client.get("/admin/states?on=2015-06-01")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _counts(html) == {"member": 26, "observer": 11, "partner": 0}
    assert "Sri Lanka" in _section(html, "observer") and "Kuwait" in _section(html, "none")

    html = client.get("/admin/states?on=2023-01-01").get_data(as_text=True)
    assert _counts(html)["member"] == 28
    members = _section(html, "member")
    assert "Sri Lanka" in members and "Kuwait" in members


def test_statuses_default_to_today(reference, client, as_officer):
    html = client.get("/admin/states").get_data(as_text=True)
    assert _counts(html)["member"] >= 28


@pytest.mark.parametrize("bad", ["2015-13-45", "yesterday", "1.6.2015", "99999-01-01"])
def test_a_bad_date_is_a_form_error_not_a_crash(app_ctx, client, as_officer, bad):
    page = client.get("/admin/states", query_string={"on": bad})
    assert page.status_code == 400
    assert _field_errors(page.get_data(as_text=True), "on")


def test_state_detail_shows_names_history_and_delegation(reference, client, as_officer):
    html = client.get("/admin/states/LKA").get_data(as_text=True)
    assert "Sri Lanka" in html and "Шри-Ланка" in html
    assert "4 June 2002" in html and "30 June 2018" in html and "1 July 2018" in html
    delegation_id = db.session.scalar(select(Delegation.id).join(State).where(State.code == "LKA"))
    assert f"/admin/delegations/{delegation_id}" in html
    assert client.get("/admin/states/lka").status_code == 200  # codes are case-insensitive


@pytest.mark.parametrize("url", [
    "/admin/states/NOPE", "/admin/states/NOPE/edit", "/admin/states/NOPE/memberships/new",
    "/admin/memberships/999999/edit",
])
def test_unknown_state_or_membership_is_404(app_ctx, client, as_officer, url):
    assert client.get(url).status_code == 404


def test_create_a_state_then_its_first_membership(app_ctx, client, as_officer):
    response = post_form(client, "/admin/states/new", {
        "code": "kwt", "iso2": "KW", "kind": "state", "name_en": "Kuwait", "name_ru": "Кувейт"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/states/KWT")
    assert _count(Delegation) == 0

    response = post_form(client, "/admin/states/KWT/memberships/new", {
        "status": "member", "valid_from": "2022-10-13", "valid_to": "", "note": "6th Summit"})
    assert response.status_code == 302
    assert _count(Membership) == 1 and _count(Delegation) == 1
    html = client.get("/admin/states/KWT").get_data(as_text=True)
    assert "13 October 2022" in html and "6th Summit" in html


def test_state_form_errors_are_shown_under_their_fields(app_ctx, client, as_officer):
    StateFactory(code="KAZ")
    response = post_form(client, "/admin/states/new", {
        "code": "KAZ", "iso2": "K1", "kind": "state", "name_en": "Kazakhstan", "name_ru": "Казахстан"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _field_errors(html, "code") and _field_errors(html, "iso2")
    assert _count(State) == 1


def test_membership_end_before_start_is_a_field_error(app_ctx, client, as_officer):
    StateFactory(code="ABC")
    response = post_form(client, "/admin/states/ABC/memberships/new", {
        "status": "member", "valid_from": "2020-01-01", "valid_to": "2019-12-31", "note": ""})
    assert response.status_code == 200
    errors = _field_errors(response.get_data(as_text=True), "valid_to")
    assert errors and "end date" in errors[0]
    assert _count(Membership) == 0 and _count(Delegation) == 0 and changes_recorded() == 0


def test_overlapping_membership_is_a_field_error(app_ctx, client, as_officer):
    existing = MembershipFactory(valid_from=date(1999, 9, 14), valid_to=None)
    code = existing.state.code
    response = post_form(client, f"/admin/states/{code}/memberships/new", {
        "status": "observer", "valid_from": "2010-01-01", "valid_to": "", "note": ""})
    assert response.status_code == 200
    errors = _field_errors(response.get_data(as_text=True), "valid_from")
    assert errors and "overlaps" in errors[0] and "1999-09-14" in errors[0]
    assert _count(Membership) == 1 and changes_recorded() == 0


def test_an_edit_through_the_pages_is_audited(app_ctx, client, as_officer):
    membership = MembershipFactory(state=StateFactory(code="TUR", name_en="Turkey", name_ru="Турция"))
    response = post_form(client, "/admin/states/TUR/edit", {
        "code": "TUR", "iso2": "TR", "kind": "state", "name_en": "Türkiye", "name_ru": "Турция"})
    assert response.status_code == 302
    response = post_form(client, f"/admin/memberships/{membership.id}/edit", {
        "status": "member", "valid_from": "1999-09-14", "valid_to": "", "note": "Founding member"})
    assert response.status_code == 302
    db.session.rollback()
    state_entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "state.update"))
    assert state_entry.actor_id == as_officer.id
    assert state_entry.before["name_en"] == "Turkey" and state_entry.after["name_en"] == "Türkiye"
    membership_entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "membership.update"))
    assert membership_entry.before["note"] == "" and membership_entry.after["note"] == "Founding member"
    assert membership_entry.object_id == str(membership.id)


def test_edit_form_shows_the_current_values(app_ctx, client, as_officer):
    membership = MembershipFactory(state=StateFactory(code="QAT", iso2="QA"), note="4th Summit")
    html = client.get("/admin/states/QAT/edit").get_data(as_text=True)
    assert 'value="QAT"' in html and 'value="QA"' in html
    html = client.get(f"/admin/memberships/{membership.id}/edit").get_data(as_text=True)
    assert 'value="1999-09-14"' in html and 'value="4th Summit"' in html


# Who may use the admin pages ----------------------------------------------

def _admin_urls(app):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("admin."):
                continue
            url = re.sub(r"<int:[^>]+>", "1", rule.rule)
            url = re.sub(r"<[^>]+>", "KAZ", url)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, url


def test_a_delegate_gets_403_on_every_admin_page(reference, client):
    kaz = db.session.scalar(select(Delegation).join(State).where(State.code == "KAZ"))
    user = delegate(delegation=kaz)
    log_in(client, user.email)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/auth/password").get_data(as_text=True)).group(1)
    checked = set()
    for endpoint, method, url in _admin_urls(client.application):
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, (endpoint, method, url, response.status_code)
        checked.add(endpoint)
    assert {"admin.states", "admin.state_detail", "admin.state_new", "admin.state_edit", "admin.membership_new",
            "admin.membership_edit", "admin.delegations", "admin.delegation_detail", "admin.delegation_new",
            "admin.users", "admin.user_new", "admin.user_edit"} <= checked


def test_anonymous_is_sent_to_the_login_page(app, client):
    for endpoint, method, url in _admin_urls(app):
        if method != "GET":
            continue
        response = client.get(url)
        assert response.status_code == 302, (endpoint, url)
        assert "/auth/login" in response.headers["Location"]


def test_every_page_renders_for_a_russian_speaking_officer(reference, client):
    user = officer(language="ru")
    log_in(client, user.email)
    kaz = db.session.scalar(select(Delegation).join(State).where(State.code == "KAZ"))
    membership_id = db.session.scalar(select(Membership.id).join(State).where(State.code == "KAZ"))
    for url in ["/admin/states", "/admin/states?on=2015-06-01", "/admin/states/KAZ", "/admin/states/new",
                "/admin/states/KAZ/edit", "/admin/states/KAZ/memberships/new",
                f"/admin/memberships/{membership_id}/edit", "/admin/delegations",
                f"/admin/delegations/{kaz.id}", "/admin/delegations/new", "/admin/users",
                "/admin/users/new", f"/admin/users/{user.id}/edit"]:
        response = client.get(url)
        expected = 403 if url.startswith("/admin/users/") and url.endswith("/edit") else 200
        assert response.status_code == expected, url
        assert '<html lang="ru">' in response.get_data(as_text=True)
    assert "Казахстан" in client.get("/admin/states/KAZ").get_data(as_text=True)
