"""The change log in words (ประวัติการแก้ไข): each entry with its record named as the registers name it,
the kind of record and every changed field in Thai and English, values as people read them.

A page of entries is named with one query per table it touches (not one per entry), so the app, the
command line and the tests read the same words from `history_page`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldtool.funds import DEFAULT_LADDER, FUND_KINDS, FUND_KINDS_EN, ask_step_of, ladder_of
from fieldtool.groups import GROUP_KINDS, ROLES
from fieldtool.households import DIMENSIONS, SOURCES, STATUSES
from fieldtool.ledger import STAGE_TH
from fieldtool.letters import OFFICE_SETTINGS
from fieldtool.loanbook import PREVENT_ITEMS, person_name, village_label
from fieldtool.models import (
    ActionNote,
    BorrowingGroup,
    ChangeLog,
    District,
    EvidenceLink,
    Fund,
    GroupMember,
    Handover,
    Household,
    HouseholdMember,
    HouseholdNeed,
    HouseholdPlan,
    Instalment,
    LetterRecord,
    Loan,
    Meeting,
    Payment,
    Person,
    Photo,
    PlanAction,
    PlanPart,
    PreventCheck,
    Province,
    ReminderDelivery,
    Schedule,
    Subdistrict,
    SyncKey,
    Verification,
    Village,
    Visit,
    WorkItem,
)
from fieldtool.phone import format_phone
from fieldtool.plans import ACTION_STATUSES, PARTS
from fieldtool.reminders import ASK_STEP_TH, DELIVERY_HOW, NOTICE_TH, UNDO, UNDO_PREFIX
from fieldtool.schedule import FREQUENCY_TH
from fieldtool.text import Text
from fieldtool.thai import (
    LOCAL_ZONE,
    format_baht,
    format_date,
    format_date_en,
    format_time,
    local_time,
    matches,
)
from fieldtool.visits import ASK_ITEMS, FOLLOW_ITEMS, MEETING_KINDS

PAGE_SIZE = 500

# What a record is, for people: (Thai, English).
TABLE_LABELS = {
    "person": ("บุคคล", "person"),
    "household": ("ครัวเรือน", "household"),
    "household_member": ("สมาชิกครัวเรือน", "household member"),
    "borrowing_group": ("กลุ่ม", "group"),
    "group_member": ("สมาชิกกลุ่ม", "group member"),
    "fund": ("กองทุน", "fund"),
    "loan": ("สัญญาเงินกู้", "loan"),
    "schedule": ("ตารางผ่อนชำระ", "repayment schedule"),
    "instalment": ("งวดชำระ", "instalment"),
    "payment": ("การชำระเงิน", "payment"),
    "prevent_check": ("รายการป้องกัน", "prevent checklist item"),
    "reminder_delivery": ("การแจ้งเตือน", "notice delivery"),
    "letter_record": ("หนังสือที่ออก", "letter issued"),
    "household_need": ("ความจำเป็นของครัวเรือน", "household need"),
    "household_plan": ("แผนครัวเรือน", "household plan"),
    "plan_part": ("ส่วนของแผน 4ท", "4ท plan part"),
    "plan_action": ("กิจกรรมในแผน", "plan action"),
    "action_note": ("บันทึกความก้าวหน้า", "progress note"),
    "visit": ("การลงพื้นที่", "site visit"),
    "meeting": ("การประชุม", "meeting"),
    "village": ("หมู่บ้าน", "village"),
    "subdistrict": ("ตำบล", "subdistrict"),
    "district": ("อำเภอ", "district"),
    "province": ("จังหวัด", "province"),
    "photo": ("ภาพถ่าย", "photo"),
    "work_item": ("งานตามขั้นตอน ปตท.", "follow or ask work item"),
    "verification": ("การตรวจสอบในพื้นที่", "field verification"),
    "evidence_link": ("หลักฐาน", "evidence link"),
}

# Fields an officer edits, in Thai and English; others show their column name.
FIELD_LABELS = {
    "title": ("คำนำหน้า", "title"),
    "first_name": ("ชื่อ", "first name"),
    "last_name": ("นามสกุล", "last name"),
    "national_id": ("เลขประจำตัวประชาชน", "national ID"),
    "phone": ("โทรศัพท์", "phone"),
    "house_no": ("บ้านเลขที่", "house number"),
    "village_id": ("หมู่บ้าน", "village"),
    "status": ("สถานะ", "status"),
    "source": ("ที่มา", "source"),
    "name": ("ชื่อ", "name"),
    "chair_id": ("ประธานกลุ่ม", "group chair"),
    "committee_member_id": ("กรรมการผู้รับผิดชอบ", "responsible committee member"),
    "purpose": ("วัตถุประสงค์", "purpose"),
    "agreement_no": ("เลขที่สัญญา", "agreement number"),
    "principal_satang": ("เงินต้น", "principal"),
    "rate_bp": ("อัตราดอกเบี้ย", "interest rate"),
    "instalments": ("จำนวนงวด", "instalments"),
    "first_due": ("วันครบกำหนดงวดแรก", "first due date"),
    "approved_on": ("วันอนุมัติ", "approval date"),
    "disbursed_on": ("วันจ่ายเงินกู้", "disbursement date"),
    "done": ("ทำแล้ว", "done"),
    "done_on": ("วันที่ทำ", "date done"),
    "note": ("หมายเหตุ", "note"),
    "what": ("กิจกรรม", "action"),
    "helper": ("ผู้ช่วยเหลือ", "who helps"),
    "due_on": ("กำหนดเสร็จ", "due by"),
    "budget_satang": ("งบประมาณ", "budget"),
    "decision": ("การตัดสินใจของครัวเรือน", "the household's decision"),
    "findings": ("สิ่งที่พบ", "findings"),
    "next_steps": ("สิ่งที่ตกลงทำต่อ", "agreed next steps"),
    "next_visit_on": ("นัดลงพื้นที่ครั้งต่อไป", "next visit date"),
    "ask_ladder": ("ขั้นการทวงถาม", "ask ladder"),
    "default_instalments": ("จำนวนงวดตั้งต้น", "default instalments"),
    "max_loan_satang": ("วงเงินกู้สูงสุดต่อสัญญา", "maximum loan"),
    "interest_policy": ("นโยบายดอกเบี้ย", "interest policy"),
}


# Kinds of record TABLE_LABELS does not name (householdmember is that table's real name).
_MORE_TABLES = {
    "householdmember": ("สมาชิกครัวเรือน", "household member"),
    "setting": ("การตั้งค่า", "setting"),
    "meeting": ("การประชุม", "meeting"),
    "handover": ("การส่งมอบงาน", "handover"),
    "sync_key": ("กุญแจของเครื่อง", "laptop key"),
}
# Fields FIELD_LABELS (those the office's conflicts name) leaves out, in Thai and English.
_MORE_FIELDS = {
    "moo": ("หมู่ที่", "village no."),
    "code": ("รหัส", "code"),
    "head_id": ("หัวหน้าครัวเรือน", "head of household"),
    "person_id": ("บุคคล", "person"),
    "household_id": ("ครัวเรือน", "household"),
    "group_id": ("กลุ่ม", "group"),
    "loan_id": ("สัญญาเงินกู้", "loan"),
    "fund_id": ("กองทุน", "fund"),
    "amount_satang": ("จำนวนเงิน", "amount"),
    "paid_on": ("วันที่ชำระ", "date paid"),
    "receipt_no": ("เลขที่ใบเสร็จ", "receipt number"),
    "kind": ("ประเภท", "kind"),
    "stage": ("ขั้นตอน", "stage"),
    "item": ("รายการ", "item"),
    "how": ("วิธีแจ้ง", "how delivered"),
    "delivered_on": ("วันที่แจ้ง", "date delivered"),
    "by_whom": ("ผู้แจ้ง", "delivered by"),
    "frequency": ("ความถี่การชำระ", "repayment frequency"),
    "default_frequency": ("ความถี่ตั้งต้น", "default frequency"),
    "applied_on": ("วันที่ยื่นกู้", "application date"),
    "borrower_kind": ("ประเภทผู้กู้", "borrower kind"),
    "role": ("ตำแหน่ง", "role"),
    "relation": ("ความสัมพันธ์", "relation"),
    "dimension": ("ด้าน", "dimension"),
    "description": ("รายละเอียด", "description"),
    "part": ("ส่วนของ 4ท", "4ท part"),
    "revision": ("ครั้งที่", "revision"),
    "made_on": ("วันที่ทำแผน", "date made"),
    "participants": ("ผู้ร่วมทำแผน", "participants"),
    "noted_on": ("วันที่บันทึก", "date noted"),
    "visited_on": ("วันที่ลงพื้นที่", "date visited"),
    "visited_at": ("เวลา", "time"),
    "held_on": ("วันที่ประชุม", "date held"),
    "place": ("สถานที่", "place"),
    "people_met": ("ผู้ที่พบ", "people met"),
    "attendees": ("ผู้เข้าร่วม", "attendees"),
    "outcomes": ("ผลการประชุม", "outcomes"),
    "due_date": ("วันครบกำหนด", "due date"),
    "interest_satang": ("ดอกเบี้ย", "interest"),
    "no": ("งวดที่", "instalment no."),
    "version": ("ฉบับที่", "version"),
    "effective_from": ("มีผลตั้งแต่", "effective from"),
    "reason": ("เหตุผล", "reason"),
    "recipient": ("ผู้รับ", "recipient"),
    "number_text": ("เลขที่หนังสือ", "letter number"),
    "issued_on": ("วันที่ออก", "date issued"),
    "delivery": ("การส่ง", "delivery"),
    "verified_on": ("วันที่ตรวจสอบ", "date checked"),
    "officer": ("เจ้าหน้าที่", "officer"),
    "prevent_override": ("เหตุที่จ่ายก่อนป้องกันครบ", "prevent override"),
    "followed_from": ("ติดตามตั้งแต่", "followed from"),
    "key": ("การตั้งค่า", "setting"),
    "value": ("ค่า", "value"),
    "held_at": ("เวลา", "time"),
    "evidence_kind": ("หลักฐาน", "evidence"),
    # a handover (fieldtool.handover) and an officer's key at the office (revoked, or moved to a restored laptop)
    "handed_on": ("วันที่ส่งมอบ", "date handed over"),
    "by_officer": ("ผู้ส่งมอบ", "handed over by"),
    "from_officers": ("ผู้ดูแลเดิม", "held before by"),
    "to_officer": ("ผู้รับมอบ", "handed to"),
    "households": ("ครัวเรือน", "households"),
    "loans": ("สัญญาเงินกู้", "loans"),
    "open_loans": ("สัญญาที่ยังผ่อนอยู่", "open loans"),
    "overdue_loans": ("สัญญาที่ค้างชำระ", "overdue loans"),
    "outstanding_satang": ("ยอดคงค้าง", "outstanding"),
    "outstanding_principal_satang": ("เงินต้นคงค้าง", "outstanding principal"),
    "arrears_satang": ("ยอดค้างชำระ", "arrears"),
    "revoked_at": ("เพิกถอนเมื่อ", "revoked at"),
    "revoked_by": ("ผู้เพิกถอน", "revoked by"),
    "revoked_upto": ("รายการสุดท้ายที่รับไว้", "last change held"),
    "revoked_reason": ("เหตุที่เพิกถอน", "reason revoked"),
    "device_id": ("เครื่อง", "device"),
}
# A laptop's settings (a setting is named by its key), in Thai and English; the letterhead's (letter.*) are
# named as its form names them (Code below), a letter template by its kind.
SETTING_LABELS = {
    "officer": ("เจ้าหน้าที่ผู้ใช้เครื่อง", "officer using this laptop"),
    "device_id": ("รหัสเครื่อง", "this laptop's id"),
    "subdistrict_id": ("ตำบลที่ดูแล", "subdistrict looked after"),
    "district_code": ("รหัสอำเภอ", "district code"),
    "office_name": ("ชื่อส่วนราชการ", "office name"),
    "demo": ("ข้อมูลตัวอย่าง", "demo data"),
    "key_file": ("ไฟล์กุญแจของเครื่อง", "this laptop's key file"),
    "sync_key_id": ("รหัสกุญแจรับส่งข้อมูล", "sync key id"),
    "sync_sign_public": ("กุญแจสาธารณะสำหรับลงนาม", "public signing key"),
    "sync_box_public": ("กุญแจสาธารณะสำหรับเข้ารหัส", "public encryption key"),
}
_TEMPLATE_SETTING = ("แบบหนังสือ", "letter template")
_INTEREST_POLICIES = {"none": Text("ไม่คิดดอกเบี้ย", "no interest"), "flat": Text("ดอกเบี้ยคงที่", "flat interest")}
_UNDO_KIND = Text("ยกเลิกการบันทึกการแจ้งที่บันทึกผิด", "undoing a delivery recorded by mistake")

# Ids and bookkeeping that say nothing to an officer reading a new record.
_HIDDEN = {"id", "recorded_at", "created_at", "device_id", "recorded_by", "content", "details", "file_sha256",
           "ask_ladder", "demand_rules", "sha256", "purposes", "latitude", "longitude", "fields", "evidence_id", "source_kind",
           "target_kind", "table_name", "subdistrict_code", "handed_at", "from_devices", "to_device"}
# Bookkeeping an update carries beside its fields: a key moved to a restored laptop (fieldtool.succession).
_HIDDEN_CHANGES = {"sync_key": {"succeeds", "offset", "first"}}
# Kinds an evidence link or a verification points at, by the table that holds them.
_KIND_TABLES = {"group": "borrowing_group"}
_PEOPLE_FIELDS = {"head_id", "person_id", "chair_id", "committee_member_id"}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

NEW_RECORD = Text("เพิ่มใหม่", "new")


@dataclass(frozen=True)
class Code:
    """A code as people read it, whose English twin the app's catalogue already keeps (resources/i18n, `key`:
    the same `prefix.code` every screen shows the code by, ui.i18n.domain_label), so it is written once: the
    domain's Thai word here, the English where the catalogue is (the app; the command line prints the Thai)."""

    th: str
    key: str

    def __str__(self) -> str:
        return self.th


