"""Reminders, the heart of the day: notices before a due date (ต) and ask tasks after it (ท).

For every unpaid instalment a notice opens 30, 15 and 7 days before the due date. A notice stays open
until it is delivered, the instalment is paid, or the next notice opens (the older one then closes as
missed). From the day after the due date an unpaid instalment has an ask task, which climbs the fund's
ladder (field visit, repayment meeting, relief, partners) as the days overdue grow.

A reminder's id is "<kind>:<instalment id>" (kind notice-30, notice-15, notice-7, ask-1, ask-30, ...), so
it is the same on every laptop without being stored until it is delivered.

A delivery recorded by mistake is undone by a reversing row, as a payment is by a reversal, so the log stays
append-only and the office's copy learns of it in the next bundle: kind "undo", reminder id
"undo:<id of the delivery it cancels>". The cancelled delivery then counts as never made (its reminder opens
again, its notice counts as missed if its window has closed) and the change log reads it in words.

How each notice window ended (delivered, missed, settled), for the arrears report, is `fieldtool.notices`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.bookrows import open_states
from fieldtool.funds import ladder_of
from fieldtool.ledger import InstalmentState, LoanState
from fieldtool.lending import get_loan
from fieldtool.limits import NAME, NOTE, check_day, check_text
from fieldtool.loanbook import LoanInfo, bulk_reading, loan_infos, officer_of
from fieldtool.models import Instalment, ReminderDelivery
from fieldtool.text import Text
from fieldtool.thai import InputError, format_date, format_date_en
from fieldtool.vocabulary import NOTICE_DAYS, NOTICE_KINDS, AskStep, ContactWay, ReminderKind, Stage

UNDO = "undo"  # the kind of a row that cancels a delivery recorded by mistake
UNDO_PREFIX = f"{UNDO}:"

_Step = TypeVar("_Step")
Rungs = tuple[tuple[int, AskStep], ...]  # an ask ladder: (days overdue, step), fewest days first


@dataclass(slots=True)  # a district day has some 16,000: smaller and quicker to make
class Reminder:
    id: str
    kind: ReminderKind
    step: AskStep | ReminderKind  # for an ask task the step of the fund's ladder; for a notice its kind
    loan_id: str
    instalment_id: str
    instalment_no: int
    due_date: date
    opened_on: date
    amount_due_satang: int
    days_overdue: int
    info: LoanInfo
    covers: tuple[int, ...] = ()  # for a loan's combined ask task: every overdue instalment no
    # for ask tasks, the loan's own figures from the ledger (what the loan page and arrears show): all it owes
    # overdue and since when, whether or not each instalment's task is still open
    loan_arrears_satang: int = 0
    loan_days_overdue: int = 0

    def days_to_due(self, on: date) -> int:
        """Days from `on` to the due date (negative once it has passed)."""
        return (self.due_date - on).days


def ask_rung(ladder: Iterable[tuple[int, _Step]], days_overdue: int) -> tuple[int, _Step] | None:
    rung: tuple[int, _Step] | None = None
    for days, step in sorted(ladder):
        if days_overdue >= days:
            rung = (days, step)
    return rung


@lru_cache(maxsize=4096)  # a district's book has 100,000 instalments but a few hundred due dates
def notice_days(due: date) -> tuple[tuple[ReminderKind, date, date], ...]:
    """(kind, opens, closes) of every notice of an instalment due on `due`; `closes` is the first day it is shut:
    the day the next notice opens, or the day after the due date."""
    opens = [(kind, due - timedelta(days=NOTICE_DAYS[kind])) for kind in NOTICE_KINDS]
    return tuple(
        (kind, opened, opens[idx + 1][1] if idx + 1 < len(opens) else due + timedelta(days=1))
        for idx, (kind, opened) in enumerate(opens)
    )


def notice_windows(inst: InstalmentState, disbursed_on: date) -> list[tuple[ReminderKind, date, date]]:
    """(kind, opens, closes) of the notices of one instalment; `closes` is the first day it is shut.

    A notice that would open before the money was paid out does not apply; the ones after it still close when
    the next one opens (NOTICE_KINDS run from the earliest notice to the latest).
    """
    return [w for w in notice_days(inst.due_date) if w[1] >= disbursed_on]


def delivered_days(session: Session, loan_ids: Collection[str] | None) -> dict[str, date]:
    """reminder id -> the day it was delivered, for the deliveries that stand (not undone)."""
    q = select(col(ReminderDelivery.id), col(ReminderDelivery.reminder_id), col(ReminderDelivery.delivered_on))
    if loan_ids is not None:
        q = q.where(col(ReminderDelivery.loan_id).in_(loan_ids))
    rows = session.execute(q).all()
    undone = {rid.removeprefix(UNDO_PREFIX) for _, rid, _ in rows if rid.startswith(UNDO_PREFIX)}
    delivered: dict[str, date] = {}
    for did, rid, on in rows:
        if did in undone or rid.startswith(UNDO_PREFIX):
            continue
        if rid not in delivered or on < delivered[rid]:
            delivered[rid] = on
    return delivered


def reminders_on(session: Session, on: date, loan_ids: Collection[str] | None = None) -> list[Reminder]:
    """Open notices and open ask tasks on day `on`: the officer's work list for that day."""
    with bulk_reading():
        return _reminders_on(session, on, loan_ids)  # the loans' states are gone by the collector's next pass


