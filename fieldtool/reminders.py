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
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import chain, groupby
from operator import itemgetter

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from fieldtool.funds import DEFAULT_LADDER, ladder_of  # noqa: F401  (DEFAULT_LADDER: callers read it here)
from fieldtool.ledger import InstalmentState, LoanState, days_paid_up
from fieldtool.limits import NAME, NOTE, check_day, check_text
from fieldtool.loanbook import (
    BookRows,
    LoanInfo,
    bulk_reading,
    get_loan,
    load_states,
    loan_infos,
    officer_of,
    open_states,
    read_book,
)
from fieldtool.models import Instalment, Loan, Payment, ReminderDelivery
from fieldtool.text import Text
from fieldtool.thai import InputError, format_date, format_date_en

NOTICE_OFFSETS = (("notice-30", 30), ("notice-15", 15), ("notice-7", 7))
NOTICE_TH = {"notice-30": "แจ้งล่วงหน้า 1 เดือน", "notice-15": "แจ้งล่วงหน้า 15 วัน", "notice-7": "แจ้งล่วงหน้า 7 วัน"}

ASK_STEP_TH = {
    "visit": "ลงพื้นที่ติดตามทวงถาม",
    "meeting": "ประชุมชี้แจงการชำระหนี้",
    "relief": "มาตรการช่วยเหลือ/ปรับโครงสร้างหนี้",
    "partners": "ประสานภาคีเครือข่าย",
}

UNDO = "undo"  # the kind of a row that cancels a delivery recorded by mistake
UNDO_PREFIX = f"{UNDO}:"

DELIVERY_HOW = {
    "visit": "ลงพื้นที่",
    "phone": "โทรศัพท์",
    "letter": "หนังสือ",
    "line": "ไลน์",
    "meeting": "ที่ประชุม",
}


@dataclass
class Reminder:
    id: str
    kind: str  # notice-30 | notice-15 | notice-7 | ask
    step: str  # for ask: visit | meeting | relief | partners; for notices the notice kind
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


@dataclass
class NoticeOutcome:
    """How one notice window ended (or stands): for counting delivered and missed notices."""

    reminder_id: str
    loan_id: str
    kind: str
    due_date: date
    state: str  # open | delivered | missed | settled


def ask_rung(ladder, days_overdue: int) -> tuple[int, str] | None:
    rung = None
    for days, step in sorted(ladder):
        if days_overdue >= days:
            rung = (days, step)
    return rung


def notice_days(due: date) -> list[tuple[str, date, date]]:
    """(kind, opens, closes) of every notice of an instalment due on `due`; `closes` is the first day it is shut:
    the day the next notice opens, or the day after the due date."""
    opens = [(kind, due - timedelta(days=off)) for kind, off in NOTICE_OFFSETS]
    return [
        (kind, opened, opens[idx + 1][1] if idx + 1 < len(opens) else due + timedelta(days=1))
        for idx, (kind, opened) in enumerate(opens)
    ]


def notice_windows(inst: InstalmentState, disbursed_on: date) -> list[tuple[str, date, date]]:
    """(kind, opens, closes) of the notices of one instalment; `closes` is the first day it is shut.

    A notice that would open before the money was paid out does not apply; the ones after it still close when
    the next one opens (NOTICE_OFFSETS run from the earliest notice to the latest).
    """
    return [w for w in notice_days(inst.due_date) if w[1] >= disbursed_on]


def _deliveries(session: Session, loan_ids: list[str] | None) -> dict[str, date]:
    """reminder id -> the day it was delivered, for the deliveries that stand (not undone)."""
    q = select(ReminderDelivery.id, ReminderDelivery.reminder_id, ReminderDelivery.delivered_on)
    if loan_ids is not None:
        q = q.where(ReminderDelivery.loan_id.in_(loan_ids))
    rows = session.execute(q).all()
    undone = {rid.removeprefix(UNDO_PREFIX) for _, rid, _ in rows if rid.startswith(UNDO_PREFIX)}
    delivered: dict[str, date] = {}
    for did, rid, on in rows:
        if did in undone or rid.startswith(UNDO_PREFIX):
            continue
        if rid not in delivered or on < delivered[rid]:
            delivered[rid] = on
    return delivered


