"""The end of a silence procedure in words, in the forum's time and the reader's:
"23:59 on 12 March 2027, Astana time (13:59 on 12 March 2027 in your time,
America/New_York)". One wording for the pages, the refusals and the mails; the
caller's locale decides the language (a request's, or the mail's force_locale)."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from secretariat_app.core.forum_time import forum_zone
from secretariat_app.core.localisation import is_known_timezone
from secretariat_app.domain.silence_clock import deadline_in_zones

# The forum's zone by the name of its seat; any other zone by its own name.
FORUM_TIME_NAMES = {"Asia/Almaty": _l("Astana time")}
TIME, DAY = "HH:mm", "d MMMM y"


def forum_time_name(zone: ZoneInfo) -> str:
    named = FORUM_TIME_NAMES.get(zone.key)
    return str(named) if named is not None else _("%(zone)s time", zone=zone.key)


def reader_zone(name: str | None) -> ZoneInfo:
    """The reader's zone: their profile's, or the forum's when they have none (as the pages do)."""
    return ZoneInfo(name) if is_known_timezone(name) else forum_zone()


def deadline_text(deadline: date, reader_zone_name: str | None, language: str) -> str:
    """The last minute of the deadline day in the forum's zone, and in the reader's when it differs."""
    zone, theirs = forum_zone(), reader_zone(reader_zone_name)
    shown = deadline_in_zones(deadline, zone, theirs)
    forum = _("%(time)s on %(day)s, %(zone)s",
              time=format_datetime(shown.forum, TIME, tzinfo=zone, locale=language),
              day=format_datetime(shown.forum, DAY, tzinfo=zone, locale=language), zone=forum_time_name(zone))
    if shown.same_zone:
        return forum
    return _("%(forum)s (%(time)s on %(day)s in your time, %(zone)s)", forum=forum,
             time=format_datetime(shown.reader, TIME, tzinfo=theirs, locale=language),
             day=format_datetime(shown.reader, DAY, tzinfo=theirs, locale=language), zone=theirs.key)
