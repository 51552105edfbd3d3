from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from secretariat_app.accounts.admin import bp
from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import (
    MembershipStatus,
    states_with_status_on,
)
from secretariat_app.accounts.services.needs import needs_of
from secretariat_app.audit.models import AuditEntry
from secretariat_app.core.forum_time import forum_today
from secretariat_app.cycles.services import check as cycle_check
from secretariat_app.extensions import db
from secretariat_app.permissions import Audience, access


@bp.route("/")
@access(Audience.SECRETARIAT)
def dashboard():
    today = forum_today()
    members = db.session.scalars(states_with_status_on(today, MembershipStatus.MEMBER)).all()
    observers = db.session.scalars(states_with_status_on(today, MembershipStatus.OBSERVER)).all()
    recent = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(10)).all()
    users = db.session.scalar(select(func.count(User.id)))
    return render_template("admin/dashboard.html", members=members, observers=observers,
                           recent=recent, users=users, today=today, needs=needs_of(current_user),
                           cycle=cycle_check.run_check(today), open_findings=cycle_check.open_findings())
