"""The cycle rules: next due meetings, findings and the timeline."""
from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/cycles")

from secretariat_app.cycles.web import routes  # noqa: E402,F401
