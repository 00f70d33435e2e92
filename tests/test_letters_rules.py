"""What a letter may say on its day, letters frozen when issued, reprints and corrections, the number block,
the register of letters sent and the address labels."""

from __future__ import annotations

import json
import subprocess
from datetime import date

import pytest
from sqlalchemy import text

from exports.letters import issue
from fieldtool import letter_dispatch, letter_issue, letter_numbers, letterhead, letters, reminders
from fieldtool.thai import InputError
from tests.conftest import issue_now


def body(p) -> str:
    return " ".join(p.content.body)


def refusal(book, fn) -> str:
    with pytest.raises(InputError) as caught, book.db.session() as s:
        fn(s)
    return str(caught.value)


def pdf_text(path, first=None, last=None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", *pages, "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


# --- notices ------------------------------------------------------------------------------------------


def test_a_notice_on_the_due_day_says_the_instalment_is_due_today(office):
    office.loan()  # instalment 1 due 31 Jan 2026
    (p,) = issue_now(office, lambda s: letters.letters_due(s, date(2026, 1, 31)))
    assert p.request.kind == "notice-7"
    assert "เงินงวดที่ ๑ ครบกำหนดชำระในวันนี้ (วันที่ ๓๑ มกราคม ๒๕๖๙)" in body(p)
    assert "จะครบกำหนด" not in body(p)
    assert p.content.schedule[0].status == "ครบกำหนดวันนี้"


def test_a_notice_before_the_due_day_says_when_it_will_be_due(office):
    loan = office.loan()
    (p,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "notice-15", date(2026, 1, 16))])
    assert "เงินงวดที่ ๑ จะครบกำหนดชำระในวันที่ ๓๑ มกราคม ๒๕๖๙" in body(p)


def test_an_overdue_loan_asked_for_a_notice_is_refused(office):
    loan = office.loan()
    said = refusal(office, lambda s: letters.letter_request(s, loan, "notice-7", date(2026, 2, 3)))
    assert said.startswith("สัญญานี้ค้างชำระงวดที่ 1 ซึ่งครบกำหนดวันที่ 31 ม.ค. 2569")
    assert "so it gets a demand letter, not a notice" in said
    with office.db.session() as s:
        assert letters.issued_letters(s) == []


def test_overdue_borrowers_with_a_notice_open_get_one_demand_that_names_the_coming_instalment(office):
    loans = [office.loan(), office.loan(household=True), office.loan(principal_baht=6_000)]
    on = date(2026, 2, 3)  # instalment 1 unpaid since 31 Jan; instalment 2 (28 Feb) is in its 30-day notice
    with office.db.session() as s:
        assert {r.loan_id for r in reminders.reminders_on(s, on) if r.kind == "notice-30"} == set(loans)
    prepared = issue_now(office, lambda s: letters.letters_due(s, on))
    assert sorted(p.request.loan_id for p in prepared) == sorted(loans)  # one letter each
    assert {p.request.kind for p in prepared} == {"demand-1"}
    for p in prepared:
        assert "ท่านยังมิได้ชำระเงินงวดที่ ๑ ซึ่งครบกำหนดชำระตั้งแต่วันที่ ๓๑ มกราคม ๒๕๖๙" in body(p)
        assert "อนึ่ง เงินงวดที่ ๒ จะครบกำหนดชำระในวันที่ ๒๘ กุมภาพันธ์ ๒๕๖๙ เป็นเงิน" in body(p)
        assert p.content.body[-1] == "จึงเรียนมาเพื่อโปรดดำเนินการ"
    with office.db.session() as s:
        # the notices went with the demands: delivered by letter, off the work list
        assert [r for r in reminders.reminders_on(s, on) if r.kind == "notice-30"] == []
        assert {d.how for loan in loans for d in reminders.deliveries_of(s, loan)} == {"letter"}


