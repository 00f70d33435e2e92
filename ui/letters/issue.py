"""Issuing letters from the windows: the PDF is made off the UI thread with a progress bar, then previewed.

`exports.letters.issue` numbers the letters, renders the PDF (with the batch's register of letters sent)
and the address labels of those going by post atomically, and records them in the session's transaction;
the session commits when the block ends. If that commit fails, the files are deleted, so no letter
circulates with a number the book does not know (the CLI does the same). The files are kept beside the
database ("<name>-letters/"), one file per run (labels: "<file>-labels.pdf"), never overwriting an
earlier one. A reprint draws what the letter printed when it was issued.

The day's batch first says what it will do (`outline_letters`: n letters numbered … to …, m notices
recorded as delivered by letter) and asks (`confirm`, ui.letters.dialogs.BatchConfirmDialog.ask); when
the officer says no, nothing is issued. If the day's letters change between the question and the
issuing, nothing is issued either and the officer is told to try again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from db import Database
from fieldtool import letterhead, letters
from fieldtool.letter_issue import BatchOutline, outline
from fieldtool.thai import InputError
from ui import worker
from ui.dialogs import input_error
from ui.i18n import error_text, text_of, tr
from ui.pdfpreview import PdfPreview
from ui.qt import QObject, QProgressDialog, Qt, Signal, emit


class Cancelled(Exception):
    """The officer pressed Cancel while the batch was being laid out; nothing was written."""


@dataclass
class Issued:
    path: Path
    pages: int
    count: int
    new: int
    reprints: int
    numbers: list[str]
    labels_path: Path | None = None  # the address labels of the letters going by post
    labels: int = 0
    warning: str = ""  # the laptop's letter numbers are nearly used (in the screen's language)
    rebuilt: list[str] = field(default_factory=list)  # old letters printed again from today's book


def letters_dir(db: Database) -> Path:
    return db.path.parent / f"{db.path.stem}-letters"


def new_file(db: Database, stem: str) -> Path:
    """A file name no earlier run used: <stem>-<HHMMSS>.pdf in the letters folder (made here)."""
    folder = letters_dir(db)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise input_error(
            "letters.cannot_make_dir", path=str(folder), detail=exc.strerror or str(exc)
        ) from exc
    base = f"{stem}-{datetime.now():%H%M%S}"
    path, n = folder / f"{base}.pdf", 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}.pdf"
    return path


def reprint_request(session, record_id: str) -> letters.LetterRequest:
    """The request that prints an issued letter again: what it printed, with its number and date."""
    return letters.reprint_of(session, record_id)


def _check_office(db: Database) -> None:
    """Refused, naming the settings every letter prints that are not filled in (before anything is asked)."""
    with db.session() as s:
        letterhead.check_office(letterhead.office_settings(s))


def outline_letters(db: Database, make_requests: Callable, on: date) -> BatchOutline:
    """What issuing these requests would do (runs on a worker thread); refused as issuing would be when
    the office settings are missing, nothing is due or the number block has too few numbers left."""
    from exports.letters import no_letters_on  # ReportLab and PyThaiNLP: on the worker, not before the window

    _check_office(db)
    with db.session() as s:
        requests = make_requests(s)
        if not requests:
            raise InputError(no_letters_on(on))
        return outline(s, requests)


def issue_letters(
    db: Database,
    make_requests: Callable,
    stem: str,
    on: date,
    with_dispatch: bool,
    progress: Callable[[int, int], None] | None = None,
    expected: BatchOutline | None = None,
) -> Issued:
    """Build the requests, render and record them in one transaction (runs on a worker thread).
    `expected`: what the officer agreed to; when the requests now say otherwise, nothing is issued."""
    from exports.letters import issue, labels_path_for

    _check_office(db)
    out = new_file(db, stem)
    # the PDFs are the transaction's: if the commit fails they go with the numbers (exports.letters.issue)
    with db.session() as s:  # commits when the block ends
        requests = make_requests(s)
        if expected is not None and requests and outline(s, requests) != expected:
            raise input_error("letters.batch_changed")
        result = issue(s, requests, out, on, with_dispatch=with_dispatch, progress=progress,
                       labels_path=labels_path_for(out))
        reprints = sum(1 for p in result.prepared if p.request.record is not None)
        issued = Issued(
            path=result.path,
            pages=result.pages,
            count=len(result.prepared),
            new=len(result.prepared) - reprints,
            reprints=reprints,
            numbers=[p.content.number for p in result.prepared],
            labels_path=result.labels_path,
            labels=result.labels,
            warning=text_of(result.warning) if result.warning else "",
            rebuilt=[p.content.number for p in result.rebuilt],
        )
    return issued


def issued_note(issued: Issued) -> str:
    """What the preview and the screens say besides the count: the labels file, old letters printed from
    today's book, and a letter-number block nearly used."""
    parts = []
    if issued.labels_path is not None:
        parts.append(tr("letters.labels_note", n=issued.labels, path=str(issued.labels_path)))
    if issued.rebuilt:
        parts.append(tr("letters.rebuilt_note", numbers=", ".join(issued.rebuilt)))
    if issued.warning:
        parts.append(issued.warning)
    return " ".join(parts)


