"""The merge at the district office, on SQLite and on PostgreSQL: every guarantee the officers rely on."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import date

from sqlalchemy import create_engine, select, text

from db import head_revision, migrate
from db.office import default_key_path
from exports import bundle, bundle_payload, keyfile, sealed_file
from fieldtool import bookrows, lending, loanbook
from fieldtool.models import Household, Instalment, Loan, Payment, SyncConflict
from fieldtool.sync.conflicts import open_conflicts, resolve_conflict
from fieldtool.sync.entries import device_entries
from fieldtool.sync.tables import table_infos
from tests.sync.conftest import clone_laptop, district_dump, snapshot, target_args
from ui.cli import main


def imp(capsys, office, *paths, expect=0) -> dict:
    code = main(["--json", "bundle", "import", *map(str, paths), *target_args(office)])
    out = capsys.readouterr()
    assert code == expect, out.err
    return json.loads(out.out)


def paid(db, loan_id: str, on: date = date(2026, 2, 1)) -> int:
    with db.session() as s:
        return loanbook.load_states(s, on, [loan_id])[loan_id].paid_satang


def phone(db, household_id: str) -> str:
    with db.session() as s:
        return s.get(Household, household_id).phone


def test_the_office_gets_exactly_the_laptops_records(laptop, office, capsys):
    a = laptop("a", office=office)
    loan = a.loan()
    a.pay(loan, 150_000)
    result = imp(capsys, office, a.export())["bundles"][0]
    assert result["status"] == "imported" and result["entries_new"] == result["entries"] > 0
    field, district = district_dump(a.db), district_dump(office)
    for table in table_infos():
        assert district[table] == field[table], table
    assert paid(office, loan) == 150_000


def test_the_same_bundle_twice_changes_nothing_and_says_so(laptop, office, capsys):
    a = laptop("a", office=office)
    a.pay(a.loan(), 100_000)
    path = a.export()
    imp(capsys, office, path)
    before, rows = snapshot(office), district_dump(office)
    again = imp(capsys, office, path)["bundles"][0]
    assert again["status"] == "already" and again["entries_new"] == 0
    assert snapshot(office) == before and district_dump(office) == rows
    main(["bundle", "import", str(path), *target_args(office)])
    assert "already imported; nothing changed" in capsys.readouterr().out


def test_a_full_bundle_after_the_incremental_ones_adds_nothing_twice(laptop, office, capsys):
    a = laptop("a", office=office)
    loan = a.loan()
    a.pay(loan, 100_000)
    first = a.export()
    a.pay(loan, 50_000)
    second = a.export()
    full = a.export(full=True)
    imp(capsys, office, first, second)
    rows = district_dump(office)
    result = imp(capsys, office, full)["bundles"][0]
    assert result["status"] == "imported" and result["entries_new"] == 0
    assert district_dump(office) == rows
    assert paid(office, loan) == 150_000  # the same payment arriving twice counts once


def build_district(laptop, office):
    """Three laptops, four bundles, with every hard case: two payments on one loan from two laptops, the
    same field edited on both without seeing each other, a payment whose loan comes in another bundle."""
    a = laptop("a", officer="นางสาวเอ ทดสอบ", office=office)
    l1 = a.loan()
    a1 = a.export()
    l2 = a.loan(20_000)  # its insert travels in a2 ...
    b = clone_laptop(a, "b", office)  # ... but b, set up from a copy of a, already pays on it
    b.db.set_setting("officer", "นายบี ทดสอบ")
    a.pay(l1, 100_000, date(2026, 1, 25))
    a.set_phone("0811111111")
    a2 = a.export()
    b.pay(l1, 200_000, date(2026, 1, 28))
    b.pay(l2, 50_000, date(2026, 1, 29))
    b.set_phone("0822222222")  # made after a's edit, without having seen it
    b1 = b.export()
    c = laptop("c", code="341906", officer="นางซี ทดสอบ", office=office)
    c.pay(c.loan(5_000), 5_000)
    c1 = c.export()
    return a, b, c, l1, l2, [a1, a2, b1, c1]


def test_any_order_of_bundles_gives_the_same_district(laptop, office, new_office, capsys):
    a, b, _c, l1, l2, bundles = build_district(laptop, office)
    orders = list(itertools.permutations(bundles))
    if office.kind == "postgresql":  # a fresh PostgreSQL database per order: a spread of orders is enough
        orders = orders[::5]
    dumps = []
    for order in orders:
        district = new_office(office.kind)
        a.enrol_at(district)
        b.enrol_at(district)
        _c.enrol_at(district)
        # every laptop encrypted to `office`: give the fresh office the same keys
        district.keys = office.keys
        default_key_path(district).unlink()
        keyfile.write_private_key(default_key_path(district), office.keys)
        imp(capsys, district, *order)
        dumps.append(district_dump(district))
        # money: both laptops' payments on the loan count; the payment that waited for its loan arrived
        assert paid(district, l1) == 300_000 and paid(district, l2) == 50_000
        with district.session() as s:
            assert s.execute(text("SELECT count(*) FROM sync_pending")).scalar() == 0
            (conflict,) = open_conflicts(s)
            assert (conflict.field, json.loads(conflict.chosen_value), json.loads(conflict.other_value)) == (
                "phone", "0822222222", "0811111111")
    for d in dumps[1:]:
        assert [t for t in d if d[t] != dumps[0][t]] == []
    assert len(dumps[0]["payment"]) == 4  # a: 1, b: 2, c: 1


def test_a_payment_waits_for_its_loan_and_is_written_when_the_loan_arrives(laptop, office, capsys):
    _a, _b, _c, _l1, l2, (a1, a2, b1, _c1) = build_district(laptop, office)
    first = imp(capsys, office, a1, b1)["bundles"][1]
    assert first["pending"] >= 1
    with office.session() as s:
        assert s.get(Loan, l2) is None
        assert not s.scalars(select(Payment).where(Payment.loan_id == l2)).all()
    imp(capsys, office, a2)
    assert paid(office, l2) == 50_000


def test_two_payments_on_one_loan_from_two_laptops_both_count(laptop, office, capsys):
    a = laptop("a", office=office)
    loan = a.loan()
    b = clone_laptop(a, "b", office)
    a.pay(loan, 100_000)
    b.pay(loan, 100_000)  # the same amount on the same day: still two events
    imp(capsys, office, a.export(), b.export())
    assert paid(office, loan) == 200_000
    with office.session() as s:
        devices = sorted(p.device_id for p in s.scalars(select(Payment).where(Payment.loan_id == loan)))
    assert devices == sorted([a.device_id, b.device_id])


def test_concurrent_edits_are_listed_with_both_values_who_and_when(laptop, office, capsys):
    a, b, _c, _l1, _l2, bundles = build_district(laptop, office)
    imp(capsys, office, *bundles)
    assert phone(office, a.household_id) == "0822222222"  # the later change, whatever the order
    main(["--json", "office", "conflicts", *target_args(office)])
    (item,) = json.loads(capsys.readouterr().out)["items"]
    assert item["table"] == "household" and item["field"] == "phone" and item["record_id"] == a.household_id
    assert item["chosen"]["value"] == "0822222222" and item["chosen"]["officer"] == "นายบี ทดสอบ"
    assert item["other"]["value"] == "0811111111" and item["other"]["officer"] == "นางสาวเอ ทดสอบ"
    assert item["chosen"]["device_id"] == b.device_id and item["other"]["device_id"] == a.device_id
    assert item["other"]["at"] < item["chosen"]["at"]


def test_the_office_takes_the_other_value_and_it_travels_back_to_both_laptops(laptop, office, capsys, tmp_path):
    a, b, _c, _l1, _l2, bundles = build_district(laptop, office)
    imp(capsys, office, *bundles)
    with office.session() as s:
        (conflict,) = open_conflicts(s)
    assert main(["office", "resolve", conflict.id[:8], "--take", "other", *target_args(office)]) == 0
    capsys.readouterr()
    assert phone(office, a.household_id) == "0811111111"
    with office.session() as s:
        assert open_conflicts(s) == []
        assert s.get(SyncConflict, conflict.id).status == "took_other"
    # back to the field: b, whose value lost, and a, whose value won, both end with the office's choice
    for lap in (b, a):
        out = tmp_path / f"return-{lap.name}.ftb"
        assert main(["--json", "office", "return-bundle", "--device", lap.device_id, "--out", str(out),
                     *target_args(office)]) == 0
        made = json.loads(capsys.readouterr().out)
        assert made["entries"] >= 1 and made["bundle_seq"] == 1
        assert main(["--db", str(lap.db.path), "--json", "bundle", "import", str(out)]) == 0
        capsys.readouterr()
        assert phone(lap.db, lap.household_id) == "0811111111"
    # the laptop's next bundle acknowledges it, so the office sends it only once
    imp(capsys, office, b.export())
    assert main(["--json", "office", "return-bundle", "--device", b.device_id, "--out", str(tmp_path / "again.ftb"),
                 *target_args(office)]) == 0
    assert json.loads(capsys.readouterr().out)["file"] is None
    with office.session() as s:
        assert open_conflicts(s) == []  # the laptop's acknowledgement did not reopen anything


def test_keeping_the_chosen_value_also_travels_back(laptop, office, capsys, tmp_path):
    a, _b, _c, _l1, _l2, bundles = build_district(laptop, office)
    imp(capsys, office, *bundles)
    with office.session() as s:
        (conflict,) = open_conflicts(s)
        resolve_conflict(s, conflict.id, "chosen")
    out = tmp_path / "return-a.ftb"
    bundle.export_return_bundle(office, a.device_id, out)
    bundle.import_bundle(a.db, out)
    assert phone(a.db, a.household_id) == phone(office, a.household_id) == "0822222222"


def test_a_loan_approved_at_the_office_reaches_its_laptop_only(laptop, office, capsys, tmp_path):
    a = laptop("a", office=office)
    c = laptop("c", code="341906", office=office)
    imp(capsys, office, a.export(), c.export())
    with office.session() as s:
        loan = lending.add_loan(s, fund_id=a.fund_id, group_id=a.group_id, household_id=None, purpose="ซื้อกี่ทอผ้า",
                                 principal_satang=3_000_000, instalments=6, first_due=date(2026, 3, 31),
                                 applied_on=date(2026, 1, 5), approved_on=date(2026, 1, 20), frequency="monthly",
                                 rate_bp=0)
        loan_id = loan.id
    out_a, out_c = tmp_path / "a.ftb", tmp_path / "c.ftb"
    made = bundle.export_return_bundle(office, a.device_id, out_a)
    assert made["counts"]["loan"] == 1 and made["counts"]["instalment"] == 6
    assert bundle.export_return_bundle(office, c.device_id, out_c)["file"] is None
    before = snapshot(a.db)
    result = bundle.import_bundle(a.db, out_a)
    assert result["status"] == "imported"
    with a.db.session() as s:
        assert s.get(Loan, loan_id).approved_on == date(2026, 1, 20)
        assert len(loanbook.load_states(s, date(2026, 4, 1), [loan_id])[loan_id].instalments) == 6
    # the same return bundle twice: nothing more
    assert bundle.import_bundle(a.db, out_a)["status"] == "already"
    assert snapshot(a.db)["loan"] == before["loan"] + 1
    # a's return bundle on c's laptop: made for another laptop
    main(["--db", str(c.db.path), "bundle", "import", str(out_a)])
    assert "made for another laptop" in capsys.readouterr().err


def test_a_missing_bundle_is_noticed_without_losing_what_arrived(laptop, office, capsys):
    a = laptop("a", office=office)
    loan = a.loan()
    one = a.export()
    a.pay(loan, 100_000)
    two = a.export()
    a.pay(loan, 50_000)
    three = a.export()
    result = imp(capsys, office, one, three)["bundles"][1]
    assert result["status"] == "imported" and result["gap"]["bundles"] == [2]
    assert paid(office, loan) == 50_000  # what arrived is kept
    main(["bundle", "import", str(three), *target_args(office)])
    capsys.readouterr()
    main(["office", "devices", *target_args(office)])
    assert "bundle 2 of this laptop never arrived" in capsys.readouterr().out
    assert imp(capsys, office, two)["bundles"][0]["gap"] is None
    assert paid(office, loan) == 150_000


def test_a_full_bundle_fills_the_gap_of_a_lost_one(laptop, office, capsys):
    a = laptop("a", office=office)
    loan = a.loan()
    one = a.export()
    a.pay(loan, 100_000)
    a.export()  # lost on the way
    full = a.export(full=True)
    imp(capsys, office, one)
    assert imp(capsys, office, full)["bundles"][0]["gap"] is None
    assert paid(office, loan) == 100_000


OLD_ROWS = [
    ("province", {"id": "p1", "code": "34", "name": "อุบลราชธานี"}),
    ("district", {"id": "d1", "code": "3419", "name": "พิบูลมังสาหาร", "province_id": "p1"}),
    ("subdistrict", {"id": "s1", "code": "341905", "name": "โนนกลาง", "district_id": "d1"}),
    ("village", {"id": "v1", "code": "34190503", "moo": 3, "name": "บ้านหนองบัว", "subdistrict_id": "s1"}),
    ("person", {"id": "pe1", "title": "นาย", "first_name": "บุญมี", "last_name": "ศรีสุข", "national_id": None,
                "phone": "", "village_id": "v1", "house_no": "12"}),
    # a household as schema 0003 knew it: no source, no status
    ("household", {"id": "h1", "village_id": "v1", "house_no": "12", "head_id": "pe1", "phone": ""}),
]


def test_a_bundle_from_an_older_schema_is_upgraded_on_import(laptop, office, capsys, tmp_path):
    """A laptop still on schema 0003 (before households had a source and a status) sends its work."""
    a = laptop("a", office=office)  # only for its enrolled keys
    old = tmp_path / "old.sqlite"
    engine = create_engine(f"sqlite:///{old}")
    migrate(engine, "0003")
    with engine.begin() as conn:
        for seq, (table, row) in enumerate(OLD_ROWS, start=1):
            cols = ", ".join(row)
            conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + c for c in row)})"), row)
            conn.execute(text("INSERT INTO change_log VALUES (:id, :dev, :seq, :at, 'old officer', :t, :r, 'insert', :d)"),
                         {"id": f"e{seq}", "dev": a.device_id, "seq": seq, "at": f"2025-06-0{seq} 08:00:00.000000",
                          "t": table, "r": row["id"], "d": json.dumps(row, ensure_ascii=False)})
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        entries = list(device_entries(s, a.device_id))
    engine.dispose()
    manifest = {"format": 1, "kind": "field", "schema_version": "0003", "device_id": a.device_id,
                "officer": "old officer", "subdistrict_code": "341905", "bundle_seq": 1, "full": True, "seq_from": 1,
                "seq_to": len(entries), "created": "2025-06-10T00:00:00+00:00"}
    zip_path, out = tmp_path / "p.zip", tmp_path / "old.ftb"
    bundle_payload.write_payload(zip_path, manifest, entries, None)
    keys = keyfile.read_private_key(default_key_path(a.db), "officer")
    sealed_file.seal(zip_path, out, {"kind": "field", "sender_device": a.device_id}, keys, office.keys.box_public,
                office.keys.key_id)
    result = imp(capsys, office, out)["bundles"][0]
    assert result["schema_version"] == "0003" and result["pending"] == 0
    with office.session() as s:
        household = s.get(Household, "h1")
        assert (household.source, household.status, household.house_no) == ("field", "target", "12")


def test_a_schedule_from_a_laptop_on_an_older_program_gets_its_running_sums_at_the_office(laptop, office, capsys,
                                                                                          tmp_path):
    """A laptop still on schema 0010 logs its instalments without their running sums; the office works them out from
    the schedule's rows, so the lists read that loan the quick way, with the figures the ledger gives."""
    a = laptop("a", office=office)
    loan_id = a.loan(10_000)  # 3 instalments of 3,333.33 / 3,333.33 / 3,333.34
    a.pay(loan_id, 400_000)
    with a.db.session() as s:
        entries = [
            replace(e, data=json.dumps({k: v for k, v in json.loads(e.data).items() if k != "cumulative_satang"},
                                       ensure_ascii=False), parsed=None)
            if e.table_name == "instalment" else e
            for e in device_entries(s, a.device_id)
        ]
    assert sum(e.table_name == "instalment" for e in entries) == 3 and "cumulative" not in "".join(e.data for e in entries)
    manifest = {"format": 1, "kind": "field", "schema_version": "0010", "device_id": a.device_id,
                "officer": "นางสาวทดสอบ ระบบดี", "subdistrict_code": "341905", "bundle_seq": 1, "full": True,
                "seq_from": 1, "seq_to": entries[-1].seq, "created": "2026-02-01T00:00:00+00:00"}
    zip_path, out = tmp_path / "p.zip", tmp_path / "old.ftb"
    bundle_payload.write_payload(zip_path, manifest, entries, None)
    keys = keyfile.read_private_key(default_key_path(a.db), "officer")
    sealed_file.seal(zip_path, out, {"kind": "field", "sender_device": a.device_id}, keys, office.keys.box_public,
                     office.keys.key_id)
    assert imp(capsys, office, out)["bundles"][0]["pending"] == 0
    with office.session() as s:
        sums = s.execute(select(Instalment.no, Instalment.cumulative_satang).where(Instalment.loan_id == loan_id)
                         .order_by(Instalment.no)).all()
        assert [tuple(r) for r in sums] == [(1, 333_333), (2, 666_666), (3, 1_000_000)]
        on = date(2026, 3, 15)
        assert loan_id in bookrows.read_book(s, on).plain
        quick, whole = bookrows.open_states(s, on)[loan_id], loanbook.load_states(s, on)[loan_id]
        assert (quick.outstanding_satang, quick.arrears_satang, quick.days_overdue) == (
            whole.outstanding_satang, whole.arrears_satang, whole.days_overdue) == (600_000, 266_666, 15)


