"""Administering accounts: inviting users, editing them, and who may grant
which role. Refused data writes nothing."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import PasswordResetToken, Role, User
from secretariat_app.accounts.services import users as accounts
from secretariat_app.accounts.services.users import UserData
from secretariat_app.audit.models import AuditEntry
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from tests.factories import PASSWORD, DelegationFactory, admin, delegate, officer


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _fields(error: RuleViolations) -> set[str]:
    return {v.field for v in error.violations}


def _delegate_data(delegation_id: int, **kwargs) -> UserData:
    values = {"email": "New.Delegate@MFA.example", "name": "New Delegate", "roles": frozenset({Role.DELEGATE}),
              "delegation_id": delegation_id, "language": "ru", "timezone": "Asia/Almaty"}
    return UserData(**{**values, **kwargs})


def test_invite_creates_an_account_nobody_can_log_in_to_yet(app_ctx, outbox, sent_tasks):
    actor = officer()
    delegation = DelegationFactory()
    users_before = _count(User)
    user = accounts.invite_user(actor, _delegate_data(delegation.id))
    assert user.email == "new.delegate@mfa.example" and user.roles == {Role.DELEGATE}
    assert _count(User) == users_before + 1
    assert accounts.authenticate(user.email, PASSWORD) is None
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["user.create", "user.invite"]
    created = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert created.actor_id == actor.id and created.after["roles"] == ["delegate"]

    # Nothing is mailed by the request: the invitation is a task, sent after the commit.
    assert outbox == [] and _count(PasswordResetToken) == 0
    assert sent_tasks.names() == ["workers.tasks.accounts.send_invitation"]
    assert sent_tasks.run() == ["sent"]
    (message,) = outbox
    assert message["To"] == user.email
    body = message.get_content()
    raw = re.search(r"/auth/reset/(\S+)", body).group(1)
    assert accounts.valid_reset_token(raw) is not None
    assert user.name in body and user.email in body

    # The link sets the password once; then the account logs in.
    accounts.reset_password(raw, "a brand new password")
    assert accounts.authenticate(user.email, "a brand new password") is not None
    assert accounts.valid_reset_token(raw) is None


def test_the_invitation_task_run_again_mails_the_same_link_and_nothing_once_used(app_ctx, outbox, sent_tasks):
    user = accounts.invite_user(officer(), _delegate_data(DelegationFactory().id))
    ((name, kwargs),) = sent_tasks
    task = app_ctx.extensions["celery"].tasks[name]
    assert task.run(**kwargs) == task.run(**kwargs) == "sent"  # a retry, a redelivery
    first, second = (re.search(r"/auth/reset/(\S+)", m.get_content()).group(1) for m in outbox)
    assert first == second and _count(PasswordResetToken) == 1
    accounts.reset_password(first, "a brand new password")
    assert task.run(**kwargs) == "ended" and len(outbox) == 2
    accounts.update_user(officer(), user, UserData(email=user.email, name=user.name, roles=user.roles,
                                                   delegation_id=user.delegation_id, active=False))
    assert task.run(**kwargs) == "gone"


def test_an_invitation_the_broker_refuses_is_not_lost_silently(app_ctx, monkeypatch):
    from kombu.exceptions import OperationalError

    from secretariat_app.core import tasks

    def refuse(*_args, **_kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app_ctx.extensions["celery"], "send_task", refuse)
    user = accounts.invite_user(officer(), _delegate_data(DelegationFactory().id))
    assert user.id is not None  # the account stands
    assert tasks.unsent() == ["workers.tasks.accounts.send_invitation"]


def test_invite_refuses_a_duplicate_email(app_ctx, outbox):
    actor = officer(email="taken@cica.example")
    delegation = DelegationFactory()
    before = _count(User)
    with pytest.raises(RuleViolations) as caught:
        accounts.invite_user(actor, _delegate_data(delegation.id, email=" TAKEN@cica.example"))
    assert _fields(caught.value) == {"email"}
    assert _count(User) == before and _count(PasswordResetToken) == 0 and _count(AuditEntry) == 0
    assert outbox == []


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICER])
def test_officer_cannot_grant_secretariat_roles(app_ctx, role):
    actor = officer()
    before = _count(User)
    with pytest.raises(RuleViolations) as caught:
        accounts.invite_user(actor, UserData(email="x@cica.example", name="X", roles=frozenset({role})))
    assert _fields(caught.value) == {"roles"}
    assert _count(User) == before


def test_admin_grants_secretariat_roles(app_ctx):
    actor = admin()
    user = accounts.invite_user(actor, UserData(email="o@cica.example", name="O",
                                                       roles=frozenset({Role.OFFICER})))
    assert user.roles == {Role.OFFICER}
    accounts.edit_user(actor, user, UserData(email="o@cica.example", name="O",
                                             roles=frozenset({Role.ADMIN, Role.OFFICER})))
    assert db.session.get(User, user.id).roles == {Role.ADMIN, Role.OFFICER}


def test_officer_cannot_promote_a_delegate(app_ctx):
    actor = officer()
    target = delegate()
    with pytest.raises(RuleViolations) as caught:
        accounts.edit_user(actor, target, UserData(email=target.email, name=target.name,
                                                   roles=frozenset({Role.OFFICER})))
    assert "roles" in _fields(caught.value)
    db.session.expire_all()
    assert target.roles == {Role.DELEGATE} and _count(AuditEntry) == 0


def test_officer_edits_a_delegate(app_ctx):
    actor = officer()
    target = delegate(language="en")
    data = UserData(email=target.email, name="Renamed", language="ru", timezone="Europe/Moscow",
                    roles=frozenset({Role.DELEGATE, Role.COORDINATOR}), delegation_id=target.delegation_id,
                    active=False)
    accounts.edit_user(actor, target, data)
    db.session.expire_all()
    assert (target.name, target.language, target.timezone, target.active) == ("Renamed", "ru", "Europe/Moscow", False)
    assert target.roles == {Role.DELEGATE, Role.COORDINATOR}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.update"))
    assert entry.before["active"] is True and entry.after["active"] is False
    assert entry.after["roles"] == ["coordinator", "delegate"]


def test_an_administrator_cannot_lock_themselves_out(app_ctx):
    actor = admin()
    with pytest.raises(RuleViolations) as caught:
        accounts.edit_user(actor, actor, UserData(email=actor.email, name=actor.name,
                                                  roles=frozenset({Role.OFFICER}), active=False))
    assert _fields(caught.value) == {"roles", "active"}
    db.session.expire_all()
    assert actor.roles == {Role.ADMIN} and actor.active


def test_edit_reports_every_problem_at_once(app_ctx):
    actor = officer()
    other = delegate(email="other@cica.example")
    target = delegate()
    with pytest.raises(RuleViolations) as caught:
        accounts.edit_user(actor, target, UserData(email=other.email, name="X", timezone="Mars/Olympus",
                                                   roles=frozenset({Role.ADMIN}), delegation_id=target.delegation_id))
    assert {"roles", "email", "timezone", "delegation_id"} <= _fields(caught.value)
