"""The notices of the silence procedure (see `notices.kinds`): a draft circulated
under silence, and the reminder before its deadline, both written by
`services/silence_mail.py` with the deadline as an iCalendar event; the rows are
queued by `services/silence_circulation.py`."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.decisions.models import Decision
from secretariat_app.decisions.services import silence_mail
from secretariat_app.decisions.services.silence_circulation import SUBJECT
from secretariat_app.extensions import db
from secretariat_app.notices.kinds import NoticeSubject, register_kind, register_subject
from secretariat_app.notices.models import NotificationKind
from secretariat_app.permissions import Action, can


def describe(ids: set[int], reader: User, language: str) -> dict[int, tuple[str, str | None]]:
    """A decision's reference and title, linked to its page when the reader may open it."""
    return {decision.id: (f"{decision.reference} {decision.title(language)}",
                          url_for("decisions.detail", decision_id=decision.id)
                          if can(reader, Action.READ_DECISION, decision) else None)
            for decision in db.session.scalars(select(Decision).where(Decision.id.in_(ids)))}


decisions = register_subject(NoticeSubject(SUBJECT, Decision, describe))
register_kind(decisions, NotificationKind.SILENCE_CIRCULATED, silence_mail.silence_notice, "silence_circulated",
              label=_l("Draft decision under silence"),
              preference_label=_l("Draft decisions circulated under the silence procedure"))
register_kind(decisions, NotificationKind.SILENCE_REMINDER, silence_mail.silence_notice, "silence_circulated",
              label=_l("Silence ends soon"), preference_label=_l("Reminders before a silence procedure ends"))
