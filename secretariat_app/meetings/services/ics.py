"""iCalendar (RFC 5545/5546) for meetings, made with the `icalendar` library:
the invitation attached to a meeting mail and a person's calendar feed.

Every copy of a meeting carries the same UID, `meeting-<id>@cica.example`,
and its SEQUENCE is the meeting's `sequence`, which rises with every move,
renaming, postponement or cancellation: calendar programs replace their copy
with the newer one. Times are written in UTC; the summary is in the reader's
language."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration, vText

from secretariat_app.accounts.models.people import User
from secretariat_app.core.columns import utcnow
from secretariat_app.meetings.models import Meeting, MeetingFormat, MeetingStatus
from secretariat_app.meetings.services import reminders
from secretariat_app.permissions import is_secretariat

PRODID = "-//CICA Secretariat//Meetings//EN"
UID_DOMAIN = "cica.example"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"
STATUS = {
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.PLANNED: "TENTATIVE",
    MeetingStatus.POSTPONED: "TENTATIVE",
    MeetingStatus.CANCELLED: "CANCELLED",
}
FEED_REFRESH = timedelta(hours=1)


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@{UID_DOMAIN}"


def ics_status(meeting: Meeting) -> str:
    return STATUS[meeting.status]


def _absolute(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def meeting_url(meeting: Meeting, user: User | None) -> str:
    """The meeting's page for this reader: the Secretariat's page, or the delegation's."""
    if user is not None and not is_secretariat(user) and user.delegation_id is not None:
        return _absolute("delegation.meeting_detail", meeting_id=meeting.id)
    return _absolute("meetings.detail", meeting_id=meeting.id)


def location(meeting: Meeting, language: str) -> str:
    """"Astana, Kazakhstan", "Online", or "Astana, Kazakhstan (and online)"."""
    with force_locale(language):
        place = ", ".join(p for p in (meeting.venue(language),
                                      meeting.host_state.name(language) if meeting.host_state else "") if p)
        if meeting.format == MeetingFormat.ONLINE:
            return _("Online")
        if meeting.format == MeetingFormat.HYBRID:
            return _("%(place)s (and online)", place=place) if place else _("Online")
        return place


def _description(meeting: Meeting, language: str, url: str) -> str:
    with force_locale(language):
        lines = [meeting.body.name(language) if meeting.body else ""]
        reason = meeting.reason_in(language)
        if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED) and reason:
            label = _("Cancelled") if meeting.status == MeetingStatus.CANCELLED else _("Postponed")
            lines.append(f"{label}: {reason}")
        lines.append(url)
    return "\n".join(line for line in lines if line)


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    return address


def meeting_event(meeting: Meeting, language: str, url: str, *, alarm_days: int | None = None,
                  attendee: User | None = None, now: datetime | None = None) -> Event:
    """One VEVENT for the meeting; with `attendee`, the organizer and attendee an invitation needs."""
    now = (now or utcnow()).replace(microsecond=0)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence or 0)
    event.add("dtstamp", now)
    event.add("created", meeting.created_at.replace(microsecond=0))
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title(language))
    place = location(meeting, language)
    if place:
        event.add("location", place)
    event.add("url", url)
    event.add("description", _description(meeting, language, url))
    event.add("status", ics_status(meeting))
    event.add("transp", "OPAQUE")
    if attendee is not None:
        config = current_app.config
        event.add("organizer", _address(config["MAIL_DEFAULT_SENDER"], "CICA Secretariat"))
        guest = _address(attendee.email, attendee.name)
        guest.params.update({"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "FALSE"})
        event.add("attendee", guest)
    if alarm_days is not None and meeting.status != MeetingStatus.CANCELLED:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", meeting.title(language))
        alarm.add("trigger", -timedelta(days=alarm_days) if alarm_days else -timedelta(hours=1))
        event.add_component(alarm)
    return event


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def invitation_method(meeting: Meeting) -> str:
    return CANCEL if meeting.status == MeetingStatus.CANCELLED else REQUEST


def invitation(meeting: Meeting, recipient: User, method: str | None = None,
               now: datetime | None = None) -> bytes:
    """The invitation for one recipient: METHOD:REQUEST, or METHOD:CANCEL once the meeting is cancelled."""
    method = method or invitation_method(meeting)
    calendar = _calendar(method)
    calendar.add_component(meeting_event(meeting, recipient.language, meeting_url(meeting, recipient),
                                         attendee=recipient, now=now))
    return calendar.to_ical()


def download(meeting: Meeting, reader: User, language: str, now: datetime | None = None) -> bytes:
    """The meeting's own .ics ("add to my calendar"): one event (METHOD:PUBLISH) with the
    invitation's UID and SEQUENCE, so that a later invitation or feed updates the same entry."""
    calendar = _calendar(PUBLISH)
    calendar.add_component(meeting_event(meeting, language, meeting_url(meeting, reader), now=now))
    return calendar.to_ical()


def feed_alarm_days(meeting: Meeting) -> int:
    """The feed's alarm: as early as the meeting's last reminder (at least a day ahead)."""
    return max(1, min(reminders.offsets(meeting), default=1))


def feed(meetings: Iterable[Meeting], user: User, now: datetime | None = None) -> bytes:
    """A subscription calendar (METHOD:PUBLISH) of `meetings` as `user` reads them, with an alarm each."""
    with force_locale(user.language):
        name = _("CICA meetings")
    calendar = _calendar(PUBLISH)
    calendar.add("x-wr-calname", name)
    # An X- property has no known type: without vDuration icalendar writes str(timedelta), "1:00:00".
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, user.language, meeting_url(meeting, user),
                                             alarm_days=feed_alarm_days(meeting), now=now))
    return calendar.to_ical()
