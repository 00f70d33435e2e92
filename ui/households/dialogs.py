"""Adding a household, with the guard against duplicates; editing its needs.

`add_household` refuses a household whose head or member looks like someone already registered (the
same national ID, or a similar Thai name in the same village) with a DuplicateWarning naming them.
The dialog then lists those people and offers "เปิดครัวเรือนเดิม" (open the existing household) or
"เพิ่มเป็นครัวเรือนใหม่" (it really is someone else: add it anyway).
"""

from __future__ import annotations

from db import Database
from fieldtool import households
from fieldtool.households import DuplicateWarning, HouseholdInput, PersonInput
from fieldtool.registry import TITLES
from fieldtool.vocabulary import Dimension, HouseholdSource
from ui.dialogs import FormDialog, input_error
from ui.households.data import villages
from ui.i18n import tr
from ui.labels import dimension_text, source_text
from ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

MEMBER_FIELDS = ("title", "first_name", "last_name", "national_id", "relation")


class NeedsEditor(QWidget):
    """The five TPMAP dimensions: tick the ones the household is in need in, and say what the need is."""

    def __init__(self, needs: dict[str, str] | None = None, parent=None):
        super().__init__(parent)
        needs = needs or {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        self.texts: dict[str, QLineEdit] = {}
        for row, code in enumerate(d.value for d in Dimension):
            box = QCheckBox(dimension_text(code))
            text = QLineEdit(needs.get(code, ""))
            text.setPlaceholderText(tr(f"need_hint.{code}"))
            box.setChecked(code in needs)
            text.setEnabled(code in needs)
            box.toggled.connect(text.setEnabled)
            box.toggled.connect(lambda on, t=text: t.setFocus() if on else None)
            grid.addWidget(box, row, 0)
            grid.addWidget(text, row, 1)
            self.boxes[code] = box
            self.texts[code] = text
        grid.setColumnStretch(1, 1)

    def value(self) -> dict[str, str]:
        return {code: self.texts[code].text().strip() for code, box in self.boxes.items() if box.isChecked()}

    def set_need(self, code: str, description: str) -> None:
        self.boxes[code].setChecked(True)
        self.texts[code].setText(description)


class AddHouseholdDialog(FormDialog):
    """เพิ่มครัวเรือน: village, house number, head, members, source, needs by dimension."""

    def __init__(self, db: Database, village_id: str | None = None, parent=None):
        super().__init__(tr("hh_add.title"), parent)
        self.setMinimumWidth(780)
        self.db = db
        self.force = False
        self.outcome: tuple[str, str] | None = None  # ("new" | "existing", household id)
        self.matches: list[households.PersonMatch] = []

        self.village = QComboBox()
        for vid, label in villages(db):
            self.village.addItem(label, vid)
        if village_id:
            self.village.setCurrentIndex(max(0, self.village.findData(village_id)))
        self.house_no = QLineEdit()
        self.title_box = QComboBox()
        self.title_box.addItems(["", *TITLES])
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.national_id = QLineEdit()
        self.national_id.setPlaceholderText(tr("hh_add.national_id_hint"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(tr("hh_add.phone_hint"))
        self.source = QComboBox()
        for source in HouseholdSource:
            self.source.addItem(source_text(source), source.value)
        name_row = QHBoxLayout()
        name_row.addWidget(self.title_box)
        name_row.addWidget(self.first_name, 1)
        name_row.addWidget(self.last_name, 1)
        self.first_name.setPlaceholderText(tr("field.first_name"))
        self.last_name.setPlaceholderText(tr("field.last_name"))

        self.members = QTableWidget(0, len(MEMBER_FIELDS))
        self.members.setHorizontalHeaderLabels([tr(f"hh_add.member_{f}") for f in MEMBER_FIELDS])
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for col in (0, len(MEMBER_FIELDS) - 1):  # title and relation: as wide as their words
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.members.verticalHeader().setVisible(False)
        self.members.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members.setFixedHeight(self.fontMetrics().height() * 6)
        add_member = QPushButton(tr("hh_add.add_member"))
        add_member.clicked.connect(lambda: self.add_member_row())
        remove_member = QPushButton(tr("hh_add.remove_member"))
        remove_member.clicked.connect(self._remove_member)
        member_buttons = QHBoxLayout()
        member_buttons.addWidget(add_member)
        member_buttons.addWidget(remove_member)
        member_buttons.addStretch(1)
        member_box = QVBoxLayout()
        member_box.addWidget(self.members)
        member_box.addLayout(member_buttons)

        self.needs = NeedsEditor()
        needs_group = QGroupBox(tr("hh_add.needs"))
        QVBoxLayout(needs_group).addWidget(self.needs)

        self.form.addRow(tr("hh_add.village"), self.village)
        self.form.addRow(tr("field.house_no"), self.house_no)
        self.form.addRow(tr("hh_add.head"), name_row)
        self.form.addRow(tr("field.national_id"), self.national_id)
        self.form.addRow(tr("field.phone"), self.phone)
        self.form.addRow(tr("hh_add.source"), self.source)
        self.form.addRow(tr("hh_add.members"), member_box)
        self.form.addRow(needs_group)

        # Shown when the register already seems to hold this household.
        self.duplicates = QGroupBox(tr("hh_add.duplicates"))
        self.duplicates.setStyleSheet("QGroupBox { color: #8e1c1c; font-weight: bold; }")
        self.match_list = QListWidget()
        self.match_list.setFixedHeight(self.fontMetrics().height() * 5)
        self.match_list.currentRowChanged.connect(self._match_chosen)
        self.match_list.itemActivated.connect(lambda _item: self.open_existing())
        self.open_existing_button = QPushButton(tr("hh_add.open_existing"))
        self.open_existing_button.clicked.connect(self.open_existing)
        self.add_anyway_button = QPushButton(tr("hh_add.add_anyway"))
        self.add_anyway_button.clicked.connect(self.add_anyway)
        dup_buttons = QHBoxLayout()
        dup_buttons.addWidget(self.open_existing_button)
        dup_buttons.addWidget(self.add_anyway_button)
        dup_buttons.addStretch(1)
        dup_box = QVBoxLayout(self.duplicates)
        dup_box.addWidget(self.match_list)
        dup_box.addLayout(dup_buttons)
        self.duplicates.hide()
        self.layout().insertWidget(2, self.duplicates)
        for edit in (self.first_name, self.last_name, self.national_id):
            edit.textEdited.connect(self._typed_again)
        self.village.currentIndexChanged.connect(self._typed_again)

    # --- members --------------------------------------------------------------------------------------

    def add_member_row(self, title="", first="", last="", national_id="", relation="") -> int:
        row = self.members.rowCount()
        self.members.insertRow(row)
        for col, value in enumerate((title, first, last, national_id, relation)):
            self.members.setItem(row, col, QTableWidgetItem(value))
        return row

    def _remove_member(self) -> None:
        rows = sorted({i.row() for i in self.members.selectedIndexes()}, reverse=True)
        for row in rows or ([self.members.rowCount() - 1] if self.members.rowCount() else []):
            self.members.removeRow(row)

    def member_inputs(self) -> list[PersonInput]:
        out = []
        for row in range(self.members.rowCount()):
            cells = {
                f: (self.members.item(row, c).text().strip() if self.members.item(row, c) else "")
                for c, f in enumerate(MEMBER_FIELDS)
            }
            if not any(cells.values()):
                continue
            if not cells["first_name"]:
                raise input_error("hh_add.member_needs_name", n=row + 1)
            out.append(
                PersonInput(
                    first_name=cells["first_name"],
                    last_name=cells["last_name"],
                    title=cells["title"],
                    national_id=cells["national_id"] or None,
                    relation=cells["relation"] or "สมาชิก",
                )
            )
        return out

    # --- saving ---------------------------------------------------------------------------------------

    def household_input(self) -> HouseholdInput:
        if self.village.currentData() is None:
            raise input_error("hh_add.no_village")
        if not self.first_name.text().strip():
            raise input_error("hh_add.need_head_name")
        return HouseholdInput(
            village_id=self.village.currentData(),
            head=PersonInput(
                first_name=self.first_name.text().strip(),
                last_name=self.last_name.text().strip(),
                title=self.title_box.currentText(),
                national_id=self.national_id.text().strip() or None,
                phone=self.phone.text().strip(),
                relation="หัวหน้าครัวเรือน",
            ),
            house_no=self.house_no.text().strip(),
            source=self.source.currentData(),
            members=self.member_inputs(),
            needs=self.needs.value(),
        )

    def save(self) -> None:
        data = self.household_input()
        try:
            with self.db.session() as s:
                household = households.add_household(s, data, force=self.force)
                self.outcome = ("new", household.id)
        except DuplicateWarning as warn:
            self._show_duplicates(warn.matches)
            raise

    def _show_duplicates(self, matches: list[households.PersonMatch]) -> None:
        self.matches = matches
        self.match_list.clear()
        for m in matches:
            why = (
                tr("hh_add.same_id")
                if m.reason == "national-id"
                else tr("hh_add.similar_name", score=round(m.score * 100))
            )
            text = f"{m.name} · {m.village or '–'} · {why}"
            if not m.household_id:
                text += " · " + tr("hh_add.not_in_household")
            self.match_list.addItem(QListWidgetItem(text))
        self.match_list.setCurrentRow(0)
        self.duplicates.show()
        self.save_button.setEnabled(False)  # decide first: open the existing one, or add anyway

    def _match_chosen(self, row: int) -> None:
        ok = 0 <= row < len(self.matches) and self.matches[row].household_id is not None
        self.open_existing_button.setEnabled(ok)

    def _typed_again(self, *_) -> None:
        # The officer corrected the name: the earlier warning no longer holds.
        if not self.duplicates.isHidden():
            self.duplicates.hide()
            self.error.hide()
            self.force = False
            self.save_button.setEnabled(True)

    def open_existing(self) -> None:
        row = self.match_list.currentRow()
        if not 0 <= row < len(self.matches) or self.matches[row].household_id is None:
            return
        self.outcome = ("existing", self.matches[row].household_id)
        QDialog.accept(self)

    def add_anyway(self) -> None:
        self.force = True
        self.save_button.setEnabled(True)
        self.accept()

    @classmethod
    def ask(cls, parent, db: Database, village_id: str | None = None) -> tuple[str, str] | None:
        """("new", id) after adding, ("existing", id) to open the existing household, None if cancelled."""
        dialog = cls(db, village_id, parent=parent)
        return dialog.outcome if dialog.exec() == QDialog.DialogCode.Accepted else None


class NeedsDialog(FormDialog):
    """แก้ไขความจำเป็น: the household's needs by TPMAP dimension (desk-entered until a visit verifies them)."""

    def __init__(self, db: Database, household_id: str, needs: dict[str, str], parent=None):
        super().__init__(tr("needs.title"), parent)
        self.setMinimumWidth(640)
        self.db = db
        self.household_id = household_id
        self.editor = NeedsEditor(needs)
        self.form.addRow(self.editor)
        note = QLabel(tr("needs.desk_note"))
        note.setWordWrap(True)
        note.setStyleSheet("QLabel { color: #546e7a; }")
        self.form.addRow(note)

    def save(self) -> None:
        with self.db.session() as s:
            households.set_needs(s, self.household_id, self.editor.value())

    @classmethod
    def ask(cls, parent, db: Database, household_id: str, needs: dict[str, str]) -> bool:
        return cls(db, household_id, needs, parent=parent).exec() == QDialog.DialogCode.Accepted
