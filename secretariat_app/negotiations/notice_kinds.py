"""The notices of negotiated texts (see `notices.kinds`): the chair's decision on a
delegation's proposal, and the reminder of the deadline for proposals. Their mail is
written by `services/mail.py`; `services/notices.py` queues the rows."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import NegotiatedText, TextProposal
from secretariat_app.negotiations.services import mail as negotiation_mail
from secretariat_app.negotiations.services.notices import PROPOSAL_SUBJECT, TEXT_SUBJECT
from secretariat_app.notices.kinds import NoticeSubject, register_kind, register_subject
from secretariat_app.notices.models import NotificationKind
from secretariat_app.permissions import Action, can


def _text_entry(text: NegotiatedText, reader: User, language: str) -> tuple[str, str | None]:
    label = f"{text.document.symbol} {text.document.title(language)}".strip()
    link = url_for("negotiations.detail", text_id=text.id) if can(reader, Action.READ_NEGOTIATION, text) else None
    return label, link


def describe_texts(ids: set[int], reader: User, language: str) -> dict[int, tuple[str, str | None]]:
    return {t.id: _text_entry(t, reader, language)
            for t in db.session.scalars(select(NegotiatedText).where(NegotiatedText.id.in_(ids)))}


def describe_proposals(ids: set[int], reader: User, language: str) -> dict[int, tuple[str, str | None]]:
    return {p.id: _text_entry(p.text, reader, language)
            for p in db.session.scalars(select(TextProposal).where(TextProposal.id.in_(ids)))}


proposals = register_subject(NoticeSubject(PROPOSAL_SUBJECT, TextProposal, describe_proposals))
texts = register_subject(NoticeSubject(TEXT_SUBJECT, NegotiatedText, describe_texts))
register_kind(proposals, NotificationKind.PROPOSAL_DECIDED, negotiation_mail.proposal_decided, negotiation_mail.DECIDED,
              label=_l("Chair's decision on a proposal"),
              preference_label=_l("The chair's decisions on my delegation's proposals"))
register_kind(texts, NotificationKind.PROPOSAL_DEADLINE, negotiation_mail.deadline_reminder, negotiation_mail.DEADLINE,
              label=_l("Deadline for proposals"),
              preference_label=_l("Reminders of the deadline for proposals to a negotiated text"))
