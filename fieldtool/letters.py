"""Repayment reminder and demand letters: which are due, their numbers, and their wording.

A notice letter goes with each open 30/15/7-day notice; demand letters follow an unpaid due date in
three steps (first, second, final); a meeting invitation is written on request. Numbers come from the
block of numbers the office gave this laptop, so officers working offline never collide; an issued
letter is recorded, and printing it again gives the same number, date and figures. Wording comes from
templates the office can edit, with named placeholders.
"""

from __future__ import annotations

import json
import string
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtool import loanbook, reminders
from fieldtool.funds import DemandRules, demand_rules_of
from fieldtool.ledger import LoanState
from fieldtool.letter_content import DispatchLine, DispatchList, LetterContent, ScheduleLine
from fieldtool.models import BorrowingGroup, Household, LetterRecord, Loan, Person
from fieldtool.registry import set_setting, setting
from fieldtool.schedule import FREQUENCY_TH
from fieldtool.thai import InputError, baht_in_words, format_baht, format_date, to_thai_digits

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
# Demand letters: each needs the one before it, sent at least the fund's gap earlier, so a borrower always
# gets the first letter before the final one. The days overdue of each are the fund's (fieldtool.funds).
DEADLINE_DAYS = {"demand-1": 15, "demand-2": 15, "demand-final": 7}

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
}

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
    "amount_due": "จำนวนเงินงวดนี้",
    "amount_due_words": "จำนวนเงินงวดนี้เป็นตัวอักษร",
    "overdue_instalments": "งวดที่ค้างชำระ",
    "oldest_due_date": "วันครบกำหนดงวดแรกที่ค้าง",
    "arrears": "เงินค้างชำระ",
    "arrears_words": "เงินค้างชำระเป็นตัวอักษร",
    "days_overdue": "จำนวนวันที่เกินกำหนด",
    "deadline_days": "จำนวนวันที่ให้ชำระ",
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
        raise InputError(f"ไม่มีค่าตั้ง {key} (no office setting {key}; one of {', '.join(OFFICE_SETTINGS)})")
    if key == "letter_block":
        parse_block(value)
    if key == "emblem_path" and value and not Path(value).is_file():
        raise InputError(f"ไม่พบไฟล์ภาพ {value} (no image file at {value})")
    set_setting(session, f"letter.{key}", value.strip())


def parse_block(value: str) -> tuple[int, int]:
    from fieldtool.thai import to_arabic_digits

    try:
        low, high = (int(x) for x in to_arabic_digits(value).replace(" ", "").split("-"))
    except ValueError:
        raise InputError(f"ช่วงเลขที่หนังสือต้องเขียนแบบ 201-400: {value} (the letter block must look like 201-400)") from None
    if not 1 <= low <= high:
        raise InputError(f"ช่วงเลขที่หนังสือไม่ถูกต้อง: {value} (the letter block must run from low to high)")
    return low, high


def _check_office(settings: dict[str, str]) -> None:
    missing = [OFFICE_SETTINGS[k][0] for k, (_, required) in OFFICE_SETTINGS.items() if required and not settings[k]]
    if missing:
        raise InputError(
            f"ยังไม่ได้ตั้งค่าสำนักงานสำหรับออกหนังสือ: {', '.join(missing)} "
            "(office settings for letters are missing; set them with 'fieldtool office set KEY VALUE')"
        )


def default_templates() -> dict[str, dict]:
    return json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))


def template_key(kind: str) -> str:
    return "notice" if kind in NOTICE_KINDS else kind


def check_template(template: dict) -> dict:
    """Refuse a template that is malformed or names a placeholder the program does not fill."""
    if not isinstance(template, dict) or not isinstance(template.get("subject"), str) or not isinstance(template.get("body"), list):
        raise InputError('แม่แบบต้องมี "subject" และ "body" (a template needs "subject" text and a "body" list of paragraphs)')
    texts = [template["subject"], *template["body"]]
    if not all(isinstance(t, str) for t in texts):
        raise InputError("ย่อหน้าของแม่แบบต้องเป็นข้อความ (every body paragraph must be text)")
    unknown = set()
    for text in texts:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            raise InputError(f"แม่แบบมีวงเล็บปีกกาไม่ครบคู่: {text[:40]} (unbalanced braces in the template)") from exc
        unknown |= {n for n in names if n not in PLACEHOLDERS}
    if unknown:
        raise InputError(
            f"แม่แบบมีตัวแทนที่ไม่รู้จัก: {', '.join(sorted(unknown))} "
            f"(unknown placeholder {', '.join('{' + u + '}' for u in sorted(unknown))})"
        )
    return {"subject": template["subject"], "body": list(template["body"])}


