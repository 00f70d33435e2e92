"""The demo's loan book: three funds, a loan for each group and for half the households, each living a
borrower's behaviour (on time, early, late, part, stopped, restructured, closed, still applying) up to the
given day, with the notices and ask steps the officer already delivered.

Each loan is made by the services' row builders (`lending.new_loan_rows`, `lending.disbursement`,
`repayments.payment_row`) and followed as the ledger follows it (`LoanLife`), so what the demo's book says of a
loan on any day is what `loanbook.load_states` will read back.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlmodel import col

from fieldtool import funds, lending, repayments
from fieldtool.demo.book import Book, Row
from fieldtool.demo.people import DemoGroup, DemoHousehold
from fieldtool.ledger import (
    InstalmentState,
    LoanState,
    PaymentEvent,
    ScheduleState,
    apply_payments,
    schedule_in_force,
)
from fieldtool.limits import NOTE, check_day_or_none, check_text
from fieldtool.models import Fund, Instalment, Loan, Payment, PreventCheck, ReminderDelivery, Schedule
from fieldtool.reminders import notice_windows
from fieldtool.schedule import FREQUENCY_MONTHS, due_dates
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import AskStep, ContactWay, Frequency, FundKind, PreventItem

OFFICER = "นางสาวพัชรินทร์ ศรีสุข"  # the demo's officer, who delivered its notices

HOUSEHOLD_PURPOSES = (
    "เลี้ยงโคพื้นเมือง", "ปลูกผักปลอดสารพิษ", "เลี้ยงปลาในกระชัง", "ค้าขายของชำ", "เลี้ยงสุกร",
    "ซื้อปุ๋ยทำนา", "ปลูกพริก", "เลี้ยงกบ", "ทำไม้กวาดดอกหญ้า", "ซ่อมรถจักรยานยนต์",
)
ASK_NOTES = {
    AskStep.VISIT: "ลงพื้นที่พบผู้กู้ สอบถามสาเหตุที่ค้างชำระ",
    AskStep.MEETING: "ประชุมชี้แจงการชำระหนี้ที่ศาลาประชาคมหมู่บ้าน",
    AskStep.RELIEF: "แนะนำมาตรการช่วยเหลือและการปรับโครงสร้างหนี้",
    AskStep.PARTNERS: "ประสานผู้ใหญ่บ้านและ อบต. ร่วมติดตาม",
}
PREVENT_NOTES = {
    PreventItem.UNDERSTANDING: "ประชุมชี้แจงสมาชิกที่ศาลากลางบ้าน",
    PreventItem.PROPOSAL: "ตรวจเอกสารโครงการครบถ้วน",
    PreventItem.FEASIBILITY: "ลงพื้นที่ดูสถานที่ประกอบอาชีพ",
    PreventItem.LEADERS: "สอบถามผู้ใหญ่บ้านและกรรมการหมู่บ้าน",
    PreventItem.RISK: "ประเมินความเสี่ยงระดับปานกลาง",
    PreventItem.GUARANTEE: "ประชุมกลุ่ม สมาชิกลงนามค้ำประกันร่วมกัน",
}


class Behaviour(StrEnum):
    """How a demo borrower behaves towards the schedule."""

    ON_TIME = "on_time"
    EARLY = "early"
    LATE = "late"
    PARTIAL = "partial"
    STOPPED = "stopped"
    RESTRUCTURE = "restructure"
    CLOSED = "closed"
    PREVENT = "prevent"  # still applying: not paid out


# The weights give a believable subdistrict (a loan still applying is drawn apart, one in twelve).
BEHAVIOURS = (
    (Behaviour.ON_TIME, 40), (Behaviour.EARLY, 12), (Behaviour.LATE, 18), (Behaviour.PARTIAL, 8),
    (Behaviour.STOPPED, 12), (Behaviour.RESTRUCTURE, 6), (Behaviour.CLOSED, 4),
)


class LoanLife:
    """A demo loan as the ledger sees it, kept beside its rows: its schedules and payments, so its state on
    any day comes from `ledger.apply_payments` (what `loanbook.load_states` does with the rows it reads)."""

    def __init__(self, rows: lending.LoanRows):
        self.loan: Row = {"disbursed_on": None, **rows.loan}  # as it stands now (the row written keeps its first values)
        self.id: str = self.loan["id"]
        self.schedules: list[tuple[Row, list[Row]]] = [(rows.schedule, rows.instalments)]
        self.payments: list[PaymentEvent] = []
        self.checks: dict[str, Row] = {row["item"]: row for row in rows.checks}
        self.open_items: list[str] = list(PreventItem)

    @property
    def disbursed_on(self) -> date | None:
        on: date | None = self.loan["disbursed_on"]
        return on

    def state(self, as_of: date) -> LoanState:
        schedules = [
            ScheduleState(s["id"], s["version"], s["effective_from"], s["reason"],
                          [InstalmentState(i["id"], i["no"], i["due_date"], i["principal_satang"], i["interest_satang"])
                           for i in insts])
            for s, insts in self.schedules
        ]
        return apply_payments(self.id, self.disbursed_on, schedules, self.payments, as_of)


def add_loans(book: Book, rng: random.Random, today: date, households: list[DemoHousehold],
              groups: list[DemoGroup]) -> list[LoanLife]:
    """The three funds, a women's fund loan for every group and a กข.คจ. or village fund loan for 150
    households, numbered as agreements are (001/2569, some of them of the year before)."""
    session = book.session
    women_fund = funds.add_fund(session, "กองทุนพัฒนาบทบาทสตรี", FundKind.WOMEN, rate_bp=200, default_instalments=24)
    kkkj = funds.add_fund(session, "โครงการแก้ไขปัญหาความยากจน (กข.คจ.)", FundKind.KKKJ, rate_bp=0,
                          default_instalments=4, default_frequency=Frequency.HALF_YEARLY)
    village_fund = funds.add_fund(session, "กองทุนหมู่บ้าน", FundKind.VILLAGE, rate_bp=600, default_instalments=12)
    number = 0

    def next_no() -> str:
        nonlocal number
        number += 1
        return f"{number:03d}/{today.year + 543 - (1 if number % 3 else 0)}"

    loans = []
    for group in groups:
        principal = rng.choice((50_000, 80_000, 100_000, 120_000, 150_000, 200_000)) * 100
        loans.append(demo_loan(book, rng, today, women_fund, principal, next_no(), group.purpose,
                               group_id=group.row["id"]))
    for household in rng.sample(households, 150):
        fund = kkkj if rng.random() < 0.55 else village_fund
        principal = rng.choice((5_000, 8_000, 10_000, 15_000, 20_000, 30_000)) * 100
        loans.append(demo_loan(book, rng, today, fund, principal, next_no(), rng.choice(HOUSEHOLD_PURPOSES),
                               household_id=household.row["id"]))
    return loans


def tick(book: Book, life: LoanLife, item: PreventItem, on: date, note: str) -> None:
    """A prevent item done (lending.set_check), checked as the service checks it."""
    check_day_or_none(on, lending.DAYS["on"])
    check_text(note, lending.NOTE_TEXT, NOTE)
    book.change(PreventCheck, life.checks[item]["id"], done=True, done_on=on, note=note)
    if item in life.open_items:
        life.open_items.remove(item)


def demo_loan(book: Book, rng: random.Random, today: date, fund: Fund, principal: int, agreement_no: str,
              purpose: str, group_id: str | None = None, household_id: str | None = None) -> LoanLife:
    behaviour = rng.choices([b for b, _ in BEHAVIOURS], weights=[w for _, w in BEHAVIOURS])[0]
    if rng.random() < 0.08:
        behaviour = Behaviour.PREVENT
    count = fund.default_instalments
    step = FREQUENCY_MONTHS[Frequency(fund.default_frequency)]
    span_months = count * step
    disbursed: date | None
    if behaviour is Behaviour.PREVENT:
        applied = today - timedelta(days=rng.randint(3, 40))
        disbursed = None
    elif behaviour is Behaviour.CLOSED:
        disbursed = today - relativedelta(months=span_months + rng.randint(2, 10))
        applied = disbursed - timedelta(days=rng.randint(20, 60))
    else:
        # somewhere inside the term, so some instalments are behind and some ahead
        disbursed = today - timedelta(days=rng.randint(20, max(40, span_months * 30 - 20)))
        applied = disbursed - timedelta(days=rng.randint(20, 60))
    first_due = (disbursed or applied + timedelta(days=30)) + relativedelta(months=step)
    first_due = first_due.replace(day=min(first_due.day, 28)) if rng.random() < 0.5 else first_due
    rows = lending.new_loan_rows(  # lending.add_loan: its rows, the fund and the borrower being the demo's own
        fund,
        group_id=group_id,
        household_id=household_id,
        purpose=purpose,
        principal_satang=principal,
        instalments=count,
        first_due=first_due,
        applied_on=applied,
        approved_on=applied + timedelta(days=rng.randint(5, 15)) if disbursed else None,
        agreement_no=agreement_no,
    )
    book.add_row(Loan, rows.loan)
    book.add_row(Schedule, rows.schedule)
    for row in rows.instalments:
        book.add_row(Instalment, row)
    for row in rows.checks:
        book.add_row(PreventCheck, row)
    life = LoanLife(rows)
    items = tuple(PreventItem)
    done_items = items if disbursed else items[: rng.randint(0, len(items) - 1)]
    for k, item in enumerate(done_items):
        done_on = applied + timedelta(days=min(k * 3, max(0, ((disbursed or today) - applied).days)))
        tick(book, life, item, min(done_on, disbursed or today), PREVENT_NOTES[item])
    if disbursed is None:
        return life
    loan = life.loan
    paid_out = lending.disbursement(loan["applied_on"], loan["first_due"], loan["approved_on"], loan["disbursed_on"],
                                    disbursed, life.open_items)  # lending.disburse
    loan.update(paid_out)
    book.change(Loan, life.id, **paid_out)
    _payments(book, rng, today, life, behaviour, count)
    _deliveries(book, rng, today, life)
    return life


def _record_payment(book: Book, life: LoanLife, amount: int, paid_on: date) -> None:
    """repayments.record_payment: the payment's row, refused beyond what is owed on the schedule of its day."""
    row = repayments.payment_row(life.id, life.disbursed_on, amount, paid_on, recorded_by=book.officer,
                                 device_id=book.device_id)
    target = schedule_in_force(life.state(date.max).schedules, paid_on)  # repayments.owed_on
    owed = sum(i.remaining_satang for i in target.instalments) if target else 0
    if amount > owed:
        raise InputError(Text("ยอดชำระเกินยอดที่ยังค้าง",
                              f"the payment of {amount} satang is more than the {owed} owed"))
    book.add_row(Payment, row)
    life.payments.append(PaymentEvent(row["id"], paid_on, amount, None, (str(row["recorded_at"]), row["id"])))


