"""Rule 5: the chairmanship follows the host.

Since the 2009 amendment to the Rules of Procedure, the member state hosting a
Summit or an MFA takes the chair: the Summit host chairs until the next MFA,
the MFA host until the next Summit. The ledger of chairmanships is compared,
year by year, with the chair this rule expects.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from secretariat_app.domain.cycles_model import (
    MFA,
    SUMMIT,
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


def _term_end(meeting: HeldMeeting, bodies: Sequence[str], rule: Rule, rules: Sequence[Rule]) -> int:
    """For the last hosting meeting on record: the next due year of the other
    body (the MFA after a Summit), or `term_years` (2) when no rhythm is known."""
    ends = []
    for body in bodies:
        grid = grid_for_body(body, rules) if body != meeting.body else None
        if grid is not None:
            ends.append(grid.first_at_or_after(meeting.year + 1))
    return min(ends) if ends else meeting.year + int(rule.params.get("term_years", 2))


def expected_chairs(rule: Rule, history: CycleHistory, rules: Sequence[Rule]) -> dict[int, HeldMeeting]:
    """Year -> the meeting whose host should chair that year: each Summit or MFA
    from `since` on, with a known host, from its year to the year of the next
    Summit or MFA."""
    since = int(rule.params.get("since", 2009))
    bodies = tuple(rule.params.get("bodies", (SUMMIT, MFA)))
    hosting = sorted((m for m in history.meetings if m.body in bodies and m.year >= since and m.host),
                     key=meeting_order)
    expected: dict[int, HeldMeeting] = {}
    for i, meeting in enumerate(hosting):
        end = hosting[i + 1].year if i + 1 < len(hosting) else _term_end(meeting, bodies, rule, rules)
        for year in range(meeting.year, end):
            expected[year] = meeting
    return expected


def chair_in(history: CycleHistory, year: int) -> ChairTerm | None:
    """The chairmanship in force in `year` (the latest begun, should the ledger overlap)."""
    terms = [t for t in history.chairs if t.covers(year)]
    return max(terms, key=lambda t: t.start_year) if terms else None


def chair_findings(rule: Rule, history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> list[Finding]:
    """Each past year (before the current one) in which the state in the chair
    is not the host the rule expects is a departure. Consecutive such years with
    the same state in the chair, on the same basis, and owed to the same
    meeting make one finding; it is justified when the ledger names the decision
    that gave or extended the chairmanship."""
    runs: list[tuple[tuple[Any, ...], int, int]] = []  # (key, from_year, to_year)
    for year, meeting in sorted(expected_chairs(rule, history, rules).items()):
        if year >= as_of.year:
            break
        actual = chair_in(history, year)
        if actual is not None and actual.state == meeting.host:
            continue
        key = (actual.state if actual else None, actual.justified_by if actual else None, meeting)
        if runs and runs[-1][0] == key and runs[-1][2] == year:
            runs[-1] = (key, runs[-1][1], year + 1)
        else:
            runs.append((key, year, year + 1))

    findings = []
    for (state, justified_by, meeting), from_year, to_year in runs:
        findings.append(make_finding(
            rule, meeting.body, WRONG_CHAIR, WRONG_CHAIR_TEXT,
            {"holder": state, "from_year": from_year, "to_year": to_year, "host": meeting.host,
             "meeting": meeting_params(meeting)},
            due_year=from_year, justified_by=justified_by,
            state=state, from_year=from_year, to_year=to_year))
    return findings
