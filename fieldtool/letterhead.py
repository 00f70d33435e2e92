"""What the office sets for its letters: the letterhead (name, address, signer, this laptop's block of letter
numbers, the digits it prints …) and the wording of each kind of letter, as templates it can edit.

A module of its own because these are the office's settings, not rules: they are edited on their own screen
(File › ตั้งค่าหนังสือราชการ), by `fieldtool letterhead` and `fieldtool template`, and every other letter
module (fieldtool.letters, letter_numbers, letter_wording, letter_issue, letter_dispatch) reads them.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, cast

from sqlalchemy.orm import Session

from fieldtool.limits import NOTE, check_text
from fieldtool.registry import set_setting, setting
from fieldtool.text import Text
from fieldtool.thai import InputError, to_arabic_digits
from fieldtool.vocabulary import NOTICE_LETTERS, LetterKind

TEMPLATES_FILE = Path(__file__).resolve().parents[1] / "resources" / "letters" / "templates_th.json"


@dataclass(frozen=True)
class OfficeSetting:
    """One letterhead setting: what it is, how to fill it in, and whether a letter needs it."""

    label: Text  # named in a sentence ("ที่อยู่ (Address)"): the missing settings, the change log
    hint: str = ""  # in Thai, after the label where the setting is listed: "(ขึ้นบรรทัดใหม่ด้วย |)", "เช่น 201-400"
    required: bool = True

    @property
    def described(self) -> str:
        """The Thai label with its hint, as `letterhead show` lists the setting."""
        return f"{self.label.th} {self.hint}" if self.hint else self.label.th


OFFICE_SETTINGS = {
    "office_name": OfficeSetting(Text("ชื่อส่วนราชการ", "Office name")),
    "office_address": OfficeSetting(Text("ที่อยู่", "Address"), "(ขึ้นบรรทัดใหม่ด้วย |)"),
    "letter_prefix": OfficeSetting(Text("รหัสหนังสือ", "Letter prefix"), "เช่น อบ ๐๐๑๗.๑๕"),
    "letter_block": OfficeSetting(Text("ช่วงเลขที่หนังสือของเครื่องนี้", "This laptop's number block"), "เช่น 201-400"),
    "signer_name": OfficeSetting(Text("ชื่อผู้ลงนาม", "Signer")),
    "signer_position": OfficeSetting(Text("ตำแหน่งผู้ลงนาม", "Signer's position"), "(ขึ้นบรรทัดใหม่ด้วย |)"),
    "section": OfficeSetting(Text("ส่วนราชการเจ้าของเรื่อง", "Responsible section")),
    "section_phone": OfficeSetting(Text("โทรศัพท์", "Telephone")),
    "pay_place": OfficeSetting(Text("สถานที่ชำระเงิน", "Where to pay")),
    "contact": OfficeSetting(Text("ผู้ประสานงาน", "Contact person")),
    "emblem_path": OfficeSetting(Text("ไฟล์ภาพตราครุฑ/โลโก้", "Emblem / logo image"), "(ถ้ามี)", required=False),
    "thai_digits": OfficeSetting(Text("ใช้เลขไทย", "Thai digits"), "(1 = ใช้, 0 = ไม่ใช้)", required=False),
    "copy_mark": OfficeSetting(Text("พิมพ์คำว่า สำเนา บนหนังสือที่พิมพ์ซ้ำ", "Mark a reprint as a copy"),
                               "(1 = พิมพ์, 0 = ไม่พิมพ์)", required=False),
    "garuda_space": OfficeSetting(Text("พิมพ์บนกระดาษที่มีตราครุฑอยู่แล้ว: เว้นที่ ๓ ซม. ไม่พิมพ์ตรา",
                                       "Paper with the Garuda printed on it"),
                                  "(1 = ใช่, 0 = ไม่ใช่)", required=False),
    "postal_code": OfficeSetting(Text("รหัสไปรษณีย์ของตำบล", "Postal code of the subdistrict"),
                                 "(พิมพ์บนป้ายจ่าหน้าซอง)", required=False),
}
# yes/no settings (1/0) and what one never set ("") reads as
YES_NO_SETTINGS = {"thai_digits": "1", "copy_mark": "1", "garuda_space": "0"}

MAX_LETTER_NUMBER = 1_000_000  # numbers run through one calendar year; an office sends a few thousand


def is_on(settings: dict[str, str], key: str) -> bool:
    """A yes/no office setting, its default when never set."""
    return (settings.get(key) or YES_NO_SETTINGS[key]) == "1"


def office_settings(session: Session) -> dict[str, str]:
    return {key: setting(session, f"letter.{key}") for key in OFFICE_SETTINGS}


def set_office_setting(session: Session, key: str, value: str) -> None:
    if key not in OFFICE_SETTINGS:
        raise InputError(Text(f"ไม่มีค่าตั้ง {key}", f"no office setting {key}; one of {', '.join(OFFICE_SETTINGS)}"))
    described = OFFICE_SETTINGS[key].described
    value = check_text(value.strip(), Text(described, key), NOTE)
    if key == "letter_block":
        parse_block(value)
    if key == "emblem_path" and value and not Path(value).is_file():
        raise InputError(Text(f"ไม่พบไฟล์ภาพ {value}", f"no image file at {value}"))
    if key in YES_NO_SETTINGS and value not in ("", "0", "1"):
        raise InputError(Text(f"{described}: ใส่ 1 หรือ 0", f"{key} must be 1 (yes) or 0 (no)"))
    if key == "postal_code" and value and not (len(to_arabic_digits(value)) == 5 and to_arabic_digits(value).isdigit()):
        raise InputError(Text(f"รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลัก: {value}", f"a postal code has 5 digits: {value}"))
    set_setting(session, f"letter.{key}", value)


def parse_block(value: str) -> tuple[int, int]:
    """This laptop's block of letter numbers, "201-400" (Thai digits too), as (low, high)."""
    try:
        low, high = (int(x) for x in to_arabic_digits(value).replace(" ", "").split("-"))
    except ValueError:
        raise InputError(Text(f"ช่วงเลขที่หนังสือต้องเขียนแบบ 201-400: {value}",
                              "the letter block must look like 201-400")) from None
    if not 1 <= low <= high <= MAX_LETTER_NUMBER:
        raise InputError(Text(f"ช่วงเลขที่หนังสือไม่ถูกต้อง: {value} (1 ถึง {MAX_LETTER_NUMBER:,})",
                              f"the letter block must run from low to high, within 1 to {MAX_LETTER_NUMBER:,}"))
    return low, high


