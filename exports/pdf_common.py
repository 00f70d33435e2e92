"""What the PDF exports share: writing a file atomically, and the ruled table of Thai cells.

A PDF is rendered in memory and moved into place only when complete, so a failure never leaves a
half-written file where the officer expects a document.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Table, TableStyle

from exports.thai_text import BOLD, REGULAR, TextStyle, ThaiParagraph, break_units
from fieldtool.thai import InputError

CELL = TextStyle(REGULAR, 12, 15)
HEADER_FILL = colors.Color(0.85, 0.85, 0.85)
TOTAL_FILL = colors.Color(0.94, 0.94, 0.94)


@contextmanager
def atomic_pdf(out: Path) -> Iterator[io.BytesIO]:
    """Yield a buffer to render into; on success it replaces `out` in one step, else `out` is untouched.

    The temporary file is made beside `out` before rendering, so an unwritable folder fails at once.
    """
    tmp = _reserve_temp(out)
    try:
        buf = io.BytesIO()
        yield buf
        try:
            with open(tmp, "wb") as f:
                f.write(buf.getbuffer())
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, out)
        except OSError as e:
            raise _cannot_write(out, e) from e
    finally:
        tmp.unlink(missing_ok=True)  # after a successful replace the name is already gone


# --- writing -----------------------------------------------------------------------------------------


def _cannot_write(out: Path, e: OSError) -> InputError:
    reason = e.strerror or str(e)
    return InputError(f"บันทึกไฟล์ไม่ได้: {out} (cannot write {out}: {reason})")


def _reserve_temp(out: Path) -> Path:
    """Create the temporary file beside out_path now, so an unwritable folder fails before rendering."""
    if out.is_dir():
        raise InputError(f"บันทึกไฟล์ไม่ได้: {out} เป็นโฟลเดอร์ (cannot write {out}: it is a folder)")
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        with open(tmp, "xb"):
            pass
    except OSError as e:
        raise _cannot_write(out, e) from e
    return tmp


# --- tables ------------------------------------------------------------------------------------------

PAD = 4


def ruled_table(
    header: list[str],
    rows: list[list[str]],
    totals: list[str] | str | None,
    aligns: Sequence[str],
    width: float,
    flexible: Sequence[int],
) -> Table:
    """A ruled table: shaded header repeated on every page, numbers right-aligned, a bold totals row.

    `totals` is a row of cells, or one text spanning the whole row (right-aligned), or None.
    """
    bold = CELL.bold()
    widths = column_widths(header, rows + ([totals] if isinstance(totals, list) else []), width, flexible)
    data = [[ThaiParagraph(h, bold, align="centre") for h in header]]
    data += [[ThaiParagraph(c, CELL, align=a) for c, a in zip(r, aligns, strict=True)] for r in rows]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if isinstance(totals, list):
        data.append([ThaiParagraph(c, bold, align=a) for c, a in zip(totals, aligns, strict=True)])
    elif totals:
        data.append([ThaiParagraph(totals, bold, align="right")] + [""] * (len(header) - 1))
        style.append(("SPAN", (0, -1), (-1, -1)))
    if totals:
        style.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL))
    return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(style), hAlign="CENTER")


def column_widths(
    header: list[str], rows: list[list[str]], width: float, flexible: Sequence[int]
) -> list[float]:
    """Column widths filling `width`.

    Best: every cell and heading on one line, the spare room going to the `flexible` (text) columns.
    If that is too wide, headings wrap first, then the flexible columns' cells, then all cells, never
    below their longest unbreakable piece (a word, an amount).
    """
    sw = pdfmetrics.stringWidth

    def widest(texts, font, pieces):
        best = 0.0
        for t in texts:
            if pieces:
                best = max([best] + [sw(t[s:e], font, CELL.size) for s, e, sp in break_units(t) if not sp])
            else:
                best = max(best, sw(t, font, CELL.size))
        return best

    n = len(header)
    pad = 2 * PAD + 1
    cols = [[r[c] for r in rows if c < len(r)] for c in range(n)]
    body = [widest(cols[c], CELL.font, False) for c in range(n)]
    body_min = [widest(cols[c], CELL.font, True) for c in range(n)]
    head = [widest([h], BOLD, False) for h in header]
    head_min = [widest([h], BOLD, True) for h in header]
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
