"""A replacement laptop, or a new officer, set up from what the district office holds: the seed bundle and the
handover it records, at a SQLite office and at a PostgreSQL office."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from db import open_database
from fieldtool import loanbook
from fieldtool.models import Handover, Loan, Payment
from fieldtool.sync.tables import table_infos
from tests.sync.conftest import district_dump, office_card, snapshot, target_args
from ui.cli import main

CODE = "341905"
HANDED_ON = "2026-03-01"


def cli(capsys, *args, expect=0) -> str:
    code = main([*map(str, args)])
    out = capsys.readouterr()
    assert code == expect, out.err
    return out.out if expect == 0 else out.err


def cli_json(capsys, *args) -> dict:
    return json.loads(cli(capsys, "--json", *args))


def error_line(capsys, *args) -> str:
    err = cli(capsys, *args, expect=2)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err  # one clear sentence
    return lines[0]


def paid(db, loan_id: str) -> int:
    with db.session() as s:
        return loanbook.load_states(s, date(2026, 3, 31), [loan_id])[loan_id].paid_satang


def count(db, model) -> int:
    with db.session() as s:
        return len(s.scalars(select(model)).all())


def new_laptop(capsys, office, folder: Path, officer: str = "นายสมชาย ใจงาม", code: str = CODE) -> tuple[list[str], Path]:
    """A new laptop as its officer makes it: an empty database, its key, the office trusted; its key file for the office."""
    db = ["--db", folder / "field.sqlite"]
    cli(capsys, *db, "init", "--officer", officer)
    cli(capsys, *db, "keys", "init")
    office_pub = folder / "office.pub"
    office_pub.write_text(json.dumps(office_card(office), ensure_ascii=False), encoding="utf-8")
    cli(capsys, *db, "keys", "trust-office", office_pub)
    card = folder / "officer.pub"
    cli(capsys, *db, "keys", "export", "--out", card, "--subdistrict", code)
    return db, card


def worked_and_died(laptop, office, capsys):
    """The old laptop lends, takes two payments in two bundles that reach the office, then is lost."""
    old = laptop("old", office=office, officer="นางสาวมาลี เดิมที")
    loan = old.loan(10_000)
    old.pay(loan, 150_000)
    cli(capsys, "bundle", "import", old.export(), *target_args(office))
    old.pay(loan, 50_000, date(2026, 2, 20))
    cli(capsys, "bundle", "import", old.export(), *target_args(office))
    old.db.dispose()
    return old, loan


def test_a_replacement_laptop_starts_from_the_office_and_its_first_bundle_counts_nothing_twice(
        laptop, office, capsys, tmp_path):
    old, loan = worked_and_died(laptop, office, capsys)
    db, card = new_laptop(capsys, office, tmp_path / "new")
    seed = tmp_path / "usb" / "seed-341905.ftb"
    made = cli_json(capsys, "office", "seed", "--subdistrict", CODE, "--key", card, "--out", seed, "--on", HANDED_ON,
                    *target_args(office))
    handed = made["handover"]
    assert handed["from_officers"] == ["นางสาวมาลี เดิมที"] and handed["to_officer"] == "นายสมชาย ใจงาม"
    assert (handed["households"], handed["loans"], handed["open_loans"], handed["overdue_loans"]) == (1, 1, 1, 1)
    assert handed["outstanding"] == "8000.00" and handed["arrears"] == "4666.66"  # 2 instalments of 3,333.33 due

    applied = cli_json(capsys, *db, "bundle", "import", seed)["bundles"][0]
    assert applied["status"] == "imported" and applied["handover"]["differs"] == {}
    new = open_database(tmp_path / "new" / "field.sqlite")
    try:
        assert new.setting("device_id") != old.device_id  # its own device: its changes are numbered apart
        assert paid(new, loan) == 200_000
        shown = cli(capsys, *db, "handover")
        assert "นางสาวมาลี เดิมที" in shown and "นายสมชาย ใจงาม" in shown and "8,000.00" in shown

        # the new laptop takes a payment and sends its first bundle
        cli(capsys, *db, "pay", loan[:8], "--amount", "1,000", "--on", "2026-03-05")
        first = tmp_path / "usb" / "new-1.ftb"
        cli(capsys, *db, "bundle", "export", "--out", first)
        merged = cli_json(capsys, "bundle", "import", first, *target_args(office))["bundles"][0]
        assert merged["status"] == "imported" and merged["conflicts_new"] == 0 and merged["pending"] == 0
        assert paid(office, loan) == 300_000  # 1,500 + 500 from the old laptop, 1,000 from the new one
        assert count(office, Loan) == 1 and count(office, Payment) == 3
        field, district = district_dump(new), district_dump(office)
        for table in table_infos():
            assert district[table] == field[table], table  # one book, nothing seeded came back twice
        # what the seed carried is acknowledged: the office has nothing more to send the new laptop
        again = cli_json(capsys, "office", "return-bundle", "--device", new.setting("device_id"),
                         "--out", tmp_path / "usb" / "return.ftb", *target_args(office))
        assert again["file"] is None
    finally:
        new.dispose()


def test_the_handover_is_recorded_at_the_office_and_shown_on_the_new_laptop(laptop, office, capsys, tmp_path):
    old, _loan = worked_and_died(laptop, office, capsys)
    db, card = new_laptop(capsys, office, tmp_path / "new")
    seed = tmp_path / "seed.ftb"
    cli(capsys, "office", "seed", "--subdistrict", CODE, "--key", card, "--out", seed, "--on", HANDED_ON,
        *target_args(office))
    cli(capsys, *db, "bundle", "import", seed)
    at_office = cli_json(capsys, "handover", *target_args(office))
    on_laptop = cli_json(capsys, *db, "handover")
    assert at_office["count"] == on_laptop["count"] == 1
    assert at_office["items"] == on_laptop["items"]
    item = on_laptop["items"][0]
    assert item["handed_on"] == HANDED_ON and item["subdistrict_code"] == CODE
    assert item["by"] == "นายอำเภอ ทดสอบ (พัฒนาการอำเภอ)" and item["from_devices"] == [old.device_id]
    assert item["outstanding_principal"] == "8000.00"
    # the laptop serves the subdistrict it was handed: its set-up is complete without the wizard
    assert cli_json(capsys, *db, "setup", "show")["place"]["subdistrict"]["code"] == CODE
    with office.session() as s:
        assert len(s.scalars(select(Handover)).all()) == 1


def test_the_seed_carries_the_letterhead_but_not_the_old_laptops_letter_numbers(laptop, office, capsys, tmp_path):
    old = laptop("old", office=office)
    cli(capsys, "--db", old.db.path, "office", "set", "signer_name", "นายวิชัย พัฒนาดี")
    cli(capsys, "--db", old.db.path, "office", "set", "letter_block", "201-400")
    cli(capsys, "bundle", "import", old.export(), *target_args(office))
    db, card = new_laptop(capsys, office, tmp_path / "new")
    seed = tmp_path / "seed.ftb"
    cli(capsys, "office", "seed", "--subdistrict", CODE, "--key", card, "--out", seed, *target_args(office))
    cli(capsys, *db, "bundle", "import", seed)
    letterhead = cli_json(capsys, *db, "office", "show")
    assert letterhead["signer_name"] == "นายวิชัย พัฒนาดี" and letterhead["letter_block"] == ""


def test_a_seed_goes_only_into_an_empty_database(laptop, office, capsys, tmp_path):
    worked_and_died(laptop, office, capsys)
    db, card = new_laptop(capsys, office, tmp_path / "new")
    seed = tmp_path / "seed.ftb"
    cli(capsys, "office", "seed", "--subdistrict", CODE, "--key", card, "--out", seed, *target_args(office))
    cli(capsys, *db, "setup", "place", "--province", "34", "อุบลราชธานี", "--district", "3419", "พิบูลมังสาหาร",
        "--subdistrict", CODE, "โนนกลาง")
    laptop_db = open_database(tmp_path / "new" / "field.sqlite")
    before = snapshot(laptop_db)
    assert "already holds records" in error_line(capsys, *db, "bundle", "import", seed)
    assert snapshot(laptop_db) == before
    laptop_db.dispose()


def test_a_seed_is_refused_for_a_laptop_that_has_sent_work_another_subdistrict_or_an_unknown_one(
        laptop, office, capsys, tmp_path):
    old, _loan = worked_and_died(laptop, office, capsys)
    before = snapshot(office)
    seed = tmp_path / "seed.ftb"
    old_card = tmp_path / "old.pub"
    old_card.write_text(json.dumps(old.card(), ensure_ascii=False), encoding="utf-8")
    assert "a seed is for a new laptop" in error_line(
        capsys, "office", "seed", "--subdistrict", CODE, "--key", old_card, "--out", seed, *target_args(office))
    _db, card = new_laptop(capsys, office, tmp_path / "new", code="341906")
    assert "the key file is for subdistrict 341906, not 341905" in error_line(
        capsys, "office", "seed", "--subdistrict", CODE, "--key", card, "--out", seed, *target_args(office))
    assert "holds nothing of subdistrict 341906" in error_line(
        capsys, "office", "seed", "--subdistrict", "341906", "--key", card, "--out", seed, *target_args(office))
    assert "not the 6-digit code of a subdistrict of this district" in error_line(
        capsys, "office", "seed", "--subdistrict", "120101", "--key", card, "--out", seed, *target_args(office))
    assert not seed.exists() and snapshot(office) == before


def test_the_handover_reads_in_words_in_the_change_log(laptop, office, capsys, tmp_path):
    worked_and_died(laptop, office, capsys)
    db, card = new_laptop(capsys, office, tmp_path / "new")
    seed = tmp_path / "seed.ftb"
    cli(capsys, "office", "seed", "--subdistrict", CODE, "--key", card, "--out", seed, "--on", HANDED_ON,
        *target_args(office))
    cli(capsys, *db, "bundle", "import", seed)
    shown = [line for line in cli(capsys, *db, "history").splitlines() if "การส่งมอบงาน" in line]
    assert len(shown) == 1, shown
    assert "การส่งมอบงาน (handover)  ส่งมอบตำบลold ให้ นายสมชาย ใจงาม วันที่ 1 มี.ค. 2569" in shown[0]
    assert "ผู้ดูแลเดิม (held before by): นางสาวมาลี เดิมที" in shown[0]
    assert "ยอดคงค้าง (outstanding): 8,000.00 บาท" in shown[0] and "to_device" not in shown[0]
