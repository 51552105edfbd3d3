"""Placeholder page, replaced by the full admin pages."""
from flask import render_template

from secretariat_app.blueprints.admin import bp
from secretariat_app.permissions import access


@bp.route("/staff")
@access("secretariat")
def staff():
    return render_template("admin/placeholder.html")
