"""The history page: the whole change log, newest first, loaded off the UI thread."""

from __future__ import annotations

from db import Database
from ui import worker
from ui.history.model import ChangeLogModel, load_changelog
from ui.i18n import tr
from ui.qt import QLabel, QVBoxLayout, QWidget, Signal, emit
from ui.widgets import MessageBar, fit_columns, make_table, section_title


class HistoryView(QWidget):
    loaded = Signal()

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.stale = True
        self._generation = 0
        self.model = ChangeLogModel(db, self)
        self.view = make_table(self.model)
        self.message = MessageBar()
        self.note = QLabel(tr("history.note"))
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(tr("history.title")))
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)

    def set_day(self, day) -> None:
        # The log does not depend on the working day; it is reloaded when something was written.
        pass

    def refresh(self) -> None:
        self.stale = False
        self._generation += 1
        generation = self._generation
        worker.run_in_background(
            lambda: load_changelog(self.db),
            lambda rows: self._loaded(generation, rows),
            lambda exc: self._failed(generation, exc),
            context=self,
        )

    def _loaded(self, generation, rows) -> None:
        if generation != self._generation:
            return
        self.model.set_first_page(rows)
        fit_columns(self.view)
        emit(self.loaded)

    def _failed(self, generation, exc) -> None:
        if generation == self._generation:
            self.message.show_error(exc)
            emit(self.loaded)
