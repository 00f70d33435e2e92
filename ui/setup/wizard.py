"""ตั้งค่าตำบล: the first-run wizard. It opens by itself on a database nobody has set up (`setup.is_new`)
and again from the today page, the status bar or when starting the officer's own subdistrict.

A page for each part of the set-up (officer and office, place, villages, funds, groups, letterhead) and a
last page saying what will be saved and what is still missing. The first page also offers the other way in:
a laptop the district office hands a subdistrict to starts from the office's seed bundle instead (the sync
dialog's seed mode), and the wizard closes once it is applied. Next checks the page with the domain's
own rules in a transaction that is rolled back; nothing is written until Finish, which writes everything
in one transaction. A refusal shows its sentence on the page it belongs to.
"""

from __future__ import annotations

import html

from db import Database
from fieldtool import setup
from fieldtool.setup import SetupView
from fieldtool.thai import InputError
from ui.i18n import error_text, text_of, tr
from ui.qt import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from ui.setup.part import PartRefused, SetupPart, scrolled
from ui.setup.parts import SetupParts
from ui.syncdialog import FieldSyncDialog

OPTIONAL = ("groups", "letterhead")


class PartPage(QWizardPage):
    def __init__(self, wizard: SetupWizard, part: SetupPart, number: int):
        super().__init__()
        self.wizard_ = wizard
        self.part = part
        optional = tr("setup.wizard.optional") if part.KEY in OPTIONAL else ""
        self.setTitle(tr("setup.wizard.page_title", n=number, total=len(wizard.parts.all) + 1,
                         title=part.title) + optional)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        if part.KEY == "office":
            welcome = QLabel(tr("setup.wizard.welcome"))
            welcome.setWordWrap(True)
            welcome.setContentsMargins(0, 0, 0, 8)
            box.addWidget(welcome)
            box.addWidget(self._seed_row(wizard))
        if part.KEY in OPTIONAL:
            later = QLabel(tr("setup.wizard.later"))
            later.setWordWrap(True)
            box.addWidget(later)
        box.addWidget(scrolled(part), 1)

    @staticmethod
    def _seed_row(wizard: SetupWizard) -> QWidget:
        """Beside setting up by hand: starting from what the office holds (a replacement laptop, a handover)."""
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 8)
        hint = QLabel(tr("setup.wizard.seed_hint"))
        hint.setWordWrap(True)
        hint.setStyleSheet("QLabel { color: #546e7a; }")
        wizard.seed_button = QPushButton(tr("setup.wizard.seed"))
        wizard.seed_button.clicked.connect(wizard.start_from_seed)
        line.addWidget(hint, 1)
        line.addWidget(wizard.seed_button)
        return row

    def validatePage(self) -> bool:
        """Next: this page and those before it, checked by the domain and rolled back."""
        parts = self.wizard_.parts.all
        try:
            self.wizard_.parts.try_out(parts[: parts.index(self.part) + 1])
        except PartRefused as refused:
            self.wizard_.show_refusal(refused)
            return False
        return True


class SummaryPage(QWizardPage):
    def __init__(self, wizard: SetupWizard):
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(tr("setup.wizard.page_title", n=len(wizard.parts.all) + 1, total=len(wizard.parts.all) + 1,
                         title=tr("setup.wizard.summary")))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(scrolled(self.text), 1)

    def initializePage(self) -> None:
        try:
            after = self.wizard_.parts.try_out()
        except PartRefused as refused:  # a page was changed behind Next's back; say where
            self.text.setText(f"<p style='color:#8e1c1c'>{html.escape(refused.part.title)}: "
                              f"{html.escape(refused.sentence())}</p>")
            return
        self.text.setText(summary_html(self.wizard_.parts, after, str(self.wizard_.db.path)))


def summary_html(parts: SetupParts, after: SetupView, path: str) -> str:
    """What Finish will write, what will still be missing, and where the database is."""
    out = [f"<p><b>{html.escape(tr('setup.summary.will_save'))}</b></p><ul>"]
    lines = [line for part in parts.all for line in part.summary()]
    out += [f"<li>{html.escape(line)}</li>" for line in lines] or [f"<li>{html.escape(tr('setup.summary.nothing'))}</li>"]
    out.append("</ul>")
    if after.missing:
        out.append(f"<p style='color:#8d5a00'><b>{html.escape(tr('setup.summary.missing'))}</b></p><ul>")
        out += [f"<li>{html.escape(text_of(m))}</li>" for m in after.missing]
        out.append("</ul>")
    else:
        out.append(f"<p style='color:#1b5e20'><b>{html.escape(tr('setup.summary.ready'))}</b></p>")
    letterhead = len(parts.letterhead.missing()) + (0 if parts.office.office_name.text().strip() else 1)
    if letterhead:
        out.append(f"<p style='color:#546e7a'>{html.escape(tr('setup.summary.letterhead_later', n=letterhead))}</p>")
    out.append(f"<p style='color:#546e7a'>{html.escape(tr('setup.summary.where', path=path))}</p>")
    return "".join(out)


class SetupWizard(QWizard):
    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(tr("setup.wizard.title"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setButtonText(QWizard.WizardButton.BackButton, tr("setup.wizard.back"))
        self.setButtonText(QWizard.WizardButton.NextButton, tr("setup.wizard.next"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("setup.wizard.finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("button.cancel"))
        self.parts = SetupParts(db, wizard=True)
        self.pages: dict[str, PartPage] = {}
        for number, part in enumerate(self.parts.all, start=1):
            page = PartPage(self, part, number)
            self.pages[part.KEY] = page
            self.addPage(page)
        self.summary = SummaryPage(self)
        self.addPage(self.summary)
        self.resize(980, 640)  # fits a 1366×768 screen with its task bar

    def page_of(self, part: SetupPart) -> PartPage:
        return self.pages[part.KEY]

    def show_refusal(self, refused: PartRefused) -> None:
        """The sentence on the page it belongs to; go back there if Finish found it."""
        target = self.page_of(refused.part)
        for _ in self.pageIds():
            if self.currentPage() is target or self.currentId() == self.startId():
                break
            self.back()
        refused.part.show_error(refused.sentence())

    def start_from_seed(self) -> bool:
        """เริ่มจากชุดข้อมูลตั้งต้นของสำนักงาน…: the officer's name first (the key file the office enrols carries
        it), then the sync dialog's seed steps; once a seed is applied the laptop is set up and the wizard done."""
        part = self.parts.office
        try:
            with self.db.session() as s:
                setup.set_officer(s, part.officer.text())
                part.load(setup.setup_view(s))
        except InputError as exc:
            part.show_error(error_text(exc))
            return False
        if not FieldSyncDialog.ask_seed(self, self.db):
            return False
        self.done(QWizard.DialogCode.Accepted)
        return True

    def accept(self) -> None:
        """Finish: everything in one transaction, or nothing and the sentence on its page."""
        try:
            self.parts.save()
        except PartRefused as refused:
            self.show_refusal(refused)
            return
        super().accept()

    @classmethod
    def ask(cls, parent, db: Database) -> bool:
        """True when the officer pressed Finish and everything was saved. Tests replace this."""
        return cls(db, parent).exec() == QWizard.DialogCode.Accepted
