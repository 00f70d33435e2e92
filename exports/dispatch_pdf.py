"""The register of letters sent (ทะเบียนหนังสือส่ง, แบบที่ ๑๔ of the correspondence rules) and the address
labels of the letters that go by post, as PDF.

The register is landscape A4 in the columns the rules prescribe: เลขทะเบียนส่ง, ที่, ลงวันที่, จาก, ถึง,
เรื่อง, การปฏิบัติ, หมายเหตุ. `register_story` gives its flowables, so that the letters' PDF can carry it
after a batch (exports.letters_pdf); `render_register` writes it alone. The labels are a sheet of 2 × 7
labels of 99.1 × 38.1 mm (the common A4 sheet, Avery L7163 and its many equivalents): the letter's
number, the addressee, the address and the postcode, and "ลงทะเบียนตอบรับ" on a registered letter.
Both are written atomically, through exports.pdf_common, in Sarabun shaped by exports.thai_text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm, mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from exports.pdf_common import atomic_pdf
from exports.thai_lines import break_lines, text_width
from exports.thai_text import BOLD, REGULAR, TextStyle, ThaiParagraph, draw_text, register_fonts
from fieldtool.letter_content import AddressLabel, DispatchRegister
from fieldtool.text import Text
from fieldtool.thai import InputError, to_thai_digits

# --- the register ------------------------------------------------------------------------------------

LAND_W, LAND_H = landscape(A4)
L_LEFT, L_RIGHT, L_TOP, L_BOTTOM = 1.5 * cm, 1.5 * cm, 1.8 * cm, 1.5 * cm
REGISTER_WIDTH = LAND_W - L_LEFT - L_RIGHT
TITLE = TextStyle(BOLD, 15, 20)
TEXT = TextStyle(REGULAR, 13, 18)
# 11 pt Sarabun is about TH Sarabun 14 pt: a register is a dense book, and each entry keeps to a few lines
CELL = TextStyle(REGULAR, 11, 14)
PAD = 4

REGISTER_HEADER = ("เลขทะเบียน\nส่ง", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ")
_ALIGNS = ("centre", "left", "left", "left", "left", "left", "left", "left")
# Columns as wide as their longest entry up to a cap (so "ไปรษณีย์ลงทะเบียนตอบรับ" may take two lines);
# ถึง, เรื่อง and หมายเหตุ share the rest.
_CAPS = {0: 60.0, 1: 105.0, 2: 85.0, 3: 70.0, 6: 84.0}
_SHARES = {4: 0.43, 5: 0.29, 7: 0.28}
HEADER_FILL = colors.Color(0.85, 0.85, 0.85)


def register_story(register: DispatchRegister, width: float = REGISTER_WIDTH) -> list[Flowable]:
    """The register's title, office, period and table, for a landscape frame `width` wide."""
    story: list[Flowable] = [ThaiParagraph(register.title or "ทะเบียนหนังสือส่ง", TITLE, align="centre")]
    for line in (register.office, register.period):
        if line:
            story.append(ThaiParagraph(line, TEXT, align="centre"))
    story.append(Spacer(1, 10))
    rows = [
        [
            r.register_no,
            r.number,
            r.date_text,
            r.sender,
            f"{r.recipient}\n{r.address}" if r.address else r.recipient,  # the address under the name
            r.subject,
            _post_on_its_line(r.action),
            r.note,
        ]
        for r in register.lines
    ]
    story.append(_table(rows, register.total_text, width))
    return story


def _post_on_its_line(action: str) -> str:
    """"ไปรษณีย์ลงทะเบียนตอบรับ" is too wide for its column and the segmenter sees "ไปรษณีย์ลงทะเบียน" as one
    word: break it after ไปรษณีย์ rather than inside a word."""
    if action.startswith("ไปรษณีย์") and text_width(action, CELL.font, CELL.size) > _CAPS[6]:
        return "ไปรษณีย์\n" + action.removeprefix("ไปรษณีย์")
    return action


