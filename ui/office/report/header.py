"""The report tables' two-tier header (each quarter over its figures, as the printed report has it), the table
view that carries it, and column widths worked out from the texts.
"""

from __future__ import annotations

from ui.i18n import tr
from ui.office.report.model import GRID, GROUP_ROLE, HEADER_FILL, ReportTableModel, row_label
from ui.qt import (
    QAbstractItemView,
    QFont,
    QFontMetrics,
    QHeaderView,
    QPainter,
    QPen,
    QRect,
    QSize,
    Qt,
    QTableView,
)


class GroupedHeader(QHeaderView):
    """A two-tier header: each quarter spans its figures (as the printed report has it), then the figures.

    Qt's header has one tier; this one paints both in every section, clipped to the section, so a quarter's
    heading reads as one cell across its columns however the header is repainted. A model without groups
    (no GROUP_ROLE) gets one tier of `lines` lines.
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

    def bold_font(self) -> QFont:
        """The font the header is painted in: what its texts must be measured with."""
        bold = QFont(self.font())
        bold.setBold(True)
        return bold

    def sectionSizeFromContents(self, logical: int) -> QSize:
        """Room for each line of a one-tier heading in the bold it is painted in (Qt measures the plain font),
        so that sizing columns to their contents never wraps a line of it."""
        size = super().sectionSizeFromContents(logical)
        model = self.model()
        if model is not None and model.headerData(logical, Qt.Orientation.Horizontal, GROUP_ROLE) is None:
            text = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or ""
            metrics = QFontMetrics(self.bold_font())
            size.setWidth(max(size.width(), max(metrics.horizontalAdvance(line) for line in text.split("\n")) + 20))
        return size

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
        painter.setFont(self.bold_font())
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
        painter.drawLine(rect.right(), rect.top() + (0 if group is None or logical == group[2] else top),
                         rect.right(), rect.bottom())
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
    each quarter's heading across its columns (headings measured in the header's fonts, cells in the view's)."""
    model: ReportTableModel = view.model()
    if model.table is None:
        return
    header = view.horizontalHeader()
    heads, bold_heads = QFontMetrics(header.font()), QFontMetrics(header.bold_font())
    cells = QFontMetrics(_bold(view.font()))  # the totals row is bold: every figure may be
    labels = [row_label(r, model.by) for r in model.lines]
    names = max(cells.horizontalAdvance(t) for t in labels)
    header.resizeSection(0, min(360, max(names, bold_heads.horizontalAdvance(tr(f"office_report.head.{model.by}"))) + 24))
    widths = {}
    for c in range(1, model.columnCount()):
        texts = [model.index(r, c).data() for r in range(model.rowCount())]
        need = max((cells.horizontalAdvance(t) for t in texts), default=0) + 20
        label = model.headerData(c, Qt.Orientation.Horizontal) + " ▼"
        widths[c] = max(need, _two_line_width(heads, label) + 12, 72)
    # a quarter's heading must fit across its columns
    for c in range(1, model.columnCount()):
        heading, first, last = model.headerData(c, Qt.Orientation.Horizontal, GROUP_ROLE)
        if c != first:
            continue
        span = sum(widths[k] for k in range(first, last + 1))
        lacking = max(bold_heads.horizontalAdvance(line) for line in heading.split("\n")) + 16 - span
        if lacking > 0:
            for k in range(first, last + 1):
                widths[k] += lacking // (last - first + 1) + 1
    for c, w in widths.items():
        header.resizeSection(c, w)


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def _two_line_width(fm: QFontMetrics, text: str) -> int:
    """The narrowest width that shows `text` in at most two lines (breaking at spaces)."""
    whole = fm.horizontalAdvance(text)
    words = text.split(" ")
    if len(words) == 1:
        return whole
    best = whole
    for i in range(1, len(words)):
        best = min(best, max(fm.horizontalAdvance(" ".join(words[:i])), fm.horizontalAdvance(" ".join(words[i:]))))
    return best
