"""What the PDF exports share: writing a file atomically (fieldtool.whole_file), the ruled table of Thai
cells, and a block that keeps with the last lines of the paragraph before it (a signature never alone on
a page).

A PDF is rendered in memory and moved into place only when complete, so a failure never leaves a
half-written file where the officer expects a document.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle
from reportlab.platypus.flowables import Flowable

from exports.thai_lines import break_units, text_width
from exports.thai_text import BOLD, REGULAR, TextStyle, ThaiParagraph
from fieldtool.whole_file import check_writable, write_whole

# Streams are written as compressed binary, not also in ASCII85 (ReportLab's default, for 7-bit mail): a
# quarter smaller, and ReportLab encodes ASCII85 in pure Python, a tenth of a batch of letters' time.
rl_config.useA85 = 0

CELL = TextStyle(REGULAR, 12, 15)
HEADER_FILL = colors.Color(0.85, 0.85, 0.85)
TOTAL_FILL = colors.Color(0.94, 0.94, 0.94)


@contextmanager
def atomic_pdf(out: Path) -> Iterator[io.BytesIO]:
    """Yield a buffer to render into; on success it replaces `out` in one step, else `out` is untouched.

    Whether `out` can be written is checked before rendering, so an unwritable folder fails at once.
    """
    check_writable(out)
    buf = io.BytesIO()
    yield buf
    write_whole(out, lambda part: part.write_bytes(buf.getbuffer()))


# --- tables ------------------------------------------------------------------------------------------

PAD = 4
# A figure: an amount, a count, a percentage, a number in Thai digits; "–" or "-" for none.
_FIGURE = re.compile("[-+]?[0-9๐-๙][0-9๐-๙,.]*%?|[–-]")


def is_figure(text: str) -> bool:
    return bool(_FIGURE.fullmatch(text.strip()))


def figure_columns(rows: Sequence[Sequence[str]], n: int) -> set[int]:
    """The columns whose cells are all figures (blank cells aside): they never wrap."""
    out = set()
    for c in range(n):
        cells = [r[c].strip() for r in rows if c < len(r) and r[c].strip()]
        if cells and all(is_figure(t) for t in cells):
            out.add(c)
    return out


def ruled_table(
    header: list[str],
    rows: list[list[str]],
    totals: list[str] | str | None,
    aligns: Sequence[str],
    width: float,
    flexible: Sequence[int],
    whole: Sequence[int] = (),
) -> Table:
    """A ruled table: shaded header repeated on every page, numbers right-aligned, a bold totals row.

    `totals` is a row of cells, or one text spanning the whole row (right-aligned), or None. A figure
    never wraps: its column is as wide as its widest figure (bold in the totals row), and should even
    that not fit the page, the figure's font shrinks. The `whole` columns hold short phrases (a status:
    "ยังไม่ถึงกำหนด") that are measured and kept whole the same way, with room to spare on both sides.
    """
    bold = CELL.bold()
    figures = figure_columns(rows, len(header)) | set(whole)
    total_row = totals if isinstance(totals, list) else None
    widths = column_widths(header, rows, width, flexible, total_row, figures, set(whole))

    def cell(text: str, style: TextStyle, c: int, align: str) -> ThaiParagraph:
        return ThaiParagraph(text, style, align=align, fit=c in figures and (c in whole or is_figure(text)))

    data = [[ThaiParagraph(h, bold, align="centre") for h in header]]
    data += [[cell(t, CELL, c, a) for c, (t, a) in enumerate(zip(r, aligns, strict=True))] for r in rows]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if total_row is not None:
        data.append([cell(t, bold, c, a) for c, (t, a) in enumerate(zip(total_row, aligns, strict=True))])
    elif totals:
        data.append([ThaiParagraph(totals, bold, align="right")] + [""] * (len(header) - 1))
        style.append(("SPAN", (0, -1), (-1, -1)))
    if totals:
        style.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL))
    return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(style), hAlign="CENTER")


def column_widths(
    header: list[str],
    rows: list[list[str]],
    width: float,
    flexible: Sequence[int],
    totals: list[str] | None = None,
    figures: set[int] | None = None,
    roomy: set[int] = frozenset(),
) -> list[float]:
    """Column widths filling `width`.

    Best: every cell and heading on one line, the spare room going to the `flexible` (text) columns.
    If that is too wide, headings wrap first, then the flexible columns' cells, then all cells, never
    below their longest unbreakable piece (a word, an amount) and never below a figure column's widest
    figure. The totals row is measured in bold, as it is printed. The `roomy` columns (whole phrases
    next to the table's edge) get a padding's width more on each side, so no letter touches a rule.
    """
    n = len(header)
    if figures is None:
        figures = figure_columns(rows, n)
    cells = [[(r[c], CELL.font) for r in rows if c < len(r)] for c in range(n)]
    if totals:
        for c, t in enumerate(totals[:n]):
            cells[c].append((t, BOLD))

    def full(texts) -> float:
        return max([text_width(t, font, CELL.size) for t, font in texts] or [0.0])

    def pieces(texts) -> float:
        return max(
            [text_width(t[s:e], font, CELL.size) for t, font in texts for s, e, sp in break_units(t) if not sp]
            or [0.0]
        )

    pad = 2 * PAD + 1
    body = [full(cells[c]) + (2 * PAD if c in roomy else 0) for c in range(n)]
    body_min = [body[c] if c in figures else pieces(cells[c]) for c in range(n)]
    head = [full([(h, BOLD)]) for h in header]
    head_min = [pieces([(h, BOLD)]) for h in header]
    flex_body = [body_min[c] if c in flexible else body[c] for c in range(n)]
    levels = [
        [max(b, h) + pad for b, h in zip(body, head, strict=True)],  # nothing wraps
        [max(b, h) + pad for b, h in zip(body, head_min, strict=True)],  # headings wrap
        [max(b, h) + pad for b, h in zip(flex_body, head_min, strict=True)],  # and the text columns
        [max(b, h) + pad for b, h in zip(body_min, head_min, strict=True)],  # and every column
    ]
    if sum(levels[0]) <= width:
        want = levels[0]
        grow = list(flexible) or list(range(n))
        base = sum(want[c] for c in grow)
        return [w + (width - sum(want)) * w / base if c in grow else w for c, w in enumerate(want)]
    for wide, narrow in zip(levels, levels[1:], strict=False):
        if sum(narrow) <= width:  # shrink from `wide` towards `narrow` just enough
            slack = [a - b for a, b in zip(wide, narrow, strict=True)]
            k = (sum(wide) - width) / sum(slack)
            return [a - s * k for a, s in zip(wide, slack, strict=True)]
    least = levels[-1]
    return [m * width / sum(least) for m in least]  # even single words do not fit: scale everything


# --- keeping together ------------------------------------------------------------------------------


class KeepTail(Flowable):
    """Paragraphs whose last lines must stand on one page with the blocks after them (a letter's or a
    plan's signature block): when they do not fit, the paragraphs are split so that at least `lines`
    of their lines go over with the blocks – taken from the paragraph before when the last one is
    shorter (a letter's one-line "จึงเรียนมาเพื่อโปรดทราบ") – and what fits stays on this page.

    A block may fill the rest of its page (the letter's bottom block, which wraps to the room it is
    given); it then fills the rest of this one. `before` goes with the first paragraph's first line
    (its heading).
    """

    def __init__(self, paras: Sequence[ThaiParagraph], after: Sequence[Flowable], lines: int = 2,
                 before: Sequence[Flowable] = ()):
        super().__init__()
        self.before, self.paras, self.after, self.lines = list(before), list(paras), list(after), lines
        parts = self._parts()
        self.spaceBefore = parts[0].getSpaceBefore()
        self.spaceAfter = parts[-1].getSpaceAfter()

    def __repr__(self) -> str:
        return f"KeepTail({self.paras!r})"

    def _parts(self) -> list[Flowable]:
        return [*self.before, *self.paras, *self.after]

    def _stack(self, aw: float, ah: float) -> list[tuple[Flowable, float, float]]:
        """(part, gap above it, height) as a frame would stack them in `ah` (gaps as Frame makes them)."""
        out, used, prev_after = [], 0.0, 0.0
        for i, f in enumerate(self._parts()):
            gap = 0.0 if i == 0 else max(f.getSpaceBefore(), prev_after)
            _w, h = f.wrap(aw, max(ah - used - gap, 0.0))
            out.append((f, gap, h))
            used += gap + h
            prev_after = f.getSpaceAfter()
        return out

    def wrap(self, availWidth, availHeight):
        self._stacked = self._stack(availWidth, availHeight)
        self.width = availWidth
        self.height = sum(gap + h for _f, gap, h in self._stacked)
        return self.width, self.height

    def first_words(self, avail_width: float) -> str:
        first = self._parts()[0]
        return first.first_words(avail_width) if hasattr(first, "first_words") else ""

    def split(self, availWidth, availHeight):
        stack = self._stack(availWidth, 0.0)  # everything at its least height
        used = sum(gap + h for _f, gap, h in stack[: len(self.before)])
        counts = [len(p.lines(availWidth)) for p in self.paras]
        # how many of the paragraphs' lines fit here, in order
        fit = 0
        for (p, gap, _h), n in zip(stack[len(self.before) : len(self.before) + len(self.paras)], counts,
                                   strict=True):
            room = int((availHeight - used - gap + 1e-6) // p.style.leading)
            fit += max(0, min(room, n))
            if room < n:
                break
            used += gap + n * p.style.leading
        stay = min(fit, sum(counts) - min(self.lines, sum(counts)))
        if stay >= 1:
            head: list[Flowable] = []
            for i, (p, n) in enumerate(zip(self.paras, counts, strict=True)):
                if stay >= n:
                    head.append(p)
                    stay -= n
                    if stay == 0:
                        return [*self.before, *head, KeepTail(self.paras[i + 1 :], self.after, self.lines)]
                else:
                    top, rest = p.split_at(stay, availWidth)
                    return [*self.before, *head, top, KeepTail([rest, *self.paras[i + 1 :]], self.after,
                                                              self.lines)]
        if getattr(getattr(self, "_frame", None), "_atTop", False):
            return self._parts()  # more than a page even at the top of one: let them flow
        return []  # all of it to the next page

    def draw(self):
        y = self.height
        for f, gap, h in self._stacked:
            y -= gap + h
            f.drawOn(self.canv, 0, y)
