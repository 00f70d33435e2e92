"""The command line contract the district office scripts against, including bad input."""

import json
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import inspect, text

from ui.cli import main


def run(db, *args, expect=0, capsys=None):
    code = main(["--db", str(db.path), *args])
    out = capsys.readouterr()
    assert code == expect, out.err
    return out


def run_json(db, capsys, *args):
    return json.loads(run(db, "--json", *args, capsys=capsys).out)


def snapshot(db):
    """Row counts of every table: what 'writes nothing' means to a user."""
    with db.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}


def add_loan(db, book, capsys, *extra):
    out = run(db, "loan", "add", "--fund", "กข.คจ.", "--group", book.group_id, "--principal", "10,000",
              "--instalments", "3", "--first-due", "31/01/2569", "--applied", "2025-11-01",
              "--disbursed", "1/12/2568", "--reason", "ย้ายสัญญาเดิมเข้าระบบ", *extra, capsys=capsys)
    return out.out.strip()


def test_loan_add_prints_the_new_id_and_loan_show_tells_its_schedule(book, capsys):
    db = book.db
    loan_id = add_loan(db, book, capsys)
    assert len(loan_id) == 36
    shown = run_json(db, capsys, "loan", "show", loan_id, "--on", "2026-02-01")
    assert shown["borrower"] == "กลุ่มทอผ้าไหมบ้านหนองบัว"
    assert [r["amount"] for r in shown["schedule"]] == ["3333.33", "3333.33", "3333.34"]
    assert [r["due_date"] for r in shown["schedule"]] == ["2026-01-31", "2026-02-28", "2026-03-31"]
    assert shown["stage"] == "ask" and shown["days_overdue"] == 1
    assert shown["prevent_override"] == "ย้ายสัญญาเดิมเข้าระบบ"
    text_out = run(db, "loan", "show", loan_id, "--on", "2026-02-01", capsys=capsys).out
    assert "31 ม.ค. 2569" in text_out and "3,333.34" in text_out


def test_pay_reminders_deliver_and_arrears_work_together(book, capsys):
    db = book.db
    loan_id = add_loan(db, book, capsys)
    items = run_json(db, capsys, "reminders", "--on", "๑/๑/๒๕๖๙")["items"]
    assert [(i["kind"], i["instalment_no"], i["due_date"], i["amount_due"], i["days_overdue"]) for i in items] == [
        ("notice-30", 1, "2026-01-31", "3333.33", 0)
    ]
    assert items[0]["loan_id"] == loan_id and items[0]["borrower"] == "กลุ่มทอผ้าไหมบ้านหนองบัว"
    run(db, "deliver", items[0]["id"], "--how", "line", "--on", "2026-01-01", capsys=capsys)
    assert run_json(db, capsys, "reminders", "--on", "2026-01-02")["items"] == []

    paid = run_json(db, capsys, "pay", loan_id, "--amount", "1000", "--on", "2026-01-31")
    assert paid["outstanding"] == "9000.00"
    asks = run_json(db, capsys, "reminders", "--on", "2026-02-10", "--kind", "ask")["items"]
    assert [(a["kind"], a["amount_due"], a["days_overdue"]) for a in asks] == [("ask", "2333.33", 10)]

    report = run_json(db, capsys, "arrears", "--on", "2026-03-05")
    (item,) = report["items"]
    assert item["days_overdue"] == 33 and item["bucket"] == "31-60" and item["arrears"] == "5666.66"
    assert report["buckets"]["31-60"] == {"loans": 1, "arrears": "5666.66"}
    assert report["total"]["par30"] == 1.0
    # one notice delivered; the 15- and 7-day notices of instalment 1 and all three of instalment 2 missed
    assert report["notices"] == {"delivered": 1, "missed": 5, "settled": 0, "open": 1}


@pytest.mark.parametrize(
    "args, message",
    [
        (["pay", "LOAN", "--amount", "-5", "--on", "2026-01-05"], "ติดลบ"),
        (["pay", "LOAN", "--amount", "สามร้อย", "--on", "2026-01-05"], "สามร้อย"),
        (["pay", "LOAN", "--amount", "0", "--on", "2026-01-05"], "มากกว่าศูนย์"),
        (["pay", "LOAN", "--amount", "100", "--on", "31/02/2569"], "31/02/2569"),
        (["pay", "no-such-loan", "--amount", "100", "--on", "2026-01-05"], "no such loan"),
        (["loan", "show", "no-such-loan"], "no such loan"),
        (["deliver", "notice-7:nothing", "--how", "phone"], "no such reminder"),
        (["reminders", "--on", "2026-02-30"], "2026-02-30"),
        (["loan", "add", "--fund", "กข.คจ.", "--group", "GROUP", "--principal", "1000", "--first-due", "2026-13-01"],
         "2026-13-01"),
        (["loan", "add", "--fund", "ไม่มีกองทุนนี้", "--group", "GROUP", "--principal", "1000", "--first-due", "2027-01-01"],
         "no such fund"),
    ],
)
def test_bad_input_gets_one_clear_sentence_and_changes_nothing(book, capsys, args, message):
    db = book.db
    loan_id = add_loan(db, book, capsys)
    args = [a.replace("LOAN", loan_id).replace("GROUP", book.group_id) for a in args]
    before = snapshot(db)
    err = run(db, *args, expect=2, capsys=capsys).err
    assert message in err
    assert err.startswith("ข้อผิดพลาด: ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert snapshot(db) == before


def test_an_invalid_national_id_is_refused_before_anything_is_written(book):
    from fieldtool import registry
    from fieldtool.thai import InputError

    before = snapshot(book.db)
    with pytest.raises(InputError, match="national ID"), book.db.session() as s:
        registry.add_person(s, "มาลัย", "ทองคำ", "นาง", national_id="1234567890123")
    assert snapshot(book.db) == before


def test_a_half_done_command_leaves_nothing_behind(book, capsys):
    """loan add with a disbursement that is refused must not leave the loan half-added."""
    db = book.db
    before = snapshot(db)
    out = run(db, "loan", "add", "--fund", "กข.คจ.", "--group", book.group_id, "--principal", "5000",
              "--first-due", "2026-06-30", "--applied", "2026-05-01", "--disbursed", "2026-05-20",
              expect=2, capsys=capsys)
    assert "รายการป้องกันยังไม่ครบ" in out.err
    assert snapshot(db) == before


def test_commands_need_an_existing_database_except_init(tmp_path, capsys):
    missing = tmp_path / "nothing.sqlite"
    assert main(["--db", str(missing), "reminders"]) == 2
    assert "fieldtool init" in capsys.readouterr().err
    assert not missing.exists()
    assert main(["--db", str(missing), "--json", "init", "--officer", "นายสมชาย ใจดี"]) == 0
    assert json.loads(capsys.readouterr().out)["device_id"]


def test_the_installed_command_runs_in_a_real_process(book):
    """The entry point scripts call, end to end, in a separate process."""
    out = subprocess.run(
        [sys.executable, "-m", "ui.cli", "--db", str(book.db.path), "reminders", "--on", "2026-01-01", "--json"],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(out.stdout) == {"on": "2026-01-01", "count": 0, "items": []}


def test_history_shows_the_audit_trail(book, capsys):
    db = book.db
    loan_id = add_loan(db, book, capsys)
    items = run_json(db, capsys, "history", "--record", loan_id)["items"]
    assert {i["action"] for i in items} == {"insert", "update"}
    assert all(i["officer"] == "นางสาวทดสอบ ระบบดี" for i in items)
    assert date.fromisoformat(items[0]["at"][:10]) <= date.today()