def _reminders_on(session: Session, on: date, loan_ids: Collection[str] | None) -> list[Reminder]:
    # only unpaid instalments make reminders, and none due after the first notice's lead time
    states = open_states(session, on, loan_ids, due_by=on + FIRST_NOTICE)
    infos = loan_infos(session, loan_ids)
    delivered = delivered_days(session, loan_ids)
    out: list[Reminder] = []
    ladders: dict[str, Rungs] = {}
    for loan_id, state in states.items():
        if state.stage in (Stage.PREVENT, Stage.CLOSED):
            continue
        out.extend(loan_reminders(state, infos[loan_id], delivered, on, ladders))
    out.sort(key=lambda r: (r.kind is not ReminderKind.ASK, -r.days_overdue, r.due_date, r.info.village,
                            r.info.borrower))
    return out


# No notice opens earlier than this before its due date.
FIRST_NOTICE = timedelta(days=max(NOTICE_DAYS.values()))


def loan_reminders(
    state: LoanState, info: LoanInfo, delivered: dict[str, date], on: date, ladders: dict[str, Rungs] | None = None
) -> list[Reminder]:
    """The open reminders of one loan; `ladders` (ask ladder text -> its rungs in order) is kept by a caller
    that goes through many loans, so each fund's ladder is read once."""
    out = []
    rungs: Rungs | None = None
    loan_figures = (0, 0)  # the loan's arrears and days overdue, the same for each of its ask tasks
    for inst in state.instalments:
        if inst.is_paid:
            continue
        if inst.due_date < on:
            if rungs is None:
                rungs = _rungs(info.ask_ladder, ladders)
                loan_figures = state.arrears_satang, state.days_overdue
            days = (on - inst.due_date).days
            rung = ask_rung(rungs, days)
            if rung is None:
                continue
            rid = f"ask-{rung[0]}:{inst.id}"
            if rid in delivered and delivered[rid] <= on:
                continue
            out.append(
                Reminder(rid, ReminderKind.ASK, rung[1], state.loan_id, inst.id, inst.no, inst.due_date,
                         inst.due_date + timedelta(days=rung[0]), inst.remaining_satang, days, info,
                         loan_arrears_satang=loan_figures[0], loan_days_overdue=loan_figures[1])
            )
            continue
        if inst.due_date - FIRST_NOTICE > on or state.disbursed_on is None:
            continue  # no notice of it has opened yet
        for kind, opened, closes in notice_windows(inst, state.disbursed_on):
            if opened <= on < closes:
                rid = f"{kind}:{inst.id}"
                if not (rid in delivered and delivered[rid] <= on):
                    out.append(
                        Reminder(rid, kind, kind, state.loan_id, inst.id, inst.no, inst.due_date, opened,
                                 inst.remaining_satang, 0, info)
                    )
    return out


def _rungs(ladder_text: str, ladders: dict[str, Rungs] | None) -> Rungs:
    # the steps were checked against AskStep when the ladder was typed (funds.parse_ladder)
    if ladders is None:
        return tuple(sorted((days, AskStep(step)) for days, step in ladder_of(ladder_text)))
    if ladder_text not in ladders:
        ladders[ladder_text] = tuple(sorted((days, AskStep(step)) for days, step in ladder_of(ladder_text)))
    return ladders[ladder_text]


