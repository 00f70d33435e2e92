"""The seed bundle in the app: the office's keys page writes one for a new laptop's key, the new laptop's
first-run wizard starts from it through the sync dialog's seed steps, against a real office database."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import open_database
from db.office import open_office
from exports import bundle, sync_keys
from exports.seed import export_seed_bundle
from fieldtool import setup
from ui import worker
from ui.office.seed import SeedDialog, SeedRequest
from ui.office.window import OfficeWindow
from ui.qt import QThreadPool, QWizard
from ui.setup.wizard import SetupWizard
from ui.syncdialog import FieldSyncDialog

from .conftest import TODAY

NEW_OFFICER = "นายสมชาย ใจงาม"


@pytest.fixture
def district(book, tmp_path):
    """An office that has merged the book's laptop's first bundle; its public key file for new laptops."""
    office = open_office(tmp_path / "office" / "office.sqlite")
    office.set_setting("officer", "นางวิไลวรรณ แสงทอง")
    sync_keys.init_office_keys(office, "3419", "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร")
    office.card_path = tmp_path / "office.pub"
    sync_keys.write_public_card(office.card_path, sync_keys.office_card(office))
    sync_keys.trust_office(book.db, office.card_path)
    sync_keys.init_officer_keys(book.db)
    sync_keys.write_public_card(tmp_path / "old.pub", sync_keys.officer_card(book.db))
    sync_keys.enrol_officer(office, tmp_path / "old.pub")
    bundle.export_field_bundle(book.db, tmp_path / "341905-1.ftb")
    bundle.import_bundle(office, tmp_path / "341905-1.ftb")
    yield office
    QThreadPool.globalInstance().waitForDone()
    office.dispose()


@pytest.fixture
def new_laptop(tmp_path):
    db = open_database(tmp_path / "new" / "fieldtool.sqlite")
    yield db
    QThreadPool.globalInstance().waitForDone()
    db.dispose()


def new_card(db, tmp_path: Path) -> Path:
    """What the new laptop's officer hands the office: her name, her key, the subdistrict she is to get."""
    db.set_setting("officer", NEW_OFFICER)
    sync_keys.init_officer_keys(db)
    card = tmp_path / "officer-341905.pub"
    sync_keys.write_public_card(card, sync_keys.officer_card(db, area_code="341905"))
    return card


def test_the_keys_page_writes_a_seed_for_a_new_laptops_key(qtbot, district, new_laptop, tmp_path, monkeypatch):
    window = OfficeWindow(district, TODAY)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("devices")
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=30_000)
    assert page.seed_button.isEnabled() and page.seed_button.text() == "เขียนชุดข้อมูลตั้งต้น…"

    dialog = SeedDialog(district)
    qtbot.addWidget(dialog)
    assert [dialog.subdistrict.itemText(i) for i in range(dialog.subdistrict.count())] == ["341905 ต.โนนกลาง"]
    dialog.accept()  # no key file chosen: one sentence, nothing asked of the page
    assert dialog.error.text() == "เลือกไฟล์กุญแจสาธารณะของเครื่องใหม่ก่อน"
    assert dialog.request is None

    seed = tmp_path / "usb" / "seed-341905.ftb"
    seed.parent.mkdir()
    monkeypatch.setattr(SeedDialog, "ask", classmethod(
        lambda cls, parent, db: SeedRequest("341905", new_card(new_laptop, tmp_path), seed)))
    page.ask_seed()
    qtbot.waitUntil(lambda: worker.pending() == 0 and page.seed_button.isEnabled(), timeout=30_000)
    assert seed.exists()
    assert page.message.text().startswith(f"เขียนชุดข้อมูลตั้งต้นของตำบล 341905 โนนกลาง ให้ {NEW_OFFICER} แล้ว")
    officers = sorted(page.model.data(page.model.index(r, page.model.column_of("office.col.officer")))
                      for r in range(page.model.rowCount()))
    assert officers == sorted(["นางสาวพัชรินทร์ ทดสอบ", NEW_OFFICER])  # the new key is enrolled with it


def test_a_new_laptop_saves_its_key_for_a_subdistrict_and_applies_the_seed(qtbot, district, new_laptop, tmp_path):
    new_laptop.set_setting("officer", NEW_OFFICER)
    dialog = FieldSyncDialog(new_laptop, seed=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "เริ่มจากชุดข้อมูลตั้งต้นของสำนักงาน"
    assert not dialog.send_button.isVisible() and dialog.receive_button.text() == "นำเข้าชุดข้อมูลตั้งต้น…"
    assert dialog.make_key()
    assert dialog.card_code.isVisible()  # nothing set up yet: the key file names the subdistrict to get

    card = tmp_path / "officer.pub"
    dialog.card_code.setText("34190")
    assert not dialog.save_card(card)
    assert "6 หลัก" in dialog.message.text() and not card.exists()
    dialog.card_code.setText("341905")
    assert dialog.save_card(card)
    assert sync_keys.read_public_card(card, "officer")["area_code"] == "341905"
    assert dialog.trust(district.card_path)

    seed = tmp_path / "seed.ftb"
    export_seed_bundle(district, "341905", card, seed, TODAY)  # at the office, from the key file
    with qtbot.waitSignal(dialog.received, timeout=30_000):
        dialog.receive(seed)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert dialog.message.text() == (
        "รับมอบตำบล 341905 โนนกลาง แล้ว (ผู้ดูแลเดิม: นางสาวพัชรินทร์ ทดสอบ) ครัวเรือน 4 สัญญาเงินกู้ 4 "
        "ยอดคงค้าง 41,200.00 บาท ตัวเลขในเครื่องตรงกับที่สำนักงานส่งมอบ")
    with new_laptop.session() as s:
        assert not setup.is_new(s)
    assert not dialog.card_code.isVisible()  # the laptop serves its subdistrict now


def test_the_wizard_offers_the_seed_once_the_officer_has_a_name(qtbot, new_laptop, monkeypatch):
    wizard = SetupWizard(new_laptop)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.seed_button.isVisible() and wizard.seed_button.text() == "เริ่มจากชุดข้อมูลตั้งต้นของสำนักงาน…"
    opened = []
    monkeypatch.setattr(FieldSyncDialog, "ask_seed", classmethod(lambda cls, parent, db: opened.append(db) or False))
    assert not wizard.start_from_seed()
    assert "ต้องระบุชื่อพัฒนากร" in wizard.parts.office.message.text() and not opened
    assert new_laptop.setting("officer") == ""

    wizard.parts.office.officer.setText(f"  {NEW_OFFICER} ")
    assert not wizard.start_from_seed()  # the seed steps were closed before a seed was applied
    assert opened == [new_laptop] and wizard.isVisible()
    assert new_laptop.setting("officer") == NEW_OFFICER  # in the key file the office enrols

    monkeypatch.setattr(FieldSyncDialog, "ask_seed", classmethod(lambda cls, parent, db: True))
    assert wizard.start_from_seed()
    assert wizard.result() == QWizard.DialogCode.Accepted and not wizard.isVisible()
