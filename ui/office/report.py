"""รายงานระดับอำเภอ: the district report page of the office window, from `fieldtool.district.district_report`.

The clerk picks the fiscal year (and one quarter if wanted) and how rows are broken down; the page shows
whether every total adds up (a green or red banner, failing cells in red), charts of arrears and PAR30
by subdistrict, one table per section (rows × fiscal quarters, a bold totals row computed from the data),
the report's problems, and saves the same report as Excel or PDF. The page only shows what the domain
computed: no figure is added up here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from db import Database
from exports.report_pdf import write_report_pdf
from exports.report_xlsx import check_writable, write_report_xlsx
from fieldtool.district import (
    SATANG,
    DistrictReport,
    Measure,
    Quarter,
    Row,
    Section,
    Table,
    district_code_of,
    district_report,
    figure_text,
    fiscal_quarters,
)
from fieldtool.loanbook import FUND_KINDS
from fieldtool.models import District, Village
from fieldtool.thai import BE_OFFSET, MONTHS_EN, MONTHS_SHORT, InputError, fiscal_year, thai_sort_key
from ui import worker
from ui.i18n import day_text, domain_label, language, local_time_text, long_day_text, money_text, strings, tr
from ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QColor,
    QComboBox,
    QFileDialog,
    QFont,
    QFontMetrics,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QModelIndex,
    QPainter,
    QPen,
    QPushButton,
    QRect,
    QRectF,
    QScrollArea,
    QSize,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.tablemodel import Column, RowTableModel
from ui.widgets import MessageBar, fit_columns, make_table, section_title

GROUP_ROLE = Qt.ItemDataRole.UserRole + 1  # header: (quarter heading, first column, last column)
ROW_ROLE = Qt.ItemDataRole.UserRole  # data: the domain Row of a line

RED = QColor("#8e1c1c")
BAD_FILL = QColor("#f8cbad")  # the exports shade a failing cell the same way
TOTAL_FILL = QColor("#e8eaed")
FUTURE_FILL = QColor("#f3f3f3")
FUTURE_TEXT = QColor("#9e9e9e")
HEADER_FILL = QColor("#eceff1")
GRID = QColor("#b0bec5")
# one colour per fiscal quarter (as in the PDF), told apart in grey print too
QUARTER_COLOURS = [QColor(c) for c in ("#9ecae1", "#4292c6", "#2171b5", "#08306b")]
BANNER_STYLES = {
    "ok": ("#e8f5e9", "#1b5e20", "#81c784"),
    "bad": ("#fdecea", "#8e1c1c", "#e57373"),
    "plain": ("#eceff1", "#37474f", "#b0bec5"),
}
BREAKDOWNS = ("subdistrict", "village", "fund")
EXPORT_FILTERS = {"xlsx": "Excel (*.xlsx)", "pdf": "PDF (*.pdf)"}


# --- what the page shows, in the screen's language ---------------------------------------------------------

_THAI = re.compile(r"[\u0e00-\u0e7f]")


def _groups(text: str) -> list[tuple[int, int]]:
    """(start, end) of every top-level "( … )" group of `text`."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append((start, i + 1))
    return out


def _is_english(group: str) -> bool:
    # The domain's English halves are sentences ("(village 34160102: subdistrict … )"); a Thai aside
    # or a unit ("(บาท)") is not. Amounts inside the English half keep their "บาท", hence the ratio.
    inner = group[1:-1]
    words = re.findall(r"[A-Za-z]{3,}", inner)
    return bool(words) and len(_THAI.findall(inner)) < 0.25 * len(inner)


def in_language(text: str) -> str:
    """One half of the domain's "Thai (English)" sentences, in the screen's language.

    Thai: the text without its English asides. English: the English asides of each part of the text
    (parts are joined by " — "); a part without one is kept as it is. The banner and the lists keep the
    whole sentence in their tooltip.
    """
    parts = text.split(" — ")
    out = []
    for part in parts:
        groups = [(a, b) for a, b in _groups(part) if _is_english(part[a:b])]
        if language() == "th":
            for a, b in reversed(groups):
                part = part[:a].rstrip() + part[b:]
            out.append(part.strip())
        else:
            out.append("; ".join(part[a + 1 : b - 1] for a, b in groups) if groups else part.strip())
    return " — ".join(p for p in out if p)


def months_text(q: Quarter) -> str:
    if language() == "th":
        return f"{MONTHS_SHORT[q.start.month - 1]}–{MONTHS_SHORT[q.end.month - 1]} {q.start.year + BE_OFFSET}"
    return f"{MONTHS_EN[q.start.month - 1]}–{MONTHS_EN[q.end.month - 1]} {q.start.year}"


def quarter_status(q: Quarter) -> str:
    """How far a quarter is taken: at its end, up to the report day, or not at all."""
    if q.status == "current":
        return tr("office_report.status.current", day=day_text(q.as_of))
    return tr(f"office_report.status.{q.status}")


def quarter_heading(q: Quarter, compact: bool = False) -> str:
    """ "ไตรมาส 1 (ต.ค.–ธ.ค. 2569)" and, on a second line, how far it is taken (three narrower lines if compact)."""
    if compact:
        return f"{tr('office_report.quarter_short', n=q.no)}\n{months_text(q)}\n{quarter_status(q)}"
    return f"{tr('office_report.quarter_item', n=q.no, months=months_text(q))}\n{quarter_status(q)}"


def measure_label(m: Measure) -> str:
    if language() == "th":
        return m.label
    text = m.label_en[:1].upper() + m.label_en[1:]
    return f"{text} ({tr('office_report.baht')})" if m.unit == SATANG else text


