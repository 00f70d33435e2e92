"""Words the officer reads from the domain: today is Thailand's day, a date inside a Thai sentence is in the
Buddhist Era, the change log names every kind of record and field in both languages and its values in the
language shown, an ask step reads as the today page words it, and a phone number reads as every page shows it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from fieldtool import change_words, history, lending, reminders, visits
from fieldtool.models import Person
from fieldtool.thai import InputError, today_in_thailand
from fieldtool.vocabulary import AskStep

THAI = re.compile("[\u0e00-\u0e7f]")


def test_today_is_thailands_date_while_a_computer_on_utc_is_still_on_the_day_before():
    assert today_in_thailand(datetime(2026, 11, 21, 20, 30, tzinfo=UTC)) == date(2026, 11, 22)  # 03:30 in Thailand
    assert today_in_thailand(datetime(2026, 11, 21, 20, 30)) == date(2026, 11, 22)  # a stored time: UTC
    assert today_in_thailand(datetime(2026, 11, 21, 16, 59, tzinfo=UTC)) == date(2026, 11, 21)  # 23:59


def test_paying_out_a_loan_twice_is_refused_with_the_day_it_was_paid_in_the_buddhist_era(book):
    loan_id = book.loan(disbursed=date(2025, 12, 1))
    with pytest.raises(InputError) as refused, book.db.session() as s:
        lending.disburse(s, loan_id, date(2025, 12, 5))
    assert refused.value.text.th == "สัญญานี้จ่ายเงินกู้แล้วเมื่อ 1 ธ.ค. 2568"
    assert refused.value.text.en == "this loan was already disbursed on 1 Dec 2025"
    assert "2025-12-01" not in str(refused.value)


def test_every_kind_of_record_and_field_has_a_thai_name_and_an_english_one_with_no_thai_in_it():
    for key, label in {**change_words.RECORD_KINDS, **change_words.FIELDS}.items():
        assert THAI.search(label.th), key
        assert not THAI.search(label.en.replace("4ท", "")), key  # 4ท is the plan's name in English too


def test_a_work_item_ticked_by_a_meeting_is_named_in_english_without_thai(book):
    loan_id = book.loan()
    with book.db.session() as s:
        visits.add_meeting(s, visits.MeetingInput("exchange", date(2026, 1, 10), "ศาลาประชาคม", loans=[loan_id]))
        entry = next(e for e in history.history_page(s) if e.table == "work_item")
    assert entry.kind.in_language("th") == "งานตามขั้นตอน ปตท."
    assert entry.kind.in_language("en") == "Follow or ask work item"


def test_an_ask_step_done_in_person_reads_as_the_step_of_the_ladder_not_a_step_number(book):
    loan_id = book.loan(instalments=1)  # due 31 Jan 2026
    on = date(2026, 3, 5)  # 33 days overdue: the default ladder's second step, the repayment meeting
    with book.db.session() as s:
        task = next(r for r in reminders.reminders_on(s, on, [loan_id]) if r.kind == "ask")
        reminders.deliver(s, task.id, "meeting", on, "นางสาวทดสอบ ระบบดี")
        entry = next(e for e in history.history_page(s) if e.table == "reminder_delivery")
    assert entry.record.startswith(f"{AskStep.MEETING.label.th} 5 มี.ค. 2569")
    assert f"ประเภท: {AskStep.MEETING.label.th}" in entry.changes_text("th")
    assert "ขั้นที่" not in entry.record + entry.changes_text("th")


def test_a_phone_number_reads_as_every_page_shows_it_in_the_change_log_and_the_offices_conflicts(book):
    with book.db.session() as s:
        chair = s.scalars(select(Person).where(Person.phone == "0812345678")).one()
        entry = next(e for e in history.history_page(s, record_id=chair.id))
        words = history.field_words(s, [("person", chair.id, "phone", ["0869876543", "0851234567"])])
    assert "โทรศัพท์: 081-234-5678" in entry.changes_text("th")
    assert words[0][1] == ["086-987-6543", "085-123-4567"]


def test_in_english_the_change_log_gives_dates_and_amounts_in_english(book):
    loan_id = book.loan()
    book.pay(loan_id, "1,250.50", date(2026, 1, 31))
    with book.db.session() as s:
        entry = next(e for e in history.history_page(s) if e.table == "payment")
    assert "Amount: 1,250.50 baht" in entry.changes_text("en")
    assert "Date paid: 31 Jan 2026" in entry.changes_text("en")
    assert "วันที่ชำระ: 31 ม.ค. 2569" in entry.changes_text("th")
    assert "วันที่ชำระ (date paid): 31 ม.ค. 2569" in entry.text()  # the command line: Thai values as before