class LetterJob(QObject):
    """One run from a window: a progress dialog while the PDF is made, then the preview window.

    `finished(ok)` is emitted either way; `on_success(Issued)` or `on_failure(sentence)` is called first.
    """

    finished = Signal(bool)

    def __init__(
        self,
        parent_widget,
        db: Database,
        title: str,
        make_requests: Callable,
        on: date,
        stem: str,
        with_dispatch: bool,
        on_success: Callable[[Issued], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        confirm: Callable[[BatchOutline], bool] | None = None,
        on_declined: Callable[[], None] | None = None,
    ):
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.db = db
        self.title = title
        self.make_requests = make_requests
        self.on = on
        self.stem = stem
        self.with_dispatch = with_dispatch
        self.on_success = on_success
        self.on_failure = on_failure
        self.confirm = confirm
        self.on_declined = on_declined
        self.progress_reports: list[tuple[int, int]] = []
        self.result: Issued | None = None
        self.outline: BatchOutline | None = None  # what the officer was asked to agree to
        self.declined = False
        self.error = ""
        self.preview: PdfPreview | None = None
        self._cancel = threading.Event()
        self.dialog = QProgressDialog(tr("letters.preparing"), tr("button.cancel"), 0, 0, parent_widget)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(420)
        self.dialog.canceled.connect(self._cancel.set)

    def start(self) -> LetterJob:
        """Issue the letters; with `confirm`, first find out what that will do and ask."""
        self.dialog.show()
        if self.confirm is None:
            self._issue()
        else:
            db, make, on = self.db, self.make_requests, self.on
            worker.run_in_background(lambda: outline_letters(db, make, on), self._ask, self._failed, context=self)
        return self

    def _ask(self, outline: BatchOutline) -> None:
        self.outline = outline
        if self._cancel.is_set():  # Cancel pressed while the batch was being looked at
            self._failed(Cancelled())
            return
        if outline.new == 0:  # reprints only: no number is spent and nothing is recorded
            self._issue(outline)
            return
        self.dialog.hide()
        if self.confirm(outline):
            self.dialog.show()
            self._issue(outline)
            return
        self.declined = True
        if self.on_declined is not None:
            self.on_declined()
        emit(self.finished, False)

    def _issue(self, expected: BatchOutline | None = None) -> None:
        relay = worker.ProgressRelay(self._progressed, context=self)
        cancel = self._cancel

        def report(done: int, total: int) -> None:  # on the worker thread, between letters
            if cancel.is_set():
                raise Cancelled()
            relay(done, total)

        db, make, stem, on, dispatch = self.db, self.make_requests, self.stem, self.on, self.with_dispatch
        self._relay = relay  # kept alive until the answer arrives
        worker.run_in_background(
            lambda: issue_letters(db, make, stem, on, dispatch, report, expected),
            self._succeeded,
            self._failed,
            context=self,
        )

    def _progressed(self, done: int, total: int) -> None:
        self.progress_reports.append((done, total))
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)
        self.dialog.setLabelText(tr("letters.progress", done=done, total=total))

    def _succeeded(self, issued: Issued) -> None:
        self.result = issued
        self.dialog.hide()  # not close(): that would count as Cancel and reset the bar
        note = tr(
            "letters.preview_note",
            n=issued.count,
            new=issued.new,
            reprints=issued.reprints,
            path=str(issued.path),
        )
        extra = issued_note(issued)
        note = f"{note} {extra}" if extra else note
        self.preview = PdfPreview(issued.path, self.title, note, parent=self.parent_widget)
        self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview.show()
        if self.on_success is not None:
            self.on_success(issued)
        emit(self.finished, True)

    def _failed(self, exc: BaseException) -> None:
        self.dialog.hide()
        if isinstance(exc, Cancelled):
            self.error = tr("letters.cancelled")
        elif isinstance(exc, InputError):
            self.error = error_text(exc)
        else:
            self.error = tr("letters.failed", detail=str(exc))
        if self.on_failure is not None:
            self.on_failure(self.error)
        emit(self.finished, False)
