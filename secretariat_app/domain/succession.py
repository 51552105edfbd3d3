"""Succession to the chairmanship, as the Rules of Procedure (chapter on the Chair) state it.

- A member state writes to the current Chair that it intends to chair for
  either of the next two terms: a candidature (the state, the term sought, the
  date of its letter). A candidature is withdrawn, never deleted.
- The Chair informs the members through the Secretariat (once per candidature).
- The current Chair may ask to continue: its own candidature for the next
  term is a continuation.
- The SOC recommends a candidate through the silence procedure: the
  recommendation holds once that silence holds (the decision is adopted).
- The MFA or the Summit decides (at a meeting); with two or more candidates
  by consensus, facilitated by the current Chair. Once that decision is
  adopted the term is decided.
- The next Chair should in principle be decided one year before the current
  term ends.

Plain data in, answers out: no Flask, no database.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from secretariat_app.domain.periods import Period, add_years, term_end
from secretariat_app.domain.violations import N_, Violation

TERM_YEARS = 2  # since the 2009 amendment to the Rules of Procedure
TERMS_AHEAD = 2  # a state may seek either of the next two terms
RECOMMENDING_BODY = "SOC"
DECIDING_BODIES = frozenset({"MFA", "SUMMIT"})
ONE_DAY = timedelta(days=1)

# Decision statuses and procedures as the decisions register stores them (domain.silence's words).
ADOPTED, STOPPED = "adopted", "stopped"
SILENCE, MEETING = "silence", "meeting"


class TermState(enum.Enum):
    """Where the choice of the next Chair stands."""

    NO_CANDIDATE = "no_candidate"
    CANDIDATES = "candidates"
    RECOMMENDED = "recommended"
    DECIDED = "decided"


class Step(enum.Enum):
    """What the Secretariat may record for a term (on the Chair's behalf)."""

    CANDIDATURE = "candidature"
    RECOMMENDATION = "recommendation"
    DECISION = "decision"


# Terms ----------------------------------------------------------------------------

def term_after(previous: Period, years: int = TERM_YEARS) -> Period | None:
    """The term that follows `previous` (None when `previous` is open-ended)."""
    if previous.ends_on is None:
        return None
    starts_on = previous.ends_on + ONE_DAY
    return Period(starts_on, term_end(starts_on, years))


def terms_ahead(current: Period, recorded_next: Period | None = None) -> list[Period]:
    """The terms a state may seek: the next two after `current` (none when it is
    open-ended). A successor already in the ledger fixes the next term's dates."""
    first = recorded_next or term_after(current)
    if first is None:
        return []
    second = term_after(first)
    return [first] if second is None else [first, second]


def decide_by(current_ends_on: date) -> date:
    """The day by which the next Chair should be decided: a year before the term ends."""
    return add_years(current_ends_on, -1)


def successor_overdue(current: Period, state: TermState, today: date) -> bool:
    """The current term ends within a year and no successor is decided (the officers' warning)."""
    if current.ends_on is None or not current.covers(today):
        return False
    return today >= decide_by(current.ends_on) and state != TermState.DECIDED


def is_continuation(state_key: int, current_chair_key: int | None, term: Period, current: Period | None) -> bool:
    """A candidature of the chairing state for the term right after its own: it asks to continue."""
    return (current is not None and current_chair_key == state_key
            and current.ends_on is not None and term.starts_on == current.ends_on + ONE_DAY)


# The state of a term -----------------------------------------------------------------

@dataclass(frozen=True)
class CandidatureFacts:
    key: int
    state_key: int
    active: bool  # not withdrawn
    informed: bool  # the members have been informed of it


@dataclass(frozen=True)
class LinkedDecision:
    """A decision of the register a step rests on, as the rules see it."""

    candidature_key: int
    status: str  # draft | under_silence | adopted | stopped


@dataclass(frozen=True)
class TermFacts:
    candidatures: tuple[CandidatureFacts, ...] = ()
    recommendation: LinkedDecision | None = None  # the SOC's, under silence
    decision: LinkedDecision | None = None  # the MFA's or the Summit's
    successor_recorded: bool = False  # the ledger already has a chair for the term


def live_step(steps: Iterable[LinkedDecision]) -> LinkedDecision | None:
    """Of the decisions recorded for a step of one term, the one that counts: the
    latest not stopped by an objection, else the latest (None when there is none)."""
    recorded = list(steps)
    live = [step for step in recorded if step.status != STOPPED]
    if live:
        return live[-1]
    return recorded[-1] if recorded else None


def term_state(facts: TermFacts) -> TermState:
    """Decided once the MFA's or Summit's decision is adopted (or the ledger records
    the successor); recommended once the SOC's silence held for an active
    candidate; candidates while any candidature stands; otherwise no candidate."""
    if facts.successor_recorded or (facts.decision is not None and facts.decision.status == ADOPTED):
        return TermState.DECIDED
    active = {c.key for c in facts.candidatures if c.active}
    recommendation = facts.recommendation
    if recommendation is not None and recommendation.status == ADOPTED and recommendation.candidature_key in active:
        return TermState.RECOMMENDED
    return TermState.CANDIDATES if active else TermState.NO_CANDIDATE


def facilitated(facts: TermFacts) -> bool:
    """Two or more candidates stand: the decision is by consensus, facilitated by the current Chair."""
    return sum(1 for c in facts.candidatures if c.active) >= 2


def open_steps(state: TermState, facts: TermFacts) -> frozenset[Step]:
    """Who may do what: what the Secretariat may still record for the term."""
    if state == TermState.DECIDED:
        return frozenset()
    steps = {Step.CANDIDATURE}
    if any(c.active for c in facts.candidatures):
        steps.add(Step.DECISION)
        if any(c.active and c.informed for c in facts.candidatures):
            steps.add(Step.RECOMMENDATION)
    return frozenset(steps)


# Checks of each step -----------------------------------------------------------------

@dataclass(frozen=True)
class CandidatureInput:
    state_key: int
    state_is_member: bool  # on the letter's date
    letter_on: date
    today: date
    term: Period | None  # the term sought, None when not one of the next two
    term_decided: bool = False
    already_standing: bool = False  # the state has an active candidature for this term


def check_candidature(given: CandidatureInput) -> list[Violation]:
    """Every rule a new candidature breaks."""
    violations: list[Violation] = []
    if not given.state_is_member:
        violations.append(Violation("state", N_("Only a member state may seek the chairmanship.")))
    if given.letter_on > given.today:
        violations.append(Violation("letter_on", N_("The letter cannot be dated after today.")))
    if given.term is None:
        violations.append(Violation("term", N_("Choose one of the next two terms.")))
    elif given.term_decided:
        violations.append(Violation("term", N_("The chair for this term is already decided.")))
    elif given.already_standing:
        violations.append(Violation("state", N_("This state is already a candidate for this term.")))
    return violations


def check_inform(active: bool, informed: bool) -> list[Violation]:
    if not active:
        return [Violation("candidature", N_("A withdrawn candidature is not circulated."))]
    if informed:
        return [Violation("candidature", N_("The members have already been informed of this candidature."))]
    return []


def check_withdrawal(active: bool, chosen: bool, withdrawn_on: date | None, letter_on: date,
                     today: date) -> list[Violation]:
    violations: list[Violation] = []
    if not active:
        violations.append(Violation("candidature", N_("This candidature is already withdrawn.")))
    elif chosen:
        violations.append(Violation("candidature", N_("The term is decided for this candidate.")))
    if withdrawn_on is None:
        violations.append(Violation("withdrawn_on", N_("Give the date of the withdrawal.")))
    elif withdrawn_on > today or withdrawn_on < letter_on:
        violations.append(Violation("withdrawn_on",
                                    N_("The withdrawal is dated between the letter and today.")))
    return violations


@dataclass(frozen=True)
class StepInput:
    """A recommendation or a decision: the candidature it names and the register's decision it rests on."""

    candidature: CandidatureFacts | None  # None: not a candidature of this term
    body: str | None  # the decision's body code (None: no such decision)
    procedure: str | None
    status: str | None
    has_meeting: bool
    term_decided: bool
    other_live: bool = False  # another candidate of the term already has this step, not stopped


def _common(given: StepInput) -> list[Violation]:
    violations: list[Violation] = []
    if given.term_decided:
        violations.append(Violation("candidature", N_("The chair for this term is already decided.")))
    elif given.candidature is None:
        violations.append(Violation("candidature", N_("Choose a candidature for this term.")))
    elif not given.candidature.active:
        violations.append(Violation("candidature", N_("This candidature has been withdrawn.")))
    elif given.other_live:
        violations.append(Violation("candidature", N_("This step is already recorded for another candidate; "
                                                      "it must be stopped by an objection first.")))
    if given.body is None:
        violations.append(Violation("decision", N_("Choose the decision.")))
    elif given.status == STOPPED:
        violations.append(Violation("decision", N_("This decision was stopped by an objection.")))
    return violations


def check_recommendation(given: StepInput) -> list[Violation]:
    """The SOC recommends through the silence procedure, a candidate the members were told of."""
    violations = _common(given)
    if given.candidature is not None and given.candidature.active and not given.candidature.informed:
        violations.append(Violation("candidature", N_("Inform the members of this candidature first.")))
    if given.body is not None and (given.body != RECOMMENDING_BODY or given.procedure != SILENCE):
        violations.append(Violation("decision", N_("The recommendation is an SOC decision under the silence "
                                                   "procedure.")))
    return violations


def check_decision(given: StepInput) -> list[Violation]:
    """The MFA or the Summit decides, at a meeting."""
    violations = _common(given)
    if given.body is not None and (given.body not in DECIDING_BODIES or not given.has_meeting):
        violations.append(Violation("decision", N_("The decision is one of the MFA or the Summit, taken at a "
                                                   "meeting.")))
    return violations


# The Executive Director follows the decided chair ---------------------------------

@dataclass(frozen=True)
class DirectorChange:
    key: int
    ends_on: date


@dataclass(frozen=True)
class DecidedTerm:
    current: Period  # the term in force when the decision takes effect (with its end)
    term: Period  # the term decided
    continuation: bool


def director_ends(decided: DecidedTerm, directors: Iterable[tuple[int, Period]]) -> list[DirectorChange]:
    """The Executive Director holds office during the chairing state's chairmanship:
    when the chair continues, a term that ended with the old term runs to the new
    end; when another state succeeds, a term running past the old end ends with it."""
    old_end = decided.current.ends_on
    if old_end is None:
        return []
    changes: list[DirectorChange] = []
    for key, period in directors:
        if not decided.current.covers(period.starts_on):  # appointed under another chair
            continue
        if decided.continuation and period.ends_on == old_end and decided.term.ends_on is not None:
            changes.append(DirectorChange(key, decided.term.ends_on))
        elif not decided.continuation and (period.ends_on is None or period.ends_on > old_end):
            changes.append(DirectorChange(key, old_end))
    return changes


@dataclass
class Timeline:
    """What the page shows of the term in force and the next one."""

    current: Period | None
    next_term: Period | None
    state: TermState
    decide_by: date | None
    overdue: bool
    steps: frozenset[Step] = field(default_factory=frozenset)
    facilitated: bool = False  # two or more candidates: the current Chair facilitates the consensus


def timeline(current: Period | None, next_term: Period | None, facts: TermFacts, today: date) -> Timeline:
    state = term_state(facts)
    ends = current.ends_on if current is not None else None
    return Timeline(
        current=current, next_term=next_term, state=state,
        decide_by=decide_by(ends) if ends is not None else None,
        overdue=current is not None and successor_overdue(current, state, today),
        steps=open_steps(state, facts) if next_term is not None else frozenset(),
        facilitated=state != TermState.DECIDED and facilitated(facts),
    )
