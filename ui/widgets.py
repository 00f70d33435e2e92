"""Small widgets every screen shares: the list view, the message bar, date fields and stage colours."""

from __future__ import annotations

from datetime import date, timedelta

from fieldtool.thai import MONTHS_EN, MONTHS_LONG, InputError, format_date, parse_date, today_in_thailand
from ui.i18n import error_text, language, long_day_text, tr
from ui.qt import (
    QAbstractItemView,
    QCalendarWidget,
    QColor,
    QComboBox,
    QDate,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QObject,
    QPainter,
    QPushButton,
    QSize,
    QStyle,
    Qt,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
    Signal,
    emit,
    isValid,
)

STAGE_COLORS = {
    "prevent": "#1c5fa8",  # blue: not yet paid out
    "follow": "#2e7d32",  # green: on schedule
    "ask": "#c62828",  # red: past due
    "closed": "#616161",  # grey: done
}


# Where a coloured badge (a loan's stage, a household's status) sits in a header's grid: left, as wide as its
# word, so it neither stretches into a bar nor holds its column to its own width.
BADGE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def stage_color(stage: str) -> QColor:
    return QColor(STAGE_COLORS.get(stage, "#000000"))


class _Header(QHeaderView):
    """Column titles that keep room for the sort arrow on the column sorted by only: Qt keeps it on every
    column of a sortable list (26 px each, a whole column's worth on the ten columns of the loan register)."""

    def sectionSizeFromContents(self, logical: int) -> QSize:
        size = super().sectionSizeFromContents(logical)
        if self.isSortIndicatorShown() and logical != self.sortIndicatorSection():
            # what Qt adds for the arrow (QHeaderView::sectionSizeFromContents): the title's height and a margin
            arrow = size.height() + self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
            size.setWidth(max(size.width() - arrow, 0))
        return size


def make_table(model, parent=None, sortable: bool = False) -> QTableView:
    """A read-only list: whole rows selected, one at a time, columns sized to their content.

    A sortable list keeps the order it was given (the domain's order) until a header is clicked.
    """
    view = QTableView(parent)
    header = _Header(Qt.Orientation.Horizontal, view)
    header.setSectionsClickable(True)  # as QTableView's own header
    header.setHighlightSections(True)
    view.setHorizontalHeader(header)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    # Thai marks above and below need more height than Qt's default row.
    line = view.fontMetrics().height()
    view.verticalHeader().setDefaultSectionSize(line + 12)
    header = view.horizontalHeader()
    header.setMinimumHeight(line + 12)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    # Sizing to content looks at a sample of rows only, so 10,000 loans stay instant.
    header.setResizeContentsPrecision(200)
    if sortable:
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
    return view


TEXT_COLUMN_LEAST = 120  # px: a column of text is not narrowed below this to spare sideways scrolling...
# ...unless going down to this spares it altogether: a few px more cut beat a scroll bar for a few px (the
# Thai visit log on a 1280×720 screen was 16 px too wide); a list far too wide still scrolls, from 120 px
TEXT_COLUMN_SHORTEST = 100


def fit_columns(view: QTableView) -> None:
    """Size columns to their content after a load; a long text is elided at its column's max width, unless
    the list has room to spare: that goes first to the cut columns, also when the list is resized."""
    header = view.horizontalHeader()
    model = view.model()
    # A last column of figures stays by its neighbours; a last column of text takes the free room.
    last_align = model.headerData(
        header.count() - 1, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole
    )
    header.setStretchLastSection(not (last_align is not None and last_align & Qt.AlignmentFlag.AlignRight))
    view.resizeColumnsToContents()
    wanted = [header.sectionSize(col) + 4 for col in range(header.count())]
    _ColumnRoom.of(view).wanted = wanted
    _spread_columns(view, wanted)


def _spread_columns(view: QTableView, wanted: list[int]) -> None:
    """Each column as wide as its content up to its max width. Room left in the list widens the columns cut
    at their max width, the narrowest need first, so as many as possible are read whole; too little room
    narrows the widest columns of text (elided, whole in their tooltips) rather than scroll sideways."""
    model = view.model()
    columns = [model.column(c) if hasattr(model, "column") else None for c in range(len(wanted))]
    widths = [min(w, c.max_width if c else 240) for w, c in zip(wanted, columns, strict=True)]
    spare = view.viewport().width() - sum(widths)
    for col in sorted(range(len(widths)), key=lambda c: wanted[c] - widths[c]):
        more = min(wanted[col] - widths[col], max(spare, 0))
        widths[col] += more
        spare -= more
    texts = [c for c, column in enumerate(columns) if column is None or column.align == "left"]
    _narrow_widest(widths, texts, -spare)
    for col, width in enumerate(widths):
        view.horizontalHeader().resizeSection(col, width)


