"""The loan book as the district report counts it: every loan on each quarter's end, read once in bulk.

The ledger (`fieldtool.ledger.apply_payments`) puts every payment on the oldest unpaid instalment first,
interest before principal. For a loan with one schedule and no reversed payment that rule has a closed
form, because what counts is how much has been paid by a day, not in which payments: when T has been paid
and the instalments before instalment k ask for c_k in all, k has min(a_k, max(0, T − c_k)) of its a_k paid
(its interest first), and it was settled on the first day the payments reached c_k + a_k. `Book` reads
those loans' instalments and payments once and works each day's figures out from them by bisection, instead
of replaying every payment of the book for every quarter end. A loan restructured (several schedules),
with a reversed payment or without a schedule goes through the ledger itself (`load_states`), few as they
are. tests/test_district_loans.py holds both ways equal on a random book.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import accumulate, groupby
from operator import add, itemgetter, le
from typing import Any

from sqlalchemy import ClauseElement, Connection, select, union
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from fieldtool.ledger import InstalmentState, LoanState, ScheduleState
from fieldtool.loanbook import load_states
from fieldtool.models import Instalment, Loan, Payment, Schedule
from fieldtool.vocabulary import Stage

# A loan's overdue instalments, or a function making them when first asked for.
Overdue = tuple[InstalmentState, ...] | Callable[[], Iterable[InstalmentState]]


class LoanFigures:
    """A loan paid out and not closed at the end of `on`, as the ledger has it: what the report adds up.

    Its overdue instalments (unpaid, past their due date) are made when first asked for: the report needs them
    only for the ask tasks of the loans overdue, often only the oldest.
    """

    __slots__ = ("loan_id", "on", "disbursed_on", "stage", "arrears_satang", "outstanding_principal",
                 "days_overdue", "_overdue")

    def __init__(self, loan_id: str, on: date, disbursed_on: date | None, arrears_satang: int,
                 outstanding_principal: int, oldest_overdue: date | None, overdue: Overdue):
        self.loan_id, self.on, self.disbursed_on = loan_id, on, disbursed_on
        self.arrears_satang, self.outstanding_principal = arrears_satang, outstanding_principal
        self.days_overdue = (on - oldest_overdue).days if oldest_overdue else 0
        self.stage = Stage.ASK if self.days_overdue > 0 else Stage.FOLLOW
        self._overdue = overdue

    @property
    def overdue(self) -> tuple[InstalmentState, ...]:
        if callable(self._overdue):
            self._overdue = tuple(self._overdue())
        return self._overdue

    def overdue_state(self, instalments: tuple[InstalmentState, ...] | None = None) -> LoanState:
        """The loan's overdue instalments (or some of them) as a LoanState: what the reminder rules read for its
        ask tasks. Holding all of them, its arrears and days overdue are the loan's; its stage never is.
        """
        schedule = ScheduleState("", 0, self.disbursed_on or date.min, "",
                                 list(self.overdue if instalments is None else instalments))
        return LoanState(self.loan_id, self.on, self.disbursed_on, [schedule], schedule)


def _days(values: Iterable[date | str | None]) -> list[date | None]:
    # read as text and parsed here, as fieldtool.loanbook does; PostgreSQL hands over dates already
    return [v if v is None or isinstance(v, date) else date.fromisoformat(v) for v in values]


def _due_days(values: Sequence[date | str]) -> list[date]:
    """Days of a column that has no empty values, parsed at C speed when they come as text."""
    if isinstance(values[0], str):
        return list(map(date.fromisoformat, values))  # type: ignore[arg-type]  # a column is all text or all dates
    return list(values)  # type: ignore[arg-type]


@dataclass(slots=True)
class _Loan:
    """One loan of the closed form: its schedule's instalments in order, and its payments day by day."""

    id: str
    disbursed_on: date | None
    schedule: tuple[str, int, date | None, str]  # id, version, effective from, reason
    ids: tuple[str, ...] = ()
    nos: tuple[int, ...] = ()
    dues: list[date] = field(default_factory=list)
    principals: tuple[int, ...] = ()
    interests: tuple[int, ...] = ()
    through: list[int] = field(default_factory=list)  # what the instalments up to and including each ask for
    dues_in_order: bool = True
    pay_days: list[date] = field(default_factory=list)  # of each payment, in order (a day may repeat)
    paid_through: list[int] = field(default_factory=list)  # paid up to and including each payment

    def paid_by(self, on: date) -> int:
        i = bisect_right(self.pay_days, on)
        return self.paid_through[i - 1] if i else 0

    def instalments(self, ks: Iterable[int], paid: int) -> list[InstalmentState]:
        return [self.instalment(k, paid) for k in ks]

    def instalment(self, k: int, paid: int) -> InstalmentState:
        """Instalment k as the ledger has it when `paid` has been paid: interest first, then principal."""
        before = self.through[k - 1] if k else 0
        got = min(max(paid - before, 0), self.through[k] - before)
        interest = min(self.interests[k], got)
        return InstalmentState(self.ids[k], self.nos[k], self.dues[k], self.principals[k], self.interests[k],
                               interest, got - interest)


