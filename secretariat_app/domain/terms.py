"""Rules for appointments of Secretariat staff, as the Rules of Procedure state them.

- The Deputy Executive Director is appointed for three years.
- Professional staff are diplomats seconded by a member state.
- General/support staff are contracted nationals of member states.
- One person at a time holds the Executive Director's (Secretary General's)
  post, and one the Deputy's.
- The Sixth Summit (13 October 2022) renamed the posts: terms starting on or
  after that day are those of the Secretary General and the Deputy Secretary General.
- The Executive Director is a national of the state that chairs on the start
  date and holds office during its chairmanship: when the ledger records an
  end for that chairmanship, the term ends by that day (an open-ended term is
  refused). No chair recorded on the start date: nothing to check.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from secretariat_app.domain.periods import Period, term_end
from secretariat_app.domain.violations import N_, Violation

EXECUTIVE_DIRECTOR = "executive_director"
DEPUTY_EXECUTIVE_DIRECTOR = "deputy_executive_director"
PROFESSIONAL = "professional"
SUPPORT = "support"

DEPUTY_TERM_YEARS = 3
SINGLE_HOLDER_POSTS = frozenset({EXECUTIVE_DIRECTOR, DEPUTY_EXECUTIVE_DIRECTOR})
SECRETARY_GENERAL_SINCE = date(2022, 10, 13)  # the Sixth Summit renamed the posts


@dataclass(frozen=True)
class ChairFacts:
    """The chairmanship in force on an appointment's start date, as the rules see it."""

    state_name: str
    ends_on: date | None
    appointee_is_national: bool


@dataclass(frozen=True)
class AppointmentFacts:
    """What the rules need to know about an appointment, resolved on its start date."""

    position: str
    term: Period
    nationality_is_member: bool
    seconding_state_given: bool
    seconding_state_is_member: bool
    chair: ChairFacts | None = None  # None: no chairmanship recorded on the start date


def default_end(position: str, starts_on: date) -> date | None:
    """The end a term has when none is given: three years for the Deputy."""
    if position == DEPUTY_EXECUTIVE_DIRECTOR:
        return term_end(starts_on, DEPUTY_TERM_YEARS)
    return None


def official_title(position: str, starts_on: date) -> str | None:
    """The title a single-holder post bore for a term starting on `starts_on` (None for others).

    The English text is marked with N_; the web layer translates it."""
    renamed = starts_on >= SECRETARY_GENERAL_SINCE
    if position == EXECUTIVE_DIRECTOR:
        return N_("Secretary General") if renamed else N_("Executive Director")
    if position == DEPUTY_EXECUTIVE_DIRECTOR:
        return N_("Deputy Secretary General") if renamed else N_("Deputy Executive Director")
    return None


def check_appointment(facts: AppointmentFacts, same_post_terms: Iterable[Period]) -> list[Violation]:
    """Every rule the appointment breaks (empty when it may be saved).

    `same_post_terms` are the other appointments to the same position."""
    violations: list[Violation] = []
    term = facts.term
    if term.ends_on is not None and term.ends_on <= term.starts_on:
        violations.append(Violation("ends_on", N_("The end date must be after the start date.")))

    if facts.position == DEPUTY_EXECUTIVE_DIRECTOR:
        longest = term_end(term.starts_on, DEPUTY_TERM_YEARS)
        if term.ends_on is None or term.ends_on > longest:
            violations.append(
                Violation(
                    "ends_on",
                    N_("A Deputy Executive Director serves a term of three years: it ends by %(last)s."),
                    {"last": longest.isoformat()},
                )
            )

    if facts.position == PROFESSIONAL:
        if not facts.seconding_state_given:
            violations.append(
                Violation("seconding_state", N_("Professional staff are seconded by a member state."))
            )
        elif not facts.seconding_state_is_member:
            violations.append(
                Violation(
                    "seconding_state",
                    N_("The seconding state is not a member state on the start date."),
                )
            )
    elif facts.seconding_state_given:
        violations.append(
            Violation("seconding_state", N_("Only professional staff are seconded by a state."))
        )

    if facts.position == SUPPORT and not facts.nationality_is_member:
        violations.append(
            Violation(
                "nationality",
                N_("Support staff are nationals of a member state (on the start date)."),
            )
        )

    if facts.position == EXECUTIVE_DIRECTOR and facts.chair is not None:
        violations += _check_director_under_chair(term, facts.chair)

    if facts.position in SINGLE_HOLDER_POSTS:
        for other in same_post_terms:
            if term.overlaps(other):
                violations.append(
                    Violation(
                        "starts_on",
                        N_("Another person holds this post from %(start)s to %(end)s."),
                        {
                            "start": other.starts_on.isoformat(),
                            "end": other.ends_on.isoformat() if other.ends_on else "—",
                        },
                    )
                )
                break
    return violations


def _check_director_under_chair(term: Period, chair: ChairFacts) -> list[Violation]:
    """The Executive Director comes from the chairing state and leaves with its chairmanship."""
    violations: list[Violation] = []
    if not chair.appointee_is_national:
        violations.append(Violation(
            "nationality",
            N_("The Executive Director is a national of the chairing state: %(state)s chairs on %(day)s."),
            {"state": chair.state_name, "day": term.starts_on.isoformat()},
        ))
    if chair.ends_on is not None and (term.ends_on is None or term.ends_on > chair.ends_on):
        violations.append(Violation(
            "ends_on",
            N_("The Executive Director holds office during the chairmanship of %(state)s: "
               "the term ends by %(last)s."),
            {"state": chair.state_name, "last": chair.ends_on.isoformat()},
        ))
    return violations
