"""Letters as PDF: page sets, embedded Sarabun, shaped marks, word-boundary line breaks, atomic writes.

Pages are rasterised with pdftoppm (Debian package poppler-utils); without it these tests fail, they do
not skip, so CI cannot pass silently without looking at a page.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from pythainlp.tokenize import word_tokenize
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen import canvas

from exports.letters_pdf import EMBLEM_H, EMBLEM_RAISE, GAP, PAGE_W, RIGHT, render_letter, render_letters
from exports.pdf_common import PAD
from exports.thai_lines import break_lines
from exports.thai_text import REGULAR, draw_text, register_fonts, shaped
from fieldtool.letter_content import DispatchRegister, LetterContent, RegisterLine, ScheduleLine
from fieldtool.thai import THAI_DIGITS, InputError, format_baht, to_arabic_digits, to_thai_digits

AMOUNT = "๓,๓๓๓.๓๔ บาท"
BODY = (
    "ตามที่กลุ่มทอผ้าไหมบ้านหนองบัวได้ยืมเงินกองทุนพัฒนาบทบาทสตรี ตามสัญญาเลขที่ ๑๒/๒๕๖๘ "
    "ลงวันที่ ๑ ธันวาคม ๒๕๖๘ จำนวน ๑๐,๐๐๐.๐๐ บาท (หนึ่งหมื่นบาทถ้วน) โดยตกลงชำระคืนเป็นรายเดือน "
    "บัดนี้ปรากฏว่ากลุ่มของท่านยังมิได้ชำระเงินงวดที่ ๑๑ ถึงงวดที่ ๑๓ ซึ่งครบกำหนดชำระแล้ว "
    f"รวมเป็นเงินค้างชำระทั้งสิ้น {AMOUNT} (สามพันสามร้อยสามสิบสามบาทสามสิบสี่สตางค์) "
    "จึงขอให้ท่านนำเงินดังกล่าวมาชำระ ณ สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร ภายในสิบห้าวัน "
    "นับแต่วันที่ได้รับหนังสือฉบับนี้ หากมีปัญหาในการชำระหนี้ โปรดติดต่อคณะทำงานขับเคลื่อนกองทุน "
    "พัฒนาบทบาทสตรีระดับตำบลเพื่อหาแนวทางช่วยเหลือต่อไป"
)
MONTHS = "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split()


def _th(n: int) -> str:
    return to_thai_digits(str(n))


def make_schedule(rows: int = 24) -> tuple[list[ScheduleLine], ScheduleLine]:
    principal = 80_000_00
    each = principal // rows
    lines, paid_total = [], 0
    for i in range(rows):
        amount = each if i < rows - 1 else principal - each * (rows - 1)
        paid = amount if i < 10 else 0
        paid_total += paid
        month = (10 + i) % 12
        due = f"{_th(28 if month == 1 else 30)} {MONTHS[month]} {_th(2568 + (10 + i) // 12)}"
        status = "ชำระแล้ว" if paid else ("ค้างชำระ" if i < 13 else "ยังไม่ถึงกำหนด")
        b = lambda s: format_baht(s, thai_digits=True)  # noqa: E731
        lines.append(ScheduleLine(_th(i + 1), due, b(amount), b(paid), b(amount - paid), status))
    totals = ScheduleLine(
        "รวม",
        "",
        format_baht(principal, True),
        format_baht(paid_total, True),
        format_baht(principal - paid_total, True),
        "",
    )
    return lines, totals


def make_letter(i: int = 0, rows: int = 24, emblem: str | None = None, body: list[str] | None = None):
    schedule, totals = make_schedule(rows) if rows else ([], None)
    return LetterContent(
        kind="demand-1",
        number=f"ที่ อบ ๐๐๑๗.๑๕/{_th(123 + i)}",
        office_lines=["สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร", "ที่ว่าการอำเภอพิบูลมังสาหาร", "อบ ๓๔๑๑๐"],
        date_text="๒๒ พฤศจิกายน ๒๕๖๙",
        subject="ขอให้ชำระหนี้เงินยืมกองทุนพัฒนาบทบาทสตรี",
        salutation="ประธานกลุ่มทอผ้าไหมบ้านหนองบัว",
        reference="สัญญายืมเงินกองทุนพัฒนาบทบาทสตรี เลขที่ ๑๒/๒๕๖๘ ลงวันที่ ๑ ธันวาคม ๒๕๖๘",
        enclosure="ตารางการชำระคืนเงินยืม จำนวน ๑ ฉบับ",
        body=body if body is not None else [BODY, "จึงเรียนมาเพื่อโปรดดำเนินการ"],
        closing="ขอแสดงความนับถือ",
        signer_name="นางสาวสมหญิง ใจงาม",
        signer_position=["พัฒนาการอำเภอพิบูลมังสาหาร"],
        section_lines=["กลุ่มงานส่งเสริมการพัฒนาชุมชน", "โทร. ๐ ๔๕๔๔ ๑๒๓๔"],
        emblem_path=emblem,
        schedule_title="ตารางการชำระคืนเงินยืมกองทุนพัฒนาบทบาทสตรี",
        schedule=schedule,
        schedule_totals=totals,
        recipient="กลุ่มทอผ้าไหมบ้านหนองบัว",
        loan_agreement="๑๒/๒๕๖๘",
        amount_text="๓,๓๓๓.๓๔",
    )


def make_dispatch(letters: list[LetterContent]) -> DispatchRegister:
    """The register of letters sent of a batch (ทะเบียนหนังสือส่ง, drawn by exports.dispatch_pdf)."""
    lines = [
        RegisterLine(
            _th(123 + k), x.number.removeprefix("ที่ "), x.date_text, "สพอ.พิบูลมังสาหาร", x.recipient,
            "บ้านเลขที่ ๑๒ หมู่ที่ ๓ บ้านหนองบัว", x.subject, "ส่งด้วยมือ", f"สัญญา {x.loan_agreement}\n{x.amount_text} บาท",
        )
        for k, x in enumerate(letters)
    ]
    return DispatchRegister("ทะเบียนส่งหนังสือ ประจำวันที่ ๒๒ พฤศจิกายน ๒๕๖๙", "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร", "",
                            lines)


def write_png(path: Path, w: int = 60, h: int = 80) -> str:
    """A small grey-scale PNG written by hand (a dark disc on white), so the test needs no Pillow."""
    raw = b"".join(
        b"\x00" + bytes(0 if (x - w // 2) ** 2 + (y - h // 2) ** 2 < (w // 3) ** 2 else 255 for x in range(w))
        for y in range(h)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )
    return str(path)


def pdf_page_count(pdf: Path) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf.read_bytes()))


def gray_page(pdf: Path, page: int, dpi: int = 50) -> tuple[int, int, bytes]:
    """Rasterise one page to 8-bit grey with pdftoppm and return (width, height, pixels)."""
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm is missing: install poppler-utils (apt-get install -y poppler-utils)"
    out = subprocess.run(
        [exe, "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
    ).stdout
    # PGM "P5": magic, width, height, maxval, each followed by one whitespace, then the pixels.
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", out)
    assert m, "pdftoppm did not write a PGM"
    w, h = int(m[1]), int(m[2])
    return w, h, out[m.end() : m.end() + w * h]


def dark(pixels: bytes, w: int, box: tuple[float, float, float, float] = (0, 0, 1, 1)) -> int:
    """Dark pixels inside a box given as fractions of the page (left, top, right, bottom)."""
    h = len(pixels) // w
    x0, y0, x1, y1 = int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)
    return sum(1 for y in range(y0, y1) for v in pixels[y * w + x0 : y * w + x1] if v < 128)


# --- the batch ---------------------------------------------------------------------------------------


def test_batch_prints_letter_and_schedule_for_each_letter_then_the_register_of_letters_sent(tmp_path):
    letters = [make_letter(i) for i in range(3)]
    out = tmp_path / "batch.pdf"
    seen = []

    pages = render_letters(letters, out, make_dispatch(letters), progress=lambda d, t: seen.append((d, t)))

    assert pages == 3 * 2 + 1
    assert pdf_page_count(out) == pages
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_one_letter_is_the_letter_and_its_schedule(tmp_path):
    assert render_letter(make_letter(), tmp_path / "one.pdf") == 2


def test_a_letter_without_schedule_is_one_page(tmp_path):
    assert render_letter(make_letter(rows=0), tmp_path / "one.pdf") == 1


def test_a_long_letter_continues_on_a_numbered_page(tmp_path):
    out = tmp_path / "long.pdf"
    assert render_letter(make_letter(body=[BODY] * 5), out) == 3  # two letter pages, one schedule
    w, _h, px = gray_page(out, 2)
    assert dark(px, w, (0.4, 0.02, 0.6, 0.09)) > 0, "the continuation page carries its number at the top"


def _page_lines(pdf: Path, page: int) -> list[str]:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    return [ln.strip() for ln in out.splitlines() if ln.strip()]


def test_a_two_page_letter_carries_its_continuation_and_page_number(tmp_path):
    out = tmp_path / "long.pdf"
    assert render_letter(make_letter(rows=0, body=[BODY] * 3 + [BODY[:300]]), out) == 2
    first, second = _page_lines(out, 1), _page_lines(out, 2)
    # the foot of page 1: a slash and the first word(s) of page 2
    mark = first[-1]
    assert mark.startswith("/") and mark.endswith("…")
    assert re.fullmatch("-\\s*๒\\s*-", second[0]), "page 2 is numbered at the top: - ๒ -"
    assert second[1].startswith(mark[1:-1]) and len(mark) > 3
    assert not any(ln.startswith("/") for ln in second), "the letter's last page has no continuation"


def test_a_one_page_letter_has_no_page_number_and_no_continuation(tmp_path):
    out = tmp_path / "one.pdf"
    assert render_letter(make_letter(rows=0), out) == 1
    lines = _page_lines(out, 1)
    assert not any(ln.startswith("/") or re.fullmatch("-\\s*\\S\\s*-", ln) for ln in lines)


# the last paragraph cut at lengths that put the page break before, inside and after its last lines;
# "closing": a letter that ends with a one-line sentence, as most do
@pytest.mark.parametrize("cut", [100, 180, 260, 300, 380, 460, 540, "closing"])
def test_the_signature_block_never_stands_alone_on_a_page(tmp_path, cut):
    out = tmp_path / "long.pdf"
    if cut == "closing":
        last, body = "จึงเรียนมาเพื่อโปรดดำเนินการ", [BODY, BODY, BODY, "จึงเรียนมาเพื่อโปรดดำเนินการ"]
    else:
        last = BODY[:cut].strip()
        body = [BODY, BODY, last]
    pages = render_letter(make_letter(rows=0, body=body), out)
    assert pages == 2, "no page is left empty or holding only the signature"
    lines = _page_lines(out, pages)
    closing = lines.index("ขอแสดงความนับถือ")
    above = lines[1:closing]  # under the page number
    assert len(above) >= 2, f"at least two lines of the body go with the signature: {lines[:4]}"
    assert last.endswith(above[-1].split(" ")[-1]), "the line just above is the body's last"
    assert "โทร. ๐ ๔๕๔๔ ๑๒๓๔" in lines[-1], "the section and telephone close the same page"


def test_a_letter_of_an_office_without_thai_digits_numbers_its_pages_in_arabic(tmp_path):
    out = tmp_path / "arabic.pdf"
    body = to_arabic_digits(BODY)
    letter = replace(make_letter(rows=0, body=[body] * 3 + [body[:300]]), number="ที่ อบ 0017.15/123",
                     date_text="22 พฤศจิกายน 2569", reference="สัญญายืมเงิน เลขที่ 12/2568",
                     enclosure="", section_lines=["กลุ่มงานส่งเสริมการพัฒนาชุมชน", "โทร. 0 4544 1234"],
                     office_lines=["สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร", "อบ 34110"], thai_digits=False)
    assert render_letter(letter, out) == 2
    first, second = _page_lines(out, 1), _page_lines(out, 2)
    assert first[0].startswith("ที่ อบ 0017.15/123")
    assert re.fullmatch("-\\s*2\\s*-", second[0])
    assert not any(c in THAI_DIGITS for ln in first + second for c in ln)


def test_page_numbers_follow_the_digits_the_letter_was_issued_with_not_the_digits_in_its_text(tmp_path):
    """The office's digits are kept with the letter; a letter frozen before they were (no "thai_digits"
    in its JSON) reads as the digits it printed."""
    long = dict(rows=0, body=[BODY] * 3 + [BODY[:300]])
    out = tmp_path / "arabic-pages.pdf"
    render_letter(replace(make_letter(**long), thai_digits=False), out)  # Thai digits in the text, yet…
    assert re.fullmatch("-\\s*2\\s*-", _page_lines(out, 2)[0])

    old = json.loads(make_letter(**long).to_json())
    del old["letter"]["thai_digits"]
    assert LetterContent.from_json(json.dumps(old)).thai_digits
    arabic = replace(make_letter(**long), number="ที่ อบ 0017.15/123", date_text="22 พฤศจิกายน 2569")
    old = json.loads(arabic.to_json())
    del old["letter"]["thai_digits"]
    assert not LetterContent.from_json(json.dumps(old)).thai_digits
    assert LetterContent.from_json(replace(arabic, thai_digits=False).to_json()).thai_digits is False


def test_a_copy_carries_its_mark_on_every_page_of_the_letter_and_its_schedule(tmp_path):
    out = tmp_path / "copy.pdf"
    letters = [replace(make_letter(0, body=[BODY] * 5), copy_mark="สำเนา"), make_letter(1)]
    pages = render_letters(letters, out, make_dispatch(letters))
    assert pages == 6  # the copy: two letter pages and its schedule; the other letter and schedule; the register
    marked = [k for k in range(1, pages + 1) if any("สำเนา" in ln for ln in _page_lines(out, k))]
    assert marked == [1, 2, 3]
    assert _page_lines(out, 1)[0] == "สำเนา", "the mark stands above the letter's first line"
    w, _h, px = gray_page(out, 1)
    assert dark(px, w, (0.75, 0.02, 0.93, 0.07)) > 100, "at the top right, in a box"
    assert json.loads(letters[0].to_json())["letter"]["copy_mark"] == "", "the mark is not part of the letter"


def _first_line_top(pdf: Path) -> float:
    """The top of the page's first word of text, in points from the top edge."""
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return min(float(y) for y in re.findall(r'<word [^>]*yMin="([0-9.]+)"', out))