class Book:
    """The loan book read once, for the figures of several days (the quarter ends and the report day)."""

    def __init__(self, session: Session):
        self.session = session
        conn = session.connection()  # core rows, without the ORM's per-row work
        loan_rows = _plain_rows(conn, select(col(Loan.id), col(Loan.disbursed_on)))
        disbursed: dict[str, date | None] = dict(zip([r[0] for r in loan_rows], _days([r[1] for r in loan_rows]),
                                                      strict=True))
        schedules: dict[str, list[tuple[str, int, date | None, str]]] = defaultdict(list)
        for sid, lid, version, eff, reason in _plain_rows(conn, select(
                col(Schedule.id), col(Schedule.loan_id), col(Schedule.version), col(Schedule.effective_from),
                col(Schedule.reason))):
            schedules[lid].append((sid, version, _days([eff])[0], reason))
        reversal = aliased(Payment)
        reversed_loans: set[str] = set(conn.execute(union(
            select(col(Payment.loan_id)).where(col(Payment.reverses_id).is_not(None)),
            select(col(Payment.loan_id)).where(col(Payment.id).in_(
                select(col(reversal.reverses_id)).where(col(reversal.reverses_id).is_not(None)))),
        )).scalars())
        self.others = sorted(lid for lid in disbursed if len(schedules.get(lid, ())) != 1 or lid in reversed_loans)
        others = set(self.others)
        self.loans: dict[str, _Loan] = {}
        of_schedule: dict[str, _Loan] = {}
        for lid, day in disbursed.items():
            if lid not in others:
                loan = self.loans[lid] = _Loan(lid, day, schedules[lid][0])
                of_schedule[loan.schedule[0]] = loan
        rows = _plain_rows(conn, select(
            col(Instalment.schedule_id), col(Instalment.id), col(Instalment.no), col(Instalment.due_date),
            col(Instalment.principal_satang), col(Instalment.interest_satang))
            .order_by(col(Instalment.schedule_id), col(Instalment.no)))
        for sid, group in groupby(rows, key=itemgetter(0)):
            if (held := of_schedule.get(sid)) is None:
                continue  # a schedule of a loan the ledger takes
            loan = held
            _sids, loan.ids, loan.nos, dues, loan.principals, loan.interests = zip(*group, strict=True)
            loan.dues = _due_days(dues)
            loan.through = list(accumulate(map(add, loan.principals, loan.interests)))
            loan.dues_in_order = all(map(le, loan.dues, loan.dues[1:]))
        rows = _plain_rows(conn, select(col(Payment.loan_id), col(Payment.paid_on), col(Payment.amount_satang))
                           .order_by(col(Payment.loan_id), col(Payment.paid_on)))
        for lid, group in groupby(rows, key=itemgetter(0)):
            if (held := self.loans.get(lid)) is not None:
                loan = held
                _lids, days, amounts = zip(*group, strict=True)
                loan.pay_days = _due_days(days)
                loan.paid_through = list(accumulate(amounts))

    def figures(self, on: date) -> dict[str, LoanFigures]:
        """Every loan paid out by `on` and not closed at its end (stage follow or ask), by id."""
        out: dict[str, LoanFigures] = {}
        for loan in self.loans.values():
            if loan.disbursed_on is None or loan.disbursed_on > on:
                continue  # still in prevent
            paid = loan.paid_by(on)
            through = loan.through
            first = bisect_right(through, paid)  # the oldest instalment not paid in full
            if first == len(through):
                continue  # closed: every instalment paid (a schedule without any too, as the ledger has it)
            part = paid - (through[first - 1] if first else 0)  # what it has of its amount
            outstanding = (sum(loan.principals[first + 1:]) + loan.principals[first]
                           - max(0, part - loan.interests[first]))
            dues, in_order, ks = loan.dues, loan.dues_in_order, []
            for k in range(first, len(through)):
                if dues[k] >= on:
                    if in_order:
                        break
                    continue
                if through[k] > (through[k - 1] if k else 0):  # one asking for nothing is paid
                    ks.append(k)
            # from the oldest unpaid one on, an instalment still owes all it asks for beyond what has been paid
            arrears = sum(through[k] - max(through[k - 1] if k else 0, paid) for k in ks)
            out[loan.id] = LoanFigures(loan.id, on, loan.disbursed_on, arrears, outstanding,
                                       min((dues[k] for k in ks), default=None),
                                       partial(loan.instalments, ks, paid))
        if self.others:
            for lid, state in load_states(self.session, on, self.others).items():
                if state.stage in (Stage.FOLLOW, Stage.ASK):
                    overdue = state.overdue_instalments()
                    out[lid] = LoanFigures(lid, on, state.disbursed_on, state.arrears_satang, state.outstanding_principal,
                                           min((i.due_date for i in overdue), default=None), tuple(overdue))
        return out

    def notice_states(self, on: date, due_from: date, due_to: date) -> dict[str, LoanState]:
        """The loans paid out by `on` as they stand that day, holding only their instalments due from `due_from` to
        `due_to` (a loan with none is left out): what `notices.notice_outcomes` reads to tell how the notices
        of those instalments ended."""
        out: dict[str, LoanState] = {}
        for loan in self.loans.values():
            if loan.disbursed_on is None or loan.disbursed_on > on:
                continue
            dues = loan.dues
            ks: Sequence[int]
            if loan.dues_in_order:
                ks = range(bisect_left(dues, due_from), bisect_right(dues, due_to))
            else:
                ks = [k for k, due in enumerate(dues) if due_from <= due <= due_to]
            if not ks:
                continue
            paid = loan.paid_by(on)
            through, interests, pay_days, paid_through = loan.through, loan.interests, loan.pay_days, loan.paid_through
            kept = []
            for k in ks:  # loan.instalment(k, paid) with its settled_on, written out: some 20,000 a quarter
                before = through[k - 1] if k else 0
                amount = through[k] - before
                got = min(max(paid - before, 0), amount)
                interest = min(interests[k], got)
                # settled on the first day the payments reached it (one asking for nothing never is)
                settled = pay_days[bisect_left(paid_through, through[k])] if amount and through[k] <= paid else None
                kept.append(InstalmentState(loan.ids[k], loan.nos[k], dues[k], loan.principals[k], interests[k],
                                            interest, got - interest, settled))
            sid, version, effective_from, reason = loan.schedule
            schedule = ScheduleState(sid, version, effective_from or date.min, reason, kept)
            out[loan.id] = LoanState(loan.id, on, loan.disbursed_on, [schedule], schedule, paid_satang=paid)
        if self.others:
            for lid, state in load_states(self.session, on, self.others).items():
                if state.disbursed_on is None or state.disbursed_on > on:
                    continue
                cut = {s.id: ScheduleState(s.id, s.version, s.effective_from, s.reason,
                                           [i for i in s.instalments if due_from <= i.due_date <= due_to],
                                           s.credit_satang) for s in state.schedules}
                if not any(s.instalments for s in cut.values()):
                    continue
                active = cut[state.active.id] if state.active else None
                out[lid] = LoanState(lid, on, state.disbursed_on, list(cut.values()), active, state.paid_satang,
                                     [s for s in cut.values() if s is not active])
        return out


def _plain_rows(conn: Connection, stmt: ClauseElement) -> list[tuple[Any, ...]]:
    """The rows of a query without parameters as the driver gives them: a district's 100,000 instalments without
    SQLAlchemy's row objects cost a third less (dates come as text from SQLite, as dates from PostgreSQL)."""
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("the database connection is closed")
    cursor = driver.cursor()
    try:
        cursor.execute(str(stmt.compile(dialect=conn.dialect)))
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
    finally:
        cursor.close()
