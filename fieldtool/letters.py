"""Repayment reminder and demand letters: which may go out on a day, their numbers, wording and record.

What a letter may say is a rule here, not a habit of the caller:
- a notice (30/15/7 days before a due date) speaks only of an instalment not yet due on the letter's
  date, and on the due day says it is due today;
- an overdue loan gets a demand, never a notice; where a notice is open too, the demand also names the
  coming instalment;
- one letter a loan a day (the borrower of a loan is one addressee: a household's head, a group's chair);
- demand 2 only after demand 1 was issued and its period (the fund's gap) has run, the final only after
  demand 2, each from the days overdue the loan's fund sets; each names the earlier ones by number and date.
A letter these rules forbid, asked for by hand, is refused with the reason in one sentence.

A letter is a document: what it printed is frozen on its record when it is issued, and printing it again
reproduces exactly that, marked as a copy where the office wants. A mistake is put right by a new letter
with a new number that cites the old one. Numbers come from the block the office gave this laptop, so
officers numbering offline never collide. Wording comes from templates the office can edit.
"""

from __future__ import annotations

import json
import string
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtool import loanbook, reminders
from fieldtool.funds import DemandRules, demand_rules_of
from fieldtool.ledger import InstalmentState, LoanState
from fieldtool.letter_content import AddressLabel, DispatchRegister, LetterContent, RegisterLine, ScheduleLine
from fieldtool.limits import NOTE, check_text
from fieldtool.models import (
    BorrowingGroup,
    District,
    Household,
    LetterRecord,
    Loan,
    Person,
    Province,
    Subdistrict,
    Village,
)
from fieldtool.registry import set_setting, setting
from fieldtool.schedule import FREQUENCY_TH
from fieldtool.text import Text
from fieldtool.thai import (
    MONTHS_SHORT,
    InputError,
    baht_in_words,
    format_baht,
    format_date,
    format_date_en,
    to_arabic_digits,
    to_thai_digits,
)

TEMPLATES_FILE = Path(__file__).resolve().parents[1] / "resources" / "letters" / "templates_th.json"

NOTICE_KINDS = ("notice-30", "notice-15", "notice-7")
DEMAND_KINDS = ("demand-1", "demand-2", "demand-final")
KINDS = NOTICE_KINDS + DEMAND_KINDS + ("meeting",)
KIND_TH = {
    "notice-30": "แจ้งกำหนดชำระ (ล่วงหน้า ๑ เดือน)",
    "notice-15": "แจ้งกำหนดชำระ (ล่วงหน้า ๑๕ วัน)",
    "notice-7": "แจ้งกำหนดชำระ (ล่วงหน้า ๗ วัน)",
    "demand-1": "ทวงถามหนี้ ครั้งที่ ๑",
    "demand-2": "ทวงถามหนี้ ครั้งที่ ๒",
    "demand-final": "ทวงถามหนี้ ครั้งสุดท้าย",
    "meeting": "เชิญประชุมติดตามการชำระหนี้",
}
KIND_EN = {
    "notice-30": "the 30-day notice",
    "notice-15": "the 15-day notice",
    "notice-7": "the 7-day notice",
    "demand-1": "the first demand",
    "demand-2": "the second demand",
    "demand-final": "the final demand",
    "meeting": "the meeting invitation",
}
# "หนังสือทวงถามครั้งที่ ๑" in a sentence (KIND_TH is the register's subject column).
_DEMAND_TH = {"demand-1": "หนังสือทวงถามครั้งที่ ๑", "demand-2": "หนังสือทวงถามครั้งที่ ๒",
              "demand-final": "หนังสือทวงถามครั้งสุดท้าย"}
# The final demand gives a week; the first and second give the fund's gap, the period that must run
# before the next one goes out (fieldtool.funds.DemandRules.gap).
FINAL_DEADLINE_DAYS = 7


class Delivery(StrEnum):
    """How a letter goes to the borrower (การปฏิบัติ in the dispatch register)."""

    HAND = "hand"  # by hand, at a visit
    POST = "post"  # ordinary post
    REGISTERED = "registered"  # registered post with a return receipt


DELIVERY_TH = {
    Delivery.HAND: "ส่งด้วยมือ",
    Delivery.POST: "ไปรษณีย์ธรรมดา",
    Delivery.REGISTERED: "ไปรษณีย์ลงทะเบียนตอบรับ",
}
DELIVERY_EN = {
    Delivery.HAND: "by hand",
    Delivery.POST: "ordinary post",
    Delivery.REGISTERED: "registered post with return receipt",
}
# Notices and the first demand go with the officer or the committee on a visit (the ask ladder's first
# step is a visit); the second by post; the final by registered post, whose receipt proves it arrived.
DEFAULT_DELIVERY = {
    "notice-30": Delivery.HAND,
    "notice-15": Delivery.HAND,
    "notice-7": Delivery.HAND,
    "demand-1": Delivery.HAND,
    "demand-2": Delivery.POST,
    "demand-final": Delivery.REGISTERED,
    "meeting": Delivery.HAND,
}
BY_POST = (Delivery.POST, Delivery.REGISTERED)

# Warn when fewer numbers than this are left in the laptop's block after a batch.
BLOCK_WARN_LEFT = 20

# Office settings: key -> (Thai label, required)
OFFICE_SETTINGS = {
    "office_name": ("ชื่อส่วนราชการ", True),
    "office_address": ("ที่อยู่ (ขึ้นบรรทัดใหม่ด้วย |)", True),
    "letter_prefix": ("รหัสหนังสือ เช่น อบ ๐๐๑๗.๑๕", True),
    "letter_block": ("ช่วงเลขที่หนังสือของเครื่องนี้ เช่น 201-400", True),
    "signer_name": ("ชื่อผู้ลงนาม", True),
    "signer_position": ("ตำแหน่งผู้ลงนาม (ขึ้นบรรทัดใหม่ด้วย |)", True),
    "section": ("ส่วนราชการเจ้าของเรื่อง", True),
    "section_phone": ("โทรศัพท์", True),
    "pay_place": ("สถานที่ชำระเงิน", True),
    "contact": ("ผู้ประสานงาน", True),
    "emblem_path": ("ไฟล์ภาพตราครุฑ/โลโก้ (ถ้ามี)", False),
    "thai_digits": ("ใช้เลขไทย (1 = ใช้, 0 = ไม่ใช้)", False),
    "copy_mark": ("พิมพ์คำว่า สำเนา บนหนังสือที่พิมพ์ซ้ำ (1 = พิมพ์, 0 = ไม่พิมพ์)", False),
    "garuda_space": ("พิมพ์บนกระดาษที่มีตราครุฑอยู่แล้ว: เว้นที่ ๓ ซม. ไม่พิมพ์ตรา (1 = ใช่, 0 = ไม่ใช่)", False),
    "postal_code": ("รหัสไปรษณีย์ของตำบล (พิมพ์บนป้ายจ่าหน้าซอง)", False),
}
# yes/no settings (1/0) and what one never set ("") reads as
YES_NO_SETTINGS = {"thai_digits": "1", "copy_mark": "1", "garuda_space": "0"}


