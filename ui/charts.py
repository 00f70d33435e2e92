"""A horizontal bar chart, for every page that draws one: the district report's arrears and PAR30 by subdistrict
and quarter, the plans summary's households in need by dimension.

Drawn with QPainter (PySide6-Essentials has no QtCharts); Qt shapes the Thai labels itself. Horizontal, so
long Thai names (14 subdistricts, TPMAP's five dimensions) stay readable at any width.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from exports import palette
from ui.qt import QColor, QFont, QFontMetrics, QPainter, QPen, QRectF, QSize, QSizePolicy, Qt, QWidget

# (legend text, colour, reached): a series not reached yet (a quarter to come) is in the legend, in grey, with no bars
Series = tuple[str, QColor, bool]


class BarChart(QWidget):
    """Bars, one group per label and one bar per series, each bar labelled with its value.

    `set_items` draws one series without a legend (label, value); `set_data` several with their legend (label,
    a value per series). `items` is what was given. A value None draws no bar and no figure.
    """

    BAR = 13  # the thickness of a bar of several series; one series gets thicker bars
    GAP = 4

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list = []
        self.series: list[Series] = []
        self.value_text: Callable = _count
        self.empty_text = ""
        self._values: list[tuple[str, list]] = []  # (label, value per series), whichever way they came
        self._legend_shown = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(140)

    def set_items(self, items: Sequence[tuple[str, float | int | None]], value_text: Callable = None,
                  empty_text: str = "") -> None:
        """One series: (label, value) each, in one colour, no legend."""
        self._set(list(items), [("", QColor(palette.BAR), True)], [(label, [v]) for label, v in items],
                  value_text or _count, empty_text, legend=False)

    def set_data(self, items: Sequence[tuple[str, Sequence]], series: Sequence[Series], value_text: Callable,
                 empty_text: str) -> None:
        """Several series: (label, a value per series) each; `series` gives their legend, colour and whether reached."""
        self._set(list(items), list(series), [(label, list(values)) for label, values in items], value_text,
                  empty_text, legend=True)

    def _set(self, items, series, values, value_text, empty_text: str, legend: bool) -> None:
        self.items, self.series, self._values = items, series, values
        self.value_text, self.empty_text, self._legend_shown = value_text, empty_text, legend
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    def has_bars(self) -> bool:
        return any(v for _, values in self._values for v in values if v)

    def _reached(self) -> list[int]:
        return [i for i, (_t, _c, reached) in enumerate(self.series) if reached]

    def _bar(self, per: float | None = None) -> float:
        """A bar's thickness: fixed for several series; one series' bars take most of their row's height."""
        if len(self._reached()) > 1:
            return self.BAR
        return max(self.BAR + 5, 0.64 * (per or self._per()))

    def _height(self, width: int | None = None) -> int:
        line = QFontMetrics(self.font()).height()
        if not self.has_bars():
            return line * 3 + 40
        return self._top(width or self.width()) + len(self._values) * self._per() + 8

    def _top(self, width: int) -> int:
        """Where the bars begin: under the legend (which may take several lines), or at the top."""
        if not self._legend_shown:
            return 8
        line = QFontMetrics(self.font()).height()
        return (1 + max(y for _x, y in self._legend(width))) * line + 16

    def _legend(self, width: int) -> list[tuple[int, int]]:
        """Where each series' key goes: (x, line), onto a new line when the width runs out."""
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
        """The least height of one label's group of bars."""
        line = QFontMetrics(self.font()).height()
        if len(self._reached()) <= 1:
            return line + 12
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
        if not self.has_bars():
            painter.setPen(QColor(palette.MUTED_TEXT))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)
            painter.end()
            return
        if self._legend_shown:
            self._paint_legend(painter)
        self._paint_bars(painter, self._top(self.width()))
        painter.end()

    def _paint_legend(self, painter: QPainter) -> None:
        """Every series with its colour; those not reached yet in grey."""
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        for (text, colour, reached), (x, ly) in zip(self.series, self._legend(self.width()), strict=False):
            y = 8 + ly * line
            painter.fillRect(QRectF(x, y + (line - 12) / 2, 12, 12), colour if reached else QColor(palette.FUTURE_FILL))
            painter.setPen(self.palette().text().color() if reached else QColor(palette.FUTURE_TEXT))
            painter.drawText(QRectF(x + 16, y, metrics.horizontalAdvance(text) + 4, line),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    def _paint_bars(self, painter: QPainter, top: int) -> None:
        metrics = QFontMetrics(self.font())
        # the groups share out the height the layout gave beyond what they need
        per = max(self._per(), (self.height() - top - 8) / len(self._values))
        reached, bar_h = self._reached(), self._bar(per)
        label_w = max(metrics.horizontalAdvance(label) for label, _ in self._values) + 16
        bold = self._value_font()
        texts = [self.value_text(v) for _, values in self._values for v in values if v is not None]
        value_w = max((QFontMetrics(bold).horizontalAdvance(t) for t in texts), default=0) + 12
        room = max(10, self.width() - label_w - value_w - 16)
        biggest = max((v for _, values in self._values for v in values if v), default=0) or 1
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        for n, (label, values) in enumerate(self._values):
            y = top + n * per
            if n:
                painter.setPen(QPen(QColor(palette.CHART_RULE)))
                painter.drawLine(8, round(y), self.width() - 8, round(y))
            painter.setPen(self.palette().text().color())
            painter.setFont(self.font())
            painter.drawText(QRectF(8, y, label_w - 12, per), align, label)
            bars_h = len(reached) * (bar_h + self.GAP) - self.GAP
            by = y + (per - bars_h) / 2
            painter.setFont(bold)
            for k, si in enumerate(reached):
                value = values[si]
                width = room * (value or 0) / biggest
                bar = QRectF(label_w, by + k * (bar_h + self.GAP), max(width, 2 if value else 0), bar_h)
                painter.fillRect(bar, self.series[si][1])
                if value is not None:
                    painter.setPen(self.palette().text().color())
                    painter.drawText(QRectF(label_w + width + 5, bar.top() - 4, value_w, bar_h + 8), align,
                                     self.value_text(value))


def _count(value) -> str:
    return f"{value:,}"
