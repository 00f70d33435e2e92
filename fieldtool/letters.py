"""Repayment reminder and demand letters: which may go out on a day, and the request for each.

What a letter may say is a rule here, not a habit of the caller:
- a notice (30/15/7 days before a due date) speaks only of an instalment not yet due on the letter's
  date, and on the due day says it is due today;
- an overdue loan gets a demand, never a notice; where a notice is open too, the demand also names the
  coming instalment;
- one letter a loan a day (the borrower of a loan is one addressee: a household's head, a group's chair);
- demand 2 only after demand 1 was issued and its period (the fund's gap) has run, the final only after
  demand 2, each from the days overdue the loan's fund sets; each names the earlier ones by number and date.
A letter these rules forbid, asked for by hand, is refused with the reason in one sentence.

A letter is a document: what it printed is frozen on its record when it is issued (fieldtool.letter_issue),
and printing it again reproduces exactly that. A mistake is put right by a new letter with a new number that
cites the old one (`correction_request`). The rest of a letter's life has a module each: the office's
letterhead and templates (fieldtool.letterhead), its number (letter_numbers), its words (letter_wording),
issuing and the record (letter_issue), the register of letters sent and the address labels (letter_dispatch).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import loanbook, reminders
from fieldtool.funds import DemandRules, demand_rules_of
from fieldtool.ledger import InstalmentState, LoanState
from fieldtool.lending import get_loan
from fieldtool.models import LetterRecord
from fieldtool.text import Text
from fieldtool.thai import InputError, format_date, format_date_en
from fieldtool.vocabulary import DEMAND_LETTERS, Delivery, LetterKind, Stage

# The final demand gives a week; the first and second give the fund's gap, the period that must run
# before the next one goes out (fieldtool.funds.DemandRules.gap).
FINAL_DEADLINE_DAYS = 7

# A kind of letter named inside a sentence (its label, LetterKind.label, is the register's subject column).
_DEMAND_IN_SENTENCE = {
    LetterKind.DEMAND_1: "หนังสือทวงถามครั้งที่ ๑",
    LetterKind.DEMAND_2: "หนังสือทวงถามครั้งที่ ๒",
    LetterKind.DEMAND_FINAL: "หนังสือทวงถามครั้งสุดท้าย",
}
_IN_SENTENCE_EN = {
    LetterKind.NOTICE_30: "the 30-day notice",
    LetterKind.NOTICE_15: "the 15-day notice",
    LetterKind.NOTICE_7: "the 7-day notice",
    LetterKind.DEMAND_1: "the first demand",
    LetterKind.DEMAND_2: "the second demand",
    LetterKind.DEMAND_FINAL: "the final demand",
    LetterKind.MEETING: "the meeting invitation",
}

# Notices and the first demand go with the officer or the committee on a visit (the ask ladder's first
# step is a visit); the second by post; the final by registered post, whose receipt proves it arrived.
DEFAULT_DELIVERY = {
    LetterKind.NOTICE_30: Delivery.HAND,
    LetterKind.NOTICE_15: Delivery.HAND,
    LetterKind.NOTICE_7: Delivery.HAND,
    LetterKind.DEMAND_1: Delivery.HAND,
    LetterKind.DEMAND_2: Delivery.POST,
    LetterKind.DEMAND_FINAL: Delivery.REGISTERED,
    LetterKind.MEETING: Delivery.HAND,
}


def parse_kind(text: str) -> LetterKind:
    """A kind of letter by its code (notice-30 … meeting); refused in one sentence when it is none."""
    kind = LetterKind.parse(text)
    if kind is None:
        raise InputError(Text(f"ไม่มีหนังสือประเภท {text}", f"no letter kind {text}; one of {', '.join(LetterKind)}"))
    return kind


def parse_delivery(text: str) -> Delivery:
    """hand | post | registered, or the Thai words of the register."""
    value = (text or "").strip()
    for how in Delivery:
        if value in (how.value, how.label.th):
            return how
    raise InputError(Text(
        f"วิธีส่งหนังสือไม่ถูกต้อง: {value} (ใช้ hand = ส่งด้วยมือ, post = ไปรษณีย์ธรรมดา, "
        "registered = ไปรษณีย์ลงทะเบียนตอบรับ)",
        f"unknown way of sending a letter: {value}; use hand, post or registered",
    ))


@dataclass
class LetterRequest:
    """A letter to print: new (no record yet), a reprint of an issued one, or a correction of one."""

    loan_id: str
    kind: LetterKind
    instalment_id: str | None
    on: date  # the letter's date (for a reprint: the day it was first issued)
    reminder_id: str | None = None  # the open notice it delivers
    details: dict[str, str] = field(default_factory=dict)  # a meeting's date and place
    record: LetterRecord | None = None  # set for a reprint
    delivery: Delivery | None = None  # None: the kind's default
    corrects: LetterRecord | None = None  # the issued letter a correction replaces

    def how(self) -> Delivery | None:
        """How it goes: as chosen, else the kind's default; for a reprint as recorded (None: not recorded,
        the letter was issued before 0007)."""
        if self.record is not None:
            return Delivery(self.record.delivery) if self.record.delivery else None
        return self.delivery or DEFAULT_DELIVERY[self.kind]


# --- the letters issued ----------------------------------------------------------------------------


def letter_records(session: Session, loan_ids: Sequence[str] | None = None) -> list[LetterRecord]:
    """The issued letters (of these loans), in the order they were issued."""
    q = select(LetterRecord).order_by(
        col(LetterRecord.issued_on), col(LetterRecord.year_be), col(LetterRecord.running))
    if loan_ids is not None:
        q = q.where(col(LetterRecord.loan_id).in_(loan_ids))
    return list(session.scalars(q))


def issued_letters(session: Session, loan_id: str | None = None) -> list[LetterRecord]:
    return letter_records(session, [loan_id] if loan_id else None)


def in_force(records: Sequence[LetterRecord]) -> list[LetterRecord]:
    """The letters not replaced by a correction (a correction stands in the place of the one it corrects)."""
    replaced = {r.corrects_id for r in records if r.corrects_id}
    return [r for r in records if r.id not in replaced]


def _find_record(
    records: Sequence[LetterRecord], loan_id: str, kind: LetterKind, instalment_id: str | None
) -> LetterRecord | None:
    found = None
    for rec in records:
        if rec.loan_id == loan_id and rec.kind == kind and rec.instalment_id == instalment_id:
            found = rec  # the latest: a correction comes after the letter it corrects
    return found


def _demand_chain(
    records: Sequence[LetterRecord], loan_id: str, instalment_id: str, on: date
) -> dict[str, LetterRecord]:
    """The demand letters in force for one debt (the oldest overdue instalment), issued on or before `on`."""
    return {
        r.kind: r
        for r in records
        if r.loan_id == loan_id and r.instalment_id == instalment_id and r.kind in DEMAND_LETTERS and r.issued_on <= on
    }


def _oldest_overdue(state: LoanState) -> InstalmentState | None:
    overdue = state.overdue_instalments()
    return min(overdue, key=lambda i: i.due_date) if overdue else None


# --- which letters may go out ----------------------------------------------------------------------


def next_demand(
    state: LoanState, records: Sequence[LetterRecord], on: date, rules: DemandRules | None = None
) -> tuple[LetterKind, str] | None:
    """(kind, oldest overdue instalment id) of the demand letter due for this loan on `on`, if any, by the
    demand-letter days of the loan's fund (as they were when the loan was made)."""
    rules = rules or DemandRules()
    oldest = _oldest_overdue(state)
    if oldest is None:
        return None
    chain = _demand_chain(in_force(records), state.loan_id, oldest.id, on)
    for kind in DEMAND_LETTERS:
        if kind in chain:
            continue
        return (kind, oldest.id) if demand_refusal(state, records, on, rules, kind) is None else None
    return None


