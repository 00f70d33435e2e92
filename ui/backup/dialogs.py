"""The two dialogs: what a backup will hold and where it goes; what a backup holds and whether to restore it.

Both show the same figures (officer, subdistrict, households, loans, payments, visits, photos, the last
bundle sent), so the officer can compare the backup with the book she has now before replacing it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from db import Database
from db.snapshot import backups_dir
from exports import backup, sync_keys
from fieldtool.thai import InputError
from ui.dialogs import FormDialog, input_error
from ui.i18n import error_text, local_time_text, tr
from ui.passphrase import passphrase_for
from ui.qt import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton
from ui.setup.part import hint_label

_AMBER = "QLabel { background: #fff8e1; color: #7a4f01; padding: 6px 10px; border-radius: 4px; }"
_GREEN = "QLabel { background: #e8f5e9; color: #1b5e20; padding: 6px 10px; border-radius: 4px; }"


def _when(iso: str) -> str:
    return local_time_text(datetime.fromisoformat(iso.replace("Z", "+00:00")))


def summary_text(info: dict) -> str:
    """Officer and place, the counts, when it was made (a backup), the last bundle sent; one per line."""
    place = f"{info['subdistrict_code']} {info['subdistrict']}".strip() or "–"
    c = info["counts"]
    lines = [tr("backup.summary.who", officer=info["officer"] or "–", place=place),
             tr("backup.summary.counts", households=f"{c['households']:,}", loans=f"{c['loans']:,}",
                payments=f"{c['payments']:,}", visits=f"{c['visits']:,}", photos=f"{info.get('photos', 0):,}")]
    if info.get("made"):
        lines.insert(0, tr("backup.summary.made", when=_when(info["made"])))
    lines.append(tr("backup.summary.last_bundle", n=info["last_bundle"], when=_when(info["last_bundle_at"]))
                 if info["last_bundle"] else tr("backup.summary.no_bundle"))
    return "\n".join(lines)


def _banner(text: str, style: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    return label


def _path_row(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


class BackupDialog(FormDialog):
    """สำรองข้อมูล: what the backup will hold, whether it is encrypted, the folder it goes to."""

    def __init__(self, db: Database, parent=None):
        super().__init__(tr("backup.title"), parent)
        self.setMinimumWidth(640)
        self.db = db
        self.result: dict | None = None
        office = sync_keys.trusted_office(db)
        self.form.addRow(hint_label(tr("backup.intro")))
        self.holds = QLabel(summary_text(backup.holdings(db)))
        self.holds.setWordWrap(True)
        self.form.addRow(tr("backup.holds"), self.holds)
        if office is not None:
            self.state = _banner(tr("backup.encrypted", office=f"{office.officer} {office.area_code}".strip()), _GREEN)
        else:
            self.state = _banner(tr("backup.plain_warning"), _AMBER)
        self.form.addRow(self.state)
        self.folder = QLineEdit()
        self.choose_button = QPushButton(tr("backup.choose_folder"))
        self.choose_button.clicked.connect(self.choose)
        self.form.addRow(tr("backup.folder"), _path_row(self.folder, self.choose_button))
        self.form.addRow(hint_label(tr("backup.automatic", folder=str(backups_dir(db.path)))))
        self.save_button.setText(tr("backup.save"))

    @classmethod
    def choose_folder(cls, parent) -> str:
        """A folder to save in ("" when cancelled). Tests replace this."""
        return QFileDialog.getExistingDirectory(parent, tr("backup.choose_folder"))

    def choose(self) -> None:
        folder = BackupDialog.choose_folder(self)
        if folder:
            self.folder.setText(folder)

    def save(self) -> None:
        if not self.folder.text().strip():
            raise input_error("backup.no_folder")
        self.result = backup.write_backup(self.db, Path(self.folder.text().strip()).expanduser())

    @classmethod
    def ask(cls, parent, db: Database) -> dict | None:
        """The backup written (exports.backup.write_backup's answer); None when cancelled. Tests replace this."""
        dialog = cls(db, parent)
        return dialog.result if dialog.exec() == FormDialog.DialogCode.Accepted else None


class RestoreDialog(FormDialog):
    """กู้คืนข้อมูล: the backup chosen, what it holds beside what is here now, the office's key if it is
    sealed; Restore opens and checks it (nothing is replaced yet: the main window does that)."""

    def __init__(self, db: Database, parent=None):
        super().__init__(tr("restore.title"), parent)
        self.setMinimumWidth(680)
        self.db = db
        self.info: dict | None = None
        self.staged: backup.StagedBackup | None = None
        self.form.addRow(hint_label(tr("restore.intro")))
        self.file = QLineEdit()
        self.file.setReadOnly(True)
        self.choose_button = QPushButton(tr("restore.choose_file"))
        self.choose_button.clicked.connect(self.choose)
        self.form.addRow(tr("restore.file"), _path_row(self.file, self.choose_button))
        self.holds = QLabel()
        self.holds.setWordWrap(True)
        self.form.addRow(tr("restore.holds"), self.holds)
        self.sealing = hint_label("")
        self.form.addRow(self.sealing)
        self.key = QLineEdit()
        self.key_button = QPushButton(tr("restore.choose_key"))
        self.key_button.clicked.connect(self.choose_key)
        self.key_row = _path_row(self.key, self.key_button)
        self.form.addRow(tr("restore.key"), self.key_row)
        current = backup.holdings(db) if db.path.is_file() else None
        self.now = QLabel(summary_text(current) if current else tr("restore.nothing_yet"))
        self.now.setWordWrap(True)
        self.form.addRow(tr("restore.now"), self.now)
        self.form.addRow(_banner(tr("restore.consequence", folder=str(backups_dir(db.path))), _AMBER))
        self.save_button.setText(tr("restore.save"))
        self._show_backup()
        self.resize(780, 560)  # room for the backup's figures once one is chosen (fitted to the screen on show)

    def _show_backup(self) -> None:
        known = self.info is not None
        encrypted = known and self.info["encrypted"]
        self.holds.setText(summary_text(self.info) if known else "–")
        self.sealing.setText(tr("restore.encrypted", office=self.info.get("office", "")) if encrypted
                             else tr("restore.plain") if known else "")
        for widget in (self.key, self.key_button, self.form.labelForField(self.key_row)):
            widget.setVisible(encrypted)
        self.save_button.setEnabled(known)

    @classmethod
    def choose_file(cls, parent) -> str:
        """A backup file to restore ("" when cancelled). Tests replace this."""
        path, _ = QFileDialog.getOpenFileName(parent, tr("restore.choose_file"), "", tr("restore.filter"))
        return path

    @classmethod
    def choose_key_file(cls, parent) -> str:
        """The office's private key file ("" when cancelled). Tests replace this."""
        path, _ = QFileDialog.getOpenFileName(parent, tr("restore.choose_key"), "", tr("restore.key_filter"))
        return path

    def choose(self) -> None:
        path = RestoreDialog.choose_file(self)
        if path:
            self.load(Path(path))

    def choose_key(self) -> None:
        path = RestoreDialog.choose_key_file(self)
        if path:
            self.key.setText(path)

    def load(self, path: Path) -> None:
        """Show what the backup at `path` holds (a file that is not one says so and is not taken)."""
        self.error.hide()
        self.file.setText(str(path))
        try:
            self.info = backup.backup_info(path)
        except InputError as exc:
            self.info = None
            self.show_error(error_text(exc))
        self._show_backup()

    def save(self) -> None:
        if self.info is None:
            raise input_error("restore.no_file")
        key = Path(self.key.text().strip()).expanduser() if self.info["encrypted"] and self.key.text().strip() else None
        passphrase = passphrase_for(self, key) if key is not None and key.is_file() else ""
        if passphrase is None:
            raise input_error("restore.no_passphrase")
        self.staged = backup.open_backup(Path(self.file.text()), self.db.path, key, passphrase or None)

    @classmethod
    def ask(cls, parent, db: Database) -> backup.StagedBackup | None:
        """The backup opened and checked, to put in place; None when cancelled. Tests replace this."""
        dialog = cls(db, parent)
        return dialog.staged if dialog.exec() == FormDialog.DialogCode.Accepted else None