def check_office(settings: dict[str, str]) -> None:
    """Refuse to issue letters while a setting every letter prints is not filled in, naming those missing."""
    missing = [s.label for key, s in OFFICE_SETTINGS.items() if s.required and not settings[key].strip()]
    if missing:
        raise InputError(Text(
            f"ยังไม่ได้ตั้งค่าสำนักงานสำหรับออกหนังสือ: {', '.join(t.th for t in missing)} "
            "ตั้งค่าด้วยคำสั่ง fieldtool office set KEY VALUE หรือตั้งค่าได้ที่เมนู แฟ้ม › ตั้งค่าหนังสือราชการ",
            f"office settings for letters are missing: {', '.join(t.en for t in missing)}; set them with "
            "'fieldtool office set KEY VALUE' or in File › Office settings for letters",
        ))


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


# --- the wording: one template a kind (the three notices share one) ------------------------------------


class Template(TypedDict):
    subject: str  # เรื่อง, with {placeholders}
    body: list[str]  # paragraphs, with {placeholders}


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


def default_templates() -> dict[str, Template]:
    return cast(dict[str, Template], json.loads(TEMPLATES_FILE.read_text(encoding="utf-8")))


def template_key(kind: str) -> str:
    """The template a kind of letter is written from: "notice" for the three notices, else the kind."""
    return "notice" if kind in NOTICE_LETTERS else str(kind)


def check_template(template: object) -> Template:
    """Refuse a template that is malformed or names a placeholder the program does not fill."""
    if (not isinstance(template, dict) or not isinstance(template.get("subject"), str)
            or not isinstance(template.get("body"), list)):
        raise InputError(Text('แม่แบบต้องมี "subject" และ "body"',
                              'a template needs "subject" text and a "body" list of paragraphs'))
    texts: list[object] = [template["subject"], *template["body"]]
    paragraphs = [t for t in texts if isinstance(t, str)]
    if len(paragraphs) != len(texts):
        raise InputError(Text("ย่อหน้าของแม่แบบต้องเป็นข้อความ", "every body paragraph must be text"))
    unknown = set()
    for text in paragraphs:
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
    return {"subject": paragraphs[0], "body": paragraphs[1:]}


def get_template(session: Session, kind: str) -> Template:
    key = template_key(kind)
    stored = setting(session, f"letter.template.{key}")
    return cast(Template, json.loads(stored)) if stored else default_templates()[key]


def set_template(session: Session, kind: str, template: object) -> None:
    key = template_key(kind)
    if key not in default_templates():
        raise InputError(Text(f"ไม่มีหนังสือประเภท {kind}", f"no letter kind {kind}; one of {', '.join(LetterKind)}"))
    set_setting(session, f"letter.template.{key}", json.dumps(check_template(template), ensure_ascii=False))


def reset_template(session: Session, kind: str) -> None:
    set_setting(session, f"letter.template.{template_key(kind)}", "")
