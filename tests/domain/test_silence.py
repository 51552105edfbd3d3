"""The silence procedure and the decision record's rules, without a database."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from secretariat_app.domain.silence import (
    ADOPTED,
    DRAFT,
    STOPPED,
    UNDER_SILENCE,
    DecisionFacts,
    ObjectionFacts,
    check_circulation,
    check_decision,
    check_objection,
    default_deadline,
    next_reference,
    silence_outcome,
    status_after_save,
)

DEADLINE = date(2024, 7, 11)


# The outcome ------------------------------------------------------------------

def test_default_deadline_is_two_weeks_after_circulation():
    assert default_deadline(date(2024, 6, 27)) == date(2024, 7, 11)


def test_pending_until_the_end_of_the_deadline_day():
    assert silence_outcome(DEADLINE, [], date(2024, 7, 1)).status == UNDER_SILENCE
    assert silence_outcome(DEADLINE, [], DEADLINE).status == UNDER_SILENCE


def test_adopted_on_the_day_after_the_deadline_when_nobody_objects():
    outcome = silence_outcome(DEADLINE, [], date(2024, 9, 1))
    assert (outcome.status, outcome.adopted_on) == (ADOPTED, date(2024, 7, 12))


def test_an_objection_stops_the_procedure_at_once():
    outcome = silence_outcome(DEADLINE, [date(2024, 7, 2)], date(2024, 7, 3))
    assert (outcome.status, outcome.stopped_on, outcome.adopted_on) == (STOPPED, date(2024, 7, 2), None)


def test_an_objection_on_the_deadline_day_counts():
    assert silence_outcome(DEADLINE, [DEADLINE], date(2024, 8, 1)).status == STOPPED


def test_an_objection_after_the_deadline_does_not_count():
    outcome = silence_outcome(DEADLINE, [date(2024, 7, 12)], date(2024, 8, 1))
    assert (outcome.status, outcome.adopted_on) == (ADOPTED, date(2024, 7, 12))


def test_the_first_objection_is_the_one_that_stopped_it():
    outcome = silence_outcome(DEADLINE, [date(2024, 7, 9), date(2024, 7, 3)], date(2024, 7, 10))
    assert outcome.stopped_on == date(2024, 7, 3)


# Circulation --------------------------------------------------------------------

def test_a_draft_by_silence_may_be_circulated():
    assert check_circulation(DRAFT, "silence", date(2024, 6, 27), DEADLINE) == []


@pytest.mark.parametrize("status,procedure", [(UNDER_SILENCE, "silence"), (ADOPTED, "silence"),
                                              (DRAFT, "meeting")])
def test_only_a_silence_draft_is_circulated(status, procedure):
    assert [v.field for v in check_circulation(status, procedure, date(2024, 6, 27), DEADLINE)] == ["procedure"]


@pytest.mark.parametrize("deadline", [date(2024, 6, 27), date(2024, 6, 1), None])
def test_the_deadline_is_after_circulation(deadline):
    assert [v.field for v in check_circulation(DRAFT, "silence", date(2024, 6, 27), deadline)] == ["deadline"]


# Objections ---------------------------------------------------------------------

def objection(**kwargs) -> ObjectionFacts:
    values = dict(status=UNDER_SILENCE, circulated_on=date(2024, 6, 27), deadline=DEADLINE,
                  lodged_on=date(2024, 7, 2), today=date(2024, 7, 2), delegation_name="Russia",
                  is_member=True, already_objected=False, text="We cannot join the consensus.")
    values.update(kwargs)
    return ObjectionFacts(**values)


def fields(violations) -> list[str]:
    return [v.field for v in violations]


def test_a_members_objection_in_time_is_accepted():
    assert check_objection(objection()) == []
    assert check_objection(objection(lodged_on=DEADLINE, today=date(2024, 7, 20))) == []


def test_an_objection_to_a_stopped_procedure_may_still_be_recorded():
    assert check_objection(objection(status=STOPPED)) == []


def test_an_observers_objection_is_refused():
    [violation] = check_objection(objection(is_member=False, delegation_name="Japan"))
    assert violation.field == "delegation"
    assert "Japan" in violation.render()


def test_an_objection_after_the_deadline_is_refused():
    late = objection(lodged_on=date(2024, 7, 12), today=date(2024, 7, 12))
    assert fields(check_objection(late)) == ["lodged_on"]


def test_an_objection_before_circulation_or_in_the_future_is_refused():
    assert fields(check_objection(objection(lodged_on=date(2024, 6, 26)))) == ["lodged_on"]
    assert fields(check_objection(objection(lodged_on=date(2024, 7, 5), today=date(2024, 7, 4)))) == ["lodged_on"]


def test_an_objection_needs_its_text_and_one_per_delegation():
    assert fields(check_objection(objection(text="  "))) == ["text"]
    assert fields(check_objection(objection(already_objected=True))) == ["delegation"]


@pytest.mark.parametrize("status", [DRAFT, ADOPTED])
def test_no_objection_outside_a_silence_procedure(status):
    assert fields(check_objection(objection(status=status))) == ["procedure"]


# References and the record ------------------------------------------------------

def test_next_reference_follows_the_highest_number_of_that_body_and_year():
    taken = ["SOC/2024/DEC/1", "SOC/2024/DEC/3", "SOC/2023/DEC/9", "SWG/2024/DEC/7", "SOC/2024/DEC/x"]
    assert next_reference("SOC", 2024, taken) == "SOC/2024/DEC/4"
    assert next_reference("MFA", 2024, taken) == "MFA/2024/DEC/1"


def decision(**kwargs) -> DecisionFacts:
    values = dict(procedure="meeting", current_status=None, current_procedure=None, reference="SOC/2024/DEC/1",
                  reference_taken=False, title_en="Budget", title_ru="Бюджет", adopted_on=date(2024, 12, 5),
                  today=date(2025, 1, 10), meeting_given=False, meeting_of_body=False, meeting_dates=None,
                  justifies_body_given=False, justifies_year=None)
    values.update(kwargs)
    return DecisionFacts(**values)


def test_a_complete_decision_passes():
    assert check_decision(decision()) == []


def test_reference_is_required_short_and_unique():
    assert fields(check_decision(decision(reference=""))) == ["reference"]
    assert fields(check_decision(decision(reference="X" * 41))) == ["reference"]
    assert fields(check_decision(decision(reference_taken=True))) == ["reference"]


def test_titles_in_both_languages_are_required():
    assert fields(check_decision(decision(title_en="", title_ru=""))) == ["title_en", "title_ru"]


def test_a_silence_decision_gets_no_adoption_date_by_hand():
    assert fields(check_decision(decision(procedure="silence"))) == ["adopted_on"]
    assert check_decision(decision(procedure="silence", adopted_on=None)) == []


def test_adoption_cannot_be_in_the_future_or_outside_the_meeting():
    assert fields(check_decision(decision(adopted_on=date(2025, 2, 1)))) == ["adopted_on"]
    held = decision(meeting_given=True, meeting_of_body=True, meeting_dates=(date(2024, 12, 4), date(2024, 12, 5)))
    assert check_decision(held) == []
    assert fields(check_decision(replace(held, adopted_on=date(2024, 12, 6)))) == ["adopted_on"]


def test_the_meeting_is_one_of_the_decisions_body():
    assert fields(check_decision(decision(meeting_given=True, meeting_of_body=False))) == ["meeting"]


def test_a_circulated_draft_keeps_the_silence_procedure():
    circulated = decision(adopted_on=None, current_procedure="silence", current_status=UNDER_SILENCE)
    assert fields(check_decision(circulated)) == ["procedure"]
    assert check_decision(replace(circulated, current_status=DRAFT)) == []


def test_a_departure_names_both_body_and_year():
    assert fields(check_decision(decision(justifies_body_given=True))) == ["justifies_year"]
    assert fields(check_decision(decision(justifies_year=2020))) == ["justifies_body"]
    assert fields(check_decision(decision(justifies_body_given=True, justifies_year=1900))) == ["justifies_year"]
    assert check_decision(decision(justifies_body_given=True, justifies_year=2020)) == []


def test_status_after_save():
    assert status_after_save("meeting", None, None, date(2024, 1, 1)) == ADOPTED
    assert status_after_save("meeting", None, None, None) == DRAFT
    assert status_after_save("silence", None, None, None) == DRAFT
    assert status_after_save("silence", "meeting", ADOPTED, None) == DRAFT
    assert status_after_save("silence", "silence", UNDER_SILENCE, None) == UNDER_SILENCE
