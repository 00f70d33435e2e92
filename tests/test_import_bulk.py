"""An import writes its rows table by table, many at once; the book and its change log must not be able to
tell: the same register entered through the services, one record at a time, gives the same rows, the same
loan states and the same logged data, ids and times aside."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from db import open_database
from exports.workbook import read_workbook
from fieldtool import funds, groups, households, lending, loanbook, places, repayments
from fieldtool.bookimport import apply_import, plan_import
from fieldtool.groups import PersonSpec
from fieldtool.households import HouseholdInput, PersonInput
from fieldtool.models import ChangeLog, Fund, Loan, Payment, Setting, Village
from fieldtool.sync.entries import entry_from_row
from fieldtool.sync.fold import fold
from fieldtool.thai import InputError, format_date
from tests.test_import_books import BUA, MALAI, SOMMAI, full_register

# what an import writes, parents first
BOOK_TABLES = ("person", "household", "householdmember", "borrowing_group", "group_member", "loan", "schedule",
               "instalment", "prevent_check", "payment")
TIMES = ("created_at", "recorded_at")  # when a row was written: never the same twice

# A record is named by what it stands for (a national ID, an agreement number …), not by its random id.
NAMES = {
    "person": lambda r, name: r["national_id"] or f"{r['first_name']} {r['last_name']}",
    "household": lambda r, name: f"household of {name(r['head_id'])}",
    "householdmember": lambda r, name: f"{name(r['person_id'])} in {name(r['household_id'])}",
    "borrowing_group": lambda r, name: r["name"],
    "group_member": lambda r, name: f"{name(r['person_id'])} in {name(r['group_id'])}",
    "loan": lambda r, name: r["agreement_no"],
    "schedule": lambda r, name: f"schedule {r['version']} of {name(r['loan_id'])}",
    "instalment": lambda r, name: f"instalment {r['no']} of {name(r['schedule_id'])}",
    "prevent_check": lambda r, name: f"{r['item']} of {name(r['loan_id'])}",
    "payment": lambda r, name: f"{r['amount_satang']} on {r['paid_on']} {r['receipt_no']} to {name(r['loan_id'])}",
}


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def named_book(db) -> tuple[dict[str, dict[str, dict]], dict[str, str]]:
    """{table: {name: row}} of every table an import writes, every id in a row replaced by the name of the
    record it points at and the times left out; and the names by id."""
    names: dict[str, str] = {}
    book = {}
    with db.engine.connect() as conn:
        for table in BOOK_TABLES:
            rows = [dict(r._mapping) for r in conn.execute(select(SQLModel.metadata.tables[table]))]
            book[table] = {}
            for row in rows:
                names[row["id"]] = NAMES[table](row, names.__getitem__)
            for row in rows:
                book[table][names[row["id"]]] = _named(row, names)
    return book, names


def _named(values: dict, names: dict[str, str]) -> dict:
    return {k: names.get(v, _plain(v)) if isinstance(v, str) else _plain(v)
            for k, v in values.items() if k not in TIMES}


def logged_book(db, names: dict[str, str]) -> dict[str, dict[str, dict]]:
    """The same tables as the office rebuilds them: every record's change-log entries folded together."""
    entries: dict[tuple[str, str], list] = {}
    with db.session() as s:
        for row in s.scalars(select(ChangeLog).where(ChangeLog.table_name.in_(BOOK_TABLES))):
            entries.setdefault((row.table_name, row.record_id), []).append(entry_from_row(row))
    book: dict[str, dict[str, dict]] = {t: {} for t in BOOK_TABLES}
    for (table, record_id), found in entries.items():
        book[table][names[record_id]] = _named(fold(table, record_id, found).values, names)
    return book


def insert_data(db, table: str, record_id: str) -> dict:
    with db.session() as s:
        entry = s.scalars(select(ChangeLog).where(ChangeLog.table_name == table, ChangeLog.record_id == record_id,
                                                  ChangeLog.action == "insert")).one()
        return json.loads(entry.data)


def loan_states(db, on: date) -> dict[str, tuple]:
    """What the loan book says of every loan on a day: stage, money, and each instalment's standing."""
    with db.session() as s:
        numbers = dict(s.execute(select(Loan.id, Loan.agreement_no)).all())
        return {
            numbers[lid]: (st.stage, st.paid_satang, st.outstanding_satang, st.arrears_satang, st.days_overdue,
                           [(i.no, i.due_date, i.principal_satang, i.interest_satang, i.paid_principal,
                             i.paid_interest, i.settled_on) for i in st.instalments])
            for lid, st in loanbook.load_states(s, on).items()
        }


