"""Letters in the app: the day's batch with a progress bar and a preview, one letter from the loan page,
reprints, print and save, the office's settings and the template editor; refusals in one Thai sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldtool import letter_issue, letterhead, letters, reminders
from fieldtool.models import LetterRecord, ReminderDelivery
from ui.letters import issue as issue_module
from ui.letters.dialogs import BatchConfirmDialog, LetterDialog, OfficeSettingsDialog, TemplateDialog
from ui.loans.loanpage import LoanPage
from ui.pdfpreview import PdfPreview
from ui.qt import QImage, QItemSelectionModel, QPdfDocument, QPrinter, Qt
from ui.today.view import TodayView

from .conftest import ink


@pytest.fixture(autouse=True)
def officer_says_yes(monkeypatch) -> list:
    """The day's batch asks before it issues anything: here the officer agrees (tests that decline replace
    the answer); what she was asked is kept."""
    asked = []
    monkeypatch.setattr(BatchConfirmDialog, "ask", classmethod(lambda cls, parent, outline: asked.append(outline) or True))
    return asked


def open_today(qtbot, db, day):
    view = TodayView(db, day, officer="ทดสอบ")
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    return view


def finish(qtbot, job):
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    if job.preview is not None:
        qtbot.addWidget(job.preview)
    return job


def letter_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(LetterRecord))


def test_batch_of_the_day_is_previewed_and_recorded(qtbot, office, tmp_path):
    view = open_today(qtbot, office.db, office.today)
    somsri_notice = next(r for r in view.notices.rows if r.loan_id == office.loans["somsri"])
    job = finish(qtbot, view.print_letters())

    assert job.error == ""
    issued = job.result
    # the notice-7 of สมศรี, the notice-30 of กมล, and ไพโรจน์'s first demand: he is overdue, so his
    # open notice-30 goes in that demand, not in a letter of its own (one letter a borrower a day)
    assert issued.count == 3
    assert issued.new == 3 and issued.reprints == 0
    assert issued.numbers == [f"ที่ อบ ๐๐๑๗.๑๕/๒๐{d}" for d in "๑๒๓"]
    assert issued.path.is_file() and issued.path.parent == issue_module.letters_dir(office.db)

    # the preview shows the very file: its pages drawn as images
    preview = job.preview
    assert preview.isVisible()
    assert preview.page_count() == issued.pages >= 7  # three letters with schedules, and the register
    page1 = preview.page_image(0)
    assert isinstance(page1, QImage) and not page1.isNull()
    assert page1.width() > 700 and ink(page1) > 200
    assert 0 in preview.rendered_pages()

    # recorded in the letter register; the notice counts as delivered by letter and leaves the list
    with office.db.session() as s:
        recorded = letters.issued_letters(s)
        assert [r.number_text for r in recorded] == issued.numbers
        delivery = s.scalars(
            select(ReminderDelivery).where(ReminderDelivery.reminder_id == somsri_notice.id)
        ).one()
        assert delivery.how == "letter"
    qtbot.waitUntil(lambda: view.notices.row_of(somsri_notice.id) == -1, timeout=20_000)
    assert "จัดทำหนังสือ 3 ฉบับแล้ว (ใหม่ 3 พิมพ์ซ้ำ 0)" in view.message.text()


def test_the_batch_says_what_it_will_issue_and_record_and_issues_nothing_when_the_officer_says_no(
    qtbot, office, monkeypatch
):
    view = open_today(qtbot, office.db, office.today)
    said = []

    def no(parent, outline):
        dialog = BatchConfirmDialog(outline, parent)
        qtbot.addWidget(dialog)
        said.append(dialog.question.text())
        return False

    monkeypatch.setattr(BatchConfirmDialog, "ask", classmethod(lambda cls, parent, outline: no(parent, outline)))
    job = finish(qtbot, view.print_letters())
    # three new letters; the notices of สมศรี and กมล, and ไพโรจน์'s notice carried by his demand
    assert said == ["จะออกหนังสือ 3 ฉบับ เลขที่ อบ ๐๐๑๗.๑๕/๒๐๑ ถึง อบ ๐๐๑๗.๑๕/๒๐๓ "
                    "และบันทึกการแจ้ง 3 รายการว่าแจ้งทางหนังสือแล้ว"]
    assert job.declined and job.result is None and job.preview is None and job.error == ""
    assert view.message.text() == "ยังไม่ได้ออกหนังสือ ไม่มีการบันทึกใด ๆ"
    assert view.letters_button.isEnabled()
    assert letter_count(office.db) == 0
    assert not list(issue_module.letters_dir(office.db).glob("*.pdf"))
    with office.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReminderDelivery)) == 0

    # asked again, the officer agrees: the numbers are the ones she was told
    monkeypatch.setattr(BatchConfirmDialog, "ask", classmethod(lambda cls, parent, outline: True))
    issued = finish(qtbot, view.print_letters()).result
    assert issued.numbers == [f"ที่ อบ ๐๐๑๗.๑๕/๒๐{d}" for d in "๑๒๓"]


def test_a_batch_that_changed_after_the_officer_agreed_is_not_issued(qtbot, office):
    from fieldtool.thai import InputError

    def due(s):
        return letters.letters_due(s, office.today)

    agreed = issue_module.outline_letters(office.db, due, office.today)
    with office.db.session() as s:  # meanwhile one of the day's notices is delivered by hand
        notice = next(r for r in reminders.reminders_on(s, office.today) if r.loan_id == office.loans["somsri"])
        reminders.deliver(s, notice.id, "visit", office.today)
    with pytest.raises(InputError) as refused:
        issue_module.issue_letters(office.db, due, "letters-test", office.today, True, expected=agreed)
    assert str(refused.value).startswith("รายการหนังสือของวันนี้เปลี่ยนไปหลังจากที่ยืนยัน จึงยังไม่ออกหนังสือ")
    assert letter_count(office.db) == 0
    assert not list(issue_module.letters_dir(office.db).glob("*.pdf"))


def test_printing_the_day_again_asks_nothing_since_nothing_new_is_issued(qtbot, office, officer_says_yes):
    view = open_today(qtbot, office.db, office.today)
    finish(qtbot, view.print_letters())
    assert [(o.new, o.reprints) for o in officer_says_yes] == [(3, 0)]
    again = finish(qtbot, view.print_letters()).result
    assert (again.new, again.reprints) == (0, 3)
    assert len(officer_says_yes) == 1


def test_the_batch_question_names_one_letter_and_the_reprints(qtbot):
    from fieldtool.letter_issue import BatchOutline

    dialog = BatchConfirmDialog(BatchOutline(1, "อบ ๐๐๑๗.๑๕/๒๔๐", "อบ ๐๐๑๗.๑๕/๒๔๐", 2, 0))
    qtbot.addWidget(dialog)
    assert dialog.question.text() == "จะออกหนังสือ 1 ฉบับ เลขที่ อบ ๐๐๑๗.๑๕/๒๔๐"
    assert dialog.reprints.isVisibleTo(dialog)
    assert dialog.reprints.text() == "หนังสือที่ออกแล้ววันนี้ 2 ฉบับ จะพิมพ์ซ้ำด้วยเลขที่และวันที่เดิม"
    assert dialog.save_button.text() == "ออกหนังสือ"


def test_progress_reaches_the_total(qtbot, office):
    view = open_today(qtbot, office.db, office.today)
    job = finish(qtbot, view.print_letters())
    assert job.progress_reports, "the batch reported its progress"
    assert job.progress_reports[-1] == (3, 3)
    assert [done for done, _ in job.progress_reports] == [1, 2, 3]
    assert job.dialog.maximum() == 3 and job.dialog.value() == 3
    assert not job.dialog.isVisible()


def test_printing_the_same_day_again_reprints_with_the_same_numbers(qtbot, office):
    view = open_today(qtbot, office.db, office.today)
    first = finish(qtbot, view.print_letters()).result
    again = finish(qtbot, view.print_letters()).result
    assert again.numbers == first.numbers
    assert (again.new, again.reprints) == (0, 3)
    assert again.path != first.path and first.path.is_file()  # an earlier file is never overwritten
    assert letter_count(office.db) == 3


def test_nothing_due_is_one_sentence_and_no_file(qtbot, db):
    from .conftest import TODAY

    with db.session() as s:
        letterhead.demo_office_settings(s)
    view = open_today(qtbot, db, TODAY)
    job = finish(qtbot, view.print_letters())
    assert job.result is None and job.preview is None
    assert view.message.text() == "ไม่มีหนังสือที่ต้องออกในวันที่ 22 พ.ย. 2569"
    assert not list(issue_module.letters_dir(db).glob("*.pdf"))
    assert view.letters_button.isEnabled()


def test_missing_office_settings_are_named(qtbot, book):
    view = open_today(qtbot, book.db, book.today)
    job = finish(qtbot, view.print_letters())
    assert job.error.startswith("ยังไม่ได้ตั้งค่าสำนักงานสำหรับออกหนังสือ: ชื่อส่วนราชการ, ที่อยู่")
    assert job.error.endswith("ตั้งค่าได้ที่เมนู แฟ้ม › ตั้งค่าหนังสือราชการ")
    assert view.message.text() == job.error
    assert letter_count(book.db) == 0


def test_an_unwritable_folder_is_one_sentence_and_nothing_is_recorded(qtbot, office, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(issue_module, "letters_dir", lambda db: blocker / "letters")
    view = open_today(qtbot, office.db, office.today)
    job = finish(qtbot, view.print_letters())
    assert job.error.startswith(f"สร้างโฟลเดอร์เก็บหนังสือไม่ได้: {blocker / 'letters'}")
    assert letter_count(office.db) == 0
    with office.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReminderDelivery)) == 0


def test_cancel_during_the_batch_writes_nothing(qtbot, office):
    view = open_today(qtbot, office.db, office.today)
    job = view.print_letters()
    job._cancel.set()  # what the progress dialog's Cancel button does
    finish(qtbot, job)
    assert job.error == "ยกเลิกการจัดทำหนังสือแล้ว ไม่มีการบันทึกและไม่มีไฟล์"
    assert letter_count(office.db) == 0
    assert not list(issue_module.letters_dir(office.db).glob("*.pdf"))


# --- one letter from the loan page ---------------------------------------------------------------------


def open_loan(qtbot, book, name):
    page = LoanPage(book.db, book.loans[name], book.today)
    qtbot.addWidget(page)
    page.show()
    return page


def test_a_meeting_invitation_from_the_loan_page(qtbot, office, monkeypatch):
    page = open_loan(qtbot, office, "pairoj")
    seen = {}

    def answer(parent, db, loan_id, day, kind="notice-7", about=""):
        dlg = LetterDialog(db, loan_id, day, kind, about, parent=parent)
        seen["default"] = kind
        assert not dlg.meeting_place.isVisibleTo(dlg)  # only a meeting needs a place
        dlg.kind.setCurrentIndex(dlg.kind.findData("meeting"))
        assert dlg.meeting_place.isVisibleTo(dlg)
        dlg.meeting_date.setText("5/12/2569")
        dlg.meeting_time.setText("13.30")
        dlg.meeting_place.setText("ศาลาประชาคมบ้านหนองบัว")
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
        return dlg.choice

    monkeypatch.setattr(LetterDialog, "ask", answer)
    job = finish(qtbot, page.issue_letter())
    assert seen["default"] == "demand-1"  # overdue: the dialog starts on the next demand letter
    assert job.result.count == 1 and job.result.new == 1
    assert not job.preview.page_image(0).isNull()
    assert page.tabs.tabText(page.LETTERS_TAB) == "หนังสือที่ออก (1)"
    row = [page.letters.index(0, c).data() for c in range(page.letters.columnCount())]
    assert row[0] == "ที่ อบ ๐๐๑๗.๑๕/๒๐๑"
    assert row[1] == "เชิญประชุมติดตามการชำระหนี้"
    assert row[2] == "22 พ.ย. 2569"
    assert row[3] == "นายไพโรจน์ บุญมา"
    with office.db.session() as s:
        (rec,) = letters.issued_letters(s, office.loans["pairoj"])
        assert (
            "๕ ธันวาคม ๒๕๖๙ เวลา ๑๓.๓๐ น."
            in letter_issue.prepare(s, [issue_module.reprint_request(s, rec.id)])[0].content.body[1]
        )


def test_reprint_from_the_letters_tab_keeps_the_number(qtbot, office, monkeypatch):
    page = open_loan(qtbot, office, "somsri")
    monkeypatch.setattr(
        LetterDialog,
        "ask",
        lambda parent, db, loan_id, day, kind="notice-7", about="": _choose(qtbot, db, loan_id, day),
    )
    finish(qtbot, page.issue_letter())
    assert letter_count(office.db) == 1
    page.letter_view.selectionModel().select(
        page.letters.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    job = finish(qtbot, page.reprint_selected())
    assert job.result.numbers == ["ที่ อบ ๐๐๑๗.๑๕/๒๐๑"] and job.result.reprints == 1
    assert letter_count(office.db) == 1
    assert page.message.text() == "พิมพ์ซ้ำแล้ว: ที่ อบ ๐๐๑๗.๑๕/๒๐๑ (เลขที่และวันที่เดิม)"


def _choose(qtbot, db, loan_id, day):
    dlg = LetterDialog(db, loan_id, day, "notice-7")
    qtbot.addWidget(dlg)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    return dlg.choice


def test_a_notice_for_an_overdue_loan_is_refused_in_the_dialog(qtbot, office):
    dlg = LetterDialog(office.db, office.loans["pairoj"], office.today, "notice-7")
    qtbot.addWidget(dlg)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.choice is None
    assert dlg.error.text() == (
        "สัญญานี้ค้างชำระงวดที่ 1 ซึ่งครบกำหนดวันที่ 12 พ.ย. 2569 จึงออกหนังสือแจ้งกำหนดชำระไม่ได้ ให้ออกหนังสือทวงถามแทน"
    )
    assert letter_count(office.db) == 0


def test_each_kind_goes_its_default_way_until_the_officer_chooses(qtbot, office):
    dlg = LetterDialog(office.db, office.loans["pairoj"], office.today, "demand-1")
    qtbot.addWidget(dlg)
    assert dlg.delivery.currentText() == "ส่งด้วยมือ"
    dlg.kind.setCurrentIndex(dlg.kind.findData("demand-final"))
    assert dlg.delivery.currentData() == "registered"
    dlg.delivery.setCurrentIndex(dlg.delivery.findData("post"))
    dlg.delivery.activated.emit(dlg.delivery.currentIndex())  # what choosing from the list does
    dlg.kind.setCurrentIndex(dlg.kind.findData("demand-1"))
    assert dlg.delivery.currentData() == "post"
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.choice.delivery == "post"


def test_the_batch_page_warns_when_the_number_block_is_nearly_used(qtbot, office):
    with office.db.session() as s:
        letterhead.set_office_setting(s, "letter_block", "201-210")
    view = open_today(qtbot, office.db, office.today)
    job = finish(qtbot, view.print_letters())
    assert job.result.warning.startswith("เลขที่หนังสือช่วง 201-210 ของเครื่องนี้เหลืออีก 7 เลข")
    assert job.result.warning in view.message.text() and "#7a4f01" in view.message.styleSheet()
    with office.db.session() as s:
        letterhead.set_office_setting(s, "letter_block", "211-212")
    job = finish(qtbot, view.print_letters())  # the same day again: reprints only, nothing to warn of
    assert job.result.warning == ""


def test_a_demand_for_a_loan_with_nothing_overdue_is_refused_in_the_dialog(qtbot, office):
    dlg = LetterDialog(office.db, office.loans["somsri"], office.today, "demand-1")
    qtbot.addWidget(dlg)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.choice is None
    assert dlg.error.text() == "สัญญานี้ไม่มีหนี้ค้างชำระ จึงไม่มีหนังสือทวงถาม"
    dlg.kind.setCurrentIndex(dlg.kind.findData("meeting"))
    dlg.meeting_time.setText("บ่ายโมง")
    dlg.meeting_place.setText("ศาลา")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.error.text() == 'เวลาไม่ถูกต้อง: "บ่ายโมง" เช่น 13:30'


# --- print and save ------------------------------------------------------------------------------------


def test_print_draws_every_page_and_save_copies_the_file(qtbot, office, tmp_path, monkeypatch):
    view = open_today(qtbot, office.db, office.today)
    job = finish(qtbot, view.print_letters())
    preview = job.preview
    printed = tmp_path / "printed.pdf"

    def to_file(parent, printer):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setResolution(100)
        return True

    monkeypatch.setattr(PdfPreview, "ask_printer", to_file)
    assert preview.print_document()
    doc = QPdfDocument()
    doc.load(str(printed))
    assert doc.pageCount() == preview.page_count()
    assert preview.message.text() == f"ส่งไปพิมพ์แล้ว {preview.page_count()} หน้า"

    copy = tmp_path / "สำเนา" / "หนังสือ.pdf"
    copy.parent.mkdir()
    monkeypatch.setattr(PdfPreview, "ask_save_path", lambda parent, suggested: str(copy))
    assert preview.save_copy() == str(copy)
    assert copy.read_bytes() == job.result.path.read_bytes()

    monkeypatch.setattr(PdfPreview, "ask_save_path", lambda parent, suggested: str(tmp_path / "no" / "x.pdf"))
    assert preview.save_copy() == ""
    assert preview.message.text().startswith(f"บันทึกไฟล์ไม่ได้: {tmp_path / 'no' / 'x.pdf'}")


def test_zoom_renders_the_pages_again(qtbot, office):
    view = open_today(qtbot, office.db, office.today)
    preview = finish(qtbot, view.print_letters()).preview
    width = preview._labels[0].width()
    qtbot.mouseClick(preview.zoom_in, Qt.MouseButton.LeftButton)
    assert preview._labels[0].width() > width
    assert preview.zoom_label.text() == "125%"
    assert 0 in preview.rendered_pages()


def _long_batch(tmp_path) -> Path:
    from exports.letters_pdf import render_letters
    from tests.test_letters_pdf import make_letter

    out = tmp_path / "batch.pdf"
    assert render_letters([make_letter(i) for i in range(15)], out) == 30
    return out


def test_the_preview_shows_the_pages_in_view_as_it_opens_and_when_scrolled(qtbot, tmp_path):
    preview = PdfPreview(_long_batch(tmp_path), "หนังสือ")
    qtbot.addWidget(preview)
    preview.resize(1366, 768)
    preview.show()
    # at once, with no event handled in between: the page in view is drawn, the far ones are not
    assert list(preview.visible_pages()) == [0]
    assert ink(preview._labels[0].pixmap().toImage()) > 200
    assert 20 not in preview.rendered_pages()
    # scrolled to the middle of page 12, it is drawn at once (the timer used to wait the scroll offset in ms)
    bar = preview.scroll.verticalScrollBar()
    bar.setValue(preview._tops[12] + 300)
    assert 12 in preview.visible_pages() and 12 in preview.rendered_pages()
    assert ink(preview._labels[12].pixmap().toImage()) > 200
    # the pages around it follow while the window is idle; the first pages have given back their images
    qtbot.waitUntil(lambda: {10, 11, 13, 14} <= preview.rendered_pages(), timeout=10_000)
    assert 0 not in preview.rendered_pages() and preview._labels[0].pixmap().isNull()
    assert len(preview.rendered_pages()) <= 2 * 8 + 2


def test_a_short_batch_shows_its_first_pages_at_once_in_a_large_window(qtbot, office):
    view = open_today(qtbot, office.db, office.today)
    preview = finish(qtbot, view.print_letters()).preview
    assert set(preview.visible_pages()) <= preview.rendered_pages()
    assert 0 in preview.rendered_pages()


# --- office settings and templates ---------------------------------------------------------------------


def test_office_settings_are_saved(qtbot, book, tmp_path, monkeypatch):
    emblem = tmp_path / "garuda.png"
    QImage(60, 60, QImage.Format.Format_RGB32).save(str(emblem))
    monkeypatch.setattr(OfficeSettingsDialog, "choose_image", classmethod(lambda cls, parent: str(emblem)))
    dlg = OfficeSettingsDialog(book.db)
    qtbot.addWidget(dlg)
    values = {
        "office_name": "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร",
        "office_address": "ที่ว่าการอำเภอพิบูลมังสาหาร\nอุบลราชธานี ๓๔๑๑๐",
        "letter_prefix": "อบ ๐๐๑๗.๑๕",
        "letter_block": "401-600",
        "signer_name": "นายประสิทธิ์ วงศ์สวัสดิ์",
        "signer_position": "พัฒนาการอำเภอพิบูลมังสาหาร",
        "section": "กลุ่มงานส่งเสริมการพัฒนาชุมชน",
        "section_phone": "0 4544 1234",
        "pay_place": "ที่ทำการกองทุน\nในวันและเวลาราชการ",
        "contact": "นางสาวพัชรินทร์ ศรีสุข",
    }
    for key, value in values.items():
        dlg.set_value(key, value.replace("\n", "|") if key != "pay_place" else value)
    dlg.fields["thai_digits"].setChecked(False)
    assert not dlg.fields["garuda_space"].isChecked()  # plain paper until the office says otherwise
    assert dlg.fields["garuda_space"].text() == "กระดาษมีตราครุฑพิมพ์ไว้แล้ว: เว้นที่ ๓ ซม. ไว้ ไม่พิมพ์ตรา"
    dlg.fields["garuda_space"].setChecked(True)
    qtbot.mouseClick(dlg.choose_button, Qt.MouseButton.LeftButton)
    assert dlg.fields["emblem_path"].text() == str(emblem)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == dlg.DialogCode.Accepted
    with book.db.session() as s:
        saved = letterhead.office_settings(s)
    assert saved["office_address"] == "ที่ว่าการอำเภอพิบูลมังสาหาร|อุบลราชธานี ๓๔๑๑๐"
    assert saved["pay_place"] == "ที่ทำการกองทุน ในวันและเวลาราชการ"
    assert saved["letter_block"] == "401-600"
    assert saved["emblem_path"] == str(emblem)
    assert saved["thai_digits"] == "0" and saved["garuda_space"] == "1"
    again = OfficeSettingsDialog(book.db)
    qtbot.addWidget(again)
    assert again.fields["office_address"].toPlainText() == values["office_address"]
    assert not again.fields["thai_digits"].isChecked()
    assert again.fields["garuda_space"].isChecked() and again.office_form.changed() == {}


def test_a_bad_letter_block_changes_nothing(qtbot, office):
    dlg = OfficeSettingsDialog(office.db)
    qtbot.addWidget(dlg)
    dlg.fields["office_name"].setText("สำนักงานใหม่")
    dlg.fields["letter_block"].setText("สองร้อย")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.error.text() == "ช่วงเลขที่หนังสือต้องเขียนแบบ 201-400: สองร้อย"
    with office.db.session() as s:
        assert letterhead.office_settings(s)["office_name"] == "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร"


def test_a_template_with_an_unknown_placeholder_is_refused_and_nothing_changes(qtbot, book):
    with book.db.session() as s:
        before = {k: letterhead.get_template(s, k) for k in ("notice", "demand-1")}
    dlg = TemplateDialog(book.db)
    qtbot.addWidget(dlg)
    dlg.kind.setCurrentIndex(dlg.kind.findData("demand-1"))
    dlg.subject.setText("ทวงถามหนี้ {borrower}")
    dlg.kind.setCurrentIndex(dlg.kind.findData("notice"))
    dlg.body.setPlainText(dlg.body.toPlainText() + "\n\nโปรดโทร {officer_phone}")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.result() != dlg.DialogCode.Accepted
    assert dlg.error.isVisibleTo(dlg)
    assert dlg.error.text() == "แม่แบบมีตัวแทนที่ไม่รู้จัก: officer_phone"
    assert dlg.current_key() == "notice"  # the refused one is on screen
    with book.db.session() as s:  # neither kind changed: all or nothing
        assert {k: letterhead.get_template(s, k) for k in ("notice", "demand-1")} == before


def test_template_edit_is_saved_and_reset_restores_the_default(qtbot, book):
    dlg = TemplateDialog(book.db)
    qtbot.addWidget(dlg)
    dlg.kind.setCurrentIndex(dlg.kind.findData("demand-final"))
    assert dlg.state.text() == "ใช้แม่แบบเริ่มต้น"
    dlg.body.setFocus()
    dlg.body.moveCursor(dlg.body.textCursor().MoveOperation.End)
    dlg.body.insertPlainText("\n\nหากชำระแล้วโปรดแจ้ง ")
    item = next(
        dlg.placeholders.item(i)
        for i in range(dlg.placeholders.count())
        if dlg.placeholders.item(i).data(Qt.ItemDataRole.UserRole) == "contact"
    )
    dlg._insert_placeholder(item)
    assert dlg.body.toPlainText().endswith("หากชำระแล้วโปรดแจ้ง {contact}")
    assert dlg.state.text() == "ต่างจากแม่แบบเริ่มต้น"
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == dlg.DialogCode.Accepted
    with book.db.session() as s:
        assert letterhead.get_template(s, "demand-final")["body"][-1] == "หากชำระแล้วโปรดแจ้ง {contact}"

    dlg = TemplateDialog(book.db)
    qtbot.addWidget(dlg)
    dlg.kind.setCurrentIndex(dlg.kind.findData("demand-final"))
    qtbot.mouseClick(dlg.reset_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    with book.db.session() as s:
        assert letterhead.get_template(s, "demand-final") == letterhead.default_templates()["demand-final"]


def test_issued_letters_model_passes_the_model_tester(qtbot, qtmodeltester, office, monkeypatch):
    page = open_loan(qtbot, office, "somsri")
    monkeypatch.setattr(
        LetterDialog,
        "ask",
        lambda parent, db, loan_id, day, kind="notice-7", about="": _choose(qtbot, db, loan_id, day),
    )
    finish(qtbot, page.issue_letter())
    qtmodeltester.check(page.letters)


def test_reminders_untouched_when_the_batch_fails(qtbot, office):
    """A failure while rendering (here: the emblem file vanished) records nothing, not even deliveries."""
    with office.db.session() as s:
        letterhead.set_office_setting(s, "emblem_path", __file__)  # a file, but not an image
    view = open_today(qtbot, office.db, office.today)
    job = finish(qtbot, view.print_letters())
    assert job.error.startswith("อ่านไฟล์ภาพตราครุฑไม่ได้")
    with office.db.session() as s:
        assert reminders.reminders_on(s, office.today)  # still open
        assert s.scalar(select(func.count()).select_from(ReminderDelivery)) == 0
    assert letter_count(office.db) == 0
    assert not [p for p in Path(issue_module.letters_dir(office.db)).glob("*") if p.suffix == ".pdf"]
