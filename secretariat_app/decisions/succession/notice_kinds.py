"""The notices of the succession to the chairmanship (see `notices.kinds`): the
members informed of a candidature, and the Secretariat's warning that the term
ends within a year with no successor decided. Mails: `mail.py`."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.decisions.succession import mail
from secretariat_app.decisions.succession.models import ChairCandidature, ChairSuccession
from secretariat_app.extensions import db
from secretariat_app.notices.kinds import NoticeSubject, register_kind, register_subject
from secretariat_app.notices.models import NotificationKind
from secretariat_app.permissions import Action, can


def describe_candidatures(ids: set[int], reader: User, language: str) -> dict[int, tuple[str, str | None]]:
    link = url_for("succession.index") if can(reader, Action.READ_SUCCESSION) else None
    rows = db.session.scalars(select(ChairCandidature).where(ChairCandidature.id.in_(ids)))
    return {row.id: (str(_l("Candidature of %(state)s for the chairmanship from %(year)s",
                           state=row.state.name(language), year=row.succession.starts_on.year)), link)
            for row in rows}


def describe_successions(ids: set[int], reader: User, language: str) -> dict[int, tuple[str, str | None]]:
    link = url_for("succession.index") if can(reader, Action.MANAGE_SUCCESSION) else None
    rows = db.session.scalars(select(ChairSuccession).where(ChairSuccession.id.in_(ids)))
    return {row.id: (str(_l("The chairmanship from %(year)s", year=row.starts_on.year)), link) for row in rows}


candidatures = register_subject(NoticeSubject("chair_candidature", ChairCandidature, describe_candidatures))
successions = register_subject(NoticeSubject("chair_succession", ChairSuccession, describe_successions))
register_kind(candidatures, NotificationKind.CHAIR_CANDIDATURE, mail.chair_candidature, "chair_candidature",
              label=_l("Candidature for the chairmanship"), preference_label=_l("Candidatures for the chairmanship"))
register_kind(successions, NotificationKind.CHAIR_SUCCESSOR_DUE, mail.chair_successor_due, "chair_successor_due",
              label=_l("No successor decided"),
              preference_label=_l("No successor to the chair decided a year before the term ends (Secretariat)"),
              secretariat_only=True)
