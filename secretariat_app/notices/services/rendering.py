"""The mail of a notice: plain text and HTML, in the recipient's language and
time zone, with a link to the page, and the row's deterministic Message-ID.

`build(row)` looks the row's kind up in the registry (`notices.kinds`) and
calls its renderer inside the recipient's locale; a renderer returns a Notice
(subject, text, html and, for calendar invitations, a `decorate` hook that
adds parts) or a whole EmailMessage. A row of the daily digest is written by
its kind's digest renderer together with the rows it carries. What each
kind's mail says lives with its feature; the helpers below are theirs to use.
Rendering sends nothing and writes nothing."""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app, render_template
from flask_babel import force_locale

from secretariat_app.accounts.models.people import User
from secretariat_app.core import mail
from secretariat_app.core.localisation import is_known_timezone
from secretariat_app.extensions import db
from secretariat_app.notices import kinds
from secretariat_app.notices.kinds import NotDeliverable, Notice
from secretariat_app.notices.models import Notification
from secretariat_app.notices.services import digest

__all__ = ["NoRenderer", "NotDeliverable", "Notice", "build", "language_of", "local_time", "public_url",
           "render_pair", "subject_of"]


class NoRenderer(LookupError):
    pass


def language_of(user: User) -> str:
    return user.language if user.language in current_app.config["LANGUAGES"] else "en"


def build(notification: Notification) -> EmailMessage:
    """The message for one row, To its recipient, Message-ID the row's own."""
    user = notification.recipient
    try:
        entry = kinds.get(notification.kind)
    except kinds.UnknownKind:
        raise NoRenderer(f"no mail is written for notices of kind {notification.kind.value}") from None
    notice: kinds.Notice | EmailMessage
    with force_locale(language_of(user)):
        rows = digest.digest_rows(notification) if entry.digest else [notification]
        if len(rows) > 1:
            assert entry.render_digest is not None  # rows of a digest: the kind has one (entry.digest)
            notice = entry.render_digest(rows, user)
        else:
            notice = entry.render(notification, user)
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


def subject_of(notification: Notification):
    """The row the notice is about (its registered subject's model); NotDeliverable when it is gone."""
    subject = kinds.subject(notification.subject_type)
    row = db.session.get(subject.model, notification.subject_id) if subject else None
    if row is None:
        raise NotDeliverable(f"the {notification.subject_type} {notification.subject_id} no longer exists")
    return row
