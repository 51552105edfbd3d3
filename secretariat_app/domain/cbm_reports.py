"""The rules of CBM implementation reporting, as plain functions on plain data
(no Flask, no database), to be read beside the issue's wording:

- An activity of an action plan has a title in English and/or Russian, a
  type, planned dates inside the plan's period, and a responsible state that
  is a member on the planned start.
- An annual report is opened for an area and a year only when an approved
  action plan of the area covers that year, and only once.
- An implementation report says when an activity was held (inside the plan's
  period and in the report's year), where, which member states took part
  (members on the day it was held), how many people (a whole number, 0 or
  more), and the outcome in English and/or Russian.
- draft -> submitted (locked) -> published. Only a Secretariat reopening
  (with a reason) brings a submitted or published report back to draft;
  nothing skips a step.

Statuses are the values of cbm.models.ReportStatus, as plain strings.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from secretariat_app.domain.cbm_status import SECRETARIAT_TIMEZONE
from secretariat_app.domain.violations import N_, RuleViolations, Violation

DRAFT = "draft"
SUBMITTED = "submitted"
PUBLISHED = "published"

SUBMIT, PUBLISH, REOPEN = "submit", "publish", "reopen"
# (action) -> (statuses it starts from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    SUBMIT: ((DRAFT,), SUBMITTED),
    PUBLISH: ((SUBMITTED,), PUBLISHED),
    REOPEN: ((SUBMITTED, PUBLISHED), DRAFT),
}

TITLE_MAX = 300
VENUE_MAX = 200
FILENAME_MAX = 200
REASON_MAX = 2000
SUMMARY_MAX = 20000
OUTCOME_MAX = 20000
MAX_PARTICIPANTS = 1_000_000  # a plausible bound, and far inside a 32-bit column
FIRST_YEAR, LAST_YEAR = 2004, 2100  # the Catalogue of CBMs dates from 2004
_WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")


class StateConflict(RuleViolations):
    """The request conflicts with the state of the record (a locked report, a
    step out of order, a report that exists already): HTTP 409 on the web."""


# Annual reports: the state machine -------------------------------------------

def locked_violation() -> Violation:
    return Violation("status", N_("This report has been submitted and is locked. To correct it, "
                                  "ask the Secretariat to reopen it."))


def check_editable(status: str) -> list[Violation]:
    """A report and its activity reports may change only while it is a draft."""
    return [] if status == DRAFT else [locked_violation()]


def check_transition(action: str, status: str, reason: str = "") -> list[Violation]:
    """Whether `action` (submit, publish, reopen) may be taken on a report in `status`.

    Steps are never skipped: a draft is submitted before it is published; a
    reopening needs a reason, which the audit log keeps."""
    starts, _target = TRANSITIONS[action]
    if status not in starts:
        if action == PUBLISH and status == DRAFT:
            return [Violation("status", N_("A draft cannot be published: the coordinator submits the report "
                                           "first."))]
        if action == PUBLISH:
            return [Violation("status", N_("This report is published already."))]
        if action == SUBMIT:
            return [Violation("status", N_("This report has been submitted already."))]
        return [Violation("status", N_("Only a submitted or published report can be reopened: this one is a "
                                       "draft."))]
    if action == REOPEN:
        text = (reason or "").strip()
        if not text:
            return [Violation("reason", N_("Say why the report is reopened: the reason is kept in the record."))]
        if len(text) > REASON_MAX:
            return [Violation("reason", N_("Keep the reason under %(n)d characters."), {"n": REASON_MAX})]
    return []


def status_after(action: str) -> str:
    return TRANSITIONS[action][1]


# Opening a report and its due time --------------------------------------------

@dataclass(frozen=True)
class PlanPeriod:
    """An action plan's period (inclusive days)."""

    start: date
    end: date

    def covers_year(self, year: int) -> bool:
        return self.start.year <= year <= self.end.year

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


def check_opening(year: int | None, approved_periods: Iterable[PlanPeriod], existing_report: bool) -> list[Violation]:
    """Whether the annual report of an area for `year` may be opened: a year
    covered by an approved action plan of the area, and no report for it yet
    (the latter is a StateConflict for the caller)."""
    if year is None:
        return [Violation("year", N_("Give the reporting year."))]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return [Violation("year", N_("Give a reporting year from %(first)d to %(last)d."),
                          {"first": FIRST_YEAR, "last": LAST_YEAR})]
    if not any(period.covers_year(year) for period in approved_periods):
        return [Violation("year", N_("The area has no approved action plan covering %(year)d: the SOC approves "
                                     "an action plan before its implementation is reported."), {"year": year})]
    if existing_report:
        return [report_exists_violation(year)]
    return []


