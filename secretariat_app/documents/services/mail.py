"""The mails of document notices: a document circulated (one mail, or the
daily digest listing several) and the reminder to acknowledge receipt. The
kinds are registered in `documents/notice_kinds.py`."""
from __future__ import annotations

from flask_babel import gettext as _

from secretariat_app.accounts.models.people import User
from secretariat_app.documents.models import Document
from secretariat_app.extensions import db
from secretariat_app.notices.models import Notification
from secretariat_app.notices.services.rendering import (
    Notice,
    language_of,
    local_time,
    public_url,
    render_pair,
    subject_of,
)
from secretariat_app.permissions import is_secretariat


def document_link(document: Document, user: User) -> str:
    """Officers open the document's page; delegates their inbox copy of it."""
    if is_secretariat(user):
        return public_url("documents.detail", document_id=document.id)
    return public_url("inbox.document", document_id=document.id)


def _document_context(notification: Notification, user: User) -> dict:
    document = subject_of(notification)
    language = language_of(user)
    return {
        "user": user,
        "document": document,
        "title": document.title(language),
        "level": document.level.value.upper(),
        "circulated": local_time(document.circulated_at or notification.due_at, user),
        "link": document_link(document, user),
    }


def document_circulated(notification: Notification, user: User) -> Notice:
    context = _document_context(notification, user)
    subject = _("CICA: document %(symbol)s has been circulated", symbol=context["document"].symbol)
    return Notice(subject, *render_pair("document_circulated", subject=subject, **context))


def document_digest(rows: list[Notification], user: User) -> Notice:
    """One mail listing the documents of several notices (the daily digest)."""
    items = []
    for row in rows:
        document = db.session.get(Document, row.subject_id)
        if document is not None:
            items.append({"symbol": document.symbol, "title": document.title(language_of(user)),
                          "level": document.level.value.upper(), "link": document_link(document, user)})
    subject = _("CICA: %(n)d documents circulated to you", n=len(items))
    return Notice(subject, *render_pair("document_digest", user=user, items=items, subject=subject))


def acknowledgement_chaser(notification: Notification, user: User) -> Notice:
    context = _document_context(notification, user)
    subject = _("CICA: please acknowledge receipt of %(symbol)s", symbol=context["document"].symbol)
    return Notice(subject, *render_pair("acknowledgement_chaser", subject=subject, **context))
