"""The main window: pages, working date, status bar, language switch, arrears and the change log."""

from __future__ import annotations

import importlib.util
from datetime import timedelta

import pytest

from ui.history.model import ChangeLogModel
from ui.mainwindow import PAGES, MainWindow
from ui.qt import Qt, QThreadPool, emit


@pytest.fixture
def window(qtbot, book, wait_idle):
    win = MainWindow(book.db, book.today)
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    return win


def show(win, name, wait_idle):
    page = win.show_page(name)
    wait_idle()
    return page


def nav_texts(win) -> list[str]:
    return [win.nav.item(i).text() for i in range(win.nav.count())]


def test_pages_and_status_bar(window, book):
    assert nav_texts(window) == [
        "วันนี้",
        "ทะเบียนเงินกู้",
        "หนี้ค้างชำระ",
        "ครัวเรือน",
        "บันทึกการลงพื้นที่",
        "สรุปแผนครัวเรือน",
        "ประวัติการแก้ไข",
    ]
    assert window.status_place.text() == "ต.โนนกลาง อ.พิบูลมังสาหาร จ.อุบลราชธานี"
    assert window.status_officer.text() == "พัฒนากร: นางสาวพัชรินทร์ ทดสอบ"
    assert str(book.db.path) in window.status_db.text()
    assert window.date_edit.edit.text() == "22 พฤศจิกายน 2569"


def test_pages_load_when_shown(window, wait_idle):
    assert window.today.notices.rowCount() > 0
    assert window.register.model.rowCount() == 0  # not shown yet, not loaded
    register = show(window, "register", wait_idle)
    assert register.model.rowCount() == 4


def test_working_date_moves_every_page_to_that_day(window, book, wait_idle):
    window.set_day(book.today + timedelta(days=7))
    wait_idle()
    assert window.date_edit.edit.text() == "29 พฤศจิกายน 2569"
    assert window.today.title.text() == "รายการวันที่ 29 พฤศจิกายน 2569"
    # On its due date the instalment is no longer a notice (the notice-7 window closes at the due date + 1).
    borrowers = [window.today.notices.index(r, 0).data() for r in range(window.today.notices.rowCount())]
    assert "นางสมศรี ใจดี" in borrowers
    assert window.today.notices.index(borrowers.index("นางสมศรี ใจดี"), 6).data() == "ครบกำหนดวันนี้"
    register = show(window, "register", wait_idle)
    assert register.day == book.today + timedelta(days=7)


def test_typed_buddhist_era_date_sets_the_working_date(window, qtbot, wait_idle):
    edit = window.date_edit.edit
    edit.setFocus()
    edit.setText("1/12/2569")
    emit(edit.editingFinished)
    wait_idle()
    assert window.day.isoformat() == "2026-12-01"
    assert edit.text() == "1 ธันวาคม 2569"


def test_language_switch_shows_english_and_is_kept(window, book, wait_idle):
    register = show(window, "register", wait_idle)
    assert register.model.headerData(1, Qt.Orientation.Horizontal) == "ผู้กู้"
    window.set_language("en")
    wait_idle()
    assert nav_texts(window) == [
        "Today",
        "Loan register",
        "Arrears",
        "Households",
        "Visit log",
        "Plan summary",
        "Change log",
    ]
    assert window.current_page_name() == "register"
    assert window.register.model.headerData(1, Qt.Orientation.Horizontal) == "Borrower"
    assert [a.text() for a in window.menuBar().actions()] == ["File", "Go", "Language", "Help"]
    assert window.date_edit.edit.text() == "22 Nov 2026"
    assert window.status_officer.text().startswith("Officer:")
    stages = {window.register.model.index(r, 4).data() for r in range(window.register.model.rowCount())}
    assert stages == {"Follow", "Ask", "Prevent"}
    assert book.db.setting("language") == "en"
    window.set_language("th")
    assert nav_texts(window)[0] == "วันนี้"


def test_arrears_by_bucket_fund_and_village(window, wait_idle):
    arrears = show(window, "arrears", wait_idle)
    buckets = {arrears.buckets.index(r, 0).data(): arrears.buckets.index(r, 1).data() for r in range(5)}
    assert buckets["1-30 วัน"] == "1"
    assert buckets["31-60 วัน"] == "0"
    assert arrears.by_fund.index(0, 0).data() == "กองทุนพัฒนาบทบาทสตรี ต.โนนกลาง"
    last = arrears.by_village.rowCount() - 1
    assert arrears.by_village.index(last, 0).data() == "รวมทั้งหมด"
    assert arrears.by_village.index(last, 6).data() == "0.0%"  # 10 days overdue is not yet PAR30
    assert arrears.overdue.index(0, 0).data() == "นายไพโรจน์ บุญมา"
    assert "ค้างชำระ 1 สัญญา" in arrears.summary.text()


