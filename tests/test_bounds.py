"""Every bound of fieldtool.limits at its edge: the last value inside is taken, the first outside is refused in
one sentence with nothing written – on the command line, in the services the app calls, and in an import.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from fieldtool import funds, lending, places, plans, repayments
from fieldtool.plans import ActionInput, PlanInput
from fieldtool.thai import InputError
from fieldtool.vocabulary import RowAction
from tests.test_import_books import HOUSEHOLD_ROWS, LOAN_ROWS, plan_file, register
from ui.cli import main


def table_dump(path: Path) -> list[str]:
    """Every row of every table, as SQL: what "nothing written" means, to the last character."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def cli(book, capsys, *args) -> tuple[int, str, str]:
    args = [a.replace("GROUP", book.group_id).replace("HOUSEHOLD", book.household_id) for a in args]
    code = main(["--db", str(book.db.path), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def taken(book, capsys, *args) -> str:
    code, out, err = cli(book, capsys, *args)
    assert code == 0, err
    return out


def refused(book, capsys, *args) -> str:
    """The one sentence a refused command prints; the tables are as they were."""
    before = table_dump(book.db.path)
    code, _, err = cli(book, capsys, *args)
    assert code == 2, err
    assert err.startswith("ข้อผิดพลาด: ") and len(err.strip().splitlines()) == 1, err
    assert table_dump(book.db.path) == before
    return err


def refused_by_service(db, do) -> InputError:
    """`do(session)` refused with one sentence, its transaction leaving every table as it was."""
    before = table_dump(db.path)
    with pytest.raises(InputError) as refusal, db.session() as s:
        do(s)
    assert table_dump(db.path) == before
    assert "\n" not in str(refusal.value) and refusal.value.text is not None
    return refusal.value


def new_loan(*terms: str) -> list[str]:
    """`loan add` for the group of 10,000 baht, applied for on 1 Nov 2025, first due 31 Jan 2026, unless the
    terms say otherwise (a later option wins)."""
    return ["loan", "add", "--fund", "กข.คจ.", "--group", "GROUP", "--principal", "10,000",
            "--applied", "2025-11-01", "--first-due", "2026-01-31", *terms]


# --- amounts -----------------------------------------------------------------------------------------------


def test_a_loan_of_ten_million_baht_is_taken_and_one_satang_more_is_refused(book, capsys):
    loan_id = taken(book, capsys, *new_loan("--principal", "10,000,000.00")).strip()
    assert len(loan_id) == 36
    err = refused(book, capsys, *new_loan("--principal", "10,000,000.01"))
    assert "เงินต้นต้องไม่เกิน 10,000,000.00 บาท" in err and "cannot be more than 10,000,000.00 baht" in err


def test_a_principal_of_more_digits_than_the_database_holds_is_one_sentence_not_a_traceback(book, capsys):
    err = refused(book, capsys, *new_loan("--principal", "99999999999999999999999"))
    assert "the principal cannot be more than 10,000,000.00 baht" in err


def test_a_plans_budget_has_the_same_bound_as_a_loan(book):
    def plan(satang):
        return PlanInput(made_on=date(2026, 3, 1),
                         actions=[ActionInput("skills", "ซื้อกี่ทอผ้า", budget_satang=satang)])

    with book.db.session() as s:
        plans.save_plan(s, book.household_id, plan(1_000_000_000))
    refusal = refused_by_service(book.db, lambda s: plans.save_plan(s, book.household_id, plan(1_000_000_001)))
    assert refusal.text.en == "the budget cannot be more than 10,000,000.00 baht: 10,000,000.01"


# --- payments beyond what is owed ----------------------------------------------------------------------------


def test_a_payment_of_all_that_is_owed_closes_the_loan_and_one_satang_more_is_refused(book, capsys):
    loan = book.loan()  # 10,000 baht in three instalments
    err = refused(book, capsys, "pay", loan, "--amount", "10,000.01", "--on", "2026-01-15")
    assert "more than the 10,000.00 baht still owed" in err and "เกินยอดที่ยังค้าง 10,000.00 บาท" in err
    paid = json.loads(taken(book, capsys, "--json", "pay", loan, "--amount", "10,000.00", "--on", "2026-01-15"))
    assert (paid["outstanding"], paid["credit"], paid["stage"]) == ("0.00", "0.00", "closed")
    assert "more than the 0.00 baht still owed" in refused(book, capsys, "pay", loan, "--amount", "0.01")


def test_more_than_is_owed_is_taken_only_as_a_credit_and_the_loan_shows_it(book, capsys):
    loan = book.loan()
    taken(book, capsys, "pay", loan, "--amount", "10,500", "--on", "2026-01-15", "--credit")
    shown = json.loads(taken(book, capsys, "--json", "loan", "show", loan, "--on", "2026-02-01"))
    assert (shown["outstanding"], shown["paid"], shown["credit"], shown["stage"]) == ("0.00", "10500.00", "500.00", "closed")
    assert "ชำระเกิน (เงินชำระล่วงหน้า) 500.00 บาท" in taken(book, capsys, "loan", "show", loan, "--on", "2026-02-01")
    # the credit is a payment like any other: reversed, the loan owes it all again
    taken(book, capsys, "reverse", shown["payments"][0]["id"], "--on", "2026-01-20")
    again = json.loads(taken(book, capsys, "--json", "loan", "show", loan, "--on", "2026-02-01"))
    assert (again["outstanding"], again["credit"]) == ("10000.00", "0.00")


def test_a_credit_still_has_the_absolute_bound(book, capsys):
    loan = book.loan()
    taken(book, capsys, "pay", loan, "--amount", "10,000,000.00", "--on", "2026-01-15", "--credit")
    err = refused(book, capsys, "pay", loan, "--amount", "10,000,000.01", "--on", "2026-01-16", "--credit")
    assert "the amount paid cannot be more than 10,000,000.00 baht" in err


def test_a_payment_typed_in_late_counts_what_was_recorded_for_later_days(book, capsys):
    loan = book.loan()
    taken(book, capsys, "pay", loan, "--amount", "6,000", "--on", "2026-02-20")
    refused(book, capsys, "pay", loan, "--amount", "4,000.01", "--on", "2026-01-10")
    taken(book, capsys, "pay", loan, "--amount", "4,000", "--on", "2026-01-10")


def test_a_credit_typed_in_late_for_a_day_before_a_restructuring_is_still_shown(book):
    loan = book.loan()  # three instalments from 31 Jan 2026
    with book.db.session() as s:
        lending.restructure(s, loan, date(2026, 4, 1), 4, date(2026, 5, 31))
        repayments.record_payment(s, loan, 1_000_100, date(2026, 3, 15), credit=True)
    state = book.state(loan, date(2026, 6, 1))
    assert state.credit_satang == 100


def test_money_collected_on_a_visit_is_held_to_what_is_owed(book, capsys):
    loan = book.loan()
    err = refused(book, capsys, "visit", "add", "--village", "3", "--on", "2026-01-15",
                  "--collect", f"{loan}:10,000.01")
    assert "still owed" in err
    taken(book, capsys, "visit", "add", "--village", "3", "--on", "2026-01-15", "--collect", f"{loan}:10,000")


# --- instalments and rates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", ["1", "360"])
def test_one_to_360_instalments_are_taken(book, capsys, count):
    loan = taken(book, capsys, *new_loan("--instalments", count)).strip()
    shown = json.loads(taken(book, capsys, "--json", "loan", "show", loan, "--on", "2026-01-01"))
    assert len(shown["schedule"]) == int(count)


@pytest.mark.parametrize("count", ["0", "361", "100000"])
def test_instalments_outside_1_to_360_are_refused_not_replaced_by_the_funds_default(book, capsys, count):
    err = refused(book, capsys, *new_loan("--instalments", count))
    assert f"the number of instalments must be from 1 to 360: {count}" in err


@pytest.mark.parametrize("rate, accepted", [("0", True), ("100", True), ("100.01", False), ("99999999999999", False)])
def test_interest_from_0_to_100_per_cent_a_year(book, capsys, rate, accepted):
    args = new_loan("--rate", rate)
    if accepted:
        taken(book, capsys, *args)
    else:
        assert "the interest rate must be between 0 and 100 per cent a year" in refused(book, capsys, *args)


def test_restructuring_has_the_same_bound_on_instalments(book, capsys):
    loan = book.loan()
    args = ["loan", "restructure", loan, "--on", "2026-03-01", "--first-due", "2026-04-30"]
    assert "from 1 to 360: 361" in refused(book, capsys, *args, "--instalments", "361")
    taken(book, capsys, *args, "--instalments", "360")


def test_a_funds_ask_ladder_and_demand_letters_stay_within_ten_years(book):
    with book.db.session() as s:
        funds.edit_fund(s, "กข.คจ.", ask_ladder=[(1, "visit"), (3650, "meeting")], demand_days=(1, 30, 3650))
    refused_by_service(book.db, lambda s: funds.edit_fund(s, "กข.คจ.", ask_ladder=[(1, "visit"), (3651, "meeting")]))
    refused_by_service(book.db, lambda s: funds.edit_fund(s, "กข.คจ.", demand_days=(1, 30, 3651)))


# --- days ---------------------------------------------------------------------------------------------------


def test_days_from_1_january_2500_to_31_december_2600_are_taken(book, capsys):
    taken(book, capsys, *new_loan("--applied", "1/1/2500", "--first-due", "1/2/2500"))
    taken(book, capsys, *new_loan("--applied", "1/1/2600", "--first-due", "31/12/2600", "--instalments", "360"))


@pytest.mark.parametrize("applied, first_due", [("31/12/2499", "1/2/2500"), ("1/1/2600", "1/1/2601")])
def test_a_day_outside_the_years_2500_to_2600_is_refused(book, capsys, applied, first_due):
    err = refused(book, capsys, *new_loan("--applied", applied, "--first-due", first_due))
    assert "อยู่นอกช่วงปี พ.ศ. 2500–2600" in err and "outside the years 2500–2600 BE (1957–2057)" in err


def test_a_day_outside_the_years_is_refused_by_the_services_too(book):
    loan = book.loan()
    refusal = refused_by_service(book.db, lambda s: repayments.record_payment(s, loan, 100, date(2058, 1, 1)))
    assert refusal.text.en == "the payment date 2058-01-01 is outside the years 2500–2600 BE (1957–2057)"


def test_reading_commands_refuse_a_day_outside_the_years_too(book, capsys):
    assert "outside the years" in refused(book, capsys, "reminders", "--on", "0001-01-01")
    assert "outside the years" in refused(book, capsys, "arrears", "--on", "1/1/2601")


# --- text ---------------------------------------------------------------------------------------------------


def test_a_note_of_2000_characters_is_taken_and_2001_refused(book, capsys):
    loan = book.loan()
    err = refused(book, capsys, "pay", loan, "--amount", "100", "--on", "2026-01-15", "--note", "ก" * 2001)
    assert "the note is longer than 2,000 characters (2,001)" in err
    taken(book, capsys, "pay", loan, "--amount", "100", "--on", "2026-01-15", "--note", "ก" * 2000)


def test_a_name_of_100_characters_is_taken_and_101_refused(book, capsys):
    def add(given: str):
        return ["household", "add", "--village", "3", "--head", f"นาง,{given},ทดสอบ", "--force"]

    assert "the given name is longer than 100 characters (101)" in refused(book, capsys, *add("ก" * 101))
    taken(book, capsys, *add("ก" * 100))


def test_a_house_number_of_300_characters_is_taken_and_301_refused(book, capsys):
    def add(house_no: str, given: str):
        return ["household", "add", "--village", "3", "--head", f"นาย,{given},ทดสอบ", "--house-no", house_no]

    assert "the house number is longer than 300 characters" in refused(book, capsys, *add("1" * 301, "หนึ่ง"))
    taken(book, capsys, *add("1" * 300, "สอง"))


def test_a_visits_findings_of_10000_characters_are_taken_and_10001_refused(book, capsys):
    visit = ["visit", "add", "--village", "3", "--on", "2026-01-15", "--findings"]
    assert "the account of the findings is longer than 10,000 characters" in refused(book, capsys, *visit, "ก" * 10_001)
    taken(book, capsys, *visit, "ก" * 10_000)


def test_a_visits_time_of_day_is_a_real_time(book, capsys):
    visit = ["visit", "add", "--village", "3", "--on", "2026-01-15", "--time"]
    assert "invalid time of day: 24:00" in refused(book, capsys, *visit, "24:00")
    taken(book, capsys, *visit, "23:59")


def test_a_village_and_a_fund_are_named_in_at_most_100_characters(db):
    with db.session() as s:
        places.set_place(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        places.add_village(s, 1, "ก" * 100)
        funds.add_fund(s, "ก" * 100, "kkkj")
    refused_by_service(db, lambda s: places.add_village(s, 2, "ก" * 101))
    refused_by_service(db, lambda s: funds.add_fund(s, "ข" * 101, "kkkj"))


# --- an import ----------------------------------------------------------------------------------------------


@pytest.fixture
def import_office(db):
    with db.session() as s:
        places.set_place(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        places.add_village(s, 3, "บ้านหนองบัว")
        funds.add_fund(s, "กข.คจ.", "kkkj")
    return db


def test_an_imported_loan_row_meets_the_same_bounds(import_office, tmp_path):
    path = register(tmp_path / "bounds.xlsx", households=[HOUSEHOLD_ROWS[0]], loans=[
        {**LOAN_ROWS[0], "agreement_no": "A", "principal": 10_000_000},
        {**LOAN_ROWS[0], "agreement_no": "B", "principal": "10,000,000.01"},
        {**LOAN_ROWS[0], "agreement_no": "C", "paid_to_date": 12_000, "paid_as_of": "15/05/2569"},
        {**LOAN_ROWS[0], "agreement_no": "D", "paid_to_date": "12,000.01", "paid_as_of": "15/05/2569"},
        {**LOAN_ROWS[0], "agreement_no": "E", "disbursed_on": "31/12/2499"},
        {**LOAN_ROWS[0], "agreement_no": "F", "purpose": "ก" * 301},
    ], payments=[
        {"agreement_no": "A", "paid_on": "15/01/2569", "amount": 10_000_000},
        {"agreement_no": "A", "paid_on": "15/01/2569", "amount": "10,000,000.01"},
    ])
    before = table_dump(import_office.path)
    plan = plan_file(import_office, path)
    assert table_dump(import_office.path) == before
    loans = {r.data["agreement_no"] if r.data else r.row: r for s in plan.sheets if s.kind == "loans" for r in s.rows}
    assert [loans[n].action for n in "AC"] == [RowAction.CREATE, RowAction.CREATE]
    refusals = {r.row: r.text.en for s in plan.sheets if s.kind == "loans" for r in s.rows if r.action == RowAction.REFUSED}
    assert sorted(refusals.values()) == sorted([
        "the principal cannot be more than 10,000,000.00 baht: 10,000,000.01",
        "paid to date 12,000.01 baht is more than the 12,000.00 baht the loan asks in all",
        "the date 31/12/2499 cannot be right (year 1956)",
        "the purpose is longer than 300 characters (301)",
    ])
    payments = [r for s in plan.sheets if s.kind == "payments" for r in s.rows]
    assert [r.action for r in payments] == [RowAction.CREATE, RowAction.REFUSED]
    assert payments[1].text.en == "the amount paid cannot be more than 10,000,000.00 baht: 10,000,000.01"


# --- the app's payment dialog -------------------------------------------------------------------------------


def test_the_payment_dialog_shows_the_loan_books_sentence_and_takes_a_credit_when_ticked(book, qtbot):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.loans.dialogs import PaymentDialog

    loan = book.loan()
    dialog = PaymentDialog(book.db, loan, date(2026, 1, 15))
    qtbot.addWidget(dialog)
    dialog.amount.setText("10,000.01")
    before = table_dump(book.db.path)
    dialog.accept()
    assert dialog.error.text() == ("ยอดชำระ 10,000.01 บาท เกินยอดที่ยังค้าง 10,000.00 บาท "
                                   "ถ้าตั้งใจรับส่วนเกินไว้ ให้บันทึกเป็นเงินชำระเกิน")
    assert dialog.payment_id is None and table_dump(book.db.path) == before
    dialog.credit.setChecked(True)
    dialog.accept()
    assert dialog.payment_id is not None
    assert book.state(loan, date(2026, 1, 15)).credit_satang == 1
