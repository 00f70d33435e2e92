"""The new-visit window (บันทึกการลงพื้นที่): everything about one visit, saved in one transaction.

Opened from the visit log, a household, a loan page, a group's loan, or a promised visit in the today
view (pre-filled from it). It records when and where, whom the officer met, what the visit was for
(the ปตท. work items, plan work, other), what was found, money collected per linked loan (written as a
payment in the loan book, beside the amount due), the next steps and next visit date, a GPS position
(typed, or read from a photo), photos, and the facts changed or checked on the spot (verified on site).

`visits.add_visit` checks everything before writing and writes the photo files last; if the commit
then fails, the files it wrote are deleted, so a photo never outlives the visit it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from db import Database
from fieldtool import visits
from fieldtool.households import STATUSES
from fieldtool.thai import InputError, normalize_search, parse_baht
from fieldtool.visits import VisitInput
from ui.dialogs import clock_text, input_error
from ui.households.data import villages
from ui.households.register import status_text
from ui.i18n import day_text, error_text, money_text, tr
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QIcon,
    QImageReader,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPixmap,
    QPlainTextEdit,
    QPushButton,
    QSize,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ui.screen import fit_to_screen, scrolled
from ui.visits.data import LoanChoice, VillageTargets, VisitPrefill, village_targets
from ui.visits.model import PURPOSE_GROUPS, purpose_group, purpose_text
from ui.widgets import DateField, MessageBar, empty_note

THUMB = 112
ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class VisitSaved:
    visit_id: str
    payments: list[str]
    collected_satang: int
    photos: int


def parse_gps(text: str) -> tuple[float | None, float | None]:
    """ "15.2401, 105.2302" (latitude, longitude); empty is no position."""
    text = text.strip()
    if not text:
        return None, None
    parts = [p for p in re.split(r"[,\s]+", text) if p]
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise input_error("visit.bad_gps", text=text) from None
    return lat, lon


def thumbnail(path: Path) -> QPixmap | None:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # a phone photo taken upright shows upright
    size = reader.size()
    if size.isValid() and size.width() > 0:
        reader.setScaledSize(size.scaled(QSize(THUMB * 2, THUMB * 2), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    return QPixmap.fromImage(
        image.scaled(
            THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    )


class NewVisitWindow(QDialog):
    MONEY_COLUMNS = ("loan", "due", "collected", "verified")
    FACT_COLUMNS = ("household", "status", "phone", "verified")

    def __init__(self, db: Database, day: date, prefill: VisitPrefill | None = None, parent=None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle(tr("visit.title"))
        fit_to_screen(self, (1320, 860))
        self.db = db
        self.day = day
        self.prefill = prefill or VisitPrefill()
        self.saved: VisitSaved | None = None
        self.targets = VillageTargets([], [], [])
        self.photo_paths: list[Path] = []
        self._amounts: dict[
            str, str
        ] = {}  # loan id -> typed amount, kept while loans are ticked and unticked
        self._loan_checked: dict[str, bool] = {}
        self._facts: dict[str, tuple[str | None, str, bool]] = {}  # household id -> (status, phone, verified)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: #e3f2fd; color: #0d47a1; padding: 6px 10px; border-radius: 4px; }"
        )
        if self.prefill.promised_on:
            self.banner.setText(
                tr(
                    "visit.promised",
                    day=day_text(self.prefill.promised_on),
                    steps=self.prefill.promised_steps or "–",
                )
            )
        self.banner.setVisible(bool(self.prefill.promised_on))
        self.message = MessageBar()

        # --- when, where, what was found ---------------------------------------------------------------
        self.visited_on = DateField(day)
        self.visited_at = QLineEdit()
        self.visited_at.setPlaceholderText(tr("visit.time_hint"))
        self.visited_at.setMaximumWidth(110)
        self.village = QComboBox()
        for vid, label in villages(db):
            self.village.addItem(label, vid)
        self.place = QLineEdit(self.prefill.place)
        self.place.setPlaceholderText(tr("visit.place_hint"))
        self.people_met = QLineEdit()
        self.people_met.setPlaceholderText(tr("visit.people_hint"))
        self.findings = QPlainTextEdit()
        self.findings.setPlaceholderText(tr("visit.findings_hint"))
        self.findings.setTabChangesFocus(True)
        self.next_steps = QPlainTextEdit()
        self.next_steps.setPlaceholderText(tr("visit.next_steps_hint"))
        self.next_steps.setTabChangesFocus(True)
        self.next_steps.setFixedHeight(self.fontMetrics().height() * 3 + 14)
        self.next_visit_on = DateField()
        self.next_visit_on.setPlaceholderText(tr("visit.next_visit_hint"))
        self.gps = QLineEdit()
        self.gps.setPlaceholderText(tr("visit.gps_hint"))
        self.gps_button = QPushButton(tr("visit.gps_from_photo"))
        self.gps_button.clicked.connect(self.gps_from_photos)
        when = QHBoxLayout()
        when.addWidget(self.visited_on, 1)
        when.addWidget(QLabel(tr("visit.time")))
        when.addWidget(self.visited_at)
        gps_row = QHBoxLayout()
        gps_row.addWidget(self.gps, 1)
        gps_row.addWidget(self.gps_button)

        self.photos = QListWidget()
        self.photos.setViewMode(QListView.ViewMode.IconMode)
        self.photos.setIconSize(QSize(THUMB, THUMB))
        self.photos.setResizeMode(QListView.ResizeMode.Adjust)
        self.photos.setMovement(QListView.Movement.Static)
        self.photos.setFixedHeight(THUMB + 44)
        self.photos.setSpacing(4)
        add_photo = QPushButton(tr("visit.add_photos"))
        add_photo.clicked.connect(self.add_photos)
        remove_photo = QPushButton(tr("visit.remove_photo"))
        remove_photo.clicked.connect(self.remove_photo)
        photo_buttons = QHBoxLayout()
        photo_buttons.addWidget(add_photo)
        photo_buttons.addWidget(remove_photo)
        photo_buttons.addStretch(1)

        form = QFormLayout()
        form.addRow(tr("visit.date"), when)
        form.addRow(tr("visit.village"), self.village)
        form.addRow(tr("visit.place"), self.place)
        form.addRow(tr("visit.people"), self.people_met)
        form.addRow(tr("visit.findings"), self.findings)
        form.addRow(tr("visit.next_steps"), self.next_steps)
        form.addRow(tr("visit.next_visit"), self.next_visit_on)
        form.addRow(tr("visit.gps"), gps_row)
        form.addRow(tr("visit.photos"), self.photos)
        form.addRow("", photo_buttons)
        left = QWidget()
        left.setLayout(form)

        # --- purposes -------------------------------------------------------------------------------------
        self.purposes = QTreeWidget()
        self.purposes.setHeaderHidden(True)
        self.purposes.setWordWrap(True)
        self._purpose_items: dict[str, QTreeWidgetItem] = {}
        groups = {g: QTreeWidgetItem([tr(f"purpose_group.{g}")]) for g in PURPOSE_GROUPS}
        for item in groups.values():
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.purposes.addTopLevelItem(item)
        for code in visits.purposes():
            item = QTreeWidgetItem([purpose_text(code)])
            item.setData(0, ID_ROLE, code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                0, Qt.CheckState.Checked if code in self.prefill.purposes else Qt.CheckState.Unchecked
            )
            item.setToolTip(0, purpose_text(code))
            groups[purpose_group(code)].addChild(item)
            self._purpose_items[code] = item
        self.purposes.expandAll()
        middle = QGroupBox(tr("visit.purposes"))
        QVBoxLayout(middle).addWidget(self.purposes)

        # --- what it was about, money collected, facts changed ----------------------------------------------
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
        right = QWidget()
        rbox = QVBoxLayout(right)
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

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scrolled(left))  # the longest column: it scrolls on a short screen
        split.addWidget(middle)
        split.addWidget(right)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 6)
        split.setSizes([440, 390, 490])

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("visit.save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("button.cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        layout.addWidget(self.buttons)

        for lid in self.prefill.loans:
            self._loan_checked[lid] = True
        self._prefilled = {"household": set(self.prefill.households), "group": set(self.prefill.groups)}
        if self.prefill.village_id:
            self.village.setCurrentIndex(max(0, self.village.findData(self.prefill.village_id)))
        self.village.currentIndexChanged.connect(self._village_chosen)
        self._village_chosen()

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

    def _village_chosen(self, *_) -> None:
        village_id = self.village.currentData()
        if village_id is None:
            return
        self._keep_facts()
        try:
            self.targets = village_targets(self.db, village_id, self.day, list(self.prefill.loans))
        except Exception as exc:
            self.message.show_error(exc)
            return
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
                if self._checked_ids(lst)
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
    def _checked_ids(lst: QListWidget) -> list[str]:
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

    def check_purpose(self, code: str, on: bool = True) -> None:
        self._purpose_items[code].setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def checked_purposes(self) -> list[str]:
        return [
            code for code, item in self._purpose_items.items() if item.checkState(0) == Qt.CheckState.Checked
        ]

    def _ticked(self, item: QListWidgetItem) -> None:
        if item.listWidget() is self.loan_list:
            self._loan_checked[item.data(ID_ROLE)] = item.checkState() == Qt.CheckState.Checked
        self._keep_facts()
        self._rebuild_tables()

    def _loan(self, loan_id: str) -> LoanChoice | None:
        return next((c for c in self.targets.loans if c.id == loan_id), None)

    def _rebuild_tables(self) -> None:
        loans = self._checked_ids(self.loan_list)
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
            if c.stage == "prevent":
                amount.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not paid out yet: nothing to collect
            verified = QTableWidgetItem(tr("visit.verified_box"))
            verified.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            verified.setCheckState(Qt.CheckState.Unchecked)
            for col, item in enumerate((name, due, amount, verified)):
                self.money.setItem(row, col, item)
        self.money.blockSignals(False)

        households = self._checked_ids(self.household_list)
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
            for code in STATUSES:
                if code != c.status:
                    combo.addItem(status_text(code), code)
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
            self.about_tabs.setTabText(kind, tr(f"visit.about_{key}", n=len(self._checked_ids(lst))))

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
        if item.text().strip() and "collect" in self._purpose_items:
            self.check_purpose("collect")  # money was collected: the visit was (also) for that

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

    # --- photos -------------------------------------------------------------------------------------------

    @classmethod
    def choose_photos(cls, parent) -> list[str]:
        """Photo files to add ([] when cancelled). Tests replace this."""
        paths, _ = QFileDialog.getOpenFileNames(
            parent, tr("visit.choose_photos"), "", tr("visit.photo_filter")
        )
        return paths

    def add_photos(self, paths: list[str] | None = None) -> int:
        added = 0
        bad = []
        for p in paths if paths is not None else NewVisitWindow.choose_photos(self):
            path = Path(p)
            if path in self.photo_paths:
                continue
            pixmap = thumbnail(path)
            if pixmap is None:
                bad.append(path.name)
                continue
            item = QListWidgetItem(QIcon(pixmap), path.name)
            item.setToolTip(str(path))
            item.setData(ID_ROLE, str(path))
            self.photos.addItem(item)
            self.photo_paths.append(path)
            added += 1
        if bad:
            self.message.show_error(tr("visit.bad_photo", names=", ".join(bad)))
        return added

    def remove_photo(self) -> None:
        for item in self.photos.selectedItems() or (
            [self.photos.item(self.photos.count() - 1)] if self.photos.count() else []
        ):
            self.photo_paths.remove(Path(item.data(ID_ROLE)))
            self.photos.takeItem(self.photos.row(item))

    def gps_from_photos(self) -> None:
        for path in self.photo_paths:
            try:
                gps = visits.read_photo(path).gps
            except InputError:
                continue
            if gps:
                self.gps.setText(f"{gps[0]:.6f}, {gps[1]:.6f}")
                self.message.show_info(tr("visit.gps_read", name=path.name))
                return
        self.message.show_error(tr("visit.no_gps") if self.photo_paths else tr("visit.no_photos"))

    # --- saving ---------------------------------------------------------------------------------------------

    def visit_input(self) -> VisitInput:
        self._keep_facts()
        visited_on = self.visited_on.value()
        at = clock_text(self.visited_at.text())
        next_on = self.next_visit_on.value() if self.next_visit_on.text().strip() else None
        lat, lon = parse_gps(self.gps.text())
        loans = self._checked_ids(self.loan_list)
        collected = []
        for lid in loans:
            text = self._amounts.get(lid, "").strip()
            if text:
                satang = parse_baht(text)
                if satang <= 0:
                    raise input_error("error.amount_positive")
                collected.append((lid, satang))
        households = self._checked_ids(self.household_list)
        updates: dict[str, dict] = {}
        verified: list[tuple[str, str]] = []
        current = {c.id: c for c in self.targets.households}
        for hid in households:
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
        return VisitInput(
            visited_on=visited_on,
            village_id=self.village.currentData(),
            visited_at=at,
            place=self.place.text().strip(),
            people_met=self.people_met.text().strip(),
            purposes=self.checked_purposes(),
            findings=self.findings.toPlainText().strip(),
            next_steps=self.next_steps.toPlainText().strip(),
            next_visit_on=next_on,
            latitude=lat,
            longitude=lon,
            loans=loans,
            groups=self._checked_ids(self.group_list),
            households=households,
            collected=collected,
            photos=list(self.photo_paths),
            household_updates=updates,
            verified=verified,
        )

    def save(self) -> VisitSaved:
        data = self.visit_input()
        if not (data.purposes or data.findings):
            raise input_error("visit.empty")
        # commits when the block ends; if it does not, the photo files go with the visit (add_visit)
        with self.db.session() as s:
            result = visits.add_visit(s, data, self.db.photo_dir)
            return VisitSaved(
                result.visit.id,
                list(result.payments),
                sum(x for _, x in data.collected),
                len(result.photos),
            )

    def accept(self) -> None:
        try:
            self.saved = self.save()
        except InputError as exc:
            self.message.show_error(error_text(exc))
            return
        except Exception as exc:
            self.message.show_error(tr("error.unexpected", detail=str(exc)))
            return
        super().accept()

    @classmethod
    def ask(cls, parent, db: Database, day: date, prefill: VisitPrefill | None = None) -> VisitSaved | None:
        """Show the window; what was saved, or None when cancelled. Tests replace this."""
        window = cls(db, day, prefill, parent=parent)
        return window.saved if window.exec() == QDialog.DialogCode.Accepted else None
