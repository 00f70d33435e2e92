"""The loan book as it stands on a day, read in bulk: every loan's state (`load_states`), what the lists show of
each loan (`loan_infos`); and who writes in it.

Reading is all that happens here: a loan is made and paid out in `fieldtool.lending`, paid in
`fieldtool.repayments`. The lists of a whole district's book (reminders, arrears, the register) read it as plain
rows, only what they need (`fieldtool.bookrows`); the reads here are a few bulk queries of core rows rather than
ORM objects too: see bench/bench_loanbook.py.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol, overload

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from fieldtool.ledger import (
    InstalmentState,
    LoanState,
    PaymentEvent,
    ScheduleState,
    apply_payments,
)
from fieldtool.models import (
    BorrowingGroup,
    Fund,
    Household,
    Instalment,
    Loan,
    Payment,
    Person,
    Schedule,
    Setting,
    Subdistrict,
    Village,
)


def now_utc() -> datetime:
    return datetime.now(UTC)


def officer_of(session: Session) -> str:
    if "officer" not in session.info:
        row = session.get(Setting, "officer")
        session.info["officer"] = row.value if row else ""
    officer: str = session.info["officer"]
    return officer


def device_of(session: Session) -> str:
    row = session.get(Setting, "device_id")
    return row.value if row else ""


# --- the book on a day ---------------------------------------------------------------------------------


@overload
def _as_date(value: str | date) -> date: ...
@overload
def _as_date(value: str | date | None) -> date | None: ...
def _as_date(value: str | date | None) -> date | None:
    # Read as text and parsed here: about twice as fast as SQLAlchemy's SQLite date processing on
    # district-sized books. Drivers that return real dates (PostgreSQL) pass straight through.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def load_states(session: Session, as_of: date, loan_ids: Collection[str] | None = None) -> dict[str, LoanState]:
    """Every loan (or the given ones) as it stands on `as_of`, loaded in a few bulk queries."""
    return states_on(read_loans(session, loan_ids), as_of)


@dataclass(frozen=True)
class LoanRows:
    """Loans' rows as read, days as text: what `states_on` makes their states from on any day. A loan's stages
    over its life (`lending.stage_timeline`) read them once and go through the days in Python."""

    loans: Sequence[tuple[str, str | None]]  # (id, disbursed_on)
    schedules: Sequence[tuple[str, str, int, str, str]]  # (id, loan id, version, effective_from, reason)
    instalments: Sequence[tuple[str, str, int, str, int, int]]  # (id, schedule id, no, due, principal, interest)
    payments: Sequence[tuple[str, str, str, int, str | None, str]]  # (id, loan id, paid_on, amount, reverses, recorded)


def read_loans(session: Session, loan_ids: Collection[str] | None = None) -> LoanRows:
    loan_q = select(col(Loan.id), type_coerce(Loan.disbursed_on, String))
    sched_q = select(
        col(Schedule.id), col(Schedule.loan_id), col(Schedule.version), type_coerce(Schedule.effective_from, String),
        col(Schedule.reason),
    )
    inst_q = select(
        col(Instalment.id),
        col(Instalment.schedule_id),
        col(Instalment.no),
        type_coerce(Instalment.due_date, String),
        col(Instalment.principal_satang),
        col(Instalment.interest_satang),
    ).order_by(col(Instalment.schedule_id), col(Instalment.no), col(Instalment.id))  # id: the same order every time
    pay_q = select(
        col(Payment.id),
        col(Payment.loan_id),
        type_coerce(Payment.paid_on, String),
        col(Payment.amount_satang),
        col(Payment.reverses_id),
        type_coerce(Payment.recorded_at, String),
    )
    if loan_ids is not None:
        loan_q = loan_q.where(col(Loan.id).in_(loan_ids))
        sched_q = sched_q.where(col(Schedule.loan_id).in_(loan_ids))
        inst_q = inst_q.where(col(Instalment.loan_id).in_(loan_ids))
        pay_q = pay_q.where(col(Payment.loan_id).in_(loan_ids))
    conn = session.connection()  # core rows, without the ORM's per-row work
    return LoanRows(
        loans=conn.execute(loan_q).all(),
        schedules=conn.execute(sched_q).all(),
        instalments=conn.execute(inst_q).all(),
        payments=conn.execute(pay_q).all(),
    )


def states_on(rows: LoanRows, as_of: date) -> dict[str, LoanState]:
    """The loans of `rows` as they stand on `as_of` (new objects each time: applying payments fills them in)."""
    instalments: dict[str, list[InstalmentState]] = defaultdict(list)
    for iid, sid, no, due, principal, interest in rows.instalments:
        instalments[sid].append(InstalmentState(iid, no, _as_date(due), principal, interest))
    schedules: dict[str, list[ScheduleState]] = defaultdict(list)
    for sid, lid, version, eff, reason in rows.schedules:
        schedules[lid].append(ScheduleState(sid, version, _as_date(eff), reason, instalments.get(sid, [])))
    payments: dict[str, list[PaymentEvent]] = defaultdict(list)
    for pid, lid, paid_on, amount, rev, rec in rows.payments:
        payments[lid].append(PaymentEvent(pid, _as_date(paid_on), amount, rev, (str(rec), pid)))
    return {
        lid: apply_payments(lid, _as_date(disbursed), schedules.get(lid, []), payments.get(lid, []), as_of)
        for lid, disbursed in rows.loans
    }


class DayReader(Protocol):
    """`_as_date` that remembers what it has read (`day_reader`)."""

    @overload
    def __call__(self, value: str | date, /) -> date: ...
    @overload
    def __call__(self, value: str | date | None, /) -> date | None: ...


def day_reader() -> DayReader:
    """`_as_date` that remembers what it has read: a district's book has 100,000 due dates but a few hundred days."""
    seen: dict[str | date | None, date] = {}

    @overload
    def day(value: str | date, /) -> date: ...
    @overload
    def day(value: str | date | None, /) -> date | None: ...
    def day(value: str | date | None, /) -> date | None:
        found = seen.get(value)
        if found is None:
            if value is None or isinstance(value, date):
                return value
            found = seen[value] = date.fromisoformat(value)
        return found

    return day


