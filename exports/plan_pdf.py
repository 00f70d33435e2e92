"""The household development plan (แผนพัฒนาครัวเรือน) as a one- or two-page PDF, for the household and
the file: who made it, the needs, the four T's with what was found and the agreed actions, the
household's decision in their own words, and places to sign – which never stand alone on a page: they
keep with the decision's last lines.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

from exports.pdf_common import KeepTail, atomic_pdf, ruled_table
from exports.thai_text import BOLD, REGULAR, TextStyle, ThaiParagraph, draw_text, register_fonts
from fieldtool.households import HouseholdView
from fieldtool.plans import PlanView
from fieldtool.thai import format_baht, format_date, to_thai_digits
from fieldtool.vocabulary import Dimension, PlanPart

TEXT = TextStyle(REGULAR, 12, 17)
HEAD = TextStyle(BOLD, 12.5, 18)
TITLE = TextStyle(BOLD, 15, 21)
MARGIN = 2 * cm
ACTION_HEADER = ["กิจกรรมที่ตกลงกัน", "ผู้ช่วยเหลือ/หน่วยงาน", "กำหนดเสร็จ", "ทรัพยากร/งบประมาณ (บาท)", "สถานะ"]


def render_plan(plan: PlanView, household: HouseholdView, out_path: Path | str, office: str = "", thai_digits: bool = True) -> int:
    """Write the plan to `out_path` (atomically); return the number of pages."""
    register_fonts()
    out = Path(out_path)
    pages = [0]

    def digits(text: str) -> str:
        return to_thai_digits(text) if thai_digits else text

    def day(d) -> str:
        return format_date(d, "long", thai_digits=thai_digits) if d else "-"

    names = tuple(n for n in (household.head, plan.made_by) if n)  # never broken across lines

    story = [
        ThaiParagraph("แผนพัฒนาครัวเรือน (เครื่องมือ ๔ท)", TITLE, align="centre"),
        ThaiParagraph(office, TEXT, align="centre", space_after=6) if office else Spacer(1, 6),
        ThaiParagraph(digits(f"หัวหน้าครัวเรือน  {household.head}   บ้านเลขที่ {household.house_no or '-'}  "
                             f"{household.village}"), TEXT, keep=names),
        ThaiParagraph(f"ที่มา  {household.source.label.th}   สถานะ  {household.status.label.th}   "
                      f"แผนฉบับที่ {digits(str(plan.revision))}  จัดทำเมื่อ {day(plan.made_on)}", TEXT),
        ThaiParagraph(f"ผู้ร่วมจัดทำ  {plan.participants or '-'}", TEXT, space_after=4, keep=names),
    ]
    if household.needs:
        story.append(ThaiParagraph("ความจำเป็นของครัวเรือน (มิติ TPMAP)", HEAD, space_before=4))
        for dimension, description in household.needs.items():
            story.append(ThaiParagraph(f"• {Dimension(dimension).label.th}: {description}", TEXT, left_indent=0.5 * cm))
    for part in PlanPart:
        block = [ThaiParagraph(part.label.th, HEAD, space_before=8),
                 ThaiParagraph(f"สิ่งที่พบ: {plan.findings.get(part) or '-'}", TEXT, left_indent=0.5 * cm, space_after=3)]
        actions = [a for a in plan.actions if a.part == part]
        if actions:
            rows = [
                [
                    a.what + (" (เลยกำหนด)" if a.overdue else ""),
                    a.helper or "-",
                    format_date(a.due_on, "short", thai_digits=thai_digits) if a.due_on else "-",
                    " ".join(x for x in (a.resources, format_baht(a.budget_satang, thai_digits=thai_digits)
                                         if a.budget_satang else "") if x) or "-",
                    a.status.label.th,
                ]
                for a in actions
            ]
            block.append(ruled_table(ACTION_HEADER, rows, None, ("left", "left", "left", "right", "left"),
                                     A4[0] - 2 * MARGIN, flexible=(0, 1)))
        story.append(KeepTogether(block))
    signatures = [
        ThaiParagraph("ลงชื่อ ........................................ หัวหน้าครัวเรือน", TEXT,
                      left_indent=6.5 * cm, space_before=24),
        ThaiParagraph(f"({household.head})", TEXT, left_indent=7.5 * cm, space_after=14, keep=names),
        ThaiParagraph("ลงชื่อ ........................................ ผู้ร่วมจัดทำแผน", TEXT,
                      left_indent=6.5 * cm),
        ThaiParagraph(f"({plan.made_by or '........................................'})", TEXT,
                      left_indent=7.5 * cm, keep=names),
    ]
    # the heading stays with the decision's first line, the signatures with its last two
    story.append(KeepTail(
        [ThaiParagraph(f"“{plan.decision or '-'}”", TEXT, left_indent=0.5 * cm, keep=names)],
        signatures,
        lines=2,
        before=[ThaiParagraph("ทางออกที่ครัวเรือนตัดสินใจ (ในถ้อยคำของครัวเรือน)", HEAD, space_before=10)],
    ))

    def footer(canv, doc):
        pages[0] = doc.page
        text = f"แผนพัฒนาครัวเรือน {household.head} ฉบับที่ {plan.revision} หน้า {doc.page}"
        draw_text(canv, MARGIN, 1.2 * cm, digits(text), REGULAR, 9)

    with atomic_pdf(out) as buf:
        doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=1.8 * cm,
                                bottomMargin=2 * cm, title="แผนพัฒนาครัวเรือน", author=office or "fieldtool")
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return pages[0]