def ask_tasks_by_loan(items: list[Reminder]) -> list[Reminder]:
    """One ask task per loan instead of one per overdue instalment: what the officer goes to do.

    It carries the oldest open task (its id and step: recording it answers the loan's other ask tasks
    too, see `deliver`), the numbers of the instalments with open tasks in `covers`, and the loan's own
    figures – all it owes overdue and since when, from the ledger – so the today page says what the loan
    page and the arrears page say, also when some instalments' tasks were already answered.
    """
    by_loan: dict[str, list[Reminder]] = {}
    for r in items:
        if r.kind is ReminderKind.ASK:
            by_loan.setdefault(r.loan_id, []).append(r)
    out = []
    for tasks in by_loan.values():
        oldest = max(tasks, key=lambda t: t.days_overdue)
        out.append(replace(
            oldest,
            amount_due_satang=oldest.loan_arrears_satang,
            days_overdue=oldest.loan_days_overdue,
            covers=tuple(sorted(t.instalment_no for t in tasks)),
        ))
    out.sort(key=lambda r: (-r.days_overdue, r.info.village, r.info.borrower))
    return out


def deliver(
    session: Session, reminder_id: str, how: str, on: date, by_whom: str = "", note: str = ""
) -> ReminderDelivery:
    """Record that a notice was delivered or an ask step carried out."""
    check_day(on, Text("วันที่แจ้ง", "the day of delivery"))
    check_text(by_whom, Text("ผู้แจ้ง", "who delivered it"), NAME)
    check_text(note, Text("หมายเหตุ", "the note"), NOTE)
    way = ContactWay.parse(how)
    if way is None:
        raise InputError(Text(f"วิธีแจ้งไม่ถูกต้อง: {how}", f"how must be one of {', '.join(ContactWay)}"))
    kind, _, instalment_id = reminder_id.partition(":")
    inst = session.get(Instalment, instalment_id) if instalment_id else None
    if inst is None or not (kind in NOTICE_KINDS or (kind.startswith("ask-") and kind[4:].isdigit())):
        raise InputError(Text(f"ไม่พบรายการแจ้งเตือน {reminder_id}", f"no such reminder: {reminder_id}"))
    loan = get_loan(session, inst.loan_id)
    if standing_delivery(session, reminder_id) is not None:
        raise InputError(Text("บันทึกการแจ้งรายการนี้ไว้แล้ว", "this reminder has already been recorded as delivered"))
    open_ids = {r.id for r in reminders_on(session, on, [loan.id])}
    if reminder_id not in open_ids:
        raise InputError(Text(
            f"รายการแจ้งเตือนนี้ไม่ได้เปิดอยู่ในวันที่ {format_date(on)}",
            f"this reminder is not open on {format_date_en(on)}: not yet opened, already closed, or paid",
        ))
    targets = [(reminder_id, inst.id, kind)]
    if kind.startswith("ask-"):
        # One visit or meeting asks about the borrower's whole debt: it answers every open ask task of
        # the loan, not only the instalment the officer clicked on.
        targets += [
            (r.id, r.instalment_id, r.id.partition(":")[0])
            for r in reminders_on(session, on, [loan.id])
            if r.kind is ReminderKind.ASK and r.id != reminder_id
        ]
    first: ReminderDelivery | None = None
    for rid, iid, k in targets:
        delivery = ReminderDelivery(
            reminder_id=rid,
            loan_id=loan.id,
            instalment_id=iid,
            kind=k,
            how=way.value,
            delivered_on=on,
            by_whom=by_whom or officer_of(session),
            note=note,
        )
        session.add(delivery)
        first = first or delivery
    session.flush()
    assert first is not None  # targets holds the reminder asked for
    return first


@dataclass
class DeliveryRecord:
    """A delivery as the loan page lists it: with the row that undid it, when it was recorded by mistake."""

    delivery: ReminderDelivery
    undone_by: ReminderDelivery | None = None