def is_on(settings: dict[str, str], key: str) -> bool:
    """A yes/no office setting, its default when never set."""
    return (settings.get(key) or YES_NO_SETTINGS[key]) == "1"

PLACEHOLDERS = {
    "office": "ชื่อส่วนราชการ",
    "borrower": "ชื่อผู้กู้ (กลุ่มหรือบุคคล)",
    "fund": "ชื่อกองทุน",
    "purpose": "วัตถุประสงค์การกู้",
    "principal": "เงินต้น",
    "principal_words": "เงินต้นเป็นตัวอักษร",
    "frequency": "รอบการชำระ",
    "instalments": "จำนวนงวด",
    "agreement_no": "เลขที่สัญญา",
    "agreement_date": "วันที่สัญญา",
    "instalment_no": "งวดที่",
    "due_date": "วันครบกำหนด",
    "due_when": "ครบกำหนดเมื่อใด ตามวันที่ของหนังสือ (จะครบกำหนดชำระในวันที่ … / ครบกำหนดชำระในวันนี้ …)",
    "amount_due": "จำนวนเงินงวดนี้",
    "amount_due_words": "จำนวนเงินงวดนี้เป็นตัวอักษร",
    "overdue_instalments": "งวดที่ค้างชำระ",
    "oldest_due_date": "วันครบกำหนดงวดแรกที่ค้าง",
    "arrears": "เงินค้างชำระ",
    "arrears_words": "เงินค้างชำระเป็นตัวอักษร",
    "days_overdue": "จำนวนวันที่เกินกำหนด",
    "deadline_days": "จำนวนวันที่ให้ชำระ",
    "coming_instalment": "ย่อหน้างวดถัดไปที่ใกล้ครบกำหนด (หนังสือทวงถาม; ว่างเมื่อไม่มี)",
    "pay_place": "สถานที่ชำระเงิน",
    "contact": "ผู้ประสานงาน",
    "previous_letter": "หนังสือฉบับก่อน (เลขที่และวันที่)",
    "meeting_date": "วันเวลาประชุม",
    "meeting_place": "สถานที่ประชุม",
}


# --- settings and templates ------------------------------------------------------------------------


def office_settings(session: Session) -> dict[str, str]:
    return {key: setting(session, f"letter.{key}") for key in OFFICE_SETTINGS}


def set_office_setting(session: Session, key: str, value: str) -> None:
    if key not in OFFICE_SETTINGS:
        raise InputError(Text(f"ไม่มีค่าตั้ง {key}", f"no office setting {key}; one of {', '.join(OFFICE_SETTINGS)}"))
    value = check_text(value.strip(), Text(OFFICE_SETTINGS[key][0], key), NOTE)
    if key == "letter_block":
        parse_block(value)
    if key == "emblem_path" and value and not Path(value).is_file():
        raise InputError(Text(f"ไม่พบไฟล์ภาพ {value}", f"no image file at {value}"))
    if key in YES_NO_SETTINGS and value not in ("", "0", "1"):
        raise InputError(Text(f"{OFFICE_SETTINGS[key][0]}: ใส่ 1 หรือ 0", f"{key} must be 1 (yes) or 0 (no)"))
    if key == "postal_code" and value and not (len(to_arabic_digits(value)) == 5 and to_arabic_digits(value).isdigit()):
        raise InputError(Text(f"รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลัก: {value}", f"a postal code has 5 digits: {value}"))
    set_setting(session, f"letter.{key}", value)


MAX_LETTER_NUMBER = 1_000_000  # numbers run through one calendar year; an office sends a few thousand


def parse_block(value: str) -> tuple[int, int]:
    try:
        low, high = (int(x) for x in to_arabic_digits(value).replace(" ", "").split("-"))
    except ValueError:
        raise InputError(Text(f"ช่วงเลขที่หนังสือต้องเขียนแบบ 201-400: {value}",
                              "the letter block must look like 201-400")) from None
    if not 1 <= low <= high <= MAX_LETTER_NUMBER:
        raise InputError(Text(f"ช่วงเลขที่หนังสือไม่ถูกต้อง: {value} (1 ถึง {MAX_LETTER_NUMBER:,})",
                              f"the letter block must run from low to high, within 1 to {MAX_LETTER_NUMBER:,}"))
    return low, high


def _check_office(settings: dict[str, str]) -> None:
    missing = [OFFICE_SETTINGS[k][0] for k, (_, required) in OFFICE_SETTINGS.items() if required and not settings[k]]
    if missing:
        raise InputError(Text(
            f"ยังไม่ได้ตั้งค่าสำนักงานสำหรับออกหนังสือ: {', '.join(missing)}",
            "office settings for letters are missing; set them with 'fieldtool office set KEY VALUE'",
        ))


def default_templates() -> dict[str, dict]:
    return json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))


def template_key(kind: str) -> str:
    return "notice" if kind in NOTICE_KINDS else kind


def check_template(template: dict) -> dict:
    """Refuse a template that is malformed or names a placeholder the program does not fill."""
    if not isinstance(template, dict) or not isinstance(template.get("subject"), str) or not isinstance(template.get("body"), list):
        raise InputError(Text('แม่แบบต้องมี "subject" และ "body"',
                              'a template needs "subject" text and a "body" list of paragraphs'))
    texts = [template["subject"], *template["body"]]
    if not all(isinstance(t, str) for t in texts):
        raise InputError(Text("ย่อหน้าของแม่แบบต้องเป็นข้อความ", "every body paragraph must be text"))
    unknown = set()
    for text in texts:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            raise InputError(Text(f"แม่แบบมีวงเล็บปีกกาไม่ครบคู่: {text[:40]}", "unbalanced braces in the template")) from exc
        unknown |= {n for n in names if n not in PLACEHOLDERS}
    if unknown:
        raise InputError(Text(
            f"แม่แบบมีตัวแทนที่ไม่รู้จัก: {', '.join(sorted(unknown))}",
            f"unknown placeholder {', '.join('{' + u + '}' for u in sorted(unknown))}",
        ))
    return {"subject": template["subject"], "body": list(template["body"])}


def get_template(session: Session, kind: str) -> dict:
    key = template_key(kind)
    stored = setting(session, f"letter.template.{key}")
    return json.loads(stored) if stored else default_templates()[key]


def set_template(session: Session, kind: str, template: dict) -> None:
    key = template_key(kind)
    if key not in default_templates():
        raise InputError(Text(f"ไม่มีหนังสือประเภท {kind}", f"no letter kind {kind}; one of {', '.join(KINDS)}"))
    set_setting(session, f"letter.template.{key}", json.dumps(check_template(template), ensure_ascii=False))


