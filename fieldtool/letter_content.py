"""What a printed letter holds, already in the words and figures printed (Thai digits, BE dates).

`fieldtool.letters` fills these from the loan book; `exports.letters_pdf` lays them out on paper. The
layout follows the government's หนังสือภายนอก: number top left, office top right, date, เรื่อง, เรียน,
อ้างถึง, สิ่งที่ส่งมาด้วย, body, ขอแสดงความนับถือ, signature block, responsible section bottom left.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScheduleLine:
    """One row of the repayment schedule printed on page 2, as printed."""

    no: str
    due_date: str
    amount: str
    paid: str
    remaining: str
    status: str


@dataclass
class LetterContent:
    kind: str  # notice-30 | notice-15 | notice-7 | demand-1 | demand-2 | demand-final | meeting
    number: str  # "ที่ อบ ๐๐๑๗.๑๕/๑๒๓"
    office_lines: list[str]  # office name, then address lines (top right)
    date_text: str  # "๒๒ พฤศจิกายน ๒๕๖๙"
    subject: str  # เรื่อง
    salutation: str  # เรียน ...
    reference: str  # อ้างถึง ...
    enclosure: str  # สิ่งที่ส่งมาด้วย ...
    body: list[str]  # paragraphs, each printed with a first-line indent
    closing: str  # ขอแสดงความนับถือ
    signer_name: str  # printed in parentheses under the signature space
    signer_position: list[str]
    section_lines: list[str]  # responsible section, telephone (bottom left)
    emblem_path: str | None = None
    schedule_title: str = ""
    schedule_header: tuple[str, ...] = ("งวดที่", "วันครบกำหนด", "จำนวนเงิน (บาท)", "ชำระแล้ว (บาท)", "คงค้าง (บาท)", "สถานะ")
    schedule: list[ScheduleLine] = field(default_factory=list)
    schedule_totals: ScheduleLine | None = None
    # for the dispatch list and the record of issued letters
    recipient: str = ""
    recipient_address: str = ""
    loan_agreement: str = ""
    amount_text: str = ""


@dataclass(frozen=True)
class DispatchLine:
    """One row of ทะเบียนส่งหนังสือ, the dispatch list of a batch."""

    no: str
    number: str
    date_text: str
    recipient: str
    subject: str
    loan_agreement: str
    amount: str


@dataclass
class DispatchList:
    title: str  # "ทะเบียนส่งหนังสือ ประจำวันที่ ..."
    office: str
    lines: list[DispatchLine]
    total_text: str = ""
