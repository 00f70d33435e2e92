"""What every part of the set-up shares: its title and intro, the line saying what was refused, the
list of rows already saved and rows drafted on screen, and the way a part's input is checked.

Nothing a part holds is written until its owner (the wizard's Finish, the settings' Save) asks; the
pages check what is typed by running the domain's own functions in a transaction that is always rolled
back (`dry_run`), so a check says exactly what saving would say and leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fieldtool import places, setup
from fieldtool.setup import SetupView
from fieldtool.text import Text
from fieldtool.thai import InputError
from ui.i18n import error_text, language, tr
from ui.qt import QColor, QFrame, QLabel, QModelIndex, QScrollArea, Qt, QVBoxLayout, QWidget, Signal, emit
from ui.tablemodel import Column, RowTableModel
from ui.widgets import MessageBar, make_table

NEW_COLOR = QColor("#2e7d32")  # a row drafted on screen, not saved yet
EDITED_COLOR = QColor("#1c5fa8")  # a saved row with changes not saved yet


def setup_needed(session) -> list[Text]:
    """What is still to set up before real work ([] when nothing): on a new database, or on the laptop's own
    subdistrict half set up; never on the office's whole-district database."""
    if not setup.is_new(session) and places.own_subdistrict(session) is None:
        return []
    return setup.setup_view(session).missing


def list_text(texts) -> str:
    """Several domain texts inside one sentence ("…: a, b, c"): English keeps its small letters."""
    return ", ".join((t.en or t.th) if language() == "en" else t.th for t in texts)


class PartRefused(Exception):
    """The domain refused what one part holds; `part` is where its sentence belongs."""

    def __init__(self, part: SetupPart, error: BaseException):
        super().__init__(str(error))
        self.part = part
        self.error = error

    def sentence(self) -> str:
        if isinstance(self.error, InputError):
            return error_text(self.error)
        return tr("error.unexpected", detail=str(self.error))


class _RolledBack(Exception):
    def __init__(self, result):
        super().__init__("dry run")
        self.result = result


def dry_run(db, work: Callable[[Any], Any]):
    """`work(session)` with the domain's checks, then everything rolled back: a check that writes nothing."""
    try:
        with db.session() as s:
            raise _RolledBack(work(s))
    except _RolledBack as done:
        return done.result


class SetupPart(QWidget):
    """One part of the set-up; the same widget is a wizard page and a settings tab."""

    KEY = ""  # setup.part.KEY is its title, setup.part.KEY.intro the sentence under it
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.message = MessageBar()
        self.intro = QLabel(tr(f"setup.part.{self.KEY}.intro"))
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet("QLabel { color: #546e7a; }")
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(self.intro)
        self.box.addWidget(self.message)

    @property
    def title(self) -> str:
        return tr(f"setup.part.{self.KEY}")

    def load(self, view: SetupView) -> None:
        """Show what is saved (the wizard and the settings both start from it)."""
        raise NotImplementedError

    def take_typed(self) -> None:
        """Take in what is typed but not yet added (a village name without Enter); InputError refuses."""

    def apply(self, session) -> None:
        """Write what changed through the domain, in the caller's transaction; InputError refuses."""
        raise NotImplementedError

    def summary(self) -> list[str]:
        """What saving will write, one line each (the wizard's last page)."""
        raise NotImplementedError

    def show_error(self, sentence: str) -> None:
        self.message.show_error(sentence)

    def clear_error(self) -> None:
        self.message.clear_message()

    def _changed(self, *_) -> None:
        emit(self.changed)


def column(title: str, text, align: str = "left", color=None, max_width: int = 320) -> Column:
    return Column(title, text, align=align, color=color, max_width=max_width)


class DraftTableModel(RowTableModel):
    """The rows of a part – saved ones and drafted ones – where some cells can be typed into.

    `editors` maps a column to (may this row's cell be edited, set the typed text on the row).
    """

    def __init__(
        self,
        columns: Sequence[Column],
        editors: dict[int, tuple[Callable[[Any], bool], Callable[[Any, str], None]]] | None = None,
        parent=None,
    ):
        super().__init__(columns, parent)
        self.editors = editors or {}

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.column() in self.editors:
            may_edit, _ = self.editors[index.column()]
            if may_edit(self.row_at(index.row())):
                return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.EditRole:
            return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() not in self.editors:
            return False
        may_edit, set_text = self.editors[index.column()]
        row = self.row_at(index.row())
        if not may_edit(row):
            return False
        set_text(row, str(value))
        self.row_changed(index.row())
        return True

    def row_changed(self, row: int) -> None:
        """A row's values changed: paint it again."""
        obj = self.row_at(row)
        for col in range(self.columnCount()):
            self._texts.pop((id(obj), col), None)
        emit(self.dataChanged, self.index(row, 0), self.index(row, self.columnCount() - 1))

    def append(self, obj) -> int:
        row = self.rowCount()
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(obj)
        self.endInsertRows()
        return row

    def repaint_all(self) -> None:
        """Something every row shows changed (the subdistrict code, the language)."""
        self.set_rows(self.rows)


def state_text(saved: bool, edited: bool) -> str:
    if not saved:
        return tr("setup.state.new")
    return tr("setup.state.edited") if edited else ""


def state_color(saved: bool, edited: bool) -> QColor | None:
    if not saved:
        return NEW_COLOR
    return EDITED_COLOR if edited else None


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("QLabel { color: #607d8b; }")
    return label


def fit_to_rows(view) -> None:
    """Columns as wide as what they hold (up to their limit); the last one takes the rest of the width
    and gives it back when the list narrows, so a small list never scrolls sideways."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    view.resizeColumnsToContents()
    model = view.model()
    for col in range(header.count() - 1):
        header.resizeSection(col, min(header.sectionSize(col) + 4, model.column(col).max_width))
    header.resizeSection(header.count() - 1, 40)
    header.setStretchLastSection(True)


def draft_table(model: DraftTableModel):
    """The list of a part, its columns fitted to what it holds whenever that changes."""
    view = make_table(model)
    for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
        signal.connect(lambda *_: fit_to_rows(view))
    return view


def scrolled(widget, margin: int = 0) -> QScrollArea:
    """A part in a scroll area: at 1366×768 a long form scrolls instead of running off the screen."""
    if margin:
        widget.layout().setContentsMargins(margin, margin, margin, margin)
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area
