"""The mails of a silence procedure (kinds registered in decisions/notice_kinds.py,
rows queued by services/silence_circulation.py):

- SILENCE_CIRCULATED: a draft is circulated under silence. To a member
  delegation's people: the draft's title in both languages, when silence ends in
  the forum's time and theirs, that it is adopted the day after unless a member
  objects in writing, and the link to the page where they read it and may break
  silence. To an observer's: the same, for information. Both with the deadline
  as an iCalendar event (METHOD:PUBLISH, one UID per procedure).
- SILENCE_REMINDER: silence ends in a few days. Cancelled (NotDeliverable) when
  the procedure is over or the recipient's delegation has objected.

Rendering sends nothing and writes nothing."""
from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from babel.dates import format_date
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event

from secretariat_app.accounts.models.people import User
from secretariat_app.core.columns import utcnow
from secretariat_app.core.forum_time import forum_zone
from secretariat_app.decisions.models import Decision, DecisionStatus
from secretariat_app.decisions.services.deadline_text import deadline_text
from secretariat_app.domain.silence_clock import adoption_day, silence_ends_at
from secretariat_app.notices.models import Notification, NotificationKind
from secretariat_app.notices.services.rendering import (
    NotDeliverable,
    Notice,
    language_of,
    public_url,
    render_pair,
    subject_of,
)
from secretariat_app.permissions.decisions import circulation_of

PRODID = "-//CICA Secretariat//Decisions//EN"
UID_DOMAIN = "cica.example"
EVENT_LENGTH = timedelta(hours=1)  # the event is the deadline day's last hour, forum time


def deadline_uid(decision: Decision) -> str:
    return f"silence-{decision.id}@{UID_DOMAIN}"


def deadline_calendar(decision: Decision, language: str, url: str, now: datetime | None = None) -> bytes:
    """The deadline as one VEVENT (the last hour of the deadline day, forum time, in UTC) with a
    reminder a day before; METHOD:PUBLISH, so calendar programs add it and update it by its UID."""
    assert decision.silence_deadline is not None  # circulated
    ends = silence_ends_at(decision.silence_deadline, forum_zone())
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", deadline_uid(decision))
    event.add("sequence", 0)
    event.add("dtstamp", (now or utcnow()).replace(microsecond=0))
    event.add("dtstart", ends - EVENT_LENGTH)
    event.add("dtend", ends)
    event.add("summary", _("Silence ends: %(ref)s %(title)s", ref=decision.reference, title=decision.title(language)))
    event.add("description", "\n".join((decision.title(language), url)))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("Silence ends: %(ref)s %(title)s", ref=decision.reference,
                               title=decision.title(language)))
    alarm.add("trigger", -timedelta(days=1))
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()


def _attach(ics: bytes, decision: Decision):
    def decorate(message: EmailMessage) -> None:
        message.add_attachment(ics, maintype="text", subtype="calendar", filename=f"silence-{decision.id}.ics",
                               params={"method": "PUBLISH", "charset": "utf-8"})
    return decorate


def silence_notice(notification: Notification, user: User) -> Notice:
    """The mail of a SILENCE_CIRCULATED or SILENCE_REMINDER row, in the recipient's language."""
    decision: Decision = subject_of(notification)
    if decision.silence_deadline is None:
        raise NotDeliverable(f"decision {decision.id} is not under silence")
    reminder = notification.kind == NotificationKind.SILENCE_REMINDER
    if reminder and decision.status != DecisionStatus.UNDER_SILENCE:
        raise NotDeliverable(f"the silence procedure on decision {decision.id} is over")
    if reminder and any(o.delegation_id == user.delegation_id for o in decision.objections):
        raise NotDeliverable(f"the delegation of user {user.id} has objected to decision {decision.id}")
    row = circulation_of(user, decision)
    if row is None:
        raise NotDeliverable(f"decision {decision.id} was not circulated to the delegation of user {user.id}")
    language = language_of(user)
    link = public_url("decisions.detail", decision_id=decision.id)
    context = {
        "user": user, "decision": decision, "link": link, "member": row.as_member, "reminder": reminder,
        "ends": deadline_text(decision.silence_deadline, user.timezone, language),
        "adopted_on": format_date(adoption_day(decision.silence_deadline), "d MMMM y", locale=language),
        "language": language,
    }
    title = decision.title(language)
    subject = (_("Reminder: silence on %(ref)s ends soon", ref=decision.reference) if reminder
               else _("Silence procedure: %(ref)s %(title)s", ref=decision.reference, title=title))
    text, html = render_pair("silence_circulated", subject=subject, **context)
    return Notice(subject, text, html, decorate=_attach(deadline_calendar(decision, language, link), decision))