def demand_refusal(
    state: LoanState, records: Sequence[LetterRecord], on: date, rules: DemandRules, kind: LetterKind
) -> Text | None:
    """Why demand letter `kind` may not go out on `on` (None when it may): nothing overdue, not yet the
    fund's days overdue, the letter before it missing or its period not yet run."""
    oldest = _oldest_overdue(state)
    if oldest is None:
        return Text("สัญญานี้ไม่มีหนี้ค้างชำระ จึงไม่มีหนังสือทวงถาม", "nothing is overdue on this loan")
    chain = _demand_chain(in_force(records), state.loan_id, oldest.id, on)
    step = DEMAND_LETTERS.index(kind)
    if step:
        before_kind = DEMAND_LETTERS[step - 1]
        before = chain.get(before_kind)
        if before is None:
            return Text(
                f"ยังไม่ได้ออก{_DEMAND_IN_SENTENCE[before_kind]}สำหรับหนี้ที่ค้างนี้ จึงออก{_DEMAND_IN_SENTENCE[kind]}ไม่ได้",
                f"{_IN_SENTENCE_EN[kind]} needs {_IN_SENTENCE_EN[before_kind]} first, and none was issued for this debt",
            )
        gap = max(rules.gap, 1)
        ready = before.issued_on + timedelta(days=gap)
        if on < ready:
            return Text(
                f"{_DEMAND_IN_SENTENCE[before_kind]} {before.number_text} ลงวันที่ {format_date(before.issued_on)} "
                f"ให้เวลาชำระ {gap} วัน จึงออก{_DEMAND_IN_SENTENCE[kind]}ได้ตั้งแต่วันที่ {format_date(ready)}",
                f"{_IN_SENTENCE_EN[before_kind]} {before.number_text} of {format_date_en(before.issued_on)} gave "
                f"{gap} days to pay, so {_IN_SENTENCE_EN[kind]} can go out from {format_date_en(ready)}",
            )
    days = state.days_overdue
    if days < rules.days[step]:
        return Text(
            f"ค้างชำระมา {days} วัน กองทุนนี้ออก{_DEMAND_IN_SENTENCE[kind]}เมื่อค้างชำระ {rules.days[step]} วันขึ้นไป",
            f"the loan is {days} days overdue; this fund sends {_IN_SENTENCE_EN[kind]} from {rules.days[step]} "
            "days overdue",
        )
    return None


