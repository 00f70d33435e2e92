"""The district report as a landscape A4 PDF: a summary page, each section by subdistrict and by fund (with
bar charts of arrears and PAR30), then the drill-down by village as an appendix.

The small tables are the project's ruled tables (exports.pdf_common.ruled_table); the section tables are
built the same way (shaped Thai cells, the same rules, shading and bold totals row) with a second header
row so that each quarter spans its figures, and widths that give the area names room first. Under the
totals row (computed from the data) the sum of the rows is printed, and a cell whose sum differs is
shaded. Chart labels in Thai are drawn shaped, like all the project's Thai text.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import Flowable, NullDraw

from exports import palette
from exports.pdf_common import CELL, PAD, atomic_pdf, ruled_table
from exports.thai_lines import break_units, text_width
from exports.thai_text import BOLD, REGULAR, TextStyle, ThaiParagraph, draw_text, register_fonts
from fieldtool.district import DistrictReport, Section
from fieldtool.district_tally import RATIO, SATANG, Measure, Row, figure_text
from fieldtool.district_tally import Table as ReportTable
from fieldtool.thai import ZONE_TH, format_date, format_time, to_thai_digits

PAGE = landscape(A4)
MARGIN = 1.5 * cm
WIDTH = PAGE[0] - 2 * MARGIN
TEXT = TextStyle(REGULAR, 12, 16)
SMALL = TextStyle(REGULAR, 10, 13)
HEAD = TextStyle(BOLD, 14, 19)
TITLE = TextStyle(BOLD, 17, 23)
# the report's colours, as the screen and the workbook have them (exports.palette)
BAD_FILL = colors.HexColor(palette.BAD_FILL)
OK_COLOUR = colors.HexColor(palette.OK_TEXT)
BAD_COLOUR = colors.HexColor(palette.BAD_TEXT)
HEADER_FILL = colors.HexColor(palette.PRINT_HEADER_FILL)
TOTAL_FILL = colors.HexColor(palette.PRINT_TOTAL_FILL)
QUARTER_COLOURS = [colors.HexColor(c) for c in palette.QUARTERS]
LEVEL_TH = {"error": "ผิดพลาด", "warning": "ควรตรวจ", "note": "หมายเหตุ"}


def heading(report: DistrictReport) -> str:
    where = f"อำเภอ{report.district_name}" if report.district_name else f"อำเภอรหัส {report.district_code}"
    return f"รายงานผลการดำเนินงานระดับอำเภอ {where} ปีงบประมาณ {to_thai_digits(str(report.fy))}"


def write_report_pdf(report: DistrictReport, out: Path | str) -> int:
    """Write the report to `out` (atomically); return the number of pages.

    The sections by subdistrict and fund come first; the drill-down by village (some 180 rows per
    section in a district) follows as an appendix.
    """
    register_fonts()
    out = Path(out)
    pages = [0]
    story = _summary(report)
    for i, sec in enumerate(report.sections):
        # the first section after the summary page; then a section starts on the page with room for it
        story += [PageBreak() if i == 0 else CondPageBreak(9 * cm), *_section(report, sec)]
    for i, sec in enumerate(report.sections):
        title = f"ภาคผนวก {sec.title.th} รายหมู่บ้าน"
        story += [PageBreak() if i == 0 else CondPageBreak(8 * cm)]
        story += _table_block(report, sec, sec.table("village"),
                              [SectionHeading(title, title, space_after=4)])

    def footer(canv, doc):
        pages[0] = doc.page
        text = f"{heading(report)}  ข้อมูล ณ {format_date(report.on)}  หน้า {doc.page}"
        draw_text(canv, MARGIN, 0.8 * cm, to_thai_digits(text), REGULAR, 9)

    with atomic_pdf(out) as buf:
        doc = ReportDoc(buf, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=1.3 * cm,
                        bottomMargin=1.4 * cm, title=heading(report), author=report.office_name or "fieldtool")
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return pages[0]


class SectionHeading(ThaiParagraph):
    """A section's heading; pages the section continues onto get `section` at the top."""

    def __init__(self, text: str, section: str, **kw):
        super().__init__(text, HEAD, **kw)
        self.section = section


