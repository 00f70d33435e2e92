"""นำเข้าชุดข้อมูล: the office takes in the bundles officers bring on a USB stick.

Files are dropped on the page (or chosen), then imported one after the other in the background, each in
its own all-or-nothing transaction (`exports.bundle.import_bundle`): one refused file never stops the
others and never leaves anything of itself behind. A progress bar follows every step of every file;
each file gets a line of result (imported with what it brought, already imported, or refused with the
reason), and a laptop whose earlier bundle never arrived is named. Below, the bundles received so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from db.office import OfficeDatabase, default_key_path
from exports import bundle
from fieldtool.officedesk import area_text, received_bundles, subdistrict_names
from fieldtool.thai import InputError
from ui import worker
from ui.i18n import error_text, local_time_text, tr
from ui.passphrase import passphrase_for
from ui.qt import (
    QColor,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QObject,
    QProgressBar,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
    emit,
)
from ui.tablemodel import Column, RowTableModel
from ui.widgets import MessageBar, empty_note, fit_columns, make_table, section_title

BUNDLE_SUFFIXES = (".ftb",)
RED, GREY, AMBER, GREEN = QColor("#b71c1c"), QColor("#607d8b"), QColor("#e65100"), QColor("#1b5e20")


@dataclass
class FileResult:
    """What happened to one dropped file."""

    file: Path
    status: str  # imported | already | refused
    detail: dict = field(default_factory=dict)  # import_bundle's answer
    error: str = ""  # the refusal, one sentence in the screen's language
    subdistrict: str = ""  # "341905 ต.โนนกลาง" once the office knows the name

    @property
    def gap(self) -> dict | None:
        return self.detail.get("gap")

    def get(self, key: str, default=0):
        return self.detail.get(key, default)


def status_text(r: FileResult) -> str:
    return tr(f"office.import.status.{r.status}")


def note_text(r: FileResult) -> str:
    if r.status == "refused":
        return r.error
    if r.status == "already":
        at = r.get("imported_at", "")
        return tr("office.import.note.already", when=local_time_text(datetime.fromisoformat(at)) if at else "–")
    notes = [tr("office.import.note.records", n=r.get("records"))]
    if r.get("pending"):
        notes.append(tr("office.import.note.pending", n=r.get("pending")))
    if r.gap:
        numbers = ", ".join(str(n) for n in r.gap["bundles"]) or "?"
        notes.append(tr("office.import.note.gap", numbers=numbers))
    return "; ".join(notes)


def _count(r: FileResult, key: str) -> str:
    return "–" if r.status != "imported" else f"{r.get(key):,}"


def _result_color(r: FileResult):
    return {"refused": RED, "already": GREY}.get(r.status, AMBER if r.gap else GREEN)


RESULT_COLUMNS = [
    Column("office.col.file", lambda r: r.file.name, max_width=200, tooltip=lambda r: str(r.file)),
    Column("office.col.result", status_text, color=_result_color, bold=lambda r: r.status == "refused"),
    Column("office.col.officer", lambda r: r.get("officer", "") or "–", max_width=220),
    Column("office.col.subdistrict", lambda r: r.subdistrict or r.get("subdistrict_code", "") or "–"),
    Column("office.col.bundle_no", lambda r: str(r.get("bundle_seq", "")) or "–", "right"),
    Column("office.col.entries_new", lambda r: _count(r, "entries_new"), "right"),
    Column("office.col.conflicts_new", lambda r: _count(r, "conflicts_new"), "right"),
    Column("office.col.note", note_text, color=lambda r: RED if r.status == "refused" or r.gap else None,
           tooltip=note_text,
           max_width=420),
]

HISTORY_COLUMNS = [
    Column("office.col.imported_at", lambda b: local_time_text(b.processed_at), sort_key=lambda b: b.processed_at),
    Column("office.col.officer", lambda b: b.officer or "–", max_width=220),
    Column("office.col.subdistrict", lambda b: b.subdistrict),
    Column("office.col.bundle_no", lambda b: f"{b.bundle_seq}" + (" (" + tr("office.full") + ")" if b.full else ""),
           "right", sort_key=lambda b: b.bundle_seq),
    Column("office.col.changes", lambda b: f"{b.seq_from:,}–{b.seq_to:,}" if b.seq_to >= b.seq_from else "–", "right",
           sort_key=lambda b: b.seq_from),
    Column("office.col.entries", lambda b: f"{b.entries:,}", "right", sort_key=lambda b: b.entries),
    Column("office.col.entries_new", lambda b: f"{b.entries_new:,}", "right", sort_key=lambda b: b.entries_new),
    Column("office.col.file", lambda b: b.file_name, max_width=320),
]


class _Reports(QObject):
    """Carries one object at a time from the import thread to the page (a step, or a file's result)."""

    sent = Signal(object)

    def __init__(self, callback, context):
        super().__init__()
        self._callback, self._context = callback, context
        self.sent.connect(self._deliver)

    def __call__(self, item) -> None:
        emit(self.sent, item)

    @Slot(object)
    def _deliver(self, item) -> None:
        from ui.qt import isValid

        if isValid(self._context):
            self._callback(item)


class DropZone(QFrame):
    """A dashed box that takes bundle files dropped from the file manager or a USB stick's window."""

    dropped = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setObjectName("dropzone")
        self._style(False)
        self.label = QLabel(tr("office.import.drop_here"))
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.choose = QPushButton(tr("office.import.choose"))
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 18, 16, 18)
        box.addWidget(self.label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.choose)
        row.addStretch(1)
        box.addLayout(row)

    def _style(self, hot: bool) -> None:
        colour, bg = ("#1c5fa8", "#e3f2fd") if hot else ("#90a4ae", "#fafafa")
        self.setStyleSheet(f"QFrame#dropzone {{ border: 2px dashed {colour}; border-radius: 8px; background: {bg}; }}")

    @staticmethod
    def _paths(event) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event) -> None:
        if self.isEnabled() and self._paths(event):
            self._style(True)
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self._style(False)

    def dropEvent(self, event) -> None:
        self._style(False)
        paths = self._paths(event)
        if paths:
            event.acceptProposedAction()
            emit(self.dropped, paths)


