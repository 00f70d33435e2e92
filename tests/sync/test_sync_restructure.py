"""One loan restructured on two laptops: both agreements arrive, the office is told and picks the one that
stands, and the choice travels back to both laptops (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from db.office import default_key_path
from exports import bundle, keyfile
from fieldtool import lending, loanbook
from fieldtool.models import Instalment, Schedule
from tests.sync.conftest import clone_laptop, target_args
from ui.cli import main

ON = date(2026, 3, 1)


def restructure(lap, loan_id: str, count: int, reason: str) -> str:
    with lap.db.session() as s:
        return lending.restructure(s, loan_id, ON, count, date(2026, 4, 30), reason=reason).id


def schedules(db, loan_id: str) -> list[tuple[int, int]]:
    """(version, number of instalments) of every schedule of the loan."""
    with db.session() as s:
        rows = s.scalars(select(Schedule).where(Schedule.loan_id == loan_id).order_by(Schedule.version)).all()
        return [(r.version, len(s.scalars(select(Instalment).where(Instalment.schedule_id == r.id)).all())) for r in rows]


def outstanding(db, loan_id: str) -> list[tuple[date, int]]:
    with db.session() as s:
        state = loanbook.load_states(s, date(2026, 12, 31), [loan_id])[loan_id]
        return [(i.due_date, i.remaining_satang) for i in state.instalments]


def test_two_restructurings_of_one_loan_are_listed_and_the_office_choice_reaches_both_laptops(
        laptop, office, new_office, capsys, tmp_path):
    a = laptop("a", officer="นางสาวเอ ทดสอบ", office=office)
    loan = a.loan(9_000)
    b = clone_laptop(a, "b", office)
    b.db.set_setting("officer", "นายบี ทดสอบ")
    restructure(a, loan, 6, "ผ่อน 6 งวดตามที่ประชุมกลุ่ม")
    kept = restructure(b, loan, 12, "ผ่อน 12 งวดตามที่ผู้กู้ขอ")
    files = [a.export(), b.export()]
    for f in files:
        bundle.import_bundle(office, f)
    assert schedules(office, loan) == [(1, 3), (2, 6), (2, 12)]  # both agreements arrived; nothing lost

    # the ledger settles on one of them the same way whatever the order of the bundles
    other = new_office(office.kind)
    for lap in (a, b):
        lap.enrol_at(other)
    default_key_path(other).unlink()  # the laptops encrypted to `office`: the second one gets its keys
    keyfile.write_private_key(default_key_path(other), office.keys)
    for f in reversed(files):
        bundle.import_bundle(other, f)
    assert outstanding(office, loan) == outstanding(other, loan)

    assert main(["--json", "office", "restructures", *target_args(office)]) == 0
    (item,) = json.loads(capsys.readouterr().out)["items"]
    assert item["loan_id"] == loan and item["version"] == 2
    by_officer = {c["officer"]: c for c in item["choices"]}
    assert set(by_officer) == {"นางสาวเอ ทดสอบ", "นายบี ทดสอบ"}
    assert by_officer["นายบี ทดสอบ"]["instalments"] == 12 and by_officer["นายบี ทดสอบ"]["schedule_id"] == kept
    assert by_officer["นายบี ทดสอบ"]["total"] == by_officer["นางสาวเอ ทดสอบ"]["total"] == "9000.00"

    assert main(["office", "keep-schedule", kept[:8], *target_args(office)]) == 0
    assert "12 งวด" in capsys.readouterr().out
    assert schedules(office, loan) == [(1, 3), (2, 12)]
    assert main(["--json", "office", "restructures", *target_args(office)]) == 0
    assert json.loads(capsys.readouterr().out)["items"] == []

    for lap in (a, b):  # a, whose agreement lost, and b both end with the office's choice
        out = tmp_path / f"return-{lap.name}.ftb"
        bundle.export_return_bundle(office, lap.device_id, out)
        bundle.import_bundle(lap.db, out)
        assert schedules(lap.db, loan) == [(1, 3), (2, 12)]
        assert outstanding(lap.db, loan) == outstanding(office, loan)


def test_keeping_a_schedule_that_has_no_rival_is_one_sentence(laptop, office, capsys):
    a = laptop("a", office=office)
    loan = a.loan()
    sid = restructure(a, loan, 6, "")
    bundle.import_bundle(office, a.export())
    assert main(["office", "keep-schedule", sid, *target_args(office)]) == 2
    err = capsys.readouterr().err
    assert "มีตารางผ่อนชำระฉบับนี้เพียงฉบับเดียว" in err
    assert schedules(office, loan) == [(1, 3), (2, 6)]