class ReportDoc(SimpleDocTemplate):
    """Adds a running head to a page that continues a section from the page before ("… (ต่อ)")."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.section = ""
        self._page_top = ""
        self._fresh = True

    def beforePage(self):
        self._page_top = self.section
        self._fresh = True

    def afterFlowable(self, flowable):
        if isinstance(flowable, SectionHeading):
            self.section = flowable.section
            if self._fresh:  # it begins at the top of this page, under its own heading
                self._page_top = ""
        # page breaks, spacers and the frame's own actions (one opens each new page) print nothing
        if not isinstance(flowable, (ActionFlowable, NullDraw)):
            self._fresh = False

    def afterPage(self):
        if self._page_top:
            text = f"{self._page_top} (ต่อ)"
            size = 9
            draw_text(self.canv, PAGE[0] - MARGIN - text_width(text, REGULAR, size), PAGE[1] - 0.85 * cm, text,
                      REGULAR, size)


# --- the first page --------------------------------------------------------------------------------------


def _summary(report: DistrictReport) -> list:
    status_th = {"closed": "สิ้นไตรมาส", "current": "ไตรมาสปัจจุบัน", "future": "ยังไม่ถึง"}
    story = [ThaiParagraph(heading(report), TITLE, align="centre")]
    if report.office_name:
        story.append(ThaiParagraph(report.office_name, TEXT, align="centre"))
    story.append(ThaiParagraph(f"ข้อมูล ณ วันที่ {format_date(report.on, 'long', thai_digits=True)}"
                               f"  จัดทำเมื่อ {_time(report.made_at, zone=True)}", TEXT, align="centre", space_after=8))
    quarters = [[q.label(), format_date(q.start, thai_digits=True), format_date(q.end, thai_digits=True),
                 format_date(q.as_of, thai_digits=True) if q.as_of else "–", status_th[q.status]]
                for q in report.quarters]
    story.append(ruled_table(["ไตรมาส", "ตั้งแต่", "ถึง", "ตัวเลข ณ วันที่", "สถานะ"], quarters, None,
                             ("left", "left", "left", "left", "left"), WIDTH * 0.7, flexible=(0,)))
    story.append(Spacer(1, 10))
    story += _sources(report)
    rows = []
    for sec in report.sections:
        total = sec.table("subdistrict").total
        for i, m in enumerate(sec.shown_measures):
            rows.append([sec.title.th if i == 0 else "", m.label.th,
                         *[figure_text(total.value(m, qi), m.unit) for qi in range(len(report.quarters))]])
    story.append(ThaiParagraph("ภาพรวมทั้งอำเภอ (ยอดรวมที่คำนวณจากข้อมูลโดยตรง)", HEAD, space_after=2))
    story.append(ruled_table(["หัวข้อ", "ตัวชี้วัด", *[q.short_label() for q in report.quarters]], rows, None,
                             ("left", "left", *["right"] * len(report.quarters)), WIDTH, flexible=(0, 1)))
    story.append(Spacer(1, 8))
    story += _check_paragraphs(report)
    return story


def _time(at, zone: bool = False) -> str:
    return to_thai_digits(format_time(at, zone=zone))


def _sources(report: DistrictReport) -> list:
    """Where the figures come from: each laptop's latest bundle, made and merged when (Thailand's time)."""
    if not report.sources:
        return []
    rows = [[src.subdistrict, src.officer or "–", to_thai_digits(str(src.bundle_seq)), _time(src.made_at),
             _time(src.received_at)] for src in report.sources]
    return [ThaiParagraph(f"ข้อมูลจากเครื่องภาคสนาม (ชุดข้อมูลล่าสุดของแต่ละเครื่อง, {ZONE_TH})", HEAD, space_after=2),
            ruled_table(["ตำบล", "เจ้าหน้าที่", "ชุดที่", "ทำเมื่อ", "นำเข้าเมื่อ"], rows, None,
                        ("left", "left", "right", "left", "left"), WIDTH, flexible=(0, 1)),
            Spacer(1, 10)]


def _check_paragraphs(report: DistrictReport) -> list:
    failed = report.failed_checks
    if not failed:
        verdict = f"ตรวจยอดรวม {len(report.checks)} ช่อง: ยอดรวมทุกช่องตรงกับผลรวมของแถว"
    else:
        verdict = f"ตรวจยอดรวม {len(report.checks)} ช่อง: ไม่ตรง {len(failed)} ช่อง"
    out = [_Coloured(ThaiParagraph(verdict, HEAD.bold(), space_after=4), OK_COLOUR if not failed else BAD_COLOUR)]
    if report.problems:
        rows = [[LEVEL_TH.get(p.level, p.level), p.text.th] for p in report.problems]  # the printed report is Thai
        out.append(ruled_table(["ระดับ", "ปัญหาและข้อสังเกต"], rows, None, ("left", "left"), WIDTH, flexible=(1,)))
    return out


class _Coloured(Flowable):
    """A flowable drawn in one fill colour (the verdict line: green when the totals add up, red if not)."""

    def __init__(self, inner: Flowable, colour):
        super().__init__()
        self.inner, self.colour = inner, colour
        self.spaceBefore, self.spaceAfter = inner.spaceBefore, inner.spaceAfter

    def wrap(self, aw, ah):
        return self.inner.wrap(aw, ah)

    def draw(self):
        self.canv.setFillColor(self.colour)
        self.inner.drawOn(self.canv, 0, 0)


# --- a section -------------------------------------------------------------------------------------------


def _section(report: DistrictReport, sec: Section) -> list:
    # the heading and description stay with the first table
    heading_ = [SectionHeading(sec.title.th, sec.title.th),  # the printed report is Thai, as its verdicts are
                ThaiParagraph(sec.about.th, SMALL, space_after=6)]
    story = []
    for table in sec.tables:
        if table.by != "village":
            story += _table_block(report, sec, table, heading_ if not story else [])
    if sec.key == "arrears":
        chart = BarChartFlowable(report, sec.table("subdistrict"), sec.shown_measures[0], f"{sec.title.th}รายตำบล (บาท)")
    elif sec.key == "par30":
        chart = BarChartFlowable(report, sec.table("subdistrict"), next(m for m in sec.measures if m.ratio),
                                 "PAR30 รายตำบล (ร้อยละ)")
    else:
        return story
    return story + [CondPageBreak(chart.height + 16), Spacer(1, 10), chart]


def _table_block(report: DistrictReport, sec: Section, table: ReportTable, before: list) -> list:
    """A table with what goes above it (a section heading, or the table's own title), and its verdict."""
    title = [] if table.by == "village" else [ThaiParagraph(table.title.th, TEXT.bold(), space_before=6, space_after=2)]
    block = [*before, *title, grouped_table(report, sec, table), *_table_verdict(table)]
    # a long table breaks across pages (its two header rows repeat); a short one stays on one page
    if len(table.rows) < 25:
        return [KeepTogether(block)]
    return [CondPageBreak(6 * cm), *block]


def _table_verdict(table: ReportTable) -> list:
    if table.ok:
        return [_Coloured(ThaiParagraph("ยอดรวมตรงกับผลรวมของแถวทุกช่อง",  # Thai, as the failed checks below
                                        SMALL, space_before=2, space_after=4), OK_COLOUR)]
    return [_Coloured(ThaiParagraph(c.reason.th if c.reason else "", SMALL, space_before=2), BAD_COLOUR)
            for c in table.checks if not c.ok]


def grouped_table(report: DistrictReport, sec: Section, table: ReportTable) -> Table:
    """A ruled table with two header rows: each quarter spans its figures; totals and the rows' sum below."""
    measures = sec.shown_measures
    nq, nm = len(report.quarters), len(measures)
    labels = 2 if table.by == "village" else 1
    label_heads = ["ตำบล", "หมู่บ้าน"] if labels == 2 else ["ตำบล" if table.by == "subdistrict" else "กองทุน"]

    def cells(row: Row) -> list[str]:
        return [figure_text(row.value(m, qi), m.unit) for qi in range(nq) for m in measures]

    body = []
    last_parent = None
    for row in table.rows:
        if labels == 2:
            body.append([row.parent_label if row.parent != last_parent else "", row.label, *cells(row)])
            last_parent = row.parent
        else:
            body.append([row.label, *cells(row)])
    pad = [""] * (labels - 1)
    total = ["รวมทั้งอำเภอ", *pad, *cells(table.total)]
    sums = ["ผลรวมของแถว (ตรวจสอบ)", *pad, *cells(table.sum_of_rows)]
    aligns = ["left"] * labels + ["right"] * (nq * nm)
    widths = grouped_widths(label_heads, [m.label.th for m in measures], body, (total, sums),
                            [quarter_heading(q) for q in report.quarters], labels)
    bold = CELL.bold()
    head1 = [ThaiParagraph(h, bold, align="centre") for h in label_heads]
    for q in report.quarters:
        head1 += [ThaiParagraph(quarter_heading(q), bold, align="centre")] + [""] * (nm - 1)
    head2 = [""] * labels + [ThaiParagraph(m.label.th, bold, align="centre") for _ in report.quarters for m in measures]
    data = [head1, head2]
    # the figures (right-aligned) never wrap: should the page be too narrow for them, they shrink
    data += [[ThaiParagraph(c, CELL, align=a, fit=a == "right") for c, a in zip(r, aligns, strict=True)]
             for r in body]
    data.append([ThaiParagraph(c, bold, align=a, fit=a == "right") for c, a in zip(total, aligns, strict=True)])
    data.append([ThaiParagraph(c, CELL, align=a, fit=a == "right") for c, a in zip(sums, aligns, strict=True)])
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, -2), (-1, -2), TOTAL_FILL),
        ("LINEABOVE", (0, -2), (-1, -2), 1.2, colors.black),
    ]
    for c in range(labels):
        style.append(("SPAN", (c, 0), (c, 1)))
    if labels == 2:
        style.append(("SPAN", (0, -2), (1, -2)))
        style.append(("SPAN", (0, -1), (1, -1)))
    for qi in range(nq):
        c0 = labels + qi * nm
        if nm > 1:
            style.append(("SPAN", (c0, 0), (c0 + nm - 1, 0)))
        for mi, m in enumerate(measures):
            if table.cell_ok(m, report.quarters[qi].no) is False:
                style.append(("BACKGROUND", (c0 + mi, -1), (c0 + mi, -1), BAD_FILL))
    if labels == 1:
        return Table(data, colWidths=widths, repeatRows=2, style=TableStyle(style), hAlign="CENTER")
    t = VillageTable(data, colWidths=widths, repeatRows=2, style=TableStyle(style), hAlign="CENTER")
    t.group_labels = [None, None, *[r.parent_label for r in table.rows], None, None]
    return t


