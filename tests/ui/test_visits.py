"""The new-visit window, meetings, the visit log and the promised visits in the today view."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, timedelta

import pytest
import sqlmodel
from PIL import Image
from sqlalchemy import func, select

from db import open_database
from fieldtool import households, lending, visits
from fieldtool.demo import build_demo
from fieldtool.models import Meeting, Payment, Photo, Visit
from fieldtool.visits import VisitInput
from ui import i18n
from ui.app import load_fonts
from ui.loans.loanpage import LoanPage
from ui.mainwindow import MainWindow
from ui.qt import QApplication, QItemSelectionModel, QRect, Qt, QThreadPool
from ui.screen import fit_to_screen
from ui.today.view import TodayView
from ui.visits.data import VisitPrefill, prefill_from_household, prefill_from_loan
from ui.visits.log import VisitDetailsDialog, VisitsView
from ui.visits.meeting import MeetingDialog
from ui.visits.newvisit import NewVisitWindow

from .conftest import add_target_household, household_of

DEMO_DAY = date(2026, 11, 22)  # the demo's working day, as the screenshots draw it


@pytest.fixture
def photos(tmp_path):
    """A phone photo with a GPS position (Phibun Mangsahan) and a plain one; and a file that is no photo."""
    tagged = tmp_path / "IMG_0042.JPG"
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (15.0, 14.0, 24.0), 3: "E", 4: (105.0, 13.0, 48.0)})
    Image.new("RGB", (2400, 1800), (90, 140, 60)).save(tagged, exif=exif)
    plain = tmp_path / "ใบเสร็จ.png"
    Image.new("RGB", (800, 1200), (240, 240, 230)).save(plain)
    broken = tmp_path / "not-a-photo.jpg"
    broken.write_text("ไม่ใช่ภาพ")
    return tagged, plain, broken


def count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def save(qtbot, window) -> bool:
    qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    return window.saved is not None


def test_money_collected_on_a_visit_is_a_payment_shown_on_the_loan_page(qtbot, book, monkeypatch):
    page = LoanPage(book.db, book.loans["pairoj"], book.today)
    qtbot.addWidget(page)
    page.show()
    assert page.header_text("arrears") == "515.00 บาท"
    seen = {}

    def answer(parent, db, day, prefill=None):
        window = NewVisitWindow(db, day, prefill, parent=parent)
        qtbot.addWidget(window)
        # pre-filled from the loan: its village, the loan and the borrower's household ticked
        seen["village"] = window.village.currentText()
        seen["money"] = [window.about.money.item(0, c).text() for c in range(2)]
        window.check_purpose("ask:field")
        window.visited_at.setText("10.30")
        window.findings.setPlainText("ผู้กู้ขายผลผลิตได้แล้ว ชำระงวดที่ค้าง")
        assert window.about.set_collected(book.loans["pairoj"], "515")
        assert save(qtbot, window), window.message.text()
        return window.saved

    monkeypatch.setattr(NewVisitWindow, "ask", answer)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.visit_button, Qt.MouseButton.LeftButton)
    assert seen["village"] == "หมู่ที่ 2 บ้านหนองบัว"
    assert seen["money"] == ["นายไพโรจน์ บุญมา (ส-002)", "ค้าง 515.00"]
    assert page.message.text() == "บันทึกการลงพื้นที่แล้ว พร้อมรับชำระ 515.00 บาท"
    assert page.header_text("arrears") == "0.00 บาท"
    assert page.payments.rowCount() == 1
    assert page.payments.index(0, 1).data() == "515.00"
    assert page.payments.index(0, 4).data() == "เก็บเงินระหว่างลงพื้นที่"
    assert page.tabs.tabText(page.VISITS_TAB) == "การลงพื้นที่และประชุม (1)"
    row = [page.visits.index(0, c).data() for c in range(page.visits.columnCount())]
    assert row[0] == "22 พ.ย. 2569 10:30"
    assert "ลงพื้นที่ติดตามทวงถาม" in row[3] and "เก็บเงิน/เก็บข้อมูล" in row[3]
    with book.db.session() as s:
        (pay,) = s.scalars(select(Payment).where(Payment.loan_id == book.loans["pairoj"])).all()
        (visit,) = s.scalars(select(Visit)).all()
        assert visits.visit_links(s, visit.id)["payment"] == [pay.id]


def test_photo_thumbnails_and_the_position_read_from_a_photo(qtbot, book, photos):
    tagged, plain, broken = photos
    window = NewVisitWindow(
        book.db, book.today, prefill_from_household(book.db, household_of(book.db, book.loans["somsri"]))
    )
    qtbot.addWidget(window)
    assert window.add_photos([str(tagged), str(plain), str(broken)]) == 2
    assert window.message.text() == "อ่านไฟล์ภาพไม่ได้: not-a-photo.jpg"
    assert window.photos.count() == 2
    for i in range(2):
        icon = window.photos.item(i).icon()
        assert not icon.isNull()
        size = icon.availableSizes()[0]
        assert max(size.width(), size.height()) <= 112
    assert window.photos.item(1).text() == "ใบเสร็จ.png"
    qtbot.mouseClick(window.gps_button, Qt.MouseButton.LeftButton)
    assert window.gps.text() == "15.240000, 105.230000"
    window.findings.setPlainText("ถ่ายภาพบ้านและใบเสร็จ")
    assert save(qtbot, window), window.message.text()
    with book.db.session() as s:
        kept = s.scalars(select(Photo)).all()
        assert len(kept) == 2
        for photo in kept:
            path = book.db.photo_dir / photo.file_name
            assert hashlib.sha256(path.read_bytes()).hexdigest() == photo.sha256
            assert max(photo.width, photo.height) <= visits.PHOTO_MAX_SIDE
        visit = s.scalars(select(Visit)).one()
        assert (visit.latitude, visit.longitude) == (15.24, 105.23)
    details = VisitDetailsDialog(book.db, window.saved.visit_id)
    qtbot.addWidget(details)
    assert details.photos.count() == 2 and details.photos_ok


def test_a_failed_commit_leaves_no_photo_file_and_no_visit(qtbot, book, photos, monkeypatch):
    tagged, plain, _ = photos
    window = NewVisitWindow(book.db, book.today, VisitPrefill(village_id=book.village1))
    qtbot.addWidget(window)
    window.add_photos([str(tagged), str(plain)])
    window.findings.setPlainText("ทดสอบ")

    def refuse(self):
        raise OSError("disk full")

    monkeypatch.setattr(sqlmodel.Session, "commit", refuse)
    assert not save(qtbot, window)
    monkeypatch.undo()
    assert window.message.text() == "บันทึกไม่สำเร็จ: disk full"
    assert not book.db.photo_dir.exists() or not any(book.db.photo_dir.iterdir())
    assert count(book.db, Visit) == 0 and count(book.db, Photo) == 0
    assert save(qtbot, window)  # the officer tries again once the disk has room
    assert len(list(book.db.photo_dir.iterdir())) == 2


def test_facts_changed_on_site_are_verified(qtbot, book):
    hid = household_of(book.db, book.loans["somsri"])
    window = NewVisitWindow(book.db, book.today, prefill_from_household(book.db, hid))
    qtbot.addWidget(window)
    assert window.checked_purposes() == ["plan"]
    assert window.about.facts.rowCount() == 1
    assert window.about.facts.cellWidget(0, 1).currentText() == "ไม่เปลี่ยน (ครัวเรือนเป้าหมาย)"
    window.about.set_fact(hid, status="in_progress", phone="0899999999")
    window.about.check("household", household_of(book.db, book.loans["kamol"]))  # checked, unchanged
    window.about.set_fact(household_of(book.db, book.loans["kamol"]), verified=True)
    assert save(qtbot, window), window.message.text()
    with book.db.session() as s:
        view = households.household_view(s, hid, book.today)
        assert (view.status, view.phone, view.last_verified, view.stale) == (
            "in_progress",
            "0899999999",
            book.today,
            False,
        )
        other = households.household_view(s, household_of(book.db, book.loans["kamol"]), book.today)
        assert other.last_verified == book.today


def test_bad_input_is_one_sentence_and_nothing_is_written(qtbot, book):
    window = NewVisitWindow(book.db, book.today, VisitPrefill(village_id=book.village1))
    qtbot.addWidget(window)
    assert not save(qtbot, window)
    assert window.message.text() == "บอกวัตถุประสงค์หรือสิ่งที่พบอย่างน้อยหนึ่งอย่าง"
    window.findings.setPlainText("พบประธานกลุ่ม")
    window.next_visit_on.setText("1/11/2569")
    assert not save(qtbot, window)
    assert window.message.text() == "วันนัดลงพื้นที่ครั้งต่อไปต้องหลังวันนี้"
    window.next_visit_on.clear()
    window.gps.setText("สิบห้า")
    assert not save(qtbot, window)
    assert window.message.text() == 'พิกัดต้องเขียนแบบ 15.2401, 105.2302: "สิบห้า"'
    assert count(book.db, Visit) == 0


def test_a_prevent_visit_ticks_the_checklist(qtbot, book):
    window = NewVisitWindow(book.db, book.today, prefill_from_loan(book.db, book.loans["arunee"]))
    qtbot.addWidget(window)
    assert window.about.money.item(0, 2).flags() & Qt.ItemFlag.ItemIsEditable == Qt.ItemFlag(0)  # not paid out
    window.check_purpose("prevent:feasibility")
    assert save(qtbot, window)
    with book.db.session() as s:
        checks = {c.item: c for c in lending.prevent_checklist(s, book.loans["arunee"])}
        assert checks["feasibility"].done and checks["feasibility"].evidence_kind == "visit"


# --- promised visits in the today view -----------------------------------------------------------------


def promise(book, hid, day):
    with book.db.session() as s:
        visits.add_visit(
            s,
            VisitInput(
                visited_on=day - timedelta(days=14),
                village_id=book.village1,
                place="บ้านเลขที่ 9",
                purposes=["plan"],
                findings="จัดทำแผน",
                next_steps="ติดตามการจดบัญชีครัวเรือน",
                next_visit_on=day,
                households=[hid],
            ),
            book.db.photo_dir,
        )


def open_today(qtbot, db, day):
    view = TodayView(db, day, officer="ทดสอบ")
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    return view


def test_next_visit_task_appears_on_its_day_and_goes_after_the_visit(qtbot, book, monkeypatch):
    hid = add_target_household(book.db, book.village1, "นาง", "มาลัย", "ศรีสุข")
    promise(book, hid, book.today)
    before = open_today(qtbot, book.db, book.today - timedelta(days=1))
    assert before.tasks.rowCount() == 0
    assert before.list_title(2) == "นัดลงพื้นที่ (0)"

    view = open_today(qtbot, book.db, book.today)
    assert view.list_title(2) == "นัดลงพื้นที่ (1)"
    row = [view.tasks.index(0, c).data() for c in range(view.tasks.columnCount())]
    assert row == [
        "22 พ.ย. 2569",
        "นัดวันนี้",
        "หมู่ที่ 1 บ้านโนนสูง",
        "บ้านเลขที่ 9",
        "นางมาลัย ศรีสุข",
        "ติดตามการจดบัญชีครัวเรือน",
    ]
    assert not view.visit_button.isEnabled()
    view.task_view.selectionModel().select(
        view.tasks.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert view.visit_button.isEnabled()
    seen = {}

    def answer(parent, db, day, prefill=None):
        window = NewVisitWindow(db, day, prefill, parent=parent)
        qtbot.addWidget(window)
        seen["banner"] = window.banner.text()
        seen["place"] = window.place.text()
        seen["households"] = window.about.household_ids()
        window.findings.setPlainText("ครัวเรือนจดบัญชีครบทุกวัน")
        assert save(qtbot, window)
        return window.saved

    monkeypatch.setattr(NewVisitWindow, "ask", answer)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        qtbot.mouseClick(view.visit_button, Qt.MouseButton.LeftButton)
    assert seen["banner"] == "ลงพื้นที่ตามนัดจากการลงพื้นที่วันที่ 8 พ.ย. 2569: ติดตามการจดบัญชีครัวเรือน"
    assert seen["place"] == "บ้านเลขที่ 9" and seen["households"] == [hid]
    assert view.tasks.rowCount() == 0
    assert view.message.text() == "บันทึกการลงพื้นที่แล้ว"


def test_a_late_promise_says_how_late(qtbot, book):
    hid = add_target_household(book.db, book.village1, "นาง", "มาลัย", "ศรีสุข")
    promise(book, hid, book.today - timedelta(days=3))
    view = open_today(qtbot, book.db, book.today)
    assert view.tasks.index(0, 1).data() == "เลยนัด 3 วัน"


def test_visit_task_model_passes_the_model_tester(qtbot, qtmodeltester, book):
    hid = add_target_household(book.db, book.village1, "นาง", "มาลัย", "ศรีสุข")
    promise(book, hid, book.today)
    view = open_today(qtbot, book.db, book.today)
    qtmodeltester.check(view.tasks)


# --- meetings and the log ---------------------------------------------------------------------------------


def test_repayment_meeting_from_the_loan_page_answers_the_ask_task(qtbot, book, monkeypatch):
    page = LoanPage(book.db, book.loans["pairoj"], book.today)
    qtbot.addWidget(page)

    def answer(parent, db, day, village_id=None, loans=None, kind="repayment"):
        dlg = MeetingDialog(db, day, village_id, loans, kind, parent=parent)
        assert dlg.checked_loans() == [book.loans["pairoj"]]
        dlg.held_at.setText("13:30")
        dlg.place.setText("ศาลาประชาคมบ้านหนองบัว")
        dlg.attendees.setPlainText("ผู้กู้ คณะกรรมการกองทุน 3 คน")
        dlg.outcomes.setPlainText("ผู้กู้ตกลงชำระภายในสิ้นเดือน")
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
        return dlg.result() == dlg.DialogCode.Accepted

    monkeypatch.setattr(MeetingDialog, "ask", answer)
    qtbot.mouseClick(page.meeting_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "บันทึกการประชุมแล้ว"
    assert page.tabs.tabText(4) == "การแจ้งเตือน (1)"  # the ask task was answered by the meeting
    assert page.deliveries.index(0, 3).data() == "ที่ประชุม"
    assert count(book.db, Meeting) == 1


def test_meeting_needs_a_place(qtbot, book):
    dlg = MeetingDialog(book.db, book.today, book.village1)
    qtbot.addWidget(dlg)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.error.text() == "กรุณาระบุสถานที่ประชุม"
    assert count(book.db, Meeting) == 0


def test_visit_log_lists_visits_with_purposes_in_thai(qtbot, qtmodeltester, book):
    hid = add_target_household(book.db, book.village1, "นาง", "มาลัย", "ศรีสุข")
    promise(book, hid, book.today)
    log = VisitsView(book.db, book.today)
    qtbot.addWidget(log)
    log.resize(1200, 600)
    log.show()
    with qtbot.waitSignal(log.loaded, timeout=20_000):
        log.refresh()
    row = [log.visits.index(0, c).data() for c in range(log.visits.columnCount())]
    assert row[:7] == [
        "8 พ.ย. 2569",
        "หมู่ที่ 1 บ้านโนนสูง",
        "บ้านเลขที่ 9",
        "นางมาลัย ศรีสุข",
        "งานแผนพัฒนาครัวเรือน",
        "22 พ.ย. 2569",
        "จัดทำแผน",
    ]
    assert log.tabs.tabText(0) == "การลงพื้นที่ (1)"
    log.search.setText("ไม่มีคำนี้")
    log.apply_filters()
    assert log.visits.rowCount() == 0 and log.empty.label.text() == "ไม่พบการลงพื้นที่ที่ตรงกับการค้นหา"
    log.search.setText("แผน")
    log.apply_filters()
    assert log.visits.rowCount() == 1
    qtmodeltester.check(log.visits)
    qtmodeltester.check(log.meetings)


def test_finding_a_loan_in_a_long_village_list(qtbot, book):
    window = NewVisitWindow(book.db, book.today, VisitPrefill(village_id=book.village1))
    qtbot.addWidget(window)
    names = [window.about.loan_list.item(i).text() for i in range(window.about.loan_list.count())]
    assert names == ["นางสมศรี ใจดี (ส-001)", "นายกมล ทองดี (ส-003)"]
    window.about.check("loan", book.loans["kamol"])
    window.about.about_search.setText("ศรี")  # inside a Thai word
    shown = [
        window.about.loan_list.item(i).text()
        for i in range(window.about.loan_list.count())
        if not window.about.loan_list.item(i).isHidden()
    ]
    assert shown == names  # สมศรี matches; กมล stays because it is ticked
    window.about.about_search.setText("ใจดี")
    window.about.check("loan", book.loans["kamol"], on=False)
    window.about.about_search.setText("ใจดี ")
    shown = [
        window.about.loan_list.item(i).text()
        for i in range(window.about.loan_list.count())
        if not window.about.loan_list.item(i).isHidden()
    ]
    assert shown == ["นางสมศรี ใจดี (ส-001)"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo subdistrict (189 visits, long names and findings), built once and copied for each test."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_database(path)
    with db.session() as s:
        build_demo(s, seed=1, today=DEMO_DAY)
    db.dispose()
    return path


@pytest.fixture
def app_font(qapp):
    """The bundled Sarabun at the program's size, as the app draws with it (widths depend on it)."""
    before = qapp.font()
    load_fonts(qapp)
    yield
    qapp.setFont(before)


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize(
    "screen", [QRect(0, 0, 1280, 720), QRect(0, 0, 1366, 768)], ids=["1280x720", "1366x768"]
)
def test_the_visit_log_fits_a_laptop_screen_without_scrolling_sideways(
    qtbot, tmp_path, demo_file, app_font, wait_idle, lang, screen
):
    i18n.set_language(lang)
    shutil.copy(demo_file, tmp_path / "demo.sqlite")
    db = open_database(tmp_path / "demo.sqlite")
    window = MainWindow(db, DEMO_DAY)
    qtbot.addWidget(window)
    window.show()
    fit_to_screen(window, available=screen)
    window.show_page("visits")
    wait_idle()
    QApplication.processEvents()
    log = window.visits.visit_view
    assert window.visits.visits.rowCount() > 100
    assert log.horizontalHeader().length() <= log.viewport().width()
    assert not log.horizontalScrollBar().isVisible()
    # a name cut short on this screen is whole in its tooltip
    village = log.model().index(0, 1)
    assert village.data(Qt.ItemDataRole.ToolTipRole) == village.data()
    window.close()
    QThreadPool.globalInstance().waitForDone()
    db.dispose()
