"""Loans from the command line: `loan add|show|list|check|disburse|restructure` (payments: ui/cli/payments.py).

The rules are fieldtool.loanbook's; a loan is named by its id, its first six or more characters, or its
agreement number.
"""

from __future__ import annotations

from datetime import date

from ui.cli.choices import FREQUENCIES, PREVENT_CODES
from ui.cli.context import session
from ui.cli.output import emit, on_day, positive_baht


def add_parser(sub, common) -> None:
    loan = sub.add_parser("loan", help="loans").add_subparsers(dest="loan_command", required=True)
    a = loan.add_parser("add", parents=[common], help="add a loan; prints its id")
    a.add_argument("--fund", required=True, help="fund id, name or kind")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--group", help="borrowing group id")
    who.add_argument("--household", help="household id")
    a.add_argument("--principal", required=True, help="principal in baht")
    a.add_argument("--instalments", type=int)
    a.add_argument("--frequency", choices=list(FREQUENCIES))
    a.add_argument("--rate", help="flat interest per year in percent (default: the fund's)")
    a.add_argument("--first-due", required=True, help="first due date")
    a.add_argument("--applied", help="application date (default today)")
    a.add_argument("--approved", help="approval date")
    a.add_argument("--disbursed", help="disbursement date")
    a.add_argument("--reason", help="why disburse with prevent items open")
    a.add_argument("--purpose")
    a.add_argument("--agreement-no")
    a.set_defaults(func=cmd_loan_add)

    sh = loan.add_parser("show", parents=[common], help="a loan with its schedule")
    sh.add_argument("loan_id")
    sh.add_argument("--on", help="as of this day (default today)")
    sh.set_defaults(func=cmd_loan_show)

    ls = loan.add_parser("list", parents=[common], help="the loan register")
    ls.add_argument("--on")
    ls.add_argument("--search")
    ls.add_argument("--stage", choices=["prevent", "follow", "ask", "closed"])
    ls.add_argument("--fund")
    ls.add_argument("--village")
    ls.set_defaults(func=cmd_loan_list)

    ck = loan.add_parser("check", parents=[common], help="tick a prevent checklist item")
    ck.add_argument("loan_id")
    ck.add_argument("item", choices=list(PREVENT_CODES))
    ck.add_argument("--on")
    ck.add_argument("--note")
    ck.add_argument("--undo", action="store_true")
    ck.set_defaults(func=cmd_loan_check)

    ds = loan.add_parser("disburse", parents=[common], help="pay out a loan")
    ds.add_argument("loan_id")
    ds.add_argument("--on")
    ds.add_argument("--reason")
    ds.set_defaults(func=cmd_loan_disburse)

    rs = loan.add_parser("restructure", parents=[common], help="a new agreed schedule for what is owed")
    rs.add_argument("loan_id")
    rs.add_argument("--on")
    rs.add_argument("--instalments", type=int, required=True)
    rs.add_argument("--first-due", required=True)
    rs.add_argument("--frequency", choices=list(FREQUENCIES))
    rs.add_argument("--reason")
    rs.set_defaults(func=cmd_loan_restructure)


# --- loans -------------------------------------------------------------------------------------------------


def cmd_loan_add(args) -> None:
    from fieldtool import funds, lending
    from fieldtool.thai import parse_baht

    applied = on_day(args.applied)
    disbursed = on_day(args.disbursed, default_today=False)
    with session(args) as s:
        fund = funds.get_fund(s, args.fund)
        rate = None
        if args.rate is not None:
            rate = parse_baht(args.rate)  # a percentage with two decimals = basis points
        loan = lending.add_loan(
            s,
            fund_id=fund.id,
            group_id=args.group,
            household_id=args.household,
            purpose=args.purpose or "",
            principal_satang=positive_baht(args.principal),
            rate_bp=rate,
            instalments=fund.default_instalments if args.instalments is None else args.instalments,
            frequency=args.frequency,
            first_due=on_day(args.first_due),
            applied_on=applied,
            approved_on=on_day(args.approved, default_today=False),
            agreement_no=args.agreement_no or "",
        )
        if disbursed:
            lending.disburse(s, loan.id, disbursed, args.reason or "")
        loan_id = loan.id
    emit(args, {"id": loan_id}, [loan_id])


