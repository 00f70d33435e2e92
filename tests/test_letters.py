"""Letters: which are due, their numbers (offline, per officer block), their wording and figures."""

import json
from datetime import date

import pytest

from fieldtool import funds, lending, letter_issue, letterhead, letters, reminders
from fieldtool.thai import InputError
from tests.conftest import issue_now


def test_a_notice_letter_says_what_is_due_in_thai_digits_and_words(office):
    loan = office.loan(principal_baht=10_000, instalments=3)
    (p,) = issue_now(office, lambda s: letters.letters_due(s, date(2026, 1, 1)))
    c = p.content
    assert p.request.kind == "notice-30"
    assert c.number == "ที่ อบ ๐๐๑๗.๑๕/๒๐๑"
    assert c.date_text == "๑ มกราคม ๒๕๖๙"
    assert c.subject == "แจ้งกำหนดชำระคืนเงินกู้ยืมกข.คจ."
    assert c.salutation == "นางสมศรี ใจดี ประธานกลุ่มทอผ้าไหมบ้านหนองบัว"
    text = " ".join(c.body)
    assert "งวดที่ ๑ จะครบกำหนดชำระในวันที่ ๓๑ มกราคม ๒๕๖๙" in text
    assert "๓,๓๓๓.๓๓ บาท (สามพันสามร้อยสามสิบสามบาทสามสิบสามสตางค์)" in text
    assert "๑๐,๐๐๐.๐๐ บาท (หนึ่งหมื่นบาทถ้วน)" in text
    assert [line.amount for line in c.schedule] == ["๓,๓๓๓.๓๓", "๓,๓๓๓.๓๓", "๓,๓๓๓.๓๔"]
    assert c.schedule_totals.amount == "๑๐,๐๐๐.๐๐"
    # issuing the notice letter records the notice as delivered by letter
    with office.db.session() as s:
        assert reminders.reminders_on(s, date(2026, 1, 1), [loan]) == []
        (delivery,) = reminders.deliveries_of(s, loan)
        assert delivery.how == "letter"


def test_printing_the_same_letter_again_reuses_its_number_and_date(office):
    loan = office.loan()
    (first,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "notice-30", date(2026, 1, 2))])
    (again,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "notice-30", date(2026, 1, 10))])
    assert again.request.record is not None
    assert (again.content.number, again.content.date_text) == (first.content.number, first.content.date_text)
    # and the day's batch printed twice is the same batch
    batch1 = issue_now(office, lambda s: letters.letters_due(s, date(2026, 1, 16)))
    batch2 = issue_now(office, lambda s: letters.letters_due(s, date(2026, 1, 16)))
    assert [p.content.number for p in batch1] == [p.content.number for p in batch2] == ["ที่ อบ ๐๐๑๗.๑๕/๒๐๒"]


def test_two_officers_number_letters_offline_without_collisions(tmp_path):
    from db import open_database
    from fieldtool import registry

    numbers = []
    for name, block in (("a.sqlite", "201-400"), ("b.sqlite", "401-600")):
        db = open_database(tmp_path / name)
        with db.session() as s:
            letterhead.demo_office_settings(s)
            letterhead.set_office_setting(s, "letter_block", block)
            sub = registry.setup_subdistrict(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
            v = registry.add_village(s, sub.id, 1, "บ้านโนนสูง")
            fund = funds.add_fund(s, "กข.คจ.", "kkkj")
            for k in range(3):
                head = registry.add_person(s, f"ผู้กู้{k}", "ทดสอบ", "นาย", village_id=v.id)
                hh = registry.add_household(s, v.id, head.id)
                loan = lending.add_loan(s, fund_id=fund.id, household_id=hh.id, principal_satang=500_000,
                                         instalments=2, first_due=date(2026, 1, 31), applied_on=date(2025, 11, 1))
                lending.disburse(s, loan.id, date(2025, 12, 1), "ทดสอบ")
            prepared = letter_issue.prepare(s, letters.letters_due(s, date(2026, 1, 2)))
            letter_issue.record_issued(s, prepared, "x", "x.pdf")
            numbers += [(p.year_be, p.running) for p in prepared]
        db.dispose()
    assert len(numbers) == 6 and len(set(numbers)) == 6
    assert sorted(r for _, r in numbers) == [201, 202, 203, 401, 402, 403]


def test_a_used_up_block_is_refused_with_a_clear_sentence(office):
    office.loan()
    office.loan(household=True)
    with office.db.session() as s:
        letterhead.set_office_setting(s, "letter_block", "7-7")
    with pytest.raises(InputError, match="only 1 number is left"), office.db.session() as s:
        letter_issue.prepare(s, letters.letters_due(s, date(2026, 1, 2)))


def test_demand_letters_come_in_order_first_second_final(office):
    loan = office.loan(instalments=1)  # due 31 Jan 2026, never paid

    def due_kinds(day):
        with office.db.session() as s:
            return [r.kind for r in letters.letters_due(s, day) if r.loan_id == loan and r.kind.startswith("demand")]

    assert due_kinds(date(2026, 1, 31)) == []
    assert due_kinds(date(2026, 2, 1)) == ["demand-1"]
    # a loan found 70 days late still gets the first letter first
    assert due_kinds(date(2026, 4, 11)) == ["demand-1"]
    issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-1", date(2026, 2, 1))])
    assert due_kinds(date(2026, 2, 20)) == []  # not yet 30 days overdue
    assert due_kinds(date(2026, 3, 3)) == ["demand-2"]
    (second,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-2", date(2026, 3, 3))])
    assert "ครั้งที่ ๒" in second.content.subject
    assert "ที่ อบ ๐๐๑๗.๑๕/๒๐๑ ลงวันที่ ๑ กุมภาพันธ์ ๒๕๖๙" in " ".join(second.content.body)
    assert due_kinds(date(2026, 3, 31)) == []  # 59 days overdue
    assert due_kinds(date(2026, 4, 1)) == ["demand-final"]
    (final,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "demand-final", date(2026, 4, 1))])
    text = " ".join(final.content.body)
    assert "ครั้งสุดท้าย" in final.content.subject
    assert "รวมเป็นเงินค้างชำระทั้งสิ้น ๑๐,๐๐๐.๐๐ บาท (หนึ่งหมื่นบาทถ้วน) เกินกำหนดมาแล้ว ๖๐ วัน" in text
    assert due_kinds(date(2026, 6, 1)) == []  # all three sent for this debt


