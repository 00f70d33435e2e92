"""The district report's words on screen and its table model: one section's table, areas × quarters and figures.

The domain hands over `Text` values (Thai and English) and codes; the words here only choose the screen's
language of them. No figure is added up here and no SQL is run: the report is `fieldtool.district`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from exports import palette
from fieldtool.district import DistrictReport, Quarter, Section
from fieldtool.district_tally import Measure, Row, Table, figure_text
from fieldtool.thai import thai_sort_key
from fieldtool.vocabulary import FundKind
from ui.i18n import day_text, label_text, local_time_text, text_of, tr
from ui.qt import QAbstractTableModel, QColor, QFont, QModelIndex, Qt, emit
from ui.tablemodel import Column

GROUP_ROLE = Qt.ItemDataRole.UserRole + 1  # header: (quarter heading, first column, last column)
ROW_ROLE = Qt.ItemDataRole.UserRole  # data: the domain Row of a line

RED = QColor(palette.BAD_TEXT)
BAD_FILL = QColor(palette.BAD_FILL)  # the exports shade a failing cell the same way
TOTAL_FILL = QColor(palette.TOTAL_FILL)
FUTURE_FILL = QColor(palette.FUTURE_FILL)
FUTURE_TEXT = QColor(palette.FUTURE_TEXT)
HEADER_FILL = QColor(palette.HEADER_FILL)
GRID = QColor(palette.GRID)
QUARTER_COLOURS = [QColor(c) for c in palette.QUARTERS]  # as in the PDF and the workbook


# --- what the page shows, in the screen's language ---------------------------------------------------------


def months_text(q: Quarter) -> str:
    return text_of(q.months)


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
    return text_of(m.heading)


def section_title_text(sec: Section) -> str:
    return text_of(sec.title)


def section_about(sec: Section) -> str:
    return text_of(sec.about)


def row_label(row: Row, by: str) -> str:
    if row.key == "total":
        return tr("office_report.total_row")
    if row.key == "sum":
        return tr("office_report.sum_row")
    if by == "fund":
        kind = FundKind.parse(row.key)
        return label_text(kind) if kind is not None else row.key
    if row.parent_label:
        return f"{row.parent_label}  {row.label}"
    return row.label


def failed_explanations(table: Table, m: Measure, quarter: int) -> list[str]:
    """Why a column's total does not match its rows, in the screen's language."""
    return [text_of(reason) for reason in table.failed_reasons(m, quarter)]


# Each laptop's latest bundle: how recent the figures of its subdistrict are.
SOURCE_COLUMNS = [
    Column("office.col.subdistrict", lambda src: src.subdistrict, max_width=260),
    Column("office.col.officer", lambda src: src.officer or "–", max_width=260),
    Column("office.col.bundle_no", lambda src: str(src.bundle_seq), "right"),
    Column("office_report.col.made_at", lambda src: local_time_text(src.made_at), sort_key=lambda src: src.made_at),
    Column("office.col.imported_at", lambda src: local_time_text(src.received_at),
           sort_key=lambda src: src.received_at),
]


# --- a section's table ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Col:
    qi: int  # index into report.quarters
    quarter: Quarter
    measure: Measure
    first: int  # the columns of this quarter, for the two-tier header
    last: int


def bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


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
            return self._label_data(row, pinned, role)
        col = self._cols[index.column() - 1]
        future = col.quarter.as_of is None
        bad = pinned and self.table.cell_ok(col.measure, col.quarter.no) is False
        if role == Qt.ItemDataRole.DisplayRole:
            return figure_text(row.value(col.measure, col.qi), col.measure.unit)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.FontRole and row.key == "total":
            return bold_font()
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
                return "\n\n".join(failed_explanations(self.table, col.measure, col.quarter.no))
        return None

    def _label_data(self, row: Row, pinned: bool, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return row_label(row, self.by)
        if role == Qt.ItemDataRole.FontRole and row.key == "total":
            return bold_font()
        if role == Qt.ItemDataRole.BackgroundRole and pinned:
            return TOTAL_FILL
        if role == Qt.ItemDataRole.ToolTipRole and row.key == "total":
            return tr("office_report.total_row")
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
            known.sort(key=lambda r: r.value(col.measure, col.qi), reverse=order == Qt.SortOrder.DescendingOrder)
            self._rows = known + unknown
        where = {id(r): n for n, r in enumerate(self.lines)}
        self.changePersistentIndexList(
            old,
            [self.index(where[id(r)], i.column()) if r is not None else QModelIndex()
             for i, r in zip(old, held, strict=True)],
        )
        emit(self.layoutChanged)

    # --- for the page and its tests ---------------------------------------------------------------------

    def column_of(self, quarter_no: int, measure_key: str) -> int:
        return 1 + next(
            i for i, c in enumerate(self._cols) if c.quarter.no == quarter_no and c.measure.key == measure_key
        )

    def row_of(self, label: str) -> int:
        return next(i for i, r in enumerate(self.lines) if row_label(r, self.by) == label)
