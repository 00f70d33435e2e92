"""แฟ้ม → ตั้งค่า…: the same parts as the first-run wizard, as tabs – office and officer, place, villages,
funds, groups, letterhead – each showing what is there and letting the officer add and change.

Save writes every tab's changes in one transaction through the domain (so they are in the change log and
the next bundle); a refusal opens the tab it belongs to with its sentence, and nothing is written.
"""

from __future__ import annotations

from db import Database
from ui.dialogs import FormDialog
from ui.i18n import tr
from ui.qt import QDialog, QTabWidget
from ui.setup.part import PartRefused, scrolled
from ui.setup.parts import PART_KEYS, SetupParts


class SettingsDialog(FormDialog):
    def __init__(self, db: Database, tab: str | None = None, parent=None):
        super().__init__(tr("setup.settings.title"), parent)
        self.db = db
        self.parts = SetupParts(db)
        self.tabs = QTabWidget()
        self.tab_index: dict[str, int] = {}
        for key in PART_KEYS:
            part = self.parts.part(key)
            self.tab_index[key] = self.tabs.addTab(scrolled(part, margin=8), tr(f"setup.tab.{key}"))
        self.form.addRow(self.tabs)
        if tab is not None:
            self.show_tab(tab)
        self.resize(1000, 660)  # fits a 1366×768 screen with its task bar

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(self.tab_index[key])

    def accept(self) -> None:
        try:
            self.parts.save()
        except PartRefused as refused:
            self.show_tab(refused.part.KEY)
            refused.part.show_error(refused.sentence())
            return
        QDialog.accept(self)  # FormDialog.accept would save again

    @classmethod
    def ask(cls, parent, db: Database, tab: str | None = None) -> bool:
        """True when something was saved. Tests replace this."""
        return cls(db, tab, parent).exec() == QDialog.DialogCode.Accepted