def code(vocabulary: dict[str, str], prefix: str, value: str) -> Code | None:
    return Code(vocabulary[value], f"{prefix}.{value}") if value in vocabulary else None


Label = str | Text | Code


@dataclass(frozen=True)
class FieldChange:
    """One field of an entry: its label, and the values as people read them (before is None: new). A value
    that reads differently in English (a date, yes or no, baht) is a Text; names and the domain's Thai
    labels of codes are the same in both."""

    field: str
    label: Text
    before: Label | None
    after: Label

    def text(self, lang: str | None = None) -> str:
        """`lang` None: the labels in both languages and the values in Thai (what the command line prints)."""
        label = str(self.label) if lang is None else self.label.in_language(lang)
        after = _shown(self.after, lang)
        if self.before is None:
            return f"{label}: {after}"
        return f"{label}: {_shown(self.before, lang)} → {after}"


def _shown(value: Label, lang: str | None) -> str:
    if isinstance(value, Code):
        return value.th
    if not isinstance(value, Text):
        return value
    return value.th if lang is None else value.in_language(lang)


@dataclass(frozen=True)
class HistoryEntry:
    """One change-log entry in words."""

    id: str
    at: datetime  # UTC
    seq: int
    officer: str
    device_id: str
    table: str
    record_id: str
    action: str  # insert | update | delete
    kind: Text  # ครัวเรือน (household)
    record: str  # "นางมาลัย ทองคำ หมู่ที่ 2 บ้านหนองบัว"
    changes: tuple[FieldChange, ...]
    record_label: Text | Code | None = None  # a record named by a label, not a name (a setting): both languages

    def record_text(self, lang: str) -> str:
        return self.record if self.record_label is None else _shown(self.record_label, lang)

    @property
    def local_at(self) -> datetime:
        return local_time(self.at)

    def changes_text(self, lang: str | None = None) -> str:
        """The fields before → after; "เพิ่มใหม่" and what a new record holds. `lang` None: both."""
        parts = [c.text(lang) for c in self.changes]
        if self.action == "insert":
            new = str(NEW_RECORD) if lang is None else NEW_RECORD.in_language(lang)
            return "; ".join([new, *parts])
        if self.action == "delete":
            return "ลบ (deleted)" if lang is None else Text("ลบ", "deleted").in_language(lang)
        return "; ".join(parts)

    def text(self) -> str:
        """The entry on one line, Thai with English: what the command line prints."""
        when = format_time(self.at)
        record = self.record if self.record_label is None else str(self.record_label)
        return f"{when}  {self.officer or '-'}  {self.kind}  {record}  {self.changes_text()}"


