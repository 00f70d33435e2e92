"""Writing what an import plan says: the rows the services would write, table by table.

The rows come from the same builders the services use for one record at a time, so the same rules hold:
households from `households.new_household_rows` (those of the households sheet, then those a loan row of a
debtor control register makes for its borrower), groups from `groups.new_group_rows`, loans from
`lending.new_disbursed_loan_rows` (applied for, approved and paid out on the day the money was received,
with the reason that they come from the old book: the prevent checklist is history for a loan already
running), payments from `repayments.payment_row` with their receipt numbers – through `build`, where the plan
made each row's records first (loans and payments it keeps, and they are written as made), so nothing here
refuses a row the preview showed. What needs the book (a village, a fund, a borrower, whom a group's names
name, a national ID or group name not yet registered, the duplicate guard) the plan has settled for the whole
file. Each table is then written in one executemany through
`changelog.bulk_insert`, which logs every row as the change-log hook would: a few seconds for a register
that took minutes one record at a time. Rows the plan refused are left out. Everything happens in the
caller's session: the caller commits, or nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, col

from fieldtool import groups as groupbook
from fieldtool import households, lending, loanbook
from fieldtool.bookimport import build
from fieldtool.bookimport.build import Row
from fieldtool.bookimport.headers import remember_mapping
from fieldtool.bookimport.plan import FILE_SETTING, KIND_ORDER, ImportPlan
from fieldtool.bookimport.values import key_of
from fieldtool.changelog import bulk_insert
from fieldtool.models import (
    BorrowingGroup,
    GroupMember,
    Household,
    HouseholdMember,
    HouseholdNeed,
    Instalment,
    Loan,
    Payment,
    Person,
    PreventCheck,
    Schedule,
)
from fieldtool.names import clean
from fieldtool.progress import Progress, reporter
from fieldtool.registry import set_setting
from fieldtool.text import Text
from fieldtool.thai import InputError, today_in_thailand
from fieldtool.vocabulary import RowAction

Model = type[SQLModel]
TABLE_TH: dict[Model, str] = {Person: "บุคคล", Household: "ครัวเรือน", HouseholdMember: "สมาชิกครัวเรือน", HouseholdNeed: "ความต้องการของครัวเรือน",
            BorrowingGroup: "กลุ่ม", GroupMember: "สมาชิกกลุ่ม", Loan: "สัญญาเงินกู้", Schedule: "ตารางผ่อนชำระ",
            Instalment: "งวดชำระ", PreventCheck: "รายการตรวจก่อนจ่ายเงิน", Payment: "รายการชำระ"}


@dataclass
class ImportResult:
    file_name: str
    sha256: str
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KIND_ORDER, 0))
    matched: int = 0
    refused: int = 0  # rows left out
    on: date | None = None

    def to_json(self) -> dict[str, object]:
        return {"file": self.file_name, "sha256": self.sha256, "created": self.created, "matched": self.matched,
                "refused": self.refused, "on": self.on.isoformat() if self.on else None}


def apply_import(session: Session, plan: ImportPlan, today: date | None = None,
                 progress: Progress | None = None) -> ImportResult:
    """Make every row the plan would create; remember the officer's column mappings and the file.

    `progress`, when given, is told each table as its rows are written, with their count.
    """
    today = today or today_in_thailand()
    result = ImportResult(plan.file_name, plan.sha256, on=today)
    _check_still_new(session, plan)
    rows = _Rows(progress)
    made: dict[str, str] = {}  # plan row → id of the household, group or loan it made
    heads: dict[str, str] = {}  # households-sheet row → the person id of the head it made
    by_kind = {kind: [s for s in plan.sheets if s.kind == kind] for kind in KIND_ORDER}
    for sheet in by_kind["households"]:
        for row in sheet.rows:
            if row.action is RowAction.CREATE:
                # the plan has already run the duplicate guard against the book and the file, in bulk
                household = build.household_rows(row.data["input"])
                made[row.ref] = rows.household(household)
                heads[row.ref] = household.people[0]["id"]
                result.created["households"] += 1
    for sheet in by_kind["loans"]:
        for row in sheet.rows:
            if row.action is RowAction.CREATE and row.data.get("new_household") is not None:
                _, key = row.data["borrower"]  # ("household-row", the key the file's later rows name it by)
                made[key] = rows.household(build.household_rows(row.data["new_household"]))
                result.created["households"] += 1
    for sheet in by_kind["groups"]:
        for row in sheet.rows:
            if row.action is RowAction.CREATE:
                # the plan settled whom each name names: the people it registers, the book's, and the heads
                # this import makes
                rows.tables[Person] += row.data["new_people"]
                members = [(role, heads[ref] if kind == "head" else ref) for role, (kind, ref) in row.data["members"]]
                made[row.ref] = rows.group(build.group_rows(row.data["village_id"], row.data["name"], members))
                result.created["groups"] += 1
    rows.write(session, until=GroupMember)
    officer, device_id = loanbook.officer_of(session), loanbook.device_of(session)
    for sheet in by_kind["loans"]:
        for row in sheet.rows:
            if row.action is not RowAction.CREATE:
                continue
            d = row.data
            if d.get("loan_id"):  # a loan already in the book, with more paid than recorded
                loan_id = d["loan_id"]
            else:
                kind, ref = d["borrower"]
                loan_id = rows.loan(build.place_loan(d["made"], made[ref] if kind.endswith("-row") else ref, today))
                result.created["loans"] += 1
            made[row.ref] = loan_id
            if d.get("paid"):
                rows.tables[Payment].append(build.place_payment(d["paid_made"], loan_id, officer, device_id))
                result.created["payments"] += 1
    rows.write(session, until=PreventCheck)
    for sheet in by_kind["payments"]:
        for row in sheet.rows:
            if row.action is not RowAction.CREATE:
                continue
            d = row.data
            kind, ref = d["loan"]
            loan_id = made[ref] if kind == "loan-row" else ref
            rows.tables[Payment].append(build.place_payment(d["made"], loan_id, officer, device_id))
            result.created["payments"] += 1
    rows.write(session, until=Payment)
    result.matched = sum(1 for r in plan.rows if r.action is RowAction.MATCH)
    result.refused = sum(1 for r in plan.rows if r.action is RowAction.REFUSED)
    for sheet in plan.sheets:
        if sheet.given:
            remember_mapping(session, sheet.signature, sheet.given)
    if plan.sha256 and (any(result.created.values()) or plan.imported_before is None):
        # a file imported again that brought nothing new keeps the record of the import that did
        set_setting(session, FILE_SETTING + plan.sha256, json.dumps(
            {"on": today.isoformat(), "file": plan.file_name, "created": result.created,
             "matched": result.matched, "refused": result.refused}, ensure_ascii=False))
    session.flush()
    return result


class _Rows:
    """The rows to write, by table, in the order the tables are written: parents before the rows that point
    at them. Written as each stage is made (people, loans, payments), so the rows of one stage are let go
    before the next is built."""

    def __init__(self, progress: Progress | None = None):
        self.say = reporter(progress)
        models = (Person, Household, HouseholdMember, HouseholdNeed, BorrowingGroup, GroupMember, Loan, Schedule,
                  Instalment, PreventCheck, Payment)
        self.tables: dict[Model, list[Row]] = {m: [] for m in models}

    def household(self, made: households.HouseholdRows) -> str:
        self.tables[Person] += made.people
        self.tables[Household].append(made.household)
        self.tables[HouseholdMember] += made.members
        self.tables[HouseholdNeed] += made.needs
        return _id(made.household)

    def group(self, made: groupbook.GroupRows) -> str:
        self.tables[Person] += made.people
        self.tables[BorrowingGroup].append(made.group)
        self.tables[GroupMember] += made.members
        return _id(made.group)

    def loan(self, made: lending.LoanRows) -> str:
        self.tables[Loan].append(made.loan)
        self.tables[Schedule].append(made.schedule)
        self.tables[Instalment] += made.instalments
        self.tables[PreventCheck] += made.checks
        return _id(made.loan)

    def write(self, session: Session, until: Model) -> None:
        """Write the tables not written yet, up to `until`, in one executemany each."""
        for model in list(self.tables):
            written = self.tables.pop(model)
            bulk_insert(session, model, written)
            if written:
                th = TABLE_TH[model]
                self.say(f"บันทึก{th} {len(written)} รายการ", f"written {model.__tablename__}: {len(written)}")
            if model is until:
                break


def _id(row: Row) -> str:
    made: str = row["id"]
    return made


def _check_still_new(session: Session, plan: ImportPlan) -> None:
    """A plan shown a while ago may have gone stale: a loan, a person or a group it would make may have been
    entered since. (The rows are written without asking the book again: the plan asked it for them all.)"""
    made = [r for r in plan.rows if r.action is RowAction.CREATE and r.data]
    numbers = {key_of(r.data["agreement_no"]): r.data["agreement_no"] for r in made if "fund_id" in r.data}
    if numbers:
        numbered = session.scalars(select(col(Loan.agreement_no)).where(col(Loan.agreement_no) != ""))
        taken_numbers = {key_of(n) for n in numbered}
        clash = [numbers[k] for k in numbers if k in taken_numbers]
        if clash:
            raise InputError(Text(
                f"มีสัญญาเลขที่ {clash[0]} ในเครื่องแล้วตั้งแต่ตรวจไฟล์ ให้ตรวจไฟล์ใหม่อีกครั้ง",
                f"loan {clash[0]} was entered since the file was checked; check the file again",
            ))
    nids = {r.data["nid"] for r in made if "input" in r.data and r.data["nid"]}
    nids |= {p["national_id"] for r in made for p in r.data.get("new_people", ()) if p["national_id"]}
    nids |= {r.data["new_household"].head.national_id for r in made
             if r.data.get("new_household") is not None and r.data["new_household"].head.national_id}
    if nids:
        taken_nids = set(session.scalars(select(col(Person.national_id)).where(col(Person.national_id).is_not(None))))
        clash = sorted(nids & taken_nids)
        if clash:
            raise InputError(Text(
                f"มีผู้มีเลขประจำตัวประชาชน {clash[0]} ในเครื่องแล้วตั้งแต่ตรวจไฟล์ ให้ตรวจไฟล์ใหม่อีกครั้ง",
                f"national ID {clash[0]} was registered since the file was checked; check the file again",
            ))
    names = {(r.data["village_id"], clean(r.data["name"])): r.data["name"] for r in made if "members" in r.data}
    if names:
        taken_names = {(vid, clean(name)) for vid, name in session.execute(
            select(col(BorrowingGroup.village_id), col(BorrowingGroup.name)))}
        clash = [names[k] for k in names if k in taken_names]
        if clash:
            raise InputError(Text(
                f"มีกลุ่ม {clash[0]} ในเครื่องแล้วตั้งแต่ตรวจไฟล์ ให้ตรวจไฟล์ใหม่อีกครั้ง",
                f"the group {clash[0]} was entered since the file was checked; check the file again",
            ))