def coming_instalment(state: LoanState, on: date) -> InstalmentState | None:
    """The next instalment not yet due whose notice is open on `on` (a demand names it too)."""
    if state.disbursed_on is None:
        return None
    for inst in state.instalments:
        if inst.is_paid or inst.due_date < on:
            continue
        for _kind, opened, closes in reminders.notice_windows(inst, state.disbursed_on):
            if opened <= on < closes:
                return inst
        return None  # a later instalment's notices open later still
    return None


def reprint_request(record: LetterRecord) -> LetterRequest:
    """The request that prints an issued letter again: what it printed, with its number and date."""
    return LetterRequest(record.loan_id, LetterKind(record.kind), record.instalment_id, record.issued_on,
                         record=record, details=json.loads(record.details or "{}"),
                         delivery=Delivery(record.delivery) if record.delivery else None)


def reprint_of(session: Session, record_id: str) -> LetterRequest:
    """The request that prints the issued letter `record_id` again (a row chosen on a screen)."""
    record = session.get(LetterRecord, record_id)
    if record is None:
        raise InputError(Text("ไม่พบหนังสือที่เลือกในทะเบียน", "the chosen letter is not in the register"))
    return reprint_request(record)


def letters_due(
    session: Session, on: date, delivery: Mapping[str, str] | None = None, loan_ids: list[str] | None = None
) -> list[LetterRequest]:
    """The letters of a day, one a loan: the next demand of each overdue loan (naming the coming
    instalment where its notice is open), else the open notice; and the letters already issued with this
    date, again (so printing the day twice is the same batch). `delivery` maps a kind or a loan id to how
    its letters go, over the kinds' defaults; `loan_ids` keeps the day's letters of those loans only (the
    rows chosen on the today page)."""
    records = letter_records(session, loan_ids)
    requests: list[LetterRequest] = []
    done_today = set()
    for rec in records:
        if rec.issued_on == on:
            requests.append(reprint_request(rec))
            done_today.add(rec.loan_id)
    notices: dict[str, reminders.Reminder] = {}
    for r in reminders.reminders_on(session, on, loan_ids):
        if r.kind.is_notice and (r.loan_id not in notices or r.due_date < notices[r.loan_id].due_date):
            notices[r.loan_id] = r
    states = loanbook.load_states(session, on, loan_ids)
    live = [loan_id for loan_id, st in states.items()
            if st.stage in (Stage.ASK, Stage.FOLLOW) and loan_id not in done_today]
    infos = loanbook.loan_infos(session, live) if live else {}
    new: list[LetterRequest] = []
    for loan_id in live:
        state = states[loan_id]
        if state.stage == Stage.ASK:
            due = next_demand(state, records, on, demand_rules_of(infos[loan_id].demand_rules))
            if due is None:
                continue  # an overdue loan gets a demand or nothing, never a notice
            notice = notices.get(loan_id)
            new.append(LetterRequest(loan_id, due[0], due[1], on, reminder_id=notice.id if notice else None))
        elif loan_id in notices:
            r = notices[loan_id]
            kind = LetterKind(r.kind)  # a notice's reminder kind is its letter's kind
            if _find_record(records, loan_id, kind, r.instalment_id) is None:
                new.append(LetterRequest(loan_id, kind, r.instalment_id, on, reminder_id=r.id))
    # in the order the officer hands them out: village by village, borrower by borrower
    new.sort(key=lambda q: (infos[q.loan_id].village, infos[q.loan_id].sort_name, q.loan_id))
    for q in new:
        how = (delivery or {}).get(q.loan_id) or (delivery or {}).get(q.kind)
        q.delivery = parse_delivery(how) if how else None
    return requests + new


