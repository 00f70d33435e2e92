"""Thai text on PDF pages: lines that break only between words, drawn shaped so marks sit right.

Why not ReportLab's Paragraph: it breaks only at spaces and joins the pieces of a line with a space, so
Thai (no spaces between words) either overflows the frame or gets visible gaps once break points are
marked. Here PyThaiNLP's newmm segmenter finds the words, a few rules glue what must stay together
(numbers, amounts with their unit, dates, punctuation), a greedy filler measures the pieces with
pdfmetrics.stringWidth and each line is drawn as one shaped string.

Why not canvas.drawString(..., shaping=True): in ReportLab 5.1 that flag is silently ignored unless the
optional rlbidi package is installed. We shape each line ourselves with reportlab's shapeStr (uharfbuzz)
and draw the resulting ShapedStr, which the text object places glyph by glyph (tone marks lifted over
upper vowels, the short-tailed ป/ฝ/ฟ marks, ญ/ฐ without their foot above a lower vowel).
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from pythainlp.tokenize import word_tokenize
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeStr
from reportlab.platypus.flowables import Flowable

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


# --- where a line may break ------------------------------------------------------------------------

_SPACE, _THAI, _OPEN, _CLOSE, _OTHER = range(5)
_OPEN_CHARS = set("([{“‘")
# Never at the start of a line: closing punctuation, mai yamok (ๆ) and paiyannoi (ฯ).
_CLOSE_CHARS = set(")]}”’,.;:!?%…ๆฯ")
_DIGITS = set("0123456789๐๑๒๓๔๕๖๗๘๙")
# Thai letters, vowels and marks, but not the Thai digits (U+0E50-0E59).
_THAI_LETTER = re.compile("[\u0e01-\u0e4f]")

_MONTHS = set(
    "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม "
    "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split()
)
# A number and the word after it stay on one line when the word is its unit ("๓,๓๓๓.๓๔ บาท")…
_UNITS = set("บาท สตางค์ งวด วัน เดือน ปี ราย คน ครั้ง ฉบับ แผ่น ชุด".split()) | _MONTHS
# …and so do these words and the number that follows them ("พ.ศ. ๒๕๖๙", "โทร. ๐ ๔๕๔๔ ๑๒๓๔").
_NUMBER_LEADS = set("พ.ศ. ค.ศ. ที่ เลขที่ งวดที่ หมู่ที่ ฉบับที่ ข้อ หมู่ โทร. โทรศัพท์ โทรสาร".split()) | _MONTHS
# Short Thai letter codes before a number: the code of a letter number, "อบ ๐๐๑๗.๑๕/๑๒๓".
_CODE = re.compile("[ก-ฮ]{1,3}")


def _kind(tok: str) -> int:
    if tok.isspace():
        return _SPACE
    if all(c in _CLOSE_CHARS for c in tok):
        return _CLOSE
    if all(c in _OPEN_CHARS for c in tok):
        return _OPEN
    if _THAI_LETTER.search(tok):
        return _THAI
    return _OTHER


def _is_number(tok: str) -> bool:
    return any(c in _DIGITS for c in tok) and not _THAI_LETTER.search(tok)


def _tokens(text: str) -> list[str]:
    toks = word_tokenize(text, engine="newmm", keep_whitespace=True)
    if "".join(toks) != text:  # the segmenter is expected to keep every character; never lose text
        return [text]
    return toks


def _joins(a: str, ka: int, b: str, kb: int) -> bool:
    """True when two adjacent (unspaced) tokens must stay on one line."""
    if kb == _CLOSE or ka == _OPEN:
        return True
    if ka == _OTHER and kb == _OTHER:  # Latin words, numbers, "๑๒/๒๕๖๘", e-mail addresses
        return True
    # newmm cuts unknown abbreviations ("โท" + "ร."); a Thai piece with a dot belongs to the word before.
    return ka == _THAI and kb == _THAI and "." in b


def _space_joins(prev_tok: str, prev_chunk: str, next_tok: str, next_kind: int, strict: bool) -> bool:
    """True when the space between two tokens must not become a line break."""
    if next_kind == _CLOSE:  # "แล้ว ๆ"
        return True
    if _kind(prev_tok) == _OPEN:
        return True
    if not strict:
        return False
    if _is_number(prev_tok) and (_is_number(next_tok) or next_tok in _UNITS):
        return True
    return _is_number(next_tok) and (
        prev_tok in _NUMBER_LEADS or prev_chunk in _NUMBER_LEADS or bool(_CODE.fullmatch(prev_chunk))
    )


@lru_cache(maxsize=8192)
def break_units(text: str, strict: bool = True) -> tuple[tuple[int, int, bool], ...]:
    """Cut one line of text (no newlines) into pieces that never break inside: (start, end, is_space).

    A line may break only at a space piece (the space is then not drawn) or between two text pieces;
    every boundary is a boundary of newmm's word segmentation. strict=False drops the preferences
    (amount with its unit, day with month and year, ...) and keeps only what may never part: a number,
    a Latin word, punctuation with its word; it is used for a piece too wide for a whole line.
    """
    toks = _tokens(text)
    kinds = [_kind(t) for t in toks]
    units: list[tuple[int, int, bool]] = []
    pos = 0
    chunk_start = 0  # start of the current space-delimited chunk, for multi-token leads like "โทร."
    join_next = False  # the last space was glued: the next token continues the same piece
    for i, tok in enumerate(toks):
        end = pos + len(tok)
        k = kinds[i]
        if k == _SPACE:
            last = i + 1 == len(toks)
            if not units:  # leading spaces start the first piece
                units.append((pos, end, False))
                join_next = True
            elif not last and _space_joins(
                toks[i - 1], text[chunk_start:pos], toks[i + 1], kinds[i + 1], strict
            ):
                units[-1] = (units[-1][0], end, False)
                join_next = True
            else:
                units.append((pos, end, True))
            chunk_start = end
        elif join_next or (i > 0 and kinds[i - 1] != _SPACE and _joins(toks[i - 1], kinds[i - 1], tok, k)):
            units[-1] = (units[-1][0], end, False)
            join_next = False
        else:
            units.append((pos, end, False))
        pos = end
    return tuple(units)


# --- filling lines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One printed line: text[start:end] of the paragraph, its width in points."""

    start: int
    end: int
    text: str
    width: float


