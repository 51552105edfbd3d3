"""The cycle-rule engine: a forum's rhythm of meetings and its chairmanship,
checked against a history of plain data. No Flask, no database.

Interface (stable; the services and the CLI depend on it):

    check(history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> CheckResult

The rules are data: a forum's TOML file (domain/forum_rules.py reads and checks
it; CICA's is secretariat_app/data/rules/cica.toml), turned into engine rules by
domain/cycles_rules.py. The kinds of rule:

- every_n_years: a body is due every n years on a fixed grid (CICA: a Summit
  every four years from 2002, an MFA every four years from 2004);
- annual: a body meets at least once in every calendar year (CICA: the SOC);
- precedes: a body meets at most n days before each meeting of another (CICA:
  an SWG before each SOC);
- chair_follows_host, chair_host_of_next, chair_rotation: how the chairmanship
  passes (CICA: since 2009 the host of a Summit or an MFA chairs until the next).

A rule does not refuse data: it says when the next meeting is due and flags
each departure, as a warning, or for information only when a decision (a
meeting's own `justified_by`, a Justification, a decision on the chairmanship
taken at a meeting of the history, or its basis) approved it. The rules live in:

- cycles_model: the data (history, rules, findings) and the wording;
- cycles_rhythm: every n years;
- cycles_annual: every year; before each meeting of another body;
- cycles_chair: the chairmanship.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from secretariat_app.domain.cycles_annual import (
    annual_findings,
    annual_next_due,
    precedes_findings,
    precedes_next_due,
)
from secretariat_app.domain.cycles_chair import chair_findings
from secretariat_app.domain.cycles_model import (
    ANNUAL,
    CHAIR,
    CHAIR_FOLLOWS_HOST,
    CHAIR_HOST_OF_NEXT,
    CHAIR_KINDS,
    CHAIR_ROTATION,
    EARLY,
    EVERY_N_YEARS,
    EXTRA,
    INFO,
    LATE,
    MFA,
    MFA_INFORMAL,
    MISSING,
    PRECEDES,
    SOC,
    SUMMIT,
    SWG,
    WARNING,
    WRONG_CHAIR,
    ChairDecision,
    ChairTerm,
    CheckResult,
    CycleHistory,
    Finding,
    HeldMeeting,
    Justification,
    NextDue,
    Rule,
)
from secretariat_app.domain.cycles_rhythm import rhythm_findings, rhythm_next_due

__all__ = [
    "SUMMIT", "MFA", "MFA_INFORMAL", "SOC", "SWG", "CHAIR", "INFO", "WARNING",
    "EVERY_N_YEARS", "ANNUAL", "PRECEDES", "CHAIR_FOLLOWS_HOST", "CHAIR_HOST_OF_NEXT", "CHAIR_ROTATION", "CHAIR_KINDS",
    "LATE", "EARLY", "MISSING", "EXTRA", "WRONG_CHAIR",
    "HeldMeeting", "ChairDecision", "ChairTerm", "Justification", "CycleHistory", "Rule", "NextDue", "Finding",
    "CheckResult", "check", "with_params",
]

Check = Callable[[Rule, CycleHistory, date, Sequence[Rule]], list[Finding]]
Due = Callable[[Rule, CycleHistory, date, Sequence[Rule]], int]

# kind -> (what departs from the rule, when the next meeting is due or None)
ENGINES: dict[str, tuple[Check, Due | None]] = {
    EVERY_N_YEARS: (rhythm_findings, rhythm_next_due),
    ANNUAL: (annual_findings, annual_next_due),
    PRECEDES: (precedes_findings, precedes_next_due),
    CHAIR_FOLLOWS_HOST: (chair_findings, None),
    CHAIR_HOST_OF_NEXT: (chair_findings, None),
    CHAIR_ROTATION: (chair_findings, None),
}

NEXT_DUE_ORDER = (SUMMIT, MFA, SOC, SWG)


def _engine(rule: Rule) -> tuple[Check, Due | None]:
    try:
        return ENGINES[rule.kind]
    except KeyError:
        raise ValueError(f"rule {rule.id!r}: unknown kind {rule.kind!r}") from None


def check(history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> CheckResult:
    """Every rule against the history, as things stood on `as_of`: the next due
    year of each body (Summit, MFA, SOC, SWG first) and the departures, sorted by
    due year (or first year of a chairmanship), body and rule."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    findings: list[Finding] = []
    for rule in rules:
        find, _ = _engine(rule)
        findings.extend(find(rule, history, as_of, rules))
    due = _next_due(history, as_of, rules)

    def order(body: str) -> tuple[int, str]:
        return (NEXT_DUE_ORDER.index(body) if body in NEXT_DUE_ORDER else len(NEXT_DUE_ORDER), body)

    return CheckResult(
        as_of=as_of,
        next_due=tuple(NextDue(body, year) for body, year in sorted(due.items(), key=lambda kv: order(kv[0]))),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
    )


def _next_due(history: CycleHistory, as_of: date, rules: Sequence[Rule]) -> dict[str, int]:
    """Each body with a rhythm: the year it is next due, by its rule in force then
    (a rule that ends before it hands over to the body's next rule)."""
    due: dict[str, int] = {}
    bodies = dict.fromkeys(r.body for r in rules if _engine(r)[1] is not None)
    for body in bodies:
        own = sorted((r for r in rules if r.body == body and _engine(r)[1] is not None),
                     key=lambda r: r.params.get("since") or 0)
        for rule in own:
            until = rule.params.get("until")
            if until is not None and until <= as_of.year:
                continue
            next_due = _engine(rule)[1]
            assert next_due is not None
            year = next_due(rule, history, as_of, rules)
            due[body] = year
            if until is None or year < until:
                break
    return due


def with_params(rules: Sequence[Rule], rule_id: str, **params: Any) -> tuple[Rule, ...]:
    """The rules, with some parameters of one rule changed (e.g. another anchor; for tests and what-ifs)."""
    if not any(r.id == rule_id for r in rules):
        raise KeyError(rule_id)
    return tuple(replace(r, params={**r.params, **params}) if r.id == rule_id else r for r in rules)
