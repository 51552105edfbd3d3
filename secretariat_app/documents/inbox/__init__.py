"""The delegate's inbox: what was circulated to me or my delegation."""
from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

from secretariat_app.documents.inbox import routes  # noqa: E402,F401