def section_title_text(sec: Section) -> str:
    return sec.title if language() == "th" else sec.title_en


def section_about(sec: Section) -> str:
    if language() == "th":
        return sec.description
    key = f"office_report.about.{sec.key}"
    return tr(key) if key in strings() else sec.description


def row_label(row: Row, by: str) -> str:
    if row.key == "total":
        return tr("office_report.total_row")
    if row.key == "sum":
        return tr("office_report.sum_row")
    if by == "fund":
        return domain_label(FUND_KINDS, "office_report.fund", row.key)
    if row.parent_label:
        return f"{row.parent_label}  {row.label}"
    return row.label


def cell_ok(table: Table, m: Measure, quarter: int) -> bool | None:
    """Whether a column's total matches its rows (a ratio: both its parts); None when not checked."""
    checks = [table.check(k, quarter) for k in (m.ratio or (m.key,))]
    if not checks or any(c is None for c in checks):
        return None
    return all(c.ok for c in checks)


def failed_explanations(table: Table, m: Measure, quarter: int) -> list[str]:
    return [c.explanation for k in (m.ratio or (m.key,)) if (c := table.check(k, quarter)) and not c.ok]


# Each laptop's latest bundle: how recent the figures of its subdistrict are.
SOURCE_COLUMNS = [
    Column("office.col.subdistrict", lambda src: src.subdistrict, max_width=260),
    Column("office.col.officer", lambda src: src.officer or "–", max_width=260),
    Column("office.col.bundle_no", lambda src: str(src.bundle_seq), "right"),
    Column("office_report.col.made_at", lambda src: local_time_text(src.made_at), sort_key=lambda src: src.made_at),
    Column("office.col.imported_at", lambda src: local_time_text(src.received_at),
           sort_key=lambda src: src.received_at),
]


# --- loading -------------------------------------------------------------------------------------------------


class SeveralDistricts(Exception):
    """The office database holds more than one district and no `district_code` says which is ours."""

    def __init__(self, codes: list[str]):
        super().__init__(", ".join(codes))
        self.codes = codes


def load_report(db: Database, fy: int, on: date, quarter: int | None) -> DistrictReport | None:
    """The report, or None while nothing has been imported into the office database (runs off the UI thread)."""
    with db.session() as s:
        if not s.scalar(select(func.count()).select_from(Village)):
            return None
        try:
            district_code_of(s)
        except InputError:
            raise SeveralDistricts(sorted(set(s.scalars(select(District.code))))) from None
        return district_report(s, fy, on, quarter=quarter)


# --- a section's table ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Col:
    qi: int  # index into report.quarters
    quarter: Quarter
    measure: Measure
    first: int  # the columns of this quarter, for the two-tier header
    last: int


