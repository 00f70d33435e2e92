"""The loan book services: funds, loans, the prevent checklist, disbursement, payments, restructuring.

Every function takes an open session and leaves committing to the caller, so a command is one
transaction: bad input raises `InputError` before anything is written.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from operator import itemgetter

from sqlalchemy import String, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from fieldtool.funds import FUND_KINDS, add_fund, check_instalments, get_fund, loan_rules, rules_of_loan  # noqa: F401  (callers use them here)
from fieldtool.ledger import (
    InstalmentState,
    LoanState,
    PaymentEvent,
    ScheduleState,
    apply_payments,
    schedule_in_force,
    still_owed,
)
from fieldtool.limits import (
    LINE,
    NOTE,
    check_amount,
    check_day,
    check_day_or_none,
    check_fund_limit,
    check_rate,
    check_text,
)
from fieldtool.models import (
    BorrowingGroup,
    Fund,
    Household,
    Instalment,
    Loan,
    Payment,
    Person,
    PreventCheck,
    Schedule,
    Setting,
    Subdistrict,
    Village,
    new_id,
)
from fieldtool.schedule import PlannedInstalment, check_frequency, due_dates, plan, split_evenly
from fieldtool.text import Text
from fieldtool.thai import InputError, format_baht, format_date, format_date_en

# The ป (prevent) checklist of DOMAIN.md, in the order the work is done.
PREVENT_ITEMS = (
    ("understanding", "ชี้แจงทำความเข้าใจกองทุนและหน้าที่ของสมาชิก", "Explained the fund and members' duties"),
    ("proposal", "ตรวจสอบโครงการที่ขอกู้ให้ถูกต้องครบถ้วน", "Checked the loan proposal"),
    ("feasibility", "ลงพื้นที่ตรวจความเป็นไปได้ของโครงการ", "Visited to judge feasibility"),
    ("leaders", "สอบถามข้อมูลผู้กู้จากผู้นำชุมชน", "Asked village leaders about the borrowers"),
    ("risk", "ประเมินความเสี่ยงการชำระคืน", "Assessed the repayment risk"),
    ("guarantee", "ประชุมกลุ่มค้ำประกันซึ่งกันและกัน", "Group guarantee meeting held"),
)
PREVENT_CODES = tuple(code for code, _, _ in PREVENT_ITEMS)

# What the bounds of fieldtool.limits call each value in their sentences.
PRINCIPAL = Text("เงินต้น", "the principal")
PAYMENT = Text("จำนวนเงินที่ชำระ", "the amount paid")
DAYS = {
    "applied_on": Text("วันยื่นคำขอ", "the application date"),
    "approved_on": Text("วันอนุมัติ", "the approval date"),
    "first_due": Text("วันครบกำหนดงวดแรก", "the first due date"),
    "disbursed_on": Text("วันจ่ายเงินกู้", "the disbursement date"),
    "paid_on": Text("วันชำระ", "the payment date"),
    "on": Text("วันที่", "the date"),
}
NOTE_TEXT = Text("หมายเหตุ", "the note")
REASON = Text("เหตุผล", "the reason")


def now_utc() -> datetime:
    return datetime.now(UTC)


def officer_of(session: Session) -> str:
    if "officer" not in session.info:
        row = session.get(Setting, "officer")
        session.info["officer"] = row.value if row else ""
    return session.info["officer"]


def device_of(session: Session) -> str:
    row = session.get(Setting, "device_id")
    return row.value if row else ""


# --- lookups ---------------------------------------------------------------------------------------


def get_loan(session: Session, loan_id: str) -> Loan:
    loan = session.get(Loan, loan_id) if loan_id else None
    if loan is None:
        # Officers read ids off a screen; let them type the first characters of one.
        matches = session.scalars(select(Loan).where(Loan.id.startswith(loan_id or "\0"))).all()
        if len(matches) == 1 and len(loan_id) >= 6:
            return matches[0]
        matches = session.scalars(select(Loan).where(Loan.agreement_no == loan_id)).all()
        if len(matches) == 1:
            return matches[0]
        raise InputError(f"ไม่พบสัญญาเงินกู้ {loan_id} (no such loan: {loan_id})")
    return loan


# --- loans -----------------------------------------------------------------------------------------


@dataclass
class LoanRows:
    """A new loan as rows: the loan, its first schedule with the instalments, the open prevent checklist."""

    loan: dict
    schedule: dict
    instalments: list[dict]
    checks: list[dict]


def new_loan_rows(
    fund: Fund,
    *,
    principal_satang: int,
    instalments: int,
    first_due: date,
    applied_on: date,
    group_id: str | None = None,
    household_id: str | None = None,
    purpose: str = "",
    rate_bp: int | None = None,
    frequency: str | None = None,
    approved_on: date | None = None,
    agreement_no: str = "",
) -> LoanRows:
    """The rows of a loan applied for (stage ป, prevent), checked: one borrower, the frequency, the rate, the
    dates, the number of instalments, the principal (within the absolute limit and the fund's maximum loan, as
    the fund has it now: a loan is held to the rules of the day it is made). That the fund and the borrower
    exist needs the book: `add_loan` asks it, an import's plan has found them."""
    if (group_id is None) == (household_id is None):
        raise InputError("ต้องระบุผู้กู้เป็นกลุ่มหรือครัวเรือนอย่างใดอย่างหนึ่ง (give either a group or a household as borrower)")
    frequency = check_frequency(frequency or fund.default_frequency)
    rate_bp = fund.rate_bp if rate_bp is None else rate_bp
    check_loan_terms(principal_satang, rate_bp, instalments, purpose, agreement_no,
                     applied_on=applied_on, approved_on=approved_on, first_due=first_due)
    check_fund_limit(principal_satang, fund.name, fund.max_loan_satang)
    if approved_on and approved_on < applied_on:
        raise InputError("วันอนุมัติต้องไม่ก่อนวันยื่นคำขอ (approval cannot be before the application)")
    if first_due <= applied_on:
        raise InputError("วันครบกำหนดงวดแรกต้องหลังวันยื่นคำขอ (the first due date must be after the application)")
    planned = plan(principal_satang, instalments, frequency, first_due, rate_bp)
    ask_ladder, demand_rules = loan_rules(fund)
    loan = {
        "id": new_id(),
        "ask_ladder": ask_ladder,
        "demand_rules": demand_rules,
        "agreement_no": agreement_no,
        "fund_id": fund.id,
        "borrower_kind": "group" if group_id else "household",
        "group_id": group_id,
        "household_id": household_id,
        "purpose": purpose,
        "principal_satang": principal_satang,
        "rate_bp": rate_bp,
        "instalments": instalments,
        "frequency": frequency,
        "first_due": first_due,
        "applied_on": applied_on,
        "approved_on": approved_on,
    }
    schedule, rows = schedule_rows(loan["id"], 1, applied_on, "", planned)
    checks = [{"id": new_id(), "loan_id": loan["id"], "item": code} for code in PREVENT_CODES]
    return LoanRows(loan, schedule, rows, checks)


