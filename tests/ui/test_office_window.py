"""The district office window: importing bundles (drop, progress, a result per file), laptops and keys,
conflicts to review, and the window itself. Runs on the demo office (exports.office_demo): three real
laptops' bundles, signed and encrypted, merged into a real SQLite office database."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

import db as db_module
from db.office import default_key_path, open_office
from exports import keyfile, sync_keys
from exports.office_demo import LAPTOPS, build_office_demo
from fieldtool.models import Loan, Person, Schedule, SyncBundle, SyncConflict
from ui import i18n, worker
from ui.app import run_office_gui
from ui.cli import main
from ui.office.imports import DropZone
from ui.office.window import OfficeWindow
from ui.qt import QDropEvent, QImage, QMimeData, QPointF, Qt, QThreadPool, QUrl

DAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("office-demo")
    build_office_demo(folder, DAY)
    return folder


@pytest.fixture
def demo(demo_template, tmp_path) -> Path:
    """A fresh copy of the demo office for each test (office file, its key, the USB stick, key files)."""
    folder = tmp_path / "district"
    shutil.copytree(demo_template, folder, ignore=shutil.ignore_patterns("laptops", "carried"))
    return folder


@pytest.fixture
def office_db(demo):
    db = open_office(demo / "office.sqlite")
    yield db
    QThreadPool.globalInstance().waitForDone()
    db.dispose()


@pytest.fixture
def window(qtbot, office_db):
    win = OfficeWindow(office_db, DAY)
    qtbot.addWidget(win)
    win.show()
    return win


def wait(qtbot):
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=60_000)


def bundles_in(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(SyncBundle).where(SyncBundle.direction == "in"))


def column(model, key: str) -> list[str]:
    c = model.column_of(key)
    return [model.data(model.index(r, c)) for r in range(model.rowCount())]


# --- importing ------------------------------------------------------------------------------------------


def test_importing_the_usb_stick_reports_each_file_and_names_the_missing_bundle(qtbot, window, demo, office_db):
    page = window.show_page("import")
    wait(qtbot)
    assert page.history_model.rowCount() == 4  # three first bundles and โนนกลาง's second
    assert page.start([demo / "usb"])  # a folder: its .ftb files
    assert not page.drop.isEnabled()  # one import at a time
    wait(qtbot)
    qtbot.waitUntil(lambda: not page.busy)

    m = page.result_model
    assert column(m, "office.col.file") == ["341901-3.ftb", "341910-1.ftb", "341910-2.ftb"]
    assert column(m, "office.col.result") == ["นำเข้าแล้ว", "เคยนำเข้าแล้ว", "นำเข้าแล้ว"]
    assert column(m, "office.col.subdistrict")[0] == "341901 ต.พิบูล"
    notes = column(m, "office.col.note")
    assert "ยังไม่ได้รับชุดที่ 2" in notes[0]  # พิบูล's second bundle is on another stick
    assert "ไม่มีการเปลี่ยนแปลง" in notes[1]
    assert page.progress.value() == page.progress.maximum()
    assert "นำเข้าใหม่ 2 ไฟล์" in page.message.text() and "เคยนำเข้าแล้ว 1 ไฟล์" in page.message.text()
    assert page.history_model.rowCount() == 6
    assert bundles_in(office_db) == 6

    devices = window.show_page("devices")
    wait(qtbot)
    rows = {d.subdistrict_code: d for d in devices.model.rows}
    assert rows["341901"].last_bundle == 3 and rows["341901"].missing_bundles == [2]
    assert column(devices.model, "office.col.missing")[[d.subdistrict_code for d in devices.model.rows].index("341901")] \
        == "ยังไม่ได้รับชุดที่ 2"


def test_a_tampered_bundle_and_a_stray_file_are_refused_and_write_nothing(qtbot, window, demo, office_db, tmp_path):
    page = window.show_page("import")
    good = demo / "usb" / "341910-2.ftb"
    tampered = tmp_path / "341901-3.ftb"
    raw = bytearray((demo / "usb" / "341901-3.ftb").read_bytes())
    raw[len(raw) // 2] ^= 0x01
    tampered.write_bytes(bytes(raw))
    stray = tmp_path / "รูปถ่าย.ftb"
    stray.write_bytes(b"\x89PNG not a bundle at all")
    before = bundles_in(office_db)

    page.start([tampered, stray, good])
    wait(qtbot)
    qtbot.waitUntil(lambda: not page.busy)

    assert column(page.result_model, "office.col.result") == ["ไม่รับ", "ไม่รับ", "นำเข้าแล้ว"]
    notes = column(page.result_model, "office.col.note")
    assert "341901-3.ftb" in notes[0] and "(" not in notes[0]  # one Thai sentence, not the English half
    assert "รูปถ่าย.ftb" in notes[1]
    assert bundles_in(office_db) == before + 1  # only the good one
    assert "ไม่รับ 2 ไฟล์" in page.message.text()


def test_files_dropped_on_the_page_are_imported(qtbot, window, demo, office_db):
    page = window.show_page("import")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(demo / "usb" / "341910-2.ftb"))])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    assert isinstance(page.drop, DropZone)
    page.drop.dropEvent(event)
    wait(qtbot)
    qtbot.waitUntil(lambda: not page.busy)
    assert column(page.result_model, "office.col.result") == ["นำเข้าแล้ว"]
    assert column(page.result_model, "office.col.officer") == [LAPTOPS[2][2]]


def test_a_drop_with_no_bundle_in_it_says_so(qtbot, window, tmp_path):
    page = window.show_page("import")
    empty = tmp_path / "stick"
    empty.mkdir()
    (empty / "notes.txt").write_text("x")
    assert not page.start([empty])
    assert page.message.text() == "ไม่พบไฟล์ชุดข้อมูล (.ftb) ในสิ่งที่เลือก"
    assert page.drop.isEnabled()


# --- conflicts ------------------------------------------------------------------------------------------


def test_the_clerk_takes_the_office_value_and_it_goes_back_to_the_laptop(qtbot, window, office_db, tmp_path):
    page = window.show_page("conflicts")
    wait(qtbot)
    assert page.model.rowCount() == 1
    c = page.model.row_at(0)
    assert column(page.model, "office.col.field") == ["โทรศัพท์"]
    assert c.record.startswith(("นาง", "นาย")) and "หมู่ที่" in c.record  # the borrower, in words
    assert page.in_use.value.text() == "086-987-6543"  # the officer's later change is in use, read as phones are
    assert page.other.value.text() == "085-123-4567"  # the office's correction
    assert LAPTOPS[0][2] in page.in_use.who.text()

    assert page.resolve("other")
    wait(qtbot)
    assert "085-123-4567" in page.message.text()
    assert page.model.rowCount() == 0  # nothing left to review
    with office_db.session() as s:
        assert s.get(Person, c.record_id).phone == "0851234567"
        assert s.get(SyncConflict, c.id).status == "took_other"

    page.show_all.setChecked(True)
    wait(qtbot)
    assert column(page.model, "office.col.status") == ["ใช้อีกค่า"]
    assert column(page.model, "office.col.in_use") == ["085-123-4567"]
    assert page.decided.isVisible() and not page.in_use.button.isVisible()

    devices = window.show_page("devices")
    wait(qtbot)
    row = [d.subdistrict_code for d in devices.model.rows].index(LAPTOPS[0][0])
    devices.view.selectRow(row)
    assert devices.return_button.isEnabled()
    out = tmp_path / "return.ftb"
    devices.write_returns([devices.selected()], lambda d: out)
    wait(qtbot)
    assert out.exists() and "บันทึกชุดขากลับที่ 1" in devices.message.text()


# --- laptops and keys -----------------------------------------------------------------------------------


def test_a_new_office_makes_its_key_enrols_a_laptop_and_refuses_another_district(qtbot, tmp_path, demo):
    db = open_office(tmp_path / "new" / "office.sqlite")
    try:
        win = OfficeWindow(db, DAY)
        qtbot.addWidget(win)
        win.show()
        assert win.current_page_name() == "devices"  # a new office starts where it is set up
        page = win.devices
        wait(qtbot)
        assert page.setup.isVisible() and not page.key_ready.isVisible()
        assert not page.enrol_button.isEnabled()
        assert "ยังไม่ได้ตั้งค่าสำนักงาน" in win.status_office.text()

        page.district.setText("34a9")
        assert not page.create_keys()
        assert page.message.text() == "รหัสอำเภอต้องเป็นตัวเลข 4 หลัก: 34a9"
        assert not default_key_path(db).exists()

        page.district.setText("3419")
        page.office_name.setText("สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร")
        assert page.create_keys()
        wait(qtbot)
        assert default_key_path(db).exists() and not page.setup.isVisible()
        assert "3419" in page.key_info.text()
        assert "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร" in win.status_office.text()

        card_file = tmp_path / "office.pub"
        assert page.export_card(card_file)
        assert sync_keys.read_public_card(card_file, "office")["area_code"] == "3419"

        assert page.enrol(demo / "keys" / "officer-341905.pub")
        wait(qtbot)
        assert column(page.model, "office.col.officer") == [LAPTOPS[0][2]]
        assert column(page.model, "office.col.last_bundle") == ["–"]

        # a laptop of อ.ตระการพืชผล (3416) is not this office's
        other = keyfile.new_keys("officer", "laptop-elsewhere")
        sync_keys.write_public_card(tmp_path / "elsewhere.pub", sync_keys.public_card(other, "นายสมชาย", "341601"))
        assert not page.enrol(tmp_path / "elsewhere.pub")
        assert page.message.text() == "ตำบล 341601 ไม่อยู่ในอำเภอนี้ (3419)"
        assert page.model.rowCount() == 1
    finally:
        QThreadPool.globalInstance().waitForDone()
        db.dispose()


def test_return_bundles_for_all_laptops_say_which_had_nothing_new(qtbot, window, tmp_path):
    page = window.show_page("devices")
    wait(qtbot)
    folder = tmp_path / "returns"
    folder.mkdir()
    page.write_returns(page.model.rows, lambda d: folder / f"return-{d.subdistrict_code}.ftb")
    wait(qtbot)
    text = page.message.text()
    # the office corrected a phone number in ต.โนนกลาง: that laptop gets a bundle; the others have nothing new
    assert (folder / f"return-{LAPTOPS[0][0]}.ftb").exists()
    assert not (folder / f"return-{LAPTOPS[1][0]}.ftb").exists()
    assert text.count("ไม่มีข้อมูลใหม่ที่ต้องส่งกลับ") == 2


# --- the window -----------------------------------------------------------------------------------------


def test_the_window_speaks_english_when_asked_and_names_its_database(qtbot, window, office_db):
    assert window.nav.item(0).text() == "นำเข้าชุดข้อมูล"
    assert str(office_db.path) in window.status_db.text()
    window.set_language("en")
    try:
        assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
            "Import bundles", "Laptops and keys", "Conflicts", "District report"]
        assert window.imports.drop.label.text().startswith("Drop bundle files")
    finally:
        i18n.set_language("th")


def test_office_gui_writes_a_screenshot_of_the_window(qapp, demo, tmp_path, capsys):
    png = tmp_path / "office.png"
    assert run_office_gui(demo / "office.sqlite", screenshot=str(png)) == 0
    image = QImage(str(png))
    assert image.width() >= 1000 and image.height() >= 600
    assert str(png) in capsys.readouterr().out


def test_office_gui_on_a_file_that_is_not_a_database_is_one_sentence(qapp, tmp_path, capsys):
    bad = tmp_path / "office.sqlite"
    bad.write_text("ทะเบียนหนี้", encoding="utf-8")
    assert run_office_gui(bad, screenshot=str(tmp_path / "x.png")) == 2
    err = capsys.readouterr().err
    assert err.startswith("ข้อผิดพลาด:") and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_the_clerk_decides_which_restructuring_of_a_loan_stands(qtbot, window, office_db):
    page = window.show_page("conflicts")
    wait(qtbot)
    assert page.tabs.tabText(1) == "ปรับโครงสร้างหนี้ซ้ำ (1)"
    assert page.count.text() == "รอตรวจ 2 รายการ"  # the phone number and the restructuring
    rows = {r.choice.instalments: r for r in page.restructure_model.rows}
    assert set(rows) == {6, 12}
    assert rows[12].choice.officer == "นางวิไลวรรณ แสงทอง" and rows[6].choice.officer == LAPTOPS[0][2]
    assert not page.keep_button.isEnabled()  # nothing chosen yet
    page.restructure_view.selectRow(page.restructure_model.rows.index(rows[6]))
    assert page.keep_button.isEnabled()
    page.keep_button.click()
    wait(qtbot)
    assert "ใช้ตาราง 6 งวด" in page.message.text()
    assert page.restructure_model.rowCount() == 0 and page.tabs.tabText(1) == "ปรับโครงสร้างหนี้ซ้ำ (0)"
    with office_db.session() as s:
        kept = s.get(Schedule, rows[6].choice.schedule_id)
        versions = s.scalars(select(Schedule.version).where(Schedule.loan_id == kept.loan_id)).all()
        assert sorted(versions) == [1, 2]  # the original agreement and the one the clerk chose
        assert s.get(Schedule, rows[12].choice.schedule_id) is None


def test_the_whole_district_book_opens_on_the_office_database(qtbot, window, office_db):
    with office_db.session() as s:
        loans = s.scalar(select(func.count()).select_from(Loan))
    book = window.open_book()
    wait(qtbot)
    page = book.show_page("register")
    wait(qtbot)
    assert page.model.rowCount() == loans > 170 * 2  # every subdistrict's loans, not one laptop's
    villages = set(column(page.model, "col.village"))
    # villages of the same name in two subdistricts are told apart
    assert {"หมู่ที่ 1 บ้านโนนสูง ต.โนนกลาง", "หมู่ที่ 1 บ้านท่าช้าง ต.พิบูล"} <= villages
    assert book.status_place.text() == "ฐานข้อมูลอำเภอ 3419 ทุกตำบล · สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร"
    assert "3419" in book.windowTitle()
    window.report.stale = False
    book.close()
    qtbot.waitUntil(lambda: window.report.stale, timeout=5_000)  # what the clerk changed shows in the report


# --- a database another program holds ---------------------------------------------------------------------

BUSY_TH = "ฐานข้อมูลกำลังถูกใช้งานโดยอีกโปรแกรมหนึ่ง กรุณารอสักครู่แล้วลองใหม่"
BUSY = f"{BUSY_TH} (the database is busy with another program; wait a moment and try again)"


@contextmanager
def held_by_another_import(path: Path):
    """A second connection holding the write lock, as another import in its transaction does."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def _wait_briefly(dbapi_conn, _record) -> None:
    dbapi_conn.execute("PRAGMA busy_timeout=100")  # after the program's own settings: wait 0.1 s, not 5 s


