"""Notices for officers: the failed ones, with their errors, to resend, and
whether the mail server can be reached (the SMTP circuit, also in /health)."""
from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.record_once
def _report_smtp_in_health(state: BlueprintSetupState) -> None:
    from secretariat_app.notices.services.circuit import health

    state.app.extensions.setdefault("health_details", {})["smtp"] = health

from secretariat_app.notices.web import routes  # noqa: E402,F401
