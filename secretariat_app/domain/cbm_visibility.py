"""What a reader may learn of CBM implementation, and over which years, as
plain functions on plain data (no Flask, no database).

Officers and an area's coordinators see everything of that area. Members see
every report's existence (whether an activity was reported is a fact every
member may know) but the details of submitted and published reports only.
Observers and partners learn of a report only once the Secretariat publishes
it. The overview, its exports and the compiled report show a span of years:
by default the last five up to the current one, at most fifteen, from the
Catalogue's year (2004) to a few years ahead for planning."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from secretariat_app.domain import cbm_papers
from secretariat_app.domain.cbm_status import ActivityState, activity_state
from secretariat_app.domain.violations import N_, RuleViolations, Violation

# The Catalogue dates from 2004; a range reaches a few years ahead for planning.
EARLIEST_YEAR = 2004
YEARS_AHEAD = 5
DEFAULT_SPAN = 5
MAX_SPAN = 15

# The statuses of an annual report (cbm.models.ReportStatus values).
DRAFT, SUBMITTED, PUBLISHED = "draft", "submitted", "published"
SUBMITTED_VALUES = (SUBMITTED, PUBLISHED)


# Years -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearRange:
    first: int
    last: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @property
    def start(self) -> date:
        return date(self.first, 1, 1)

    @property
    def end(self) -> date:
        return date(self.last, 12, 31)

    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


def default_years(today: date) -> YearRange:
    """The last five years up to the current one."""
    return YearRange(today.year - DEFAULT_SPAN + 1, today.year)


def year_range(first: int | None, last: int | None, today: date) -> YearRange:
    """The years a reader asked for; a missing end is completed to a five-year span.
    Raises RuleViolations for a range that is reversed, too long or out of bounds."""
    if first is None and last is None:
        return default_years(today)
    if first is None:
        assert last is not None  # both None returned above
        first = max(EARLIEST_YEAR, last - DEFAULT_SPAN + 1)
    if last is None:
        last = min(today.year + YEARS_AHEAD, first + DEFAULT_SPAN - 1)
    violations = []
    latest = today.year + YEARS_AHEAD
    for name, value in (("from_year", first), ("to_year", last)):
        if not EARLIEST_YEAR <= value <= latest:
            violations.append(Violation(name, N_("Choose a year from %(first)d to %(last)d."),
                                        {"first": EARLIEST_YEAR, "last": latest}))
    if not violations and last < first:
        violations.append(Violation("to_year", N_("The last year cannot come before the first.")))
    if not violations and last - first + 1 > MAX_SPAN:
        violations.append(Violation("to_year", N_("Show at most %(n)d years at once."), {"n": MAX_SPAN}))
    if violations:
        raise RuleViolations(violations)
    return YearRange(first, last)


# Who reads -------------------------------------------------------------------------------------

def status_value(status: Enum | str | None) -> str | None:
    """A report status as its plain value, whether given as the model's enum member or as the value."""
    return status.value if isinstance(status, Enum) else status


@dataclass(frozen=True)
class ReportRule:
    """Which annual reports a reader may read, as data that both Python (`admits`) and SQL
    (permissions.cbm.report_condition) evaluate, so that the two answers cannot drift apart:
    every report (`all_areas`), every report of the areas in `area_ids`, and elsewhere the
    reports whose status is one of `statuses` (values of cbm.models.ReportStatus)."""

    all_areas: bool
    area_ids: frozenset[int]
    statuses: tuple[str, ...]

    def admits(self, area_id: int, status: Enum | str | None) -> bool:
        """Whether a report of `area_id` in `status` may be read (None: there is no report)."""
        if status_value(status) is None:
            return False
        return self.all_areas or area_id in self.area_ids or status_value(status) in self.statuses


@dataclass(frozen=True)
class ReaderScope:
    """What one reader may learn of the implementation reports. A status is
    ReportStatus of models.cbm or its value; None where there is no report.

    `member`: the reader's delegation is of a member state today. `outsider`: the
    reader is neither of the Secretariat nor of a delegation whose state holds a
    status today (they read the reports of the areas they coordinate, nothing else)."""

    secretariat: bool = False
    member: bool = False
    coordinated_area_ids: frozenset[int] = frozenset()
    outsider: bool = False

    @property
    def observer(self) -> bool:
        """Observers and partners: published reports only (outside the areas they coordinate)."""
        return not self.secretariat and not self.member

    def sees_all_of(self, area_id: int) -> bool:
        return self.secretariat or area_id in self.coordinated_area_ids

    def readable_statuses(self) -> tuple[str, ...]:
        """The status values of the reports whose details this reader may read outside their own areas."""
        if self.secretariat or self.member:
            return SUBMITTED_VALUES
        return () if self.outsider else (PUBLISHED,)

    def report_rule(self) -> ReportRule:
        """The one definition of which reports this reader may read."""
        return ReportRule(self.secretariat, self.coordinated_area_ids, self.readable_statuses())

    def reads_report(self, area_id: int, status: Enum | str | None) -> bool:
        """Whether the details of a report of `status` (dates, states, outcome) may be shown."""
        return self.report_rule().admits(area_id, status)

    def reads_paper(self, area_id: int, status: Enum | str) -> bool:
        """Papers (cbm.models.PaperStatus): the Secretariat and the area's coordinators read every
        paper of the area, drafts included; members read every paper once it left the draft."""
        return self.sees_all_of(area_id) or (self.member and status_value(status) != cbm_papers.DRAFT)

    def comments_on_paper(self, status: Enum | str) -> bool:
        """Member delegations comment on a paper while it is under SWG review."""
        return self.member and status_value(status) == cbm_papers.UNDER_REVIEW

    def lists_report(self, area_id: int, status: Enum | str) -> bool:
        """Whether an annual report's existence, status and counts may be listed."""
        return not self.observer or self.sees_all_of(area_id) or status_value(status) == PUBLISHED

    def activity_state(self, *, area_id: int, report_status: Enum | str | None,
                       annual_status: Enum | str | None, due_at: datetime | None,
                       now: datetime) -> ActivityState:
        """The state of an activity as this reader may know it.

        `report_status` is the status of the annual report holding the activity's
        implementation report (None: not reported); `annual_status` that of the
        area's annual report for the activity's year (None: not started)."""
        report, annual = status_value(report_status), status_value(annual_status)
        if not self.observer or self.sees_all_of(area_id):
            return activity_state(reported=report is not None, annual_submitted=annual in SUBMITTED_VALUES,
                                  due_at=due_at, now=now)
        # An observer learns nothing of a report before it is published: one that
        # was submitted and awaits publication is neither reported nor late to them.
        awaiting = annual == SUBMITTED
        return activity_state(reported=report == PUBLISHED, annual_submitted=annual == PUBLISHED,
                              due_at=None if awaiting else due_at, now=now)
