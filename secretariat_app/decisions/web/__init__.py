"""The decisions register and the silence procedure."""
from flask import Blueprint

bp = Blueprint("decisions", __name__, url_prefix="/decisions")

from secretariat_app.decisions.web import routes, routes_silence  # noqa: E402,F401
