"""Thai in the PDFs: the text a search or a copy gives back is the text printed, lines break only where
Thai allows (never inside an abbreviation, an amount, a name, a village or a letter's number), and a
table's figures never wrap.

Text is extracted with pdftotext (Debian package poppler-utils); without it these tests fail, they do
not skip.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate

from exports.dispatch_pdf import REGISTER_HEADER, render_register
from exports.letters_pdf import FRAME_W, PARA_INDENT, TEXT, letter_names, render_letter, render_letters
from exports.pdf_common import ruled_table
from exports.thai_lines import break_lines, text_width
from exports.thai_text import BOLD, REGULAR, draw_text, register_fonts, shaped
from tests.test_letters_pdf import AMOUNT, BODY, dark, gray_page, make_dispatch, make_letter


def pdftotext(pdf: Path, page: int | None = None, layout: bool = False) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext is missing: install poppler-utils (apt-get install -y poppler-utils)"
    args = [exe]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    if layout:
        args.append("-layout")
    return subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


# --- searching and copying -----------------------------------------------------------------------------


def test_a_search_of_the_letter_finds_its_thai_words_amounts_and_dates(tmp_path):
    out = tmp_path / "letter.pdf"
    render_letter(make_letter(), out)
    text = pdftotext(out)

    for words in ("ที่ อบ ๐๐๑๗.๑๕/๑๒๓", "เรื่อง", "ขอให้ชำระหนี้เงินยืมกองทุนพัฒนาบทบาทสตรี", "ชำระ", AMOUNT,
                  "๑๐,๐๐๐.๐๐ บาท", "(หนึ่งหมื่นบาทถ้วน)", "(สามพันสามร้อยสามสิบสามบาทสามสิบสี่สตางค์)",
                  "๒๒ พฤศจิกายน ๒๕๖๙", "๑ ธันวาคม ๒๕๖๘", "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร",
                  "ขอแสดงความนับถือ", "(นางสาวสมหญิง ใจงาม)", "โทร. ๐ ๔๕๔๔ ๑๒๓๔"):
        assert words in text, words
    assert text.count("ที่") >= 10
    assert not any(0xE000 <= ord(c) <= 0xF8FF for c in text), "no private-use glyph codes in the text"


def test_every_line_of_the_letter_body_comes_back_as_printed(tmp_path):
    out = tmp_path / "letter.pdf"
    letter = make_letter(rows=0)
    render_letter(letter, out)
    page = [ln.strip() for ln in pdftotext(out).splitlines()]
    printed = break_lines(BODY, REGULAR, TEXT.size, FRAME_W, first_width=FRAME_W - PARA_INDENT,
                          keep=letter_names(letter))
    assert len(printed) > 5
    for line in printed:
        assert line.text in page


def test_the_schedule_and_the_dispatch_register_search_too(tmp_path):
    out = tmp_path / "batch.pdf"
    letters = [make_letter(0)]
    render_letters(letters, out, make_dispatch(letters))
    schedule, register = pdftotext(out, 2), pdftotext(out, 3)
    assert "ตารางการชำระคืนเงินยืมกองทุนพัฒนาบทบาทสตรี" in schedule
    assert "ค้างชำระ" in schedule and "ยังไม่ถึงกำหนด" in schedule and "๓,๓๓๓.๓๓" in schedule
    assert "ทะเบียนส่งหนังสือ ประจำวันที่ ๒๒ พฤศจิกายน ๒๕๖๙" in register
    assert "ขอให้ชำระหนี้เงินยืม" in register and "อบ ๐๐๑๗.๑๕/๑๒๓" in register  # the เรื่อง column wraps


def test_every_heading_of_the_register_of_letters_sent_comes_back_exactly(tmp_path):
    """The bold headings were drawn without ActualText: "การปฏิบัติ" came back as "การปฏิบต ั ิ"."""
    letters = [make_letter(0), make_letter(1)]
    batch, alone = tmp_path / "batch.pdf", tmp_path / "register.pdf"
    render_letters(letters, batch, make_dispatch(letters))
    render_register(make_dispatch(letters), alone)
    for register in (pdftotext(batch, 5), pdftotext(alone)):
        lines = [ln.strip() for ln in register.splitlines()]
        for heading in REGISTER_HEADER:
            for part in heading.split("\n"):  # เลขทะเบียน / ส่ง
                assert part in lines, part
        assert "การปฏิบัติ" in lines and "ปฏิบต" not in register
        assert "ทะเบียนส่งหนังสือ ประจำวันที่ ๒๒ พฤศจิกายน ๒๕๖๙" in lines  # the bold title


# Words whose marks HarfBuzz moves or replaces, in each face and size the PDFs print.
MARKED = ["การปฏิบัติ", "หมายเหตุ", "ลงวันที่", "เรื่อง", "ที่", "ชำระแล้ว", "ค้างชำระ", "ยังไม่ถึงกำหนด",
          "ครบกำหนดวันนี้", "สำเนา", "น้ำป่าญี่ปุ่น", "ปั้น ฝั่ง ฟื้น กั๊ก กิ๋ว", "ฐู ฎุ ญู", "ขอแสดงความนับถือ",
          "ไปรษณีย์ลงทะเบียนตอบรับ", "ประธานกลุ่มทอผ้าไหม", "ผู้ใหญ่บ้าน", "สิ่งที่ส่งมาด้วย", "อ้างถึง"]


@pytest.mark.parametrize("font", [REGULAR, BOLD])
def test_shaped_thai_comes_back_exactly_in_both_faces_at_every_size(tmp_path, font):
    register_fonts()
    for size in (9, 11, 12, 13, 15, 16):
        pdf = tmp_path / f"{size}.pdf"
        c = canvas.Canvas(str(pdf), pagesize=(400, 30 * len(MARKED) + 30))
        for k, text in enumerate(MARKED):
            draw_text(c, 10.3, 30 * (len(MARKED) - k), text, font, size)
        c.save()
        assert [ln for ln in pdftotext(pdf).splitlines() if ln.strip()] == MARKED, (font, size)


def test_lines_look_exactly_as_reportlab_draws_them_shaped(tmp_path):
    """The program writes each line's glyphs itself (once per text, with its ActualText): the page must
    be the one ReportLab's own shaped drawing gives, pixel for pixel, marks and all."""
    register_fonts()
    lines = ["น้ำป่าญี่ปุ่นเป็นปัญหา ฐู ฎุ ปั้น ฝั่ง ฟื้น กั๊ก กิ๋ว", "ที่ อบ ๐๐๑๗.๑๕/๑๒๓ ชำระ (หนึ่งหมื่นบาทถ้วน)",
             "plain (ASCII) \\ text", "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร"]

    def page(ours: bool) -> tuple[int, int, bytes]:
        pdf = tmp_path / f"{ours}.pdf"
        c = canvas.Canvas(str(pdf), pagesize=(600, 360))
        for k, text in enumerate(lines):
            for j, font in enumerate((REGULAR, BOLD)):
                y = 330 - 80 * k - 30 * j
                if ours:
                    draw_text(c, 10.3, y, text, font, 15)
                else:
                    c.setFont(font, 15)
                    c.drawString(10.3, y, shaped(text, font, 15))
        c.save()
        return gray_page(pdf, 1, dpi=150)

    w, _h, ours = page(True)
    assert dark(ours, w) > 5000, "the lines are on the page"
    assert ours == page(False)[2]