def test_the_migrations_make_the_same_schema_on_postgresql(pg_server):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    from tests.sync.conftest import new_pg_url

    engine = create_engine(new_pg_url(pg_server))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert diff == [] and version == head_revision()


def test_an_old_postgresql_office_with_data_is_upgraded(pg_server):
    from tests.test_migrations import OLD_ROWS as LOAN_BOOK_0001

    url = pg_server.create_database("old")
    engine = create_engine(url)
    migrate(engine, "0001")
    with engine.begin() as conn:
        for sql in LOAN_BOOK_0001:
            conn.execute(text(sql))
    migrate(engine)
    with engine.connect() as conn:
        checks = conn.execute(text("SELECT count(*) FROM prevent_check")).scalar()
        status = conn.execute(text("SELECT count(*) FROM payment")).scalar()
    engine.dispose()
    assert checks == 12 and status == 1


def test_several_files_at_once_import_the_good_ones_and_name_the_refused(laptop, office, capsys, tmp_path):
    a = laptop("a", office=office)
    c = laptop("c", code="341906", office=office)
    junk = tmp_path / "junk.ftb"
    junk.write_bytes(b"not a bundle at all")
    code = main(["--json", "bundle", "import", str(a.export()), str(junk), str(c.export()), *target_args(office)])
    out = capsys.readouterr()
    assert code == 2
    report = json.loads(out.out)
    assert [r["status"] for r in report["bundles"]] == ["imported", "imported"]
    assert [r["file"] for r in report["refused"]] == [str(junk)]
    assert "junk.ftb is not a fieldtool bundle" in out.err and "1 of 3 bundles were refused" in out.err