@contextmanager
def bulk_reading() -> Iterator[None]:
    """Around reading a whole district's book: the cycle collector held off until the end.

    Reading 100,000 instalments makes hundreds of thousands of objects and no reference cycles, yet each of them
    counts towards the collector's next pass over every live object; those passes were half the time of the
    day's reminders on the benchmark's book. Memory is still freed as usual (reference counting). Do the work in
    a function called inside the block, so that what only the work needed is freed before the block ends: the
    collector's first pass afterwards then meets only the answer."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@dataclass(slots=True)  # a district has thousands: smaller and quicker to make
class LoanInfo:
    """What lists show of a loan: its borrower, village and fund, in the field's words."""

    id: str
    agreement_no: str
    borrower: str
    borrower_kind: str
    village_id: str
    village: str
    fund_id: str
    fund: str
    ask_ladder: str  # JSON; "" = the default ladder
    demand_rules: str  # JSON; "" = the default demand-letter days
    sort_name: str  # what the register sorts by: the given name of a person, the name of a group
    purpose: str
    principal_satang: int
    applied_on: date
    disbursed_on: date | None
    phone: str = ""


def village_label(moo: int, name: str) -> str:
    return f"หมู่ที่ {moo} {name}"


def village_labels(session: Session) -> dict[str, str]:
    """Village id -> "หมู่ที่ N name"; with the subdistrict ("… ต.พิบูล") when the database holds several
    (the district office's), since two subdistricts often have villages of the same name."""
    rows = session.execute(
        select(col(Village.id), col(Village.moo), col(Village.name), col(Subdistrict.code), col(Subdistrict.name))
        .outerjoin(Subdistrict, col(Subdistrict.id) == col(Village.subdistrict_id))
    ).all()
    several = len({r[3] for r in rows}) > 1  # by code: two laptops of one subdistrict each made its row
    out: dict[str, str] = {}
    for vid, moo, name, _sid, sub in rows:
        label = village_label(moo, name)
        if several and sub:
            short = sub.removeprefix("ตำบล").removeprefix("ต.").strip()
            label = f"{label} ต.{short}"
        out[vid] = label
    return out