def report_exists_violation(year: int) -> Violation:
    return Violation("year", N_("The annual report of this area for %(year)d exists already."), {"year": year})


def check_due_day(day: date | None, year: int) -> list[Violation]:
    """An officer's due day: within the reporting year or the year after it."""
    if day is None:
        return [Violation("due_day", N_("Give the day the report is due."))]
    if not date(year, 1, 1) <= day <= date(year + 1, 12, 31):
        return [Violation("due_day", N_("The report for %(year)d is due between 1 January %(year)d and "
                                        "31 December %(next)d."), {"year": year, "next": year + 1})]
    return []


def due_day_of(due_at: datetime, zone: str = SECRETARIAT_TIMEZONE) -> date:
    """The day whose end `due_at` is, in `zone` (Astana by default): the due
    instant is midnight after that day, so the day is the one just before it."""
    return (due_at.astimezone(ZoneInfo(zone)) - timedelta(microseconds=1)).date()


# Activities ------------------------------------------------------------------

@dataclass(frozen=True)
class ActivityFacts:
    """A planned activity as submitted, with what the rules need from the database."""

    title_en: str
    title_ru: str
    type_given: bool
    planned_start: date | None
    planned_end: date | None
    venue: str
    period: PlanPeriod | None  # None: the action plan has no period yet
    plan_superseded: bool
    host_state_known: bool  # False only for an id that names no state
    responsible_state_name: str | None  # None: not given or unknown
    responsible_is_member: bool  # on the planned start


def _titles(title_en: str, title_ru: str) -> list[Violation]:
    if not title_en.strip() and not title_ru.strip():
        return [Violation("title_en", N_("Give the title in English, in Russian or in both."))]
    too_long = [Violation(name, N_("Keep the title under %(n)d characters."), {"n": TITLE_MAX})
                for name, value in (("title_en", title_en), ("title_ru", title_ru)) if len(value.strip()) > TITLE_MAX]
    return too_long


def _venue(value: str) -> list[Violation]:
    if len(value.strip()) > VENUE_MAX:
        return [Violation("venue", N_("Keep the venue under %(n)d characters."), {"n": VENUE_MAX})]
    return []


def outside_period(field: str, period: PlanPeriod) -> Violation:
    return Violation(field, N_("The action plan covers %(start)s to %(end)s: the dates must lie within that "
                               "period."), {"start": period.start.isoformat(), "end": period.end.isoformat()})


def check_activity(facts: ActivityFacts) -> list[Violation]:
    """Every rule a planned activity breaks (empty when it may be saved)."""
    if facts.plan_superseded:
        return [Violation("status", N_("This action plan has been superseded: its activities are kept as they "
                                       "were. Plan activities on the action plan in force."))]
    if facts.period is None:
        return [Violation("planned_start", N_("The action plan has no period yet: the Secretariat records the "
                                              "years it covers before activities are planned."))]
    violations = _titles(facts.title_en, facts.title_ru) + _venue(facts.venue)
    if not facts.type_given:
        violations.append(Violation("activity_type", N_("Choose the type of activity.")))
    if facts.planned_start is None:
        violations.append(Violation("planned_start", N_("Give the planned first day.")))
    if facts.planned_end is None:
        violations.append(Violation("planned_end", N_("Give the planned last day (the first day again for a "
                                                      "one-day activity).")))
    if facts.planned_start is not None and facts.planned_end is not None:
        if facts.planned_end < facts.planned_start:
            violations.append(Violation("planned_end", N_("The last day cannot be before the first day.")))
        elif not facts.period.covers(facts.planned_start):
            violations.append(outside_period("planned_start", facts.period))
        elif not facts.period.covers(facts.planned_end):
            violations.append(outside_period("planned_end", facts.period))
    if not facts.host_state_known:
        violations.append(Violation("host_state", N_("Unknown host state.")))
    if facts.responsible_state_name is None:
        violations.append(Violation("responsible_state", N_("Choose the responsible state.")))
    elif facts.planned_start is not None and not facts.responsible_is_member:
        violations.append(Violation("responsible_state", N_("%(name)s is not a member state on %(day)s: the "
                                                            "responsible state must be a member."),
                                    {"name": facts.responsible_state_name, "day": facts.planned_start.isoformat()}))
    return violations


# Implementation reports of activities -----------------------------------------

