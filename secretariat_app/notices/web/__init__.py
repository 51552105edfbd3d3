"""Notices for officers: the failed ones, with their errors, to resend."""
from flask import Blueprint

bp = Blueprint("notices", __name__, url_prefix="/notices")

from secretariat_app.notices.web import routes  # noqa: E402,F401
