"""The chairmanship ledger."""
from flask import Blueprint

bp = Blueprint("chair", __name__, url_prefix="/chairmanship")

from secretariat_app.decisions.chair import routes  # noqa: E402,F401
