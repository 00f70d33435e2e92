"""The preview of a printed document (letters, a household plan): its pages on screen, then print or save.

Pages are drawn by QtPdf from the very file that was written, so what the officer sees is what prints.
A day's batch can be 150 pages, so they are not all drawn at once: the pages in view are drawn at once
(when the window opens, scrolls, grows or zooms), then the few pages around them one at a time while
the window is idle, so that scrolling on finds them ready; pages far from the view give their image
back. Printing draws each page as an image at the printer's resolution. The print dialog and the file
chooser sit behind `ask_printer` and `ask_save_path`, the calls a test replaces.
"""

from __future__ import annotations

import shutil
from bisect import bisect_left, bisect_right
from pathlib import Path

from fieldtool.whole_file import WholeFile
from ui.i18n import tr
from ui.qt import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QImage,
    QLabel,
    QPainter,
    QPdfDocument,
    QPixmap,
    QPrintDialog,
    QPrinter,
    QPushButton,
    QRect,
    QScrollArea,
    QSize,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    isValid,
)
from ui.screen import fit_to_screen
from ui.widgets import MessageBar

SCREEN_DPI = 96
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
MARGIN = SPACING = 14  # around and between the pages, in pixels
AHEAD = 2  # pages drawn ahead of the view (and behind it) while the window is idle
KEEP = 8  # pages further than this from the view give their image back (a page is 3.5 MB at 100 %)