def _narrow_widest(widths: list[int], cols: list[int], excess: int) -> None:
    """Take `excess` pixels off the widest of `cols`, bringing them down together, none below the least
    (or the shortest, when going that far spares the scrolling). When that cannot spare the scrolling, as
    much as it can: a list that must scroll sideways scrolls the least, with every column begun in sight."""
    room = sum(max(widths[c] - TEXT_COLUMN_LEAST, 0) for c in cols)
    near = sum(max(widths[c] - TEXT_COLUMN_SHORTEST, 0) for c in cols)
    least = TEXT_COLUMN_SHORTEST if room < excess <= near else TEXT_COLUMN_LEAST
    while excess > 0:
        wide = [c for c in cols if widths[c] > least]
        if not wide:
            return
        top = max(widths[c] for c in wide)
        widest = [c for c in wide if widths[c] == top]
        floor = max([widths[c] for c in wide if widths[c] < top] + [least])
        step = min(top - floor, -(-excess // len(widest)))
        for c in widest:
            widths[c] -= step
            excess -= step


class _ColumnRoom(QObject):
    """Spreads a list's columns again when the list is resized (a window maximised, a splitter moved)."""

    def __init__(self, view: QTableView):
        super().__init__(view)
        self.view = view
        self.wanted: list[int] = []
        self._width = -1
        view.viewport().installEventFilter(self)
        view.horizontalHeader().sortIndicatorChanged.connect(self._sorted)

    @classmethod
    def of(cls, view: QTableView) -> _ColumnRoom:
        return view.findChild(cls) or cls(view)

    def _sorted(self, column: int, _order) -> None:
        """The column now sorted by shows its arrow: it widens if its title would be cut by it."""
        if not isValid(self.view) or not 0 <= column < len(self.wanted):
            return
        need = self.view.horizontalHeader().sectionSizeHint(column) + 4
        if need > self.wanted[column]:
            self.wanted[column] = need
            _spread_columns(self.view, self.wanted)

    def eventFilter(self, obj, event):
        if event.type() != QEvent.Type.Resize or not self.wanted or not isValid(self.view):
            return False  # (a list being destroyed still sends events on its way out)
        width = self.view.viewport().width()
        if width != self._width and len(self.wanted) == self.view.horizontalHeader().count():
            self._width = width
            _spread_columns(self.view, self.wanted)
        return False


class ElidedLabel(QLabel):
    """A value that may be longer than its room (a group's name, a fund's, a path): it ends in "…" when cut
    and shows whole in its tooltip, so a long name never widens a window past a small screen."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("…") * 8), hint.height())

    def is_elided(self) -> bool:
        """True while the text is cut to fit (what the tooltip is for)."""
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def paintEvent(self, event) -> None:
        room = self.contentsRect()
        elided = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room.width())
        if elided == self.text():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        self.style().drawItemText(painter, room, int(self.alignment()), self.palette(), self.isEnabled(), elided,
                                  self.foregroundRole())


NAME_LEAST = 96  # px: a name in a header is not cut shorter than this while another is read whole


def share_header_room(grid, fields: tuple[tuple[str, ...], ...], values: dict[str, QLabel], long_values) -> None:
    """The room of a window's header (a caption and its value in each pair of grid columns, `fields` row by
    row) goes to the columns with names in them, whole in the order of `long_values` (the borrower before
    the purpose): when the room is short the last ones are cut, none below a few letters; figures keep their
    width. Call after the values are set and whenever the window is resized.

    Qt shares a short room by its own rule (each name cut by the same part of what it lacks), so each name
    is held to its share with a maximum width, which, unlike a minimum, never holds the window wide."""
    order = list(dict.fromkeys(names.index(n) for n in long_values for names in fields if n in names))
    need, least, labels = {}, {}, {}
    for c in order:
        column = [values[names[c]] for names in fields if c < len(names)]
        labels[c] = [v for names in fields if c < len(names) and names[c] in long_values for v in [values[names[c]]]]
        floor = max([v.sizeHint().width() for v in column if v not in labels[c]] + [0])  # figures beside: whole
        text = max(v.fontMetrics().horizontalAdvance(v.text()) + 4 for v in labels[c])
        need[c], least[c] = max(text, floor), max(min(text, NAME_LEAST), floor)
    laid_out = grid.contentsRect().width() > 0
    columns = grid.columnCount()
    others = sum(  # captions and figures: as wide as they ask
        max([item.widget().sizeHint().width() for r in range(grid.rowCount())
             if (item := grid.itemAtPosition(r, c)) is not None and item.widget() is not None] + [0])
        for c in range(columns) if c % 2 == 0 or c // 2 not in need
    )
    left = grid.contentsRect().width() - others - max(grid.horizontalSpacing(), 0) * (columns - 1)
    shares = dict(need)
    if laid_out:  # (before that, the needs alone share the room)
        for i, c in enumerate(order):
            shares[c] = max(min(need[c], left - sum(least[d] for d in order[i + 1 :])), least[c])
            left -= shares[c]
        for c in order:  # room to spare: shared as the needs are
            shares[c] += max(left, 0) * need[c] // sum(need.values())
    for c in order:
        grid.setColumnStretch(c * 2 + 1, max(1, shares[c]))
        for label in labels[c]:
            label.setMaximumWidth(shares[c] if laid_out else 16_777_215)


class MessageBar(QLabel):
    """One line at the top of a screen: what went wrong (red) or what was just done (green)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, exc_or_text) -> None:
        text = exc_or_text if isinstance(exc_or_text, str) else error_text(exc_or_text)
        self._show(text, "#fdecea", "#8e1c1c")

    def show_info(self, text: str) -> None:
        self._show(text, "#e8f5e9", "#1b5e20")

    def show_warning(self, text: str) -> None:
        """Done, but something needs the officer soon (amber)."""
        self._show(text, "#fff8e1", "#7a4f01")

    def _show(self, text: str, bg: str, fg: str) -> None:
        self.setText(text)
        self.setStyleSheet(
            f"QLabel {{ background: {bg}; color: {fg}; padding: 6px 10px; border-radius: 4px; }}"
        )
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()


