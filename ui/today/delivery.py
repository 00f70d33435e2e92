"""DeliveryDialog: record a notice delivered (or an ask step done) with how, when, by whom and a note."""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool import reminders
from fieldtool.reminders import Reminder
from fieldtool.vocabulary import AskStep, ContactWay, ReminderKind
from ui.dialogs import FormDialog
from ui.i18n import day_text, label_text, money_text, tr
from ui.qt import QComboBox, QLabel, QLineEdit
from ui.today.model import what_text
from ui.widgets import DateField


class DeliveryDialog(FormDialog):
    def __init__(
        self, db: Database, reminder: Reminder, day: date, officer: str = "", how: str = "", parent=None
    ):
        super().__init__(tr("delivery.title"), parent)
        self.setMinimumWidth(560)
        self.db = db
        self.reminder = reminder
        about = QLabel(
            f"<b>{reminder.info.borrower}</b> · {reminder.info.village}<br>"
            f"{what_text(reminder)} · {tr('col.instalment_no')} {reminder.instalment_no} · "
            f"{tr('col.due_date')} {day_text(reminder.due_date)} · {money_text(reminder.amount_due_satang)} {tr('unit.baht')}"
        )
        about.setWordWrap(True)
        self.form.addRow(about)
        self.how = QComboBox()
        for way in ContactWay:
            self.how.addItem(label_text(way), way.value)
        # notices are mostly phoned; asking is done in person, as the ladder's step says
        how = how or (ContactWay.MEETING if reminder.step is AskStep.MEETING
                      else ContactWay.VISIT if reminder.kind is ReminderKind.ASK else ContactWay.PHONE)
        self.how.setCurrentIndex(max(0, self.how.findData(str(how))))
        self.delivered_on = DateField(day)
        self.by_whom = QLineEdit(officer)
        self.note = QLineEdit()
        self.form.addRow(tr("delivery.how"), self.how)
        self.form.addRow(tr("delivery.date"), self.delivered_on)
        self.form.addRow(tr("delivery.by"), self.by_whom)
        self.form.addRow(tr("field.note"), self.note)

    def save(self) -> None:
        on = self.delivered_on.value()
        with self.db.session() as s:
            reminders.deliver(
                s,
                self.reminder.id,
                self.how.currentData(),
                on,
                self.by_whom.text().strip(),
                self.note.text().strip(),
            )

    @classmethod
    def ask(cls, parent, db: Database, reminder: Reminder, day: date, officer: str = "") -> bool:
        """Show the dialog; True when a delivery was recorded. Tests replace this."""
        return cls(db, reminder, day, officer, parent=parent).exec() == FormDialog.DialogCode.Accepted
