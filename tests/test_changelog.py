"""Every change is written down (who, which device, when, what); money and the log are append-only."""

import json
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from fieldtool.changelog import AppendOnlyError, bulk_insert
from fieldtool.models import ChangeLog, HouseholdNeed, Payment, Setting


def test_each_change_names_the_officer_the_device_and_what_changed(book):
    loan = book.loan()
    pay_id = book.pay(loan, "100", date(2026, 1, 3))
    with book.db.session() as s:
        device = s.get(Setting, "device_id").value
        rows = s.exec(select(ChangeLog).where(ChangeLog.record_id == pay_id)).all()
        assert len(rows) == 1
        (row,) = rows
        assert row.action == "insert" and row.table_name == "payment"
        assert row.device_id == device and row.officer == "นางสาวทดสอบ ระบบดี"
        assert json.loads(row.data)["amount_satang"] == 10_000
        updates = s.exec(select(ChangeLog).where(ChangeLog.record_id == loan, ChangeLog.action == "update")).all()
        data = json.loads(updates[-1].data)
        assert data["disbursed_on"] == "2025-12-01" and data["_before"]["disbursed_on"] is None


def test_sequence_numbers_are_per_device_and_without_gaps(book):
    book.loan()
    with book.db.session() as s:
        seqs = sorted(r.seq for r in s.exec(select(ChangeLog)).all())
    assert seqs == list(range(1, len(seqs) + 1))


def test_no_record_id_is_an_auto_increment(book):
    book.loan()
    with book.db.session() as s:
        ids = [r.record_id for r in s.exec(select(ChangeLog)).all() if r.table_name != "setting"]
    assert all(len(i) == 36 and i.count("-") == 4 for i in ids)


def test_payments_cannot_be_edited_or_deleted(book):
    loan = book.loan()
    pay_id = book.pay(loan, "100", date(2026, 1, 3))
    with pytest.raises(AppendOnlyError), book.db.session() as s:
        s.get(Payment, pay_id).amount_satang = 1
        s.flush()
    with pytest.raises(AppendOnlyError), book.db.session() as s:
        s.delete(s.get(Payment, pay_id))
        s.flush()
    # even bypassing the program, the database itself refuses
    with pytest.raises(IntegrityError), book.db.engine.begin() as conn:
        conn.execute(text("UPDATE payment SET amount_satang = 1"))
    with pytest.raises(IntegrityError), book.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM change_log"))
    assert book.state(loan, date(2026, 1, 3)).paid_satang == 10_000


def test_rows_written_many_at_once_are_logged_as_the_hook_logs_one(book):
    with book.db.session() as s:
        one = HouseholdNeed(household_id=book.household_id, dimension="income", description="ขายผักได้น้อย")
        s.add(one)
        s.flush()
        bulk_insert(s, HouseholdNeed, [
            {"household_id": book.household_id, "dimension": "health", "description": "ขายผักได้น้อย"},
            {"household_id": book.household_id, "dimension": "living"},  # the description's default
        ])
        s.add(HouseholdNeed(household_id=book.household_id, dimension="access"))  # after it: the numbers go on
    with book.db.session() as s:
        log = s.exec(select(ChangeLog).order_by(ChangeLog.seq)).all()
        needs = {n.dimension: n for n in s.exec(select(HouseholdNeed)).all()}
    assert [r.seq for r in log] == list(range(1, len(log) + 1))
    entries = {json.loads(r.data)["dimension"]: r for r in log if r.table_name == "household_need"}
    assert list(entries) == ["income", "health", "living", "access"]
    device = next(r for r in log if r.record_id == "device_id").device_id
    assert {(r.action, r.device_id, r.officer) for r in entries.values()} == {("insert", device, "นางสาวทดสอบ ระบบดี")}
    by_hook, in_bulk = json.loads(entries["income"].data), json.loads(entries["health"].data)
    assert by_hook.keys() == in_bulk.keys() and {k for k in by_hook if by_hook[k] != in_bulk[k]} == {"id", "dimension"}
    assert entries["health"].record_id == needs["health"].id == in_bulk["id"]
    assert needs["living"].description == "" and json.loads(entries["living"].data)["description"] == ""


def test_a_row_missing_a_required_column_is_refused_before_anything_is_written(book):
    with pytest.raises(ValueError, match="dimension"), book.db.session() as s:
        bulk_insert(s, HouseholdNeed, [{"household_id": book.household_id}])
