"""Your sessions: where you are logged in, and signing any of them out (blueprint "my_sessions")."""
from flask import Blueprint

bp = Blueprint("my_sessions", __name__, url_prefix="/my/sessions")

from secretariat_app.accounts.my_sessions import routes  # noqa: E402,F401