class ReportTableModel(QAbstractTableModel):
    """One table of a section: area (or fund) rows × quarter-and-measure columns, then the totals row.

    The totals row is the one the domain computed from the data; under it the sum of the rows is shown
    only when some total does not match it, with the failing cells shaded and explained in their tooltip.
    Sorting moves the area rows only; the totals stay at the bottom.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.report: DistrictReport | None = None
        self.section: Section | None = None
        self.table: Table | None = None
        self.by = "subdistrict"
        self._rows: list[Row] = []
        self._pinned: list[Row] = []
        self._cols: list[_Col] = []

    def set_table(self, report: DistrictReport, section: Section, table: Table) -> None:
        self.beginResetModel()
        self.report, self.section, self.table, self.by = report, section, table, table.by
        self._rows = list(table.rows)
        self._pinned = [table.total] + ([] if table.ok else [table.sum_of_rows])
        measures = section.shown_measures
        self._cols = []
        for qi, q in enumerate(report.quarters):
            first = 1 + qi * len(measures)
            for m in measures:
                self._cols.append(_Col(qi, q, m, first, first + len(measures) - 1))
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.report = self.section = self.table = None
        self._rows, self._pinned, self._cols = [], [], []
        self.endResetModel()

    @property
    def lines(self) -> list[Row]:
        return self._rows + self._pinned

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008  (Qt's own default)
        return 0 if parent.isValid() else len(self._rows) + len(self._pinned)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.table is None else 1 + len(self._cols)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < self.rowCount()) or self.table is None:
            return None
        row = self.lines[index.row()]
        pinned = index.row() >= len(self._rows)
        if role == ROW_ROLE:
            return row
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return row_label(row, self.by)
            if role == Qt.ItemDataRole.FontRole and row.key == "total":
                return _bold()
            if role == Qt.ItemDataRole.BackgroundRole and pinned:
                return TOTAL_FILL
            if role == Qt.ItemDataRole.ToolTipRole and row.key == "total":
                return tr("office_report.total_row")
            return None
        col = self._cols[index.column() - 1]
        value = row.value(col.measure, col.qi)
        future = col.quarter.as_of is None
        bad = pinned and cell_ok(self.table, col.measure, col.quarter.no) is False
        if role == Qt.ItemDataRole.DisplayRole:
            return figure_text(value, col.measure.unit)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.FontRole and row.key == "total":
            return _bold()
        if role == Qt.ItemDataRole.BackgroundRole:
            if bad:
                return BAD_FILL
            if future:
                return FUTURE_FILL
            return TOTAL_FILL if pinned else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if bad:
                return RED
            return FUTURE_TEXT if future else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if future:
                return tr("office_report.not_reached")
            if bad:
                return "\n\n".join(
                    in_language(e) for e in failed_explanations(self.table, col.measure, col.quarter.no)
                )
            return None
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if section == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(f"office_report.head.{self.by}")
            return None
        col = self._cols[section - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return measure_label(col.measure)
        if role == GROUP_ROLE:
            return (quarter_heading(col.quarter), col.first, col.last)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{quarter_heading(col.quarter)}\n{measure_label(col.measure)}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if self.table is None or not 0 <= column < self.columnCount():
            return
        emit(self.layoutAboutToBeChanged)
        old = self.persistentIndexList()
        held = [self.lines[i.row()] if i.isValid() else None for i in old]
        if column == 0:
            self._rows.sort(key=lambda r: thai_sort_key(row_label(r, self.by)))
            if order == Qt.SortOrder.DescendingOrder:
                self._rows.reverse()
        else:
            col = self._cols[column - 1]
            known = [r for r in self._rows if r.value(col.measure, col.qi) is not None]
            unknown = [r for r in self._rows if r.value(col.measure, col.qi) is None]
            known.sort(
                key=lambda r: r.value(col.measure, col.qi), reverse=order == Qt.SortOrder.DescendingOrder
            )
            self._rows = known + unknown
        where = {id(r): n for n, r in enumerate(self.lines)}
        self.changePersistentIndexList(
            old,
            [
                self.index(where[id(r)], i.column()) if r is not None else QModelIndex()
                for i, r in zip(old, held, strict=True)
            ],
        )
        emit(self.layoutChanged)

    # --- for the page and its tests ---------------------------------------------------------------------

    def column_of(self, quarter_no: int, measure_key: str) -> int:
        return 1 + next(
            i for i, c in enumerate(self._cols) if c.quarter.no == quarter_no and c.measure.key == measure_key
        )

    def row_of(self, label: str) -> int:
        return next(i for i, r in enumerate(self.lines) if row_label(r, self.by) == label)


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class GroupedHeader(QHeaderView):
    """A two-tier header: each quarter spans its figures (as the printed report has it), then the figures.

    Qt's header has one tier; this one paints both in every section, clipped to the section, so a quarter's
    heading reads as one cell across its columns however the header is repainted.
    """

    def __init__(self, parent=None, lines: int = 4):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.lines = lines  # the height in lines of text: two tiers of two lines, or one tier
        self.setSectionsClickable(True)
        self.setHighlightSections(False)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

    def _line(self) -> int:
        return self.fontMetrics().height()

    def group_height(self) -> int:
        return 2 * self._line() + 10

    def sizeHint(self) -> QSize:
        size = super().sizeHint()
        size.setHeight(self.lines * self._line() + (22 if self.lines > 2 else 12))
        return size

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        if not rect.isValid() or self.model() is None:
            return
        model = self.model()
        text = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or ""
        group = model.headerData(logical, Qt.Orientation.Horizontal, GROUP_ROLE)
        if self.isSortIndicatorShown() and self.sortIndicatorSection() == logical:
            text += " ▲" if self.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder else " ▼"
        painter.save()
        painter.setClipRect(rect)
        painter.fillRect(rect, HEADER_FILL)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(self.palette().text().color())
        wrap = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        top = self.group_height()
        if group is None:  # the label column: one cell over both tiers
            painter.drawText(rect.adjusted(6, 2, -6, -2), wrap, text)
        else:
            heading, first, last = group
            x0 = self.sectionViewportPosition(first)
            x1 = self.sectionViewportPosition(last) + self.sectionSize(last)
            span = QRect(x0, rect.top(), x1 - x0, top)
            painter.drawText(span.adjusted(4, 2, -4, -2), wrap, heading)
            painter.setPen(QPen(GRID))
            painter.drawLine(x0, rect.top() + top, x1, rect.top() + top)
            painter.setPen(self.palette().text().color())
            painter.setFont(self.font())
            below = QRect(rect.left(), rect.top() + top, rect.width(), rect.height() - top)
            painter.drawText(below.adjusted(4, 2, -4, -2), wrap, text)
            if logical == first:  # a stronger rule between quarters
                painter.setPen(QPen(GRID.darker(130)))
                painter.drawLine(rect.left(), rect.top(), rect.left(), rect.bottom())
        painter.setPen(QPen(GRID))
        painter.drawLine(
            rect.right(),
            rect.top() + (0 if group is None or logical == group[2] else top),
            rect.right(),
            rect.bottom(),
        )
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())
        painter.restore()


def report_table_view(model: ReportTableModel) -> QTableView:
    view = QTableView()
    view.setHorizontalHeader(GroupedHeader(view))
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    # Thai marks above and below need more height than Qt's default row.
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    header.setSortIndicatorShown(True)
    return view


def fit_report_columns(view: QTableView) -> None:
    """Widths from the texts: the area names, the figures, each measure's label in at most two lines and
    each quarter's heading across its columns."""
    model: ReportTableModel = view.model()
    if model.table is None:
        return
    header = view.horizontalHeader()
    fm = view.fontMetrics()
    bold = QFont(view.font())
    bold.setBold(True)
    bm = QFontMetrics(bold)
    labels = [row_label(r, model.by) for r in model.lines] + [tr(f"office_report.head.{model.by}")]
    header.resizeSection(0, min(360, max(bm.horizontalAdvance(t) for t in labels) + 24))
    widths = {}
    for c in range(1, model.columnCount()):
        texts = [model.index(r, c).data() for r in range(model.rowCount())]
        need = max((bm.horizontalAdvance(t) for t in texts), default=0) + 20
        label = model.headerData(c, Qt.Orientation.Horizontal) + " ▼"
        need = max(need, _two_line_width(fm, label) + 12, 72)
        widths[c] = need
    # a quarter's heading must fit across its columns
    for c in range(1, model.columnCount()):
        heading, first, last = model.headerData(c, Qt.Orientation.Horizontal, GROUP_ROLE)
        if c != first:
            continue
        span = sum(widths[k] for k in range(first, last + 1))
        lacking = max(bm.horizontalAdvance(line) for line in heading.split("\n")) + 16 - span
        if lacking > 0:
            for k in range(first, last + 1):
                widths[k] += lacking // (last - first + 1) + 1
    for c, w in widths.items():
        header.resizeSection(c, w)


