"""หมู่บ้าน: the villages of the subdistrict, each หมู่ที่ N with a name and its 8-digit code.

A village is added from one line (หมู่ที่, name, Enter) or many at once from lines such as "1 บ้านโนนสูง"
typed or pasted from a spreadsheet; a name is corrected in the list itself. Saving goes through
`places.add_village` and `places.rename_village`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fieldtool import places
from fieldtool.setup import SetupView
from fieldtool.text import Text
from fieldtool.thai import InputError, to_arabic_digits
from ui.dialogs import FormDialog
from ui.i18n import tr
from ui.qt import (
    QAbstractItemView,
    QEvent,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    Qt,
    Signal,
    emit,
)
from ui.setup.part import DraftTableModel, SetupPart, column, draft_table, hint_label, state_color, state_text
from ui.widgets import empty_note


@dataclass(eq=False)
class VillageRow:
    id: str | None  # None: drafted on screen
    moo: int
    name: str
    saved_name: str = ""
    households: int = 0
    groups: int = 0

    @property
    def saved(self) -> bool:
        return self.id is not None

    @property
    def renamed(self) -> bool:
        return self.saved and self.name != self.saved_name

    def label(self) -> str:
        return tr("setup.villages.label", moo=self.moo, name=self.name)


_LINE_RE = re.compile(r"^\s*(?:(?:หมู่ที่|หมู่|ม\.)\s*)?([0-9]{1,2})(?:\s*[.,:;)\-]\s*|\s+)(\S.*)$")


def parse_village_lines(text: str, taken: set[int]) -> list[tuple[int, str]]:
    """Lines "1 บ้านโนนสูง", "หมู่ 2 บ้านหนองบัว", "๓\tบ้านดอนจิก" (a row pasted from a spreadsheet) or a
    bare name (the next หมู่ที่) → [(หมู่ที่, name)]; a repeated or impossible หมู่ที่ is refused by its line."""
    out: list[tuple[int, str]] = []
    used = set(taken)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = places.clean_name(raw.replace("\t", " "))
        if not line:
            continue
        m = _LINE_RE.match(to_arabic_digits(line))
        if m:
            moo, name = int(m[1]), places.clean_name(m[2])
        elif re.match(r"^\s*(หมู่ที่|หมู่|ม\.)?\s*[0-9]+\s*$", to_arabic_digits(line)):
            raise InputError(Text(f"บรรทัดที่ {number}: ต้องมีชื่อหมู่บ้าน: {line}",
                                  f"line {number}: the village needs a name: {line}"))
        else:
            moo, name = (max(used) + 1 if used else 1), line
        if not 1 <= moo <= places.MAX_MOO:
            raise InputError(Text(f"บรรทัดที่ {number}: หมู่ที่ต้องอยู่ระหว่าง 1 ถึง {places.MAX_MOO}: {line}",
                                  f"line {number}: the village number must be from 1 to {places.MAX_MOO}: {line}"))
        if moo in used:
            raise InputError(Text(f"บรรทัดที่ {number}: มีหมู่ที่ {moo} แล้ว", f"line {number}: หมู่ที่ {moo} is there already"))
        used.add(moo)
        out.append((moo, name))
    if not out:
        raise InputError(Text("ยังไม่ได้พิมพ์หมู่บ้าน", "no village was typed"))
    return out


class ManyVillagesDialog(FormDialog):
    """เพิ่มหลายหมู่: one village a line, typed or pasted."""

    def __init__(self, taken: set[int], parent=None):
        super().__init__(tr("setup.villages.many_title"), parent)
        self.setMinimumWidth(520)
        self.taken = taken
        self.villages: list[tuple[int, str]] = []
        self.form.addRow(hint_label(tr("setup.villages.many_hint")))
        self.lines = QPlainTextEdit()
        self.lines.setPlaceholderText("1 บ้านโนนสูง\n2 บ้านหนองบัว\nหมู่ 3 บ้านดอนจิก")
        self.lines.setMinimumHeight(self.fontMetrics().height() * 10)
        self.form.addRow(self.lines)
        self.save_button.setText(tr("setup.villages.many_add"))

    def save(self) -> None:
        self.villages = parse_village_lines(self.lines.toPlainText(), self.taken)

    @classmethod
    def ask(cls, parent, taken: set[int]) -> list[tuple[int, str]] | None:
        dialog = cls(taken, parent)
        return dialog.villages if dialog.exec() == FormDialog.DialogCode.Accepted else None


class VillagesPart(SetupPart):
    KEY = "villages"
    villages_changed = Signal()  # the groups part offers these villages

    def __init__(self, view: SetupView, parent=None):
        super().__init__(parent)
        self.sub_code = ""
        self.model = DraftTableModel(
            [
                column("setup.col.moo", lambda r: str(r.moo), "right"),
                column("setup.col.village", lambda r: r.name),
                column("setup.col.code", self._code_of),
                column("setup.col.households", lambda r: str(r.households) if r.saved else "", "right"),
                column("setup.col.groups", lambda r: str(r.groups) if r.saved else "", "right"),
                column("setup.col.state", lambda r: state_text(r.saved, r.renamed),
                       color=lambda r: state_color(r.saved, r.renamed)),
            ],
            editors={1: (lambda r: True, self._rename)},
            parent=self,
        )
        self.view = draft_table(self.model)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setMinimumHeight(160)
        empty_note(self.view, tr("setup.villages.empty"))
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

        self.moo = QSpinBox()
        self.moo.setRange(1, places.MAX_MOO)
        self.moo.setPrefix(tr("setup.villages.moo_prefix"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("setup.villages.name_hint"))
        self.name.installEventFilter(self)  # Enter adds the village, it does not press the dialog's button
        self.add_button = QPushButton(tr("setup.villages.add"))
        self.add_button.clicked.connect(self.add_typed)
        self.many_button = QPushButton(tr("setup.villages.many"))
        self.many_button.clicked.connect(self.add_many)
        self.remove_button = QPushButton(tr("setup.villages.remove"))
        self.remove_button.setToolTip(tr("setup.villages.remove_tip"))
        self.remove_button.clicked.connect(self.remove_selected)
        add_row = QHBoxLayout()
        add_row.addWidget(QLabel(tr("setup.villages.new")))
        add_row.addWidget(self.moo)
        add_row.addWidget(self.name, 1)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.many_button)
        self.box.addLayout(add_row)
        self.box.addWidget(self.view, 1)
        below = QHBoxLayout()
        below.addWidget(hint_label(tr("setup.villages.rename_hint")), 1)
        below.addWidget(self.remove_button)
        self.box.addLayout(below)
        self.load(view)

    # --- rows --------------------------------------------------------------------------------------------

    def load(self, view: SetupView) -> None:
        self.model.set_rows([VillageRow(v.id, v.moo, v.name, v.name, v.households, v.groups) for v in view.villages])
        for col in (3, 4):  # households and groups: only villages already saved have any
            self.view.setColumnHidden(col, not view.villages)
        self._after_change()

    def rows(self) -> list[VillageRow]:
        return self.model.rows

    def set_subdistrict_code(self, code: str) -> None:
        self.sub_code = code
        self.model.repaint_all()

    def _code_of(self, row: VillageRow) -> str:
        return f"{self.sub_code or '······'}{row.moo:02d}"

    def _rename(self, row: VillageRow, text: str) -> None:
        name = places.clean_name(text)
        if name:
            row.name = name
            self._after_change()

    def _taken(self) -> set[int]:
        return {r.moo for r in self.rows()}

    def _next_moo(self) -> int:
        return min(max(self._taken(), default=0) + 1, places.MAX_MOO)

    def add(self, moo: int, name: str) -> VillageRow:
        """A drafted village; a repeated หมู่ที่ or an empty name is refused here already."""
        name = places.clean_name(name)
        if not name:
            raise InputError(Text("ต้องระบุชื่อหมู่บ้าน", "the village needs a name"))
        taken = next((r for r in self.rows() if r.moo == moo), None)
        if taken is not None:
            raise InputError(Text(f"มีหมู่ที่ {moo} ({taken.name}) แล้ว", f"หมู่ที่ {moo} already exists ({taken.name})"))
        row = VillageRow(None, moo, name)
        rows = sorted([*self.rows(), row], key=lambda r: r.moo)
        self.model.set_rows(rows)
        self._after_change()
        return row

    def add_typed(self) -> None:
        try:
            self.add(self.moo.value(), self.name.text())
        except InputError as exc:
            self.message.show_error(exc)
            return
        self.message.clear_message()
        self.name.clear()
        self.name.setFocus()

    def add_many(self) -> None:
        villages = ManyVillagesDialog.ask(self, self._taken())
        if not villages:
            return
        self.model.set_rows(sorted([*self.rows(), *(VillageRow(None, m, n) for m, n in villages)],
                                   key=lambda r: r.moo))
        self.message.show_info(tr("setup.villages.many_added", n=len(villages)))
        self._after_change()

    def take_typed(self) -> None:
        # A name typed and Next (or Save) pressed without Enter: the officer meant to add it.
        if self.name.text().strip():
            self.add(self.moo.value(), self.name.text())
            self.name.clear()

    def remove_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        row = self.model.row_at(rows[0].row())
        if row.saved:
            return
        self.model.remove_row(rows[0].row())
        self._after_change()

    def _update_buttons(self, *_) -> None:
        rows = self.view.selectionModel().selectedRows()
        self.remove_button.setEnabled(bool(rows) and not self.model.row_at(rows[0].row()).saved)

    def _after_change(self) -> None:
        self.moo.setValue(self._next_moo())
        self._update_buttons()
        emit(self.villages_changed)
        self._changed()

    def eventFilter(self, obj, event):
        if obj is self.name and event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Return, Qt.Key.Key_Enter
        ):
            self.add_typed()
            return True
        return super().eventFilter(obj, event)

    # --- saving ----------------------------------------------------------------------------------------

    def apply(self, session) -> None:
        for row in self.rows():
            if not row.saved:
                places.add_village(session, row.moo, row.name)
            elif row.renamed:
                places.rename_village(session, row.id, row.name)

    def summary(self) -> list[str]:
        lines = []
        new = [r for r in self.rows() if not r.saved]
        if new:
            lines.append(tr("setup.summary.villages", n=len(new),
                            names=", ".join(f"{r.label()} ({self._code_of(r)})" for r in new)))
        for r in self.rows():
            if r.renamed:
                lines.append(tr("setup.summary.village_renamed", moo=r.moo, old=r.saved_name, name=r.name))
        return lines
