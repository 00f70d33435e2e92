"""File → สำรองข้อมูล… and กู้คืนข้อมูล…: the backup on a USB stick from the app, and the restore that shows
what a backup holds, asks for the office's key when it is sealed, and puts the book back in the window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db.backup import describe, snapshot_path
from exports import backup, keyfile, sync_keys
from ui.backup import automatic
from ui.backup.dialogs import BackupDialog, RestoreDialog
from ui.mainwindow import MainWindow
from ui.passphrase import PassphraseDialog
from ui.qt import QApplication, QRect

from .conftest import add_target_household
from .test_fit import assert_buttons_outside_scroll_areas_visible, assert_inside_screen, opened_on

LAPTOP = QRect(0, 0, 1366, 768)
SHOTS = Path("/tmp/shots")


@pytest.fixture
def stick(tmp_path) -> Path:
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder


@pytest.fixture
def office_key(book, tmp_path) -> Path:
    """The district office's private key file; the laptop trusts its public key."""
    keys = keyfile.new_keys("office", "office-device")
    path = tmp_path / "office.key"
    keyfile.write_private_key(path, keys)
    with book.db.session() as s:
        sync_keys.enrol(s, sync_keys.public_card(keys, "สพอ.พิบูลมังสาหาร", "3419"))
    return path


def shot(widget, name: str) -> None:
    """What an officer sees on a 1366×768 laptop, kept for a person to look at."""
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def test_without_the_offices_key_the_backup_warns_and_goes_to_the_folder_chosen(qtbot, book, stick, monkeypatch):
    dialog = opened_on(qtbot, BackupDialog(book.db), LAPTOP)
    assert dialog.state.text().startswith("ยังไม่ได้รับกุญแจของสำนักงานอำเภอ สำเนานี้จึงไม่เข้ารหัส")
    assert f"สัญญาเงินกู้ {len(book.loans)}" in dialog.holds.text()
    assert_inside_screen(dialog, LAPTOP)
    assert_buttons_outside_scroll_areas_visible(dialog)
    assert dialog.save_button.text() == "สำรองข้อมูล"
    shot(dialog, "backup-dialog-plain.png")

    dialog.accept()
    assert dialog.error.text() == "กรุณาเลือกโฟลเดอร์ที่จะบันทึก เช่น แฟลชไดรฟ์"
    monkeypatch.setattr(BackupDialog, "choose_folder", classmethod(lambda cls, parent: str(stick)))
    dialog.choose_button.click()
    dialog.accept()
    assert dialog.result is not None and Path(dialog.result["file"]).parent == stick
    assert backup.backup_info(Path(dialog.result["file"]))["counts"]["loans"] == len(book.loans)


def test_with_the_offices_key_trusted_the_backup_says_it_will_be_encrypted(qtbot, book, office_key):
    dialog = opened_on(qtbot, BackupDialog(book.db), LAPTOP)
    assert dialog.state.text().startswith("สำเนาจะเข้ารหัสถึงสำนักงาน สพอ.พิบูลมังสาหาร 3419")
    shot(dialog, "backup-dialog-encrypted.png")


def test_the_restore_dialog_shows_what_a_backup_holds_and_needs_the_offices_key(qtbot, book, office_key, stick):
    file = Path(backup.write_backup(book.db, stick)["file"])
    dialog = opened_on(qtbot, RestoreDialog(book.db), LAPTOP)
    assert not dialog.save_button.isEnabled() and not dialog.key.isVisible()
    dialog.load(file)
    assert f"สัญญาเงินกู้ {len(book.loans)}" in dialog.holds.text()
    assert dialog.sealing.text().startswith("สำเนานี้เข้ารหัสถึงสำนักงาน สพอ.พิบูลมังสาหาร")
    assert dialog.key.isVisible() and dialog.save_button.isEnabled() and dialog.save_button.text() == "กู้คืนข้อมูลนี้"
    QApplication.processEvents()
    assert_inside_screen(dialog, LAPTOP)
    assert_buttons_outside_scroll_areas_visible(dialog)
    shot(dialog, "restore-dialog.png")

    dialog.accept()
    assert dialog.error.text().startswith("สำเนานี้เข้ารหัสถึงสำนักงานอำเภอ ต้องใช้ไฟล์กุญแจลับ")
    assert dialog.staged is None
    dialog.key.setText(str(office_key))
    dialog.accept()
    assert dialog.staged is not None
    dialog.staged.close()


