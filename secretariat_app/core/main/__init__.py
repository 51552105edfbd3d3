from flask import Blueprint

bp = Blueprint("main", __name__)

from secretariat_app.core.main import routes  # noqa: E402,F401
