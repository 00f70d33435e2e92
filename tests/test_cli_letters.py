"""Letters from the command line: a day's batch, one letter, reprints, and bad input."""

import re
import subprocess

import pytest

from fieldtool import letterhead
from tests.test_cli import add_loan, run, run_json, snapshot


@pytest.fixture
def office(book):
    with book.db.session() as s:
        letterhead.demo_office_settings(s)
    return book


def test_the_days_letters_in_one_pdf_with_the_register_of_letters_sent(office, capsys, tmp_path):
    db = office.db
    loan_id = add_loan(db, office, capsys)
    out = tmp_path / "letters-2569-01-01.pdf"
    result = run_json(db, capsys, "letters", "--on", "1/1/2569", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    (letter,) = result["letters"]
    assert letter["number"] == "ที่ อบ ๐๐๑๗.๑๕/๒๐๑" and letter["kind"] == "notice-30"
    assert letter["date"] == "๑ มกราคม ๒๕๖๙" and letter["amount"] == "๓,๓๓๓.๓๓"
    assert letter["loan_id"] == loan_id and not letter["reprint"]
    assert result["pages"] == 3  # the letter, its schedule, the register of letters sent
    assert result["register"] and result["labels"] is None  # a notice goes by hand: no label
    # pdftotext gives back the Thai of every page as printed, marks and all
    letter_page, schedule, last = (pdftotext(out, page) for page in (1, 2, 3))
    for words in ("ที่ อบ ๐๐๑๗.๑๕/๒๐๑", "๑ มกราคม ๒๕๖๙", "เรื่อง", "แจ้งกำหนดชำระคืนเงินกู้ยืมกข.คจ.", "เรียน",
                  "อ้างถึง", "สิ่งที่ส่งมาด้วย", "ครบกำหนดชำระในวันที่ ๓๑ มกราคม ๒๕๖๙", "๓,๓๓๓.๓๓ บาท",
                  "(สามพันสามร้อยสามสิบสามบาทสามสิบสามสตางค์)", "ขอแสดงความนับถือ", "(นายประสิทธิ์ วงศ์สวัสดิ์)"):
        assert words in letter_page, words
    assert "สำเนา" not in letter_page  # the letter as issued is no copy
    assert "ตารางการชำระคืนเงินกู้ยืม" in schedule and schedule.count("ยังไม่ถึงกำหนด") == 3
    # the last page is the ทะเบียนหนังสือส่ง, with the rules' columns
    for heading in ("ทะเบียนหนังสือส่ง", "เลขทะเบียน", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ",
                    "ส่งด้วยมือ", "สพอ."):
        assert heading in last, heading
    assert "อบ ๐๐๑๗.๑๕/๒๐๑" in last and "รวม ๑ ฉบับ (ส่งด้วยมือ ๑)" in last
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


def pdftotext(pdf, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


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
    assert "letter_block     201-1200" in run(db, "office", "show", capsys=capsys).out
    assert "letter block" in run(db, "office", "set", "letter_block", "ห้าสิบ", expect=2, capsys=capsys).err
    assert run_json(db, capsys, "office", "set", "letter_block", "๔๐๑-๖๐๐")["letter_block"] == "๔๐๑-๖๐๐"


def test_an_office_on_paper_with_the_garuda_printed_keeps_its_room(office, capsys, tmp_path):
    db = office.db
    loan_id = add_loan(db, office, capsys)
    assert "garuda_space     0" in run(db, "office", "show", capsys=capsys).out
    assert "garuda_space must be 1 (yes) or 0 (no)" in run(db, "office", "set", "garuda_space", "yes", expect=2,
                                                           capsys=capsys).err
    plain, printed = tmp_path / "plain.pdf", tmp_path / "printed.pdf"
    run(db, "letter", loan_id, "--kind", "notice-30", "--on", "2026-01-02", "--out", str(plain), capsys=capsys)
    assert run_json(db, capsys, "office", "set", "garuda_space", "1")["garuda_space"] == "1"
    run(db, "letter", "reprint", "201", "--out", str(printed), capsys=capsys)
    # the reprint keeps the layout of the letter as issued; a new letter keeps the Garuda's room
    assert _top_of_number(printed) == _top_of_number(plain)
    run(db, "letter", "correct", "201", "--on", "2026-01-03", "--out", str(printed), capsys=capsys)
    assert _top_of_number(printed) - _top_of_number(plain) > 55  # 3 cm less the 1 cm the emblem takes of the margin
    assert b"/Subtype /Image" not in printed.read_bytes()


def _top_of_number(pdf) -> float:
    """Where the letter's number "ที่ อบ …" stands: the top of the page's first line of text, in points."""
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return float(re.search(r'<word [^>]*yMin="([0-9.]+)"[^>]*>ที่ อบ ', out)[1])


def test_a_letter_the_rules_forbid_is_refused_on_the_command_line(office, capsys, tmp_path):
    db = office.db
    loan_id = add_loan(db, office, capsys)
    before = snapshot(db)
    err = run(db, "letter", loan_id, "--kind", "notice-7", "--on", "2026-02-03", "--out", str(tmp_path / "n.pdf"),
              expect=2, capsys=capsys).err
    assert "ให้ออกหนังสือทวงถามแทน" in err and "not a notice" in err
    err = run(db, "letter", loan_id, "--kind", "demand-2", "--on", "2026-03-12", "--out", str(tmp_path / "d.pdf"),
              expect=2, capsys=capsys).err
    assert "the second demand needs the first demand first" in err
    assert "give the letter's kind" in run(db, "letter", loan_id, "--out", str(tmp_path / "k.pdf"),
                                           expect=2, capsys=capsys).err
    assert snapshot(db) == before and not list(tmp_path.glob("*.pdf"))


def test_a_letter_is_reprinted_by_its_number_as_it_was_issued(office, capsys, tmp_path):
    db = office.db
    loan_id = add_loan(db, office, capsys)
    first = run_json(db, capsys, "letter", loan_id, "--kind", "demand-1", "--on", "2026-02-10",
                     "--out", str(tmp_path / "d1.pdf"))["letters"][0]
    run(db, "pay", loan_id, "--amount", "1000", "--on", "2026-02-05", capsys=capsys)  # entered after the letter
    for number in ("๒๐๑", "ที่ อบ ๐๐๑๗.๑๕/201"):
        again = run_json(db, capsys, "letter", "reprint", number, "--out", str(tmp_path / "r.pdf"))
        (letter,) = again["letters"]
        assert (letter["number"], letter["date"], letter["body"]) == (first["number"], first["date"], first["body"])
        assert letter["reprint"] and letter["frozen"] and letter["copy"]
        assert again["rebuilt"] == [] and again["warning"] is None
    shown = run(db, "letter", "reprint", "201", "--out", str(tmp_path / "r2.pdf"), capsys=capsys).out
    assert "(พิมพ์ซ้ำ มีคำว่า สำเนา)" in shown
    assert "no letter numbered 999" in run(db, "letter", "reprint", "999", "--out", str(tmp_path / "x.pdf"),
                                           expect=2, capsys=capsys).err


def test_a_correction_from_the_command_line_takes_the_next_number(office, capsys, tmp_path):
    db = office.db
    loan_id = add_loan(db, office, capsys)
    run(db, "letter", loan_id, "--kind", "demand-1", "--on", "2026-02-10", "--out", str(tmp_path / "d1.pdf"),
        capsys=capsys)
    fixed = run_json(db, capsys, "letter", "correct", "๒๐๑", "--on", "2026-02-11", "--out", str(tmp_path / "c.pdf"))
    (letter,) = fixed["letters"]
    assert (letter["number"], letter["corrects"], letter["reprint"]) == (
        "ที่ อบ ๐๐๑๗.๑๕/๒๐๒", "ที่ อบ ๐๐๑๗.๑๕/๒๐๑", False)
    assert letter["body"][0].startswith("หนังสือฉบับนี้แก้ไขและใช้แทนหนังสือที่ อบ ๐๐๑๗.๑๕/๒๐๑")


def test_a_nearly_used_number_block_is_warned_about(office, capsys, tmp_path):
    db = office.db
    add_loan(db, office, capsys)
    run(db, "office", "set", "letter_block", "201-210", capsys=capsys)
    result = run_json(db, capsys, "letters", "--on", "2026-01-01", "--out", str(tmp_path / "a.pdf"))
    assert result["block"] == {"low": 201, "high": 210, "left": 9, "year_be": 2569}
    assert result["warning"]["th"].startswith("เลขที่หนังสือช่วง 201-210 ของเครื่องนี้เหลืออีก 9 เลข")
    assert "fieldtool office set letter_block 211-220" in result["warning"]["en"]
    again = run(db, "letters", "--on", "2026-01-01", "--out", str(tmp_path / "b.pdf"), capsys=capsys).out
    assert "คำเตือน" not in again  # a reprint spends no number


def test_letters_by_post_get_address_labels_beside_them(office, capsys, tmp_path):
    db = office.db
    add_loan(db, office, capsys)
    out = tmp_path / "day.pdf"
    result = run_json(db, capsys, "letters", "--on", "2026-01-01", "--send", "post", "--out", str(out))
    assert result["labels"] == str(tmp_path / "day-labels.pdf") and result["labels_count"] == 1
    assert result["letters"][0]["delivery"] == "post"
    labels = subprocess.run(["pdftotext", "-layout", result["labels"], "-"], capture_output=True, text=True,
                            check=True).stdout
    assert "นางสมศรี ใจดี" in labels and "หมู่ที่ ๓ บ้านหนองบัว" in labels and "๓๔๑๑๐" in labels
    register = subprocess.run(["pdftotext", "-f", "3", "-l", "3", "-layout", str(out), "-"], capture_output=True,
                              text=True, check=True).stdout
    assert "ไปรษณีย์ธรรมดา" in register
    err = run(db, "letters", "--on", "2026-01-02", "--send", "pigeon", "--out", str(tmp_path / "p.pdf"),
              expect=2, capsys=capsys).err
    assert "use hand, post or registered" in err