def reset_template(session: Session, kind: str) -> None:
    set_setting(session, f"letter.template.{template_key(kind)}", "")


def parse_delivery(text: str) -> Delivery:
    """hand | post | registered, or the Thai words of the register."""
    value = (text or "").strip()
    for how in Delivery:
        if value in (how.value, DELIVERY_TH[how]):
            return how
    raise InputError(Text(
        f"วิธีส่งหนังสือไม่ถูกต้อง: {value} (ใช้ hand = ส่งด้วยมือ, post = ไปรษณีย์ธรรมดา, "
        "registered = ไปรษณีย์ลงทะเบียนตอบรับ)",
        f"unknown way of sending a letter: {value}; use hand, post or registered",
    ))


# --- which letters may go out ----------------------------------------------------------------------


@dataclass
class LetterRequest:
    """A letter to print: new (no record yet), a reprint of an issued one, or a correction of one."""

    loan_id: str
    kind: str
    instalment_id: str | None
    on: date  # the letter's date (for a reprint: the day it was first issued)
    reminder_id: str | None = None  # the open notice it delivers
    details: dict = field(default_factory=dict)
    record: LetterRecord | None = None  # set for a reprint
    delivery: str = ""  # Delivery; "" = the kind's default
    corrects: LetterRecord | None = None  # the issued letter a correction replaces

    def how(self) -> Delivery | None:
        """How it goes: as chosen, else the kind's default; for a reprint as recorded (None: not recorded,
        the letter was issued before 0007)."""
        if self.record is not None:
            return Delivery(self.record.delivery) if self.record.delivery else None
        return Delivery(self.delivery) if self.delivery else DEFAULT_DELIVERY[self.kind]


def _records(session: Session, loan_ids: list[str] | None = None) -> list[LetterRecord]:
    q = select(LetterRecord).order_by(LetterRecord.issued_on, LetterRecord.year_be, LetterRecord.running)
    if loan_ids is not None:
        q = q.where(LetterRecord.loan_id.in_(loan_ids))
    return list(session.scalars(q))


def _in_force(records: list[LetterRecord]) -> list[LetterRecord]:
    """The letters not replaced by a correction (a correction stands in the place of the one it corrects)."""
    replaced = {r.corrects_id for r in records if r.corrects_id}
    return [r for r in records if r.id not in replaced]


def _find_record(records, loan_id, kind, instalment_id) -> LetterRecord | None:
    found = None
    for rec in records:
        if rec.loan_id == loan_id and rec.kind == kind and rec.instalment_id == instalment_id:
            found = rec  # the latest: a correction comes after the letter it corrects
    return found


def _demand_chain(records: list[LetterRecord], loan_id: str, instalment_id: str, on: date) -> dict[str, LetterRecord]:
    """The demand letters in force for one debt (the oldest overdue instalment), issued on or before `on`."""
    return {
        r.kind: r
        for r in records
        if r.loan_id == loan_id and r.instalment_id == instalment_id and r.kind in DEMAND_KINDS and r.issued_on <= on
    }


def _oldest_overdue(state: LoanState) -> InstalmentState | None:
    overdue = state.overdue_instalments()
    return min(overdue, key=lambda i: i.due_date) if overdue else None


def next_demand(
    state: LoanState, records: list[LetterRecord], on: date, rules: DemandRules | None = None
) -> tuple[str, str] | None:
    """(kind, oldest overdue instalment id) of the demand letter due for this loan on `on`, if any, by the
    demand-letter days of the loan's fund (as they were when the loan was made)."""
    rules = rules or DemandRules()
    oldest = _oldest_overdue(state)
    if oldest is None:
        return None
    chain = _demand_chain(_in_force(records), state.loan_id, oldest.id, on)
    for kind in DEMAND_KINDS:
        if kind in chain:
            continue
        return (kind, oldest.id) if demand_refusal(state, records, on, rules, kind) is None else None
    return None


def demand_refusal(
    state: LoanState, records: list[LetterRecord], on: date, rules: DemandRules, kind: str
) -> Text | None:
    """Why demand letter `kind` may not go out on `on` (None when it may): nothing overdue, not yet the
    fund's days overdue, the letter before it missing or its period not yet run."""
    oldest = _oldest_overdue(state)
    if oldest is None:
        return Text("สัญญานี้ไม่มีหนี้ค้างชำระ จึงไม่มีหนังสือทวงถาม", "nothing is overdue on this loan")
    chain = _demand_chain(_in_force(records), state.loan_id, oldest.id, on)
    step = DEMAND_KINDS.index(kind)
    if step:
        before_kind = DEMAND_KINDS[step - 1]
        before = chain.get(before_kind)
        if before is None:
            return Text(
                f"ยังไม่ได้ออก{_DEMAND_TH[before_kind]}สำหรับหนี้ที่ค้างนี้ จึงออก{_DEMAND_TH[kind]}ไม่ได้",
                f"{KIND_EN[kind]} needs {KIND_EN[before_kind]} first, and none was issued for this debt",
            )
        gap = max(rules.gap, 1)
        ready = before.issued_on + timedelta(days=gap)
        if on < ready:
            return Text(
                f"{_DEMAND_TH[before_kind]} {before.number_text} ลงวันที่ {format_date(before.issued_on)} "
                f"ให้เวลาชำระ {gap} วัน จึงออก{_DEMAND_TH[kind]}ได้ตั้งแต่วันที่ {format_date(ready)}",
                f"{KIND_EN[before_kind]} {before.number_text} of {format_date_en(before.issued_on)} gave {gap} days "
                f"to pay, so {KIND_EN[kind]} can go out from {format_date_en(ready)}",
            )
    days = state.days_overdue
    if days < rules.days[step]:
        return Text(
            f"ค้างชำระมา {days} วัน กองทุนนี้ออก{_DEMAND_TH[kind]}เมื่อค้างชำระ {rules.days[step]} วันขึ้นไป",
            f"the loan is {days} days overdue; this fund sends {KIND_EN[kind]} from {rules.days[step]} days overdue",
        )
    return None


def _coming(state: LoanState, on: date) -> tuple[InstalmentState, str] | None:
    """The next instalment not yet due whose notice is open on `on`, with the open notice's kind."""
    for inst in state.instalments:
        if inst.is_paid or inst.due_date < on:
            continue
        for kind, opened, closes in reminders.notice_windows(inst, state.disbursed_on):
            if opened <= on < closes:
                return inst, kind
        return None  # a later instalment's notices open later still
    return None


def reprint_request(record: LetterRecord) -> LetterRequest:
    """The request that prints an issued letter again: what it printed, with its number and date."""
    return LetterRequest(record.loan_id, record.kind, record.instalment_id, record.issued_on, record=record,
                         details=json.loads(record.details or "{}"), delivery=record.delivery)


