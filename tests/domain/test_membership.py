from datetime import date

from secretariat_app.domain.membership import check_membership_period
from secretariat_app.domain.periods import Period, add_years, term_end


def test_period_order_and_overlap():
    existing = [Period(date(2002, 6, 4), date(2018, 6, 30))]
    assert check_membership_period(Period(date(2018, 7, 1), None), existing) == []
    [overlap] = check_membership_period(Period(date(2018, 6, 30), None), existing)
    assert overlap.field == "valid_from"
    [order] = check_membership_period(Period(date(2020, 1, 2), date(2020, 1, 1)), [])
    assert order.field == "valid_to"


def test_open_ended_periods_overlap_everything_after_them():
    assert Period(date(2000, 1, 1), None).overlaps(Period(date(2090, 1, 1), date(2091, 1, 1)))
    assert not Period(date(2000, 1, 1), date(2000, 12, 31)).overlaps(Period(date(2001, 1, 1), None))


def test_year_arithmetic_handles_leap_days():
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert term_end(date(2023, 1, 1), 3) == date(2025, 12, 31)
