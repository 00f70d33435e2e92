"""The today view (วันนี้): the officer's worklist for the working day. Three lists, one at a time in tabs
so each has the height of the page (the counts stay in sight on the tabs): notices to deliver, ask tasks to
carry out, and the visits promised for the day (`visits.next_visit_tasks`).

Each list has its own toolbar over its rows (ui/today/lists.py). Select rows and click how they were done
(โทรแจ้งแล้ว, ลงพื้นที่แล้ว, ...): the deliveries are written through `reminders.deliver` and the rows leave
the list, the next row selected. "บันทึกพร้อมหมายเหตุ…" (Ctrl+D) opens the DeliveryDialog; "พิมพ์หนังสือ"
(Ctrl+P) issues the day's letters of the selected borrowers; Enter opens the loan (on a visit: the visit
record, pre-filled). A delivery recorded by mistake is undone with "เลิกทำ" (Ctrl+Z): a reversing record
(`reminders.undo_delivery`), and the rows come back. "พิมพ์หนังสือของวันนี้" prints every letter of the day
(`letters.letters_due`) with a progress bar and a preview. F5 (Go → Reload) reads the lists again. While the
laptop's subdistrict is not (fully) set up, a line at the top says what is missing and offers "ตั้งค่าตำบล…".
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from db import Database
from fieldtool import letters, reminders
from fieldtool.reminders import Reminder
from fieldtool.vocabulary import ContactWay, ReminderKind
from ui import worker
from ui.i18n import label_text, long_day_text, tr
from ui.letters.dialogs import BatchConfirmDialog
from ui.letters.issue import Issued, LetterJob, issued_note
from ui.qt import (
    QAction,
    QColor,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.setup.part import list_text, setup_needed
from ui.today.delivery import DeliveryDialog
from ui.today.lists import ASK_HOWS, NOTICE_HOWS, UNDO_KEY, ReminderList, TaskList, tool_button, with_key
from ui.visits.data import TaskRow, load_visit_tasks, prefill_from_task
from ui.visits.newvisit import NewVisitWindow
from ui.widgets import MessageBar, fit_columns, section_title

NOTICES, ASKS, VISITS = range(3)  # the tabs


def load_reminders(db: Database, day: date) -> list[Reminder]:
    with db.session() as s:
        return reminders.reminders_on(s, day)


def load_setup_needed(db: Database) -> list:
    with db.session() as s:
        return setup_needed(s)


def load_today(db: Database, day: date) -> tuple[list[Reminder], list[TaskRow], list]:
    return load_reminders(db, day), load_visit_tasks(db, day), load_setup_needed(db)


@dataclass
class Recorded:
    """Deliveries recorded in one click, kept so that Ctrl+Z can undo them."""

    ids: list[str]  # the reminders delivered
    who: str  # the borrowers, as the message names them
    day: date


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
        self.loads = worker.Latest(self)
        self._shown_once = False
        self.undo_stack: list[Recorded] = []
        self.letter_job: LetterJob | None = None

        self.title = section_title("")
        self.message = MessageBar()
        self.undo_action = QAction(tr("today.undo"), self)
        self.undo_action.setShortcut(UNDO_KEY)
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.undo_action.triggered.connect(lambda _=False: self.undo_last())
        self.addAction(self.undo_action)
        self.undo_button = tool_button(self.undo_action)
        self.letters_button = QPushButton(tr("today.print_letters"))
        self.letters_button.setToolTip(tr("today.print_letters_tip"))
        self.letters_button.clicked.connect(self.print_letters)

        self.notice_list = ReminderList(lambda: self.day, NOTICE_HOWS, tr("today.no_notices"),
                                        tr("today.print_notice_tip"))
        self.ask_list = ReminderList(lambda: self.day, ASK_HOWS, tr("today.no_asks"), tr("today.print_demand_tip"))
        self.task_list = TaskList(lambda: self.day)
        for lst in (self.notice_list, self.ask_list):
            lst.record.connect(lambda how, lst=lst: self.deliver_selected(how, lst))
            lst.record_with_note.connect(lambda lst=lst: self.deliver_with_note(lst))
            lst.print_letters.connect(lambda lst=lst: self.print_selected(lst))
            lst.open_loan.connect(lambda loan_id: emit(self.open_loan, loan_id))
        self.task_list.start_visit.connect(self.start_visit)
        for lst in (self.notice_list, self.ask_list, self.task_list):
            lst.add_to_menu(self.undo_action)
        # the names the rest of the program and the tests know the lists by
        self.notices, self.asks, self.tasks = self.notice_list.model, self.ask_list.model, self.task_list.model
        self.notice_view, self.ask_view, self.task_view = (
            self.notice_list.view, self.ask_list.view, self.task_list.view)
        self.visit_button = self.task_list.start_button

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for lst in (self.notice_list, self.ask_list, self.task_list):
            self.tabs.addTab(lst, "")
        self.tabs.currentChanged.connect(lambda i: self.tabs.widget(i).view.setFocus())
        self.empty = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("QLabel { color: #546e7a; font-size: 16pt; }")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.empty)

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

        # one line over the lists: the day, undo, and the day's letters
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.undo_button)
        top.addWidget(self.letters_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.setup_note)
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        self._update_titles()
        self._update_undo()

    # --- loading ------------------------------------------------------------------------------------

    def set_day(self, day: date) -> None:
        self.day = day
        self.stale = True

    def refresh(self) -> None:
        self.stale = False
        day = self.day
        self.title.setText(tr("today.title", day=long_day_text(day)))
        self.empty.setText(tr("today.loading"))
        # an answer for a day no longer on screen is dropped
        self.loads.run(lambda: load_today(self.db, day), lambda result: self._loaded(*result), self._failed)

    def _loaded(self, items: list[Reminder], tasks: list[TaskRow] = (), needed=()) -> None:
        self.setup_text.setText(
            "<b>" + html.escape(tr("setup.today.needed_title")) + "</b> "
            + html.escape(list_text(needed))
        )
        self.setup_note.setVisible(bool(needed))
        self.notices.set_rows([r for r in items if r.kind is not ReminderKind.ASK])
        # one row per loan: a single visit or meeting asks about the whole debt
        self.asks.set_rows(reminders.ask_tasks_by_loan(items))
        self.tasks.set_rows(list(tasks))
        for lst in (self.notice_list, self.ask_list, self.task_list):
            fit_columns(lst.view)
            lst.update_actions()
        self._update_titles()
        if not self._shown_once:  # first load: open on the first list with work in it
            self._shown_once = True
            counts = [self.notices.rowCount(), self.asks.rowCount(), self.tasks.rowCount()]
            self.tabs.setCurrentIndex(next((i for i, n in enumerate(counts) if n), NOTICES))
        emit(self.loaded)

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(exc)
        emit(self.loaded)

    def _update_titles(self) -> None:
        counts = (self.notices.rowCount(), self.asks.rowCount(), self.tasks.rowCount())
        for tab, (key, n) in enumerate(zip(("today.notices", "today.asks", "today.visits"), counts, strict=True)):
            self.tabs.setTabText(tab, tr(key, n=n))
        # overdue debt waiting is the one count in red
        self.tabs.tabBar().setTabTextColor(ASKS, QColor("#c62828") if counts[ASKS] else QColor())
        if sum(counts) == 0:
            self.empty.setText(tr("today.empty") if self.loads.started else tr("today.loading"))
            self.stack.setCurrentWidget(self.empty)
        else:
            self.stack.setCurrentWidget(self.tabs)

    def list_title(self, tab: int) -> str:
        """What the tab of a list says: its name and how many rows it has."""
        return self.tabs.tabText(tab)

    # --- recording and undoing ------------------------------------------------------------------------

    def selected(self) -> Reminder | None:
        """The first selected row of the list on screen (notices or ask tasks)."""
        lst = self.tabs.currentWidget()
        return lst.current() if isinstance(lst, ReminderList) else None

    def select(self, reminder_id: str) -> bool:
        """Show the list of a reminder and select its row (as a click would); False when it is not listed."""
        for tab, lst in ((NOTICES, self.notice_list), (ASKS, self.ask_list)):
            row = lst.row_of(reminder_id)
            if row >= 0:
                self.tabs.setCurrentIndex(tab)
                lst.select_rows([row])
                return True
        return False

    def selected_task(self) -> TaskRow | None:
        return self.task_list.current()

    def deliver_selected(self, how: str, lst: ReminderList | None = None) -> None:
        """Record the selected rows of a list delivered on the working day, `how`; one transaction."""
        lst = lst or self.tabs.currentWidget()
        chosen = lst.selected() if isinstance(lst, ReminderList) else []
        if not chosen:
            return
        try:
            with self.db.session() as s:
                for reminder in chosen:
                    reminders.deliver(s, reminder.id, how, self.day)
        except Exception as exc:
            self.message.show_error(exc)
            return
        lst.remove(chosen)
        who = self._who(chosen)
        self._recorded(Recorded([r.id for r in chosen], who, self.day),
                       tr("today.recorded", borrower=who, how=label_text(ContactWay(how), in_sentence=True)))

    def deliver_with_note(self, lst: ReminderList | None = None) -> None:
        lst = lst or self.tabs.currentWidget()
        reminder = lst.current() if isinstance(lst, ReminderList) else None
        if reminder is None:
            return
        if DeliveryDialog.ask(self, self.db, reminder, self.day, self.officer):
            self._recorded(Recorded([reminder.id], reminder.info.borrower, self.day),
                           tr("today.recorded_note", borrower=reminder.info.borrower))
            self.refresh()

    @staticmethod
    def _who(chosen: list[Reminder]) -> str:
        names = list(dict.fromkeys(r.info.borrower for r in chosen))
        return names[0] if len(names) == 1 else tr("today.borrowers", n=len(names))

    def _recorded(self, done: Recorded, text: str) -> None:
        self.undo_stack.append(done)
        self._update_titles()
        self._update_undo()
        self.message.show_info(text)
        emit(self.changed)

    def _update_undo(self) -> None:
        last = self.undo_stack[-1] if self.undo_stack else None
        self.undo_action.setEnabled(last is not None)
        self.undo_action.setToolTip(with_key(tr("today.undo_tip", who=last.who), UNDO_KEY) if last else "")
        self.undo_button.setVisible(last is not None)

    def undo_last(self) -> None:
        """Ctrl+Z: the last deliveries recorded here are undone by reversing records; their rows come back."""
        if not self.undo_stack:
            return
        last = self.undo_stack[-1]
        try:
            with self.db.session() as s:
                for reminder_id in last.ids:
                    reminders.undo_delivery(s, reminder_id, max(last.day, self.day))
        except Exception as exc:
            self.message.show_error(exc)
            return
        self.undo_stack.pop()
        self._update_undo()
        self.message.show_info(tr("today.undone", who=last.who))
        self.loaded.connect(lambda ids=last.ids: self._reselect(ids), Qt.ConnectionType.SingleShotConnection)
        emit(self.changed)
        self.refresh()

    def _reselect(self, ids: list[str]) -> None:
        for tab, lst in ((NOTICES, self.notice_list), (ASKS, self.ask_list)):
            rows = [r for r in (lst.row_of(i) for i in ids) if r >= 0]
            if rows:
                self.tabs.setCurrentIndex(tab)
                lst.select_rows(rows)
                return

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
        day = self.day
        return self._start_letters(
            tr("letters.batch_title", day=long_day_text(day)),
            lambda s: letters.letters_due(s, day),
            f"letters-{day.isoformat()}",
            with_dispatch=True,
        )

    def print_selected(self, lst: ReminderList | None = None) -> LetterJob | None:
        """Ctrl+P: the day's letter (notice or demand) of each borrower selected in a list, asked first as the
        day's batch is."""
        lst = lst or self.tabs.currentWidget()
        chosen = lst.selected() if isinstance(lst, ReminderList) else []
        if not chosen:
            return None
        day, loan_ids = self.day, list(dict.fromkeys(r.loan_id for r in chosen))
        return self._start_letters(
            tr("today.letters_title", who=self._who(chosen), day=long_day_text(day)),
            lambda s: letters.letters_due(s, day, loan_ids=loan_ids),
            f"letters-{day.isoformat()}-selected",
            with_dispatch=len(loan_ids) > 1,
        )

    def _start_letters(self, title: str, make_requests, stem: str, with_dispatch: bool) -> LetterJob | None:
        job = self.letter_job
        if job is not None and job.result is None and not job.error and not job.declined:
            return None  # one batch at a time
        self.message.clear_message()
        self.letters_button.setEnabled(False)
        self.letter_job = LetterJob(
            self,
            self.db,
            title,
            make_requests,
            self.day,
            stem,
            with_dispatch=with_dispatch,
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
