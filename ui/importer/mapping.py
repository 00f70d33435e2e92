"""คอลัมน์ที่โปรแกรมไม่รู้จัก: each column of a sheet the importer could not place, with a choice of what it is.

A choice is one of the sheet's fields (by the name officers know) or ไม่ใช้ (not used). Columns the officer
has already given a field stay listed, so a choice can be taken back. Choosing a field another column
gives moves the field to this column; the window checks the file again with the new mapping.
"""

from __future__ import annotations

from fieldtool.bookimport import ImportPlan, SheetPlan, column_letter
from ui.i18n import tr
from ui.importer.model import LAYOUTS, field_text, kind_text
from ui.qt import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)


def mapping_rows(sheet: SheetPlan) -> list[tuple[int, str, str | None]]:
    """(column, header, field the officer gave or None) of the columns to ask about, left to right."""
    given = {u.column: u for u in sheet.columns if u.source == "given"}
    rows = {col: (col, header, None) for col, header in sheet.unmapped}
    for col, use in given.items():
        rows[col] = (col, use.header, use.field)
    return [rows[c] for c in sorted(rows)]


class MappingPanel(QGroupBox):
    """The unrecognised columns of every sheet; `chosen(sheet, column, field or None)` when one changes."""

    chosen = Signal(str, int, object)

    def __init__(self, parent=None):
        super().__init__(tr("importer.mapping"), parent)
        self.hint = QLabel(tr("importer.mapping_hint"))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("QLabel { color: #455a64; }")
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.inner = QWidget()
        self.grid = QGridLayout(self.inner)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.area.setWidget(self.inner)
        box = QVBoxLayout(self)
        box.addWidget(self.hint)
        box.addWidget(self.area, 1)
        self.combos: dict[tuple[str, int], QComboBox] = {}

    def count(self) -> int:
        return len(self.combos)

    def combo(self, sheet: str, column: int | str) -> QComboBox:
        """The choice for a column, by its index or its letter (as a test names it)."""
        if isinstance(column, str):
            column = next(c for (s, c) in self.combos if s == sheet and column_letter(c) == column)
        return self.combos[(sheet, column)]

    def show_plan(self, plan: ImportPlan) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.combos.clear()
        r = 0
        for sheet in plan.sheets:
            rows = mapping_rows(sheet)
            if not rows:
                continue
            title = QLabel(f"{tr('importer.col.sheet')} {sheet.name} ({kind_text(sheet.kind)})")
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            self.grid.addWidget(title, r, 0, 1, 3)
            r += 1
            for col, header, field in rows:
                label = QLabel(f"{column_letter(col)}  {header}")
                label.setToolTip(tr("importer.column_tip", sheet=sheet.name, column=column_letter(col), header=header))
                label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)  # read whole
                combo = self._combo(sheet, col, field)
                self.grid.addWidget(label, r, 0)
                self.grid.addWidget(combo, r, 1)
                self.combos[(sheet.name, col)] = combo
                r += 1
        self.grid.setColumnStretch(2, 1)  # the choices stay beside their columns' headers
        self.grid.setRowStretch(r, 1)
        self.grid.addWidget(QWidget(), r, 0)  # takes the room below, so the rows stay at the top

    def _combo(self, sheet: SheetPlan, col: int, field: str | None) -> QComboBox:
        layout = LAYOUTS[sheet.kind]
        taken = {u.field: u.column for u in sheet.columns if u.column != col}
        present = {u.field for u in sheet.columns}
        required = {c.field for c in layout.columns if c.required and not present & set(c.unless)}
        combo = QComboBox()
        combo.addItem(tr("importer.ignore"), None)
        for name in layout.readable_fields:  # a loans sheet may also carry its borrowers' households
            text = field_text(layout, name)
            if name in required:
                text = tr("importer.field_required", field=text)
            if name in taken:
                text = tr("importer.field_taken", field=text, column=column_letter(taken[name]))
            combo.addItem(text, name)
        combo.setCurrentIndex(max(0, combo.findData(field)) if field else 0)
        # as wide as a field's name; the long "(now read from column C)" items show whole in the open list
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(18)
        combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        combo.currentIndexChanged.connect(
            lambda _=0, s=sheet.name, c=col, box=combo: emit(self.chosen, s, c, box.currentData()))
        return combo
