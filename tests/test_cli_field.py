"""The command line for households, plans, visits and meetings, including bad input."""

import json

from PIL import Image

from tests.test_cli import run, run_json, snapshot


def add_household(db, capsys, *extra, expect=0):
    return run(db, "--json", "household", "add", "--village", "3", "--head", "นาง,มาลัย,ทองคำ", "--house-no", "12/1",
               "--source", "tpmap", "--need", "income:รายได้ไม่พอ", "--member", "นาย,สมหมาย,ทองคำ,,,สามี", *extra,
               expect=expect, capsys=capsys)


def test_household_add_show_and_the_duplicate_guard(book, capsys):
    db = book.db
    hid = json.loads(add_household(db, capsys).out)["id"]
    shown = run_json(db, capsys, "household", "show", hid)
    assert shown["head"] == "นางมาลัย ทองคำ" and shown["source"] == "tpmap" and shown["stale"] is True
    assert {"name": "นายสมหมาย ทองคำ", "relation": "สามี"} in shown["members"]
    assert shown["needs"] == [{"dimension": "income", "dimension_th": "รายได้", "description": "รายได้ไม่พอ"}]
    before = snapshot(db)
    out = run(db, "household", "add", "--village", "บ้านหนองบัว", "--head", "นาง,มาลัย,ทองคํา", expect=2, capsys=capsys)
    assert "อาจซ้ำกับ นางมาลัย ทองคำ" in out.err and hid in out.err
    assert snapshot(db) == before


def test_plan_set_show_and_summary(book, capsys, tmp_path):
    db = book.db
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps({
        "made_on": "5/10/2569",
        "findings": {"attitude": "อยากมีรายได้ประจำ", "skills": "เลี้ยงไก่ได้", "resources": "มีที่ดิน ๒ ไร่",
                     "way_out": "เลี้ยงไก่ไข่ขาย"},
        "decision": "เราจะเลี้ยงไก่ไข่ขายในหมู่บ้าน",
        "actions": [{"part": "skills", "what": "อบรมการเลี้ยงไก่ไข่", "helper": "ปศุสัตว์อำเภอ", "due_on": "2026-11-30",
                     "budget": "1,500"}],
    }, ensure_ascii=False), encoding="utf-8")
    assert run_json(db, capsys, "plan", "set", book.household_id, "--file", str(plan_file))["revision"] == 1
    plan = run_json(db, capsys, "plan", "show", book.household_id, "--on", "2026-12-05")
    skills = next(p for p in plan["parts"] if p["part"] == "skills")
    assert skills["part_th"] == "ทักษะ" and skills["findings"] == "เลี้ยงไก่ได้"
    (action,) = skills["actions"]
    assert action["overdue"] is True and action["budget"] == "1500.00"
    run(db, "plan", "action", action["id"], "--status", "done", "--on", "2026-12-01", "--note", "อบรมแล้ว", capsys=capsys)
    summary = run_json(db, capsys, "plans", "summary", "--on", "2026-12-05")
    assert summary["overdue"] == [] and summary["households_with_plans"] == 1
    assert summary["help_by_agency"] == [{"agency": "ปศุสัตว์อำเภอ", "actions": 1, "open": 0, "budget": "1500.00"}]


def test_bad_plan_input_changes_nothing(book, capsys, tmp_path):
    db = book.db
    before = snapshot(db)
    out = run(db, "plan", "show", "no-such-household", expect=2, capsys=capsys)
    assert "no such household" in out.err
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    assert "not valid JSON" in run(db, "plan", "set", book.household_id, "--file", str(broken), expect=2, capsys=capsys).err
    bad_date = tmp_path / "bad.json"
    bad_date.write_text(json.dumps({"made_on": "31/02/2569", "findings": {"skills": "x"}}))
    assert "31/02/2569" in run(db, "plan", "set", book.household_id, "--file", str(bad_date), expect=2, capsys=capsys).err
    assert snapshot(db) == before


def test_visit_add_with_money_photo_and_next_visit(book, capsys, tmp_path):
    from tests.test_cli import add_loan

    db = book.db
    loan_id = add_loan(db, book, capsys)
    photo = tmp_path / "visit.jpg"
    Image.new("RGB", (3000, 2000), (90, 160, 90)).save(photo)
    out = run_json(db, capsys, "visit", "add", "--on", "10/2/2569 10:30", "--village", "3", "--place", "ที่ทำการกลุ่ม",
                   "--purpose", "ask:field", "--loan", loan_id, "--collect", f"{loan_id}:1,000",
                   "--photo", str(photo), "--gps", "15.24,105.23", "--next", "2026-03-01",
                   "--findings", "ประธานกลุ่มรับปากชำระส่วนที่เหลือสิ้นเดือน")
    assert out["visited_on"] == "2026-02-10" and len(out["payments"]) == 1
    assert out["photos"][0]["width"] == 1600
    assert (tmp_path / "field-photos" / out["photos"][0]["file"]).is_file()
    shown = run_json(db, capsys, "loan", "show", loan_id, "--on", "2026-02-10")
    assert shown["paid"] == "1000.00"
    listed = run_json(db, capsys, "visit", "list", "--on", "2026-03-01")
    assert listed["items"][0]["about"]["loan"] == [loan_id]
    assert [t["visit_id"] for t in listed["next_visit_tasks"]] == [out["id"]]


def test_a_bad_visit_writes_nothing(book, capsys, tmp_path):
    from tests.test_cli import add_loan

    db = book.db
    loan_id = add_loan(db, book, capsys)
    not_a_photo = tmp_path / "notes.jpg"
    not_a_photo.write_text("บันทึก")
    before = snapshot(db)
    for args, message in (
        (["--photo", str(not_a_photo)], "cannot read the photo"),
        (["--on", "30/02/2569"], "30/02/2569"),
        (["--household", "no-such-household"], "no such household"),
        (["--collect", f"{loan_id}:-50"], "ติดลบ"),
        (["--gps", "north"], "GPS"),
    ):
        err = run(db, "visit", "add", "--village", "3", "--loan", loan_id, "--collect", f"{loan_id}:500", *args,
                  expect=2, capsys=capsys).err
        assert message in err, err
    assert snapshot(db) == before
    assert not (tmp_path / "field-photos").exists()


def test_meeting_add_ticks_the_guarantee_item(book, capsys):
    db = book.db
    loan_id = run(db, "loan", "add", "--fund", "กข.คจ.", "--group", book.group_id, "--principal", "5000",
                  "--first-due", "2026-06-30", "--applied", "2026-05-01", capsys=capsys).out.strip()
    run(db, "meeting", "add", "--kind", "guarantee", "--on", "2026-05-10", "--place", "ศาลากลางบ้าน",
        "--loan", loan_id, "--outcomes", "สมาชิกค้ำประกันกันครบ", capsys=capsys)
    checklist = run_json(db, capsys, "loan", "show", loan_id, "--on", "2026-05-10")["prevent_checklist"]
    assert next(c for c in checklist if c["item"] == "guarantee")["done"] is True
