"""A fund's maximum loan (วงเงินกู้สูงสุดต่อสัญญา): set on the fund, optional, within the absolute limit; a new loan
above it is refused naming the fund and its limit – by the services, the command line and an import's plan –
and loans made before it was set or lowered stay as they are."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from db import open_database
from fieldtool import funds, lending, loanbook, places, repayments
from fieldtool.bookimport import apply_import
from fieldtool.models import ChangeLog, Fund, Loan
from fieldtool.vocabulary import RowAction
from tests.test_bounds import new_loan, refused, refused_by_service, taken
from tests.test_import_books import HOUSEHOLD_ROWS, LOAN_ROWS, plan_file, register
from tests.test_migrations import make_old_database

KKKJ_REFUSAL_TH = "เงินต้น 50,000.01 บาท เกินวงเงินกู้สูงสุดต่อสัญญาของกข.คจ. 50,000.00 บาท"
KKKJ_REFUSAL_EN = "the principal of 50,000.01 baht is more than กข.คจ.'s maximum loan of 50,000.00 baht"


def set_max(db, fund: str, satang: int | None) -> None:
    with db.session() as s:
        funds.edit_fund(s, fund, max_loan_satang=satang)


def add_loan(s, book, satang: int, fund: str | None = None) -> Loan:
    return lending.add_loan(s, fund_id=fund or book.kkkj_fund, group_id=book.group_id, principal_satang=satang,
                             instalments=3, first_due=date(2026, 1, 31), applied_on=date(2025, 11, 1))


# --- the domain ------------------------------------------------------------------------------------------------


def test_a_loan_of_the_funds_maximum_is_made_and_one_satang_more_is_refused_naming_the_fund_and_its_limit(book):
    set_max(book.db, book.kkkj_fund, 5_000_000)
    with book.db.session() as s:
        assert add_loan(s, book, 5_000_000).principal_satang == 5_000_000
    refusal = refused_by_service(book.db, lambda s: add_loan(s, book, 5_000_001))
    assert (refusal.text.th, refusal.text.en) == (KKKJ_REFUSAL_TH, KKKJ_REFUSAL_EN)


def test_another_fund_without_a_maximum_still_lends_up_to_the_absolute_limit(book):
    set_max(book.db, book.kkkj_fund, 5_000_000)
    with book.db.session() as s:
        assert add_loan(s, book, 1_000_000_000, fund=book.women_fund).principal_satang == 1_000_000_000
    refusal = refused_by_service(book.db, lambda s: add_loan(s, book, 1_000_000_001, fund=book.women_fund))
    assert refusal.text.en == "the principal cannot be more than 10,000,000.00 baht: 10,000,000.01"


def test_a_maximum_must_be_more_than_zero_and_at_most_the_absolute_limit(book):
    with book.db.session() as s:
        assert funds.add_fund(s, "กองทุนสวัสดิการ", "other", max_loan_satang=1).max_loan_satang == 1
        assert funds.edit_fund(s, "กข.คจ.", max_loan_satang=1_000_000_000).max_loan_satang == 1_000_000_000
    for most in (0, -100):
        refusal = refused_by_service(book.db, lambda s, most=most: funds.add_fund(s, "กองทุนใหม่", "other",
                                                                                   max_loan_satang=most))
        assert refusal.text.th.startswith("วงเงินกู้สูงสุดต่อสัญญาต้องมากกว่าศูนย์")
    refusal = refused_by_service(book.db, lambda s: funds.edit_fund(s, "กข.คจ.", max_loan_satang=1_000_000_001))
    assert refusal.text.en == "the maximum loan cannot be more than 10,000,000.00 baht: 10,000,000.01"


def test_a_maximum_is_read_as_officers_type_it_and_none_means_only_the_absolute_limit():
    assert funds.parse_max_loan("๕๐,๐๐๐") == 5_000_000
    assert funds.parse_max_loan("50,000.50 บาท") == 5_000_050
    assert [funds.parse_max_loan(t) for t in ("", " ", "none", "ไม่จำกัด", "ไม่กำหนด")] == [None] * 5
    with pytest.raises(Exception, match="มากกว่าศูนย์"):
        funds.parse_max_loan("0")


def test_lowering_the_maximum_leaves_loans_already_made_as_they_are_and_only_new_loans_meet_it(book):
    old = book.loan(principal_baht=80_000, instalments=4)  # paid out 1 Dec 2025, 20,000 a month from 31 Jan 2026
    with book.db.session() as s:
        before = loanbook.load_states(s, date(2026, 2, 1), [old])[old]
    set_max(book.db, book.kkkj_fund, 5_000_000)
    with book.db.session() as s:
        loan = s.get(Loan, old)
        after = loanbook.load_states(s, date(2026, 2, 1), [old])[old]
        assert loan.principal_satang == 8_000_000
        assert [i.amount_satang for i in after.instalments] == [i.amount_satang for i in before.instalments]
        assert after.outstanding_satang == before.outstanding_satang == 8_000_000
        repayments.record_payment(s, old, 2_000_000, date(2026, 1, 31))
        # bringing the debt back into the system lends nothing new: not held to the lower maximum
        lending.restructure(s, old, date(2026, 3, 15), 6, date(2026, 4, 30), reason="ผ่อนผัน")
        assert loanbook.load_states(s, date(2026, 3, 15), [old])[old].outstanding_principal == 6_000_000
    refusal = refused_by_service(book.db, lambda s: add_loan(s, book, 8_000_000))
    assert "50,000.00" in refusal.text.th and "กข.คจ." in refusal.text.th


def test_taking_the_maximum_away_lends_up_to_the_absolute_limit_again(book):
    set_max(book.db, book.kkkj_fund, 5_000_000)
    set_max(book.db, book.kkkj_fund, None)
    with book.db.session() as s:
        assert add_loan(s, book, 8_000_000).principal_satang == 8_000_000


def test_setting_the_maximum_is_a_change_in_the_log_that_the_next_bundle_carries(book):
    set_max(book.db, book.kkkj_fund, 5_000_000)
    with book.db.session() as s:
        entries = s.scalars(select(ChangeLog).where(ChangeLog.table_name == "fund", ChangeLog.record_id == book.kkkj_fund,
                                                    ChangeLog.action == "update")).all()
    assert [json.loads(e.data)["max_loan_satang"] for e in entries] == [5_000_000]


# --- the command line ------------------------------------------------------------------------------------------


def test_fund_add_and_edit_set_the_maximum_and_fund_list_shows_it(book, capsys):
    made = json.loads(taken(book, capsys, "--json", "fund", "add", "--name", "กองทุนหมู่บ้านโนนกลาง", "--kind",
                            "village", "--max-loan", "๓๐,๐๐๐"))
    assert made["max_loan"] == "30000.00"
    listed = {f["name"]: f for f in json.loads(taken(book, capsys, "--json", "fund", "list"))["items"]}
    assert listed["กองทุนหมู่บ้านโนนกลาง"]["max_loan"] == "30000.00" and listed["กข.คจ."]["max_loan"] is None
    assert "วงเงินกู้สูงสุด 30,000.00 บาท" in taken(book, capsys, "fund", "list")
    edited = json.loads(taken(book, capsys, "--json", "fund", "edit", "กองทุนหมู่บ้านโนนกลาง", "--max-loan", "none"))
    assert edited["max_loan"] is None
    assert "วงเงินกู้สูงสุด ไม่กำหนด" in taken(book, capsys, "fund", "list")


@pytest.mark.parametrize("typed, words", [
    ("0", "the maximum loan must be more than zero"),
    ("10,000,000.01", "the maximum loan cannot be more than 10,000,000.00 baht"),
    ("ห้าหมื่น", "invalid amount"),
])
def test_a_maximum_of_zero_above_the_absolute_limit_or_not_a_number_is_refused_with_nothing_written(book, capsys,
                                                                                                   typed, words):
    assert words in refused(book, capsys, "fund", "edit", "กข.คจ.", "--max-loan", typed)


def test_loan_add_at_the_funds_maximum_is_taken_and_one_satang_more_refused_with_nothing_written(book, capsys):
    taken(book, capsys, "fund", "edit", "กข.คจ.", "--max-loan", "50,000")
    assert len(taken(book, capsys, *new_loan("--principal", "50,000.00")).strip()) == 36
    err = refused(book, capsys, *new_loan("--principal", "50,000.01"))
    assert err.strip() == f"ข้อผิดพลาด: {KKKJ_REFUSAL_TH} ({KKKJ_REFUSAL_EN})"


# --- an import's plan ------------------------------------------------------------------------------------------


@pytest.fixture
def import_office(db):
    """A laptop ready for a register: its place, หมู่ที่ 3, and a กข.คจ. fund lending at most 12,000 baht a loan."""
    with db.session() as s:
        places.set_place(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        places.add_village(s, 3, "บ้านหนองบัว")
        funds.add_fund(s, "กข.คจ.", "kkkj", max_loan_satang=1_200_000)
    return db


def test_an_imported_loan_above_its_funds_maximum_is_refused_in_the_plan_with_the_same_sentence(import_office,
                                                                                               tmp_path):
    path = register(tmp_path / "limit.xlsx", households=[HOUSEHOLD_ROWS[0]], loans=[
        {**LOAN_ROWS[0], "agreement_no": "A", "principal": "12,000.00"},
        {**LOAN_ROWS[0], "agreement_no": "B", "principal": "12,000.01"},
    ])
    plan = plan_file(import_office, path)
    loans = {r.row: r for s in plan.sheets if s.kind == "loans" for r in s.rows}
    assert [loans[2].action, loans[3].action] == [RowAction.CREATE, RowAction.REFUSED]
    assert loans[3].text.th == "เงินต้น 12,000.01 บาท เกินวงเงินกู้สูงสุดต่อสัญญาของกข.คจ. 12,000.00 บาท"
    assert loans[3].text.en == "the principal of 12,000.01 baht is more than กข.คจ.'s maximum loan of 12,000.00 baht"
    with import_office.session() as s:
        result = apply_import(s, plan, date(2026, 12, 1))
    assert result.created["loans"] == 1 and result.refused == 1


# --- the database ----------------------------------------------------------------------------------------------


def test_a_book_from_before_the_maximum_opens_with_every_fund_lending_as_before(tmp_path):
    path = tmp_path / "old.sqlite"
    make_old_database(path, "0009")
    db = open_database(path)
    try:
        with db.session() as s:
            fund = s.get(Fund, "f1")
            assert fund.max_loan_satang is None
            assert s.get(Loan, "l1").principal_satang == 1_000_000
            funds.edit_fund(s, "f1", max_loan_satang=500_000)  # below the loan it already made
        with db.session() as s:
            assert s.get(Fund, "f1").max_loan_satang == 500_000
            assert s.get(Loan, "l1").principal_satang == 1_000_000
    finally:
        db.dispose()