def check_loan_terms(principal_satang: int, rate_bp: int, instalments: int, purpose: str = "", agreement_no: str = "",
                     **days: date | None) -> None:
    """A loan's terms within the bounds of fieldtool.limits; `days` by their names in `DAYS`. A new loan is
    checked here, and an import's plan checks each loan row here before it says the row will be made."""
    for name, day in days.items():
        check_day_or_none(day, DAYS[name])
    check_amount(principal_satang, PRINCIPAL)
    check_rate(rate_bp)
    check_instalments(instalments)
    check_text(purpose, Text("วัตถุประสงค์", "the purpose"), LINE)
    check_text(agreement_no, Text("เลขที่สัญญา", "the agreement number"), LINE)


def schedule_rows(loan_id: str, version: int, effective_from: date, reason: str, planned) -> tuple[dict, list[dict]]:
    """A schedule version and its instalments as rows."""
    schedule = {"id": new_id(), "loan_id": loan_id, "version": version, "effective_from": effective_from,
                "reason": reason, "created_at": now_utc()}
    return schedule, [
        {"id": new_id(), "schedule_id": schedule["id"], "loan_id": loan_id, "no": p.no, "due_date": p.due_date,
         "principal_satang": p.principal_satang, "interest_satang": p.interest_satang}
        for p in planned
    ]