def parse_count(value: int | str | None) -> tuple[int | None, list[Violation]]:
    """The number of participants as typed: a whole number from 0 up."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, [Violation("participant_count", N_("Give the number of participants (0 if not known)."))]
    if isinstance(value, bool):
        return None, [Violation("participant_count", N_("Give the number of participants as a whole number."))]
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        if not _WHOLE_NUMBER.match(text):
            return None, [Violation("participant_count", N_("Give the number of participants as a whole "
                                                            "number."))]
        value = int(text)
    if not isinstance(value, int):
        return None, [Violation("participant_count", N_("Give the number of participants as a whole number."))]
    if value < 0:
        return None, [Violation("participant_count", N_("The number of participants cannot be negative."))]
    if value > MAX_PARTICIPANTS:
        return None, [Violation("participant_count", N_("The number of participants cannot exceed %(n)s."),
                                {"n": f"{MAX_PARTICIPANTS:,}"})]
    return value, []


@dataclass(frozen=True)
class ActivityReportFacts:
    """An implementation report as submitted, with what the rules need from the database."""

    report_status: str
    report_year: int
    period: PlanPeriod | None
    activity_of_area: bool  # the activity belongs to an approved action plan of the report's area
    reported_elsewhere: bool  # the activity's implementation is reported in another annual report
    held_on: date | None
    held_until: date | None
    venue: str
    participant_count: int | str | None
    outcome_en: str
    outcome_ru: str
    unknown_state_ids: tuple[int, ...] = ()
    # names of the chosen states that are not members on the day the activity was held
    non_members: tuple[str, ...] = ()


def check_activity_report(facts: ActivityReportFacts) -> tuple[int | None, list[Violation]]:
    """The participant count as a number, and every rule the report breaks.
    A locked report is a StateConflict for the caller (the first violation's field is "status")."""
    if facts.report_status != DRAFT:
        return None, [locked_violation()]
    if not facts.activity_of_area or facts.period is None:
        return None, [Violation("activity", N_("This activity is not in an approved action plan of the report's "
                                               "area."))]
    if facts.reported_elsewhere:
        return None, [Violation("activity", N_("The implementation of this activity is reported in the annual "
                                               "report of another year."))]
    count, violations = parse_count(facts.participant_count)
    violations = _venue(facts.venue) + violations
    if facts.held_on is None:
        violations.insert(0, Violation("held_on", N_("Give the day the activity was held (its first day).")))
    else:
        if not facts.period.covers(facts.held_on):
            violations.insert(0, outside_period("held_on", facts.period))
        elif facts.held_on.year != facts.report_year:
            violations.insert(0, Violation("held_on", N_("This is the report for %(year)d: the activity must have "
                                                         "been held in %(year)d."), {"year": facts.report_year}))
        if facts.held_until is not None:
            if facts.held_until < facts.held_on:
                violations.append(Violation("held_until", N_("The last day cannot be before the first day.")))
            elif not facts.period.covers(facts.held_until):
                violations.append(outside_period("held_until", facts.period))
    if facts.unknown_state_ids:
        violations.append(Violation("participating_states", N_("Unknown participating state.")))
    if facts.non_members:
        day = facts.held_on.isoformat() if facts.held_on else ""
        violations.append(Violation("participating_states",
                                    N_("Only member states are counted as participating states; not members on "
                                       "%(day)s: %(names)s."), {"day": day, "names": ", ".join(facts.non_members)}))
    if not facts.outcome_en.strip() and not facts.outcome_ru.strip():
        violations.append(Violation("outcome_en", N_("Describe the outcome in English, in Russian or in both.")))
    for name, value in (("outcome_en", facts.outcome_en), ("outcome_ru", facts.outcome_ru)):
        if len(value) > OUTCOME_MAX:
            violations.append(Violation(name, N_("Keep the outcome under %(n)d characters."), {"n": OUTCOME_MAX}))
    return (count if not violations else None), violations


def check_summary(summary_en: str, summary_ru: str) -> list[Violation]:
    return [Violation(name, N_("Keep the summary under %(n)d characters."), {"n": SUMMARY_MAX})
            for name, value in (("summary_en", summary_en), ("summary_ru", summary_ru)) if len(value) > SUMMARY_MAX]


_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def display_filename(name: str | None, extension: str) -> str:
    """The name an attachment is shown and downloaded under: the user's name
    without any path or odd characters, ending in the extension of the type
    its content was recognised as (never a path on the server)."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "attachment"
    return f"{stem[:FILENAME_MAX - len(extension) - 1]}.{extension}"
