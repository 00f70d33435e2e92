"""The register of letters sent (ทะเบียนหนังสือส่ง, แบบที่ ๑๔ of the correspondence rules) of a batch, and the
address labels of the letters that go by post.

Both are made from what each letter printed (its LetterContent), not from the book again, so the register and
the envelopes say what the letters say; exports.dispatch_pdf draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from fieldtool.letter_content import AddressLabel, DispatchRegister, RegisterLine
from fieldtool.letter_issue import PreparedLetter
from fieldtool.letter_wording import digits
from fieldtool.letterhead import is_on, office_settings
from fieldtool.models import LetterRecord
from fieldtool.thai import MONTHS_SHORT, format_date
from fieldtool.vocabulary import Delivery

BY_POST = (Delivery.POST, Delivery.REGISTERED)


def dispatch_register(session: Session, prepared: Sequence[PreparedLetter], on: date) -> DispatchRegister:
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
            register_no=digits(str(p.running), thai),
            number=c.number.strip().removeprefix("ที่ "),
            date_text=_register_date(p.request.on, thai),
            sender=_short_office(c.office_lines[0] if c.office_lines else settings["office_name"]),
            recipient=c.recipient,
            # the house and the village: the rest of the address is the subdistrict's, the same for all
            address=c.address_lines[0] if c.address_lines else c.recipient_address,
            subject=c.subject,
            action=p.delivery.label.th if p.delivery else "-",
            note="\n".join(n for n in notes if n),
        ))
    counts = {how: sum(1 for p in prepared if p.delivery == how) for how in Delivery}
    ways = " ".join(f"{how.label.th} {digits(str(n), thai)}" for how, n in counts.items() if n)
    return DispatchRegister(
        title="ทะเบียนหนังสือส่ง",
        office=settings["office_name"],
        period=f"วันที่ {format_date(on, 'long', thai_digits=thai)}",
        lines=lines,
        total_text=f"รวม {digits(str(len(lines)), thai)} ฉบับ ({ways})",
        thai_digits=thai,
    )


def _register_date(d: date, thai: bool) -> str:
    """A date as registers write it, with the year in two digits: ๒๒ พ.ย. ๖๙."""
    return digits(f"{d.day} {MONTHS_SHORT[d.month - 1]} {(d.year + 543) % 100:02d}", thai)


def _short_office(name: str) -> str:
    """The office as registers write it: สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร is สพอ.พิบูลมังสาหาร."""
    return name.replace("สำนักงานพัฒนาชุมชนอำเภอ", "สพอ.", 1)


def address_labels(prepared: Sequence[PreparedLetter]) -> list[AddressLabel]:
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
            service="ลงทะเบียนตอบรับ" if p.delivery is Delivery.REGISTERED else "",
        ))
    return labels
