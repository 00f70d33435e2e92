"""The loan page and the dialogs that write to a loan: payment, reversal, checklist, disbursement, restructuring."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from fieldtool.models import Loan, Payment
from fieldtool.vocabulary import PreventItem
from ui.loans.dialogs import CheckDialog, DisburseDialog, PaymentDialog, RestructureDialog, ReverseDialog
from ui.loans.loanpage import LoanPage
from ui.qt import QApplication, QItemSelectionModel, QRect, Qt
from ui.screen import fit_to_screen


def open_page(qtbot, book, name):
    page = LoanPage(book.db, book.loans[name], book.today)
    qtbot.addWidget(page)
    page.show()
    return page


def payment_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Payment))


def save(qtbot, dialog) -> bool:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return dialog.result() == dialog.DialogCode.Accepted


def select_row(view, row):
    view.selectionModel().select(
        view.model().index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def test_header_shows_the_loan(qtbot, book):
    page = open_page(qtbot, book, "pairoj")
    assert page.header_text("borrower") == "นายไพโรจน์ บุญมา"
    assert page.header_text("village") == "หมู่ที่ 2 บ้านหนองบัว"
    assert page.header_text("principal") == "6,000.00 บาท"
    assert page.header_text("rate") == "ร้อยละ 3.00 ต่อปี"
    assert page.header_text("frequency") == "12 งวด รายเดือน"
    assert page.header_text("stage") == "ทวงถาม"
    assert page.header_text("arrears") == "515.00 บาท"
    assert page.header_text("days_overdue") == "10 วัน"


def test_schedule_shows_due_dates_in_buddhist_era_and_status(qtbot, book):
    page = open_page(qtbot, book, "pairoj")
    model = page.schedule
    assert model.rowCount() == 12
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[0] == "1"
    assert first[1].endswith("2569")
    assert first[2] == "515.00"
    assert first[7] == "เกินกำหนด"
    assert model.index(1, 7).data() == "ยังไม่ถึงกำหนด"


def test_payment_through_the_dialog_changes_the_outstanding(qtbot, book, monkeypatch):
    page = open_page(qtbot, book, "somsri")
    assert page.header_text("outstanding") == "12,360.00 บาท"

    def answer(parent, db, loan_id, day, about=""):
        dlg = PaymentDialog(db, loan_id, day, about, parent=parent)
        assert dlg.paid_on.text() == "22/11/2569"  # the working date, BE, numeric
        dlg.amount.setText("1,030")
        dlg.note.setText("งวดที่ 1")
        return save(qtbot, dlg)

    monkeypatch.setattr(PaymentDialog, "ask", answer)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.pay_button, Qt.MouseButton.LeftButton)
    assert page.header_text("outstanding") == "11,330.00 บาท"
    assert page.payments.rowCount() == 1
    assert page.payments.index(0, 1).data() == "1,030.00"
    assert page.schedule.index(0, 7).data() == "ชำระแล้ว"
    assert page.tabs.tabText(1) == "การชำระเงิน (1)"


def test_bad_amount_shows_one_thai_sentence_and_writes_nothing(qtbot, book):
    dlg = PaymentDialog(book.db, book.loans["somsri"], book.today)
    qtbot.addWidget(dlg)
    for typed, sentence in (
        ("สองพัน", 'จำนวนเงินไม่ถูกต้อง: "สองพัน" เช่น 1,000.50'),
        ("0", "จำนวนเงินต้องมากกว่าศูนย์"),
        ("-50", 'จำนวนเงินต้องไม่ติดลบ: "-50"'),
        ("", "กรุณากรอกจำนวนเงิน"),
    ):
        dlg.amount.setText(typed)
        assert not save(qtbot, dlg)
        assert dlg.error.isVisibleTo(dlg)
        assert dlg.error.text() == sentence
    assert payment_count(book.db) == 1  # only the one the test book holds


def test_bad_payment_date_is_refused(qtbot, book):
    dlg = PaymentDialog(book.db, book.loans["somsri"], book.today)
    qtbot.addWidget(dlg)
    dlg.amount.setText("100")
    dlg.paid_on.setText("2569-11-22")  # a BE year in ISO form
    assert not save(qtbot, dlg)
    assert dlg.error.text().startswith("วันที่แบบ ปปปป-ดด-วว ต้องใช้ปี ค.ศ.")
    assert payment_count(book.db) == 1


def test_reversal_after_confirmation_marks_the_payment(qtbot, book, monkeypatch):
    page = open_page(qtbot, book, "kamol")
    before = page.header_text("outstanding")

    def confirm(parent, db, payment_id, paid_on, amount, day):
        dlg = ReverseDialog(db, payment_id, paid_on, amount, day, parent=parent)
        dlg.note.setText("บันทึกซ้ำ")
        return save(qtbot, dlg)

    monkeypatch.setattr(ReverseDialog, "ask", confirm)
    select_row(page.payment_view, 0)
    qtbot.mouseClick(page.reverse_button, Qt.MouseButton.LeftButton)
    assert page.payments.rowCount() == 2
    assert page.payments.index(0, 3).data().startswith("ถูกยกเลิกเมื่อ")
    assert page.payments.index(0, 1).data(Qt.ItemDataRole.FontRole).strikeOut()
    assert page.payments.index(1, 2).data() == "รายการยกเลิก"
    assert page.header_text("outstanding") != before
    assert page.header_text("outstanding") == "24,720.00 บาท"
    assert not page.reverse_button.isEnabled()  # nothing left to reverse


def test_disbursing_with_open_items_needs_a_reason(qtbot, book):
    loan_id = book.loans["arunee"]
    dlg = DisburseDialog(book.db, loan_id, book.today, list(PreventItem))
    qtbot.addWidget(dlg)
    assert not save(qtbot, dlg)
    assert dlg.error.text() == "ยังจ่ายเงินกู้ไม่ได้ รายการป้องกันยังไม่ครบ 6 รายการ กรุณาระบุเหตุผล"
    with book.db.session() as s:
        assert s.get(Loan, loan_id).disbursed_on is None

    dlg.reason.setPlainText("ผู้กู้ต้องใช้เงินซื้อเมล็ดพันธุ์ก่อนฤดูฝน")
    assert save(qtbot, dlg)
    with book.db.session() as s:
        loan = s.get(Loan, loan_id)
        assert loan.disbursed_on == book.today
        assert loan.prevent_override == "ผู้กู้ต้องใช้เงินซื้อเมล็ดพันธุ์ก่อนฤดูฝน"


def test_ticking_every_item_then_disbursing_from_the_page(qtbot, book, monkeypatch):
    page = open_page(qtbot, book, "arunee")
    assert page.header_text("stage") == "ป้องกัน"
    assert page.tabs.tabText(3) == "รายการป้องกัน (0/6)"
    assert not page.pay_button.isEnabled()

    def tick(parent, db, loan_id, item, day, note=""):
        dlg = CheckDialog(db, loan_id, item, day, note, parent=parent)
        dlg.done_on.setText("20/11/2569")
        return save(qtbot, dlg)

    monkeypatch.setattr(CheckDialog, "ask", tick)
    for row in range(6):
        select_row(page.check_view, row)
        qtbot.mouseClick(page.tick_button, Qt.MouseButton.LeftButton)
    assert page.tabs.tabText(3) == "รายการป้องกัน (6/6)"
    assert page.checks.index(0, 1).data() == "✓ ทำแล้ว"
    assert page.checks.index(0, 2).data() == "20 พ.ย. 2569"

    monkeypatch.setattr(
        DisburseDialog,
        "ask",
        lambda parent, db, loan_id, day, items: save(
            qtbot, DisburseDialog(db, loan_id, day, items, parent=parent)
        ),
    )
    qtbot.mouseClick(page.disburse_button, Qt.MouseButton.LeftButton)
    assert page.header_text("stage") == "ติดตาม"
    assert page.pay_button.isEnabled()
    assert not page.disburse_button.isEnabled()


def test_restructure_adds_a_schedule_and_keeps_the_old_one(qtbot, book, monkeypatch):
    page = open_page(qtbot, book, "pairoj")

    def answer(parent, db, loan_id, day, instalments, frequency):
        dlg = RestructureDialog(db, loan_id, day, instalments, frequency, parent=parent)
        dlg.count.setValue(6)
        dlg.first_due.setText("15/01/2570")
        dlg.reason.setText("ผลผลิตเสียหายจากน้ำท่วม")
        return save(qtbot, dlg)

    monkeypatch.setattr(RestructureDialog, "ask", answer)
    qtbot.mouseClick(page.restructure_button, Qt.MouseButton.LeftButton)
    assert page.version.count() == 2
    assert page.version.currentText().endswith("ฉบับปัจจุบัน")
    assert page.schedule.rowCount() == 6
    assert page.schedule.index(0, 1).data() == "15 ม.ค. 2570"
    assert "ผลผลิตเสียหายจากน้ำท่วม" in page.schedule_note.text()
    assert page.header_text("stage") == "ติดตาม"
    page.version.setCurrentIndex(0)  # the earlier schedule stays readable
    assert page.schedule.rowCount() == 12


def test_stage_timeline_and_history(qtbot, book):
    page = open_page(qtbot, book, "pairoj")
    stages = [page.timeline.index(r, 2).data() for r in range(page.timeline.rowCount())]
    # Applied for and paid out on one day, so the loan went straight to ติดตาม (follow).
    assert stages == ["ติดตาม", "ทวงถาม"]
    assert page.timeline.index(1, 1).data() == "ปัจจุบัน"
    # the change log in words, as the history page reads it: registers and records named, not ids
    registers = {page.history.index(r, 2).data() for r in range(page.history.rowCount())}
    assert {"สัญญาเงินกู้", "งวดชำระ", "รายการป้องกัน"} <= registers
    records = [page.history.index(r, 3).data() for r in range(page.history.rowCount())]
    assert "สัญญา ส-002 นายไพโรจน์ บุญมา" in records
    assert any(r.startswith("งวดที่ 1 ครบกำหนด") for r in records)
    assert not any(re.fullmatch(r"[0-9a-f]{8}", r) for r in records)


def test_deliveries_tab_lists_notices_delivered(qtbot, book):
    from fieldtool import reminders

    with book.db.session() as s:
        rid = next(r.id for r in reminders.reminders_on(s, book.today) if r.loan_id == book.loans["somsri"])
        reminders.deliver(s, rid, "line", book.today, note="ส่งในกลุ่มไลน์หมู่บ้าน")
    page = open_page(qtbot, book, "somsri")
    assert page.deliveries.rowCount() == 1
    row = [page.deliveries.index(0, c).data() for c in range(page.deliveries.columnCount())]
    assert row[:4] == ["22 พ.ย. 2569", "แจ้งล่วงหน้า 7 วัน", "1", "ไลน์"]
    assert page.tabs.tabText(4) == "การแจ้งเตือน (1)"


def test_loan_page_models_pass_the_model_tester(qtbot, qtmodeltester, book):
    page = open_page(qtbot, book, "kamol")
    for model in (
        page.schedule,
        page.payments,
        page.timeline,
        page.checks,
        page.deliveries,
        page.history,
        page.letters,
        page.visits,
    ):
        qtmodeltester.check(model)


def test_working_date_decides_what_is_overdue(qtbot, book):
    page = LoanPage(book.db, book.loans["somsri"], book.today + timedelta(days=8))
    qtbot.addWidget(page)
    assert page.header_text("stage") == "ทวงถาม"
    assert page.header_text("days_overdue") == "1 วัน"


# --- issue 11: what the loan page says agrees with itself and with the other pages -------------------


def open_fitted(qtbot, book, name, screen: tuple[int, int] = (1366, 768)):
    """The loan page as it opens on a laptop whose screen is `screen`."""
    page = LoanPage(book.db, book.loans[name], book.today)
    qtbot.addWidget(page)
    page.show()
    fit_to_screen(page, available=QRect(0, 0, *screen))
    QApplication.processEvents()
    return page


def test_the_visits_tab_counts_the_field_visits_the_notices_tab_lists(qtbot, book):
    from fieldtool import reminders

    with book.db.session() as s:
        open_now = [r for r in reminders.reminders_on(s, book.today) if r.loan_id == book.loans["pairoj"]]
        ask = next(r for r in open_now if r.kind == "ask")
        notice = next(r for r in open_now if r.kind != "ask")
        reminders.deliver(s, ask.id, "visit", book.today, note="พบผู้กู้ที่บ้าน ขอผ่อนสิ้นเดือน")
        reminders.deliver(s, notice.id, "phone", book.today)
    page = open_page(qtbot, book, "pairoj")
    hows = [page.deliveries.index(r, 3).data() for r in range(page.deliveries.rowCount())]
    assert page.tabs.tabText(4) == "การแจ้งเตือน (2)"
    assert hows.count("ลงพื้นที่") == 1
    assert page.tabs.tabText(7) == "การลงพื้นที่และประชุม (1)"
    row = [page.visits.index(0, c).data() for c in range(page.visits.columnCount())]
    assert row[0] == "22 พ.ย. 2569"
    assert row[1] == "ลงพื้นที่ · ลงพื้นที่ติดตามทวงถาม"
    assert row[4] == "พบผู้กู้ที่บ้าน ขอผ่อนสิ้นเดือน"


def test_a_visit_recorded_about_the_loan_is_one_row_with_the_deliveries_it_made(qtbot, book, tmp_path):
    from fieldtool import visits
    from fieldtool.visits import VisitInput

    findings = "ผู้กู้เลี้ยงไก่ไข่ได้ผลดี แต่ราคาอาหารสัตว์ขึ้น ขอเลื่อนชำระงวดนี้ไปปลายเดือนหน้า"
    with book.db.session() as s:
        visits.add_visit(s, VisitInput(visited_on=book.today, village_id=book.village2, visited_at="10:30",
                                       place="บ้านผู้กู้", purposes=["ask:field"], findings=findings,
                                       loans=[book.loans["pairoj"]]), tmp_path)
    page = open_fitted(qtbot, book, "pairoj")
    assert page.tabs.tabText(7) == "การลงพื้นที่และประชุม (1)"
    page.tabs.setCurrentIndex(7)
    QApplication.processEvents()
    col = page.visits.column_of("col.findings")
    assert page.visits.index(0, col).data() == findings
    # the room the window has goes to the findings: read whole, not cut at the column's usual width
    view = page.visit_view
    assert view.horizontalHeader().sectionSize(col) >= view.fontMetrics().horizontalAdvance(findings)


def test_the_phone_is_written_the_same_on_the_loan_and_household_pages(qtbot, book):
    from ui.households.page import HouseholdPage

    from .conftest import household_of

    page = open_page(qtbot, book, "somsri")
    household = HouseholdPage(book.db, household_of(book.db, book.loans["somsri"]), book.today)
    qtbot.addWidget(household)
    assert page.header_text("phone") == household.header_text("phone") == "081-234-5678"
    assert open_page(qtbot, book, "kamol").header_text("phone") == "–"  # no number: a dash, as elsewhere


def test_a_long_group_name_is_cut_in_the_header_not_the_window_widened(qtbot, book):
    with book.db.session() as s:
        loan = s.get(Loan, book.loans["somsri"])
        loan.purpose = "ซื้อจักรเย็บผ้าอุตสาหกรรมและผ้าสำหรับตัดเย็บชุดนักเรียนส่งโรงเรียนในตำบล"
    page = open_fitted(qtbot, book, "somsri", (1280, 720))
    assert page.width() <= 1152  # nine tenths of the screen, as every window
    assert page.header_text("purpose").startswith("ซื้อจักรเย็บผ้าอุตสาหกรรม")  # whole in its text and tooltip


def test_a_note_written_from_a_meeting_dates_itself_in_the_buddhist_era(qtbot, book):
    from fieldtool import visits
    from fieldtool.visits import MeetingInput

    with book.db.session() as s:
        visits.add_meeting(s, MeetingInput(kind="guarantee", held_on=book.today, place="ศาลาประชาคม",
                                           village_id=book.village2, loans=[book.loans["arunee"]]))
    page = open_page(qtbot, book, "arunee")
    notes = [page.checks.index(r, 3).data() for r in range(page.checks.rowCount())]
    assert "บันทึกจากการประชุม 22 พ.ย. 2569" in notes
    assert page.tabs.tabText(7) == "การลงพื้นที่และประชุม (1)"  # the meeting is listed with the visits


def test_a_delivery_recorded_by_mistake_is_undone_from_the_notices_tab(qtbot, book):
    from fieldtool import reminders

    with book.db.session() as s:
        rid = next(r.id for r in reminders.reminders_on(s, book.today) if r.loan_id == book.loans["somsri"])
        reminders.deliver(s, rid, "line", book.today)
    page = open_page(qtbot, book, "somsri")
    assert not page.undo_delivery_button.isEnabled()  # nothing chosen yet
    select_row(page.delivery_view, 0)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.undo_delivery_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "ยกเลิกการบันทึกแจ้งล่วงหน้า 7 วันแล้ว รายการกลับเป็นงานที่ต้องทำ"
    # the delivery stays in the list, struck through, saying when it was undone; the count drops
    assert page.deliveries.rowCount() == 1
    assert page.deliveries.index(0, 1).data(Qt.ItemDataRole.FontRole).strikeOut()
    assert page.deliveries.index(0, 5).data() == "ยกเลิกเมื่อ 22 พ.ย. 2569 (บันทึกผิด)"
    assert page.tabs.tabText(4) == "การแจ้งเตือน (0)"
    assert not page.undo_delivery_button.isEnabled()
    records = [page.history.index(r, 3).data() for r in range(page.history.rowCount())]
    assert "ยกเลิกการบันทึกแจ้งล่วงหน้า 7 วัน วันที่ 22 พ.ย. 2569 ที่บันทึกผิด" in records
    with book.db.session() as s:
        assert rid in {r.id for r in reminders.reminders_on(s, book.today)}


def test_english_says_one_day_and_no_thai_word_on_a_tab(qtbot, book):
    from ui import i18n

    i18n.set_language("en")
    page = LoanPage(book.db, book.loans["somsri"], book.today + timedelta(days=8))
    qtbot.addWidget(page)
    assert page.header_text("days_overdue") == "1 day"
    tabs = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert tabs[2] == "Stages"
    assert not any(re.search("[\u0e00-\u0e7f]", t) for t in tabs)


def test_big_counts_have_thousands_separators(qtbot):
    from ui.i18n import tr

    assert tr("sync.waiting", n=10901) == "มีรายการแก้ไขที่ยังไม่ได้ส่ง 10,901 รายการ"
    assert tr("loan.tab.notices", n=1250) == "การแจ้งเตือน (1,250)"


def test_an_ask_step_done_in_person_reads_in_the_history_tab_as_the_today_page_words_it(qtbot, book):
    from fieldtool import reminders

    with book.db.session() as s:
        ask = next(r for r in reminders.reminders_on(s, book.today, [book.loans["pairoj"]]) if r.kind == "ask")
        reminders.deliver(s, ask.id, "visit", book.today)
    page = open_page(qtbot, book, "pairoj")
    records = [page.history.index(r, 3).data() for r in range(page.history.rowCount())]
    step = ask.step.label.th  # 10 days overdue: the ladder's first step, a visit to follow up
    assert step == "ลงพื้นที่ติดตามทวงถาม"
    assert f"{step} 22 พ.ย. 2569" in records
    assert not any("ขั้นที่" in r for r in records)
    assert page.deliveries.index(0, 1).data() == step  # the notices tab says the same
