"""The search page: the box in every page's header, and the inbox's words."""
from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/search")

from secretariat_app.search import indexing  # noqa: E402,F401  (its hooks: the index follows every write)
from secretariat_app.search.web import routes  # noqa: E402,F401
