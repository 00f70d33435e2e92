"""ข้อขัดแย้งที่รอตรวจ: one field of one record changed on two laptops that had not seen each other.

The merge has already taken one value (the later change) so the district's figures never wait; the
clerk sees the record in words, the field, the value in use and the other one with who and when, and
either keeps the value in use or takes the other. The decision is a change of the office, so it travels
back to the field in the next return bundle. Decided conflicts can be shown too, for the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import DBAPIError

from db.office import OfficeDatabase
from fieldtool.officedesk import (
    ConflictItem,
    DoubleRestructure,
    ScheduleChoice,
    conflict_items,
    double_restructures,
    field_label,
    keep_schedule,
    table_label,
)
from fieldtool.phone import format_phone
from fieldtool.sync.conflicts import resolve_conflict
from fieldtool.thai import InputError, busy_error, format_baht
from fieldtool.vocabulary import ConflictStatus
from ui import worker
from ui.i18n import day_text, label_text, language, local_time_text, tr
from ui.qt import (
    QCheckBox,
    QColor,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.tablemodel import Column, RowTableModel
from ui.widgets import MessageBar, empty_note, fit_columns, make_table, section_title

AMBER = QColor("#e65100")


def value_text(field: str, value, words: str = "") -> str:
    """A value as the officer typed it: baht for money, a Buddhist-Era date, yes/no, (empty); a record it
    points at by its name (`words`, from fieldtool.officedesk), never by its id."""
    if value is None or value == "":
        return tr("office.conflicts.empty")
    if field.endswith("_id") and words:
        return words
    if field == "phone" and isinstance(value, str):
        return format_phone(value)  # 086-987-6543, as every other page shows a number
    if isinstance(value, bool):
        return tr("office.yes") if value else tr("office.no")
    if isinstance(value, int) and field.endswith("_satang"):
        return format_baht(value) + " " + tr("office.baht")
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return day_text(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def who_text(officer: str, at: datetime) -> str:
    return f"{officer or '–'}, {local_time_text(at)}"


def _english() -> bool:
    return language() == "en"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _kind(table: str) -> str:
    return _capital(table_label(table, _english()))


def status_text(c: ConflictItem) -> str:
    return label_text(ConflictStatus(c.status))


CONFLICT_COLUMNS = [
    Column("office.col.what", lambda c: _kind(c.table)),
    Column("office.col.record", lambda c: c.record, max_width=300),
    Column("office.col.field", lambda c: field_label(c.field, _english())),
    Column("office.col.in_use", lambda c: value_text(c.field, c.in_use, c.in_use_words), max_width=200,
           bold=lambda c: True),
    Column("office.col.other", lambda c: value_text(c.field, c.not_used, c.not_used_words), max_width=200),
    Column("office.col.changed_at", lambda c: local_time_text(max(c.chosen_at, c.other_at)),
           sort_key=lambda c: max(c.chosen_at, c.other_at)),
    Column("office.col.status", lambda c: _capital(status_text(c)), color=lambda c: AMBER if c.status == "open" else None),
]


@dataclass
class RestructureRow:
    """One competing schedule of a loan restructured on two laptops, as a row of the list."""

    loan: str
    version: int
    choice: ScheduleChoice


RESTRUCTURE_COLUMNS = [
    Column("office.col.loan", lambda r: r.loan, max_width=260),
    Column("office.col.officer", lambda r: r.choice.officer or "–", max_width=220),
    Column("office.col.made_at", lambda r: local_time_text(r.choice.made_at) if r.choice.made_at else "–"),
    Column("office.col.instalments", lambda r: f"{r.choice.instalments:,}", "right"),
    Column("office.col.first_due", lambda r: day_text(r.choice.first_due) if r.choice.first_due else "–", "right"),
    Column("office.col.total", lambda r: format_baht(r.choice.total_satang), "right"),
    Column("office.col.reason", lambda r: r.choice.reason or "–", max_width=320),
]


class ValueCard(QGroupBox):
    """One of the two values, big, with who changed it and when, and the button that picks it."""

    def __init__(self, title: str, parent=None):
        super().__init__(title, parent)
        self.value = QLabel()
        self.value.setWordWrap(True)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.value.setFont(font)
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.button = QPushButton()
        box = QVBoxLayout(self)
        box.addWidget(self.value)
        box.addWidget(self.who)
        box.addStretch(1)
        box.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)


class ConflictsView(QWidget):
    loaded = Signal()
    resolved = Signal()  # a decision was written: the report and the return bundles change

    def __init__(self, db: OfficeDatabase, day: date, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.stale = True
        self.loads = worker.Latest(self)

        self.title = section_title(tr("office.conflicts.title"))
        self.intro = QLabel(tr("office.conflicts.intro"))
        self.intro.setWordWrap(True)
        self.show_all = QCheckBox(tr("office.conflicts.show_all"))
        self.show_all.toggled.connect(lambda _=False: self.refresh())
        self.count = QLabel()
        self.message = MessageBar()
        self.model = RowTableModel(CONFLICT_COLUMNS, self)
        self.view = make_table(self.model, sortable=True)
        empty_note(self.view, lambda: (tr("office.conflicts.none_all") if self.show_all.isChecked()
                                       else tr("office.conflicts.none")) if self.loads.started else "")
        self.view.selectionModel().selectionChanged.connect(self._show_selected)

        self.detail = QGroupBox()
        self.detail_record = QLabel()
        self.detail_record.setWordWrap(True)
        self.in_use = ValueCard(tr("office.conflicts.in_use"))
        self.other = ValueCard(tr("office.conflicts.other"))
        self.in_use.button.setText(tr("office.conflicts.keep"))
        self.other.button.setText(tr("office.conflicts.take_other"))
        self.in_use.button.clicked.connect(lambda: self.resolve("chosen"))
        self.other.button.clicked.connect(lambda: self.resolve("other"))
        self.decided = QLabel()
        self.decided.setWordWrap(True)
        grid = QGridLayout(self.detail)
        grid.addWidget(self.detail_record, 0, 0, 1, 2)
        grid.addWidget(self.in_use, 1, 0)
        grid.addWidget(self.other, 1, 1)
        grid.addWidget(self.decided, 2, 0, 1, 2)

        self.restructure_box = QWidget()
        self.restructure_intro = QLabel(tr("office.restructures.intro"))
        self.restructure_intro.setWordWrap(True)
        self.restructure_model = RowTableModel(RESTRUCTURE_COLUMNS, self)
        self.restructure_view = make_table(self.restructure_model)
        self.restructure_view.setMinimumHeight(110)
        self.keep_button = QPushButton(tr("office.restructures.keep"))
        self.keep_button.clicked.connect(lambda: self.keep_schedule())
        self.restructure_view.selectionModel().selectionChanged.connect(
            lambda *_: self.keep_button.setEnabled(self.selected_schedule() is not None))
        rbox = QVBoxLayout(self.restructure_box)
        rbox.addWidget(self.restructure_intro)
        rbox.addWidget(self.restructure_view, 1)
        rbox.addWidget(self.keep_button, 0, Qt.AlignmentFlag.AlignRight)
        self.restructure_note = empty_note(self.restructure_view,
                                           lambda: tr("office.restructures.none") if self.loads.started else "")

        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.show_all)
        fields_tab = QWidget()
        fbox = QVBoxLayout(fields_tab)
        fbox.addWidget(self.intro)
        fbox.addWidget(self.view, 3)
        fbox.addWidget(self.detail, 2)
        self.tabs = QTabWidget()
        self.tabs.addTab(fields_tab, tr("office.conflicts.tab_fields", n=0))
        self.tabs.addTab(self.restructure_box, tr("office.restructures.tab", n=0))
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addLayout(top)
        box.addWidget(self.message)
        box.addWidget(self.tabs, 1)
        self._show_selected()

    def set_day(self, day: date) -> None:
        self.day = day

    def refresh(self) -> None:
        self.stale = False
        db, everything = self.db, self.show_all.isChecked()

        def load():
            with db.session() as s:
                return conflict_items(s, include_resolved=everything), double_restructures(s)

        self.loads.run(load, lambda answer: self._show(*answer), self.message.show_error)

    def _show(self, items: list[ConflictItem], doubles: list[DoubleRestructure]) -> None:
        self.restructure_model.set_rows([RestructureRow(d.loan, d.version, c) for d in doubles for c in d.choices])
        fit_columns(self.restructure_view)
        self.tabs.setTabText(1, tr("office.restructures.tab", n=len(doubles)))
        self.keep_button.setEnabled(self.selected_schedule() is not None)
        selected = self.selected()
        self.model.set_rows(items)
        fit_columns(self.view)
        open_ = sum(1 for c in items if c.status == "open")
        self.count.setText(tr("office.conflicts.count", n=open_ + len(doubles)))
        self.tabs.setTabText(0, tr("office.conflicts.tab_fields", n=open_))
        if selected is not None:
            for row, c in enumerate(self.model.rows):
                if c.id == selected.id:
                    self.view.selectRow(row)
                    break
        if self.selected() is None and items:
            self.view.selectRow(0)
        self._show_selected()
        emit(self.loaded)

    def selected(self) -> ConflictItem | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _show_selected(self, *_) -> None:
        c = self.selected()
        self.detail.setVisible(c is not None)
        if c is None:
            return
        self.detail.setTitle(f"{_kind(c.table)}: {field_label(c.field, _english())}")
        self.detail_record.setText(c.record)
        self.in_use.value.setText(value_text(c.field, c.in_use, c.in_use_words))
        self.in_use.who.setText(tr("office.conflicts.changed_by", who=who_text(*c.in_use_by)))
        self.other.value.setText(value_text(c.field, c.not_used, c.not_used_words))
        self.other.who.setText(tr("office.conflicts.changed_by", who=who_text(*c.not_used_by)))
        is_open = c.status == "open"
        self.in_use.button.setVisible(is_open)
        self.other.button.setVisible(is_open)
        self.decided.setVisible(not is_open)
        if not is_open:
            self.decided.setText(tr("office.conflicts.decided", status=status_text(c), who=c.resolved_by or "–",
                                    when=local_time_text(c.resolved_at) if c.resolved_at else "–"))

    def selected_schedule(self) -> RestructureRow | None:
        rows = self.restructure_view.selectionModel().selectedRows()
        return self.restructure_model.row_at(rows[0].row()) if rows else None

    def keep_schedule(self, row: RestructureRow | None = None) -> bool:
        """The restructuring that stands for its loan; the rival schedule is removed (and so on every laptop)."""
        row = row or self.selected_schedule()
        if row is None or not self._decide(lambda s: keep_schedule(s, row.choice.schedule_id)):
            return False
        self.message.show_info(tr("office.restructures.kept", loan=row.loan, n=row.choice.instalments,
                                  officer=row.choice.officer or "–"))
        emit(self.resolved)
        self.refresh()
        return True

    def resolve(self, take: str) -> bool:
        """Keep the value in use ("chosen") or take the other one ("other") for the selected conflict."""
        c = self.selected()
        if c is None or not self._decide(lambda s: resolve_conflict(s, c.id, take)):
            return False
        value, words = (c.other, c.other_words) if take == "other" else (c.chosen, c.chosen_words)
        self.message.show_info(tr("office.conflicts.resolved", record=c.record,
                                  field=field_label(c.field, _english()), value=value_text(c.field, value, words)))
        emit(self.resolved)
        self.refresh()
        return True

    def _decide(self, write) -> bool:
        """Write one decision in its own transaction; a refusal, or a database another program holds, is
        one sentence on the page and nothing is written."""
        try:
            with self.db.session() as s:
                write(s)
        except InputError as exc:
            self.message.show_error(exc)
            return False
        except DBAPIError as exc:
            busy = busy_error(exc)
            if busy is None:
                raise
            self.message.show_error(busy)
            return False
        return True
