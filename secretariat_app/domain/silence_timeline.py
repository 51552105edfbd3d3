"""The story of one silence procedure, in order, from what the records hold:
circulated (to how many member delegations, and to which others for
information), the reminders sent, each written objection, the deadline, and
the end: adopted the day after the deadline, or broken by the first objection.

Plain data in, plain data out: the service gathers the facts, the page words them."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

CIRCULATED = "circulated"
REMINDER = "reminder"
OBJECTION = "objection"
DEADLINE = "deadline"
ADOPTED = "adopted"
BROKEN = "broken"

# Within one day: what happened at a known moment first (in time order), then the day's
# end of silence, then what the day's close brings (adoption is the day after, so alone).
_ORDER = {CIRCULATED: 0, REMINDER: 1, OBJECTION: 2, BROKEN: 3, DEADLINE: 4, ADOPTED: 5}


@dataclass(frozen=True)
class Event:
    kind: str
    day: date  # the forum's day
    at: datetime | None = None  # the moment, when the record has one
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    done: bool = True  # False: still ahead (the deadline not yet passed)


@dataclass(frozen=True)
class ObjectionFact:
    day: date
    at: datetime | None
    delegation: str


@dataclass(frozen=True)
class SilenceFacts:
    circulated_on: date
    circulated_at: datetime | None
    deadline: date
    today: date
    members: int  # member delegations it was circulated to
    others: tuple[str, ...] = ()  # observers (and partners) it was circulated to, for information
    reminders: tuple[tuple[datetime, date, int], ...] = ()  # (sent at, forum day, people reminded)
    objections: tuple[ObjectionFact, ...] = ()
    adopted_on: date | None = None


def timeline(facts: SilenceFacts) -> list[Event]:
    """The events of a circulated procedure, oldest first."""
    events = [Event(CIRCULATED, facts.circulated_on, facts.circulated_at,
                    {"members": facts.members, "others": list(facts.others)})]
    events += [Event(REMINDER, day, at, {"people": people}) for at, day, people in facts.reminders]
    in_time = sorted((o for o in facts.objections if o.day <= facts.deadline), key=_moment_of)
    events += [Event(OBJECTION, o.day, o.at, {"delegation": o.delegation}) for o in in_time]
    if in_time:
        first = in_time[0]
        events.append(Event(BROKEN, first.day, first.at, {"delegation": first.delegation}))
    events.append(Event(DEADLINE, facts.deadline, None, {}, done=facts.today > facts.deadline))
    if facts.adopted_on is not None and not in_time:
        events.append(Event(ADOPTED, facts.adopted_on))
    return sorted(events, key=_key)


def _moment_of(objection: ObjectionFact) -> tuple[date, bool, datetime | None]:
    return objection.day, objection.at is None, objection.at


def _key(event: Event) -> tuple[date, bool, float, int]:
    """By day; within a day, what has a moment first in time order, then the rest in _ORDER."""
    return event.day, event.at is None, event.at.timestamp() if event.at else 0.0, _ORDER[event.kind]


def reminders_from(rows: Iterable[tuple[datetime, date]]) -> tuple[tuple[datetime, date, int], ...]:
    """Reminder notices sent, one entry per sending (the same due moment), with how many people got it."""
    counted: dict[datetime, tuple[date, int]] = {}
    for at, day in rows:
        known = counted.get(at)
        counted[at] = (day, (known[1] if known else 0) + 1)
    return tuple((at, day, n) for at, (day, n) in sorted(counted.items()))