def _table(rows: list[list[str]], total: str, width: float) -> Table:
    bold = CELL.bold()
    widths = _widths(rows, width)
    data = [[ThaiParagraph(h, bold, align="centre") for h in REGISTER_HEADER]]
    data += [[ThaiParagraph(t, CELL, align=a, keep=_names(t)) for t, a in zip(r, _ALIGNS, strict=True)] for r in rows]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if total:
        data.append([ThaiParagraph(total, bold, align="right")] + [""] * (len(REGISTER_HEADER) - 1))
        style += [("SPAN", (0, -1), (-1, -1)), ("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.94, 0.94, 0.94))]
    return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(style), hAlign="CENTER")


_VILLAGE = re.compile("หมู่ที่ [0-9๐-๙]+ (\\S+)")


def _names(text: str) -> tuple[str, ...]:
    """What a cell never breaks inside: each space-separated part of a name or an address ("แสนทวี",
    "บ้านเลขที่ ๒๓"), and the village wherever it stands ("…ประธานกลุ่มทอผ้าไหมบ้านโนนสูง")."""
    parts = [p for line in text.split("\n") for p in line.split(" ") if p and len(p) <= 20]
    return tuple(dict.fromkeys([*_VILLAGE.findall(text), *parts]))


def _widths(rows: list[list[str]], width: float) -> list[float]:
    pad = 2 * PAD + 1
    out = [0.0] * len(REGISTER_HEADER)
    for c, cap in _CAPS.items():
        head = max(text_width(w, BOLD, CELL.size) for w in REGISTER_HEADER[c].split("\n"))
        cells = [text_width(line, CELL.font, CELL.size) for r in rows for line in r[c].split("\n")]
        out[c] = min(max([head, *cells]), cap) + pad
    rest = width - sum(out)
    for c, share in _SHARES.items():
        out[c] = rest * share
    return out


def render_register(register: DispatchRegister, out_path: str | os.PathLike) -> int:
    """Write the register alone (landscape A4); return its number of pages."""
    register_fonts()
    pages = []

    def page_end(canv, doc):
        pages.append(1)
        page = canv.getPageNumber()
        if page > 1:  # continuation pages carry their number at the top centre: - ๒ -
            label = f"- {to_thai_digits(str(page)) if register.thai_digits else page} -"
            draw_text(canv, (LAND_W - text_width(label, TEXT.font, TEXT.size)) / 2, LAND_H - 1.3 * cm, label,
                      TEXT.font, TEXT.size)

    with atomic_pdf(Path(out_path)) as buf:
        doc = BaseDocTemplate(
            buf,
            pagesize=landscape(A4),
            pageTemplates=[PageTemplate(
                id="landscape",
                frames=[Frame(L_LEFT, L_BOTTOM, REGISTER_WIDTH, LAND_H - L_TOP - L_BOTTOM, 0, 0, 0, 0)],
                pagesize=landscape(A4),
                onPageEnd=page_end,
            )],
            title=register.title,
            author=register.office,
            creator="fieldtool",
        )
        doc.build(register_story(register))
    return len(pages)


# --- address labels ----------------------------------------------------------------------------------

PAGE_W, PAGE_H = A4
LABEL_COLS, LABEL_ROWS = 2, 7
LABEL_W, LABEL_H = 99.1 * mm, 38.1 * mm
LABEL_LEFT, LABEL_TOP = 4.65 * mm, 15.15 * mm  # of the first label, from the sheet's left and top edges
LABEL_PITCH_X, LABEL_PITCH_Y = 101.6 * mm, 38.1 * mm
LABEL_PAD_X, LABEL_PAD_Y = 5 * mm, 3.5 * mm
SMALL = TextStyle(REGULAR, 9, 11)
NAME = TextStyle(BOLD, 12, 15)
ADDRESS = TextStyle(REGULAR, 12, 15)
SERVICE = TextStyle(BOLD, 9, 11)


def render_labels(labels: Sequence[AddressLabel], out_path: str | os.PathLike, outlines: bool = False) -> int:
    """Write the labels on A4 label sheets, 14 a sheet, in order; return the number of sheets.

    `outlines` draws each label's edge (for a proof on plain paper; label stock is already cut).
    """
    if not labels:
        raise InputError(Text("ไม่มีหนังสือที่ส่งทางไปรษณีย์ จึงไม่มีป้ายจ่าหน้า", "no letter goes by post: there are no labels"))
    register_fonts()
    per_sheet = LABEL_COLS * LABEL_ROWS
    with atomic_pdf(Path(out_path)) as buf:
        canv = Canvas(buf, pagesize=A4)
        canv.setTitle("ป้ายจ่าหน้าซอง")
        canv.setCreator("fieldtool")
        sheets = 0
        for start in range(0, len(labels), per_sheet):
            sheets += 1
            for k, label in enumerate(labels[start : start + per_sheet]):
                row, col = divmod(k, LABEL_COLS)
                x = LABEL_LEFT + col * LABEL_PITCH_X
                y = PAGE_H - LABEL_TOP - (row + 1) * LABEL_PITCH_Y
                if outlines:
                    canv.setStrokeColor(colors.Color(0.75, 0.75, 0.75))
                    canv.setLineWidth(0.3)
                    canv.roundRect(x, y, LABEL_W, LABEL_H, 2 * mm)
                _draw_label(canv, x, y, label)
            canv.showPage()
        canv.save()
    return sheets


def _draw_label(canv: Canvas, x: float, y: float, label: AddressLabel) -> None:
    """One label with its bottom-left corner at (x, y): the letter's number and the service on the first
    line, then the addressee in bold and the address, the postcode last; shrunk a little if too long."""
    inner = LABEL_W - 2 * LABEL_PAD_X
    top = y + LABEL_H - LABEL_PAD_Y
    room = LABEL_H - 2 * LABEL_PAD_Y - SMALL.leading
    scale = 1.0
    while True:
        name_st, addr_st = _scaled(NAME, scale), _scaled(ADDRESS, scale)
        keep = _names("\n".join([*label.name_lines, *label.address_lines]))
        names = [ln for t in label.name_lines for ln in break_lines(t, name_st.font, name_st.size, inner, keep=keep)]
        address = list(label.address_lines)
        if label.postcode:
            address = address[:-1] + [f"{address[-1]}  {label.postcode}" if address else label.postcode]
        lines = [ln for t in address for ln in break_lines(t, addr_st.font, addr_st.size, inner, keep=keep)]
        need = len(names) * name_st.leading + len(lines) * addr_st.leading
        if need <= room or scale < 0.7:
            break
        scale -= 0.05
    cy = top - SMALL.size
    if label.number:
        draw_text(canv, x + LABEL_PAD_X, cy, label.number, SMALL.font, SMALL.size)
    if label.service:
        w = text_width(label.service, SERVICE.font, SERVICE.size)
        sx = x + LABEL_W - LABEL_PAD_X - w
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.6)
        canv.rect(sx - 2, cy - 2.5, w + 4, SERVICE.size + 3)
        draw_text(canv, sx, cy, label.service, SERVICE.font, SERVICE.size)
    cy = top - SMALL.leading
    for ln in names:
        cy -= name_st.leading
        draw_text(canv, x + LABEL_PAD_X, cy + (name_st.leading - name_st.size) * 0.6, ln.text, name_st.font,
                  name_st.size)
    for k, ln in enumerate(lines):
        cy -= addr_st.leading
        base = cy + (addr_st.leading - addr_st.size) * 0.6
        last = k == len(lines) - 1
        if last and label.postcode and ln.text.endswith(label.postcode):
            # the postcode in bold, as the post office reads it first
            head = ln.text[: -len(label.postcode)]
            draw_text(canv, x + LABEL_PAD_X, base, head, addr_st.font, addr_st.size)
            px = x + LABEL_PAD_X + text_width(head, addr_st.font, addr_st.size)
            draw_text(canv, px, base, label.postcode, BOLD, addr_st.size)
        else:
            draw_text(canv, x + LABEL_PAD_X, base, ln.text, addr_st.font, addr_st.size)


def _scaled(style: TextStyle, k: float) -> TextStyle:
    return TextStyle(style.font, style.size * k, style.leading * k)
