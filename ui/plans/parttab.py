"""One T of the 4ท plan editor (ทัศนคติ, ทักษะ, ทรัพยากร, ทางออก) as a tab: what was found on the left, the
agreed actions on the right, editable while the revision is a draft, with the progress noted on each."""

from __future__ import annotations

from ui.i18n import day_text, tr
from ui.layouts import captioned
from ui.plans.model import STATUS_COLUMN, ActionDraft, ActionsModel, StatusDelegate, action_status_text
from ui.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import empty_note, make_table


class PartTab(QWidget):
    """One T: what was found on the left, the agreed actions on the right."""

    def __init__(self, part: str, parent=None):
        super().__init__(parent)
        self.part = part
        self.findings = QPlainTextEdit()
        self.findings.setPlaceholderText(tr(f"plan.findings_hint.{part}"))
        self.findings.setTabChangesFocus(True)
        self.model = ActionsModel(part, self)
        self.view = make_table(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setItemDelegateForColumn(STATUS_COLUMN, StatusDelegate(self.view))
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 180), (2, 120), (3, 140), (4, 130), (5, 125)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        self.add_button = QPushButton(tr("plan.add_action"))
        self.add_button.clicked.connect(self.add_action)
        self.remove_button = QPushButton(tr("plan.remove_action"))
        self.remove_button.clicked.connect(self.remove_action)
        self.progress_button = QPushButton(tr("plan.progress"))
        self.empty = empty_note(
            self.view, lambda: tr("plan.no_actions_draft") if self.model.editable else tr("plan.no_actions")
        )
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("QLabel { color: #37474f; }")
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_notes())

        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.progress_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        left = captioned(tr("plan.findings"), self.findings)
        right = captioned(tr("plan.actions"), self.view, buttons, self.notes)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(split)

    def set_editable(self, editable: bool) -> None:
        self.findings.setReadOnly(not editable)
        self.model.editable = editable
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
            if editable
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self.add_button.setVisible(editable)
        self.remove_button.setVisible(editable)
        self.empty.update()  # the empty list's sentence follows the mode

    def add_action(self) -> int:
        row = self.model.add_row()
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        if self.view.isVisible():
            self.view.edit(index)
        return row

    def remove_action(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.model.remove_row(index.row())

    def selected(self) -> ActionDraft | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_notes(self) -> None:
        a = self.selected()
        if a is None or not a.notes:
            self.notes.clear()
            return
        lines = [f"{day_text(d)} · {action_status_text(s)}" + (f" · {n}" if n else "") for d, s, n in a.notes]
        self.notes.setText(tr("plan.notes_of", what=a.what) + "\n" + "\n".join(lines))