def kind_label(table: str) -> Text:
    th, en = TABLE_LABELS.get(table) or _MORE_TABLES.get(table) or (table, table.replace("_", " "))
    return Text(th, en)


def setting_label(key: str) -> Text | Code:
    """A setting by what it is for, not its key (device_id: this laptop's id)."""
    if key.startswith("letter.template."):
        th, en = _TEMPLATE_SETTING
        rest = key.removeprefix("letter.template.")
        return Text(f"{th} {rest}", f"{en} {rest}")
    if key.startswith("letter.") and (form := key.removeprefix("letter.")) in OFFICE_SETTINGS:
        return Code(re.sub(r"\s*\(.*\)$", "", OFFICE_SETTINGS[form][0]), f"office.{form}")  # the form's hint left out
    th, en = SETTING_LABELS.get(key) or (key, key.replace("_", " "))
    return Text(th, en)


def field_label(name: str) -> Text:
    th, en = FIELD_LABELS.get(name) or _MORE_FIELDS.get(name) or (name, name.replace("_", " "))
    return Text(th, en)


# A row that undoes a delivery (fieldtool.reminders.UNDO): its day and person are the undo's.
_UNDO_FIELDS = {"delivered_on": Text("วันที่ยกเลิก", "date undone"), "by_whom": Text("ผู้ยกเลิก", "undone by")}


