"""บันทึกความก้าวหน้า: the progress of one action of a household's 4ท plan (`plans.update_action`)."""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool import plans
from fieldtool.vocabulary import ActionStatus
from ui.dialogs import FormDialog
from ui.i18n import tr
from ui.plans.model import action_status_text
from ui.qt import QComboBox, QLabel, QLineEdit
from ui.widgets import DateField


class ActionProgressDialog(FormDialog):
    """บันทึกความก้าวหน้า: a new status for an action, the day, and a note of what happened."""

    def __init__(self, db: Database, action_id: str, what: str, status: str, day: date, parent=None):
        super().__init__(tr("progress.title"), parent)
        self.db = db
        self.action_id = action_id
        label = QLabel(f"<b>{what}</b>")
        label.setWordWrap(True)
        self.form.addRow(label)
        self.status = QComboBox()
        for code in ActionStatus:
            self.status.addItem(action_status_text(code), code.value)
        self.status.setCurrentIndex(
            max(0, self.status.findData("in_progress" if status == "planned" else status))
        )
        self.on = DateField(day)
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("progress.note_hint"))
        self.form.addRow(tr("progress.status"), self.status)
        self.form.addRow(tr("progress.date"), self.on)
        self.form.addRow(tr("field.note"), self.note)

    def save(self) -> None:
        with self.db.session() as s:
            plans.update_action(
                s, self.action_id, self.status.currentData(), self.on.value(), self.note.text().strip()
            )

    @classmethod
    def ask(cls, parent, db: Database, action_id: str, what: str, status: str, day: date) -> bool:
        return cls(db, action_id, what, status, day, parent=parent).exec() == FormDialog.DialogCode.Accepted