def get_template(session: Session, kind: str) -> dict:
    key = template_key(kind)
    stored = setting(session, f"letter.template.{key}")
    return json.loads(stored) if stored else default_templates()[key]


def set_template(session: Session, kind: str, template: dict) -> None:
    key = template_key(kind)
    if key not in default_templates():
        raise InputError(f"ไม่มีหนังสือประเภท {kind} (no letter kind {kind}; one of {', '.join(KINDS)})")
    set_setting(session, f"letter.template.{key}", json.dumps(check_template(template), ensure_ascii=False))


def reset_template(session: Session, kind: str) -> None:
    set_setting(session, f"letter.template.{template_key(kind)}", "")


# --- which letters are due -------------------------------------------------------------------------


@dataclass
class LetterRequest:
    """A letter to print: new (no record yet) or a reprint of an issued one."""

    loan_id: str
    kind: str
    instalment_id: str | None
    on: date  # the letter's date (for a reprint: the day it was first issued)
    reminder_id: str | None = None
    details: dict = field(default_factory=dict)
    record: LetterRecord | None = None


def _records(session: Session, loan_ids: list[str] | None = None) -> list[LetterRecord]:
    q = select(LetterRecord).order_by(LetterRecord.issued_on, LetterRecord.running)
    if loan_ids is not None:
        q = q.where(LetterRecord.loan_id.in_(loan_ids))
    return list(session.scalars(q))


def _find_record(records, loan_id, kind, instalment_id) -> LetterRecord | None:
    for rec in records:
        if rec.loan_id == loan_id and rec.kind == kind and rec.instalment_id == instalment_id:
            return rec
    return None


def next_demand(
    state: LoanState, records: list[LetterRecord], on: date, rules: DemandRules | None = None
) -> tuple[str, str] | None:
    """(kind, oldest overdue instalment id) of the demand letter due for this loan on `on`, if any, by the
    demand-letter days of the loan's fund (as they were when the loan was made)."""
    rules = rules or DemandRules()
    steps = tuple(zip(DEMAND_KINDS, rules.days, strict=True))
    overdue = state.overdue_instalments()
    if not overdue:
        return None
    oldest = min(overdue, key=lambda i: i.due_date)
    days = state.days_overdue
    sent = {r.kind: r for r in records if r.loan_id == state.loan_id and r.instalment_id == oldest.id}
    previous = None
    for kind, min_days in steps:
        if kind in sent:
            previous = sent[kind]
            continue
        if days < min_days:
            return None
        if previous is not None and (on - previous.issued_on).days < rules.gap:
            return None
        return kind, oldest.id
    return None


def letters_due(session: Session, on: date) -> list[LetterRequest]:
    """The letters of a day: notices open today, the next demand letter of each overdue loan, and
    reprints of whatever was already issued with this date (so printing the day twice is the same)."""
    records = _records(session)
    requests: list[LetterRequest] = []
    seen = set()
    for rec in records:
        if rec.issued_on == on:
            requests.append(LetterRequest(rec.loan_id, rec.kind, rec.instalment_id, on, record=rec,
                                          details=json.loads(rec.details or "{}")))
            seen.add((rec.loan_id, rec.kind, rec.instalment_id))
    for r in reminders.reminders_on(session, on):
        if r.kind in NOTICE_KINDS and (r.loan_id, r.kind, r.instalment_id) not in seen:
            if _find_record(records, r.loan_id, r.kind, r.instalment_id) is None:
                requests.append(LetterRequest(r.loan_id, r.kind, r.instalment_id, on, reminder_id=r.id))
                seen.add((r.loan_id, r.kind, r.instalment_id))
    states = loanbook.load_states(session, on)
    asking = [loan_id for loan_id, state in states.items() if state.stage == "ask"]
    infos = loanbook.loan_infos(session, asking) if asking else {}
    for loan_id in asking:
        due = next_demand(states[loan_id], records, on, demand_rules_of(infos[loan_id].demand_rules))
        if due and (loan_id, *due) not in seen:
            requests.append(LetterRequest(loan_id, due[0], due[1], on))
    return requests


