"""A body that meets every n years (CICA: the Summit and the MFA, every four).

The rhythm is a fixed grid of due years: for the Summit 2002, 2006, 2010, ...;
for the MFA two years after each Summit, 2004, 2008, ... A late Summit does not
move the grid: the 5th Summit, due in 2018 and held in 2019, was one year late,
and the 6th Summit in 2022 was back on the rhythm.

Each meeting is paired with the due year it answers, the pairing that explains
the record with the fewest and smallest departures (see `align`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from secretariat_app.domain.cycles_model import (
    EARLY,
    EVERY_N_YEARS,
    EXTRA,
    HELD,
    LATE,
    MISSING,
    CycleHistory,
    Finding,
    HeldMeeting,
    Rule,
    make_finding,
    meeting_params,
)
from secretariat_app.domain.cycles_text import RHYTHM_EARLY, RHYTHM_EXTRA, RHYTHM_LATE, RHYTHM_MISSING

# Costs of the alignment, in tenths of a year of shift.
SHIFT_COST = 10  # per year between a meeting and the due year it answers
EARLY_TIE_COST = 1  # between "late for one due year" and "early for the next", say late
UNMATCHED_MARGIN = 5  # a meeting answering no due year, or a past due year with no meeting,
#                       costs half a year more than the largest shift allowed (3.5 years for a 4-year rhythm)


@dataclass(frozen=True)
class Grid:
    """The due years anchor, anchor + period, anchor + 2 x period, ..."""

    anchor: int
    period: int

    def first_at_or_after(self, year: int) -> int:
        if year <= self.anchor:
            return self.anchor
        steps = -(-(year - self.anchor) // self.period)  # ceiling division
        return self.anchor + steps * self.period

    def slots_through(self, last_year: int) -> list[int]:
        """The due years up to `last_year`, and the one after it."""
        slots = list(range(self.anchor, last_year + 1, self.period))
        slots.append(self.first_at_or_after(last_year + 1))
        return slots


def grid_of(rule: Rule, rules: Sequence[Rule]) -> Grid:
    """The grid of an every-n-years rule. Its first due year is `anchor`, or,
    for a body meeting `offset` years after another (the MFA after the Summit),
    the anchor of the rule named by `after` plus `offset`."""
    params = rule.params
    period = int(params.get("period", 4))
    if params.get("anchor") is not None:
        return Grid(int(params["anchor"]), period)
    after = params.get("after")
    base = next((r for r in rules if r.id == after and r.kind == EVERY_N_YEARS), None)
    if base is None or base is rule:
        raise ValueError(f"rule {rule.id!r} needs an anchor, or an 'after' naming another every_n_years rule")
    return Grid(grid_of(base, rules).anchor + int(params.get("offset", 0)), period)


def grid_for_body(body: str, rules: Sequence[Rule], year: int) -> Grid | None:
    """The grid of the body's every-n-years rule in force in `year` (or the first one after it)."""
    candidates = sorted((r for r in rules if r.kind == EVERY_N_YEARS and r.body == body),
                        key=lambda r: r.params.get("since") or 0)
    rule = next((r for r in candidates if r.covers(year)), None) or next(
        (r for r in candidates if (r.params.get("since") or 0) > year), None)
    return grid_of(rule, rules) if rule else None


def _window(rule: Rule, grid: Grid) -> tuple[int, int | None]:
    """The years the rule judges: from its first due year (or `since`, if later) up to `until`."""
    since = rule.params.get("since")
    return (grid.anchor if since is None else max(grid.anchor, int(since))), rule.params.get("until")


