"""Succession to the chairmanship, without a database: the terms a state may seek,
the state of the next term, the year's notice, who may record what, and the
Executive Director following the decided chair."""
from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from secretariat_app.domain import succession as rules
from secretariat_app.domain.periods import Period
from secretariat_app.domain.succession import (
    CandidatureFacts,
    CandidatureInput,
    DecidedTerm,
    LinkedDecision,
    Step,
    StepInput,
    TermFacts,
    TermState,
)

AZE, KAZ, CHN = 1, 2, 3
CURRENT = Period(date(2024, 10, 2), date(2026, 10, 1))  # Azerbaijan's


def fields(violations) -> list[str]:
    return [v.field for v in violations]


# Terms -------------------------------------------------------------------------------

def test_the_next_two_terms_follow_the_current_one_two_years_each():
    first, second = rules.terms_ahead(CURRENT)
    assert first == Period(date(2026, 10, 2), date(2028, 10, 1))
    assert second == Period(date(2028, 10, 2), date(2030, 10, 1))


def test_a_successor_in_the_ledger_fixes_the_next_terms_dates():
    recorded = Period(date(2026, 10, 2), date(2029, 6, 30))
    assert rules.terms_ahead(CURRENT, recorded) == [recorded, Period(date(2029, 7, 1), date(2031, 6, 30))]


def test_an_open_ended_term_has_no_terms_ahead():
    assert rules.terms_ahead(Period(date(2024, 10, 2), None)) == []


def test_the_decision_is_due_a_year_before_the_term_ends():
    assert rules.decide_by(date(2026, 10, 1)) == date(2025, 10, 1)
    assert rules.decide_by(date(2028, 2, 29)) == date(2027, 2, 28)


def test_overdue_from_a_year_before_the_end_until_decided():
    assert not rules.successor_overdue(CURRENT, TermState.CANDIDATES, date(2025, 9, 30))
    assert rules.successor_overdue(CURRENT, TermState.CANDIDATES, date(2025, 10, 1))
    assert rules.successor_overdue(CURRENT, TermState.RECOMMENDED, date(2026, 10, 1))
    assert not rules.successor_overdue(CURRENT, TermState.DECIDED, date(2026, 1, 1))
    assert not rules.successor_overdue(CURRENT, TermState.NO_CANDIDATE, date(2026, 10, 2))  # another term
    assert not rules.successor_overdue(Period(date(2024, 1, 1), None), TermState.NO_CANDIDATE, date(2026, 1, 1))


@given(st.dates(min_value=date(2003, 1, 1), max_value=date(2090, 1, 1)), st.integers(min_value=0, max_value=2000))
def test_overdue_is_exactly_the_last_year_of_an_undecided_term(ends_on, days_before):
    current = Period(date(2002, 1, 1), ends_on)
    today = date.fromordinal(ends_on.toordinal() - days_before)
    expected = today >= rules.decide_by(ends_on) and today <= ends_on
    assert rules.successor_overdue(current, TermState.CANDIDATES, today) == expected
    assert not rules.successor_overdue(current, TermState.DECIDED, today)


def test_the_current_chair_seeking_the_next_term_asks_to_continue():
    first, second = rules.terms_ahead(CURRENT)
    assert rules.is_continuation(AZE, AZE, first, CURRENT)
    assert not rules.is_continuation(AZE, AZE, second, CURRENT)
    assert not rules.is_continuation(KAZ, AZE, first, CURRENT)
    assert not rules.is_continuation(AZE, None, first, None)


# The state of a term ---------------------------------------------------------------------

def c(key, state=KAZ, active=True, informed=True) -> CandidatureFacts:
    return CandidatureFacts(key, state, active, informed)


def test_no_candidate_then_candidates():
    assert rules.term_state(TermFacts()) == TermState.NO_CANDIDATE
    assert rules.term_state(TermFacts(candidatures=(c(1, active=False),))) == TermState.NO_CANDIDATE
    assert rules.term_state(TermFacts(candidatures=(c(1),))) == TermState.CANDIDATES


