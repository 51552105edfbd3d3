"""The notices of documents (see `notices.kinds`): a document circulated,
which joins the daily digest of those who chose it, and the reminder to
acknowledge receipt. Their mails are written by `services/mail.py`."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.documents.models import Document
from secretariat_app.documents.services import mail as document_mail
from secretariat_app.extensions import db
from secretariat_app.notices.kinds import NoticeSubject, register_kind, register_subject
from secretariat_app.notices.models import NotificationKind

SUBJECT = "document"


def describe(ids: set[int], reader: User, language: str) -> dict[int, tuple[str, str | None]]:
    """A document's symbol and title (not linked: who may still read it is the document's page's to say)."""
    found: dict[int, tuple[str, str | None]] = {}
    for document in db.session.scalars(select(Document).where(Document.id.in_(ids))):
        title = document.title_ru if language == "ru" and document.title_ru else document.title_en
        found[document.id] = (f"{document.symbol} {title}".strip(), None)
    return found


documents = register_subject(NoticeSubject(SUBJECT, Document, describe))
register_kind(documents, NotificationKind.DOCUMENT_CIRCULATED, document_mail.document_circulated,
              "document_circulated", "document_digest",
              label=_l("Document circulated"), preference_label=_l("Documents circulated"),
              render_digest=document_mail.document_digest)
register_kind(documents, NotificationKind.ACKNOWLEDGEMENT_CHASER, document_mail.acknowledgement_chaser,
              "acknowledgement_chaser",
              label=_l("Acknowledgement reminder"), preference_label=_l("Reminders to acknowledge a document"))
