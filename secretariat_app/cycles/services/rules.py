"""The forum's rules in force: the file of the RULES_FILE setting (CICA's,
secretariat_app/data/rules/cica.toml, by default) and the versions officers
upload, each in force from its effective date.

The time zone: the rules file's `[forum] time_zone` is the forum's zone unless
the FORUM_TIMEZONE setting names one (`configure` fills the setting in at start;
core/forum_time.py reads only the setting). An uploaded version must keep the
zone in force: the days already counted (deadlines, terms) do not move.

A version governs the years from its effective date's year on
(domain/cycles_rules.rules_over_time): what the check found about earlier years
stays as it was. Its effective date is a forum day, today or later."""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.audit import services as audit
from secretariat_app.core.forum_time import forum_today
from secretariat_app.cycles.models import CycleRulesVersion
from secretariat_app.domain import cycles
from secretariat_app.domain.cycles_rules import engine_rules, rules_over_time
from secretariat_app.domain.forum_rules import ForumRules, Problem, RulesFileError, parse_rules
from secretariat_app.domain.violations import N_, RuleViolations, Violation
from secretariat_app.extensions import db

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
CICA_RULES_FILE = DATA_DIR / "rules" / "cica.toml"
MAX_RULES_FILE_SIZE = 64 * 1024


@dataclass(frozen=True)
class RulesSource:
    """A version of the rules and where it comes from."""

    forum: ForumRules
    file_name: str  # the setting's path, or the uploaded file's name
    sha256: str
    number: int | None = None  # None: the RULES_FILE setting's file
    effective_on: date | None = None  # None: from the start
    uploaded_by: str | None = None

    @property
    def label(self) -> str:
        return self.forum.version


def reference_bodies() -> frozenset[str]:
    """The body codes of bodies.csv, the reference data (the database may not exist yet at start)."""
    with open(DATA_DIR / "bodies.csv", encoding="utf-8") as handle:
        return frozenset(row["code"] for row in csv.DictReader(handle))


def read_base(path: str | Path) -> RulesSource:
    """The rules file of the RULES_FILE setting, checked (RulesFileError with every problem)."""
    content = Path(path).read_bytes() if Path(path).is_file() else None
    if content is None:
        raise RulesFileError([Problem(Path(path).name, "", N_("file not found: %(path)s"), {"path": str(path)})])
    forum = parse_rules(content, Path(path).name, bodies=reference_bodies())
    return RulesSource(forum, str(path), hashlib.sha256(content).hexdigest())


def configure(app: Flask) -> None:
    """At start: read and check the RULES_FILE (refusing to start on a bad one),
    and take its time zone as the forum's unless FORUM_TIMEZONE is set."""
    path = app.config.get("RULES_FILE") or str(CICA_RULES_FILE)
    try:
        base = read_base(path)
    except RulesFileError as error:
        raise RuntimeError(f"RULES_FILE is not a usable rules file: {error}") from None
    app.config["RULES_FILE"] = path
    if not app.config.get("FORUM_TIMEZONE"):
        app.config["FORUM_TIMEZONE"] = base.forum.time_zone
    app.extensions["forum_rules"] = base


def base_source() -> RulesSource:
    source: RulesSource = current_app.extensions["forum_rules"]
    return source


def _parsed(row: CycleRulesVersion) -> RulesSource:
    forum = parse_rules(row.content, row.file_name)  # checked when uploaded
    return RulesSource(forum, row.file_name, row.sha256, row.number, row.effective_on,
                       row.uploaded_by.email if row.uploaded_by else None)


def uploaded_versions() -> list[RulesSource]:
    """The uploaded versions, by effective date (then in the order uploaded)."""
    rows = db.session.scalars(select(CycleRulesVersion).order_by(CycleRulesVersion.effective_on,
                                                                 CycleRulesVersion.number))
    return [_parsed(row) for row in rows]


def versions_in_force(as_of: date) -> list[RulesSource]:
    """The setting's file, then each uploaded version in force by `as_of`, oldest first."""
    return [base_source(), *(v for v in uploaded_versions() if v.effective_on is not None and v.effective_on <= as_of)]


