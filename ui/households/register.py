"""The household register (ครัวเรือน): every target household in one list, searched and filtered.

Columns: head, village, house number, source (TPMAP or found in the field), status, needs by TPMAP
dimension, the plan's revision, when the facts were last verified on site, and the stale flag – a
household not checked on site for longer than the office allows is highlighted, so desk-entered data
is told from field-checked data.
"""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool.thai import normalize_search, thai_sort_key
from fieldtool.vocabulary import Dimension, HouseholdSource, HouseholdStatus
from ui.households.data import HouseholdRow, load_register
from ui.i18n import day_text, tr
from ui.labels import STATUS_COLORS, dimension_text, source_text, status_text
from ui.qt import (
    QCheckBox,
    QColor,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    Signal,
    emit,
)
from ui.registerpage import RegisterPage
from ui.tablemodel import Column, RowTableModel
from ui.widgets import MessageBar, empty_note, filter_box, make_table

STALE_FG, STALE_BG = QColor("#b71c1c"), QColor("#fdecea")


def source_short(code: str) -> str:
    """For a list column: "TPMAP" or "นอก TPMAP"; the page shows the whole label."""
    return tr(f"source_short.{code}") if HouseholdSource.parse(code) is not None else code


def needs_text(row: HouseholdRow) -> str:
    return ", ".join(dimension_text(d) for d in row.needs) or "–"


def plan_text(row: HouseholdRow) -> str:
    return tr("households.plan_revision", n=row.plan_revision) if row.plan_revision else "–"


def verified_text(row: HouseholdRow) -> str:
    """When the facts were last checked on site; a stale household is flagged ⚠ (highlighted in the list)."""
    text = day_text(row.last_verified) if row.last_verified else tr("households.never_verified")
    return f"⚠ {text}" if row.stale else text


HOUSEHOLD_COLUMNS = [
    Column("col.head", lambda r: r.head, sort_key=lambda r: thai_sort_key(r.sort_name), max_width=220),
    Column("col.village", lambda r: r.village, sort_key=lambda r: (r.moo, r.village), max_width=170),
    Column("col.house_no", lambda r: r.house_no or "–", "right", sort_key=lambda r: r.house_no),
    Column("col.source", lambda r: source_short(r.source), tooltip=lambda r: source_text(r.source)),
    Column(
        "col.hh_status",
        lambda r: status_text(r.status),
        sort_key=lambda r: list(HouseholdStatus).index(r.status) if HouseholdStatus.parse(r.status) is not None else 99,
        color=lambda r: QColor(STATUS_COLORS.get(r.status, "#000000")),
    ),
    Column(
        "col.needs",
        needs_text,
        max_width=200,
        tooltip=lambda r: "\n".join(f"{dimension_text(d)}: {text}" for d, text in r.needs.items()) or None,
    ),
    Column("col.plan", plan_text, sort_key=lambda r: r.plan_revision or 0),
    Column(
        "col.last_verified",
        verified_text,
        "right",
        sort_key=lambda r: (not r.stale, r.last_verified or date.min),
        color=lambda r: STALE_FG if r.stale else None,
        background=lambda r: STALE_BG if r.stale else None,
        bold=lambda r: r.stale,
        tooltip=lambda r: tr("households.stale_tip") if r.stale else None,
    ),
]
HEAD_COLUMN = 0


class HouseholdModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(HOUSEHOLD_COLUMNS, parent)

    def row_of(self, household_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == household_id), -1)


def filter_households(
    rows: list[HouseholdRow], query: str = "", village=None, status=None, need=None, stale_only=False
) -> list[HouseholdRow]:
    q = normalize_search(query)
    return [
        r
        for r in rows
        if (not q or q in r.search_text)
        and (village is None or r.village_id == village)
        and (status is None or r.status == status)
        and (need is None or need in r.needs)
        and (not stale_only or r.stale)
    ]


class HouseholdsView(RegisterPage):
    changed = Signal()
    open_household = Signal(str)
    new_visit = Signal(str)  # household id

    load_rows = staticmethod(load_register)
    EMPTY_TEXTS = ("households.loading", "households.none", "households.no_match")
    _all: list[HouseholdRow]

    def __init__(self, db: Database, day: date, parent=None):
        super().__init__(db, day, parent)

        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("households.search"))
        self.search.setClearButtonEnabled(True)
        self.village = filter_box()
        self.status = filter_box()
        self.status.addItem(tr("filter.all_statuses"), None)
        for status in HouseholdStatus:
            self.status.addItem(status_text(status), status.value)
        self.need = filter_box()
        self.need.addItem(tr("filter.all_needs"), None)
        for dimension in Dimension:
            self.need.addItem(dimension_text(dimension), dimension.value)
        self.stale_only = QCheckBox(tr("households.stale_only"))
        self._typing = QTimer(self, singleShot=True, interval=150)
        self._typing.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._typing.start)
        for combo in (self.village, self.status, self.need):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.stale_only.toggled.connect(self.apply_filters)

        self.model = HouseholdModel(self)
        self.view = make_table(self.model, sortable=True)
        self.view.sortByColumn(HEAD_COLUMN, Qt.SortOrder.AscendingOrder)
        self.view.activated.connect(lambda idx: emit(self.open_household, self.model.row_at(idx.row()).id))
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.message = MessageBar()
        self.count = QLabel()
        self.empty = empty_note(self.view, self.empty_text)

        self.add_button = QPushButton(tr("households.add"))
        self.add_button.clicked.connect(self.add_household)
        self.open_button = QPushButton(tr("households.open"))
        self.open_button.clicked.connect(self.open_selected)
        self.visit_button = QPushButton(tr("households.new_visit"))
        self.visit_button.clicked.connect(self.visit_selected)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for label, combo in (
            (tr("filter.village"), self.village),
            (tr("filter.status"), self.status),
            (tr("filter.need"), self.need),
        ):
            bar.addWidget(QLabel(label))
            bar.addWidget(combo, 1)
        bar.addWidget(self.stale_only)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.visit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def _fill_choices(self) -> None:
        chosen = self.village.currentData()
        villages = sorted({(r.moo, r.village_id, r.village) for r in self._all})
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(tr("filter.all_villages"), None)
        for _, vid, label in villages:
            self.village.addItem(label, vid)
        self.village.setCurrentIndex(max(0, self.village.findData(chosen)))
        self.village.blockSignals(False)

    def apply_filters(self) -> None:
        rows = filter_households(
            self._all,
            self.search.text(),
            self.village.currentData(),
            self.status.currentData(),
            self.need.currentData(),
            self.stale_only.isChecked(),
        )
        self.model.set_rows(rows)
        stale = sum(1 for r in rows if r.stale)
        self.count.setText(tr("households.count", shown=len(rows), total=len(self._all), stale=stale))
        self._update_buttons()

    # --- actions --------------------------------------------------------------------------------------

    def selected(self) -> HouseholdRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self, *_) -> None:
        has = self.selected() is not None
        self.open_button.setEnabled(has)
        self.visit_button.setEnabled(has)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            emit(self.open_household, row.id)

    def visit_selected(self) -> None:
        row = self.selected()
        if row is not None:
            emit(self.new_visit, row.id)

    def add_household(self) -> None:
        from ui.households.dialogs import AddHouseholdDialog

        answer = AddHouseholdDialog.ask(self, self.db, self.village.currentData())
        if answer is None:
            return
        what, household_id = answer
        if what == "new":
            self.message.show_info(tr("households.added"))
            emit(self.changed)
            self.refresh()
        emit(self.open_household, household_id)
