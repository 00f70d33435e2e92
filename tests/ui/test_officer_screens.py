"""The officer's screens on a small laptop: today is Thailand's day, the loan register reads its ten columns
without scrolling sideways, long names are cut with "…" and read whole on pointing, an empty register says
why, the office window has its About box, a phone number reads alike everywhere, and the one-copy guard
follows the window to the database it switched to."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from db import open_database
from db.office import open_office
from fieldtool import funds, lending, registry, thai
from fieldtool.vocabulary import PreventItem
from ui import i18n
from ui.about import AboutDialog
from ui.cli import output
from ui.history.view import HistoryView
from ui.households.page import HouseholdPage
from ui.loans.register import BORROWER_COLUMN, RegisterView
from ui.mainwindow import MainWindow
from ui.office.conflicts import value_text
from ui.office.window import OfficeWindow
from ui.qt import QApplication, QPushButton, QRect, Qt, QThreadPool
from ui.screen import fit_to_screen
from ui.single_instance import bring_forward_running, guard_window, server_name
from ui.widgets import ElidedLabel

from .conftest import TODAY, add_target_household

LAPTOP = QRect(0, 0, 1366, 768)
SMALL_LAPTOP = QRect(0, 0, 1280, 720)
LONG_GROUP = "กลุ่มแปรรูปผลิตภัณฑ์ผ้าไหมและผ้าฝ้ายย้อมสีธรรมชาติบ้านหนองบัวทอง"


def shown_on(qtbot, window, screen: QRect, wait_idle=None):
    qtbot.addWidget(window)
    window.show()
    fit_to_screen(window, available=screen)
    QApplication.processEvents()
    if wait_idle is not None:
        wait_idle()
    return window


class ThaiMorning(datetime):
    """03:30 on 22 November in Thailand: still the 21st on a computer whose clock is set to UTC."""

    @classmethod
    def now(cls, tz=None):
        at = datetime(2026, 11, 21, 20, 30, tzinfo=UTC)
        return at.astimezone(tz) if tz is not None else at.replace(tzinfo=None)


def test_the_working_date_the_today_button_and_the_command_line_start_from_thailands_day(
    qtbot, book, monkeypatch, wait_idle
):
    monkeypatch.setattr(thai, "datetime", ThaiMorning)
    win = shown_on(qtbot, MainWindow(book.db), LAPTOP, wait_idle)
    assert win.date_edit.edit.text() == "22 พฤศจิกายน 2569"
    win.set_day(date(2026, 11, 1))
    wait_idle()
    today_button = next(b for b in win.date_edit.findChildren(QPushButton) if b.text() == "วันนี้")
    qtbot.mouseClick(today_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert win.date_edit.edit.text() == "22 พฤศจิกายน 2569"
    assert output.day(None) == date(2026, 11, 22)  # `fieldtool reminders` with no --on


def add_long_named_group_loan(book) -> str:
    with book.db.session() as s:
        chair = registry.add_person(s, "บุญเรือน", "ศรีสุขสวัสดิ์วัฒนา", "นาง", village_id=book.village2)
        group = registry.add_group(s, LONG_GROUP, book.village2, chair_id=chair.id)
        fund = funds.add_fund(s, "กองทุนพัฒนาบทบาทสตรีจังหวัดอุบลราชธานี อำเภอพิบูลมังสาหาร", "women")
        loan = lending.add_loan(s, fund_id=fund.id, group_id=group.id, principal_satang=150_000_00, instalments=12,
                                 first_due=TODAY, applied_on=date(2026, 8, 1), purpose="ทอผ้า",
                                 agreement_no="ส-099/2569")
        for code in PreventItem:
            lending.set_check(s, loan.id, code, True, date(2026, 8, 1))
        lending.disburse(s, loan.id, date(2026, 8, 5))
        return loan.id


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_loan_register_reads_its_ten_columns_without_scrolling_sideways_on_a_1366_laptop(
    qtbot, book, wait_idle, lang
):
    add_long_named_group_loan(book)
    i18n.set_language(lang)
    win = shown_on(qtbot, MainWindow(book.db, book.today), LAPTOP, wait_idle)
    register = win.show_page("register")
    wait_idle()
    view, header, model = register.view, register.view.horizontalHeader(), register.model
    assert header.count() == 10
    assert header.length() <= view.viewport().width()  # no sideways scrolling
    for col in range(header.count()):
        assert header.sectionSize(col) >= header.sectionSizeHint(col), model.headerData(col, Qt.Orientation.Horizontal)
    row = next(r for r in range(model.rowCount()) if model.row_at(r).borrower == LONG_GROUP)
    # the long name is cut to its column, and read whole on pointing
    assert view.columnWidth(BORROWER_COLUMN) < view.fontMetrics().horizontalAdvance(LONG_GROUP)
    assert model.index(row, BORROWER_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == LONG_GROUP
    # sorted by the days late, that title keeps room for its arrow and is still read whole
    view.sortByColumn(7, Qt.SortOrder.DescendingOrder)
    assert header.sectionSize(7) >= header.sectionSizeHint(7)


def test_an_empty_register_says_how_to_start_and_a_search_that_finds_nothing_says_so(qtbot, db, book, wait_idle):
    empty = open_database(db.path.with_name("empty.sqlite"))
    try:
        page = shown_on(qtbot, RegisterView(empty, TODAY), LAPTOP)
        page.refresh()
        wait_idle()
        assert page.empty.label.isVisible()
        assert page.empty.label.text().startswith("ยังไม่มีสัญญาเงินกู้ในทะเบียน กด \"ยื่นคำขอกู้ใหม่…\" เพื่อเริ่ม")
    finally:
        QThreadPool.globalInstance().waitForDone()
        empty.dispose()
    page = shown_on(qtbot, RegisterView(book.db, TODAY), LAPTOP)
    page.refresh()
    wait_idle()
    assert not page.empty.label.isVisible()
    page.search.setText("ไม่มีผู้กู้ชื่อนี้")
    page.apply_filters()
    assert page.empty.label.isVisible() and page.empty.label.text() == "ไม่พบสัญญาที่ตรงกับการค้นหาและตัวกรอง"


def test_a_household_with_long_names_opens_inside_a_1280_screen_with_its_names_whole_on_pointing(qtbot, book):
    with book.db.session() as s:
        sub_id = registry.setting(s, "subdistrict_id")
        village = registry.add_village(s, sub_id, 12, "บ้านหนองบัวทองพัฒนาสามัคคีเจริญสุขใหม่").id
    hid = add_target_household(book.db, village, "นางสาว", "พัชรินทร์ประภาพรรณ", "ศรีสุขสวัสดิ์วัฒนากุล")
    page = shown_on(qtbot, HouseholdPage(book.db, hid, TODAY), SMALL_LAPTOP)
    assert page.width() <= SMALL_LAPTOP.width() * 0.9
    for name in ("head", "village"):
        label = page._values[name]
        assert isinstance(label, ElidedLabel)
        assert label.toolTip() == page.header_text(name)
    assert page.header_text("village") == "หมู่ที่ 12 บ้านหนองบัวทองพัฒนาสามัคคีเจริญสุขใหม่"


def test_the_office_window_has_a_help_menu_with_the_about_box(qtbot, tmp_path):
    db = open_office(tmp_path / "office" / "office.sqlite")
    try:
        win = OfficeWindow(db, TODAY)
        qtbot.addWidget(win)
        win.show()
        menus = {a.text(): a.menu() for a in win.menuBar().actions()}
        about_action = next(a for a in menus["ช่วยเหลือ"].actions() if a.text() == "เกี่ยวกับโปรแกรม")
        about_action.trigger()
        about = win.findChildren(AboutDialog)[-1]
        qtbot.waitUntil(about.isVisible)
        assert about.database.text() == str(db.path)
        assert about.open_folder_button.isVisible()
        win.close()
    finally:
        QThreadPool.globalInstance().waitForDone()
        db.dispose()


def test_the_offices_conflicts_show_a_phone_number_as_every_other_page_does():
    assert value_text("phone", "0869876543") == "086-987-6543"
    assert value_text("phone", "022345678") == "02-234-5678"


def test_the_change_logs_day_field_shows_its_example_whole(qtbot, book):
    page = shown_on(qtbot, HistoryView(book.db), SMALL_LAPTOP)
    day = page.day
    assert day.width() >= day.fontMetrics().horizontalAdvance(day.placeholderText())


def test_after_switching_to_her_own_subdistrict_a_launch_on_it_brings_this_window_forward(qtbot, book, tmp_path):
    win = MainWindow(book.db, book.today)
    qtbot.addWidget(win)
    guard = guard_window(win, book.db.path)
    win.show()
    try:
        own = open_database(tmp_path / "own" / "fieldtool.sqlite")
        win.switch_database(own)  # as File → เริ่มตำบลของฉัน… does once her own book is made
        assert guard.name == server_name(own.path)
        win.setWindowState(Qt.WindowState.WindowMinimized)
        assert not bring_forward_running(book.db.path, wait_ms=300)  # the demo: no window has it open now
        assert bring_forward_running(own.path, wait_ms=300)
        qtbot.waitUntil(lambda: not win.isMinimized())
    finally:
        guard.close()