def _two_line_width(fm: QFontMetrics, text: str) -> int:
    """The narrowest width that shows `text` in at most two lines (breaking at spaces)."""
    whole = fm.horizontalAdvance(text)
    words = text.split(" ")
    if len(words) == 1:
        return whole
    best = whole
    for i in range(1, len(words)):
        best = min(
            best, max(fm.horizontalAdvance(" ".join(words[:i])), fm.horizontalAdvance(" ".join(words[i:])))
        )
    return best


# --- charts ----------------------------------------------------------------------------------------------------


class QuarterBars(QWidget):
    """Horizontal bars, one group per area and one bar per quarter, each labelled with its value.

    Drawn with QPainter (PySide6-Essentials has no QtCharts), like the plans summary's chart; Qt shapes the
    Thai labels itself. Horizontal, so 14 subdistrict names stay readable at any width.
    """

    BAR = 13
    GAP = 4

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[tuple[str, list[float | int | None]]] = []
        self.series: list[tuple[str, QColor, bool]] = []  # (legend text, colour, reached)
        self.value_text = str
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(140)

    def set_data(self, items, series, value_text, empty_text: str) -> None:
        """`items`: (label, value per series); `series`: (legend, colour, reached); no value drawn as empty."""
        self.items = list(items)
        self.series = list(series)
        self.value_text = value_text
        self.empty_text = empty_text
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    def has_bars(self) -> bool:
        return any(v for _, values in self.items for v in values if v)

    def _reached(self) -> list[int]:
        return [i for i, (_t, _c, reached) in enumerate(self.series) if reached]

    def _height(self, width: int | None = None) -> int:
        line = QFontMetrics(self.font()).height()
        if not self.has_bars():
            return line * 3 + 40
        legend_lines = 1 + max(y for _x, y in self._legend(width or self.width()))
        return legend_lines * line + 16 + len(self.items) * self._per() + 8

    def _legend(self, width: int) -> list[tuple[int, int]]:
        """Where each quarter's key goes: (x, line), onto a new line when the width runs out."""
        metrics = QFontMetrics(self.font())
        out, x, y = [], 8, 0
        for text, _colour, _reached in self.series:
            need = 16 + metrics.horizontalAdvance(text) + 18
            if x > 8 and x + need - 18 > width - 8:
                x, y = 8, y + 1
            out.append((x, y))
            x += need
        return out or [(8, 0)]

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        height = self._height(event.size().width())
        if height != self.minimumHeight():  # the legend may take one line more or less
            self.setMinimumHeight(height)

    def _per(self) -> int:
        """The height of one area's group of bars."""
        line = QFontMetrics(self.font()).height()
        return max(len(self._reached()) * (self.BAR + self.GAP) + 8, line + 6)

    def _value_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.85)
        return font

    def sizeHint(self) -> QSize:
        return QSize(420, self._height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        if not self.has_bars():
            painter.setPen(QColor("#546e7a"))
            painter.drawText(
                self.rect().adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            painter.end()
            return
        # the legend: every quarter, those not reached yet in grey
        legend = self._legend(self.width())
        for (text, colour, reached), (x, ly) in zip(self.series, legend, strict=False):
            y = 8 + ly * line
            painter.fillRect(QRectF(x, y + (line - 12) / 2, 12, 12), colour if reached else FUTURE_FILL)
            painter.setPen(self.palette().text().color() if reached else FUTURE_TEXT)
            painter.drawText(
                QRectF(x + 16, y, metrics.horizontalAdvance(text) + 4, line),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                text,
            )
        reached = self._reached()
        top = (1 + max(ly for _x, ly in legend)) * line + 16
        label_w = max(metrics.horizontalAdvance(label) for label, _ in self.items) + 16
        bold = self._value_font()
        bm = QFontMetrics(bold)
        texts = [self.value_text(v) for _, values in self.items for v in values if v is not None]
        value_w = max((bm.horizontalAdvance(t) for t in texts), default=0) + 12
        room = max(10, self.width() - label_w - value_w - 16)
        biggest = max((v for _, values in self.items for v in values if v), default=0) or 1
        per = self._per()
        for n, (label, values) in enumerate(self.items):
            y = top + n * per
            if n:
                painter.setPen(QPen(QColor("#e0e0e0")))
                painter.drawLine(8, int(y), self.width() - 8, int(y))
            painter.setPen(self.palette().text().color())
            painter.setFont(self.font())
            painter.drawText(
                QRectF(8, y, label_w - 12, per),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                label,
            )
            bars_h = len(reached) * (self.BAR + self.GAP) - self.GAP
            by = y + (per - bars_h) / 2
            painter.setFont(bold)
            for k, si in enumerate(reached):
                value = values[si]
                width = room * (value or 0) / biggest
                bar = QRectF(label_w, by + k * (self.BAR + self.GAP), max(width, 2 if value else 0), self.BAR)
                painter.fillRect(bar, self.series[si][1])
                painter.setPen(self.palette().text().color())
                painter.drawText(
                    QRectF(label_w + width + 5, bar.top() - 4, value_w, self.BAR + 8),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    self.value_text(value),
                )
        painter.end()


def chart_series(report: DistrictReport) -> list[tuple[str, QColor, bool]]:
    out = []
    for q in report.quarters:
        text = tr("office_report.quarter_short", n=q.no)
        if q.as_of is None:
            text += f" ({tr('office_report.status.future')})"
        out.append((text, QUARTER_COLOURS[q.no - 1], q.as_of is not None))
    return out


def fill_chart(
    chart: QuarterBars, report: DistrictReport, section_key: str, measure_key: str, empty_key: str
) -> None:
    sec = report.section(section_key)
    m = next(x for x in sec.measures if x.key == measure_key)
    table = sec.table("subdistrict")
    items = [(r.label, [r.value(m, i) for i in range(len(report.quarters))]) for r in table.rows]
    begun = any(q.as_of for q in report.quarters)
    if m.unit == SATANG:

        def text(v):
            # whole baht: a chart is for the eye
            return money_text(round(v / 100) * 100)[:-3] if v is not None else ""
    else:

        def text(v):
            return figure_text(v, m.unit) if v is not None else ""

    chart.set_data(
        items, chart_series(report), text, tr(empty_key) if begun else tr("office_report.chart.not_begun")
    )


# --- the page ----------------------------------------------------------------------------------------------------


def _titled(title: QLabel | str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(title if isinstance(title, QLabel) else section_title(title))
    layout.addWidget(widget, 1)
    return box


class SectionPage(QWidget):
    """One section: its title, how its figures are taken, the table, and its totals that do not match."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = section_title("")
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setStyleSheet("QLabel { color: #546e7a; }")
        self.note = QLabel()
        self.note.setStyleSheet("QLabel { color: #8d6e00; }")
        self.note.hide()
        self.model = ReportTableModel(self)
        self.view = report_table_view(self.model)
        self.failures = QLabel()
        self.failures.setWordWrap(True)
        self.failures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.failures.setStyleSheet(
            "QLabel { background: #fdecea; color: #8e1c1c; padding: 6px 10px; border-radius: 4px; }"
        )
        self.failures.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.about)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.failures)

    def show_section(self, report: DistrictReport, sec: Section, by: str) -> None:
        kinds = {t.by for t in sec.tables}
        shown = by if by in kinds else "subdistrict"
        table = sec.table(shown)
        self.title.setText(section_title_text(sec))
        self.about.setText(section_about(sec))
        self.note.setText(tr("office_report.no_fund_table"))
        self.note.setVisible(shown != by)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_table(report, sec, table)
        fit_report_columns(self.view)
        failed = [c for c in table.checks if not c.ok]
        if failed:
            lines = [in_language(c.explanation) for c in failed[:6]]
            if len(failed) > 6:
                lines.append(tr("office_report.more", n=len(failed) - 6))
            self.failures.setText(
                tr("office_report.failed_here", n=len(failed)) + "\n• " + "\n• ".join(lines)
            )
            self.failures.setToolTip("\n".join(c.explanation for c in failed))
        self.failures.setVisible(bool(failed))


@dataclass(frozen=True)
class TotalLine:
    """A line of the overview: one figure of one section, the district's total by quarter."""

    section: Section
    measure: Measure
    table: Table
    first: bool  # the section's first figure: its title is shown on this line


class DistrictReportView(QWidget):
    """The district report page: `refresh()` loads in the background, `loaded` follows each load shown."""

    loaded = Signal()
    exported = Signal(str)  # the path of a file just saved

    def __init__(self, db: Database, day: date, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.stale = True
        self.report: DistrictReport | None = None
        self.empty = False  # nothing imported into the office database yet
        self._generation = 0
        self._fy_follows_day = True

        self.title = section_title(tr("office_report.page"))
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("QLabel { color: #546e7a; }")

        self.fy_box = QComboBox()
        self.quarter_box = QComboBox()
        self.by_box = QComboBox()
        for by in BREAKDOWNS:
            self.by_box.addItem(tr(f"office_report.by.{by}"), by)
        self.xlsx_button = QPushButton(tr("office_report.export_xlsx"))
        self.pdf_button = QPushButton(tr("office_report.export_pdf"))
        self.xlsx_button.clicked.connect(lambda: self._ask_and_export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self._ask_and_export("pdf"))
        self._fill_years()
        self._fill_quarters()
        self.fy_box.activated.connect(self._fy_chosen)
        self.quarter_box.activated.connect(lambda _i: self.refresh())
        self.by_box.currentIndexChanged.connect(lambda _i: self._show_sections())
        controls = QHBoxLayout()
        for label, box in (
            (tr("office_report.fy"), self.fy_box),
            (tr("office_report.quarter"), self.quarter_box),
            (tr("office_report.by"), self.by_box),
        ):
            controls.addWidget(QLabel(label))
            controls.addWidget(box)
            controls.addSpacing(12)
        controls.addStretch(1)
        controls.addWidget(self.xlsx_button)
        controls.addWidget(self.pdf_button)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        self.message = MessageBar()

        # the overview: charts, the district's totals by quarter, the problems
        self.arrears_chart = QuarterBars()
        self.par30_chart = QuarterBars()
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
        charts.addWidget(_titled(tr("office_report.chart.arrears"), self.arrears_chart), 1)
        charts.addWidget(_titled(tr("office_report.chart.par30"), self.par30_chart), 1)
        overview = QWidget()
        ov = QVBoxLayout(overview)
        ov.addLayout(charts)
        ov.addWidget(self.totals_title)
        ov.addWidget(self.totals_view)
        ov.addWidget(self.sources_title)
        ov.addWidget(self.sources_view)
        ov.addWidget(self.problems_title)
        ov.addWidget(self.problems)
        ov.addStretch(1)
        self.overview = QScrollArea()
        self.overview.setWidgetResizable(True)
        self.overview.setWidget(overview)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.overview)
        self.section_pages: dict[str, SectionPage] = {}
        self.contents = QListWidget()
        self.contents.setStyleSheet("QListWidget::item { padding: 4px 6px; }")
        self.contents.addItem(QListWidgetItem(tr("office_report.overview")))
        self.contents.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.contents.setCurrentRow(0)

        self.report_area = QSplitter(Qt.Orientation.Horizontal)
        self.report_area.addWidget(self.contents)
        self.report_area.addWidget(self.pages)
        self.report_area.setStretchFactor(1, 1)
        self.report_area.setSizes([200, 1000])

        # nothing imported yet: say so, and what to do
        self.empty_page = QWidget()
        card = QWidget()
        card.setObjectName("emptyCard")
        card.setStyleSheet(
            "QWidget#emptyCard { background: #ffffff; border: 1px solid #cfd8dc; border-radius: 6px; }"
        )
        card.setFixedWidth(680)
        cl = QVBoxLayout(card)
        cl.setContentsMargins(28, 24, 28, 24)
        self.empty_title = section_title(tr("office_report.empty_title"))
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text = QLabel(tr("office_report.empty_body"))
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setStyleSheet("QLabel { color: #546e7a; }")
        # a wrapped label inside a centred box is not asked its height for its width: give it
        self.empty_text.setFixedWidth(680 - 56)
        self.empty_text.setMinimumHeight(self.empty_text.heightForWidth(680 - 56))
        cl.addWidget(self.empty_title)
        cl.addSpacing(8)
        cl.addWidget(self.empty_text)
        ep = QVBoxLayout(self.empty_page)
        ep.addStretch(1)
        ep.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        ep.addStretch(2)
        self.loading_page = QLabel(tr("office_report.loading"))
        self.loading_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading_page.setStyleSheet("QLabel { color: #546e7a; }")
        self.body = QStackedWidget()
        self.body.addWidget(self.loading_page)
        self.body.addWidget(self.report_area)
        self.body.addWidget(self.empty_page)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(controls)
        layout.addWidget(self.banner)
        layout.addWidget(self.message)
        layout.addWidget(self.body, 1)
        self.subtitle.hide()
        self._set_exports_enabled(False)

    # --- the choices -------------------------------------------------------------------------------------

    def _fill_years(self) -> None:
        current = fiscal_year(self.day)
        chosen = current if self._fy_follows_day else (self.fy_box.currentData() or current)
        self.fy_box.clear()
        for fy in range(current, current - 6, -1):
            ce_first = fy - BE_OFFSET - 1
            first, last = (fy - 1, fy) if language() == "th" else (ce_first, ce_first + 1)
            self.fy_box.addItem(tr("office_report.fy_item", fy=fy, first=first, last=last), fy)
        if self.fy_box.findData(chosen) < 0:
            self.fy_box.addItem(str(chosen), chosen)
        self.fy_box.setCurrentIndex(self.fy_box.findData(chosen))

    def _fill_quarters(self) -> None:
        chosen = self.quarter_box.currentData()
        self.quarter_box.clear()
        self.quarter_box.addItem(tr("office_report.quarter_all"), None)
        for q in fiscal_quarters(self.fiscal_year(), self.day):
            self.quarter_box.addItem(tr("office_report.quarter_item", n=q.no, months=months_text(q)), q.no)
        self.quarter_box.setCurrentIndex(max(0, self.quarter_box.findData(chosen)) if chosen else 0)

    def fiscal_year(self) -> int:
        return self.fy_box.currentData()

    def quarter(self) -> int | None:
        return self.quarter_box.currentData()

    def breakdown(self) -> str:
        return self.by_box.currentData()

    def set_fiscal_year(self, fy: int, quarter: int | None = None) -> None:
        """Choose the year (and one quarter, or None for the whole year) and load it."""
        index = self.fy_box.findData(fy)
        if index < 0:
            self.fy_box.addItem(str(fy), fy)
            index = self.fy_box.count() - 1
        self.fy_box.setCurrentIndex(index)
        self._fy_follows_day = fy == fiscal_year(self.day)
        self._fill_quarters()
        self.quarter_box.setCurrentIndex(max(0, self.quarter_box.findData(quarter)) if quarter else 0)
        self.refresh()

    def set_breakdown(self, by: str) -> None:
        self.by_box.setCurrentIndex(self.by_box.findData(by))

    def _fy_chosen(self, _index: int) -> None:
        self._fy_follows_day = self.fiscal_year() == fiscal_year(self.day)
        self._fill_quarters()
        self.refresh()

    # --- the page contract ----------------------------------------------------------------------------------

    def set_day(self, day: date) -> None:
        self.day = day
        self.stale = True
        self._fill_years()
        self._fill_quarters()

    def refresh(self) -> None:
        self.stale = False
        self._generation += 1
        generation, day, fy, quarter = self._generation, self.day, self.fiscal_year(), self.quarter()
        self._set_exports_enabled(False)
        if self.report is None:  # nothing to keep showing meanwhile
            self.banner.hide()
            self.loading_page.setText(tr("office_report.loading"))
            self.body.setCurrentWidget(self.loading_page)
        else:
            self._show_banner("plain", tr("office_report.loading"))
        worker.run_in_background(
            lambda: load_report(self.db, fy, day, quarter),
            lambda rep: self._loaded(generation, rep),
            lambda exc: self._failed(generation, exc),
            context=self,
        )

    def _loaded(self, generation: int, rep: DistrictReport | None) -> None:
        if generation != self._generation:
            return  # an answer to an older choice
        self.message.clear_message()
        self.report = rep
        self.empty = rep is None
        if rep is None:
            self.title.setText(tr("office_report.page"))
            self.subtitle.hide()
            self.banner.hide()
            self.body.setCurrentWidget(self.empty_page)
            emit(self.loaded)
            return
        self.body.setCurrentWidget(self.report_area)
        self.subtitle.show()
        self.title.setText(
            tr("office_report.title", district=rep.district_name or rep.district_code, fy=rep.fy)
        )
        office = rep.office_name or tr("office_report.district_code", code=rep.district_code)
        self.subtitle.setText(tr("office_report.subtitle", office=office, day=long_day_text(rep.on),
                                 made=local_time_text(rep.made_at, zone=True)))
        self._show_check(rep)
        fill_chart(self.arrears_chart, rep, "arrears", "arrears", "office_report.chart.no_arrears")
        fill_chart(self.par30_chart, rep, "par30", "par30", "office_report.chart.no_loans")
        self._show_totals(rep)
        self._show_sources(rep)
        self._show_problems(rep)
        self._show_sections()
        self._set_exports_enabled(True)
        emit(self.loaded)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.report = None
        self.banner.hide()
        self.loading_page.setText("")  # no figures: the message above says why
        self.body.setCurrentWidget(self.loading_page)
        if isinstance(exc, SeveralDistricts):
            self.message.show_error(tr("office_report.which_district", codes=", ".join(exc.codes)))
        else:
            self.message.show_error(exc)
        emit(self.loaded)

    # --- showing a report -------------------------------------------------------------------------------------

    def _show_banner(self, kind: str, text: str, tooltip: str = "") -> None:
        bg, fg, edge = BANNER_STYLES[kind]
        self.banner.setStyleSheet(
            f"QLabel {{ background: {bg}; color: {fg}; border: 1px solid {edge}; padding: 8px 12px;"
            " border-radius: 4px; }"
        )
        self.banner.setText(text)
        self.banner.setToolTip(tooltip)
        self.banner.show()

    def _show_check(self, rep: DistrictReport) -> None:
        checks, failed = rep.checks, rep.failed_checks
        errors = [p for p in rep.problems if p.level == "error"]
        others = [p for p in rep.problems if p.level != "error"]
        more = ("\n" + tr("office_report.see_notes", n=len(others))) if others else ""
        if not checks:
            self._show_banner(
                "plain", tr("office_report.check_none", fy=rep.fy, day=long_day_text(rep.on)) + more
            )
        elif not failed and not errors:
            self._show_banner("ok", tr("office_report.check_ok", n=len(checks)) + more)
        else:
            # the domain's first error repeats the count; the others say why, grouped by reason
            reasons = [
                p.message for p in errors if not p.message.startswith(f"ยอดรวม {len(failed)} ช่อง")
            ] or [c.explanation for _s, _t, c in failed]
            lines = [tr("office_report.check_bad", bad=len(failed), n=len(checks))]
            lines += [f"• {in_language(m)}" for m in reasons[:3]]
            if len(reasons) > 3:
                lines.append(tr("office_report.more", n=len(reasons) - 3))
            self._show_banner("bad", "\n".join(lines) + more, "\n\n".join(reasons))

    def _show_totals(self, rep: DistrictReport) -> None:
        lines = [
            TotalLine(sec, m, sec.table("subdistrict"), i == 0)
            for sec in rep.sections
            for i, m in enumerate(sec.shown_measures)
        ]

        def quarter_column(qi: int, q: Quarter) -> Column:
            def bad(line: TotalLine) -> bool:
                return cell_ok(line.table, line.measure, q.no) is False

            # the heading is the quarter's own text, not a key: tr() of an unknown key gives it back
            return Column(
                quarter_heading(q, compact=True),
                lambda line: figure_text(line.table.total.value(line.measure, qi), line.measure.unit),
                "right",
                color=lambda line: RED if bad(line) else (FUTURE_TEXT if q.as_of is None else None),
                background=lambda line: BAD_FILL if bad(line) else (FUTURE_FILL if q.as_of is None else None),
                tooltip=lambda line: "\n\n".join(
                    in_language(e) for e in failed_explanations(line.table, line.measure, q.no)
                ),
            )

        columns = [
            Column(
                "office_report.col.section",
                lambda line: section_title_text(line.section) if line.first else "",
                bold=lambda line: True,
                max_width=300,
            ),
            Column("office_report.col.figure", lambda line: measure_label(line.measure), max_width=300),
        ]
        columns += [quarter_column(qi, q) for qi, q in enumerate(rep.quarters)]
        old, self.totals = self.totals, RowTableModel(columns, self)
        self.totals_view.setModel(self.totals)
        old.deleteLater()
        self.totals.set_rows(lines)
        fit_columns(self.totals_view)
        header = self.totals_view.horizontalHeader()
        bold = QFont(self.totals_view.font())
        bold.setBold(True)
        for c in range(header.count()):  # the header is drawn in bold
            text = self.totals.headerData(c, Qt.Orientation.Horizontal) or ""
            need = max(QFontMetrics(bold).horizontalAdvance(t) for t in text.split("\n")) + 20
            header.resizeSection(c, max(header.sectionSize(c), need))
        line_h = self.totals_view.verticalHeader().defaultSectionSize()
        self.totals_view.setFixedHeight(
            self.totals_view.horizontalHeader().sizeHint().height() + len(lines) * line_h + 6
        )

    def _show_sources(self, rep: DistrictReport) -> None:
        self.sources.set_rows(rep.sources)
        fit_columns(self.sources_view)
        self.sources_title.setVisible(bool(rep.sources))
        self.sources_view.setVisible(bool(rep.sources))
        line_h = self.sources_view.verticalHeader().defaultSectionSize()
        self.sources_view.setFixedHeight(
            self.sources_view.horizontalHeader().sizeHint().height() + len(rep.sources) * line_h + 6)

    def _show_problems(self, rep: DistrictReport) -> None:
        colours = {"error": "#8e1c1c", "warning": "#8d6e00", "note": "#37474f"}
        self.problems_title.setText(tr("office_report.problems", n=len(rep.problems)))
        if not rep.problems:
            self.problems.setText(
                f"<span style='color:#1b5e20'>{_html(tr('office_report.no_problems'))}</span>"
            )
            return
        items = "".join(
            f"<li><b style='color:{colours.get(p.level, '#37474f')}'>{_html(tr(f'office_report.level.{p.level}'))}</b>"
            f" {_html(in_language(p.message))}</li>"
            for p in rep.problems
        )
        self.problems.setText(f"<ul style='margin-left:-20px'>{items}</ul>")
        self.problems.setToolTip("\n\n".join(p.message for p in rep.problems))

    def _show_sections(self) -> None:
        rep = self.report
        if rep is None:
            return
        by = self.breakdown()
        current = self.contents.currentRow()
        for sec in rep.sections:
            page = self.section_pages.get(sec.key)
            if page is None:
                page = self.section_pages[sec.key] = SectionPage()
                self.pages.addWidget(page)
                self.contents.addItem(QListWidgetItem())
            page.show_section(rep, sec, by)
        failing = {s.key for s, _t, _c in rep.failed_checks}
        for i, sec in enumerate(rep.sections, start=1):
            item = self.contents.item(i)
            item.setText(section_title_text(sec) + ("  ✗" if sec.key in failing else ""))
            item.setForeground(RED if sec.key in failing else self.palette().text().color())
            item.setToolTip(section_about(sec))
        self.contents.setCurrentRow(max(0, current))
        # the list as wide as its longest title, the rest for the tables
        wide = self.contents.sizeHintForColumn(0) + 2 * self.contents.frameWidth() + 12
        self.report_area.setSizes([wide, max(400, self.report_area.width() - wide)])

    def show_section(self, key: str) -> SectionPage:
        """Bring one section's page to the front (as a click in the list does) and return it."""
        self.contents.setCurrentRow(1 + [s.key for s in self.report.sections].index(key))
        return self.section_pages[key]

    # --- exports ----------------------------------------------------------------------------------------------

    def _set_exports_enabled(self, enabled: bool) -> None:
        self.xlsx_button.setEnabled(enabled)
        self.pdf_button.setEnabled(enabled)

    def suggested_path(self, kind: str) -> str:
        rep = self.report
        name = tr("office_report.file_name", code=rep.district_code if rep else "", fy=self.fiscal_year())
        if self.quarter():
            name += f"_Q{self.quarter()}"
        return str(Path.home() / f"{name}.{kind}")

    @classmethod
    def ask_export_path(cls, parent, kind: str, suggested: str) -> str:
        """Where to save the report ("" to cancel). Tests replace this."""
        path, _ = QFileDialog.getSaveFileName(
            parent, tr(f"office_report.save_title_{kind}"), suggested, EXPORT_FILTERS[kind]
        )
        return path

    def _ask_and_export(self, kind: str) -> None:
        path = DistrictReportView.ask_export_path(self, kind, self.suggested_path(kind))
        if path:
            self.export(kind, path)

    def export_xlsx(self, path: str | Path) -> None:
        self.export("xlsx", path)

    def export_pdf(self, path: str | Path) -> None:
        self.export("pdf", path)

    def export(self, kind: str, path: str | Path) -> None:
        """Save the report shown as `kind` (xlsx or pdf) in the background; the message bar says how it went."""
        rep = self.report
        if rep is None:
            self.message.show_error(tr("office_report.nothing_to_export"))
            return
        out = Path(path)
        if out.suffix.lower() != f".{kind}":
            out = out.with_name(f"{out.name}.{kind}")

        def task():
            check_writable(out)  # one sentence at once for a path that cannot be written
            if kind == "xlsx":
                write_report_xlsx(rep, out)
                return None
            return write_report_pdf(rep, out)

        self._set_exports_enabled(False)
        self.message.show_info(tr("office_report.exporting", path=out))
        worker.run_in_background(
            task,
            lambda pages: self._exported(out, pages),
            lambda exc: self._export_failed(out, exc),
            context=self,
        )

    def _exported(self, out: Path, pages: int | None) -> None:
        self._set_exports_enabled(self.report is not None)
        if pages is None:
            self.message.show_info(tr("office_report.saved", path=out))
        else:
            self.message.show_info(tr("office_report.saved_pdf", path=out, pages=pages))
        emit(self.exported, str(out))

    def _export_failed(self, out: Path, exc: BaseException) -> None:
        self._set_exports_enabled(self.report is not None)
        if isinstance(exc, InputError):
            self.message.show_error(exc)
        else:
            self.message.show_error(
                tr("office_report.export_failed", detail=getattr(exc, "strerror", None) or str(exc))
            )


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
