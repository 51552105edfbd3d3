"""A forum's rules as data: its name and time zone, the rhythm of each body and
how the chairmanship passes, read from a TOML file and checked before anything
uses them. No Flask, no database: the caller passes the text, the file's name and
(optionally) the body codes and state names it knows.

    [forum]
    name = "CICA"
    time_zone = "Asia/Almaty"
    version = "2009 amendment"       # optional, shown with the rules' source

    [[rhythm]]                       # every n years on a grid
    body = "SUMMIT"
    every_years = 4
    first_year = 2002
    since = 2002                     # optional: the year the rule took effect

    [[rhythm]]                       # every_years = 1: at least once every calendar year
    body = "SOC"
    every_years = 1

    [[rhythm]]                       # a few days before each meeting of another body
    body = "SWG"
    before = "SOC"
    days = 14

    [[chair]]                        # a list: rules change over time
    since = 2009
    rule = "host-of-last"            # host-of-last | host-of-next | rotation | none
    bodies = ["SUMMIT", "MFA"]       # host-of-*
    term_years = 2
    # rotation: order = ["Azerbaijan", "China", ...], first_year = 2005, term_years = 2 (default 2)

A bad file gives every problem at once, each naming the file, the key
(`rhythm[2].every_years`) and what is wrong, as an English template marked for
translation with its parameters (`Problem.render`).
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from secretariat_app.domain.violations import N_

HOST_OF_LAST, HOST_OF_NEXT, ROTATION, NO_RULE = "host-of-last", "host-of-next", "rotation", "none"
CHAIR_RULES = (HOST_OF_LAST, HOST_OF_NEXT, ROTATION, NO_RULE)
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_DAYS = 366

FORUM_KEYS = ("name", "time_zone", "version")
RHYTHM_KEYS = ("body", "every_years", "first_year", "since", "before", "days")
CHAIR_KEYS = ("since", "rule", "bodies", "term_years", "order", "first_year")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rules file: where (file, key) and what, in words."""

    file: str
    key: str
    message: str  # an English template marked with N_
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        what = translate(self.message) % self.params if self.params else translate(self.message)
        return f"{self.file}, {self.key}: {what}" if self.key else f"{self.file}: {what}"


