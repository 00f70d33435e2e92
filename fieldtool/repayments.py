"""Payments on a loan (การรับชำระ): taking one, checked against what is still owed, and reversing a wrong one.

A payment is never edited or deleted: a wrong one is cancelled by a reversing event and both stay in the
book (fieldtool.ledger leaves both out). Every function leaves committing to the caller.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.ledger import schedule_in_force
from fieldtool.lending import DAYS, NOTE_TEXT, Row, get_loan
from fieldtool.limits import LINE, NOTE, check_amount, check_day, check_text
from fieldtool.loanbook import device_of, load_states, now_utc, officer_of
from fieldtool.models import Payment, new_id
from fieldtool.text import Text
from fieldtool.thai import InputError, format_baht

# What the bounds of fieldtool.limits call the amount in their sentences.
PAYMENT = Text("จำนวนเงินที่ชำระ", "the amount paid")


def loan_payments(session: Session, loan_id: str) -> list[Payment]:
    """Every payment event of a loan (reversals too), in the order they were paid and recorded."""
    return list(session.scalars(
        select(Payment).where(col(Payment.loan_id) == loan_id).order_by(col(Payment.paid_on), col(Payment.recorded_at))
    ))


def payment_row(
    loan_id: str,
    disbursed_on: date | None,
    amount_satang: int,
    paid_on: date,
    *,
    recorded_by: str,
    device_id: str,
    note: str = "",
    receipt_no: str = "",
) -> Row:
    """A payment as a row, checked: more than zero and within bounds, on a loan paid out, not dated before the
    money went out. That it is not more than is owed needs the book: `record_payment` asks it."""
    if amount_satang <= 0:
        raise InputError(Text("จำนวนเงินต้องมากกว่าศูนย์", "the amount must be more than zero"))
    check_amount(amount_satang, PAYMENT)
    check_day(paid_on, DAYS["paid_on"])
    check_text(note, NOTE_TEXT, NOTE)
    check_text(receipt_no, Text("เลขที่ใบเสร็จ", "the receipt number"), LINE)
    if disbursed_on is None:
        raise InputError(Text("สัญญานี้ยังไม่ได้จ่ายเงินกู้ รับชำระไม่ได้",
                              "this loan has not been disbursed; no payment can be taken"))
    if paid_on < disbursed_on:
        raise InputError(Text("วันชำระต้องไม่ก่อนวันจ่ายเงินกู้", "a payment cannot be dated before the disbursement"))
    return {
        "id": new_id(),
        "loan_id": loan_id,
        "amount_satang": amount_satang,
        "paid_on": paid_on,
        "note": note,
        "receipt_no": receipt_no.strip(),
        "recorded_at": now_utc(),
        "recorded_by": recorded_by,
        "device_id": device_id,
    }


def record_payment(
    session: Session, loan_id: str, amount_satang: int, paid_on: date, note: str = "", receipt_no: str = "",
    credit: bool = False,
) -> Payment:
    """Take a payment. More than is still owed is refused unless `credit`: the officer says the rest stays with
    the loan as money paid in advance (the ledger's credit beyond the last instalment)."""
    loan = get_loan(session, loan_id)
    payment = Payment(**payment_row(loan.id, loan.disbursed_on, amount_satang, paid_on, note=note,
                                    receipt_no=receipt_no, recorded_by=officer_of(session),
                                    device_id=device_of(session)))
    if not credit:
        check_not_beyond_owed(session, loan.id, amount_satang, paid_on)
    session.add(payment)
    session.flush()
    return payment


def owed_on(session: Session, loan_id: str, paid_on: date) -> int:
    """What is still owed on the schedule a payment made on `paid_on` goes to, every payment recorded counted
    (also those dated later: a payment typed in late must not pay an instalment twice)."""
    state = load_states(session, date.max, [loan_id])[loan_id]
    target = schedule_in_force(state.schedules, paid_on)
    return sum(i.remaining_satang for i in target.instalments) if target else 0


def check_not_beyond_owed(session: Session, loan_id: str, amount_satang: int, paid_on: date) -> None:
    owed = owed_on(session, loan_id, paid_on)
    if amount_satang > owed:
        raise InputError(Text(
            f"ยอดชำระ {format_baht(amount_satang)} บาท เกินยอดที่ยังค้าง {format_baht(owed)} บาท "
            "ถ้าตั้งใจรับส่วนเกินไว้ ให้บันทึกเป็นเงินชำระเกิน",
            f"the payment of {format_baht(amount_satang)} baht is more than the {format_baht(owed)} baht still owed; "
            "record it as a credit if the rest is meant to stay with the loan",
        ))


def reverse_payment(session: Session, payment_id: str, on: date, note: str = "") -> Payment:
    """Correct a wrong payment by a reversing event; the original stays in the book."""
    check_day(on, DAYS["on"])
    check_text(note, NOTE_TEXT, NOTE)
    original = session.get(Payment, payment_id)
    if original is None or original.reverses_id is not None:
        raise InputError(Text(f"ไม่พบรายการรับชำระ {payment_id}", f"no such payment: {payment_id}"))
    already = session.scalars(select(Payment).where(col(Payment.reverses_id) == original.id)).first()
    if already is not None:
        raise InputError(Text("รายการนี้ถูกยกเลิกไปแล้ว", "this payment has already been reversed"))
    reversal = Payment(
        loan_id=original.loan_id,
        amount_satang=-original.amount_satang,
        paid_on=on,
        reverses_id=original.id,
        note=note,
        recorded_at=now_utc(),
        recorded_by=officer_of(session),
        device_id=device_of(session),
    )
    session.add(reversal)
    session.flush()
    return reversal
