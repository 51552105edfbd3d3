"""The chairmanship ledger's rules, without a database.

- Exactly one chairmanship is in force on each day from 1 January 2002 (the
  first Summit's year) on: terms do not overlap, and a day no term covers is
  a gap the ledger shows as a problem.
- A term does not end before it starts; only the latest term may be
  open-ended (an open-ended term would overlap any later one).
- The next chair should be decided a year before the current term ends.
- The Executive Director is appointed from the chairing state's nationals and
  holds office during its chairmanship: when the chair changes while an
  Executive Director appointed under the previous chair is still in office,
  the ledger warns.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from secretariat_app.domain.periods import Period
from secretariat_app.domain.violations import N_, Violation

LEDGER_START = date(2002, 1, 1)
SUCCESSION_NOTICE = timedelta(days=365)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ChairTerm:
    """One row of the ledger as the rules see it."""

    key: int | None
    state_key: int
    state: str  # the name shown in messages
    period: Period


def check_chairmanship(term: Period, others: Iterable[Period], *, state_is_member: bool = True) -> list[Violation]:
    """Every rule a new or changed term breaks, given the ledger's other terms."""
    violations: list[Violation] = []
    if not state_is_member:
        violations.append(Violation("state", N_("The chair is a member state on the start date.")))
    if term.ends_on is not None and term.ends_on < term.starts_on:
        violations.append(Violation("ends_on", N_("The end date cannot be before the start date.")))
        return violations
    others = sorted(others, key=lambda p: p.starts_on)
    if term.ends_on is None:
        later = [p for p in others if p.starts_on > term.starts_on]
        if later:
            violations.append(Violation(
                "ends_on", N_("Only the latest chairmanship may be open-ended: another starts on %(day)s."),
                {"day": later[0].starts_on.isoformat()},
            ))
    for other in others:
        if term.overlaps(other):
            violations.append(Violation(
                "starts_on", N_("Another chairmanship runs from %(start)s to %(end)s."),
                {"start": other.starts_on.isoformat(),
                 "end": other.ends_on.isoformat() if other.ends_on else "—"},
            ))
            break
    return violations


def ledger_gaps(terms: Iterable[Period], until: date, since: date = LEDGER_START) -> list[Period]:
    """The stretches from `since` on that no term covers.

    Gaps between recorded terms are all returned, even future ones; after the
    last term a gap is returned only if it has begun by `until` (then open-ended)."""
    gaps: list[Period] = []
    cursor = since  # the first day not yet known to be covered
    for term in sorted(terms, key=lambda p: p.starts_on):
        if term.starts_on > cursor:
            gaps.append(Period(cursor, term.starts_on - ONE_DAY))
        if term.ends_on is None:
            return gaps
        cursor = max(cursor, term.ends_on + ONE_DAY)
    if cursor <= until:
        gaps.append(Period(cursor, None))
    return gaps


def ledger_overlaps(terms: Iterable[ChairTerm]) -> list[tuple[ChairTerm, ChairTerm]]:
    """Pairs of terms in force on the same day (earlier term first)."""
    ordered = sorted(terms, key=lambda t: t.period.starts_on)
    return [
        (first, second)
        for i, first in enumerate(ordered)
        for second in ordered[i + 1:]
        if first.period.overlaps(second.period)
    ]


def successor_missing(terms: Iterable[ChairTerm], today: date) -> ChairTerm | None:
    """The current term, if it ends within a year and no later term is recorded."""
    ordered = sorted(terms, key=lambda t: t.period.starts_on)
    current = next((t for t in ordered if t.period.covers(today)), None)
    if current is None or current.period.ends_on is None:
        return None
    if current.period.ends_on - today > SUCCESSION_NOTICE:
        return None
    if any(t.period.starts_on > current.period.ends_on for t in ordered):
        return None
    return current


@dataclass(frozen=True)
class DirectorTerm:
    """An Executive Director's (Secretary General's) term."""

    key: int
    person: str
    period: Period


@dataclass(frozen=True)
class DirectorWarning:
    changed_on: date
    director: DirectorTerm
    previous: ChairTerm
    current: ChairTerm


def director_overstays(chairs: Iterable[ChairTerm], directors: Iterable[DirectorTerm]) -> list[DirectorWarning]:
    """For each Executive Director, the first change of chairing state during the term,
    when the term began under a recorded chair; by date of the change."""
    ordered = sorted(chairs, key=lambda t: t.period.starts_on)
    warnings: list[DirectorWarning] = []
    for director in directors:
        under = next((c for c in ordered if c.period.covers(director.period.starts_on)), None)
        if under is None:
            continue
        for chair in ordered:
            if (chair.period.starts_on > director.period.starts_on
                    and chair.state_key != under.state_key
                    and director.period.covers(chair.period.starts_on)):
                warnings.append(DirectorWarning(chair.period.starts_on, director, under, chair))
                break
    return sorted(warnings, key=lambda w: (w.changed_on, w.director.person))
