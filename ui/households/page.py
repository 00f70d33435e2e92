"""The household page: who they are, their needs and status, their loans and visits, what was verified on
site and when, and their 4ท plan (the editor, in the last tab).

Status and needs changed here are desk edits; facts checked or changed on a visit are recorded through
the visit window and show in "ตรวจสอบในพื้นที่" with the day and the officer.
"""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool import households
from fieldtool.phone import format_phone
from fieldtool.vocabulary import HouseholdStatus
from ui.households.data import HouseholdPageData, LoanRow, VerificationRow, load_household_page
from ui.households.dialogs import NeedsDialog
from ui.i18n import day_text, label_text, money_text, tr
from ui.labels import STATUS_COLORS, dimension_text, source_text, status_text
from ui.layouts import button_row, tab_page
from ui.plans.editor import PlanEditor
from ui.qt import (
    QComboBox,
    QDialog,
    QGridLayout,
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
from ui.tablemodel import Column, RowTableModel
from ui.visits.model import visit_columns
from ui.widgets import (
    BADGE,
    ElidedLabel,
    MessageBar,
    empty_note,
    fit_columns,
    make_table,
    share_header_room,
    stage_color,
)

MEMBER_COLUMNS = [
    Column("col.name", lambda m: m[0], max_width=300),
    Column("col.relation", lambda m: m[1] or "–"),
]
NEED_COLUMNS = [
    Column("col.dimension", lambda n: dimension_text(n[0])),
    Column("col.need", lambda n: n[1] or "–", max_width=700),
]
LOAN_COLUMNS = [
    Column("col.agreement_no", lambda r: r.info.agreement_no or "–"),
    Column("col.fund", lambda r: r.info.fund, max_width=260),
    Column("col.purpose", lambda r: r.info.purpose or "–"),
    Column(
        "col.stage",
        lambda r: label_text(r.state.stage),
        color=lambda r: stage_color(r.state.stage),
    ),
    Column("col.principal", lambda r: money_text(r.info.principal_satang), "right"),
    Column(  # before the money is paid out nothing is owed yet
        "col.outstanding",
        lambda r: money_text(r.state.outstanding_satang) if r.state.stage != "prevent" else "–",
        "right",
    ),
    Column("col.arrears", lambda r: money_text(r.state.arrears_satang), "right"),
]


def fields_text(v: VerificationRow) -> str:
    if v.fields == ["*"]:
        return tr("verify.all_checked")
    return ", ".join(
        tr(f"verify.field.{f}") if f in ("status", "phone", "needs", "house_no") else f for f in v.fields
    )


VERIFY_COLUMNS = [
    Column("col.verified_on", lambda v: day_text(v.verified_on), "right"),
    Column("col.officer_visit", lambda v: v.officer or "–"),
    Column("col.verified_what", fields_text, max_width=500),
]


class HouseholdPage(QDialog):
    changed = Signal()
    open_loan = Signal(str)
    new_visit = Signal(str)  # household id
    new_loan = Signal(str)  # household id

    HEADER_FIELDS = (("head", "village", "house_no", "phone"), ("source", "status", "verified", "plan"))
    # Values that may be longer than their room: cut with "…" (whole in the tooltip) rather than widen the window.
    LONG_VALUES = ("head", "village", "verified", "plan", "source")  # read whole in this order

    def __init__(self, db: Database, household_id: str, day: date, parent=None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.db = db
        self.household_id = household_id
        self.day = day
        self.data: HouseholdPageData | None = None
        fit_to_screen(self, (1180, 800))

        self.message = MessageBar()
        self._values: dict[str, QLabel] = {}
        self._header = header = QGridLayout()
        for r, names in enumerate(self.HEADER_FIELDS):
            for c, name in enumerate(names):
                caption = QLabel(tr(f"hh.{name}"))
                caption.setStyleSheet("QLabel { color: #546e7a; }")
                value = ElidedLabel() if name in self.LONG_VALUES else QLabel()
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self._values[name] = value
                header.addWidget(caption, r, c * 2)
                # the status is a coloured badge as wide as its word, held left (see the loan page's stage)
                header.addWidget(value, r, c * 2 + 1, *((BADGE,) if name == "status" else ()))
        self._values["head"].setStyleSheet("QLabel { font-weight: bold; }")

        self.tabs = QTabWidget()
        self.members = RowTableModel(MEMBER_COLUMNS, self)
        self.member_view = make_table(self.members)
        self.tabs.addTab(tab_page(self.member_view), "")

        self.needs = RowTableModel(NEED_COLUMNS, self)
        self.need_view = make_table(self.needs)
        self.needs_button = QPushButton(tr("hh.edit_needs"))
        self.needs_button.clicked.connect(self.edit_needs)
        self.tabs.addTab(tab_page(button_row(self.needs_button), self.need_view), "")

        self.loans = RowTableModel(LOAN_COLUMNS, self)
        self.loan_view = make_table(self.loans)
        self.loan_view.activated.connect(
            lambda idx: emit(self.open_loan, self.loans.row_at(idx.row()).info.id)
        )
        self.loan_button = QPushButton(tr("newloan.button"))
        self.loan_button.clicked.connect(lambda: emit(self.new_loan, self.household_id))
        self.tabs.addTab(tab_page(button_row(self.loan_button), self.loan_view), "")

        self.visits = RowTableModel(visit_columns(with_village=False), self)
        self.visit_view = make_table(self.visits)
        self.visit_view.activated.connect(lambda idx: self._show_visit(self.visits.row_at(idx.row())))
        self.visit_button = QPushButton(tr("hh.new_visit"))
        self.visit_button.clicked.connect(lambda: emit(self.new_visit, self.household_id))
        self.tabs.addTab(tab_page(button_row(self.visit_button), self.visit_view), "")

        self.verified = RowTableModel(VERIFY_COLUMNS, self)
        self.verified_view = make_table(self.verified)
        self.verify_note = QLabel()
        self.verify_note.setWordWrap(True)
        self.tabs.addTab(tab_page(self.verify_note, self.verified_view), "")

        self.plan = PlanEditor(db, household_id, day)
        self.plan.changed.connect(self._plan_changed)
        self.tabs.addTab(self.plan, "")

        for view, key in (
            (self.need_view, "hh.no_needs"),
            (self.loan_view, "hh.no_loans"),
            (self.visit_view, "hh.no_visits"),
            (self.verified_view, "hh.never_verified"),
        ):
            empty_note(view, tr(key))
        self.status = QComboBox()
        for status in HouseholdStatus:
            self.status.addItem(status_text(status), status.value)
        self.status_button = QPushButton(tr("hh.set_status"))
        self.status_button.clicked.connect(self.change_status)
        close = QPushButton(tr("button.close"))
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(tr("hh.status_change")))
        bottom.addWidget(self.status)
        bottom.addWidget(self.status_button)
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.reload()

    PLAN_TAB = 5

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        share_header_room(self._header, self.HEADER_FIELDS, self._values, self.LONG_VALUES)  # the names' room changed

    def header_text(self, name: str) -> str:
        return self._values[name].text()

    # --- showing ----------------------------------------------------------------------------------

    def reload(self) -> None:
        try:
            self.data = data = load_household_page(self.db, self.household_id, self.day)
        except Exception as exc:
            self.message.show_error(exc)
            return
        v = data.view
        self.setWindowTitle(tr("hh.window_title", head=v.head, village=v.village))
        values = self._values
        values["head"].setText(v.head)
        values["village"].setText(v.village)
        values["house_no"].setText(v.house_no or "–")
        values["phone"].setText(format_phone(v.phone))
        values["source"].setText(source_text(v.source))
        values["status"].setText(status_text(v.status))
        values["status"].setStyleSheet(
            f"QLabel {{ background: {STATUS_COLORS.get(v.status, '#616161')}; color: white; padding: 2px 10px; border-radius: 8px; }}"
        )
        if v.last_verified:
            verified = tr(
                "hh.verified_on", day=day_text(v.last_verified), by=data.verifications[0].officer or "–"
            )
        else:
            verified = tr("households.never_verified")
        if v.stale:
            verified += " · " + tr("hh.stale_warning")
        values["verified"].setText(verified)
        values["verified"].setStyleSheet("QLabel { color: #b71c1c; font-weight: bold; }" if v.stale else "")
        values["plan"].setText(
            tr("hh.plan_value", n=data.plan.revision, day=day_text(data.plan.made_on))
            if data.plan
            else tr("households.no_plan")
        )
        self.status.setCurrentIndex(max(0, self.status.findData(v.status)))
        share_header_room(self._header, self.HEADER_FIELDS, values, self.LONG_VALUES)

        self.members.set_rows(v.members)
        self.needs.set_rows(list(v.needs.items()))
        self.loans.set_rows(data.loans)
        self.visits.set_rows(data.visits)
        self.verified.set_rows(data.verifications)
        self.verify_note.setText(tr("hh.verify_note", days=data.stale_after_days))
        for view in (self.member_view, self.need_view, self.loan_view, self.visit_view, self.verified_view):
            fit_columns(view)
        titles = (
            tr("hh.tab.members", n=len(v.members)),
            tr("hh.tab.needs", n=len(v.needs)),
            tr("hh.tab.loans", n=len(data.loans)),
            tr("hh.tab.visits", n=len(data.visits)),
            tr("hh.tab.verified", n=len(data.verifications)),
            tr("hh.tab.plan")
            + (f" ({tr('households.plan_revision', n=data.plan.revision)})" if data.plan else ""),
        )
        for i, title in enumerate(titles):
            self.tabs.setTabText(i, title)

    def _plan_changed(self) -> None:
        self.reload()
        emit(self.changed)

    def _show_visit(self, row) -> None:
        from ui.visits.log import VisitDetailsDialog

        VisitDetailsDialog.ask(self, self.db, row.visit.id)

    # --- actions ------------------------------------------------------------------------------------

    def change_status(self) -> None:
        code = self.status.currentData()
        if self.data and code == self.data.view.status:
            return
        try:
            with self.db.session() as s:
                households.set_status(s, self.household_id, code)
        except Exception as exc:
            self.message.show_error(exc)
            return
        self.reload()
        self.message.show_info(tr("hh.status_saved", status=status_text(code)))
        emit(self.changed)

    def edit_needs(self) -> None:
        if self.data and NeedsDialog.ask(self, self.db, self.household_id, dict(self.data.view.needs)):
            self.reload()
            self.message.show_info(tr("hh.needs_saved"))
            emit(self.changed)

    def loan_rows(self) -> list[LoanRow]:
        return self.loans.rows
