"""The day's follow-up work from the command line: `reminders` (notices and ask tasks open on a day) and
`deliver` (a notice delivered or an ask step done; `--undo` cancels one recorded by mistake). The rules are
fieldtool.reminders'.
"""

from __future__ import annotations

from datetime import date

from fieldtool.text import Text
from ui.cli.choices import DELIVERY_HOW
from ui.cli.context import session
from ui.cli.output import emit, on_day


def add_parser(sub, common) -> None:
    rm = sub.add_parser("reminders", parents=[common], help="notices and ask tasks open on a day")
    rm.add_argument("--on")
    rm.add_argument("--kind", choices=["notice", "notice-30", "notice-15", "notice-7", "ask"])
    rm.set_defaults(func=cmd_reminders)

    dv = sub.add_parser("deliver", parents=[common], help="record a notice delivered or an ask step done")
    dv.add_argument("reminder_id")
    dv.add_argument("--how", choices=list(DELIVERY_HOW))
    dv.add_argument("--on")
    dv.add_argument("--by")
    dv.add_argument("--note")
    dv.add_argument("--undo", action="store_true", help="cancel a delivery recorded by mistake (the task opens again)")
    dv.set_defaults(func=cmd_deliver)


def cmd_reminders(args) -> None:
    from fieldtool import reminders
    from fieldtool.thai import format_baht, format_date
    from fieldtool.vocabulary import ReminderKind
    from ui.cli import shapes

    on = on_day(args.on)
    with session(args) as s:
        items = reminders.reminders_on(s, on)
    if args.kind:
        items = [r for r in items if r.kind == args.kind or (args.kind == "notice" and r.kind is not ReminderKind.ASK)]
    lines = []
    for r in items:
        what = r.step.label.th
        extra = f"เกินกำหนด {r.days_overdue} วัน" if r.kind is ReminderKind.ASK else f"ครบกำหนด {format_date(r.due_date)}"
        lines.append(f"{r.id}  {what}  {r.info.borrower} ({r.info.village})  งวดที่ {r.instalment_no}  "
                     f"{format_baht(r.amount_due_satang)} บาท  {extra}")
    payload = {"on": on.isoformat(), "count": len(items), "items": [shapes.reminder(r) for r in items]}
    emit(args, payload, lines or [f"ไม่มีรายการแจ้งเตือนในวันที่ {format_date(on)}"])


def cmd_deliver(args) -> None:
    from fieldtool import reminders
    from fieldtool.thai import InputError
    from fieldtool.vocabulary import ContactWay

    on = on_day(args.on)
    if args.undo:
        return _undo_delivery(args, on)
    if not args.how:
        raise InputError(Text("ระบุวิธีแจ้งด้วย --how", f"give how it was delivered: --how {'|'.join(ContactWay)}"))
    with session(args) as s:
        d = reminders.deliver(s, args.reminder_id, args.how, on, args.by or "", args.note or "")
        out = {"reminder_id": d.reminder_id, "how": d.how, "delivered_on": d.delivered_on.isoformat(), "by": d.by_whom}
    emit(args, out, [f"บันทึกการแจ้งแล้ว ({ContactWay(out['how']).label.th})"])


def _undo_delivery(args, on: date) -> None:
    """deliver ID --undo: a delivery recorded by mistake is cancelled by a reversing row; the reminder opens again."""
    from fieldtool import reminders

    with session(args) as s:
        rows = reminders.undo_delivery(s, args.reminder_id, on, args.by or "", args.note or "")
        out = {"reminder_id": args.reminder_id, "undone_on": on.isoformat(), "by": rows[0].by_whom,
               "reopened": len(rows)}
    emit(args, out, [f"ยกเลิกการบันทึกการแจ้งแล้ว รายการนี้กลับมาเป็นงานที่ต้องทำ ({len(rows)} รายการ)"])
