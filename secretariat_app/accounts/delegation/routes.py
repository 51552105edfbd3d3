from __future__ import annotations

from flask import render_template
from flask_login import current_user

from secretariat_app.accounts.delegation import bp
from secretariat_app.accounts.services.needs import needs_of
from secretariat_app.core.forum_time import forum_today
from secretariat_app.permissions import Audience, access


@bp.route("/")
@access(Audience.DELEGATE)
def home():
    """The delegate's own delegation: what needs them now, its status in CICA and its members."""
    delegation = current_user.delegation
    return render_template("delegation/home.html", delegation=delegation,
                           status=delegation.status_on(forum_today()), needs=needs_of(current_user))