# --- naming records in bulk ---------------------------------------------------------------------------

# For each table: the model and the fields that point at other records, which are named too.
_MODELS = {
    "person": Person, "household": Household, "householdmember": HouseholdMember,
    "borrowing_group": BorrowingGroup, "group_member": GroupMember, "fund": Fund, "loan": Loan,
    "schedule": Schedule, "instalment": Instalment, "payment": Payment, "prevent_check": PreventCheck,
    "reminder_delivery": ReminderDelivery, "letter_record": LetterRecord, "household_need": HouseholdNeed,
    "household_plan": HouseholdPlan, "plan_part": PlanPart, "plan_action": PlanAction,
    "action_note": ActionNote, "visit": Visit, "meeting": Meeting, "evidence_link": EvidenceLink,
    "photo": Photo, "work_item": WorkItem, "village": Village, "subdistrict": Subdistrict,
    "district": District, "province": Province, "verification": Verification, "handover": Handover,
    "sync_key": SyncKey,
}
_POINTERS = {
    "person": {"village_id": "village"},
    "household": {"head_id": "person", "village_id": "village"},
    "householdmember": {"household_id": "household", "person_id": "person"},
    "borrowing_group": {"village_id": "village", "chair_id": "person", "committee_member_id": "person"},
    "group_member": {"group_id": "borrowing_group", "person_id": "person"},
    "loan": {"household_id": "household", "group_id": "borrowing_group", "fund_id": "fund"},
    "schedule": {"loan_id": "loan"}, "instalment": {"loan_id": "loan"}, "payment": {"loan_id": "loan"},
    "prevent_check": {"loan_id": "loan"}, "reminder_delivery": {"loan_id": "loan"},
    "letter_record": {"loan_id": "loan"}, "work_item": {"loan_id": "loan"},
    "household_need": {"household_id": "household"}, "household_plan": {"household_id": "household"},
    "plan_part": {"plan_id": "household_plan"}, "plan_action": {"plan_id": "household_plan"},
    "action_note": {"action_id": "plan_action"}, "visit": {"village_id": "village"},
    "meeting": {"village_id": "village"}, "photo": {"visit_id": "visit"},
    "handover": {"subdistrict_id": "subdistrict"},
}
# Tables in the order their names are made: a record is named after the records it points at.
_ORDER = ("province", "district", "subdistrict", "village", "person", "fund", "household", "borrowing_group",
          "loan", "householdmember", "group_member", "schedule", "instalment", "payment", "prevent_check",
          "reminder_delivery", "letter_record", "work_item", "household_need", "household_plan", "plan_part",
          "plan_action", "action_note", "visit", "meeting", "photo", "evidence_link", "verification", "handover",
          "sync_key")


