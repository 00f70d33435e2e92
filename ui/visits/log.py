"""The visit log page (บันทึกการลงพื้นที่): every visit and meeting, newest first, and the ways to add one.

A double-click opens the visit as recorded: what it was about, the payments taken on it, and its
photos with their hash checked against the record.
"""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool.thai import normalize_search
from ui import worker
from ui.i18n import day_text, money_text, tr
from ui.labels import purposes_text
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QIcon,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPixmap,
    QPushButton,
    QSize,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.tablemodel import RowTableModel
from ui.visits.data import MeetingRow, VisitRow, load_meetings, load_visit_details, load_visit_log
from ui.visits.model import MEETING_COLUMNS, visit_columns
from ui.widgets import MessageBar, empty_note, fit_columns, make_table, section_title


def _search_text(row: VisitRow) -> str:
    v = row.visit
    return normalize_search(
        " ".join(
            [
                row.village,
                v.place,
                v.people_met,
                v.findings,
                v.next_steps,
                v.officer,
                *row.about,
                purposes_text(row.purposes),
            ]
        )
    )


class VisitsView(QWidget):
    loaded = Signal()
    changed = Signal()
    new_visit = Signal()
    new_meeting = Signal()

    def __init__(self, db: Database, day: date, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.stale = True
        self.loads = worker.Latest(self)
        self._visits: list[VisitRow] = []
        self._search: dict[int, str] = {}

        self.title = section_title(tr("visits.title"))
        self.message = MessageBar()
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("visits.search"))
        self.search.setClearButtonEnabled(True)
        self.village = QComboBox()
        self._typing = QTimer(self, singleShot=True, interval=150)
        self._typing.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._typing.start)
        self.village.currentIndexChanged.connect(self.apply_filters)
        self.new_visit_button = QPushButton(tr("visits.new_visit"))
        self.new_visit_button.setStyleSheet("QPushButton { font-weight: bold; }")
        self.new_visit_button.clicked.connect(lambda: emit(self.new_visit))
        self.new_meeting_button = QPushButton(tr("visits.new_meeting"))
        self.new_meeting_button.clicked.connect(lambda: emit(self.new_meeting))

        self.visits = RowTableModel(visit_columns(), self)
        self.visit_view = make_table(self.visits, sortable=True)
        self.visit_view.activated.connect(lambda idx: self.show_visit(self.visits.row_at(idx.row())))
        self.meetings = RowTableModel(MEETING_COLUMNS, self)
        self.meeting_view = make_table(self.meetings, sortable=True)
        self.empty = empty_note(
            self.visit_view,
            lambda: tr("visits.empty") if not self._visits else tr("visits.no_match"),
        )
        empty_note(self.meeting_view, tr("visits.no_meetings"))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.visit_view, "")
        self.tabs.addTab(self.meeting_view, "")
        self.count = QLabel()

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(QLabel(tr("filter.village")))
        bar.addWidget(self.village, 1)
        bar.addWidget(self.new_visit_button)
        bar.addWidget(self.new_meeting_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.count)
        self._titles()

    def set_day(self, day: date) -> None:
        self.day = day  # the log does not depend on the day; new visits start on it

    def refresh(self) -> None:
        self.stale = False
        self.loads.run(
            lambda: (load_visit_log(self.db), load_meetings(self.db)),
            lambda result: self._loaded(*result),
            self._failed,
        )

    def _loaded(self, visit_rows: list[VisitRow], meeting_rows: list[MeetingRow]) -> None:
        first = not self._visits
        self._visits = visit_rows
        self._search = {id(r): _search_text(r) for r in visit_rows}
        chosen = self.village.currentData()
        names = sorted(
            {r.village for r in visit_rows if r.village},
            key=lambda t: (int(t.split()[1]) if t.split()[1:2] and t.split()[1].isdigit() else 0, t),
        )
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(tr("filter.all_villages"), None)
        for name in names:
            self.village.addItem(name, name)
        self.village.setCurrentIndex(max(0, self.village.findData(chosen)))
        self.village.blockSignals(False)
        self.meetings.set_rows(meeting_rows)
        self.apply_filters()
        if first:
            fit_columns(self.visit_view)
        fit_columns(self.meeting_view)
        emit(self.loaded)

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(exc)
        emit(self.loaded)

    def apply_filters(self) -> None:
        q = normalize_search(self.search.text())
        village = self.village.currentData()
        rows = [
            r
            for r in self._visits
            if (not q or q in self._search[id(r)]) and (village is None or r.village == village)
        ]
        self.visits.set_rows(rows)
        self.count.setText(tr("visits.count", shown=len(rows), total=len(self._visits)))
        self._titles()

    def _titles(self) -> None:
        self.tabs.setTabText(0, tr("visits.tab_visits", n=self.visits.rowCount()))
        self.tabs.setTabText(1, tr("visits.tab_meetings", n=self.meetings.rowCount()))

    def show_visit(self, row: VisitRow) -> None:
        VisitDetailsDialog.ask(self, self.db, row.visit.id)


class VisitDetailsDialog(QDialog):
    """One visit as recorded, read-only, with its photos (and whether each kept file still matches its hash)."""

    def __init__(self, db: Database, visit_id: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("visit_details.title"))
        self.setMinimumWidth(720)
        details = load_visit_details(db, visit_id)
        v = details.row.visit
        form = QFormLayout()

        def add(label: str, text: str) -> None:
            value = QLabel(text or "–")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(tr(label), value)

        add("visit.date", f"{day_text(v.visited_on)} {v.visited_at}".strip())
        add("visit.village", details.row.village)
        add("visit.place", v.place)
        add("visit.people", v.people_met)
        add("col.purposes", purposes_text(details.row.purposes))
        add("col.about", ", ".join(details.row.about))
        add("visit.findings", v.findings)
        add("visit.next_steps", v.next_steps)
        add("visit.next_visit", day_text(v.next_visit_on) if v.next_visit_on else "")
        add("visit.gps", f"{v.latitude:.6f}, {v.longitude:.6f}" if v.latitude is not None else "")
        add(
            "visit_details.collected",
            "; ".join(f"{name} {money_text(x)} {tr('unit.baht')}" for name, x in details.payments),
        )
        add("col.officer_visit", v.officer)
        self.photos = QListWidget()
        self.photos.setViewMode(QListView.ViewMode.IconMode)
        self.photos.setIconSize(QSize(140, 140))
        self.photos.setMovement(QListView.Movement.Static)
        self.photos.setFixedHeight(190)
        for photo, ok in details.photos:
            path = db.photo_dir / photo.file_name
            pixmap = QPixmap(str(path)) if ok else QPixmap()
            icon = (
                QIcon(pixmap.scaled(140, 140, Qt.AspectRatioMode.KeepAspectRatio))
                if not pixmap.isNull()
                else QIcon()
            )
            label = photo.original_name or photo.file_name
            item = QListWidgetItem(icon, label if ok else f"{label}\n{tr('visit_details.photo_bad')}")
            item.setToolTip(tr("visit_details.photo_tip", sha=photo.sha256, w=photo.width, h=photo.height))
            if not ok:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.photos.addItem(item)
        self.photos_ok = all(ok for _, ok in details.photos)
        close = QPushButton(tr("button.close"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if details.photos:
            layout.addWidget(QLabel(tr("visit_details.photos", n=len(details.photos))))
            layout.addWidget(self.photos)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)

    @classmethod
    def ask(cls, parent, db: Database, visit_id: str) -> None:
        cls(db, visit_id, parent=parent).exec()