def letter_request(
    session: Session, loan_id: str, kind: str, on: date, meeting_on: str = "", meeting_place: str = ""
) -> LetterRequest:
    """One letter asked for by the officer; a reprint when it was issued before."""
    loan = loanbook.get_loan(session, loan_id)
    if kind not in KINDS:
        raise InputError(f"ไม่มีหนังสือประเภท {kind} (no letter kind {kind}; one of {', '.join(KINDS)})")
    if loan.disbursed_on is None:
        raise InputError("สัญญานี้ยังไม่ได้จ่ายเงินกู้ จึงยังไม่มีหนังสือแจ้งหนี้ (this loan has not been disbursed; there is nothing to remind of)")
    state = loanbook.load_states(session, on, [loan.id])[loan.id]
    records = _records(session, [loan.id])
    if kind in NOTICE_KINDS:
        inst = state.next_due
        if inst is None:
            raise InputError("สัญญานี้ไม่มีงวดที่ต้องชำระ (nothing is due on this loan)")
        rec = _find_record(records, loan.id, kind, inst.id)
        if rec:
            return LetterRequest(loan.id, kind, inst.id, rec.issued_on, record=rec)
        rid = f"{kind}:{inst.id}"
        open_ids = {r.id for r in reminders.reminders_on(session, on, [loan.id])}
        return LetterRequest(loan.id, kind, inst.id, on, reminder_id=rid if rid in open_ids else None)
    overdue = state.overdue_instalments()
    if kind == "meeting":
        if not meeting_on or not meeting_place:
            raise InputError("ระบุวันเวลาและสถานที่ประชุม (give the meeting's date and place)")
        details = {"meeting_on": meeting_on, "meeting_place": meeting_place}
        inst_id = min(overdue, key=lambda i: i.due_date).id if overdue else None
        rec = _find_record(records, loan.id, kind, inst_id)
        if rec and json.loads(rec.details or "{}") == details:
            return LetterRequest(loan.id, kind, inst_id, rec.issued_on, record=rec, details=details)
        return LetterRequest(loan.id, kind, inst_id, on, details=details)
    if not overdue:
        # a reprint of an earlier demand is still possible after the debt was paid
        earlier = [r for r in records if r.kind == kind]
        if earlier:
            rec = earlier[-1]
            return LetterRequest(loan.id, kind, rec.instalment_id, rec.issued_on, record=rec)
        raise InputError("สัญญานี้ไม่มีหนี้ค้างชำระ จึงไม่มีหนังสือทวงถาม (nothing is overdue on this loan)")
    oldest = min(overdue, key=lambda i: i.due_date)
    rec = _find_record(records, loan.id, kind, oldest.id)
    if rec:
        return LetterRequest(loan.id, kind, oldest.id, rec.issued_on, record=rec)
    return LetterRequest(loan.id, kind, oldest.id, on)


# --- numbers ---------------------------------------------------------------------------------------


def allocate_number(session: Session, settings: dict[str, str], on: date) -> tuple[int, int]:
    """The next running number of this laptop's block in the Buddhist year of `on`."""
    low, high = parse_block(settings["letter_block"])
    year_be = on.year + 543
    prefix = settings["letter_prefix"]
    used = session.execute(
        select(func.max(LetterRecord.running)).where(
            LetterRecord.prefix == prefix,
            LetterRecord.year_be == year_be,
            LetterRecord.running >= low,
            LetterRecord.running <= high,
        )
    ).scalar()
    running = (used or low - 1) + 1
    if running > high:
        raise InputError(
            f"เลขที่หนังสือในช่วง {low}-{high} ของเครื่องนี้หมดแล้ว ขอช่วงใหม่จากสำนักงาน "
            f"(this laptop's letter numbers {low}-{high} are used up; ask the office for a new block)"
        )
    return year_be, running


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
    amount_satang: int