class DateField(QLineEdit):
    """A date typed as d/m/yyyy in the Buddhist Era (22/11/2569) or ISO (2026-11-22)."""

    def __init__(self, value: date | None = None, parent=None):
        super().__init__(parent)
        self.setPlaceholderText(tr("date.placeholder"))
        self.setToolTip(tr("date.hint"))
        # never narrower than a whole date in either form, so a squeezed form does not hide its day
        self.setMinimumWidth(max(self.fontMetrics().horizontalAdvance(t) for t in ("30/12/2569", "2026-12-30")) + 20)
        if value is not None:
            self.set_value(value)

    def set_value(self, value: date) -> None:
        # Thai screens write the Buddhist Era as officials do; English ones ISO (the Christian Era), like
        # their lists. Either form is read in either language.
        self.setText(format_date(value, "numeric") if language() == "th" else value.isoformat())

    def value(self) -> date:
        """The typed date; raises InputError with one sentence when it cannot be read."""
        return parse_date(self.text())


class BuddhistCalendar(QWidget):
    """A month calendar whose title shows the Buddhist Era year (Qt has no Buddhist calendar)."""

    picked = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.calendar = QCalendarWidget(self)
        self.calendar.setNavigationBarVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.title = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        prev_btn, next_btn = QToolButton(text="◀"), QToolButton(text="▶")
        prev_btn.clicked.connect(self.calendar.showPreviousMonth)
        next_btn.clicked.connect(self.calendar.showNextMonth)
        nav = QHBoxLayout()
        nav.addWidget(prev_btn)
        nav.addWidget(self.title, 1)
        nav.addWidget(next_btn)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(nav)
        box.addWidget(self.calendar)
        self.calendar.currentPageChanged.connect(self._show_title)
        self.calendar.clicked.connect(lambda qd: emit(self.picked, qd.toPython()))

    def set_date(self, d: date) -> None:
        self.calendar.setSelectedDate(QDate(d.year, d.month, d.day))
        self._show_title(d.year, d.month)

    def _show_title(self, year: int, month: int) -> None:
        if language() == "th":
            self.title.setText(f"{MONTHS_LONG[month - 1]} {year + 543}")
        else:
            self.title.setText(f"{MONTHS_EN[month - 1]} {year}")