def add_loan(
    session: Session,
    *,
    fund_id: str,
    principal_satang: int,
    instalments: int,
    first_due: date,
    applied_on: date,
    group_id: str | None = None,
    household_id: str | None = None,
    purpose: str = "",
    rate_bp: int | None = None,
    frequency: str | None = None,
    approved_on: date | None = None,
    agreement_no: str = "",
) -> Loan:
    """A loan applied for (stage ป, prevent): its schedule and an open prevent checklist."""
    fund = get_fund(session, fund_id)
    if group_id is not None and session.get(BorrowingGroup, group_id) is None:
        raise InputError(f"ไม่พบกลุ่ม {group_id} (no such group: {group_id})")
    if household_id is not None and session.get(Household, household_id) is None:
        raise InputError(f"ไม่พบครัวเรือน {household_id} (no such household: {household_id})")
    rows = new_loan_rows(
        fund, principal_satang=principal_satang, instalments=instalments, first_due=first_due,
        applied_on=applied_on, group_id=group_id, household_id=household_id, purpose=purpose, rate_bp=rate_bp,
        frequency=frequency, approved_on=approved_on, agreement_no=agreement_no,
    )
    loan = Loan(**rows.loan)
    session.add(loan)
    session.flush()  # the loan row first: its schedule and checklist point at it
    _add_schedule(session, rows.schedule, rows.instalments)
    session.add_all([PreventCheck(**row) for row in rows.checks])
    session.flush()
    return loan


def new_disbursed_loan_rows(fund: Fund, *, on: date, reason: str, **terms) -> LoanRows:
    """The rows of a loan paid out on `on` as it is made (one brought in from an office's old book), `terms`
    as `new_loan_rows` takes them. Its prevent checklist is open, so `reason` says why it was paid out."""
    rows = new_loan_rows(fund, **terms)
    loan = rows.loan
    open_items = [c["item"] for c in rows.checks]
    loan.update(disbursement(loan["applied_on"], loan["first_due"], loan["approved_on"], None, on, open_items, reason))
    return rows


def _add_schedule(session, schedule: dict, instalments: list[dict]) -> Schedule:
    sched = Schedule(**schedule)
    session.add(sched)
    session.flush()
    session.add_all([Instalment(**row) for row in instalments])
    return sched


def prevent_checklist(session: Session, loan_id: str) -> list[PreventCheck]:
    rows = session.scalars(select(PreventCheck).where(PreventCheck.loan_id == loan_id)).all()
    order = {code: i for i, code in enumerate(PREVENT_CODES)}
    return sorted(rows, key=lambda r: order.get(r.item, 99))


def set_check(
    session: Session, loan_id: str, item: str, done: bool = True, on: date | None = None, note: str = ""
) -> PreventCheck:
    loan = get_loan(session, loan_id)
    if item not in PREVENT_CODES:
        raise InputError(f"ไม่มีรายการตรวจ {item} (no checklist item {item}; one of {', '.join(PREVENT_CODES)})")
    if done and on is None:
        raise InputError("ระบุวันที่ทำรายการนี้ (give the date the item was done)")
    check_day_or_none(on, DAYS["on"])
    check_text(note, NOTE_TEXT, NOTE)
    row = next(r for r in prevent_checklist(session, loan.id) if r.item == item)
    row.done = done
    row.done_on = on if done else None
    row.note = note
    session.flush()
    return row


def open_prevent_items(session: Session, loan_id: str) -> list[str]:
    return [r.item for r in prevent_checklist(session, loan_id) if not r.done]


