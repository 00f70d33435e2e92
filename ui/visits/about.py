"""What a visit was about, in the new-visit window: the village's loans, households and groups to tick (a
search narrows the lists), the money collected per ticked loan beside what it owes, and the facts of the
ticked households changed or checked on the spot (status, phone, verified on site).

Amounts typed and facts changed are kept while their loan or household is unticked and ticked again, and
while the officer looks at another village."""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool.thai import normalize_search, parse_baht
from fieldtool.vocabulary import HouseholdStatus, Stage
from ui.dialogs import input_error
from ui.i18n import day_text, money_text, tr
from ui.labels import status_text
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.visits.data import LoanChoice, VillageTargets, VisitPrefill, village_targets
from ui.widgets import empty_note

ID_ROLE = Qt.ItemDataRole.UserRole


class VisitAbout(QWidget):
    """The right-hand column of the new-visit window; `collected` when an amount is typed for a loan."""

    collected = Signal()
    MONEY_COLUMNS = ("loan", "due", "collected", "verified")
    FACT_COLUMNS = ("household", "status", "phone", "verified")

    def __init__(self, db: Database, day: date, prefill: VisitPrefill, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.prefill = prefill
        self.targets = VillageTargets([], [], [])
        self._amounts: dict[str, str] = {}  # loan id -> typed amount, kept while loans are ticked and unticked
        self._loan_checked: dict[str, bool] = {lid: True for lid in prefill.loans}
        self._facts: dict[str, tuple[str | None, str, bool]] = {}  # household id -> (status, phone, verified)
        self._prefilled = {"household": set(prefill.households), "group": set(prefill.groups)}

        self.loan_list = QListWidget()
        self.household_list = QListWidget()
        self.group_list = QListWidget()
        self.about_tabs = QTabWidget()
        for lst, key in (
            (self.loan_list, "loans"),
            (self.household_list, "households"),
            (self.group_list, "groups"),
        ):
            lst.itemChanged.connect(self._ticked)
            self.about_tabs.addTab(lst, tr(f"visit.about_{key}", n=0))
        self.money = QTableWidget(0, len(self.MONEY_COLUMNS))
        self.money.setHorizontalHeaderLabels([tr(f"visit.money.{c}") for c in self.MONEY_COLUMNS])
        self._table_style(self.money)
        self.money.itemChanged.connect(self._amount_typed)
        self.facts = QTableWidget(0, len(self.FACT_COLUMNS))
        self.facts.setHorizontalHeaderLabels([tr(f"visit.facts.{c}") for c in self.FACT_COLUMNS])
        self._table_style(self.facts)
        empty_note(self.money, tr("visit.money_empty"))
        empty_note(self.facts, tr("visit.facts_empty"))
        money_box = QGroupBox(tr("visit.money"))
        mbox = QVBoxLayout(money_box)
        mbox.addWidget(self.money)
        self.money_note = QLabel(tr("visit.money_note"))
        self.money_note.setWordWrap(True)
        self.money_note.setStyleSheet("QLabel { color: #546e7a; }")
        mbox.addWidget(self.money_note)
        facts_box = QGroupBox(tr("visit.facts"))
        fbox = QVBoxLayout(facts_box)
        fbox.addWidget(self.facts)
        rbox = QVBoxLayout(self)
        rbox.setContentsMargins(0, 0, 0, 0)
        self.about_search = QLineEdit()
        self.about_search.setPlaceholderText(tr("visit.about_search"))
        self.about_search.setClearButtonEnabled(True)
        self.about_search.textChanged.connect(self._filter_about)
        about_row = QHBoxLayout()
        about_row.addWidget(QLabel(tr("visit.about")))
        about_row.addWidget(self.about_search, 1)
        rbox.addLayout(about_row)
        rbox.addWidget(self.about_tabs, 3)
        rbox.addWidget(money_box, 2)
        rbox.addWidget(facts_box, 2)

    @staticmethod
    def _table_style(table: QTableWidget) -> None:
        table.verticalHeader().setVisible(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, table.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 14)
        # its header and two rows at least: room for the sentence it shows while empty, on a 720-line screen too
        table.setMinimumHeight(table.fontMetrics().height() * 3 + 3 * 14)

    # --- the village's loans, households and groups ----------------------------------------------------------

    def show_village(self, village_id: str) -> None:
        """List the village's loans, households and groups (the ticked ones first in view)."""
        self._keep_facts()
        self.targets = village_targets(self.db, village_id, self.day, list(self.prefill.loans))
        for lst in (self.loan_list, self.household_list, self.group_list):
            lst.blockSignals(True)
            lst.clear()
        for c in self.targets.loans:
            item = QListWidgetItem(c.label)
            item.setData(ID_ROLE, c.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if self._loan_checked.get(c.id) else Qt.CheckState.Unchecked
            )
            self.loan_list.addItem(item)
        for lst, choices, kind in (
            (self.household_list, self.targets.households, "household"),
            (self.group_list, self.targets.groups, "group"),
        ):
            for c in choices:
                item = QListWidgetItem(c.label)
                item.setData(ID_ROLE, c.id)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if c.id in self._prefilled[kind] else Qt.CheckState.Unchecked
                )
                lst.addItem(item)
        for lst in (self.loan_list, self.household_list, self.group_list):
            lst.blockSignals(False)
        self._filter_about(self.about_search.text())
        # the linked ones first, so the officer sees what the visit is about
        for lst in (self.loan_list, self.household_list, self.group_list):
            checked = [
                lst.item(i) for i in range(lst.count()) if lst.item(i).checkState() == Qt.CheckState.Checked
            ]
            if checked:
                lst.scrollToItem(checked[0])
        first = next(
            (
                i
                for i, lst in enumerate((self.loan_list, self.household_list, self.group_list))
                if self.checked_ids(lst)
            ),
            0,
        )
        self.about_tabs.setCurrentIndex(first)
        self._rebuild_tables()

    def _filter_about(self, text: str) -> None:
        """Show the loans, households and groups whose name holds the typed text (ticked ones always)."""
        query = normalize_search(text)
        for lst in (self.loan_list, self.household_list, self.group_list):
            for i in range(lst.count()):
                item = lst.item(i)
                keep = (
                    not query
                    or query in normalize_search(item.text())
                    or item.checkState() == Qt.CheckState.Checked
                )
                item.setHidden(not keep)

    @staticmethod
    def checked_ids(lst: QListWidget) -> list[str]:
        return [
            lst.item(i).data(ID_ROLE)
            for i in range(lst.count())
            if lst.item(i).checkState() == Qt.CheckState.Checked
        ]

    def check(self, kind: str, target_id: str, on: bool = True) -> bool:
        """Tick (or untick) a loan, household or group in the lists, as a click would."""
        lst = {"loan": self.loan_list, "household": self.household_list, "group": self.group_list}[kind]
        for i in range(lst.count()):
            if lst.item(i).data(ID_ROLE) == target_id:
                lst.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                return True
        return False

    def _ticked(self, item: QListWidgetItem) -> None:
        if item.listWidget() is self.loan_list:
            self._loan_checked[item.data(ID_ROLE)] = item.checkState() == Qt.CheckState.Checked
        self._keep_facts()
        self._rebuild_tables()

    def _loan(self, loan_id: str) -> LoanChoice | None:
        return next((c for c in self.targets.loans if c.id == loan_id), None)

    def _rebuild_tables(self) -> None:
        loans = self.checked_ids(self.loan_list)
        self.money.blockSignals(True)
        self.money.setRowCount(0)
        for lid in loans:
            c = self._loan(lid)
            row = self.money.rowCount()
            self.money.insertRow(row)
            name = QTableWidgetItem(c.label)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            name.setData(ID_ROLE, lid)
            if c.due_text_key == "arrears":
                due_text = tr("visit.due_arrears", amount=money_text(c.due_satang))
            elif c.due_text_key == "next":
                due_text = tr("visit.due_next", amount=money_text(c.due_satang), day=day_text(c.due_on))
            else:
                due_text = "–"
            due = QTableWidgetItem(due_text)
            due.setFlags(Qt.ItemFlag.ItemIsEnabled)
            due.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c.due_text_key == "arrears":
                due.setForeground(Qt.GlobalColor.darkRed)
            amount = QTableWidgetItem(self._amounts.get(lid, ""))
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            amount.setToolTip(tr("visit.collected_hint"))
            if c.stage == Stage.PREVENT:
                amount.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not paid out yet: nothing to collect
            verified = QTableWidgetItem(tr("visit.verified_box"))
            verified.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            verified.setCheckState(Qt.CheckState.Unchecked)
            for col, item in enumerate((name, due, amount, verified)):
                self.money.setItem(row, col, item)
        self.money.blockSignals(False)

        households = self.checked_ids(self.household_list)
        self.facts.setRowCount(0)
        choices = {c.id: c for c in self.targets.households}
        for hid in households:
            c = choices.get(hid)
            if c is None:
                continue
            status, phone, verified_on = self._facts.get(hid, (None, c.phone, False))
            row = self.facts.rowCount()
            self.facts.insertRow(row)
            name = QTableWidgetItem(c.label)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            name.setData(ID_ROLE, hid)
            self.facts.setItem(row, 0, name)
            combo = QComboBox()
            combo.addItem(tr("visit.status_unchanged", status=status_text(c.status)), None)
            for code in HouseholdStatus:
                if code != c.status:
                    combo.addItem(status_text(code), code.value)
            combo.setCurrentIndex(max(0, combo.findData(status)))
            self.facts.setCellWidget(row, 1, combo)
            self.facts.setItem(row, 2, QTableWidgetItem(phone))
            box = QTableWidgetItem(tr("visit.verified_box"))
            box.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            box.setCheckState(Qt.CheckState.Checked if verified_on else Qt.CheckState.Unchecked)
            box.setToolTip(tr("visit.verified_tip"))
            self.facts.setItem(row, 3, box)
        for lst, key, kind in (
            (self.loan_list, "loans", 0),
            (self.household_list, "households", 1),
            (self.group_list, "groups", 2),
        ):
            self.about_tabs.setTabText(kind, tr(f"visit.about_{key}", n=len(self.checked_ids(lst))))

    def _keep_facts(self) -> None:
        for row in range(self.facts.rowCount()):
            hid = self.facts.item(row, 0).data(ID_ROLE)
            combo = self.facts.cellWidget(row, 1)
            self._facts[hid] = (
                combo.currentData(),
                self.facts.item(row, 2).text().strip(),
                self.facts.item(row, 3).checkState() == Qt.CheckState.Checked,
            )

    def _amount_typed(self, item: QTableWidgetItem) -> None:
        if item.column() != self.MONEY_COLUMNS.index("collected"):
            return
        lid = self.money.item(item.row(), 0).data(ID_ROLE)
        self._amounts[lid] = item.text()
        if item.text().strip():
            emit(self.collected)  # money was collected: the visit was (also) for that

    def set_collected(self, loan_id: str, baht_text: str) -> bool:
        """Type an amount collected for a ticked loan, as the officer would."""
        for row in range(self.money.rowCount()):
            if self.money.item(row, 0).data(ID_ROLE) == loan_id:
                self.money.item(row, 2).setText(baht_text)
                return True
        return False

    def set_fact(
        self,
        household_id: str,
        status: str | None = None,
        phone: str | None = None,
        verified: bool | None = None,
    ) -> bool:
        for row in range(self.facts.rowCount()):
            if self.facts.item(row, 0).data(ID_ROLE) == household_id:
                if status is not None:
                    combo = self.facts.cellWidget(row, 1)
                    combo.setCurrentIndex(max(0, combo.findData(status)))
                if phone is not None:
                    self.facts.item(row, 2).setText(phone)
                if verified is not None:
                    self.facts.item(row, 3).setCheckState(
                        Qt.CheckState.Checked if verified else Qt.CheckState.Unchecked
                    )
                return True
        return False

    # --- what the visit saves ---------------------------------------------------------------------------------

    def loan_ids(self) -> list[str]:
        return self.checked_ids(self.loan_list)

    def group_ids(self) -> list[str]:
        return self.checked_ids(self.group_list)

    def household_ids(self) -> list[str]:
        return self.checked_ids(self.household_list)

    def collected_amounts(self) -> list[tuple[str, int]]:
        """(loan id, satang) of each ticked loan with an amount typed; an amount of zero or less is refused."""
        collected = []
        for lid in self.loan_ids():
            text = self._amounts.get(lid, "").strip()
            if text:
                satang = parse_baht(text)
                if satang <= 0:
                    raise input_error("error.amount_positive")
                collected.append((lid, satang))
        return collected

    def household_facts(self) -> tuple[dict[str, dict], list[tuple[str, str]]]:
        """The facts changed on the spot by household, and what was checked on site without a change (the
        households first, then the loans)."""
        self._keep_facts()
        updates: dict[str, dict] = {}
        verified: list[tuple[str, str]] = []
        current = {c.id: c for c in self.targets.households}
        for hid in self.household_ids():
            status, phone, checked = self._facts.get(hid, (None, current[hid].phone, False))
            changes = {}
            if status:
                changes["status"] = status
            if phone != (current[hid].phone or ""):
                changes["phone"] = phone
            if changes:
                updates[hid] = changes  # changed on the spot: recorded as verified with these fields
            elif checked:
                verified.append(("household", hid))
        for row in range(self.money.rowCount()):
            if self.money.item(row, 3).checkState() == Qt.CheckState.Checked:
                verified.append(("loan", self.money.item(row, 0).data(ID_ROLE)))
        return updates, verified
