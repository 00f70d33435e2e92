"""สรุปแผนครัวเรือน: what the district puts into its development plans, from `plans.plans_summary`.

Actions due this month and overdue, households in need by TPMAP dimension (a bar chart, ui.charts), help
requested by agency with budgets, and households by status. A double-click on an action opens the
household.
"""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool import plans
from fieldtool.plans import PlansSummary
from fieldtool.thai import thai_sort_key
from fieldtool.vocabulary import Dimension, HouseholdStatus
from ui import worker
from ui.charts import BarChart
from ui.i18n import day_text, long_day_text, money_text, tr
from ui.labels import STATUS_COLORS, dimension_text, part_title, status_text
from ui.layouts import captioned
from ui.plans.model import action_status_text
from ui.qt import (
    QColor,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.tablemodel import Column, RowTableModel
from ui.widgets import MessageBar, empty_note, fit_columns, make_table, section_title

RED = QColor("#c62828")


def action_columns(overdue: bool) -> list[Column]:
    return [
        Column(
            "col.due_date",
            lambda a: day_text(a.due_on) or "–",
            "right",
            sort_key=lambda a: a.due_on or date.max,
            color=(lambda a: RED) if overdue else None,
        ),
        Column("col.head", lambda a: a.head, sort_key=lambda a: thai_sort_key(a.head), max_width=200),
        Column("col.village", lambda a: a.village, max_width=160),
        Column("col.part", lambda a: part_title(a.part)),
        Column("col.plan_action", lambda a: a.what, max_width=300),
        Column("col.helper", lambda a: a.helper or "–", max_width=200),
        Column(
            "col.budget",
            lambda a: money_text(a.budget_satang) if a.budget_satang else "–",
            "right",
            sort_key=lambda a: a.budget_satang,
        ),
        Column("col.status", lambda a: action_status_text(a.status)),
    ]


AGENCY_COLUMNS = [
    Column("col.agency", lambda r: r[0], sort_key=lambda r: thai_sort_key(r[0]), max_width=320),
    Column("col.actions", lambda r: f"{r[1]['actions']:,}", "right", sort_key=lambda r: r[1]["actions"]),
    Column("col.open_actions", lambda r: f"{r[1]['open']:,}", "right", sort_key=lambda r: r[1]["open"]),
    Column(
        "col.budget",
        lambda r: money_text(r[1]["budget_satang"]),
        "right",
        sort_key=lambda r: r[1]["budget_satang"],
    ),
]

STATUS_COLUMNS = [
    Column(
        "col.hh_status",
        lambda r: status_text(r[0]),
        color=lambda r: QColor(STATUS_COLORS.get(r[0], "#000000")),
    ),
    Column("col.households", lambda r: f"{r[1]:,}", "right"),
]


def load_summary(db: Database, day: date) -> PlansSummary:
    with db.session() as s:
        return plans.plans_summary(s, day)


class PlansSummaryView(QWidget):
    loaded = Signal()
    open_household = Signal(str)

    def __init__(self, db: Database, day: date, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.stale = True
        self.loads = worker.Latest(self)
        self.summary: PlansSummary | None = None

        self.title = section_title("")
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.message = MessageBar()
        self.chart = BarChart()
        self.statuses = RowTableModel(STATUS_COLUMNS, self)
        self.status_view = make_table(self.statuses)
        self.due = RowTableModel(action_columns(False), self)
        self.overdue = RowTableModel(action_columns(True), self)
        self.agencies = RowTableModel(AGENCY_COLUMNS, self)
        self.due_view = make_table(self.due, sortable=True)
        self.overdue_view = make_table(self.overdue, sortable=True)
        self.agency_view = make_table(self.agencies, sortable=True)
        for view, model in ((self.due_view, self.due), (self.overdue_view, self.overdue)):
            view.activated.connect(
                lambda idx, m=model: emit(self.open_household, m.row_at(idx.row()).household_id)
            )
        self.empty_notes = {
            name: empty_note(view, lambda k=f"summary.none_{name}": tr(k) if self.loads.started else "")
            for name, view in (
                ("due", self.due_view),
                ("overdue", self.overdue_view),
                ("agencies", self.agency_view),
            )
        }
        self.tabs = QTabWidget()
        self.tabs.addTab(self.due_view, "")
        self.tabs.addTab(self.overdue_view, "")
        self.tabs.addTab(self.agency_view, "")

        top = QHBoxLayout()
        top.addWidget(captioned(tr("summary.needs_chart"), self.chart), 1)
        top.addWidget(captioned(tr("summary.statuses"), self.status_view))
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.totals)
        layout.addWidget(self.message)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def set_day(self, day: date) -> None:
        self.day = day
        self.stale = True

    def refresh(self) -> None:
        self.stale = False
        day = self.day
        self.title.setText(tr("summary.title", day=long_day_text(day)))
        self.loads.run(lambda: load_summary(self.db, day), self._loaded, self._failed)

    def _loaded(self, summary: PlansSummary) -> None:
        self.summary = summary
        budget = sum(v["budget_satang"] for v in summary.help_by_agency.values())
        self.totals.setText(
            tr(
                "summary.totals",
                plans=summary.households_with_plans,
                due=len(summary.due_this_month),
                overdue=len(summary.overdue),
                agencies=len(summary.help_by_agency),
                budget=money_text(budget),
            )
        )
        needs = [(dimension_text(d), summary.needs_by_dimension.get(d, 0)) for d in Dimension]
        self.chart.set_items(needs if any(n for _, n in needs) else [], empty_text=tr("summary.no_needs"))
        self.statuses.set_rows([(code, summary.status_counts.get(code, 0)) for code in HouseholdStatus])
        self.due.set_rows(summary.due_this_month)
        self.overdue.set_rows(summary.overdue)
        self.agencies.set_rows(list(summary.help_by_agency.items()))
        self.tabs.setTabText(0, tr("summary.due", n=len(summary.due_this_month)))
        self.tabs.setTabText(1, tr("summary.overdue", n=len(summary.overdue)))
        self.tabs.setTabText(2, tr("summary.agencies", n=len(summary.help_by_agency)))
        for view in (self.status_view, self.due_view, self.overdue_view, self.agency_view):
            fit_columns(view)
        line = self.status_view.verticalHeader().defaultSectionSize()
        self.status_view.setFixedHeight(
            self.status_view.horizontalHeader().minimumHeight() + len(HouseholdStatus) * line + 4
        )
        self.status_view.setFixedWidth(
            self.status_view.horizontalHeader().length() + 2 * self.status_view.frameWidth() + 6
        )
        emit(self.loaded)

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(exc)
        emit(self.loaded)
