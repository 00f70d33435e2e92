"""The today view: what to deliver and whom to ask on the working day, recorded in two clicks, and the
visits promised for the day.

Select a row, click how it was done (โทรแจ้งแล้ว, ลงพื้นที่แล้ว, ...): the delivery is written through
`reminders.deliver` and the row leaves the list. "บันทึกพร้อมหมายเหตุ…" opens the full DeliveryDialog.
The third list holds the next-visit tasks (`visits.next_visit_tasks`): a visit promised for this day or
earlier and not yet made; "เริ่มบันทึกการลงพื้นที่…" opens the new-visit window pre-filled from it.
"พิมพ์หนังสือของวันนี้" prints the day's letters (`letters.letters_due`) with a progress bar and a preview.
While the laptop's subdistrict is not (fully) set up, a line at the top says what is missing and offers
"ตั้งค่าตำบล…" (the main window opens the wizard or the settings).
"""

from __future__ import annotations

import html
from datetime import date

from db import Database
from fieldtool import letters, reminders
from fieldtool.reminders import Reminder
from ui import worker
from ui.i18n import domain_label, long_day_text, tr
from ui.letters.dialogs import BatchConfirmDialog
from ui.letters.issue import Issued, LetterJob, issued_note
from ui.qt import (
    QFrame,
    QHBoxLayout,
    QItemSelectionModel,
    QLabel,
    QPushButton,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.setup.part import list_text, setup_needed
from ui.tablemodel import ROW_ROLE, RowTableModel
from ui.today.delivery import DeliveryDialog
from ui.today.model import ReminderModel
from ui.visits.data import TaskRow, load_visit_tasks, prefill_from_task
from ui.visits.model import task_columns
from ui.visits.newvisit import NewVisitWindow
from ui.widgets import MessageBar, empty_note, fit_columns, make_table, section_title

# The buttons of the two-click path, in the order officers use them most.
HOW_BUTTONS = ("phone", "visit", "line", "letter", "meeting")


def load_reminders(db: Database, day: date) -> list[Reminder]:
    with db.session() as s:
        return reminders.reminders_on(s, day)


def load_setup_needed(db: Database) -> list:
    with db.session() as s:
        return setup_needed(s)


def load_today(db: Database, day: date) -> tuple[list[Reminder], list[TaskRow], list]:
    return load_reminders(db, day), load_visit_tasks(db, day), load_setup_needed(db)


class TodayView(QWidget):
    loaded = Signal()
    changed = Signal()  # something was written: other pages should reload
    open_loan = Signal(str)
    setup_requested = Signal()  # ตั้งค่าตำบล… was pressed

    def __init__(self, db: Database, day: date, officer: str = "", parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.officer = officer
        self.stale = True
        self._generation = 0

        self.title = section_title("")
        self.message = MessageBar()
        self.notices = ReminderModel(lambda: self.day, self)
        self.asks = ReminderModel(lambda: self.day, self)
        self.notice_title = section_title("")
        self.ask_title = section_title("")
        self.notice_view = make_table(self.notices, sortable=True)
        self.ask_view = make_table(self.asks, sortable=True)
        for view in (self.notice_view, self.ask_view):
            view.activated.connect(
                lambda idx, v=view: emit(self.open_loan, v.model().row_at(idx.row()).loan_id)
            )
        self.tasks = RowTableModel(task_columns(lambda: self.day), self)
        self.task_title = section_title("")
        self.task_view = make_table(self.tasks, sortable=True)
        self.task_view.activated.connect(lambda idx: self.start_visit(self.tasks.row_at(idx.row())))
        for view in (self.notice_view, self.ask_view, self.task_view):
            view.selectionModel().selectionChanged.connect(lambda *_, v=view: self._selected_in(v))
        empty_note(self.task_view, tr("today.no_visits"))
        empty_note(self.notice_view, tr("today.no_notices"))
        empty_note(self.ask_view, tr("today.no_asks"))
        self.visit_button = QPushButton(tr("today.start_visit"))
        self.visit_button.setToolTip(tr("today.start_visit_tip"))
        self.visit_button.clicked.connect(lambda: self.start_visit(self.selected_task()))
        self.letters_button = QPushButton(tr("today.print_letters"))
        self.letters_button.setToolTip(tr("today.print_letters_tip"))
        self.letters_button.clicked.connect(self.print_letters)
        self.letter_job: LetterJob | None = None

        lists = QWidget()
        box = QVBoxLayout(lists)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.notice_title)
        box.addWidget(self.notice_view, 1)
        box.addWidget(self.ask_title)
        box.addWidget(self.ask_view, 1)
        box.addWidget(self.task_title)
        box.addWidget(self.task_view, 1)
        task_buttons = QHBoxLayout()
        task_buttons.addWidget(self.visit_button)
        task_buttons.addStretch(1)
        box.addLayout(task_buttons)
        self.empty = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("QLabel { color: #546e7a; font-size: 16pt; }")
        self.stack = QStackedWidget()
        self.stack.addWidget(lists)
        self.stack.addWidget(self.empty)

        self.how_buttons: dict[str, QPushButton] = {}
        self.actions = QWidget()
        actions = QHBoxLayout(self.actions)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(QLabel(tr("today.record")))
        for how in HOW_BUTTONS:
            btn = QPushButton(tr(f"today.how.{how}"))
            btn.setToolTip(tr("today.how_tip", how=domain_label(reminders.DELIVERY_HOW, "how", how)))
            btn.clicked.connect(lambda _=False, h=how: self.deliver_selected(h))
            self.how_buttons[how] = btn
            actions.addWidget(btn)
        self.note_button = QPushButton(tr("today.with_note"))
        self.note_button.clicked.connect(self.deliver_with_note)
        actions.addWidget(self.note_button)
        actions.addStretch(1)

        self.setup_note = QFrame()
        self.setup_note.setObjectName("setupNote")
        self.setup_note.setStyleSheet(
            "QFrame#setupNote { background: #e3f2fd; border: 1px solid #90caf9; border-radius: 4px; }"
        )
        self.setup_text = QLabel()
        self.setup_text.setWordWrap(True)
        self.setup_text.setTextFormat(Qt.TextFormat.RichText)
        self.setup_button = QPushButton(tr("setup.status.set_up"))
        self.setup_button.clicked.connect(lambda: emit(self.setup_requested))
        note = QHBoxLayout(self.setup_note)
        note.setContentsMargins(10, 6, 10, 6)
        note.addWidget(self.setup_text, 1)
        note.addWidget(self.setup_button)
        self.setup_note.hide()

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.letters_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.setup_note)
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.actions)
        self._update_titles()
        self._update_buttons()

    # --- loading ------------------------------------------------------------------------------------

    def set_day(self, day: date) -> None:
        self.day = day
        self.stale = True

    def refresh(self) -> None:
        self.stale = False
        self._generation += 1
        generation, day = self._generation, self.day
        self.title.setText(tr("today.title", day=long_day_text(day)))
        self.empty.setText(tr("today.loading"))
        worker.run_in_background(
            lambda: load_today(self.db, day),
            lambda result: self._loaded(generation, *result),
            lambda exc: self._failed(generation, exc),
            context=self,
        )

    def _loaded(self, generation: int, items: list[Reminder], tasks: list[TaskRow] = (), needed=()) -> None:
        if generation != self._generation:  # an answer for a day no longer on screen
            return
        self.setup_text.setText(
            "<b>" + html.escape(tr("setup.today.needed_title")) + "</b> "
            + html.escape(list_text(needed))
        )
        self.setup_note.setVisible(bool(needed))
        self.notices.set_rows([r for r in items if r.kind != "ask"])
        # one row per loan: a single visit or meeting asks about the whole debt
        self.asks.set_rows(reminders.ask_tasks_by_loan(items))
        self.tasks.set_rows(list(tasks))
        fit_columns(self.notice_view)
        fit_columns(self.ask_view)
        fit_columns(self.task_view)
        self._update_titles()
        self._update_buttons()
        emit(self.loaded)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.message.show_error(exc)
            emit(self.loaded)

    def _update_titles(self) -> None:
        n_notice, n_ask, n_task = self.notices.rowCount(), self.asks.rowCount(), self.tasks.rowCount()
        self.notice_title.setText(tr("today.notices", n=n_notice))
        self.ask_title.setText(tr("today.asks", n=n_ask))
        self.task_title.setText(tr("today.visits", n=n_task))
        if n_notice + n_ask + n_task == 0:
            self.empty.setText(tr("today.empty") if self._generation else tr("today.loading"))
            self.stack.setCurrentWidget(self.empty)
        else:
            self.stack.setCurrentIndex(0)
        self.actions.setVisible(n_notice + n_ask > 0)

    # --- choosing and recording -------------------------------------------------------------------------

    def _selected_in(self, view) -> None:
        # One selection across the lists: the buttons act on that row.
        if view.selectionModel().hasSelection():
            for other in (self.notice_view, self.ask_view, self.task_view):
                if other is not view:
                    other.selectionModel().clearSelection()
        self._update_buttons()

    def selected(self) -> Reminder | None:
        for view in (self.notice_view, self.ask_view):
            rows = view.selectionModel().selectedRows()
            if rows:
                return rows[0].data(ROW_ROLE)
        return None

    def select(self, reminder_id: str) -> bool:
        """Select the row of a reminder (as a click would); False when it is not listed."""
        for view, model in ((self.notice_view, self.notices), (self.ask_view, self.asks)):
            row = model.row_of(reminder_id)
            if row >= 0:
                view.selectionModel().select(
                    model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                return True
        return False

    def selected_task(self) -> TaskRow | None:
        rows = self.task_view.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        for btn in self.how_buttons.values():
            btn.setEnabled(has)
        self.note_button.setEnabled(has)
        self.visit_button.setEnabled(self.selected_task() is not None)

    def deliver_selected(self, how: str) -> None:
        reminder = self.selected()
        if reminder is None:
            return
        try:
            with self.db.session() as s:
                reminders.deliver(s, reminder.id, how, self.day)
        except Exception as exc:
            self.message.show_error(exc)
            return
        self._remove(reminder)
        self.message.show_info(
            tr(
                "today.recorded",
                borrower=reminder.info.borrower,
                how=domain_label(reminders.DELIVERY_HOW, "how", how),
            )
        )
        emit(self.changed)

    def deliver_with_note(self) -> None:
        reminder = self.selected()
        if reminder is None:
            return
        if DeliveryDialog.ask(self, self.db, reminder, self.day, self.officer):
            self.message.show_info(tr("today.recorded_note", borrower=reminder.info.borrower))
            emit(self.changed)
            self.refresh()

    def _remove(self, reminder: Reminder) -> None:
        for model in (self.notices, self.asks):
            row = model.row_of(reminder.id)
            if row >= 0:
                model.remove_row(row)
        self._update_titles()
        self._update_buttons()

    # --- the promised visits -----------------------------------------------------------------------

    def start_visit(self, task: TaskRow | None) -> None:
        """The new-visit window, pre-filled from the visit that promised this one."""
        if task is None:
            return
        prefill = prefill_from_task(self.db, task.task)
        saved = NewVisitWindow.ask(self, self.db, self.day, prefill)
        if saved is not None:
            self.message.show_info(tr("today.visit_saved"))
            emit(self.changed)
            self.refresh()

    # --- the day's letters -------------------------------------------------------------------------------

    def print_letters(self) -> LetterJob | None:
        """Print every letter due on the working day into one PDF, with the register of letters sent; then
        preview it. First it says what it will issue and record, and asks (BatchConfirmDialog.ask)."""
        job = self.letter_job
        if job is not None and job.result is None and not job.error and not job.declined:
            return None  # one batch at a time
        day = self.day
        self.message.clear_message()
        self.letters_button.setEnabled(False)
        self.letter_job = LetterJob(
            self,
            self.db,
            tr("letters.batch_title", day=long_day_text(day)),
            lambda s: letters.letters_due(s, day),
            day,
            f"letters-{day.isoformat()}",
            with_dispatch=True,
            on_success=self._letters_done,
            on_failure=self._letters_failed,
            confirm=lambda outline: BatchConfirmDialog.ask(self, outline),
            on_declined=self._letters_declined,
        )
        return self.letter_job.start()

    def _letters_done(self, issued: Issued) -> None:
        self.letters_button.setEnabled(True)
        text = tr("letters.done", n=issued.count, new=issued.new, reprints=issued.reprints, path=str(issued.path))
        extra = issued_note(issued)
        # a letter-number block nearly used is said in amber: the office must give the next one soon
        (self.message.show_warning if issued.warning else self.message.show_info)(f"{text} {extra}".strip())
        emit(self.changed)  # notices sent by letter are delivered: they leave the lists
        self.refresh()

    def _letters_declined(self) -> None:
        self.letters_button.setEnabled(True)
        self.message.show_info(tr("batch.declined"))

    def _letters_failed(self, sentence: str) -> None:
        self.letters_button.setEnabled(True)
        self.message.show_error(sentence)
