"""Every iCalendar file the application writes is read by two independent
parsers, as calendar programs would: `icalendar` (the library that writes
them) and `vobject` (another implementation, with its own validation). Both
must accept it without a complaint; then the tests read what they need."""
from __future__ import annotations

from datetime import timedelta

import icalendar
import vobject
from vobject.icalendar import stringToDurations

# Properties whose value must be an RFC 5545 DURATION (PT1H), though vobject
# keeps the value of an unknown property as text.
DURATION_PROPERTIES = ("X-PUBLISHED-TTL", "REFRESH-INTERVAL")
MAX_LINE_OCTETS = 75


def _lines(ics: bytes) -> list[bytes]:
    assert ics.endswith(b"\r\n"), "an iCalendar file ends its lines with CRLF"
    lines = ics[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines), "a bare line end"
    too_long = [line for line in lines if len(line) > MAX_LINE_OCTETS]
    assert not too_long, f"lines longer than 75 octets are not folded: {too_long[:2]}"
    return lines


def _with_icalendar(ics: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(ics)  # raises on a value it cannot parse
    for component in calendar.walk():
        assert not component.errors, f"{component.name}: {component.errors}"
        for name in component:
            component.decoded(name)  # every value decodes to its type
    for name in DURATION_PROPERTIES:
        if name in calendar:  # an X- property is kept as text: read it as the DURATION it must be
            value = calendar[name]
            parsed = value.dt if hasattr(value, "dt") else icalendar.vDuration.from_ical(str(value))
            assert isinstance(parsed, timedelta)
    return calendar


def _with_vobject(ics: bytes):
    calendar = vobject.readOne(ics.decode("utf-8"), validate=True)  # required properties, known types
    calendar.validate(raiseException=True, complainUnrecognized=False)
    for name in DURATION_PROPERTIES:
        for line in calendar.contents.get(name.lower(), []):
            durations = stringToDurations(line.value)  # raises on "1:00:00"
            assert len(durations) == 1 and isinstance(durations[0], timedelta)
    for event in calendar.contents.get("vevent", []):
        for required in ("uid", "dtstamp", "dtstart"):
            assert required in event.contents, f"VEVENT without {required.upper()}"
    return calendar


def parse_twice(ics: bytes) -> tuple[icalendar.Calendar, object]:
    """The file as `icalendar` and as `vobject` read it; fails on anything either refuses."""
    _lines(ics)
    ical = _with_icalendar(ics)
    vcal = _with_vobject(ics)
    ical_uids = [str(event["UID"]) for event in ical.walk("VEVENT")]
    assert ical_uids == [event.uid.value for event in vcal.contents.get("vevent", [])]  # they read the same events
    return ical, vcal
