"""The negotiation pages (blueprint "negotiations"): the officers' view with the chair's
decisions, the delegates' view with their proposals and positions, a revision's diff."""
from flask import Blueprint

bp = Blueprint("negotiations", __name__, url_prefix="/negotiations")

from secretariat_app.negotiations.web import routes, routes_actions  # noqa: E402,F401
