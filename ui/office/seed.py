"""เขียนชุดข้อมูลตั้งต้น…: the office hands a subdistrict to a new laptop (exports.seed).

The dialog asks which subdistrict, the new officer's public key file (made with the subdistrict's code on the
new laptop) and where to write the seed; the keys page then writes it in the background, enrolling the key
and recording the handover, and says what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from db.office import OfficeDatabase
from fieldtool.officedesk import area_text, subdistrict_names
from fieldtool.registry import setting
from ui.dialogs import FormDialog, input_error
from ui.i18n import tr
from ui.qt import QComboBox, QFileDialog, QHBoxLayout, QLineEdit, QPushButton
from ui.setup.part import hint_label


@dataclass
class SeedRequest:
    code: str  # the subdistrict
    card: Path  # the new officer's public key file
    out: Path  # the seed bundle to write


def seed_file_name(code: str) -> str:
    return f"seed-{code}.ftb"


def _file_row(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


class SeedDialog(FormDialog):
    def __init__(self, db: OfficeDatabase, parent=None):
        super().__init__(tr("office.seed.title"), parent)
        self.setMinimumWidth(640)
        self.request: SeedRequest | None = None
        with db.session() as s:
            district = setting(s, "district_code")
            names = subdistrict_names(s)
        self.form.addRow(hint_label(tr("office.seed.intro")))
        self.subdistrict = QComboBox()
        for code in sorted(c for c in names if c.startswith(district)):
            self.subdistrict.addItem(area_text(code, names), code)
        self.form.addRow(tr("office.seed.subdistrict"), self.subdistrict)
        self.card = QLineEdit()
        self.card.setPlaceholderText("officer-341905.pub")
        self.card_button = QPushButton(tr("office.seed.choose_card"))
        self.card_button.clicked.connect(self.choose_card)
        self.form.addRow(tr("office.seed.card"), _file_row(self.card, self.card_button))
        self.out = QLineEdit()
        self.out_button = QPushButton(tr("office.seed.choose_out"))
        self.out_button.clicked.connect(self.choose_out)
        self.form.addRow(tr("office.seed.out"), _file_row(self.out, self.out_button))
        self.form.addRow(hint_label(tr("office.seed.after")))
        self.save_button.setText(tr("office.seed.write"))
        self.save_button.setEnabled(self.subdistrict.count() > 0)

    @classmethod
    def choose_card_file(cls, parent) -> str:
        """The new officer's public key file ("" when cancelled). Tests replace this."""
        path, _ = QFileDialog.getOpenFileName(parent, tr("office.seed.choose_card"), "", tr("office.keys.filter"))
        return path

    @classmethod
    def choose_out_file(cls, parent, name: str) -> str:
        """Where to write the seed ("" when cancelled). Tests replace this."""
        path, _ = QFileDialog.getSaveFileName(parent, tr("office.seed.choose_out"), name, tr("office.import.filter"))
        return path

    def choose_card(self) -> None:
        path = SeedDialog.choose_card_file(self)
        if path:
            self.card.setText(path)

    def choose_out(self) -> None:
        path = SeedDialog.choose_out_file(self, seed_file_name(self.subdistrict.currentData() or ""))
        if path:
            self.out.setText(path)

    def save(self) -> None:
        """Nothing is written here: the keys page writes the seed with what was chosen."""
        if not self.card.text().strip():
            raise input_error("office.seed.no_card")
        if not self.out.text().strip():
            raise input_error("office.seed.no_out")
        self.request = SeedRequest(self.subdistrict.currentData(), Path(self.card.text().strip()).expanduser(),
                                   Path(self.out.text().strip()).expanduser())

    @classmethod
    def ask(cls, parent, db: OfficeDatabase) -> SeedRequest | None:
        """What to write, or None when cancelled. Tests replace this."""
        dialog = cls(db, parent)
        return dialog.request if dialog.exec() == FormDialog.DialogCode.Accepted else None