def reprint_of(session: Session, record_id: str) -> LetterRequest:
    """The request that prints the issued letter `record_id` again (a row chosen on a screen)."""
    record = session.get(LetterRecord, record_id)
    if record is None:
        raise InputError(Text("ไม่พบหนังสือที่เลือกในทะเบียน", "the chosen letter is not in the register"))
    return reprint_request(record)


def letters_due(
    session: Session, on: date, delivery: dict[str, str] | None = None, loan_ids: list[str] | None = None
) -> list[LetterRequest]:
    """The letters of a day, one a loan: the next demand of each overdue loan (naming the coming
    instalment where its notice is open), else the open notice; and the letters already issued with this
    date, again (so printing the day twice is the same batch). `delivery` maps a kind or a loan id to how
    its letters go, over the kinds' defaults; `loan_ids` keeps the day's letters of those loans only (the
    rows chosen on the today page)."""
    records = _records(session, loan_ids)
    requests: list[LetterRequest] = []
    done_today = set()
    for rec in records:
        if rec.issued_on == on:
            requests.append(reprint_request(rec))
            done_today.add(rec.loan_id)
    notices: dict[str, reminders.Reminder] = {}
    for r in reminders.reminders_on(session, on, loan_ids):
        if r.kind in NOTICE_KINDS and (r.loan_id not in notices or r.due_date < notices[r.loan_id].due_date):
            notices[r.loan_id] = r
    states = loanbook.load_states(session, on, loan_ids)
    live = [loan_id for loan_id, st in states.items() if st.stage in ("ask", "follow") and loan_id not in done_today]
    infos = loanbook.loan_infos(session, live) if live else {}
    new: list[LetterRequest] = []
    for loan_id in live:
        state = states[loan_id]
        if state.stage == "ask":
            due = next_demand(state, records, on, demand_rules_of(infos[loan_id].demand_rules))
            if due is None:
                continue  # an overdue loan gets a demand or nothing, never a notice
            notice = notices.get(loan_id)
            new.append(LetterRequest(loan_id, due[0], due[1], on, reminder_id=notice.id if notice else None))
        elif loan_id in notices:
            r = notices[loan_id]
            if _find_record(records, loan_id, r.kind, r.instalment_id) is None:
                new.append(LetterRequest(loan_id, r.kind, r.instalment_id, on, reminder_id=r.id))
    # in the order the officer hands them out: village by village, borrower by borrower
    new.sort(key=lambda q: (infos[q.loan_id].village, infos[q.loan_id].sort_name, q.loan_id))
    for q in new:
        q.delivery = _chosen_delivery(delivery or {}, q)
    return requests + new


def _chosen_delivery(choices: dict[str, str], req: LetterRequest) -> str:
    how = choices.get(req.loan_id) or choices.get(req.kind)
    return parse_delivery(how).value if how else ""


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
    loan = loanbook.get_loan(session, loan_id)
    if kind not in KINDS:
        raise InputError(Text(f"ไม่มีหนังสือประเภท {kind}", f"no letter kind {kind}; one of {', '.join(KINDS)}"))
    how = parse_delivery(delivery).value if delivery else ""
    if loan.disbursed_on is None:
        raise InputError(Text("สัญญานี้ยังไม่ได้จ่ายเงินกู้ จึงยังไม่มีหนังสือแจ้งหนี้",
                              "this loan has not been disbursed; there is nothing to remind of"))
    if on < loan.disbursed_on:
        raise InputError(Text(f"สัญญานี้จ่ายเงินกู้วันที่ {format_date(loan.disbursed_on)} หนังสือต้องลงวันที่ตั้งแต่วันนั้น",
                              f"the loan was paid out on {format_date_en(loan.disbursed_on)}; a letter cannot be dated before"))
    state = loanbook.load_states(session, on, [loan.id])[loan.id]
    records = _in_force(_records(session, [loan.id]))
    rules = demand_rules_of(loanbook.loan_infos(session, [loan.id])[loan.id].demand_rules)
    oldest = _oldest_overdue(state)
    details = {"meeting_on": meeting_on, "meeting_place": meeting_place} if kind == "meeting" else {}
    if kind == "meeting" and (not meeting_on or not meeting_place):
        raise InputError(Text("ระบุวันเวลาและสถานที่ประชุม", "give the meeting's date and place"))

    # the same letter again: a reprint of what was issued
    if kind in NOTICE_KINDS:
        same = _find_record(records, loan.id, kind, state.next_due.id) if state.next_due else None
    elif kind == "meeting":
        same = _find_record(records, loan.id, kind, oldest.id if oldest else None)
        same = same if same is not None and json.loads(same.details or "{}") == details else None
    elif oldest is not None:
        same = _find_record(records, loan.id, kind, oldest.id)
    else:  # a demand of a debt since paid can still be printed again
        same = next((r for r in reversed(records) if r.kind == kind), None)
    if same is not None:
        return reprint_request(same)

    _one_a_day(records, on)
    if kind in NOTICE_KINDS:
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
        return LetterRequest(loan.id, kind, inst.id, on, reminder_id=_open_notice(session, loan.id, inst.id, on),
                             delivery=how)
    if kind == "meeting":
        return LetterRequest(loan.id, kind, oldest.id if oldest else None, on, details=details, delivery=how)
    refusal = demand_refusal(state, records, on, rules, kind)
    if refusal is not None:
        raise InputError(refusal)
    coming = _coming(state, on)
    rid = _open_notice(session, loan.id, coming[0].id, on) if coming else None
    return LetterRequest(loan.id, kind, oldest.id, on, reminder_id=rid, delivery=how)


def _one_a_day(records: list[LetterRecord], on: date, but: LetterRecord | None = None) -> None:
    today = [r for r in records if r.issued_on == on and (but is None or r.id != but.id)]
    if today:
        rec = today[-1]
        raise InputError(Text(
            f"วันที่ {format_date(on)} ออกหนังสือถึงผู้กู้รายนี้แล้ว ({rec.number_text} {KIND_TH[rec.kind]}) "
            "ผู้กู้หนึ่งรายได้รับหนังสือวันละหนึ่งฉบับ",
            f"a letter to this borrower was already issued on {format_date_en(on)} ({rec.number_text}, "
            f"{KIND_EN[rec.kind]}); a borrower gets one letter a day",
        ))


def _open_notice(session: Session, loan_id: str, instalment_id: str, on: date) -> str | None:
    """The id of the notice of this instalment open on `on` and not yet delivered, if any."""
    for r in reminders.reminders_on(session, on, [loan_id]):
        if r.kind in NOTICE_KINDS and r.instalment_id == instalment_id:
            return r.id
    return None


