"""Pages for delegates of member states and observers."""
from flask import Blueprint

bp = Blueprint("delegation", __name__, url_prefix="/delegation")

from secretariat_app.accounts.delegation import routes, routes_meetings  # noqa: E402,F401