def wait_briefly(engine) -> None:
    event.listen(engine, "connect", _wait_briefly)
    engine.dispose()  # connections made from now on wait briefly


def test_an_import_while_another_holds_the_database_says_to_wait_and_writes_nothing(qtbot, window, demo, office_db):
    page = window.show_page("import")
    wait(qtbot)
    wait_briefly(office_db.engine)
    before = bundles_in(office_db)
    with held_by_another_import(demo / "office.sqlite"):
        page.start([demo / "usb" / "341910-2.ftb"])
        wait(qtbot)
        qtbot.waitUntil(lambda: not page.busy)
    assert column(page.result_model, "office.col.result") == ["ไม่รับ"]
    assert column(page.result_model, "office.col.note") == [BUSY_TH]
    assert bundles_in(office_db) == before
    page.start([demo / "usb" / "341910-2.ftb"])  # the other program is done: trying again works
    wait(qtbot)
    qtbot.waitUntil(lambda: not page.busy)
    assert column(page.result_model, "office.col.result") == ["นำเข้าแล้ว"]


def test_a_return_bundle_while_another_holds_the_database_says_to_wait_and_leaves_no_file(
        qtbot, window, demo, office_db, tmp_path):
    page = window.show_page("devices")
    wait(qtbot)
    wait_briefly(office_db.engine)
    out = tmp_path / "return.ftb"
    with held_by_another_import(demo / "office.sqlite"):
        nonklang = [d for d in page.model.rows if d.subdistrict_code == LAPTOPS[0][0]]  # the office changed a phone
        page.write_returns(nonklang, lambda d: out)
        wait(qtbot)
    assert page.message.text() == BUSY_TH  # through the worker's error path: one sentence, not SQLite's words
    assert not out.exists()


def test_the_command_line_says_to_wait_when_another_import_holds_the_database(demo, monkeypatch, capsys):
    real = db_module.make_engine

    def briefly(path):
        engine = real(path)
        event.listen(engine, "connect", _wait_briefly)
        return engine

    monkeypatch.setattr(db_module, "make_engine", briefly)
    office = demo / "office.sqlite"
    bundle_file = demo / "usb" / "341910-2.ftb"
    with held_by_another_import(office):
        assert main(["--db", str(office), "bundle", "import", str(bundle_file)]) == 2
    assert capsys.readouterr().err == f"ข้อผิดพลาด: {BUSY}\n"
    assert main(["--db", str(office), "--json", "bundle", "import", str(bundle_file)]) == 0
    assert '"status": "imported"' in capsys.readouterr().out  # nothing of the first try was written