def person_name(title: str, first: str, last: str) -> str:
    return f"{title}{first} {last}".strip()


def loan_infos(session: Session, loan_ids: Collection[str] | None = None) -> dict[str, LoanInfo]:
    head = aliased(Person)
    chair = aliased(Person)
    gv = aliased(Village)
    hv = aliased(Village)
    q = (
        select(
            col(Loan.id),
            col(Loan.agreement_no),
            col(Loan.borrower_kind),
            col(Loan.purpose),
            col(Loan.principal_satang),
            type_coerce(Loan.applied_on, String),
            type_coerce(Loan.disbursed_on, String),
            col(Fund.id),
            col(Fund.name),
            col(Fund.ask_ladder),
            col(Loan.ask_ladder),
            col(Loan.demand_rules),
            col(Fund.demand_rules),
            col(BorrowingGroup.name),
            col(gv.id),
            col(gv.moo),
            col(gv.name),
            col(chair.phone),
            col(head.title),
            col(head.first_name),
            col(head.last_name),
            col(head.phone),
            col(Household.phone),
            col(hv.id),
            col(hv.moo),
            col(hv.name),
        )
        .join(Fund, col(Fund.id) == Loan.fund_id)
        .outerjoin(BorrowingGroup, col(BorrowingGroup.id) == Loan.group_id)
        .outerjoin(gv, col(gv.id) == BorrowingGroup.village_id)
        .outerjoin(chair, col(chair.id) == BorrowingGroup.chair_id)
        .outerjoin(Household, col(Household.id) == Loan.household_id)
        .outerjoin(head, col(head.id) == Household.head_id)
        .outerjoin(hv, col(hv.id) == Household.village_id)
    )
    if loan_ids is not None:
        q = q.where(col(Loan.id).in_(loan_ids))
    out: dict[str, LoanInfo] = {}
    day = day_reader()
    villages: dict[tuple[int, str], str] = {}  # (moo, name) -> label, made once per village
    # core rows: the ORM's per-row work was a third of the time on a district's book (flushed first, as the ORM would)
    if session.autoflush:
        session.flush()
    for row in session.connection().execute(q).all():
        (lid, agreement, kind, purpose, principal, applied, disbursed, fid, fname, fund_ladder, loan_ladder,
         loan_demand, fund_demand, gname,
         gvid, gmoo, gvname, chair_phone, title, first, last, head_phone, hh_phone, hvid, hmoo, hvname) = row
        if kind == "group":
            borrower, vid, moo_name, phone = gname, gvid, (gmoo, gvname), chair_phone or ""
            sort_name = gname
        else:
            borrower = person_name(title, first, last)
            sort_name = f"{first} {last}"
            vid, moo_name, phone = hvid, (hmoo, hvname), hh_phone or head_phone or ""
        village = villages.get(moo_name)
        if village is None:
            village = villages[moo_name] = village_label(*moo_name)
        out[lid] = LoanInfo(
            id=lid,
            agreement_no=agreement,
            borrower=borrower,
            borrower_kind=kind,
            village_id=vid,
            village=village,
            fund_id=fid,
            fund=fname,
            ask_ladder=loan_ladder or fund_ladder,  # loans made before rules were copied follow their fund
            demand_rules=loan_demand or fund_demand,
            sort_name=sort_name,
            purpose=purpose,
            principal_satang=principal,
            applied_on=day(applied),
            disbursed_on=day(disbursed),
            phone=phone,
        )
    if out and (session.scalar(select(func.count(func.distinct(Subdistrict.code)))) or 0) > 1:
        labels = village_labels(session)  # the office's database: say which subdistrict
        for info in out.values():
            info.village = labels.get(info.village_id, info.village)
    return out
