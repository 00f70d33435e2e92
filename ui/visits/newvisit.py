"""The new-visit window (บันทึกการลงพื้นที่): everything about one visit, saved in one transaction.

Opened from the visit log, a household, a loan page, a group's loan, or a promised visit in the today
view (pre-filled from it). It records when and where, whom the officer met, what the visit was for
(the ปตท. work items, plan work, other), what was found, money collected per linked loan (written as a
payment in the loan book, beside the amount due), the next steps and next visit date, a GPS position
(typed, or read from a photo), photos, and the facts changed or checked on the spot (verified on site).

`visits.add_visit` checks everything before writing and writes the photo files last; if the commit
then fails, the files it wrote are deleted, so a photo never outlives the visit it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from db import Database
from fieldtool import visits
from fieldtool.thai import InputError
from fieldtool.visits import VisitInput
from fieldtool.vocabulary import purposes
from ui.dialogs import clock_text, input_error
from ui.households.data import villages
from ui.i18n import day_text, error_text, tr
from ui.labels import purpose_text
from ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ui.screen import fit_to_screen, scrolled
from ui.visits.about import VisitAbout
from ui.visits.data import VisitPrefill
from ui.visits.model import PURPOSE_GROUPS, purpose_group
from ui.visits.photos import PhotoList
from ui.widgets import DateField, MessageBar

ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class VisitSaved:
    visit_id: str
    payments: list[str]
    collected_satang: int
    photos: int


class NewVisitWindow(QDialog):
    def __init__(self, db: Database, day: date, prefill: VisitPrefill | None = None, parent=None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle(tr("visit.title"))
        fit_to_screen(self, (1320, 860))
        self.db = db
        self.day = day
        self.prefill = prefill or VisitPrefill()
        self.saved: VisitSaved | None = None

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: #e3f2fd; color: #0d47a1; padding: 6px 10px; border-radius: 4px; }"
        )
        if self.prefill.promised_on:
            self.banner.setText(
                tr(
                    "visit.promised",
                    day=day_text(self.prefill.promised_on),
                    steps=self.prefill.promised_steps or "–",
                )
            )
        self.banner.setVisible(bool(self.prefill.promised_on))
        self.message = MessageBar()

        # --- when, where, what was found ---------------------------------------------------------------
        self.visited_on = DateField(day)
        self.visited_at = QLineEdit()
        self.visited_at.setPlaceholderText(tr("visit.time_hint"))
        self.visited_at.setMaximumWidth(110)
        self.village = QComboBox()
        for vid, label in villages(db):
            self.village.addItem(label, vid)
        self.place = QLineEdit(self.prefill.place)
        self.place.setPlaceholderText(tr("visit.place_hint"))
        self.people_met = QLineEdit()
        self.people_met.setPlaceholderText(tr("visit.people_hint"))
        self.findings = QPlainTextEdit()
        self.findings.setPlaceholderText(tr("visit.findings_hint"))
        self.findings.setTabChangesFocus(True)
        self.next_steps = QPlainTextEdit()
        self.next_steps.setPlaceholderText(tr("visit.next_steps_hint"))
        self.next_steps.setTabChangesFocus(True)
        self.next_steps.setFixedHeight(self.fontMetrics().height() * 3 + 14)
        self.next_visit_on = DateField()
        self.next_visit_on.setPlaceholderText(tr("visit.next_visit_hint"))
        self.gps = QLineEdit()
        self.gps.setPlaceholderText(tr("visit.gps_hint"))
        self.gps_button = QPushButton(tr("visit.gps_from_photo"))
        self.gps_button.clicked.connect(self.gps_from_photos)
        when = QHBoxLayout()
        when.addWidget(self.visited_on, 1)
        when.addWidget(QLabel(tr("visit.time")))
        when.addWidget(self.visited_at)
        gps_row = QHBoxLayout()
        gps_row.addWidget(self.gps, 1)
        gps_row.addWidget(self.gps_button)

        self.photos = PhotoList()
        add_photo = QPushButton(tr("visit.add_photos"))
        add_photo.clicked.connect(self.add_photos)
        remove_photo = QPushButton(tr("visit.remove_photo"))
        remove_photo.clicked.connect(self.remove_photo)
        photo_buttons = QHBoxLayout()
        photo_buttons.addWidget(add_photo)
        photo_buttons.addWidget(remove_photo)
        photo_buttons.addStretch(1)

        form = QFormLayout()
        form.addRow(tr("visit.date"), when)
        form.addRow(tr("visit.village"), self.village)
        form.addRow(tr("visit.place"), self.place)
        form.addRow(tr("visit.people"), self.people_met)
        form.addRow(tr("visit.findings"), self.findings)
        form.addRow(tr("visit.next_steps"), self.next_steps)
        form.addRow(tr("visit.next_visit"), self.next_visit_on)
        form.addRow(tr("visit.gps"), gps_row)
        form.addRow(tr("visit.photos"), self.photos)
        form.addRow("", photo_buttons)
        left = QWidget()
        left.setLayout(form)

        # --- purposes -------------------------------------------------------------------------------------
        self.purposes = QTreeWidget()
        self.purposes.setHeaderHidden(True)
        self.purposes.setWordWrap(True)
        self._purpose_items: dict[str, QTreeWidgetItem] = {}
        groups = {g: QTreeWidgetItem([tr(f"purpose_group.{g}")]) for g in PURPOSE_GROUPS}
        for item in groups.values():
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.purposes.addTopLevelItem(item)
        for code in purposes():
            item = QTreeWidgetItem([purpose_text(code)])
            item.setData(0, ID_ROLE, code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                0, Qt.CheckState.Checked if code in self.prefill.purposes else Qt.CheckState.Unchecked
            )
            item.setToolTip(0, purpose_text(code))
            groups[purpose_group(code)].addChild(item)
            self._purpose_items[code] = item
        self.purposes.expandAll()
        middle = QGroupBox(tr("visit.purposes"))
        QVBoxLayout(middle).addWidget(self.purposes)

        # --- what it was about, money collected, facts changed ----------------------------------------------
        self.about = VisitAbout(db, day, self.prefill)
        self.about.collected.connect(self._collected)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scrolled(left))  # the longest column: it scrolls on a short screen
        split.addWidget(middle)
        split.addWidget(self.about)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 6)
        split.setSizes([440, 390, 490])

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("visit.save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("button.cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        layout.addWidget(self.buttons)

        if self.prefill.village_id:
            self.village.setCurrentIndex(max(0, self.village.findData(self.prefill.village_id)))
        self.village.currentIndexChanged.connect(self._village_chosen)
        self._village_chosen()

    def _village_chosen(self, *_) -> None:
        village_id = self.village.currentData()
        if village_id is None:
            return
        try:
            self.about.show_village(village_id)
        except Exception as exc:
            self.message.show_error(exc)

    def check_purpose(self, code: str, on: bool = True) -> None:
        self._purpose_items[code].setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def checked_purposes(self) -> list[str]:
        return [
            code for code, item in self._purpose_items.items() if item.checkState(0) == Qt.CheckState.Checked
        ]

    def _collected(self) -> None:
        if "collect" in self._purpose_items:
            self.check_purpose("collect")  # money was collected: the visit was (also) for that

    # --- photos -------------------------------------------------------------------------------------------

    @classmethod
    def choose_photos(cls, parent) -> list[str]:
        """Photo files to add ([] when cancelled). Tests replace this."""
        paths, _ = QFileDialog.getOpenFileNames(
            parent, tr("visit.choose_photos"), "", tr("visit.photo_filter")
        )
        return paths

    def add_photos(self, paths: list[str] | None = None) -> int:
        added, bad = self.photos.add(paths if paths is not None else NewVisitWindow.choose_photos(self))
        if bad:
            self.message.show_error(tr("visit.bad_photo", names=", ".join(bad)))
        return added

    def remove_photo(self) -> None:
        self.photos.remove_selected()

    def gps_from_photos(self) -> None:
        for path in self.photos.paths:
            try:
                gps = visits.read_photo(path).gps
            except InputError:
                continue
            if gps:
                self.gps.setText(f"{gps[0]:.6f}, {gps[1]:.6f}")
                self.message.show_info(tr("visit.gps_read", name=path.name))
                return
        self.message.show_error(tr("visit.no_gps") if self.photos.paths else tr("visit.no_photos"))

    # --- saving ---------------------------------------------------------------------------------------------

    def visit_input(self) -> VisitInput:
        visited_on = self.visited_on.value()
        at = clock_text(self.visited_at.text())
        next_on = self.next_visit_on.value() if self.next_visit_on.text().strip() else None
        lat, lon = visits.parse_position(self.gps.text())
        collected = self.about.collected_amounts()
        updates, verified = self.about.household_facts()
        return VisitInput(
            visited_on=visited_on,
            village_id=self.village.currentData(),
            visited_at=at,
            place=self.place.text().strip(),
            people_met=self.people_met.text().strip(),
            purposes=self.checked_purposes(),
            findings=self.findings.toPlainText().strip(),
            next_steps=self.next_steps.toPlainText().strip(),
            next_visit_on=next_on,
            latitude=lat,
            longitude=lon,
            loans=self.about.loan_ids(),
            groups=self.about.group_ids(),
            households=self.about.household_ids(),
            collected=collected,
            photos=list(self.photos.paths),
            household_updates=updates,
            verified=verified,
        )

    def save(self) -> VisitSaved:
        data = self.visit_input()
        if not (data.purposes or data.findings):
            raise input_error("visit.empty")
        # commits when the block ends; if it does not, the photo files go with the visit (add_visit)
        with self.db.session() as s:
            result = visits.add_visit(s, data, self.db.photo_dir)
            return VisitSaved(
                result.visit.id,
                list(result.payments),
                sum(x for _, x in data.collected),
                len(result.photos),
            )

    def accept(self) -> None:
        try:
            self.saved = self.save()
        except InputError as exc:
            self.message.show_error(error_text(exc))
            return
        except Exception as exc:
            self.message.show_error(tr("error.unexpected", detail=str(exc)))
            return
        super().accept()

    @classmethod
    def ask(cls, parent, db: Database, day: date, prefill: VisitPrefill | None = None) -> VisitSaved | None:
        """Show the window; what was saved, or None when cancelled. Tests replace this."""
        window = cls(db, day, prefill, parent=parent)
        return window.saved if window.exec() == QDialog.DialogCode.Accepted else None
