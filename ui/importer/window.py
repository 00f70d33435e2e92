"""The import window (แฟ้ม → นำเข้าจาก Excel…): choose or drop a workbook, see the dry run, import.

The dry run (`read_workbook` + `plan_import`) runs in the background and writes nothing; the window shows
what it found per sheet, every row by what will happen to it (refused rows first, with their sentence),
and the columns it could not place, each with a choice of what it is – a choice runs the dry run again with
that mapping. The import button says how many records it makes; refused rows must be skipped knowingly
(a tick) or fixed in the file and loaded again. The import is one transaction in the background
(`apply_import`, which also remembers the mapping); then the window shows what was made, and `imported`
tells the main window that every page is out of date. A file that cannot be read, holds no register or no
rows is one sentence.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from db import Database
from exports.workbook import read_workbook
from fieldtool.bookimport import (
    CREATE,
    MATCH,
    REFUSED,
    ImportPlan,
    ImportResult,
    Workbook,
    apply_import,
    column_letter,
    plan_import,
)
from fieldtool.thai import InputError, today_in_thailand
from ui import worker
from ui.i18n import day_text, error_text, tr
from ui.importer.mapping import MappingPanel
from ui.importer.model import (
    KINDS,
    LAYOUTS,
    RowsModel,
    SheetsModel,
    created_text,
    field_text,
    missing_fields,
    ordered_rows,
    text_of,
)
from ui.qt import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.widgets import MessageBar, empty_note, make_table, section_title

FILTERS = (None, CREATE, MATCH, REFUSED)  # all, then one action each
# A list of dry-run rows wraps its sentences only while it is short enough to measure quickly (2,000 rows
# take about a quarter of a second); a longer one shows each sentence on one line, whole in its tooltip.
WRAP_LIMIT = 2000


class ChooseWorkbook:
    """The file chooser for the register to import ("" when cancelled). Tests replace `ask`."""

    @classmethod
    def ask(cls, parent) -> str:
        path, _ = QFileDialog.getOpenFileName(parent, tr("importer.choose_title"), str(Path.home()),
                                              tr("importer.filter"))
        return path


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


class DropFrame(QFrame):
    """The dashed box of the empty window: drop a workbook here, or choose one; what the import does below."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dropframe")
        self.hot(False)
        self.label = QLabel(tr("importer.drop_here"))
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        font = self.label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.label.setFont(font)
        self.choose = QPushButton(tr("importer.choose"))
        self.choose.setMinimumWidth(self.choose.fontMetrics().horizontalAdvance(self.choose.text()) + 48)
        self.choose.setMinimumHeight(self.choose.sizeHint().height() + 8)
        self.intro = QLabel(tr("importer.intro"))
        self.intro.setWordWrap(True)
        self.intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.intro.setStyleSheet("QLabel { color: #455a64; }")
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 28, 24, 28)
        box.addStretch(1)
        box.addWidget(self.label)
        box.addSpacing(14)
        box.addWidget(self.choose, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addSpacing(22)
        # centred in a row of its own, not by alignment, so that the wrapped lines get their height
        intro_row = QHBoxLayout()
        intro_row.addStretch(1)
        intro_row.addWidget(self.intro, 4)
        intro_row.addStretch(1)
        box.addLayout(intro_row)
        box.addStretch(1)

    def hot(self, on: bool) -> None:
        colour, bg = ("#1c5fa8", "#e3f2fd") if on else ("#90a4ae", "#fafafa")
        self.setStyleSheet(f"QFrame#dropframe {{ border: 2px dashed {colour}; border-radius: 8px; background: {bg}; }}")


def _note(style: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(f"QLabel {{ {style} padding: 6px 10px; border-radius: 4px; }}")
    label.hide()
    return label


AMBER = "background: #fff3cd; color: #6d4c00;"
BLUE = "background: #e3f2fd; color: #0d3c61;"
RED_NOTE = "background: #fdecea; color: #8e1c1c;"


class ImportWindow(QDialog):
    imported = Signal()  # records were written: every page of the main window is out of date

    START, PREVIEW, RESULT = 0, 1, 2

    def __init__(self, db: Database, parent=None, today: date | None = None):
        super().__init__(parent)
        self.db = db
        self.today = today or today_in_thailand()
        self.path: Path | None = None
        self.workbook: Workbook | None = None
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.mapping: dict[str, dict[str, int]] = {}  # sheet → field → column the officer chose
        self.busy = ""  # reading | planning | importing
        self.filter: str | None = None
        self._generation = 0
        self.setWindowTitle(tr("importer.title"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setSizeGripEnabled(True)
        self.setAcceptDrops(True)
        self._build()
        self._size_for_screen()
        self._fit_soon = QTimer(self, singleShot=True, interval=60)
        self._fit_soon.timeout.connect(self._fit_tables)

    # --- building ---------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.file_label = QLabel()
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reload_button = QPushButton(tr("importer.reload"))
        self.reload_button.setToolTip(tr("importer.reload_tip"))
        self.reload_button.clicked.connect(self.reload_file)
        self.choose_button = QPushButton(tr("importer.choose"))
        self.choose_button.clicked.connect(self.choose_file)
        self.file_row = QWidget()
        row = QHBoxLayout(self.file_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.file_label, 1)
        row.addWidget(self.reload_button)
        row.addWidget(self.choose_button)
        self.file_row.hide()

        self.busy_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # it moves while the work runs; how long it takes is not known
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.busy_label.hide()
        self.progress.hide()
        self.message = MessageBar()

        self.pages = QStackedWidget()
        self.pages.addWidget(self._start_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._result_page())

        box = QVBoxLayout(self)
        box.setContentsMargins(12, 10, 12, 10)
        box.addWidget(self.file_row)
        box.addWidget(self.busy_label)
        box.addWidget(self.progress)
        box.addWidget(self.message)
        box.addWidget(self.pages, 1)

    def _start_page(self) -> QWidget:
        page = QWidget()
        self.drop = DropFrame()
        self.drop.choose.clicked.connect(self.choose_file)
        self.start_close = QPushButton(tr("button.close"))
        self.start_close.clicked.connect(self.close)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.drop, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.start_close)
        box.addLayout(bottom)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
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
        self.mapping_panel.chosen.connect(self.choose_field)
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
        self.skip_box.toggled.connect(self._update_buttons)
        self.skip_hint = QLabel(tr("importer.skip_hint"))
        self.skip_hint.setStyleSheet("QLabel { color: #607d8b; }")
        self.state_note = QLabel()
        self.state_note.setWordWrap(True)
        self.import_button = QPushButton(tr("importer.import_none"))
        font = self.import_button.font()
        font.setBold(True)
        self.import_button.setFont(font)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.preview_close = QPushButton(tr("button.cancel"))
        self.preview_close.clicked.connect(self.close)
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self.skip_box)
        left.addWidget(self.skip_hint)
        left.addWidget(self.state_note)
        bottom = QHBoxLayout()
        bottom.addLayout(left, 1)
        bottom.addWidget(self.preview_close, 0, Qt.AlignmentFlag.AlignBottom)
        bottom.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignBottom)

        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.before_note)
        box.addWidget(self.source_note)
        box.addWidget(self.problems_note)
        box.addWidget(self.split, 1)
        box.addLayout(bottom)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        self.done_title = section_title(tr("importer.done"))
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        created_box = QGroupBox(tr("importer.created"))
        grid = QGridLayout(created_box)
        self.created_labels: dict[str, QLabel] = {}
        for i, kind in enumerate(KINDS):
            name = QLabel(tr(f"importer.kind.{kind}"))
            number = QLabel("0")
            font = number.font()
            font.setPointSizeF(font.pointSizeF() * 1.6)
            font.setBold(True)
            number.setFont(font)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(number, 0, i)
            grid.addWidget(name, 1, i)
            self.created_labels[kind] = number
        self.matched_label = QLabel()
        self.remembered_label = QLabel(tr("importer.remembered"))
        self.remembered_label.setWordWrap(True)
        self.skipped_label = QLabel()
        self.skipped_label.setWordWrap(True)
        self.skipped_model = RowsModel(self)
        self.skipped_view = rows_view(self.skipped_model)
        self.result_close = QPushButton(tr("button.close"))
        self.result_close.setDefault(True)
        self.result_close.clicked.connect(self.close)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.done_title)
        box.addWidget(self.done_label)
        box.addWidget(created_box)
        box.addWidget(self.matched_label)
        box.addWidget(self.remembered_label)
        box.addWidget(self.skipped_label)
        box.addWidget(self.skipped_view, 1)
        self.result_stretch = QWidget()  # the room a short list leaves
        self.result_stretch.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        box.addWidget(self.result_stretch)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.result_close)
        box.addLayout(bottom)
        return page

    def _size_for_screen(self) -> None:
        """Most of a small laptop's screen (1366×768 with a taskbar), never more than the screen."""
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1280, 720
        if screen is not None:
            width, height = min(width, screen.width() - 24), min(height, screen.height() - 40)
        self.resize(max(width, 640), max(height, 480))

    # --- choosing and reading a file ----------------------------------------------------------------------

    def choose_file(self) -> bool:
        path = ChooseWorkbook.ask(self)
        if not path:
            return False
        return self.load(path)

    def load(self, path: str | Path) -> bool:
        """Read a workbook and show its dry run; False while another step is still running."""
        if self.busy:
            return False
        self.path = Path(path)
        self.mapping = {}
        self.filter = None
        return self._read()

    def reload_file(self) -> bool:
        """Read the same file again (after the officer fixed it in Excel), keeping the columns chosen."""
        if self.busy or self.path is None:
            return False
        return self._read()

    def _read(self) -> bool:
        generation = self._start("reading", tr("importer.reading", file=self.path.name))
        self.file_label.setText(tr("importer.file", file=str(self.path)))
        self.file_label.setToolTip(str(self.path))
        self.file_row.show()
        self.setWindowTitle(tr("importer.title_file", file=self.path.name))
        db, path, mapping = self.db, self.path, self._overrides()

        def task():
            workbook = read_workbook(path)
            names = {s.name for s in workbook.sheets}
            with db.session() as s:
                # choices for sheets the file no longer has (renamed in Excel) are dropped, not refused
                return workbook, plan_import(s, workbook, {k: v for k, v in mapping.items() if k in names})

        worker.run_in_background(task, lambda answer: self._planned(generation, *answer),
                                 lambda exc: self._failed(generation, exc, reading=True), self)
        return True

    def choose_field(self, sheet: str, column: int, field: str | None) -> None:
        """The officer said what an unrecognised column is (or that it is not used): check the file again."""
        chosen = self.mapping.setdefault(sheet, {})
        for f, c in list(chosen.items()):
            if c == column or f == field:
                del chosen[f]
        if field:
            chosen[field] = column
        if not chosen:
            del self.mapping[sheet]
        self._replan()

    def _overrides(self) -> dict[str, dict[str, str]]:
        return {sheet: {f: column_letter(c) for f, c in fields.items()} for sheet, fields in self.mapping.items()}

    def _replan(self) -> None:
        if self.workbook is None or self.busy:
            return
        generation = self._start("planning", tr("importer.replanning"))
        db, workbook, overrides = self.db, self.workbook, self._overrides()

        def task():
            with db.session() as s:
                return workbook, plan_import(s, workbook, overrides)

        worker.run_in_background(task, lambda answer: self._planned(generation, *answer),
                                 lambda exc: self._failed(generation, exc, reading=False), self)

    def _start(self, what: str, text: str) -> int:
        self._generation += 1
        self.busy = what
        self.message.clear_message()
        self.busy_label.setText(text)
        self.busy_label.show()
        self.progress.show()
        self._set_enabled(False)
        return self._generation

    def _stop(self) -> None:
        self.busy = ""
        self.busy_label.hide()
        self.progress.hide()
        self._set_enabled(True)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.reload_button, self.choose_button, self.drop, self.mapping_panel, self.skip_box):
            w.setEnabled(on)
        self.reload_button.setEnabled(on and self.path is not None)
        self._update_buttons()

    def _planned(self, generation: int, workbook: Workbook, plan: ImportPlan) -> None:
        if generation != self._generation:
            return
        self.workbook, self.plan, self.result = workbook, plan, None
        self._stop()
        self._show_plan()

    def _failed(self, generation: int, exc: BaseException, reading: bool) -> None:
        if generation != self._generation:
            return
        self._stop()
        text = error_text(exc) if isinstance(exc, InputError) else tr("importer.failed", detail=str(exc))
        if reading:
            # a file that cannot be read: its sentence, and the empty window to choose another
            self.workbook, self.plan = None, None
            self.pages.setCurrentIndex(self.START)
        self.message.show_error(text)

    # --- the dry run on screen ----------------------------------------------------------------------------

    def _show_plan(self) -> None:
        plan = self.plan
        if not plan.sheets:
            self._only_sentence(tr("importer.no_sheet", file=plan.file_name,
                                   sheets=", ".join(plan.ignored_sheets) or "–"))
            return
        fixable = any(s.header_row and missing_fields(s) for s in plan.sheets)
        if not plan.rows and not fixable:
            self._only_sentence(tr("importer.empty", file=plan.file_name))
            return
        self.pages.setCurrentIndex(self.PREVIEW)
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
        self._fit_sheets()
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
        self._update_buttons()

    def _only_sentence(self, text: str) -> None:
        self.plan = None
        self.pages.setCurrentIndex(self.START)
        self.message.show_error(text)

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
        self._fit_tables()

    def _fit_sheets(self) -> None:
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

    def _fit_tables(self) -> None:
        if self.pages.currentIndex() == self.PREVIEW:
            fit_rows(self.rows_view)
        elif self.pages.currentIndex() == self.RESULT and self.skipped_model.rowCount():
            view = self.skipped_view
            fit_rows(view)
            # no taller than its rows: a short list of skipped rows leaves the room below empty
            rows = sum(view.rowHeight(r) for r in range(view.model().rowCount()))
            header = max(view.horizontalHeader().height(), view.horizontalHeader().sizeHint().height())
            view.setMaximumHeight(header + rows + 2 * view.frameWidth() + 4)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_soon.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_soon.start()

    # --- what the buttons say -------------------------------------------------------------------------------

    def blocked_sheets(self) -> int:
        """Sheets whose rows are not read at all (empty, or a column a row must have is missing)."""
        return sum(1 for s in self.plan.sheets if s.problems) if self.plan else 0

    def _update_buttons(self) -> None:
        plan = self.plan
        if plan is None:
            self.import_button.setEnabled(False)
            return
        counts = plan.counts
        new, refused, blocked = counts[CREATE], counts[REFUSED], self.blocked_sheets()
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

    # --- importing --------------------------------------------------------------------------------------------

    def start_import(self) -> bool:
        """Write what the dry run shows, in one transaction in the background; False when it may not start."""
        if self.plan is None or not self.import_button.isEnabled():
            return False
        plan, db, today = self.plan, self.db, self.today
        self._start("importing", tr("importer.importing", n=f"{plan.counts[CREATE]:,}"))

        def task():
            with db.session() as s:  # one transaction: all of it, or nothing
                return apply_import(s, plan, today)

        worker.run_in_background(task, self._imported, self._import_failed, self)
        return True

    def _imported(self, result: ImportResult) -> None:
        self._stop()
        self.result = result
        plan = self.plan
        self.done_label.setText(tr("importer.done_file", file=result.file_name, day=day_text(result.on)))
        for kind, label in self.created_labels.items():
            label.setText(f"{result.created.get(kind, 0):,}")
        self.matched_label.setText(tr("importer.matched", n=f"{result.matched:,}"))
        self.matched_label.setVisible(result.matched > 0)
        self.remembered_label.setVisible(any(s.given for s in plan.sheets))
        skipped = [r for r in ordered_rows(plan) if r.action == REFUSED]
        self.skipped_label.setText(tr("importer.skipped", n=f"{len(skipped):,}") if skipped
                                   else tr("importer.skipped_none"))
        self.skipped_model.set_rows(skipped)
        self.skipped_view.setVisible(bool(skipped))
        self.file_row.hide()
        self.message.clear_message()
        self.pages.setCurrentIndex(self.RESULT)
        self._fit_soon.start()
        if any(result.created.values()):
            emit(self.imported)

    def _import_failed(self, exc: BaseException) -> None:
        self._stop()
        text = error_text(exc) if isinstance(exc, InputError) else tr("importer.import_failed", detail=str(exc))
        self.message.show_error(text)

    # --- closing and dropping ---------------------------------------------------------------------------------

    def closeEvent(self, event) -> None:
        if self.busy == "importing":  # the transaction is under way: closing would hide how it ended
            self.message.show_error(tr("importer.busy_close"))
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:
        if self.busy == "importing":
            self.message.show_error(tr("importer.busy_close"))
            return
        super().reject()

    @staticmethod
    def _dropped_file(event) -> Path | None:
        mime = event.mimeData()
        files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []
        return files[0] if len(files) == 1 and not files[0].is_dir() else None

    def dragEnterEvent(self, event) -> None:
        if not self.busy and self._dropped_file(event) is not None:
            self.drop.hot(True)
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self.drop.hot(False)

    def dropEvent(self, event) -> None:
        self.drop.hot(False)
        path = self._dropped_file(event)
        if path is not None and self.load(path):
            event.acceptProposedAction()
