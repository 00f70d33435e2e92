"""ปตท. stages derived from the loan's state, and the prevent checklist before disbursement."""

from datetime import date

import pytest

from fieldtool import lending
from fieldtool.thai import InputError
from fieldtool.vocabulary import PreventItem


def test_stage_follows_the_loan_from_application_to_closing(book):
    loan = book.loan(disbursed=None)
    assert book.state(loan, date(2025, 12, 1)).stage == "prevent"
    with book.db.session() as s:
        for code in PreventItem:
            lending.set_check(s, loan, code, True, date(2025, 11, 20))
        lending.disburse(s, loan, date(2025, 12, 1))
    assert book.state(loan, date(2025, 12, 1)).stage == "follow"
    assert book.state(loan, date(2026, 2, 1)).stage == "ask"
    book.pay(loan, "10000", date(2026, 2, 3))
    assert book.state(loan, date(2026, 2, 3)).stage == "closed"
    with book.db.session() as s:
        timeline = lending.stage_timeline(s, loan, date(2026, 3, 1))
    assert timeline == [
        (date(2025, 11, 1), "prevent"),
        (date(2025, 12, 1), "follow"),
        (date(2026, 2, 1), "ask"),
        (date(2026, 2, 3), "closed"),
    ]


def test_a_loan_cannot_be_disbursed_with_open_prevent_items(book):
    loan = book.loan(disbursed=None)
    with book.db.session() as s:
        lending.set_check(s, loan, "understanding", True, date(2025, 11, 5), "ประชุมชี้แจงที่ศาลากลางบ้าน")
        with pytest.raises(InputError, match="รายการป้องกันยังไม่ครบ"):
            lending.disburse(s, loan, date(2025, 12, 1))
    assert book.state(loan, date(2025, 12, 2)).stage == "prevent"


def test_disbursing_with_open_items_needs_a_recorded_reason(book):
    loan = book.loan(disbursed=None)
    with book.db.session() as s:
        lending.disburse(s, loan, date(2025, 12, 1), "คณะกรรมการอนุมัติเร่งด่วนก่อนฤดูทำนา")
    with book.db.session() as s:
        row = lending.get_loan(s, loan)
        assert row.disbursed_on == date(2025, 12, 1)
        assert row.prevent_override == "คณะกรรมการอนุมัติเร่งด่วนก่อนฤดูทำนา"
        assert len(lending.open_prevent_items(s, loan)) == 6


def test_checklist_items_keep_date_and_note_and_can_be_undone(book):
    loan = book.loan(disbursed=None)
    with book.db.session() as s:
        lending.set_check(s, loan, "feasibility", True, date(2025, 11, 8), "ดูโรงทอผ้าแล้ว")
        row = next(r for r in lending.prevent_checklist(s, loan) if r.item == "feasibility")
        assert (row.done, row.done_on, row.note) == (True, date(2025, 11, 8), "ดูโรงทอผ้าแล้ว")
        lending.set_check(s, loan, "feasibility", False)
        assert "feasibility" in lending.open_prevent_items(s, loan)
        with pytest.raises(InputError):
            lending.set_check(s, loan, "astrology", True, date(2025, 11, 8))
        with pytest.raises(InputError):
            lending.set_check(s, loan, "risk", True, None)


def test_disbursement_dates_must_make_sense(book):
    loan = book.loan(disbursed=None)
    with book.db.session() as s:
        with pytest.raises(InputError):
            lending.disburse(s, loan, date(2025, 10, 1), "x")  # before the application
        with pytest.raises(InputError):
            lending.disburse(s, loan, date(2026, 2, 1), "x")  # after the first due date
        lending.disburse(s, loan, date(2025, 12, 1), "x")
        with pytest.raises(InputError):
            lending.disburse(s, loan, date(2025, 12, 2), "x")


def test_a_loan_needs_exactly_one_borrower(book):
    with book.db.session() as s, pytest.raises(InputError):
        lending.add_loan(
            s, fund_id=book.kkkj_fund, principal_satang=100, instalments=1, first_due=date(2026, 1, 1),
            applied_on=date(2025, 11, 1), group_id=book.group_id, household_id=book.household_id,
        )
