"""The mail of a notice: plain text and HTML, in the recipient's language and
time zone, with a link to the page, and the row's deterministic Message-ID.

One renderer per notification kind, registered with @renderer(kind); it
returns a Notice (subject, text, html and, for calendar invitations, a
`decorate` hook that adds parts). Renderers of other kinds (meeting
reminders, cancellations, report deadlines) register themselves the same way
from their own modules."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from secretariat_app.accounts.models.people import User
from secretariat_app.core import mail
from secretariat_app.core.localisation import is_known_timezone
from secretariat_app.cycles.models import CycleFinding
from secretariat_app.documents.models import Document
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.notices.models import Notification, NotificationKind
from secretariat_app.permissions import is_secretariat


class NotDeliverable(LookupError):
    """The notice cannot be sent any more (its subject is gone, its recipient
    cannot be mailed): the row is cancelled with this reason."""


class NoRenderer(LookupError):
    pass


@dataclass
class Notice:
    subject: str
    text: str
    html: str | None = None
    decorate: Callable[[EmailMessage], None] | None = None  # e.g. adds a text/calendar part


Renderer = Callable[[Notification, User], "Notice | EmailMessage"]
RENDERERS: dict[NotificationKind, Renderer] = {}


def renderer(kind: NotificationKind) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        RENDERERS[kind] = function
        return function

    return register


def language_of(user: User) -> str:
    return user.language if user.language in current_app.config["LANGUAGES"] else "en"


def build(notification: Notification) -> EmailMessage:
    """The message for one row, To its recipient, Message-ID the row's own."""
    user = notification.recipient
    render = RENDERERS.get(notification.kind)
    if render is None:
        raise NoRenderer(f"no mail is written for notices of kind {notification.kind.value}")
    with force_locale(language_of(user)):
        notice = render(notification, user)
    if isinstance(notice, EmailMessage):  # a renderer that builds the whole message itself
        del notice["Message-ID"]
        notice["Message-ID"] = notification.message_id
        return notice
    message = mail.build_message(user.email, notice.subject, notice.text, notice.html,
                                 message_id=notification.message_id)
    if notice.decorate:
        notice.decorate(message)
    return message


# Helpers for renderers ---------------------------------------------------------------------------

def public_url(endpoint: str, **values) -> str:
    """An absolute link to a page, outside any request (workers)."""
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def local_time(value: datetime | None, user: User, zone: str | None = None) -> str:
    """`value` in `zone` (default: the recipient's), in the recipient's language."""
    if value is None:
        return ""
    zone = zone if is_known_timezone(zone) else (user.timezone if is_known_timezone(user.timezone) else "UTC")
    return f"{format_datetime(value, 'd MMMM y, HH:mm', tzinfo=ZoneInfo(zone), locale=language_of(user))} ({zone})"


def render_pair(name: str, **context) -> tuple[str, str]:
    """templates/mail/<name>.txt and .html with the same context."""
    return render_template(f"mail/{name}.txt", **context), render_template(f"mail/{name}.html", **context)


def _subject_row(model, notification: Notification):
    row = db.session.get(model, notification.subject_id)
    if row is None:
        raise NotDeliverable(f"the {notification.subject_type} {notification.subject_id} no longer exists")
    return row


# Documents -----------------------------------------------------------------------------------------

def document_link(document: Document, user: User) -> str:
    """Officers open the document's page; delegates their inbox copy of it."""
    if is_secretariat(user):
        return public_url("documents.detail", document_id=document.id)
    return public_url("inbox.document", document_id=document.id)


def _document_context(notification: Notification, user: User) -> dict:
    document = _subject_row(Document, notification)
    language = language_of(user)
    return {
        "user": user,
        "document": document,
        "title": document.title(language),
        "level": document.level.value.upper(),
        "circulated": local_time(document.circulated_at or notification.due_at, user),
        "link": document_link(document, user),
    }


@renderer(NotificationKind.DOCUMENT_CIRCULATED)
def document_circulated(notification: Notification, user: User) -> Notice:
    from secretariat_app.notices.services.notifications import digest_rows

    rows = digest_rows(notification)
    if len(rows) > 1:
        return document_digest(rows, user)
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


@renderer(NotificationKind.ACKNOWLEDGEMENT_CHASER)
def acknowledgement_chaser(notification: Notification, user: User) -> Notice:
    context = _document_context(notification, user)
    subject = _("CICA: please acknowledge receipt of %(symbol)s", symbol=context["document"].symbol)
    return Notice(subject, *render_pair("acknowledgement_chaser", subject=subject, **context))


# Cycle findings ---------------------------------------------------------------------------------------

@renderer(NotificationKind.CYCLE_FINDING)
def cycle_finding(notification: Notification, user: User) -> Notice:
    finding = _subject_row(CycleFinding, notification)
    subject = _("CICA cycle check: %(n)d new departure(s) from the rules", n=1)
    context = {"user": user, "finding": finding, "subject": subject, "link": public_url("cycles.overview"),
               "found": local_time(finding.raised_at or notification.due_at, user)}
    return Notice(subject, *render_pair("cycle_finding", **context))


# Meetings (written by services/meeting_mail: reminders and cancellations with iCalendar) ---------------

@renderer(NotificationKind.MEETING_REMINDER)
@renderer(NotificationKind.MEETING_CANCELLED)
def meeting_notice(notification: Notification, user: User) -> EmailMessage:
    from secretariat_app.meetings.services import mail as meeting_mail

    _subject_row(Meeting, notification)
    return meeting_mail.render_meeting_notice(notification)
