"""Entities of the loan book as SQLModel tables.

Every row that can leave the laptop has a globally unique id made offline (uuid4 text), money is integer
satang, dates are Gregorian `date`s. Payments and the change log are append-only (enforced by triggers
made in the migrations, and by the change-log hook in `fieldtool.changelog`).

Why one module of some 500 lines: it is the schema, and nothing else. Each table sits beside the tables its
foreign keys name, in the order the migrations made them, so a change to the schema is read and reviewed in
one place against db/migrations/versions; Alembic's comparison (db/migrations/env.py) and every reader of a
table import it whole. Split by noun, the parts would still have to be imported together for any of them to
work, and a foreign key would point into another file. The rules about these rows live in the feature
modules (ledger, reminders, plans …), not here.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


def new_id() -> str:
    return str(uuid.uuid4())


class Setting(SQLModel, table=True):
    """Installation settings: device id, officer, the subdistrict this laptop serves, language."""

    key: str = Field(primary_key=True)
    value: str


# --- places -------------------------------------------------------------------------------------


class Province(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    code: str = Field(index=True)  # 2 digits
    name: str


class District(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    code: str = Field(index=True)  # 4 digits
    name: str
    province_id: str = Field(foreign_key="province.id")


class Subdistrict(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    code: str = Field(index=True)  # 6 digits
    name: str
    district_id: str = Field(foreign_key="district.id")


class Village(SQLModel, table=True):
    """หมู่บ้าน: หมู่ที่ N + name."""

    id: str = Field(default_factory=new_id, primary_key=True)
    code: str = Field(index=True)  # 8 digits
    moo: int
    name: str
    subdistrict_id: str = Field(foreign_key="subdistrict.id", index=True)


# --- people and borrowers -------------------------------------------------------------------------


class Person(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    title: str = ""  # นาย นาง นางสาว
    first_name: str
    last_name: str = ""
    national_id: str | None = Field(default=None, index=True)
    phone: str = ""
    village_id: str | None = Field(default=None, foreign_key="village.id", index=True)
    house_no: str = ""


class Household(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    village_id: str = Field(foreign_key="village.id", index=True)
    house_no: str = ""
    head_id: str = Field(foreign_key="person.id")
    phone: str = ""
    source: str = "field"  # tpmap (the national poverty map list) | field (found outside TPMAP)
    status: str = "target"  # target | in_progress | out_of_poverty | moved | died


class HouseholdMember(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    household_id: str = Field(foreign_key="household.id", index=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    relation: str = ""


class BorrowingGroup(SQLModel, table=True):
    """A women's group or another borrowing group; one committee member is responsible for it (ต)."""

    __tablename__ = "borrowing_group"
    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    kind: str = "women"  # women | other
    village_id: str = Field(foreign_key="village.id", index=True)
    chair_id: str | None = Field(default=None, foreign_key="person.id")
    committee_member_id: str | None = Field(default=None, foreign_key="person.id")


