"""Where a line of Thai may break, and how a paragraph fills its lines: the text side of Thai on PDF pages
(exports.thai_text draws the lines).

Why not ReportLab's Paragraph: it breaks only at spaces and joins the pieces of a line with a space, so
Thai (no spaces between words) either overflows the frame or gets visible gaps once break points are
marked. Here PyThaiNLP's newmm segmenter finds the words, rules glue what must stay together (numbers,
amounts with their unit, dates, punctuation), patterns protect abbreviations (กข.คจ., พ.ศ., ต.โนนกลาง),
amounts in words and document numbers, and the caller can name phrases to keep whole (a borrower's
name, a village); a greedy filler measures the pieces and each line is drawn as one shaped string.

A module of its own because it is all about text and widths (a table's column widths and the letters'
"continued" lines ask it too), while drawing is about PDF operators and fonts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

from pythainlp.tokenize import word_tokenize
from reportlab.pdfbase import pdfmetrics

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
# A number and the word after it stay on one line when the word is its unit ("๓,๓๓๓.๓๔ บาท", "๑๐.๓๐ น.")…
_UNITS = set("บาท สตางค์ งวด วัน เดือน ปี ราย คน ครั้ง ฉบับ แผ่น ชุด น.".split()) | _MONTHS
# …and so do these words and the number that follows them ("พ.ศ. ๒๕๖๙", "โทร. ๐ ๔๕๔๔ ๑๒๓๔").
_NUMBER_LEADS = set("พ.ศ. ค.ศ. ที่ เลขที่ งวดที่ หมู่ที่ ฉบับที่ ข้อ หมู่ โทร. โทรศัพท์ โทรสาร".split()) | _MONTHS
# Short Thai letter codes before a number: the code of a letter number, "อบ ๐๐๑๗.๑๕/๑๒๓".
_CODE = re.compile("[ก-ฮ]{1,3}")

# Phrases that never break inside, found by pattern (newmm cuts them into several words):
_THAI_RUN = "[\u0e01-\u0e4e]"
# an abbreviation of several parts: กข.คจ. พ.ศ. ม.ค. เม.ย. (one part, "อบต.", is one word already);
_ABBREVIATION = re.compile(f"(?:{_THAI_RUN}{{1,3}}\\.){{2,}}")
# a place after its abbreviation, up to the next space: ต.โนนกลาง อ.พิบูลมังสาหาร จ.อุบลราชธานี;
_PLACE = re.compile(f"(?<!{_THAI_RUN})[ตอจ]\\.{_THAI_RUN}+")
# an amount in words: หนึ่งหมื่นบาทถ้วน, สามพันสามร้อยสามสิบสามบาทสามสิบสี่สตางค์, ห้าสิบสตางค์;
_NUMBER_WORD = "(?:หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่|เอ็ด|ร้อย|พัน|หมื่น|แสน|ล้าน|ศูนย์)"
_AMOUNT_WORDS = re.compile(f"{_NUMBER_WORD}+บาท(?:ถ้วน|{_NUMBER_WORD}+สตางค์)?|{_NUMBER_WORD}+สตางค์")
# a letter's number: ที่ อบ ๐๐๑๗.๑๕/๑๒๓, มท ๐๔๐๖/ว ๑๒๓;
_DOC_NUMBER = re.compile("(?:ที่ )?[ก-ฮ]{1,3} ?[0-9๐-๙]{4}(?:\\.[0-9๐-๙]+)*/(?:ว ?)?[0-9๐-๙]+")
# a numbered thing: หมู่ที่ ๓, งวดที่ ๑๑, ครั้งที่ ๒, เลขที่ ๑๒/๒๕๖๘.
_NUMBERED = re.compile("(?:หมู่|งวด|ครั้ง|ฉบับ|เลข)ที่ ?[0-9๐-๙]+(?:[/.,][0-9๐-๙]+)*")
# Abbreviations hold even in a piece too wide for a line; the rest are preferences like the ones above.
_HARD_PATTERNS = (_ABBREVIATION,)
_PATTERNS = (_ABBREVIATION, _PLACE, _AMOUNT_WORDS, _DOC_NUMBER, _NUMBERED)


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


_SPACES = re.compile(r"(\s+)")


@lru_cache(maxsize=16384)
def words(chunk: str) -> tuple[str, ...]:
    """newmm's words of one run of text without spaces, remembered.

    A text is segmented space-run by space-run: the letters of a batch share most of their phrases
    and differ in a few (a name, an amount), so most runs are segmented once per batch, not once per
    letter. A space is a place a Thai line may break anyway, so nothing is lost where newmm would have
    read a dictionary entry across it ("ง่าย ๆ": mai yamok is glued to its word by the rules below).
    """
    toks = word_tokenize(chunk, engine="newmm", keep_whitespace=True)
    if "".join(toks) != chunk:  # the segmenter is expected to keep every character; never lose text
        return (chunk,)
    return tuple(toks)


def _tokens(text: str) -> list[str]:
    toks: list[str] = []
    for chunk in _SPACES.split(text):
        if chunk.isspace():
            toks.append(chunk)
        elif chunk:
            toks += words(chunk)
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


def _pattern_spans(text: str, toks: list[str], strict: bool) -> list[tuple[int, int]]:
    """Spans of text that the patterns find, each moved to begin where a word of the segmentation
    begins: "ยืมกข.คจ." protects "กข.คจ." and not "กู้ยืม" with it (when no word start inside still
    matches, the span begins where its first word begins)."""
    starts = [0]
    for tok in toks[:-1]:
        starts.append(starts[-1] + len(tok))
    spans = []
    for pattern in _PATTERNS if strict else _HARD_PATTERNS:
        for m in pattern.finditer(text):
            a, b = m.span()
            if a not in starts:
                a = next((s for s in starts if a < s < b and pattern.fullmatch(text, s, b)), None) or max(
                    s for s in starts if s <= a
                )
            spans.append((a, b))
    return spans


def _occurrences(text: str, phrases: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = []
    for phrase in phrases:
        i = text.find(phrase)
        while i >= 0:
            spans.append((i, i + len(phrase)))
            i = text.find(phrase, i + 1)
    return spans


def _cut(toks: list[str], text: str, at: set[int]) -> list[str]:
    """Cut the segmentation's words at these places too: a name the caller knows begins and ends a
    word even where newmm read it otherwise ("ไก่บ้าน" + "โนนสูง" in "…ไก่บ้านโนนสูง" for บ้านโนนสูง).
    Never before a combining mark or sara am, which belong to the letter before them."""
    out, pos = [], 0
    for tok in toks:
        end = pos + len(tok)
        cuts = [p for p in sorted(at) if pos < p < end and unicodedata.category(text[p]) != "Mn" and text[p] != "ำ"]
        prev = pos
        for p in cuts:
            out.append(text[prev:p])
            prev = p
        out.append(text[prev:end])
        pos = end
    return out


@lru_cache(maxsize=8192)
def break_units(
    text: str, strict: bool = True, keep: tuple[str, ...] = ()
) -> tuple[tuple[int, int, bool], ...]:
    """Cut one line of text (no newlines) into pieces that never break inside: (start, end, is_space).

    A line may break only at a space piece (the space is then not drawn) or between two text pieces;
    every boundary is a boundary of newmm's word segmentation or of a kept phrase. Never inside: a number, a Latin word,
    punctuation and its word, an abbreviation, and with strict (the default) also not inside an amount
    with its unit, a date, an amount in words, a letter's number, a place after ต./อ./จ., or any of the
    `keep` phrases (a person's name, a village: what the caller knows to be one name). strict=False
    keeps only what may never part; it is used for a piece too wide for a whole line.
    """
    toks = _tokens(text)
    kept = _occurrences(text, keep) if strict else []
    if kept:
        toks = _cut(toks, text, {p for span in kept for p in span})
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
    spans = _pattern_spans(text, toks, strict) + kept
    if not spans:
        return tuple(units)
    inside = {p for a, b in spans for p in range(a + 1, b)}  # where no line may break
    merged: list[tuple[int, int, bool]] = []
    for s, e, space in units:
        if merged and s in inside:  # a space inside a protected span is drawn, never a break
            merged[-1] = (merged[-1][0], e, False)
        else:
            merged.append((s, e, space))
    return tuple(merged)


def first_words(text: str, least: int = 4) -> str:
    """The first word(s) of a line, for the foot of a page that a letter continues from ("/ข้อความ…"):
    whole pieces that never break, until there are `least` characters or a space."""
    text = text.strip()
    out = ""
    for _s, e, space in break_units(text):
        if space:
            break
        out = text[:e]
        if len(out) >= least:
            break
    return out


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
    text: str,
    font: str,
    size: float,
    width: float,
    first_width: float | None = None,
    keep: tuple[str, ...] = (),
) -> list[Line]:
    """Break text into lines no wider than `width` (`first_width` for the first), only between words.

    Newlines in text are forced breaks. Spaces at a break are dropped; spaces inside a line are kept as
    written (Thai puts spaces between phrases, not words, so nothing is added between words). `keep`:
    phrases never broken inside (see break_units), unless one alone is wider than a line.
    """
    lines: list[Line] = []
    offset = 0
    for part in text.split("\n"):
        kept = tuple(k for k in keep if k and k in part) if keep else ()  # fewer keys for break_units' cache
        lines.extend(_fill(part, offset, text, font, size, width, first_width if not lines else None, kept))
        offset += len(part) + 1
    return lines


@lru_cache(maxsize=65536)
def text_width(text: str, font: str, size: float) -> float:
    """pdfmetrics.stringWidth, remembered: a batch measures the same words and amounts again and again.

    The unshaped width is the shaped one for Sarabun: HarfBuzz gives Thai marks no advance, as the font
    does, and substitutes glyphs of the same width (the tests compare both).
    """
    return pdfmetrics.stringWidth(text, font, size)


def _fill(part, offset, text, font, size, width, first_width, keep) -> list[Line]:
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

    queue = deque((s, e, sp, True) for s, e, sp in break_units(part, True, keep))
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