def test_an_office_template_without_a_place_for_the_coming_instalment_still_names_it(office):
    loan = office.loan()
    with office.db.session() as s:
        letterhead.set_template(s, "demand-1", {"subject": "ทวงถาม", "body": ["ค้างชำระ {arrears} บาท", "จึงเรียนมา"]})
    (p,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-1", date(2026, 2, 3))])
    assert p.content.body[0] == "ค้างชำระ ๓,๓๓๓.๓๓ บาท"
    assert p.content.body[1].startswith("อนึ่ง เงินงวดที่ ๒ จะครบกำหนดชำระในวันที่ ๒๘ กุมภาพันธ์ ๒๕๖๙")
    assert p.content.body[2] == "จึงเรียนมา"


# --- one letter a day ---------------------------------------------------------------------------------


def test_a_borrower_gets_one_letter_a_day(office):
    loan = office.loan()
    (notice,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "notice-30", date(2026, 1, 2))])
    said = refusal(office, lambda s: letters.letter_request(
        s, loan, "meeting", date(2026, 1, 2), "๕ มกราคม ๒๕๖๙ เวลา ๑๓.๓๐ น.", "ศาลาประชาคม"))
    assert said.startswith("วันที่ 2 ม.ค. 2569 ออกหนังสือถึงผู้กู้รายนี้แล้ว (ที่ อบ ๐๐๑๗.๑๕/๒๐๑")
    assert "a borrower gets one letter a day" in said
    # the day's batch printed again is that one letter again, not a second
    with office.db.session() as s:
        (again,) = letters.letters_due(s, date(2026, 1, 2))
        assert again.record is not None and again.record.number_text == notice.content.number


# --- the demand letters in order -----------------------------------------------------------------------


def test_demand_2_is_refused_before_demand_1_exists(office):
    loan = office.loan(instalments=1)  # due 31 Jan 2026, never paid
    said = refusal(office, lambda s: letters.letter_request(s, loan, "demand-2", date(2026, 3, 12)))
    assert said == ("ยังไม่ได้ออกหนังสือทวงถามครั้งที่ ๑สำหรับหนี้ที่ค้างนี้ จึงออกหนังสือทวงถามครั้งที่ ๒ไม่ได้ "
                    "(the second demand needs the first demand first, and none was issued for this debt)")
    said = refusal(office, lambda s: letters.letter_request(s, loan, "demand-final", date(2026, 4, 12)))
    assert "the final demand needs the second demand first" in said


