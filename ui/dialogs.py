"""The shape every small form shares: fields, one line for what is wrong, Save and Cancel.

Save runs `save()`, which writes in one database transaction; an InputError there keeps the dialog
open with the sentence shown inside it, and nothing is written (the session rolls back).
"""

from __future__ import annotations

import re

from fieldtool.text import Text
from fieldtool.thai import InputError
from ui.i18n import error_text, strings, tr
from ui.qt import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget
from ui.screen import fit_when_first_shown, scrolled


def input_error(key: str, **values) -> InputError:
    """An InputError raised by the screens, with the string's Thai and English (as the domain raises them)."""
    entry = strings()[key]
    return InputError(Text(entry["th"].format(**values), entry["en"].format(**values)))


_CLOCK_RE = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:.]\s*([0-5]\d)\s*(?:น\.?)?\s*$")


def parse_clock(text: str) -> tuple[int, int]:
    """A time of day typed as 13:30, 13.30 or 13.30 น.; (hour, minute)."""
    m = _CLOCK_RE.match(text)
    if not m:
        raise input_error("error.bad_time", text=text)
    return int(m[1]), int(m[2])


def clock_text(text: str) -> str:
    """The typed time as stored ("09:30"); "" stays "" (the time is optional)."""
    if not text.strip():
        return ""
    hour, minute = parse_clock(text)
    return f"{hour:02d}:{minute:02d}"


class FormDialog(QDialog):
    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(
            "QLabel { color: #b71c1c; background: #fdecea; padding: 6px; border-radius: 4px; }"
        )
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("button.save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("button.cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        fields = QWidget()
        fields.setLayout(self.form)
        self.form.setContentsMargins(0, 0, 0, 0)
        box = QVBoxLayout(self)
        box.addWidget(scrolled(fields), 1)  # on a short screen the fields scroll, Save stays in sight
        box.addWidget(self.error)
        box.addWidget(self.buttons)

    def showEvent(self, event) -> None:
        fit_when_first_shown(self)
        super().showEvent(event)

    @property
    def save_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def save(self) -> None:
        """Write what the form says; raise InputError to refuse."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.save()
        except InputError as exc:
            self.show_error(error_text(exc))
            return
        except Exception as exc:  # e.g. the disk is full: still one sentence, not a traceback
            self.show_error(tr("error.unexpected", detail=str(exc)))
            return
        super().accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