def disbursement(
    applied_on: date, first_due: date, approved_on: date | None, disbursed_on: date | None, on: date,
    open_items: list[str], reason: str = "",
) -> dict:
    """What paying a loan out on `on` sets, checked: once, not before the application, before the first due
    date, and with the officer's reason while prevent items are open."""
    check_day(on, DAYS["disbursed_on"])
    check_text(reason, REASON, NOTE)
    if disbursed_on is not None:
        raise InputError(Text(f"สัญญานี้จ่ายเงินกู้แล้วเมื่อ {format_date(disbursed_on)}",
                              f"this loan was already disbursed on {format_date_en(disbursed_on)}"))
    if on < applied_on:
        raise InputError("วันจ่ายเงินกู้ต้องไม่ก่อนวันยื่นคำขอ (disbursement cannot be before the application)")
    if on >= first_due:
        raise InputError("วันจ่ายเงินกู้ต้องก่อนวันครบกำหนดงวดแรก (disbursement must be before the first due date)")
    if open_items and not reason.strip():
        labels = {code: th for code, th, _ in PREVENT_ITEMS}
        raise InputError(
            "ยังจ่ายเงินกู้ไม่ได้ รายการป้องกันยังไม่ครบ: "
            f"{', '.join(labels[m] for m in open_items)} "
            f"(the prevent checklist has open items: {', '.join(open_items)}; record a reason to disburse anyway)"
        )
    return {
        "disbursed_on": on,
        "approved_on": on if approved_on is None else approved_on,
        "prevent_override": reason.strip() if open_items else "",
    }


def disburse(session: Session, loan_id: str, on: date, reason: str = "") -> Loan:
    """Pay out the loan. Refused while prevent items are open, unless the officer says why."""
    loan = get_loan(session, loan_id)
    changes = disbursement(loan.applied_on, loan.first_due, loan.approved_on, loan.disbursed_on, on,
                           open_prevent_items(session, loan.id), reason)
    for name, value in changes.items():
        setattr(loan, name, value)
    session.flush()
    return loan


def payment_row(
    loan_id: str,
    disbursed_on: date | None,
    amount_satang: int,
    paid_on: date,
    *,
    recorded_by: str,
    device_id: str,
    note: str = "",
    receipt_no: str = "",
) -> dict:
    """A payment as a row, checked: more than zero and within bounds, on a loan paid out, not dated before the
    money went out. That it is not more than is owed needs the book: `record_payment` asks it."""
    if amount_satang <= 0:
        raise InputError("จำนวนเงินต้องมากกว่าศูนย์ (the amount must be more than zero)")
    check_amount(amount_satang, PAYMENT)
    check_day(paid_on, DAYS["paid_on"])
    check_text(note, NOTE_TEXT, NOTE)
    check_text(receipt_no, Text("เลขที่ใบเสร็จ", "the receipt number"), LINE)
    if disbursed_on is None:
        raise InputError("สัญญานี้ยังไม่ได้จ่ายเงินกู้ รับชำระไม่ได้ (this loan has not been disbursed; no payment can be taken)")
    if paid_on < disbursed_on:
        raise InputError("วันชำระต้องไม่ก่อนวันจ่ายเงินกู้ (a payment cannot be dated before the disbursement)")
    return {
        "id": new_id(),
        "loan_id": loan_id,
        "amount_satang": amount_satang,
        "paid_on": paid_on,
        "note": note,
        "receipt_no": receipt_no.strip(),
        "recorded_at": now_utc(),
        "recorded_by": recorded_by,
        "device_id": device_id,
    }


def record_payment(
    session: Session, loan_id: str, amount_satang: int, paid_on: date, note: str = "", receipt_no: str = "",
    credit: bool = False,
) -> Payment:
    """Take a payment. More than is still owed is refused unless `credit`: the officer says the rest stays with
    the loan as money paid in advance (the ledger's credit beyond the last instalment)."""
    loan = get_loan(session, loan_id)
    payment = Payment(**payment_row(loan.id, loan.disbursed_on, amount_satang, paid_on, note=note,
                                    receipt_no=receipt_no, recorded_by=officer_of(session),
                                    device_id=device_of(session)))
    if not credit:
        check_not_beyond_owed(session, loan.id, amount_satang, paid_on)
    session.add(payment)
    session.flush()
    return payment


def owed_on(session: Session, loan_id: str, paid_on: date) -> int:
    """What is still owed on the schedule a payment made on `paid_on` goes to, every payment recorded counted
    (also those dated later: a payment typed in late must not pay an instalment twice)."""
    state = load_states(session, date.max, [loan_id])[loan_id]
    target = schedule_in_force(state.schedules, paid_on)
    return sum(i.remaining_satang for i in target.instalments) if target else 0


