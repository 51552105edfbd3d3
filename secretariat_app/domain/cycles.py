"""The cycle-rule engine: CICA's rhythm of meetings and chairmanships as rules
with parameters, checked against a history of plain data. No Flask, no database.

Interface (stable; the services and the CLI depend on it):

    check(history: CycleHistory, as_of: date, rules: tuple[Rule, ...] = RULES) -> CheckResult

The rules (RULES, below) in words:

1. A Summit is due every four years, on a fixed grid from 2002 (2002, 2006, ...).
2. An MFA is due every four years, two years after a Summit (2004, 2008, ...).
3. The SOC meets at least once in every calendar year.
4. An SWG meets before each SOC (at most 14 days before it), to prepare it.
5. Since 2009 the host of a Summit or an MFA takes the chairmanship until the
   next Summit or MFA.

A rule does not refuse data: it says when the next meeting is due and flags
each departure, as a warning, or for information only when a decision (a
meeting's own `justified_by`, a Justification, or the basis of a chairmanship)
approved it. The rules live in:

- cycles_model: the data (history, rules, findings) and the wording;
- cycles_rhythm: rules 1-2 (every n years);
- cycles_annual: rules 3-4 (every year; before each meeting of another body);
- cycles_chair: rule 5 (the chair follows the host).
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
    "EVERY_N_YEARS", "ANNUAL", "PRECEDES", "CHAIR_FOLLOWS_HOST",
    "LATE", "EARLY", "MISSING", "EXTRA", "WRONG_CHAIR",
    "HeldMeeting", "ChairTerm", "Justification", "CycleHistory", "Rule", "NextDue", "Finding", "CheckResult",
    "RULES", "check", "with_params",
]

SUMMIT_RULE = "summit-every-4-years"

RULES: tuple[Rule, ...] = (
    Rule(SUMMIT_RULE, EVERY_N_YEARS, SUMMIT, {"period": 4, "anchor": 2002},
         "A Summit is held every four years, counting from the 1st Summit of 2002."),
    Rule("mfa-every-4-years", EVERY_N_YEARS, MFA, {"period": 4, "after": SUMMIT_RULE, "offset": 2},
         "A Meeting of Ministers of Foreign Affairs is held every four years, two years after a Summit."),
    Rule("soc-every-year", ANNUAL, SOC, {"since": None},
         "The Senior Officials Committee meets at least once every calendar year."),
    Rule("swg-before-soc", PRECEDES, SWG, {"before": SOC, "max_days": 14},
         "The Special Working Group meets before each SOC, at most 14 days before it, to prepare it."),
    Rule("chair-follows-host", CHAIR_FOLLOWS_HOST, CHAIR, {"since": 2009, "bodies": (SUMMIT, MFA)},
         "Since 2009 the state hosting a Summit chairs until the next MFA, "
         "and the state hosting an MFA until the next Summit."),
)

Check = Callable[[Rule, CycleHistory, date, Sequence[Rule]], list[Finding]]
Due = Callable[[Rule, CycleHistory, date, Sequence[Rule]], int]

# kind -> (what departs from the rule, when the next meeting is due or None)
ENGINES: dict[str, tuple[Check, Due | None]] = {
    EVERY_N_YEARS: (rhythm_findings, rhythm_next_due),
    ANNUAL: (annual_findings, annual_next_due),
    PRECEDES: (precedes_findings, precedes_next_due),
    CHAIR_FOLLOWS_HOST: (chair_findings, None),
}

NEXT_DUE_ORDER = (SUMMIT, MFA, SOC, SWG)


def _engine(rule: Rule) -> tuple[Check, Due | None]:
    try:
        return ENGINES[rule.kind]
    except KeyError:
        raise ValueError(f"rule {rule.id!r}: unknown kind {rule.kind!r}") from None


def check(history: CycleHistory, as_of: date, rules: tuple[Rule, ...] = RULES) -> CheckResult:
    """Every rule against the history, as things stood on `as_of`: the next due
    year of each body (Summit, MFA, SOC, SWG first) and the departures, sorted by
    due year (or first year of a chairmanship), body and rule."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    findings: list[Finding] = []
    due: dict[str, int] = {}
    for rule in rules:
        find, next_due = _engine(rule)
        findings.extend(find(rule, history, as_of, rules))
        if next_due is not None and rule.body not in due:
            due[rule.body] = next_due(rule, history, as_of, rules)

    def order(body: str) -> int:
        return NEXT_DUE_ORDER.index(body) if body in NEXT_DUE_ORDER else len(NEXT_DUE_ORDER)

    return CheckResult(
        as_of=as_of,
        next_due=tuple(NextDue(body, year) for body, year in sorted(due.items(), key=lambda kv: order(kv[0]))),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
    )


def with_params(rules: Sequence[Rule], rule_id: str, **params: Any) -> tuple[Rule, ...]:
    """The rules, with some parameters of one rule changed (e.g. another anchor)."""
    if not any(r.id == rule_id for r in rules):
        raise KeyError(rule_id)
    return tuple(replace(r, params={**r.params, **params}) if r.id == rule_id else r for r in rules)
