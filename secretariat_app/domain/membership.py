"""Rules for membership periods of a state (member, observer, partner)."""
from __future__ import annotations

from collections.abc import Iterable

from secretariat_app.domain.periods import Period
from secretariat_app.domain.violations import N_, Violation


def check_membership_period(new: Period, existing: Iterable[Period]) -> list[Violation]:
    """A state holds one status at a time: periods must be ordered and must not overlap."""
    if new.ends_on is not None and new.ends_on < new.starts_on:
        return [Violation("valid_to", N_("The end date must not be before the start date."))]
    for other in existing:
        if new.overlaps(other):
            return [
                Violation(
                    "valid_from",
                    N_("This period overlaps another status of the same state (from %(start)s)."),
                    {"start": other.starts_on.isoformat()},
                )
            ]
    return []