def _undo_rows(session: Session, delivery_ids: Iterable[str]) -> dict[str, ReminderDelivery]:
    """delivery id -> the row that undid it."""
    wanted = [f"{UNDO_PREFIX}{d}" for d in delivery_ids]
    rows = session.scalars(select(ReminderDelivery).where(col(ReminderDelivery.reminder_id).in_(wanted)))
    return {row.reminder_id.removeprefix(UNDO_PREFIX): row for row in rows}


def standing_delivery(session: Session, reminder_id: str) -> ReminderDelivery | None:
    """The delivery of a reminder that stands (recorded and not undone); deliver() allows one at a time."""
    rows = list(session.scalars(select(ReminderDelivery).where(col(ReminderDelivery.reminder_id) == reminder_id)))
    undone = _undo_rows(session, [r.id for r in rows])
    return next((r for r in rows if r.id not in undone), None)


def undo_delivery(
    session: Session, reminder_id: str, on: date, by_whom: str = "", note: str = ""
) -> list[ReminderDelivery]:
    """Undo a delivery recorded by mistake: write the rows that cancel it; its reminder opens again.

    An ask step answered the loan's other open ask tasks with it (see `deliver`): undoing it reopens them
    all. `on` is the day the mistake is put right, not before the delivery.
    """
    check_day(on, Text("วันที่ยกเลิก", "the day of the undo"))
    check_text(by_whom, Text("ผู้ยกเลิก", "who undid it"), NAME)
    check_text(note, Text("หมายเหตุ", "the note"), NOTE)
    delivery = standing_delivery(session, reminder_id)
    if delivery is None:
        raise InputError(Text(f"ยังไม่มีการบันทึกการแจ้งรายการ {reminder_id} จึงไม่มีอะไรให้ยกเลิก",
                              f"no delivery of {reminder_id} is recorded, so there is nothing to undo"))
    if on < delivery.delivered_on:
        raise InputError(Text(
            f"บันทึกการแจ้งนี้ลงวันที่ {format_date(delivery.delivered_on)} จึงยกเลิกก่อนวันนั้นไม่ได้",
            f"this delivery is dated {format_date_en(delivery.delivered_on)}; it cannot be undone before that day",
        ))
    undo_rows = [
        ReminderDelivery(
            reminder_id=f"{UNDO_PREFIX}{d.id}",
            loan_id=d.loan_id,
            instalment_id=d.instalment_id,
            kind=UNDO,
            how=d.how,
            delivered_on=on,
            by_whom=by_whom or officer_of(session),
            note=note,
        )
        for d in [delivery, *_recorded_with(session, delivery)]
    ]
    session.add_all(undo_rows)
    session.flush()
    return undo_rows


def _recorded_with(session: Session, delivery: ReminderDelivery) -> list[ReminderDelivery]:
    """The other ask tasks one ask step answered with `delivery`: same loan, day, way, person and note."""
    if not delivery.kind.startswith("ask-"):
        return []
    rows = [
        r
        for r in session.scalars(select(ReminderDelivery).where(col(ReminderDelivery.loan_id) == delivery.loan_id))
        if r.id != delivery.id and r.kind.startswith("ask-")
        and (r.delivered_on, r.how, r.by_whom, r.note)
        == (delivery.delivered_on, delivery.how, delivery.by_whom, delivery.note)
    ]
    undone = _undo_rows(session, [r.id for r in rows])
    return [r for r in rows if r.id not in undone]


def delivery_records(session: Session, loan_id: str) -> list[DeliveryRecord]:
    """A loan's deliveries, oldest first, each with the row that undid it if it was recorded by mistake."""
    rows = list(
        session.scalars(
            select(ReminderDelivery)
            .where(col(ReminderDelivery.loan_id) == loan_id)
            .order_by(col(ReminderDelivery.delivered_on))
        )
    )
    undone = {r.reminder_id.removeprefix(UNDO_PREFIX): r for r in rows if r.kind == UNDO}
    return [DeliveryRecord(r, undone.get(r.id)) for r in rows if r.kind != UNDO]


def deliveries_of(session: Session, loan_id: str) -> list[ReminderDelivery]:
    """A loan's deliveries that stand (recorded and not undone), oldest first."""
    return [r.delivery for r in delivery_records(session, loan_id) if r.undone_by is None]
