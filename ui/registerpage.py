"""A register page (ทะเบียน): every row of one kind, loaded off the UI thread for the working day, then
searched and filtered on screen without asking the database again.

The loan register (ui/loans/register.py) and the household register (ui/households/register.py) are
both one. Each builds its own widgets (`view`, `message`, `count`) and says how its rows are loaded
(`load_rows`), which choices its filters offer (`_fill_choices`) and how it filters (`apply_filters`);
loading, reloading for another day and the sentence in the empty list are the same and live here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from db import Database
from ui import worker
from ui.i18n import tr
from ui.qt import QWidget, Signal, emit
from ui.widgets import fit_columns


class RegisterPage(QWidget):
    loaded = Signal()

    # Set by each register: how its rows are read (runs off the UI thread, with its own session) …
    load_rows: Callable[[Database, date], list[Any]]
    # … and what its empty list says: while loading, when there are no rows, when the filters hide them all.
    EMPTY_TEXTS: tuple[str, str, str]

    def __init__(self, db: Database, day: date, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.stale = True
        self.loads = worker.Latest(self)
        self._all: Sequence[Any] = []

    def empty_text(self) -> str:
        """For `empty_note(self.view, self.empty_text)`: why the list is empty."""
        loading, none, no_match = self.EMPTY_TEXTS
        if self.stale or not self.loads.started:
            return tr(loading)
        return tr(none) if not self._all else tr(no_match)

    def set_day(self, day: date) -> None:
        self.day = day
        self.stale = True

    def refresh(self) -> None:
        self.stale = False
        load, db, day = self.load_rows, self.db, self.day
        self.count.setText(tr(self.EMPTY_TEXTS[0]))
        self.loads.run(lambda: load(db, day), self._loaded, self._failed)

    def _loaded(self, rows: list[Any]) -> None:
        first_load = not self._all
        self._all = rows
        self._fill_choices()
        self.apply_filters()
        if first_load:
            fit_columns(self.view)
        emit(self.loaded)

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(exc)
        emit(self.loaded)

    def _fill_choices(self) -> None:
        """Offer in the filter boxes what occurs in the rows just loaded, keeping what was chosen."""

    def apply_filters(self) -> None:
        raise NotImplementedError
