"""Home page and the health endpoint."""
from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from secretariat_app.core.counters import FALLBACK, counters
from secretariat_app.core.main import bp
from secretariat_app.extensions import db
from secretariat_app.permissions import Audience, access, is_delegate, is_secretariat


@bp.route("/")
@access(Audience.PUBLIC)
def index() -> ResponseReturnValue:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if is_secretariat(current_user):
        return redirect(url_for("admin.dashboard"))
    if is_delegate(current_user):
        return redirect(url_for("delegation.home"))
    return render_template("main/home.html")


@bp.route("/health")
@access(Audience.PUBLIC)
def health() -> ResponseReturnValue:
    """Reachability of the database and the broker, for load balancers and operators;
    with what features report (`health_details`: the SMTP circuit), which does not
    change the status code; and where the throttles count: "ok" (their storage),
    "in-process" (memory:// configured) or "in-process fallback" (their storage is
    unreachable: logins still work and are still limited, per process; "degraded",
    but no reason to take this server out of service)."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    details = _details() if checks["database"] else {}
    throttle = counters().state(probe=True)
    return jsonify(status="ok" if healthy and throttle != FALLBACK else "degraded", **details,
                   **{k: "ok" if v else "unreachable" for k, v in checks.items()},
                   throttle=throttle), (200 if healthy else 503)


def _details() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, describe in current_app.extensions.get("health_details", {}).items():
        try:
            found.update(describe())
        except Exception:  # the page must not fail
            current_app.logger.warning("health: %s could not be read", name, exc_info=True)
            db.session.rollback()
    return found


def _database_ok() -> bool:
    for attempt in (1, 2):
        try:
            db.session.execute(text("SELECT 1"))
            return True
        except Exception as error:  # any failure means unreachable; the page must not fail
            db.session.rollback()
            if attempt == 1 and isinstance(error, DBAPIError) and error.connection_invalidated:
                continue  # lost to a failover or a restart: once more, on a fresh connection (core/db_failover.py)
            current_app.logger.warning("health: database unreachable", exc_info=True)
            return False
    return False


def _broker_ok() -> bool:
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0.2, interval_step=0.2, timeout=2)
        return True
    except Exception:
        current_app.logger.warning("health: broker unreachable", exc_info=True)
        return False