def check_not_beyond_owed(session: Session, loan_id: str, amount_satang: int, paid_on: date) -> None:
    owed = owed_on(session, loan_id, paid_on)
    if amount_satang > owed:
        raise InputError(Text(
            f"ยอดชำระ {format_baht(amount_satang)} บาท เกินยอดที่ยังค้าง {format_baht(owed)} บาท "
            "ถ้าตั้งใจรับส่วนเกินไว้ ให้บันทึกเป็นเงินชำระเกิน",
            f"the payment of {format_baht(amount_satang)} baht is more than the {format_baht(owed)} baht still owed; "
            "record it as a credit if the rest is meant to stay with the loan",
        ))


def reverse_payment(session: Session, payment_id: str, on: date, note: str = "") -> Payment:
    """Correct a wrong payment by a reversing event; the original stays in the book."""
    check_day(on, DAYS["on"])
    check_text(note, NOTE_TEXT, NOTE)
    original = session.get(Payment, payment_id)
    if original is None or original.reverses_id is not None:
        raise InputError(f"ไม่พบรายการรับชำระ {payment_id} (no such payment: {payment_id})")
    already = session.scalars(select(Payment).where(Payment.reverses_id == original.id)).first()
    if already is not None:
        raise InputError("รายการนี้ถูกยกเลิกไปแล้ว (this payment has already been reversed)")
    reversal = Payment(
        loan_id=original.loan_id,
        amount_satang=-original.amount_satang,
        paid_on=on,
        reverses_id=original.id,
        note=note,
        recorded_at=now_utc(),
        recorded_by=officer_of(session),
        device_id=device_of(session),
    )
    session.add(reversal)
    session.flush()
    return reversal


def restructure(
    session: Session,
    loan_id: str,
    on: date,
    instalments: int,
    first_due: date,
    frequency: str | None = None,
    reason: str = "",
) -> Schedule:
    """Bring the debt back into the system: a new agreed schedule for what is still owed on `on`.

    Payments dated before `on` stay with the old schedule, which is kept as history. The new schedule lends
    nothing new (its principal is what is still owed, never more than the loan's), so the fund's maximum loan
    is not asked again.
    """
    loan = get_loan(session, loan_id)
    check_day(on, DAYS["on"])
    check_day(first_due, DAYS["first_due"])
    check_instalments(instalments)
    check_text(reason, REASON, NOTE)
    if loan.disbursed_on is None:
        raise InputError("สัญญานี้ยังไม่ได้จ่ายเงินกู้ (this loan has not been disbursed)")
    if first_due <= on:
        raise InputError("วันครบกำหนดงวดแรกใหม่ต้องหลังวันปรับโครงสร้างหนี้ (the new first due date must be after the restructuring)")
    state = load_states(session, on - timedelta(days=1), [loan.id])[loan.id]
    if state.active and on < state.active.effective_from:
        raise InputError("วันปรับโครงสร้างหนี้ต้องไม่ก่อนตารางปัจจุบัน (cannot restructure before the current schedule began)")
    if state.outstanding_satang <= 0:
        raise InputError("สัญญานี้ไม่มียอดค้างชำระ (nothing is owed on this loan)")
    frequency = check_frequency(frequency or loan.frequency)
    remaining_interest = sum(i.remaining_interest for i in state.instalments)
    if state.outstanding_principal:
        planned = plan(state.outstanding_principal, instalments, frequency, first_due, interest_satang=remaining_interest)
    else:
        planned = _interest_only_plan(remaining_interest, instalments, frequency, first_due)
    version = max(s.version for s in state.schedules) + 1
    sched = _add_schedule(session, *schedule_rows(loan.id, version, on, reason.strip(), planned))
    session.flush()
    return sched


def _interest_only_plan(interest: int, count: int, frequency: str, first_due: date) -> list[PlannedInstalment]:
    # Only interest is still owed: the new instalments carry interest and no principal.
    return [
        PlannedInstalment(no=k + 1, due_date=d, principal_satang=0, interest_satang=r)
        for k, (d, r) in enumerate(zip(due_dates(first_due, count, frequency), split_evenly(interest, count), strict=True))
    ]


