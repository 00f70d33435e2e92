"""Thai text on PDF pages: lines drawn shaped so marks sit right, given back exactly by text extraction, and
the paragraph that flows them (where its lines break is exports.thai_lines).

Why not canvas.drawString(..., shaping=True): in ReportLab 5.1 that flag is silently ignored unless the
optional rlbidi package is installed. We shape each line ourselves with reportlab's shapeStr (uharfbuzz)
and draw the resulting ShapedStr, which the text object places glyph by glyph (tone marks lifted over
upper vowels, the short-tailed ป/ฝ/ฟ marks, ญ/ฐ without their foot above a lower vowel).

Searchable text: a shaped line is drawn with glyphs HarfBuzz chose, not characters: the narrow tone
marks have no character (ReportLab gives them private-use code points) and sara am comes apart into
nikhahit and sara aa, so the font's ToUnicode map cannot give the words back. Even where the glyphs
are the characters, HarfBuzz moves the marks (the bold face sets ั of "การปฏิบัติ" a point right), and an
extractor that orders glyphs by position then reads "การปฏิบต ั ิ". Each shaped line is therefore
wrapped in a marked-content span whose ActualText is the line as written (PDF 1.5, 14.9.4), which
poppler's pdftotext and the other readers that honour ActualText give back instead of the glyphs. A
ToUnicode entry per glyph cannot do it: one glyph (nikhahit) would have to stand for sara am in one
place and for itself in another, and HarfBuzz puts the marks of "น้ำ" in another order.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeStr
from reportlab.platypus.flowables import Flowable

from exports.thai_lines import Line, break_lines, first_words, text_width

FONT_DIR = Path(__file__).resolve().parents[1] / "resources" / "fonts"
REGULAR = "Sarabun"
BOLD = "Sarabun-Bold"
_FONT_FILES = {REGULAR: "Sarabun-Regular.ttf", BOLD: "Sarabun-Bold.ttf"}


def register_fonts() -> None:
    """Register the bundled Sarabun faces with ReportLab once (idempotent)."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in _FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))


# --- drawing -----------------------------------------------------------------------------------------

# Text HarfBuzz has work on: Thai vowels above and below, sara am, tone and other marks (ญ and ฐ lose
# their foot only under a lower vowel, which is in the set).
_NEEDS_SHAPING = re.compile("[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]")


@lru_cache(maxsize=65536)
def shaped(text: str, font: str, size: float) -> str:
    """The string to draw: a ShapedStr when HarfBuzz has work to do, else the text itself.

    Remembered per text: a ShapedStr refers to glyphs by private code points that ReportLab adds to the
    registered font on first use, and register_fonts() never replaces a registered font.
    """
    if not _NEEDS_SHAPING.search(text):
        return text
    return shapeStr(text, font, size)


def _num(v: float) -> str:
    """A number for a content stream: as short as it can be, to a thousandth."""
    if v == int(v):
        return str(int(v))
    return f"{v:.3f}".rstrip("0").rstrip(".")


def _show(doc, text: str, font_name: str, size: float) -> tuple[str, str]:
    """The operators that draw `text` shaped, around its position: ("BT … 1 0 0 1 ", " Tm … ET …").

    ReportLab's subsets give the glyphs their codes (splitString; the font is embedded as usual); the
    glyphs go out as one TJ array per subset, HarfBuzz's offsets as the array's numbers and its raised
    marks as a text rise. The same placing as ReportLab's text object (a test compares the pixels),
    written once per text and document instead of number by number for each glyph, which was a fifth
    of a batch's time; and wrapped in an ActualText span whenever HarfBuzz shaped it.
    """
    font = pdfmetrics.getFont(font_name)
    glyphs = shaped(text, font_name, size)
    data = getattr(glyphs, "__shapeData__", None)
    out = []
    i = 0
    rise = 0.0
    for subset, codes in font.splitString(glyphs, doc):
        out.append(f"{font.getSubsetInternalName(subset, doc)} {_num(size)} Tf")
        if data is None:
            out.append(f"({escapePDF(codes)}) Tj")
            continue
        arr: list[str] = []
        run = bytearray()
        for code in codes:
            d = data[i]
            i += 1
            r = size * d.y_offset / 1000
            if r != rise:  # a rise ends the array: Ts cannot stand inside TJ
                if run:
                    arr.append(f"({escapePDF(bytes(run))})")
                    run.clear()
                if arr:
                    out.append(f"[{' '.join(arr)}] TJ")
                    arr = []
                out.append(f"{_num(r)} Ts")
                rise = r
            if d.x_offset:  # move the glyph right by its offset…
                if run:
                    arr.append(f"({escapePDF(bytes(run))})")
                    run.clear()
                arr.append(_num(-d.x_offset))
            run.append(code)
            back = d.width - d.x_advance + d.x_offset  # …then bring the pen to HarfBuzz's advance
            if back:
                arr.append(f"({escapePDF(bytes(run))})")
                run.clear()
                arr.append(_num(back))
        if run:
            arr.append(f"({escapePDF(bytes(run))})")
        if arr:
            out.append(f"[{' '.join(arr)}] TJ")
    if rise:
        out.append("0 Ts")  # the rise is text state: it would outlive ET
    head, tail = "BT 1 0 0 1 ", f" Tm {' '.join(out)} ET"
    if data is not None:  # see the module's docstring: searching and copying must give back `text`
        head = f"/Span <</ActualText <FEFF{text.encode('utf-16-be').hex().upper()}>>> BDC {head}"
        tail += " EMC"
    return head, tail


