"""The succession pages."""
from flask import Blueprint

bp = Blueprint("succession", __name__, url_prefix="/chairmanship/succession")

from secretariat_app.decisions.succession.web import routes  # noqa: E402,F401
