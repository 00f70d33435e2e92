"""An office's register imported on a laptop travels to the district office like work typed in by hand."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from exports import bundle
from exports.workbook import read_workbook
from fieldtool.bookimport import apply_import, plan_import
from fieldtool.models import ChangeLog, Loan
from fieldtool.sync.entries import entry_from_row
from tests.sync.conftest import district_dump, log_entries
from tests.test_import_books import nid, register
from tests.test_import_bulk import BOOK_TABLES

HEAD = "3341900123454"  # the head of the household the laptop fixture registers


def test_a_bundle_after_an_import_carries_every_imported_record_and_the_office_holds_the_same_book(
        laptop, office, tmp_path):
    lap = laptop("nonklang", office=office)
    path = register(
        tmp_path / "register.xlsx",
        households=[{"moo": 3, "first_name": f"นางทดสอบ{i} สกุล{i}", "national_id": nid(100 + i)} for i in range(4)],
        groups=[{"name": "กลุ่มเลี้ยงไก่", "moo": 3, "chair": nid(100), "members": "นางสมศรี ใจดี\nนางใหม่ มาใหม่"}],
        loans=[{"agreement_no": f"{i}/2569", "fund": "กข.คจ.", "borrower": nid(100 + i), "principal": 6000,
                "instalments": 6, "frequency": "เดือน", "disbursed_on": date(2026, 1, 5), "first_due": date(2026, 2, 5)}
               for i in range(4)]
        + [{"agreement_no": "9/2569", "fund": "กข.คจ.", "borrower": HEAD, "principal": 3000, "instalments": 3,
            "frequency": "เดือน", "disbursed_on": date(2026, 1, 5), "first_due": date(2026, 2, 5),
            "paid_to_date": 1000, "paid_as_of": date(2026, 2, 5)},
           {"agreement_no": "ก.1/2569", "fund": "กข.คจ.", "borrower": "กลุ่มเลี้ยงไก่", "moo": 3, "principal": 20000,
            "instalments": 4, "frequency": "3 เดือน", "disbursed_on": date(2026, 1, 5), "first_due": date(2026, 4, 5)}],
        payments=[{"agreement_no": f"{i}/2569", "paid_on": date(2026, m, 5), "amount": 1000, "receipt_no": f"{i}-{m}"}
                  for i in range(4) for m in (2, 3, 4)],
    )
    before = {(e.table_name, e.record_id) for e in log_entries(lap.db, lap.device_id)}
    with lap.db.session() as s:
        plan = plan_import(s, read_workbook(path))
        assert plan.ok
        result = apply_import(s, plan, date(2026, 5, 1))
    assert result.created == {"households": 4, "groups": 1, "loans": 6, "payments": 13}

    summary = bundle.import_bundle(office, lap.export())
    assert summary["status"] == "imported"

    at_laptop, at_office = district_dump(lap.db), district_dump(office)
    for table in BOOK_TABLES:
        assert at_office[table] == at_laptop[table], table
    with office.session() as s:
        assert len(s.scalars(select(Loan)).all()) == 6
        received = {(e.seq, e.table_name, e.record_id, e.action, e.data) for e in
                    map(entry_from_row, s.scalars(select(ChangeLog).where(ChangeLog.device_id == lap.device_id)))}
    sent = {(e.seq, e.table_name, e.record_id, e.action, e.data) for e in log_entries(lap.db, lap.device_id)}
    assert received == sent
    imported = {(table, record_id) for _, table, record_id, _, _ in sent if table in BOOK_TABLES} - before
    # four households (person, household, head), the group with one new person and three members, six loans
    # (loan, schedule, six prevent checks, their instalments), thirteen payments: all at the office
    assert len(imported) == 4 * 3 + 1 + 1 + 3 + 6 * (1 + 1 + 6) + (4 * 6 + 3 + 4) + 13