class _Names:
    """The records of a page of entries, fetched one query per table, and their names."""

    def __init__(self, session: Session):
        self.s = session
        self.rows: dict[str, dict[str, object]] = defaultdict(dict)
        self.names: dict[tuple[str, str], str] = {}

    def load(self, wanted: dict[str, set[str]]) -> None:
        # Fetch what was asked for, then what those rows point at, until nothing new is wanted.
        while wanted:
            more: dict[str, set[str]] = defaultdict(set)
            for table, ids in wanted.items():
                model = _MODELS.get(table)
                ids = {i for i in ids if i and i not in self.rows[table]}
                if model is None or not ids:
                    continue
                key = model.key_id if model is SyncKey else model.id  # a key is named by its key id
                for chunk in _chunks(sorted(ids), 900):
                    for row in self.s.scalars(select(model).where(key.in_(chunk))):
                        self.rows[table][getattr(row, key.key)] = row
                        for field, target in _POINTERS.get(table, {}).items():
                            if (ref := getattr(row, field, None)) and ref not in self.rows[target]:
                                more[target].add(ref)
                        if table == "evidence_link":
                            more[_KIND_TABLES.get(row.source_kind, row.source_kind)].add(row.source_id)
                            more[_KIND_TABLES.get(row.target_kind, row.target_kind)].add(row.target_id)
                        if table == "verification":
                            more[row.table_name].add(row.record_id)
                        if table == "reminder_delivery" and row.kind == UNDO:
                            more[table].add(row.reminder_id.removeprefix(UNDO_PREFIX))  # the delivery it undid
            wanted = more

    def name(self, table: str, record_id: str | None) -> str:
        if not record_id:
            return "–"
        key = (table, record_id)
        if key not in self.names:
            row = self.rows.get(table, {}).get(record_id)
            self.names[key] = self._name(table, row) if row is not None else ""
            if table == "setting":
                self.names[key] = setting_label(record_id).th
            if not self.names[key]:  # a setting is named by its key, whole; other records by their id's start
                self.names[key] = f"{kind_label(table).th} {record_id[:8]}"
        return self.names[key]

    def _name(self, table: str, r) -> str:  # noqa: C901  (one line per kind of record)
        n = self.name
        if table == "village":
            return village_label(r.moo, r.name)
        if table in ("province", "district", "subdistrict", "fund"):
            return r.name
        if table == "person":
            return _joined(person_name(r.title, r.first_name, r.last_name),
                           n("village", r.village_id) if r.village_id else "")
        if table == "household":
            head = self.rows["person"].get(r.head_id)
            who = person_name(head.title, head.first_name, head.last_name) if head else r.head_id[:8]
            return _joined(who, n("village", r.village_id))
        if table == "borrowing_group":
            return _joined(r.name, n("village", r.village_id))
        if table == "loan":
            if r.group_id:
                borrower = getattr(self.rows["borrowing_group"].get(r.group_id), "name", "")
            else:
                borrower = self._person(getattr(self.rows["household"].get(r.household_id), "head_id", None))
            return _joined(f"สัญญา {r.agreement_no or r.id[:8]}", borrower)
        if table == "payment":
            return f"{format_baht(r.amount_satang)} บาท วันที่ {format_date(r.paid_on)} {n('loan', r.loan_id)}"
        if table == "schedule":
            return f"ตารางชำระฉบับที่ {r.version} {n('loan', r.loan_id)}"
        if table == "instalment":
            return f"งวดที่ {r.no} ครบกำหนด {format_date(r.due_date)} {n('loan', r.loan_id)}"
        if table == "prevent_check":
            return f"{_shown(_value('prevent_check', 'item', r.item), None)} {n('loan', r.loan_id)}"
        if table == "work_item":
            return f"{_shown(_value('work_item', 'item', r.item, stage=r.stage), None)} {n('loan', r.loan_id)}"
        if table == "reminder_delivery" and r.kind == UNDO:
            undone = self.rows["reminder_delivery"].get(r.reminder_id.removeprefix(UNDO_PREFIX))
            what = (f"{_reminder_kind(undone.kind, self.ladder(r.loan_id))} วันที่ {format_date(undone.delivered_on)}"
                    if undone else "การแจ้ง")
            return f"ยกเลิกการบันทึก{what} ที่บันทึกผิด {n('loan', r.loan_id)}"
        if table == "reminder_delivery":
            return f"{_reminder_kind(r.kind, self.ladder(r.loan_id))} {format_date(r.delivered_on)} {n('loan', r.loan_id)}"
        if table == "letter_record":
            return _joined(f"หนังสือ{r.number_text}", r.recipient)
        if table == "householdmember":
            return f"{self._person(r.person_id)} ในครัวเรือน {n('household', r.household_id)}"
        if table == "group_member":
            return f"{self._person(r.person_id)} ใน{n('borrowing_group', r.group_id)}"
        if table == "household_need":
            return f"ด้าน{DIMENSIONS.get(r.dimension, r.dimension)} {n('household', r.household_id)}"
        if table == "household_plan":
            return f"แผน 4ท ครั้งที่ {r.revision} {n('household', r.household_id)}"
        if table == "plan_part":
            return f"{PARTS.get(r.part, (r.part,))[0]} {n('household_plan', r.plan_id)}"
        if table == "plan_action":
            return f"กิจกรรม “{r.what}” {n('household_plan', r.plan_id)}"
        if table == "action_note":
            return f"บันทึก {format_date(r.noted_on)} {n('plan_action', r.action_id)}"
        if table == "visit":
            return _joined(f"ลงพื้นที่ {format_date(r.visited_on)}", n("village", r.village_id), r.place)
        if table == "meeting":
            return _joined(f"{MEETING_KINDS.get(r.kind, r.kind)} {format_date(r.held_on)}",
                           n("village", r.village_id) if r.village_id else "", r.place)
        if table == "photo":
            return _joined(f"ภาพถ่าย {r.original_name or r.file_name}", n("visit", r.visit_id))
        if table == "evidence_link":
            source = n(_KIND_TABLES.get(r.source_kind, r.source_kind), r.source_id)
            return f"{source} → {n(_KIND_TABLES.get(r.target_kind, r.target_kind), r.target_id)}"
        if table == "verification":
            return f"ตรวจสอบ{kind_label(r.table_name).th} {n(r.table_name, r.record_id)} {format_date(r.verified_on)}"
        if table == "handover":
            return _joined(f"ส่งมอบ{n('subdistrict', r.subdistrict_id)}", f"ให้ {r.to_officer}" if r.to_officer else "",
                           f"วันที่ {format_date(r.handed_on)}")
        if table == "sync_key":
            return _joined(f"กุญแจของ {r.officer or '–'}", f"ตำบล {r.area_code}" if r.area_code else "")
        return ""

    def ladder(self, loan_id: str | None):
        """The ask ladder a loan follows: its own, or its fund's for a loan made before rules were copied."""
        loan = self.rows["loan"].get(loan_id) if loan_id else None
        fund = self.rows["fund"].get(loan.fund_id) if loan is not None else None
        return ladder_of((loan.ask_ladder if loan is not None else "") or getattr(fund, "ask_ladder", ""))

    def _person(self, person_id: str | None) -> str:
        p = self.rows["person"].get(person_id) if person_id else None
        return person_name(p.title, p.first_name, p.last_name) if p else ""


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _reminder_kind(kind: str, ladder=DEFAULT_LADDER) -> str:
    """A delivery's kind in Thai, as record names say it."""
    return _shown(_reminder_kind_label(kind, ladder), None)


