"""From a forum's rules (domain/forum_rules.py, read from its TOML file) to the
rules the cycle engine checks (cycles_model.Rule), and from several versions of
them, each in force from its date, to one set.

Each rule is in force over years [since, until): `since` from the file, `until`
the `since` of the next rule of the same body (or chair rule). A version of the
rules governs the years from the year of its effective date up to the next
version's, so a change never rewrites what was found about the years before it;
a rule a new version keeps unchanged goes on as one rule across the change.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from secretariat_app.domain.cycles_model import (
    ANNUAL,
    CHAIR,
    CHAIR_FOLLOWS_HOST,
    CHAIR_HOST_OF_NEXT,
    CHAIR_ROTATION,
    EVERY_N_YEARS,
    PRECEDES,
    Rule,
)
from secretariat_app.domain.cycles_text import Words, rule_label
from secretariat_app.domain.forum_rules import (
    HOST_OF_LAST,
    HOST_OF_NEXT,
    NO_RULE,
    ROTATION,
    ChairRule,
    ForumRules,
    Rhythm,
)
from secretariat_app.domain.violations import N_

CHAIR_IDS = {HOST_OF_LAST: ("chair-follows-host", CHAIR_FOLLOWS_HOST),
             HOST_OF_NEXT: ("chair-host-of-next", CHAIR_HOST_OF_NEXT),
             ROTATION: ("chair-rotation", CHAIR_ROTATION)}


def _rhythm_rule(rhythm: Rhythm, until: int | None) -> Rule:
    body, since = rhythm.body, rhythm.since
    if rhythm.before is not None:
        return Rule(f"{body.lower()}-before-{rhythm.before.lower()}", PRECEDES, body,
                    {"before": rhythm.before, "max_days": rhythm.days, "since": since, "until": until})
    assert rhythm.every_years is not None  # the file's reader requires one or the other
    if rhythm.every_years == 1:
        starts = [y for y in (rhythm.first_year, since) if y is not None]
        return Rule(f"{body.lower()}-every-year", ANNUAL, body,
                    {"since": max(starts) if starts else None, "until": until})
    return Rule(f"{body.lower()}-every-{rhythm.every_years}-years", EVERY_N_YEARS, body,
                {"period": rhythm.every_years, "anchor": rhythm.first_year, "since": since, "until": until})


def _chair_rule(chair: ChairRule, until: int | None) -> Rule | None:
    if chair.rule == NO_RULE:
        return None
    rule_id, kind = CHAIR_IDS[chair.rule]
    params: dict[str, Any] = {"since": chair.since, "until": until, "term_years": chair.term_years}
    if chair.rule == ROTATION:
        params.update(order=chair.order, first_year=chair.first_year)
    else:
        params.update(bodies=chair.bodies)
    return Rule(rule_id, kind, CHAIR, params)


def _untils(sinces: Sequence[int | None]) -> list[int | None]:
    """For rules in force from `sinces` (in order), the year each stops: the next one's since."""
    return [*sinces[1:], None] if sinces else []


def engine_rules(forum: ForumRules) -> tuple[Rule, ...]:
    """The rules of one file, as the engine checks them."""
    rules: list[Rule] = []
    bodies = list(dict.fromkeys(r.body for r in forum.rhythms))
    for body in bodies:
        rhythms = sorted((r for r in forum.rhythms if r.body == body), key=lambda r: r.since or 0)
        for rhythm, until in zip(rhythms, _untils([r.since for r in rhythms]), strict=True):
            rules.append(_rhythm_rule(rhythm, until))
    for chair, until in zip(forum.chairs, _untils([c.since for c in forum.chairs]), strict=True):
        if (rule := _chair_rule(chair, until)) is not None:
            rules.append(rule)
    return tuple(_described(rule) for rule in rules)


def _core(rule: Rule) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    params = tuple(sorted((k, repr(v)) for k, v in rule.params.items() if k not in ("since", "until")))
    return (rule.id, rule.kind, rule.body, params)


def _clip(rule: Rule, start: int | None, end: int | None) -> Rule | None:
    since, until = rule.params.get("since"), rule.params.get("until")
    if start is not None:
        since = start if since is None else max(since, start)
    if end is not None:
        until = end if until is None else min(until, end)
    if since is not None and until is not None and since >= until:
        return None
    return replace(rule, params={**rule.params, "since": since, "until": until})


def rules_over_time(versions: Sequence[tuple[int | None, ForumRules]]) -> tuple[Rule, ...]:
    """The rules of several versions, each `(year it takes effect, rules)` (None:
    from the start), oldest first: each governs from its year to the next's."""
    clipped: list[Rule] = []
    starts = [year for year, _ in versions]
    for (start, forum), end in zip(versions, _untils(starts), strict=True):
        for rule in engine_rules(forum):
            if (kept := _clip(rule, start, end)) is not None:
                clipped.append(kept)
    merged: list[Rule] = []
    for rule in clipped:
        same = next((i for i, m in enumerate(merged) if _core(m) == _core(rule)
                     and m.params.get("until") is not None and m.params["until"] == rule.params.get("since")), None)
        if same is None:
            merged.append(rule)
        else:  # the rule goes on unchanged across the change of version
            merged[same] = replace(merged[same], params={**merged[same].params, "until": rule.params.get("until")})
    return tuple(_described(rule) for rule in merged)


# The rules in words ---------------------------------------------------------------

FROM_YEAR, SINCE_YEAR, UNTIL_YEAR = N_("counting from %(year)d"), N_("in force from %(year)d"), N_("until %(year)d")
DAYS_BEFORE = N_("at most %(days)d days before it")
BODIES = N_("host of: %(bodies)s")
TERM = N_("term of %(years)s")
ORDER = N_("order: %(states)s, from %(year)d")


def describe(rule: Rule, words: Words | None = None) -> str:
    """The rule in a sentence of the reader's language: its label and its numbers."""
    w = words or Words()
    p = rule.params
    parts = [rule_label(rule.id, w)]
    if rule.kind == EVERY_N_YEARS and p.get("anchor") is not None:
        parts.append(w._(FROM_YEAR) % {"year": p["anchor"]})
    if rule.kind == PRECEDES and p.get("max_days") is not None:
        parts.append(w._(DAYS_BEFORE) % {"days": p["max_days"]})
    if rule.kind in (CHAIR_FOLLOWS_HOST, CHAIR_HOST_OF_NEXT):
        parts.append(w._(BODIES) % {"bodies": ", ".join(w.body(b) for b in p.get("bodies", ()))})
    if rule.kind == CHAIR_ROTATION:
        parts.append(w._(ORDER) % {"states": ", ".join(w.state(s) for s in p.get("order", ())),
                                   "year": p.get("first_year")})
        parts.append(w._(TERM) % {"years": w.years(int(p.get("term_years", 2)))})
    if p.get("since") is not None and not (rule.kind == EVERY_N_YEARS and p["since"] == p.get("anchor")):
        parts.append(w._(SINCE_YEAR) % {"year": p["since"]})
    if p.get("until") is not None:
        parts.append(w._(UNTIL_YEAR) % {"year": p["until"]})
    return "; ".join(parts)


def _described(rule: Rule) -> Rule:
    return replace(rule, description=describe(rule))
