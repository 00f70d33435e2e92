"""Writing what an import plan says, through the same services the program uses for one record at a time.

Households go through `households.add_household`, groups through `groups.add_group`, loans through
`loanbook.add_loan` (applied for and approved on the day the money was received) and `loanbook.disburse`
with the reason that they come from the old book (the prevent checklist is history for a loan already
running), payments through `loanbook.record_payment` with their receipt numbers. Rows the plan refused are
left out. Everything happens in the caller's session: the caller commits, or nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldtool import groups as groupbook
from fieldtool import households, loanbook
from fieldtool.bookimport.headers import remember_mapping
from fieldtool.bookimport.plan import CREATE, FILE_SETTING, KIND_ORDER, MATCH, REFUSED, ImportPlan
from fieldtool.bookimport.values import key_of
from fieldtool.models import Fund, Loan, Setting
from fieldtool.registry import set_setting
from fieldtool.text import Text
from fieldtool.thai import InputError, format_date

IMPORT_REASON = "นำเข้าจากทะเบียนเดิม"


@dataclass
class ImportResult:
    file_name: str
    sha256: str
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KIND_ORDER, 0))
    matched: int = 0
    refused: int = 0  # rows left out
    on: date | None = None

    def to_json(self) -> dict:
        return {"file": self.file_name, "sha256": self.sha256, "created": self.created, "matched": self.matched,
                "refused": self.refused, "on": self.on.isoformat() if self.on else None}


def apply_import(session: Session, plan: ImportPlan, today: date | None = None) -> ImportResult:
    """Make every row the plan would create; remember the officer's column mappings and the file."""
    today = today or date.today()
    result = ImportResult(plan.file_name, plan.sha256, on=today)
    # Held for the whole import so that lookups by id find them in the session, not in the database.
    keep = [session.get(Setting, "device_id"), *session.scalars(select(Fund))]
    made: dict[str, object] = {}
    _check_still_new(session, plan)
    by_kind = {kind: [s for s in plan.sheets if s.kind == kind] for kind in KIND_ORDER}
    for sheet in by_kind["households"]:
        for row in sheet.rows:
            if row.action == CREATE:
                # the plan has already run the duplicate guard against the book and the file, in bulk
                made[row.ref] = households.add_household(session, row.data["input"], force=True)
                result.created["households"] += 1
    for sheet in by_kind["groups"]:
        for row in sheet.rows:
            if row.action == CREATE:
                made[row.ref] = groupbook.add_group(session, row.data["village_id"], row.data["name"],
                                                    members=row.data["members"])
                result.created["groups"] += 1
    reason = f"{IMPORT_REASON} ({plan.file_name})"
    for sheet in by_kind["loans"]:
        for row in sheet.rows:
            if row.action != CREATE:
                continue
            d = row.data
            if d.get("loan_id"):  # a loan already in the book, with more paid than recorded
                loan = session.get(Loan, d["loan_id"])
            else:
                kind, ref = d["borrower"]
                target = made[ref].id if kind.endswith("-row") else ref
                is_group = kind.startswith("group")
                loan = loanbook.add_loan(
                    session, fund_id=d["fund_id"], principal_satang=d["principal"], instalments=d["instalments"],
                    first_due=d["first_due"], applied_on=d["disbursed_on"], approved_on=d["disbursed_on"],
                    group_id=target if is_group else None, household_id=None if is_group else target,
                    purpose=d["purpose"], rate_bp=d["rate_bp"], frequency=d["frequency"], agreement_no=d["agreement_no"],
                )
                loanbook.disburse(session, loan.id, d["disbursed_on"], reason=f"{reason}, ชีต {sheet.name} แถว {row.row}")
                result.created["loans"] += 1
            made[row.ref] = loan
            keep.append(loan)
            if d.get("paid"):
                amount, as_of = d["paid"]
                loanbook.record_payment(
                    session, loan.id, amount, as_of,
                    note=f"ยอดชำระแล้วรวมตามทะเบียนเดิม ณ วันที่ {format_date(as_of)} "
                         f"(paid-to-date figure of the old book, {plan.file_name})",
                )
                result.created["payments"] += 1
    for sheet in by_kind["payments"]:
        for row in sheet.rows:
            if row.action != CREATE:
                continue
            d = row.data
            kind, ref = d["loan"]
            loan_id = made[ref].id if kind == "loan-row" else ref
            loanbook.record_payment(session, loan_id, d["amount"], d["paid_on"],
                                    note=f"{IMPORT_REASON} ({plan.file_name})", receipt_no=d["receipt_no"])
            result.created["payments"] += 1
    result.matched = sum(1 for r in plan.rows if r.action == MATCH)
    result.refused = sum(1 for r in plan.rows if r.action == REFUSED)
    for sheet in plan.sheets:
        if sheet.given:
            remember_mapping(session, sheet.signature, sheet.given)
    if plan.sha256 and (any(result.created.values()) or plan.imported_before is None):
        # a file imported again that brought nothing new keeps the record of the import that did
        set_setting(session, FILE_SETTING + plan.sha256, json.dumps(
            {"on": today.isoformat(), "file": plan.file_name, "created": result.created,
             "matched": result.matched, "refused": result.refused}, ensure_ascii=False))
    session.flush()
    del keep
    return result


def _check_still_new(session: Session, plan: ImportPlan) -> None:
    """A plan shown a while ago may have gone stale: a loan it would make may have been entered since."""
    numbers = {key_of(r.data["agreement_no"]): r.data["agreement_no"] for r in plan.rows
               if r.action == CREATE and r.data and "fund_id" in (r.data or {})}
    if not numbers:
        return
    taken = {key_of(n) for (n,) in session.execute(select(Loan.agreement_no).where(Loan.agreement_no != ""))}
    clash = [numbers[k] for k in numbers if k in taken]
    if clash:
        raise InputError(Text(
            f"มีสัญญาเลขที่ {clash[0]} ในเครื่องแล้วตั้งแต่ตรวจไฟล์ ให้ตรวจไฟล์ใหม่อีกครั้ง",
            f"loan {clash[0]} was entered since the file was checked; check the file again",
        ))
