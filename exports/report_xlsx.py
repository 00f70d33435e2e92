"""The district report as an Excel workbook: a summary sheet, one sheet per section, native bar charts.

Figures are written as numbers (baht with two decimals, counts, PAR as a percentage), so the province can
add them up again; the totals row is the one computed from the data, and the row under it shows the sum
of the rows with the result of the check. The file is saved beside its target and moved into place only
when complete.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from exports import palette
from exports.palette import argb
from fieldtool.district import DistrictReport, Section
from fieldtool.district_tally import COUNT, RATIO, SATANG, Row, Table
from fieldtool.thai import ZONE_TH, format_date, format_time, to_thai_digits
from fieldtool.whole_file import check_writable, write_whole

SHEET_NAMES = {
    "arrears": "หนี้ค้างชำระ",
    "par30": "PAR30",
    "outstanding": "เงินต้นคงค้าง",
    "notices": "การแจ้งเตือน",
    "ask": "งานทวงถาม",
    "visits": "การลงพื้นที่",
    "plans": "แผนครัวเรือน",
}
FORMATS = {SATANG: "#,##0.00", COUNT: "#,##0", RATIO: "0.00%"}
LABEL_HEADINGS = {"subdistrict": "ตำบล", "village": "ตำบล / หมู่บ้าน", "fund": "กองทุน"}
FONT = "TH Sarabun New"  # what Thai government offices have; Excel falls back to a Thai font without it
BOLD = Font(name=FONT, size=14, bold=True)
PLAIN = Font(name=FONT, size=14)
TITLE = Font(name=FONT, size=18, bold=True)
# the report's colours, as the screen and the PDF have them (exports.palette)
RED = Font(name=FONT, size=14, bold=True, color=argb(palette.BAD_TEXT))
GREEN = Font(name=FONT, size=14, bold=True, color=argb(palette.OK_TEXT))
HEADER_FILL = PatternFill("solid", fgColor=argb(palette.PRINT_HEADER_FILL))
TOTAL_FILL = PatternFill("solid", fgColor=argb(palette.PRINT_TOTAL_FILL))
BAD_FILL = PatternFill("solid", fgColor=argb(palette.BAD_FILL))
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
CHART_ROWS = 18


def cell_value(row: Row, measure, qi: int):
    """The number a cell holds: baht (not satang) for money, a fraction for PAR (shown as a percentage)."""
    value = row.value(measure, qi)
    if value is None:
        return None
    if measure.unit == SATANG:
        return round(value / 100, 2)
    return value


def write_report_xlsx(report: DistrictReport, out: Path) -> Path:
    """Write the workbook to `out` atomically; return `out`."""
    check_writable(out)
    wb = Workbook()
    _summary(wb.active, report)
    for sec in report.sections:
        _section_sheet(wb.create_sheet(SHEET_NAMES.get(sec.key, sec.key[:31])), report, sec)
    for ws in wb.worksheets:
        _row_heights(ws)
        # printed as the district prints its tables: landscape A4, every column on the page's width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = f"รายงานระดับอำเภอ ปีงบประมาณ {report.fy}"
    wb.properties.creator = report.office_name or "fieldtool"
    return write_whole(out, wb.save)


def _row_heights(ws) -> None:
    """Room for Thai marks above and below the line: 14 pt text in a row of the default 15 pt clips them."""
    ws.row_dimensions[1].height = 28
    for r in range(2, ws.max_row + 1):
        if ws.row_dimensions[r].height is None:
            ws.row_dimensions[r].height = 21


# --- the summary sheet -------------------------------------------------------------------------------------


def _day(d) -> str:
    return format_date(d, thai_digits=True)


def _heading(report: DistrictReport) -> str:
    where = f"อำเภอ{report.district_name}" if report.district_name else f"อำเภอรหัส {report.district_code}"
    return f"รายงานผลการดำเนินงานระดับอำเภอ {where} ปีงบประมาณ {to_thai_digits(str(report.fy))}"


def _time(at, zone: bool = False) -> str:
    return to_thai_digits(format_time(at, zone=zone))


def _sources(ws, r: int, report: DistrictReport) -> int:
    """Each laptop's latest bundle, made and merged when (Thailand's time); the next free row after it."""
    if not report.sources:
        return r
    ws.cell(r, 1, f"ข้อมูลจากเครื่องภาคสนาม (ชุดข้อมูลล่าสุดของแต่ละเครื่อง, {ZONE_TH})").font = BOLD
    r += 1
    _header_row(ws, r, ["ตำบล", "เจ้าหน้าที่", "ชุดที่", "ทำเมื่อ", "นำเข้าเมื่อ"])
    for src in report.sources:
        r += 1
        for c, v in enumerate((src.subdistrict, src.officer or "-", src.bundle_seq, _time(src.made_at),
                               _time(src.received_at)), start=1):
            _body(ws.cell(r, c, v))
    return r + 2


def _summary(ws, report: DistrictReport) -> None:
    ws.title = "สรุป"
    ws.sheet_view.showGridLines = False
    ws["A1"] = _heading(report)
    ws["A1"].font = TITLE
    r = 2
    for label, value in (("สำนักงาน", report.office_name or "-"),
                         ("อำเภอ (รหัส)", f"{report.district_name} ({report.district_code})"),
                         ("ข้อมูล ณ วันที่", format_date(report.on, "long", thai_digits=True)),
                         ("จัดทำเมื่อ", _time(report.made_at, zone=True))):
        ws.cell(r, 1, label).font = BOLD
        ws.cell(r, 2, value).font = PLAIN
        r += 1
    r += 1
    _header_row(ws, r, ["ไตรมาส", "ตั้งแต่", "ถึง", "ตัวเลข ณ วันที่", "สถานะ"])
    status_th = {"closed": "สิ้นไตรมาสแล้ว", "current": "ไตรมาสปัจจุบัน", "future": "ยังไม่ถึง"}
    for q in report.quarters:
        r += 1
        for c, v in enumerate((q.label(), _day(q.start), _day(q.end), _day(q.as_of) if q.as_of else "-",
                               status_th[q.status]), start=1):
            _body(ws.cell(r, c, v))
    r = _sources(ws, r + 2, report)
    # the district's total of every figure, quarter by quarter
    ws.cell(r, 1, "ภาพรวมทั้งอำเภอ (ยอดรวมที่คำนวณจากข้อมูล)").font = BOLD
    r += 1
    _header_row(ws, r, ["หัวข้อ", *[q.label() for q in report.quarters]])
    for sec in report.sections:
        total = sec.table("subdistrict").total
        for m in sec.shown_measures:
            r += 1
            _body(ws.cell(r, 1, f"{sec.title.th}: {m.label.th}"))
            for qi in range(len(report.quarters)):
                _number(ws.cell(r, 2 + qi, cell_value(total, m, qi)), m.unit)
    r += 2
    failed = report.failed_checks
    ws.cell(r, 1, f"ตรวจยอดรวม {len(report.checks)} ช่อง: "
                  + ("ตรงกับผลรวมของแถวทุกช่อง" if not failed else f"ไม่ตรง {len(failed)} ช่อง")).font = (
        GREEN if not failed else RED)
    for _sec, _t, c in failed:
        r += 1
        ws.cell(r, 1, c.reason.th if c.reason else "").font = PLAIN  # the workbook is Thai, as the PDF
    if report.problems:
        r += 2
        ws.cell(r, 1, "ปัญหาและข้อสังเกต").font = BOLD
        level_th = {"error": "ผิดพลาด", "warning": "ควรตรวจ", "note": "หมายเหตุ"}
        for p in report.problems:
            r += 1
            ws.cell(r, 1, f"[{level_th.get(p.level, p.level)}] {p.text.th}").font = RED if p.level == "error" else PLAIN
    ws.column_dimensions["A"].width = 60
    for c in range(2, 2 + max(4, len(report.quarters))):  # a quarter's label on one line
        ws.column_dimensions[get_column_letter(c)].width = 33


# --- a section -------------------------------------------------------------------------------------------


def _section_sheet(ws, report: DistrictReport, sec: Section) -> None:
    measures = sec.shown_measures
    nq = len(report.quarters)
    ws.sheet_view.showGridLines = False
    ws["A1"] = f"{sec.title} — {_heading(report)}"
    ws["A1"].font = TITLE
    ws["A2"] = sec.about.th
    ws["A2"].font = PLAIN
    ws["A3"] = "ตัวเลข ณ วันที่: " + ", ".join(
        f"{q.short_label()} {_day(q.as_of) if q.as_of else 'ยังไม่ถึง'}" for q in report.quarters)
    ws["A3"].font = PLAIN
    r = 5
    first_data_row = None
    anchors = {}
    charted = sec.key in ("arrears", "par30") and any(q.as_of for q in report.quarters)
    for table in sec.tables:
        if table.by == "village" and charted:
            # the chart sits under the subdistrict and fund tables, before the long village table:
            # on screen without scrolling sideways, and printed on the page width with the tables
            _chart(ws, report, sec, anchors["subdistrict"], ws.cell(r, 1).coordinate)
            r += CHART_ROWS + 2
        r, data_rows = _table_block(ws, r, report, sec, table, measures)
        first_data_row = first_data_row or data_rows[0]
        anchors[table.by] = data_rows
        r += 2
    ncols = 1 + nq * len(measures)
    ws.freeze_panes = ws.cell(first_data_row, 2)
    labels = [ws.cell(i, 1).value or "" for i in range(5, r)]
    # widths are in characters of the default 11 pt font; the 14 pt Thai text is about a fifth wider
    ws.column_dimensions["A"].width = min(60, max(14, *(_display_len(x) * 1.2 + 2 for x in labels)))
    for c in range(2, ncols + 2):  # the last one holds the check's result
        m = measures[(c - 2) % len(measures)] if c <= ncols else None
        ws.column_dimensions[get_column_letter(c)].width = 12 if (m and m.unit == COUNT) else 17


def _display_len(text: str) -> int:
    # Thai vowels above/below and tone marks take no width of their own
    return sum(1 for ch in str(text) if not ("\u0e31" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e"))


def _header_row(ws, r: int, texts: list[str]) -> None:
    for c, text in enumerate(texts, start=1):
        cell = ws.cell(r, c, text)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, GRID, CENTRE


def _body(cell, bold: bool = False) -> None:
    cell.font = BOLD if bold else PLAIN
    cell.border = GRID
    cell.alignment = Alignment(vertical="center")


def _number(cell, unit: str, bold: bool = False) -> None:
    _body(cell, bold)
    cell.number_format = FORMATS[unit]
    cell.alignment = Alignment(horizontal="right", vertical="center")


def _table_block(ws, r: int, report: DistrictReport, sec: Section, table: Table, measures) -> tuple[int, list[int]]:
    """Write one table from row r; return the row after it and the rows holding its areas."""
    nm = len(measures)
    ws.cell(r, 1, f"{sec.title.th} {table.title.th}").font = BOLD
    r += 1
    # two header rows: the quarters across their measures, then the measures
    for rr in (r, r + 1):
        for c in range(1, 2 + nm * len(report.quarters)):
            ws.cell(rr, c).fill, ws.cell(rr, c).border = HEADER_FILL, GRID
    head = ws.cell(r, 1, LABEL_HEADINGS[table.by])
    head.font, head.alignment = BOLD, CENTRE
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    for qi, q in enumerate(report.quarters):
        c0 = 2 + qi * nm
        cell = ws.cell(r, c0, q.label())
        cell.font, cell.alignment = BOLD, CENTRE
        if nm > 1:
            ws.merge_cells(start_row=r, start_column=c0, end_row=r, end_column=c0 + nm - 1)
        for mi, m in enumerate(measures):
            sub = ws.cell(r + 1, c0 + mi, m.label.th)
            sub.font, sub.alignment = BOLD, CENTRE
    ws.row_dimensions[r].height = 24
    ws.row_dimensions[r + 1].height = 42
    r += 2
    data_rows = []
    for row in table.rows:
        label = f"{row.parent_label} {row.label}" if row.parent_label else row.label
        _write_row(ws, r, label, row, report, measures)
        data_rows.append(r)
        r += 1
    _write_row(ws, r, "รวมทั้งอำเภอ (คำนวณจากข้อมูล)", table.total, report, measures, bold=True)
    r += 1
    # the sum of the rows and the check, cell by cell
    _write_row(ws, r, "ผลรวมของแถว (ตรวจสอบ)", table.sum_of_rows, report, measures)
    last = 2 + nm * len(report.quarters)
    for qi, q in enumerate(report.quarters):
        for mi, m in enumerate(measures):
            if table.cell_ok(m, q.no) is False:
                ws.cell(r, 2 + qi * nm + mi).fill = BAD_FILL
    ok = table.ok
    result = ws.cell(r, last, "ตรงกัน ✓" if ok else "ไม่ตรง ✗")
    result.font = GREEN if ok else RED
    return r + 1, data_rows


def _write_row(ws, r: int, label: str, row: Row, report: DistrictReport, measures, bold: bool = False) -> None:
    _body(ws.cell(r, 1, label), bold)
    nm = len(measures)
    for qi in range(len(report.quarters)):
        for mi, m in enumerate(measures):
            _number(ws.cell(r, 2 + qi * nm + mi, cell_value(row, m, qi)), m.unit, bold)
            if bold:
                ws.cell(r, 2 + qi * nm + mi).fill = TOTAL_FILL
    if bold:
        ws.cell(r, 1).fill = TOTAL_FILL


def _chart(ws, report: DistrictReport, sec: Section, rows: list[int], anchor: str) -> None:
    """A clustered bar chart of the section's first figure by subdistrict, one colour per quarter."""
    measure = sec.shown_measures[0] if sec.key == "arrears" else next(m for m in sec.measures if m.ratio)
    mi = sec.shown_measures.index(measure)
    nm = len(sec.shown_measures)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = f"{sec.title.th}รายตำบล" if sec.key == "arrears" else "PAR30 รายตำบล"
    chart.y_axis.title = "บาท" if measure.unit == SATANG else "ร้อยละ"
    chart.y_axis.numFmt = "#,##0" if measure.unit == SATANG else "0%"
    chart.x_axis.delete = False  # newer Excel hides axes whose "delete" is left unset
    chart.y_axis.delete = False
    for qi, q in enumerate(report.quarters):
        if q.as_of is None:
            continue
        c = 2 + qi * nm + mi
        series = Series(Reference(ws, min_col=c, min_row=rows[0], max_row=rows[-1]), title=q.label())
        series.graphicalProperties.solidFill = argb(palette.QUARTERS[q.no - 1])  # the quarter's colour, as on screen
        series.graphicalProperties.line.solidFill = argb(palette.QUARTERS[q.no - 1])
        chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=1, min_row=rows[0], max_row=rows[-1]))
    chart.height = CHART_ROWS * 21 / 72 * 2.54  # cm: the rows kept free for it, 21 pt each
    chart.width = 25
    ws.add_chart(chart, anchor)
