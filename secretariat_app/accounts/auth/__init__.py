from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from secretariat_app.accounts.auth import routes, routes_second_factor  # noqa: E402,F401
