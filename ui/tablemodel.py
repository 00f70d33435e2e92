"""A table model over a Python list of rows, described by columns: what every list on screen uses.

One `QAbstractTableModel` with a cache of display texts (the browser of Anki works the same way), so a
list of 10,000 loans costs one object per loan and a view asks only for the cells it paints. Sorting
uses each column's key function, so money sorts as numbers and names in Thai dictionary order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ui.i18n import tr
from ui.qt import QAbstractTableModel, QColor, QFont, QModelIndex, Qt, emit

ROW_ROLE = Qt.ItemDataRole.UserRole  # data(index, ROW_ROLE) is the row object itself

_ALIGN = {
    "left": Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    "right": Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    "center": Qt.AlignmentFlag.AlignCenter,
}


@dataclass(frozen=True)
class Column:
    title: str  # ui.json key of the header
    text: Callable[[Any], str]
    align: str = "left"  # money and counts "right", so their digits line up
    sort_key: Callable[[Any], Any] | None = None  # None: sort by the text
    color: Callable[[Any], QColor | None] | None = None
    background: Callable[[Any], QColor | None] | None = None  # e.g. a stale record, highlighted
    tooltip: Callable[[Any], str] | None = None
    strike: Callable[[Any], bool] | None = None  # e.g. a payment that was reversed
    bold: Callable[[Any], bool] | None = None  # e.g. a totals row
    max_width: int = 240  # a longer text is elided (…) and shown whole in its tooltip


class RowTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []
        self._texts: dict[tuple[int, int], str] = {}  # (id(row), column) -> display text
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # --- the rows ---------------------------------------------------------------------------------

    @property
    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._texts.clear()
        if self._sort is not None:
            self._rows.sort(
                key=self._key_of(self._sort[0]), reverse=self._sort[1] == Qt.SortOrder.DescendingOrder
            )
        self.endResetModel()

    def remove_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    def column(self, i: int) -> Column:
        return self._columns[i]

    def column_of(self, title: str) -> int:
        return next(i for i, c in enumerate(self._columns) if c.title == title)

    # --- QAbstractTableModel ------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008  (Qt's own default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        col = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            key = (id(row), index.column())
            text = self._texts.get(key)
            if text is None:
                text = self._texts[key] = col.text(row)
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN[col.align]
        if role == Qt.ItemDataRole.ForegroundRole and col.color is not None:
            return col.color(row)
        if role == Qt.ItemDataRole.BackgroundRole and col.background is not None:
            return col.background(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col.tooltip is not None:
                return col.tooltip(row) or None
            text = self.data(index)
            return text if len(text) > 24 else None  # the whole of a text that may be elided
        if role == Qt.ItemDataRole.FontRole:
            strike = col.strike is not None and col.strike(row)
            bold = col.bold is not None and col.bold(row)
            if strike or bold:
                font = QFont()
                font.setStrikeOut(strike)
                font.setBold(bold)
                return font
            return None
        if role == ROW_ROLE:
            return row
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(self._columns[section].title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN[self._columns[section].align]
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        emit(self.layoutAboutToBeChanged)
        # Keep selections and the current cell on the same rows after they move.
        old = self.persistentIndexList()
        held = [self._rows[i.row()] if i.isValid() else None for i in old]
        self._rows.sort(key=self._key_of(column), reverse=order == Qt.SortOrder.DescendingOrder)
        where = {id(r): n for n, r in enumerate(self._rows)}
        new = [
            self.index(where[id(obj)], idx.column()) if obj is not None else QModelIndex()
            for idx, obj in zip(old, held, strict=True)
        ]
        self.changePersistentIndexList(old, new)
        emit(self.layoutChanged)

    def _key_of(self, column: int) -> Callable[[Any], Any]:
        col = self._columns[column]
        return col.sort_key or col.text
