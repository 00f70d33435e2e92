"""The records an accepted register row becomes, made by the builders the services use for one record at a time.

The dry run makes each row's records here, so that whatever a builder refuses is refused in the preview with
its sheet, row and sentence; the import writes what the preview accepted and has nothing left to refuse.
Households and groups are made again by the import, with the same arguments (cheap, and a later loan row may
still give a new household its national ID). Loans and payments, the bulk of a register, are made once: the
plan keeps them, and the import puts in what only it knows – the borrower's and the loan's ids, who records,
from when the program follows the loan – and the time they are written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fieldtool import groups as groupbook
from fieldtool import households, lending, loanbook, repayments
from fieldtool.models import Fund
from fieldtool.text import Text
from fieldtool.thai import format_date

IMPORT_REASON = "นำเข้าจากทะเบียนเดิม"
_SOMEONE = "\x1fborrower"  # the borrower's id while only the import can know it
# A new record's columns, as the services' row builders make them and `changelog.bulk_insert` writes them.
Row = dict[str, Any]


def household_rows(data: households.HouseholdInput) -> households.HouseholdRows:
    return households.new_household_rows(data)


def group_rows(village_id: str, name: str, members: list[tuple[str, str]]) -> groupbook.GroupRows:
    """A group of people already settled: (role, person id) – the plan resolved every name."""
    return groupbook.new_group_rows(village_id, name, groupbook.People(),
                                    members=[(role, groupbook.PersonSpec("", person_id=pid)) for role, pid in members])


def loan_rows(fund: Fund, d: Row, file_name: str, sheet: str, row: int, *, group: bool) -> lending.LoanRows:
    """A loan row's loan, paid out on its day of receipt (`d` is the plan's data of the row), its borrower
    (a group or a household) to be given by `place_loan`."""
    return lending.new_disbursed_loan_rows(
        fund, on=d["disbursed_on"], reason=f"{IMPORT_REASON} ({file_name}), ชีต {sheet} แถว {row}",
        principal_satang=d["principal"], instalments=d["instalments"], first_due=d["first_due"],
        applied_on=d["disbursed_on"], approved_on=d["disbursed_on"],
        group_id=_SOMEONE if group else None, household_id=None if group else _SOMEONE,
        purpose=d["purpose"], rate_bp=d["rate_bp"], frequency=d["frequency"], agreement_no=d["agreement_no"],
    )


def place_loan(made: lending.LoanRows, borrower_id: str, followed_from: date) -> lending.LoanRows:
    """The planned loan, as the import writes it: its borrower, and the day the program began following it
    (the old book followed it until then: notices whose time passed before are not "missed")."""
    key = "group_id" if made.loan["group_id"] is not None else "household_id"
    made.loan[key] = borrower_id
    made.loan["followed_from"] = followed_from
    made.schedule["created_at"] = loanbook.now_utc()
    return made


def paid_to_date_row(disbursed_on: date | None, paid: tuple[int, date], file_name: str) -> Row:
    """The payment a loan row's paid-to-date figure stands for (its loan and recorder given by `place_payment`)."""
    amount, as_of = paid
    return repayments.payment_row(
        "", disbursed_on, amount, as_of, recorded_by="", device_id="",
        # the note is stored as one text, in both languages
        note=str(Text(f"ยอดชำระแล้วรวมตามทะเบียนเดิม ณ วันที่ {format_date(as_of)}",
                      f"paid-to-date figure of the old book, {file_name}")),
    )


def payment_row(disbursed_on: date | None, d: Row, file_name: str) -> Row:
    """A payments-sheet row's payment (`d` is the plan's data of the row)."""
    return repayments.payment_row("", disbursed_on, d["amount"], d["paid_on"], recorded_by="", device_id="",
                                note=f"{IMPORT_REASON} ({file_name})", receipt_no=d["receipt_no"])


def place_payment(planned: Row, loan_id: str, recorded_by: str, device_id: str) -> Row:
    """A planned payment as the import writes it: on its loan, recorded now by this laptop's officer."""
    return {**planned, "loan_id": loan_id, "recorded_by": recorded_by, "device_id": device_id,
            "recorded_at": loanbook.now_utc()}
