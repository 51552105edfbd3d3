"""The clearing house for officers: documents, language versions, circulation, the archive."""
from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/documents")

from secretariat_app.documents.web import routes, routes_actions, routes_download, routes_kits, routes_reading  # noqa: E402,F401
