"""Long work on the command line says how far it has got on stderr; stdout keeps only the result."""

import json

from tests.test_import_books import full_register, office
from ui.cli import main

__all__ = ["office"]  # the fixture, shared with the domain tests


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out


def test_demo_tells_each_stage_with_its_count_on_stderr_and_json_stays_clean(tmp_path, capsys):
    out = run(capsys, "--db", str(tmp_path / "demo.sqlite"), "--json", "demo", "--today", "2026-11-22")
    result = json.loads(out.out)  # stdout is the JSON and nothing else
    assert result["villages"] == 10 and result["households"] == 300
    lines = out.err.splitlines()
    assert "หมู่บ้าน 10 หมู่ (villages: 10)" in lines
    assert "ครัวเรือน 300 ครัวเรือน (households: 300)" in lines
    assert f"สัญญาเงินกู้ {result['loans']} สัญญา (loans: {result['loans']})" in lines
    assert any(line.startswith("รายการชำระ ") and "(payments: " in line for line in lines)
    assert any(f"visits: {result['visits']})" in line for line in lines)


def test_import_tells_reading_each_sheet_and_each_table_written(office, tmp_path, capsys):
    path = full_register(tmp_path)
    out = run(capsys, "--db", str(office.path), "--json", "import", str(path))
    assert json.loads(out.out)["result"]["created"]["loans"] == 3
    lines = out.err.splitlines()
    assert lines[0] == "อ่านไฟล์ register.xlsx แล้ว: 4 ชีต (read register.xlsx: 4 sheets)"
    assert any(line.startswith("ตรวจชีต สัญญาเงินกู้ แล้ว: 3 แถว") for line in lines)
    assert "บันทึกสัญญาเงินกู้ 3 รายการ (written loan: 3)" in lines
    assert any(line.startswith("บันทึกรายการชำระ ") for line in lines)


def test_quiet_leaves_stderr_empty_and_the_output_unchanged(office, tmp_path, capsys):
    path = full_register(tmp_path)
    spoken = run(capsys, "--db", str(office.path), "import", str(path), "--dry-run")
    quiet = run(capsys, "--db", str(office.path), "--quiet", "import", str(path), "--dry-run")
    assert quiet.err == "" and quiet.out == spoken.out and spoken.err
    after = run(capsys, "--db", str(office.path), "import", str(path), "--dry-run", "--quiet")  # after the command too
    assert after.err == ""


def test_a_batch_of_letters_tells_how_many_are_drawn_and_json_stays_clean(tmp_path, capsys):
    db = str(tmp_path / "demo.sqlite")
    run(capsys, "--db", db, "--quiet", "demo", "--today", "2026-11-22")
    out = run(capsys, "--db", db, "--json", "letters", "--on", "2026-11-22", "--out", str(tmp_path / "day.pdf"))
    count = len(json.loads(out.out)["letters"])
    assert count > 10  # the demo's day has a real batch
    lines = out.err.splitlines()
    assert lines[0] == f"พิมพ์หนังสือแล้ว 10/{count} ฉบับ (letters drawn: 10 of {count})"
    assert lines[-1] == f"พิมพ์หนังสือแล้ว {count}/{count} ฉบับ (letters drawn: {count} of {count})"
    quiet = run(capsys, "--db", db, "--quiet", "--json", "letters", "--on", "2026-11-22",
                "--out", str(tmp_path / "again.pdf"))
    assert quiet.err == "" and len(json.loads(quiet.out)["letters"]) == count  # reprinted, silently