def source_on(as_of: date) -> RulesSource:
    """The version in force on `as_of` (the page's "rules in force")."""
    return versions_in_force(as_of)[-1]


def rules_on(as_of: date) -> tuple[cycles.Rule, ...]:
    """The engine's rules for a check as of `as_of`: each version over its own years."""
    return rules_over_time([(v.effective_on.year if v.effective_on else None, v.forum)
                            for v in versions_in_force(as_of)])


def known_names() -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """The body codes and states' English names of the database (None where it has none)."""
    bodies = frozenset(db.session.scalars(select(Body.code)))
    states = frozenset(db.session.scalars(select(State.name_en)))
    return (bodies or None, states or None)


def read_rules_file_for_check(path: Path, against_database: bool = True
                              ) -> tuple[ForumRules, tuple[cycles.Rule, ...]]:
    """A rules file given to `flask cycles check --rules`: checked against the
    database's bodies and states, or (for a history given as files) against bodies.csv."""
    bodies, states = known_names() if against_database else (reference_bodies(), None)
    forum = parse_rules(path.read_bytes(), path.name, bodies=bodies, states=states)
    return forum, engine_rules(forum)


def describe_source(source: RulesSource) -> dict[str, object]:
    """The source of rules as `flask cycles check --json` gives it."""
    return {"forum": source.forum.name, "file": source.file_name, "version": source.label,
            "number": source.number, "effective_on": source.effective_on.isoformat() if source.effective_on else None,
            "sha256": source.sha256, "time_zone": source.forum.time_zone}


def upload(actor: User, file_name: str, content: bytes, effective_on: date | None) -> CycleRulesVersion:
    """Keep a new version of the rules, in force from `effective_on` (a forum day,
    today or later). Raises RulesFileError (the file's problems) or
    RuleViolations (the date, the time zone); nothing is saved then."""
    problems: list[Violation] = []
    if effective_on is None:
        problems.append(Violation("effective_on", N_("Give the day from which these rules apply.")))
    elif effective_on < forum_today():
        problems.append(Violation("effective_on", N_("A change of rules applies from today or a later day, "
                                                     "never to the past (today is %(today)s)."),
                                  {"today": forum_today().isoformat()}))
    if len(content) > MAX_RULES_FILE_SIZE:
        problems.append(Violation("file", N_("A rules file is at most %(kb)d kB."),
                                  {"kb": MAX_RULES_FILE_SIZE // 1024}))
    if problems:
        raise RuleViolations(problems)
    bodies, states = known_names()
    forum = parse_rules(content, file_name, bodies=bodies, states=states)
    zone = current_app.config["FORUM_TIMEZONE"]
    if forum.time_zone != zone:
        raise RulesFileError([Problem(file_name, "forum.time_zone",
                                      N_("is %(value)s, but the forum's days are counted in %(zone)s (the "
                                         "FORUM_TIMEZONE setting or the RULES_FILE): a new version keeps the zone"),
                                      {"value": repr(forum.time_zone), "zone": zone})])
    assert effective_on is not None  # refused above
    number = (db.session.scalar(select(func.max(CycleRulesVersion.number))) or 0) + 1
    version = CycleRulesVersion(
        number=number, effective_on=effective_on, file_name=file_name[:200], content=content.decode("utf-8"),
        sha256=hashlib.sha256(content).hexdigest(), forum_name=forum.name[:200], label=forum.version[:200],
        uploaded_by_id=actor.id)
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError:  # the number another upload took at the same moment
        db.session.rollback()
        raise RuleViolations([Violation("file", N_("Another officer saved a version at the same moment: "
                                                   "upload it again."))]) from None
    audit.record(actor, "cycle_rules_version.create", "cycle_rules_version", version.id, None,
                 {"number": number, "effective_on": effective_on.isoformat(), "file_name": version.file_name,
                  "sha256": version.sha256, "forum": forum.name, "version": forum.version})
    db.session.commit()
    return version
