"""เครื่องของเจ้าหน้าที่และกุญแจ: the office's own keys, the officers' laptops, and return bundles.

At the top, the office's key: a form to make it (district code and office name) when this database has
none yet, else its key id, a button to save the public key file every officer trusts and one to lock its
private key file with a passphrase, change it or remove it (ui.passphrase, as the field's sync dialog does;
asked for whenever the office opens a bundle or writes one). Below, the
laptops enrolled (from the public key files officers hand over in person) with their last bundle and any
bundle that never arrived; from here the office enrols a new laptop and writes the return bundles that
carry its decisions back to the field, for one laptop or for all of them at once, and the seed bundle that
hands a subdistrict to a new laptop (ui.office.seed).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from db.office import OfficeDatabase, default_key_path
from exports import bundle, keyfile, sync_keys
from exports.seed import export_seed_bundle
from fieldtool.handover import LaptopKey, laptop_keys, revoke
from fieldtool.thai import InputError, local_time
from fieldtool.vocabulary import KeyRole
from ui import worker
from ui.dialogs import FormDialog
from ui.i18n import day_text, error_text, local_time_text, tr
from ui.keyfiles import save_public_card
from ui.office.seed import SeedDialog, SeedRequest
from ui.passphrase import change_key_passphrase, passphrase_for
from ui.qt import (
    QColor,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.tablemodel import Column, RowTableModel
from ui.widgets import MessageBar, empty_note, fit_columns, make_table, section_title

RED = QColor("#b71c1c")


def missing_text(d: LaptopKey) -> str:
    if not d.has_gap:
        return "–"
    return tr("office.devices.missing", numbers=", ".join(str(n) for n in d.missing_bundles) or "?")


DEVICE_COLUMNS = [
    Column("office.col.subdistrict", lambda d: d.subdistrict),
    Column("office.col.officer", lambda d: d.officer or "–", max_width=260),
    Column("office.col.device", lambda d: d.device_id[:8], tooltip=lambda d: d.device_id),
    Column("office.col.enrolled", lambda d: day_text(local_time(d.enrolled_at).date()), sort_key=lambda d: d.enrolled_at),
    Column("office.col.last_bundle", lambda d: str(d.last_bundle) if d.last_bundle else "–", "right",
           sort_key=lambda d: d.last_bundle or 0),
    Column("office.col.imported_at", lambda d: local_time_text(d.last_imported_at) if d.last_imported_at else "–"),
    Column("office.col.missing", missing_text, color=lambda d: RED if d.has_gap else None,
           bold=lambda d: d.has_gap, max_width=400),
    Column("office.col.revoked", lambda d: day_text(local_time(d.revoked_at).date()) if d.revoked_at else "–",
           color=lambda d: RED if d.revoked_at else None, sort_key=lambda d: d.revoked_at or d.enrolled_at),
]


class RevokeDialog(FormDialog):
    """เพิกถอนกุญแจ: a lost laptop's key; asks for the reason, says what it does (fieldtool.handover)."""

    def __init__(self, item: LaptopKey, parent=None):
        super().__init__(tr("office.revoke.title"), parent)
        question = QLabel(tr("office.revoke.question", officer=item.officer or "–", subdistrict=item.subdistrict,
                             device=item.device_id[:8]))
        question.setWordWrap(True)
        self.form.addRow(question)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("office.revoke.reason_hint"))
        self.form.addRow(tr("office.revoke.reason"), self.reason)
        self.save_button.setText(tr("office.revoke.confirm"))

    def save(self) -> None:
        """Nothing to write: the view revokes with the reason given."""

    @classmethod
    def ask(cls, parent, item: LaptopKey) -> str | None:
        """The reason to revoke the key, or None to leave it. Tests replace this."""
        dialog = cls(item, parent=parent)
        return dialog.reason.text().strip() if dialog.exec() == FormDialog.DialogCode.Accepted else None


def return_file_name(d: LaptopKey) -> str:
    return f"return-{d.subdistrict_code}-{d.device_id[:8]}.ftb"


