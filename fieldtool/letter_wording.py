"""The words and figures of one letter, filled from the loan book and the office's template: what it says,
to whom and where, and the repayment schedule printed after it.

Apart from the rules (fieldtool.letters) because it is the one place that turns the book into the text of a
letter: figures become baht text in the office's digits and dates the Buddhist Era, here and nowhere else.
What it makes (fieldtool.letter_content.LetterContent) is what is frozen when the letter is issued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import loanbook
from fieldtool.funds import demand_rules_of
from fieldtool.ledger import InstalmentState
from fieldtool.lending import get_loan
from fieldtool.letter_content import LetterContent, ScheduleLine
from fieldtool.letterhead import get_template, is_on
from fieldtool.letters import FINAL_DEADLINE_DAYS, LetterRequest, coming_instalment, in_force, letter_records
from fieldtool.models import BorrowingGroup, District, Household, Loan, Person, Province, Subdistrict, Village
from fieldtool.thai import baht_in_words, format_baht, format_date, to_arabic_digits, to_thai_digits
from fieldtool.vocabulary import DEMAND_LETTERS, Frequency, LetterKind


def digits(text: str, thai: bool) -> str:
    """Text in the office's digits (letterhead setting `thai_digits`)."""
    return to_thai_digits(text) if thai else text


@dataclass
class _Addressee:
    salutation: str  # the เรียน line: a household's head, or a group's chair "นาง… ประธานกลุ่ม…"
    address_lines: list[str]
    postcode: str


def _addressee(session: Session, loan: Loan, settings: dict[str, str], thai: bool) -> _Addressee:
    """Who a letter goes to and where: a group's chair (at her house), or the household's head."""
    # the borrower is kept by foreign keys: a loan's group, a household and its head are there
    if loan.borrower_kind == "group":
        group = session.get(BorrowingGroup, loan.group_id)
        assert group is not None
        chair = session.get(Person, group.chair_id) if group.chair_id else None
        name = f"ประธาน{group.name}"
        house_no, village_id = "", group.village_id
        if chair is not None:
            name = f"{loanbook.person_name(chair.title, chair.first_name, chair.last_name)} {name}"
            house_no, village_id = chair.house_no, chair.village_id or group.village_id
    else:
        hh = session.get(Household, loan.household_id)
        head = session.get(Person, hh.head_id) if hh is not None else None
        assert hh is not None and head is not None
        name = loanbook.person_name(head.title, head.first_name, head.last_name)
        house_no, village_id = hh.house_no or head.house_no, hh.village_id
    lines = []
    row = session.execute(
        select(col(Village.moo), col(Village.name), col(Subdistrict.name), col(District.name), col(Province.name))
        .join(Subdistrict, col(Subdistrict.id) == col(Village.subdistrict_id))
        .join(District, col(District.id) == col(Subdistrict.district_id))
        .join(Province, col(Province.id) == col(District.province_id))
        .where(col(Village.id) == village_id)
    ).first()
    first = f"บ้านเลขที่ {house_no}" if house_no else ""
    if row is not None:
        moo, village, subdistrict, district, province = row
        lines = [f"{first} หมู่ที่ {moo} {village}".strip(), f"ตำบล{subdistrict} อำเภอ{district}", f"จังหวัด{province}"]
    elif first:
        lines = [first]
    postcode = settings.get("postal_code", "")
    return _Addressee(name, [digits(line, thai) for line in lines], digits(to_arabic_digits(postcode), thai))


def _due_when(due: date, on: date, day: Callable[[date], str]) -> str:
    if due == on:
        return f"ครบกำหนดชำระในวันนี้ (วันที่ {day(due)})"
    if due > on:
        return f"จะครบกำหนดชำระในวันที่ {day(due)}"
    return f"ครบกำหนดชำระเมื่อวันที่ {day(due)}"


def letter_content(
    session: Session, req: LetterRequest, settings: dict[str, str], thai: bool, number: str
) -> tuple[LetterContent, int]:
    """What the letter of `req` prints under `number`, and the amount it asks for (in satang)."""
    loan = get_loan(session, req.loan_id)
    info = loanbook.loan_infos(session, [loan.id])[loan.id]
    rules = demand_rules_of(info.demand_rules)
    state = loanbook.load_states(session, req.on, [loan.id])[loan.id]
    inst: InstalmentState | None = next((i for i in state.instalments if i.id == req.instalment_id), None)
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
    records = in_force([r for r in letter_records(session, [loan.id]) if req.corrects is None or r.id != req.corrects.id])
    step = DEMAND_LETTERS.index(req.kind) if req.kind.is_demand else 0
    previous = [r for r in records if r.kind in DEMAND_LETTERS[:step] and r.instalment_id == req.instalment_id
                and r.issued_on <= req.on and (req.record is None or r.id != req.record.id)]
    amount_due = inst.remaining_satang if inst else 0
    if req.kind.is_notice and inst is not None and amount_due == 0:
        amount_due = inst.amount_satang  # an old letter printed again after payment shows what was asked
    coming = coming_instalment(state, req.on) if req.kind.is_demand else None
    coming_text = ""
    if coming is not None:
        coming_text = (
            f"อนึ่ง เงินงวดที่ {digits(str(coming.no), thai)} {_due_when(coming.due_date, req.on, day)} "
            f"เป็นเงิน {money(coming.remaining_satang)} บาท ({baht_in_words(coming.remaining_satang)}) "
            "ขอให้ท่านชำระเงินงวดดังกล่าวให้ตรงตามกำหนดด้วย"
        )
    deadline = FINAL_DEADLINE_DAYS if req.kind is LetterKind.DEMAND_FINAL else max(rules.gap, 1)
    values = {
        "office": settings["office_name"],
        "borrower": info.borrower,
        "fund": info.fund,
        "purpose": loan.purpose or "ประกอบอาชีพ",
        "principal": money(loan.principal_satang),
        "principal_words": baht_in_words(loan.principal_satang),
        "frequency": Frequency(loan.frequency).label.th,
        "instalments": digits(str(len(state.instalments)), thai),
        "agreement_no": digits(loan.agreement_no or "-", thai),
        "agreement_date": day(agreement_date) if agreement_date else "-",
        "instalment_no": digits(str(inst.no), thai) if inst else "-",
        "due_date": day(inst.due_date) if inst else "-",
        "due_when": _due_when(inst.due_date, req.on, day) if inst else "-",
        "amount_due": money(amount_due),
        "amount_due_words": baht_in_words(amount_due),
        "overdue_instalments": digits(", ".join(str(i.no) for i in overdue), thai) if overdue else "-",
        "oldest_due_date": day(min(i.due_date for i in overdue)) if overdue else "-",
        "arrears": money(state.arrears_satang),
        "arrears_words": baht_in_words(state.arrears_satang),
        "days_overdue": digits(str(state.days_overdue), thai),
        "deadline_days": digits(str(deadline), thai),
        "coming_instalment": coming_text,
        "pay_place": settings["pay_place"],
        "contact": settings["contact"],
        "previous_letter": " และ".join(f"{p.number_text} ลงวันที่ {day(p.issued_on)}" for p in previous) or "-",
        "meeting_date": digits(req.details.get("meeting_on", "-"), thai),
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
            no=digits(str(i.no), thai),
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
    amount = amount_due if req.kind.is_notice else state.arrears_satang
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
        section_lines=[settings["section"], f"โทร. {digits(settings['section_phone'], thai)}"],
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