def test_change_log_newest_first(window, book, wait_idle):
    history = show(window, "history", wait_idle)
    model = history.model
    assert model.rowCount() > 0
    times = [model.row_at(r).at for r in range(model.rowCount())]
    assert times == sorted(times, reverse=True)
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[1] == "นางสาวพัชรินทร์ ทดสอบ"
    assert first[0].split()[2] == "2569"  # "2 ธ.ค. 2569 14:09", as dates are shown elsewhere


def test_change_log_reads_in_words_and_finds_a_record(window, qtbot, qtmodeltester, wait_idle):
    history = show(window, "history", wait_idle)
    model = history.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["เมื่อ", "ผู้แก้ไข", "ทะเบียน", "รายการ", "การแก้ไข"]
    qtmodeltester.check(model)
    with qtbot.waitSignal(history.loaded):
        history.search.setText("ใจด")
    records = {model.index(r, 3).data() for r in range(model.rowCount())}
    assert records and all("ใจดี" in r for r in records)
    with qtbot.waitSignal(history.loaded):
        history.day.setText("1/1/2563")
        history.refresh()
    assert model.rowCount() == 0


def test_change_log_pages_through_a_long_log(qtbot, qtmodeltester, book, wait_idle, monkeypatch):
    import ui.history.model as history_model

    monkeypatch.setattr(history_model, "PAGE_SIZE", 25)
    model = ChangeLogModel(book.db)
    model.set_first_page(history_model.load_changelog(book.db, limit=25))
    assert model.rowCount() == 25 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 50
    qtmodeltester.check(model)


def test_double_click_in_today_opens_the_loan_page(window, qtbot, book):
    view = window.today.notice_view
    row = next(
        r
        for r in range(window.today.notices.rowCount())
        if window.today.notices.index(r, 0).data() == "นางสมศรี ใจดี"
    )
    rect = view.visualRect(window.today.notices.index(row, 0))
    # A real double-click is a press and release, then the double-click event.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.loan_pages and window.loan_pages[-1].header_text("borrower") == "นางสมศรี ใจดี"


def test_a_payment_on_the_loan_page_refreshes_the_register(window, qtbot, book, wait_idle):
    register = show(window, "register", wait_idle)
    page = window.open_loan(book.loans["somsri"])
    with book.db.session() as s:
        from fieldtool import repayments

        repayments.record_payment(s, book.loans["somsri"], 12_360_00, book.today)
    page._after_write("")  # what the page does after its dialog saved
    wait_idle()
    row = next(
        r for r in range(register.model.rowCount()) if register.model.row_at(r).id == book.loans["somsri"]
    )
    assert register.model.index(row, 4).data() == "ปิดบัญชี"


@pytest.mark.skipif(importlib.util.find_spec("fieldtool.demo") is None, reason="no demo generator yet")
def test_main_window_on_a_demo_database(qtbot, db, wait_idle):
    from fieldtool.demo import build_demo

    from .conftest import TODAY

    with db.session() as s:
        build_demo(s, seed=1, today=TODAY)
    win = MainWindow(db, TODAY)
    qtbot.addWidget(win)
    win.show()
    for name in PAGES:
        page = show(win, name, wait_idle)
        assert not page.message.isVisible() if hasattr(page, "message") else True
    assert win.today.notices.rowCount() + win.today.asks.rowCount() > 0
    assert win.register.model.rowCount() > 100
    assert win.arrears.overdue.rowCount() > 0
    assert win.history.model.rowCount() > 0
    page = win.open_loan(win.register.model.row_at(0).id)
    assert page.header_text("borrower") == win.register.model.index(0, 1).data()


def test_arrears_models_pass_the_model_tester(window, qtmodeltester, wait_idle):
    arrears = show(window, "arrears", wait_idle)
    for model in (arrears.buckets, arrears.by_fund, arrears.by_village, arrears.overdue):
        qtmodeltester.check(model)