@pytest.fixture
def twins(db, tmp_path):
    """Two copies of one laptop set up for the register (same device, villages and funds): the first gets
    the register through the import, the second through the services."""
    with db.session() as s:
        places.set_place(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        places.add_village(s, 3, "บ้านหนองบัว")
        places.add_village(s, 4, "บ้านโนนสูง")
        funds.add_fund(s, "กข.คจ.", "kkkj")
        funds.add_fund(s, "กองทุนพัฒนาบทบาทสตรี", "women", rate_bp=200)
    copy = tmp_path / "by-hand" / "field.sqlite"
    copy.parent.mkdir()
    source, target = sqlite3.connect(db.path), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    by_hand = open_database(copy)
    yield db, by_hand
    by_hand.dispose()


def enter_by_hand(db) -> None:
    """The register of tests.test_import_books, entered through the services as an officer would."""
    reason = "นำเข้าจากทะเบียนเดิม (register.xlsx), ชีต สัญญาเงินกู้ แถว {}"
    note = "นำเข้าจากทะเบียนเดิม (register.xlsx)"
    with db.session() as s:
        moo = {v.moo: v.id for v in s.scalars(select(Village))}
        fund = {f.name: f.id for f in s.scalars(select(Fund))}
        malai = households.add_household(s, HouseholdInput(
            moo[3], PersonInput("มาลัย", "ทองคำ", "นาง", MALAI, "0812345678"), "12"), force=True)
        sommai = households.add_household(s, HouseholdInput(moo[4], PersonInput("สมหมาย", "ใจดี", "นาย", SOMMAI)),
                                          force=True)
        households.add_household(s, HouseholdInput(moo[3], PersonInput("บัว", "ทองดี", "นาง", BUA, "0891112222")),
                                 force=True)
        group = groups.add_group(s, moo[3], "กลุ่มทอผ้าไหม", members=[
            ("chair", PersonSpec("สมศรี", "ใจงาม", "นาง")), ("member", PersonSpec("", national_id=MALAI)),
            ("member", PersonSpec("บัว", "ทองดี", "นาง"))])
        received = date(2025, 12, 15)
        first = lending.add_loan(
            s, fund_id=fund["กข.คจ."], household_id=malai.id, principal_satang=1_200_000, instalments=12,
            frequency="monthly", first_due=date(2026, 1, 15), applied_on=received, approved_on=received,
            purpose="เลี้ยงไก่", agreement_no="1/2569", rate_bp=0)
        lending.disburse(s, first.id, received, reason.format(2))
        second = lending.add_loan(
            s, fund_id=fund["กข.คจ."], household_id=sommai.id, principal_satang=1_200_000, instalments=12,
            frequency="monthly", first_due=date(2026, 1, 15), applied_on=received, approved_on=received,
            agreement_no="2/2569", rate_bp=0)
        lending.disburse(s, second.id, received, reason.format(3))
        repayments.record_payment(s, second.id, 500_000, date(2026, 5, 15),
                                note=f"ยอดชำระแล้วรวมตามทะเบียนเดิม ณ วันที่ {format_date(date(2026, 5, 15))} "
                                     "(paid-to-date figure of the old book, register.xlsx)")
        third = lending.add_loan(
            s, fund_id=fund["กองทุนพัฒนาบทบาทสตรี"], group_id=group.id, principal_satang=5_000_000, instalments=4,
            frequency="half-yearly", first_due=date(2026, 7, 1), applied_on=date(2026, 1, 1),
            approved_on=date(2026, 1, 1), purpose="ทอผ้าไหม", agreement_no="ส.1/2569", rate_bp=200)
        lending.disburse(s, third.id, date(2026, 1, 1), reason.format(4))
        for month in range(1, 6):
            repayments.record_payment(s, first.id, 100_000, date(2026, month, 15), note=note, receipt_no=f"ร{month}")


def test_an_imported_register_is_the_same_book_as_one_entered_through_the_services(twins, tmp_path):
    imported, by_hand = twins
    with imported.session() as s:
        plan = plan_import(s, read_workbook(full_register(tmp_path)))
        assert plan.ok
        apply_import(s, plan, date(2026, 12, 1))
    enter_by_hand(by_hand)

    rows, names = named_book(imported)
    hand_rows = named_book(by_hand)[0]
    # one difference, on purpose: an imported loan says from when the program follows it (its notices
    # before that day were the old book's), a loan typed in is followed from its start
    assert {loan["followed_from"] for loan in rows["loan"].values()} == {"2026-12-01"}
    assert {loan["followed_from"] for loan in hand_rows["loan"].values()} == {None}
    for loan in (*rows["loan"].values(), *hand_rows["loan"].values()):
        del loan["followed_from"]
    assert rows == hand_rows
    # what a user reads off the loans: schedule, instalments, checklist, payments, the state on any day
    assert rows["schedule"]["schedule 1 of ส.1/2569"]["effective_from"] == "2026-01-01"
    assert len([n for n in rows["instalment"] if n.endswith("of schedule 1 of 1/2569")]) == 12
    assert {c["done"] for c in rows["prevent_check"].values()} == {False} and len(rows["prevent_check"]) == 18
    assert rows["loan"]["1/2569"]["prevent_override"] == "นำเข้าจากทะเบียนเดิม (register.xlsx), ชีต สัญญาเงินกู้ แถว 2"
    assert rows["group_member"][f"{BUA} in กลุ่มทอผ้าไหม"]["role"] == "member"  # named in the group, found by name
    for day in (date(2026, 1, 1), date(2026, 5, 20), date(2026, 8, 20), date(2027, 12, 31)):
        assert loan_states(imported, day) == loan_states(by_hand, day)

    # the change log rebuilds every row, and the office would rebuild the same book from either
    logged, hand_logged = logged_book(imported, names), logged_book(by_hand, named_book(by_hand)[1])
    for loan in (*logged["loan"].values(), *hand_logged["loan"].values()):
        del loan["followed_from"]
    assert logged == rows and hand_logged == rows


def test_the_change_log_data_of_an_imported_loan_and_payment_is_what_the_services_log(twins, tmp_path):
    imported, by_hand = twins
    with imported.session() as s:
        apply_import(s, plan_import(s, read_workbook(full_register(tmp_path))), date(2026, 12, 1))
    enter_by_hand(by_hand)

    def loan_and_payment(db):
        with db.session() as s:
            loan = s.scalars(select(Loan).where(Loan.agreement_no == "1/2569")).one()
            payment = s.scalars(select(Payment).where(Payment.receipt_no == "ร3")).one()
            entries = [entry_from_row(e) for e in s.scalars(select(ChangeLog).where(ChangeLog.record_id == loan.id))]
            return loan, payment, entries

    loan, payment, entries = loan_and_payment(imported)
    hand_loan, hand_payment, hand_entries = loan_and_payment(by_hand)
    # the import writes the loan once, already paid out; by hand it is made, then paid out (an update)
    assert [e.action for e in entries] == ["insert"] and [e.action for e in hand_entries] == ["insert", "update"]
    data, hand = json.loads(entries[0].data), fold("loan", hand_loan.id, hand_entries).values
    assert data.keys() == hand.keys() and {k for k in data if data[k] != hand[k]} == {"id", "household_id", "followed_from"}
    assert data["disbursed_on"] == data["approved_on"] == "2025-12-15" and data["prevent_override"]

    data, hand = insert_data(imported, "payment", payment.id), insert_data(by_hand, "payment", hand_payment.id)
    differ = {k for k in data if data[k] != hand[k]}
    assert differ == {"id", "loan_id", "recorded_at"} and data.keys() == hand.keys()
    assert data["receipt_no"] == "ร3" and data["recorded_by"] == "นางสาวทดสอบ ระบบดี" and data["paid_on"] == "2026-03-15"


def test_an_import_numbers_its_log_entries_on_from_the_device_without_gaps(twins, tmp_path):
    imported, _ = twins
    with imported.session() as s:
        device = s.get(Setting, "device_id").value
        before = s.scalar(select(ChangeLog.seq).order_by(ChangeLog.seq.desc()).limit(1))
        apply_import(s, plan_import(s, read_workbook(full_register(tmp_path))), date(2026, 12, 1))
        # work done after the import in the same session goes on from there
        repayments.record_payment(s, s.scalars(select(Loan).where(Loan.agreement_no == "1/2569")).one().id,
                                100_000, date(2026, 6, 15))
    with imported.session() as s:
        log = s.scalars(select(ChangeLog).order_by(ChangeLog.seq)).all()
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    new = [e for e in log if e.seq > before]
    assert {e.device_id for e in new} == {device} and {e.officer for e in new} == {"นางสาวทดสอบ ระบบดี"}
    assert {e.action for e in new} == {"insert"}
    assert new[-1].table_name == "payment" and json.loads(new[-1].data)["paid_on"] == "2026-06-15"


def test_a_plan_gone_stale_writes_nothing_rather_than_a_second_person_with_the_same_national_id(twins, tmp_path):
    imported, _ = twins
    with imported.session() as s:
        plan = plan_import(s, read_workbook(full_register(tmp_path)))
        village = s.scalars(select(Village).where(Village.moo == 3)).one().id
    with imported.session() as s:  # meanwhile the officer registers one of the file's households by hand
        households.add_household(s, HouseholdInput(village, PersonInput("มาลัย", "ทองคำ", "นาง", MALAI)))
    before = named_book(imported)[0]
    with pytest.raises(InputError, match=f"national ID {MALAI} was registered since the file was checked"):
        with imported.session() as s:
            apply_import(s, plan, date(2026, 12, 1))
    assert named_book(imported)[0] == before