# --- derived state ---------------------------------------------------------------------------------


def _as_date(value) -> date | None:
    # Read as text and parsed here: about twice as fast as SQLAlchemy's SQLite date processing on
    # district-sized books. Drivers that return real dates (PostgreSQL) pass straight through.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def load_states(session: Session, as_of: date, loan_ids: list[str] | None = None) -> dict[str, LoanState]:
    """Every loan (or the given ones) as it stands on `as_of`, loaded in a few bulk queries."""
    loan_q = select(Loan.id, type_coerce(Loan.disbursed_on, String))
    sched_q = select(
        Schedule.id, Schedule.loan_id, Schedule.version, type_coerce(Schedule.effective_from, String), Schedule.reason
    )
    inst_q = select(
        Instalment.id,
        Instalment.schedule_id,
        Instalment.no,
        type_coerce(Instalment.due_date, String),
        Instalment.principal_satang,
        Instalment.interest_satang,
    ).order_by(Instalment.schedule_id, Instalment.no, Instalment.id)  # id: the same order every time, as open_states
    pay_q = select(
        Payment.id,
        Payment.loan_id,
        type_coerce(Payment.paid_on, String),
        Payment.amount_satang,
        Payment.reverses_id,
        type_coerce(Payment.recorded_at, String),
    )
    if loan_ids is not None:
        loan_q = loan_q.where(Loan.id.in_(loan_ids))
        sched_q = sched_q.where(Schedule.loan_id.in_(loan_ids))
        inst_q = inst_q.where(Instalment.loan_id.in_(loan_ids))
        pay_q = pay_q.where(Payment.loan_id.in_(loan_ids))
    conn = session.connection()  # core rows, without the ORM's per-row work
    instalments: dict[str, list[InstalmentState]] = defaultdict(list)
    for iid, sid, no, due, principal, interest in conn.execute(inst_q).all():
        instalments[sid].append(InstalmentState(iid, no, _as_date(due), principal, interest))
    schedules: dict[str, list[ScheduleState]] = defaultdict(list)
    for sid, lid, version, eff, reason in conn.execute(sched_q).all():
        schedules[lid].append(ScheduleState(sid, version, _as_date(eff), reason, instalments.get(sid, [])))
    payments: dict[str, list[PaymentEvent]] = defaultdict(list)
    for pid, lid, paid_on, amount, rev, rec in conn.execute(pay_q).all():
        payments[lid].append(PaymentEvent(pid, _as_date(paid_on), amount, rev, (str(rec), pid)))
    return {
        lid: apply_payments(lid, _as_date(disbursed), schedules.get(lid, []), payments.get(lid, []), as_of)
        for lid, disbursed in conn.execute(loan_q).all()
    }


def day_reader():
    """`_as_date` that remembers what it has read: a district's book has 100,000 due dates but a few hundred days."""
    seen: dict[str, date] = {}

    def day(value):
        found = seen.get(value)
        if found is None:
            if value is None or isinstance(value, date):
                return value
            found = seen[value] = date.fromisoformat(value)
        return found

    return day


@contextmanager
def bulk_reading():
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


@dataclass
class BookRows:
    """The loan book on one day as plain rows, read in a few bulk queries (`read_book`): what the lists start from."""

    as_of: date
    loans: list  # (loan id, disbursed_on), in the order load_states goes through them
    schedules: dict[str, list]  # loan id -> its schedules as (id, loan id, version, effective_from, reason)
    plain: set[str]  # loans whose figures follow from the sum paid (ledger.still_owed): see read_book
    paid: dict[str, int]  # loan id -> the sum of its payments dated up to as_of
    instalments: list  # (id, no, due_date, principal, interest, schedule id), each schedule's in order
    day: Callable[[object], date | None]  # day_reader(): dates are read as text and parsed once per distinct day

    def plain_schedule(self, loan_id: str) -> tuple[str, int, date, str]:
        """(id, version, effective_from, reason) of a plain loan's one schedule."""
        sid, _, version, eff, reason = self.schedules[loan_id][0]
        return sid, version, self.day(eff), reason


