"""The notices of meetings (see `notices.kinds`): the invitation when a
meeting is confirmed and its update when it changes, the reminder before a
meeting and the cancellation, all written by `services/mail.py` with the
iCalendar invitation attached."""
from __future__ import annotations

from email.message import EmailMessage

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from secretariat_app.accounts.models.people import User
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.meetings.services import mail as meeting_mail
from secretariat_app.notices.kinds import NoticeSubject, register_kind, register_subject
from secretariat_app.notices.models import Notification, NotificationKind
from secretariat_app.notices.services.rendering import subject_of
from secretariat_app.permissions import is_secretariat

SUBJECT = "meeting"


def describe(ids: set[int], reader: User, language: str) -> dict[int, tuple[str, str | None]]:
    """A meeting's title, linked to its page as the reader sees it."""
    endpoint = "meetings.detail" if is_secretariat(reader) else "delegation.meeting_detail"
    return {meeting.id: (meeting.title(language), url_for(endpoint, meeting_id=meeting.id))
            for meeting in db.session.scalars(select(Meeting).where(Meeting.id.in_(ids)))}


def meeting_notice(notification: Notification, user: User) -> EmailMessage:
    """Invitations, updates, reminders and cancellations, with iCalendar (services/mail.py)."""
    subject_of(notification)
    return meeting_mail.render_meeting_notice(notification)


meetings = register_subject(NoticeSubject(SUBJECT, Meeting, describe))
register_kind(meetings, NotificationKind.MEETING_REMINDER, meeting_notice, "meeting_reminder",
              label=_l("Meeting reminder"), preference_label=_l("Meeting reminders"))
register_kind(meetings, NotificationKind.MEETING_INVITATION, meeting_notice, "meeting_invitation",
              label=_l("Meeting invitation"), preference_label=_l("Meeting invitations"))
register_kind(meetings, NotificationKind.MEETING_UPDATED, meeting_notice, "meeting_invitation",
              label=_l("Meeting changed"), preference_label=_l("Changes of time or place of meetings"))
register_kind(meetings, NotificationKind.MEETING_CANCELLED, meeting_notice, "meeting_cancelled",
              label=_l("Meeting cancelled"), preference_label=_l("Meeting cancellations"))
