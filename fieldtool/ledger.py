"""Applying payments to instalments, and what follows from it: balance, arrears, days overdue, stage.

Everything here is derived from the schedule and the payment events on a given day; nothing is stored.
Payments go to the oldest unpaid instalment first, interest before principal; a partial payment leaves
the rest of that instalment due, an overpayment runs on into the next instalments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TypeVar, cast

from fieldtool.vocabulary import Stage

_Due = TypeVar("_Due")

# Aging buckets by days overdue (label, lowest day, highest day or None).
AGING_BUCKETS = (
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("180+", 181, None),
)


def aging_bucket(days_overdue: int) -> str | None:
    for label, low, high in AGING_BUCKETS:
        if days_overdue >= low and (high is None or days_overdue <= high):
            return label
    return None


@dataclass(slots=True)
class InstalmentState:
    id: str
    no: int
    due_date: date
    principal_satang: int
    interest_satang: int
    paid_interest: int = 0
    paid_principal: int = 0
    settled_on: date | None = None  # day of the payment that completed it

    @property
    def amount_satang(self) -> int:
        return self.principal_satang + self.interest_satang

    @property
    def paid_satang(self) -> int:
        return self.paid_interest + self.paid_principal

    @property
    def remaining_satang(self) -> int:
        return self.amount_satang - self.paid_satang

    @property
    def remaining_principal(self) -> int:
        return self.principal_satang - self.paid_principal

    @property
    def remaining_interest(self) -> int:
        return self.interest_satang - self.paid_interest

    @property
    def is_paid(self) -> bool:
        return self.paid_interest + self.paid_principal == self.principal_satang + self.interest_satang

    def take(self, amount: int, on: date) -> int:
        """Apply up to `amount` satang, interest first; return what is left over."""
        to_interest = min(amount, self.remaining_interest)
        self.paid_interest += to_interest
        amount -= to_interest
        to_principal = min(amount, self.remaining_principal)
        self.paid_principal += to_principal
        amount -= to_principal
        if self.is_paid and self.settled_on is None:
            self.settled_on = on
        return amount


@dataclass
class ScheduleState:
    id: str
    version: int
    effective_from: date
    reason: str
    instalments: list[InstalmentState]
    credit_satang: int = 0  # paid beyond the last instalment


@dataclass(frozen=True)
class PaymentEvent:
    id: str
    paid_on: date
    amount_satang: int
    reverses_id: str | None = None
    order: tuple[str, ...] = ()  # tie-break for payments of one day: (recorded_at, id)


@dataclass(frozen=True, slots=True)
class _Owing:
    """What the instalments in force come to on the day, worked out in one pass (`LoanState._owing`)."""

    outstanding: int
    outstanding_principal: int
    unpaid: list[InstalmentState]  # in schedule order
    overdue: list[InstalmentState]  # unpaid and due before the day


@dataclass
class LoanState:
    """A loan as it stands at the end of `as_of`.

    Its figures are read from one pass over the instalments in force, made the first time one is asked for: a
    state is finished when it is made (`apply_payments`, `bookrows.open_states` fill the instalments first), and the
    lists ask each loan for several figures.
    """

    loan_id: str
    as_of: date
    disbursed_on: date | None
    schedules: list[ScheduleState]
    active: ScheduleState | None
    paid_satang: int = 0
    history: list[ScheduleState] = field(default_factory=list)

    @property
    def instalments(self) -> list[InstalmentState]:
        return self.active.instalments if self.active else []

    @cached_property
    def _owing(self) -> _Owing:
        outstanding = principal = 0
        unpaid: list[InstalmentState] = []
        overdue: list[InstalmentState] = []
        for inst in self.instalments:
            outstanding += inst.principal_satang + inst.interest_satang - inst.paid_interest - inst.paid_principal
            principal += inst.principal_satang - inst.paid_principal
            if not inst.is_paid:
                unpaid.append(inst)
                if inst.due_date < self.as_of:
                    overdue.append(inst)
        return _Owing(outstanding, principal, unpaid, overdue)

    @property
    def outstanding_satang(self) -> int:
        return self._owing.outstanding

    @property
    def outstanding_principal(self) -> int:
        return self._owing.outstanding_principal

    @property
    def credit_satang(self) -> int:
        """Paid beyond what the schedules ask (a payment taken as a credit), on every schedule: one typed in late
        for a day before a restructuring lands on the schedule of that day."""
        return sum(s.credit_satang for s in self.schedules)

    def overdue_instalments(self) -> list[InstalmentState]:
        return list(self._owing.overdue)

    @property
    def arrears_satang(self) -> int:
        return sum(i.remaining_satang for i in self._owing.overdue)

    @property
    def oldest_unpaid_due(self) -> date | None:
        unpaid = self._owing.unpaid
        return min(i.due_date for i in unpaid) if unpaid else None

    @property
    def days_overdue(self) -> int:
        """Days since the oldest unpaid due date; 0 when nothing is past due."""
        overdue = self._owing.overdue
        if not overdue:
            return 0
        return (self.as_of - min(i.due_date for i in overdue)).days

    @property
    def next_due(self) -> InstalmentState | None:
        unpaid = self._owing.unpaid
        return unpaid[0] if unpaid else None

    @property
    def stage(self) -> Stage:
        if self.disbursed_on is None or self.disbursed_on > self.as_of:
            return Stage.PREVENT
        if self.active and not self._owing.unpaid:
            return Stage.CLOSED
        return Stage.ASK if self._owing.overdue else Stage.FOLLOW


def effective_payments(payments: list[PaymentEvent]) -> list[PaymentEvent]:
    """Payments that count: a reversing event cancels the payment it reverses, and itself."""
    reversed_ids = {p.reverses_id for p in payments if p.reverses_id}
    kept = [p for p in payments if p.reverses_id is None and p.id not in reversed_ids]
    return sorted(kept, key=lambda p: (p.paid_on, p.order, p.id))


def apply_payments(
    loan_id: str,
    disbursed_on: date | None,
    schedules: list[ScheduleState],
    payments: list[PaymentEvent],
    as_of: date,
) -> LoanState:
    """Apply every payment made up to `as_of` to the schedule in force on its day.

    `schedules` must be fresh (nothing paid) and sorted by version; they are filled in place.
    """
    schedules = sorted(schedules, key=lambda s: (s.version, s.id))  # two laptops may both make version 2
    paid_total = 0
    for pay in effective_payments(payments):
        if pay.paid_on > as_of:
            break
        target = schedule_in_force(schedules, pay.paid_on)
        if target is None:
            continue
        left = pay.amount_satang
        for inst in target.instalments:
            if left <= 0:
                break
            if not inst.is_paid:
                left = inst.take(left, pay.paid_on)
        target.credit_satang += left
        paid_total += pay.amount_satang
    active = schedule_in_force(schedules, as_of)
    return LoanState(
        loan_id=loan_id,
        as_of=as_of,
        disbursed_on=disbursed_on,
        schedules=schedules,
        active=active,
        paid_satang=paid_total,
        history=[s for s in schedules if s is not active],
    )


def still_owed(
    instalments: Iterable[tuple[str, int, _Due, int, int, *tuple[object, ...]]],
    paid_satang: int,
    on: date,
    day: Callable[[_Due], date] | None = None,
) -> tuple[list[InstalmentState], int]:
    """The instalments of a schedule still owed once `paid_satang` has gone to them oldest first, and what is
    left over beyond the last one (the credit).

    This is what `apply_payments` leaves when every payment went to this one schedule and none was negative or
    reversed: each payment then fills on from where the one before stopped, so only their sum matters, not
    their order or days. `instalments` are rows starting (id, no, due_date, principal, interest), in schedule
    order; only the instalments still owed are made into states (a district's book is mostly paid ones), and
    `day`, if given, turns their due dates into dates (rows read as text).
    """
    owed: list[InstalmentState] = []
    left = paid_satang
    for row in instalments:  # indexed, not unpacked: this runs for every instalment of a district's book
        amount = row[3] + row[4]
        if left >= amount:
            left -= amount
            continue
        due = day(row[2]) if day else cast(date, row[2])  # without `day` the rows hold dates
        inst = InstalmentState(row[0], row[1], due, row[3], row[4])
        if left:
            left = inst.take(left, on)
        owed.append(inst)
    return owed, left


def days_paid_up(amounts: Iterable[int], paid_by_day: Sequence[tuple[_Due, int]]) -> list[_Due | None]:
    """The day each instalment of a schedule was paid up, or None: what `apply_payments` records as `settled_on`
    when every payment went to this one schedule and none was negative or reversed.

    `amounts` are the instalments' amounts in schedule order, `paid_by_day` (day, sum paid that day) in order of
    day. An instalment is paid up on the first day the running sum paid reaches the running sum owed up to and
    including it; one of nothing to pay is never "paid up" (apply_payments never takes money for it).
    """
    out: list[_Due | None] = []
    owed = paid = taken = 0
    for amount in amounts:
        owed += amount
        while paid < owed and taken < len(paid_by_day):
            paid += paid_by_day[taken][1]
            taken += 1
        out.append(paid_by_day[taken - 1][0] if amount and paid >= owed else None)
    return out


def schedule_in_force(schedules: list[ScheduleState], on: date) -> ScheduleState | None:
    """The newest schedule whose `effective_from` is on or before `on` (the first one before that)."""
    chosen = schedules[0] if schedules else None
    for sched in schedules:
        if sched.effective_from <= on:
            chosen = sched
    return chosen
