"""`fieldtool arrears`: the overdue loans on a day, their aging and PAR30 by fund, by village and in total
(fieldtool.arrears)."""

from __future__ import annotations

from ui.cli.context import session
from ui.cli.output import emit, on_day


def add_parser(sub, common) -> None:
    ar = sub.add_parser("arrears", parents=[common], help="overdue loans, aging and PAR30")
    ar.add_argument("--on")
    ar.set_defaults(func=cmd_arrears)


def cmd_arrears(args) -> None:
    from fieldtool.arrears import arrears_on
    from fieldtool.thai import format_baht, format_date
    from ui.cli import shapes

    on = on_day(args.on)
    with session(args) as s:
        rep = arrears_on(s, on)
    lines = [f"หนี้ค้างชำระ ณ {format_date(on)}: {len(rep.overdue)} สัญญา "
             f"{format_baht(rep.total.arrears_satang)} บาท  PAR30 {rep.total.par30 * 100:.1f}%"]
    lines.append("การแจ้งเตือนล่วงหน้าที่เปิดแล้ว: แจ้งแล้ว {delivered}  พลาด {missed}  ชำระก่อนแจ้ง {settled}  "
                 "ยังเปิดอยู่ {open}".format(**rep.notices))
    for label, v in rep.buckets.items():
        lines.append(f"  {label:>7} วัน: {v['loans']:>4} สัญญา  {format_baht(v['arrears_satang']):>14} บาท")
    for o in rep.overdue:
        lines.append(f"  {o.days_overdue:>4} วัน  {o.info.borrower} ({o.info.village})  {format_baht(o.arrears_satang)} บาท")
    emit(args, shapes.arrears(rep, on), lines)