def _payments(book: Book, rng: random.Random, today: date, life: LoanLife, behaviour: Behaviour, count: int) -> None:
    state = life.state(today)
    disbursed = state.disbursed_on
    assert disbursed is not None  # only a loan paid out is paid
    insts = state.instalments
    stopped = behaviour in (Behaviour.STOPPED, Behaviour.RESTRUCTURE)
    stop_at = rng.randint(1, max(1, len(insts) // 2)) if stopped else None
    for inst in insts:
        if stop_at is not None and inst.no > stop_at:
            break
        if behaviour is Behaviour.EARLY:
            paid_on = inst.due_date - timedelta(days=rng.randint(3, 25))
        elif behaviour is Behaviour.LATE:
            paid_on = inst.due_date + timedelta(days=rng.randint(5, 70))
        else:
            paid_on = inst.due_date - timedelta(days=rng.randint(0, 3))
        paid_on = max(paid_on, disbursed)
        if paid_on > today:
            break
        amount = inst.amount_satang if behaviour is not Behaviour.PARTIAL else inst.amount_satang // 2
        _record_payment(book, life, amount, paid_on)
    if behaviour is Behaviour.RESTRUCTURE:
        _restructure(book, rng, today, life, count)


def _restructure(book: Book, rng: random.Random, today: date, life: LoanLife, count: int) -> None:
    """A loan long behind brought back into the system, and paid on its new schedule since."""
    state = life.state(today)
    if state.days_overdue <= 30 or state.oldest_unpaid_due is None:
        return
    on = today - timedelta(days=rng.randint(30, 75))
    on = max(on, state.oldest_unpaid_due + timedelta(days=30))
    if on >= today:
        return
    first = on + relativedelta(months=1)
    # the service itself, on the rows written so far: a new schedule for what is owed on `on`
    book.write()
    sched = lending.restructure(book.session, life.id, on, max(6, count // 2), first, Frequency.MONTHLY,
                                "ประชุมตกลงปรับโครงสร้างหนี้ นำหนี้กลับเข้าระบบ")
    insts = book.session.scalars(select(Instalment).where(col(Instalment.schedule_id) == sched.id)
                                 .order_by(col(Instalment.no))).all()
    life.schedules.append((
        {"id": sched.id, "version": sched.version, "effective_from": sched.effective_from, "reason": sched.reason},
        [{"id": i.id, "no": i.no, "due_date": i.due_date, "principal_satang": i.principal_satang,
          "interest_satang": i.interest_satang} for i in insts],
    ))
    for due in due_dates(first, max(6, count // 2), Frequency.MONTHLY):
        if due > today:
            break
        new_state = life.state(today)
        inst = next((i for i in new_state.instalments if i.due_date == due), None)
        if inst is not None and inst.remaining_satang:
            _record_payment(book, life, inst.remaining_satang, due - timedelta(days=1))


def _deliveries(book: Book, rng: random.Random, today: date, life: LoanLife) -> None:
    """Notices the officer delivered in the past (some were missed), as a real book would show, and the
    visits and meetings already held for loans that fell behind."""
    state = life.state(today)
    disbursed = state.disbursed_on
    assert disbursed is not None  # only a loan paid out is reminded of
    for inst in state.overdue_instalments():
        for days, step in funds.DEFAULT_LADDER:
            held = inst.due_date + timedelta(days=days + rng.randint(0, 6))
            if held >= today or rng.random() < 0.35:
                continue
            book.add(
                ReminderDelivery,
                reminder_id=f"ask-{days}:{inst.id}",
                loan_id=life.id,
                instalment_id=inst.id,
                kind=f"ask-{days}",
                how=ContactWay.MEETING if step == AskStep.MEETING else ContactWay.VISIT,
                delivered_on=held,
                by_whom=OFFICER,
                note=ASK_NOTES[AskStep(step)],
            )
    for inst in state.instalments:
        for kind, opened, closes in notice_windows(inst, disbursed):
            if opened > today - timedelta(days=2) or rng.random() < 0.3:
                continue
            if inst.settled_on is not None and inst.settled_on < opened:
                continue
            last = min(closes - timedelta(days=1), today - timedelta(days=1))
            on = opened + timedelta(days=rng.randint(0, max(0, (last - opened).days)))
            book.add(
                ReminderDelivery,
                reminder_id=f"{kind}:{inst.id}",
                loan_id=life.id,
                instalment_id=inst.id,
                kind=kind,
                how=rng.choice((ContactWay.PHONE, ContactWay.PHONE, ContactWay.VISIT, ContactWay.LINE,
                                ContactWay.MEETING)),
                delivered_on=on,
                by_whom=OFFICER,
            )
