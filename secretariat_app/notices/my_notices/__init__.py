"""A person's own notices: what was (or will be) sent to them, and their mail preferences."""
from flask import Blueprint

bp = Blueprint("my_notices", __name__, url_prefix="/my/notices")

from secretariat_app.notices.my_notices import routes  # noqa: E402,F401