def reminders_on(session: Session, on: date, loan_ids: list[str] | None = None) -> list[Reminder]:
    """Open notices and open ask tasks on day `on`: the officer's work list for that day."""
    with bulk_reading():
        return _reminders_on(session, on, loan_ids)  # the loans' states are gone by the collector's next pass


def _reminders_on(session: Session, on: date, loan_ids: list[str] | None) -> list[Reminder]:
    states = open_states(session, on, loan_ids)  # only unpaid instalments make reminders
    infos = loan_infos(session, loan_ids)
    delivered = _deliveries(session, loan_ids)
    out: list[Reminder] = []
    ladders: dict = {}
    for loan_id, state in states.items():
        if state.stage in ("prevent", "closed"):
            continue
        out.extend(_loan_reminders(state, infos[loan_id], delivered, on, ladders))
    out.sort(key=lambda r: (r.kind != "ask", -r.days_overdue, r.due_date, r.info.village, r.info.borrower))
    return out


# No notice opens earlier than this before its due date.
_FIRST_NOTICE = timedelta(days=max(off for _, off in NOTICE_OFFSETS))


def _loan_reminders(
    state: LoanState, info: LoanInfo, delivered: dict[str, date], on: date, ladders: dict | None = None
) -> list[Reminder]:
    """The open reminders of one loan; `ladders` (ask ladder text -> its rungs in order) is kept by a caller
    that goes through many loans, so each fund's ladder is read once."""
    out = []
    rungs = None
    loan_figures = None  # the loan's arrears and days overdue, the same for each of its ask tasks
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
                Reminder(rid, "ask", rung[1], state.loan_id, inst.id, inst.no, inst.due_date,
                         inst.due_date + timedelta(days=rung[0]), inst.remaining_satang, days, info,
                         loan_arrears_satang=loan_figures[0], loan_days_overdue=loan_figures[1])
            )
            continue
        if inst.due_date - _FIRST_NOTICE > on:
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


def _rungs(ladder_text: str, ladders: dict | None) -> tuple[tuple[int, str], ...]:
    if ladders is None:
        return tuple(sorted(ladder_of(ladder_text)))
    if ladder_text not in ladders:
        ladders[ladder_text] = tuple(sorted(ladder_of(ladder_text)))
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
        if r.kind == "ask":
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


def notice_outcomes(
    session: Session, on: date, loan_ids: list[str] | None = None, states: dict[str, LoanState] | None = None
) -> list[NoticeOutcome]:
    """Every notice window that has opened by `on`, and how it ended: delivered, missed, settled or open."""
    if states is None:
        states = load_states(session, on, loan_ids)
    delivered = _deliveries(session, loan_ids)
    followed = _followed_from(session, list(states))
    return [
        NoticeOutcome(f"{kind}:{iid}", loan_id, kind, due, result)
        for loan_id, kind, iid, due, result in _window_results(_instalments_of(states, on, followed), on, delivered)
    ]


def _instalments_of(states: dict[str, LoanState], on: date, followed: dict[str, date]):
    """What _window_results needs of each instalment of every schedule of the loans paid out by `on`."""
    for loan_id, state in states.items():
        if state.disbursed_on is None or state.disbursed_on > on:
            continue
        since = followed.get(loan_id)
        for idx, sched in enumerate(state.schedules):
            # a schedule replaced by a restructuring has no notices after the new one began
            ends = state.schedules[idx + 1].effective_from if idx + 1 < len(state.schedules) else None
            starts = max(state.disbursed_on, sched.effective_from)
            for inst in sched.instalments:
                yield loan_id, inst.id, inst.due_date, inst.settled_on, starts, ends, since


