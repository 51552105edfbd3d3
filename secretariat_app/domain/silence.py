"""How a decision is taken, without a database: at a meeting, or by the silence procedure.

- The chair circulates a draft with a deadline (two weeks unless the draft
  says otherwise). The deadline is inclusive: an objection lodged on the
  deadline day still breaks the silence.
- Only member states take part: an observer's (or a partner's) objection is
  refused, and membership is judged on the day the objection is lodged.
- One written objection from a member stops the procedure; it is recorded.
- When the deadline has passed with no objection, the decision is adopted on
  the day after the deadline.

Statuses are the values of decisions.models.DecisionStatus, as plain strings.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from secretariat_app.domain.violations import N_, Violation

DRAFT = "draft"
UNDER_SILENCE = "under_silence"
ADOPTED = "adopted"
STOPPED = "stopped"

DEFAULT_SILENCE_DAYS = 14
REFERENCE_MAX = 40
TITLE_MAX = 300
FIRST_YEAR, LAST_YEAR = 1992, 2100  # CICA was proposed in 1992


@dataclass(frozen=True)
class SilenceOutcome:
    status: str  # UNDER_SILENCE, ADOPTED or STOPPED
    adopted_on: date | None = None
    stopped_on: date | None = None


def default_deadline(circulated_on: date) -> date:
    """The deadline a draft gets when the chair names none: two weeks after circulation."""
    return circulated_on + timedelta(days=DEFAULT_SILENCE_DAYS)


def silence_outcome(deadline: date, objection_dates: Iterable[date], today: date) -> SilenceOutcome:
    """Where a silence procedure stands on `today`.

    Objections lodged after the deadline do not count (they are refused when
    recorded; this only guards against stray data)."""
    in_time = sorted(day for day in objection_dates if day <= deadline)
    if in_time:
        return SilenceOutcome(STOPPED, stopped_on=in_time[0])
    if today > deadline:
        return SilenceOutcome(ADOPTED, adopted_on=deadline + timedelta(days=1))
    return SilenceOutcome(UNDER_SILENCE)


def check_circulation(status: str, procedure: str, circulated_on: date, deadline: date | None) -> list[Violation]:
    """Whether a draft may be circulated for silence on `circulated_on` with `deadline`."""
    if procedure != "silence":
        return [Violation("procedure", N_("Only a decision taken by the silence procedure is circulated."))]
    if status != DRAFT:
        return [Violation("procedure", N_("This draft has already been circulated."))]
    if deadline is None:
        return [Violation("deadline", N_("Give the deadline."))]
    if deadline <= circulated_on:
        return [Violation("deadline", N_("The deadline must be after the day of circulation (%(day)s)."),
                          {"day": circulated_on.isoformat()})]
    return []


@dataclass(frozen=True)
class ObjectionFacts:
    """What the rules need to know about an objection, resolved on the day it was lodged."""

    status: str
    circulated_on: date | None
    deadline: date | None
    lodged_on: date
    today: date
    delegation_name: str
    is_member: bool
    already_objected: bool
    text: str
    has_file: bool = False  # the objection is attached as a file (lodged on the page)
    file_allowed: bool = False  # the form offers a file (the delegation's own page)


def check_objection(facts: ObjectionFacts) -> list[Violation]:
    """Every rule the objection breaks (empty when it may be recorded)."""
    if facts.status not in (UNDER_SILENCE, STOPPED) or facts.deadline is None or facts.circulated_on is None:
        return [Violation("procedure", N_("This decision is not under a silence procedure."))]
    violations: list[Violation] = []
    if not facts.is_member:
        violations.append(Violation(
            "delegation",
            N_("Only member states break silence: %(name)s is not a member on %(day)s."),
            {"name": facts.delegation_name, "day": facts.lodged_on.isoformat()},
        ))
    elif facts.already_objected:
        violations.append(Violation("delegation", N_("This delegation's objection is already recorded.")))
    if facts.lodged_on > facts.deadline:
        violations.append(Violation(
            "lodged_on", N_("The deadline (%(deadline)s) has passed: the silence can no longer be broken."),
            {"deadline": facts.deadline.isoformat()},
        ))
    elif facts.lodged_on < facts.circulated_on:
        violations.append(Violation(
            "lodged_on", N_("The draft was circulated on %(day)s: an objection cannot be earlier."),
            {"day": facts.circulated_on.isoformat()},
        ))
    elif facts.lodged_on > facts.today:
        violations.append(Violation("lodged_on", N_("An objection cannot be dated in the future.")))
    if not facts.text.strip() and not facts.has_file:
        violations.append(Violation("text", N_("Write the objection, or attach it as a file.") if facts.file_allowed
                                    else N_("Record the text of the objection.")))
    return violations


# The decision record ----------------------------------------------------------

REFERENCE_RE = re.compile(r"^(?P<body>[A-Z_]+)/(?P<year>\d{4})/DEC/(?P<n>\d+)$")


def reference_prefix(body_code: str, year: int) -> str:
    return f"{body_code}/{year}/DEC/"


def next_reference(body_code: str, year: int, taken: Iterable[str]) -> str:
    """The next free `<BODY>/<YEAR>/DEC/<n>` after the highest number already taken."""
    prefix = reference_prefix(body_code, year)
    numbers = [int(ref[len(prefix):]) for ref in taken if ref.startswith(prefix) and ref[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


@dataclass(frozen=True)
class DecisionFacts:
    """A decision as submitted, with what the rules need from the database."""

    procedure: str
    current_status: str | None  # None for a new decision
    current_procedure: str | None
    reference: str
    reference_taken: bool
    title_en: str
    title_ru: str
    adopted_on: date | None
    today: date
    meeting_given: bool
    meeting_of_body: bool
    meeting_dates: tuple[date, date] | None  # first and last day the adoption can fall on
    justifies_body_given: bool
    justifies_year: int | None


def check_decision(facts: DecisionFacts) -> list[Violation]:
    """Every rule the decision breaks (empty when it may be saved)."""
    violations: list[Violation] = []
    if not facts.reference:
        violations.append(Violation("reference", N_("Give the reference, e.g. SOC/2024/DEC/3.")))
    elif len(facts.reference) > REFERENCE_MAX:
        violations.append(Violation("reference", N_("Use at most %(n)d characters."), {"n": REFERENCE_MAX}))
    elif facts.reference_taken:
        violations.append(Violation("reference", N_("Another decision already has the reference %(ref)s."),
                                    {"ref": facts.reference}))
    for name in ("title_en", "title_ru"):
        value = getattr(facts, name)
        if not value:
            violations.append(Violation(name, N_("The title is required.")))
        elif len(value) > TITLE_MAX:
            violations.append(Violation(name, N_("Use at most %(n)d characters."), {"n": TITLE_MAX}))
    if facts.procedure not in ("meeting", "silence"):
        violations.append(Violation("procedure", N_("Choose a meeting or the silence procedure.")))
    elif (facts.current_procedure == "silence" and facts.current_status != DRAFT
          and facts.procedure != "silence"):
        violations.append(Violation("procedure", N_("The draft has been circulated: the procedure cannot change.")))
    if facts.meeting_given and not facts.meeting_of_body:
        violations.append(Violation("meeting", N_("That meeting is not a meeting of the chosen body.")))
    violations += _adoption_date(facts)
    if facts.justifies_body_given and facts.justifies_year is None:
        violations.append(Violation("justifies_year", N_("Give the year the meeting was due.")))
    if facts.justifies_year is not None:
        if not facts.justifies_body_given:
            violations.append(Violation("justifies_body",
                                        N_("Choose the body whose rhythm the decision departs from.")))
        if not FIRST_YEAR <= facts.justifies_year <= LAST_YEAR:
            violations.append(Violation("justifies_year", N_("Give a year between %(first)d and %(last)d."),
                                        {"first": FIRST_YEAR, "last": LAST_YEAR}))
    return violations


def _adoption_date(facts: DecisionFacts) -> list[Violation]:
    if facts.adopted_on is None:
        return []
    if facts.procedure == "silence":
        return [Violation("adopted_on", N_("A decision by silence is adopted the day after the deadline: "
                                           "leave the date blank."))]
    if facts.adopted_on > facts.today:
        return [Violation("adopted_on", N_("The date of adoption cannot be in the future."))]
    if facts.meeting_dates is not None:
        first, last = facts.meeting_dates
        if not first <= facts.adopted_on <= last:
            return [Violation("adopted_on", N_("The meeting was held from %(first)s to %(last)s."),
                              {"first": first.isoformat(), "last": last.isoformat()})]
    return []


def status_after_save(procedure: str, current_procedure: str | None, current_status: str | None,
                      adopted_on: date | None) -> str:
    """The status a saved decision has: a meeting decision is adopted once it has a date;
    a silence decision keeps the status its procedure gave it (a draft until circulated)."""
    if procedure == "meeting":
        return ADOPTED if adopted_on is not None else DRAFT
    if current_procedure != "silence" or current_status is None:
        return DRAFT
    return current_status
