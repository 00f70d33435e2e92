"""The loan page: one loan's header and its tabs (schedule, payments, ปตท. stages, prevent checklist,
notices delivered, history, letters issued, visits and meetings), with the actions an officer takes on it:
take a payment, restructure, print a letter (preview, print, save; reprint an issued one), record a
visit or a meeting about the loan.

One loan is small, so the page reads it on the UI thread (the read model `fieldtool.loanview.loan_page`) and
again after every write; the main window hears `changed` and reloads its lists.
"""

from __future__ import annotations

from datetime import date, timedelta

from db import Database
from fieldtool import lending, letters, reminders
from fieldtool.ledger import ScheduleState
from fieldtool.loanview import ContactRow, DeliveryRow, LoanPageData, PaymentRow, loan_page
from fieldtool.vocabulary import DEMAND_LETTERS
from ui.history.model import HISTORY_COLUMNS
from ui.i18n import day_text, money_text, tr
from ui.labels import letter_kind_text
from ui.layouts import button_row, tab_page
from ui.letters.dialogs import LetterDialog
from ui.letters.issue import Issued, LetterJob, issued_note, reprint_request
from ui.letters.model import IssuedLettersModel
from ui.loans.columns import (
    CHECK_COLUMNS,
    CONTACT_COLUMNS,
    DELIVERY_COLUMNS,
    PAYMENT_COLUMNS,
    TIMELINE_COLUMNS,
    delivery_what,
    schedule_columns,
)
from ui.loans.dialogs import (
    CheckDialog,
    DisburseDialog,
    PaymentDialog,
    RestructureDialog,
    ReverseDialog,
    prevent_label,
)
from ui.loans.header import LoanHeader
from ui.qt import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QTabWidget,
    QVBoxLayout,
    Signal,
    emit,
)
from ui.screen import fit_to_screen
from ui.tablemodel import ROW_ROLE, RowTableModel
from ui.visits.data import prefill_from_loan
from ui.visits.meeting import MeetingDialog
from ui.visits.newvisit import NewVisitWindow
from ui.widgets import MessageBar, empty_note, fit_columns, make_table

PREVENT_TAB = 3  # schedule, payments, stages, then the prevent checklist