def _window_results(instalments, on: date, delivered: dict[str, date]):
    """(loan id, kind, instalment id, due date, result) of every notice window opened by `on`, and how it ended:
    delivered, settled (paid up before it shut), missed (shut) or open.

    `instalments` are (loan id, instalment id, due date, settled_on, the first day a notice may open (paid out,
    schedule begun), the day this schedule's notices stop or None, the day the loan was first followed or None).
    """
    answered = {rid.partition(":")[2] for rid in delivered}  # instalments with a delivery: few
    days: dict[date, list] = {}  # due date -> its notices: a district's book has few distinct due dates
    for loan_id, iid, due, settled_on, starts, ends, since in instalments:
        windows = days.get(due)
        if windows is None:
            windows = days[due] = notice_days(due)
        for kind, opened, closes in windows:
            if opened < starts or opened > on or (ends and opened >= ends):
                continue
            if since is not None and closes <= since:
                continue  # its time passed while the loan was kept in the old book
            done = delivered.get(f"{kind}:{iid}") if iid in answered else None
            if done is not None and done < closes and done <= on:
                result = "delivered"
            elif settled_on is not None and settled_on < closes:
                result = "settled"
            elif closes <= on:
                result = "missed"
            else:
                result = "open"
            yield loan_id, kind, iid, due, result


def notice_counts(
    session: Session, on: date, book: BookRows | None = None, states: dict[str, LoanState] | None = None
) -> dict[str, int]:
    """How many notice windows opened by `on` were delivered, missed, settled or are open: `notice_outcomes`
    of the whole book, counted.

    Plain loans (loanbook.read_book) are counted from their rows: an instalment was paid up on the first day the
    running sum of the loan's payments reached the running sum of its instalments, which is the day
    `apply_payments` finds when one schedule takes every payment and none is negative or reversed. The other
    loans go through the ledger (`states` from open_states already holds them whole).
    """
    book = book or read_book(session, on)
    delivered = _deliveries(session, None)
    followed = _followed_from(session, [lid for lid, _ in book.loans])
    odd = [lid for lid, _ in book.loans if lid not in book.plain]
    if odd and (states is None or any(lid not in states for lid in odd)):
        states = load_states(session, on, odd)
    odd_states = {lid: states[lid] for lid in odd} if odd else {}
    counts = Counter({"delivered": 0, "missed": 0, "settled": 0, "open": 0})
    counts.update(map(itemgetter(4), _window_results(
        chain(_plain_instalments(session, book, on, followed), _instalments_of(odd_states, on, followed)),
        on, delivered,
    )))
    return dict(counts)


def _plain_instalments(session: Session, book: BookRows, on: date, followed: dict[str, date]):
    """_window_results' rows of the plain loans paid out by `on`, from the book's rows and the days paid."""
    day = book.day
    out_on = {}
    for lid, disbursed in book.loans:
        disbursed = day(disbursed)
        if lid in book.plain and disbursed is not None and disbursed <= on:
            out_on[book.schedules[lid][0][0]] = lid, disbursed
    # sums in SQL: what each loan paid on each day up to `on`, day by day
    paid_q = (
        select(Payment.loan_id, type_coerce(Payment.paid_on, String), func.sum(Payment.amount_satang))
        .where(Payment.paid_on <= on)
        .group_by(Payment.loan_id, Payment.paid_on)
        .order_by(Payment.loan_id, Payment.paid_on)
    )
    paid_days = {lid: [row[1:] for row in rows]
                 for lid, rows in groupby(session.connection().execute(paid_q).all(), itemgetter(0))}
    last_due = on + _FIRST_NOTICE  # no notice of an instalment due later has opened
    if book.instalments and isinstance(book.instalments[0][2], str):
        last_due = last_due.isoformat()  # due dates read as ISO text compare as the days do: parse only those kept
    for sid, rows in groupby(book.instalments, itemgetter(5)):
        loan = out_on.get(sid)
        if loan is None:
            continue
        lid, disbursed = loan
        _, _, eff, _ = book.plain_schedule(lid)
        starts, since = max(disbursed, eff), followed.get(lid)
        rows = list(rows)
        paid_up = days_paid_up([principal + interest for _, _, _, principal, interest, _ in rows], paid_days.get(lid, ()))
        for (iid, _, due, _, _, _), settled_on in zip(rows, paid_up, strict=True):
            if due > last_due:
                continue
            yield lid, iid, day(due), day(settled_on), starts, None, since


