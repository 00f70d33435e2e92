"""A saved group changed after the fact (committees change, members join and leave): its name, kind and
responsible person, and its members in a small table whose role cell is a list of the Thai role names.

Nothing is written here: the editor changes the group's row on screen, and the groups part writes all of
a group's changes through one `groups.edit_group` call when the settings (or the wizard) save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldtool import groups
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import GroupKind, MemberRole
from ui.i18n import error_text, label_text, tr
from ui.labels import code_text
from ui.qt import (
    QColor,
    QComboBox,
    QEvent,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.setup.part import DraftTableModel, hint_label
from ui.tablemodel import ROW_ROLE, Column
from ui.widgets import make_table

if TYPE_CHECKING:
    from ui.setup.groups import GroupRow

OUT_COLOR = QColor("#8e1c1c")  # a member to be taken out on Save
JOIN_COLOR = QColor("#2e7d32")
ROLE_COLOR = QColor("#1c5fa8")
NOTE_STYLE = "QLabel { color: #8d5a00; background: #fff8e1; padding: 6px; }"


def role_text(role: str) -> str:
    return code_text(MemberRole, role)


def same_name(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


@dataclass(eq=False)
class MemberRow:
    """A person of a saved group as the screen has it now."""

    person: str  # the name as saved, or what was typed for someone joining
    role: str
    saved_role: str | None = None  # None: joins the group on Save
    out: bool = False  # taken out of the group on Save
    person_id: str | None = None  # a saved member: the domain finds her by id, not by her shown name

    @property
    def joining(self) -> bool:
        return self.saved_role is None

    @property
    def changed(self) -> bool:
        return self.joining or self.out or self.role != self.saved_role

    def spec(self) -> groups.PersonSpec:
        """Who the domain is to find: a saved member by her id, someone joining by what was typed."""
        if self.person_id:
            return groups.PersonSpec(first_name="", person_id=self.person_id)
        return groups.parse_person(self.person)

    def state(self) -> str:
        if self.out:
            return tr("setup.groups.member_out")
        if self.joining:
            return tr("setup.groups.member_joins")
        return tr("setup.groups.member_new_role") if self.role != self.saved_role else ""

    def color(self) -> QColor | None:
        if self.out:
            return OUT_COLOR
        if self.joining:
            return JOIN_COLOR
        return ROLE_COLOR if self.role != self.saved_role else None


class RoleDelegate(QStyledItemDelegate):
    """The role cell: a list of the six roles, open on every row, a choice taken at once."""

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        for role in MemberRole:
            combo.addItem(label_text(role), role.value)
        combo.currentIndexChanged.connect(lambda _=0, c=combo: emit(self.commitData, c))
        return combo

    def setEditorData(self, editor, index):
        member = index.data(ROW_ROLE)
        if member is not None:
            editor.blockSignals(True)  # showing the role is not choosing it
            editor.setCurrentIndex(max(0, editor.findData(member.role)))
            editor.blockSignals(False)

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class SavedGroupEditor(QWidget):
    """The form under the list when a saved group is chosen. `edited` fires on every change of the row;
    `refused` carries the sentence of a person who cannot be added as typed."""

    edited = Signal()
    refused = Signal(str)

    NAME, ROLE, STATE = range(3)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.row: GroupRow | None = None
        self._filling = False
        self.note = hint_label(tr("setup.groups.edit_note"))
        self.note.setStyleSheet(NOTE_STYLE)
        columns = QHBoxLayout()
        columns.addLayout(self._build_fields(), 4)
        columns.addLayout(self._build_members(), 5)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 6, 0, 0)
        outer.addWidget(self.note)
        outer.addLayout(columns)

    def _build_fields(self) -> QFormLayout:
        """Name, village, kind, responsible person, and the line to add someone to the group."""
        self.name = QLineEdit()
        self.village = QLabel()
        self.kind = QComboBox()
        for kind in GroupKind:
            self.kind.addItem(label_text(kind), kind.value)
        self.responsible = QLineEdit()
        self.responsible.setPlaceholderText(tr("setup.groups.person_hint"))
        self.responsible.setToolTip(tr("setup.groups.responsible_tip"))
        self.join_person = QLineEdit()
        self.join_person.setPlaceholderText(tr("setup.groups.person_hint"))
        self.join_person.installEventFilter(self)  # Enter adds the person, it does not press Save
        self.join_role = QComboBox()
        for role in MemberRole:
            self.join_role.addItem(label_text(role), role.value)
        self.join_role.setCurrentIndex(self.join_role.findData(MemberRole.MEMBER.value))
        self.join_button = QPushButton(tr("setup.groups.join"))
        self.join_button.clicked.connect(self.join_typed)
        join_buttons = QHBoxLayout()
        join_buttons.addWidget(self.join_role, 1)
        join_buttons.addWidget(self.join_button)
        form = QFormLayout()
        form.addRow(tr("setup.groups.name") + " *", self.name)
        form.addRow(tr("setup.groups.village"), self.village)
        form.addRow(tr("setup.groups.kind"), self.kind)
        form.addRow(tr("setup.groups.responsible"), self.responsible)
        form.addRow(tr("setup.groups.join_label"), self.join_person)
        form.addRow(tr("setup.groups.join_role"), join_buttons)
        form.addRow(hint_label(tr("setup.groups.person_rules")))
        self.name.textChanged.connect(self._typed)
        self.responsible.textChanged.connect(self._typed)
        self.kind.currentIndexChanged.connect(self._typed)
        return form

    def _build_members(self) -> QVBoxLayout:
        """The members: name, role (a list open on every row), what Save will do; the take-out button."""
        self.model = DraftTableModel(
            [
                Column("setup.col.person", lambda m: m.person, strike=lambda m: m.out, max_width=400),
                Column("setup.col.role", lambda m: role_text(m.role), strike=lambda m: m.out),
                Column("setup.col.state", lambda m: m.state(), color=lambda m: m.color()),
            ],
            editors={self.ROLE: (lambda m: not m.out, self._set_role)},
            parent=self,
        )
        self.view = make_table(self.model)
        self.view.setItemDelegateForColumn(self.ROLE, RoleDelegate(self.view))
        sample = QComboBox()
        sample.addItems([label_text(role) for role in MemberRole])
        rows = self.view.verticalHeader()
        rows.setDefaultSectionSize(max(sample.sizeHint().height() + 4, rows.defaultSectionSize()))
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(self.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.ROLE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(self.ROLE, sample.sizeHint().width() + 8)
        header.setSectionResizeMode(self.STATE, QHeaderView.ResizeMode.Fixed)
        states = ("setup.col.state", "setup.groups.member_out", "setup.groups.member_joins",
                  "setup.groups.member_new_role")
        header.resizeSection(self.STATE, max(self.fontMetrics().horizontalAdvance(tr(key)) for key in states) + 24)
        # Six whole rows: a list scrolled to its end shows no half row under the header.
        self.view.setFixedHeight(rows.defaultSectionSize() * 6 + max(header.minimumHeight(), header.sizeHint().height())
                                 + 2 * self.view.frameWidth())
        self.view.selectionModel().selectionChanged.connect(self._member_chosen)
        self.take_out_button = QPushButton(tr("setup.groups.take_out"))
        self.take_out_button.clicked.connect(self.take_out_selected)
        title = QHBoxLayout()
        title.addWidget(QLabel(tr("setup.groups.members")), 1)
        title.addWidget(self.take_out_button)
        box = QVBoxLayout()
        box.addLayout(title)
        box.addWidget(self.view)
        box.addStretch(1)
        return box

    # --- showing a group ---------------------------------------------------------------------------------

    def show_group(self, row: GroupRow) -> None:
        if row is not self.row:
            self.join_person.clear()
        self.row = row
        self._filling = True
        try:
            self.name.setText(row.name)
            self.village.setText(row.village)
            self.kind.setCurrentIndex(max(0, self.kind.findData(row.kind)))
            self.responsible.setText(row.responsible)
        finally:
            self._filling = False
        self.model.set_rows(row.roster)
        self._open_role_lists()
        self._member_chosen()

    def _open_role_lists(self) -> None:
        for r, member in enumerate(self.model.rows):
            index = self.model.index(r, self.ROLE)
            if member.out:
                self.view.closePersistentEditor(index)
            elif not self.view.isPersistentEditorOpen(index):
                self.view.openPersistentEditor(index)

    def member(self, person: str) -> MemberRow | None:
        return next((m for m in self.model.rows if same_name(m.person, person)), None)

    def role_list(self, member: MemberRow) -> QComboBox | None:
        """The role list on a member's row (None for one to be taken out)."""
        return self.view.indexWidget(self.model.index(self.model.rows.index(member), self.ROLE))

    def current_member(self) -> MemberRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_member(self, member: MemberRow) -> None:
        row = self.model.rows.index(member)
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, self.NAME))

    # --- changes -----------------------------------------------------------------------------------------

    def _typed(self, *_) -> None:
        if self._filling or self.row is None:
            return
        self.row.name = self.name.text()
        self.row.kind = self.kind.currentData()
        self.row.responsible = self.responsible.text()
        emit(self.edited)

    def _set_role(self, member: MemberRow, role: str) -> None:
        if MemberRole.parse(role) is None or role == member.role:
            return
        member.role = role
        for r, other in enumerate(self.model.rows):
            if other is member:
                self.model.row_changed(r)
            elif role == "chair" and other.role == "chair" and not other.out:
                other.role = "member"  # one chair: the one before becomes a plain member, as the domain does it
                self.model.row_changed(r)
        self._roster_changed()

    def take_out_selected(self) -> None:
        """Take the chosen member out, or put back one taken out before Save."""
        member = self.current_member()
        if member is None or self.row is None:
            return
        if member.joining:
            self.row.roster.remove(member)
            self.model.set_rows(self.row.roster)
            self._open_role_lists()
        else:
            member.out = not member.out
            if not member.out and member.role == "chair" and any(
                m.role == "chair" and not m.out and m is not member for m in self.row.roster
            ):
                member.role = "member"  # a new chair was named meanwhile
            r = self.model.rows.index(member)
            self.model.row_changed(r)
            self._open_role_lists()
        self._roster_changed()

    def join(self, text: str, role: str) -> MemberRow:
        """Someone typed to join the group (or a registered ID); refused here if unreadable or already in."""
        if self.row is None:
            raise InputError(Text("ต้องเลือกกลุ่มก่อน", "choose a group first"))
        spec = groups.parse_person(text)
        for m in self.row.roster:
            other = groups.parse_person(m.person)  # as the table shows her: a name to compare with
            if (spec.first_name and (other.first_name, other.last_name) == (spec.first_name, spec.last_name)) or (
                spec.national_id and other.national_id == spec.national_id
            ):
                raise InputError(Text(f"{m.person} อยู่ในกลุ่มแล้ว เปลี่ยนตำแหน่งได้ในตาราง",
                                      f"{m.person} is in the group already; change the role in the table"))
        member = MemberRow(" ".join(text.split()), "member")
        self.row.roster.append(member)
        self.model.append(member)
        self._open_role_lists()
        self._set_role(member, role)
        if role == "member":
            self._roster_changed()  # _set_role had nothing to change
        self.select_member(member)  # in sight at the end of the list, and the take-out button undoes it
        return member

    def join_typed(self) -> None:
        try:
            self.join(self.join_person.text(), self.join_role.currentData())
        except InputError as exc:
            emit(self.refused, error_text(exc))
            return
        emit(self.refused, "")
        self.join_person.clear()
        self.join_person.setFocus()

    def take_typed(self) -> None:
        # Someone typed and Save pressed without adding her: the officer meant to add her.
        if self.row is not None and self.join_person.text().strip():
            self.join(self.join_person.text(), self.join_role.currentData())
            self.join_person.clear()

    def _roster_changed(self) -> None:
        self._member_chosen()
        emit(self.edited)

    def _member_chosen(self, *_) -> None:
        member = self.current_member()
        self.take_out_button.setEnabled(member is not None)
        self.take_out_button.setText(tr("setup.groups.put_back") if member is not None and member.out
                                     else tr("setup.groups.take_out"))

    def eventFilter(self, obj, event):
        if obj is self.join_person and event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Return, Qt.Key.Key_Enter
        ):
            self.join_typed()
            return True
        return super().eventFilter(obj, event)
