"""The lists of the today page, each with its own toolbar right above its rows: the buttons (and the same
actions in the list's right-click menu, with their keys) act on the rows selected in that list, so the
officer never reaches across the page for a button that belongs to another list.

A list only says what was asked (`record`, `record_with_note`, `print_letters`, `open_loan`, `start_visit`);
the page writes, so one place records, undoes and reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fieldtool.reminders import Reminder
from fieldtool.vocabulary import ContactWay
from ui.i18n import label_text, tr
from ui.qt import (
    QAbstractItemView,
    QAction,
    QHBoxLayout,
    QItemSelectionModel,
    QKeySequence,
    QLabel,
    QMenu,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.tablemodel import ROW_ROLE, RowTableModel
from ui.today.model import ReminderModel
from ui.visits.model import task_columns
from ui.widgets import empty_note, make_table

# How each list records a delivery in one click, most used first: notices are phoned, asking is done in
# person.
NOTICE_HOWS = ("phone", "line", "visit", "letter", "meeting")
ASK_HOWS = ("visit", "meeting", "phone", "line", "letter")

# Keys as names: a QKeySequence cannot be made before the application exists.
OPEN_KEYS = ("Enter", "Return")
NOTE_KEY = "Ctrl+D"
PRINT_KEY = "Ctrl+P"
UNDO_KEY = QKeySequence.StandardKey.Undo


def with_key(text: str, key) -> str:
    """A tooltip that names its key as this computer writes it: "… (Ctrl+D)"."""
    return f"{text} ({QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)})"


def tool_button(action: QAction) -> QToolButton:
    action.setIconText(action.text())  # whole, with its "…" (Qt drops a trailing ellipsis from button text)
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


class _List(QWidget):
    """A toolbar over a table; the page's own actions (undo) are added to the right-click menu."""

    def __init__(self, model: RowTableModel, empty: str, parent=None):
        super().__init__(parent)
        self.model = model
        model.setParent(self)
        self.view = make_table(model, sortable=True)
        empty_note(self.view, empty)
        self.toolbar = QHBoxLayout()
        self.toolbar.setContentsMargins(0, 0, 0, 0)
        self.toolbar.setSpacing(4)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(4)
        box.addLayout(self.toolbar)
        box.addWidget(self.view, 1)
        self.menu_actions: list[QAction | None] = []  # None: a separator
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())

    def action(self, text: str, tip: str, slot: Callable, key: str | None = None) -> QAction:
        """An action of this list: its button, its menu entry and its key act on the selected rows."""
        act = QAction(text, self)
        act.setToolTip(with_key(tip, key) if key is not None else tip)
        act.triggered.connect(lambda _=False: slot())
        if key is not None:
            act.setShortcut(key)
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(act)
        self.menu_actions.append(act)
        return act

    def open_action(self, text: str, tip: str, slot: Callable) -> QAction:
        """Enter on a row (or a double-click) opens it: the key is the list's own, not the page's."""
        act = QAction(text, self)
        act.setShortcuts([QKeySequence(k) for k in OPEN_KEYS])
        act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        act.setToolTip(with_key(tip, OPEN_KEYS[0]))
        act.triggered.connect(lambda _=False: slot())
        self.view.addAction(act)
        self.view.activated.connect(lambda _idx: slot())
        self.menu_actions.append(act)
        return act

    def add_to_menu(self, act: QAction) -> None:
        self.menu_actions += [None, act]

    def _menu(self, pos) -> None:
        menu = QMenu(self)
        for act in self.menu_actions:
            menu.addSeparator() if act is None else menu.addAction(act)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def selected(self) -> list:
        """The selected rows, top to bottom as the list shows them."""
        rows = sorted(self.view.selectionModel().selectedRows(), key=lambda i: i.row())
        return [i.data(ROW_ROLE) for i in rows]

    def current(self):
        chosen = self.selected()
        return chosen[0] if chosen else None

    def select_rows(self, rows: list[int]) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in rows:
            selection.select(self.model.index(row, 0), flags)
        if rows:
            selection.setCurrentIndex(self.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            self.view.scrollTo(self.model.index(rows[0], 0))

    def update_actions(self) -> None:
        raise NotImplementedError


class ReminderList(_List):
    """Notices to deliver or ask tasks to carry out: record them done (one click per way), with a note,
    print their letters, open their loan."""

    record = Signal(str)  # how: the selected rows were delivered that way
    record_with_note = Signal()
    print_letters = Signal()
    open_loan = Signal(str)

    def __init__(self, day: Callable[[], date], hows: tuple[str, ...], empty: str, print_tip: str, parent=None):
        super().__init__(ReminderModel(day), empty, parent)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.open = self.open_action(tr("today.open_loan"), tr("today.open_loan_tip"), self._open)
        self.menu_actions.append(None)
        self.how_actions = {
            how: self.action(
                tr(f"today.how.{how}"),
                tr("today.how_tip", how=label_text(ContactWay(how), in_sentence=True)),
                lambda h=how: emit(self.record, h),
            )
            for how in hows
        }
        self.note = self.action(tr("today.with_note"), tr("today.with_note_tip"),
                                lambda: emit(self.record_with_note), NOTE_KEY)
        self.menu_actions.append(None)
        self.print = self.action(tr("today.print_selected"), print_tip, lambda: emit(self.print_letters), PRINT_KEY)
        self.how_buttons = {how: tool_button(act) for how, act in self.how_actions.items()}
        self.toolbar.addWidget(QLabel(tr("today.record")))
        for button in self.how_buttons.values():
            self.toolbar.addWidget(button)
        self.note_button = tool_button(self.note)
        self.toolbar.addWidget(self.note_button)
        self.toolbar.addStretch(1)
        self.print_button = tool_button(self.print)
        self.open_button = tool_button(self.open)
        self.toolbar.addWidget(self.print_button)
        self.toolbar.addWidget(self.open_button)
        self.update_actions()

    def _open(self) -> None:
        reminder = self.current()
        if reminder is not None:
            emit(self.open_loan, reminder.loan_id)

    def update_actions(self) -> None:
        n = len(self.view.selectionModel().selectedRows())
        for act in (*self.how_actions.values(), self.print):
            act.setEnabled(n > 0)
        self.note.setEnabled(n == 1)  # the note's dialog is about one borrower
        self.open.setEnabled(n > 0)

    def row_of(self, reminder_id: str) -> int:
        return self.model.row_of(reminder_id)

    def remove(self, items: list[Reminder]) -> None:
        """Take recorded rows off the list and select the row that took the first one's place, so the
        officer goes on down the list."""
        rows = [r for r in (self.row_of(i.id) for i in items) if r >= 0]
        for row in sorted(rows, reverse=True):
            self.model.remove_row(row)
        if rows and self.model.rowCount():
            self.select_rows([min(min(rows), self.model.rowCount() - 1)])
        self.update_actions()


class TaskList(_List):
    """Visits promised for the day or earlier: start the visit record from one."""

    start_visit = Signal(object)  # TaskRow

    def __init__(self, day: Callable[[], date], parent=None):
        super().__init__(RowTableModel(task_columns(day)), tr("today.no_visits"), parent)
        self.start = self.open_action(tr("today.start_visit"), tr("today.start_visit_tip"), self._start)
        self.start_button = tool_button(self.start)
        self.toolbar.addWidget(self.start_button)
        self.toolbar.addStretch(1)
        self.update_actions()

    def _start(self) -> None:
        task = self.current()
        if task is not None:
            emit(self.start_visit, task)

    def update_actions(self) -> None:
        self.start.setEnabled(self.current() is not None)