def align(years: Sequence[int], slots: Sequence[int], period: int, as_of_year: int
          ) -> list[tuple[int | None, int | None]]:
    """Pair meetings (their years, in order) with due years, in order, like an edit
    distance: pairing a meeting with a due year costs the years between them
    (allowed up to period - 1 years), leaving a meeting or a past due year
    unpaired costs a little more than the largest shift allowed. A due year in
    the current year or later costs nothing to leave unpaired: it is not yet a
    departure. Between "late for one due year" and "as early for the next" the
    pairing says late.

    Returns (meeting index or None, due year or None) pairs in order."""
    n, k = len(years), len(slots)
    unmatched = (period - 1) * SHIFT_COST + UNMATCHED_MARGIN

    def pair_cost(i: int, j: int) -> int | None:
        shift = years[i] - slots[j]
        if abs(shift) > period - 1:
            return None
        return abs(shift) * SHIFT_COST + (EARLY_TIE_COST if shift < 0 else 0)

    def slot_cost(j: int) -> int:
        return unmatched if slots[j] < as_of_year else 0

    inf = float("inf")
    cost = [[inf] * (k + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    for i in range(n + 1):
        for j in range(k + 1):
            if i and j and (c := pair_cost(i - 1, j - 1)) is not None:
                cost[i][j] = min(cost[i][j], cost[i - 1][j - 1] + c)
            if i:
                cost[i][j] = min(cost[i][j], cost[i - 1][j] + unmatched)
            if j:
                cost[i][j] = min(cost[i][j], cost[i][j - 1] + slot_cost(j - 1))

    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, k
    while i or j:
        c = pair_cost(i - 1, j - 1) if i and j else None
        if c is not None and cost[i][j] == cost[i - 1][j - 1] + c:
            pairs.append((i - 1, slots[j - 1]))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + unmatched:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, slots[j - 1]))
            j -= 1
    pairs.reverse()
    return pairs


def _paired(rule: Rule, history: CycleHistory, as_of: date, rules: Sequence[Rule]
            ) -> tuple[Grid, list[tuple[HeldMeeting | None, int | None]]]:
    """The body's meetings (any status) from the first due year on, paired with due years."""
    grid = grid_of(rule, rules)
    start, until = _window(rule, grid)
    meetings = [m for m in history.of_body(rule.body) if m.year >= start and (until is None or m.year < until)]
    last = max([as_of.year] + [m.year for m in meetings])
    slots = [s for s in grid.slots_through(last) if s >= start and (until is None or s < until)]
    pairs = align([m.year for m in meetings], slots, grid.period, as_of.year)
    return grid, [(meetings[i] if i is not None else None, s) for i, s in pairs]


def rhythm_findings(rule: Rule, history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> list[Finding]:
    """A meeting held after its due year is late, before it early; a due year
    gone by (before the current year) with no meeting is missing; a meeting
    that answers no due year is extra. Meetings before the first due year (the
    1st MFA of 1999) are outside the rule."""
    body, findings = rule.body, []
    _, pairs = _paired(rule, history, as_of, rules)
    for meeting, slot in pairs:
        if meeting is not None and slot is not None and meeting.year != slot:
            late = meeting.year > slot
            findings.append(make_finding(
                rule, body, LATE if late else EARLY, RHYTHM_LATE if late else RHYTHM_EARLY,
                {"meeting": meeting_params(meeting), "due_year": slot, "gap": abs(meeting.year - slot)},
                due_year=slot, held_year=meeting.year,
                justified_by=meeting.justified_by or history.justification(body, slot)))
        elif meeting is None and slot is not None and slot < as_of.year:
            findings.append(make_finding(
                rule, body, MISSING, RHYTHM_MISSING, {"body": body, "due_year": slot},
                due_year=slot, justified_by=history.justification(body, slot)))
        elif meeting is not None and slot is None:
            findings.append(make_finding(
                rule, body, EXTRA, RHYTHM_EXTRA,
                {"meeting": meeting_params(meeting), "period": int(rule.params.get("period", 4))},
                due_year=None, held_year=meeting.year,
                justified_by=meeting.justified_by or history.justification(body, meeting.year)))
    return findings


def rhythm_next_due(rule: Rule, history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> int:
    """The first due year from the current year on that no held meeting answers
    (a planned meeting does not count until it is held)."""
    grid, pairs = _paired(rule, history, as_of, rules)
    answered = {slot for meeting, slot in pairs if meeting is not None and slot is not None and meeting.status == HELD}
    year = grid.first_at_or_after(max(as_of.year, _window(rule, grid)[0]))
    while year in answered:
        year += grid.period
    return year
