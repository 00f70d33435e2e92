"""กลุ่ม: borrowing groups, each in a village, with its chair, committee, members and the driving-team
member responsible for it (optional at first: a loan can wait for its group).

A person is typed as "นางสมศรี ใจดี", as "นาง,สมศรี,ใจดี,เลขประจำตัว,โทรศัพท์" or as the 13-digit national ID
of someone already registered (`groups.parse_person`); committee members and members one a line. Saving
goes through `groups.add_group`. A group already saved is changed in `group_editor.SavedGroupEditor` – its
name, kind, responsible person, members and their roles – and all of its changes go through one
`groups.edit_group` call when the settings (or the wizard) save.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldtool import groups
from fieldtool.setup import SetupView
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import GroupKind, MemberRole
from ui.i18n import label_text, tr
from ui.qt import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from ui.setup.group_editor import MemberRow, SavedGroupEditor, role_text
from ui.setup.part import (
    DraftTableModel,
    SetupPart,
    column,
    draft_table,
    hint_label,
    state_color,
    state_text,
)

ONE_PERSON_ROLES = ("chair", "vice_chair", "treasurer", "secretary")
MANY_PEOPLE_ROLES = ("committee", "member")


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(eq=False)
class GroupRow:
    id: str | None  # None: drafted on screen
    name: str = ""
    moo: int | None = None
    village: str = ""  # the label of a saved group's village
    kind: str = "women"
    people: dict[str, str] = field(default_factory=dict)  # a draft: role -> text (a line each for committee, members)
    responsible: str = ""
    roster: list[MemberRow] = field(default_factory=list)  # a saved group: its members as on screen now
    saved_values: dict = field(default_factory=dict)  # a saved group: name, kind and responsible as saved

    @property
    def saved(self) -> bool:
        return self.id is not None

    def count(self) -> int:
        if self.saved:
            return sum(1 for m in self.roster if not m.out)
        return sum(len(lines_of(self.people.get(role, ""))) for role in MemberRole)

    def chair(self) -> str:
        if self.saved:
            return next((m.person for m in self.roster if m.role == "chair" and not m.out), "")
        return next(iter(lines_of(self.people.get("chair", ""))), "")

    def blank(self) -> bool:
        """A drafted group nobody has touched: left out when saving."""
        return not self.saved and not self.name.strip() and not self.count() and not self.responsible.strip()

    def members(self) -> list[tuple[str, groups.PersonSpec]]:
        return [(role.value, groups.parse_person(line))
                for role in MemberRole for line in lines_of(self.people.get(role, ""))]

    def _typed_changes(self) -> set[str]:
        return {
            key for key, now in (("name", self.name), ("kind", self.kind), ("responsible", self.responsible))
            if " ".join(now.split()) != self.saved_values.get(key, "")
        }

    @property
    def edited(self) -> bool:
        """A saved group changed on screen and not saved yet."""
        return self.saved and bool(self._typed_changes() or any(m.changed for m in self.roster))

    def edit_arguments(self) -> dict:
        """What changed on screen, as the keyword arguments of `groups.edit_group` (InputError: unreadable)."""
        typed = self._typed_changes()
        out: dict = {key: getattr(self, key) for key in ("name", "kind") if key in typed}
        if "responsible" in typed:
            out["responsible"] = groups.parse_person(self.responsible) if self.responsible.strip() else None
        roles = [(m.role, m.spec()) for m in self.roster if not m.out and m.role != m.saved_role]
        remove = [m.spec() for m in self.roster if m.out and not m.joining]
        if roles:
            out["roles"] = roles
        if remove:
            out["remove"] = remove
        return out


class GroupsPart(SetupPart):
    KEY = "groups"

    def __init__(self, view: SetupView, parent=None):
        super().__init__(parent)
        self._filling = False
        self.refused_row: GroupRow | None = None
        self.villages: list[tuple[int, str]] = []
        self.model = DraftTableModel(
            [
                column("setup.col.group", lambda r: r.name or tr("setup.groups.unnamed")),
                column("setup.col.village", self._village_of),
                column("setup.col.chair", lambda r: r.chair()),
                column("setup.col.people", lambda r: str(r.count()), "right"),
                column("setup.col.responsible", lambda r: r.responsible),
                column("setup.col.state", lambda r: state_text(r.saved, r.edited),
                       color=lambda r: state_color(r.saved, r.edited)),
            ],
            parent=self,
        )
        self.view = draft_table(self.model)
        self.view.setMinimumHeight(100)
        self.view.setMaximumHeight(150)
        self.view.selectionModel().selectionChanged.connect(self._chosen)
        self.add_button = QPushButton(tr("setup.groups.add"))
        self.add_button.clicked.connect(self.add_group)
        self.remove_button = QPushButton(tr("setup.groups.remove"))
        self.remove_button.setToolTip(tr("setup.groups.remove_tip"))
        self.remove_button.clicked.connect(self.remove_selected)
        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        top.addStretch(1)
        self.box.addLayout(top)
        self.box.addWidget(self.view)
        self.saved_editor = SavedGroupEditor()
        self.saved_editor.edited.connect(self._saved_edited)
        self.saved_editor.refused.connect(lambda sentence: self.show_error(sentence) if sentence else self.clear_error())
        self.box.addWidget(self.saved_editor)
        self.editor = self._build_form()
        self.box.addWidget(self.editor)
        self.box.addStretch(1)
        self.load(view)

    def _build_form(self) -> QWidget:
        editor = QWidget()
        row = QHBoxLayout(editor)
        row.setContentsMargins(0, 6, 0, 0)
        left, right = QFormLayout(), QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("setup.groups.name_hint"))
        self.village = QComboBox()
        self.village.setPlaceholderText(tr("setup.groups.village_hint"))
        self.kind = QComboBox()
        for kind in GroupKind:
            self.kind.addItem(label_text(kind), kind.value)
        left.addRow(tr("setup.groups.name") + " *", self.name)
        left.addRow(tr("setup.groups.village") + " *", self.village)
        left.addRow(tr("setup.groups.kind"), self.kind)
        self.people: dict[str, QLineEdit | QPlainTextEdit] = {}
        for role in ONE_PERSON_ROLES:
            edit = QLineEdit()
            edit.setPlaceholderText(tr("setup.groups.person_hint"))
            self.people[role] = edit
            left.addRow(role_text(role), edit)
        self.responsible = QLineEdit()
        self.responsible.setPlaceholderText(tr("setup.groups.person_hint"))
        self.responsible.setToolTip(tr("setup.groups.responsible_tip"))
        left.addRow(tr("setup.groups.responsible"), self.responsible)
        for role in MANY_PEOPLE_ROLES:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText(tr(f"setup.groups.{role}_hint"))
            edit.setFixedHeight(self.fontMetrics().height() * (4 if role == "committee" else 6) + 14)
            self.people[role] = edit
            right.addRow(tr(f"setup.groups.{role}_lines"), edit)
        right.addRow(hint_label(tr("setup.groups.person_rules")))
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        self.name.textChanged.connect(self._edited)
        self.responsible.textChanged.connect(self._edited)
        self.village.currentIndexChanged.connect(self._edited)
        self.kind.currentIndexChanged.connect(self._edited)
        for edit in self.people.values():
            edit.textChanged.connect(self._edited)
        return editor

    # --- the villages a group can be in -----------------------------------------------------------------

    def set_villages(self, villages: list[tuple[int, str]]) -> None:
        """(หมู่ที่, label) of the saved and drafted villages, from the villages part."""
        self.villages = villages
        self._filling = True
        try:
            self.village.clear()
            for moo, label in villages:
                self.village.addItem(label, moo)
            row = self.current()
            self.village.setCurrentIndex(self.village.findData(row.moo) if row and row.moo is not None else -1)
        finally:
            self._filling = False
        self.model.repaint_all()
        self._select_current_again()

    def _village_of(self, row: GroupRow) -> str:
        if row.saved:
            return row.village
        return next((label for moo, label in self.villages if moo == row.moo), "")

    # --- the chosen group -------------------------------------------------------------------------------

    def current(self) -> GroupRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _select_current_again(self) -> None:
        if self.current() is None and self.model.rowCount():
            self.view.selectRow(self.model.rowCount() - 1)

    def _chosen(self, *_) -> None:
        row = self.current()
        self.editor.setVisible(row is None or not row.saved)
        self.editor.setEnabled(row is not None)
        self.saved_editor.setVisible(row is not None and row.saved)
        self.remove_button.setEnabled(row is not None and not row.saved)
        if row is None:
            return
        if row.saved:
            self.saved_editor.show_group(row)
            return
        self._filling = True
        try:
            self.name.setText(row.name)
            self.village.setCurrentIndex(self.village.findData(row.moo) if row.moo is not None else -1)
            self.kind.setCurrentIndex(max(0, self.kind.findData(row.kind)))
            for role, edit in self.people.items():
                text = row.people.get(role, "")
                if isinstance(edit, QLineEdit):
                    edit.setText(text)
                else:
                    edit.setPlainText(text)
            self.responsible.setText(row.responsible)
        finally:
            self._filling = False

    def _edited(self, *_) -> None:
        row = self.current()
        if self._filling or row is None or row.saved:
            return
        row.name = self.name.text()
        row.moo = self.village.currentData()
        row.kind = self.kind.currentData()
        row.people = {
            role: edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText() for role, edit in self.people.items()
        }
        row.responsible = self.responsible.text()
        self.model.row_changed(self.model.rows.index(row))
        self._changed()

    def _saved_edited(self) -> None:
        row = self.saved_editor.row
        if row is not None and row in self.model.rows:
            self.model.row_changed(self.model.rows.index(row))
        self._changed()

    # --- rows ------------------------------------------------------------------------------------------

    def load(self, view: SetupView) -> None:
        rows = []
        for g in view.groups:
            rows.append(GroupRow(
                g.id, g.name, None, g.village, g.kind, responsible=g.responsible,
                roster=[MemberRow(name, role, role, person_id=pid) for role, name, pid in g.members],
                saved_values={"name": g.name, "kind": g.kind, "responsible": g.responsible},
            ))
        rows.append(GroupRow(None))  # a blank group ready to fill in; left out if nobody does
        self.model.set_rows(rows)
        self.view.selectRow(len(rows) - 1)
        self._chosen()

    def rows(self) -> list[GroupRow]:
        return self.model.rows

    def add_group(self) -> GroupRow:
        row = GroupRow(None, moo=self.villages[0][0] if len(self.villages) == 1 else None)
        self.view.selectRow(self.model.append(row))
        self.name.setFocus()
        self._changed()
        return row

    def remove_selected(self) -> None:
        row = self.current()
        if row is None or row.saved:
            return
        self.model.remove_row(self.model.rows.index(row))
        self._select_current_again()
        self._chosen()
        self._changed()

    # --- saving ----------------------------------------------------------------------------------------

    def take_typed(self) -> None:
        row = self.current()
        if row is not None and row.saved:
            self.refused_row = row
            self.saved_editor.take_typed()
            self.refused_row = None

    def apply(self, session) -> None:
        # Saved groups first: a group renamed frees its old name for a new one.
        for row in self.rows():
            if row.edited:
                self.refused_row = row
                groups.edit_group(session, row.id, **row.edit_arguments())
        for row in self.rows():
            if row.saved or row.blank():
                continue
            self.refused_row = row  # until the domain has taken it
            if row.moo is None:
                raise InputError(Text(f"ต้องเลือกหมู่บ้านของกลุ่ม {row.name.strip()}".strip(),
                                      f"choose the village of the group {row.name.strip()}".strip()))
            responsible = groups.parse_person(row.responsible) if row.responsible.strip() else None
            groups.add_group(session, row.moo, row.name, row.kind, row.members(), responsible)
        self.refused_row = None

    def show_error(self, sentence: str) -> None:
        if self.refused_row is not None and self.refused_row in self.rows():
            self.view.selectRow(self.model.rows.index(self.refused_row))  # the group the sentence is about
        super().show_error(sentence)

    def summary(self) -> list[str]:
        lines = []
        for row in self.rows():
            if row.edited:
                lines.append(tr("setup.summary.group_edited", name=" ".join(row.name.split()),
                                village=row.village, n=row.count()))
            elif not row.saved and not row.blank():
                lines.append(tr("setup.summary.group", name=row.name.strip(), village=self._village_of(row),
                                n=row.count()))
        return lines