def correction_request(session: Session, record: LetterRecord, on: date, delivery: str = "") -> LetterRequest:
    """A new letter, with a new number and the figures of `on`, that replaces an issued one and cites it."""
    records = _records(session, [record.loan_id])
    later = next((r for r in records if r.corrects_id == record.id), None)
    if later is not None:
        raise InputError(Text(f"หนังสือ{record.number_text} แก้ไขไปแล้วด้วยหนังสือ{later.number_text}",
                              f"{record.number_text} was already corrected by {later.number_text}"))
    if on < record.issued_on:
        raise InputError(Text(f"หนังสือฉบับแก้ไขต้องลงวันที่ตั้งแต่ {format_date(record.issued_on)}",
                              f"a correction cannot be dated before the letter it corrects ({format_date_en(record.issued_on)})"))
    _one_a_day(_in_force(records), on, but=record)
    state = loanbook.load_states(session, on, [record.loan_id])[record.loan_id]
    inst = next((i for i in state.instalments if i.id == record.instalment_id), None)
    if record.kind in NOTICE_KINDS:
        if inst is None or inst.is_paid or inst.due_date < on or _oldest_overdue(state) is not None:
            raise InputError(Text(
                f"งวดที่หนังสือ{record.number_text}แจ้งไว้ไม่ใช่งวดที่ยังไม่ถึงกำหนดแล้ว จึงแก้ไขเป็นหนังสือแจ้งกำหนดชำระไม่ได้",
                f"the instalment {record.number_text} gave notice of is no longer coming, so it cannot be corrected "
                "as a notice",
            ))
    elif record.kind in DEMAND_KINDS:
        oldest = _oldest_overdue(state)
        if oldest is None or oldest.id != record.instalment_id:
            raise InputError(Text(
                f"หนี้ที่หนังสือ{record.number_text}ทวงถามไม่ค้างชำระแล้ว จึงไม่มีสิ่งที่ต้องแก้ไข",
                f"the debt {record.number_text} asked for is no longer overdue; there is nothing to correct",
            ))
    coming = _coming(state, on) if record.kind in DEMAND_KINDS else None
    rid = _open_notice(session, record.loan_id, (coming[0] if coming else inst).id, on) if (coming or inst) else None
    return LetterRequest(record.loan_id, record.kind, record.instalment_id, on, reminder_id=rid,
                         details=json.loads(record.details or "{}"), delivery=parse_delivery(delivery).value
                         if delivery else record.delivery, corrects=record)


def find_letter(session: Session, number: str, year_be: int | None = None) -> LetterRecord:
    """An issued letter by its number as printed ("ที่ อบ ๐๐๑๗.๑๕/๒๐๑", Thai or Arabic digits) or its
    running number alone; `year_be` when the same number was used in several years."""
    raw = " ".join(to_arabic_digits(number or "").split())
    raw = raw.removeprefix("ที่").strip()
    prefix, _, running = raw.rpartition("/")
    if not running.strip().isdigit():
        raise InputError(Text(f"เลขที่หนังสือไม่ถูกต้อง: {number} เช่น ๒๐๑ หรือ อบ ๐๐๑๗.๑๕/๒๐๑",
                              f"not a letter number: {number}; e.g. 201 or อบ 0017.15/201"))
    if year_be is not None and year_be < 2400:
        year_be += 543
    q = select(LetterRecord).where(LetterRecord.running == int(running))
    if year_be is not None:
        q = q.where(LetterRecord.year_be == year_be)

    def squeeze(text: str) -> str:
        return to_arabic_digits(text).replace(" ", "")

    found = [r for r in session.scalars(q) if not prefix or squeeze(r.prefix) == squeeze(prefix)]
    if not found:
        raise InputError(Text(f"ไม่พบหนังสือเลขที่ {number} ในทะเบียน", f"no letter numbered {number} in the register"))
    years = sorted({r.year_be for r in found})
    if len(years) > 1:
        raise InputError(Text(
            f"เลขที่ {number} มีหนังสือในปี {', '.join(map(str, years))} ระบุปีด้วย",
            f"number {number} was used in the years {', '.join(map(str, years))}; give the year (--year)",
        ))
    if len(found) > 1:
        raise InputError(Text(f"เลขที่ {number} มีหลายรหัสหนังสือ ระบุเลขที่เต็มตามที่พิมพ์",
                              f"number {number} was used under several prefixes; give the whole number as printed"))
    return found[0]


# --- numbers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberBlock:
    """This laptop's block of letter numbers in a Buddhist year, and how far it is used."""

    low: int
    high: int
    used: int  # the highest running number issued in the block that year (low - 1 when none)
    year_be: int

    @property
    def left(self) -> int:
        return self.high - self.used

    def next_block(self) -> str:
        """The block after this one, of the same size, as an example of what the office gives next."""
        size = self.high - self.low + 1
        return f"{self.high + 1}-{self.high + size}"


def number_block(session: Session, on: date, settings: dict[str, str] | None = None) -> NumberBlock:
    settings = settings or office_settings(session)
    low, high = parse_block(settings["letter_block"])
    year_be = on.year + 543
    used = session.execute(
        select(func.max(LetterRecord.running)).where(
            LetterRecord.prefix == settings["letter_prefix"],
            LetterRecord.year_be == year_be,
            LetterRecord.running >= low,
            LetterRecord.running <= high,
        )
    ).scalar()
    return NumberBlock(low, high, used or low - 1, year_be)


def _how_to_renew(block: NumberBlock) -> tuple[str, str]:
    nxt = block.next_block()
    return (
        f"ขอช่วงเลขใหม่จากสำนักงานอำเภอแล้วตั้งค่า เช่น fieldtool office set letter_block {nxt} "
        "หรือเมนู แฟ้ม › ตั้งค่าหนังสือราชการ",
        f"ask the office for the next block and set it, e.g. fieldtool office set letter_block {nxt} "
        "or File › Office settings for letters",
    )


def block_warning(block: NumberBlock, need: int = 0) -> Text | None:
    """A warning when the block is nearly used: fewer than BLOCK_WARN_LEFT numbers left after `need` more."""
    left = block.left - need
    if left >= BLOCK_WARN_LEFT:
        return None
    th, en = _how_to_renew(block)
    return Text(
        f"เลขที่หนังสือช่วง {block.low}-{block.high} ของเครื่องนี้เหลืออีก {max(left, 0)} เลข {th}",
        f"only {_numbers(max(left, 0))} left in this laptop's block {block.low}-{block.high}; {en}",
    )


def _block_refusal(block: NumberBlock, need: int) -> Text:
    th, en = _how_to_renew(block)
    if block.left <= 0:
        return Text(f"เลขที่หนังสือช่วง {block.low}-{block.high} ของเครื่องนี้หมดแล้ว {th}",
                    f"this laptop's letter numbers {block.low}-{block.high} are used up; {en}")
    return Text(
        f"เลขที่หนังสือช่วง {block.low}-{block.high} ของเครื่องนี้เหลือ {block.left} เลข "
        f"ไม่พอสำหรับหนังสือใหม่ {need} ฉบับ จึงยังไม่ออกหนังสือฉบับใด {th}",
        f"only {_numbers(block.left)} left in this laptop's block {block.low}-{block.high} for {need} new "
        f"letters, so none was issued; {en}",
    )


