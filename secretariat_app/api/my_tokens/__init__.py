"""A person's API access tokens: made (shown once), listed and revoked from the
profile (blueprint "my_tokens", /my/tokens)."""
from flask import Blueprint

bp = Blueprint("my_tokens", __name__, url_prefix="/my/tokens")

from secretariat_app.api.my_tokens import routes  # noqa: E402,F401
