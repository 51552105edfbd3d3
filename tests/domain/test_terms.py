"""The staff appointment rules and the post titles, without a database."""
from __future__ import annotations

from datetime import date

import pytest

from secretariat_app.domain.periods import Period
from secretariat_app.domain.terms import (
    DEPUTY_EXECUTIVE_DIRECTOR,
    EXECUTIVE_DIRECTOR,
    PROFESSIONAL,
    SUPPORT,
    AppointmentFacts,
    check_appointment,
    default_end,
    official_title,
)


def facts(position: str, starts_on: date = date(2024, 1, 1), ends_on: date | None = None, *,
          nationality_is_member: bool = True, seconded: bool = False,
          seconding_is_member: bool = False) -> AppointmentFacts:
    return AppointmentFacts(
        position=position,
        term=Period(starts_on, ends_on),
        nationality_is_member=nationality_is_member,
        seconding_state_given=seconded,
        seconding_state_is_member=seconding_is_member,
    )


def fields(violations) -> list[str]:
    return [v.field for v in violations]


# default_end ---------------------------------------------------------------

def test_deputy_term_defaults_to_three_years_less_a_day():
    assert default_end(DEPUTY_EXECUTIVE_DIRECTOR, date(2023, 3, 1)) == date(2026, 2, 28)


def test_deputy_term_from_29_february_ends_on_27_february():
    assert default_end(DEPUTY_EXECUTIVE_DIRECTOR, date(2024, 2, 29)) == date(2027, 2, 27)


@pytest.mark.parametrize("position", [EXECUTIVE_DIRECTOR, PROFESSIONAL, SUPPORT])
def test_other_terms_default_to_open_ended(position):
    assert default_end(position, date(2023, 3, 1)) is None


# official_title ------------------------------------------------------------

@pytest.mark.parametrize(
    "position, starts_on, title",
    [
        (EXECUTIVE_DIRECTOR, date(2022, 10, 12), "Executive Director"),
        (EXECUTIVE_DIRECTOR, date(2022, 10, 13), "Secretary General"),
        (EXECUTIVE_DIRECTOR, date(2024, 5, 1), "Secretary General"),
        (DEPUTY_EXECUTIVE_DIRECTOR, date(2019, 1, 1), "Deputy Executive Director"),
        (DEPUTY_EXECUTIVE_DIRECTOR, date(2022, 10, 13), "Deputy Secretary General"),
        (PROFESSIONAL, date(2024, 5, 1), None),
        (SUPPORT, date(2010, 5, 1), None),
    ],
)
def test_posts_were_renamed_at_the_sixth_summit(position, starts_on, title):
    assert official_title(position, starts_on) == title


# check_appointment ---------------------------------------------------------

def test_a_valid_professional_appointment_breaks_no_rule():
    assert check_appointment(facts(PROFESSIONAL, seconded=True, seconding_is_member=True), []) == []


def test_end_must_be_after_start():
    violations = check_appointment(facts(SUPPORT, date(2024, 1, 1), date(2024, 1, 1)), [])
    assert fields(violations) == ["ends_on"]


def test_deputy_term_of_three_years_is_accepted():
    assert check_appointment(facts(DEPUTY_EXECUTIVE_DIRECTOR, date(2023, 3, 1), date(2026, 2, 28)), []) == []


def test_deputy_term_longer_than_three_years_is_refused():
    violations = check_appointment(facts(DEPUTY_EXECUTIVE_DIRECTOR, date(2023, 3, 1), date(2026, 3, 1)), [])
    assert fields(violations) == ["ends_on"]
    assert "2026-02-28" in violations[0].render()


def test_open_ended_deputy_term_is_refused():
    assert fields(check_appointment(facts(DEPUTY_EXECUTIVE_DIRECTOR), [])) == ["ends_on"]


def test_professional_staff_must_be_seconded():
    assert fields(check_appointment(facts(PROFESSIONAL), [])) == ["seconding_state"]


def test_professional_staff_must_be_seconded_by_a_member():
    violations = check_appointment(facts(PROFESSIONAL, seconded=True, seconding_is_member=False), [])
    assert fields(violations) == ["seconding_state"]


@pytest.mark.parametrize("position", [EXECUTIVE_DIRECTOR, SUPPORT])
def test_only_professional_staff_are_seconded(position):
    violations = check_appointment(facts(position, seconded=True, seconding_is_member=True), [])
    assert fields(violations) == ["seconding_state"]


def test_support_staff_must_be_nationals_of_a_member():
    assert fields(check_appointment(facts(SUPPORT, nationality_is_member=False), [])) == ["nationality"]


def test_professional_staff_may_be_of_any_nationality():
    f = facts(PROFESSIONAL, nationality_is_member=False, seconded=True, seconding_is_member=True)
    assert check_appointment(f, []) == []


@pytest.mark.parametrize("position", [EXECUTIVE_DIRECTOR, DEPUTY_EXECUTIVE_DIRECTOR])
def test_single_holder_posts_refuse_an_overlap(position):
    other = Period(date(2022, 1, 1), date(2024, 6, 30))
    violations = check_appointment(facts(position, date(2024, 6, 30), date(2025, 6, 30)), [other])
    assert fields(violations) == ["starts_on"]
    assert "2022-01-01" in violations[0].render()


def test_single_holder_post_refuses_overlap_with_an_open_ended_term():
    other = Period(date(2020, 1, 1), None)
    violations = check_appointment(facts(EXECUTIVE_DIRECTOR, date(2030, 1, 1)), [other])
    assert fields(violations) == ["starts_on"]
    assert "—" in violations[0].render()


def test_single_holder_post_accepts_the_next_term():
    other = Period(date(2022, 1, 1), date(2024, 6, 30))
    assert check_appointment(facts(EXECUTIVE_DIRECTOR, date(2024, 7, 1)), [other]) == []


def test_professional_posts_may_be_held_together():
    other = Period(date(2022, 1, 1), None)
    f = facts(PROFESSIONAL, seconded=True, seconding_is_member=True)
    assert check_appointment(f, [other]) == []
