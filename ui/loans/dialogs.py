"""The dialogs that write to one loan: payment, reversal, a prevent item, disbursement, restructuring.

Each writes in `save()` through the loan book service, inside one transaction; a refusal stays in the
dialog as one sentence. Each has `ask(...)`, the one call a test replaces.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from db import Database
from fieldtool import lending, repayments
from fieldtool.thai import parse_baht
from fieldtool.vocabulary import Frequency, PreventItem
from ui.dialogs import FormDialog, input_error
from ui.i18n import day_text, label_text, money_text, tr
from ui.qt import QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, Qt
from ui.widgets import DateField


def prevent_label(code: str) -> str:
    item = PreventItem.parse(code)
    return label_text(item) if item else code


def _accepted(dialog: FormDialog) -> bool:
    return dialog.exec() == FormDialog.DialogCode.Accepted


class PaymentDialog(FormDialog):
    """รับชำระ: an amount in baht, the day it was paid (BE or ISO), a note; more than is owed only when
    ticked as money paid in advance (the loan book refuses it otherwise, in one sentence)."""

    def __init__(self, db: Database, loan_id: str, day: date, about: str = "", parent=None):
        super().__init__(tr("pay.title"), parent)
        self.db = db
        self.loan_id = loan_id
        self.payment_id: str | None = None
        if about:
            label = QLabel(about)
            label.setWordWrap(True)
            self.form.addRow(label)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("0.00")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.paid_on = DateField(day)
        self.note = QLineEdit()
        self.credit = QCheckBox(tr("pay.credit"))
        self.credit.setToolTip(tr("pay.credit_hint"))
        self.form.addRow(tr("pay.amount"), self.amount)
        self.form.addRow(tr("pay.date"), self.paid_on)
        self.form.addRow(tr("field.note"), self.note)
        self.form.addRow("", self.credit)

    def save(self) -> None:
        amount = parse_baht(self.amount.text())
        if amount <= 0:
            raise input_error("error.amount_positive")
        paid_on = self.paid_on.value()
        with self.db.session() as s:
            self.payment_id = repayments.record_payment(
                s, self.loan_id, amount, paid_on, self.note.text().strip(), credit=self.credit.isChecked()
            ).id

    @classmethod
    def ask(cls, parent, db: Database, loan_id: str, day: date, about: str = "") -> bool:
        return _accepted(cls(db, loan_id, day, about, parent=parent))


class ReverseDialog(FormDialog):
    """ยกเลิกรายการ: a wrong payment is cancelled by a reversing event; the original stays in the book."""

    def __init__(
        self, db: Database, payment_id: str, paid_on: date, amount_satang: int, day: date, parent=None
    ):
        super().__init__(tr("reverse.title"), parent)
        self.db = db
        self.payment_id = payment_id
        question = QLabel(tr("reverse.question", amount=money_text(amount_satang), day=day_text(paid_on)))
        question.setWordWrap(True)
        self.form.addRow(question)
        self.on = DateField(day)
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("reverse.why"))
        self.form.addRow(tr("reverse.date"), self.on)
        self.form.addRow(tr("field.reason"), self.note)
        self.save_button.setText(tr("reverse.confirm"))

    def save(self) -> None:
        with self.db.session() as s:
            repayments.reverse_payment(s, self.payment_id, self.on.value(), self.note.text().strip())

    @classmethod
    def ask(cls, parent, db: Database, payment_id: str, paid_on: date, amount_satang: int, day: date) -> bool:
        return _accepted(cls(db, payment_id, paid_on, amount_satang, day, parent=parent))


class CheckDialog(FormDialog):
    """Tick one prevent item (รายการป้องกัน) with the day it was done and a note."""

    def __init__(self, db: Database, loan_id: str, item: str, day: date, note: str = "", parent=None):
        super().__init__(tr("check.title"), parent)
        self.db = db
        self.loan_id = loan_id
        self.item = item
        label = QLabel(f"<b>{prevent_label(item)}</b>")
        label.setWordWrap(True)
        self.form.addRow(label)
        self.done_on = DateField(day)
        self.note = QLineEdit(note)
        self.form.addRow(tr("check.date"), self.done_on)
        self.form.addRow(tr("field.note"), self.note)

    def save(self) -> None:
        with self.db.session() as s:
            lending.set_check(
                s, self.loan_id, self.item, True, self.done_on.value(), self.note.text().strip()
            )

    @classmethod
    def ask(cls, parent, db: Database, loan_id: str, item: str, day: date, note: str = "") -> bool:
        return _accepted(cls(db, loan_id, item, day, note, parent=parent))


class DisburseDialog(FormDialog):
    """จ่ายเงินกู้. With prevent items still open the officer must say why, or it is refused."""

    def __init__(self, db: Database, loan_id: str, day: date, open_items: list[str], parent=None):
        super().__init__(tr("disburse.title"), parent)
        self.db = db
        self.loan_id = loan_id
        self.open_items = open_items
        if open_items:
            warning = QLabel(
                tr("disburse.open_items", n=len(open_items))
                + "<ul>"
                + "".join(f"<li>{prevent_label(c)}</li>" for c in open_items)
                + "</ul>"
            )
            warning.setWordWrap(True)
            warning.setStyleSheet("QLabel { color: #8e1c1c; }")
            self.form.addRow(warning)
        self.on = DateField(day)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(
            tr("disburse.reason_hint") if open_items else tr("disburse.no_reason_needed")
        )
        self.reason.setFixedHeight(self.fontMetrics().height() * 4)
        self.reason.setEnabled(bool(open_items))
        self.form.addRow(tr("disburse.date"), self.on)
        self.form.addRow(tr("disburse.reason"), self.reason)

    def save(self) -> None:
        reason = self.reason.toPlainText().strip()
        if self.open_items and not reason:
            # The domain refuses too; this says it with the items' names instead of their codes.
            raise input_error("disburse.refused", n=len(self.open_items))
        with self.db.session() as s:
            lending.disburse(s, self.loan_id, self.on.value(), reason)

    @classmethod
    def ask(cls, parent, db: Database, loan_id: str, day: date, open_items: list[str]) -> bool:
        return _accepted(cls(db, loan_id, day, open_items, parent=parent))


class RestructureDialog(FormDialog):
    """ปรับโครงสร้างหนี้: a new agreed schedule for what is still owed (bringing the debt back)."""

    def __init__(self, db: Database, loan_id: str, day: date, instalments: int, frequency: str, parent=None):
        super().__init__(tr("restructure.title"), parent)
        self.db = db
        self.loan_id = loan_id
        explain = QLabel(tr("restructure.explain"))
        explain.setWordWrap(True)
        self.form.addRow(explain)
        self.on = DateField(day)
        self.count = QSpinBox()
        self.count.setRange(1, 360)
        self.count.setValue(max(1, instalments))
        self.first_due = DateField(day + relativedelta(months=1))
        self.frequency = QComboBox()
        for code in Frequency:
            self.frequency.addItem(label_text(code), code.value)
        self.frequency.setCurrentIndex(max(0, self.frequency.findData(frequency)))
        self.reason = QLineEdit()
        self.form.addRow(tr("restructure.date"), self.on)
        self.form.addRow(tr("restructure.count"), self.count)
        self.form.addRow(tr("restructure.first_due"), self.first_due)
        self.form.addRow(tr("restructure.frequency"), self.frequency)
        self.form.addRow(tr("field.reason"), self.reason)

    def save(self) -> None:
        with self.db.session() as s:
            lending.restructure(
                s,
                self.loan_id,
                self.on.value(),
                self.count.value(),
                self.first_due.value(),
                self.frequency.currentData(),
                self.reason.text().strip(),
            )

    @classmethod
    def ask(cls, parent, db: Database, loan_id: str, day: date, instalments: int, frequency: str) -> bool:
        return _accepted(cls(db, loan_id, day, instalments, frequency, parent=parent))