class VillageTable(Table):
    """The village table names a subdistrict on its first village only, and again where a page breaks it."""

    group_labels: list | None = None  # per row of data: the subdistrict to name if a page begins there

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        labels = self.group_labels
        if len(parts) == 2 and labels:
            head, rest = parts
            n, repeat = len(head._cellvalues), rest.repeatRows
            head.group_labels = labels[:n]
            rest.group_labels = labels[:repeat] + labels[n:]
            row = list(rest._cellvalues[repeat])
            cell = row[0][0] if isinstance(row[0], (list, tuple)) and row[0] else row[0]  # Table keeps flowables in a list
            if labels[n] and isinstance(cell, ThaiParagraph) and not cell.text:
                row[0] = [ThaiParagraph(labels[n], CELL)]
                rest._cellvalues[repeat] = row
                rest._argH[repeat] = None  # measure the row again with the name in it
        return parts


def quarter_heading(q) -> str:
    """"ไตรมาส ๑" over "(ต.ค.–ธ.ค. ๒๕๖๙)": the months never split across lines."""
    return q.label().replace(" (", "\n(", 1)


def grouped_widths(label_heads, measure_heads, body, totals, quarter_headings, labels: int) -> list[float]:
    """Column widths of a grouped table filling the page width.

    Area names first: the label columns get room for their longest name, the figures columns for their
    widest figure (bold in the totals row), the longest word of their heading and, together, their
    quarter's heading; what is left widens the figures columns so their headings wrap less. Only when
    even that is too wide do the names wrap (never below their longest word), then everything shrinks.
    """
    sw = text_width
    pad = 2 * PAD + 2
    n = len(body[0]) if body else labels + len(quarter_headings) * len(measure_heads)
    nm = len(measure_heads)

    def words(text, font):
        return max([sw(text[a:b], font, CELL.size) for a, b, space in break_units(text) if not space] or [0.0])

    label_full, label_min = [], []
    for c in range(labels):
        texts = [r[c] for r in body] + [label_heads[c]]
        label_full.append(max(sw(t, REGULAR, CELL.size) for t in texts) + pad)
        label_min.append(max(words(t, REGULAR) for t in texts) + pad)
    # the totals rows' names span every label column
    spanned = max(sw(r[0], BOLD, CELL.size) for r in totals) + pad
    if sum(label_full) < spanned:
        label_full[-1] += spanned - sum(label_full)
    figures = []
    for c in range(labels, n):
        cells = max(sw(r[c], REGULAR, CELL.size) for r in body) if body else 0.0
        bold = max(sw(r[c], BOLD, CELL.size) for r in totals)
        figures.append(max(cells, bold, words(measure_heads[(c - labels) % nm], BOLD)) + pad)
    for qi, heading in enumerate(quarter_headings):  # each quarter's figures together under its heading
        need = max(sw(line, BOLD, CELL.size) for line in heading.split("\n")) + pad
        group = figures[qi * nm:(qi + 1) * nm]
        if sum(group) < need:
            for k in range(nm):
                figures[qi * nm + k] += (need - sum(group)) / nm
    spare = WIDTH - sum(label_full) - sum(figures)
    if spare >= 0:
        return label_full + [w + spare / len(figures) for w in figures]
    shrink = sum(label_full) - sum(label_min)
    if shrink >= -spare:
        k = -spare / shrink
        return [f - (f - m) * k for f, m in zip(label_full, label_min, strict=True)] + figures
    widths = label_min + figures
    return [w * WIDTH / sum(widths) for w in widths]