def _split_long(text: str, start: int, end: int, font: str, size: float, width: float) -> list[int]:
    """Last resort for one piece wider than the line (a long URL): cut between character clusters."""
    cuts = []
    w = 0.0
    for i in range(start, end):
        ch = text[i]
        cw = pdfmetrics.stringWidth(ch, font, size)
        # never separate a base letter from its marks or from sara am
        if i > start and w + cw > width and unicodedata.category(ch) != "Mn" and ch != "ำ":
            cuts.append(i)
            w = 0.0
        w += cw
    return cuts


def break_lines(
    text: str, font: str, size: float, width: float, first_width: float | None = None
) -> list[Line]:
    """Break text into lines no wider than `width` (`first_width` for the first), only between words.

    Newlines in text are forced breaks. Spaces at a break are dropped; spaces inside a line are kept as
    written (Thai puts spaces between phrases, not words, so nothing is added between words).
    """
    lines: list[Line] = []
    offset = 0
    for part in text.split("\n"):
        lines.extend(_fill(part, offset, text, font, size, width, first_width if not lines else None))
        offset += len(part) + 1
    return lines


@lru_cache(maxsize=65536)
def text_width(text: str, font: str, size: float) -> float:
    """pdfmetrics.stringWidth, remembered: a batch measures the same words and amounts again and again.

    The unshaped width is the shaped one for Sarabun: HarfBuzz gives Thai marks no advance, as the font
    does, and substitutes glyphs of the same width (the tests compare both).
    """
    return pdfmetrics.stringWidth(text, font, size)