def prepare(session: Session, requests: list[LetterRequest]) -> list[PreparedLetter]:
    """Numbers and wording for each request (numbers are allocated but not yet recorded)."""
    settings = office_settings(session)
    _check_office(settings)
    if settings["emblem_path"] and not Path(settings["emblem_path"]).is_file():
        raise InputError(f"ไม่พบไฟล์ภาพตรา {settings['emblem_path']} (the emblem image is missing)")
    thai = settings["thai_digits"] != "0"
    out = []
    pending: list[int] = []
    for req in requests:
        if req.record is not None:
            year_be, running = req.record.year_be, req.record.running
        else:
            year_be, running = allocate_number(session, settings, req.on)
            # numbers taken by earlier letters of this batch are not in the table yet
            while running in pending:
                running += 1
            low, high = parse_block(settings["letter_block"])
            if running > high:
                raise InputError(
                    f"เลขที่หนังสือในช่วง {low}-{high} ของเครื่องนี้หมดแล้ว ขอช่วงใหม่จากสำนักงาน "
                    f"(this laptop's letter numbers {low}-{high} are used up; ask the office for a new block)"
                )
            pending.append(running)
        content, amount = _content(session, req, settings, thai, number_text(settings["letter_prefix"], running, thai))
        out.append(PreparedLetter(req, content, year_be, running, amount))
    return out


def _digits(text: str, thai: bool) -> str:
    return to_thai_digits(text) if thai else text


def _recipient(session: Session, loan: Loan) -> tuple[str, str]:
    """(เรียน line, address) of the borrower: a group's chair, or the household's head."""
    if loan.borrower_kind == "group":
        # a group is written to through its chair, by name and title
        group = session.get(BorrowingGroup, loan.group_id)
        chair = session.get(Person, group.chair_id) if group.chair_id else None
        name = f"ประธาน{group.name}"
        if chair is not None:
            name = f"{loanbook.person_name(chair.title, chair.first_name, chair.last_name)} {name}"
        return name, f"บ้านเลขที่ {chair.house_no}" if chair and chair.house_no else ""
    hh = session.get(Household, loan.household_id)
    head = session.get(Person, hh.head_id)
    address = f"บ้านเลขที่ {hh.house_no}" if hh.house_no else ""
    return loanbook.person_name(head.title, head.first_name, head.last_name), address