# --- the chart ---------------------------------------------------------------------------------------------


class BarChartFlowable(Flowable):
    """Bars of one figure by subdistrict, one bar per quarter; Thai names and the legend drawn shaped."""

    LABEL_SIZE = 10

    def __init__(self, report: DistrictReport, table: ReportTable, measure: Measure, title: str,
                 width: float = WIDTH, height: float = 6.5 * cm):
        super().__init__()
        self.report, self.table, self.measure, self.title = report, table, measure, title
        self.width, self.height = width, height
        self.live = [qi for qi, q in enumerate(report.quarters) if q.as_of]
        names = [r.label for r in table.rows]
        widest = max((text_width(n, REGULAR, self.LABEL_SIZE) for n in names), default=0)
        slot = (width - 70) / max(1, len(names))
        self.rotate = widest > slot - 4
        self.label_room = (widest * 0.5 + 14) if self.rotate else 16

    def wrap(self, aw, ah):
        return self.width, self.height

    def _values(self, qi: int) -> list[float]:
        scale = 1 / 100 if self.measure.unit == SATANG else (100 if self.measure.unit == RATIO else 1)
        return [(r.value(self.measure, qi) or 0) * scale for r in self.table.rows]

    def draw(self):
        canv = self.canv
        n = len(self.table.rows)
        if not n or not self.live:
            return
        top_room = 34  # title and legend
        chart = VerticalBarChart()
        chart.x, chart.y = 60, self.label_room
        chart.width, chart.height = self.width - 70, self.height - self.label_room - top_room
        chart.data = [self._values(qi) for qi in self.live]
        chart.categoryAxis.categoryNames = [""] * n  # the Thai names are drawn below, shaped
        chart.categoryAxis.labels.fontName = REGULAR
        chart.valueAxis.valueMin = 0
        chart.valueAxis.labels.fontName = REGULAR
        chart.valueAxis.labels.fontSize = 9
        chart.valueAxis.labelTextFormat = (lambda v: f"{v:,.0f}") if self.measure.unit != RATIO else (lambda v: f"{v:.0f}%")
        chart.valueAxis.visibleGrid = True
        chart.valueAxis.gridStrokeColor = colors.HexColor(palette.CHART_GRID)
        chart.barSpacing = 1
        chart.groupSpacing = 6
        for i, qi in enumerate(self.live):
            chart.bars[i].fillColor = QUARTER_COLOURS[self.report.quarters[qi].no - 1]
            chart.bars[i].strokeColor = None
        drawing = Drawing(self.width, self.height)
        drawing.add(chart)
        renderPDF.draw(drawing, canv, 0, 0)
        canv.setFillColor(colors.black)
        draw_text(canv, 0, self.height - 13, self.title, BOLD, 12)
        # legend: a swatch and the quarter's label, left to right
        x = 0
        for qi in self.live:
            q = self.report.quarters[qi]
            canv.setFillColor(QUARTER_COLOURS[q.no - 1])
            canv.rect(x, self.height - 29, 9, 9, stroke=0, fill=1)
            canv.setFillColor(colors.black)
            label = q.label()
            draw_text(canv, x + 12, self.height - 28, label, REGULAR, self.LABEL_SIZE)
            x += 12 + text_width(label, REGULAR, self.LABEL_SIZE) + 14
        slot = chart.width / n
        for i, row in enumerate(self.table.rows):
            cx = chart.x + (i + 0.5) * slot
            w = text_width(row.label, REGULAR, self.LABEL_SIZE)
            if self.rotate:
                canv.saveState()
                canv.translate(cx + 3, chart.y - 6)
                canv.rotate(30)
                draw_text(canv, -w, -self.LABEL_SIZE * 0.7, row.label, REGULAR, self.LABEL_SIZE)
                canv.restoreState()
            else:
                draw_text(canv, cx - w / 2, chart.y - 12, row.label, REGULAR, self.LABEL_SIZE)
