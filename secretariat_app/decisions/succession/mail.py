"""The mails of the succession: the members informed of a candidature, and the
officers warned that no successor is decided a year before the term ends
(the kinds are registered in `notice_kinds.py`)."""
from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask_babel import gettext as _

from secretariat_app.accounts.models.people import User
from secretariat_app.decisions.services.chair import chair_on
from secretariat_app.decisions.succession import services
from secretariat_app.decisions.succession.models import ChairCandidature, ChairSuccession
from secretariat_app.domain import succession as rules
from secretariat_app.notices.models import Notification
from secretariat_app.notices.services.rendering import Notice, language_of, public_url, render_pair, subject_of


def day(value: date | None, user: User) -> str:
    return format_date(value, "d MMMM y", locale=language_of(user)) if value else ""


def chair_candidature(notification: Notification, user: User) -> Notice:
    candidature: ChairCandidature = subject_of(notification)
    language = language_of(user)
    state = candidature.state.name(language)
    subject = _("CICA chairmanship: candidature of %(state)s", state=state)
    context = {"user": user, "subject": subject, "state": state, "continuation": candidature.continuation,
               "letter": day(candidature.letter_on, user), "start": day(candidature.succession.starts_on, user),
               "end": day(candidature.succession.ends_on, user), "link": public_url("succession.index")}
    return Notice(subject, *render_pair("chair_candidature", **context))


def chair_successor_due(notification: Notification, user: User) -> Notice:
    succession: ChairSuccession = subject_of(notification)
    language = language_of(user)
    before = chair_on(succession.starts_on - rules.ONE_DAY)
    state = services.term_state(succession)
    subject = _("CICA chairmanship: no successor decided a year before the term ends")
    context = {"user": user, "subject": subject,
               "chair": before.state.name(language) if before else "",
               "ends": day(succession.starts_on - rules.ONE_DAY, user),
               "decide_by": day(rules.decide_by(succession.starts_on - rules.ONE_DAY), user),
               "candidates": sum(1 for c in succession.candidatures if c.active),
               "recommended": state == rules.TermState.RECOMMENDED,
               "link": public_url("succession.index")}
    return Notice(subject, *render_pair("chair_successor_due", **context))
