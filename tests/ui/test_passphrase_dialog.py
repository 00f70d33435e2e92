"""The key passphrase in the app: the small dialog itself, the officer locking the key and being asked for
it when sending, and the office asked for its own before importing a USB stick."""

from __future__ import annotations

import pytest

from db.office import default_key_path
from exports import bundle, keyfile, sync_keys
from tests.ui import test_office_window as office_tests
from tests.ui import test_syncdialog as sync_tests
from ui.passphrase import PassphraseDialog
from ui.qt import QLabel

PASSPHRASE = "ทุ่งกุลา ร้องไห้ 2569"
# the fixtures of the sync dialog's and the office window's tests, used here as they are
district_office = sync_tests.district_office
demo_template, demo, office_db, window = (office_tests.demo_template, office_tests.demo, office_tests.office_db,
                                          office_tests.window)
open_dialog, wait_done, bundles_in, wait = (sync_tests.open_dialog, sync_tests.wait_done, office_tests.bundles_in,
                                            office_tests.wait)


@pytest.fixture
def locked_key(tmp_path):
    path = tmp_path / "field.key"
    keyfile.write_private_key(path, keyfile.new_keys("officer", "laptop-1"), PASSPHRASE)
    return path


def answer(monkeypatch, method: str, value) -> None:
    """The person's answer to the dialog (the documented seam: the class method a test replaces)."""
    monkeypatch.setattr(PassphraseDialog, method, classmethod(lambda cls, *args, **kw: value))


def test_the_dialog_keeps_asking_until_the_passphrase_opens_the_key(qtbot, locked_key):
    dialog = PassphraseDialog(locked_key)
    qtbot.addWidget(dialog)
    dialog.show()
    assert any(str(locked_key) in label.text() for label in dialog.findChildren(QLabel))  # which key file

    qtbot.keyClicks(dialog.passphrase, "not the one")
    dialog.accept()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "รหัสผ่านของไฟล์กุญแจไม่ถูกต้อง" in dialog.error.text()
    assert dialog.passphrase.text() == ""  # ready for another try

    dialog.passphrase.setText(PASSPHRASE)
    dialog.accept()
    assert dialog.result() == PassphraseDialog.DialogCode.Accepted and dialog.value == PASSPHRASE


def test_a_new_passphrase_is_typed_twice_alike_long_enough_or_left_empty(qtbot):
    dialog = PassphraseDialog(optional=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase, "longenough1")
    qtbot.keyClicks(dialog.again, "longenough2")
    dialog.accept()
    assert "ไม่ตรงกัน" in dialog.error.text() and dialog.isVisible()

    dialog.passphrase.setText("short")
    dialog.again.setText("short")
    dialog.accept()
    assert "อย่างน้อย 8" in dialog.error.text() and dialog.isVisible()

    dialog.passphrase.clear()
    dialog.again.clear()
    dialog.accept()  # both empty: no passphrase, as the dialog says
    assert dialog.result() == PassphraseDialog.DialogCode.Accepted and dialog.value == ""


def test_an_officer_locks_the_key_and_is_asked_for_it_when_sending(qtbot, book, district_office, tmp_path,
                                                                 monkeypatch):
    dialog = open_dialog(qtbot, book.db)
    assert dialog.make_key(PASSPHRASE)
    assert "(มีรหัสผ่าน)" in dialog.key_state.text() and dialog.passphrase_button.isVisible()
    card = tmp_path / "officer.pub"
    assert dialog.save_card(card)  # the public key file needs no passphrase
    sync_keys.enrol_officer(district_office, card)
    assert dialog.trust(district_office.card_path)
    usb = tmp_path / "usb"
    usb.mkdir()

    answer(monkeypatch, "ask", None)  # the officer cancels
    dialog.send(usb / "341905-1.ftb")
    assert not dialog.busy and list(usb.iterdir()) == []

    answer(monkeypatch, "ask", PASSPHRASE)
    dialog.send(usb / "341905-1.ftb")
    wait_done(qtbot, dialog)
    assert "บันทึกชุดข้อมูลที่ 1 แล้ว" in dialog.message.text()
    assert bundle.import_bundle(district_office, usb / "341905-1.ftb")["status"] == "imported"

    answer(monkeypatch, "ask_new", "")  # later: both fields left empty removes the passphrase
    assert dialog.change_passphrase()
    assert "ไม่มีรหัสผ่านแล้ว" in dialog.message.text() and "(มีรหัสผ่าน)" not in dialog.key_state.text()
    assert not keyfile.is_locked(default_key_path(book.db))


def test_the_office_is_asked_for_its_passphrase_before_importing(qtbot, window, demo, office_db, monkeypatch):
    keyfile.change_passphrase(default_key_path(office_db), "office", None, PASSPHRASE)
    page = window.show_page("import")
    wait(qtbot)
    before = bundles_in(office_db)

    answer(monkeypatch, "ask", None)
    assert not page.start([demo / "usb"])
    assert bundles_in(office_db) == before and not page.busy

    answer(monkeypatch, "ask", PASSPHRASE)
    assert page.start([demo / "usb"])
    wait(qtbot)
    qtbot.waitUntil(lambda: not page.busy)
    assert bundles_in(office_db) > before
