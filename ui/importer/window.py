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
    ImportPlan,
    ImportResult,
    Workbook,
    apply_import,
    column_letter,
    plan_import,
)
from fieldtool.thai import InputError, today_in_thailand
from fieldtool.vocabulary import RowAction
from ui import worker
from ui.i18n import error_text, tr
from ui.importer.model import missing_fields
from ui.importer.preview import PreviewPage, fit_rows
from ui.importer.result import ResultPage
from ui.importer.start import StartPage
from ui.qt import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.widgets import MessageBar


class ChooseWorkbook:
    """The file chooser for the register to import ("" when cancelled). Tests replace `ask`."""

    @classmethod
    def ask(cls, parent) -> str:
        path, _ = QFileDialog.getOpenFileName(parent, tr("importer.choose_title"), str(Path.home()),
                                              tr("importer.filter"))
        return path


class ImportWindow(QDialog):
    imported = Signal()  # records were written: every page of the main window is out of date

    START, PREVIEW, RESULT = 0, 1, 2

    def __init__(self, db: Database, parent=None, today: date | None = None):
        super().__init__(parent)
        self.db = db
        self.today = today or today_in_thailand()
        self.path: Path | None = None
        self.workbook: Workbook | None = None
        self.result: ImportResult | None = None
        self.mapping: dict[str, dict[str, int]] = {}  # sheet → field → column the officer chose
        self.busy = ""  # reading | planning | importing
        self.loads = worker.Latest(self)  # dry runs: only the latest reading or planning answers
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

        self.start = StartPage()
        self.start.drop.choose.clicked.connect(self.choose_file)
        self.start.close_button.clicked.connect(self.close)
        self.preview = PreviewPage()
        self.preview.mapping_panel.chosen.connect(self.choose_field)
        self.preview.import_button.clicked.connect(self.start_import)
        self.preview.close_button.clicked.connect(self.close)
        self.result_page = ResultPage()
        self.result_page.close_button.clicked.connect(self.close)
        self.pages = QStackedWidget()
        for page in (self.start, self.preview, self.result_page):
            self.pages.addWidget(page)

        box = QVBoxLayout(self)
        box.setContentsMargins(12, 10, 12, 10)
        box.addWidget(self.file_row)
        box.addWidget(self.busy_label)
        box.addWidget(self.progress)
        box.addWidget(self.message)
        box.addWidget(self.pages, 1)

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
        self.preview.filter = None
        return self._read()

    def reload_file(self) -> bool:
        """Read the same file again (after the officer fixed it in Excel), keeping the columns chosen."""
        if self.busy or self.path is None:
            return False
        return self._read()

    def _read(self) -> bool:
        self._start("reading", tr("importer.reading", file=self.path.name))
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

        self.loads.run(task, lambda answer: self._planned(*answer), lambda exc: self._failed(exc, reading=True))
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
        self._start("planning", tr("importer.replanning"))
        db, workbook, overrides = self.db, self.workbook, self._overrides()

        def task():
            with db.session() as s:
                return workbook, plan_import(s, workbook, overrides)

        self.loads.run(task, lambda answer: self._planned(*answer), lambda exc: self._failed(exc, reading=False))

    def _start(self, what: str, text: str) -> None:
        self.loads.drop()  # a dry run still under way no longer answers
        self.busy = what
        self.message.clear_message()
        self.busy_label.setText(text)
        self.busy_label.show()
        self.progress.show()
        self._set_enabled(False)

    def _stop(self) -> None:
        self.busy = ""
        self.busy_label.hide()
        self.progress.hide()
        self._set_enabled(True)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.choose_button, self.start.drop):
            w.setEnabled(on)
        self.reload_button.setEnabled(on and self.path is not None)
        self.preview.set_busy(not on)

    @property
    def plan(self) -> ImportPlan | None:
        """The dry run on screen; None before a file is read, or when it found nothing to import."""
        return self.preview.plan

    def _planned(self, workbook: Workbook, plan: ImportPlan) -> None:
        self.workbook, self.preview.plan, self.result = workbook, plan, None
        self._stop()
        self._show_plan(plan)

    def _failed(self, exc: BaseException, reading: bool) -> None:
        self._stop()
        text = error_text(exc) if isinstance(exc, InputError) else tr("importer.failed", detail=str(exc))
        if reading:
            # a file that cannot be read: its sentence, and the empty window to choose another
            self.workbook, self.preview.plan = None, None
            self.pages.setCurrentIndex(self.START)
        self.message.show_error(text)

    # --- the dry run on screen ----------------------------------------------------------------------------

    def _show_plan(self, plan: ImportPlan) -> None:
        if not plan.sheets:
            self._only_sentence(tr("importer.no_sheet", file=plan.file_name,
                                   sheets=", ".join(plan.ignored_sheets) or "–"))
            return
        fixable = any(s.header_row and missing_fields(s) for s in plan.sheets)
        if not plan.rows and not fixable:
            self._only_sentence(tr("importer.empty", file=plan.file_name))
            return
        self.pages.setCurrentIndex(self.PREVIEW)
        self.preview.show_plan(plan)

    def _only_sentence(self, text: str) -> None:
        self.preview.plan = None
        self.pages.setCurrentIndex(self.START)
        self.message.show_error(text)

    def _fit_tables(self) -> None:
        if self.pages.currentIndex() == self.PREVIEW:
            fit_rows(self.preview.rows_view)
        elif self.pages.currentIndex() == self.RESULT:
            self.result_page.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_soon.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_soon.start()

    # --- importing --------------------------------------------------------------------------------------------

    def start_import(self) -> bool:
        """Write what the dry run shows, in one transaction in the background; False when it may not start."""
        if self.plan is None or not self.preview.import_button.isEnabled():
            return False
        plan, db, today = self.plan, self.db, self.today
        self._start("importing", tr("importer.importing", n=f"{plan.counts[RowAction.CREATE]:,}"))

        def task():
            with db.session() as s:  # one transaction: all of it, or nothing
                return apply_import(s, plan, today)

        worker.run_in_background(task, self._imported, self._import_failed, self)
        return True

    def _imported(self, result: ImportResult) -> None:
        self._stop()
        self.result = result
        self.result_page.show_result(result, self.plan)
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
            self.start.drop.hot(True)
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self.start.drop.hot(False)

    def dropEvent(self, event) -> None:
        self.start.drop.hot(False)
        path = self._dropped_file(event)
        if path is not None and self.load(path):
            event.acceptProposedAction()
