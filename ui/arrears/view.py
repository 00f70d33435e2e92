"""Arrears on the working day, from `fieldtool.arrears.arrears_on`: what the district asks about first.

PAR30 = outstanding principal of loans more than 30 days overdue / outstanding principal of all running
loans (the domain computes it; this page only shows it).
"""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool.arrears import ArrearsReport, OverdueLoan, PortfolioLine, arrears_on
from fieldtool.thai import thai_sort_key
from ui import worker
from ui.i18n import day_text, long_day_text, money_text, tr
from ui.layouts import captioned
from ui.qt import QColor, QHBoxLayout, QLabel, QSplitter, Qt, QTabWidget, QVBoxLayout, QWidget, Signal, emit
from ui.tablemodel import Column, RowTableModel
from ui.widgets import MessageBar, fit_columns, make_table, section_title

RED = QColor("#c62828")


def par_text(line: PortfolioLine) -> str:
    return f"{line.par30 * 100:.1f}%"


def _is_total(line: PortfolioLine) -> bool:
    return line.key == "all"


def portfolio_columns(name_title: str) -> list[Column]:
    return [
        Column(
            name_title,
            lambda x: tr("arrears.total") if _is_total(x) else x.label,
            bold=_is_total,
            max_width=220,
        ),
        Column("col.loans", lambda x: str(x.loans), "right", sort_key=lambda x: x.loans, bold=_is_total),
        Column(
            "col.overdue_loans",
            lambda x: str(x.overdue_loans),
            "right",
            sort_key=lambda x: x.overdue_loans,
            bold=_is_total,
        ),
        Column(
            "col.outstanding_principal",
            lambda x: money_text(x.outstanding_principal),
            "right",
            sort_key=lambda x: x.outstanding_principal,
            bold=_is_total,
        ),
        Column(
            "col.at_risk_30",
            lambda x: money_text(x.at_risk_30_principal),
            "right",
            sort_key=lambda x: x.at_risk_30_principal,
            bold=_is_total,
        ),
        Column(
            "col.arrears",
            lambda x: money_text(x.arrears_satang),
            "right",
            sort_key=lambda x: x.arrears_satang,
            bold=_is_total,
        ),
        Column(
            "col.par30",
            par_text,
            "right",
            sort_key=lambda x: x.par30,
            bold=_is_total,
            color=lambda x: RED if x.par30 > 0.05 else None,
        ),
    ]


BUCKET_COLUMNS = [
    Column("col.bucket", lambda b: tr("arrears.bucket", range=b[0])),
    Column("col.loans", lambda b: str(b[1]), "right"),
    Column("col.arrears", lambda b: money_text(b[2]), "right"),
]

OVERDUE_COLUMNS = [
    Column("col.borrower", lambda o: o.info.borrower, sort_key=lambda o: thai_sort_key(o.info.sort_name)),
    Column("col.village", lambda o: o.info.village),
    Column("col.fund", lambda o: o.info.fund),
    Column(
        "col.days_overdue",
        lambda o: str(o.days_overdue),
        "right",
        sort_key=lambda o: o.days_overdue,
        color=lambda o: RED,
    ),
    Column("col.oldest_due", lambda o: day_text(o.oldest_due), "right", sort_key=lambda o: o.oldest_due),
    Column(
        "col.overdue_instalments",
        lambda o: str(o.overdue_instalments),
        "right",
        sort_key=lambda o: o.overdue_instalments,
    ),
    Column(
        "col.arrears", lambda o: money_text(o.arrears_satang), "right", sort_key=lambda o: o.arrears_satang
    ),
    Column(
        "col.outstanding",
        lambda o: money_text(o.outstanding_satang),
        "right",
        sort_key=lambda o: o.outstanding_satang,
    ),
]


def load_arrears(db: Database, day: date) -> ArrearsReport:
    with db.session() as s:
        return arrears_on(s, day)


class ArrearsView(QWidget):
    loaded = Signal()
    open_loan = Signal(str)

    def __init__(self, db: Database, day: date, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.stale = True
        self.loads = worker.Latest(self)
        self.report: ArrearsReport | None = None

        self.title = section_title("")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = MessageBar()
        self.buckets = RowTableModel(BUCKET_COLUMNS, self)
        self.by_fund = RowTableModel(portfolio_columns("col.fund"), self)
        self.by_village = RowTableModel(portfolio_columns("col.village"), self)
        self.overdue = RowTableModel(OVERDUE_COLUMNS, self)
        self.bucket_view = make_table(self.buckets)
        self.fund_view = make_table(self.by_fund)
        self.village_view = make_table(self.by_village)
        self.overdue_view = make_table(self.overdue, sortable=True)
        self.overdue_view.activated.connect(
            lambda idx: emit(self.open_loan, self.overdue.row_at(idx.row()).info.id)
        )

        # The five aging buckets are always seen whole; villages and loans share the room below.
        self.bucket_view.setMinimumHeight(
            self.bucket_view.horizontalHeader().minimumHeight()
            + 5 * self.bucket_view.verticalHeader().defaultSectionSize()
            + 4
        )
        self.bucket_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        top = QWidget()
        row = QHBoxLayout(top)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(captioned(section_title(tr("arrears.buckets")), self.bucket_view))
        row.addWidget(captioned(section_title(tr("arrears.by_fund")), self.fund_view), 1)
        self.lower = QTabWidget()
        self.lower.addTab(self.village_view, tr("arrears.by_village"))
        self.lower.addTab(self.overdue_view, tr("arrears.overdue"))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.lower)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

    def set_day(self, day: date) -> None:
        self.day = day
        self.stale = True

    def refresh(self) -> None:
        self.stale = False
        day = self.day
        self.title.setText(tr("arrears.title", day=long_day_text(day)))
        self.loads.run(lambda: load_arrears(self.db, day), self._loaded, self._failed)

    def _loaded(self, rep: ArrearsReport) -> None:
        self.report = rep
        total = rep.total
        self.summary.setText(
            tr(
                "arrears.summary",
                n=len(rep.overdue),
                arrears=money_text(total.arrears_satang),
                par=par_text(total),
                at_risk=money_text(total.at_risk_30_principal),
                outstanding=money_text(total.outstanding_principal),
            )
        )
        self.buckets.set_rows([(label, v["loans"], v["arrears_satang"]) for label, v in rep.buckets.items()])
        self.by_fund.set_rows([*rep.by_fund, total])
        self.by_village.set_rows([*rep.by_village, total])
        self.overdue.set_rows(rep.overdue)
        self.lower.setTabText(1, tr("arrears.overdue_n", n=len(rep.overdue)))
        for view in (self.bucket_view, self.fund_view, self.village_view, self.overdue_view):
            fit_columns(view)
        # The bucket list is as wide as its three columns; the fund table takes the rest.
        self.bucket_view.setFixedWidth(
            self.bucket_view.horizontalHeader().length() + 2 * self.bucket_view.frameWidth()
        )
        emit(self.loaded)

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(exc)
        emit(self.loaded)

    def overdue_loans(self) -> list[OverdueLoan]:
        return self.overdue.rows
