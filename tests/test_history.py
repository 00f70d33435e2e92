"""The change log in words: records named as the registers name them, values as people read them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from db import open_database
from fieldtool import change_words, history, households, places
from fieldtool.demo import build_demo
from fieldtool.history import HistoryEntry
from fieldtool.models import ChangeLog
from ui.history.model import load_history


def entries(db, **where):
    with db.session() as s:
        return history.history_page(s, **where)


def test_a_household_edit_reads_with_the_heads_name_and_the_status_in_thai(book):
    with book.db.session() as s:
        households.set_status(s, book.household_id, "in_progress")
    entry = entries(book.db)[0]
    assert entry.kind.th == "ครัวเรือน" and entry.kind.en == "household"
    assert entry.record == "นายบุญมี ศรีสุข หมู่ที่ 3 บ้านหนองบัว"
    assert entry.changes_text("th") == "สถานะ: ครัวเรือนเป้าหมาย → กำลังพัฒนา"
    assert "สถานะ (status): ครัวเรือนเป้าหมาย → กำลังพัฒนา" in entry.text()


def test_a_payment_reads_in_baht_with_its_day_in_the_buddhist_era_and_its_loan(book):
    loan_id = book.loan()
    book.pay(loan_id, "1,250.50", date(2026, 1, 31))
    entry = next(e for e in entries(book.db) if e.table == "payment")
    # a loan without an agreement number goes by its short id
    assert entry.record == f"1,250.50 บาท วันที่ 31 ม.ค. 2569 สัญญา {loan_id[:8]} กลุ่มทอผ้าไหมบ้านหนองบัว"
    assert entry.changes_text("th").startswith("เพิ่มใหม่; จำนวนเงิน: 1,250.50 บาท")
    assert "วันที่ชำระ: 31 ม.ค. 2569" in entry.changes_text("th")
    assert loan_id not in entry.changes_text("th")


def test_a_new_instalment_reads_with_its_terms_and_not_the_running_sum_kept_for_reading_quickly(book):
    book.loan()
    entry = next(e for e in entries(book.db) if e.table == "instalment")
    text = entry.changes_text("th")
    assert text.startswith("เพิ่มใหม่") and "วันครบกำหนด" in text and "เงินต้น" in text
    assert "ยอดสะสม" not in text


def test_a_village_rename_reads_before_and_after(book):
    with book.db.session() as s:
        places.rename_village(s, book.village_id, "บ้านหนองบัวทอง")
    entry = entries(book.db)[0]
    assert entry.kind.th == "หมู่บ้าน"
    assert entry.record == "หมู่ที่ 3 บ้านหนองบัวทอง"
    assert entry.changes_text("th") == "ชื่อ: บ้านหนองบัว → บ้านหนองบัวทอง"


def test_times_are_shown_in_thailand_time_and_the_buddhist_era(book):
    entry = history.HistoryEntry(
        id="x", at=datetime(2026, 12, 1, 20, 30), seq=1, officer="", device_id="d", table="village",
        record_id="v", action="insert", kind=change_words.kind_label("village"), record="", changes=(),
    )
    assert entry.local_at.hour == 3 and entry.local_at.date() == date(2026, 12, 2)
    assert entry.text().startswith("2 ธ.ค. 2569 03:30")


def test_the_search_finds_words_inside_thai_names(book):
    with book.db.session() as s:
        households.set_status(s, book.household_id, "in_progress")
    found = entries(book.db, query="ศรีสุ")
    assert found and all("ศรีสุข" in e.record for e in found)
    assert {e.table for e in found} >= {"household", "person"}
    assert entries(book.db, query="ไม่มีชื่อนี้") == []


def test_the_day_filter_keeps_the_entries_of_that_local_day(book):
    today = datetime.now(UTC).astimezone(history.LOCAL_ZONE).date()
    with book.db.session() as s:
        total = s.scalar(select(func.count()).select_from(ChangeLog))
    assert len(entries(book.db, day=today)) == total
    assert entries(book.db, day=date(2020, 1, 1)) == []


# Fields whose values are the domain's codes (a work item, its evidence, a prevent item, a delivery's kind and
# way, a status, a 4ท part…): in English each reads English. Names, places and notes stay as written, in Thai.
CODE_FIELDS = {
    "item", "stage", "evidence_kind", "kind", "how", "status", "source", "dimension", "part", "role",
    "frequency", "default_frequency", "interest_policy", "borrower_kind",
}
THAI = re.compile("[\u0e00-\u0e7f]")


def thai_in(text: str) -> bool:
    """Thai letters, beside "4ท": the plan's name, which the English screens keep too ("4ท plan")."""
    return bool(THAI.search(text.replace("4ท", "")))


def test_the_english_change_log_of_the_demo_names_codes_and_settings_in_english(tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    with db.session() as s:
        build_demo(s, seed=1, today=date(2026, 11, 22))
    shown: list[HistoryEntry] = []
    while page := load_history(db, offset=len(shown)):  # the history page, page by page as it scrolls
        shown += page
    codes = [(e.table, c) for e in shown for c in e.changes if c.field in CODE_FIELDS]
    assert {c.field for _, c in codes} >= {"item", "evidence_kind", "stage", "kind", "how", "status", "part"}
    assert [(t, c.text("en")) for t, c in codes if thai_in(c.text("en"))] == []
    settings = {e.record_id: e.record_text("en") for e in shown if e.table == "setting"}
    assert settings["device_id"] == "This laptop's id"
    assert [r for r in settings.values() if thai_in(r) or "_" in r] == []
    item = next(c for e in shown for c in e.changes if e.table == "work_item" and c.field == "item")
    assert item.text("en").startswith("Item: ") and item.text("th").startswith("รายการ: ")
    db.dispose()