def _numbers(n: int) -> str:
    return f"{n} number is" if n == 1 else f"{n} numbers are"


def number_text(prefix: str, running: int, thai: bool) -> str:
    text = f"ที่ {prefix}/{running}"
    return to_thai_digits(text) if thai else text


# --- content ---------------------------------------------------------------------------------------


@dataclass
class PreparedLetter:
    request: LetterRequest
    content: LetterContent
    year_be: int
    running: int
    amount_satang: int | None  # what the letter asks for; None for a reprint (its figures are text)
    frozen: bool = True  # False: an old letter (before 0007) printed again from the book as it stands

    @property
    def delivery(self) -> Delivery | None:
        return self.request.how()


@dataclass(frozen=True)
class BatchOutline:
    """What printing a batch will do, said before it is done: how many new letters and their numbers
    (as printed, without "ที่"), how many issued letters are printed again, and how many open notices
    are recorded as delivered by letter."""

    new: int
    first: str  # "อบ ๐๐๑๗.๑๕/๒๐๑"; "" when there is no new letter
    last: str
    reprints: int
    notices: int


def outline(session: Session, requests: list[LetterRequest]) -> BatchOutline:
    """What `prepare` and `record_issued` will do with these requests, without doing it: the numbers the
    new letters will take (refused, as prepare refuses, when the block has too few left)."""
    settings = office_settings(session)
    _check_office(settings)
    new = [req for req in requests if req.record is None]
    numbers = sorted(_allocate(session, new, settings).values())
    thai = is_on(settings, "thai_digits")

    def printed(year_running: tuple[int, int]) -> str:
        return number_text(settings["letter_prefix"], year_running[1], thai).removeprefix("ที่ ")

    return BatchOutline(
        new=len(new),
        first=printed(numbers[0]) if numbers else "",
        last=printed(numbers[-1]) if numbers else "",
        reprints=len(requests) - len(new),
        notices=sum(1 for req in new if req.reminder_id),
    )


def _allocate(session: Session, new: list[LetterRequest], settings: dict[str, str]) -> dict[int, tuple[int, int]]:
    """(Buddhist year, running number) for each new request, by id(); a batch that needs more numbers
    than the block has left in a year is refused whole."""
    numbers: dict[int, tuple[int, int]] = {}
    for year_be in sorted({req.on.year + 543 for req in new}):
        wanted = [req for req in new if req.on.year + 543 == year_be]
        block = number_block(session, date(year_be - 543, 1, 1), settings)
        if len(wanted) > block.left:
            raise InputError(_block_refusal(block, len(wanted)))
        for k, req in enumerate(wanted, start=1):
            numbers[id(req)] = (year_be, block.used + k)
    return numbers


def prepare(session: Session, requests: list[LetterRequest]) -> list[PreparedLetter]:
    """Numbers and wording for each request (numbers are allocated but not yet recorded). A batch that
    needs more numbers than the block has left is refused whole, before anything is issued."""
    settings = office_settings(session)
    _check_office(settings)
    new = [req for req in requests if req.record is None]
    emblem = settings["emblem_path"]
    if new and emblem and not is_on(settings, "garuda_space") and not Path(emblem).is_file():
        raise InputError(Text(f"ไม่พบไฟล์ภาพตรา {emblem}", "the emblem image is missing"))
    thai = is_on(settings, "thai_digits")
    mark = "สำเนา" if is_on(settings, "copy_mark") else ""
    numbers = _allocate(session, new, settings)
    out = []
    for req in requests:
        if req.record is not None:
            rec = req.record
            if rec.content:
                content, amount, frozen = LetterContent.from_json(rec.content), None, True
            else:  # issued before letters were frozen: rebuilt from the book as it stands, and said so
                content, amount = _content(session, req, settings, thai, rec.number_text)
                frozen = False
            content = replace(content, copy_mark=mark)
            out.append(PreparedLetter(req, content, rec.year_be, rec.running, amount, frozen))
            continue
        year_be, running = numbers[id(req)]
        content, amount = _content(session, req, settings, thai, number_text(settings["letter_prefix"], running, thai))
        out.append(PreparedLetter(req, content, year_be, running, amount))
    return out


def _digits(text: str, thai: bool) -> str:
    return to_thai_digits(text) if thai else text


@dataclass
class _Addressee:
    salutation: str  # the เรียน line: a household's head, or a group's chair "นาง… ประธานกลุ่ม…"
    address_lines: list[str]
    postcode: str


def _addressee(session: Session, loan: Loan, settings: dict[str, str], thai: bool) -> _Addressee:
    """Who a letter goes to and where: a group's chair (at her house), or the household's head."""
    if loan.borrower_kind == "group":
        group = session.get(BorrowingGroup, loan.group_id)
        chair = session.get(Person, group.chair_id) if group.chair_id else None
        name = f"ประธาน{group.name}"
        house_no, village_id = "", group.village_id
        if chair is not None:
            name = f"{loanbook.person_name(chair.title, chair.first_name, chair.last_name)} {name}"
            house_no, village_id = chair.house_no, chair.village_id or group.village_id
    else:
        hh = session.get(Household, loan.household_id)
        head = session.get(Person, hh.head_id)
        name = loanbook.person_name(head.title, head.first_name, head.last_name)
        house_no, village_id = hh.house_no or head.house_no, hh.village_id
    lines = []
    row = session.execute(
        select(Village.moo, Village.name, Subdistrict.name, District.name, Province.name)
        .join(Subdistrict, Subdistrict.id == Village.subdistrict_id)
        .join(District, District.id == Subdistrict.district_id)
        .join(Province, Province.id == District.province_id)
        .where(Village.id == village_id)
    ).first()
    first = f"บ้านเลขที่ {house_no}" if house_no else ""
    if row is not None:
        moo, village, subdistrict, district, province = row
        lines = [f"{first} หมู่ที่ {moo} {village}".strip(), f"ตำบล{subdistrict} อำเภอ{district}", f"จังหวัด{province}"]
    elif first:
        lines = [first]
    postcode = settings.get("postal_code", "")
    return _Addressee(name, [_digits(line, thai) for line in lines], _digits(to_arabic_digits(postcode), thai))


def _due_when(due: date, on: date, day) -> str:
    if due == on:
        return f"ครบกำหนดชำระในวันนี้ (วันที่ {day(due)})"
    if due > on:
        return f"จะครบกำหนดชำระในวันที่ {day(due)}"
    return f"ครบกำหนดชำระเมื่อวันที่ {day(due)}"