def test_demand_2_is_refused_before_demand_1s_period_has_run(office):
    loan = office.loan(instalments=1)
    issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-1", date(2026, 2, 20))])
    said = refusal(office, lambda s: letters.letter_request(s, loan, "demand-2", date(2026, 3, 3)))
    assert said.startswith("หนังสือทวงถามครั้งที่ ๑ ที่ อบ ๐๐๑๗.๑๕/๒๐๑ ลงวันที่ 20 ก.พ. 2569 ให้เวลาชำระ 15 วัน "
                           "จึงออกหนังสือทวงถามครั้งที่ ๒ได้ตั้งแต่วันที่ 7 มี.ค. 2569")
    with office.db.session() as s:
        assert [r.kind for r in letters.letters_due(s, date(2026, 3, 3))] == []
        assert [r.kind for r in letters.letters_due(s, date(2026, 3, 7))] == ["demand-2"]
    (second,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-2", date(2026, 3, 7))])
    assert "ที่ อบ ๐๐๑๗.๑๕/๒๐๑ ลงวันที่ ๒๐ กุมภาพันธ์ ๒๕๖๙" in body(second)
    assert "ชำระเงินที่ค้างภายใน ๑๕ วัน" in body(second)  # the fund's gap is the period the letter gives


def test_the_final_demand_cites_demand_1_and_2_by_number_and_date(office):
    loan = office.loan(instalments=1)
    issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-1", date(2026, 2, 1))])
    said = refusal(office, lambda s: letters.letter_request(s, loan, "demand-final", date(2026, 4, 1)))
    assert "the final demand needs the second demand first" in said
    issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-2", date(2026, 3, 3))])
    (final,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-final", date(2026, 4, 1))])
    assert ("ได้มีหนังสือ ที่ อบ ๐๐๑๗.๑๕/๒๐๑ ลงวันที่ ๑ กุมภาพันธ์ ๒๕๖๙ และที่ อบ ๐๐๑๗.๑๕/๒๐๒ "
            "ลงวันที่ ๓ มีนาคม ๒๕๖๙ ขอให้ท่านชำระหนี้") in body(final)
    assert "ภายใน ๗ วัน" in body(final)


def test_a_demand_before_the_funds_days_overdue_is_refused(office):
    loan = office.loan(instalments=1)
    issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-1", date(2026, 2, 1))])
    said = refusal(office, lambda s: letters.letter_request(s, loan, "demand-2", date(2026, 2, 20)))
    assert said.endswith("(the loan is 20 days overdue; this fund sends the second demand from 30 days overdue)")


# --- letters are documents --------------------------------------------------------------------------------


def test_a_reprint_is_unchanged_after_a_later_payment_a_template_edit_and_a_new_signer(office, tmp_path):
    loan = office.loan()
    with office.db.session() as s:
        letterhead.set_office_setting(s, "copy_mark", "0")
    with office.db.session() as s:
        first = issue(s, [letters.letter_request(s, loan, "demand-1", date(2026, 2, 10))], tmp_path / "d1.pdf",
                      date(2026, 2, 10), with_dispatch=False)
        frozen = first.records[0].content
    assert json.loads(frozen)["letter"]["signer_name"] == "นายประสิทธิ์ วงศ์สวัสดิ์"
    # afterwards: a payment dated before the letter is entered, the wording and the signer change
    office.pay(loan, "1000", date(2026, 2, 5))
    with office.db.session() as s:
        letterhead.set_template(s, "demand-1", {"subject": "ทวงหนี้", "body": ["ค้าง {arrears} บาท"]})
        letterhead.set_office_setting(s, "signer_name", "นางสาวใหม่ ลงนามแทน")
    with office.db.session() as s:
        (rec,) = letters.issued_letters(s, loan)
        again = issue(s, [letters.reprint_request(letter_numbers.find_letter(s, "๒๐๑"))], tmp_path / "reprint.pdf",
                      rec.issued_on, with_dispatch=False)
        assert rec.content == frozen
    assert pdf_text(tmp_path / "reprint.pdf") == pdf_text(tmp_path / "d1.pdf")
    (p,) = again.prepared
    assert p.frozen and p.content.signer_name == "นายประสิทธิ์ วงศ์สวัสดิ์"
    assert "รวมเป็นเงินค้างชำระทั้งสิ้น ๓,๓๓๓.๓๓ บาท" in body(p)  # not the ๒,๓๓๓.๓๓ of today's book
    assert p.content.subject == "ขอให้ชำระหนี้เงินกู้ยืมกข.คจ.ที่ค้างชำระ"
    # the book itself moved on: a letter made today would say so
    with office.db.session() as s:
        assert letter_numbers.find_letter(s, "201").number_text == "ที่ อบ ๐๐๑๗.๑๕/๒๐๑"


def test_a_reprint_is_marked_as_a_copy_where_the_office_wants(office):
    loan = office.loan()
    (p,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "notice-30", date(2026, 1, 2))])
    assert p.content.copy_mark == ""  # the letter as issued
    with office.db.session() as s:
        (rec,) = letters.issued_letters(s, loan)
        assert json.loads(rec.content)["letter"]["copy_mark"] == ""
        (copy,) = letter_issue.prepare(s, [letters.reprint_request(rec)])
        assert copy.content.copy_mark == "สำเนา"
        letterhead.set_office_setting(s, "copy_mark", "0")
        (plain,) = letter_issue.prepare(s, [letters.reprint_request(rec)])
        assert plain.content.copy_mark == ""
        assert plain.content.body == p.content.body


