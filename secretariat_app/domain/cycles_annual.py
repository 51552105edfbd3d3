"""A body that meets at least once every calendar year (CICA: the Senior
Officials Committee), and one that meets a few days before each meeting of
another body to prepare it (CICA: the Special Working Group before each SOC).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from secretariat_app.domain.cycles_model import (
    ANNUAL,
    EVERY_N_YEARS,
    HELD,
    MISSING,
    POSTPONED,
    CycleHistory,
    Finding,
    HeldMeeting,
    Rule,
    make_finding,
)
from secretariat_app.domain.cycles_rhythm import rhythm_next_due
from secretariat_app.domain.cycles_text import ANNUAL_MISSING, PREPARATION_MISSING


def _first_year(rule: Rule, history: CycleHistory) -> int | None:
    """The year the rule starts: `since`, or else the first year the body met."""
    since = rule.params.get("since")
    if since is not None:
        return int(since)
    years = [m.year for m in history.meetings if m.body == rule.body]
    return min(years) if years else None


def annual_findings(rule: Rule, history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> list[Finding]:
    """Each calendar year from the start of the rule must see at least one meeting
    of the body. A past year (before the current one) without one is missing.
    With no start given and no meeting of the body on record, nothing is found."""
    first = _first_year(rule, history)
    if first is None:
        return []
    met = {m.year for m in history.meetings if m.body == rule.body}
    until = rule.params.get("until")
    last = as_of.year if until is None else min(as_of.year, int(until))
    return [
        make_finding(rule, rule.body, MISSING, ANNUAL_MISSING, {"body": rule.body, "year": year},
                     due_year=year, justified_by=history.justification(rule.body, year))
        for year in range(first, last)
        if year not in met
    ]


def annual_next_due(rule: Rule, history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> int:
    """The first year from the current one (or from the start of the rule) in
    which no meeting of the body has been held yet."""
    year = max(as_of.year, _first_year(rule, history) or as_of.year)
    held = {m.year for m in history.meetings if m.body == rule.body and m.status == HELD}
    while year in held:
        year += 1
    return year


def _prepares(prep: HeldMeeting, target: HeldMeeting, max_days: int) -> bool:
    if prep.prepares_id is not None and prep.prepares_id == target.meeting_id:
        return True
    assert target.day is not None  # only SOCs whose day is known are checked
    return prep.day is not None and 0 <= (target.day - prep.day).days <= max_days


def precedes_findings(rule: Rule, history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> list[Finding]:
    """Before each meeting of the body named by `before` (the SOC) the rule's
    body (the SWG) must meet: an SWG recorded as preparing that SOC, or one
    held at most `max_days` days before it (the same day counts). Only SOCs
    whose exact day is known and has come are checked; an SOC known only to the
    month, or postponed, is not."""
    before, max_days = rule.params.get("before", ""), int(rule.params.get("max_days", 14))  # "": no body
    since, until = rule.params.get("since"), rule.params.get("until")
    preps = history.of_body(rule.body)
    findings = []
    for target in history.of_body(before):
        if target.day is None or target.day > as_of or target.status == POSTPONED:
            continue
        if (since is not None and target.year < int(since)) or (until is not None and target.year >= int(until)):
            continue
        if any(_prepares(p, target, max_days) for p in preps):
            continue
        findings.append(make_finding(
            rule, rule.body, MISSING, PREPARATION_MISSING,
            {"body": rule.body, "target": {"body": target.body, "number": target.number},
             "day": target.day.isoformat(), "max_days": max_days},
            due_year=target.year, justified_by=history.justification(rule.body, target.year)))
    return findings


def precedes_next_due(rule: Rule, history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> int:
    """The SWG is next due in the year the next SOC is due."""
    before = rule.params.get("before")
    for other in rules:
        if other.body == before and other.kind == ANNUAL and other.covers(as_of.year):
            return annual_next_due(other, history, as_of, rules)
        if other.body == before and other.kind == EVERY_N_YEARS and other.covers(as_of.year):
            return rhythm_next_due(other, history, as_of, rules)
    return as_of.year
