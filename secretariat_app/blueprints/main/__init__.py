from flask import Blueprint

bp = Blueprint("main", __name__)

from secretariat_app.blueprints.main import routes  # noqa: E402,F401