class GroupMember(SQLModel, table=True):
    __tablename__ = "group_member"
    id: str = Field(default_factory=new_id, primary_key=True)
    group_id: str = Field(foreign_key="borrowing_group.id", index=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    role: str = "member"  # chair | secretary | treasurer | member


# --- funds and loans --------------------------------------------------------------------------------


class Fund(SQLModel, table=True):
    """A fund with its own rules: kind, interest policy, default term, and the ask ladder."""

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    kind: str  # women | kkkj | village | other
    interest_policy: str = "none"  # none | flat
    rate_bp: int = 0  # flat rate per year on principal, in basis points (3% = 300)
    default_instalments: int = 12
    default_frequency: str = "monthly"
    # JSON list of [days_overdue, step] pairs; empty = the default ladder of fieldtool.reminders
    ask_ladder: str = ""
    # JSON {"days": [first, second, final], "gap": days}: when demand letters go out (fieldtool.funds)
    demand_rules: str = ""
    # วงเงินกู้สูงสุดต่อสัญญา: the most one loan may lend, checked when a loan is made; None = only the
    # absolute limit of fieldtool.limits
    max_loan_satang: int | None = None


class Loan(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    agreement_no: str = ""
    fund_id: str = Field(foreign_key="fund.id", index=True)
    borrower_kind: str  # group | household
    group_id: str | None = Field(default=None, foreign_key="borrowing_group.id", index=True)
    household_id: str | None = Field(default=None, foreign_key="household.id", index=True)
    purpose: str = ""
    principal_satang: int
    rate_bp: int = 0
    instalments: int
    frequency: str  # monthly | quarterly | half-yearly | yearly
    first_due: date
    applied_on: date
    approved_on: date | None = None
    disbursed_on: date | None = None
    # why the loan was disbursed with prevent-checklist items still open
    prevent_override: str = ""
    # the fund's rules when the loan was made, so editing the fund later leaves this loan alone;
    # empty on loans made before they were copied: those follow their fund
    ask_ladder: str = ""
    demand_rules: str = ""
    # a loan brought in from an old book: the day the program began following it (None: from its start);
    # notices whose time had passed before that day are not counted as missed
    followed_from: date | None = None


class Schedule(SQLModel, table=True):
    """One repayment schedule of a loan. Restructuring adds a new version; old ones stay as history."""

    id: str = Field(default_factory=new_id, primary_key=True)
    loan_id: str = Field(foreign_key="loan.id", index=True)
    version: int
    effective_from: date  # payments from this day on are applied to this schedule
    reason: str = ""
    created_at: datetime


# An instalment below zero, or one without its running sum (cumulative_satang below): its schedule is read through
# the whole ledger.
ODD_INSTALMENT = "(principal_satang < 0 OR interest_satang < 0 OR cumulative_satang IS NULL)"


class Instalment(SQLModel, table=True):
    # The lists of a district's book read only the instalments still owed (bookrows.read_book): an index seek
    # per schedule on what was paid, every column the lists need in the index itself.
    # The schedules those reads leave to the whole ledger, found without reading the others.
    __table_args__ = (
        Index("ix_instalment_owed", "schedule_id", "cumulative_satang", "no", "id", "due_date",
              "principal_satang", "interest_satang"),
        Index("ix_instalment_odd", "schedule_id", sqlite_where=text(ODD_INSTALMENT), postgresql_where=text(ODD_INSTALMENT)),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    schedule_id: str = Field(foreign_key="schedule.id", index=True)
    loan_id: str = Field(foreign_key="loan.id", index=True)
    no: int
    due_date: date = Field(index=True)
    principal_satang: int
    interest_satang: int
    # The schedule's instalments up to and including this one (by no), principal and interest summed: what must
    # have been paid to the schedule for this one to be paid up. Written with the schedule and never changed (a
    # schedule is never edited; a restructuring writes a new one). None on a row from an older program's bundle:
    # its schedule is then read through the whole ledger.
    cumulative_satang: int | None = None


class Payment(SQLModel, table=True):
    """A repayment event. Append-only: a correction is a new event with `reverses_id` set."""

    # What each loan paid by a day, summed from the index alone (bookrows.read_book).
    __table_args__ = (Index("ix_payment_paid", "loan_id", "paid_on", "amount_satang", "reverses_id"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    loan_id: str = Field(foreign_key="loan.id", index=True)
    amount_satang: int
    paid_on: date
    reverses_id: str | None = Field(default=None, foreign_key="payment.id")
    note: str = ""
    receipt_no: str = ""  # เลขที่ใบเสร็จ, as written on the receipt the borrower holds
    recorded_at: datetime
    recorded_by: str = ""
    device_id: str = ""


class PreventCheck(SQLModel, table=True):
    """One item of the ป (prevent) checklist of a loan."""

    __tablename__ = "prevent_check"
    id: str = Field(default_factory=new_id, primary_key=True)
    loan_id: str = Field(foreign_key="loan.id", index=True)
    item: str
    done: bool = False
    done_on: date | None = None
    note: str = ""
    evidence_kind: str = ""  # visit | meeting: the record that stands as evidence of the work
    evidence_id: str | None = None


class ReminderDelivery(SQLModel, table=True):
    """A notice delivered to the borrower, or an ask-ladder step carried out."""

    __tablename__ = "reminder_delivery"
    id: str = Field(default_factory=new_id, primary_key=True)
    reminder_id: str = Field(index=True)  # "<kind>:<instalment id>", see fieldtool.reminders
    loan_id: str = Field(foreign_key="loan.id", index=True)
    instalment_id: str = Field(foreign_key="instalment.id")
    kind: str
    how: str  # visit | phone | letter | line | meeting
    delivered_on: date
    by_whom: str = ""
    note: str = ""


class ChangeLog(SQLModel, table=True):
    """Who changed what, on which device, when: the audit trail and, later, the sync feed."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ux_change_log_device_seq", "device_id", "seq", unique=True),)
    id: str = Field(default_factory=new_id, primary_key=True)
    device_id: str = Field(index=True)
    seq: int  # per-device sequence number
    at: datetime
    officer: str = ""
    table_name: str = Field(index=True)
    record_id: str = Field(index=True)
    action: str  # insert | update | delete
    data: str  # JSON of the changed fields (new values; for update also "_before")


class LetterRecord(SQLModel, table=True):
    """An issued letter (a document, entered in the ทะเบียนหนังสือส่ง): its number is spent; printing it
    again reproduces what it printed. A mistake is put right by a new letter that cites it (`corrects_id`)."""

    __tablename__ = "letter_record"
    __table_args__ = (Index("ux_letter_number", "prefix", "year_be", "running", unique=True),)
    id: str = Field(default_factory=new_id, primary_key=True)
    prefix: str
    year_be: int
    running: int
    number_text: str  # as printed: "ที่ อบ ๐๐๑๗.๑๕/๑๒๓"
    kind: str  # notice-30 | notice-15 | notice-7 | demand-1 | demand-2 | demand-final | meeting
    issued_on: date
    recipient: str
    loan_id: str = Field(foreign_key="loan.id", index=True)
    instalment_id: str | None = Field(default=None, foreign_key="instalment.id")
    details: str = ""  # JSON: meeting date and place, the letter it follows up
    file_sha256: str = ""  # of the PDF it was first printed in
    file_name: str = ""
    device_id: str = ""
    officer: str = ""
    # Everything the letter printed (fieldtool.letter_content, as JSON), frozen when it was issued: a
    # reprint draws this again. "" for letters issued before migration 0007.
    content: str = ""
    delivery: str = ""  # hand | post | registered (fieldtool.vocabulary.Delivery); "" before 0007
    corrects_id: str | None = Field(default=None, foreign_key="letter_record.id")  # the letter it replaces


# --- households, 4ท plans, visits, meetings ------------------------------------------------------------


class HouseholdNeed(SQLModel, table=True):
    """A TPMAP dimension in which a household is in need, with a short description."""

    __tablename__ = "household_need"
    id: str = Field(default_factory=new_id, primary_key=True)
    household_id: str = Field(foreign_key="household.id", index=True)
    dimension: str  # health | living | education | income | access
    description: str = ""


class HouseholdPlan(SQLModel, table=True):
    """One revision of a household's development plan (แผนพัฒนาครัวเรือน), made with the 4ท tool."""

    __tablename__ = "household_plan"
    id: str = Field(default_factory=new_id, primary_key=True)
    household_id: str = Field(foreign_key="household.id", index=True)
    revision: int
    made_on: date
    participants: str = ""  # who sat together to make it
    decision: str = ""  # the household's own decision (ทางออก), in their words
    made_by: str = ""
    created_at: datetime


class PlanPart(SQLModel, table=True):
    """What was found in one of the four T's of a plan revision."""

    __tablename__ = "plan_part"
    id: str = Field(default_factory=new_id, primary_key=True)
    plan_id: str = Field(foreign_key="household_plan.id", index=True)
    part: str  # attitude | skills | resources | way_out
    findings: str = ""


class PlanAction(SQLModel, table=True):
    __tablename__ = "plan_action"
    id: str = Field(default_factory=new_id, primary_key=True)
    plan_id: str = Field(foreign_key="household_plan.id", index=True)
    part: str
    what: str
    helper: str = ""  # who helps: a person or an agency
    due_on: date | None = None
    resources: str = ""
    budget_satang: int = 0
    status: str = "planned"  # planned | in_progress | done | dropped
    carried_from_id: str | None = Field(default=None, foreign_key="plan_action.id")


class ActionNote(SQLModel, table=True):
    """A progress note on a plan action."""

    __tablename__ = "action_note"
    id: str = Field(default_factory=new_id, primary_key=True)
    action_id: str = Field(foreign_key="plan_action.id", index=True)
    noted_on: date
    status: str
    note: str = ""
    officer: str = ""


class Visit(SQLModel, table=True):
    """A site visit (ลงพื้นที่)."""

    id: str = Field(default_factory=new_id, primary_key=True)
    visited_on: date = Field(index=True)
    visited_at: str = ""  # time of day, "HH:MM"
    village_id: str = Field(foreign_key="village.id", index=True)
    place: str = ""
    people_met: str = ""
    purposes: str = "[]"  # JSON list of purpose codes (see fieldtool.visits.PURPOSES)
    findings: str = ""
    next_steps: str = ""
    next_visit_on: date | None = Field(default=None, index=True)
    latitude: float | None = None
    longitude: float | None = None
    officer: str = ""
    device_id: str = ""


class Meeting(SQLModel, table=True):
    """A group guarantee meeting, an exchange meeting, a repayment follow-up meeting, ..."""

    id: str = Field(default_factory=new_id, primary_key=True)
    kind: str  # guarantee | exchange | repayment | other
    held_on: date = Field(index=True)
    held_at: str = ""
    village_id: str | None = Field(default=None, foreign_key="village.id")
    place: str = ""
    attendees: str = ""
    outcomes: str = ""
    officer: str = ""


class EvidenceLink(SQLModel, table=True):
    """What a visit or meeting was about: loans, groups, households, payments taken, work items."""

    __tablename__ = "evidence_link"
    id: str = Field(default_factory=new_id, primary_key=True)
    source_kind: str  # visit | meeting
    source_id: str = Field(index=True)
    target_kind: str  # loan | group | household | payment
    target_id: str = Field(index=True)


class Photo(SQLModel, table=True):
    """A photo kept with a visit: the file lies beside the database, named and checked by its hash."""

    id: str = Field(default_factory=new_id, primary_key=True)
    visit_id: str = Field(foreign_key="visit.id", index=True)
    sha256: str
    file_name: str
    width: int
    height: int
    original_name: str = ""
    taken_at: str = ""


class WorkItem(SQLModel, table=True):
    """A follow (ต) or ask (ท) work item done for a loan, with the visit or meeting as its evidence."""

    __tablename__ = "work_item"
    id: str = Field(default_factory=new_id, primary_key=True)
    loan_id: str = Field(foreign_key="loan.id", index=True)
    stage: str  # follow | ask
    item: str
    done_on: date
    evidence_kind: str = ""
    evidence_id: str | None = None
    note: str = ""


class Verification(SQLModel, table=True):
    """Facts of a record checked on site: the district can tell field-checked from desk-entered data."""

    id: str = Field(default_factory=new_id, primary_key=True)
    table_name: str
    record_id: str = Field(index=True)
    fields: str = "[]"  # JSON list of the fields checked or changed
    verified_on: date
    officer: str = ""
    visit_id: str | None = Field(default=None, foreign_key="visit.id")


# --- sync: keys, bundles, conflicts (see fieldtool.sync and exports.bundle) ---------------------------------


class SyncKey(SQLModel, table=True):
    """A public key this installation trusts: an officer's laptop (at the office) or the office (in the field)."""

    __tablename__ = "sync_key"
    key_id: str = Field(primary_key=True)  # first 32 hex digits of sha256 of the signing key
    role: str  # officer | office
    device_id: str = Field(index=True)
    officer: str = ""  # the officer's name, or the office's
    area_code: str = ""  # subdistrict code (officer) or district code (office)
    sign_public: str  # Ed25519, base64
    box_public: str  # X25519, base64: bundles for this key are encrypted to it
    enrolled_at: datetime
    # revoked (a laptop lost, an officer gone): no bundle of this key is taken from then on, none is made for
    # it; what was merged stays (fieldtool.handover)
    revoked_at: datetime | None = None
    revoked_by: str = ""
    revoked_upto: int | None = None  # the highest change of its device held here when it was revoked
    revoked_reason: str = ""


class SyncBundle(SQLModel, table=True):
    """A bundle written or imported here: the per-device sequence, the change range, what it brought."""

    __tablename__ = "sync_bundle"
    __table_args__ = (Index("ux_sync_bundle_file", "direction", "sha256", unique=True),)
    id: str = Field(default_factory=new_id, primary_key=True)
    direction: str  # out | in
    kind: str  # field (laptop to office) | return (office to laptop)
    sha256: str  # of the whole file
    source_device: str = Field(index=True)
    target_device: str = ""
    bundle_seq: int  # numbered per source device (field) or per target device (return)
    officer: str = ""
    area_code: str = ""  # the subdistrict code the bundle is about
    full: bool = False
    seq_from: int = 0  # range of the source device's change-log sequence it carries
    seq_to: int = 0
    entries: int = 0
    entries_new: int = 0
    marks: str = "{}"  # JSON: high-water marks of entries sent back (return) or acknowledged (field)
    schema_version: str = ""
    created_at: datetime
    processed_at: datetime
    file_name: str = ""


class SyncConflict(SQLModel, table=True):
    """One field of one record changed on two devices that had not seen each other's value."""

    __tablename__ = "sync_conflict"
    id: str = Field(primary_key=True)  # made from the two changes, so every merge order names it alike
    table_name: str
    record_id: str = Field(index=True)
    field: str
    chosen_value: str  # JSON
    chosen_device: str
    chosen_seq: int
    chosen_at: datetime
    chosen_officer: str = ""
    other_value: str  # JSON
    other_device: str
    other_seq: int
    other_at: datetime
    other_officer: str = ""
    status: str = "open"  # open | kept | took_other
    resolved_at: datetime | None = None
    resolved_by: str = ""
    resolution_seq: int | None = None  # the office's change that carries the decision back to the field


class SyncPending(SQLModel, table=True):
    """A received record that cannot be written yet: what it hangs on has not arrived."""

    __tablename__ = "sync_pending"
    id: str = Field(primary_key=True)  # "<table>:<record id>"
    table_name: str
    record_id: str = Field(index=True)
    reason: str = ""


# --- handing a subdistrict over (see fieldtool.handover) --------------------------------------------------


class Handover(SQLModel, table=True):
    """A subdistrict handed to an officer's laptop from what the office holds (ส่งมอบงาน): who to whom, when,
    and the book as it stood that day. Written at the office, it travels to the laptop in the seed."""

    id: str = Field(default_factory=new_id, primary_key=True)
    subdistrict_id: str = Field(foreign_key="subdistrict.id", index=True)
    subdistrict_code: str
    handed_on: date
    handed_at: datetime
    by_officer: str = ""  # who at the office handed it over
    from_officers: str = ""  # the officers whose laptops held it before, "; " between names
    from_devices: str = "[]"  # JSON list of their device ids
    to_officer: str = ""
    to_device: str
    to_key_id: str
    households: int = 0
    loans: int = 0
    open_loans: int = 0  # paid out and not yet repaid
    overdue_loans: int = 0
    outstanding_satang: int = 0  # all still owed on the open loans (principal and interest)
    outstanding_principal_satang: int = 0
    arrears_satang: int = 0  # of it, overdue on the day
