"""Payments applied to the schedule: oldest first, interest before principal, and what follows."""

from datetime import date

import pytest

from fieldtool import lending, repayments
from fieldtool.ledger import aging_bucket
from fieldtool.thai import InputError


def test_payment_goes_to_the_oldest_instalment_first(book):
    loan = book.loan()  # 10,000 baht in 3: 3,333.33 / 3,333.33 / 3,333.34, due 31 Jan, 28 Feb, 31 Mar 2026
    book.pay(loan, "5000", date(2026, 1, 30))
    s = book.state(loan, date(2026, 2, 1))
    first, second, third = s.instalments
    assert first.is_paid and first.settled_on == date(2026, 1, 30)
    assert second.paid_satang == 166_667 and second.remaining_satang == 166_666
    assert third.paid_satang == 0
    assert s.outstanding_satang == 500_000


def test_partial_payment_leaves_the_rest_of_the_instalment_due(book):
    loan = book.loan()
    book.pay(loan, "1000", date(2026, 1, 31))
    s = book.state(loan, date(2026, 2, 10))
    assert s.instalments[0].remaining_satang == 233_333
    assert s.days_overdue == 10
    assert s.arrears_satang == 233_333
    assert s.stage == "ask"


def test_interest_is_paid_before_principal(book):
    loan = book.loan(principal_baht=12_000, instalments=12, rate_bp=600, fund=book.village_fund)
    s = book.state(loan, date(2026, 1, 1))
    assert s.instalments[0].interest_satang == 6_000  # 6% a year on 12,000 for 12 months = 720 baht / 12
    book.pay(loan, "50", date(2026, 1, 20))
    inst = book.state(loan, date(2026, 1, 20)).instalments[0]
    assert inst.paid_interest == 5_000 and inst.paid_principal == 0
    book.pay(loan, "100", date(2026, 1, 21))
    inst = book.state(loan, date(2026, 1, 21)).instalments[0]
    assert inst.paid_interest == 6_000 and inst.paid_principal == 9_000


def test_overpayment_runs_on_into_the_next_instalments_and_closes_the_loan(book):
    loan = book.loan()
    with book.db.session() as s:  # more than is owed: taken only as money paid in advance
        repayments.record_payment(s, loan, 1_000_050, date(2026, 1, 15), credit=True)
    s = book.state(loan, date(2026, 1, 15))
    assert all(i.is_paid for i in s.instalments)
    assert s.credit_satang == 50
    assert s.stage == "closed"


def test_payments_after_the_day_asked_about_do_not_count(book):
    loan = book.loan()
    book.pay(loan, "3333.33", date(2026, 2, 20))
    assert book.state(loan, date(2026, 2, 1)).days_overdue == 1
    assert book.state(loan, date(2026, 2, 20)).days_overdue == 0


def test_days_overdue_count_from_the_oldest_unpaid_due_date(book):
    loan = book.loan()
    s = book.state(loan, date(2026, 3, 5))
    assert s.days_overdue == (date(2026, 3, 5) - date(2026, 1, 31)).days == 33
    assert len(s.overdue_instalments()) == 2
    assert book.state(loan, date(2026, 1, 31)).days_overdue == 0  # the due date itself is not late


@pytest.mark.parametrize(
    "days, bucket",
    [(0, None), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"),
     (91, "91-180"), (180, "91-180"), (181, "180+"), (2000, "180+")],
)
def test_aging_buckets(days, bucket):
    assert aging_bucket(days) == bucket


def test_a_reversal_cancels_the_wrong_payment_and_both_stay_in_the_book(book):
    loan = book.loan()
    wrong = book.pay(loan, "3333.33", date(2026, 1, 20))
    with book.db.session() as s:
        repayments.reverse_payment(s, wrong, date(2026, 1, 25), "บันทึกผิดสัญญา")
    state = book.state(loan, date(2026, 2, 2))
    assert state.paid_satang == 0 and state.days_overdue == 2
    with book.db.session() as s:
        from sqlmodel import select

        from fieldtool.models import Payment
        rows = s.exec(select(Payment).where(Payment.loan_id == loan)).all()
        assert sorted(p.amount_satang for p in rows) == [-333_333, 333_333]
        with pytest.raises(InputError):
            repayments.reverse_payment(s, wrong, date(2026, 1, 26))


def test_bad_payments_are_refused(book):
    loan = book.loan()
    pending = book.loan(disbursed=None)
    with book.db.session() as s:
        with pytest.raises(InputError):
            repayments.record_payment(s, loan, 0, date(2026, 1, 5))
        with pytest.raises(InputError):
            repayments.record_payment(s, loan, 100, date(2025, 11, 30))  # before disbursement
        with pytest.raises(InputError):
            repayments.record_payment(s, pending, 100, date(2026, 1, 5))
        with pytest.raises(InputError):
            repayments.record_payment(s, "no-such-loan", 100, date(2026, 1, 5))


def test_restructuring_makes_a_new_schedule_and_keeps_the_old_one(book):
    loan = book.loan(principal_baht=12_000, instalments=3)
    book.pay(loan, "4000", date(2026, 1, 31))
    with book.db.session() as s:
        sched = lending.restructure(s, loan, date(2026, 5, 1), 4, date(2026, 6, 1), "monthly", "ตกลงในที่ประชุม")
        assert sched.version == 2
    s = book.state(loan, date(2026, 5, 2))
    assert s.active.version == 2 and len(s.history) == 1
    assert [i.amount_satang for i in s.instalments] == [200_000] * 4
    assert s.days_overdue == 0 and s.stage == "follow"
    old = s.history[0]
    assert old.instalments[0].is_paid and not old.instalments[1].is_paid
    # before the restructuring day the old schedule still tells the story
    assert book.state(loan, date(2026, 4, 30)).days_overdue == 61
    book.pay(loan, "2000", date(2026, 6, 1))
    assert book.state(loan, date(2026, 6, 2)).instalments[0].is_paid
