"""Confidence building measures: the catalogue and coordinators, the papers of
each area through SWG review to SOC approval, activities and implementation
reports, the overview and the exports."""
from flask import Blueprint

bp = Blueprint("cbm", __name__, url_prefix="/cbm")

from secretariat_app.cbm.web import (  # noqa: E402,F401
    routes_catalogue,
    routes_overview,
    routes_papers,
    routes_reports,
)
