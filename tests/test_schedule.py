"""Repayment schedules: dates counted from the first due date, amounts to the satang."""

from datetime import date

import pytest

from fieldtool.schedule import due_dates, flat_interest, plan, split_evenly
from fieldtool.thai import InputError


def test_month_end_due_dates_never_drift():
    dates = due_dates(date(2026, 1, 31), 4, "monthly")
    assert dates == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_leap_year_february_gets_the_29th():
    assert due_dates(date(2027, 12, 31), 3, "monthly") == [date(2027, 12, 31), date(2028, 1, 31), date(2028, 2, 29)]
    assert due_dates(date(2024, 2, 29), 2, "yearly") == [date(2024, 2, 29), date(2025, 2, 28)]


@pytest.mark.parametrize(
    "frequency, expected",
    [
        ("quarterly", [date(2026, 1, 31), date(2026, 4, 30), date(2026, 7, 31), date(2026, 10, 31)]),
        ("half-yearly", [date(2026, 1, 31), date(2026, 7, 31), date(2027, 1, 31), date(2027, 7, 31)]),
        ("yearly", [date(2026, 1, 31), date(2027, 1, 31), date(2028, 1, 31), date(2029, 1, 31)]),
    ],
)
def test_other_frequencies(frequency, expected):
    assert due_dates(date(2026, 1, 31), 4, frequency) == expected


def test_ten_thousand_baht_in_three_puts_the_remainder_last():
    amounts = [p.amount_satang for p in plan(1_000_000, 3, "monthly", date(2026, 1, 31))]
    assert amounts == [333_333, 333_333, 333_334]
    assert sum(amounts) == 1_000_000


def test_flat_interest_on_principal_per_year():
    # 100,000 baht at 2% a year for 24 months = 4,000 baht
    assert flat_interest(10_000_000, 200, 24, "monthly") == 400_000
    rows = plan(10_000_000, 24, "monthly", date(2026, 1, 5), rate_bp=200)
    assert sum(r.interest_satang for r in rows) == 400_000
    assert sum(r.principal_satang for r in rows) == 10_000_000
    assert rows[0].amount_satang == 416_666 + 16_666


def test_split_evenly_is_exact():
    for total in (1, 99, 1_000_001, 7):
        for parts in (1, 2, 3, 7):
            assert sum(split_evenly(total, parts)) == total


def test_bad_schedules_are_refused():
    with pytest.raises(InputError):
        plan(0, 3, "monthly", date(2026, 1, 31))
    with pytest.raises(InputError):
        plan(100, 0, "monthly", date(2026, 1, 31))
    with pytest.raises(InputError):
        plan(100, 3, "weekly", date(2026, 1, 31))
