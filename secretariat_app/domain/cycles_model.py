"""The plain data of the cycle rules: the history they read, the rules
themselves, and the findings they give. Shared by the rule modules
(cycles_rhythm, cycles_annual, cycles_chair); import it through
`secretariat_app.domain.cycles`, the entry point.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from secretariat_app.domain.cycles_text import decision_text, finding_text

SUMMIT, MFA, MFA_INFORMAL, SOC, SWG = "SUMMIT", "MFA", "MFA_INFORMAL", "SOC", "SWG"
CHAIR = "CHAIR"  # the pseudo-body of the chairmanship rule (its findings name SUMMIT or MFA)
INFO, WARNING = "info", "warning"
HELD, PLANNED, CONFIRMED, POSTPONED = "held", "planned", "confirmed", "postponed"

# Rule kinds
EVERY_N_YEARS = "every_n_years"
ANNUAL = "annual"
PRECEDES = "precedes"
CHAIR_FOLLOWS_HOST = "chair_follows_host"  # the host of the last Summit or MFA chairs (host-of-last)
CHAIR_HOST_OF_NEXT = "chair_host_of_next"  # the host of the next one chairs until it
CHAIR_ROTATION = "chair_rotation"  # states take the chair in a fixed order, term after term
CHAIR_KINDS = (CHAIR_FOLLOWS_HOST, CHAIR_HOST_OF_NEXT, CHAIR_ROTATION)

# Finding kinds
LATE, EARLY, MISSING, EXTRA, WRONG_CHAIR = "late", "early", "missing", "extra", "wrong_chair"


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
class ChairDecision:
    """A decision on a chairmanship (assumed, extended, renewed, handed over,
    elected), taken at a meeting of the history: what justifies a departure."""

    reference: str
    kind: str
    body: str
    year: int
    month: int | None = None
    number: int | None = None
    city: str = ""
    city_ru: str = ""

    def as_params(self) -> dict[str, Any]:
        return {"reference": self.reference, "kind": self.kind, "body": self.body, "number": self.number,
                "year": self.year, "month": self.month, "city": self.city, "city_ru": self.city_ru}


@dataclass(frozen=True)
class ChairTerm:
    """A chairmanship in whole years: [start_year, end_year)."""

    state: str
    start_year: int
    end_year: int | None  # None: current, open-ended
    justified_by: str | None = None  # reference of the decision that gave or extended it
    decisions: tuple[ChairDecision, ...] = ()  # the meetings' decisions on this chairmanship

    def decision_for(self, from_year: int) -> ChairDecision | None:
        """The decision behind the chairmanship as it stood from `from_year`: the
        latest taken by then (the 4th MFA of 2012 extending a term from 2012),
        else the first taken later."""
        taken = sorted(self.decisions, key=lambda d: (d.year, d.month or 0))
        by_then = [d for d in taken if d.year <= from_year]
        return by_then[-1] if by_then else (taken[0] if taken else None)

    def covers(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year < self.end_year)


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

    def of_body(self, body: str) -> list[HeldMeeting]:
        """The meetings of one body, in the order they took (or take) place."""
        return sorted((m for m in self.meetings if m.body == body), key=meeting_order)

    def justification(self, body: str, due_year: int | None) -> str | None:
        """The reference of a decision approving a departure for `body` in `due_year`."""
        if due_year is None:
            return None
        for j in self.justifications:
            if j.body == body and j.due_year == due_year:
                return j.reference
        return None


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # "every_n_years" | "annual" | "precedes" | one of CHAIR_KINDS
    body: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    description: str = field(default="", compare=False)  # the rule in plain words

    def covers(self, year: int) -> bool:
        """Whether the rule is in force in `year` (its params since and until, [since, until))."""
        since, until = self.params.get("since"), self.params.get("until")
        return (since is None or year >= since) and (until is None or year < until)


@dataclass(frozen=True)
class NextDue:
    body: str
    due_year: int


@dataclass(frozen=True)
class Finding:
    rule: str
    body: str
    kind: str  # "late" | "early" | "missing" | "extra" | "wrong_chair"
    due_year: int | None
    held_year: int | None
    severity: str  # INFO when justified, WARNING otherwise
    justified_by: str | None
    message: str
    state: str | None = None
    from_year: int | None = None
    to_year: int | None = None
    # What pages and mails write out in the reader's language (cycles_text.finding_text);
    # `message` is the English of the same, for the command line.
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of `flask cycles check --json`."""
        data = {
            "rule": self.rule,
            "body": self.body,
            "kind": self.kind,
            "due_year": self.due_year,
            "held_year": self.held_year,
            "severity": self.severity,
            "justified_by": self.justified_by,
            "justifying_decision": self.justifying_decision(),
            "message": self.message,
        }
        if self.kind == WRONG_CHAIR:
            data.update(state=self.state, from_year=self.from_year, to_year=self.to_year)
        return data

    def justifying_decision(self) -> dict[str, Any] | None:
        """The decision that justifies the departure: its reference and, when it
        was taken at a meeting of the history, the meeting ("the 4th MFA (Astana,
        September 2012)"); None for a warning."""
        decision = self.params.get("decision")
        if decision:
            return {**decision, "text": decision_text(decision)}
        return {"reference": self.justified_by} if self.justified_by else None

    def sort_key(self) -> tuple[int, str, str, int, str]:
        """(due year, or first year of a chairmanship run; body; rule), then the rest for stability."""
        year = next((y for y in (self.due_year, self.from_year, self.held_year) if y is not None), 0)
        return (year, self.body, self.rule, self.held_year or 0, self.kind)


@dataclass(frozen=True)
class CheckResult:
    as_of: date
    next_due: tuple[NextDue, ...]
    findings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "next_due": [{"body": n.body, "due_year": n.due_year} for n in self.next_due],
            "findings": [f.as_dict() for f in self.findings],
        }


def make_finding(rule: Rule, body: str, kind: str, code: str, params: dict[str, Any], *, due_year: int | None,
                 held_year: int | None = None, justified_by: str | None = None,
                 decision: ChairDecision | None = None, **chair: Any) -> Finding:
    """A finding: a warning, or for information only when a decision approved
    the departure (`decision`: one taken at a meeting of the history). `code`
    and `params` say what was found (cycles_text)."""
    if decision is not None:
        justified_by = decision.reference
        params = {**params, "decision": decision.as_params()}
    params = {**params, "justified_by": justified_by or None}
    return Finding(rule=rule.id, body=body, kind=kind, due_year=due_year, held_year=held_year,
                   severity=INFO if justified_by else WARNING, justified_by=justified_by or None,
                   message=finding_text(code, params), code=code, params=params, **chair)


# Order and words -----------------------------------------------------------

def meeting_order(meeting: HeldMeeting) -> tuple[int, int, int, int]:
    return (meeting.year, meeting.month or 0, meeting.day.toordinal() if meeting.day else 0,
            meeting.number or 0)


def meeting_params(meeting: HeldMeeting) -> dict[str, Any]:
    """A meeting as a finding's parameters name it (cycles_text.Words.meeting_when)."""
    return {"body": meeting.body, "number": meeting.number, "status": meeting.status, "year": meeting.year}
