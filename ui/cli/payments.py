"""Payments from the command line: `pay` (a repayment, or more than is owed kept as credit with --credit) and
`reverse` (a payment recorded by mistake is cancelled by a reversing event, never changed).
"""

from __future__ import annotations

from ui.cli.context import session
from ui.cli.output import emit, on_day, positive_baht


def add_parser(sub, common) -> None:
    pay = sub.add_parser("pay", parents=[common], help="record a repayment")
    pay.add_argument("loan_id")
    pay.add_argument("--amount", required=True, help="baht")
    pay.add_argument("--on")
    pay.add_argument("--note")
    pay.add_argument("--credit", action="store_true",
                     help="take more than is owed: the rest stays with the loan as money paid in advance")
    pay.set_defaults(func=cmd_pay)

    rv = sub.add_parser("reverse", parents=[common], help="reverse a wrongly recorded payment")
    rv.add_argument("payment_id")
    rv.add_argument("--on")
    rv.add_argument("--note")
    rv.set_defaults(func=cmd_reverse)


def cmd_pay(args) -> None:
    from fieldtool import loanbook, repayments
    from fieldtool.thai import format_baht
    from ui.cli import shapes

    on = on_day(args.on)
    amount = positive_baht(args.amount)
    with session(args) as s:
        payment = repayments.record_payment(s, args.loan_id, amount, on, args.note or "", credit=args.credit)
        state = loanbook.load_states(s, on, [payment.loan_id])[payment.loan_id]
        out = shapes.payment(payment, state, on)
    credit = f"  ชำระเกิน {format_baht(state.credit_satang)} บาท" if state.credit_satang else ""
    emit(args, out, [f"รับชำระ {format_baht(amount)} บาท  คงค้าง {format_baht(state.outstanding_satang)} บาท{credit}",
                     out["payment_id"]])


def cmd_reverse(args) -> None:
    from fieldtool import repayments
    from fieldtool.thai import satang_to_str

    on = on_day(args.on)
    with session(args) as s:
        rev = repayments.reverse_payment(s, args.payment_id, on, args.note or "")
        out = {"reversal_id": rev.id, "reverses": rev.reverses_id, "amount": satang_to_str(rev.amount_satang)}
    emit(args, out, [f"ยกเลิกรายการรับชำระแล้ว: {out['reverses']}"])
