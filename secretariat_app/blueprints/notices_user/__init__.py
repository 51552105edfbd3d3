"""A person's own notices: what was (or will be) sent to them, and their mail preferences."""
from flask import Blueprint

bp = Blueprint("my_notices", __name__, url_prefix="/my/notices")

from secretariat_app.blueprints.notices_user import routes  # noqa: E402,F401
