"""The merge's quick ways for the usual record (one insert, new here; written without Core's per-row work on
SQLite) end exactly where folding every change of the record ends, however the record's changes arrive."""

from __future__ import annotations

import sqlite3
from datetime import date

from sqlalchemy import select

from db.office import default_key_path
from exports import bundle, keyfile
from fieldtool import lending, loanbook
from fieldtool.models import ChangeLog
from fieldtool.sync.conflicts import open_conflicts
from fieldtool.sync.merge import rematerialize
from fieldtool.sync.tables import table_infos
from tests.sync.conftest import clone_laptop, district_dump, make_office


def imp(office, *paths) -> list[dict]:
    return [bundle.import_bundle(office, p) for p in paths]


def same_keys(district, office, *laptops) -> None:
    """A second office that can open the bundles the laptops made for the first."""
    for lap in laptops:
        lap.enrol_at(district)
    district.keys = office.keys
    default_key_path(district).unlink()
    keyfile.write_private_key(default_key_path(district), office.keys)


def refold_everything(db) -> None:
    """Rebuild every district record from the whole log, each through the full fold."""
    with db.session() as s:
        keys = {(t, r) for t, r in s.execute(select(ChangeLog.table_name, ChangeLog.record_id))}
        rematerialize(s, keys)


def paid(db, loan_id: str) -> int:
    with db.session() as s:
        return loanbook.load_states(s, date(2026, 2, 1), [loan_id])[loan_id].paid_satang


def test_a_record_arriving_in_pieces_ends_as_the_whole_record_does(laptop, office, new_office):
    a = laptop("a", office=office)
    loan = a.loan(disbursed=False)
    first = a.export()  # the loan as applied for: one insert
    with a.db.session() as s:
        lending.disburse(s, loan, date(2025, 12, 1), "ย้ายสัญญาเดิมเข้าระบบ")  # ... then changed
    a.pay(loan, 100_000)
    second = a.export()
    whole = a.export(full=True)

    in_order = imp(office, first, second)
    assert in_order[0]["inserted"] > 0 and in_order[1]["updated"] > 0
    backwards = new_office(office.kind)
    same_keys(backwards, office, a)
    waited = imp(backwards, second)[0]
    assert waited["pending"] >= 1  # the changes of a loan not yet here wait for it
    imp(backwards, first)
    at_once = new_office(office.kind)
    same_keys(at_once, office, a)
    imp(at_once, whole)

    dumps = [district_dump(d) for d in (office, backwards, at_once)]
    assert dumps[1] == dumps[0] and dumps[2] == dumps[0]
    assert dumps[0]["sync_pending"] == []
    assert [t for t in table_infos() if dumps[0][t] != district_dump(a.db)[t]] == []
    assert paid(office, loan) == paid(backwards, loan) == 100_000
    refold_everything(office)
    assert district_dump(office) == dumps[0]


def test_records_new_to_the_office_are_written_as_the_full_fold_writes_them(laptop, office):
    a = laptop("a", office=office)
    loan = a.loan()
    b = clone_laptop(a, "b", office)
    a.pay(loan, 100_000)
    b.pay(loan, 100_000)
    a.set_phone("0811111111")
    b.set_phone("0822222222")  # a conflict: the household's changes need the full fold
    imp(office, a.export(), b.export())
    merged = district_dump(office)
    with office.session() as s:
        (conflict,) = open_conflicts(s)
    assert conflict.field == "phone"
    refold_everything(office)
    assert district_dump(office) == merged
    assert paid(office, loan) == 200_000


def test_on_sqlite_the_office_stores_the_very_text_the_laptop_stored(laptop, tmp_path, request):
    """Rows written as plain tuples hold the same text as rows written through the ORM on the laptop:
    dates, times, true and false, empty values."""
    office = make_office("sqlite", tmp_path, request)
    try:
        a = laptop("a", office=office)
        loan = a.loan()
        a.pay(loan, 150_000)
        a.set_phone("0811111111")
        imp(office, a.export())

        def raw(path, sql: str, *args) -> list[tuple]:
            con = sqlite3.connect(path)
            try:
                return con.execute(sql, args).fetchall()
            finally:
                con.close()

        for table in table_infos():
            sql = f'SELECT * FROM "{table}" ORDER BY id'
            assert raw(office.path, sql) == raw(a.db.path, sql), table
        log = "SELECT * FROM change_log WHERE device_id = ? ORDER BY seq"  # the times above all
        assert raw(office.path, log, a.device_id) == raw(a.db.path, log, a.device_id)
    finally:
        office.dispose()