def _reminder_kind_label(kind: str, ladder=DEFAULT_LADDER) -> Label:
    """A delivery's kind as the today page words it: the notice, or the ask step of the loan's ladder (the
    stored "ask-30" is the rung's day count, not a step number)."""
    if kind == UNDO:
        return _UNDO_KIND
    if kind in NOTICE_TH:
        return code(NOTICE_TH, "notice", kind)
    step = ask_step_of(kind, ladder)
    return code(ASK_STEP_TH, "ask_step", step) or kind


_PREVENT = {c: Text(th, en) for c, th, en in PREVENT_ITEMS}


def _code_label(table: str, name: str, value: str, stage: str = "", ladder=DEFAULT_LADDER) -> Label | None:  # noqa: C901
    """The label of a code in both languages, where the domain has one: a Text where the domain keeps the
    English beside the Thai, a Code where the app's catalogue keeps it."""
    if name == "status":
        if table == "household":
            return code(STATUSES, "hh_status", value)
        return code(ACTION_STATUSES, "action_status", value)
    if name == "stage":
        return code(STAGE_TH, "stage", value)
    if name == "item":
        if table == "prevent_check":
            return _PREVENT.get(value)
        if stage != "ask" and value in FOLLOW_ITEMS:
            return _item(FOLLOW_ITEMS, "follow", value)
        return _item(ASK_ITEMS, "ask", value)
    if name in ("frequency", "default_frequency"):
        return code(FREQUENCY_TH, "frequency", value)
    if name == "how":
        return code(DELIVERY_HOW, "how", value)
    if name == "dimension":
        return code(DIMENSIONS, "dimension", value)
    if name == "part":
        return Text(*PARTS[value]) if value in PARTS else None
    if name == "source" and table == "household":
        return code(SOURCES, "source", value)
    if name == "role" and value in ROLES:
        return ROLES[value]
    if name == "kind":
        if table == "fund" and value in FUND_KINDS:
            return Text(FUND_KINDS[value], FUND_KINDS_EN.get(value, ""))
        if table == "borrowing_group" and value in GROUP_KINDS:
            return GROUP_KINDS[value]
        if table == "meeting":
            return code(MEETING_KINDS, "meeting_kind", value)
        if table == "reminder_delivery":
            return _reminder_kind_label(value, ladder)
    if name == "evidence_kind" and value in ("visit", "meeting"):
        return kind_label(value)  # the kind of record it is
    if name == "interest_policy":
        return _INTEREST_POLICIES.get(value)
    if name == "borrower_kind" and value in ("group", "household"):
        return kind_label(_KIND_TABLES.get(value, value))
    return None


