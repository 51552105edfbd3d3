"""The cycle-rule engine: CICA's rhythm of meetings and chairmanships as rules
with parameters, checked against a history of plain data. No Flask, no database.

Interface (stable; the services and the CLI depend on it):

    check(history: CycleHistory, as_of: date, rules: tuple[Rule, ...] = RULES) -> CheckResult

INTERFACE STUB: the implementation is being written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SUMMIT, MFA, MFA_INFORMAL, SOC, SWG = "SUMMIT", "MFA", "MFA_INFORMAL", "SOC", "SWG"
INFO, WARNING = "info", "warning"


@dataclass(frozen=True)
class HeldMeeting:
    """A meeting as the rules see it. `status` is held, planned, confirmed or
    postponed (cancelled meetings are left out by the caller)."""

    body: str
    year: int
    month: int | None = None
    day: date | None = None  # the exact start date, when known
    number: int | None = None
    host: str | None = None  # the host state's name, as used in ChairTerm.state
    status: str = "held"
    justified_by: str | None = None  # reference of the decision behind a departure
    meeting_id: int | None = None
    prepares_id: int | None = None  # for an SWG: the meeting_id of the SOC it prepares


@dataclass(frozen=True)
class ChairTerm:
    """A chairmanship in whole years: [start_year, end_year)."""

    state: str
    start_year: int
    end_year: int | None  # None: current, open-ended
    justified_by: str | None = None  # reference of the decision that gave or extended it


@dataclass(frozen=True)
class Justification:
    """A decision approving a departure for `body` in `due_year` (e.g. a Summit not held)."""

    body: str
    due_year: int
    reference: str


@dataclass(frozen=True)
class CycleHistory:
    meetings: tuple[HeldMeeting, ...] = ()
    chairs: tuple[ChairTerm, ...] = ()
    justifications: tuple[Justification, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # "every_n_years" | "annual" | "precedes" | "chair_follows_host"
    body: str
    params: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class NextDue:
    body: str
    due_year: int


@dataclass(frozen=True)
class Finding:
    rule: str
    body: str
    kind: str  # "late" | "early" | "missing" | "wrong_chair"
    due_year: int | None
    held_year: int | None
    severity: str  # INFO when justified, WARNING otherwise
    justified_by: str | None
    message: str
    state: str | None = None
    from_year: int | None = None
    to_year: int | None = None

    def as_dict(self) -> dict:
        """The JSON form of `flask cycles check --json`."""
        raise NotImplementedError


@dataclass(frozen=True)
class CheckResult:
    as_of: date
    next_due: tuple[NextDue, ...]
    findings: tuple[Finding, ...]

    def as_dict(self) -> dict:
        raise NotImplementedError


RULES: tuple[Rule, ...] = ()


def check(history: CycleHistory, as_of: date, rules: tuple[Rule, ...] = RULES) -> CheckResult:
    raise NotImplementedError