def test_on_paper_with_the_garuda_printed_the_text_starts_below_it_and_no_emblem_is_drawn(tmp_path):
    emblem = write_png(tmp_path / "garuda.png")
    tops = {}
    for name, letter in {
        "plain": make_letter(rows=0),
        "emblem": make_letter(rows=0, emblem=emblem),
        "printed paper": replace(make_letter(rows=0, emblem=emblem), garuda_space=True),
    }.items():
        out = tmp_path / f"{name}.pdf"
        render_letter(letter, out)
        tops[name] = (_first_line_top(out), b"/Subtype /Image" in out.read_bytes())
    assert tops["emblem"][1] and not tops["printed paper"][1] and not tops["plain"][1]
    assert tops["printed paper"][0] == pytest.approx(tops["emblem"][0], abs=0.1)
    # the emblem's 3 cm stand 1.5 cm from the top edge: the text moves down by what reaches below the margin
    assert tops["printed paper"][0] - tops["plain"][0] == pytest.approx(EMBLEM_H - EMBLEM_RAISE + GAP, abs=0.5)
    # an emblem file that has gone missing does not matter on printed paper: it is not drawn
    gone = replace(make_letter(rows=0, emblem=str(tmp_path / "gone.png")), garuda_space=True)
    assert render_letter(gone, tmp_path / "gone.pdf") == 1


