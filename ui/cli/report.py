"""`fieldtool office report`: the district report of a Buddhist-Era fiscal year by quarter, every total checked
against its rows (fieldtool.district), as lines, JSON (ui/cli/shapes.py), an .xlsx workbook and a PDF.

Both files are written or neither, and a path that cannot be written is refused before any work.
"""

from __future__ import annotations

from pathlib import Path

from ui.cli.context import office_target, session
from ui.cli.output import emit, on_day


def add_office_parser(office, common) -> None:
    """`office report` (`office` is the `office` command's subparsers)."""
    orp = office.add_parser("report", parents=[common], help="the district report by fiscal quarter, with checked totals")
    orp.add_argument("--fy", help="Buddhist Era fiscal year, e.g. 2570 (default: the one containing --on)")
    orp.add_argument("--on", help="report day (default today); the current quarter is taken on this day")
    orp.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="only this quarter's column")
    orp.add_argument("--district", help="district code (default: the office's district_code)")
    orp.add_argument("--xlsx", help="also write an Excel workbook")
    orp.add_argument("--pdf", help="also write a landscape A4 PDF")
    office_target(orp)
    orp.set_defaults(func=cmd_report)


def cmd_report(args) -> None:
    from exports.report_xlsx import write_report_xlsx
    from fieldtool.district import district_report
    from fieldtool.thai import fiscal_year, parse_fiscal_year
    from fieldtool.whole_file import check_writable
    from ui.cli import shapes

    on = on_day(args.on)
    fy = fiscal_year(on) if args.fy is None else parse_fiscal_year(args.fy)
    for path in (Path(p) for p in (args.xlsx, args.pdf) if p):  # before any work: an unwritable path writes nothing
        check_writable(path)
    with session(args) as s:
        rep = district_report(s, fy, on, quarter=args.quarter, district_code=args.district)
    written = []
    try:
        if args.xlsx:
            written.append(write_report_xlsx(rep, Path(args.xlsx)))
        if args.pdf:
            from exports.report_pdf import write_report_pdf

            pages = write_report_pdf(rep, Path(args.pdf))
            written.append(Path(args.pdf))
    except BaseException:
        for path in written:  # both files or neither
            path.unlink(missing_ok=True)
        raise
    payload = shapes.district_report(rep)
    payload["files"] = [str(p) for p in written]
    lines = _lines(rep)
    if args.xlsx:
        lines.append(f"บันทึกไฟล์แล้ว: {args.xlsx}")
    if args.pdf:
        lines.append(f"บันทึกไฟล์แล้ว: {args.pdf} ({pages} หน้า)")
    emit(args, payload, lines)


def _lines(rep) -> list[str]:
    from fieldtool.district_tally import figure_text
    from fieldtool.thai import format_date, format_time

    live = [i for i, q in enumerate(rep.quarters) if q.as_of]
    lines = [f"รายงานระดับอำเภอ {rep.district_name} ({rep.district_code}) ปีงบประมาณ {rep.fy} ข้อมูล ณ {format_date(rep.on)}"]
    lines += [f"  {q.label(False)}: " + (f"ณ {format_date(q.as_of)}" if q.as_of else "ยังไม่ถึง") for q in rep.quarters]
    lines.append(f"จัดทำเมื่อ {format_time(rep.made_at, zone=True)}")
    lines += [f"  ข้อมูลจาก {src.subdistrict} {src.officer}: ชุดที่ {src.bundle_seq} "
              f"ทำเมื่อ {format_time(src.made_at)} นำเข้าเมื่อ {format_time(src.received_at)}" for src in rep.sources]
    for sec in rep.sections:
        t = sec.table("subdistrict")
        lines.append(str(sec.title))
        for row in [*t.rows, t.total]:
            figures = "  ".join(
                f"{m.label.th} " + " / ".join(figure_text(row.value(m, i), m.unit) for i in live) for m in sec.shown_measures)
            lines.append(f"  {row.label:<24} {figures}")
    failed = rep.failed_checks
    lines.append(f"ตรวจยอดรวม {len(rep.checks)} ช่อง: " + ("ตรงกันทุกช่อง (every total matches its rows)" if not failed
                                                         else f"ไม่ตรง {len(failed)} ช่อง ({len(failed)} do not match)"))
    lines += [f"  [{p.level}] {p.message}" for p in rep.problems]
    return lines
