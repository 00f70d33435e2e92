"""Two parts of the set-up about the office: who uses this laptop and the office's name (written into
the change log and on letters), and the rest of the letterhead (the letter settings, optional at first)."""

from __future__ import annotations

from fieldtool import letterhead, setup
from fieldtool.setup import SetupView
from ui.i18n import tr
from ui.letters.officeform import OfficeSettingsForm
from ui.qt import QFormLayout, QLineEdit
from ui.setup.part import SetupPart


class OfficerPart(SetupPart):
    """พัฒนากรและสำนักงาน: the officer's name and the office's name."""

    KEY = "office"

    def __init__(self, view: SetupView, required: bool = False, parent=None):
        super().__init__(parent)
        self.required = required  # the wizard asks for the name; the settings only save a change
        self.officer = QLineEdit()
        self.officer.setPlaceholderText(tr("setup.office.officer_hint"))
        self.office_name = QLineEdit()
        self.office_name.setPlaceholderText(tr("setup.office.office_hint"))
        form = QFormLayout()
        form.addRow(tr("setup.office.officer") + " *", self.officer)
        form.addRow(tr("setup.office.office_name"), self.office_name)
        self.box.addLayout(form)
        self.box.addStretch(1)
        self.load(view)
        self.officer.textChanged.connect(self._changed)
        self.office_name.textChanged.connect(self._changed)

    def load(self, view: SetupView) -> None:
        self.saved_officer = view.officer
        self.saved_office = view.letterhead.get("office_name", "")
        self.officer.setText(view.officer)
        self.office_name.setText(self.saved_office)

    def suggest_office(self, district: str) -> None:
        """The office of a district is named after it; offer that while the field is empty."""
        hint = tr("setup.office.office_for", district=district) if district else tr("setup.office.office_hint")
        self.office_name.setPlaceholderText(hint)

    def apply(self, session) -> None:
        # The officer first: the change log names her for everything written after it.
        officer = " ".join(self.officer.text().split())
        if officer != self.saved_officer or (self.required and not officer):
            setup.set_officer(session, officer)
        office = self.office_name.text().strip()
        if office != self.saved_office:
            letterhead.set_office_setting(session, "office_name", office)

    def summary(self) -> list[str]:
        lines = [tr("setup.summary.officer", name=" ".join(self.officer.text().split()) or "–")]
        if self.office_name.text().strip():
            lines.append(tr("setup.summary.office", name=self.office_name.text().strip()))
        return lines


class LetterheadPart(SetupPart):
    """หัวหนังสือ: what letters print about the office (its name is on the officer's part)."""

    KEY = "letterhead"

    def __init__(self, view: SetupView, parent=None):
        super().__init__(parent)
        self.form = OfficeSettingsForm(
            view.letterhead, keys=[k for k in letterhead.OFFICE_SETTINGS if k != "office_name"]
        )
        self.box.addWidget(self.form)
        self.box.addStretch(1)
        for field in self.form.fields.values():
            signal = getattr(field, "textChanged", None) or field.toggled
            signal.connect(self._changed)

    def load(self, view: SetupView) -> None:
        for key in self.form.keys:
            self.form.set_value(key, view.letterhead.get(key, ""))
        self.form.loaded = {k: view.letterhead.get(k, "") for k in self.form.keys}

    def apply(self, session) -> None:
        self.form.save(session, only_changed=True)

    def missing(self) -> list[str]:
        """The settings a letter needs that are still empty, by their names on screen."""
        return [
            tr(f"office.{key}")
            for key, setting in letterhead.OFFICE_SETTINGS.items()
            if setting.required and key in self.form.keys and not self.form.value(key)
        ]

    def summary(self) -> list[str]:
        changed = self.form.changed()
        if not changed:
            return []
        return [tr("setup.summary.letterhead", n=len(changed))]
