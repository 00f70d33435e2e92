"""รับส่งข้อมูลกับอำเภอ: the field side of sync, for an officer who never opens a terminal.

One dialog from the File menu, in the order an officer meets it: make this laptop's key and save its
public key file for the office (once), trust the office's public key file (once), then, every time,
write the bundle for the office onto a USB stick, and apply the return bundle the office gives back.
The status at the top says what is done and how many changes are waiting to be sent. The private key
file may be locked with a passphrase (offered when the key is made, changed later): it is asked for each
time a bundle is made or applied.

A laptop not set up yet can start from the office's seed bundle (exports.seed; the first-run wizard opens
this dialog for it, `seed=True`): its public key file then names the subdistrict it is to be handed, and the
seed is applied like any return bundle, which sets the laptop up and says whether its book matches the
handover.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from db import Database
from db.office import default_key_path
from exports import bundle, sync_keys
from fieldtool.thai import InputError
from fieldtool.vocabulary import KeyRole
from ui import worker
from ui.i18n import error_text, local_time_text, tr
from ui.keyfiles import save_public_card
from ui.passphrase import PassphraseDialog, change_key_passphrase, passphrase_for
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
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
from ui.screen import fit_when_first_shown, scrolled
from ui.widgets import MessageBar


def _section(title: str, *rows) -> QGroupBox:
    """A titled box of (sentence, buttons) rows: the sentence wraps over the whole width, buttons below it."""
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    for label, buttons in rows:
        layout.addWidget(label)
        line = QHBoxLayout()
        line.addStretch(1)
        for b in buttons:
            line.addWidget(b)
        layout.addLayout(line)
    return box


def seeded_text(out: dict) -> str:
    """What a seed handed over, and whether this laptop's book agrees with the office's figures of the day."""
    h = out["handover"]
    text = tr("sync.seed.applied", subdistrict=f"{h['subdistrict_code']} {h['subdistrict']}".strip(),
              officers=", ".join(h["from_officers"]) or "–", households=f"{h['households']:,}", loans=f"{h['loans']:,}",
              outstanding=f"{Decimal(h['outstanding']):,.2f}")
    return f"{text} {tr('sync.seed.differs', n=len(h['differs'])) if h['differs'] else tr('sync.seed.matches')}"


class FieldSyncDialog(QDialog):
    received = Signal()  # a return bundle was applied: the windows show the office's changes

    def __init__(self, db: Database, parent=None, seed: bool = False):
        super().__init__(parent)
        self.db = db
        self.busy = False
        self.seed = seed
        self.setWindowTitle(tr("sync.title"))
        self.setMinimumWidth(720)
        self.message = MessageBar()

        self.key_state = QLabel()
        self.key_state.setWordWrap(True)
        self.make_key_button = QPushButton(tr("sync.make_key"))
        self.make_key_button.clicked.connect(self.choose_key_passphrase)
        self.save_card_button = QPushButton(tr("sync.save_card"))
        self.save_card_button.clicked.connect(self.choose_card_path)
        self.card_code = QLineEdit()  # a laptop not set up yet: the subdistrict the office is to seed it with
        self.card_code.setPlaceholderText("341905")
        self.card_code.setMaxLength(6)
        self.card_code.setFixedWidth(90)
        self.card_code_label = QLabel(tr("sync.card_subdistrict"))
        self.passphrase_button = QPushButton(tr("passphrase.change"))
        self.passphrase_button.clicked.connect(self.change_passphrase)
        self.office_state = QLabel()
        self.office_state.setWordWrap(True)
        self.trust_button = QPushButton(tr("sync.trust_office"))
        self.trust_button.clicked.connect(self.choose_office_card)
        setup = _section(tr("sync.setup"), (self.key_state, [self.make_key_button, self.passphrase_button,
                                                             self.card_code_label, self.card_code, self.save_card_button]),
                         (self.office_state, [self.trust_button]))

        self.send_state = QLabel()
        self.send_state.setWordWrap(True)
        self.send_button = QPushButton(tr("sync.send"))
        self.send_button.clicked.connect(lambda: self.choose_bundle_path(full=False))
        self.send_full_button = QPushButton(tr("sync.send_full"))
        self.send_full_button.clicked.connect(lambda: self.choose_bundle_path(full=True))
        send = _section(tr("sync.to_office"), (self.send_state, [self.send_full_button, self.send_button]))

        self.receive_state = QLabel()
        self.receive_state.setWordWrap(True)
        self.receive_button = QPushButton(tr("sync.receive"))
        self.receive_button.clicked.connect(self.choose_return_bundle)
        receive = _section(tr("sync.from_office"), (self.receive_state, [self.receive_button]))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("sync.close"))
        buttons.rejected.connect(self.reject)
        sections = QWidget()
        inner = QVBoxLayout(sections)
        inner.setContentsMargins(0, 0, 0, 0)
        if seed:  # the first-run wizard's way in: the steps to a seed, in order
            self.setWindowTitle(tr("sync.seed.title"))
            steps = QLabel(tr("sync.seed.steps"))
            steps.setWordWrap(True)
            inner.addWidget(steps)
            self.receive_button.setText(tr("sync.seed.apply"))
        for section in (setup, send, receive):
            inner.addWidget(section)
        send.setVisible(not seed)  # a laptop waiting for its seed has nothing to send yet
        inner.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.message)
        box.addWidget(scrolled(sections), 1)  # on a short screen the sections scroll, Close stays in sight
        box.addWidget(buttons)
        self.update_status()

    def showEvent(self, event) -> None:
        fit_when_first_shown(self)
        super().showEvent(event)

    # --- status ---------------------------------------------------------------------------------------

    def update_status(self) -> None:
        st = sync_keys.field_sync_status(self.db)
        self.status = st
        if st.has_key:
            locked = f" {tr('passphrase.locked_state')}" if st.key_locked else ""
            self.key_state.setText(tr("sync.key_ready", key_id=(st.key_id or "")[:16]) + locked)
        else:
            self.key_state.setText(tr("sync.no_key"))
        self.make_key_button.setVisible(not st.has_key)
        self.save_card_button.setEnabled(st.has_key)
        for widget in (self.card_code_label, self.card_code):
            widget.setVisible(not st.subdistrict_code)
        self.passphrase_button.setVisible(st.has_key)
        if st.office_code:
            self.office_state.setText(tr("sync.office_trusted", name=st.office_name or "–", code=st.office_code))
        else:
            self.office_state.setText(tr("sync.no_office"))
        ready = st.has_key and bool(st.office_code) and not self.busy
        self.send_button.setEnabled(ready)
        self.send_full_button.setEnabled(ready)
        self.receive_button.setEnabled(st.has_key and not self.busy)
        last = (tr("sync.last_bundle", n=st.last_out, when=local_time_text(st.last_out_at))
                if st.last_out else tr("sync.no_bundle_yet"))
        self.send_state.setText(f"{last} {tr('sync.waiting', n=st.changes_waiting)}")
        self.receive_state.setText(tr("sync.last_return", n=st.last_return, when=local_time_text(st.last_return_at))
                                   if st.last_return else tr("sync.no_return_yet"))

    # --- keys -----------------------------------------------------------------------------------------

    def choose_key_passphrase(self) -> None:
        """Make the key, offering first to lock its file with a passphrase."""
        chosen = PassphraseDialog.ask_new(self, optional=True)
        if chosen is not None:
            self.make_key(chosen or None)

    def make_key(self, passphrase: str | None = None) -> bool:
        try:
            sync_keys.init_officer_keys(self.db, passphrase=passphrase)
        except InputError as exc:
            self.message.show_error(exc)
            return False
        self.message.show_info(tr("sync.key_made"))
        self.update_status()
        return True

    def change_passphrase(self) -> bool:
        """Lock the key file with a passphrase, change it, or (both fields empty) remove it."""
        if not change_key_passphrase(self, self.message, default_key_path(self.db), KeyRole.OFFICER):
            return False
        self.update_status()
        return True

    @classmethod
    def ask_seed(cls, parent, db: Database) -> bool:
        """The dialog in its seed mode, modal; True when a seed was applied. Tests replace this."""
        dialog = cls(db, parent, seed=True)
        applied = []
        dialog.received.connect(lambda: applied.append(True))
        dialog.exec()
        return bool(applied)

    def choose_card_path(self) -> None:
        name = f"officer-{self.status.subdistrict_code or self.card_code.text().strip() or 'laptop'}.pub"
        path, _ = QFileDialog.getSaveFileName(self, tr("sync.save_card"), name, tr("office.keys.filter"))
        if path:
            self.save_card(Path(path))

    def save_card(self, path: Path) -> bool:
        code = self.card_code.text()
        return save_public_card(self.message, path, lambda: sync_keys.officer_card(self.db, area_code=code), "sync.card_saved")

    def choose_office_card(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("sync.trust_office"), "", tr("office.keys.filter"))
        if path:
            self.trust(Path(path))

    def trust(self, path: Path) -> bool:
        try:
            card, _new = sync_keys.trust_office(self.db, path)
        except InputError as exc:
            self.message.show_error(exc)
            return False
        self.message.show_info(tr("sync.office_now_trusted", name=card["name"] or card["area_code"]))
        self.update_status()
        return True

    # --- bundles --------------------------------------------------------------------------------------

    def choose_bundle_path(self, full: bool) -> None:
        name = f"{self.status.subdistrict_code or 'laptop'}-{self.status.last_out + 1}{'-full' if full else ''}.ftb"
        path, _ = QFileDialog.getSaveFileName(self, tr("sync.send"), name, tr("office.import.filter"))
        if path:
            self.send(Path(path), full)

    def send(self, path: Path, full: bool = False) -> None:
        """Write the bundle for the office in the background; the message says what it holds and where."""
        passphrase = passphrase_for(self, default_key_path(self.db))
        if passphrase is None:
            return
        db = self.db
        self._start()
        worker.run_in_background(lambda: bundle.export_field_bundle(db, path, full=full, passphrase=passphrase or None),
                                 self._sent, self._failed, self)

    def _sent(self, out: dict) -> None:
        self.busy = False
        self.message.show_info(tr("sync.sent", n=out["bundle_seq"], entries=out["entries"], photos=out["photos"],
                                  path=out["file"]))
        self.update_status()

    def choose_return_bundle(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("sync.receive"), "", tr("office.import.filter"))
        if path:
            self.receive(Path(path))

    def receive(self, path: Path) -> None:
        passphrase = passphrase_for(self, default_key_path(self.db))
        if passphrase is None:
            return
        db = self.db
        self._start()
        worker.run_in_background(lambda: bundle.import_bundle(db, path, passphrase=passphrase or None),
                                 self._received, self._failed, self)

    def _received(self, out: dict) -> None:
        self.busy = False
        if out["status"] == "already":
            self.message.show_info(tr("sync.already", n=out["bundle_seq"]))
        elif out.get("handover"):  # a seed: the laptop now serves the subdistrict; does its book match?
            self.message.show_info(seeded_text(out))
            emit(self.received)
        else:
            self.message.show_info(tr("sync.applied", n=out["bundle_seq"], records=out["records"]))
            emit(self.received)
        self.update_status()

    def _start(self) -> None:
        self.busy = True
        self.message.show_info(tr("sync.working"))
        for b in (self.send_button, self.send_full_button, self.receive_button):
            b.setEnabled(False)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, InputError):
            self.message.show_error(error_text(exc))
        elif isinstance(exc, OSError):
            where = exc.filename or ""
            self.message.show_error(tr("office.cannot_write", path=str(where), detail=exc.strerror or str(exc)))
        else:
            self.message.show_error(tr("error.unexpected", detail=str(exc)))
        self.update_status()