def letter_request(
    session: Session,
    loan_id: str,
    kind: str,
    on: date,
    meeting_on: str = "",
    meeting_place: str = "",
    delivery: str = "",
) -> LetterRequest:
    """One letter asked for by the officer: refused with the reason when the rules forbid it; the issued
    letter again (a reprint) when the same letter was issued before."""
    loan = get_loan(session, loan_id)
    letter = parse_kind(kind)
    how = parse_delivery(delivery) if delivery else None
    if loan.disbursed_on is None:
        raise InputError(Text("สัญญานี้ยังไม่ได้จ่ายเงินกู้ จึงยังไม่มีหนังสือแจ้งหนี้",
                              "this loan has not been disbursed; there is nothing to remind of"))
    if on < loan.disbursed_on:
        raise InputError(Text(f"สัญญานี้จ่ายเงินกู้วันที่ {format_date(loan.disbursed_on)} หนังสือต้องลงวันที่ตั้งแต่วันนั้น",
                              f"the loan was paid out on {format_date_en(loan.disbursed_on)}; a letter cannot be dated before"))
    state = loanbook.load_states(session, on, [loan.id])[loan.id]
    records = in_force(letter_records(session, [loan.id]))
    rules = demand_rules_of(loanbook.loan_infos(session, [loan.id])[loan.id].demand_rules)
    oldest = _oldest_overdue(state)
    meeting = letter is LetterKind.MEETING
    details = {"meeting_on": meeting_on, "meeting_place": meeting_place} if meeting else {}
    if meeting and (not meeting_on or not meeting_place):
        raise InputError(Text("ระบุวันเวลาและสถานที่ประชุม", "give the meeting's date and place"))

    # the same letter again: a reprint of what was issued
    if letter.is_notice:
        same = _find_record(records, loan.id, letter, state.next_due.id) if state.next_due else None
    elif meeting:
        same = _find_record(records, loan.id, letter, oldest.id if oldest else None)
        same = same if same is not None and json.loads(same.details or "{}") == details else None
    elif oldest is not None:
        same = _find_record(records, loan.id, letter, oldest.id)
    else:  # a demand of a debt since paid can still be printed again
        same = next((r for r in reversed(records) if r.kind == letter), None)
    if same is not None:
        return reprint_request(same)

    _one_a_day(records, on)
    if letter.is_notice:
        if oldest is not None:
            raise InputError(Text(
                f"สัญญานี้ค้างชำระงวดที่ {oldest.no} ซึ่งครบกำหนดวันที่ {format_date(oldest.due_date)} "
                "จึงออกหนังสือแจ้งกำหนดชำระไม่ได้ ให้ออกหนังสือทวงถามแทน",
                f"instalment {oldest.no} of this loan was due on {format_date_en(oldest.due_date)} and is unpaid, "
                "so it gets a demand letter, not a notice",
            ))
        inst = state.next_due
        if inst is None:
            raise InputError(Text("สัญญานี้ไม่มีงวดที่ต้องชำระ", "nothing is due on this loan"))
        return LetterRequest(loan.id, letter, inst.id, on, reminder_id=_open_notice(session, loan.id, inst.id, on),
                             delivery=how)
    if meeting:
        return LetterRequest(loan.id, letter, oldest.id if oldest else None, on, details=details, delivery=how)
    refusal = demand_refusal(state, records, on, rules, letter)
    if refusal is not None:
        raise InputError(refusal)
    assert oldest is not None  # demand_refusal refuses a demand when nothing is overdue
    coming = coming_instalment(state, on)
    rid = _open_notice(session, loan.id, coming.id, on) if coming else None
    return LetterRequest(loan.id, letter, oldest.id, on, reminder_id=rid, delivery=how)