# --- where lines may break -----------------------------------------------------------------------------

# (text, what must stay on one line, names the caller keeps whole). Each broke at some width before.
CASES = [
    ("ขอให้ชำระหนี้เงินกู้ยืมกข.คจ.ที่ค้างชำระ", "กข.คจ.", ()),
    ("ตามระเบียบกองทุน (กข.คจ.) ที่ค้างชำระ", "(กข.คจ.)", ()),
    ("บ้านเลขที่ ๑๒ ต.โนนกลาง อ.พิบูลมังสาหาร จ.อุบลราชธานี", "ต.โนนกลาง", ()),
    ("บ้านเลขที่ ๑๒ ต.โนนกลาง อ.พิบูลมังสาหาร จ.อุบลราชธานี", "อ.พิบูลมังสาหาร", ()),
    ("การประชุมวันที่ ๑ ธันวาคม พ.ศ. ๒๕๖๙ เวลา ๑๐.๓๐ น. ณ ศาลา", "๑๐.๓๐ น.", ()),
    ("เป็นเงิน ๑๒,๕๐๐.๐๐ บาท (หนึ่งหมื่นสองพันห้าร้อยบาทถ้วน) ภายในกำหนด", "(หนึ่งหมื่นสองพันห้าร้อยบาทถ้วน)", ()),
    (f"รวม {AMOUNT} (สามพันสามร้อยสามสิบสามบาทสามสิบสี่สตางค์) จึงขอ", "(สามพันสามร้อยสามสิบสามบาทสามสิบสี่สตางค์)", ()),
    ("ตามหนังสือที่ อบ ๐๐๑๗.๑๕/๑๒๓ ลงวันที่ ๑ ธันวาคม ๒๕๖๙", "ที่ อบ ๐๐๑๗.๑๕/๑๒๓", ()),
    ("กลุ่มเลี้ยงไก่บ้านโนนสูง หมู่ที่ ๓ ตำบลโนนกลาง", "หมู่ที่ ๓", ()),
    ("กลุ่มเลี้ยงไก่บ้านโนนสูง หมู่ที่ ๓ ตำบลโนนกลาง", "บ้านโนนสูง", ("บ้านโนนสูง",)),
    ("เรียน นางสาวสมหญิง ใจงาม ประธานกลุ่มทอผ้าไหม", "นางสาวสมหญิง ใจงาม", ("นางสาวสมหญิง ใจงาม",)),
]


