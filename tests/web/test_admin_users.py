"""User accounts pages: the filtered, paged list; inviting a user by mail;
editing roles, delegation, language, time zone and the active flag; and who
may grant which role."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import Role, User
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.audit_counts import changes_recorded
from tests.conftest import log_in, post_form
from tests.factories import DelegationFactory, UserFactory, admin, delegate, officer


def _count(model) -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def _fresh(user: User) -> User:
    db.session.rollback()
    return db.session.get(User, user.id)


def _field_errors(html: str, name: str) -> list[str]:
    """The error messages shown under the form field called `name`."""
    for chunk in html.split('<div class="field')[1:]:
        if f'name="{name}"' in chunk:
            return re.findall(r'<p class="error"[^>]*>([^<]*)</p>', chunk)
    raise AssertionError(f"no field {name} on the page")


def _user_form(user: User | None = None, **changes) -> dict:
    values = {"email": "new@mfa.example", "name": "New Person", "roles": ["delegate"],
              "delegation_id": "", "language": "en", "timezone": "Asia/Almaty"}
    if user is not None:
        values.update(email=user.email, name=user.name, roles=sorted(r.value for r in user.roles),
                      delegation_id=str(user.delegation_id or ""), language=user.language,
                      timezone=user.timezone, active="y" if user.active else "")
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture
def as_officer(app_ctx, client):
    user = officer(name="Officer")
    log_in(client, user.email)
    return user


@pytest.fixture
def as_admin(app_ctx, client):
    user = admin(name="Admin")
    log_in(client, user.email)
    return user


def test_list_filters_by_role_and_delegation(app_ctx, client, as_officer):
    kaz, rus = DelegationFactory(), DelegationFactory()
    delegate(delegation=kaz, name="Aigerim")
    delegate(delegation=rus, name="Boris")
    UserFactory(roles=[Role.COORDINATOR], delegation=rus, name="Coordinator Chen")

    html = client.get("/admin/users").get_data(as_text=True)
    assert all(n in html for n in ("Aigerim", "Boris", "Coordinator Chen", "Officer"))
    html = client.get(f"/admin/users?delegation={rus.id}").get_data(as_text=True)
    assert "Boris" in html and "Coordinator Chen" in html and "Aigerim" not in html
    html = client.get("/admin/users?role=coordinator").get_data(as_text=True)
    assert "Coordinator Chen" in html and "Boris" not in html
    html = client.get("/admin/users?delegation=none").get_data(as_text=True)
    assert "Officer" in html and "Boris" not in html
    # Unknown filter values are ignored, not an error.
    assert client.get("/admin/users?role=king&delegation=abc&page=x").status_code == 200


def test_list_is_paged(app_ctx, client, as_officer):
    delegation = DelegationFactory()
    for n in range(30):
        delegate(delegation=delegation, name=f"Delegate {n:02d}")
    first = client.get(f"/admin/users?delegation={delegation.id}").get_data(as_text=True)
    assert "Delegate 00" in first and "Delegate 29" not in first
    assert "Page 1 of 2" in first and f"delegation={delegation.id}" in first and "page=2" in first
    second = client.get(f"/admin/users?delegation={delegation.id}&page=2").get_data(as_text=True)
    assert "Delegate 29" in second and "Delegate 00" not in second


def test_officer_invites_a_delegate(app_ctx, client, as_officer, outbox, sent_tasks):
    delegation = DelegationFactory()
    response = post_form(client, "/admin/users/new", _user_form(
        email="Delegate@MFA.example", delegation_id=str(delegation.id), language="ru"), follow_redirects=True)
    assert response.status_code == 200 and "is on its way to delegate@mfa.example" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "delegate@mfa.example"))
    assert user.roles == {Role.DELEGATE} and user.delegation_id == delegation.id and user.language == "ru"
    assert outbox == []  # nothing waits on SMTP in the request: the worker mails it
    assert sent_tasks.run() == ["sent"]
    (message,) = outbox
    assert message["To"] == "delegate@mfa.example"
    link = re.search(r"https?://\S+/auth/reset/\S+", message.get_content()).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.post("/auth/logout")
    assert client.get("/" + path).status_code == 200  # the set-password page opens


def test_new_user_in_a_delegation_is_preselected(app_ctx, client, as_officer):
    delegation = DelegationFactory()
    html = client.get(f"/admin/users/new?delegation={delegation.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{delegation.id}"|<option value="{delegation.id}" selected', html)


def test_duplicate_email_is_a_field_error(app_ctx, client, as_officer, outbox):
    existing = delegate(email="taken@mfa.example")
    users = _count(User)
    response = post_form(client, "/admin/users/new", _user_form(
        email="TAKEN@mfa.example", delegation_id=str(existing.delegation_id)))
    assert response.status_code == 200
    assert _field_errors(response.get_data(as_text=True), "email")
    assert _count(User) == users and changes_recorded() == 0 and outbox == []


@pytest.mark.parametrize("role", ["admin", "officer"])
def test_officer_cannot_grant_secretariat_roles(app_ctx, client, as_officer, role):
    html = client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="admin"' not in html and 'value="officer"' not in html
    users = _count(User)
    response = post_form(client, "/admin/users/new", _user_form(email="boss@cica.example", roles=[role]))
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert _field_errors(response.get_data(as_text=True), "roles")
    assert _count(User) == users

    target = delegate()
    response = post_form(client, f"/admin/users/{target.id}/edit", _user_form(target, roles=[role], delegation_id=""))
    assert response.status_code in (200, 403)
    assert _fresh(target).roles == {Role.DELEGATE}


def test_officer_cannot_edit_secretariat_accounts(app_ctx, client, as_officer):
    for other in (officer(), admin()):
        assert client.get(f"/admin/users/{other.id}/edit").status_code == 403
        response = post_form(client, f"/admin/users/{other.id}/edit", _user_form(other, name="Hacked"),
                             page="/admin/users")
        assert response.status_code == 403
        assert _fresh(other).name != "Hacked"


def test_admin_grants_secretariat_roles(app_ctx, client, as_admin, outbox):
    html = client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="admin"' in html and 'value="officer"' in html
    response = post_form(client, "/admin/users/new", _user_form(email="officer2@cica.example", roles=["officer"]))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "officer2@cica.example"))
    assert user.roles == {Role.OFFICER}
    response = post_form(client, f"/admin/users/{user.id}/edit", _user_form(user, roles=["admin", "officer"]))
    assert response.status_code == 302
    assert _fresh(user).roles == {Role.ADMIN, Role.OFFICER}


def test_an_edit_through_the_page_is_audited(app_ctx, client, as_officer):
    target = delegate(name="Before Name", language="en", timezone="Asia/Almaty")
    response = post_form(client, f"/admin/users/{target.id}/edit", _user_form(
        target, name="After Name", language="ru", timezone="Europe/Moscow", active=""))
    assert response.status_code == 302
    user = _fresh(target)
    assert (user.name, user.language, user.timezone, user.active) == ("After Name", "ru", "Europe/Moscow", False)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.update"))
    assert entry.actor_id == as_officer.id and entry.object_id == str(target.id)
    assert entry.before["name"] == "Before Name" and entry.after["name"] == "After Name"
    assert entry.before["active"] is True and entry.after["active"] is False


def test_edit_form_errors(app_ctx, client, as_officer):
    target = delegate()
    response = post_form(client, f"/admin/users/{target.id}/edit", _user_form(
        target, timezone="Mars/Olympus", language="de", roles=[]))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _field_errors(html, "timezone") and _field_errors(html, "language")
    assert _fresh(target).timezone == "Asia/Almaty"
    # A delegate without a delegation is refused by the service, under its field.
    response = post_form(client, f"/admin/users/{target.id}/edit", _user_form(target, delegation_id=""))
    assert response.status_code == 200
    assert _field_errors(response.get_data(as_text=True), "delegation_id")
    assert changes_recorded() == 0


def test_admin_cannot_lock_themselves_out(app_ctx, client, as_admin):
    response = post_form(client, f"/admin/users/{as_admin.id}/edit", _user_form(as_admin, active=""))
    assert response.status_code == 200
    assert _field_errors(response.get_data(as_text=True), "active")
    assert _fresh(as_admin).active


def test_unknown_user_is_404(app_ctx, client, as_admin):
    assert client.get("/admin/users/999999/edit").status_code == 404


@pytest.mark.parametrize("language, counts", [
    ("en", {1: "1 account matches.", 2: "2 accounts match."}),
    ("ru", {1: "Найдена 1 учётная запись.", 3: "Найдены 3 учётные записи.", 5: "Найдено 5 учётных записей."}),
])
def test_the_count_of_accounts_agrees_with_its_number(app_ctx, client, language, counts):
    log_in(client, officer(name="Officer", language=language).email)
    delegation = DelegationFactory()
    shown = 0
    for n, caption in counts.items():
        while shown < n:
            delegate(delegation=delegation, name=f"Delegate {shown}")
            shown += 1
        html = client.get(f"/admin/users?delegation={delegation.id}").get_data(as_text=True)
        assert f"<caption>{caption}</caption>" in html
