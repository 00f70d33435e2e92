"""What a printed letter holds, already in the words and figures printed (Thai digits, BE dates).

`fieldtool.letter_wording` fills these from the loan book; `exports.letters_pdf` lays them out on paper. The
layout follows the government's หนังสือภายนอก: number top left, office top right, date, เรื่อง, เรียน,
อ้างถึง, สิ่งที่ส่งมาด้วย, body, ขอแสดงความนับถือ, signature block, responsible section bottom left.

A letter is a document: when it is issued its `LetterContent` is frozen as JSON on its record
(`to_json`), and a reprint draws that again (`from_json`), so the page says what it said that day.
The dispatch register (ทะเบียนหนังสือส่ง, `DispatchRegister`) and the address labels (`AddressLabel`) of a
batch are drawn by `exports.dispatch_pdf`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from fieldtool.thai import THAI_DIGITS

# 2: `thai_digits` and `garuda_space` are kept with the letter; a letter of version 1 has neither: its
# digits are read from what it printed, and it was laid out with no room kept for a pre-printed emblem.
CONTENT_VERSION = 2


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
    # the office's digits when it was issued (setting `thai_digits`): the page numbers "- ๒ -" follow them
    thai_digits: bool = True
    # printed on paper with the Garuda already on it (setting `garuda_space`): the emblem is not drawn but
    # its 3 cm are kept, so the text starts below the printed emblem
    garuda_space: bool = False
    schedule_title: str = ""
    schedule_header: tuple[str, ...] = ("งวดที่", "วันครบกำหนด", "จำนวนเงิน (บาท)", "ชำระแล้ว (บาท)", "คงค้าง (บาท)", "สถานะ")
    schedule: list[ScheduleLine] = field(default_factory=list)
    schedule_totals: ScheduleLine | None = None
    # for the dispatch register, the address labels and the record of issued letters
    recipient: str = ""
    recipient_address: str = ""  # the postal address on one line
    loan_agreement: str = ""
    amount_text: str = ""
    address_lines: list[str] = field(default_factory=list)  # the postal address as a label prints it
    postcode: str = ""  # รหัสไปรษณีย์ (office setting `postal_code`), last on a label
    # "สำเนา" on a reprint when the office wants copies marked (office setting `copy_mark`), else "".
    # Never part of the frozen content: the letter as issued had no mark. exports.letters_pdf draws it at
    # the top right of each page of the letter and of its schedule.
    copy_mark: str = ""

    def to_json(self) -> str:
        """The letter as issued, for its record (the copy mark is a property of a printing, not kept)."""
        data = asdict(self)
        data["copy_mark"] = ""
        return json.dumps({"version": CONTENT_VERSION, "letter": data}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> LetterContent:
        data = dict(json.loads(text)["letter"])
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        data["schedule"] = [ScheduleLine(**line) for line in data.get("schedule", [])]
        if data.get("schedule_totals") is not None:
            data["schedule_totals"] = ScheduleLine(**data["schedule_totals"])
        if "schedule_header" in data:
            data["schedule_header"] = tuple(data["schedule_header"])
        if "thai_digits" not in data:  # frozen before the setting was kept: the digits it printed say it
            data["thai_digits"] = _printed_thai_digits(data.get("date_text", "") + data.get("number", ""))
        return cls(**data)


def _printed_thai_digits(text: str) -> bool:
    """Whether a letter printed Thai digits, from the first digit of its date and number."""
    for ch in text:
        if ch in THAI_DIGITS:
            return True
        if ch.isascii() and ch.isdigit():
            return False
    return True


# --- the official register of letters sent and the labels of those that go by post -----------------------


@dataclass(frozen=True)
class RegisterLine:
    """One entry of the ทะเบียนหนังสือส่ง (แบบที่ ๑๔ of the correspondence rules), as printed."""

    register_no: str  # เลขทะเบียนส่ง: the letter's running number
    number: str  # ที่: "อบ ๐๐๑๗.๑๕/๒๐๑"
    date_text: str  # ลงวันที่
    sender: str  # จาก
    recipient: str  # ถึง: the addressee's name
    address: str  # and address, under the name
    subject: str  # เรื่อง
    action: str  # การปฏิบัติ: how it goes (ส่งด้วยมือ, ไปรษณีย์ธรรมดา, ไปรษณีย์ลงทะเบียนตอบรับ)
    note: str  # หมายเหตุ: agreement and amount, a correction, a copy


@dataclass
class DispatchRegister:
    title: str  # "ทะเบียนหนังสือส่ง"
    office: str  # the office whose register it is
    period: str  # "วันที่ ๒๒ พฤศจิกายน ๒๕๖๙"
    lines: list[RegisterLine]
    total_text: str = ""  # "รวม ๑๒ ฉบับ (ส่งด้วยมือ ๗ ไปรษณีย์ธรรมดา ๓ ไปรษณีย์ลงทะเบียนตอบรับ ๒)"
    thai_digits: bool = True  # the office's digits: its page numbers "- ๒ -" follow them


@dataclass(frozen=True)
class AddressLabel:
    """One address label for an envelope: the addressee, the address, the letter it carries."""

    name_lines: tuple[str, ...]  # "นางสมศรี ใจดี", "ประธานกลุ่มทอผ้าไหมบ้านหนองบัว"
    address_lines: tuple[str, ...]
    postcode: str = ""
    number: str = ""  # the letter's number, small, to match envelope and letter
    service: str = ""  # "ลงทะเบียนตอบรับ" for registered post with a return receipt
