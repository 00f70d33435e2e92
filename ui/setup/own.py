"""เริ่มตำบลของฉัน: from the demo to the officer's own subdistrict in one step.

The demo stays as it is (`make run` still opens it). This dialog says where the officer's own database
will be – `db.default_db_path()`, which `fieldtool` opens when no --db is given, or a file the officer
chooses – and creates it, or opens the one already there. The main window then runs the wizard on it if
nobody has set it up yet, and switches to it.
"""

from __future__ import annotations

from pathlib import Path

from db import Database, default_db_path, open_database
from ui.dialogs import FormDialog, input_error
from ui.i18n import tr
from ui.qt import QFileDialog, QHBoxLayout, QLineEdit, QPushButton
from ui.setup.part import hint_label


def suggested_path(current: Database) -> Path:
    """Where the officer's own database was started before from this demo, else the default place."""
    return Path(current.setting("own_database") or default_db_path())


class StartOwnDialog(FormDialog):
    def __init__(self, current: Database, parent=None):
        super().__init__(tr("setup.own.title"), parent)
        self.setMinimumWidth(640)
        self.current = current
        self.opened: Database | None = None
        demo = current.setting("demo") == "1"
        self.form.addRow(hint_label(tr("setup.own.intro_demo" if demo else "setup.own.intro", demo=str(current.path))))
        self.path = QLineEdit(str(suggested_path(current)))
        self.choose_button = QPushButton(tr("setup.own.choose"))
        self.choose_button.clicked.connect(self.choose)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.choose_button)
        self.form.addRow(tr("setup.own.where"), row)
        self.state = hint_label("")
        self.form.addRow(self.state)
        self.path.textChanged.connect(self._show_state)
        self._show_state()
        self.save_button.setText(tr("setup.own.start"))

    def chosen(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    def _show_state(self, *_) -> None:
        path = self.chosen()
        if not self.path.text().strip():
            self.state.setText("")
            return
        exists = tr("setup.own.exists") if path.exists() else tr("setup.own.will_create")
        how = "fieldtool" if path == default_db_path() else f'fieldtool --db "{path}"'
        self.state.setText(f"{exists} {tr('setup.own.next_time', command=how)}")

    @classmethod
    def choose_path(cls, parent, start: str) -> str:
        """A database file to create or open ("" when cancelled). Tests replace this."""
        path, _ = QFileDialog.getSaveFileName(
            parent, tr("setup.own.choose_title"), start, tr("setup.own.filter"),
            options=QFileDialog.Option.DontConfirmOverwrite,  # an existing database is opened, not replaced
        )
        return path

    def choose(self) -> None:
        path = StartOwnDialog.choose_path(self, self.path.text())
        if path:
            self.path.setText(path)

    def save(self) -> None:
        if not self.path.text().strip():
            raise input_error("setup.own.no_path")
        path = self.chosen()
        if path.exists() and path.resolve() == Path(self.current.path).resolve():
            raise input_error("setup.own.same")
        self.opened = open_database(path)  # creates it, or opens (and upgrades) the one there

    @classmethod
    def ask(cls, parent, current: Database) -> Database | None:
        """The officer's own database, opened; None when cancelled. Tests replace this."""
        dialog = cls(current, parent)
        return dialog.opened if dialog.exec() == FormDialog.DialogCode.Accepted else None
