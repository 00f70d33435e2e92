"""`fieldtool import FILE`: the dry run, refusals (exit 2, nothing written), --accept-refusals, --map, --json."""

import json

import openpyxl
import pytest

from tests.test_import_books import (
    HOUSEHOLD_ROWS,
    LOAN_ROWS,
    MALAI,
    PAYMENT_ROWS,
    full_register,
    office,
    register,
    snapshot,
)
from ui.cli import main

__all__ = ["office"]  # the fixture, shared with the domain tests


def run(db, capsys, *args, expect=0):
    code = main(["--db", str(db.path), *args])
    out = capsys.readouterr()
    assert code == expect, out.err
    return out


def errors(err: str) -> list[str]:
    """The error sentences on stderr (the progress lines before them are not errors)."""
    return [line for line in err.splitlines() if line.startswith("ข้อผิดพลาด:")]


def test_dry_run_prints_counts_per_sheet_and_writes_nothing(office, tmp_path, capsys):
    path = full_register(tmp_path)
    before = snapshot(office)
    out = run(office, capsys, "import", str(path), "--dry-run").out
    assert snapshot(office) == before
    assert "ชีต สัญญาเงินกู้ [สัญญาเงินกู้, หัวตารางแถว 1]: จะสร้าง 3 / มีอยู่แล้ว 0 / ไม่รับ 0" in out
    assert "ทดลองนำเข้า ยังไม่ได้บันทึกอะไร (dry run: nothing written)" in out


def test_the_json_plan(office, tmp_path, capsys):
    data = json.loads(run(office, capsys, "--json", "import", str(full_register(tmp_path)), "--dry-run").out)
    assert data["ok"] and data["dry_run"] and data["result"] is None and data["source"] == "field"
    assert data["counts"] == {"create": 12, "match": 0, "refused": 0} and len(data["sha256"]) == 64
    loans = next(s for s in data["sheets"] if s["kind"] == "loans")
    assert loans["header_row"] == 1 and loans["counts"]["create"] == 3
    assert loans["columns"][0] == {"field": "agreement_no", "column": "A", "header": "เลขที่สัญญา", "source": "header"}
    assert loans["rows"][0]["row"] == 2 and loans["rows"][0]["action"] == "create" and loans["rows"][0]["th"]
    done = json.loads(run(office, capsys, "import", str(full_register(tmp_path)), "--json").out)
    assert done["result"]["created"] == {"households": 3, "groups": 1, "loans": 3, "payments": 6}


def test_refused_rows_stop_the_import_unless_accepted(office, tmp_path, capsys):
    path = register(tmp_path / "bad.xlsx", households=HOUSEHOLD_ROWS, loans=[LOAN_ROWS[0]],
                    payments=[*PAYMENT_ROWS, {"agreement_no": "1/2569", "paid_on": "1/12/2568", "amount": 500}])
    before = snapshot(office)
    out = run(office, capsys, "import", str(path), expect=2)
    assert snapshot(office) == before
    assert "ชีต การชำระเงิน แถว 7: วันที่ชำระ 1 ธ.ค. 2568 อยู่ก่อนวันที่รับเงินกู้ 15 ธ.ค. 2568" in out.out
    assert "--accept-refusals" in out.err and len(errors(out.err)) == 1
    out = run(office, capsys, "import", str(path), "--accept-refusals").out
    assert "นำเข้าแล้ว: ครัวเรือน 3, กลุ่ม 0, สัญญา 1, รายการชำระ 5" in out
    again = run(office, capsys, "import", str(path), "--accept-refusals").out
    assert "ไฟล์นี้นำเข้าแล้วเมื่อ" in again and "nothing new" in again and "สัญญา 0" in again


def test_map_reads_an_unrecognised_column_and_is_remembered(office, tmp_path, capsys):
    run(office, capsys, "import", str(register(tmp_path / "p.xlsx", households=HOUSEHOLD_ROWS)))

    def book(name, number):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        ws.append(["สัญญา", "แหล่งทุน", "เลขบัตรผู้กู้", "วงเงินที่อนุมัติ", "งวด", "วันรับเงิน", "งวดแรก"])
        ws.append([number, "กข.คจ.", MALAI, 6000, 6, "15/12/2568", "15/1/2569"])
        wb.save(tmp_path / name)
        return str(tmp_path / name)

    maps = ["--map", "Sheet1:agreement_no=A", "--map", "Sheet1:fund=B", "--map", "Sheet1:borrower=C",
            "--map", "Sheet1:principal=วงเงินที่อนุมัติ", "--map", "Sheet1:instalments=E",
            "--map", "Sheet1:disbursed_on=F", "--map", "Sheet1:first_due=G"]
    out = run(office, capsys, "import", book("a.xlsx", "1/2569"), *maps).out
    assert "ใช้คอลัมน์ตามที่กำหนด: agreement_no=A, fund=B, borrower=C, principal=D" in out and "สัญญา 1" in out
    out = run(office, capsys, "import", book("b.xlsx", "2/2569")).out  # no --map: remembered
    assert "สัญญา 1" in out


@pytest.mark.parametrize("args, words", [
    (["--map", "broken"], "--map takes SHEET:FIELD=COLUMN"),
    (["--map", "ไม่มีชีตนี้:principal=E"], "has no sheet ไม่มีชีตนี้"),
    (["--map", "สัญญาเงินกู้:ไม่มีช่องนี้=E"], "has no field ไม่มีช่องนี้"),
])
def test_a_bad_mapping_is_one_sentence(office, tmp_path, capsys, args, words):
    out = run(office, capsys, "import", str(full_register(tmp_path)), *args, expect=2)
    assert words in out.err and len(errors(out.err)) == 1


def test_a_file_that_is_not_a_spreadsheet_is_one_sentence(office, tmp_path, capsys):
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    out = run(office, capsys, "import", str(tmp_path / "notes.xlsx"), expect=2)
    assert "is not a spreadsheet" in out.err and len(out.err.strip().splitlines()) == 1  # nothing was read
