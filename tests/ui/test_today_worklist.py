"""The today page as a worklist on a small laptop: many rows in sight, each list's actions right above its
rows, keys for the actions (shown in the tooltips), and a delivery recorded by mistake undone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldtool import reminders
from ui import i18n
from ui.letters.dialogs import BatchConfirmDialog
from ui.mainwindow import MainWindow
from ui.qt import QApplication, QRect, Qt
from ui.screen import fit_to_screen
from ui.today.delivery import DeliveryDialog
from ui.today.view import ASKS, NOTICES, TodayView

from .conftest import add_person_household, add_running_loan
from .test_today import click_row, open_today, row_of_borrower, show_tab

SCREENS = {"1366x768": QRect(0, 0, 1366, 768), "1280x720": QRect(0, 0, 1280, 720)}
FIRST_NAMES = ("บุญมี", "สมหมาย", "ทองใบ", "คำปุ่น", "บัวผัน", "จันทร์เพ็ญ", "สมพร", "มณี", "ประยูร", "ละมัย",
               "ทองดี", "สุภาพ", "อำนวย", "บุญเรือน", "สายทอง", "คำพอง")


def add_notices(book, n: int) -> None:
    """n more borrowers whose instalment falls due within the week: a busy day's notices."""
    with book.db.session() as s:
        for k, first in enumerate(FIRST_NAMES[:n]):
            hh = add_person_household(s, book.village1, "นาง", first, "ศรีสุข", f"08{k:08d}")
            add_running_loan(s, book.fund, hh.id, 5_000, book.today + timedelta(days=3 + k % 5),
                             book.today - timedelta(days=60), book.today - timedelta(days=60))


def main_window_on(qtbot, book, screen: QRect) -> MainWindow:
    window = MainWindow(book.db, book.today)
    qtbot.addWidget(window)
    window.show()
    fit_to_screen(window, available=screen)
    with qtbot.waitSignal(window.today.loaded, timeout=20_000):
        window.today.refresh()
    QApplication.processEvents()
    return window


def rows_in_sight(view) -> int:
    return view.viewport().height() // view.rowHeight(0)


