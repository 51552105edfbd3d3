"""`flask seed` and `flask reference load` go through demo.seed, the one place
that knows the steps of seeding; a second run changes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest
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


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_in_production_seed_loads_no_demo_and_refuses_demo(app, monkeypatch):
    from secretariat_app.accounts.models.states import State
    from secretariat_app.demo import accounts as demo_accounts
    from secretariat_app.demo import content as demo_content
    from secretariat_app.demo.guard import DemoRefused
    from secretariat_app.documents.models import Document
    from secretariat_app.meetings.models import Meeting

    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["seed", "--demo"])
    assert refused.exit_code != 0
    assert "never created in production" in refused.output and "nothing seeded" in refused.output
    with app.app_context():
        assert _count(State) == 0  # refused before anything was written

    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "Demo users and content: none (never in production)." in result.output
    assert demo_accounts.DEMO_PASSWORD not in result.output
    with app.app_context():
        assert _count(User) == 0 and _count(Meeting) > 0 and _count(Document) == 0  # the history's meetings only
        assert _count(State) > 0
        for door in (demo_accounts.create_demo_users, demo_accounts.enrol_demo_staff, demo_content.create_demo_content,
                     demo_content.create_cbm_demo, lambda: seeding.seed(with_demo=True)):
            with pytest.raises(DemoRefused):
                door()
        assert _count(User) == 0 and _count(Document) == 0


def test_in_development_seed_loads_the_demo_users(app, monkeypatch):
    from secretariat_app.demo import accounts as demo_accounts

    monkeypatch.setitem(app.config, "ENV_NAME", "development")
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert f"Demo logins (password for all: {demo_accounts.DEMO_PASSWORD}):" in result.output
    with app.app_context():
        emails = set(db.session.scalars(select(User.email)))
    assert emails == {email for email, *_ in demo_accounts.DEMO_USERS}


def test_flask_seed_with_the_production_configuration_creates_no_demo_account(tmp_path):
    """As the operator runs it: `SECRETARIAT_ENV=production flask --app wsgi seed`, in a fresh process."""
    import os
    import sqlite3
    import subprocess
    import sys

    database = tmp_path / "production.sqlite"
    env = {**os.environ, "SECRETARIAT_ENV": "production", "SECRET_KEY": "k" * 48,
           "DATABASE_URL": f"sqlite:///{database}", "INSTANCE_DIR": str(tmp_path), "FILE_STORE_DIR": str(tmp_path)}

    def flask(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], env=env, capture_output=True,
                              text=True, timeout=300, cwd=Path(__file__).resolve().parents[2])

    assert flask("db", "upgrade").returncode == 0
    refused = flask("seed", "--demo")
    assert refused.returncode != 0 and "never created in production" in refused.stderr
    seeded = flask("seed")
    assert seeded.returncode == 0, seeded.stderr
    assert "admin@secretariat.cica.example" not in seeded.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM user_account").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM state").fetchone()[0] > 0