def test_recommended_only_once_the_socs_silence_holds():
    under_silence = TermFacts(candidatures=(c(1), c(2, CHN)), recommendation=LinkedDecision(1, "under_silence"))
    assert rules.term_state(under_silence) == TermState.CANDIDATES
    held = TermFacts(candidatures=(c(1), c(2, CHN)), recommendation=LinkedDecision(1, "adopted"))
    assert rules.term_state(held) == TermState.RECOMMENDED
    broken = TermFacts(candidatures=(c(1),), recommendation=LinkedDecision(1, "stopped"))
    assert rules.term_state(broken) == TermState.CANDIDATES
    withdrawn = TermFacts(candidatures=(c(1, active=False), c(2, CHN)), recommendation=LinkedDecision(1, "adopted"))
    assert rules.term_state(withdrawn) == TermState.CANDIDATES


def test_decided_once_the_mfa_or_summit_decision_is_adopted_or_the_ledger_records_it():
    drafted = TermFacts(candidatures=(c(1),), decision=LinkedDecision(1, "draft"))
    assert rules.term_state(drafted) == TermState.CANDIDATES
    adopted = TermFacts(candidatures=(c(1),), decision=LinkedDecision(1, "adopted"))
    assert rules.term_state(adopted) == TermState.DECIDED
    assert rules.term_state(TermFacts(successor_recorded=True)) == TermState.DECIDED


def test_the_step_that_counts_is_the_latest_not_stopped():
    first, second = LinkedDecision(1, "stopped"), LinkedDecision(2, "under_silence")
    assert rules.live_step([first, second]) == second
    assert rules.live_step([second, LinkedDecision(3, "stopped")]) == second
    assert rules.live_step([first]) == first
    assert rules.live_step([]) is None


def test_two_candidates_make_a_consensus_the_current_chair_facilitates():
    assert not rules.facilitated(TermFacts(candidatures=(c(1),)))
    assert not rules.facilitated(TermFacts(candidatures=(c(1), c(2, CHN, active=False))))
    assert rules.facilitated(TermFacts(candidatures=(c(1), c(2, CHN))))
    two = TermFacts(candidatures=(c(1), c(2, CHN)))
    assert rules.timeline(CURRENT, rules.terms_ahead(CURRENT)[0], two, date(2025, 1, 1)).facilitated
    decided = TermFacts(candidatures=(c(1), c(2, CHN)), decision=LinkedDecision(1, "adopted"))
    assert not rules.timeline(CURRENT, rules.terms_ahead(CURRENT)[0], decided, date(2025, 1, 1)).facilitated


def test_who_may_do_what_follows_the_state():
    nothing = TermFacts()
    assert rules.open_steps(TermState.NO_CANDIDATE, nothing) == {Step.CANDIDATURE}
    uninformed = TermFacts(candidatures=(c(1, informed=False),))
    assert rules.open_steps(TermState.CANDIDATES, uninformed) == {Step.CANDIDATURE, Step.DECISION}
    informed = TermFacts(candidatures=(c(1),))
    assert rules.open_steps(TermState.CANDIDATES, informed) == set(Step)
    assert rules.open_steps(TermState.DECIDED, informed) == set()


# Checks -----------------------------------------------------------------------------------

def candidature(**overrides) -> CandidatureInput:
    values = dict(state_key=KAZ, state_is_member=True, letter_on=date(2025, 3, 1), today=date(2025, 3, 2),
                  term=rules.terms_ahead(CURRENT)[0])
    values.update(overrides)
    return CandidatureInput(**values)


def test_a_members_letter_for_a_term_ahead_is_recorded():
    assert rules.check_candidature(candidature()) == []


def test_a_candidature_is_refused_with_the_field_to_correct():
    assert fields(rules.check_candidature(candidature(state_is_member=False))) == ["state"]
    assert fields(rules.check_candidature(candidature(letter_on=date(2025, 3, 3)))) == ["letter_on"]
    assert fields(rules.check_candidature(candidature(term=None))) == ["term"]
    assert fields(rules.check_candidature(candidature(term_decided=True))) == ["term"]
    assert fields(rules.check_candidature(candidature(already_standing=True))) == ["state"]