def read_book(session: Session, as_of: date, loan_ids: list[str] | None = None) -> BookRows:
    """Read the book for `as_of` in bulk, as rows, not ORM objects (each object costs more than its row's worth).

    A loan is plain when it has one schedule and no payment reversed or negative (nor an instalment below zero):
    all its payments then go to that schedule oldest instalment first, and what it owes follows from their sum
    (`ledger.still_owed`), which SQL adds up. Most loans are plain; the others need the whole ledger.
    """
    conn = session.connection()
    loan_q = select(Loan.id, type_coerce(Loan.disbursed_on, String))
    sched_q = select(
        Schedule.id, Schedule.loan_id, Schedule.version, type_coerce(Schedule.effective_from, String), Schedule.reason
    )
    # per loan: the sum paid by as_of, and whether any payment is a reversal or below zero (one pass over payments)
    paid_q = select(
        Payment.loan_id,
        func.sum(case((Payment.paid_on <= as_of, Payment.amount_satang), else_=0)),
        func.max(case((or_(Payment.reverses_id.is_not(None), Payment.amount_satang < 0), 1), else_=0)),
    ).group_by(Payment.loan_id)
    inst_q = select(
        Instalment.id,
        Instalment.no,
        type_coerce(Instalment.due_date, String),
        Instalment.principal_satang,
        Instalment.interest_satang,
        Instalment.schedule_id,
    ).order_by(Instalment.schedule_id, Instalment.no, Instalment.id)
    if loan_ids is not None:
        loan_q = loan_q.where(Loan.id.in_(loan_ids))
        sched_q = sched_q.where(Schedule.loan_id.in_(loan_ids))
        paid_q = paid_q.where(Payment.loan_id.in_(loan_ids))
        inst_q = inst_q.where(Instalment.loan_id.in_(loan_ids))
    loans = conn.execute(loan_q).all()
    schedules: dict[str, list] = defaultdict(list)
    for row in conn.execute(sched_q).all():
        schedules[row[1]].append(row)
    paid, odd = {}, set()
    for lid, total, reversed_or_negative in conn.execute(paid_q).all():
        paid[lid] = total
        if reversed_or_negative:
            odd.add(lid)
    instalments = conn.execute(inst_q).all()
    odd_scheds = {row[5] for row in instalments if row[3] < 0 or row[4] < 0}
    plain = {
        lid for lid, _ in loans
        if lid not in odd and len(schedules.get(lid, ())) == 1 and schedules[lid][0][0] not in odd_scheds
    }
    return BookRows(as_of, loans, schedules, plain, paid, instalments, day_reader())


# Above this many loans that need the whole ledger, one load_states of everything is quicker than a long IN list.
_MANY_ODD_LOANS = 500


def load_odd_states(session: Session, book: BookRows, loan_ids: list[str] | None) -> dict[str, LoanState]:
    """load_states of the loans of `book` that are not plain."""
    odd = [lid for lid, _ in book.loans if lid not in book.plain]
    if len(odd) > _MANY_ODD_LOANS:
        return load_states(session, book.as_of, loan_ids)
    return load_states(session, book.as_of, odd) if odd else {}


def open_states(
    session: Session, as_of: date, loan_ids: list[str] | None = None, book: BookRows | None = None
) -> dict[str, LoanState]:
    """Every loan (or the given ones) on `as_of` as `load_states` has it, except that of its schedule in force it
    holds only the instalments still owed: what the lists need (stage, outstanding, arrears, days overdue, next
    due, credit) without the mostly paid-up book. A loan's history and settled days need `load_states`.

    Plain loans (see read_book) are worked out from their rows and the sum paid; only their instalments still
    owed become objects. The others go through `ledger.apply_payments` as ever. tests/test_fast_paths.py holds
    both ways equal on a random district book.
    """
    book = book or read_book(session, as_of, loan_ids)
    day, paid, plain = book.day, book.paid, book.plain
    loan_of = {book.schedules[lid][0][0]: lid for lid in plain}
    owed: dict[str, tuple[list[InstalmentState], int]] = {}
    for sid, rows in groupby(book.instalments, itemgetter(5)):
        lid = loan_of.get(sid)
        if lid is not None:
            owed[sid] = still_owed(rows, paid.get(lid, 0), as_of, day)
    odd = load_odd_states(session, book, loan_ids)
    out: dict[str, LoanState] = {}
    for lid, disbursed in book.loans:
        if lid not in plain:
            out[lid] = odd[lid]
            continue
        sid, version, eff, reason = book.plain_schedule(lid)
        total = paid.get(lid, 0)
        instalments, credit = owed.get(sid, ([], total))
        sched = ScheduleState(sid, version, eff, reason, instalments, credit)
        out[lid] = LoanState(lid, as_of, day(disbursed), [sched], sched, total)
    return out