# per PDF document (its font subsets number the glyphs): text, font, size → _show's operators
_SHOWN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def draw_text(canv, x: float, y: float, text: str, font: str, size: float) -> None:
    """Draw one line of text shaped, with its left end at x and baseline at y, in the fill colour.

    A line HarfBuzz shaped (its glyphs replaced or its marks moved: see the module's docstring) is
    drawn inside an ActualText span, so that extracting, searching and copying give back `text` as
    written, in every face and size.
    """
    if not text:
        return
    doc = canv._doc
    shown = _SHOWN.get(doc)
    if shown is None:
        shown = _SHOWN[doc] = {}
    ops = shown.get((text, font, size))
    if ops is None:
        ops = shown[(text, font, size)] = _show(doc, text, font, size)
    canv.addLiteral(f"{ops[0]}{_num(x)} {_num(y)}{ops[1]}")


@dataclass(frozen=True)
class TextStyle:
    font: str = REGULAR
    size: float = 16.0
    leading: float = 20.0

    @property
    def baseline(self) -> float:
        """Distance from the top of a line box down to its baseline."""
        return self.leading - 0.26 * self.size

    def bold(self) -> TextStyle:
        return replace(self, font=BOLD)


class ThaiParagraph(Flowable):
    """A paragraph of Thai text broken where Thai allows, drawn shaped.

    left_indent: all lines start there (a hanging indent when a label is given: the label is drawn at
    x=0 on the first line and the text wraps under the text). first_indent: extra indent of line one.
    align: left, right or centre. There is no justify: a Thai line has few spaces (between phrases,
    not words) and stretching them opens visible holes. keep: phrases never broken inside (names the
    caller knows: a borrower, a village). fit: one line that never wraps; when it is wider than the
    room, its font shrinks to fit (a figure in a table cell).
    """

    def __init__(
        self,
        text: str,
        style: TextStyle,
        *,
        align: str = "left",
        left_indent: float = 0.0,
        first_indent: float = 0.0,
        right_indent: float = 0.0,
        label: str = "",
        space_before: float = 0.0,
        space_after: float = 0.0,
        keep: tuple[str, ...] = (),
        fit: bool = False,
    ):
        super().__init__()
        self.text = text.strip(" ")
        self.style = style
        self.align = align
        self.left_indent = left_indent
        self.first_indent = first_indent
        self.right_indent = right_indent
        self.label = label
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.keep = keep
        self.fit = fit
        self.size = style.size  # as drawn: smaller than the style's when a fitted line had to shrink
        self._lines: list[Line] | None = None
        self._for_width: float | None = None

    def __repr__(self) -> str:
        return f"ThaiParagraph({self.text[:30]!r})"

    def lines(self, avail_width: float) -> list[Line]:
        if self._lines is None or self._for_width != avail_width:
            st = self.style
            rest = avail_width - self.left_indent - self.right_indent
            if self.fit:
                w = text_width(self.text, st.font, st.size)
                self.size = st.size if w <= rest else st.size * max(rest, 1.0) / w
                self._lines = [Line(0, len(self.text), self.text, w * self.size / st.size)]
            else:
                self._lines = break_lines(
                    self.text, st.font, st.size, rest, first_width=rest - self.first_indent, keep=self.keep
                )
            self._for_width = avail_width
        return self._lines

    def first_words(self, avail_width: float) -> str:
        """What a reader sees first: the label, or the first word(s) of the first line."""
        return self.label or first_words(self.lines(avail_width)[0].text)

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = len(self.lines(availWidth)) * self.style.leading
        return self.width, self.height

    def split_at(self, n: int, avail_width: float) -> tuple[ThaiParagraph, ThaiParagraph]:
        """The first n lines, and a paragraph of the rest (which breaks into the same lines again)."""
        lines = self.lines(avail_width)
        common = dict(align=self.align, left_indent=self.left_indent, right_indent=self.right_indent,
                      keep=self.keep)
        head = ThaiParagraph(self.text, self.style, first_indent=self.first_indent, label=self.label,
                             space_before=self.spaceBefore, **common)
        head._lines, head._for_width = lines[:n], avail_width
        tail = ThaiParagraph(self.text[lines[n].start :], self.style, space_after=self.spaceAfter, **common)
        return head, tail

    def split(self, availWidth, availHeight):
        lines = self.lines(availWidth)
        n = int((availHeight + 1e-6) // self.style.leading)
        if n <= 0 or n >= len(lines):
            return [] if n <= 0 else [self]
        return list(self.split_at(n, availWidth))

    def draw(self):
        st = self.style
        canv = self.canv
        lines = self.lines(self.width)
        y = self.height - st.baseline
        if self.label:
            draw_text(canv, 0, y, self.label, st.font, st.size)
        for i, line in enumerate(lines):
            x0 = self.left_indent + (self.first_indent if i == 0 else 0)
            room = self.width - self.right_indent - x0
            if self.align == "right":
                x = x0 + room - line.width
            elif self.align in ("centre", "center"):
                x = x0 + (room - line.width) / 2
            else:
                x = x0
            draw_text(canv, x, y, line.text, st.font, self.size)
            y -= st.leading