class RulesFileError(ValueError):
    """A rules file that cannot be used; `problems` says every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.render() for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Rhythm:
    """When a body meets: every `every_years` years from `first_year` (1: every
    calendar year), or `days` days at most before each meeting of `before`."""

    body: str
    every_years: int | None = None
    first_year: int | None = None
    since: int | None = None
    before: str | None = None
    days: int | None = None


@dataclass(frozen=True)
class ChairRule:
    """How the chairmanship passes from `since` (until the next rule's since)."""

    rule: str
    since: int | None = None
    bodies: tuple[str, ...] = ()
    term_years: int = 2
    order: tuple[str, ...] = ()
    first_year: int | None = None


@dataclass(frozen=True)
class ForumRules:
    name: str
    time_zone: str
    rhythms: tuple[Rhythm, ...] = ()
    chairs: tuple[ChairRule, ...] = ()
    version: str = ""


class _Reader:
    """Collects the problems of one file while reading its values."""

    def __init__(self, file: str, bodies: Collection[str] | None, states: Collection[str] | None):
        self.file, self.bodies, self.states = file, bodies, states
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str, **params: Any) -> None:
        self.problems.append(Problem(self.file, key, message, params))

    def table(self, data: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> None:
        for name in data:
            if name not in allowed:
                self.problem(f"{key}.{name}" if key else name, N_("unknown key (known here: %(known)s)"),
                             known=", ".join(allowed))

    def text(self, data: Mapping[str, Any], key: str, name: str, required: bool = True) -> str | None:
        value = data.get(name)
        if value is None:
            if required:
                self.problem(f"{key}.{name}", N_("missing: a text is required"))
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{key}.{name}", N_("must be a text that is not empty, not %(value)s"), value=repr(value))
            return None
        return value.strip()

    def number(self, data: Mapping[str, Any], key: str, name: str, low: int, high: int,
               required: bool = False) -> int | None:
        value = data.get(name)
        if value is None:
            if required:
                self.problem(f"{key}.{name}", N_("missing: a whole number from %(low)d to %(high)d is required"),
                             low=low, high=high)
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(f"{key}.{name}", N_("must be a whole number from %(low)d to %(high)d, not %(value)s"),
                         low=low, high=high, value=repr(value))
            return None
        return value

    def year(self, data: Mapping[str, Any], key: str, name: str, required: bool = False) -> int | None:
        return self.number(data, key, name, FIRST_YEAR, LAST_YEAR, required)

    def body(self, data: Mapping[str, Any], key: str, name: str) -> str | None:
        code = self.text(data, key, name)
        if code is not None and self.bodies is not None and code not in self.bodies:
            self.problem(f"{key}.{name}", N_("unknown body %(value)s (known: %(known)s)"),
                         value=repr(code), known=", ".join(sorted(self.bodies)))
            return None
        return code

    def names(self, data: Mapping[str, Any], key: str, name: str, known: Collection[str] | None,
              unknown: str) -> tuple[str, ...]:
        value = data.get(name)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(f"{key}.{name}", N_("must be a list of one or more names, not %(value)s"), value=repr(value))
            return ()
        names = tuple(v.strip() for v in value)
        for twice in sorted({n for n in names if names.count(n) > 1}):
            self.problem(f"{key}.{name}", N_("%(value)s is named twice"), value=repr(twice))
        for missing in [n for n in names if known is not None and n not in known]:
            self.problem(f"{key}.{name}", unknown, value=repr(missing))
        return names


def parse_rules(text: str | bytes, file: str = "rules.toml", *, bodies: Collection[str] | None = None,
                states: Collection[str] | None = None) -> ForumRules:
    """The rules of a TOML text, or RulesFileError with every problem found.

    `bodies` (body codes) and `states` (states' English names), when given, are
    the only ones the rules may name."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise RulesFileError([Problem(file, "", N_("not a text file in UTF-8"))]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesFileError([Problem(file, "", N_("not a valid TOML file: %(error)s"), {"error": str(error)})]
                             ) from None
    reader = _Reader(file, bodies, states)
    reader.table(data, "", ("forum", "rhythm", "chair"))
    forum = data.get("forum")
    name = zone = version = None
    if not isinstance(forum, dict):
        reader.problem("forum", N_("missing: a [forum] table with name and time_zone is required"))
    else:
        reader.table(forum, "forum", FORUM_KEYS)
        name = reader.text(forum, "forum", "name")
        zone = reader.text(forum, "forum", "time_zone")
        version = reader.text(forum, "forum", "version", required=False)
        if zone is not None and not _known_zone(zone):
            reader.problem("forum.time_zone", N_("unknown time zone %(value)s (use a name such as Asia/Almaty)"),
                           value=repr(zone))
    rhythms = tuple(r for i, raw in enumerate(_list(reader, data, "rhythm"), 1)
                    if (r := _rhythm(reader, raw, f"rhythm[{i}]")) is not None)
    chairs = tuple(c for i, raw in enumerate(_list(reader, data, "chair"), 1)
                   if (c := _chair(reader, raw, f"chair[{i}]")) is not None)
    _check_periods(reader, rhythms, chairs)
    if reader.problems:
        raise RulesFileError(reader.problems)
    assert name is not None and zone is not None  # a problem was recorded otherwise
    return ForumRules(name, zone, rhythms, tuple(sorted(chairs, key=_since_key)), version or "")


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _list(reader: _Reader, data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        reader.problem(key, N_("must be written as [[%(table)s]] tables"), table=key)
        return []
    return value


def _rhythm(reader: _Reader, raw: Any, key: str) -> Rhythm | None:
    if not isinstance(raw, dict):
        reader.problem(key, N_("must be written as [[%(table)s]] tables"), table="rhythm")
        return None
    before_count = len(reader.problems)
    reader.table(raw, key, RHYTHM_KEYS)
    body = reader.body(raw, key, "body")
    since = reader.year(raw, key, "since")
    if "before" in raw:
        for name in ("every_years", "first_year"):
            if name in raw:
                reader.problem(f"{key}.{name}", N_("not with 'before': a body meets either every n years or "
                                                   "before each meeting of another body"))
        before = reader.body(raw, key, "before")
        days = reader.number(raw, key, "days", 0, MAX_DAYS, required=True)
        if before is not None and before == body:
            reader.problem(f"{key}.before", N_("a body cannot meet before its own meetings"))
        rhythm = Rhythm(body or "", since=since, before=before, days=days)
    else:
        if "days" in raw:
            reader.problem(f"{key}.days", N_("only with 'before' (the body it prepares)"))
        every = reader.number(raw, key, "every_years", 1, 100, required=True)
        first = reader.year(raw, key, "first_year", required=every is not None and every > 1)
        rhythm = Rhythm(body or "", every_years=every, first_year=first, since=since)
    return rhythm if len(reader.problems) == before_count else None


def _chair(reader: _Reader, raw: Any, key: str) -> ChairRule | None:
    if not isinstance(raw, dict):
        reader.problem(key, N_("must be written as [[%(table)s]] tables"), table="chair")
        return None
    before_count = len(reader.problems)
    reader.table(raw, key, CHAIR_KEYS)
    since = reader.year(raw, key, "since")
    rule = raw.get("rule")
    if rule not in CHAIR_RULES:
        reader.problem(f"{key}.rule", N_("must be one of %(known)s, not %(value)s"),
                       known=", ".join(CHAIR_RULES), value=repr(rule))
        return None
    # A key of another chair rule (bodies in a rotation, say) is left unused, as a table copied from another
    # forum's file may carry it; a key no chair rule knows is a problem (table() above).
    chair = ChairRule(rule, since)
    if rule in (HOST_OF_LAST, HOST_OF_NEXT):
        bodies = reader.names(raw, key, "bodies", reader.bodies, N_("unknown body %(value)s"))
        term = reader.number(raw, key, "term_years", 1, 100)
        chair = ChairRule(rule, since, bodies=bodies, term_years=term or 2)
    elif rule == ROTATION:
        order = reader.names(raw, key, "order", reader.states, N_("unknown state %(value)s"))
        first = reader.year(raw, key, "first_year", required=True)
        term = reader.number(raw, key, "term_years", 1, 100)  # two years, as CICA's terms, unless said
        chair = ChairRule(rule, since, order=order, first_year=first, term_years=term or 2)
    return chair if len(reader.problems) == before_count else None


def _since_key(item: Rhythm | ChairRule) -> int:
    return item.since if item.since is not None else FIRST_YEAR - 1


def _check_periods(reader: _Reader, rhythms: tuple[Rhythm, ...], chairs: tuple[ChairRule, ...]) -> None:
    """Two rules of one body (or two chair rules) may not take effect in the same year."""
    seen: dict[tuple[str, int], int] = {}
    for i, rhythm in enumerate(rhythms, 1):
        where = (rhythm.body, _since_key(rhythm))
        if where in seen:
            reader.problem(f"rhythm[{i}].since", N_("%(body)s already has a rhythm from that year (%(other)s): give "
                                                    "each rhythm of a body the year it took effect"),
                           body=rhythm.body, other=f"rhythm[{seen[where]}]")
        seen[where] = i
    years: dict[int, int] = {}
    for i, chair in enumerate(chairs, 1):
        if _since_key(chair) in years:
            reader.problem(f"chair[{i}].since", N_("another chair rule takes effect that year (%(other)s)"),
                           other=f"chair[{years[_since_key(chair)]}]")
        years[_since_key(chair)] = i


def read_rules_file(path: str | os.PathLike[str], *, bodies: Collection[str] | None = None,
                    states: Collection[str] | None = None) -> ForumRules:
    """The rules of a file on disk (named by its file name in the problems)."""
    name = os.path.basename(os.fspath(path))
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError as error:
        raise RulesFileError([Problem(name, "", N_("cannot be read: %(error)s"),
                                      {"error": error.strerror or str(error)})]) from None
    return parse_rules(content, name, bodies=bodies, states=states)
