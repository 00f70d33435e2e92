"""ที่ตั้ง: the province, district and subdistrict this laptop serves, each a code and a name.

The codes are checked as they are typed (`places.check_code`: 2, 4 and 6 digits, each beginning with its
parent's) and the sentence is shown under them; saving goes through `places.set_place`, which also checks
the district against the office key this laptop trusts. Once the subdistrict has villages its codes are
fixed (one laptop serves one subdistrict); names can still be corrected.
"""

from __future__ import annotations

from fieldtool import places
from fieldtool.setup import SetupView
from fieldtool.thai import InputError
from ui.i18n import error_text, tr
from ui.qt import QGridLayout, QLabel, QLineEdit, Signal, emit
from ui.setup.part import SetupPart, hint_label

LEVELS = ("province", "district", "subdistrict")


class PlacePart(SetupPart):
    KEY = "place"
    subdistrict_code = Signal(str)  # the 6-digit code once it is right, "" while it is not
    district_name = Signal(str)

    def __init__(self, view: SetupView, required: bool = False, parent=None):
        super().__init__(parent)
        self.required = required
        self.codes: dict[str, QLineEdit] = {}
        self.names: dict[str, QLineEdit] = {}
        grid = QGridLayout()
        grid.addWidget(QLabel(tr("setup.place.code")), 0, 1)
        grid.addWidget(QLabel(tr("setup.place.name")), 0, 2)
        for row, level in enumerate(LEVELS, start=1):
            code = QLineEdit()
            code.setPlaceholderText(tr(f"setup.place.{level}_code_hint"))
            code.setMaxLength(8)
            code.setFixedWidth(code.fontMetrics().horizontalAdvance("เช่น 3419050") + 16)
            name = QLineEdit()
            name.setPlaceholderText(tr(f"setup.place.{level}_name_hint"))
            grid.addWidget(QLabel(tr(f"setup.place.{level}")), row, 0)
            grid.addWidget(code, row, 1)
            grid.addWidget(name, row, 2)
            self.codes[level], self.names[level] = code, name
        grid.setColumnStretch(2, 1)
        self.box.addLayout(grid)
        self.check = QLabel()
        self.check.setWordWrap(True)
        self.box.addWidget(self.check)
        self.fixed_note = hint_label(tr("setup.place.codes_fixed"))
        self.box.addWidget(self.fixed_note)
        self.box.addStretch(1)
        self.load(view)
        for edit in (*self.codes.values(), *self.names.values()):
            edit.textChanged.connect(self._typed)
        self._typed()

    def load(self, view: SetupView) -> None:
        p = view.place
        self.saved = (
            ((p.province_code, p.province), (p.district_code, p.district), (p.subdistrict_code, p.subdistrict))
            if p else None
        )
        for level, pair in zip(LEVELS, self.saved or (("", ""),) * 3, strict=True):
            self.codes[level].setText(pair[0])
            self.names[level].setText(pair[1])
        fixed = p is not None and bool(view.villages)
        for edit in self.codes.values():
            edit.setReadOnly(fixed)
            edit.setStyleSheet("QLineEdit { background: #eceff1; }" if fixed else "")
        self.fixed_note.setVisible(fixed)

    def typed(self) -> tuple[tuple[str, str], ...]:
        return tuple((self.codes[lv].text().strip(), self.names[lv].text().strip()) for lv in LEVELS)

    def checked_code(self) -> str:
        """The subdistrict code if all three codes are right so far, else ""."""
        try:
            parent = ""
            for level in LEVELS:
                parent = places.check_code(level, self.codes[level].text(), parent)
            return parent
        except InputError:
            return ""

    def _typed(self, *_) -> None:
        sentence, bad = self._sentence()
        self.check.setText(sentence)
        ok = bool(self.checked_code())
        colour = "#1b5e20" if ok else ("#8e1c1c" if bad else "#546e7a")
        self.check.setStyleSheet(f"QLabel {{ color: {colour}; }}")
        for level, edit in self.codes.items():
            if not edit.isReadOnly():
                edit.setStyleSheet("QLineEdit { background: #fdecea; }" if level == bad else "")
        self.message.clear_message()
        emit(self.subdistrict_code, self.checked_code())
        emit(self.district_name, places.place_name("district", self.names["district"].text()))
        self._changed()

    def _sentence(self) -> tuple[str, str]:
        """What the codes typed so far say, and the level whose code is wrong ("" if none)."""
        parent = ""
        for level in LEVELS:
            text = self.codes[level].text()
            if not text.strip():
                return tr("setup.place.rule"), ""
            try:
                parent = places.check_code(level, text, parent)
            except InputError as exc:
                return error_text(exc), level
        return tr("setup.place.ok", code=parent, example=f"{parent}01"), ""

    def show_error(self, sentence: str) -> None:
        if sentence == self.check.text():  # already said under the codes: say it louder there, not twice
            self.check.setStyleSheet(
                "QLabel { color: #8e1c1c; background: #fdecea; padding: 6px 10px; border-radius: 4px; }"
            )
            return
        super().show_error(sentence)

    def has_input(self) -> bool:
        return any(code or name for code, name in self.typed())

    def apply(self, session) -> None:
        typed = self.typed()
        if self.saved is None and not self.has_input() and not self.required:
            return  # nothing typed: the place stays to be set up later
        if typed == self.saved:
            return
        places.set_place(session, *typed)

    def summary(self) -> list[str]:
        if not self.has_input() or self.typed() == self.saved:
            return []
        (_, pn), (_, dn), (sc, sn) = (
            (code, places.place_name(level, name)) for level, (code, name) in zip(LEVELS, self.typed(), strict=True)
        )
        return [tr("setup.summary.place", subdistrict=sn, district=dn, province=pn, code=self.checked_code() or sc)]
