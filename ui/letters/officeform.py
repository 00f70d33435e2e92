"""The office's settings for letters as one form: File → ตั้งค่าหนังสือราชการ…, the settings' letterhead tab
and the first-run wizard's letterhead page all show this widget, so there is one form to keep right.

The form only reads and writes values; whoever shows it decides when to save (`save(session)` writes
through `fieldtool.letterhead`, inside the caller's transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fieldtool import letterhead
from ui.i18n import strings, tr
from ui.qt import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

MULTILINE = {"office_address": "|", "signer_position": "|", "pay_place": " "}  # typed in lines, stored joined


def choose_image_file(parent) -> str:
    """The emblem image file ("" when cancelled)."""
    path, _ = QFileDialog.getOpenFileName(parent, tr("office.choose_title"), "", tr("office.image_filter"))
    return path


class OfficeSettingsForm(QWidget):
    """One row per office setting (`keys`, all by default), filled with `values`."""

    def __init__(
        self,
        values: dict[str, str],
        keys: Iterable[str] | None = None,
        choose_image: Callable[[QWidget], str] = choose_image_file,
        parent=None,
    ):
        super().__init__(parent)
        self.keys = [k for k in letterhead.OFFICE_SETTINGS if keys is None or k in set(keys)]
        self.loaded = {k: values.get(k, "") for k in self.keys}
        self._choose_image = choose_image
        self.fields: dict[str, QWidget] = {}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        for key in self.keys:
            required = letterhead.OFFICE_SETTINGS[key].required
            label = tr(f"office.{key}") + (" *" if required else "")
            if key in letterhead.YES_NO_SETTINGS:
                box = QCheckBox(tr(f"office.{key}_box"))
                self.fields[key] = box
                self.form.addRow(label, box)
            elif key == "emblem_path":
                edit = QLineEdit()
                edit.setPlaceholderText(tr("office.no_emblem"))
                self.choose_button = QPushButton(tr("office.choose"))
                self.choose_button.clicked.connect(self.choose_emblem)
                clear = QPushButton(tr("office.clear"))
                clear.clicked.connect(edit.clear)
                row = QHBoxLayout()
                row.addWidget(edit, 1)
                row.addWidget(self.choose_button)
                row.addWidget(clear)
                self.fields[key] = edit
                self.form.addRow(label, row)
            elif key in MULTILINE:
                edit = QPlainTextEdit()
                edit.setFixedHeight(self.fontMetrics().height() * 3 + 14)
                edit.setTabChangesFocus(True)
                self.fields[key] = edit
                self.form.addRow(label, edit)
            else:
                edit = QLineEdit()
                hint = f"office.{key}_hint"
                if hint in strings():
                    edit.setPlaceholderText(tr(hint))
                self.fields[key] = edit
                self.form.addRow(label, edit)
            self.set_value(key, self.loaded[key])

    def value(self, key: str) -> str:
        field = self.fields[key]
        if isinstance(field, QCheckBox):
            return "1" if field.isChecked() else "0"
        if isinstance(field, QPlainTextEdit):
            return MULTILINE[key].join(
                line.strip() for line in field.toPlainText().splitlines() if line.strip()
            )
        return field.text().strip()

    def set_value(self, key: str, value: str) -> None:
        field = self.fields[key]
        if isinstance(field, QCheckBox):
            field.setChecked(letterhead.is_on({key: value}, key))
        elif isinstance(field, QPlainTextEdit):
            field.setPlainText("\n".join(value.split("|")) if MULTILINE[key] == "|" else value)
        else:
            field.setText(value)

    def values(self) -> dict[str, str]:
        return {key: self.value(key) for key in self.keys}

    def changed(self) -> dict[str, str]:
        """What differs from the values the form was filled with (an unset yes/no box reads as its default)."""
        out = {}
        for key, value in self.values().items():
            before = self.loaded[key]
            if key in letterhead.YES_NO_SETTINGS:
                before = "1" if letterhead.is_on(self.loaded, key) else "0"
            if value != before:
                out[key] = value
        return out

    def choose_emblem(self) -> None:
        path = self._choose_image(self)
        if path:
            self.fields["emblem_path"].setText(path)

    def save(self, session, only_changed: bool = False) -> None:
        """Write the settings (all, or only those changed) in the caller's transaction."""
        for key, value in (self.changed() if only_changed else self.values()).items():
            letterhead.set_office_setting(session, key, value)
