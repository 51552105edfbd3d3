"""A person's calendar feed: the secret feed URL and its settings page."""
from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

from secretariat_app.meetings.calendar import routes  # noqa: E402,F401
