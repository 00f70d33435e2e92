"""The register workbook from the command line: `import-template` (the empty template to fill in) and
`export-registers` (the laptop's books in the same layout, for another laptop or the office to import).

A path that cannot be written is refused in one sentence before the database is read; the file appears
only when it is complete.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ui.cli.context import session
from ui.cli.output import emit

if TYPE_CHECKING:
    from exports.registers_xlsx import Written


def add_parser(sub, common) -> None:
    t = sub.add_parser("import-template", parents=[common],
                       help="write the register template to fill in and import (lists this laptop's villages and funds)")
    t.add_argument("--out", required=True, metavar="FILE.xlsx")
    t.set_defaults(func=cmd_import_template)
    e = sub.add_parser("export-registers", parents=[common],
                       help="write the laptop's households, groups, loans and payments in the template's layout")
    e.add_argument("--out", required=True, metavar="FILE.xlsx")
    e.set_defaults(func=cmd_export_registers)


def _out(args) -> Path:
    from exports.registers_xlsx import xlsx_path
    from fieldtool.whole_file import check_writable

    out = xlsx_path(Path(args.out).expanduser())
    check_writable(out)
    return out


def _report(args, written: Written, first_line: str, extra: dict | None = None) -> None:
    from fieldtool.booklayout import SHEETS

    names = {layout.key: layout.name for layout in SHEETS}
    lines = [first_line, str(written.path)]
    lines += [f"  {names[key]}: {n:,} แถว" for key, n in written.counts.items()]
    emit(args, {"path": str(written.path), "counts": written.counts, **(extra or {})}, lines)


def cmd_import_template(args) -> None:
    from exports.registers_xlsx import write_template
    from fieldtool.registers_book import template_choices

    out = _out(args)
    with session(args) as s:
        choices = template_choices(s)
    written = write_template(choices, out)
    extra = {"villages": [v.moo for v in choices.villages], "funds": [f.name for f in choices.funds]}
    note = "" if choices.villages and choices.funds else " (ยังไม่ได้ตั้งค่าหมู่บ้านหรือกองทุน: no villages or funds set up yet)"
    _report(args, written, f"เขียนแม่แบบทะเบียนแล้ว (register template written){note}", extra)


def cmd_export_registers(args) -> None:
    from exports.registers_xlsx import write_registers
    from fieldtool.registers_book import register_book
    from fieldtool.thai import today_in_thailand

    out = _out(args)
    with session(args) as s:
        book = register_book(s)
    written = write_registers(book, today_in_thailand(), out)
    extra = {
        "left_out": {"undisbursed_loans": book.undisbursed, "reversed_payments": book.reversed_payments},
        "numbered": book.numbered,
        "renumbered": [{"typed": typed, "written": as_written} for typed, as_written in book.renumbered],
        "restructured": book.restructured,
    }
    _report(args, written, "ส่งออกทะเบียนแล้ว (registers exported)", extra)
    if book.restructured and not args.json:
        print(f"สัญญาที่ปรับโครงสร้างหนี้เขียนตามเงื่อนไขเดิม (restructured loans carry their original terms): "
              f"{', '.join(book.restructured)}")