def _fill(part, offset, text, font, size, width, first_width) -> list[Line]:
    sw = text_width
    out: list[Line] = []
    avail = first_width if first_width is not None else width
    start = end = None  # of the current line, in part
    cur = 0.0
    pending = 0.0  # width of a breakable space waiting between the line and the next piece

    def close():
        nonlocal start, end, cur, avail
        out.append(Line(offset + start, offset + end, text[offset + start : offset + end], cur))
        start = end = None
        cur = 0.0
        avail = width

    queue = deque((s, e, sp, True) for s, e, sp in break_units(part))
    while queue:
        s, e, is_space, strict = queue.popleft()
        if is_space:
            if start is not None:
                pending = sw(part[s:e], font, size)
            continue
        w = sw(part[s:e], font, size)
        if start is not None and cur + pending + w <= avail + 1e-6:
            end, cur = e, cur + pending + w
        elif w > (avail if start is None else width) + 1e-6:
            # wider than a whole line: break inside it, at the weakest places first
            inner = break_units(part[s:e], strict=False) if strict else ()
            if len(inner) > 1:
                queue.extendleft(reversed([(s + a, s + b, sp, False) for a, b, sp in inner]))
                continue
            if start is not None:
                close()
            a = s
            for c in [*_split_long(part, s, e, font, size, avail), e]:
                start, end, cur = a, c, sw(part[a:c], font, size)
                if c != e:
                    close()
                a = c
        else:
            if start is not None:
                close()
            start, end, cur = s, e, w
        pending = 0.0
    if start is not None:
        close()
    if not out:  # an empty paragraph still takes one line
        out.append(Line(offset, offset, "", 0.0))
    return out


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


def draw_text(canv, x: float, y: float, text: str, font: str, size: float) -> None:
    """Draw one line of text shaped, with its left end at x and baseline at y."""
    if text:
        canv.setFont(font, size)
        canv.drawString(x, y, shaped(text, font, size))


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
    """A paragraph of Thai text broken between words, drawn shaped.

    left_indent: all lines start there (a hanging indent when a label is given: the label is drawn at
    x=0 on the first line and the text wraps under the text). first_indent: extra indent of line one.
    align: left, right or centre. There is no justify: a Thai line has few spaces (between phrases,
    not words) and stretching them opens visible holes.
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
        self._lines: list[Line] | None = None
        self._for_width: float | None = None

    def __repr__(self) -> str:
        return f"ThaiParagraph({self.text[:30]!r})"

    def lines(self, avail_width: float) -> list[Line]:
        if self._lines is None or self._for_width != avail_width:
            rest = avail_width - self.left_indent - self.right_indent
            self._lines = break_lines(
                self.text, self.style.font, self.style.size, rest, first_width=rest - self.first_indent
            )
            self._for_width = avail_width
        return self._lines

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = len(self.lines(availWidth)) * self.style.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):
        lines = self.lines(availWidth)
        n = int((availHeight + 1e-6) // self.style.leading)
        if n <= 0 or n >= len(lines):
            return [] if n <= 0 else [self]
        head = ThaiParagraph(
            self.text,
            self.style,
            align=self.align,
            left_indent=self.left_indent,
            first_indent=self.first_indent,
            right_indent=self.right_indent,
            label=self.label,
            space_before=self.spaceBefore,
        )
        head._lines, head._for_width = lines[:n], availWidth
        tail = ThaiParagraph(
            self.text[lines[n].start :],
            self.style,
            align=self.align,
            left_indent=self.left_indent,
            right_indent=self.right_indent,
            space_after=self.spaceAfter,
        )
        return [head, tail]

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
                draw_text(canv, x0 + room - line.width, y, line.text, st.font, st.size)
            elif self.align in ("centre", "center"):
                draw_text(canv, x0 + (room - line.width) / 2, y, line.text, st.font, st.size)
            else:
                draw_text(canv, x0, y, line.text, st.font, st.size)
            y -= st.leading
