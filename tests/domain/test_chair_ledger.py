"""The chairmanship ledger's rules and the Executive Director's tie to the chair, without a database."""
from __future__ import annotations

from datetime import date

from secretariat_app.domain.chair_ledger import (
    LEDGER_START,
    ChairTerm,
    DirectorTerm,
    check_chairmanship,
    director_overstays,
    ledger_gaps,
    ledger_overlaps,
    successor_missing,
)
from secretariat_app.domain.periods import Period
from secretariat_app.domain.terms import (
    EXECUTIVE_DIRECTOR,
    AppointmentFacts,
    ChairFacts,
    check_appointment,
)

KAZ, TUR, CHN = 1, 2, 3


def p(start: str, end: str | None) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end) if end else None)


def fields(violations) -> list[str]:
    return [v.field for v in violations]


# Checking a term ----------------------------------------------------------------

LEDGER = [p("2002-01-01", "2010-06-07"), p("2010-06-08", "2014-05-20")]


def test_a_term_that_follows_the_ledger_passes():
    assert check_chairmanship(p("2014-05-21", "2018-09-27"), LEDGER) == []
    assert check_chairmanship(p("2014-05-21", None), LEDGER) == []


def test_end_not_before_start():
    assert fields(check_chairmanship(p("2014-05-21", "2014-05-20"), LEDGER)) == ["ends_on"]
    assert check_chairmanship(p("2014-05-21", "2014-05-21"), LEDGER) == []


def test_overlap_is_refused_on_the_start_date():
    [violation] = check_chairmanship(p("2014-05-20", "2018-01-01"), LEDGER)
    assert violation.field == "starts_on"
    assert "2010-06-08" in violation.render()


def test_only_the_latest_may_be_open_ended():
    result = check_chairmanship(p("2001-01-01", None), LEDGER)
    assert sorted(fields(result)) == ["ends_on", "starts_on"]


def test_an_open_ended_term_blocks_any_later_one():
    assert fields(check_chairmanship(p("2020-01-01", "2021-01-01"), [p("2014-05-21", None)])) == ["starts_on"]


def test_the_chair_is_a_member():
    assert fields(check_chairmanship(p("2014-05-21", None), LEDGER, state_is_member=False)) == ["state"]


# Gaps, overlaps, successor ------------------------------------------------------

def test_an_empty_ledger_is_one_open_gap_from_2002():
    assert ledger_gaps([], until=date(2025, 1, 1)) == [Period(LEDGER_START, None)]


def test_a_continuous_open_ledger_has_no_gap():
    assert ledger_gaps([*LEDGER, p("2014-05-21", None)], until=date(2025, 1, 1)) == []


def test_gaps_between_terms_and_after_the_last_one():
    terms = [p("2002-01-01", "2010-06-07"), p("2010-06-10", "2014-05-20")]
    assert ledger_gaps(terms, until=date(2025, 1, 1)) == [
        p("2010-06-08", "2010-06-09"),
        p("2014-05-21", None),
    ]


def test_a_gap_at_the_start_of_2002():
    assert ledger_gaps([p("2002-06-04", None)], until=date(2025, 1, 1)) == [p("2002-01-01", "2002-06-03")]


def test_a_term_ending_in_the_future_leaves_no_gap_yet():
    assert ledger_gaps([p("2002-01-01", "2026-10-01")], until=date(2025, 1, 1)) == []


def term(key, state, start, end) -> ChairTerm:
    return ChairTerm(key, state, f"state {state}", p(start, end))


def test_overlaps_are_listed_in_pairs():
    a = term(1, KAZ, "2002-01-01", "2010-12-31")
    b = term(2, TUR, "2010-01-01", "2014-12-31")
    c = term(3, CHN, "2015-01-01", None)
    assert ledger_overlaps([c, b, a]) == [(a, b)]


def test_a_successor_is_missing_within_a_year_of_the_end():
    current = term(1, KAZ, "2020-09-23", "2024-10-01")
    assert successor_missing([current], date(2023, 9, 1)) is None
    assert successor_missing([current], date(2023, 10, 15)) == current
    assert successor_missing([current, term(2, TUR, "2024-10-02", None)], date(2023, 10, 15)) is None
    assert successor_missing([term(1, KAZ, "2020-09-23", None)], date(2023, 10, 15)) is None


# The Executive Director ------------------------------------------------------------

CHAIRS = [term(1, KAZ, "2002-01-01", "2010-06-07"), term(2, TUR, "2010-06-08", "2014-05-20"),
          term(3, TUR, "2014-05-21", "2016-05-20"), term(4, CHN, "2016-05-21", None)]


def test_a_director_leaving_with_the_chair_raises_no_warning():
    assert director_overstays(CHAIRS, [DirectorTerm(1, "A", p("2006-07-01", "2010-06-07"))]) == []


def test_a_director_in_office_when_the_chair_changes_is_warned_about_once():
    [warning] = director_overstays(CHAIRS, [DirectorTerm(1, "A", p("2006-07-01", None))])
    assert warning.changed_on == date(2010, 6, 8)
    assert (warning.previous.state_key, warning.current.state_key) == (KAZ, TUR)


def test_a_renewal_of_the_same_chair_is_no_change():
    [warning] = director_overstays(CHAIRS, [DirectorTerm(1, "B", p("2012-01-01", "2017-01-01"))])
    assert warning.changed_on == date(2016, 5, 21)


def test_a_director_appointed_without_a_recorded_chair_is_not_judged():
    assert director_overstays(CHAIRS[1:], [DirectorTerm(1, "A", p("2006-07-01", None))]) == []


def ed(start: str, end: str | None, chair: ChairFacts | None) -> AppointmentFacts:
    return AppointmentFacts(position=EXECUTIVE_DIRECTOR, term=p(start, end), nationality_is_member=True,
                            seconding_state_given=False, seconding_state_is_member=False, chair=chair)


def test_the_director_is_a_national_of_the_chair():
    chair = ChairFacts(state_name="Kazakhstan", ends_on=date(2024, 10, 1), appointee_is_national=False)
    [violation] = check_appointment(ed("2022-10-13", "2024-10-01", chair), [])
    assert violation.field == "nationality"
    assert "Kazakhstan" in violation.render()


def test_the_director_leaves_by_the_end_of_the_chairmanship():
    chair = ChairFacts(state_name="Kazakhstan", ends_on=date(2024, 10, 1), appointee_is_national=True)
    assert check_appointment(ed("2022-10-13", "2024-10-01", chair), []) == []
    assert fields(check_appointment(ed("2022-10-13", "2024-10-02", chair), [])) == ["ends_on"]
    assert fields(check_appointment(ed("2022-10-13", None, chair), [])) == ["ends_on"]


def test_an_open_chairmanship_leaves_the_directors_term_free():
    chair = ChairFacts(state_name="Kazakhstan", ends_on=None, appointee_is_national=True)
    assert check_appointment(ed("2022-10-13", None, chair), []) == []


def test_no_recorded_chair_means_no_check():
    assert check_appointment(ed("2022-10-13", None, None), []) == []