def test_new_pages_switch_to_english(window, book, wait_idle):
    from .conftest import add_target_household

    hid = add_target_household(book.db, book.village1, "นาง", "มาลัย", "ศรีสุข", {"income": "รายได้ไม่พอ"})
    window.set_language("en")
    wait_idle()
    assert window.today.letters_button.text() == "Print today's letters"
    assert window.today.list_title(2) == "Visits promised (0)"  # the tab of the promised visits
    households = show(window, "households", wait_idle)
    assert households.model.headerData(0, Qt.Orientation.Horizontal) == "Head of household"
    row = next(r for r in range(households.model.rowCount()) if households.model.row_at(r).id == hid)
    assert [households.model.index(row, c).data() for c in (3, 4, 5, 7)] == [
        "TPMAP",
        "Target",
        "Income",
        "⚠ never",
    ]
    visits_page = show(window, "visits", wait_idle)
    assert visits_page.title.text() == "Visits and meetings"
    assert visits_page.new_visit_button.text() == "New visit…"
    plans_page = show(window, "plans", wait_idle)
    assert plans_page.title.text() == "Household plans on 22 Nov 2026"
    assert plans_page.chart.items[3] == ("Income", 1)
    file_menu = window.menuBar().actions()[0].menu()
    assert [a.text() for a in file_menu.actions() if a.text()] == [
        "Settings…",
        "Start my own subdistrict…",
        "Office settings for letters…",
        "Letter templates…",
        "Import from Excel…",
        "Import template (Excel)…",
        "Export registers (Excel)…",
        "Exchange data with the district office…",
        "Back up…",
        "Restore from a backup…",
        "Quit",
    ]
    page = window.open_household(hid)
    assert page.header_text("status") == "Target"
    assert page.tabs.tabText(0) == "Members (1)"
    assert page.plan.revision.currentText() == "Draft of revision 1 (not saved)"
    assert page.plan.tabs.tabText(0) == "Attitude (ทัศนคติ)"
    page.close()
    window.set_language("th")
    wait_idle()
    assert window.households.model.headerData(0, Qt.Orientation.Horizontal) == "หัวหน้าครัวเรือน"


def test_households_page_opens_a_household_window(window, book, wait_idle):
    from ui.qt import emit

    households = show(window, "households", wait_idle)
    emit(households.view.activated, households.model.index(0, 0))
    assert window.household_pages
    page = window.household_pages[-1]
    assert page.header_text("head") == households.model.index(0, 0).data()


def test_office_settings_from_the_file_menu(window, book, monkeypatch):
    from ui.letters.dialogs import OfficeSettingsDialog

    asked = []
    monkeypatch.setattr(OfficeSettingsDialog, "ask", lambda parent, db: asked.append(db) or True)
    window.office_action.trigger()
    assert asked == [book.db]
    assert window.statusBar().currentMessage() == "บันทึกการตั้งค่าหนังสือราชการแล้ว"


def test_in_english_the_status_bar_lets_the_window_narrow_to_a_1280_screen_and_tells_the_rest_on_pointing(
    qtbot, tmp_path, wait_idle
):
    from db import open_database
    from ui import i18n
    from ui.qt import QRect
    from ui.screen import fit_to_screen

    from .conftest import build_book

    # a long Windows-like data folder, the demo's own-subdistrict button and the whole place in English
    deep = tmp_path / "Users" / "phatcharin.srisuksawatwattana" / "AppData" / "Local" / "fieldtool" / "backups"
    deep.mkdir(parents=True)
    db = open_database(deep / "fieldtool-subdistrict-341905.sqlite")
    try:
        book = build_book(db)
        db.set_setting("demo", "1")
        i18n.set_language("en")
        win = MainWindow(db, book.today)
        qtbot.addWidget(win)
        win.show()
        wait_idle()
        fit_to_screen(win, available=QRect(0, 0, 1280, 720))
        wait_idle()
        assert win.minimumSizeHint().width() <= 1152  # 90 % of a 1280 screen
        assert win.width() <= 1152 and win.statusBar().width() <= win.width()
        assert win.demo_button.isVisible() and win.demo_button.text() == "Demo data – start my own subdistrict…"
        assert win.status_db.is_elided()
        assert win.status_db.toolTip() == f"Database: {db.path}"  # the whole path, on pointing
        assert win.status_place.toolTip() == "โนนกลาง subdistrict, พิบูลมังสาหาร district, อุบลราชธานี"
    finally:
        QThreadPool.globalInstance().waitForDone()
        db.dispose()