def _one_a_day(records: Sequence[LetterRecord], on: date, but: LetterRecord | None = None) -> None:
    today = [r for r in records if r.issued_on == on and (but is None or r.id != but.id)]
    if today:
        rec = today[-1]
        kind = LetterKind(rec.kind)
        raise InputError(Text(
            f"วันที่ {format_date(on)} ออกหนังสือถึงผู้กู้รายนี้แล้ว ({rec.number_text} {kind.label.th}) "
            "ผู้กู้หนึ่งรายได้รับหนังสือวันละหนึ่งฉบับ",
            f"a letter to this borrower was already issued on {format_date_en(on)} ({rec.number_text}, "
            f"{_IN_SENTENCE_EN[kind]}); a borrower gets one letter a day",
        ))


def _open_notice(session: Session, loan_id: str, instalment_id: str, on: date) -> str | None:
    """The id of the notice of this instalment open on `on` and not yet delivered, if any."""
    for r in reminders.reminders_on(session, on, [loan_id]):
        if r.kind.is_notice and r.instalment_id == instalment_id:
            return r.id
    return None


def correction_request(session: Session, record: LetterRecord, on: date, delivery: str = "") -> LetterRequest:
    """A new letter, with a new number and the figures of `on`, that replaces an issued one and cites it."""
    records = letter_records(session, [record.loan_id])
    later = next((r for r in records if r.corrects_id == record.id), None)
    if later is not None:
        raise InputError(Text(f"หนังสือ{record.number_text} แก้ไขไปแล้วด้วยหนังสือ{later.number_text}",
                              f"{record.number_text} was already corrected by {later.number_text}"))
    if on < record.issued_on:
        raise InputError(Text(f"หนังสือฉบับแก้ไขต้องลงวันที่ตั้งแต่ {format_date(record.issued_on)}",
                              f"a correction cannot be dated before the letter it corrects ({format_date_en(record.issued_on)})"))
    _one_a_day(in_force(records), on, but=record)
    kind = LetterKind(record.kind)
    state = loanbook.load_states(session, on, [record.loan_id])[record.loan_id]
    inst = next((i for i in state.instalments if i.id == record.instalment_id), None)
    if kind.is_notice:
        if inst is None or inst.is_paid or inst.due_date < on or _oldest_overdue(state) is not None:
            raise InputError(Text(
                f"งวดที่หนังสือ{record.number_text}แจ้งไว้ไม่ใช่งวดที่ยังไม่ถึงกำหนดแล้ว จึงแก้ไขเป็นหนังสือแจ้งกำหนดชำระไม่ได้",
                f"the instalment {record.number_text} gave notice of is no longer coming, so it cannot be corrected "
                "as a notice",
            ))
    elif kind.is_demand:
        oldest = _oldest_overdue(state)
        if oldest is None or oldest.id != record.instalment_id:
            raise InputError(Text(
                f"หนี้ที่หนังสือ{record.number_text}ทวงถามไม่ค้างชำระแล้ว จึงไม่มีสิ่งที่ต้องแก้ไข",
                f"the debt {record.number_text} asked for is no longer overdue; there is nothing to correct",
            ))
    coming = coming_instalment(state, on) if kind.is_demand else None
    notice_of = coming or inst
    rid = _open_notice(session, record.loan_id, notice_of.id, on) if notice_of else None
    how = parse_delivery(delivery) if delivery else (Delivery(record.delivery) if record.delivery else None)
    return LetterRequest(record.loan_id, kind, record.instalment_id, on, reminder_id=rid,
                         details=json.loads(record.details or "{}"), delivery=how, corrects=record)