def activate(qtbot, widget) -> None:
    """Keys reach a window's shortcuts only when it is the active window."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window(), timeout=5_000)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_on_a_small_laptop_the_list_takes_the_page_and_shows_a_dozen_rows(qtbot, book, screen):
    add_notices(book, 16)
    window = main_window_on(qtbot, book, SCREENS[screen])
    today = window.today
    assert today.notices.rowCount() >= 17
    assert rows_in_sight(today.notice_view) >= 12
    # the other lists are a click away, their counts in sight on their tabs
    assert today.list_title(ASKS) == "ติดตามทวงถามหนี้ค้างชำระ (1)"


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_each_lists_buttons_sit_whole_right_above_its_rows(qtbot, book, screen, lang):
    i18n.set_language(lang)
    window = main_window_on(qtbot, book, SCREENS[screen])
    today = window.today
    for tab, lst in ((NOTICES, today.notice_list), (ASKS, today.ask_list)):
        today.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        table_top = lst.view.mapTo(today, lst.view.rect().topLeft()).y()
        for button in [*lst.how_buttons.values(), lst.note_button, lst.print_button, lst.open_button]:
            assert button.isVisible()
            assert button.visibleRegion().boundingRect() == button.rect(), button.text()  # not cut
            bottom = button.mapTo(today, button.rect().bottomLeft()).y()
            assert 0 <= table_top - bottom <= 12, button.text()  # just over the rows, nothing between


def test_the_tooltips_name_the_keys(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    lst = view.notice_list
    assert lst.note_button.toolTip().endswith("(Ctrl+D)")
    assert lst.print_button.toolTip().endswith("(Ctrl+P)")
    assert lst.open_button.toolTip().endswith("(Enter)")
    click_row(qtbot, view.notice_view, 0)
    qtbot.mouseClick(lst.how_buttons["phone"], Qt.MouseButton.LeftButton)
    assert view.undo_button.toolTip().endswith("(Ctrl+Z)")


def test_enter_opens_the_loan_of_the_chosen_row(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    activate(qtbot, view)
    click_row(qtbot, view.notice_view, row_of_borrower(view.notices, "นางสมศรี ใจดี"))
    with qtbot.waitSignal(view.open_loan) as opened:
        qtbot.keyClick(view.notice_view, Qt.Key.Key_Return)
    assert opened.args == [book.loans["somsri"]]


def test_ctrl_d_records_the_chosen_row_with_a_note(qtbot, book, monkeypatch):
    view = open_today(qtbot, book.db, book.today)
    activate(qtbot, view)
    asked = []
    monkeypatch.setattr(DeliveryDialog, "ask", lambda parent, db, rem, day, officer="": asked.append(rem) or False)
    click_row(qtbot, view.notice_view, row_of_borrower(view.notices, "นางสมศรี ใจดี"))
    qtbot.keyClick(view.notice_view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert [r.info.borrower for r in asked] == ["นางสมศรี ใจดี"]


def test_ctrl_p_prints_the_letters_of_the_chosen_borrowers_only(qtbot, office, monkeypatch):
    view = open_today(qtbot, office.db, office.today)
    activate(qtbot, view)
    outlines = []
    monkeypatch.setattr(BatchConfirmDialog, "ask",
                        classmethod(lambda cls, parent, outline: outlines.append(outline) or False))
    click_row(qtbot, view.notice_view, row_of_borrower(view.notices, "นางสมศรี ใจดี"))
    qtbot.keyClick(view.notice_view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(outlines), timeout=20_000)
    # her notice letter alone, not the day's three letters; nothing issued when the officer says no
    assert (outlines[0].new, outlines[0].notices) == (1, 1)
    qtbot.waitUntil(lambda: view.message.text() == "ยังไม่ได้ออกหนังสือ ไม่มีการบันทึกใด ๆ", timeout=20_000)


def test_a_delivery_recorded_by_mistake_is_undone_with_ctrl_z(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    activate(qtbot, view)
    assert not view.undo_button.isVisible()  # nothing to undo yet
    row = row_of_borrower(view.notices, "นางสมศรี ใจดี")
    reminder = view.notices.row_at(row)
    click_row(qtbot, view.notice_view, row)
    qtbot.mouseClick(view.notice_list.how_buttons["line"], Qt.MouseButton.LeftButton)
    assert view.notices.row_of(reminder.id) == -1
    assert view.undo_button.isVisible() and "นางสมศรี ใจดี" in view.undo_button.toolTip()

    with qtbot.waitSignal(view.loaded, timeout=20_000):
        qtbot.keyClick(view.notice_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # back on the list and chosen again, the message says so, nothing left to undo
    assert view.selected().id == reminder.id
    assert view.message.text() == "ยกเลิกการบันทึกการแจ้ง นางสมศรี ใจดี แล้ว รายการกลับมาในรายการ"
    assert not view.undo_button.isVisible()
    # the log only grows: the delivery stays, cancelled by a reversing record
    with book.db.session() as s:
        (record,) = reminders.delivery_records(s, book.loans["somsri"])
        assert record.delivery.how == "line" and record.undone_by is not None
        assert reminder.id in {r.id for r in reminders.reminders_on(s, book.today)}


def test_several_rows_recorded_at_once_come_back_with_one_undo(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    before = view.notices.rowCount()
    click_row(qtbot, view.notice_view, 0)
    click_row(qtbot, view.notice_view, 1, Qt.KeyboardModifier.ShiftModifier)
    qtbot.mouseClick(view.notice_list.how_buttons["phone"], Qt.MouseButton.LeftButton)
    assert view.notices.rowCount() == before - 2
    assert view.message.text() == "บันทึกการแจ้ง ผู้กู้ 2 ราย (โทรศัพท์) แล้ว"
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    assert view.notices.rowCount() == before
    assert len(view.notice_list.selected()) == 2


def test_after_recording_a_row_the_next_one_is_chosen(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    click_row(qtbot, view.notice_view, 0)
    second = view.notices.row_at(1)
    qtbot.mouseClick(view.notice_list.how_buttons["phone"], Qt.MouseButton.LeftButton)
    assert view.selected() is second  # the officer goes on down the list


def test_f5_shows_what_was_recorded_elsewhere(qtbot, book):
    window = main_window_on(qtbot, book, SCREENS["1366x768"])
    activate(qtbot, window)
    notice = next(r for r in window.today.notices.rows if r.loan_id == book.loans["somsri"])
    with book.db.session() as s:  # e.g. from the command line
        reminders.deliver(s, notice.id, "phone", book.today)
    with qtbot.waitSignal(window.today.loaded, timeout=20_000):
        qtbot.keyClick(window.today.notice_view, Qt.Key.Key_F5)
    assert window.today.notices.row_of(notice.id) == -1


def test_english_counts_one_day_and_one_borrower(qtbot, book):
    i18n.set_language("en")
    view = TodayView(book.db, book.today + timedelta(days=6))
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    somsri = row_of_borrower(view.notices, "นางสมศรี ใจดี")
    assert view.notices.index(somsri, 6).data() == "in 1 day"
    show_tab(qtbot, view, ASKS)
    click_row(qtbot, view.ask_view, 0)
    qtbot.mouseClick(view.ask_list.how_buttons["visit"], Qt.MouseButton.LeftButton)
    assert view.undo_button.toolTip().startswith("Undo the last delivery recorded (นายไพโรจน์ บุญมา)")


def test_the_right_click_menu_of_a_list_offers_its_actions_with_their_keys(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    keys = {a.text(): a.shortcut().toString() for a in view.ask_list.menu_actions if a is not None}
    assert keys["เปิดสัญญา"] == "Enter"
    assert keys["บันทึกพร้อมหมายเหตุ…"] == "Ctrl+D"
    assert keys["พิมพ์หนังสือ"] == "Ctrl+P"
    assert keys["เลิกทำ"] == "Ctrl+Z"
    assert keys["ลงพื้นที่แล้ว"] == ""  # one click, no key


def test_the_note_dialog_of_an_ask_task_starts_on_a_field_visit(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    dialog = DeliveryDialog(book.db, view.asks.row_at(0), book.today)
    qtbot.addWidget(dialog)
    assert dialog.how.currentData() == "visit"
    notice = DeliveryDialog(book.db, view.notices.row_at(0), book.today)
    qtbot.addWidget(notice)
    assert notice.how.currentData() == "phone"
