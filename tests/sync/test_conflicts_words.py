"""A conflict read by people: the office's list names the person and the field in words, and the office's
decision, once its return bundle is applied, closes the conflict on the laptops too, with the winning
value the one each laptop uses and shows. Real bundles, on SQLite and on PostgreSQL offices."""

from __future__ import annotations

import json

from fieldtool.officedesk import conflict_items
from fieldtool.phone import format_phone
from tests.sync.conftest import clone_laptop, target_args
from tests.sync.test_sync_merge import imp, phone
from ui.cli import main

A_PHONE, B_PHONE = "0811111111", "0822222222"  # shown as 081-111-1111 (fieldtool.phone)


def two_laptops_edit_one_phone(laptop, office, capsys):
    """a and b (a copy of a) both correct นายบุญมี ศรีสุข's household phone without seeing each other's."""
    a = laptop("a", officer="นางสาวเอ ทดสอบ", office=office)
    b = clone_laptop(a, "b", office)
    b.db.set_setting("officer", "นายบี ทดสอบ")
    a.set_phone(A_PHONE)
    b.set_phone(B_PHONE)  # later: the merge takes it until the office decides
    imp(capsys, office, a.export(), b.export())
    return a, b


def conflicts(capsys, *where, every=False) -> dict:
    assert main(["--json", "office", "conflicts", *(["--all"] if every else []), *where]) == 0
    return json.loads(capsys.readouterr().out)


def give_back(capsys, office, lap, tmp_path, n: int) -> dict:
    """The office's return bundle for one laptop, applied on that laptop."""
    out = tmp_path / f"return-{lap.name}-{n}.ftb"
    assert main(["office", "return-bundle", "--device", lap.device_id, "--out", str(out), *target_args(office)]) == 0
    capsys.readouterr()
    assert main(["--db", str(lap.db.path), "--json", "bundle", "import", str(out)]) == 0
    return json.loads(capsys.readouterr().out)["bundles"][0]


def test_the_office_conflict_line_names_the_person_and_the_field_not_a_table_and_an_id(laptop, office, capsys):
    a, _b = two_laptops_edit_one_phone(laptop, office, capsys)
    assert main(["office", "conflicts", *target_args(office)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert "นายบุญมี ศรีสุข หมู่ที่ 3 บ้านหนองบัว – โทรศัพท์: ใช้ 082-222-2222 (นายบี ทดสอบ, " in line
    assert "แทน 081-111-1111 (นางสาวเอ ทดสอบ, " in line and "น. (เวลาประเทศไทย)" in line
    assert "household" not in line and a.household_id[:8] not in line.split()[1:]

    (item,) = conflicts(capsys, *target_args(office))["items"]
    assert item["record"] == "นายบุญมี ศรีสุข หมู่ที่ 3 บ้านหนองบัว" and item["field_label"] == "โทรศัพท์"
    assert (item["chosen"]["words"], item["other"]["words"], item["in_use"]) == (format_phone(B_PHONE), format_phone(A_PHONE), B_PHONE)
    assert item["chosen"]["at"].endswith("+07:00")


def test_the_office_decision_closes_the_conflict_on_both_laptops_with_the_office_value_in_use(
        laptop, office, capsys, tmp_path):
    a, b = two_laptops_edit_one_phone(laptop, office, capsys)
    # b hears of a's edit before the office decides: the laptop sees the same conflict, still open
    first = give_back(capsys, office, b, tmp_path, 1)
    assert first["conflicts_new"] == 1
    (waiting,) = conflicts(capsys, "--db", str(b.db.path))["items"]
    assert waiting["status"] == "open" and waiting["in_use"] == B_PHONE == phone(b.db, b.household_id)

    (item,) = conflicts(capsys, *target_args(office))["items"]
    assert main(["office", "resolve", item["id"][:8], "--take", "other", *target_args(office)]) == 0
    said = capsys.readouterr().out
    assert "ตัดสินแล้ว: นายบุญมี ศรีสุข หมู่ที่ 3 บ้านหนองบัว – โทรศัพท์: ใช้ 081-111-1111" in said

    for lap, n in ((b, 2), (a, 1)):
        back = give_back(capsys, office, lap, tmp_path, n)
        assert back["conflicts_new"] == 0  # nothing new to review: the decision came with it
        assert conflicts(capsys, "--db", str(lap.db.path))["items"] == []  # no longer listed as open
        (decided,) = conflicts(capsys, "--db", str(lap.db.path), every=True)["items"]
        assert decided["status"] == "took_other" and decided["resolved_by"] == "นายอำเภอ ทดสอบ (พัฒนาการอำเภอ)"
        assert decided["in_use"] == A_PHONE == phone(lap.db, lap.household_id)  # the value shown is the one used
        assert "ใช้ 081-111-1111" in decided["text"] and "[ตัดสินแล้ว: ใช้อีกค่า]" in decided["text"]
        with lap.db.session() as s:
            (shown,) = conflict_items(s, include_resolved=True)
        assert (shown.in_use_words, shown.not_used_words) == (format_phone(A_PHONE), format_phone(B_PHONE))

    # the laptops' next bundles bring the decision back to the office: it stays decided there
    imp(capsys, office, a.export(), b.export())
    assert conflicts(capsys, *target_args(office))["items"] == []