def _item(items: dict[str, str], stage: str, value: str) -> Code | None:
    """A follow or ask work item: its English is the visit purpose of the same name (purpose.follow:…)."""
    return Code(items[value], f"purpose.{stage}:{value}") if value in items else None


def _value(
    table: str, name: str, value, names: _Names | None = None, stage: str = "", ladder=DEFAULT_LADDER
) -> Label:
    """A value as people read it: baht from satang, dates (Buddhist Era in Thai), Thai labels of codes, names."""
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
        if (label := _code_label(table, name, value, stage, ladder)) is not None:
            return label
        if names is not None and name.endswith("_id"):
            target = "person" if name in _PEOPLE_FIELDS else _POINTERS.get(table, {}).get(name)
            if target:
                return names.name(target, value)
        if _ISO_DAY.match(value):
            day = date.fromisoformat(value)
            return Text(format_date(day), format_date_en(day))
        if _ISO_TIME.match(value):
            at = datetime.fromisoformat(value)
            return Text(format_time(at), format_time(at, "en"))
    return str(value)


def _named_field(table: str, name: str) -> bool:
    """False for a pointer this page cannot name (a bare id says nothing to an officer), and for bookkeeping."""
    if name in _HIDDEN_CHANGES.get(table, ()):
        return False
    if table == "sync_key" and name == "device_id":
        return True  # the laptop a key now signs for: its short id, as the office's list of laptops shows it
    return not name.endswith("_id") or name in _PEOPLE_FIELDS or name in _POINTERS.get(table, {})


def _data(row: ChangeLog) -> dict:
    try:
        data = json.loads(row.data)
    except ValueError:
        return {"data": row.data}
    if not isinstance(data, dict):
        return {"data": data}
    data.pop("_decision", None)  # which conflict the office's change decides (fieldtool.sync): not a field
    return data


def describe(session: Session, rows: list[ChangeLog]) -> list[HistoryEntry]:
    """Change-log entries in words; their records are named with one query per table."""
    wanted: dict[str, set[str]] = defaultdict(set)
    datas = []
    for row in rows:
        data = _data(row)
        datas.append(data)
        wanted[row.table_name].add(row.record_id)
        pointers = _POINTERS.get(row.table_name, {})
        for values in (data, data.get("_before") or {}):
            for field, value in values.items():
                target = "person" if field in _PEOPLE_FIELDS else pointers.get(field)
                if target and isinstance(value, str):
                    wanted[target].add(value)
    names = _Names(session)
    names.load(wanted)
    entries = []
    for row, data in zip(rows, datas, strict=True):
        before = data.pop("_before", None)
        table = row.table_name
        record_row = names.rows.get(table, {}).get(row.record_id)
        stage = str(data.get("stage") or getattr(record_row, "stage", ""))
        ladder = (names.ladder(getattr(record_row, "loan_id", None) or data.get("loan_id"))
                  if table == "reminder_delivery" else DEFAULT_LADDER)
        if row.action == "update" and isinstance(before, dict):
            changes = tuple(
                FieldChange(k, field_label(k), _value(table, k, before.get(k), names, stage, ladder),
                            _value(table, k, v, names, stage, ladder))
                for k, v in data.items()
                if _named_field(table, k)
            )
        else:
            record = names.name(table, row.record_id)
            shown = (
                FieldChange(k, (data.get("kind") == UNDO and _UNDO_FIELDS.get(k)) or field_label(k), None,
                            _value(table, k, v, names, stage, ladder))
                for k, v in data.items()
                if k not in _HIDDEN and _named_field(table, k) and v not in (None, "", False)
            )
            # A pointer whose record the name already says (a payment's loan) is left out.
            changes = tuple(
                c for c in shown
                if not (c.field.endswith("_id") and isinstance(c.after, str) and c.after in record)
            )
        entries.append(HistoryEntry(
            id=row.id, at=row.at, seq=row.seq, officer=row.officer, device_id=row.device_id, table=table,
            record_id=row.record_id, action=row.action, kind=kind_label(table),
            record=names.name(table, row.record_id), changes=changes,
            record_label=setting_label(row.record_id) if table == "setting" else None,
        ))
    return entries


