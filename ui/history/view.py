"""The history page: the change log in words, newest first, found by record or day, loaded off the UI thread."""

from __future__ import annotations

from db import Database
from fieldtool.thai import InputError, parse_date
from ui import worker
from ui.history.model import HistoryFilter, HistoryModel, load_history
from ui.i18n import tr
from ui.qt import QHBoxLayout, QLabel, QLineEdit, QTimer, QVBoxLayout, QWidget, Signal, emit
from ui.widgets import MessageBar, fit_columns, make_table, section_title


class HistoryView(QWidget):
    loaded = Signal()

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.stale = True
        self.loads = worker.Latest(self)
        self.model = HistoryModel(db, self)
        self.view = make_table(self.model)
        self.view.setWordWrap(False)
        self.message = MessageBar()
        self.note = QLabel(tr("history.note.words"))
        self.note.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("history.search"))
        self.search.setClearButtonEnabled(True)
        self.day = QLineEdit()
        self.day.setPlaceholderText(tr("history.day"))
        self.day.setToolTip(tr("date.hint"))
        self.day.setClearButtonEnabled(True)
        # as wide as its example, so the hint is read whole (and the clear button beside it)
        self.day.setFixedWidth(self.day.fontMetrics().horizontalAdvance(self.day.placeholderText()) + 48)
        # Typing waits a moment, so the log is read once per word rather than once per letter.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(300)
        self._typing.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._typing.start)
        self.day.editingFinished.connect(self.refresh)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.day)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(tr("history.title")))
        layout.addWidget(self.note)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)

    def set_day(self, day) -> None:
        # The log does not depend on the working day; it is reloaded when something was written.
        pass

    def current_filter(self) -> HistoryFilter:
        """The filter typed in; raises InputError when the day cannot be read."""
        text = self.day.text().strip()
        return HistoryFilter(self.search.text().strip(), parse_date(text) if text else None)

    def refresh(self) -> None:
        self._typing.stop()
        self.stale = False
        try:
            where = self.current_filter()
        except InputError as exc:
            self.loads.drop()
            self.message.show_error(exc)
            emit(self.loaded)
            return
        self.message.clear_message()
        self.loads.run(lambda: load_history(self.db, where), lambda rows: self._loaded(rows, where), self._failed)

    def _loaded(self, rows, where) -> None:
        self.model.set_first_page(rows, where)
        fit_columns(self.view)
        emit(self.loaded)

    def _failed(self, exc) -> None:
        self.message.show_error(exc)
        emit(self.loaded)
