"""The district report as files: the Excel workbook holds exactly the JSON's figures, the PDF renders.

Pages are rasterised with pdftoppm (poppler-utils); without it these tests fail, they are not skipped.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart
from PIL import Image

from exports.report_xlsx import SHEET_NAMES
from tests.district.builder import make_district, run


@pytest.fixture
def district(tmp_path):
    built = make_district(tmp_path)
    yield built
    built.db.dispose()


def report_files(district, capsys, tmp_path, *extra):
    xlsx, pdf = tmp_path / "รายงาน.xlsx", tmp_path / "รายงาน.pdf"
    out = run(capsys, "--db", str(district.db.path), "--json", "office", "report", "--fy", "2570", "--on", "2027-02-15",
              "--xlsx", str(xlsx), "--pdf", str(pdf), *extra)
    return json.loads(out.out), xlsx, pdf


def blocks(ws) -> dict[str, list[tuple]]:
    """Each table of a sheet: its title in column A, two header rows, then rows down to the check row."""
    rows = list(ws.iter_rows(values_only=True))
    out, i = {}, 0
    while i < len(rows):
        title = rows[i][0]
        if i + 1 < len(rows) and title and rows[i + 1][0] in ("ตำบล", "กองทุน", "ตำบล / หมู่บ้าน"):
            j = i + 3
            while rows[j][0] != "ผลรวมของแถว (ตรวจสอบ)":
                j += 1
            out[title] = {"head": rows[i + 1], "measures": rows[i + 2], "rows": rows[i + 3 : j + 1]}
            i = j
        i += 1
    return out


def same(json_value, cell, unit) -> bool:
    if json_value is None:
        return cell is None
    if unit == "satang":
        return Decimal(json_value) == Decimal(str(cell))
    if unit == "ratio":
        return abs(json_value - cell) < 5e-5
    return json_value == cell and isinstance(cell, int)


def test_the_workbook_holds_the_json_figures_cell_for_cell(district, capsys, tmp_path):
    data, xlsx, _pdf = report_files(district, capsys, tmp_path)
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["สรุป", *SHEET_NAMES.values()]
    compared = 0
    for sec in data["sections"]:
        ws = wb[SHEET_NAMES[sec["key"]]]
        found = blocks(ws)
        shown = [m for m in sec["measures"] if m["shown"]]
        for table in sec["tables"]:
            block = found[f"{sec['title']} {table['title']}"]
            labels = [q["label"] for q in data["quarters"]]
            assert [h for h in block["head"][1:] if h] == labels  # quarter labels as headings
            assert block["measures"][1 : 1 + len(shown)] == tuple(m["label"] for m in shown)
            lines = [*table["rows"], table["total"], table["sum_of_rows"]]
            assert len(block["rows"]) == len(lines)
            for row, cells in zip(lines, block["rows"], strict=True):
                if row is table["total"]:
                    assert cells[0].startswith("รวมทั้งอำเภอ")
                elif row is table["sum_of_rows"]:
                    assert cells[0].startswith("ผลรวมของแถว")
                else:
                    assert cells[0].endswith(row["label"])
                for qi in range(len(labels)):
                    for mi, m in enumerate(shown):
                        cell = cells[1 + qi * len(shown) + mi]
                        assert same(row["values"][m["key"]][qi], cell, m["unit"]), (sec["key"], row["label"], m["key"], qi)
                        compared += 1
            assert block["rows"][-1][-1] == "ตรงกัน ✓"
    assert compared > 500


def test_the_workbook_is_formatted_for_reading_and_has_a_bar_chart_of_arrears(district, capsys, tmp_path):
    _data, xlsx, _pdf = report_files(district, capsys, tmp_path)
    wb = load_workbook(xlsx)
    ws = wb["หนี้ค้างชำระ"]
    assert ws.freeze_panes == "B8"  # the title, the first table's heading and its two header rows stay put
    first = next(r for r in range(1, 20) if ws.cell(r, 1).value == "ต.พิบูล")
    assert ws.cell(first, 2).number_format == "#,##0.00" and ws.cell(first, 3).number_format == "#,##0"
    total = first + 2
    assert ws.cell(total, 1).value.startswith("รวมทั้งอำเภอ") and ws.cell(total, 1).font.b and ws.cell(total, 2).font.b
    assert ws.cell(total, 2).value == 10_000 and ws.cell(total, 4).value == 16_000
    assert ws.column_dimensions["A"].width >= 14 and ws.column_dimensions["B"].width >= 12
    charts = ws._charts
    assert charts and isinstance(charts[0], BarChart) and len(charts[0].series) == 2  # two quarters so far
    par = wb["PAR30"]
    row = next(r for r in range(1, 20) if par.cell(r, 1).value == "ต.โนนกลาง")
    assert par.cell(row, 3).number_format == "0.00%" and par.cell(row, 3).value == pytest.approx(0.75)
    summary = wb["สรุป"]
    texts = [c.value for r in summary.iter_rows() for c in r if isinstance(c.value, str)]
    assert "ไตรมาส ๑ (ต.ค.–ธ.ค. ๒๕๖๙)" in texts
    assert any(t.startswith("ตรวจยอดรวม") and "ตรงกับผลรวมของแถวทุกช่อง" in t for t in texts)


def test_a_failed_check_shows_in_the_workbook(district, capsys, tmp_path):
    district.group_loan(district.outside_village(), "กลุ่มนาดี", 3_000, date(2026, 11, 30), date(2026, 10, 1),
                        instalments=1, agreement_no="กข.9/2570")
    data, xlsx, _pdf = report_files(district, capsys, tmp_path)
    assert not data["ok"] and data["checks"]["failed"] > 0
    ws = load_workbook(xlsx)["หนี้ค้างชำระ"]
    results = [r[-1] for r in ws.iter_rows(values_only=True) if r[0] == "ผลรวมของแถว (ตรวจสอบ)"]
    assert results == ["ไม่ตรง ✗"] * 3
    summary = [c.value for r in load_workbook(xlsx)["สรุป"].iter_rows() for c in r if isinstance(c.value, str)]
    assert any("กข.9/2570" in t for t in summary)


# --- the PDF -------------------------------------------------------------------------------------------------


def png_page(pdf, page: int) -> Image.Image:
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm is missing: install poppler-utils (apt-get install -y poppler-utils)"
    out = subprocess.run([exe, "-r", "40", "-png", "-f", str(page), "-l", str(page), str(pdf)], check=True,
                         capture_output=True).stdout
    return Image.open(io.BytesIO(out)).convert("L")


def dark_share(img: Image.Image) -> float:
    pixels = img.tobytes()
    return sum(1 for v in pixels if v < 128) / len(pixels)


def test_the_pdf_is_landscape_a4_with_sarabun_and_pages_that_are_not_blank(district, capsys, tmp_path):
    data, _xlsx, pdf = report_files(district, capsys, tmp_path)
    raw = pdf.read_bytes()
    pages = len(re.findall(rb"/Type /Page\b(?!s)", raw))
    assert pages >= 1 + len(data["sections"]) // 2
    assert re.search(rb"/BaseFont /[A-Z]{6}\+Sarabun-Regular", raw) and re.search(rb"/BaseFont /[A-Z]{6}\+Sarabun-Bold", raw)
    first = png_page(pdf, 1)
    assert first.width > first.height  # landscape
    assert abs(first.width / first.height - 297 / 210) < 0.01
    assert dark_share(first) > 0.01
    for page in range(2, pages + 1):  # every page carries a table or a chart
        assert dark_share(png_page(pdf, page)) > 0.005, page


def test_a_search_of_the_report_pdf_finds_the_thai_it_prints(district, capsys, tmp_path):
    data, _xlsx, pdf = report_files(district, capsys, tmp_path)
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext is missing: install poppler-utils (apt-get install -y poppler-utils)"
    text = subprocess.run([exe, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "รายงานผลการดำเนินงานระดับอำเภอ" in text and "ปีงบประมาณ ๒๕๗๐" in text
    assert "ภาพรวมทั้งอำเภอ (ยอดรวมที่คำนวณจากข้อมูลโดยตรง)" in text
    assert "รวมทั้งอำเภอ" in text and "ผลรวมของแถว (ตรวจสอบ)" in text
    for section in data["sections"]:
        assert section["title"] in text, section["title"]
    # headings and the check's verdict in Thai only, as the rest of the page
    assert "Arrears" not in text and "by village" not in text and "totals match" not in text
    assert not any(0xE000 <= ord(c) <= 0xF8FF for c in text), "no private-use glyph codes in the text"


def test_the_pdf_draws_the_arrears_chart(district, capsys, tmp_path):
    from exports.report_pdf import QUARTER_COLOURS

    _data, _xlsx, pdf = report_files(district, capsys, tmp_path)
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm is missing: install poppler-utils (apt-get install -y poppler-utils)"
    bar = tuple(int(c * 255) for c in QUARTER_COLOURS[1].rgb())
    found = False
    for page in range(2, 5):
        out = subprocess.run([exe, "-r", "40", "-png", "-f", str(page), "-l", str(page), str(pdf)], check=True,
                             capture_output=True).stdout
        px = Image.open(io.BytesIO(out)).convert("RGB").tobytes()
        close = sum(1 for i in range(0, len(px), 3) if all(abs(px[i + k] - bar[k]) < 12 for k in range(3)))
        found |= close > 100
    assert found, "no bars of the second quarter's colour on the arrears pages"


@pytest.mark.parametrize("bad", ["xlsx", "pdf"])
def test_an_unwritable_path_writes_no_file_and_says_so_in_one_sentence(district, capsys, tmp_path, bad):
    good_dir, missing = tmp_path / "out", tmp_path / "no-such-folder"
    good_dir.mkdir()
    paths = {"xlsx": good_dir / "r.xlsx", "pdf": good_dir / "r.pdf"}
    paths[bad] = missing / f"r.{bad}"
    err = run(capsys, "--db", str(district.db.path), "office", "report", "--fy", "2570", "--on", "2027-02-15",
              "--xlsx", str(paths["xlsx"]), "--pdf", str(paths["pdf"]), expect=2).err
    assert "บันทึกไฟล์ไม่ได้" in err and "cannot write" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.rglob("*.xlsx")) == [] and list(tmp_path.rglob("*.pdf")) == []
    assert list(tmp_path.rglob("*.part")) == []


def test_a_page_that_begins_a_section_has_no_running_head_and_one_that_continues_a_section_has(tmp_path):
    from reportlab.platypus import CondPageBreak

    from exports.report_pdf import PAGE, TEXT, ReportDoc, SectionHeading
    from exports.thai_text import ThaiParagraph, register_fonts

    register_fonts()
    long_section = [ThaiParagraph(f"แถวที่ {n}", TEXT) for n in range(60)]  # more than a page
    story = [SectionHeading("หนี้ค้างชำระ", "หนี้ค้างชำระ"), *long_section,
             CondPageBreak(30 * 28.35),  # no room left: the next section starts on a page of its own
             SectionHeading("การลงพื้นที่", "การลงพื้นที่"), ThaiParagraph("ข้อความ", TEXT)]
    pdf = tmp_path / "heads.pdf"
    ReportDoc(str(pdf), pagesize=PAGE).build(story)
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext is missing: install poppler-utils (apt-get install -y poppler-utils)"
    pages = subprocess.run([exe, str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split("\f")[:-1]
    first, *middle, last = pages
    assert "(ต่อ)" not in first and middle
    assert all("หนี้ค้างชำระ (ต่อ)" in page for page in middle)  # the long section runs on
    assert "(ต่อ)" not in last and "การลงพื้นที่" in last  # the new section's own heading says it all
