"""Benchmark: a district's batch of demand letters as one PDF, against bare ReportLab drawing the same text.

Renders N letters (default 500), each the letter page plus its 24-instalment schedule page, with
exports.letters_pdf (Thai word segmentation with PyThaiNLP, HarfBuzz shaping, platypus layout), then
draws the same lines with bare ReportLab in the same run: canvas.drawString at fixed positions, the
same embedded Sarabun, no shaping, no segmentation (body text cut every so many characters). The
difference is what shaping and Thai line breaking cost. Figures only; nothing is asserted.

    python bench/bench_letters.py [--letters 500] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from exports import thai_lines, thai_text  # noqa: E402
from exports.letters_pdf import render_letters  # noqa: E402
from fieldtool.letter_content import LetterContent, ScheduleLine  # noqa: E402
from fieldtool.thai import baht_in_words, format_baht, to_thai_digits  # noqa: E402

MONTHS = "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split()
VILLAGES = ["บ้านหนองบัว", "บ้านโนนกลาง", "บ้านดอนจิก", "บ้านทรายมูล", "บ้านกุดชมภู", "บ้านนาห่อม"]
GROUPS = ["กลุ่มทอผ้าไหม", "กลุ่มเลี้ยงไก่พื้นเมือง", "กลุ่มแปรรูปปลาส้ม", "กลุ่มจักสานไม้ไผ่", "กลุ่มน้ำพริกแม่บ้าน"]
GIVEN = ["สมศรี", "บุญมี", "คำปุ่น", "ทองใบ", "มณีรัตน์", "สุดารัตน์", "อำไพ", "จันทร์เพ็ญ", "ประไพ", "บัวผัน", "ลำดวน"]
FAMILY = [
    "ใจดี",
    "ศรีสุข",
    "แก้วมณี",
    "พรหมวงศ์",
    "บุญเรือง",
    "สายทอง",
    "ทองคำ",
    "วงศ์ไทย",
    "ศรีบุญ",
    "คำภา",
    "มีสุข",
    "ดวงแก้ว",
    "พันธ์ดี",
]


def th(n: int) -> str:
    return to_thai_digits(str(n))


def make_letter(i: int) -> LetterContent:
    """One realistic demand letter; names and amounts vary so caches do not make it look cheap."""
    group = f"{GROUPS[i % len(GROUPS)]}{VILLAGES[i % len(VILLAGES)]}"
    chair = f"นาง{GIVEN[i % len(GIVEN)]} {FAMILY[(i // len(GIVEN)) % len(FAMILY)]}"
    village_no = th(1 + i % 17)
    principal = 10_000_00 + 1_237 * i * 100 + 50 * (i % 7)
    rows = 24
    each = principal // rows
    overdue_from = 8 + i % 6
    schedule, paid_total = [], 0
    for k in range(rows):
        amount = each if k < rows - 1 else principal - each * (rows - 1)
        paid = amount if k < overdue_from else 0
        paid_total += paid
        month = (10 + k) % 12
        due = f"{th(28 if month == 1 else 30)} {MONTHS[month]} {th(2568 + (10 + k) // 12)}"
        status = "ชำระแล้ว" if paid else ("ค้างชำระ" if k < overdue_from + 3 else "ยังไม่ถึงกำหนด")
        schedule.append(
            ScheduleLine(
                th(k + 1),
                due,
                format_baht(amount, True),
                format_baht(paid, True),
                format_baht(amount - paid, True),
                status,
            )
        )
    overdue = each * 3
    totals = ScheduleLine(
        "รวม",
        "",
        format_baht(principal, True),
        format_baht(paid_total, True),
        format_baht(principal - paid_total, True),
        "",
    )
    agreement = f"{th(1 + i % 300)}/๒๕๖๘"
    return LetterContent(
        kind="demand-1",
        number=f"ที่ อบ ๐๐๑๗.๑๕/{th(100 + i)}",
        office_lines=["สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร", "ที่ว่าการอำเภอพิบูลมังสาหาร", "ถนนพิบูลอุปถัมภ์ อบ ๓๔๑๑๐"],
        date_text="๒๒ พฤศจิกายน ๒๕๖๙",
        subject="ขอให้ชำระหนี้เงินยืมกองทุนพัฒนาบทบาทสตรี",
        salutation=f"{chair} ประธาน{group} หมู่ที่ {village_no} ตำบลโนนกลาง",
        reference=f"สัญญายืมเงินกองทุนพัฒนาบทบาทสตรี เลขที่ {agreement} ลงวันที่ ๑ ธันวาคม ๒๕๖๘",
        enclosure="ตารางการชำระคืนเงินยืม จำนวน ๑ ฉบับ",
        body=[
            f"ตามสัญญาที่อ้างถึง {group} โดย{chair} ประธานกลุ่ม ได้ยืมเงินกองทุนพัฒนาบทบาทสตรี จำนวน {format_baht(principal, True)} บาท "
            f"({baht_in_words(principal)}) เพื่อดำเนินโครงการเพิ่มรายได้ของกลุ่ม โดยตกลงชำระคืนเป็นรายเดือน "
            f"จำนวน ๒๔ งวด งวดละ {format_baht(each, True)} บาท นั้น",
            f"บัดนี้ ปรากฏว่ากลุ่มของท่านยังมิได้ชำระเงินงวดที่ {th(overdue_from + 1)} ถึงงวดที่ {th(overdue_from + 3)} "
            f"ซึ่งครบกำหนดชำระแล้ว รวมเป็นเงินค้างชำระทั้งสิ้น {format_baht(overdue, True)} บาท "
            f"({baht_in_words(overdue)}) สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหารจึงขอให้ท่านนำเงินดังกล่าวมาชำระ "
            "ณ สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร ภายใน ๑๕ วัน นับแต่วันที่ได้รับหนังสือฉบับนี้ "
            "หากมีปัญหาในการชำระหนี้ โปรดติดต่อคณะทำงานขับเคลื่อนกองทุนพัฒนาบทบาทสตรีระดับตำบล เพื่อหาแนวทางช่วยเหลือต่อไป",
            "จึงเรียนมาเพื่อโปรดดำเนินการ",
        ],
        closing="ขอแสดงความนับถือ",
        signer_name="นางสาวสมหญิง ใจงาม",
        signer_position=["พัฒนาการอำเภอพิบูลมังสาหาร"],
        section_lines=["กลุ่มงานส่งเสริมการพัฒนาชุมชน", "โทร. ๐ ๔๕๔๔ ๑๒๓๔"],
        schedule_title="ตารางการชำระคืนเงินยืมกองทุนพัฒนาบทบาทสตรี",
        schedule=schedule,
        schedule_totals=totals,
        recipient=group,
        loan_agreement=agreement,
        amount_text=format_baht(overdue, True),
    )


def bare_reportlab(letters: list[LetterContent], path: Path) -> int:
    """The same text with canvas.drawString at fixed positions: no shaping, no word segmentation."""
    thai_text.register_fonts()
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    left, size, lead = 3 * cm, 13, 18
    pages = 0

    def line(x, y, text):
        c.drawString(x, y, text)

    for lt in letters:
        c.setFont(thai_text.REGULAR, size)
        y = h - 5 * cm
        line(left, y, lt.number)
        for k, t in enumerate(lt.office_lines):
            line(w / 2 + 1.5 * cm, y - k * lead, t)
        y -= 3 * lead
        line(w / 2, y, lt.date_text)
        for label, text in (
            ("เรื่อง", lt.subject),
            ("เรียน", lt.salutation),
            ("อ้างถึง", lt.reference),
            ("สิ่งที่ส่งมาด้วย", lt.enclosure),
        ):
            y -= lead
            line(left, y, f"{label}  {text}")
        for para in lt.body:
            for k in range(0, len(para), 62):  # a fixed number of characters per line
                y -= lead
                line(left + (2.5 * cm if k == 0 else 0), y, para[k : k + 62])
        y -= 2 * lead
        line(w / 2, y, lt.closing)
        y -= 4 * lead
        line(w / 2, y, f"({lt.signer_name})")
        for t in lt.signer_position:
            y -= lead
            line(w / 2, y, t)
        for k, t in enumerate(lt.section_lines):
            line(left, 3 * cm - k * lead, t)
        c.showPage()
        c.setFont(thai_text.REGULAR, 12)
        y = h - 3 * cm
        line(left, y, lt.schedule_title)
        xs = [left + x * cm for x in (0, 1.5, 5, 8, 11, 14)]
        for row in [
            lt.schedule_header,
            *[
                (s.no, s.due_date, s.amount, s.paid, s.remaining, s.status)
                for s in lt.schedule + [lt.schedule_totals]
            ],
        ]:
            y -= 19
            for x, cell in zip(xs, row, strict=True):
                line(x, y, cell)
        c.showPage()
        pages += 2
    c.save()
    return pages


def clear_caches() -> None:
    thai_lines.words.cache_clear()
    thai_lines.break_units.cache_clear()
    thai_text.shaped.cache_clear()
    thai_lines.text_width.cache_clear()


def segmentation_and_shaping(letters: list[LetterContent]) -> tuple[float, float]:
    """The two Thai-specific steps timed alone, from empty caches: word segmentation of every text,
    then HarfBuzz shaping of every body line at the letter's width."""
    texts = [t for lt in letters for t in (lt.subject, lt.salutation, lt.reference, lt.enclosure, *lt.body)]
    texts += [
        c
        for lt in letters
        for s in lt.schedule
        for c in (s.due_date, s.amount, s.paid, s.remaining, s.status)
    ]
    clear_caches()
    t0 = time.perf_counter()
    for t in texts:
        thai_lines.break_units(t)
    seg = time.perf_counter() - t0
    lines = [
        ln.text
        for lt in letters
        for p in lt.body
        for ln in thai_lines.break_lines(p, thai_text.REGULAR, 13, 453)
    ]
    lines += [c for lt in letters for s in lt.schedule for c in (s.due_date, s.status)]
    thai_text.shaped.cache_clear()
    t0 = time.perf_counter()
    for t in lines:
        thai_text.shaped(t, thai_text.REGULAR, 13)
    return seg, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--letters", type=int, default=500)
    ap.add_argument("--out", type=Path, help="folder for the two PDFs (default: a temporary folder)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        letters = [make_letter(i) for i in range(args.letters)]

        # warm-up: font files, HarfBuzz face, PyThaiNLP dictionary; then start from empty caches
        render_letters(letters[:1], out / "warmup.pdf")
        clear_caches()

        t0 = time.perf_counter()
        pages = render_letters(letters, out / "letters.pdf")
        ours = time.perf_counter() - t0

        t0 = time.perf_counter()
        bare_pages = bare_reportlab(letters, out / "bare.pdf")
        bare = time.perf_counter() - t0

        size = (out / "letters.pdf").stat().st_size
        bare_size = (out / "bare.pdf").stat().st_size
        n = args.letters
        print(f"{n} letters, each the letter and its 24-instalment schedule")
        print(
            f"  fieldtool (segmented, shaped): {ours:7.2f} s  {pages:5d} pages  {size / 1e6:6.2f} MB  "
            f"{1000 * ours / n:6.1f} ms/letter"
        )
        print(
            f"  bare ReportLab drawString:     {bare:7.2f} s  {bare_pages:5d} pages  {bare_size / 1e6:6.2f} MB  "
            f"{1000 * bare / n:6.1f} ms/letter"
        )
        print(f"  cost of layout, shaping and Thai line breaking: {ours - bare:.2f} s ({ours / bare:.1f}x)")
        seg, shape = segmentation_and_shaping(letters)
        print(
            f"  of which, timed alone: word segmentation {seg:.2f} s, HarfBuzz shaping {shape:.2f} s "
            f"(the rest: platypus layout and tables, and writing the pages)"
        )


if __name__ == "__main__":
    main()
