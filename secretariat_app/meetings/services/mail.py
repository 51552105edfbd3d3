"""The mails of meeting notices: the invitation, its update, a reminder and a cancellation.

`render_meeting_notice(notification)` turns a MEETING_INVITATION,
MEETING_UPDATED, MEETING_REMINDER or MEETING_CANCELLED row into the mail to
send: plain text and HTML in the
recipient's language, the meeting's time in the recipient's zone and in the
meeting's own, the link to the meeting's page for that person, and the
iCalendar invitation attached (METHOD:REQUEST, or METHOD:CANCEL once the
meeting is cancelled). The Message-ID is the row's, so that a rare second
delivery is recognisable. Rendering sends nothing and writes nothing."""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from secretariat_app.accounts.models.people import User
from secretariat_app.core import mail
from secretariat_app.domain.meeting_rules import zone_of
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting, MeetingStatus
from secretariat_app.meetings.services import ics as calendar_ics
from secretariat_app.notices.models import Notification, NotificationKind

KINDS = (NotificationKind.MEETING_INVITATION, NotificationKind.MEETING_UPDATED,
         NotificationKind.MEETING_REMINDER, NotificationKind.MEETING_CANCELLED)
INVITATION_KINDS = (NotificationKind.MEETING_INVITATION, NotificationKind.MEETING_UPDATED)
WHEN_FORMAT = "EEEE, d MMMM y, HH:mm"
LANGUAGES = ("en", "ru")


class MeetingNoticeError(ValueError):
    """The row cannot become a mail (no such meeting, no address): the dispatcher records why."""


def _tz(zone: str | None) -> ZoneInfo:
    return zone_of(zone) or ZoneInfo("UTC")


def when(moment: datetime, zone: str | None, language: str, fmt: str = WHEN_FORMAT) -> str:
    """"Tuesday, 1 June 2027, 10:00 (Asia/Almaty, UTC+05:00)" in `language`."""
    tz = _tz(zone)
    offset = moment.astimezone(tz).strftime("%z") or "+0000"
    text = format_datetime(moment, fmt, tzinfo=tz, locale=language)
    return f"{text} ({tz.key}, UTC{offset[:3]}:{offset[3:]})"


def day(moment: datetime, zone: str | None, language: str) -> str:
    """"1 June 2027": the day where the meeting takes place."""
    return format_datetime(moment, "d MMMM y", tzinfo=_tz(zone), locale=language)


def _language(user: User) -> str:
    return user.language if user.language in LANGUAGES else "en"


def _context(meeting: Meeting, user: User, language: str, cancelled: bool,
             updated: bool = False) -> dict:
    body = meeting.body.name(language) if meeting.body else ""
    return {
        "user": user,
        "meeting": meeting,
        "title": meeting.title(language),
        "body_name": body,
        "when_yours": when(meeting.starts_at, user.timezone, language),
        "when_meeting": when(meeting.starts_at, meeting.timezone, language),
        "ends_meeting": when(meeting.ends_at, meeting.timezone, language),
        "day": day(meeting.starts_at, meeting.timezone, language),
        "same_zone": _tz(user.timezone).key == _tz(meeting.timezone).key,
        "place": calendar_ics.location(meeting, language),
        "link": calendar_ics.meeting_url(meeting, user),
        "cancelled": cancelled,
        "updated": updated,
        "postponed": meeting.status == MeetingStatus.POSTPONED,
        "reason": meeting.reason_in(language),
        "note": meeting.note_in(language),
    }


def _subject(context: dict, kind: NotificationKind) -> str:
    if context["cancelled"]:
        return _("Cancelled: %(title)s, %(day)s", title=context["title"], day=context["day"])
    if kind == NotificationKind.MEETING_INVITATION:
        return _("Invitation: %(title)s, %(day)s", title=context["title"], day=context["day"])
    if kind == NotificationKind.MEETING_UPDATED:
        return _("Changed: %(title)s, %(day)s", title=context["title"], day=context["day"])
    return _("Reminder: %(title)s, %(day)s", title=context["title"], day=context["day"])


def _template(kind: NotificationKind, cancelled: bool) -> str:
    if cancelled:
        return "meeting_cancelled"
    return "meeting_invitation" if kind in INVITATION_KINDS else "meeting_reminder"


def render(meeting: Meeting, user: User, kind: NotificationKind, message_id: str | None = None,
           now: datetime | None = None) -> EmailMessage:
    """The mail of `kind` about `meeting` for `user`.

    A reminder or an invitation for a meeting that has been cancelled meanwhile
    is rendered as the cancellation: a stale notice must never announce a
    cancelled meeting."""
    if kind not in KINDS:
        raise MeetingNoticeError(f"not a meeting notice: {kind}")
    if not (user.email or "").strip():
        raise MeetingNoticeError(f"user {user.id} has no e-mail address")
    cancelled = kind == NotificationKind.MEETING_CANCELLED or meeting.status == MeetingStatus.CANCELLED
    language = _language(user)
    name = _template(kind, cancelled)
    with force_locale(language):
        context = _context(meeting, user, language, cancelled, updated=kind == NotificationKind.MEETING_UPDATED)
        subject = _subject(context, kind)
        text = render_template(f"mail/{name}.txt", **context)
        html = render_template(f"mail/{name}.html", **context)
    message = mail.build_message(user.email, subject, text, html, message_id=message_id)
    method = calendar_ics.CANCEL if cancelled else calendar_ics.REQUEST
    ics = calendar_ics.invitation(meeting, user, method=method, now=now)
    # As bytes (base64): the CRLF line ends RFC 5545 requires arrive as written, whatever the transport.
    message.add_attachment(ics, maintype="text", subtype="calendar", filename=f"meeting-{meeting.id}.ics",
                           params={"method": method, "charset": "utf-8"})
    message["Content-Language"] = language
    return message


def render_meeting_notice(notification: Notification) -> EmailMessage:
    """The mail for a row of one of KINDS (the dispatcher's hook)."""
    meeting = db.session.get(Meeting, notification.subject_id) if notification.subject_type == "meeting" else None
    if meeting is None:
        raise MeetingNoticeError(f"notification {notification.id}: no meeting {notification.subject_id}")
    user = notification.recipient or db.session.get(User, notification.recipient_id)
    if user is None:
        raise MeetingNoticeError(f"notification {notification.id}: no recipient")
    return render(meeting, user, notification.kind, message_id=notification.message_id)
