"""Repayment schedules: due dates and instalment amounts, computed, never typed in.

Each due date is counted from the first due date (31 Jan + 1 month = 28 Feb, + 2 months = 31 Mar), so
month ends never drift. Amounts are integer satang; the rounding remainder goes on the last instalment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import Frequency

FREQUENCY_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}


@dataclass(frozen=True)
class PlannedInstalment:
    no: int
    due_date: date
    principal_satang: int
    interest_satang: int

    @property
    def amount_satang(self) -> int:
        return self.principal_satang + self.interest_satang


def check_frequency(frequency: str) -> Frequency:
    found = Frequency.parse(frequency)
    if found is None:
        choices = ", ".join(Frequency)
        raise InputError(Text(f"ความถี่การชำระไม่ถูกต้อง: {frequency}", f"frequency must be one of {choices}"))
    return found


def due_dates(first_due: date, count: int, frequency: str) -> list[date]:
    """Due dates counted from the first one, so 31 Jan stays the month end: 28/29 Feb, 31 Mar, ..."""
    return list(_due_dates(first_due, count, check_frequency(frequency)))


@lru_cache(maxsize=1024)
def _due_dates(first_due: date, count: int, frequency: Frequency) -> tuple[date, ...]:
    # Kept: an imported register has thousands of loans falling due on the same few days.
    step = FREQUENCY_MONTHS[frequency]
    return tuple(first_due + relativedelta(months=step * k) for k in range(count))


def split_evenly(total: int, parts: int) -> list[int]:
    """Equal parts in satang, the remainder on the last: 1,000,000 in 3 = 333,333 + 333,333 + 333,334."""
    base = total // parts
    return [base] * (parts - 1) + [total - base * (parts - 1)]


def flat_interest(principal_satang: int, rate_bp: int, count: int, frequency: str) -> int:
    """Flat interest per year on the principal over the whole term, rounded half up to the satang."""
    months = FREQUENCY_MONTHS[check_frequency(frequency)] * count
    numerator = principal_satang * rate_bp * months
    denominator = 10_000 * 12
    return (numerator * 2 + denominator) // (denominator * 2)


def plan(
    principal_satang: int,
    count: int,
    frequency: str,
    first_due: date,
    rate_bp: int = 0,
    interest_satang: int | None = None,
) -> list[PlannedInstalment]:
    """The instalments of a loan. `interest_satang` overrides the flat-rate interest (restructuring)."""
    if count < 1:
        raise InputError(Text("จำนวนงวดต้องมากกว่าศูนย์", "the number of instalments must be at least 1"))
    if principal_satang <= 0:
        raise InputError(Text("เงินต้นต้องมากกว่าศูนย์", "the principal must be more than zero"))
    if interest_satang is None:
        interest_satang = flat_interest(principal_satang, rate_bp, count, frequency)
    dates = due_dates(first_due, count, frequency)
    principals = split_evenly(principal_satang, count)
    interests = split_evenly(interest_satang, count)
    return [
        PlannedInstalment(no=i + 1, due_date=d, principal_satang=p, interest_satang=r)
        for i, (d, p, r) in enumerate(zip(dates, principals, interests, strict=True))
    ]
