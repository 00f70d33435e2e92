"""กองทุน: the funds a loan can be made from, each with its rules – kind, flat interest per year or none,
the default number of instalments and their frequency, the maximum loan (วงเงินกู้สูงสุดต่อสัญญา, empty for
none) – and, folded under "advanced", when each ask step (ทวงถาม) falls due and when the demand letters go
out, shown with their defaults.

The list holds the saved funds and those drafted on screen; the form below edits the chosen one. Saving
goes through `funds.add_fund` and `funds.edit_fund`; a loan keeps the rules of the day it was made, so
editing a fund changes only the loans made afterwards (the tab says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from fieldtool import funds
from fieldtool.setup import SetupView
from fieldtool.text import Text
from fieldtool.thai import InputError, format_baht
from fieldtool.vocabulary import AskStep, Frequency, FundKind
from ui.i18n import error_text, label_text, money_text, text_of, tr
from ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    Qt,
    QToolButton,
    QWidget,
)
from ui.setup.part import (
    DraftTableModel,
    SetupPart,
    column,
    draft_table,
    hint_label,
    state_color,
    state_text,
)


@dataclass(eq=False)
class FundRow:
    id: str | None  # None: drafted on screen
    name: str = ""
    kind: str = "women"
    rate: str = ""  # per cent a year as typed; "" or "0" is no interest
    instalments: int = 12
    frequency: str = "monthly"
    ladder: tuple[tuple[int, str], ...] = funds.DEFAULT_LADDER
    demand_days: tuple[int, int, int] = funds.DEFAULT_DEMAND_DAYS
    demand_gap: int = funds.DEFAULT_DEMAND_GAP
    loans: int = 0
    max_loan: str = ""  # baht as typed; "" is none of the fund's own
    saved_values: dict = field(default_factory=dict)

    RULES = ("name", "kind", "rate_bp", "instalments", "frequency", "ladder", "demand_days", "demand_gap",
             "max_loan")

    @property
    def saved(self) -> bool:
        return self.id is not None

    def rate_bp(self) -> int | None:
        try:
            return funds.parse_rate(self.rate)
        except InputError:
            return None

    def max_loan_satang(self) -> int | str | None:
        """The maximum in satang, None for none, or the text as typed when it cannot be read (so it counts
        as a change and saving says why)."""
        try:
            return funds.parse_max_loan(self.max_loan)
        except InputError:
            return self.max_loan

    def values(self) -> dict:
        return {
            "name": " ".join(self.name.split()), "kind": self.kind, "rate_bp": self.rate_bp(),
            "instalments": self.instalments, "frequency": self.frequency, "ladder": tuple(self.ladder),
            "demand_days": tuple(self.demand_days), "demand_gap": self.demand_gap,
            "max_loan": self.max_loan_satang(),
        }

    def changes(self) -> dict:
        now = self.values()
        return {k: v for k, v in now.items() if v != self.saved_values.get(k)}

    @property
    def edited(self) -> bool:
        return self.saved and bool(self.changes())

    def blank(self) -> bool:
        """A drafted fund nobody has touched: left out when saving."""
        return not self.saved and self.values() == FundRow(None).values()


def rate_text(row: FundRow) -> str:
    bp = row.rate_bp()
    if bp is None:
        return row.rate
    return tr("setup.funds.rate_value", rate=f"{bp / 100:g}") if bp else tr("setup.funds.no_interest")


def max_loan_text(row: FundRow) -> str:
    most = row.max_loan_satang()
    if isinstance(most, str):
        return most
    return tr("setup.funds.no_limit") if most is None else money_text(most)


def limit_text(row: FundRow) -> str:
    """The maximum loan inside a sentence: "at most 50,000.00 baht a loan" or "no maximum loan"."""
    most = row.max_loan_satang()
    if isinstance(most, str):
        return most
    return tr("setup.funds.limit_none") if most is None else tr("setup.funds.limit_value", amount=money_text(most))


def kind_text(kind: str) -> str:
    known = FundKind.parse(kind)
    return text_of(known.label) if known is not None else kind


def frequency_text(code: str) -> str:
    known = Frequency.parse(code)
    return label_text(known) if known is not None else code


def step_text(step: str) -> str:
    known = AskStep.parse(step)
    return label_text(known) if known is not None else step


class FundsPart(SetupPart):
    KEY = "funds"

    def __init__(self, view: SetupView, parent=None):
        super().__init__(parent)
        self._filling = False
        self.refused_row: FundRow | None = None
        self.model = DraftTableModel(
            [
                column("setup.col.fund", lambda r: r.name or tr("setup.funds.unnamed"), max_width=300),
                column("setup.col.kind", lambda r: kind_text(r.kind), max_width=200),
                column("setup.col.rate", rate_text),
                column("setup.col.term", lambda r: tr("setup.funds.term", n=r.instalments,
                                                      frequency=frequency_text(r.frequency))),
                column("setup.col.max_loan", max_loan_text, "right"),
                column("setup.col.loans", lambda r: str(r.loans) if r.saved else "", "right"),
                column("setup.col.state", lambda r: state_text(r.saved, r.edited),
                       color=lambda r: state_color(r.saved, r.edited)),
            ],
            parent=self,
        )
        self.view = draft_table(self.model)
        self.view.setMinimumHeight(110)
        self.view.setMaximumHeight(170)
        self.view.selectionModel().selectionChanged.connect(self._chosen)
        self.add_button = QPushButton(tr("setup.funds.add"))
        self.add_button.clicked.connect(self.add_fund)
        self.remove_button = QPushButton(tr("setup.funds.remove"))
        self.remove_button.setToolTip(tr("setup.funds.remove_tip"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.old_rules_note = hint_label(tr("setup.funds.old_rules"))
        self.old_rules_note.setStyleSheet("QLabel { color: #8d5a00; background: #fff8e1; padding: 6px; }")
        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        top.addStretch(1)
        self.box.addWidget(self.old_rules_note)
        self.box.addLayout(top)
        self.box.addWidget(self.view)
        self.editor = self._build_form()
        self.box.addWidget(self.editor)
        self.box.addStretch(1)
        self.load(view)

    # --- the form of the chosen fund ------------------------------------------------------------------

    def _build_form(self) -> QWidget:
        editor = QWidget()
        form = QFormLayout(editor)
        form.setContentsMargins(0, 6, 0, 0)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("setup.funds.name_hint"))
        self.kind = QComboBox()
        for kind in FundKind:
            self.kind.addItem(kind_text(kind), kind.value)
        self.rate = QLineEdit()
        self.rate.setPlaceholderText(tr("setup.funds.no_interest"))
        self.rate.setFixedWidth(self.rate.fontMetrics().horizontalAdvance("ไม่มีดอกเบี้ย") + 60)
        self.rate.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.rate_check = QLabel()
        rate_row = QHBoxLayout()
        rate_row.addWidget(self.rate)
        rate_row.addWidget(QLabel(tr("setup.funds.per_year")))
        rate_row.addWidget(self.rate_check, 1)
        self.instalments = QSpinBox()
        self.instalments.setRange(1, funds.MAX_INSTALMENTS)
        self.frequency = QComboBox()
        for code in Frequency:
            self.frequency.addItem(frequency_text(code), code.value)
        term_row = QHBoxLayout()
        term_row.addWidget(self.instalments)
        term_row.addWidget(QLabel(tr("setup.funds.instalments_unit")))
        term_row.addWidget(self.frequency)
        term_row.addStretch(1)
        self.max_loan = QLineEdit()
        self.max_loan.setPlaceholderText(tr("setup.funds.no_limit"))
        self.max_loan.setFixedWidth(self.max_loan.fontMetrics().horizontalAdvance("10,000,000.00") + 40)
        self.max_loan.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.max_loan_check = QLabel()
        self.max_loan_check.setWordWrap(True)
        self.max_loan_check.setStyleSheet("QLabel { color: #8e1c1c; }")
        max_loan_row = QHBoxLayout()
        max_loan_row.addWidget(self.max_loan)
        max_loan_row.addWidget(QLabel(tr("setup.funds.max_loan_unit")))
        max_loan_row.addWidget(self.max_loan_check, 1)
        form.addRow(tr("setup.funds.name") + " *", self.name)
        form.addRow(tr("setup.funds.kind"), self.kind)
        form.addRow(tr("setup.funds.rate"), rate_row)
        form.addRow(tr("setup.funds.term_label"), term_row)
        form.addRow(tr("setup.funds.max_loan"), max_loan_row)

        # Advanced: the ask ladder and the demand letters, folded away with their defaults showing.
        self.fold = QToolButton()
        self.fold.setCheckable(True)
        self.fold.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.fold.setArrowType(Qt.ArrowType.RightArrow)
        self.fold.setText(tr("setup.funds.advanced"))
        self.fold.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
        self.fold.toggled.connect(self._fold)
        self.rules_line = QLabel()
        self.rules_line.setWordWrap(True)
        self.rules_line.setStyleSheet("QLabel { color: #546e7a; }")
        form.addRow(self.fold)
        form.addRow(self.rules_line)
        self.advanced = QWidget()
        grid = QGridLayout(self.advanced)
        grid.setContentsMargins(18, 0, 0, 0)
        grid.addWidget(QLabel(tr("setup.funds.ladder")), 0, 0, 1, 4)
        self.steps: dict[str, tuple[QCheckBox, QSpinBox]] = {}
        for n, step in enumerate(AskStep, start=1):
            use = QCheckBox(step_text(step))
            days = QSpinBox()
            days.setRange(1, 999)
            grid.addWidget(use, n, 0)
            grid.addWidget(QLabel(tr("setup.funds.from_day")), n, 1)
            grid.addWidget(days, n, 2)
            grid.addWidget(QLabel(tr("setup.funds.days_overdue")), n, 3)
            self.steps[step] = (use, days)
        row = len(AskStep) + 1
        grid.addWidget(QLabel(tr("setup.funds.demand")), row, 0, 1, 4)
        self.demand: list[QSpinBox] = []
        for n, key in enumerate(("setup.funds.demand_1", "setup.funds.demand_2", "setup.funds.demand_final")):
            days = QSpinBox()
            days.setRange(1, 999)
            grid.addWidget(QLabel(tr(key)), row + 1 + n, 0)
            grid.addWidget(QLabel(tr("setup.funds.from_day")), row + 1 + n, 1)
            grid.addWidget(days, row + 1 + n, 2)
            grid.addWidget(QLabel(tr("setup.funds.days_overdue")), row + 1 + n, 3)
            self.demand.append(days)
        self.gap = QSpinBox()
        self.gap.setRange(0, 365)
        grid.addWidget(QLabel(tr("setup.funds.gap")), row + 4, 0)
        grid.addWidget(self.gap, row + 4, 2)
        grid.addWidget(QLabel(tr("setup.funds.days")), row + 4, 3)
        self.defaults_button = QPushButton(tr("setup.funds.defaults"))
        self.defaults_button.clicked.connect(self.use_default_rules)
        grid.addWidget(self.defaults_button, row + 5, 0)
        grid.setColumnStretch(4, 1)
        self.advanced.hide()
        form.addRow(self.advanced)

        self.name.textChanged.connect(self._edited)
        self.rate.textChanged.connect(self._edited)
        self.max_loan.textChanged.connect(self._edited)
        self.kind.currentIndexChanged.connect(self._edited)
        self.frequency.currentIndexChanged.connect(self._edited)
        self.instalments.valueChanged.connect(self._edited)
        for use, days in self.steps.values():
            use.toggled.connect(self._edited)
            days.valueChanged.connect(self._edited)
        for days in (*self.demand, self.gap):
            days.valueChanged.connect(self._edited)
        return editor

    def _fold(self, open_: bool) -> None:
        self.fold.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        self.advanced.setVisible(open_)
        self.rules_line.setVisible(not open_)  # folded, the rules are one line; open, the fields say it

    def current(self) -> FundRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _chosen(self, *_) -> None:
        row = self.current()
        self.editor.setEnabled(row is not None)
        self.remove_button.setEnabled(row is not None and not row.saved)
        if row is None:
            return
        self._filling = True
        try:
            self.name.setText(row.name)
            self.kind.setCurrentIndex(max(0, self.kind.findData(row.kind)))
            self.rate.setText(row.rate)
            self.max_loan.setText(row.max_loan)
            self.instalments.setValue(row.instalments)
            self.frequency.setCurrentIndex(max(0, self.frequency.findData(row.frequency)))
            self._show_rules(row)
        finally:
            self._filling = False
        self._show_checks(row)

    def _show_rules(self, row: FundRow) -> None:
        ladder = dict((step, days) for days, step in row.ladder)
        defaults = dict((step, days) for days, step in funds.DEFAULT_LADDER)
        for step, (use, days) in self.steps.items():
            use.setChecked(step in ladder)
            days.setValue(ladder.get(step, defaults[step]))
        for spin, value in zip(self.demand, row.demand_days, strict=True):
            spin.setValue(value)
        self.gap.setValue(row.demand_gap)

    def _edited(self, *_) -> None:
        row = self.current()
        if self._filling or row is None:
            return
        row.name = self.name.text()
        row.kind = self.kind.currentData()
        row.rate = self.rate.text().strip()
        row.max_loan = self.max_loan.text().strip()
        row.instalments = self.instalments.value()
        row.frequency = self.frequency.currentData()
        row.ladder = tuple(sorted((days.value(), step) for step, (use, days) in self.steps.items() if use.isChecked()))
        row.demand_days = tuple(spin.value() for spin in self.demand)
        row.demand_gap = self.gap.value()
        self.model.row_changed(self.model.rows.index(row))
        self._show_checks(row)
        self._changed()

    def _show_checks(self, row: FundRow) -> None:
        try:
            funds.parse_rate(row.rate)
            self.rate_check.setText("")
        except InputError as exc:
            self.rate_check.setText(error_text(exc))
        self.rate_check.setStyleSheet("QLabel { color: #8e1c1c; }")
        try:
            funds.parse_max_loan(row.max_loan)
            self.max_loan_check.setText("")
        except InputError as exc:
            self.max_loan_check.setText(error_text(exc))
        ladder = ", ".join(tr("setup.funds.rung", step=step_text(s), days=d) for d, s in row.ladder) or "–"
        self.rules_line.setText(tr(
            "setup.funds.rules_line", ladder=ladder, demand=", ".join(str(d) for d in row.demand_days),
            gap=row.demand_gap,
        ))

    def use_default_rules(self) -> None:
        row = self.current()
        if row is None:
            return
        self._filling = True
        try:
            self._show_rules(replace(row, ladder=funds.DEFAULT_LADDER, demand_days=funds.DEFAULT_DEMAND_DAYS,
                                     demand_gap=funds.DEFAULT_DEMAND_GAP))
        finally:
            self._filling = False
        self._edited()

    # --- rows ------------------------------------------------------------------------------------------

    def load(self, view: SetupView) -> None:
        rows = []
        for f in view.funds:
            row = FundRow(
                f.id, f.name, f.kind, f"{f.rate_bp / 100:g}" if f.rate_bp else "", f.default_instalments,
                f.default_frequency, tuple(f.ask_ladder), tuple(f.demand.days), f.demand.gap, f.loans,
                "" if f.max_loan_satang is None else format_baht(f.max_loan_satang),
            )
            row.saved_values = row.values()
            rows.append(row)
        if not rows:
            rows.append(FundRow(None))  # a blank fund ready to fill in; left out if nobody does
        self.model.set_rows(rows)
        self.old_rules_note.setVisible(any(r.saved for r in rows))
        self.view.selectRow(0)
        self._chosen()

    def rows(self) -> list[FundRow]:
        return self.model.rows

    def add_fund(self) -> FundRow:
        row = FundRow(None)
        self.view.selectRow(self.model.append(row))
        self.name.setFocus()
        self._changed()
        return row

    def remove_selected(self) -> None:
        row = self.current()
        if row is None or row.saved:
            return
        self.model.remove_row(self.model.rows.index(row))
        if self.model.rowCount():
            self.view.selectRow(0)
        self._chosen()
        self._changed()

    # --- saving ----------------------------------------------------------------------------------------

    @staticmethod
    def _rules(row: FundRow, changes: dict) -> dict:
        """The keyword arguments of add_fund/edit_fund for what changed (the rate parsed, so it can refuse)."""
        out = {}
        if "rate_bp" in changes:
            out["rate_bp"] = funds.parse_rate(row.rate)
        if "instalments" in changes:
            out["default_instalments"] = row.instalments
        if "frequency" in changes:
            out["default_frequency"] = row.frequency
        if "ladder" in changes:
            out["ask_ladder"] = row.ladder if row.ladder != funds.DEFAULT_LADDER else None
        if "demand_days" in changes:
            out["demand_days"] = row.demand_days
        if "demand_gap" in changes:
            out["demand_gap"] = row.demand_gap
        if "max_loan" in changes:
            out["max_loan_satang"] = funds.parse_max_loan(row.max_loan)
        return out

    def apply(self, session) -> None:
        for row in self.rows():
            if row.blank() or not (row.edited or not row.saved):
                continue
            self.refused_row = row  # until the domain has taken it
            if not row.ladder:  # the domain would read an empty ladder as "the default one"
                raise InputError(Text(f"{row.name}: ต้องมีขั้นการทวงถามอย่างน้อยหนึ่งขั้น",
                                      f"{row.name}: the ask ladder needs at least one step"))
            if not row.saved:
                funds.add_fund(session, row.name, row.kind, **self._rules(row, dict.fromkeys(FundRow.RULES)))
                continue
            changes = row.changes()
            kwargs = self._rules(row, changes)
            if "name" in changes:
                kwargs["name"] = row.name
            if "kind" in changes:
                kwargs["kind"] = row.kind
            funds.edit_fund(session, row.id, **kwargs)
        self.refused_row = None

    def show_error(self, sentence: str) -> None:
        if self.refused_row is not None and self.refused_row in self.rows():
            self.view.selectRow(self.model.rows.index(self.refused_row))  # the fund the sentence is about
        super().show_error(sentence)

    def summary(self) -> list[str]:
        lines = []
        for row in self.rows():
            if row.blank():
                continue
            if not row.saved:
                lines.append(tr("setup.summary.fund_new", name=row.name, kind=kind_text(row.kind), rate=rate_text(row),
                                term=tr("setup.funds.term", n=row.instalments, frequency=frequency_text(row.frequency)),
                                limit=limit_text(row)))
            elif row.edited:
                lines.append(tr("setup.summary.fund_edited", name=row.name))
        return lines