class LoanPage(QDialog):
    changed = Signal()

    def __init__(self, db: Database, loan_id: str, day: date, parent=None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)  # its own window with minimise and maximise
        self.db = db
        self.loan_id = loan_id
        self.day = day
        self.data: LoanPageData | None = None
        fit_to_screen(self, (1280, 760))  # wide enough for fund names and findings on a 1366×768 laptop

        self.message = MessageBar()
        self.tabs = QTabWidget()
        self.header = LoanHeader()

        # ตารางชำระ
        self.version = QComboBox()
        self.version.currentIndexChanged.connect(self._show_schedule)
        self.schedule = RowTableModel(schedule_columns(lambda: self.day), self)
        self.schedule_view = make_table(self.schedule)
        self.schedule_note = QLabel()
        self.schedule_note.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("schedule.version")))
        bar.addWidget(self.version, 1)
        self.tabs.addTab(tab_page(bar, self.schedule_view, self.schedule_note), "")

        # การชำระเงิน
        self.payments = RowTableModel(PAYMENT_COLUMNS, self)
        self.payment_view = make_table(self.payments)
        self.pay_button = QPushButton(tr("loan.pay"))
        self.pay_button.clicked.connect(self.take_payment)
        self.reverse_button = QPushButton(tr("loan.reverse"))
        self.reverse_button.clicked.connect(self.reverse_selected)
        self.tabs.addTab(
            tab_page(button_row(self.pay_button, self.reverse_button), self.payment_view), ""
        )

        # ขั้น ปตท.
        self.timeline = RowTableModel(TIMELINE_COLUMNS, self)
        self.timeline_view = make_table(self.timeline)
        self.tabs.addTab(tab_page(self.timeline_view), "")

        # รายการป้องกัน
        self.checks = RowTableModel(CHECK_COLUMNS, self)
        self.check_view = make_table(self.checks)
        self.check_view.activated.connect(lambda _idx: self.tick_selected())
        self.tick_button = QPushButton(tr("loan.tick"))
        self.tick_button.clicked.connect(self.tick_selected)
        self.untick_button = QPushButton(tr("loan.untick"))
        self.untick_button.clicked.connect(self.untick_selected)
        self.disburse_button = QPushButton(tr("loan.disburse"))
        self.disburse_button.clicked.connect(self.disburse)
        self.disbursed_note = QLabel()
        self.disbursed_note.setWordWrap(True)
        self.tabs.addTab(
            tab_page(
                button_row(self.tick_button, self.untick_button, self.disburse_button),
                self.check_view,
                self.disbursed_note,
            ),
            "",
        )

        # การแจ้งเตือน
        self.deliveries = RowTableModel(DELIVERY_COLUMNS, self)
        self.delivery_view = make_table(self.deliveries)
        self.undo_delivery_button = QPushButton(tr("loan.undo_delivery"))
        self.undo_delivery_button.setToolTip(tr("loan.undo_delivery_tip"))
        self.undo_delivery_button.clicked.connect(self.undo_selected_delivery)
        self.delivery_view.selectionModel().selectionChanged.connect(lambda *_: self._update_undo_delivery())
        self.tabs.addTab(tab_page(button_row(self.undo_delivery_button), self.delivery_view), "")

        # ประวัติ: the change log in words (fieldtool.history), as the history page reads it
        self.history = RowTableModel(HISTORY_COLUMNS, self)
        self.history_view = make_table(self.history)
        self.tabs.addTab(tab_page(self.history_view), "")

        # หนังสือที่ออก
        self.letters = IssuedLettersModel(self)
        self.letter_view = make_table(self.letters)
        self.letter_view.activated.connect(lambda _idx: self.reprint_selected())
        self.letter_button = QPushButton(tr("loan.letter"))
        self.letter_button.clicked.connect(self.issue_letter)
        self.reprint_button = QPushButton(tr("loan.reprint"))
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.tabs.addTab(
            tab_page(button_row(self.letter_button, self.reprint_button), self.letter_view), ""
        )
        self.letter_job: LetterJob | None = None

        # การลงพื้นที่และการประชุม
        self.visits = RowTableModel(CONTACT_COLUMNS, self)
        self.visit_view = make_table(self.visits)
        self.visit_view.activated.connect(lambda idx: self._show_visit(self.visits.row_at(idx.row())))
        self.visit_button = QPushButton(tr("loan.new_visit"))
        self.visit_button.clicked.connect(self.new_visit)
        self.meeting_button = QPushButton(tr("loan.new_meeting"))
        self.meeting_button.clicked.connect(self.new_meeting)
        self.tabs.addTab(
            tab_page(button_row(self.visit_button, self.meeting_button), self.visit_view), ""
        )

        empty_note(self.letter_view, tr("loan.no_letters"))
        empty_note(self.visit_view, tr("loan.no_visits"))
        self.restructure_button = QPushButton(tr("loan.restructure"))
        self.restructure_button.clicked.connect(self.restructure)
        letter_now = QPushButton(tr("loan.letter"))
        letter_now.clicked.connect(self.issue_letter)
        visit_now = QPushButton(tr("loan.new_visit"))
        visit_now.clicked.connect(self.new_visit)
        close = QPushButton(tr("button.close"))
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.restructure_button)
        bottom.addWidget(letter_now)
        bottom.addWidget(visit_now)
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.reload()

    # --- layout helpers -----------------------------------------------------------------------------

    def header_text(self, name: str) -> str:
        """What the header shows for `name` (borrower, outstanding, stage, ...)."""
        return self.header.text(name)

    # --- showing ------------------------------------------------------------------------------------

    def reload(self) -> None:
        try:
            with self.db.session() as s:
                self.data = data = loan_page(s, self.loan_id, self.day)
        except Exception as exc:
            self.message.show_error(exc)
            return
        loan, info, state = data.loan, data.info, data.state
        self.setWindowTitle(
            tr("loan.window_title", borrower=info.borrower, agreement=loan.agreement_no or "–")
        )
        self.header.show_loan(data)

        self._fill_versions(state.schedules, state.active)
        self.payments.set_rows(data.payments)
        ends = [d - timedelta(days=1) for d, _ in data.timeline[1:]] + [None]
        self.timeline.set_rows([(d, s, end) for (d, s), end in zip(data.timeline, ends, strict=True)])
        self.checks.set_rows(data.checks)
        self.deliveries.set_rows(data.deliveries)
        self.history.set_rows(data.history)
        self.letters.set_rows(data.letters)
        self.visits.set_rows(data.contacts)
        self._fill_disbursement(data)
        for view in (
            self.payment_view,
            self.timeline_view,
            self.check_view,
            self.delivery_view,
            self.history_view,
            self.letter_view,
            self.visit_view,
        ):
            fit_columns(view)

        titles = (
            tr("loan.tab.schedule"),
            tr("loan.tab.payments", n=len(data.payments)),
            tr("loan.tab.stages"),
            tr("loan.tab.prevent", done=sum(c.done for c in data.checks), total=len(data.checks)),
            tr("loan.tab.notices", n=len(data.standing_deliveries)),
            tr("loan.tab.history"),
            tr("loan.tab.letters", n=len(data.letters)),
            tr("loan.tab.visits", n=len(data.contacts)),
        )
        for i, title in enumerate(titles):
            self.tabs.setTabText(i, title)
        disbursed = loan.disbursed_on is not None
        self.pay_button.setEnabled(disbursed)
        self.reverse_button.setEnabled(
            any(not p.is_reversal and p.reversed_by is None for p in data.payments)
        )
        self.disburse_button.setEnabled(not disbursed)
        self.restructure_button.setEnabled(disbursed and state.outstanding_satang > 0)
        self.reprint_button.setEnabled(bool(data.letters))
        self._update_undo_delivery()

    def _fill_versions(self, schedules: list[ScheduleState], active: ScheduleState | None) -> None:
        self.version.blockSignals(True)
        self.version.clear()
        current = 0
        for n, sched in enumerate(sorted(schedules, key=lambda s: s.version)):
            text = tr("schedule.version_item", version=sched.version, day=day_text(sched.effective_from))
            if sched is active:
                text += " · " + tr("schedule.current")
                current = n
            self.version.addItem(text, sched)
        self.version.setCurrentIndex(current)
        self.version.setEnabled(len(schedules) > 1)
        self.version.blockSignals(False)
        self._show_schedule()

    def _show_schedule(self) -> None:
        sched: ScheduleState | None = self.version.currentData()
        self.schedule.set_rows(sched.instalments if sched else [])
        note = ""
        if sched is not None and sched.reason:
            note = tr("schedule.reason", reason=sched.reason)
        if sched is not None and sched.credit_satang:
            note += ("  " if note else "") + tr("schedule.credit", amount=money_text(sched.credit_satang))
        self.schedule_note.setText(note)
        self.schedule_note.setVisible(bool(note))
        fit_columns(self.schedule_view)

    def _fill_disbursement(self, data: LoanPageData) -> None:
        loan = data.loan
        if loan.disbursed_on is None:
            text = tr("disburse.not_yet", n=len(data.open_items)) if data.open_items else tr("disburse.ready")
        else:
            text = tr("disburse.done", day=day_text(loan.disbursed_on))
            if loan.prevent_override:
                text += " " + tr("disburse.override", reason=loan.prevent_override)
        self.disbursed_note.setText(text)

    # --- actions ------------------------------------------------------------------------------------

    def _after_write(self, info: str) -> None:
        self.reload()
        self.message.show_info(info)
        emit(self.changed)

    def take_payment(self) -> None:
        info = self.data.info
        about = f"<b>{info.borrower}</b> · {info.village}<br>{tr('loan.outstanding')} {self.header_text('outstanding')}"
        if PaymentDialog.ask(self, self.db, self.loan_id, self.day, about):
            self._after_write(tr("loan.paid_saved"))

    def _selected(self, view):
        rows = view.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def reverse_selected(self) -> None:
        row: PaymentRow | None = self._selected(self.payment_view)
        if row is None:
            self.message.show_error(tr("loan.select_payment"))
            return
        if row.is_reversal or row.reversed_by is not None:
            self.message.show_error(tr("loan.cannot_reverse"))
            return
        p = row.payment
        if ReverseDialog.ask(self, self.db, p.id, p.paid_on, p.amount_satang, self.day):
            self._after_write(tr("loan.reversed_saved"))

    def tick_selected(self) -> None:
        check = self._selected(self.check_view)
        if check is None:
            self.message.show_error(tr("loan.select_item"))
            return
        if CheckDialog.ask(self, self.db, self.loan_id, check.item, self.day, check.note):
            self._after_write(tr("loan.check_saved", item=prevent_label(check.item)))

    def untick_selected(self) -> None:
        check = self._selected(self.check_view)
        if check is None:
            self.message.show_error(tr("loan.select_item"))
            return
        try:
            with self.db.session() as s:
                lending.set_check(s, self.loan_id, check.item, done=False, note=check.note)
        except Exception as exc:
            self.message.show_error(exc)
            return
        self._after_write(tr("loan.check_removed", item=prevent_label(check.item)))

    def disburse(self) -> None:
        if DisburseDialog.ask(self, self.db, self.loan_id, self.day, self.data.open_items):
            self._after_write(tr("loan.disbursed_saved"))

    def restructure(self) -> None:
        state = self.data.state
        left = sum(1 for i in state.instalments if not i.is_paid)
        if RestructureDialog.ask(self, self.db, self.loan_id, self.day, left, self.data.loan.frequency):
            self._after_write(tr("loan.restructured_saved"))

    # --- letters --------------------------------------------------------------------------------------

    LETTERS_TAB = 6
    VISITS_TAB = 7

    def _default_letter_kind(self) -> str:
        state = self.data.state
        if state.arrears_satang:
            done = {r.kind for r in self.data.letters}
            return next((k.value for k in DEMAND_LETTERS if k not in done), "demand-final")
        return "notice-7"

    def issue_letter(self) -> LetterJob | None:
        """หนังสือ: choose the kind (and a meeting's date, time and place), then print it with a preview."""
        if self.data is None:
            return None
        info = self.data.info
        about = f"<b>{info.borrower}</b> · {info.village} · {tr('loan.agreement')} {self.data.loan.agreement_no or '–'}"
        choice = LetterDialog.ask(self, self.db, self.loan_id, self.day, self._default_letter_kind(), about)
        if choice is None:
            return None
        loan_id = self.loan_id
        return self._start_letters(
            tr("letters.one_title", kind=letter_kind_text(choice.kind), borrower=info.borrower),
            lambda s: [
                letters.letter_request(
                    s, loan_id, choice.kind, choice.on, choice.meeting_on, choice.meeting_place, choice.delivery
                )
            ],
            choice.on,
            f"letter-{self.data.loan.agreement_no or loan_id[:8]}-{choice.kind}".replace("/", "-"),
        )

    def reprint_selected(self) -> LetterJob | None:
        record = self._selected(self.letter_view)
        if record is None:
            self.message.show_error(tr("loan.select_letter"))
            return None
        record_id = record.id
        return self._start_letters(
            tr("letters.reprint_title", number=record.number_text),
            lambda s: [reprint_request(s, record_id)],
            record.issued_on,
            f"reprint-{record.year_be}-{record.running}",
        )

    def _start_letters(self, title, make_requests, on, stem) -> LetterJob:
        self.message.clear_message()
        self.letter_job = LetterJob(
            self,
            self.db,
            title,
            make_requests,
            on,
            stem,
            with_dispatch=False,
            on_success=self._letters_done,
            on_failure=self.message.show_error,
        )
        return self.letter_job.start()

    def _letters_done(self, issued: Issued) -> None:
        key = "loan.letter_reprinted" if issued.new == 0 else "loan.letter_issued"
        extra = issued_note(issued)  # the labels file, an old letter printed from today's book, the number block
        self._after_write(f"{tr(key, number=', '.join(issued.numbers))} {extra}".strip())
        self.tabs.setCurrentIndex(self.LETTERS_TAB)

    # --- visits and meetings ------------------------------------------------------------------------------

    def new_visit(self) -> None:
        saved = NewVisitWindow.ask(self, self.db, self.day, prefill_from_loan(self.db, self.loan_id))
        if saved is not None:
            key = "loan.visit_saved_paid" if saved.payments else "loan.visit_saved"
            self._after_write(tr(key, amount=money_text(saved.collected_satang)))

    def new_meeting(self) -> None:
        village = self.data.info.village_id if self.data else None
        if MeetingDialog.ask(self, self.db, self.day, village, [self.loan_id]):
            self._after_write(tr("loan.meeting_saved"))

    def _show_visit(self, row: ContactRow) -> None:
        if row.visit is None:  # a meeting, or a delivery done in person: its notices-tab row says it all
            return
        from ui.visits.log import VisitDetailsDialog

        VisitDetailsDialog.ask(self, self.db, row.visit.id)

    # --- notices recorded by mistake ----------------------------------------------------------------------

    def _update_undo_delivery(self) -> None:
        row: DeliveryRow | None = self._selected(self.delivery_view)
        self.undo_delivery_button.setEnabled(row is not None and row.undone_by is None)

    def undo_selected_delivery(self) -> None:
        """A delivery recorded by mistake is cancelled by a reversing record; the task opens again."""
        row: DeliveryRow | None = self._selected(self.delivery_view)
        if row is None or row.undone_by is not None:
            return
        try:
            with self.db.session() as s:
                reminders.undo_delivery(s, row.delivery.reminder_id, max(self.day, row.delivery.delivered_on))
        except Exception as exc:
            self.message.show_error(exc)
            return
        self._after_write(tr("loan.delivery_undone", what=delivery_what(row)))
