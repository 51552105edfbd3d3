"""The CICA Secretariat's meeting and workflow system."""
from __future__ import annotations

import logging
from typing import Any, cast

from apiflask import APIFlask
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from jinja2 import FileSystemLoader

from config import (
    BASE_DIR,
    DEVELOPMENT_SECRET_KEY,
    INSTANCE_DIR,
    Config,
    ProductionConfig,
    config_from_env,
    engine_options,
    ratelimit_storage_options,
)
from secretariat_app.core.application import SecretariatApp
from secretariat_app.core.ids import register_id_converter
from secretariat_app.core.proxies import register_proxy_fix
from secretariat_app.features import import_models, register_notice_kinds, template_folders


def create_app(config: type[Config] | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: read this function to learn the whole app."""
    # APIFlask is Flask with the OpenAPI document of the JSON API (secretariat_app/api), written from the
    # API's views and typed schemas; the pages are plain Flask views and are not in it. SecretariatApp is
    # APIFlask answering ensure_sync once per function (core/application.py).
    app = SecretariatApp(
        __name__,
        title="CICA Secretariat API",
        version="1",
        spec_path=None,  # served by the API's own view, under its access rule (api/v1/routes_reference.py)
        docs_path=None,  # the reference page is the API's own, with no script from elsewhere
        json_errors=False,  # the pages keep their error pages; the API's errors are problem details
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.jinja_loader = FileSystemLoader(template_folders())  # every feature's templates/
    app.config.from_object(config or config_from_env())
    app.config.update(overrides or {})
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", ratelimit_storage_options(app.config["RATELIMIT_STORAGE_URI"]))
    cast(DefaultJSONProvider, app.json).ensure_ascii = False  # Russian stays readable in JSON and the audit page
    check_production_settings(app)
    configure_forum_rules(app)  # RULES_FILE checked; its time zone the forum's unless FORUM_TIMEZONE says
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)

    register_proxy_fix(app)
    register_extensions(app)
    register_id_converter(app)
    register_blueprints(app)
    register_notice_kinds()  # each feature's kinds of notice, in the registry of notices.kinds
    register_errorhandlers(app)
    register_commands(app)
    configure_logger(app)
    return app


def configure_forum_rules(app: Flask) -> None:
    from secretariat_app.cycles.services.rules import configure

    configure(app)


def check_production_settings(app: Flask) -> None:
    """Production refuses to start with a guessable key or with the debugger on."""
    if app.config.get("ENV_NAME") != "production":
        return
    key = app.config.get("SECRET_KEY") or ""
    if key in {"", DEVELOPMENT_SECRET_KEY} or len(key) < 32:
        raise RuntimeError("SECRET_KEY must be set to a random value of at least 32 characters in production")
    if app.config.get("DEBUG") or app.debug:
        raise RuntimeError("DEBUG must be off in production")


def register_extensions(app: APIFlask) -> None:
    from secretariat_app.accounts.login import register_login
    from secretariat_app.accounts.second_factor_gate import require_enrolment
    from secretariat_app.api.setup import register_api
    from secretariat_app.core import db_failover, pg_connections
    from secretariat_app.core.counters import register_counters
    from secretariat_app.core.csrf_tokens import register_csrf_tokens
    from secretariat_app.core.labels import register_labels
    from secretariat_app.core.localisation import register_localisation
    from secretariat_app.core.navigation import register_navigation
    from secretariat_app.core.rate_limit_check import register_rate_limit_check
    from secretariat_app.core.security_headers import register_security_headers
    from secretariat_app.extensions import csrf, db, limiter, migrate
    from secretariat_app.permissions import (
        Action,
        can,
        enforce_access,
        is_delegate,
        is_secretariat,
    )
    from workers.celery_app import celery_init_app

    import_models()
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            pg_connections.configure(engine)
            db_failover.configure(engine)
    db_failover.register_failover(app)  # a lost connection: reads retried once, writes a 503 "try again"
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    register_csrf_tokens(app)
    limiter.init_app(app)
    register_rate_limit_check(app, limiter)  # its check before every request, only when it has one
    register_counters(app)
    register_login(app)
    register_localisation(app)
    register_labels(app)
    register_security_headers(app)
    register_navigation(app)
    register_api(app)  # a request to /api/ is its bearer token's owner, never a cookie's (api/authentication.py)
    app.before_request(require_enrolment)  # staff without a second factor: enrolment first
    app.before_request(enforce_access)
    app.jinja_env.globals.update(is_secretariat=is_secretariat, is_delegate=is_delegate, can=can, Action=Action)
    celery_init_app(app)


def register_blueprints(app: Flask) -> None:
    from secretariat_app.features import blueprints

    for blueprint in blueprints():
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from secretariat_app.core.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from secretariat_app.cli import register_cli

    register_cli(app)


def configure_logger(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


__all__ = ["create_app", "ProductionConfig"]