def field_words(session: Session, items: list[tuple[str, str, str, list]]) -> list[tuple[str, list[str]]]:
    """For each (table, record id, field, values): the record named as the change log names it and each
    value in words (records pointed at named, baht, BE dates, Thai labels of codes): what the office's
    conflicts show. One query per table for all of them."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for table, record_id, field, values in items:
        wanted[table].add(record_id)
        target = "person" if field in _PEOPLE_FIELDS else _POINTERS.get(table, {}).get(field)
        if target:
            wanted[target].update(v for v in values if isinstance(v, str))
    names = _Names(session)
    names.load(wanted)
    return [(names.name(table, record_id), [_shown(_value(table, field, v, names), None) for v in values])
            for table, record_id, field, values in items]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """A local day as the UTC times the log is written in."""
    start = datetime.combine(day, time(), LOCAL_ZONE).astimezone(UTC)
    return start, start + timedelta(days=1)


def _matches(entry: HistoryEntry, query: str) -> bool:
    return any(matches(query, text) for text in (entry.record, entry.kind.th, entry.kind.en))


def change_log(
    session: Session, *, record_id: str | None = None, offset: int = 0, limit: int | None = PAGE_SIZE
) -> list[ChangeLog]:
    """The log's entries as recorded (not in words), newest first: all of them or one record's, a page at a
    time (`limit` None: to the end)."""
    q = select(ChangeLog).order_by(ChangeLog.at.desc(), ChangeLog.seq.desc())
    if record_id:
        q = q.where(ChangeLog.record_id == record_id)
    return list(session.scalars(q.offset(offset).limit(limit)))


def history_page(
    session: Session,
    *,
    query: str = "",
    day: date | None = None,
    record_id: str | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[HistoryEntry]:
    """Entries newest first, in words: those of one local day, of one record, whose record or kind
    contains `query` (inside Thai words too); `offset` and `limit` count the entries that match."""
    q = select(ChangeLog).order_by(ChangeLog.at.desc(), ChangeLog.seq.desc())
    if day is not None:
        start, end = _day_bounds(day)
        q = q.where(ChangeLog.at >= start, ChangeLog.at < end)
    if record_id:
        q = q.where(ChangeLog.record_id == record_id)
    if not query.strip():
        return describe(session, list(session.scalars(q.offset(offset).limit(limit))))
    # Names are made here, not stored, so a search reads the log a page at a time and keeps what matches.
    found: list[HistoryEntry] = []
    read = 0
    while len(found) < offset + limit:
        rows = list(session.scalars(q.offset(read).limit(PAGE_SIZE)))
        if not rows:
            break
        read += len(rows)
        found.extend(e for e in describe(session, rows) if _matches(e, query))
    return found[offset : offset + limit]


def loan_history(session: Session, loan_id: str, limit: int = PAGE_SIZE) -> list[HistoryEntry]:
    """The entries of one loan and of everything that hangs from it (schedules, instalments, payments,
    checklist, deliveries and their undoing, letters, work items), newest first, in words: the loan
    page's history tab."""
    ids = [loan_id]
    for model in (Schedule, Instalment, Payment, PreventCheck, ReminderDelivery, LetterRecord, WorkItem):
        ids += session.scalars(select(model.id).where(model.loan_id == loan_id))
    rows: list[ChangeLog] = []
    for chunk in _chunks(ids, 900):
        rows += session.scalars(select(ChangeLog).where(ChangeLog.record_id.in_(chunk)))
    rows.sort(key=lambda r: (r.at, r.seq), reverse=True)
    entries = describe(session, rows[:limit])
    # on the loan's own page its name would end every record: say it once, on the loan's own entries
    loan_name = _Names(session)
    loan_name.load({"loan": {loan_id}})
    own = f" {loan_name.name('loan', loan_id)}"
    return [e if e.table == "loan" else replace(e, record=e.record.removesuffix(own)) for e in entries]
