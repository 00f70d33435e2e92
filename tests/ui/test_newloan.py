"""A new loan application from the app: borrower found inside Thai names, the fund's defaults, the
instalment shown before saving, refusals that write nothing, and the loan page on its prevent checklist."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from fieldtool import lending, loanbook, registry
from fieldtool.models import Loan
from ui.loans.loanpage import PREVENT_TAB
from ui.loans.newloan import NewLoanDialog
from ui.mainwindow import MainWindow

from .test_register import open_register


def loans(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Loan))


def open_dialog(qtbot, book, household_id=None) -> NewLoanDialog:
    dialog = NewLoanDialog(book.db, book.today, household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_household_found_by_part_of_its_name_applies_for_a_loan(qtbot, book):
    dialog = open_dialog(qtbot, book)
    dialog.as_household.setChecked(True)
    completer = dialog.borrower.completer()
    completer.setCompletionPrefix("โรจ")  # from the middle of ไพโรจน์
    assert completer.completionCount() == 1
    assert completer.currentCompletion().startswith("นายไพโรจน์ บุญมา (หมู่ที่ 2 บ้านหนองบัว")
    dialog.borrower.setEditText(completer.currentCompletion())
    assert dialog.rate.text() == "3" and dialog.count.value() == 12  # the women's fund: 3 % a year, 12 months
    dialog.principal.setText("๑๒,๐๐๐")  # Thai digits as officers type them
    dialog.purpose.setText("เลี้ยงหมูขุน")
    # 12,000 at 3 % flat for a year: 360 of interest, 1,030.00 a month
    assert dialog.preview.text() == "ผ่อน 12 งวด งวดแรก 1,030.00 บาท รวม 12,360.00 บาท งวดสุดท้าย 22 พ.ย. 2570"
    before = loans(book.db)
    dialog.accept()
    assert dialog.result() == NewLoanDialog.DialogCode.Accepted, dialog.error.text()
    assert loans(book.db) == before + 1
    with book.db.session() as s:
        loan = s.get(Loan, dialog.loan_id)
        assert (loan.principal_satang, loan.rate_bp, loan.instalments, loan.purpose) == (1_200_000, 300, 12, "เลี้ยงหมูขุน")
        assert loan.household_id is not None and loan.disbursed_on is None
        assert loanbook.load_states(s, book.today, [loan.id])[loan.id].stage == "prevent"


def test_refusals_say_one_sentence_and_write_nothing(qtbot, book):
    dialog = open_dialog(qtbot, book)
    before = loans(book.db)
    dialog.borrower.setEditText("กลุ่มที่ไม่มีในทะเบียน")
    dialog.principal.setText("5000")
    dialog.accept()
    assert dialog.error.text() == "เลือกผู้กู้จากรายชื่อ"
    with book.db.session() as s:
        group = registry.add_group(s, "กลุ่มทอเสื่อกกบ้านโนนสูง", book.village1)
    fresh = open_dialog(qtbot, book)
    fresh.borrower.setEditText(fresh.borrower.itemText(fresh.borrower.findData(group.id)))
    fresh.principal.setText("0")
    fresh.accept()
    assert fresh.error.text() == "จำนวนเงินต้องมากกว่าศูนย์"
    fresh.principal.setText("5000")
    fresh.rate.setText("สามเปอร์เซ็นต์")
    fresh.accept()
    assert fresh.error.text() == "อัตราดอกเบี้ยต้องเป็นตัวเลข 0 ถึง 100: สามเปอร์เซ็นต์"
    fresh.rate.setText("3")
    fresh.first_due.setText("1/11/2569")  # before the application
    fresh.accept()
    assert fresh.error.text() == "วันครบกำหนดงวดแรกต้องหลังวันยื่นคำขอ"
    assert loans(book.db) == before


def test_the_register_button_opens_the_new_loan_on_its_prevent_checklist(qtbot, book, monkeypatch):
    window = MainWindow(book.db, book.today)
    qtbot.addWidget(window)
    register = window.show_page("register")
    with book.db.session() as s:
        made = lending.add_loan(s, fund_id=book.fund, group_id=registry.add_group(s, "กลุ่มใหม่", book.village1).id,
                                 principal_satang=500_000, instalments=5, first_due=date(2026, 12, 31),
                                 applied_on=book.today).id
    monkeypatch.setattr(NewLoanDialog, "ask", classmethod(lambda cls, parent, db, day, household_id=None: made))
    register.new_loan_button.click()
    page = window.loan_pages[-1]
    assert page.loan_id == made and page.tabs.currentIndex() == PREVENT_TAB
    assert "ขั้นป้องกัน" in window.statusBar().currentMessage()


def test_the_register_shows_the_button_in_english_too(qtbot, book):
    from ui import i18n

    i18n.set_language("en")
    view = open_register(qtbot, book)
    assert view.new_loan_button.text() == "New loan application…"


def test_a_household_page_starts_an_application_for_that_household(qtbot, book):
    with book.db.session() as s:
        hid = s.get(Loan, book.loans["pairoj"]).household_id
    dialog = open_dialog(qtbot, book, household_id=hid)
    assert dialog.as_household.isChecked()
    assert dialog.borrower.currentText().startswith("นายไพโรจน์ บุญมา")
    assert dialog.borrower_id() == hid


def test_the_funds_maximum_shows_beside_the_amount_and_one_satang_more_is_refused_in_thai(qtbot, book):
    from fieldtool import funds

    with book.db.session() as s:
        funds.edit_fund(s, book.fund, max_loan_satang=1_200_000)
    dialog = open_dialog(qtbot, book)
    dialog.as_household.setChecked(True)
    dialog.borrower.setEditText(dialog.borrower.itemText(0))
    assert dialog.limit.text() == "วงเงินกู้สูงสุดของกองทุนนี้ 12,000.00 บาท"
    refusal = "เงินต้น 12,000.01 บาท เกินวงเงินกู้สูงสุดต่อสัญญาของกองทุนพัฒนาบทบาทสตรี ต.โนนกลาง 12,000.00 บาท"
    dialog.principal.setText("12,000.01")
    assert dialog.preview.text() == refusal  # said while typing, before saving
    before = loans(book.db)
    dialog.accept()
    assert dialog.result() != NewLoanDialog.DialogCode.Accepted
    assert dialog.error.text() == refusal
    assert loans(book.db) == before
    dialog.principal.setText("12,000.00")
    assert dialog.preview.text().startswith("ผ่อน 12 งวด")
    dialog.accept()
    assert dialog.result() == NewLoanDialog.DialogCode.Accepted, dialog.error.text()
    assert loans(book.db) == before + 1