def test_the_office_edits_the_wording_but_unknown_placeholders_are_refused(office):
    loan = office.loan()
    with office.db.session() as s:
        with pytest.raises(InputError, match="borrower_nickname"):
            letterhead.set_template(s, "notice-7", {"subject": "แจ้ง", "body": ["เรียน {borrower_nickname}"]})
        with pytest.raises(InputError):
            letterhead.set_template(s, "notice-7", {"subject": "แจ้ง {fund", "body": []})
        with pytest.raises(InputError):
            letterhead.set_template(s, "notice-7", ["not", "a", "template"])
        letterhead.set_template(s, "notice", {"subject": "แจ้งกำหนดชำระ{fund}",
                                           "body": ["งวดที่ {instalment_no} ครบกำหนด {due_date} ยอด {amount_due} บาท"]})
    (p,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "notice-30", date(2026, 1, 2))])
    assert p.content.body == ["งวดที่ ๑ ครบกำหนด ๓๑ มกราคม ๒๕๖๙ ยอด ๓,๓๓๓.๓๓ บาท"]
    with office.db.session() as s:
        letterhead.reset_template(s, "notice")
        assert letterhead.get_template(s, "notice") == letterhead.default_templates()["notice"]


def test_every_default_template_is_valid():
    for template in letterhead.default_templates().values():
        letterhead.check_template(template)


def test_a_meeting_invitation_needs_its_date_and_place(office):
    loan = office.loan()
    with office.db.session() as s, pytest.raises(InputError, match="date and place"):
        letters.letter_request(s, loan, "meeting", date(2026, 2, 5))
    (p,) = issue_now(office, lambda s: [letters.letter_request(
        s, loan, "meeting", date(2026, 2, 5), "๑๕ กุมภาพันธ์ ๒๕๖๙ เวลา ๐๙.๓๐ น.", "ศาลาประชาคมบ้านหนองบัว")])
    text = " ".join(p.content.body)
    assert "ในวันที่ ๑๕ กุมภาพันธ์ ๒๕๖๙ เวลา ๐๙.๓๐ น. ณ ศาลาประชาคมบ้านหนองบัว" in text
    assert "มีเงินค้างชำระ ๓,๓๓๓.๓๓ บาท" in text


def test_letters_need_the_office_settings(book):
    book.loan()
    with pytest.raises(InputError, match="office settings"), book.db.session() as s:
        letter_issue.prepare(s, letters.letters_due(s, date(2026, 1, 2)))


def test_nothing_to_remind_of_is_said_plainly(office):
    pending = office.loan(disbursed=None)
    paid = office.loan()
    office.pay(paid, "10000", date(2026, 1, 5))
    with office.db.session() as s:
        with pytest.raises(InputError, match="not been disbursed"):
            letters.letter_request(s, pending, "notice-30", date(2026, 1, 2))
        with pytest.raises(InputError, match="nothing is due"):
            letters.letter_request(s, paid, "notice-7", date(2026, 1, 6))
        with pytest.raises(InputError, match="nothing is overdue"):
            letters.letter_request(s, paid, "demand-1", date(2026, 2, 6))


def test_household_letters_are_addressed_to_the_head_in_arabic_digits_when_asked(office):
    with office.db.session() as s:
        letterhead.set_office_setting(s, "thai_digits", "0")
    loan = office.loan(household=True)
    (p,) = issue_now(office, lambda s: [letters.letter_request(s, loan, "notice-30", date(2026, 1, 2))])
    assert p.content.salutation == "นายบุญมี ศรีสุข"
    assert p.content.number == "ที่ อบ ๐๐๑๗.๑๕/201"  # the prefix is printed as the office writes it
    assert p.content.date_text == "2 มกราคม 2569"
    with office.db.session() as s:
        (rec,) = letters.issued_letters(s, loan)
        assert (rec.kind, rec.recipient, rec.issued_on, rec.running) == ("notice-30", "นายบุญมี ศรีสุข", date(2026, 1, 2), 201)
        assert json.loads(rec.details or "{}") == {}