@pytest.mark.parametrize(("text", "whole", "keep"), CASES, ids=[c[1] for c in CASES])
def test_no_line_breaks_inside_an_abbreviation_amount_name_village_or_letter_number(text, whole, keep):
    register_fonts()
    size = 13
    widest = text_width(text, REGULAR, size)
    width = text_width(whole, REGULAR, size) + 0.5
    tried = 0
    while width < widest:  # every width from just wider than the phrase to the whole text
        lines = break_lines(text, REGULAR, size, width, keep=keep)
        assert any(whole in ln.text for ln in lines), f"{whole!r} broken at {width:.0f} pt: {lines}"
        assert "".join(ln.text for ln in lines).replace(" ", "") == text.replace(" ", "")
        width += 1
        tried += 1
    assert tried > 20


def test_a_name_is_cut_from_the_word_the_segmenter_glued_it_to():
    """newmm reads "ไก่บ้าน" (native chicken) in "…ไก่บ้านโนนสูง": the village still begins a line."""
    register_fonts()
    text = "กลุ่มเลี้ยงไก่บ้านโนนสูง หมู่ที่ ๓"
    lines = break_lines(text, REGULAR, 13, text_width("กลุ่มเลี้ยงไก่", REGULAR, 13) + 1, keep=("บ้านโนนสูง",))
    assert [ln.text for ln in lines][:2] == ["กลุ่มเลี้ยงไก่", "บ้านโนนสูง"]


def test_a_letter_keeps_its_borrowers_name_and_village_whole(tmp_path):
    """The letter knows its names: the chair's, the signer's and the village from the address."""
    name, village = "นางบัวผัน ศรีสุขสวัสดิ์", "บ้านโนนสูงใหญ่"
    body = (f"ตามที่ {name} ประธานกลุ่มเลี้ยงไก่{village} ได้ยืมเงินกองทุนพัฒนาบทบาทสตรี " * 6).strip()
    letter = replace(make_letter(rows=0, body=[body]), salutation=f"{name} ประธานกลุ่มเลี้ยงไก่{village}",
                     recipient_address=f"บ้านเลขที่ ๑๒ หมู่ที่ ๓ {village}")
    out = tmp_path / "names.pdf"
    render_letter(letter, out)
    lines = [ln.strip() for ln in pdftotext(out, layout=True).splitlines() if ln.strip()]
    body_lines = [ln for ln in lines if "ยืมเงิน" in ln or "ประธาน" in ln]
    assert len(body_lines) >= 5
    # wherever a line ends, it does not end inside the name or the village
    assert sum(ln.count(name) for ln in lines) == 1 + 6
    assert sum(ln.count(village) for ln in lines) == 1 + 6


# --- tables --------------------------------------------------------------------------------------------


def _table_pdf(tmp_path, width: float) -> str:
    register_fonts()
    table = ruled_table(["ที่", "คงค้าง"], [["๑", "๖๕,๐๐๐.๐๐"], ["๒", "๖๕,๐๐๐.๐๐"]], ["รวม", "๑๓๐,๐๐๐.๐๐"],
                        ("centre", "right"), width, flexible=(0,))
    out = tmp_path / "table.pdf"
    SimpleDocTemplate(str(out), pagesize=A4).build([table])
    return pdftotext(out, layout=True)


def test_a_bold_total_wider_than_its_column_of_figures_stays_on_one_line(tmp_path):
    """The total is printed bold, a little wider than the figures above it: its column makes room."""
    text = _table_pdf(tmp_path, 200)
    assert "๑๓๐,๐๐๐.๐๐" in text  # it used to wrap as "๑๓๐,๐๐๐.๐" over "๐"


@pytest.mark.parametrize("width", [90, 60])
def test_figures_in_a_table_too_narrow_for_them_shrink_rather_than_wrap(tmp_path, width):
    text = _table_pdf(tmp_path, width)
    assert text.count("๖๕,๐๐๐.๐๐") == 2 and "๑๓๐,๐๐๐.๐๐" in text


def test_a_letter_keeps_the_contact_person_the_body_names_whole(tmp_path):
    contact = "นางสาวพัชรินทร์ ศรีสุขเจริญยิ่ง"
    body = (f"หากท่านประสงค์จะขอปรับโครงสร้างหนี้ โปรดติดต่อ {contact} พัฒนากร ภายในกำหนดเวลา " * 6).strip()
    out = tmp_path / "contact.pdf"
    render_letter(make_letter(rows=0, body=[body]), out)
    lines = [ln.strip() for ln in pdftotext(out, layout=True).splitlines() if ln.strip()]
    assert sum(ln.count(contact) for ln in lines) == 6  # never split between given and family name
