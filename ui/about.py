"""Who the program is: its names, version and icon given to Qt at start, and the About box
(Help → เกี่ยวกับโปรแกรม) that tells an officer or whoever supports her which version runs, which database
it has open, where the support log is, and opens the data folder in the file manager.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from ui import logsetup
from ui.i18n import tr
from ui.qt import (
    QApplication,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QIcon,
    QLabel,
    QPixmap,
    QPushButton,
    Qt,
    QUrl,
    QVBoxLayout,
    qVersion,
)

APP_NAME = logsetup.APP_NAME
# Qt keeps settings under the organisation, then the program: HKCU\Software\fieldtool\fieldtool on Windows.
ORGANISATION = "fieldtool"
# The same id on the Start-menu shortcut (packaging/windows/installer.iss) groups the window under it.
WINDOWS_APP_ID = "fieldtool.fieldtool"
ICON_PATH = Path(__file__).resolve().parents[1] / "resources" / "icon.png"


def apply_identity(app: QApplication) -> None:
    """Names, version and icon, before any window opens."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(logsetup.program_version())
    app.setWindowIcon(QIcon(str(ICON_PATH)))
    if sys.platform == "win32":  # else the taskbar shows Python's icon and group, not the shortcut's
        import ctypes

        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(WINDOWS_APP_ID)


class AboutDialog(QDialog):
    """The version, the database, the support log, and a button that opens the data folder."""

    # Replaced in tests, which cannot look at a file manager.
    open_url = staticmethod(QDesktopServices.openUrl)

    def __init__(self, db_path: Path, parent=None, label: str | None = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        # The office's PostgreSQL server is named by its URL (no password) and has no folder here to open.
        self.db_label = label or str(self.db_path)
        self.setWindowTitle(tr("about.title"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addLayout(self._heading())
        layout.addLayout(self._facts())
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("QLabel { color: #b71c1c; }")
        self.problem.hide()
        layout.addWidget(self.problem)
        layout.addWidget(self._buttons())

    def _heading(self) -> QHBoxLayout:
        row = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(QPixmap(str(ICON_PATH)).scaled(
            72, 72, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        name = QLabel(APP_NAME)
        name.setStyleSheet("QLabel { font-size: 20pt; font-weight: bold; }")
        self.version = QLabel(tr("about.version", version=logsetup.program_version()))
        self.version.setStyleSheet("QLabel { font-size: 13pt; }")
        tagline = QLabel(tr("about.tagline"))
        tagline.setWordWrap(True)
        for label in (name, self.version, tagline):
            words.addWidget(label)
        row.addLayout(words, 1)
        return row

    def _facts(self) -> QFormLayout:
        form = QFormLayout()
        self.database = self._path_label(self.db_label)
        form.addRow(tr("about.database"), self.database)
        log = logsetup.current_log_path()
        self.log = self._path_label(str(log) if log else tr("about.no_log"))
        form.addRow(tr("about.log"), self.log)
        runtime = QLabel(f"Qt {qVersion()} · Python {platform.python_version()} · {platform.system()}")
        runtime.setStyleSheet("QLabel { color: #666; }")
        form.addRow(tr("about.runtime"), runtime)
        return form

    @staticmethod
    def _path_label(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)  # a long Windows path breaks over lines instead of widening the box
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy into a message
        return label

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox()
        self.open_folder_button = QPushButton(tr("about.open_folder"))
        self.open_folder_button.clicked.connect(self.open_data_folder)
        buttons.addButton(self.open_folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_folder_button.setVisible(self.db_label == str(self.db_path))
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(tr("button.close"))
        buttons.rejected.connect(self.reject)
        close.clicked.connect(self.reject)
        return buttons

    def data_folder(self) -> Path:
        """The folder that holds the open database (its photos and backups sit beside it)."""
        return self.db_path.parent

    def open_data_folder(self) -> bool:
        folder = self.data_folder()
        opened = folder.is_dir() and self.open_url(QUrl.fromLocalFile(str(folder)))
        if not opened:
            self.problem.setText(tr("about.cannot_open", path=str(folder)))
            self.problem.show()
        return bool(opened)
