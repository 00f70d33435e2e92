"""A laptop set up from nothing on the command line: its set-up travels in its first bundle to the office."""

from __future__ import annotations

import json

from sqlalchemy import select

from fieldtool.models import BorrowingGroup, ChangeLog, Fund, Subdistrict, Village
from tests.sync.conftest import office_card, target_args
from ui.cli import main


def cli(capsys, *args, expect=0):
    code = main([*args])
    out = capsys.readouterr()
    assert code == expect, out.err
    return out


def test_set_up_changes_travel_in_the_next_bundle_and_appear_at_the_office(office, tmp_path, capsys):
    laptop = tmp_path / "laptop" / "field.sqlite"
    db = ["--db", str(laptop)]
    cli(capsys, *db, "init", "--officer", "นางสาวพัชรินทร์ ศรีสุข")
    cli(capsys, *db, "setup", "place", "--province", "34", "อุบลราชธานี", "--district", "3419", "พิบูลมังสาหาร",
        "--subdistrict", "341905", "โนนกลาง")
    cli(capsys, *db, "village", "add", "--moo", "1", "--name", "บ้านโนนสูง")
    cli(capsys, *db, "village", "add", "--moo", "2", "--name", "บ้านหนองบวั")
    cli(capsys, *db, "village", "rename", "2", "--name", "บ้านหนองบัว")  # a typo corrected
    cli(capsys, *db, "fund", "add", "--name", "กองทุน กข.คจ. ตำบลโนนกลาง", "--kind", "kkkj", "--instalments", "4",
        "--frequency", "half-yearly", "--demand-days", "1,45,90")
    cli(capsys, *db, "fund", "edit", "กองทุน กข.คจ. ตำบลโนนกลาง", "--max-loan", "30,000")  # its maximum loan, set later
    cli(capsys, *db, "group", "add", "--village", "1", "--name", "กลุ่มทอผ้าไหม", "--chair", "นาง,สมศรี,ใจดี")

    # keys, as an officer does them once
    card = tmp_path / "office.pub"
    card.write_text(json.dumps(office_card(office), ensure_ascii=False), encoding="utf-8")
    cli(capsys, *db, "keys", "init")
    cli(capsys, *db, "keys", "trust-office", str(card))
    cli(capsys, *db, "keys", "export", "--out", str(tmp_path / "officer.pub"))
    cli(capsys, "office-keys", "enrol", str(tmp_path / "officer.pub"), *target_args(office))

    out = tmp_path / "first.ftb"
    cli(capsys, *db, "bundle", "export", "--out", str(out))
    cli(capsys, "bundle", "import", str(out), *target_args(office))

    with office.session() as s:
        sub = s.scalars(select(Subdistrict)).one()
        villages = {v.moo: (v.name, v.code) for v in s.scalars(select(Village))}
        fund = s.scalars(select(Fund)).one()
        group = s.scalars(select(BorrowingGroup)).one()
        renamed = s.scalars(select(ChangeLog).where(ChangeLog.table_name == "village", ChangeLog.action == "update"))
        officers = {e.officer for e in renamed}
    assert (sub.code, sub.name) == ("341905", "โนนกลาง")
    assert villages == {1: ("บ้านโนนสูง", "34190501"), 2: ("บ้านหนองบัว", "34190502")}
    assert (fund.name, fund.kind, fund.default_frequency) == ("กองทุน กข.คจ. ตำบลโนนกลาง", "kkkj", "half-yearly")
    assert json.loads(fund.demand_rules)["days"] == [1, 45, 90]
    assert fund.max_loan_satang == 3_000_000
    assert group.name == "กลุ่มทอผ้าไหม" and group.chair_id
    assert officers == {"นางสาวพัชรินทร์ ศรีสุข"}  # the correction is in the office's audit trail, with who made it