def _content(session, req: LetterRequest, settings, thai: bool, number: str) -> tuple[LetterContent, int]:
    loan = loanbook.get_loan(session, req.loan_id)
    info = loanbook.loan_infos(session, [loan.id])[loan.id]
    rules = demand_rules_of(info.demand_rules)
    state = loanbook.load_states(session, req.on, [loan.id])[loan.id]
    inst = next((i for i in state.instalments if i.id == req.instalment_id), None)
    if inst is None and req.instalment_id:
        for sched in state.history:
            inst = next((i for i in sched.instalments if i.id == req.instalment_id), inst)
    overdue = state.overdue_instalments()

    def money(satang: int) -> str:
        return format_baht(satang, thai_digits=thai)

    def day(d: date) -> str:
        return format_date(d, "long", thai_digits=thai)

    to = _addressee(session, loan, settings, thai)
    agreement_date = loan.approved_on or loan.disbursed_on
    records = _in_force([r for r in _records(session, [loan.id]) if req.corrects is None or r.id != req.corrects.id])
    step = DEMAND_KINDS.index(req.kind) if req.kind in DEMAND_KINDS else 0
    previous = [r for r in records if r.kind in DEMAND_KINDS[:step] and r.instalment_id == req.instalment_id
                and r.issued_on <= req.on and (req.record is None or r.id != req.record.id)]
    amount_due = inst.remaining_satang if inst else 0
    if req.kind in NOTICE_KINDS and inst is not None and amount_due == 0:
        amount_due = inst.amount_satang  # an old letter printed again after payment shows what was asked
    coming = _coming(state, req.on) if req.kind in DEMAND_KINDS else None
    coming_text = ""
    if coming is not None:
        c = coming[0]
        coming_text = (
            f"อนึ่ง เงินงวดที่ {_digits(str(c.no), thai)} {_due_when(c.due_date, req.on, day)} "
            f"เป็นเงิน {money(c.remaining_satang)} บาท ({baht_in_words(c.remaining_satang)}) "
            "ขอให้ท่านชำระเงินงวดดังกล่าวให้ตรงตามกำหนดด้วย"
        )
    deadline = FINAL_DEADLINE_DAYS if req.kind == "demand-final" else max(rules.gap, 1)
    values = {
        "office": settings["office_name"],
        "borrower": info.borrower,
        "fund": info.fund,
        "purpose": loan.purpose or "ประกอบอาชีพ",
        "principal": money(loan.principal_satang),
        "principal_words": baht_in_words(loan.principal_satang),
        "frequency": FREQUENCY_TH[loan.frequency],
        "instalments": _digits(str(len(state.instalments)), thai),
        "agreement_no": _digits(loan.agreement_no or "-", thai),
        "agreement_date": day(agreement_date) if agreement_date else "-",
        "instalment_no": _digits(str(inst.no), thai) if inst else "-",
        "due_date": day(inst.due_date) if inst else "-",
        "due_when": _due_when(inst.due_date, req.on, day) if inst else "-",
        "amount_due": money(amount_due),
        "amount_due_words": baht_in_words(amount_due),
        "overdue_instalments": _digits(", ".join(str(i.no) for i in overdue), thai) if overdue else "-",
        "oldest_due_date": day(min(i.due_date for i in overdue)) if overdue else "-",
        "arrears": money(state.arrears_satang),
        "arrears_words": baht_in_words(state.arrears_satang),
        "days_overdue": _digits(str(state.days_overdue), thai),
        "deadline_days": _digits(str(deadline), thai),
        "coming_instalment": coming_text,
        "pay_place": settings["pay_place"],
        "contact": settings["contact"],
        "previous_letter": " และ".join(f"{p.number_text} ลงวันที่ {day(p.issued_on)}" for p in previous) or "-",
        "meeting_date": _digits(req.details.get("meeting_on", "-"), thai),
        "meeting_place": req.details.get("meeting_place", "-"),
    }
    template = get_template(session, req.kind)
    paragraphs = list(template["body"])
    if coming_text and not any("{coming_instalment}" in p for p in paragraphs):
        # the office's own wording has no place for it: the coming instalment goes before the closing line
        paragraphs.insert(max(len(paragraphs) - 1, 0), "{coming_instalment}")
    subject = template["subject"].format(**values)
    body = [text for text in (p.format(**values).strip() for p in paragraphs) if text]
    if req.corrects is not None:
        old = req.corrects
        body.insert(0, f"หนังสือฉบับนี้แก้ไขและใช้แทนหนังสือ{old.number_text} ลงวันที่ {day(old.issued_on)}")
    reference = f"สัญญากู้ยืมเงิน{info.fund} เลขที่ {values['agreement_no']} ลงวันที่ {values['agreement_date']}"
    schedule = [
        ScheduleLine(
            no=_digits(str(i.no), thai),
            due_date=format_date(i.due_date, "short", thai_digits=thai),
            amount=money(i.amount_satang),
            paid=money(i.paid_satang),
            remaining=money(i.remaining_satang),
            status="ชำระแล้ว" if i.is_paid else (
                "ค้างชำระ" if i.due_date < req.on else "ครบกำหนดวันนี้" if i.due_date == req.on else "ยังไม่ถึงกำหนด"),
        )
        for i in state.instalments
    ]
    totals = ScheduleLine(
        "", "รวม", money(sum(i.amount_satang for i in state.instalments)),
        money(sum(i.paid_satang for i in state.instalments)), money(state.outstanding_satang), "",
    )
    amount = amount_due if req.kind in NOTICE_KINDS else state.arrears_satang
    content = LetterContent(
        kind=req.kind,
        number=number,
        office_lines=[settings["office_name"], *settings["office_address"].split("|")],
        date_text=day(req.on),
        subject=subject,
        salutation=to.salutation,
        reference=reference,
        enclosure="ตารางการชำระคืนเงินกู้ยืม จำนวน ๑ ฉบับ" if thai else "ตารางการชำระคืนเงินกู้ยืม จำนวน 1 ฉบับ",
        body=body,
        closing="ขอแสดงความนับถือ",
        signer_name=settings["signer_name"],
        signer_position=settings["signer_position"].split("|"),
        section_lines=[settings["section"], f"โทร. {_digits(settings['section_phone'], thai)}"],
        emblem_path=settings["emblem_path"] or None,
        thai_digits=thai,
        garuda_space=is_on(settings, "garuda_space"),
        schedule_title=f"ตารางการชำระคืนเงินกู้ยืม{info.fund} สัญญาเลขที่ {values['agreement_no']} — {info.borrower}"
        f" (ข้อมูล ณ วันที่ {day(req.on)})",
        schedule=schedule,
        schedule_totals=totals,
        recipient=to.salutation,
        recipient_address=" ".join([*to.address_lines, to.postcode]).strip(),
        loan_agreement=values["agreement_no"],
        amount_text=money(amount),
        address_lines=to.address_lines,
        postcode=to.postcode,
    )
    return content, amount


# --- the register of letters sent, and the labels of those that go by post ---------------------------


