"""The field side of sync in the app: keys once, then a bundle for the office and its return bundle, all
from one dialog, against a real office database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.office import open_office
from exports import bundle, sync_keys
from fieldtool.models import Household
from ui.qt import QThreadPool
from ui.syncdialog import FieldSyncDialog


@pytest.fixture
def district_office(tmp_path):
    office = open_office(tmp_path / "office" / "office.sqlite")
    office.set_setting("officer", "นางวิไลวรรณ แสงทอง")
    sync_keys.init_office_keys(office, "3419", "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร")
    card = tmp_path / "office.pub"
    sync_keys.write_public_card(card, sync_keys.office_card(office))
    office.card_path = card
    yield office
    QThreadPool.globalInstance().waitForDone()
    office.dispose()


def open_dialog(qtbot, db) -> FieldSyncDialog:
    dialog = FieldSyncDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def wait_done(qtbot, dialog):
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


def test_an_officer_sets_up_sends_a_bundle_and_applies_the_office_return(qtbot, book, district_office, tmp_path):
    dialog = open_dialog(qtbot, book.db)
    assert dialog.key_state.text().startswith("เครื่องนี้ยังไม่มีกุญแจ")
    assert dialog.make_key_button.isVisible() and not dialog.send_button.isEnabled()

    assert dialog.make_key()
    assert not dialog.make_key_button.isVisible() and dialog.save_card_button.isEnabled()
    card = tmp_path / "officer.pub"
    assert dialog.save_card(card)
    sync_keys.enrol_officer(district_office, card)  # the office enrols it, as on its Laptops page
    assert not dialog.send_button.isEnabled()  # the office's key is not trusted yet

    assert dialog.trust(district_office.card_path)
    assert "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร" in dialog.office_state.text()
    assert dialog.send_button.isEnabled()
    assert "ยังไม่เคยส่งชุดข้อมูล" in dialog.send_state.text()
    assert dialog.status.changes_waiting > 0

    usb = tmp_path / "usb"
    usb.mkdir()
    dialog.send(usb / "341905-1.ftb")
    wait_done(qtbot, dialog)
    assert "บันทึกชุดข้อมูลที่ 1 แล้ว" in dialog.message.text()
    assert dialog.status.last_out == 1 and dialog.status.changes_waiting == 0
    assert bundle.import_bundle(district_office, usb / "341905-1.ftb")["status"] == "imported"

    # the office corrects a household's phone; its return bundle brings the correction to the laptop
    with district_office.session() as s:
        hh = s.scalars(select(Household).order_by(Household.id)).first()
        hh.phone = "0850000000"
        hid = hh.id
    back = usb / "return-1.ftb"
    bundle.export_return_bundle(district_office, book.db.setting("device_id"), back)
    with qtbot.waitSignal(dialog.received, timeout=30_000):
        dialog.receive(back)
    wait_done(qtbot, dialog)
    assert "นำเข้าชุดขากลับที่ 1 แล้ว" in dialog.message.text()
    with book.db.session() as s:
        assert s.get(Household, hid).phone == "0850000000"
    assert "รับชุดขากลับที่ 1" in dialog.receive_state.text()

    dialog.receive(back)  # the same file again
    wait_done(qtbot, dialog)
    assert dialog.message.text() == "ชุดขากลับที่ 1 นำเข้าไว้แล้ว ไม่มีการเปลี่ยนแปลง"


def test_an_office_of_another_district_is_refused(qtbot, book, tmp_path):
    other = open_office(tmp_path / "elsewhere" / "office.sqlite")
    try:
        sync_keys.init_office_keys(other, "3416", "สำนักงานพัฒนาชุมชนอำเภอตระการพืชผล")
        card = tmp_path / "other.pub"
        sync_keys.write_public_card(card, sync_keys.office_card(other))
    finally:
        other.dispose()
    dialog = open_dialog(qtbot, book.db)
    dialog.make_key()
    assert not dialog.trust(card)
    assert dialog.message.text() == "กุญแจนี้เป็นของสำนักงานอำเภอ 3416 ไม่ใช่อำเภอของตำบล 341905"
    assert dialog.office_state.text() == "ยังไม่ได้รับกุญแจของสำนักงานอำเภอ"


def test_a_bundle_to_a_folder_that_cannot_be_written_is_one_sentence_and_no_file(qtbot, book, district_office, tmp_path):
    dialog = open_dialog(qtbot, book.db)
    dialog.make_key()
    dialog.trust(district_office.card_path)
    not_a_folder = tmp_path / "usb.txt"  # a file where the stick's folder should be (root writes anywhere else)
    not_a_folder.write_text("")
    dialog.send(not_a_folder / "341905-1.ftb")
    wait_done(qtbot, dialog)
    assert dialog.message.text().startswith("บันทึกไฟล์ไม่ได้")
    assert "\n" not in dialog.message.text()
    assert not list(tmp_path.glob("**/*.ftb*"))
    assert dialog.status.last_out == 0  # nothing counted as sent


def test_the_dialog_opens_from_the_file_menu(qtbot, book):
    from ui.mainwindow import MainWindow

    win = MainWindow(book.db, book.today)
    qtbot.addWidget(win)
    win.sync_action.trigger()
    dialogs = [w for w in win.findChildren(FieldSyncDialog)]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    assert Path(str(book.db.path)).exists()