class DevicesView(QWidget):
    loaded = Signal()
    changed = Signal()  # the office's keys or settings changed (the window's status bar shows them)

    def __init__(self, db: OfficeDatabase, day: date, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.stale = True
        self.loads = worker.Latest(self)
        self.has_keys = False

        self.title = section_title(tr("office.devices.title"))
        self.message = MessageBar()

        # the office's key: a setup form, or what it is
        self.key_box = QGroupBox(tr("office.keys.title"))
        self.setup = QWidget()
        form = QFormLayout(self.setup)
        self.setup_intro = QLabel(tr("office.keys.setup_intro"))
        self.setup_intro.setWordWrap(True)
        form.addRow(self.setup_intro)
        self.district = QLineEdit()
        self.district.setPlaceholderText("3419")
        self.district.setMaxLength(4)
        self.office_name = QLineEdit()
        self.office_name.setPlaceholderText(tr("office.keys.name_hint"))
        form.addRow(tr("office.keys.district"), self.district)
        form.addRow(tr("office.keys.name"), self.office_name)
        self.create_button = QPushButton(tr("office.keys.create"))
        self.create_button.clicked.connect(self.create_keys)
        button_row = QHBoxLayout()
        button_row.addWidget(self.create_button)
        button_row.addStretch(1)
        form.addRow("", button_row)
        self.key_info = QLabel()
        self.key_info.setWordWrap(True)
        self.export_card_button = QPushButton(tr("office.keys.export"))
        self.export_card_button.clicked.connect(self.choose_card_path)
        self.passphrase_button = QPushButton(tr("passphrase.change"))
        self.passphrase_button.clicked.connect(self.change_passphrase)
        info_row = QWidget()
        irow = QHBoxLayout(info_row)
        irow.setContentsMargins(0, 0, 0, 0)
        irow.addWidget(self.key_info, 1)
        irow.addWidget(self.export_card_button)
        irow.addWidget(self.passphrase_button)
        self.key_ready = info_row
        kbox = QVBoxLayout(self.key_box)
        kbox.addWidget(self.setup)
        kbox.addWidget(self.key_ready)

        self.model = RowTableModel(DEVICE_COLUMNS, self)
        self.view = make_table(self.model, sortable=True)
        empty_note(self.view, lambda: tr("office.devices.none") if self.loads.started else "")
        self.enrol_button = QPushButton(tr("office.devices.enrol"))
        self.enrol_button.clicked.connect(self.choose_card_to_enrol)
        self.return_button = QPushButton(tr("office.devices.return_one"))
        self.return_button.clicked.connect(self.choose_return_path)
        self.return_all_button = QPushButton(tr("office.devices.return_all"))
        self.return_all_button.clicked.connect(self.choose_return_folder)
        self.revoke_button = QPushButton(tr("office.revoke.button"))
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.seed_button = QPushButton(tr("office.seed.button"))
        self.seed_button.clicked.connect(self.ask_seed)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.enrol_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        buttons.addWidget(self.seed_button)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.return_all_button)

        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.message)
        box.addWidget(self.key_box)
        box.addWidget(QLabel(tr("office.devices.laptops")))
        box.addWidget(self.view, 1)
        box.addLayout(buttons)
        self._selection_changed()

    # --- the page contract ----------------------------------------------------------------------------

    def set_day(self, day: date) -> None:
        self.day = day

    def refresh(self) -> None:
        self.stale = False
        db = self.db

        def load():
            key_file = default_key_path(db)
            with db.session() as s:
                items = laptop_keys(s)
            return (items, key_file.exists(), keyfile.is_locked(key_file), db.setting("district_code"),
                    db.setting("office_name"), db.setting("sync_key_id"))

        self.loads.run(load, lambda answer: self._show(*answer), self.message.show_error)

    def _show(self, items, has_key, locked, district, office_name, key_id) -> None:
        self.has_keys = bool(has_key and district)
        self.setup.setVisible(not self.has_keys)
        self.key_ready.setVisible(self.has_keys)
        if self.has_keys:
            ready = tr("office.keys.ready", district=district, name=office_name or "–", key_id=(key_id or "")[:16])
            self.key_info.setText(f"{ready} {tr('passphrase.locked_state')}" if locked else ready)
        elif district:
            self.district.setText(district)
        self.enrol_button.setEnabled(self.has_keys)
        self.seed_button.setEnabled(self.has_keys)
        self.return_all_button.setEnabled(self.has_keys and bool(items))
        self.model.set_rows(items)
        fit_columns(self.view)
        self._selection_changed()
        emit(self.loaded)

    def selected(self) -> LaptopKey | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self, *_) -> None:
        usable = self.selected() is not None and not self.selected().revoked_at
        self.return_button.setEnabled(self.has_keys and usable)
        self.revoke_button.setEnabled(usable)

    # --- the office's keys ----------------------------------------------------------------------------

    def create_keys(self) -> bool:
        try:
            out = sync_keys.init_office_keys(self.db, self.district.text(), self.office_name.text().strip())
        except InputError as exc:
            self.message.show_error(exc)
            return False
        self.message.show_info(tr("office.keys.created", path=out["key_file"]))
        emit(self.changed)
        self.refresh()
        return True

    def choose_card_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("office.keys.export"), f"office-{self.db.setting('district_code')}.pub",
                                              tr("office.keys.filter"))
        if path:
            self.export_card(Path(path))

    def export_card(self, path: Path) -> bool:
        return save_public_card(self.message, path, lambda: sync_keys.office_card(self.db), "office.keys.exported")

    def change_passphrase(self) -> bool:
        """Lock the office's key file with a passphrase, change it, or (both fields left empty) remove it."""
        if not change_key_passphrase(self, self.message, default_key_path(self.db), KeyRole.OFFICE):
            return False
        self.refresh()
        return True

    # --- laptops --------------------------------------------------------------------------------------

    def choose_card_to_enrol(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("office.devices.enrol"), "", tr("office.keys.filter"))
        if path:
            self.enrol(Path(path))

    def enrol(self, path: Path) -> bool:
        try:
            card, new = sync_keys.enrol_officer(self.db, path)
        except InputError as exc:
            self.message.show_error(exc)
            return False
        key = "office.devices.enrolled" if new else "office.devices.enrolled_before"
        self.message.show_info(tr(key, officer=card["name"] or "–", code=card["area_code"]))
        self.refresh()
        return True

    def choose_return_path(self) -> None:
        device = self.selected()
        if device is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("office.devices.return_one"), return_file_name(device),
                                              tr("office.import.filter"))
        if path:
            self.write_returns([device], lambda d: Path(path))

    def choose_return_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("office.devices.return_all"))
        if folder:
            self.write_returns([d for d in self.model.rows if not d.revoked_at], lambda d: Path(folder) / return_file_name(d))

    def revoke_selected(self) -> bool:
        """Revoke the selected laptop's key, after asking why; its later bundles are refused from now on."""
        item = self.selected()
        reason = RevokeDialog.ask(self, item) if item is not None else None
        if reason is None:
            return False
        try:
            with self.db.session() as s:
                revoke(s, item.key_id, reason)
        except InputError as exc:
            self.message.show_error(exc)
            return False
        self.message.show_info(tr("office.revoke.done", officer=item.officer or item.device_id[:8]))
        self.refresh()
        return True

    def ask_seed(self) -> None:
        request = SeedDialog.ask(self, self.db)
        if request is not None:
            self.write_seed(request)

    def write_seed(self, request: SeedRequest) -> None:
        """Enrol the new key, record the handover and write the seed, in the background; say what it holds."""
        passphrase = passphrase_for(self, default_key_path(self.db))
        if passphrase is None:
            return
        db, day = self.db, self.day
        self.seed_button.setEnabled(False)
        worker.run_in_background(
            lambda: export_seed_bundle(db, request.code, request.card, request.out, day, passphrase=passphrase or None),
            self._seed_written, self._returns_failed, self)

    def _seed_written(self, out: dict) -> None:
        h = out["handover"]
        self.message.show_info(tr("office.seed.written", subdistrict=f"{h['subdistrict_code']} {h['subdistrict']}".strip(),
                                  officer=h["to_officer"] or "–", entries=f"{out['entries']:,}",
                                  photos=f"{out['photos']:,}", path=out["file"]))
        self.refresh()

    def write_returns(self, devices: list[LaptopKey], path_of) -> None:
        """Write a return bundle for each device in the background; each one on its own, all reported."""
        passphrase = passphrase_for(self, default_key_path(self.db))
        if passphrase is None:  # the office's key file is locked and the passphrase was not given
            return
        db = self.db
        jobs = [(d, path_of(d)) for d in devices]

        def work():
            answers = []
            for d, path in jobs:
                try:
                    answers.append((d, bundle.export_return_bundle(db, d.device_id, path,
                                                                   passphrase=passphrase or None), ""))
                except InputError as exc:
                    answers.append((d, None, error_text(exc)))
                except OSError as exc:
                    answers.append((d, None, tr("office.cannot_write", path=str(path), detail=exc.strerror or str(exc))))
            return answers

        self.return_button.setEnabled(False)
        self.return_all_button.setEnabled(False)
        worker.run_in_background(work, self._returns_written, self._returns_failed, self)

    def _returns_written(self, answers) -> None:
        lines, failed = [], False
        for d, out, error in answers:
            who = f"{d.officer or d.device_id[:8]} ({d.subdistrict})"
            if error:
                failed = True
                lines.append(tr("office.devices.return_failed", who=who, error=error))
            elif out["file"] is None:
                lines.append(tr("office.devices.return_nothing", who=who))
            else:
                lines.append(tr("office.devices.return_written", who=who, n=out["bundle_seq"], entries=out["entries"],
                                path=out["file"]))
        text = "\n".join(lines)
        self.message.show_error(text) if failed else self.message.show_info(text)
        self.refresh()

    def _returns_failed(self, exc) -> None:
        self.message.show_error(exc)
        self.refresh()
