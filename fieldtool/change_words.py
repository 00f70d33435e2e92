"""What a change-log row says in words (ประวัติการแก้ไข): the kind of record, each field, a setting and every
value as people read them, in Thai and English.

A value is a `Text` when it reads differently in English (a date, yes or no, baht, the label of a stored code
from fieldtool.vocabulary) and a plain string when it reads the same in both (names, places, notes as typed).
Naming the records a row points at takes the database and lives in fieldtool.record_names; the entries and
their pages are fieldtool.history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from fieldtool.funds import DEFAULT_LADDER, Ladder, ask_step_of
from fieldtool.letterhead import OFFICE_SETTINGS
from fieldtool.phone import format_phone
from fieldtool.reminders import UNDO
from fieldtool.text import Text
from fieldtool.thai import format_baht, format_date, format_date_en, format_time
from fieldtool.vocabulary import (
    ActionStatus,
    AskItem,
    AskStep,
    Coded,
    ContactWay,
    Dimension,
    EvidenceSource,
    FollowItem,
    Frequency,
    FundKind,
    GroupKind,
    HouseholdSource,
    HouseholdStatus,
    MeetingKind,
    MemberRole,
    PlanPart,
    PreventItem,
    ReminderKind,
    Stage,
)

# A value as people read it: a Text where English reads differently, else the same string in both.
Label = str | Text

# What a record is, for people, by its table (householdmember is that table's real name).
RECORD_KINDS: dict[str, Text] = {
    "person": Text("บุคคล", "person"),
    "household": Text("ครัวเรือน", "household"),
    "household_member": Text("สมาชิกครัวเรือน", "household member"),
    "borrowing_group": Text("กลุ่ม", "group"),
    "group_member": Text("สมาชิกกลุ่ม", "group member"),
    "fund": Text("กองทุน", "fund"),
    "loan": Text("สัญญาเงินกู้", "loan"),
    "schedule": Text("ตารางผ่อนชำระ", "repayment schedule"),
    "instalment": Text("งวดชำระ", "instalment"),
    "payment": Text("การชำระเงิน", "payment"),
    "prevent_check": Text("รายการป้องกัน", "prevent checklist item"),
    "reminder_delivery": Text("การแจ้งเตือน", "notice delivery"),
    "letter_record": Text("หนังสือที่ออก", "letter issued"),
    "household_need": Text("ความจำเป็นของครัวเรือน", "household need"),
    "household_plan": Text("แผนครัวเรือน", "household plan"),
    "plan_part": Text("ส่วนของแผน 4ท", "4ท plan part"),
    "plan_action": Text("กิจกรรมในแผน", "plan action"),
    "action_note": Text("บันทึกความก้าวหน้า", "progress note"),
    "visit": Text("การลงพื้นที่", "site visit"),
    "meeting": Text("การประชุม", "meeting"),
    "village": Text("หมู่บ้าน", "village"),
    "subdistrict": Text("ตำบล", "subdistrict"),
    "district": Text("อำเภอ", "district"),
    "province": Text("จังหวัด", "province"),
    "photo": Text("ภาพถ่าย", "photo"),
    "work_item": Text("งานตามขั้นตอน ปตท.", "follow or ask work item"),
    "verification": Text("การตรวจสอบในพื้นที่", "field verification"),
    "evidence_link": Text("หลักฐาน", "evidence link"),
    "householdmember": Text("สมาชิกครัวเรือน", "household member"),
    "setting": Text("การตั้งค่า", "setting"),
    "handover": Text("การส่งมอบงาน", "handover"),
    "sync_key": Text("กุญแจของเครื่อง", "laptop key"),
}

# Fields, in Thai and English; others show their column name.
FIELDS: dict[str, Text] = {
    "title": Text("คำนำหน้า", "title"),
    "first_name": Text("ชื่อ", "first name"),
    "last_name": Text("นามสกุล", "last name"),
    "national_id": Text("เลขประจำตัวประชาชน", "national ID"),
    "phone": Text("โทรศัพท์", "phone"),
    "house_no": Text("บ้านเลขที่", "house number"),
    "village_id": Text("หมู่บ้าน", "village"),
    "status": Text("สถานะ", "status"),
    "source": Text("ที่มา", "source"),
    "name": Text("ชื่อ", "name"),
    "chair_id": Text("ประธานกลุ่ม", "group chair"),
    "committee_member_id": Text("กรรมการผู้รับผิดชอบ", "responsible committee member"),
    "purpose": Text("วัตถุประสงค์", "purpose"),
    "agreement_no": Text("เลขที่สัญญา", "agreement number"),
    "principal_satang": Text("เงินต้น", "principal"),
    "rate_bp": Text("อัตราดอกเบี้ย", "interest rate"),
    "instalments": Text("จำนวนงวด", "instalments"),
    "first_due": Text("วันครบกำหนดงวดแรก", "first due date"),
    "approved_on": Text("วันอนุมัติ", "approval date"),
    "disbursed_on": Text("วันจ่ายเงินกู้", "disbursement date"),
    "done": Text("ทำแล้ว", "done"),
    "done_on": Text("วันที่ทำ", "date done"),
    "note": Text("หมายเหตุ", "note"),
    "what": Text("กิจกรรม", "action"),
    "helper": Text("ผู้ช่วยเหลือ", "who helps"),
    "due_on": Text("กำหนดเสร็จ", "due by"),
    "budget_satang": Text("งบประมาณ", "budget"),
    "decision": Text("การตัดสินใจของครัวเรือน", "the household's decision"),
    "findings": Text("สิ่งที่พบ", "findings"),
    "next_steps": Text("สิ่งที่ตกลงทำต่อ", "agreed next steps"),
    "next_visit_on": Text("นัดลงพื้นที่ครั้งต่อไป", "next visit date"),
    "ask_ladder": Text("ขั้นการทวงถาม", "ask ladder"),
    "default_instalments": Text("จำนวนงวดตั้งต้น", "default instalments"),
    "max_loan_satang": Text("วงเงินกู้สูงสุดต่อสัญญา", "maximum loan"),
    "interest_policy": Text("นโยบายดอกเบี้ย", "interest policy"),
    "moo": Text("หมู่ที่", "village no."),
    "code": Text("รหัส", "code"),
    "head_id": Text("หัวหน้าครัวเรือน", "head of household"),
    "person_id": Text("บุคคล", "person"),
    "household_id": Text("ครัวเรือน", "household"),
    "group_id": Text("กลุ่ม", "group"),
    "loan_id": Text("สัญญาเงินกู้", "loan"),
    "fund_id": Text("กองทุน", "fund"),
    "amount_satang": Text("จำนวนเงิน", "amount"),
    "paid_on": Text("วันที่ชำระ", "date paid"),
    "receipt_no": Text("เลขที่ใบเสร็จ", "receipt number"),
    "kind": Text("ประเภท", "kind"),
    "stage": Text("ขั้นตอน", "stage"),
    "item": Text("รายการ", "item"),
    "how": Text("วิธีแจ้ง", "how delivered"),
    "delivered_on": Text("วันที่แจ้ง", "date delivered"),
    "by_whom": Text("ผู้แจ้ง", "delivered by"),
    "frequency": Text("ความถี่การชำระ", "repayment frequency"),
    "default_frequency": Text("ความถี่ตั้งต้น", "default frequency"),
    "applied_on": Text("วันที่ยื่นกู้", "application date"),
    "borrower_kind": Text("ประเภทผู้กู้", "borrower kind"),
    "role": Text("ตำแหน่ง", "role"),
    "relation": Text("ความสัมพันธ์", "relation"),
    "dimension": Text("ด้าน", "dimension"),
    "description": Text("รายละเอียด", "description"),
    "part": Text("ส่วนของ 4ท", "4ท part"),
    "revision": Text("ครั้งที่", "revision"),
    "made_on": Text("วันที่ทำแผน", "date made"),
    "participants": Text("ผู้ร่วมทำแผน", "participants"),
    "noted_on": Text("วันที่บันทึก", "date noted"),
    "visited_on": Text("วันที่ลงพื้นที่", "date visited"),
    "visited_at": Text("เวลา", "time"),
    "held_on": Text("วันที่ประชุม", "date held"),
    "place": Text("สถานที่", "place"),
    "people_met": Text("ผู้ที่พบ", "people met"),
    "attendees": Text("ผู้เข้าร่วม", "attendees"),
    "outcomes": Text("ผลการประชุม", "outcomes"),
    "due_date": Text("วันครบกำหนด", "due date"),
    "interest_satang": Text("ดอกเบี้ย", "interest"),
    "cumulative_satang": Text("ยอดสะสมถึงงวดนี้", "total due up to this instalment"),
    "no": Text("งวดที่", "instalment no."),
    "version": Text("ฉบับที่", "version"),
    "effective_from": Text("มีผลตั้งแต่", "effective from"),
    "reason": Text("เหตุผล", "reason"),
    "recipient": Text("ผู้รับ", "recipient"),
    "number_text": Text("เลขที่หนังสือ", "letter number"),
    "issued_on": Text("วันที่ออก", "date issued"),
    "delivery": Text("การส่ง", "delivery"),
    "verified_on": Text("วันที่ตรวจสอบ", "date checked"),
    "officer": Text("เจ้าหน้าที่", "officer"),
    "prevent_override": Text("เหตุที่จ่ายก่อนป้องกันครบ", "prevent override"),
    "followed_from": Text("ติดตามตั้งแต่", "followed from"),
    "key": Text("การตั้งค่า", "setting"),
    "value": Text("ค่า", "value"),
    "held_at": Text("เวลา", "time"),
    "evidence_kind": Text("หลักฐาน", "evidence"),
    # a handover (fieldtool.handover) and an officer's key at the office (revoked, or moved to a restored laptop)
    "handed_on": Text("วันที่ส่งมอบ", "date handed over"),
    "by_officer": Text("ผู้ส่งมอบ", "handed over by"),
    "from_officers": Text("ผู้ดูแลเดิม", "held before by"),
    "to_officer": Text("ผู้รับมอบ", "handed to"),
    "households": Text("ครัวเรือน", "households"),
    "loans": Text("สัญญาเงินกู้", "loans"),
    "open_loans": Text("สัญญาที่ยังผ่อนอยู่", "open loans"),
    "overdue_loans": Text("สัญญาที่ค้างชำระ", "overdue loans"),
    "outstanding_satang": Text("ยอดคงค้าง", "outstanding"),
    "outstanding_principal_satang": Text("เงินต้นคงค้าง", "outstanding principal"),
    "arrears_satang": Text("ยอดค้างชำระ", "arrears"),
    "revoked_at": Text("เพิกถอนเมื่อ", "revoked at"),
    "revoked_by": Text("ผู้เพิกถอน", "revoked by"),
    "revoked_upto": Text("รายการสุดท้ายที่รับไว้", "last change held"),
    "revoked_reason": Text("เหตุที่เพิกถอน", "reason revoked"),
    "device_id": Text("เครื่อง", "device"),
}

# A laptop's settings (a setting is named by its key); the letterhead's (letter.*) are named by their label
# (fieldtool.letterhead.OFFICE_SETTINGS, without the form's hint), a letter template by its kind.
SETTINGS: dict[str, Text] = {
    "officer": Text("เจ้าหน้าที่ผู้ใช้เครื่อง", "officer using this laptop"),
    "device_id": Text("รหัสเครื่อง", "this laptop's id"),
    "subdistrict_id": Text("ตำบลที่ดูแล", "subdistrict looked after"),
    "district_code": Text("รหัสอำเภอ", "district code"),
    "office_name": Text("ชื่อส่วนราชการ", "office name"),
    "demo": Text("ข้อมูลตัวอย่าง", "demo data"),
    "key_file": Text("ไฟล์กุญแจของเครื่อง", "this laptop's key file"),
    "sync_key_id": Text("รหัสกุญแจรับส่งข้อมูล", "sync key id"),
    "sync_sign_public": Text("กุญแจสาธารณะสำหรับลงนาม", "public signing key"),
    "sync_box_public": Text("กุญแจสาธารณะสำหรับเข้ารหัส", "public encryption key"),
}

_TEMPLATE_SETTING = Text("แบบหนังสือ", "letter template")
_INTEREST_POLICIES = {"none": Text("ไม่คิดดอกเบี้ย", "no interest"), "flat": Text("ดอกเบี้ยคงที่", "flat interest")}
_UNDO_KIND = Text("ยกเลิกการบันทึกการแจ้งที่บันทึกผิด", "undoing a delivery recorded by mistake")
# A row that undoes a delivery (fieldtool.reminders.UNDO): its day and person are the undo's.
UNDO_FIELDS = {"delivered_on": Text("วันที่ยกเลิก", "date undone"), "by_whom": Text("ผู้ยกเลิก", "undone by")}
# Kinds an evidence link or a verification points at, by the table that holds them.
KIND_TABLES = {"group": "borrowing_group"}

NEW_RECORD = Text("เพิ่มใหม่", "new")
DELETED = Text("ลบ", "deleted")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def shown(value: Label, lang: str | None) -> str:
    """A value in `lang` ("th" or "en"); None: the Thai, as the command line prints a value."""
    if not isinstance(value, Text):
        return value
    return value.th if lang is None else value.in_language(lang)


@dataclass(frozen=True)
class FieldChange:
    """One field of an entry: its label, and the values as people read them (before is None: new)."""

    field: str
    label: Text
    before: Label | None
    after: Label

    def text(self, lang: str | None = None) -> str:
        """`lang` None: the labels in both languages and the values in Thai (what the command line prints)."""
        label = str(self.label) if lang is None else self.label.in_language(lang)
        after = shown(self.after, lang)
        if self.before is None:
            return f"{label}: {after}"
        return f"{label}: {shown(self.before, lang)} → {after}"


def kind_label(table: str) -> Text:
    """What a record of `table` is: ครัวเรือน (household)."""
    return RECORD_KINDS.get(table) or Text(table, table.replace("_", " "))


def field_label(name: str) -> Text:
    return FIELDS.get(name) or Text(name, name.replace("_", " "))


def setting_label(key: str) -> Text:
    """A setting by what it is for, not its key (device_id: this laptop's id)."""
    if key.startswith("letter.template."):
        rest = key.removeprefix("letter.template.")
        return Text(f"{_TEMPLATE_SETTING.th} {rest}", f"{_TEMPLATE_SETTING.en} {rest}")
    if key.startswith("letter.") and (form := key.removeprefix("letter.")) in OFFICE_SETTINGS:
        return OFFICE_SETTINGS[form].label
    return SETTINGS.get(key) or Text(key, key.replace("_", " "))


def reminder_kind_label(kind: str, ladder: Ladder = DEFAULT_LADDER) -> Label:
    """A delivery's kind as the today page words it: the notice, or the ask step of the loan's ladder (the
    stored "ask-30" is the rung's day count, not a step number)."""
    if kind == UNDO:
        return _UNDO_KIND
    if (notice := ReminderKind.parse(kind)) is not None and notice.is_notice:
        return notice.label
    step = ask_step_of(kind, ladder)
    return _label(AskStep, step) or kind


def _label(kind: type[Coded], value: str) -> Text | None:
    member = kind.parse(value)
    return member.label if member is not None else None


def code_label(  # noqa: C901  (one line per coded field)
    table: str, name: str, value: str, stage: str = "", ladder: Ladder = DEFAULT_LADDER
) -> Label | None:
    """The label of a stored code in both languages (fieldtool.vocabulary), where the field holds one."""
    if name == "status":
        return _label(HouseholdStatus if table == "household" else ActionStatus, value)
    if name == "stage":
        return _label(Stage, value)
    if name == "item":
        if table == "prevent_check":
            return _label(PreventItem, value)
        if stage != Stage.ASK and (follow := _label(FollowItem, value)) is not None:
            return follow
        return _label(AskItem, value)
    if name in ("frequency", "default_frequency"):
        return _label(Frequency, value)
    if name == "how":
        return _label(ContactWay, value)
    if name == "dimension":
        return _label(Dimension, value)
    if name == "part":
        return _label(PlanPart, value)
    if name == "source" and table == "household":
        return _label(HouseholdSource, value)
    if name == "role":
        return _label(MemberRole, value)
    if name == "kind":
        if table == "fund":
            return _label(FundKind, value)
        if table == "borrowing_group":
            return _label(GroupKind, value)
        if table == "meeting":
            return _label(MeetingKind, value)
        if table == "reminder_delivery":
            return reminder_kind_label(value, ladder)
    if name == "evidence_kind":
        return _label(EvidenceSource, value)  # the kind of record it is
    if name == "interest_policy":
        return _INTEREST_POLICIES.get(value)
    if name == "borrower_kind" and value in ("group", "household"):
        return kind_label(KIND_TABLES.get(value, value))
    return None


def value_label(table: str, name: str, value: object, stage: str = "", ladder: Ladder = DEFAULT_LADDER) -> Label:
    """A value as people read it: baht from satang, dates (Buddhist Era in Thai), labels of codes; a record it
    points at is named by fieldtool.record_names, which asks this for everything else."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return Text("ใช่", "yes") if value else Text("ไม่", "no")
    if name.endswith("_satang") and isinstance(value, int):
        return Text(f"{format_baht(value)} บาท", f"{format_baht(value)} baht")
    if name == "rate_bp" and isinstance(value, int):
        return f"{value / 100:.2f}%"
    if name == "device_id" and isinstance(value, str):
        return value[:8]  # as `office devices` shows a laptop
    if isinstance(value, str):
        if name == "phone":
            return format_phone(value)  # as every page shows a number: 081-234-5678
        if (label := code_label(table, name, value, stage, ladder)) is not None:
            return label
        if _ISO_DAY.match(value):
            day = date.fromisoformat(value)
            return Text(format_date(day), format_date_en(day))
        if _ISO_TIME.match(value):
            at = datetime.fromisoformat(value)
            return Text(format_time(at), format_time(at, "en"))
    return str(value)
