"""ยื่นคำขอกู้: a new loan application, the start of the ปตท. prevent stage.

The borrower is a group or a household, found by typing part of a name (inside Thai words); the fund
gives the rate, term and frequency as defaults, and its maximum loan shows beside the principal (a
principal above it is refused, as `lending.add_loan` refuses it); the dialog shows what each instalment
will be before it is saved. Saving makes the loan with its schedule and an open prevent checklist (stage
ป); the loan page opens on it so the officer can work through the checklist. With no fund in the database
yet the dialog says so and offers the funds tab of the settings instead of an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from db import Database
from fieldtool import lending
from fieldtool.limits import check_fund_limit
from fieldtool.loanview import application_choices
from fieldtool.models import Fund
from fieldtool.schedule import plan
from fieldtool.thai import InputError, parse_baht, thai_sort_key, to_arabic_digits
from fieldtool.vocabulary import Frequency
from ui.dialogs import FormDialog, input_error
from ui.i18n import day_text, error_text, label_text, money_text, tr
from ui.qt import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    Qt,
    QWidget,
)
from ui.widgets import DateField


@dataclass(frozen=True)
class Choice:
    id: str
    label: str  # what the list shows and the completer searches: name, village, house number


@dataclass
class Choices:
    groups: list[Choice]
    households: list[Choice]
    funds: list[Fund]


def load_choices(db: Database) -> Choices:
    """Who may apply and the funds (`fieldtool.loanview.application_choices`), labelled for the lists."""
    with db.session() as s:
        read = application_choices(s)
    groups = [Choice(g.id, f"{g.name} ({g.village})") for g in read.groups]
    households = [
        Choice(h.id, f"{h.name} ({h.village}{' ' + tr('newloan.house_no', no=h.house_no) if h.house_no else ''})")
        for h in read.households
    ]
    key = lambda c: thai_sort_key(c.label)  # noqa: E731
    return Choices(sorted(groups, key=key), sorted(households, key=key), read.funds)


def parse_rate(text: str) -> int:
    """"3", "3.5", "๓" percent a year -> basis points; empty is 0."""
    raw = to_arabic_digits((text or "").strip()).removesuffix("%").strip()
    if not raw:
        return 0
    try:
        value = float(raw)
    except ValueError:
        raise input_error("newloan.bad_rate", text=text) from None
    if value < 0 or value > 100:
        raise input_error("newloan.bad_rate", text=text)
    return round(value * 100)


class NewLoanDialog(FormDialog):
    def __init__(self, db: Database, day: date, household_id: str | None = None, parent=None):
        super().__init__(tr("newloan.title"), parent)
        self.db = db
        self.loan_id: str | None = None
        self.setMinimumWidth(620)
        self.choices = load_choices(db)

        self.as_group = QRadioButton(tr("newloan.group"))
        self.as_household = QRadioButton(tr("newloan.household"))
        kinds = QButtonGroup(self)
        kinds.addButton(self.as_group)
        kinds.addButton(self.as_household)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.as_group)
        kind_row.addWidget(self.as_household)
        kind_row.addStretch(1)
        self.borrower = QComboBox()
        self.borrower.setEditable(True)
        self.borrower.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.borrower.lineEdit().setPlaceholderText(tr("newloan.borrower_hint"))
        self.fund = QComboBox()
        for f in self.choices.funds:
            self.fund.addItem(f.name, f.id)
        self.no_funds = QWidget()
        no_funds_row = QHBoxLayout(self.no_funds)
        no_funds_row.setContentsMargins(0, 0, 0, 0)
        self.no_funds_text = QLabel(tr("setup.newloan.no_funds"))
        self.no_funds_text.setWordWrap(True)
        self.no_funds_text.setStyleSheet("QLabel { color: #8d5a00; }")
        self.fund_settings_button = QPushButton(tr("setup.newloan.settings"))
        self.fund_settings_button.clicked.connect(self.open_fund_settings)
        no_funds_row.addWidget(self.no_funds_text, 1)
        no_funds_row.addWidget(self.fund_settings_button)
        self.purpose = QLineEdit()
        self.principal = QLineEdit()
        self.principal.setPlaceholderText("0.00")
        self.principal.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.limit = QLabel()  # the fund's maximum loan, beside the amount
        self.limit.setStyleSheet("QLabel { color: #546e7a; }")
        principal_row = QHBoxLayout()
        principal_row.addWidget(self.principal, 1)
        principal_row.addWidget(self.limit)
        self.rate = QLineEdit()
        self.rate.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.count = QSpinBox()
        self.count.setRange(1, 360)
        self.frequency = QComboBox()
        for code in Frequency:
            self.frequency.addItem(label_text(code), code.value)
        self.applied_on = DateField(day)
        self.first_due = DateField(day + relativedelta(months=1))
        self.agreement = QLineEdit()
        self.preview = QLabel()
        self.preview.setWordWrap(True)

        self.form.addRow(tr("newloan.kind"), kind_row)
        self.form.addRow(tr("newloan.borrower"), self.borrower)
        self.form.addRow(tr("newloan.fund"), self.fund)
        self.form.addRow(tr("newloan.fund"), self.no_funds)
        self.form.addRow(tr("newloan.purpose"), self.purpose)
        self.form.addRow(tr("newloan.principal"), principal_row)
        self.form.addRow(tr("newloan.rate"), self.rate)
        self.form.addRow(tr("newloan.count"), self.count)
        self.form.addRow(tr("newloan.frequency"), self.frequency)
        self.form.addRow(tr("newloan.applied_on"), self.applied_on)
        self.form.addRow(tr("newloan.first_due"), self.first_due)
        self.form.addRow(tr("newloan.agreement"), self.agreement)
        self.form.addRow(self.preview)

        self.as_group.toggled.connect(self._fill_borrowers)
        self.fund.currentIndexChanged.connect(self._fund_chosen)
        for edit in (self.principal, self.rate, self.first_due):
            edit.textChanged.connect(self.update_preview)
        self.count.valueChanged.connect(self.update_preview)
        self.frequency.currentIndexChanged.connect(self.update_preview)
        if household_id is not None:
            self.as_household.setChecked(True)
            self.choose_borrower(household_id)
        else:
            self.as_group.setChecked(True)
        self._fund_chosen()
        self._show_funds()

    def _show_funds(self) -> None:
        """No fund yet: say so and offer the settings, instead of an empty list."""
        has = bool(self.choices.funds)
        self.form.setRowVisible(self.fund, has)
        self.form.setRowVisible(self.no_funds, not has)
        self.save_button.setEnabled(has)

    def open_fund_settings(self) -> None:
        from ui.setup.settings import SettingsDialog  # the settings import widgets this dialog does not need

        if not SettingsDialog.ask(self, self.db, "funds"):
            return
        chosen = self.borrower_id()
        self.choices = load_choices(self.db)
        self.fund.clear()
        for f in self.choices.funds:
            self.fund.addItem(f.name, f.id)
        self._fill_borrowers()  # the settings may have added groups too
        if chosen is not None:
            self.borrower.setCurrentIndex(self.borrower.findData(chosen))
        self._fund_chosen()
        self._show_funds()

    # --- the form -------------------------------------------------------------------------------------

    def _fill_borrowers(self, *_) -> None:
        items = self.choices.groups if self.as_group.isChecked() else self.choices.households
        self.borrower.clear()
        for c in items:
            self.borrower.addItem(c.label, c.id)
        self.borrower.setCurrentIndex(-1)
        completer = QCompleter([c.label for c in items], self.borrower)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # a name typed from its middle finds it
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.borrower.setCompleter(completer)

    def choose_borrower(self, borrower_id: str) -> None:
        self._fill_borrowers()
        self.borrower.setCurrentIndex(self.borrower.findData(borrower_id))

    def _fund_chosen(self, *_) -> None:
        fund = self._fund()
        most = fund.max_loan_satang if fund is not None else None
        self.limit.setText("" if most is None else tr("newloan.limit", amount=money_text(most)))
        if fund is None:
            return
        self.rate.setText(f"{fund.rate_bp / 100:g}")
        self.count.setValue(fund.default_instalments)
        self.frequency.setCurrentIndex(max(0, self.frequency.findData(fund.default_frequency)))
        self.update_preview()

    def _fund(self) -> Fund | None:
        return next((f for f in self.choices.funds if f.id == self.fund.currentData()), None)

    def borrower_id(self) -> str | None:
        """The chosen borrower; a typed text must name exactly one of the list."""
        text = self.borrower.currentText().strip()
        index = self.borrower.findText(text, Qt.MatchFlag.MatchExactly)
        return self.borrower.itemData(index) if index >= 0 else None

    def update_preview(self, *_) -> None:
        """What each instalment will be, before anything is saved; or why it cannot be worked out yet."""
        try:
            principal = parse_baht(self.principal.text())
            if principal <= 0:
                self.preview.setText(tr("newloan.preview_empty"))
                return
            if (fund := self._fund()) is not None:
                check_fund_limit(principal, fund.name, fund.max_loan_satang)  # said before saving, as saving says it
            planned = plan(principal, self.count.value(), self.frequency.currentData(), self.first_due.value(),
                           parse_rate(self.rate.text()))
        except InputError as exc:
            self.preview.setText(error_text(exc))
            return
        total = sum(p.principal_satang + p.interest_satang for p in planned)
        first = planned[0].principal_satang + planned[0].interest_satang
        self.preview.setText(tr("newloan.preview", n=len(planned), first=money_text(first),
                                total=money_text(total), last=day_text(planned[-1].due_date)))

    def save(self) -> None:
        borrower = self.borrower_id()
        if borrower is None:
            raise input_error("newloan.no_borrower")
        if self.fund.currentData() is None:
            raise input_error("newloan.no_fund")
        principal = parse_baht(self.principal.text())
        if principal <= 0:
            raise input_error("error.amount_positive")
        is_group = self.as_group.isChecked()
        with self.db.session() as s:
            loan = lending.add_loan(
                s, fund_id=self.fund.currentData(), principal_satang=principal, instalments=self.count.value(),
                first_due=self.first_due.value(), applied_on=self.applied_on.value(),
                group_id=borrower if is_group else None, household_id=None if is_group else borrower,
                purpose=self.purpose.text().strip(), rate_bp=parse_rate(self.rate.text()),
                frequency=self.frequency.currentData(), agreement_no=self.agreement.text().strip())
            self.loan_id = loan.id

    @classmethod
    def ask(cls, parent, db: Database, day: date, household_id: str | None = None) -> str | None:
        """The new loan's id, or None when the officer cancelled."""
        dialog = cls(db, day, household_id, parent=parent)
        return dialog.loan_id if dialog.exec() == FormDialog.DialogCode.Accepted else None
