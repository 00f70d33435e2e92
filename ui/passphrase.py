"""รหัสผ่านกุญแจ: the small dialog that asks for the private key file's passphrase, or for a new one.

It is asked when a bundle is made or opened (the field's sync dialog, the office's import page and its
return bundles) and when a key is made or its passphrase changed. The passphrase is tried here, inside the
dialog, so a wrong one is said at once and the dialog stays open for another try; the work that follows
opens the key file with it. A key file without a passphrase is never asked about.
"""

from __future__ import annotations

from pathlib import Path

from exports import keyfile
from fieldtool.thai import InputError
from fieldtool.vocabulary import KeyRole
from ui.dialogs import FormDialog, input_error
from ui.i18n import tr
from ui.qt import QLabel, QLineEdit


def _secret_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumWidth(260)
    return field


def _about(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class PassphraseDialog(FormDialog):
    """Unlock mode (`path` given): one field, tried against the key file. New mode: the passphrase twice."""

    def __init__(self, path: Path | None = None, optional: bool = False, removing: bool = False, parent=None):
        super().__init__(tr("passphrase.title_unlock" if path else "passphrase.title_new"), parent)
        self.setMinimumWidth(520)  # the Thai paragraph of the new mode in four lines, not six
        self.path = path
        self.optional = optional
        self.value = ""
        self.passphrase = _secret_field()
        self.again = _secret_field()
        if path:
            self.form.addRow(_about(tr("passphrase.unlock_about", path=str(path))))
            self.form.addRow(tr("passphrase.field"), self.passphrase)
            self.save_button.setText(tr("passphrase.ok"))
        else:
            self.form.addRow(_about(tr("passphrase.new_about", n=keyfile.MIN_PASSPHRASE)))
            if optional:
                self.form.addRow(_about(tr("passphrase.remove_hint" if removing else "passphrase.optional")))
            self.form.addRow(tr("passphrase.new_field"), self.passphrase)
            self.form.addRow(tr("passphrase.again"), self.again)
        self.passphrase.setFocus()

    def save(self) -> None:
        typed = self.passphrase.text()
        if self.path:
            try:
                keyfile.check_passphrase(self.path, typed)
            except keyfile.PassphraseError:
                self.passphrase.clear()
                raise
        elif typed or self.again.text() or not self.optional:
            if typed != self.again.text():
                self.again.clear()
                raise input_error("passphrase.differ")
            keyfile.check_new_passphrase(typed)
        self.value = typed

    @classmethod
    def ask(cls, parent, path: Path) -> str | None:
        """The passphrase that opens `path`; None when the person cancelled."""
        dialog = cls(path, parent=parent)
        return dialog.value if dialog.exec() == FormDialog.DialogCode.Accepted else None

    @classmethod
    def ask_new(cls, parent, optional: bool = True, removing: bool = False) -> str | None:
        """A new passphrase ("" for none, when `optional`); None when the person cancelled."""
        dialog = cls(optional=optional, removing=removing, parent=parent)
        return dialog.value if dialog.exec() == FormDialog.DialogCode.Accepted else None


def passphrase_for(parent, path: Path) -> str | None:
    """What opens the key file at `path`: "" when it has no passphrase, else what the person typed (asked
    until it is right); None when they cancelled."""
    if not keyfile.is_locked(path):
        return ""
    return PassphraseDialog.ask(parent, path)


def change_key_passphrase(parent, message, path: Path, role: KeyRole) -> bool:
    """Lock the key file at `path` with a passphrase, change it, or (both fields left empty) remove it; say
    what happened on `message` (a MessageBar). True when the file changed."""
    old = passphrase_for(parent, path)
    new = None if old is None else PassphraseDialog.ask_new(parent, optional=True, removing=bool(old))
    if new is None:
        return False
    try:
        locked = keyfile.change_passphrase(path, role, old or None, new or None)
    except InputError as exc:
        message.show_error(exc)
        return False
    message.show_info(tr("passphrase.set_done" if locked else "passphrase.removed"))
    return True