def _followed_from(session: Session, loan_ids: list[str]) -> dict[str, date]:
    """Loans brought in from an old book: the day the program began following each (few loans have one)."""
    rows = session.execute(select(Loan.id, Loan.followed_from).where(Loan.followed_from.is_not(None))).all()
    wanted = set(loan_ids)
    return {lid: day for lid, day in rows if lid in wanted}


def deliver(
    session: Session, reminder_id: str, how: str, on: date, by_whom: str = "", note: str = ""
) -> ReminderDelivery:
    """Record that a notice was delivered or an ask step carried out."""
    check_day(on, Text("วันที่แจ้ง", "the day of delivery"))
    check_text(by_whom, Text("ผู้แจ้ง", "who delivered it"), NAME)
    check_text(note, Text("หมายเหตุ", "the note"), NOTE)
    if how not in DELIVERY_HOW:
        raise InputError(f"วิธีแจ้งไม่ถูกต้อง: {how} (how must be one of {', '.join(DELIVERY_HOW)})")
    kind, _, instalment_id = reminder_id.partition(":")
    inst = session.get(Instalment, instalment_id) if instalment_id else None
    valid_kinds = {k for k, _ in NOTICE_OFFSETS}
    if inst is None or not (kind in valid_kinds or (kind.startswith("ask-") and kind[4:].isdigit())):
        raise InputError(f"ไม่พบรายการแจ้งเตือน {reminder_id} (no such reminder: {reminder_id})")
    loan = get_loan(session, inst.loan_id)
    if standing_delivery(session, reminder_id) is not None:
        raise InputError("บันทึกการแจ้งรายการนี้ไว้แล้ว (this reminder has already been recorded as delivered)")
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
            if r.kind == "ask" and r.id != reminder_id
        ]
    first = None
    for rid, iid, k in targets:
        delivery = ReminderDelivery(
            reminder_id=rid,
            loan_id=loan.id,
            instalment_id=iid,
            kind=k,
            how=how,
            delivered_on=on,
            by_whom=by_whom or officer_of(session),
            note=note,
        )
        session.add(delivery)
        first = first or delivery
    session.flush()
    return first


@dataclass
class DeliveryRecord:
    """A delivery as the loan page lists it: with the row that undid it, when it was recorded by mistake."""

    delivery: ReminderDelivery
    undone_by: ReminderDelivery | None = None


def _undo_rows(session: Session, delivery_ids: list[str]) -> dict[str, ReminderDelivery]:
    """delivery id -> the row that undid it."""
    wanted = [f"{UNDO_PREFIX}{d}" for d in delivery_ids]
    rows = session.scalars(select(ReminderDelivery).where(ReminderDelivery.reminder_id.in_(wanted)))
    return {row.reminder_id.removeprefix(UNDO_PREFIX): row for row in rows}


def standing_delivery(session: Session, reminder_id: str) -> ReminderDelivery | None:
    """The delivery of a reminder that stands (recorded and not undone); deliver() allows one at a time."""
    rows = list(session.scalars(select(ReminderDelivery).where(ReminderDelivery.reminder_id == reminder_id)))
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
        for r in session.scalars(select(ReminderDelivery).where(ReminderDelivery.loan_id == delivery.loan_id))
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
            select(ReminderDelivery).where(ReminderDelivery.loan_id == loan_id).order_by(ReminderDelivery.delivered_on)
        )
    )
    undone = {r.reminder_id.removeprefix(UNDO_PREFIX): r for r in rows if r.kind == UNDO}
    return [DeliveryRecord(r, undone.get(r.id)) for r in rows if r.kind != UNDO]


def deliveries_of(session: Session, loan_id: str) -> list[ReminderDelivery]:
    """A loan's deliveries that stand (recorded and not undone), oldest first."""
    return [r.delivery for r in delivery_records(session, loan_id) if r.undone_by is None]


def active_loan_ids(session: Session) -> list[str]:
    return list(session.scalars(select(Loan.id).where(Loan.disbursed_on.is_not(None))))
