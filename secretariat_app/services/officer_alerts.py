"""Telling Secretariat officers about new departures from the cycle rules.

Called after the check's transaction committed. (The reminders issue moves
this onto notification rows with retries; until then a failed mail is logged.)"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import select

from secretariat_app import mail
from secretariat_app.extensions import db
from secretariat_app.models.chair import CycleFinding
from secretariat_app.models.people import Role, User, UserRole


def secretariat_recipients() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).where(User.active.is_(True), UserRole.role.in_((Role.ADMIN, Role.OFFICER)))
        .distinct().order_by(User.id)
    ))


def send_cycle_alerts(findings: list[CycleFinding]) -> int:
    """One mail to each officer listing the new findings; returns mails handed over."""
    if not findings:
        return 0
    sent = 0
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/cycles/"
    for user in secretariat_recipients():
        with force_locale(user.language):
            subject = _("CICA cycle check: %(n)d new departure(s) from the rules", n=len(findings))
            lines = [_("The daily check of the cycle rules found:"), ""]
            lines += [f"- {f.message}" for f in findings]
            lines += ["", _("Details and the timeline: %(link)s", link=link)]
        try:
            mail.send(mail.build_message(user.email, subject, "\n".join(lines) + "\n"))
            sent += 1
        except OSError:
            current_app.logger.exception("could not send the cycle alert to user %s", user.id)
    return sent
