"""The notices of the cycle rules (see `notices.kinds`): a new departure
found by the cycle check, for the Secretariat only. Its mail is written by
`services/mail.py`; `services/officer_alerts.py` queues the rows."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.cycles.models import CycleFinding
from secretariat_app.cycles.services import mail as cycle_mail
from secretariat_app.cycles.services.texts import finding_text
from secretariat_app.extensions import db
from secretariat_app.notices.kinds import NoticeSubject, register_kind, register_subject
from secretariat_app.notices.models import NotificationKind
from secretariat_app.permissions import is_secretariat

SUBJECT = "cycle_finding"


def describe(ids: set[int], reader: User, language: str) -> dict[int, tuple[str, str | None]]:
    """A finding's message, linked to the cycle overview for the Secretariat."""
    link = url_for("cycles.overview") if is_secretariat(reader) else None
    return {finding.id: (finding_text(finding), link)
            for finding in db.session.scalars(select(CycleFinding).where(CycleFinding.id.in_(ids)))}


findings = register_subject(NoticeSubject(SUBJECT, CycleFinding, describe))
register_kind(findings, NotificationKind.CYCLE_FINDING, cycle_mail.cycle_finding, "cycle_finding",
              label=_l("Cycle finding"), preference_label=_l("Departures from the cycle rules (Secretariat)"),
              secretariat_only=True)
