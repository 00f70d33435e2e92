"""บันทึกการประชุม: a group guarantee meeting, an exchange forum, a repayment follow-up meeting, or other.

The meeting kind ticks its ปตท. work item on every linked loan (a guarantee meeting is the prevent item,
a repayment meeting answers the open ask task), and the meeting stands as their evidence.
"""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool import visits
from fieldtool.visits import MeetingInput
from fieldtool.visits_view import target_names
from fieldtool.vocabulary import MeetingKind
from ui.dialogs import FormDialog, clock_text, input_error
from ui.households.data import villages
from ui.i18n import tr
from ui.qt import QComboBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, Qt
from ui.visits.data import Choice, village_targets
from ui.visits.model import meeting_kind_text
from ui.widgets import DateField

ID_ROLE = Qt.ItemDataRole.UserRole


class MeetingDialog(FormDialog):
    def __init__(
        self,
        db: Database,
        day: date,
        village_id: str | None = None,
        loans: list[str] | None = None,
        kind: str = "repayment",
        parent=None,
    ):
        super().__init__(tr("meeting.title"), parent)
        self.setMinimumWidth(680)
        self.db = db
        self.day = day
        self.meeting_id: str | None = None
        self._checked = set(loans or [])
        self.kind = QComboBox()
        for kind_code in MeetingKind:
            self.kind.addItem(meeting_kind_text(kind_code), kind_code.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.held_on = DateField(day)
        self.held_at = QLineEdit()
        self.held_at.setPlaceholderText(tr("visit.time_hint"))
        self.village = QComboBox()
        self.village.addItem(tr("meeting.no_village"), None)
        for vid, label in villages(db):
            self.village.addItem(label, vid)
        if village_id:
            self.village.setCurrentIndex(max(0, self.village.findData(village_id)))
        self.place = QLineEdit()
        self.place.setPlaceholderText(tr("meeting.place_hint"))
        self.attendees = QPlainTextEdit()
        self.attendees.setPlaceholderText(tr("meeting.attendees_hint"))
        self.attendees.setFixedHeight(self.fontMetrics().height() * 3 + 14)
        self.attendees.setTabChangesFocus(True)
        self.outcomes = QPlainTextEdit()
        self.outcomes.setPlaceholderText(tr("meeting.outcomes_hint"))
        self.outcomes.setFixedHeight(self.fontMetrics().height() * 4 + 14)
        self.outcomes.setTabChangesFocus(True)
        self.loans = QListWidget()
        self.loans.setFixedHeight(self.fontMetrics().height() * 6)
        self.loans.itemChanged.connect(self._ticked)
        self.ticks = QLabel()
        self.ticks.setWordWrap(True)
        self.ticks.setStyleSheet("QLabel { color: #546e7a; }")
        self.form.addRow(tr("meeting.kind"), self.kind)
        self.form.addRow(tr("meeting.date"), self.held_on)
        self.form.addRow(tr("visit.time"), self.held_at)
        self.form.addRow(tr("visit.village"), self.village)
        self.form.addRow(tr("visit.place"), self.place)
        self.form.addRow(tr("meeting.attendees"), self.attendees)
        self.form.addRow(tr("meeting.outcomes"), self.outcomes)
        self.form.addRow(tr("meeting.loans"), self.loans)
        self.form.addRow(self.ticks)
        self.village.currentIndexChanged.connect(self._fill_loans)
        self.kind.currentIndexChanged.connect(self._explain)
        self._fill_loans()
        self._explain()

    def _fill_loans(self, *_) -> None:
        village = self.village.currentData()
        choices: list[Choice] = []
        if village is not None:
            targets = village_targets(self.db, village, self.day, list(self._checked))
            choices = [Choice(c.id, c.label) for c in targets.loans]
        known = {c.id for c in choices}
        missing = [i for i in self._checked if i not in known]
        if missing:  # linked loans of no chosen village still show, ticked
            with self.db.session() as s:
                names = target_names(s, missing, (), ())
            choices += [Choice(i, names.get(i, i)) for i in missing]
        self.loans.blockSignals(True)
        self.loans.clear()
        for c in choices:
            item = QListWidgetItem(c.label)
            item.setData(ID_ROLE, c.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.id in self._checked else Qt.CheckState.Unchecked)
            self.loans.addItem(item)
        self.loans.blockSignals(False)

    def _ticked(self, item: QListWidgetItem) -> None:
        lid = item.data(ID_ROLE)
        if item.checkState() == Qt.CheckState.Checked:
            self._checked.add(lid)
        else:
            self._checked.discard(lid)

    def _explain(self, *_) -> None:
        self.ticks.setText(tr(f"meeting.ticks.{self.kind.currentData()}"))

    def checked_loans(self) -> list[str]:
        return [
            self.loans.item(i).data(ID_ROLE)
            for i in range(self.loans.count())
            if self.loans.item(i).checkState() == Qt.CheckState.Checked
        ]

    def save(self) -> None:
        at = clock_text(self.held_at.text())
        if not self.place.text().strip():
            raise input_error("meeting.no_place")
        data = MeetingInput(
            kind=self.kind.currentData(),
            held_on=self.held_on.value(),
            held_at=at,
            place=self.place.text().strip(),
            village_id=self.village.currentData(),
            attendees=self.attendees.toPlainText().strip(),
            outcomes=self.outcomes.toPlainText().strip(),
            loans=self.checked_loans(),
        )
        with self.db.session() as s:
            self.meeting_id = visits.add_meeting(s, data).id

    @classmethod
    def ask(
        cls,
        parent,
        db: Database,
        day: date,
        village_id: str | None = None,
        loans: list[str] | None = None,
        kind: str = "repayment",
    ) -> bool:
        return cls(db, day, village_id, loans, kind, parent=parent).exec() == FormDialog.DialogCode.Accepted
