"""The 4ท plan editor: the four T's as tabs, each with what was found and the agreed actions.

A saved revision is shown read-only; "ปรับแผนเป็นฉบับใหม่" starts a draft from the latest revision (its
open actions carried over, their progress history kept) and "บันทึกเป็นฉบับใหม่" saves the draft as the
next revision (`plans.save_plan`), so earlier revisions stay readable from the revision chooser.
Progress on an action of the latest revision is noted with `plans.update_action`. "พิมพ์แผน" renders
the shown revision with `exports.plan_pdf.render_plan` and opens the same preview as the letters.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from db import Database
from fieldtool import households, plans, registry
from fieldtool.plans import PlanInput, PlanView
from fieldtool.thai import InputError
from fieldtool.vocabulary import PlanPart
from ui import worker
from ui.i18n import day_text, error_text, tr
from ui.labels import part_title
from ui.pdfpreview import PdfPreview
from ui.plans.model import ActionDraft, draft_of
from ui.plans.parttab import PartTab
from ui.plans.progress import ActionProgressDialog
from ui.qt import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.widgets import DateField, MessageBar

DRAFT = 0  # the revision chooser's data for the unsaved draft


@dataclass
class Draft:
    """A revision being written: what the fields hold while the officer looks at another revision."""

    revision: int  # the number it will get
    made_on: date
    findings: dict[str, str] = field(default_factory=dict)
    actions: list[ActionDraft] = field(default_factory=list)
    decision: str = ""
    participants: str = ""


class PlanEditor(QWidget):
    changed = Signal()  # a revision was saved or an action's progress noted

    def __init__(self, db: Database, household_id: str, day: date, parent=None):
        super().__init__(parent)
        self.db = db
        self.household_id = household_id
        self.day = day
        self.latest: PlanView | None = None
        self.shown: PlanView | None = None
        self.draft: Draft | None = None
        self.preview: PdfPreview | None = None

        self.message = MessageBar()
        self.revision = QComboBox()
        self.revision.setMinimumWidth(260)
        self.revision.currentIndexChanged.connect(self._revision_chosen)
        self.new_button = QPushButton(tr("plan.new_revision"))
        self.new_button.clicked.connect(self.start_draft)
        self.save_button = QPushButton(tr("plan.save"))
        self.save_button.setStyleSheet("QPushButton { font-weight: bold; }")
        self.save_button.clicked.connect(self.save)
        self.discard_button = QPushButton(tr("plan.discard"))
        self.discard_button.clicked.connect(self.discard_draft)
        self.print_button = QPushButton(tr("plan.print"))
        self.print_button.clicked.connect(self.print_plan)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.made_on = DateField(day)
        self.made_on.setMaximumWidth(160)
        self.participants = QLineEdit()
        self.participants.setPlaceholderText(tr("plan.participants_hint"))
        self.parts: dict[str, PartTab] = {}
        self.tabs = QTabWidget()
        for part in PlanPart:
            tab = PartTab(part)
            tab.progress_button.clicked.connect(self.record_progress)
            tab.model.rowsInserted.connect(self._update_tab_titles)
            tab.model.rowsRemoved.connect(self._update_tab_titles)
            tab.model.modelReset.connect(self._update_tab_titles)
            tab.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
            self.parts[part] = tab
            self.tabs.addTab(tab, part_title(part))
        self.decision = QPlainTextEdit()
        self.decision.setPlaceholderText(tr("plan.decision_hint"))
        self.decision.setFixedHeight(self.fontMetrics().height() * 3 + 16)
        self.decision.setTabChangesFocus(True)

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("plan.revision")))
        top.addWidget(self.revision)
        for b in (self.new_button, self.save_button, self.discard_button):
            top.addWidget(b)
        top.addStretch(1)
        top.addWidget(self.print_button)
        meta = QHBoxLayout()
        meta.addWidget(QLabel(tr("plan.made_on")))
        meta.addWidget(self.made_on)
        meta.addSpacing(12)
        meta.addWidget(QLabel(tr("plan.participants")))
        meta.addWidget(self.participants, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.message)
        layout.addLayout(meta)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(QLabel(tr("plan.decision")))
        layout.addWidget(self.decision)
        self.reload()

    # --- loading ------------------------------------------------------------------------------------

    def reload(self, revision: int | None = None) -> None:
        """Read the revisions again and show `revision` (default: the latest, or a first draft)."""
        with self.db.session() as s:
            self.latest = (
                plans.plan_view(s, self.household_id, self.day)
                if plans.latest_plan(s, self.household_id)
                else None
            )
        if self.latest is None and self.draft is None:
            self.draft = Draft(revision=1, made_on=self.day)
        self._fill_chooser(
            DRAFT if revision is None and self.latest is None else revision or self.latest.revision
        )

    def _fill_chooser(self, select: int) -> None:
        self.revision.blockSignals(True)
        self.revision.clear()
        for rev, made_on in self.latest.revisions if self.latest else []:
            text = tr("plan.revision_item", n=rev, day=day_text(made_on))
            if rev == self.latest.revision:
                text += " · " + tr("plan.latest")
            self.revision.addItem(text, rev)
        if self.draft is not None:
            self.revision.addItem(tr("plan.draft_item", n=self.draft.revision), DRAFT)
        self.revision.setCurrentIndex(max(0, self.revision.findData(select)))
        self.revision.blockSignals(False)
        self._current = None
        self._revision_chosen()

    def shown_revision(self) -> int:
        """The revision on screen; 0 while the draft is shown."""
        return self.revision.currentData() or DRAFT

    def is_draft(self) -> bool:
        return self.shown_revision() == DRAFT

    def _revision_chosen(self, *_) -> None:
        if getattr(self, "_current", None) == DRAFT and self.draft is not None:
            self._keep_draft()
        rev = self.shown_revision()
        self._current = rev
        if rev == DRAFT:
            self._show_draft()
        else:
            self._show_revision(rev)
        self._update_buttons()

    def _show_revision(self, rev: int) -> None:
        try:
            with self.db.session() as s:
                view = plans.plan_view(s, self.household_id, self.day, rev)
        except InputError as exc:
            self.message.show_error(exc)
            return
        self.shown = view
        self.made_on.set_value(view.made_on)
        self.participants.setText(view.participants)
        self.decision.setPlainText(view.decision)
        for part, tab in self.parts.items():
            tab.findings.setPlainText(view.findings.get(part, ""))
            tab.model.set_rows(
                [
                    draft_of(
                        a.part,
                        a.what,
                        a.helper,
                        a.due_on,
                        a.resources,
                        a.budget_satang,
                        a.status,
                        id=a.id,
                        notes=a.notes,
                        overdue=a.overdue,
                    )
                    for a in view.actions
                    if a.part == part
                ]
            )
        latest = view.revision == self.latest.revision
        key = "plan.state_latest" if latest else "plan.state_earlier"
        self.state.setText(
            tr(
                key,
                n=view.revision,
                day=day_text(view.made_on),
                by=view.made_by or "–",
                latest=self.latest.revision,
            )
        )
        self.state.setStyleSheet(
            "QLabel { color: #37474f; }"
            if latest
            else "QLabel { background: #fff8e1; color: #6d4c00; padding: 4px 8px; }"
        )
        self._set_editable(False)

    def _show_draft(self) -> None:
        d = self.draft
        self.shown = None
        self.made_on.set_value(d.made_on)
        self.participants.setText(d.participants)
        self.decision.setPlainText(d.decision)
        for part, tab in self.parts.items():
            tab.findings.setPlainText(d.findings.get(part, ""))
            tab.model.set_rows([a for a in d.actions if a.part == part])
        self.state.setText(tr("plan.state_draft", n=d.revision))
        self.state.setStyleSheet("QLabel { background: #e3f2fd; color: #0d47a1; padding: 4px 8px; }")
        self._set_editable(True)

    def _keep_draft(self) -> None:
        d = self.draft
        try:
            d.made_on = self.made_on.value()
        except InputError:
            pass  # keeps the last good date; the typed text is checked again on save
        d.participants = self.participants.text()
        d.decision = self.decision.toPlainText()
        d.findings = {part: tab.findings.toPlainText() for part, tab in self.parts.items()}
        d.actions = [a for tab in self.parts.values() for a in tab.model.rows]

    def _set_editable(self, editable: bool) -> None:
        for tab in self.parts.values():
            tab.set_editable(editable)
        self.made_on.setReadOnly(not editable)
        self.participants.setReadOnly(not editable)
        self.decision.setReadOnly(not editable)
        self._update_tab_titles()

    def _update_tab_titles(self, *_) -> None:
        for i, (part, tab) in enumerate(self.parts.items()):
            n = tab.model.rowCount()
            self.tabs.setTabText(i, f"{part_title(part)} ({n})" if n else part_title(part))

    def _update_buttons(self) -> None:
        draft = self.is_draft()
        latest_shown = not draft and self.latest is not None and self.shown_revision() == self.latest.revision
        self.new_button.setVisible(not draft and self.latest is not None)
        self.new_button.setText(
            tr("plan.back_to_draft") if self.draft is not None else tr("plan.new_revision")
        )
        self.save_button.setVisible(draft)
        self.discard_button.setVisible(draft and self.latest is not None)
        self.print_button.setEnabled(not draft)
        self.print_button.setToolTip("" if not draft else tr("plan.print_save_first"))
        for tab in self.parts.values():
            tab.progress_button.setVisible(not draft)
            tab.progress_button.setEnabled(latest_shown and tab.selected() is not None)

    # --- writing ------------------------------------------------------------------------------------

    def start_draft(self) -> None:
        """A new revision, starting from the latest one: findings kept, open actions carried over."""
        if self.draft is None:
            with self.db.session() as s:
                latest = plans.latest_plan(s, self.household_id)
                start = plans.as_input(s, latest, max(self.day, latest.made_on))
            notes = {a.id: a.notes for a in self.latest.actions}
            self.draft = Draft(
                revision=self.latest.revision + 1,
                made_on=start.made_on,
                findings=dict(start.findings),
                actions=[
                    draft_of(
                        a.part,
                        a.what,
                        a.helper,
                        a.due_on,
                        a.resources,
                        a.budget_satang,
                        a.status,
                        carried_from_id=a.carried_from_id,
                        notes=notes.get(a.carried_from_id, []),
                    )
                    for a in start.actions
                ],
                decision=start.decision,
                participants=start.participants,
            )
        self._fill_chooser(DRAFT)

    def discard_draft(self) -> None:
        self.draft = None
        self._current = None
        self._fill_chooser(self.latest.revision if self.latest else DRAFT)
        self.message.clear_message()

    def plan_input(self) -> PlanInput:
        self._keep_draft()
        d = self.draft
        made_on = self.made_on.value()  # a badly typed date is said now, in one sentence
        actions = []
        for a in d.actions:
            if a.is_blank():
                continue
            actions.append(a.as_input())
        return PlanInput(
            made_on=made_on,
            findings={part: text.strip() for part, text in d.findings.items()},
            actions=actions,
            decision=d.decision.strip(),
            participants=d.participants.strip(),
        )

    def save(self) -> bool:
        """Save the draft as the next revision; False (with the sentence shown) when refused."""
        if not self.is_draft():
            return False
        try:
            data = self.plan_input()
            with self.db.session() as s:
                plan = plans.save_plan(s, self.household_id, data)
                revision = plan.revision
        except InputError as exc:
            self.message.show_error(exc)
            return False
        except Exception as exc:
            self.message.show_error(tr("error.unexpected", detail=str(exc)))
            return False
        self.draft = None
        self._current = None
        self.reload(revision)
        self.message.show_info(tr("plan.saved", n=revision))
        emit(self.changed)
        return True

    def selected_action(self) -> ActionDraft | None:
        return list(self.parts.values())[self.tabs.currentIndex()].selected()

    def record_progress(self) -> None:
        action = self.selected_action()
        if action is None or action.id is None:
            self.message.show_error(tr("plan.select_action"))
            return
        if ActionProgressDialog.ask(self, self.db, action.id, action.what, action.status, self.day):
            rev = self.shown_revision()
            self.reload(rev)
            self.message.show_info(tr("plan.progress_saved", what=action.what))
            emit(self.changed)

    # --- printing -----------------------------------------------------------------------------------

    def print_plan(self) -> None:
        if self.is_draft() or self.shown is None:
            self.message.show_error(tr("plan.print_save_first"))
            return
        rev, db, hid, day = self.shown.revision, self.db, self.household_id, self.day
        self.print_button.setEnabled(False)
        worker.run_in_background(
            lambda: render_plan_file(db, hid, day, rev),
            self._printed,
            self._print_failed,
            context=self,
        )

    def _printed(self, path_pages: tuple[Path, int]) -> None:
        path, _pages = path_pages
        self.print_button.setEnabled(True)
        title = tr("plan.print_title", head=self.shown.head if self.shown else "", n=self.shown_revision())
        self.preview = PdfPreview(path, title, parent=self)
        self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview.show()

    def _print_failed(self, exc: BaseException) -> None:
        self.print_button.setEnabled(True)
        self.message.show_error(
            error_text(exc) if isinstance(exc, InputError) else tr("error.unexpected", detail=str(exc))
        )


def render_plan_file(db: Database, household_id: str, day: date, revision: int) -> tuple[Path, int]:
    """Render one revision to a PDF in a temporary folder (the preview saves a copy where asked)."""
    from exports.plan_pdf import render_plan  # ReportLab loads when a plan is first printed, not at start-up

    with db.session() as s:
        plan = plans.plan_view(s, household_id, day, revision)
        household = households.household_view(s, household_id, day)
        office = registry.setting(s, "letter.office_name")
        thai = registry.setting(s, "letter.thai_digits") != "0"
    folder = Path(tempfile.mkdtemp(prefix="fieldtool-plan-"))
    path = folder / f"plan-{household.house_no or 'x'}-{plan.head.replace(' ', '-')}-r{revision}.pdf"
    pages = render_plan(plan, household, path, office, thai)
    return path, pages
