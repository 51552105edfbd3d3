"""Your profile: language, time zone, mail preferences, calendar feed, password and
sessions in one place (blueprint "my_profile", linked from every page's header)."""
from flask import Blueprint

bp = Blueprint("my_profile", __name__, url_prefix="/my/profile")

from secretariat_app.accounts.my_profile import routes  # noqa: E402,F401