def _content(session, req: LetterRequest, settings, thai: bool, number: str) -> tuple[LetterContent, int]:
    loan = loanbook.get_loan(session, req.loan_id)
    info = loanbook.loan_infos(session, [loan.id])[loan.id]
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

    salutation, address = _recipient(session, loan)
    agreement_date = loan.approved_on or loan.disbursed_on
    previous = [r for r in _records(session, [loan.id]) if r.kind in DEMAND_KINDS and r.instalment_id == req.instalment_id
                and DEMAND_KINDS.index(r.kind) < (DEMAND_KINDS.index(req.kind) if req.kind in DEMAND_KINDS else 0)]
    amount_due = inst.remaining_satang if inst else 0
    if req.kind in NOTICE_KINDS and inst is not None and amount_due == 0:
        amount_due = inst.amount_satang  # a reprint after payment shows what was asked
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
        "amount_due": money(amount_due),
        "amount_due_words": baht_in_words(amount_due),
        "overdue_instalments": _digits(", ".join(str(i.no) for i in overdue), thai) if overdue else "-",
        "oldest_due_date": day(min(i.due_date for i in overdue)) if overdue else "-",
        "arrears": money(state.arrears_satang),
        "arrears_words": baht_in_words(state.arrears_satang),
        "days_overdue": _digits(str(state.days_overdue), thai),
        "deadline_days": _digits(str(DEADLINE_DAYS.get(req.kind, 15)), thai),
        "pay_place": settings["pay_place"],
        "contact": settings["contact"],
        "previous_letter": "; ".join(f"{p.number_text} ลงวันที่ {day(p.issued_on)}" for p in previous) or "-",
        "meeting_date": _digits(req.details.get("meeting_on", "-"), thai),
        "meeting_place": req.details.get("meeting_place", "-"),
    }
    template = get_template(session, req.kind)
    subject = template["subject"].format(**values)
    body = [p.format(**values) for p in template["body"]]
    reference = f"สัญญากู้ยืมเงิน{info.fund} เลขที่ {values['agreement_no']} ลงวันที่ {values['agreement_date']}"
    schedule = [
        ScheduleLine(
            no=_digits(str(i.no), thai),
            due_date=format_date(i.due_date, "short", thai_digits=thai),
            amount=money(i.amount_satang),
            paid=money(i.paid_satang),
            remaining=money(i.remaining_satang),
            status="ชำระแล้ว" if i.is_paid else ("ค้างชำระ" if i.due_date < req.on else "ยังไม่ถึงกำหนด"),
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
        salutation=salutation,
        reference=reference,
        enclosure="ตารางการชำระคืนเงินกู้ยืม จำนวน ๑ ฉบับ" if thai else "ตารางการชำระคืนเงินกู้ยืม จำนวน 1 ฉบับ",
        body=body,
        closing="ขอแสดงความนับถือ",
        signer_name=settings["signer_name"],
        signer_position=settings["signer_position"].split("|"),
        section_lines=[settings["section"], f"โทร. {_digits(settings['section_phone'], thai)}"],
        emblem_path=settings["emblem_path"] or None,
        schedule_title=f"ตารางการชำระคืนเงินกู้ยืม{info.fund} สัญญาเลขที่ {values['agreement_no']} — {info.borrower}"
        f" (ข้อมูล ณ วันที่ {day(req.on)})",
        schedule=schedule,
        schedule_totals=totals,
        recipient=salutation,
        recipient_address=f"{address} {info.village}".strip(),
        loan_agreement=values["agreement_no"],
        amount_text=money(amount),
    )
    return content, amount


def dispatch_list(session: Session, prepared: list[PreparedLetter], on: date) -> DispatchList:
    settings = office_settings(session)
    thai = settings["thai_digits"] != "0"
    lines = [
        DispatchLine(
            no=_digits(str(k), thai),
            number=p.content.number.removeprefix("ที่ "),
            date_text=format_date(p.request.on, "short", thai_digits=thai),
            recipient=p.content.recipient,
            subject=KIND_TH[p.request.kind],
            loan_agreement=p.content.loan_agreement,
            amount=p.content.amount_text,
        )
        for k, p in enumerate(prepared, start=1)
    ]
    total = sum(p.amount_satang for p in prepared)
    return DispatchList(
        title=f"ทะเบียนส่งหนังสือ ประจำวันที่ {format_date(on, 'long', thai_digits=thai)}",
        office=settings["office_name"],
        lines=lines,
        total_text=f"รวม {_digits(str(len(lines)), thai)} ฉบับ  จำนวนเงิน {format_baht(total, thai_digits=thai)} บาท",
    )


def record_issued(session: Session, prepared: list[PreparedLetter], file_sha256: str, file_name: str) -> list[LetterRecord]:
    """Write down the letters just printed (new ones only) and mark their notices delivered by letter."""
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
        "date": c.date_text,
        "date_iso": p.request.on.isoformat(),
        "loan_id": p.request.loan_id,
        "instalment_id": p.request.instalment_id,
        "recipient": c.recipient,
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
        "letter_block": "201-400",
        "signer_name": "นายประสิทธิ์ วงศ์สวัสดิ์",
        "signer_position": "พัฒนาการอำเภอพิบูลมังสาหาร",
        "section": "กลุ่มงานส่งเสริมการพัฒนาชุมชน",
        "section_phone": "0 4544 1234",
        "pay_place": "ที่ทำการกองทุน ณ ศาลาประชาคมหมู่บ้าน หรือสำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร ในวันและเวลาราชการ",
        "contact": "นางสาวพัชรินทร์ ศรีสุข พัฒนากร โทร. ๐๘ ๑๒๓๔ ๕๖๗๘",
        "thai_digits": "1",
    }
    for key, value in values.items():
        set_setting(session, f"letter.{key}", value)

