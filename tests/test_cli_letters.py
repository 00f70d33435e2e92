"""Letters from the command line: a day's batch, one letter, reprints, and bad input."""

import subprocess

import pytest

from fieldtool import letters
from tests.test_cli import add_loan, run, run_json, snapshot


@pytest.fixture
def office(book):
    with book.db.session() as s:
        letters.demo_office_settings(s)
    return book


def test_the_days_letters_in_one_pdf_with_the_dispatch_list(office, capsys, tmp_path):
    db = office.db
    loan_id = add_loan(db, office, capsys)
    out = tmp_path / "letters-2569-01-01.pdf"
    result = run_json(db, capsys, "letters", "--on", "1/1/2569", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    (letter,) = result["letters"]
    assert letter["number"] == "ที่ อบ ๐๐๑๗.๑๕/๒๐๑" and letter["kind"] == "notice-30"
    assert letter["date"] == "๑ มกราคม ๒๕๖๙" and letter["amount"] == "๓,๓๓๓.๓๓"
    assert letter["loan_id"] == loan_id and not letter["reprint"]
    assert result["pages"] == 3  # the letter, its schedule, the dispatch list
    # the last page is the dispatch list (pdftotext drops the substituted tone-mark glyphs, so compare
    # text without marks: the letter number and the total line)
    last = subprocess.run(["pdftotext", "-f", "3", "-l", "3", "-layout", str(out), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "อบ ๐๐๑๗.๑๕/๒๐๑" in last and "รวม ๑ ฉบับ" in last
    # the notice was recorded as delivered by letter; printing the day again reprints the same letter
    assert run_json(db, capsys, "reminders", "--on", "2026-01-01")["items"] == []
    again = run_json(db, capsys, "letters", "--on", "2026-01-01", "--out", str(tmp_path / "again.pdf"))
    assert [(x["number"], x["reprint"]) for x in again["letters"]] == [("ที่ อบ ๐๐๑๗.๑๕/๒๐๑", True)]


def test_one_demand_letter_and_its_reprint(office, capsys, tmp_path):
    db = office.db
    loan_id = add_loan(db, office, capsys)
    first = run_json(db, capsys, "letter", loan_id, "--kind", "demand-1", "--on", "2026-02-10",
                     "--out", str(tmp_path / "d1.pdf"))["letters"][0]
    assert first["subject"] == "ขอให้ชำระหนี้เงินกู้ยืมกข.คจ.ที่ค้างชำระ"
    assert "เกินกำหนดมาแล้ว ๑๐ วัน" in " ".join(first["body"])
    again = run_json(db, capsys, "letter", loan_id, "--kind", "demand-1", "--on", "2026-02-20",
                     "--out", str(tmp_path / "d1-again.pdf"))["letters"][0]
    assert (again["number"], again["date"], again["reprint"]) == (first["number"], "๑๐ กุมภาพันธ์ ๒๕๖๙", True)


def test_bad_letter_requests_leave_no_file_and_spend_no_number(office, capsys, tmp_path):
    db = office.db
    loan_id = add_loan(db, office, capsys)
    before = snapshot(db)
    cases = [
        (["letters", "--on", "2025-12-02", "--out", str(tmp_path / "none.pdf")], "no letters are due"),
        (["letter", "no-such-loan", "--kind", "demand-1", "--out", str(tmp_path / "x.pdf")], "no such loan"),
        (["letter", loan_id, "--kind", "demand-1", "--on", "2026-01-05", "--out", str(tmp_path / "y.pdf")],
         "nothing is overdue"),
        (["letters", "--on", "2026-01-01", "--out", str(tmp_path / "no-such-dir" / "z.pdf")], "cannot write"),
    ]
    for args, message in cases:
        err = run(db, *args, expect=2, capsys=capsys).err
        assert message in err, err
    assert snapshot(db) == before
    assert not [p.name for p in tmp_path.rglob("*") if p.suffix in (".pdf", ".part")]


def test_templates_from_the_command_line(office, capsys, tmp_path):
    db = office.db
    bad = tmp_path / "bad.json"
    bad.write_text('{"subject": "แจ้ง {nickname}", "body": []}', encoding="utf-8")
    assert "nickname" in run(db, "template", "set", "notice", "--file", str(bad), expect=2, capsys=capsys).err
    good = tmp_path / "good.json"
    good.write_text('{"subject": "แจ้งกำหนดชำระ {fund}", "body": ["งวดที่ {instalment_no} ครบกำหนด {due_date}"]}',
                    encoding="utf-8")
    shown = run_json(db, capsys, "template", "set", "notice-7", "--file", str(good))
    assert shown["subject"] == "แจ้งกำหนดชำระ {fund}"
    assert "borrower" in shown["placeholders"]


def test_office_settings_from_the_command_line(office, capsys):
    db = office.db
    assert "201-400" in run(db, "office", "show", capsys=capsys).out
    assert "letter block" in run(db, "office", "set", "letter_block", "ห้าสิบ", expect=2, capsys=capsys).err
    assert run_json(db, capsys, "office", "set", "letter_block", "๔๐๑-๖๐๐")["letter_block"] == "๔๐๑-๖๐๐"
