"""The Secretariat's meetings calendar: scheduling, agenda, invitations, participants."""
from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

from secretariat_app.meetings.web import routes  # noqa: E402,F401