def _words(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return [(w, float(a), float(b)) for a, b, w in re.findall(r'<word xMin="([0-9.]+)"[^>]*xMax="([0-9.]+)"[^>]*>([^<]+)<',
                                                               out)]


def test_the_schedules_status_column_has_room_on_both_sides_of_its_longest_entry(tmp_path):
    schedule, totals = make_schedule(24)
    schedule[13] = replace(schedule[13], status="ครบกำหนดวันนี้")
    out = tmp_path / "schedule.pdf"
    render_letter(replace(make_letter(), schedule=schedule, schedule_totals=totals), out)
    words = _words(out, 2)
    edge = PAGE_W - RIGHT  # the table is as wide as the text frame: its right rule is the margin
    status = [(w, a, b) for w, a, b in words if w in ("ยังไม่ถึงกำหนด", "ครบกำหนดวันนี้")]
    assert len(status) == 11, "each status whole on its line"
    longest = max(status, key=lambda x: x[2] - x[1])
    assert longest[0] == "ครบกำหนดวันนี้"
    assert edge - longest[2] >= 2 * PAD, "room between the longest status and the rule (it was 5 pt)"
    # centred: the shorter ones have as much room on the left as on the right
    _w, a, b = next(x for x in status if x[0] == "ยังไม่ถึงกำหนด")
    left = a - (longest[1] - (edge - longest[2]))
    assert left == pytest.approx(edge - b, abs=1)


def test_a_long_schedule_repeats_its_shaded_header_on_the_next_page(tmp_path):
    out = tmp_path / "long.pdf"
    assert render_letter(make_letter(rows=50), out) == 3
    w, _h, px = gray_page(out, 3)
    shaded = sum(1 for v in px[: len(px) // 5] if 200 <= v <= 230)  # the header's light grey fill
    assert shaded > 200


def test_the_register_of_letters_sent_alone_is_landscape(tmp_path):
    out = tmp_path / "dispatch.pdf"
    letters = [make_letter(i) for i in range(3)]
    assert render_letters([], out, make_dispatch(letters)) == 1
    assert re.search(rb"/MediaBox \[\s*0 0 841\.8\d* 595\.2\d*\s*\]", out.read_bytes())


def test_nothing_to_print_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        render_letters([], tmp_path / "empty.pdf")
    assert not (tmp_path / "empty.pdf").exists()


def test_pdf_embeds_the_bundled_sarabun(tmp_path):
    out = tmp_path / "one.pdf"
    render_letter(make_letter(), out)
    raw = out.read_bytes()
    assert re.search(rb"/BaseFont /[A-Z]{6}\+Sarabun-Regular", raw)
    assert re.search(rb"/BaseFont /[A-Z]{6}\+Sarabun-Bold", raw)
    assert b"/FontFile2" in raw  # the TrueType program itself is inside the file


def test_pages_show_the_letter_layout_and_the_tables(tmp_path):
    letters = [make_letter(0, emblem=write_png(tmp_path / "garuda.png"))]
    out = tmp_path / "batch.pdf"
    render_letters(letters, out, make_dispatch(letters))

    w, _h, letter = gray_page(out, 1)
    # (left, top, right, bottom) as fractions of the page; text starts 3 cm (0.14) from the left edge
    assert dark(letter, w, (0.4, 0.05, 0.6, 0.15)) > 50, "emblem centred at the top"
    assert dark(letter, w, (0.0, 0.0, 1.0, 0.05)) == 0, "nothing in the top margin above the emblem"
    assert dark(letter, w, (0.1, 0.15, 0.4, 0.2)) > 20, "letter number top left"
    assert dark(letter, w, (0.5, 0.15, 0.95, 0.2)) > 20, "office top right"
    assert dark(letter, w, (0.0, 0.15, 0.5, 0.2)) < dark(letter, w, (0.5, 0.15, 1.0, 0.2)), (
        "office to the right"
    )
    assert dark(letter, w, (0.1, 0.87, 0.5, 0.95)) > 20, "section and telephone bottom left"
    assert dark(letter, w, (0.0, 0.0, 0.13, 1.0)) == 0, "nothing in the 3 cm left margin"
    for page in (2, 3):  # the schedule and the register of letters sent
        w, _h, px = gray_page(out, page)
        assert dark(px, w) > 2000


def test_thai_marks_are_shaped_on_the_page(tmp_path):
    """HarfBuzz swaps the tone mark of ป่า for its narrow form left of ป's tail; plain drawing does not."""
    register_fonts()
    s = shaped("ป่า", REGULAR, 40)
    assert isinstance(s, ShapedStr) and s[1] != "่"

    def page(draw) -> bytes:
        pdf = tmp_path / "p.pdf"
        c = canvas.Canvas(str(pdf), pagesize=(200, 80))
        c.setFont(REGULAR, 40)
        draw(c)
        c.save()
        return gray_page(pdf, 1, dpi=100)[2]

    shaped_px = page(lambda c: draw_text(c, 10, 20, "ป่า", REGULAR, 40))
    plain_px = page(lambda c: c.drawString(10, 20, "ป่า"))
    assert shaped_px != plain_px


# --- line breaking -----------------------------------------------------------------------------------


def _boundaries(text: str) -> set[int]:
    cuts, pos = {0}, 0
    for tok in word_tokenize(text, engine="newmm", keep_whitespace=True):
        pos += len(tok)
        cuts.add(pos)
    return cuts


def _shaped_width(text: str, size: float) -> float:
    s = shaped(text, REGULAR, size)
    if isinstance(s, ShapedStr):
        return sum(d.x_advance for d in s.__shapeData__) * size / 1000
    return pdfmetrics.stringWidth(text, REGULAR, size)


# 80 pt is narrower than some amounts and dates: they then break too, but still between words.
@pytest.mark.parametrize("width", [80, 120, 200, 330, 453])
def test_lines_break_only_between_words_and_fit_the_frame(width):
    register_fonts()
    size = 13
    indent = min(70, width / 4)
    lines = break_lines(BODY, REGULAR, size, width, first_width=width - indent)
    cuts = _boundaries(BODY)

    assert len(lines) > 1
    for k, line in enumerate(lines):
        limit = width - indent if k == 0 else width
        assert line.start in cuts and line.end in cuts, f"line {k} cuts a word: {line.text!r}"
        assert line.text == BODY[line.start : line.end]
        assert line.text == line.text.strip(), "no space drawn at either end of a line"
        assert _shaped_width(line.text, size) <= limit + 1e-6
    # nothing lost: only the spaces where lines break are left out
    assert "".join(BODY[a.end : b.start] for a, b in zip(lines, lines[1:], strict=False)).strip() == ""
    assert lines[0].start == 0 and lines[-1].end == len(BODY)


@pytest.mark.parametrize("width", [110, 150, 240])  # lines wider than the date (105 pt)
def test_amounts_dates_and_closing_marks_stay_with_their_words(width):
    register_fonts()
    text = f"รวมเป็นเงินค้างชำระทั้งสิ้น {AMOUNT} ครบกำหนดวันที่ ๓๐ กันยายน ๒๕๖๙ แล้ว ๆ (ค้างชำระ) จริง"
    lines = [ln.text for ln in break_lines(text, REGULAR, 13, width)]
    assert any(AMOUNT in ln for ln in lines)
    assert any("๓๐ กันยายน ๒๕๖๙" in ln for ln in lines)
    assert not any(ln.startswith(("ๆ", ")")) for ln in lines)


def test_newlines_are_forced_breaks():
    register_fonts()
    lines = break_lines("กลุ่มงานส่งเสริมการพัฒนาชุมชน\nโทร. ๐ ๔๕๔๔ ๑๒๓๔", REGULAR, 13, 400)
    assert [ln.text for ln in lines] == ["กลุ่มงานส่งเสริมการพัฒนาชุมชน", "โทร. ๐ ๔๕๔๔ ๑๒๓๔"]


# --- writing safely ----------------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.parametrize("where", ["missing-folder", "under-a-file"])
def test_unwritable_path_raises_input_error_and_writes_nothing(tmp_path, where):
    if where == "missing-folder":
        out = tmp_path / "no such folder" / "letters.pdf"
    else:
        (tmp_path / "afile").write_text("x")
        out = tmp_path / "afile" / "letters.pdf"

    with pytest.raises(InputError) as err:
        render_letters([make_letter()], out)

    assert "บันทึกไฟล์ไม่ได้" in str(err.value) and "cannot write" in str(err.value)
    assert not out.exists()
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("emblem", ["missing", "not-an-image"])
def test_bad_emblem_raises_input_error_and_leaves_no_file(tmp_path, emblem):
    out = tmp_path / "letters.pdf"
    if emblem == "not-an-image":
        (tmp_path / "garuda.png").write_text("not a picture")
    letters = [make_letter(0), make_letter(1, emblem=str(tmp_path / "garuda.png"))]

    with pytest.raises(InputError) as err:
        render_letters(letters, out)

    assert "garuda.png" in str(err.value) and "emblem" in str(err.value)
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_failure_in_the_middle_keeps_the_previous_file(tmp_path):
    out = tmp_path / "letters.pdf"
    out.write_bytes(b"the batch printed yesterday")

    def progress(done, total):
        if done == 2:
            raise RuntimeError("stopped half-way")

    with pytest.raises(RuntimeError):
        render_letters([make_letter(i) for i in range(3)], out, progress=progress)

    assert out.read_bytes() == b"the batch printed yesterday"
    assert _leftovers(tmp_path) == []


def test_success_replaces_the_previous_file(tmp_path):
    out = tmp_path / "letters.pdf"
    out.write_bytes(b"old")
    render_letter(make_letter(), out)
    assert out.read_bytes().startswith(b"%PDF")
    assert _leftovers(tmp_path) == []