def test_a_reprint_says_สำเนา_on_each_of_its_pages_and_the_letter_as_issued_does_not(office, tmp_path):
    loan = office.loan()
    on = date(2026, 2, 10)
    with office.db.session() as s:
        issue(s, [letters.letter_request(s, loan, "demand-1", on)], tmp_path / "d1.pdf", on, with_dispatch=False)
    with office.db.session() as s:
        issue(s, [letters.reprint_request(letter_numbers.find_letter(s, "201"))], tmp_path / "copy.pdf", on,
              with_dispatch=False)
    original, copy = pdf_text(tmp_path / "d1.pdf"), pdf_text(tmp_path / "copy.pdf")
    assert "สำเนา" not in original
    pages = copy.split("\f")[:-1]
    assert len(pages) == 2 and all("สำเนา" in page for page in pages), "the letter and its schedule"
    # and otherwise the same page text, line for line
    assert [ln for ln in copy.splitlines() if ln.strip() not in ("", "สำเนา")] == [
        ln for ln in original.splitlines() if ln.strip()]


def test_the_offices_digits_and_its_printed_paper_are_kept_with_the_letter(office):
    loan = office.loan()
    with office.db.session() as s:
        letterhead.set_office_setting(s, "thai_digits", "0")
        letterhead.set_office_setting(s, "garuda_space", "1")
    issue_now(office, lambda s: [letters.letter_request(s, loan, "notice-30", date(2026, 1, 2))])
    with office.db.session() as s:
        letterhead.set_office_setting(s, "thai_digits", "1")
        letterhead.set_office_setting(s, "garuda_space", "0")
        rec = letter_numbers.find_letter(s, "201")
        kept = json.loads(rec.content)["letter"]
        (again,) = letter_issue.prepare(s, [letters.reprint_request(rec)])
    assert (kept["thai_digits"], kept["garuda_space"]) == (False, True)
    assert (again.content.thai_digits, again.content.garuda_space) == (False, True)
    assert again.content.number == "ที่ อบ ๐๐๑๗.๑๕/201"


def test_printed_paper_is_a_yes_or_no_setting_and_no_until_set(office):
    with office.db.session() as s:
        assert letterhead.office_settings(s)["garuda_space"] == "0"
        letterhead.set_office_setting(s, "garuda_space", "")
        assert not letterhead.is_on(letterhead.office_settings(s), "garuda_space")
        assert letterhead.is_on(letterhead.office_settings(s), "copy_mark")  # unlike copy_mark
    said = refusal(office, lambda s: letterhead.set_office_setting(s, "garuda_space", "ใช่"))
    assert "garuda_space must be 1 (yes) or 0 (no)" in said


def test_a_letter_is_found_by_its_number_as_printed_or_its_running_number(office):
    loan = office.loan()
    issue_now(office, lambda s: [letters.letter_request(s, loan, "notice-30", date(2026, 1, 2))])
    with office.db.session() as s:
        for typed in ("ที่ อบ ๐๐๑๗.๑๕/๒๐๑", "อบ 0017.15/201", "๒๐๑", "201"):
            assert letter_numbers.find_letter(s, typed).running == 201
        assert letter_numbers.find_letter(s, "201", 2569).running == 201
    assert "no letter numbered 202" in refusal(office, lambda s: letter_numbers.find_letter(s, "202"))
    assert "not a letter number" in refusal(office, lambda s: letter_numbers.find_letter(s, "สองร้อย"))


