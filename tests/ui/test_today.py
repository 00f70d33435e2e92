"""The today view: notices and ask tasks of the working day, recorded in two clicks."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from fieldtool import reminders
from fieldtool.models import ReminderDelivery
from fieldtool.thai import format_date
from ui.qt import Qt
from ui.today.delivery import DeliveryDialog
from ui.today.view import ASKS, NOTICES, VISITS, TodayView


def open_today(qtbot, db, day):
    view = TodayView(db, day, officer="ทดสอบ")
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    return view


def cells(model, row):
    return [model.index(row, c).data() for c in range(model.columnCount())]


def row_of_borrower(model, name):
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data() == name)


def click_row(qtbot, view, row, modifier=Qt.KeyboardModifier.NoModifier):
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, pos=rect.center())


def show_tab(qtbot, view, tab):
    """Click the tab of a list, as the officer does."""
    bar = view.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab).center())
    assert view.tabs.currentIndex() == tab


def test_notice_seven_days_before_the_due_date_is_listed(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    row = row_of_borrower(view.notices, "นางสมศรี ใจดี")
    shown = cells(view.notices, row)
    assert shown[1] == "หมู่ที่ 1 บ้านโนนสูง"
    assert shown[2] == "แจ้งล่วงหน้า 7 วัน"
    assert shown[3] == "1"
    assert shown[4] == format_date(book.today + timedelta(days=7))  # Buddhist Era: 29 พ.ย. 2569
    assert "2569" in shown[4]
    assert shown[5] == "1,030.00"  # 1,000 principal + 30 interest
    assert shown[6] == "อีก 7 วัน"
    assert shown[7] == "081-234-5678"


def test_overdue_instalment_is_an_ask_task_with_days_overdue(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    row = row_of_borrower(view.asks, "นายไพโรจน์ บุญมา")
    shown = cells(view.asks, row)
    assert shown[2] == "ลงพื้นที่ติดตามทวงถาม"
    assert shown[6] == "เกิน 10 วัน"


def test_the_tabs_of_the_lists_count_their_rows(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    assert view.list_title(NOTICES) == f"แจ้งเตือนก่อนครบกำหนด ({view.notices.rowCount()})"
    assert view.list_title(ASKS) == f"ติดตามทวงถามหนี้ค้างชำระ ({view.asks.rowCount()})"
    assert view.list_title(VISITS) == "นัดลงพื้นที่ (0)"
    assert view.asks.rowCount() == 1


def test_two_clicks_record_the_delivery_and_the_row_leaves(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    before = view.notices.rowCount()
    row = row_of_borrower(view.notices, "นางสมศรี ใจดี")
    reminder = view.notices.row_at(row)
    assert not view.notice_list.how_buttons["phone"].isEnabled()  # nothing chosen yet

    click_row(qtbot, view.notice_view, row)  # click 1
    qtbot.mouseClick(view.notice_list.how_buttons["phone"], Qt.MouseButton.LeftButton)  # click 2

    assert view.notices.rowCount() == before - 1
    assert "นางสมศรี ใจดี" not in [view.notices.index(r, 0).data() for r in range(view.notices.rowCount())]
    assert view.list_title(NOTICES) == f"แจ้งเตือนก่อนครบกำหนด ({before - 1})"
    with book.db.session() as s:
        assert reminder.id not in {r.id for r in reminders.reminders_on(s, book.today)}
        delivery = s.scalars(
            select(ReminderDelivery).where(ReminderDelivery.reminder_id == reminder.id)
        ).one()
        assert (delivery.how, delivery.delivered_on) == ("phone", book.today)


def test_ask_task_done_by_a_visit(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    show_tab(qtbot, view, ASKS)
    click_row(qtbot, view.ask_view, 0)
    qtbot.mouseClick(view.ask_list.how_buttons["visit"], Qt.MouseButton.LeftButton)
    assert view.asks.rowCount() == 0
    assert view.list_title(ASKS) == "ติดตามทวงถามหนี้ค้างชำระ (0)"


def test_each_lists_buttons_act_on_the_rows_chosen_in_that_list(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    notices = view.notices.rowCount()
    click_row(qtbot, view.notice_view, 0)
    show_tab(qtbot, view, ASKS)
    assert not view.ask_list.how_buttons["visit"].isEnabled()  # nothing chosen in this list yet
    click_row(qtbot, view.ask_view, 0)
    assert view.selected().kind == "ask"
    qtbot.mouseClick(view.ask_list.how_buttons["meeting"], Qt.MouseButton.LeftButton)
    assert view.asks.rowCount() == 0
    assert view.notices.rowCount() == notices  # the notice chosen in the other list was left alone


def test_delivery_with_a_note_through_the_dialog(qtbot, book, monkeypatch):
    view = open_today(qtbot, book.db, book.today)
    row = row_of_borrower(view.notices, "นางสมศรี ใจดี")
    reminder = view.notices.row_at(row)

    def answer(parent, db, rem, day, officer=""):
        dlg = DeliveryDialog(db, rem, day, officer, parent=parent)
        dlg.how.setCurrentIndex(dlg.how.findData("letter"))
        dlg.note.setText("ส่งหนังสือผ่านผู้ใหญ่บ้าน")
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
        return dlg.result() == DeliveryDialog.DialogCode.Accepted

    monkeypatch.setattr(DeliveryDialog, "ask", answer)
    view.select(reminder.id)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        qtbot.mouseClick(view.notice_list.note_button, Qt.MouseButton.LeftButton)
    assert view.notices.row_of(reminder.id) == -1
    with book.db.session() as s:
        delivery = s.scalars(
            select(ReminderDelivery).where(ReminderDelivery.reminder_id == reminder.id)
        ).one()
        assert (delivery.how, delivery.note, delivery.by_whom) == ("letter", "ส่งหนังสือผ่านผู้ใหญ่บ้าน", "ทดสอบ")


def test_delivery_dialog_refuses_a_bad_date_and_writes_nothing(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    dlg = DeliveryDialog(book.db, view.notices.row_at(0), book.today)
    qtbot.addWidget(dlg)
    dlg.delivered_on.setText("31/02/2569")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.error.isVisibleTo(dlg)
    assert dlg.error.text().startswith("วันที่ไม่ถูกต้อง")
    with book.db.session() as s:
        assert s.scalars(select(ReminderDelivery)).first() is None


def test_empty_day_says_so(qtbot, db):
    view = open_today(qtbot, db, date(2026, 11, 22))
    assert view.stack.currentWidget() is view.empty
    assert view.empty.text() == "วันนี้ไม่มีรายการที่ต้องแจ้ง"
    assert view.empty.isVisible()
    assert not view.tabs.isVisible()


def test_reminder_models_pass_the_model_tester(qtbot, qtmodeltester, book):
    view = open_today(qtbot, book.db, book.today)
    qtmodeltester.check(view.notices)
    qtmodeltester.check(view.asks)


def test_a_loan_behind_on_several_instalments_is_one_ask_row(qtbot, book):
    """One visit asks about the whole debt, so the list shows the loan once, with every overdue instalment."""
    from dateutil.relativedelta import relativedelta

    day = book.today + relativedelta(months=1)  # ไพโรจน์ is now behind on instalments 1 and 2
    view = open_today(qtbot, book.db, day)
    rows = [r for r in range(view.asks.rowCount()) if view.asks.index(r, 0).data() == "นายไพโรจน์ บุญมา"]
    assert len(rows) == 1
    shown = cells(view.asks, rows[0])
    assert shown[3] == "1, 2"
    assert shown[5] == "1,030.00"  # 515.00 + 515.00
    assert shown[6] == f"เกิน {(day - (book.today - timedelta(days=10))).days} วัน"
    show_tab(qtbot, view, ASKS)
    click_row(qtbot, view.ask_view, rows[0])
    qtbot.mouseClick(view.ask_list.how_buttons["visit"], Qt.MouseButton.LeftButton)
    with book.db.session() as s:
        assert [r for r in reminders.reminders_on(s, day, [book.loans["pairoj"]]) if r.kind == "ask"] == []
