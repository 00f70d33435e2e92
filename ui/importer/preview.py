"""The import window's dry-run page: what the file holds and what the import would do with it.

Notes above (imported before, a TPMAP file, what keeps whole sheets out), the sheets found beside the
columns the importer could not place, every row by what will happen to it (filtered by action), and at the
bottom the tick that skips refused rows knowingly and the import button that says how many records it makes.
"""

from __future__ import annotations

from datetime import date

from fieldtool.bookimport import ImportPlan
from fieldtool.vocabulary import RowAction
from ui.i18n import day_text, text_of, tr
from ui.importer.mapping import MappingPanel
from ui.importer.model import (
    LAYOUTS,
    RowsModel,
    SheetsModel,
    created_text,
    field_text,
    missing_fields,
    ordered_rows,
)
from ui.qt import (
    QButtonGroup,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import empty_note, make_table

FILTERS = (None, RowAction.CREATE, RowAction.MATCH, RowAction.REFUSED)  # all, then one action each
# A list of dry-run rows wraps its sentences only while it is short enough to measure quickly (2,000 rows
# take about a quarter of a second); a longer one shows each sentence on one line, whole in its tooltip.
WRAP_LIMIT = 2000

AMBER = "background: #fff3cd; color: #6d4c00;"
BLUE = "background: #e3f2fd; color: #0d3c61;"
RED_NOTE = "background: #fdecea; color: #8e1c1c;"


def rows_view(model: RowsModel) -> QTableView:
    """A list of dry-run rows whose last column (the sentence) takes the free width and wraps."""
    view = make_table(model)
    view.setWordWrap(True)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setMinimumSectionSize(rows.defaultSectionSize())  # fitted rows keep room for Thai marks
    return view


def fit_rows(view: QTableView) -> None:
    """Size the short columns to their content and give the sentence the rest, wrapped in its row."""
    model = view.model()
    header = view.horizontalHeader()
    last = header.count() - 1
    for col in range(last):
        view.resizeColumnToContents(col)
        header.resizeSection(col, min(header.sectionSize(col) + 8, model.column(col).max_width))
    others = sum(header.sectionSize(i) for i in range(last))
    header.resizeSection(last, max(260, view.viewport().width() - others))
    short = model.rowCount() <= WRAP_LIMIT
    view.setWordWrap(short)  # a row of the default height elides a long sentence rather than cut a line off
    if short:
        view.resizeRowsToContents()


def _note(style: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(f"QLabel {{ {style} padding: 6px 10px; border-radius: 4px; }}")
    label.hide()
    return label


class PreviewPage(QWidget):
    """The dry run on screen. The window connects `import_button`, `close_button` and the mapping panel's
    `chosen`, and says when work runs in the background (`set_busy`)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plan: ImportPlan | None = None
        self.filter: str | None = None
        self.busy = False
        self.before_note = _note(AMBER)
        self.source_note = _note(BLUE)
        self.problems_note = _note(RED_NOTE)

        self.sheets_model = SheetsModel(self)
        self.sheets_view = make_table(self.sheets_model)
        self.sheets_view.horizontalHeader().setStretchLastSection(False)
        self.ignored_label = QLabel()
        self.ignored_label.setWordWrap(True)
        self.ignored_label.setStyleSheet("QLabel { color: #607d8b; }")
        sheets_box = QGroupBox(tr("importer.sheets"))
        sb = QVBoxLayout(sheets_box)
        sb.addWidget(self.sheets_view)
        sb.addWidget(self.ignored_label)
        sb.addStretch(1)
        self.mapping_panel = MappingPanel()
        self.top = QSplitter(Qt.Orientation.Horizontal)
        self.top.setChildrenCollapsible(False)
        self.top.addWidget(sheets_box)
        self.top.addWidget(self.mapping_panel)
        self.top.setStretchFactor(0, 0)  # the sheets' table keeps its width; the mapping takes the rest
        self.top.setStretchFactor(1, 1)

        self.filter_buttons: dict[str | None, QRadioButton] = {}
        self.filter_group = QButtonGroup(self)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("importer.show")))
        for action in FILTERS:
            button = QRadioButton()
            button.toggled.connect(lambda on, a=action: on and self.set_filter(a))
            self.filter_group.addButton(button)
            self.filter_buttons[action] = button
            filters.addWidget(button)
        filters.addStretch(1)
        self.filter_buttons[None].setChecked(True)

        self.rows_model = RowsModel(self)
        self.rows_view = rows_view(self.rows_model)
        empty_note(self.rows_view, lambda: tr("importer.no_rows") if self.plan else "")
        rows_part = QWidget()
        rp = QVBoxLayout(rows_part)
        rp.setContentsMargins(0, 0, 0, 0)
        rp.addLayout(filters)
        rp.addWidget(self.rows_view, 1)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.top)
        self.split.addWidget(rows_part)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 5)

        self.skip_box = QCheckBox()
        self.skip_box.toggled.connect(self.update_buttons)
        self.skip_hint = QLabel(tr("importer.skip_hint"))
        self.skip_hint.setStyleSheet("QLabel { color: #607d8b; }")
        self.state_note = QLabel()
        self.state_note.setWordWrap(True)
        self.import_button = QPushButton(tr("importer.import_none"))
        font = self.import_button.font()
        font.setBold(True)
        self.import_button.setFont(font)
        self.import_button.setDefault(True)
        self.close_button = QPushButton(tr("button.cancel"))
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self.skip_box)
        left.addWidget(self.skip_hint)
        left.addWidget(self.state_note)
        bottom = QHBoxLayout()
        bottom.addLayout(left, 1)
        bottom.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignBottom)
        bottom.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignBottom)

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.before_note)
        box.addWidget(self.source_note)
        box.addWidget(self.problems_note)
        box.addWidget(self.split, 1)
        box.addLayout(bottom)

    def set_busy(self, busy: bool) -> None:
        """While the window reads, plans or imports, nothing here can be chosen or ticked."""
        self.busy = busy
        self.mapping_panel.setEnabled(not busy)
        self.skip_box.setEnabled(not busy)
        self.update_buttons()

    def show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        before = plan.imported_before
        if before:
            self.before_note.setText(tr("importer.before", day=day_text(date.fromisoformat(before["on"])),
                                        created=created_text(before.get("created", {}))))
        self.before_note.setVisible(bool(before))
        tpmap = plan.source == "tpmap" and any(s.kind == "households" for s in plan.sheets)
        self.source_note.setText(tr("importer.tpmap"))
        self.source_note.setVisible(tpmap)
        problems = self.problem_sentences()
        self.problems_note.setText("\n".join(problems))
        self.problems_note.setVisible(bool(problems))
        self.sheets_model.set_rows(plan.sheets)
        self.fit_sheets()
        self.ignored_label.setText(tr("importer.ignored", sheets=", ".join(plan.ignored_sheets)))
        self.ignored_label.setVisible(bool(plan.ignored_sheets))
        self.mapping_panel.show_plan(plan)
        self.mapping_panel.setVisible(self.mapping_panel.count() > 0)
        counts = plan.counts
        for action, button in self.filter_buttons.items():
            n = len(plan.rows) if action is None else counts[action]
            button.setText(tr(f"importer.filter.{action or 'all'}", n=f"{n:,}"))
        if self.filter is not None and not counts[self.filter]:
            self.filter = None
        self.filter_buttons[self.filter].setChecked(True)
        self._show_rows()
        self.skip_box.setChecked(False)  # a new dry run, new numbers: the officer ticks again
        self.update_buttons()

    def problem_sentences(self) -> list[str]:
        """What keeps whole sheets out: an empty sheet, or columns a row must have that no header gives."""
        out = []
        for sheet in self.plan.sheets:
            if not sheet.header_row:
                out.append(tr("importer.empty_sheet", sheet=sheet.name))
                continue
            missing = missing_fields(sheet)
            if missing:
                layout = LAYOUTS[sheet.kind]
                out.append(tr("importer.missing", sheet=sheet.name,
                              fields=", ".join(field_text(layout, f) for f in missing)))
            # The domain's own sentences for missing columns name the command line's --map; the sentence
            # above says the same for the window. Anything else it found is shown as it is.
            out += [text_of(p) for p in sheet.problems if "--map" not in p.en]
        return out

    def set_filter(self, action: str | None) -> None:
        if action != self.filter:
            self.filter = action
            self._show_rows()

    def _show_rows(self) -> None:
        rows = ordered_rows(self.plan) if self.plan else []
        if self.filter is not None:
            rows = [r for r in rows if r.action == self.filter]
        self.rows_model.set_rows(rows)
        self.rows_view.scrollToTop()
        fit_rows(self.rows_view)

    def fit_sheets(self) -> None:
        """The sheets' table as wide as its columns and as high as its rows (six, then it scrolls); the
        mapping panel beside it takes the rest of the width."""
        view = self.sheets_view
        view.resizeColumnsToContents()
        header = view.horizontalHeader()
        for col in range(header.count()):
            header.resizeSection(col, header.sectionSize(col) + 12)
        shown = self.sheets_model.rowCount()
        rows = min(shown, 6)
        line = view.verticalHeader().defaultSectionSize()
        height = max(header.sizeHint().height(), line) + rows * line + 2 * view.frameWidth() + 2
        view.setFixedHeight(height)
        width = sum(header.sectionSize(c) for c in range(header.count())) + 2 * view.frameWidth() + 2
        if shown > rows:
            width += view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(min(width, 640))  # the splitter gives the mapping panel only what is left
        view.setMaximumWidth(width)

    # --- what the buttons say -------------------------------------------------------------------------------

    def blocked_sheets(self) -> int:
        """Sheets whose rows are not read at all (empty, or a column a row must have is missing)."""
        return sum(1 for s in self.plan.sheets if s.problems) if self.plan else 0

    def update_buttons(self) -> None:
        plan = self.plan
        if plan is None:
            self.import_button.setEnabled(False)
            return
        counts = plan.counts
        new, refused, blocked = counts[RowAction.CREATE], counts[RowAction.REFUSED], self.blocked_sheets()
        needs_tick = new > 0 and bool(refused or blocked)
        if blocked and not refused:
            self.skip_box.setText(tr("importer.skip_only_sheets", sheets=blocked))
        elif blocked:
            self.skip_box.setText(tr("importer.skip_sheets", n=f"{refused:,}", sheets=blocked))
        else:
            self.skip_box.setText(tr("importer.skip", n=f"{refused:,}"))
        self.skip_box.setVisible(needs_tick)
        self.skip_hint.setVisible(needs_tick)
        self.import_button.setText(tr("importer.import_n", n=f"{new:,}") if new else tr("importer.import_none"))
        self.import_button.setEnabled(
            new > 0 and not self.busy and (not needs_tick or self.skip_box.isChecked()))
        if new:
            self.state_note.hide()
        else:
            if refused:
                self.state_note.setText(tr("importer.nothing_valid", n=f"{refused:,}"))
            else:
                self.state_note.setText(tr("importer.nothing_blocked") if blocked else tr("importer.all_there"))
            self.state_note.setStyleSheet(
                "QLabel { color: #1b5e20; font-weight: bold; }" if not (refused or blocked) else "QLabel { color: #8e1c1c; }")
            self.state_note.show()
