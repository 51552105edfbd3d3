"""Administration pages for the Secretariat: reference data, delegations,
users, staff and the audit log. One module per area."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from secretariat_app.accounts.admin import (  # noqa: E402,F401
    routes_audit,
    routes_dashboard,
    routes_delegations,
    routes_staff,
    routes_states,
    routes_users,
)