def cmd_loan_show(args) -> None:
    from fieldtool.lookups import loan_card
    from fieldtool.thai import format_baht, format_date, parse_baht
    from fieldtool.vocabulary import Stage
    from ui.cli import shapes

    on = on_day(args.on)
    with session(args) as s:
        data = shapes.loan(loan_card(s, args.loan_id, on))
    if args.json:
        emit(args, data, [])
        return
    lines = [
        f"สัญญา {data['agreement_no'] or '-'}  ({data['id']})",
        f"ผู้กู้: {data['borrower']}  {data['village']}",
        f"กองทุน: {data['fund']}  วัตถุประสงค์: {data['purpose']}",
        f"เงินต้น {format_baht(parse_baht(data['principal']))} บาท  ขั้น: {Stage(data['stage']).label.th}",
        f"คงค้าง {format_baht(parse_baht(data['outstanding']))} บาท  ค้างชำระเกินกำหนด "
        f"{format_baht(parse_baht(data['arrears']))} บาท  ({data['days_overdue']} วัน)",
    ]
    if parse_baht(data["credit"]):
        lines.append(f"ชำระเกิน (เงินชำระล่วงหน้า) {format_baht(parse_baht(data['credit']))} บาท")
    lines.append("งวด  ครบกำหนด        ยอดงวด        ชำระแล้ว    สถานะ")
    status_th = {"paid": "ชำระแล้ว", "overdue": "เกินกำหนด", "unpaid": "ยังไม่ถึง"}
    for row in data["schedule"]:
        lines.append(
            f"{row['no']:>3}  {format_date(date.fromisoformat(row['due_date'])):<14}"
            f"{format_baht(parse_baht(row['amount'])):>12}  {format_baht(parse_baht(row['paid'])):>12}  "
            f"{status_th[row['status']]}"
        )
    emit(args, data, lines)


def cmd_loan_list(args) -> None:
    from fieldtool.register import loan_register
    from fieldtool.thai import format_baht
    from ui.cli import shapes

    on = on_day(args.on)
    with session(args) as s:
        rows = loan_register(s, on, search=args.search or "", stage=args.stage, fund=args.fund, village=args.village)
    items = [shapes.loan_row(r) for r in rows]
    lines = [f"{r.id[:8]}  {r.borrower}  {r.village}  {r.stage.label.th}  {format_baht(r.outstanding_satang)}" for r in rows]
    emit(args, {"on": on.isoformat(), "count": len(items), "items": items}, lines or ["ไม่พบสัญญา"])


def cmd_loan_check(args) -> None:
    from fieldtool import lending

    on = on_day(args.on)
    with session(args) as s:
        row = lending.set_check(s, args.loan_id, args.item, not args.undo, on, args.note or "")
        out = {"loan_id": row.loan_id, "item": row.item, "done": row.done, "done_on": row.done_on}
    emit(args, out, [f"{out['item']}: {'ทำแล้ว' if out['done'] else 'ยังไม่ได้ทำ'}"])


def cmd_loan_disburse(args) -> None:
    from fieldtool import lending
    from fieldtool.thai import format_date

    on = on_day(args.on)
    with session(args) as s:
        loan = lending.disburse(s, args.loan_id, on, args.reason or "")
        out = {"id": loan.id, "disbursed_on": loan.disbursed_on.isoformat(), "prevent_override": loan.prevent_override}
    emit(args, out, [f"จ่ายเงินกู้แล้ว {format_date(date.fromisoformat(out['disbursed_on']))}"])


def cmd_loan_restructure(args) -> None:
    from fieldtool import lending

    on, first_due = on_day(args.on), on_day(args.first_due)
    with session(args) as s:
        sched = lending.restructure(s, args.loan_id, on, args.instalments, first_due, args.frequency, args.reason or "")
        out = {"loan_id": sched.loan_id, "schedule_version": sched.version, "effective_from": sched.effective_from.isoformat()}
    emit(args, out, [f"ปรับโครงสร้างหนี้แล้ว ตารางชำระฉบับที่ {out['schedule_version']}"])
