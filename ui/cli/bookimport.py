"""`fieldtool import FILE`: bring in the registers an office already keeps in Excel.

It always plans first (what each row becomes: create, match or refused). `--dry-run` stops there and writes
nothing. Without it, a file with refused rows is not imported at all (exit 2, the rows listed) unless
`--accept-refusals` says to import the rest; the import is one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from fieldtool.text import Text
from ui.cli.context import session
from ui.cli.output import emit, progress

if TYPE_CHECKING:
    from fieldtool.bookimport import ImportPlan

CREATED_TH = {"households": "ครัวเรือน", "groups": "กลุ่ม", "loans": "สัญญา", "payments": "รายการชำระ"}


def add_parser(sub, common) -> None:
    p = sub.add_parser("import", parents=[common], help="import registers kept in Excel (.xlsx .xlsm .xls .ods)")
    p.add_argument("file", help="the workbook: the program's template, a district register, a TPMAP/ThaiQM list")
    p.add_argument("--dry-run", action="store_true", help="only say what each row would become; write nothing")
    p.add_argument("--map", action="append", default=[], metavar="SHEET:FIELD=COLUMN",
                   help="read a column the importer did not recognise, e.g. สัญญาเงินกู้:principal=F "
                        "(column letter or header; remembered for the next file of the same layout)")
    p.add_argument("--accept-refusals", action="store_true", help="import the rows that can be, leave out the refused ones")
    p.set_defaults(func=cmd_import)


def _overrides(options: list[str]) -> dict[str, dict[str, str]]:
    from fieldtool.bookimport import parse_map_option

    out: dict[str, dict[str, str]] = {}
    for text in options:
        sheet, field, column = parse_map_option(text)
        out.setdefault(sheet, {})[field] = column
    return out


def cmd_import(args) -> None:
    from exports.workbook import read_workbook
    from fieldtool.bookimport import apply_import, plan_import
    from fieldtool.thai import InputError, today_in_thailand

    overrides = _overrides(args.map)
    say = progress(args)
    workbook = read_workbook(args.file)
    say(Text(f"อ่านไฟล์ {workbook.file_name} แล้ว: {len(workbook.sheets)} ชีต",
             f"read {workbook.file_name}: {len(workbook.sheets)} sheets"))
    with session(args) as s:
        plan = plan_import(s, workbook, overrides, progress=say)
        refused = plan.refused or plan.problems
        if args.dry_run or (refused and not args.accept_refusals):
            _show(args, plan, None)
            if not args.dry_run:
                count = len(plan.refused) + len(plan.problems)
                raise InputError(Text(
                    f"ไม่ได้นำเข้า: มี {count} รายการที่ไม่รับ แก้ไฟล์แล้วนำเข้าใหม่ หรือใช้ --accept-refusals เพื่อนำเข้าส่วนที่เหลือ",
                    f"nothing imported: {count} rows refused; fix the file, or use --accept-refusals to import the rest",
                ))
            return
        result = apply_import(s, plan, today_in_thailand(), progress=say)
    _show(args, plan, result)


def _show(args, plan: ImportPlan, result) -> None:
    payload = plan.to_json()
    payload["dry_run"] = bool(args.dry_run)
    payload["result"] = result.to_json() if result else None
    emit(args, payload, _lines(plan, result, args.dry_run))


def _lines(plan: ImportPlan, result, dry_run: bool) -> list[str]:
    from fieldtool.bookimport import column_letter
    from fieldtool.booklayout import SHEETS
    from fieldtool.thai import format_date
    from fieldtool.vocabulary import HouseholdSource

    kind_th = {layout.key: layout.name for layout in SHEETS}
    lines = [f"ไฟล์ {plan.file_name}" + ("  (ครัวเรือนจาก TPMAP)" if plan.source is HouseholdSource.TPMAP else "")]
    if plan.imported_before:
        before = plan.imported_before
        lines.append(f"ไฟล์นี้นำเข้าแล้วเมื่อ {format_date(date.fromisoformat(before['on']))} "
                     f"(this file was imported on {before['on']})")
    for sheet in plan.sheets:
        c = sheet.counts
        where = f"หัวตารางแถว {sheet.header_row}" if sheet.header_row else "ไม่พบหัวตาราง"
        lines.append(f"ชีต {sheet.name} [{kind_th.get(sheet.kind, sheet.kind)}, {where}]: "
                     + " / ".join(f"{action.label.th} {n}" for action, n in c.items()))
        given = [f"{u.field}={column_letter(u.column)}" for u in sheet.columns if u.source != "header"]
        if given:
            lines.append(f"  ใช้คอลัมน์ตามที่กำหนด: {', '.join(given)}")
        if sheet.unmapped:
            lines.append("  คอลัมน์ที่ไม่ได้ใช้: " + ", ".join(f"{column_letter(i)} {h}" for i, h in sheet.unmapped))
        lines += [f"ชีต {sheet.name}: {p}" for p in sheet.problems]
    if plan.ignored_sheets:
        lines.append("ชีตที่ไม่ได้อ่าน: " + ", ".join(plan.ignored_sheets))
    lines += [f"ชีต {r.sheet} แถว {r.row}: {r.text}" for r in plan.refused]
    if plan.nothing_new:
        lines.append("ไม่มีอะไรใหม่: ทุกแถวมีอยู่แล้วหรือไม่รับ (nothing new: every row is already in the book or refused)")
    if result is not None:
        made = ", ".join(f"{CREATED_TH[k]} {n}" for k, n in result.created.items())
        lines.append(f"นำเข้าแล้ว: {made}")
    elif dry_run:
        lines.append("ทดลองนำเข้า ยังไม่ได้บันทึกอะไร (dry run: nothing written)")
    return lines