class PdfPreview(QDialog):
    """A window over one PDF file: scroll through the pages, print them, or save a copy."""

    def __init__(self, pdf_path: Path | str, title: str, note: str = "", parent=None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle(title)
        self.path = Path(pdf_path)
        fit_to_screen(self, (920, 860))  # a page and a half, or what a 1366×768 laptop has room for
        self.document = QPdfDocument(self)
        self.load_error = self.document.load(str(self.path))
        self._zoom = 1.0
        self._labels: list[QLabel] = []
        self._rendered: set[int] = set()

        self.message = MessageBar()
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        self.print_button = QPushButton(tr("preview.print"))
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton(tr("preview.save"))
        self.save_button.clicked.connect(self.save_copy)
        self.zoom_out = QPushButton("−")
        self.zoom_in = QPushButton("+")
        for b, tip in ((self.zoom_out, "preview.zoom_out"), (self.zoom_in, "preview.zoom_in")):
            b.setToolTip(tr(tip))
            b.setFixedWidth(b.sizeHint().height() + 8)
        self.zoom_out.clicked.connect(lambda: self._step_zoom(-1))
        self.zoom_in.clicked.connect(lambda: self._step_zoom(1))
        self.zoom_label = QLabel()
        self.pages_label = QLabel()
        close = QPushButton(tr("button.close"))
        close.clicked.connect(self.close)

        bar = QHBoxLayout()
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addSpacing(16)
        bar.addWidget(self.zoom_out)
        bar.addWidget(self.zoom_label)
        bar.addWidget(self.zoom_in)
        bar.addSpacing(16)
        bar.addWidget(self.pages_label)
        bar.addStretch(1)
        bar.addWidget(close)

        self.pages = QWidget()
        self.pages.setStyleSheet("QWidget { background: #8a8f94; }")
        self._column = QVBoxLayout(self.pages)
        self._column.setSpacing(SPACING)
        self._column.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self._column.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._column.addStretch(1)  # the pages from the top: where _page_tops() says they are
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.pages)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._tops: list[int] = []  # each page's top in the column, in pixels
        # What comes into view is drawn at once; the pages around it when the window is idle.
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _value: self._render_visible())
        self._render_ahead = QTimer(self, singleShot=True, interval=0)
        self._render_ahead.timeout.connect(self._render_next)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)

        if self.load_error != QPdfDocument.Error.None_:
            self.message.show_error(tr("preview.cannot_open", path=str(self.path)))
            self.print_button.setEnabled(False)
            self.save_button.setEnabled(False)
        self._lay_out_pages()

    # --- pages ------------------------------------------------------------------------------------

    def page_count(self) -> int:
        return self.document.pageCount() if self.load_error == QPdfDocument.Error.None_ else 0

    def page_size(self, page: int, dpi: float) -> QSize:
        points = self.document.pagePointSize(page)
        return QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))

    def page_image(self, page: int, dpi: float = SCREEN_DPI) -> QImage:
        """Page `page` (from 0) drawn at `dpi`; what the preview shows at 100 %."""
        image = self.document.render(page, self.page_size(page, dpi))
        if image.hasAlphaChannel():  # PDF pages are transparent where nothing is printed: paper is white
            paper = QImage(image.size(), QImage.Format.Format_RGB32)
            paper.fill(Qt.GlobalColor.white)
            painter = QPainter(paper)
            painter.drawImage(0, 0, image)
            painter.end()
            image = paper
        return image

    def _lay_out_pages(self) -> None:
        for label in self._labels:
            label.deleteLater()
        self._labels = []
        self._rendered.clear()
        self._tops = []
        count = self.page_count()
        top = MARGIN
        for page in range(count):
            label = QLabel()
            size = self.page_size(page, SCREEN_DPI * self._zoom)
            label.setFixedSize(size)
            label.setStyleSheet("QLabel { background: white; }")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._column.insertWidget(page, label, 0, Qt.AlignmentFlag.AlignHCenter)
            self._labels.append(label)
            self._tops.append(top)
            top += size.height() + SPACING
        self.pages_label.setText(tr("preview.pages", n=count))
        self.zoom_label.setText(f"{round(self._zoom * 100)}%")
        self.zoom_out.setEnabled(self._zoom > ZOOMS[0])
        self.zoom_in.setEnabled(self._zoom < ZOOMS[-1])
        self._render_visible()

    def _step_zoom(self, step: int) -> None:
        i = min(range(len(ZOOMS)), key=lambda k: abs(ZOOMS[k] - self._zoom))
        self._zoom = ZOOMS[max(0, min(len(ZOOMS) - 1, i + step))]
        self._lay_out_pages()

    def _render(self, page: int) -> None:
        image = self.page_image(page, SCREEN_DPI * self._zoom)
        self._labels[page].setPixmap(QPixmap.fromImage(image))
        self._rendered.add(page)

    def visible_pages(self) -> range:
        """The pages the scroll area shows now, wholly or in part."""
        if not self._tops:
            return range(0)
        top = self.scroll.verticalScrollBar().value()
        bottom = top + max(self.scroll.viewport().height(), 1)
        first = max(0, bisect_right(self._tops, top) - 1)
        last = max(first, bisect_left(self._tops, bottom) - 1)
        return range(first, min(last, len(self._tops) - 1) + 1)

    def _render_visible(self) -> None:
        """Draw the pages in view now; those around them once the window is idle."""
        if not self.isVisible():
            return  # showEvent draws them
        for page in self.visible_pages():
            if page not in self._rendered:
                self._render(page)
        self._forget_far()
        self._render_ahead.start()

    def _render_next(self) -> None:
        """Draw one more page near the view (the next below first), and come back for the rest."""
        view = self.visible_pages()
        if not view:
            return
        near = [view.stop - 1 + k for k in range(1, AHEAD + 1)] + [view.start - k for k in range(1, AHEAD + 1)]
        for page in near:
            if 0 <= page < len(self._labels) and page not in self._rendered:
                self._render(page)
                self._render_ahead.start()
                return

    def _forget_far(self) -> None:
        view = self.visible_pages()
        for page in [p for p in self._rendered if p < view.start - KEEP or p >= view.stop + KEEP]:
            self._labels[page].clear()
            self._rendered.discard(page)

    def rendered_pages(self) -> set[int]:
        return set(self._rendered)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # A wide page (the landscape dispatch list) makes the column wider than a letter: show the middle.
        bar = self.scroll.horizontalScrollBar()
        QTimer.singleShot(0, lambda: bar.setValue(bar.maximum() // 2) if isValid(bar) else None)
        self._render_visible()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._render_visible()

    # --- print and save -----------------------------------------------------------------------------

    @classmethod
    def ask_printer(cls, parent, printer: QPrinter) -> bool:
        """The print dialog (printer, copies, pages); True to print. Tests replace this."""
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(tr("preview.print_title"))
        return dialog.exec() == QDialog.DialogCode.Accepted

    @classmethod
    def ask_save_path(cls, parent, suggested: str) -> str:
        """Where to save a copy ("" to cancel). Tests replace this."""
        path, _ = QFileDialog.getSaveFileName(parent, tr("preview.save_title"), suggested, "PDF (*.pdf)")
        return path

    def print_document(self) -> bool:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        printer.setFromTo(1, max(1, self.page_count()))
        if not PdfPreview.ask_printer(self, printer):
            return False
        try:
            printed = self.print_to(printer)
        except Exception as exc:
            self.message.show_error(tr("preview.print_failed", detail=str(exc)))
            return False
        self.message.show_info(tr("preview.printed", n=printed))
        return True

    def print_to(self, printer: QPrinter) -> int:
        """Draw the pages (all, or the range chosen in the dialog) on `printer`; return how many."""
        count = self.page_count()
        first, last = 1, count
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError(tr("preview.printer_not_ready"))
        printed = 0
        try:
            dpi = min(printer.resolution(), 300)  # enough for 16 pt Thai; keeps each page image small
            for page in range(first - 1, last):
                if printed:
                    printer.newPage()
                image = self.page_image(page, dpi)
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.topLeft(), scaled), image)
                printed += 1
        finally:
            painter.end()
        return printed

    def save_copy(self) -> str:
        target = PdfPreview.ask_save_path(self, str(Path.home() / self.path.name))
        if not target:
            return ""
        if not target.lower().endswith(".pdf"):
            target += ".pdf"
        try:
            copy_atomically(self.path, Path(target))
        except OSError as exc:
            self.message.show_error(tr("preview.save_failed", path=target, detail=exc.strerror or str(exc)))
            return ""
        self.message.show_info(tr("preview.saved", path=target))
        return target


def copy_atomically(source: Path, target: Path) -> None:
    """Copy beside the target first, then rename: a failed copy never leaves half a PDF there."""
    if target.resolve() == source.resolve():
        return
    with WholeFile(target) as part:
        shutil.copyfile(source, part)