def test_the_members_are_informed_once_of_a_standing_candidature():
    assert rules.check_inform(True, False) == []
    assert fields(rules.check_inform(True, True)) == ["candidature"]
    assert fields(rules.check_inform(False, False)) == ["candidature"]


def test_a_withdrawal_is_dated_and_not_of_the_chosen_candidate():
    assert rules.check_withdrawal(True, False, date(2025, 4, 1), date(2025, 3, 1), date(2025, 4, 1)) == []
    assert fields(rules.check_withdrawal(False, False, date(2025, 4, 1), date(2025, 3, 1), date(2025, 4, 1))) == \
        ["candidature"]
    assert fields(rules.check_withdrawal(True, True, date(2025, 4, 1), date(2025, 3, 1), date(2025, 4, 1))) == \
        ["candidature"]
    assert fields(rules.check_withdrawal(True, False, None, date(2025, 3, 1), date(2025, 4, 1))) == ["withdrawn_on"]
    assert fields(rules.check_withdrawal(True, False, date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1))) == \
        ["withdrawn_on"]


def step(**overrides) -> StepInput:
    values = dict(candidature=c(1), body="SOC", procedure="silence", status="under_silence", has_meeting=False,
                  term_decided=False)
    values.update(overrides)
    return StepInput(**values)


def test_the_recommendation_is_an_soc_decision_under_silence_for_an_informed_candidate():
    assert rules.check_recommendation(step()) == []
    assert fields(rules.check_recommendation(step(body="MFA"))) == ["decision"]
    assert fields(rules.check_recommendation(step(procedure="meeting"))) == ["decision"]
    assert fields(rules.check_recommendation(step(status="stopped"))) == ["decision"]
    assert fields(rules.check_recommendation(step(candidature=c(1, informed=False)))) == ["candidature"]
    assert fields(rules.check_recommendation(step(candidature=c(1, active=False)))) == ["candidature"]
    assert fields(rules.check_recommendation(step(candidature=None))) == ["candidature"]
    assert fields(rules.check_recommendation(step(other_live=True))) == ["candidature"]
    assert fields(rules.check_recommendation(step(body=None))) == ["decision"]


def test_the_decision_is_the_mfas_or_the_summits_at_a_meeting():
    for body in ("MFA", "SUMMIT"):
        assert rules.check_decision(step(body=body, procedure="meeting", status="adopted", has_meeting=True)) == []
    assert fields(rules.check_decision(step(body="SOC", procedure="meeting", has_meeting=True))) == ["decision"]
    assert fields(rules.check_decision(step(body="MFA", procedure="meeting", has_meeting=False))) == ["decision"]
    assert fields(rules.check_decision(step(body="MFA", has_meeting=True, term_decided=True))) == ["candidature"]


# The Executive Director ----------------------------------------------------------------------

NEXT = Period(date(2026, 10, 2), date(2028, 10, 1))


def test_the_director_of_a_continuing_chair_stays_to_the_new_end():
    changes = rules.director_ends(DecidedTerm(CURRENT, NEXT, continuation=True),
                                  [(7, Period(date(2024, 11, 1), date(2026, 10, 1)))])
    assert changes == [rules.DirectorChange(7, date(2028, 10, 1))]


def test_the_director_leaves_with_the_chair_when_another_state_succeeds():
    changes = rules.director_ends(DecidedTerm(CURRENT, NEXT, continuation=False),
                                  [(7, Period(date(2024, 11, 1), None)), (8, Period(date(2024, 11, 1),
                                                                                    date(2026, 10, 1)))])
    assert changes == [rules.DirectorChange(7, date(2026, 10, 1))]


def test_a_director_appointed_under_another_chair_is_left_to_the_existing_warning():
    assert rules.director_ends(DecidedTerm(CURRENT, NEXT, continuation=True),
                               [(7, Period(date(2020, 1, 1), date(2026, 10, 1)))]) == []