def dispatch_register(session: Session, prepared: list[PreparedLetter], on: date) -> DispatchRegister:
    """The ทะเบียนหนังสือส่ง (แบบที่ ๑๔) of a batch: one line per letter, from what each letter printed."""
    settings = office_settings(session)
    thai = is_on(settings, "thai_digits")
    lines = []
    for p in prepared:
        c = p.content
        notes = [f"สัญญา {c.loan_agreement}" if c.loan_agreement else "", f"{c.amount_text} บาท" if c.amount_text else ""]
        if p.request.corrects is not None:
            notes.append(f"แก้ไขหนังสือ{p.request.corrects.number_text}")
        elif p.request.record is not None and p.request.record.corrects_id:
            old = session.get(LetterRecord, p.request.record.corrects_id)
            notes.append(f"แก้ไขหนังสือ{old.number_text}" if old else "")
        lines.append(RegisterLine(
            register_no=_digits(str(p.running), thai),
            number=c.number.strip().removeprefix("ที่ "),
            date_text=_register_date(p.request.on, thai),
            sender=_short_office(c.office_lines[0] if c.office_lines else settings["office_name"]),
            recipient=c.recipient,
            # the house and the village: the rest of the address is the subdistrict's, the same for all
            address=c.address_lines[0] if c.address_lines else c.recipient_address,
            subject=c.subject,
            action=DELIVERY_TH[p.delivery] if p.delivery else "-",
            note="\n".join(n for n in notes if n),
        ))
    counts = {how: sum(1 for p in prepared if p.delivery == how) for how in Delivery}
    ways = " ".join(f"{DELIVERY_TH[how]} {_digits(str(n), thai)}" for how, n in counts.items() if n)
    return DispatchRegister(
        title="ทะเบียนหนังสือส่ง",
        office=settings["office_name"],
        period=f"วันที่ {format_date(on, 'long', thai_digits=thai)}",
        lines=lines,
        total_text=f"รวม {_digits(str(len(lines)), thai)} ฉบับ ({ways})",
        thai_digits=thai,
    )


def _register_date(d: date, thai: bool) -> str:
    """A date as registers write it, with the year in two digits: ๒๒ พ.ย. ๖๙."""
    return _digits(f"{d.day} {MONTHS_SHORT[d.month - 1]} {(d.year + 543) % 100:02d}", thai)


def _short_office(name: str) -> str:
    """The office as registers write it: สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร is สพอ.พิบูลมังสาหาร."""
    return name.replace("สำนักงานพัฒนาชุมชนอำเภอ", "สพอ.", 1)


def address_labels(prepared: list[PreparedLetter]) -> list[AddressLabel]:
    """One label for each letter that goes by post, in the batch's order."""
    labels = []
    for p in prepared:
        if p.delivery not in BY_POST:
            continue
        c = p.content
        address = tuple(c.address_lines) or ((c.recipient_address,) if c.recipient_address else ())
        # a group's chair: her name on one line, "ประธานกลุ่ม…" on the next
        name, chair, group = c.recipient.partition(" ประธาน")
        labels.append(AddressLabel(
            name_lines=(name, f"ประธาน{group}") if chair else (c.recipient,),
            address_lines=address,
            postcode=c.postcode,
            number=c.number,
            service="ลงทะเบียนตอบรับ" if p.delivery == Delivery.REGISTERED else "",
        ))
    return labels


# --- the record ------------------------------------------------------------------------------------


def record_issued(session: Session, prepared: list[PreparedLetter], file_sha256: str, file_name: str) -> list[LetterRecord]:
    """Write down the letters just printed (new ones only), with what they printed frozen, and mark the
    notices they carry delivered by letter."""
    settings = office_settings(session)
    records = []
    for p in prepared:
        if p.request.record is not None:
            records.append(p.request.record)
            continue
        rec = LetterRecord(
            prefix=settings["letter_prefix"],
            year_be=p.year_be,
            running=p.running,
            number_text=p.content.number,
            kind=p.request.kind,
            issued_on=p.request.on,
            recipient=p.content.recipient,
            loan_id=p.request.loan_id,
            instalment_id=p.request.instalment_id,
            details=json.dumps(p.request.details, ensure_ascii=False) if p.request.details else "",
            file_sha256=file_sha256,
            file_name=file_name,
            device_id=loanbook.device_of(session),
            officer=loanbook.officer_of(session),
            content=p.content.to_json(),
            delivery=p.delivery.value if p.delivery else "",
            corrects_id=p.request.corrects.id if p.request.corrects is not None else None,
        )
        session.add(rec)
        session.flush()
        records.append(rec)
        if p.request.reminder_id:
            reminders.deliver(session, p.request.reminder_id, "letter", p.request.on, note=f"หนังสือ{p.content.number}")
    return records


def issued_letters(session: Session, loan_id: str | None = None) -> list[LetterRecord]:
    return _records(session, [loan_id] if loan_id else None)


def letter_json(p: PreparedLetter) -> dict:
    c = p.content
    return {
        "number": c.number,
        "running": p.running,
        "year_be": p.year_be,
        "kind": p.request.kind,
        "reprint": p.request.record is not None,
        "frozen": p.frozen,  # false: issued before letters were kept as printed, so printed from today's book
        "copy": bool(c.copy_mark),
        "corrects": p.request.corrects.number_text if p.request.corrects is not None else None,
        "date": c.date_text,
        "date_iso": p.request.on.isoformat(),
        "loan_id": p.request.loan_id,
        "instalment_id": p.request.instalment_id,
        "recipient": c.recipient,
        "address": c.recipient_address,
        "delivery": p.delivery.value if p.delivery else None,
        "delivery_th": DELIVERY_TH[p.delivery] if p.delivery else None,
        "subject": c.subject,
        "reference": c.reference,
        "amount": c.amount_text,
        "body": c.body,
        "schedule": [asdict(line) for line in c.schedule],
    }


def demo_office_settings(session: Session) -> None:
    """The office of the demo subdistrict, so letters print out of the box there."""
    values = {
        "office_name": "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร",
        "office_address": "ที่ว่าการอำเภอพิบูลมังสาหาร|ถนนพิบูลอุปถัมภ์ อุบลราชธานี ๓๔๑๑๐",
        "letter_prefix": "อบ ๐๐๑๗.๑๕",
        # a year's worth for a subdistrict of 170 loans: three notices an instalment and the demands
        "letter_block": "201-1200",
        "signer_name": "นายประสิทธิ์ วงศ์สวัสดิ์",
        "signer_position": "พัฒนาการอำเภอพิบูลมังสาหาร",
        "section": "กลุ่มงานส่งเสริมการพัฒนาชุมชน",
        "section_phone": "0 4544 1234",
        "pay_place": "ที่ทำการกองทุน ณ ศาลาประชาคมหมู่บ้าน หรือสำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร ในวันและเวลาราชการ",
        "contact": "นางสาวพัชรินทร์ ศรีสุข พัฒนากร โทร. ๐๘ ๑๒๓๔ ๕๖๗๘",
        "thai_digits": "1",
        "copy_mark": "1",
        "garuda_space": "0",
        "postal_code": "34110",
    }
    for key, value in values.items():
        set_setting(session, f"letter.{key}", value)