@dataclass
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
        select(Village.id, Village.moo, Village.name, Subdistrict.code, Subdistrict.name)
        .outerjoin(Subdistrict, Subdistrict.id == Village.subdistrict_id)
    ).all()
    several = len({r[3] for r in rows}) > 1  # by code: two laptops of one subdistrict each made its row
    out = {}
    for vid, moo, name, _sid, sub in rows:
        label = village_label(moo, name)
        if several and sub:
            short = sub.removeprefix("ตำบล").removeprefix("ต.").strip()
            label = f"{label} ต.{short}"
        out[vid] = label
    return out


def person_name(title: str, first: str, last: str) -> str:
    return f"{title}{first} {last}".strip()


def loan_infos(session: Session, loan_ids: list[str] | None = None) -> dict[str, LoanInfo]:
    head = aliased(Person)
    chair = aliased(Person)
    gv = aliased(Village)
    hv = aliased(Village)
    q = (
        select(
            Loan.id,
            Loan.agreement_no,
            Loan.borrower_kind,
            Loan.purpose,
            Loan.principal_satang,
            type_coerce(Loan.applied_on, String),
            type_coerce(Loan.disbursed_on, String),
            Fund.id,
            Fund.name,
            Fund.ask_ladder,
            Loan.ask_ladder,
            Loan.demand_rules,
            Fund.demand_rules,
            BorrowingGroup.name,
            gv.id,
            gv.moo,
            gv.name,
            chair.phone,
            head.title,
            head.first_name,
            head.last_name,
            head.phone,
            Household.phone,
            hv.id,
            hv.moo,
            hv.name,
        )
        .join(Fund, Fund.id == Loan.fund_id)
        .outerjoin(BorrowingGroup, BorrowingGroup.id == Loan.group_id)
        .outerjoin(gv, gv.id == BorrowingGroup.village_id)
        .outerjoin(chair, chair.id == BorrowingGroup.chair_id)
        .outerjoin(Household, Household.id == Loan.household_id)
        .outerjoin(head, head.id == Household.head_id)
        .outerjoin(hv, hv.id == Household.village_id)
    )
    if loan_ids is not None:
        q = q.where(Loan.id.in_(loan_ids))
    out = {}
    day = day_reader()
    villages: dict[tuple, str] = {}  # (moo, name) -> label, made once per village
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
    if out and session.execute(select(func.count(func.distinct(Subdistrict.code)))).scalar() > 1:
        labels = village_labels(session)  # the office's database: say which subdistrict
        for info in out.values():
            info.village = labels.get(info.village_id, info.village)
    return out


def stage_timeline(session: Session, loan_id: str, until: date) -> list[tuple[date, str]]:
    """The days on which the loan's ปตท. stage changed, up to `until`."""
    loan = get_loan(session, loan_id)
    days = {loan.applied_on, until}
    if loan.disbursed_on:
        days.add(loan.disbursed_on)
    for (due,) in session.execute(select(Instalment.due_date).where(Instalment.loan_id == loan.id)):
        days.add(due + timedelta(days=1))
    for (paid_on,) in session.execute(select(Payment.paid_on).where(Payment.loan_id == loan.id)):
        days.add(paid_on)
    for (eff,) in session.execute(select(Schedule.effective_from).where(Schedule.loan_id == loan.id)):
        days.add(eff)
    timeline: list[tuple[date, str]] = []
    for day in sorted(d for d in days if loan.applied_on <= d <= until):
        stage = load_states(session, day, [loan.id])[loan.id].stage
        if not timeline or timeline[-1][1] != stage:
            timeline.append((day, stage))
    return timeline
