"""The mail of a cycle finding notice: a new departure from the cycle rules,
told to the Secretariat's officers (the kind is registered in
`cycles/notice_kinds.py`; the rows are queued by `officer_alerts`)."""
from __future__ import annotations

from flask_babel import gettext as _

from secretariat_app.accounts.models.people import User
from secretariat_app.notices.models import Notification
from secretariat_app.notices.services.rendering import Notice, local_time, public_url, render_pair, subject_of


def cycle_finding(notification: Notification, user: User) -> Notice:
    finding = subject_of(notification)
    subject = _("CICA cycle check: %(n)d new departure(s) from the rules", n=1)
    context = {"user": user, "finding": finding, "subject": subject, "link": public_url("cycles.overview"),
               "found": local_time(finding.raised_at or notification.due_at, user)}
    return Notice(subject, *render_pair("cycle_finding", **context))