class WorkingDateEdit(QWidget):
    """The day the officer is looking at: ◀ date ▶, typed in BE, picked from a calendar, or today."""

    dateChanged = Signal(object)

    def __init__(self, value: date, parent=None):
        super().__init__(parent)
        self._value = value
        self.edit = QLineEdit()
        self.edit.setToolTip(tr("date.hint"))
        self.edit.setFixedWidth(self.fontMetrics().horizontalAdvance("30 พฤศจิกายน 2569") + 32)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.edit.editingFinished.connect(self._typed)
        self.edit.installEventFilter(self)
        prev_btn = QToolButton(text="◀", toolTip=tr("date.previous"))
        next_btn = QToolButton(text="▶", toolTip=tr("date.next"))
        today_btn = QPushButton(tr("date.today"))
        prev_btn.clicked.connect(lambda: self.set_value(self._value - timedelta(days=1)))
        next_btn.clicked.connect(lambda: self.set_value(self._value + timedelta(days=1)))
        today_btn.clicked.connect(lambda: self.set_value(today_in_thailand()))
        self.pick_btn = QToolButton(text=tr("date.calendar"), toolTip=tr("date.pick"))
        self.pick_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.pick_btn)
        self.calendar = BuddhistCalendar()
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(lambda: self.calendar.set_date(self._value))
        self.calendar.picked.connect(lambda d: (menu.close(), self.set_value(d)))
        self.pick_btn.setMenu(menu)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(QLabel(tr("date.working")))
        for w in (prev_btn, self.edit, next_btn, self.pick_btn, today_btn):
            row.addWidget(w)
        row.addStretch(1)
        self._show()

    def value(self) -> date:
        return self._value

    def set_value(self, value: date) -> None:
        changed = value != self._value
        self._value = value
        self._show()
        if changed:
            emit(self.dateChanged, value)

    def _show(self) -> None:
        self.edit.setText(long_day_text(self._value))
        self.edit.setStyleSheet("")

    def eventFilter(self, obj, event):
        # On focus show the typable numeric form (22/11/2569); the long form is for reading.
        if obj is self.edit and event.type() == event.Type.FocusIn:
            self.edit.setText(format_date(self._value, "numeric"))
        return super().eventFilter(obj, event)

    def _typed(self) -> None:
        try:
            value = parse_date(self.edit.text())
        except InputError as exc:
            self.edit.setToolTip(error_text(exc))
            self.edit.setStyleSheet("QLineEdit { background: #fdecea; }")
            return
        self.edit.setToolTip(tr("date.hint"))
        self.set_value(value)


def filter_box(least_chars: int = 12) -> QComboBox:
    """A list's filter (all villages, a fund, a stage): as wide as its choice "all …" at least, and no wider
    than its share of the bar, whatever its longest choice, so the filters beside it keep their words."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(least_chars)
    return box


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    label.setFont(font)
    return label


class EmptyNote(QObject):
    """A sentence in the middle of an empty list ("no visits yet…"), hidden as soon as it has rows.

    `text` is called each time the list becomes empty, so it can say why (nothing yet, or nothing
    matches the search).
    """

    def __init__(self, view, text):
        super().__init__(view)
        self.view = view
        self.text = text
        self.label = QLabel(view.viewport())
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("QLabel { color: #607d8b; background: transparent; padding: 12px; }")
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update)
        view.viewport().installEventFilter(self)
        self.update()

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Resize:
            self.label.setGeometry(self.view.viewport().rect())
        return False

    def update(self, *_) -> None:
        if not isValid(self.view) or not isValid(self.label):
            return  # a list being destroyed empties its model on the way out
        empty = self.view.model().rowCount() == 0
        if empty:
            self.label.setText(self.text())
            self.label.setGeometry(self.view.viewport().rect())
        self.label.setVisible(empty)


def empty_note(view, text) -> EmptyNote:
    """Say `text()` inside `view` while it has no rows."""
    return EmptyNote(view, text if callable(text) else (lambda: text))
