"""The loan page's header: who borrowed, where, from which fund and for what; the agreement, its terms and
its ปตท. stage as a coloured badge; what is owed, overdue and due next. Names longer than their room are cut
in a set order (the purpose first) and read whole in their tooltip."""

from __future__ import annotations

from fieldtool.loanview import LoanPageData
from fieldtool.phone import format_phone
from fieldtool.vocabulary import Frequency, Stage
from ui.i18n import day_text, money_text, tr
from ui.labels import code_text
from ui.qt import QGridLayout, QLabel, Qt, QWidget
from ui.widgets import BADGE, STAGE_COLORS, ElidedLabel, share_header_room

FIELDS = (
    ("borrower", "phone", "village", "fund", "purpose"),
    ("agreement_no", "principal", "rate", "frequency", "stage"),
    ("outstanding", "arrears", "days_overdue", "next_due"),
)
# names that may be longer than their room, read whole in this order: the purpose is cut first
LONG_VALUES = ("borrower", "village", "fund", "purpose")


class LoanHeader(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.values: dict[str, QLabel] = {}
        for r, names in enumerate(FIELDS):
            for c, name in enumerate(names):
                caption = QLabel(tr(f"loan.{name}"))
                caption.setStyleSheet("QLabel { color: #546e7a; }")
                caption.setContentsMargins(12 if c else 0, 0, 0, 0)  # a gap after the value before it
                value = ElidedLabel() if name in LONG_VALUES else QLabel()
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.values[name] = value
                self.grid.addWidget(caption, r, c * 2)
                # the stage is a coloured badge as wide as its word: held left, not stretched, and not holding
                # its column (the purpose's, above it) to its own width as a Maximum size policy would
                self.grid.addWidget(value, r, c * 2 + 1, *((BADGE,) if name == "stage" else ()))
        self.values["borrower"].setStyleSheet("QLabel { font-weight: bold; }")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        share_header_room(self.grid, FIELDS, self.values, LONG_VALUES)  # the names' room changed

    def text(self, name: str) -> str:
        """What the header shows for `name` (borrower, outstanding, stage, ...)."""
        return self.values[name].text()

    def show_loan(self, data: LoanPageData) -> None:
        loan, info, state = data.loan, data.info, data.state
        v = self.values
        v["borrower"].setText(info.borrower)
        v["phone"].setText(format_phone(info.phone))
        v["agreement_no"].setText(loan.agreement_no or "–")
        v["village"].setText(info.village)
        v["fund"].setText(info.fund)
        v["purpose"].setText(loan.purpose or "–")
        share_header_room(self.grid, FIELDS, self.values, LONG_VALUES)
        v["principal"].setText(f"{money_text(loan.principal_satang)} {tr('unit.baht')}")
        v["rate"].setText(tr("loan.rate_value", rate=f"{loan.rate_bp / 100:.2f}"))
        v["frequency"].setText(
            tr(
                "loan.frequency_value",
                n=loan.instalments,
                frequency=code_text(Frequency, loan.frequency, in_sentence=True),
            )
        )
        stage = state.stage
        v["stage"].setText(code_text(Stage, stage))
        v["stage"].setStyleSheet(
            f"QLabel {{ background: {STAGE_COLORS[stage]}; color: white; padding: 2px 10px; border-radius: 8px; }}"
        )
        outstanding = state.outstanding_satang if stage != Stage.PREVENT else loan.principal_satang
        v["outstanding"].setText(f"{money_text(outstanding)} {tr('unit.baht')}")
        v["arrears"].setText(f"{money_text(state.arrears_satang)} {tr('unit.baht')}")
        v["arrears"].setStyleSheet(
            "QLabel { color: #c62828; font-weight: bold; }" if state.arrears_satang else ""
        )
        v["days_overdue"].setText(tr("loan.days", n=state.days_overdue) if state.days_overdue else "–")
        nxt = state.next_due
        v["next_due"].setText(
            f"{day_text(nxt.due_date)} · {money_text(nxt.remaining_satang)} {tr('unit.baht')}"
            if nxt and stage != Stage.PREVENT
            else "–"
        )
