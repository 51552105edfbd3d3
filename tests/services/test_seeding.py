"""`flask seed` and `flask reference load` go through demo.seed, the one place
that knows the steps of seeding; a second run changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from secretariat_app.accounts.models.people import User
from secretariat_app.cbm.models import CbmCoordinator
from secretariat_app.demo import seed as seeding
from secretariat_app.extensions import db


def test_the_commands_call_the_seeding_functions(app, monkeypatch):
    calls: list[tuple] = []
    real_seed, real_reference = seeding.seed, seeding.load_reference

    def seed(**kwargs):
        calls.append(("seed", kwargs))
        return real_seed(**kwargs)

    def load_reference():
        calls.append(("load_reference", {}))
        return real_reference()

    monkeypatch.setattr(seeding, "seed", seed)
    monkeypatch.setattr(seeding, "load_reference", load_reference)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["reference", "load"]).exit_code == 0
    result = runner.invoke(args=["seed", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert "Reference data: already up to date" in result.output and "History: created" in result.output
    assert calls == [("load_reference", {}), ("seed", {"with_demo": False}), ("load_reference", {})]
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_seeding_twice_changes_nothing(app_ctx):
    first = seeding.seed(with_history=False)
    assert first.reference.changed and first.catalogue.changed and first.history is None
    assert first.demo_content and first.cbm_demo and len(first.demo_users) == 5
    users = db.session.scalar(select(func.count(User.id)))
    second = seeding.seed(with_history=False)
    assert not (second.reference.changed or second.catalogue.changed or second.demo_content or second.cbm_demo)
    assert second.demo_users == first.demo_users and second.coordinators == first.coordinators
    assert db.session.scalar(select(func.count(User.id))) == users
    assert db.session.scalar(select(func.count(CbmCoordinator.id))) == 3
