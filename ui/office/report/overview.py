"""The report's first page: charts of arrears and PAR30 by subdistrict and quarter, the district's total of
every figure by quarter, where the figures come from (each laptop's latest bundle), and the report's problems.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from exports import palette
from fieldtool.district import DistrictReport, Quarter, Section
from fieldtool.district_tally import SATANG, Measure, Table, figure_text
from ui.charts import BarChart
from ui.i18n import money_text, text_of, tr
from ui.layouts import captioned
from ui.office.report.header import GroupedHeader
from ui.office.report.model import (
    BAD_FILL,
    FUTURE_FILL,
    FUTURE_TEXT,
    QUARTER_COLOURS,
    RED,
    SOURCE_COLUMNS,
    failed_explanations,
    measure_label,
    quarter_heading,
    section_title_text,
)
from ui.qt import QHBoxLayout, QLabel, QScrollArea, Qt, QVBoxLayout, QWidget
from ui.tablemodel import Column, RowTableModel
from ui.widgets import fit_columns, make_table, section_title


@dataclass(frozen=True)
class TotalLine:
    """A line of the overview: one figure of one section, the district's total by quarter."""

    section: Section
    measure: Measure
    table: Table
    first: bool  # the section's first figure: its title is shown on this line


def chart_series(report: DistrictReport) -> list:
    out = []
    for q in report.quarters:
        text = tr("office_report.quarter_short", n=q.no)
        if q.as_of is None:
            text += f" ({tr('office_report.status.future')})"
        out.append((text, QUARTER_COLOURS[q.no - 1], q.as_of is not None))
    return out


def fill_chart(chart: BarChart, report: DistrictReport, section_key: str, measure_key: str, empty_key: str) -> None:
    """One figure of a section by subdistrict, a bar per quarter."""
    sec = report.section(section_key)
    m = next(x for x in sec.measures if x.key == measure_key)
    items = [(r.label, [r.value(m, i) for i in range(len(report.quarters))]) for r in sec.table("subdistrict").rows]
    begun = any(q.as_of for q in report.quarters)
    if m.unit == SATANG:

        def text(v):
            return money_text(round(v / 100) * 100)[:-3] if v is not None else ""  # whole baht: a chart is for the eye
    else:

        def text(v):
            return figure_text(v, m.unit) if v is not None else ""

    chart.set_data(items, chart_series(report), text, tr(empty_key) if begun else tr("office_report.chart.not_begun"))


class Overview(QScrollArea):
    """The overview page of a report: `show_report(rep)` fills it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.arrears_chart = BarChart()
        self.par30_chart = BarChart()
        self.totals = RowTableModel([], self)
        self.totals_view = make_table(self.totals)
        self.totals_view.setHorizontalHeader(GroupedHeader(self.totals_view, lines=3))
        self.totals_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.problems_title = section_title("")
        self.totals_title = section_title(tr("office_report.overview_totals"))
        self.sources_title = section_title(tr("office_report.sources"))
        self.sources = RowTableModel(SOURCE_COLUMNS, self)
        self.sources_view = make_table(self.sources)
        self.sources_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        charts = QHBoxLayout()
        charts.addWidget(captioned(section_title(tr("office_report.chart.arrears")), self.arrears_chart), 1)
        charts.addWidget(captioned(section_title(tr("office_report.chart.par30")), self.par30_chart), 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(charts)
        for widget in (self.totals_title, self.totals_view, self.sources_title, self.sources_view,
                       self.problems_title, self.problems):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setWidgetResizable(True)
        self.setWidget(page)

    def show_report(self, rep: DistrictReport) -> None:
        fill_chart(self.arrears_chart, rep, "arrears", "arrears", "office_report.chart.no_arrears")
        fill_chart(self.par30_chart, rep, "par30", "par30", "office_report.chart.no_loans")
        self._show_totals(rep)
        self._show_sources(rep)
        self._show_problems(rep)

    def _show_totals(self, rep: DistrictReport) -> None:
        lines = [TotalLine(sec, m, sec.table("subdistrict"), i == 0)
                 for sec in rep.sections for i, m in enumerate(sec.shown_measures)]
        columns = [
            Column("office_report.col.section", lambda line: section_title_text(line.section) if line.first else "",
                   bold=lambda line: True, max_width=300),
            Column("office_report.col.figure", lambda line: measure_label(line.measure), max_width=300),
        ]
        columns += [_quarter_column(qi, q) for qi, q in enumerate(rep.quarters)]
        old, self.totals = self.totals, RowTableModel(columns, self)
        self.totals_view.setModel(self.totals)
        old.deleteLater()
        self.totals.set_rows(lines)
        fit_columns(self.totals_view)  # the header asks room for a quarter's heading, three lines in bold
        line_h = self.totals_view.verticalHeader().defaultSectionSize()
        self.totals_view.setFixedHeight(self.totals_view.horizontalHeader().sizeHint().height() + len(lines) * line_h + 6)

    def _show_sources(self, rep: DistrictReport) -> None:
        self.sources.set_rows(rep.sources)
        fit_columns(self.sources_view)
        self.sources_title.setVisible(bool(rep.sources))
        self.sources_view.setVisible(bool(rep.sources))
        line_h = self.sources_view.verticalHeader().defaultSectionSize()
        self.sources_view.setFixedHeight(
            self.sources_view.horizontalHeader().sizeHint().height() + len(rep.sources) * line_h + 6)

    def _show_problems(self, rep: DistrictReport) -> None:
        self.problems_title.setText(tr("office_report.problems", n=len(rep.problems)))
        if not rep.problems:
            self.problems.setText(f"<span style='color:{palette.OK_TEXT}'>{html.escape(tr('office_report.no_problems'))}</span>")
            self.problems.setToolTip("")
            return
        items = "".join(
            f"<li><b style='color:{palette.LEVEL_TEXT.get(p.level, palette.MUTED_TEXT)}'>"
            f"{html.escape(tr(f'office_report.level.{p.level}'))}</b> {html.escape(text_of(p.text))}</li>"
            for p in rep.problems
        )
        self.problems.setText(f"<ul style='margin-left:-20px'>{items}</ul>")
        self.problems.setToolTip("\n\n".join(p.message for p in rep.problems))  # both languages


def _quarter_column(qi: int, q: Quarter) -> Column:
    def bad(line: TotalLine) -> bool:
        return line.table.cell_ok(line.measure, q.no) is False

    # the heading is the quarter's own text, not a key: tr() of an unknown key gives it back
    return Column(
        quarter_heading(q, compact=True),
        lambda line: figure_text(line.table.total.value(line.measure, qi), line.measure.unit),
        "right",
        color=lambda line: RED if bad(line) else (FUTURE_TEXT if q.as_of is None else None),
        background=lambda line: BAD_FILL if bad(line) else (FUTURE_FILL if q.as_of is None else None),
        tooltip=lambda line: "\n\n".join(failed_explanations(line.table, line.measure, q.no)),
    )