def test_a_file_that_is_not_a_backup_is_said_so_and_cannot_be_restored(qtbot, book, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not a backup")
    dialog = opened_on(qtbot, RestoreDialog(book.db), LAPTOP)
    dialog.load(other)
    assert dialog.error.text() == "ไฟล์นี้ไม่ใช่ไฟล์สำรองข้อมูลของโปรแกรม: notes.txt"
    assert not dialog.save_button.isEnabled()


def test_restoring_from_the_file_menu_shows_the_restored_book(qtbot, book, stick, monkeypatch, wait_idle):
    win = MainWindow(book.db, book.today)
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    file = Path(backup.write_backup(book.db, stick)["file"])
    add_target_household(book.db, book.village1, "นาย", "ทองดี", "มีสุข")  # registered after the backup
    before, device = describe(book.db.path)["counts"], book.db.setting("device_id")
    monkeypatch.setattr(RestoreDialog, "ask", classmethod(
        lambda cls, parent, db: backup.open_backup(file, db.path)))
    assert [a.text() for a in win.menuBar().actions()[0].menu().actions() if a.text().startswith(("สำรอง", "กู้คืน"))] \
        == ["สำรองข้อมูล…", "กู้คืนข้อมูล…"]
    win.restore_action.trigger()
    wait_idle()
    assert describe(win.db.path)["counts"]["households"] == before["households"] - 1
    assert win.db.setting("device_id") != device
    assert win.today.message.text().startswith("กู้คืนข้อมูลจาก fieldtool-")
    assert "ข้อมูลเดิมเก็บไว้ที่" in win.today.message.text()
    win.close()


def test_the_app_copies_its_database_when_it_starts_and_closes_but_not_the_demo(qtbot, book, wait_idle):
    win = MainWindow(book.db, book.today)
    qtbot.addWidget(win)
    copy = snapshot_path(book.db.path, date.today())
    automatic.start_of_day(win)
    wait_idle()
    households = describe(copy)["counts"]["households"]
    add_target_household(book.db, book.village1, "นาย", "ทองดี", "มีสุข")
    automatic.at_close(win)
    assert describe(copy)["counts"]["households"] == households + 1

    copy.unlink()
    book.db.set_setting("demo", "1")
    automatic.start_of_day(win)
    wait_idle()
    automatic.at_close(win)
    assert not copy.exists()


def test_an_office_key_locked_with_a_passphrase_is_asked_for_it(qtbot, book, stick, tmp_path, monkeypatch):
    keys = keyfile.new_keys("office", "office-device")
    locked = tmp_path / "locked-office.key"
    keyfile.write_private_key(locked, keys, passphrase="ข้าวเหนียวมะม่วง")
    with book.db.session() as s:
        sync_keys.enrol(s, sync_keys.public_card(keys, "สพอ.พิบูลมังสาหาร", "3419"))
    file = Path(backup.write_backup(book.db, stick)["file"])
    asked = []
    monkeypatch.setattr(PassphraseDialog, "ask", classmethod(lambda cls, parent, path: asked.append(path) or "ข้าวเหนียวมะม่วง"))
    dialog = opened_on(qtbot, RestoreDialog(book.db), LAPTOP)
    dialog.load(file)
    dialog.key.setText(str(locked))
    dialog.accept()
    assert asked == [locked] and dialog.staged is not None
    dialog.staged.close()
