"""The district office's desk: which laptops report, what arrived, and the conflicts to review, in words.

The merge itself is `fieldtool.sync`; this module says what the clerk needs to see about it. A conflict
names its record the way an officer would ("นางสมศรี ใจดี, หมู่ที่ 3 บ้านหนองบัว", "สัญญา 12/2569 กลุ่มทอผ้า")
and its field in Thai, not as a table name and a uuid. The command line and the office window both read
from here, so they always agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtool.loanbook import person_name, village_label
from fieldtool.models import (
    BorrowingGroup,
    ChangeLog,
    Fund,
    Household,
    HouseholdPlan,
    Instalment,
    Loan,
    Person,
    PlanAction,
    Schedule,
    Subdistrict,
    SyncBundle,
    SyncConflict,
    SyncKey,
    Village,
    Visit,
)
from fieldtool.sync import device_gaps
from fieldtool.thai import InputError

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
    "work_item": ("งานตามขั้นตอน ปตท.", "ปตท. work item"),
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
    "interest_policy": ("นโยบายดอกเบี้ย", "interest policy"),
}


def table_label(table: str, english: bool = False) -> str:
    th, en = TABLE_LABELS.get(table, (table, table.replace("_", " ")))
    return en if english else th


def field_label(name: str, english: bool = False) -> str:
    th, en = FIELD_LABELS.get(name, (name, name.replace("_", " ")))
    return en if english else th


def _person(s: Session, person_id: str | None) -> str:
    p = s.get(Person, person_id) if person_id else None
    return person_name(p.title, p.first_name, p.last_name) if p else ""


def _village(s: Session, village_id: str | None) -> str:
    v = s.get(Village, village_id) if village_id else None
    return village_label(v.moo, v.name) if v else ""


def _joined(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def describe_record(s: Session, table: str, record_id: str) -> str:
    """The record as an officer would name it; its table and short id when it is gone or unknown here."""
    short = record_id[:8]
    if table == "person" and (p := s.get(Person, record_id)):
        return _joined(person_name(p.title, p.first_name, p.last_name), _village(s, p.village_id))
    if table == "household" and (h := s.get(Household, record_id)):
        return _joined(f"ครัวเรือน{_person(s, h.head_id)}", f"บ้านเลขที่ {h.house_no}" if h.house_no else "",
                       _village(s, h.village_id))
    if table == "borrowing_group" and (g := s.get(BorrowingGroup, record_id)):
        return _joined(g.name, _village(s, g.village_id))
    if table == "fund" and (f := s.get(Fund, record_id)):
        return f.name
    if table == "village" and (v := s.get(Village, record_id)):
        return village_label(v.moo, v.name)
    if table == "loan" and (loan := s.get(Loan, record_id)):
        return f"สัญญา {loan.agreement_no or short} " + _loan_borrower(s, loan)
    if table == "household_plan" and (plan := s.get(HouseholdPlan, record_id)):
        return "แผน 4ท " + describe_record(s, "household", plan.household_id)
    if table == "plan_action" and (a := s.get(PlanAction, record_id)):
        return f"กิจกรรม “{a.what}”"
    if table == "visit" and (v := s.get(Visit, record_id)):
        return _joined(f"ลงพื้นที่ {v.visited_on.isoformat()}", v.place)
    return f"{table_label(table)} {short}"


def _loan_borrower(s: Session, loan: Loan) -> str:
    if loan.group_id and (g := s.get(BorrowingGroup, loan.group_id)):
        return g.name
    if loan.household_id and (h := s.get(Household, loan.household_id)):
        return _person(s, h.head_id)
    return ""


@dataclass
class ConflictItem:
    """One conflict as the office reviews it: the record in words, the value in use and the other one."""

    id: str
    table: str
    record_id: str
    field: str
    record: str  # "นางสมศรี ใจดี, หมู่ที่ 3 บ้านหนองบัว"
    chosen: object  # the value the merge took (the later change)
    chosen_officer: str
    chosen_at: datetime
    other: object
    other_officer: str
    other_at: datetime
    status: str  # open | kept | took_other
    resolved_at: datetime | None
    resolved_by: str

    @property
    def in_use(self) -> object:
        return self.other if self.status == "took_other" else self.chosen


def conflict_items(s: Session, include_resolved: bool = False) -> list[ConflictItem]:
    q = select(SyncConflict).order_by(SyncConflict.chosen_at, SyncConflict.id)
    if not include_resolved:
        q = q.where(SyncConflict.status == "open")
    return [ConflictItem(
        c.id, c.table_name, c.record_id, c.field, describe_record(s, c.table_name, c.record_id),
        json.loads(c.chosen_value), c.chosen_officer, c.chosen_at, json.loads(c.other_value), c.other_officer,
        c.other_at, c.status, c.resolved_at, c.resolved_by) for c in s.scalars(q)]


@dataclass
class DeviceItem:
    """An enrolled laptop: who carries it, its subdistrict, the last bundle received, bundles missing."""

    device_id: str
    officer: str
    subdistrict_code: str
    subdistrict: str  # "341905 ต.โนนกลาง"
    key_id: str
    enrolled_at: datetime
    last_bundle: int | None
    last_imported_at: datetime | None
    missing_bundles: list[int]
    missing_changes: list[tuple[int, int]]

    @property
    def has_gap(self) -> bool:
        return bool(self.missing_changes)


def device_items(s: Session) -> list[DeviceItem]:
    items = []
    names = subdistrict_names(s)
    keys = s.scalars(select(SyncKey).where(SyncKey.role == "officer").order_by(SyncKey.area_code, SyncKey.officer))
    for key in keys:
        last = s.scalars(select(SyncBundle).where(SyncBundle.direction == "in", SyncBundle.kind == "field",
                                                  SyncBundle.source_device == key.device_id)
                         .order_by(SyncBundle.bundle_seq.desc())).first()
        gap = device_gaps(s, key.device_id)
        items.append(DeviceItem(key.device_id, key.officer, key.area_code, area_text(key.area_code, names), key.key_id, key.enrolled_at,
                                last.bundle_seq if last else None, last.processed_at if last else None,
                                gap.bundles if gap else [], list(gap.changes) if gap else []))
    return items


def subdistrict_names(s: Session) -> dict[str, str]:
    """Subdistrict code -> "ต.โนนกลาง" for every subdistrict the office has heard of."""
    from fieldtool.district import subdistrict_label

    return {code: subdistrict_label(name) for code, name in s.execute(select(Subdistrict.code, Subdistrict.name))}


def area_text(code: str, names: dict[str, str]) -> str:
    return f"{code} {names[code]}" if code in names else code


@dataclass
class BundleItem:
    """A field bundle received here, with its subdistrict named."""

    officer: str
    subdistrict: str  # "341905 ต.โนนกลาง"
    bundle_seq: int
    full: bool
    seq_from: int
    seq_to: int
    entries: int
    entries_new: int
    processed_at: datetime  # UTC
    file_name: str


def received_bundles(s: Session, limit: int = 500) -> list[BundleItem]:
    """Field bundles received here, the latest first."""
    names = subdistrict_names(s)
    q = (select(SyncBundle).where(SyncBundle.direction == "in", SyncBundle.kind == "field")
         .order_by(SyncBundle.processed_at.desc(), SyncBundle.bundle_seq.desc()).limit(limit))
    return [BundleItem(b.officer, area_text(b.area_code, names), b.bundle_seq, b.full, b.seq_from, b.seq_to,
                       b.entries, b.entries_new, b.processed_at, b.file_name) for b in s.scalars(q)]


# --- a loan restructured on two laptops --------------------------------------------------------------------


@dataclass
class ScheduleChoice:
    """One of the competing schedules: who made it, when, and what it asks of the borrower."""

    schedule_id: str
    effective_from: date
    reason: str
    officer: str
    made_at: datetime | None
    instalments: int
    first_due: date | None
    total_satang: int


@dataclass
class DoubleRestructure:
    """A loan restructured on two devices that had not seen each other: two schedules of one version.

    Both are kept by the merge (they are two records, and money never merges by last write wins); the
    ledger settles on one deterministically until the office decides which agreement stands.
    """

    loan_id: str
    loan: str  # "สัญญา 12/2569 กลุ่มทอผ้า"
    version: int
    choices: list[ScheduleChoice]


def double_restructures(s: Session) -> list[DoubleRestructure]:
    doubled = s.execute(
        select(Schedule.loan_id, Schedule.version).group_by(Schedule.loan_id, Schedule.version)
        .having(func.count() > 1).order_by(Schedule.loan_id, Schedule.version)
    ).all()
    out = []
    for loan_id, version in doubled:
        choices = []
        for sched in s.scalars(select(Schedule).where(Schedule.loan_id == loan_id, Schedule.version == version)
                               .order_by(Schedule.created_at, Schedule.id)):
            made = s.execute(select(ChangeLog.officer, ChangeLog.at).where(
                ChangeLog.table_name == "schedule", ChangeLog.record_id == sched.id, ChangeLog.action == "insert")).first()
            insts = s.execute(select(func.count(), func.min(Instalment.due_date),
                                     func.sum(Instalment.principal_satang + Instalment.interest_satang))
                              .where(Instalment.schedule_id == sched.id)).one()
            choices.append(ScheduleChoice(sched.id, sched.effective_from, sched.reason, made.officer if made else "",
                                          made.at if made else None, insts[0], insts[1], int(insts[2] or 0)))
        out.append(DoubleRestructure(loan_id, describe_record(s, "loan", loan_id), version, choices))
    return out


def keep_schedule(s: Session, schedule_id: str) -> tuple[Schedule, int]:
    """The office decides which restructuring stands: the other schedules of that version are removed.

    The removal is written to the change log like any change, so it travels back to the laptops in the
    return bundles. Returns the schedule kept and how many were removed.
    """
    kept = s.get(Schedule, schedule_id) if schedule_id else None
    if kept is None and schedule_id and len(schedule_id) >= 6:
        found = s.scalars(select(Schedule).where(Schedule.id.like(f"{schedule_id}%"))).all()
        kept = found[0] if len(found) == 1 else None
    if kept is None:
        raise InputError(f"ไม่พบตารางผ่อนชำระ {schedule_id[:8]} (no such repayment schedule)")
    others = s.scalars(select(Schedule).where(Schedule.loan_id == kept.loan_id, Schedule.version == kept.version,
                                              Schedule.id != kept.id)).all()
    if not others:
        raise InputError("สัญญานี้มีตารางผ่อนชำระฉบับนี้เพียงฉบับเดียวแล้ว (this loan has only this schedule now)")
    for other in others:
        for inst in s.scalars(select(Instalment).where(Instalment.schedule_id == other.id)):
            s.delete(inst)
        s.flush()
        s.delete(other)
    s.flush()
    return kept, len(others)