def test_a_correction_is_a_new_letter_with_a_new_number_that_cites_the_old_one(office):
    loan = office.loan(instalments=1)
    (old,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-1", date(2026, 2, 10))])
    office.pay(loan, "1000", date(2026, 2, 5))  # entered late: the letter asked for too much
    with office.db.session() as s:
        rec = letter_numbers.find_letter(s, "201")
        (new,) = letter_issue.prepare(s, [letters.correction_request(s, rec, date(2026, 2, 12))])
        letter_issue.record_issued(s, [new], "x", "x.pdf")
    assert new.content.number == "ที่ อบ ๐๐๑๗.๑๕/๒๐๒"
    assert new.content.body[0] == "หนังสือฉบับนี้แก้ไขและใช้แทนหนังสือที่ อบ ๐๐๑๗.๑๕/๒๐๑ ลงวันที่ ๑๐ กุมภาพันธ์ ๒๕๖๙"
    assert "รวมเป็นเงินค้างชำระทั้งสิ้น ๙,๐๐๐.๐๐ บาท" in body(new)
    with office.db.session() as s:
        old_rec, new_rec = letters.issued_letters(s, loan)
        assert new_rec.corrects_id == old_rec.id and old_rec.content  # the old letter stays as it was
        said = refusal(office, lambda s: letters.correction_request(s, letter_numbers.find_letter(s, "201"), date(2026, 2, 13)))
        assert "was already corrected by ที่ อบ ๐๐๑๗.๑๕/๒๐๒" in said
    # the next demand counts its period from the correction and cites it, not the letter it replaced
    (second,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-2", date(2026, 3, 3))])
    assert "ได้มีหนังสือ ที่ อบ ๐๐๑๗.๑๕/๒๐๒ ลงวันที่ ๑๒ กุมภาพันธ์ ๒๕๖๙ ขอให้ท่าน" in body(second)


def test_a_letter_issued_before_letters_were_frozen_is_printed_from_todays_book_and_says_so(office):
    loan = office.loan()
    issue_now(office, lambda s: [letters.letter_request(s, loan, "notice-30", date(2026, 1, 2))])
    with office.db.engine.begin() as conn:  # as migration 0007 leaves a letter issued before it
        conn.execute(text("UPDATE letter_record SET content = '', delivery = ''"))
    with office.db.session() as s:
        (p,) = letter_issue.prepare(s, [letters.reprint_request(letter_numbers.find_letter(s, "201"))])
    assert not p.frozen and p.delivery is None
    assert letter_issue.letter_json(p)["frozen"] is False
    assert p.content.number == "ที่ อบ ๐๐๑๗.๑๕/๒๐๑" and p.content.date_text == "๒ มกราคม ๒๕๖๙"


# --- the number block --------------------------------------------------------------------------------------


def test_a_nearly_used_block_is_warned_about_with_how_to_get_the_next(office):
    with office.db.session() as s:
        letterhead.set_office_setting(s, "letter_block", "201-220")
        block = letter_numbers.number_block(s, date(2026, 1, 2))
    assert (block.left, block.next_block()) == (20, "221-240")
    assert letter_numbers.block_warning(block) is None
    warning = letter_numbers.block_warning(block, need=3)
    assert warning.th.startswith("เลขที่หนังสือช่วง 201-220 ของเครื่องนี้เหลืออีก 17 เลข")
    assert "fieldtool office set letter_block 221-240" in warning.en


def test_a_batch_that_needs_more_numbers_than_are_left_is_refused_before_anything_is_issued(office):
    office.loan()
    office.loan(household=True)
    with office.db.session() as s:
        letterhead.set_office_setting(s, "letter_block", "7-7")
    said = refusal(office, lambda s: letter_issue.prepare(s, letters.letters_due(s, date(2026, 1, 2))))
    assert said.startswith("เลขที่หนังสือช่วง 7-7 ของเครื่องนี้เหลือ 1 เลข ไม่พอสำหรับหนังสือใหม่ 2 ฉบับ จึงยังไม่ออกหนังสือฉบับใด")
    assert "fieldtool office set letter_block 8-8" in said
    with office.db.session() as s:
        assert letters.issued_letters(s) == []


def test_a_batch_says_what_it_will_issue_and_record_before_anything_is(office):
    office.loan()
    office.loan(household=True)
    on = date(2026, 1, 2)  # both loans are in their 30-day notice
    with office.db.session() as s:
        said = letter_issue.outline(s, letters.letters_due(s, on))
        assert letters.issued_letters(s) == []
    assert said == letter_issue.BatchOutline(new=2, first="อบ ๐๐๑๗.๑๕/๒๐๑", last="อบ ๐๐๑๗.๑๕/๒๐๒", reprints=0, notices=2)
    issue_now(office, lambda s: letters.letters_due(s, on))
    with office.db.session() as s:
        assert letter_issue.outline(s, letters.letters_due(s, on)) == letter_issue.BatchOutline(0, "", "", 2, 0)
        letterhead.set_office_setting(s, "letter_block", "201-202")
    office.loan(household=True)
    said = refusal(office, lambda s: letter_issue.outline(s, letters.letters_due(s, on)))
    assert said.startswith("เลขที่หนังสือช่วง 201-202 ของเครื่องนี้หมดแล้ว")


# --- the register and the labels --------------------------------------------------------------------------


def test_the_register_is_the_official_one_with_how_each_letter_goes_and_where(office):
    group_loan = office.loan()
    household_loan = office.loan(household=True)
    with office.db.session() as s:
        letterhead.set_office_setting(s, "thai_digits", "0")
        due = letters.letters_due(s, date(2026, 1, 2), {household_loan: "post"})
        prepared = letter_issue.prepare(s, due)
        register = letter_dispatch.dispatch_register(s, prepared, date(2026, 1, 2))
    assert register.title == "ทะเบียนหนังสือส่ง" and register.period == "วันที่ 2 มกราคม 2569"
    by_loan = {p.request.loan_id: line for p, line in zip(prepared, register.lines, strict=True)}
    chair, head = by_loan[group_loan], by_loan[household_loan]
    assert (head.register_no, head.number, head.date_text, head.sender) == (
        head.register_no, f"อบ ๐๐๑๗.๑๕/{head.register_no}", "2 ม.ค. 69", "สพอ.พิบูลมังสาหาร")
    assert head.recipient == "นายบุญมี ศรีสุข" and head.address == "บ้านเลขที่ 12 หมู่ที่ 3 บ้านหนองบัว"
    assert (head.action, chair.action) == ("ไปรษณีย์ธรรมดา", "ส่งด้วยมือ")
    assert chair.recipient == "นางสมศรี ใจดี ประธานกลุ่มทอผ้าไหมบ้านหนองบัว"
    assert chair.address == "หมู่ที่ 3 บ้านหนองบัว"  # the chair's house number is not known
    assert head.note.startswith("สัญญา -")
    assert register.total_text == "รวม 2 ฉบับ (ส่งด้วยมือ 1 ไปรษณีย์ธรรมดา 1)"


def test_the_final_demand_goes_by_registered_post_with_a_label(office, tmp_path):
    loan = office.loan(instalments=1, household=True)
    for on, kind in ((date(2026, 2, 1), "demand-1"), (date(2026, 3, 3), "demand-2")):
        issue_now(office, lambda s, on=on, kind=kind: [letters.letter_request(s, loan, kind, on)])
    with office.db.session() as s:
        result = issue(s, letters.letters_due(s, date(2026, 4, 1)), tmp_path / "batch.pdf", date(2026, 4, 1))
        (rec,) = [r for r in result.records if r.kind == "demand-final"]
        assert rec.delivery == "registered"
    assert result.labels == 1 and result.labels_path == tmp_path / "batch-labels.pdf"
    label = pdf_text(result.labels_path)
    assert "ลงทะเบียนตอบรับ" in label and "ที่ อบ ๐๐๑๗.๑๕/๒๐๓" in label
    assert "บ้านเลขที่ ๑๒ หมู่ที่ ๓ บ้านหนองบัว" in label and "๓๔๑๑๐" in label
    register = pdf_text(tmp_path / "batch.pdf", first=result.pages, last=result.pages)
    for heading in ("ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "หมายเหตุ"):
        assert heading in register
    assert "ไปรษณีย์" in register and "บ้านเลขที่ ๑๒" in register


def test_letters_by_hand_need_no_labels(office, tmp_path):
    office.loan()
    with office.db.session() as s:
        result = issue(s, letters.letters_due(s, date(2026, 1, 2)), tmp_path / "batch.pdf", date(2026, 1, 2))
    assert result.labels == 0 and result.labels_path is None
    assert not (tmp_path / "batch-labels.pdf").exists()


def test_labels_that_cannot_be_written_leave_no_letters_and_spend_no_number(office, tmp_path):
    loan = office.loan(household=True)
    with pytest.raises(InputError, match="cannot write"), office.db.session() as s:
        issue(s, [letters.letter_request(s, loan, "notice-30", date(2026, 1, 2), delivery="post")],
              tmp_path / "x.pdf", date(2026, 1, 2), labels_path=tmp_path / "no-such-dir" / "labels.pdf")
    assert not list(tmp_path.rglob("*.pdf"))
    with office.db.session() as s:
        assert letters.issued_letters(s) == []