def expand(paths: list[Path]) -> list[Path]:
    """Dropped folders (a USB stick) give their bundle files; files are taken as they are, in name order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            # hidden files are never bundles: a killed export's .part, a Mac's "._" shadow of a bundle
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in BUNDLE_SUFFIXES
                              and not q.name.startswith(".")))
        else:
            out.append(p)
    seen, unique = set(), []
    for p in out:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            unique.append(p)
    return unique


def import_files(db: OfficeDatabase, files: list[Path], report, passphrase: str | None = None) -> list[FileResult]:
    """Import each file on its own; `report` gets ("step", file_no, step_no, share of the step done) and each
    FileResult as it ends. `passphrase` opens a locked office key file."""
    results = []
    for i, path in enumerate(files):
        report(("step", i, 0, 0.0))
        try:
            detail = bundle.import_bundle(
                db, path, passphrase=passphrase,
                progress=lambda name, share=0.0, i=i: report(("step", i, bundle.IMPORT_STEPS.index(name) + 1, share)))
            result = FileResult(path, detail["status"], detail)
        except InputError as exc:
            result = FileResult(path, "refused", error=error_text(exc))
        except Exception as exc:  # a disk error or a bug: still this file only, one sentence
            result = FileResult(path, "refused", error=tr("error.unexpected", detail=str(exc)))
        if result.detail.get("subdistrict_code"):
            with db.session() as s:
                result.subdistrict = area_text(result.detail["subdistrict_code"], subdistrict_names(s))
        results.append(result)
        report(result)
    return results


class ImportView(QWidget):
    loaded = Signal()
    imported = Signal()  # something new was merged: the other pages are out of date

    STEPS_PER_FILE = len(bundle.IMPORT_STEPS) + 1
    UNITS_PER_STEP = 100  # the merge of a big bundle moves the bar inside its step

    def __init__(self, db: OfficeDatabase, day: date, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.stale = True
        self.busy = False
        self.files: list[Path] = []
        self.results: list[FileResult] = []
        self.loads = worker.Latest(self)

        self.title = section_title(tr("office.import.title"))
        self.intro = QLabel(tr("office.import.intro"))
        self.intro.setWordWrap(True)
        self.drop = DropZone()
        self.drop.dropped.connect(self.start)
        self.drop.choose.clicked.connect(self.choose_files)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.progress_label = QLabel()
        self.progress_label.hide()
        self.message = MessageBar()
        self.result_model = RowTableModel(RESULT_COLUMNS, self)
        self.result_view = make_table(self.result_model)
        self.result_view.setWordWrap(True)  # a refusal is a whole sentence: it wraps in its row
        self.result_view.setMinimumHeight(150)
        empty_note(self.result_view, lambda: tr("office.import.no_results"))
        self.history_model = RowTableModel(HISTORY_COLUMNS, self)
        self.history_view = make_table(self.history_model, sortable=True)
        empty_note(self.history_view, lambda: tr("office.import.no_history") if self.loads.started else "")

        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.intro)
        box.addWidget(self.drop)
        box.addWidget(self.progress_label)
        box.addWidget(self.progress)
        box.addWidget(self.message)
        box.addWidget(QLabel(tr("office.import.results")))
        box.addWidget(self.result_view, 3)
        box.addWidget(QLabel(tr("office.import.history")))
        box.addWidget(self.history_view, 2)

    # --- the page contract ----------------------------------------------------------------------------

    def set_day(self, day: date) -> None:
        self.day = day

    def refresh(self) -> None:
        self.stale = False
        db = self.db

        def load():
            with db.session() as s:
                return received_bundles(s)

        self.loads.run(load, self._show_history, self.message.show_error)

    def _show_history(self, rows) -> None:
        self.history_model.set_rows(rows)
        fit_columns(self.history_view)
        emit(self.loaded)

    def _fit_note(self) -> None:
        """The note (a whole sentence for a refusal) takes the room the other columns leave, and wraps."""
        header = self.result_view.horizontalHeader()
        last = header.count() - 1
        others = sum(header.sectionSize(i) for i in range(last))
        header.resizeSection(last, max(220, self.result_view.viewport().width() - others))
        self.result_view.resizeRowsToContents()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.results:
            self._fit_note()

    # --- importing ------------------------------------------------------------------------------------

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, tr("office.import.choose_title"), "",
                                                tr("office.import.filter"))
        if files:
            self.start([Path(f) for f in files])

    def start(self, paths: list) -> bool:
        """Import the files (folders give their .ftb files); False when nothing can start."""
        if self.busy:
            self.message.show_error(tr("office.import.busy"))
            return False
        files = expand([Path(p) for p in paths])
        if not files:
            self.message.show_error(tr("office.import.no_files"))
            return False
        passphrase = passphrase_for(self, default_key_path(self.db))
        if passphrase is None:  # the office's key file is locked and the passphrase was not given
            return False
        self.busy = True
        self.files = files
        self.results = []
        self.result_model.set_rows([])
        self.message.clear_message()
        self.drop.setEnabled(False)
        self.progress.setRange(0, len(files) * self.STEPS_PER_FILE * self.UNITS_PER_STEP)
        self.progress.setValue(0)
        self.progress.show()
        self.progress_label.show()
        self._on_report(("step", 0, 0, 0.0))
        report = _Reports(self._on_report, self)
        db = self.db
        worker.run_in_background(lambda: import_files(db, files, report, passphrase or None), self._finished,
                                 self._failed, self)
        self._report_relay = report  # kept alive until the import ends
        return True

    def _on_report(self, item) -> None:
        if isinstance(item, FileResult):
            self.results.append(item)
            self.result_model.set_rows(self.results)
            fit_columns(self.result_view)
            self._fit_note()
            self.progress.setValue(len(self.results) * self.STEPS_PER_FILE * self.UNITS_PER_STEP)
            return
        _, i, step, share = item
        self.progress.setValue(int((i * self.STEPS_PER_FILE + step + min(max(share, 0.0), 1.0)) * self.UNITS_PER_STEP))
        step_name = tr(f"office.import.step.{bundle.IMPORT_STEPS[step - 1] if step else 'open'}")
        if share:
            step_name += f" {share:.0%}"
        text = tr("office.import.progress", n=i + 1, total=len(self.files), file=self.files[i].name, step=step_name)
        self.progress_label.setText(text)

    def _finished(self, results: list[FileResult]) -> None:
        self.busy = False
        self.drop.setEnabled(True)
        self.progress.setValue(self.progress.maximum())
        self.progress_label.setText(tr("office.import.done"))
        counts = {k: sum(1 for r in results if r.status == k) for k in ("imported", "already", "refused")}
        gaps = sum(1 for r in results if r.gap)
        text = tr("office.import.summary", **counts)
        if gaps:
            text += " " + tr("office.import.summary_gaps", n=gaps)
        if counts["refused"] or gaps:
            self.message.show_error(text)
        else:
            self.message.show_info(text)
        if counts["imported"]:
            emit(self.imported)
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.drop.setEnabled(True)
        self.progress.hide()
        self.message.show_error(exc)
