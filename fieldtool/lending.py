"""Making a loan and paying it out: the application with its terms checked, the ป (prevent) checklist,
disbursement, restructuring, and the days a loan's ปตท. stage changed.

Every function takes an open session and leaves committing to the caller, so a command is one
transaction: bad input raises `InputError` before anything is written. Payments are `fieldtool.repayments`;
the book as it stands on a day is `fieldtool.loanbook`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.funds import get_fund, loan_rules
from fieldtool.limits import (
    LINE,
    NOTE,
    check_amount,
    check_day,
    check_day_or_none,
    check_fund_limit,
    check_instalments,
    check_rate,
    check_text,
)
from fieldtool.loanbook import load_states, now_utc, read_loans, states_on
from fieldtool.models import (
    BorrowingGroup,
    Fund,
    Household,
    Instalment,
    Loan,
    Payment,
    PreventCheck,
    Schedule,
    new_id,
)
from fieldtool.running_sums import sum_up
from fieldtool.schedule import PlannedInstalment, check_frequency, due_dates, plan, split_evenly
from fieldtool.text import Text
from fieldtool.thai import InputError, format_date, format_date_en
from fieldtool.vocabulary import PreventItem, Stage

# A table row as column -> value, as `Model(**row)` and the importer's bulk inserts take it.
Row = dict[str, Any]

# What the bounds of fieldtool.limits call each value in their sentences.
PRINCIPAL = Text("เงินต้น", "the principal")
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


def get_loan(session: Session, loan_id: str) -> Loan:
    loan = session.get(Loan, loan_id) if loan_id else None
    if loan is None:
        # Officers read ids off a screen; let them type the first characters of one.
        matches = session.scalars(select(Loan).where(col(Loan.id).startswith(loan_id or "\0"))).all()
        if len(matches) == 1 and len(loan_id) >= 6:
            return matches[0]
        matches = session.scalars(select(Loan).where(col(Loan.agreement_no) == loan_id)).all()
        if len(matches) == 1:
            return matches[0]
        raise InputError(Text(f"ไม่พบสัญญาเงินกู้ {loan_id}", f"no such loan: {loan_id}"))
    return loan


# --- loans -----------------------------------------------------------------------------------------


@dataclass
class LoanRows:
    """A new loan as rows: the loan, its first schedule with the instalments, the open prevent checklist."""

    loan: Row
    schedule: Row
    instalments: list[Row]
    checks: list[Row]


class LoanTerms(TypedDict):
    """What an application says, as `new_loan_rows` takes it (by keyword)."""

    principal_satang: int
    instalments: int
    first_due: date
    applied_on: date
    group_id: NotRequired[str | None]
    household_id: NotRequired[str | None]
    purpose: NotRequired[str]
    rate_bp: NotRequired[int | None]
    frequency: NotRequired[str | None]
    approved_on: NotRequired[date | None]
    agreement_no: NotRequired[str]


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
        raise InputError(Text("ต้องระบุผู้กู้เป็นกลุ่มหรือครัวเรือนอย่างใดอย่างหนึ่ง",
                              "give either a group or a household as borrower"))
    checked_frequency = check_frequency(frequency or fund.default_frequency)
    rate_bp = fund.rate_bp if rate_bp is None else rate_bp
    check_loan_terms(principal_satang, rate_bp, instalments, purpose, agreement_no,
                     applied_on=applied_on, approved_on=approved_on, first_due=first_due)
    check_fund_limit(principal_satang, fund.name, fund.max_loan_satang)
    if approved_on and approved_on < applied_on:
        raise InputError(Text("วันอนุมัติต้องไม่ก่อนวันยื่นคำขอ", "approval cannot be before the application"))
    if first_due <= applied_on:
        raise InputError(Text("วันครบกำหนดงวดแรกต้องหลังวันยื่นคำขอ", "the first due date must be after the application"))
    planned = plan(principal_satang, instalments, checked_frequency, first_due, rate_bp)
    ask_ladder, demand_rules = loan_rules(fund)
    loan_id = new_id()
    loan: Row = {
        "id": loan_id,
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
        "frequency": checked_frequency.value,
        "first_due": first_due,
        "applied_on": applied_on,
        "approved_on": approved_on,
    }
    schedule, rows = schedule_rows(loan_id, 1, applied_on, "", planned)
    checks: list[Row] = [{"id": new_id(), "loan_id": loan_id, "item": item.value} for item in PreventItem]
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


def schedule_rows(
    loan_id: str, version: int, effective_from: date, reason: str, planned: Iterable[PlannedInstalment]
) -> tuple[Row, list[Row]]:
    """A schedule version and its instalments as rows, each with the sum due up to and including it."""
    schedule: Row = {"id": new_id(), "loan_id": loan_id, "version": version, "effective_from": effective_from,
                     "reason": reason, "created_at": now_utc()}
    instalments: list[Row] = [
        {"id": new_id(), "schedule_id": schedule["id"], "loan_id": loan_id, "no": p.no, "due_date": p.due_date,
         "principal_satang": p.principal_satang, "interest_satang": p.interest_satang}
        for p in planned
    ]
    sum_up(instalments)
    return schedule, instalments


def add_loan(session: Session, *, fund_id: str, **terms: Unpack[LoanTerms]) -> Loan:
    """A loan applied for (stage ป, prevent): its schedule and an open prevent checklist. `terms` as
    `new_loan_rows` takes them."""
    fund = get_fund(session, fund_id)
    group_id, household_id = terms.get("group_id"), terms.get("household_id")
    if group_id is not None and session.get(BorrowingGroup, group_id) is None:
        raise InputError(Text(f"ไม่พบกลุ่ม {group_id}", f"no such group: {group_id}"))
    if household_id is not None and session.get(Household, household_id) is None:
        raise InputError(Text(f"ไม่พบครัวเรือน {household_id}", f"no such household: {household_id}"))
    rows = new_loan_rows(fund, **terms)
    loan = Loan(**rows.loan)
    session.add(loan)
    session.flush()  # the loan row first: its schedule and checklist point at it
    add_schedule(session, rows.schedule, rows.instalments)
    session.add_all([PreventCheck(**row) for row in rows.checks])
    session.flush()
    return loan


def new_disbursed_loan_rows(fund: Fund, *, on: date, reason: str, **terms: Unpack[LoanTerms]) -> LoanRows:
    """The rows of a loan paid out on `on` as it is made (one brought in from an office's old book), `terms`
    as `new_loan_rows` takes them. Its prevent checklist is open, so `reason` says why it was paid out."""
    rows = new_loan_rows(fund, **terms)
    loan = rows.loan
    open_items = [c["item"] for c in rows.checks]
    loan.update(disbursement(loan["applied_on"], loan["first_due"], loan["approved_on"], None, on, open_items, reason))
    return rows


def add_schedule(session: Session, schedule: Row, instalments: Iterable[Row]) -> Schedule:
    sched = Schedule(**schedule)
    session.add(sched)
    session.flush()
    session.add_all([Instalment(**row) for row in instalments])
    return sched


# --- the prevent checklist and disbursement ---------------------------------------------------------------


def prevent_checklist(session: Session, loan_id: str) -> list[PreventCheck]:
    rows = session.scalars(select(PreventCheck).where(col(PreventCheck.loan_id) == loan_id)).all()
    order = {item.value: i for i, item in enumerate(PreventItem)}
    return sorted(rows, key=lambda r: order.get(r.item, 99))


def set_check(
    session: Session, loan_id: str, item: str, done: bool = True, on: date | None = None, note: str = ""
) -> PreventCheck:
    loan = get_loan(session, loan_id)
    if PreventItem.parse(item) is None:
        raise InputError(Text(f"ไม่มีรายการตรวจ {item}", f"no checklist item {item}; one of {', '.join(PreventItem)}"))
    if done and on is None:
        raise InputError(Text("ระบุวันที่ทำรายการนี้", "give the date the item was done"))
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
) -> Row:
    """What paying a loan out on `on` sets, checked: once, not before the application, before the first due
    date, and with the officer's reason while prevent items are open."""
    check_day(on, DAYS["disbursed_on"])
    check_text(reason, REASON, NOTE)
    if disbursed_on is not None:
        raise InputError(Text(f"สัญญานี้จ่ายเงินกู้แล้วเมื่อ {format_date(disbursed_on)}",
                              f"this loan was already disbursed on {format_date_en(disbursed_on)}"))
    if on < applied_on:
        raise InputError(Text("วันจ่ายเงินกู้ต้องไม่ก่อนวันยื่นคำขอ", "disbursement cannot be before the application"))
    if on >= first_due:
        raise InputError(Text("วันจ่ายเงินกู้ต้องก่อนวันครบกำหนดงวดแรก", "disbursement must be before the first due date"))
    if open_items and not reason.strip():
        raise InputError(Text(
            f"ยังจ่ายเงินกู้ไม่ได้ รายการป้องกันยังไม่ครบ: {', '.join(PreventItem(m).label.th for m in open_items)}",
            f"the prevent checklist has open items: {', '.join(open_items)}; record a reason to disburse anyway",
        ))
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


# --- restructuring -----------------------------------------------------------------------------------------


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
        raise InputError(Text("สัญญานี้ยังไม่ได้จ่ายเงินกู้", "this loan has not been disbursed"))
    if first_due <= on:
        raise InputError(Text("วันครบกำหนดงวดแรกใหม่ต้องหลังวันปรับโครงสร้างหนี้",
                              "the new first due date must be after the restructuring"))
    state = load_states(session, on - timedelta(days=1), [loan.id])[loan.id]
    if state.active and on < state.active.effective_from:
        raise InputError(Text("วันปรับโครงสร้างหนี้ต้องไม่ก่อนตารางปัจจุบัน",
                              "cannot restructure before the current schedule began"))
    if state.outstanding_satang <= 0:
        raise InputError(Text("สัญญานี้ไม่มียอดค้างชำระ", "nothing is owed on this loan"))
    checked_frequency = check_frequency(frequency or loan.frequency)
    remaining_interest = sum(i.remaining_interest for i in state.instalments)
    if state.outstanding_principal:
        planned = plan(state.outstanding_principal, instalments, checked_frequency, first_due,
                       interest_satang=remaining_interest)
    else:
        planned = _interest_only_plan(remaining_interest, instalments, checked_frequency, first_due)
    version = max(s.version for s in state.schedules) + 1
    sched = add_schedule(session, *schedule_rows(loan.id, version, on, reason.strip(), planned))
    session.flush()
    return sched


def _interest_only_plan(interest: int, count: int, frequency: str, first_due: date) -> list[PlannedInstalment]:
    # Only interest is still owed: the new instalments carry interest and no principal.
    return [
        PlannedInstalment(no=k + 1, due_date=d, principal_satang=0, interest_satang=r)
        for k, (d, r) in enumerate(zip(due_dates(first_due, count, frequency), split_evenly(interest, count), strict=True))
    ]


def stage_timeline(session: Session, loan_id: str, until: date) -> list[tuple[date, Stage]]:
    """The days on which the loan's ปตท. stage changed, up to `until`."""
    loan = get_loan(session, loan_id)
    days = {loan.applied_on, until}
    if loan.disbursed_on:
        days.add(loan.disbursed_on)
    for due in session.scalars(select(col(Instalment.due_date)).where(col(Instalment.loan_id) == loan.id)):
        days.add(due + timedelta(days=1))
    for paid_on in session.scalars(select(col(Payment.paid_on)).where(col(Payment.loan_id) == loan.id)):
        days.add(paid_on)
    for eff in session.scalars(select(col(Schedule.effective_from)).where(col(Schedule.loan_id) == loan.id)):
        days.add(eff)
    timeline: list[tuple[date, Stage]] = []
    rows = read_loans(session, [loan.id])  # once; the state on each day is worked out from the same rows
    for day in sorted(d for d in days if loan.applied_on <= d <= until):
        stage = states_on(rows, day)[loan.id].stage
        if not timeline or timeline[-1][1] != stage:
            timeline.append((day, stage))
    return timeline
