"""How the chairmanship passes, checked against the ledger year by year.

Three rules a forum's file may choose (each in force over its years [since, until)):

- host-of-last (CICA since the 2009 amendment to its Rules of Procedure): the
  state hosting a Summit or an MFA takes the chair until the next one;
- host-of-next: the state that will host the next meeting of the bodies chairs
  from the previous one until it;
- rotation: the states of `order` take the chair in turn, `term_years` each,
  from `first_year`.

Each past year in which the state in the chair is not the one the rule expects
is a departure. A departure is for information only when the chairmanship rests
on a decision: one taken at a meeting of the history (chairmanship_decisions.csv:
"justified by the 4th MFA (Astana, September 2012)"), or else its basis decision.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from secretariat_app.domain.cycles_model import (
    CHAIR,
    CHAIR_HOST_OF_NEXT,
    CHAIR_ROTATION,
    WRONG_CHAIR,
    ChairTerm,
    CycleHistory,
    Finding,
    HeldMeeting,
    Rule,
    make_finding,
    meeting_order,
    meeting_params,
)
from secretariat_app.domain.cycles_rhythm import grid_for_body
from secretariat_app.domain.cycles_text import WRONG_CHAIR as WRONG_CHAIR_TEXT
from secretariat_app.domain.cycles_text import WRONG_CHAIR_NEXT, WRONG_CHAIR_ROTATION


@dataclass(frozen=True)
class Expected:
    """The state a rule expects in the chair in a year, and why (the meeting it hosted or will host)."""

    state: str
    meeting: HeldMeeting | None = None


def _term_end(meeting: HeldMeeting, bodies: Sequence[str], rule: Rule, rules: Sequence[Rule]) -> int:
    """For the last hosting meeting on record: the next due year of the other
    body (the MFA after a Summit), or `term_years` (2) when no rhythm is known."""
    ends = []
    for body in bodies:
        grid = grid_for_body(body, rules, meeting.year + 1) if body != meeting.body else None
        if grid is not None:
            ends.append(grid.first_at_or_after(meeting.year + 1))
    return min(ends) if ends else meeting.year + int(rule.params.get("term_years", 2))


def _hosting(rule: Rule, history: CycleHistory) -> list[HeldMeeting]:
    bodies = tuple(rule.params.get("bodies", ()))
    return sorted((m for m in history.meetings if m.body in bodies and m.host), key=meeting_order)


def _host_of_last(rule: Rule, history: CycleHistory, rules: Sequence[Rule]) -> dict[int, Expected]:
    """Each meeting from `since` on, with a known host, from its year to the year of the next."""
    since = rule.params.get("since")
    hosting = [m for m in _hosting(rule, history) if since is None or m.year >= since]
    expected: dict[int, Expected] = {}
    for i, meeting in enumerate(hosting):
        end = hosting[i + 1].year if i + 1 < len(hosting) else _term_end(meeting, rule.params["bodies"], rule, rules)
        for year in range(meeting.year, end):
            expected[year] = Expected(meeting.host or "", meeting)
    return expected


def _host_of_next(rule: Rule, history: CycleHistory) -> dict[int, Expected]:
    """The host of each meeting, from the year of the previous one (or `term_years`
    before it, for the first) to the year before its own."""
    hosting = _hosting(rule, history)
    expected: dict[int, Expected] = {}
    for i, meeting in enumerate(hosting):
        start = hosting[i - 1].year if i else meeting.year - int(rule.params.get("term_years", 2))
        for year in range(start, meeting.year):
            expected[year] = Expected(meeting.host or "", meeting)
    return expected


def _rotation(rule: Rule, last_year: int) -> dict[int, Expected]:
    order, first, term = rule.params["order"], int(rule.params["first_year"]), int(rule.params["term_years"])
    return {year: Expected(order[((year - first) // term) % len(order)]) for year in range(first, last_year)}


def expected_chairs(rule: Rule, history: CycleHistory, rules: Sequence[Rule], as_of: date) -> dict[int, Expected]:
    """Year -> the chair the rule expects, for the past years (before `as_of`'s) it governs."""
    if rule.kind == CHAIR_ROTATION:
        expected = _rotation(rule, as_of.year)
    elif rule.kind == CHAIR_HOST_OF_NEXT:
        expected = _host_of_next(rule, history)
    else:
        expected = _host_of_last(rule, history, rules)
    return {year: e for year, e in expected.items() if year < as_of.year and rule.covers(year)}


def chair_in(history: CycleHistory, year: int) -> ChairTerm | None:
    """The chairmanship in force in `year` (the latest begun, should the ledger overlap)."""
    terms = [t for t in history.chairs if t.covers(year)]
    return max(terms, key=lambda t: t.start_year) if terms else None


def chair_findings(rule: Rule, history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> list[Finding]:
    """Each past year in which the state in the chair is not the one the rule
    expects is a departure. Consecutive such years with the same state in the
    chair, in the same term, expected for the same reason make one finding."""
    runs: list[tuple[tuple[Any, ...], int, int]] = []  # (key, from_year, to_year)
    for year, expected in sorted(expected_chairs(rule, history, rules, as_of).items()):
        actual = chair_in(history, year)
        if actual is not None and actual.state == expected.state:
            continue
        key = (actual, expected)
        if runs and runs[-1][0] == key and runs[-1][2] == year:
            runs[-1] = (key, runs[-1][1], year + 1)
        else:
            runs.append((key, year, year + 1))
    return [_finding(rule, actual, expected, from_year, to_year) for (actual, expected), from_year, to_year in runs]


def _finding(rule: Rule, actual: ChairTerm | None, expected: Expected, from_year: int, to_year: int) -> Finding:
    state = actual.state if actual else None
    decision = actual.decision_for(from_year) if actual else None
    justified_by = actual.justified_by if actual else None
    params: dict[str, Any] = {"holder": state, "from_year": from_year, "to_year": to_year}
    if expected.meeting is None:
        code, body = WRONG_CHAIR_ROTATION, CHAIR
        params["expected"] = expected.state
    else:
        code = WRONG_CHAIR_NEXT if rule.kind == CHAIR_HOST_OF_NEXT else WRONG_CHAIR_TEXT
        body = expected.meeting.body
        params.update(host=expected.state, meeting=meeting_params(expected.meeting))
    return make_finding(rule, body, WRONG_CHAIR, code, params, due_year=from_year, justified_by=justified_by,
                        decision=decision, state=state, from_year=from_year, to_year=to_year)
