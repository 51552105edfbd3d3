"""Configuration: production refuses unsafe settings; URLs are normalised."""
from __future__ import annotations

import pytest

from config import (
    DEVELOPMENT_SECRET_KEY,
    ProductionConfig,
    celery_settings,
    normalise_database_url,
)
from secretariat_app import create_app

GOOD_KEY = "k" * 48


def production(**overrides):
    return create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://", **overrides})


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production(SECRET_KEY=DEVELOPMENT_SECRET_KEY)


def test_production_accepts_a_key_from_the_environment(tmp_path):
    """The configuration class is read in a fresh process, as gunicorn reads it."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SECRETARIAT_ENV": "production", "SECRET_KEY": GOOD_KEY,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}", "INSTANCE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import wsgi; print(wsgi.app.config['ENV_NAME'])"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "production"
    env["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
    refused = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr


def test_production_refuses_a_short_or_missing_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production(SECRET_KEY="")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production(SECRET_KEY="short")


def test_production_refuses_debug():
    with pytest.raises(RuntimeError, match="DEBUG"):
        production(SECRET_KEY=GOOD_KEY, DEBUG=True)


def test_production_with_a_real_key_starts_with_secure_cookies():
    app = production(SECRET_KEY=GOOD_KEY)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_celery_settings_are_safe_for_long_tasks():
    settings = celery_settings("redis://127.0.0.1:6379/0", None)
    assert settings["task_acks_late"] and settings["task_reject_on_worker_lost"]
    assert settings["worker_prefetch_multiplier"] == 1
    assert settings["task_serializer"] == "json" and settings["accept_content"] == ["json"]
    assert settings["task_ignore_result"] is True
    assert settings["task_time_limit"] > settings["task_soft_time_limit"]


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    from sqlalchemy import text

    from config import TestConfig
    from secretariat_app.extensions import db

    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        db.engine.dispose()
