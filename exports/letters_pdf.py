"""Reminder and demand letters as one printable PDF: each letter as the government's หนังสือภายนอก, then its
repayment schedule, and optionally the batch's register of letters sent (ทะเบียนหนังสือส่ง, drawn by
exports.dispatch_pdf) at the end.

Thai text goes through exports.thai_text (line breaks where Thai allows, the letter's names kept whole,
HarfBuzz shaping, text that searches and copies as written). A letter longer than a page runs over as
the correspondence rules say: the next page's number centred at its top ("- ๒ -"), the first word(s)
of the next page at the foot of the page before ("/ข้อความ…"), and the signature block never alone
with nothing of the letter above it. A copy (a reprint, where the office marks them) carries "สำเนา" at
the top right of each of its pages. The file is written atomically: a half-rendered batch never
replaces the file at out_path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import Flowable

from exports.dispatch_pdf import L_BOTTOM, L_LEFT, L_RIGHT, L_TOP, LAND_H, LAND_W, register_story
from exports.pdf_common import KeepTail, atomic_pdf, ruled_table
from exports.thai_lines import break_lines, first_words, text_width
from exports.thai_text import BOLD, REGULAR, TextStyle, ThaiParagraph, draw_text, register_fonts
from fieldtool.letter_content import DispatchRegister, LetterContent, ScheduleLine
from fieldtool.text import Text
from fieldtool.thai import InputError, to_thai_digits

Progress = Callable[[int, int], None]

# The government's correspondence rules (ระเบียบงานสารบรรณ): A4, 3 cm binding margin on the left,
# 2 cm right, 2.5 cm top; TH Sarabun 16 pt, for which the open Sarabun stands in.
PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 3 * cm, 2 * cm, 2.5 * cm, 2 * cm
FRAME_W = PAGE_W - LEFT - RIGHT
CENTRE = PAGE_W / 2 - LEFT  # the page centre, in frame coordinates: date and closing start here
PARA_INDENT = 2.5 * cm
EMBLEM_H = 3 * cm
EMBLEM_RAISE = TOP - 1.5 * cm
SIGNATURE_LINES = 3  # blank lines left for the signature

# Sarabun (Google Fonts, 2018) is drawn on international metrics: at the same point size its letters are
# about 1.25 times those of TH Sarabun PSK/New, whose 16 pt the rules prescribe (Latin "A" 596 vs 474
# units, digits 550 vs 362, ascent 1068 vs 850). 13 pt Sarabun on an 18 pt line matches the look and
# the line pitch of a letter typed in TH Sarabun 16 pt, and keeps a normal letter on one page.
TEXT_SIZE = 13
TEXT = TextStyle(REGULAR, TEXT_SIZE, 18)
TITLE = TextStyle(BOLD, TEXT_SIZE, 19)
GAP = 6  # points between the blocks of the letter head
CONTINUED_Y = BOTTOM - 0.7 * TEXT.leading  # baseline of "/ข้อความ…", under the frame's last line
TOP_LINE = 1.5 * cm  # from the top edge to the baseline of "- ๒ -" and of the copy mark
COPY_MARK = TextStyle(BOLD, 15, 19)



# --- public API --------------------------------------------------------------------------------------


def render_letter(letter: LetterContent, out_path: str | os.PathLike) -> int:
    """Write one letter (and its schedule page) to out_path; return the number of pages."""
    return render_letters([letter], out_path)


def render_letters(
    letters: Sequence[LetterContent],
    out_path: str | os.PathLike,
    dispatch: DispatchRegister | None = None,
    progress: Progress | None = None,
) -> int:
    """Write a batch of letters as one PDF and return its number of pages.

    Each letter gets its own pages: the letter, then its repayment schedule (left out when the letter
    has no schedule lines). With `dispatch`, the register of letters sent comes last. progress(done, total) is
    called after each letter is laid out. Raises InputError (Thai + English) for a missing emblem
    image or a path that cannot be written; then out_path is left as it was.
    """
    out = Path(out_path)
    if not letters and dispatch is None:
        raise InputError(Text("ไม่มีหนังสือที่จะพิมพ์", "there are no letters to print"))
    for path in {letter.emblem_path for letter in letters if letter.emblem_path and not letter.garuda_space}:
        _check_emblem(path)
    register_fonts()
    with atomic_pdf(out) as buf:
        pages = _build(buf, list(letters), dispatch, progress)
    return pages


# --- writing ---------------------------------------------------------------------------------------


def _check_emblem(path: str) -> None:
    if not os.path.isfile(path):
        raise InputError(Text(f"ไม่พบไฟล์ภาพตราครุฑ: {path}", f"emblem image not found: {path}"))
    try:
        ImageReader(path).getSize()
    except Exception as e:
        raise InputError(Text(f"อ่านไฟล์ภาพตราครุฑไม่ได้: {path}", f"cannot read the emblem image {path}: {e}")) from e


# --- the document ------------------------------------------------------------------------------------


class _Run:
    """What the page callbacks need to know while the batch is laid out."""

    def __init__(self, total: int, progress: Progress | None, story: list[Flowable]):
        self.pages = 0
        self.numbered_from: int | None = None  # first page of the current letter or list, if numbered
        self.thai_digits = True  # the page numbers' digits
        self.copy_mark = ""  # "สำเนา" on the pages of a letter printed as a copy
        self.letter: LetterContent | None = None  # the letter whose text is being laid out
        self.signed_on: int | None = None  # the page the current letter's signature block is on
        # the flowables not laid out yet: platypus takes them from the front of this very list, so at
        # the end of a page its head is what the next page starts with
        self.story = story
        self.total = total
        self.progress = progress

    def letter_done(self, n: int) -> None:
        if self.progress is not None:
            self.progress(n, self.total)


class _Mark(Flowable):
    """Takes no room; runs `action(canvas)` when the layout reaches it."""

    _ZEROSIZE = True  # platypus places it even on a page filled to the last point (by the bottom block)

    def __init__(self, action: Callable):
        super().__init__()
        self.action = action
        self.width = self.height = 0

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self):
        self.action(self.canv)


def _build(buf, letters: list[LetterContent], dispatch: DispatchRegister | None, progress) -> int:
    story: list[Flowable] = []
    run = _Run(len(letters), progress, story)

    def page_end(canv, doc):
        run.pages += 1
        page = canv.getPageNumber()
        w, h = canv._pagesize
        if run.numbered_from is not None and page > run.numbered_from:
            # continuation pages of a letter carry their number at the top centre: - ๒ -
            number = str(page - run.numbered_from + 1)
            label = f"- {to_thai_digits(number) if run.thai_digits else number} -"
            lw = text_width(label, TEXT.font, TEXT.size)
            draw_text(canv, (w - lw) / 2, h - TOP_LINE, label, TEXT.font, TEXT.size)
        if run.copy_mark:
            _draw_copy_mark(canv, run.copy_mark, w - RIGHT, h - TOP_LINE)
        if run.letter is not None and run.signed_on is None:
            # the letter goes on: the next page's first word(s) at the foot of this one, "/ข้อความ…"
            words = _next_words(run.story)
            if words:
                mark = f"/{words}…"
                x = PAGE_W - RIGHT - text_width(mark, TEXT.font, TEXT.size)
                draw_text(canv, x, CONTINUED_Y, mark, TEXT.font, TEXT.size)

    portrait = PageTemplate(
        id="portrait",
        frames=[Frame(LEFT, BOTTOM, FRAME_W, PAGE_H - TOP - BOTTOM, 0, 0, 0, 0, id="body")],
        pagesize=A4,
        onPageEnd=page_end,
    )
    land = PageTemplate(
        id="landscape",
        frames=[Frame(L_LEFT, L_BOTTOM, LAND_W - L_LEFT - L_RIGHT, LAND_H - L_TOP - L_BOTTOM, 0, 0, 0, 0)],
        pagesize=landscape(A4),
        onPageEnd=page_end,
    )
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        # the first template is the first page's: the register alone starts in landscape
        pageTemplates=[portrait, land] if letters else [land, portrait],
        title=dispatch.title if dispatch and not letters else (letters[0].subject if letters else ""),
        author=(letters[0].office_lines[0] if letters and letters[0].office_lines else ""),
        creator="fieldtool",
        initialFontName=REGULAR,
        initialFontSize=TEXT_SIZE,
    )
    for i, letter in enumerate(letters):
        if i:
            story.append(PageBreak())
        story += _letter_story(letter, run)
        if letter.schedule:
            story.append(PageBreak())
            story += _schedule_story(letter, run)
        story.append(_Mark(lambda canv, n=i + 1: run.letter_done(n)))
    if dispatch is not None:
        story.append(NextPageTemplate("landscape"))
        if letters:
            story.append(PageBreak())
        story += [_numbered(run, True, digits=dispatch.thai_digits),
                  *register_story(dispatch, LAND_W - L_LEFT - L_RIGHT)]
    doc.build(story)
    return run.pages


def _numbered(run: _Run, on: bool, letter: LetterContent | None = None, digits: bool = True,
              mark: str = "") -> _Mark:
    """From here on, pages are numbered from this one (on) or not, in Thai `digits` or not; `letter`: they
    hold its text; `mark`: each carries this copy mark."""

    def act(canv):
        run.numbered_from = canv.getPageNumber() if on else None
        run.letter, run.signed_on = letter, None
        run.thai_digits = digits
        run.copy_mark = mark

    return _Mark(act)


def _draw_copy_mark(canv, mark: str, right: float, baseline: float) -> None:
    """"สำเนา" in bold in a ruled box, its right edge at `right`: the mark a copy carries. It stands in the
    top margin, above the first line of text and clear of the emblem, which is centred."""
    st = COPY_MARK
    w = text_width(mark, st.font, st.size)
    pad = 0.25 * cm
    canv.saveState()
    canv.setLineWidth(1)
    canv.rect(right - w - 2 * pad, baseline - 0.35 * st.size, w + 2 * pad, 1.25 * st.size)
    canv.restoreState()
    draw_text(canv, right - w - pad, baseline, mark, st.font, st.size)


def _next_words(story: list[Flowable]) -> str:
    """The first word(s) the next page will print: those of the first flowable with text, unless a page
    break or a change of page template comes first (then the letter has ended)."""
    for f in story:
        if isinstance(f, (PageBreak, ActionFlowable)):
            return ""
        words = getattr(f, "first_words", None)
        if words is not None:
            return words(FRAME_W)
    return ""


# --- page 1: the letter ------------------------------------------------------------------------------

_LABELS = (("เรื่อง", "subject"), ("เรียน", "salutation"), ("อ้างถึง", "reference"), ("สิ่งที่ส่งมาด้วย", "enclosure"))
_LABEL_GAP = 0.35 * cm  # between a label and its text (the rules' "two spaces")


def _without_label(text: str, label: str) -> str:
    """The content may or may not repeat its label ("เรียน นายก…"); print the label once."""
    text = (text or "").strip()
    return text[len(label) :].strip() if text.startswith(label + " ") or text == label else text


# A person's name as the letter's content writes it: title, given name, family name.
_PERSON = re.compile("(?:นางสาว|นาย|นาง|น\\.ส\\.|ด\\.ช\\.|ด\\.ญ\\.)[^\\s(]+ [^\\s)]+")
# The places of the borrower's address: หมู่ที่ ๓ บ้านโนนสูง ตำบลโนนกลาง อำเภอพิบูลมังสาหาร จังหวัดอุบลราชธานี.
_PLACE = re.compile("(?:หมู่ที่ [0-9๐-๙]+ |ตำบล|อำเภอ|จังหวัด)(\\S+)")


def letter_names(letter: LetterContent) -> tuple[str, ...]:
    """The names the letter holds, never broken across lines wherever they are printed: the borrower's
    (or the group chair's), the signer's and any titled name in the body, and the borrower's village and subdistrict
    ("บ้านโนนสูง", "หมู่ที่ ๓ บ้านโนนสูง", "ตำบลโนนกลาง"), found in the address."""
    names = []
    for text in (letter.recipient, _without_label(letter.salutation, "เรียน")):
        if m := _PERSON.match(text.strip()):
            names.append(m.group())
    if letter.signer_name.strip():
        names.append(letter.signer_name.strip())
    for paragraph in letter.body:  # the contact person the body names ("… ติดต่อ นางสาวพัชรินทร์ ศรีสุข …")
        names += [m.group() for m in _PERSON.finditer(paragraph)]
    for m in _PLACE.finditer(letter.recipient_address):
        names += [m.group(1), m.group()]
    return tuple(dict.fromkeys(names))


def _letter_story(letter: LetterContent, run: _Run) -> list[Flowable]:
    story: list[Flowable] = [_numbered(run, True, letter, letter.thai_digits, letter.copy_mark)]
    keep = letter_names(letter)
    if letter.garuda_space:  # the paper has the Garuda printed on it: keep its room, draw nothing
        story.append(Spacer(1, EMBLEM_H - EMBLEM_RAISE))
    elif letter.emblem_path:
        story.append(_Emblem(letter.emblem_path))
    story.append(_HeadBand(letter.number, letter.office_lines, TEXT))
    story.append(ThaiParagraph(letter.date_text, TEXT, left_indent=CENTRE, space_before=GAP))
    for label, attr in _LABELS:
        text = _without_label(getattr(letter, attr), label)
        if text:
            indent = text_width(label, TEXT.font, TEXT.size) + _LABEL_GAP
            story.append(ThaiParagraph(text, TEXT, label=label, left_indent=indent, space_before=GAP, keep=keep))
    body = [
        # left-aligned: stretching the few real spaces of a Thai line would open visible holes
        ThaiParagraph(para, TEXT, first_indent=PARA_INDENT, space_before=GAP * (2 if k == 0 else 1), keep=keep)
        for k, para in enumerate(letter.body)
    ]
    end: list[Flowable] = [_Signature(letter.closing, letter.signer_name, letter.signer_position, TEXT, run, keep)]
    if letter.section_lines:
        end.append(_BottomBlock(letter.section_lines, TEXT))
    if body:  # the signature block goes over with the body's last two lines at least
        return story + body[:-2] + [KeepTail(body[-2:], end, lines=2)]
    return story + end


class _Emblem(Flowable):
    """The ครุฑ, 3 cm high, centred; like the rules' template it stands 1.5 cm from the top edge, so it
    reaches EMBLEM_RAISE into the top margin and takes that much less room from the text."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        iw, ih = ImageReader(path).getSize()
        self.img_w = EMBLEM_H * iw / ih

    def wrap(self, availWidth, availHeight):
        self.width, self.height = availWidth, EMBLEM_H - EMBLEM_RAISE
        return self.width, self.height

    def draw(self):
        x = (self.width - self.img_w) / 2
        self.canv.drawImage(self.path, x, 0, self.img_w, EMBLEM_H, mask="auto", preserveAspectRatio=True)


class _HeadBand(Flowable):
    """The band under the emblem: "ที่ …" at the left, the office's name and address at the right."""

    def __init__(self, number: str, office_lines: list[str], style: TextStyle):
        super().__init__()
        self.number, self.office_lines, self.style = number, office_lines, style
        self.spaceBefore = GAP

    def wrap(self, availWidth, availHeight):
        st = self.style
        self.left = break_lines(self.number, st.font, st.size, CENTRE - _LABEL_GAP)
        left_w = max((ln.width for ln in self.left), default=0)
        room = availWidth - left_w - 1 * cm
        widest = max((text_width(t, st.font, st.size) for t in self.office_lines), default=0)
        self.block_w = min(widest, room)
        self.right = [ln for t in self.office_lines for ln in break_lines(t, st.font, st.size, self.block_w)]
        self.width = availWidth
        self.height = max(len(self.left), len(self.right)) * st.leading
        return self.width, self.height

    def draw(self):
        st = self.style
        x_right = self.width - self.block_w
        for col, x in ((self.left, 0.0), (self.right, x_right)):
            y = self.height - st.baseline
            for ln in col:
                draw_text(self.canv, x, y, ln.text, st.font, st.size)
                y -= st.leading


class _Signature(Flowable):
    """ขอแสดงความนับถือ from the page centre, room to sign, then (name) and position centred under it."""

    def __init__(self, closing: str, name: str, position: list[str], style: TextStyle, run: _Run,
                 keep: tuple[str, ...] = ()):
        super().__init__()
        self.closing, self.style, self.run, self.keep = closing, style, run, keep
        self.under = [f"({name})"] + list(position) if name else list(position)
        self.spaceBefore = style.leading  # one blank line after the body

    def first_words(self, avail_width: float) -> str:
        return first_words(self.closing)

    def wrap(self, availWidth, availHeight):
        st = self.style
        self.width = availWidth
        self.cx = CENTRE + text_width(self.closing, st.font, st.size) / 2
        # a long position ("… ปฏิบัติราชการแทน …") wraps so that it stays centred inside the margins
        room = 2 * min(self.cx, availWidth - self.cx)
        self.lines = [ln for t in self.under for ln in break_lines(t, st.font, st.size, room, keep=self.keep)]
        self.height = (1 + SIGNATURE_LINES + len(self.lines)) * st.leading
        return self.width, self.height

    def draw(self):
        self.run.signed_on = self.canv.getPageNumber()  # the letter ends on this page: nothing goes on
        st = self.style
        y = self.height - st.baseline
        draw_text(self.canv, CENTRE, y, self.closing, st.font, st.size)
        y -= (1 + SIGNATURE_LINES) * st.leading
        for ln in self.lines:
            draw_text(self.canv, self.cx - ln.width / 2, y, ln.text, st.font, st.size)
            y -= st.leading


class _BottomBlock(Flowable):
    """The responsible section and its telephone, at the bottom left of the letter's last page.

    It claims all the height left in the frame and draws at the bottom of it; when there is not enough
    room, it asks for its own height, which moves it to the next page.
    """

    def __init__(self, lines: list[str], style: TextStyle):
        super().__init__()
        self.texts, self.style = lines, style

    def wrap(self, availWidth, availHeight):
        st = self.style
        self.lines = [ln for t in self.texts for ln in break_lines(t, st.font, st.size, availWidth)]
        need = (len(self.lines) + 1) * st.leading  # a blank line above it at least
        self.width = availWidth
        self.height = max(need, availHeight)
        return self.width, self.height

    def draw(self):
        st = self.style
        y = len(self.lines) * st.leading - st.baseline
        for ln in self.lines:
            draw_text(self.canv, 0, y, ln.text, st.font, st.size)
            y -= st.leading


# --- page 2: the schedule ----------------------------------------------------------------------------


def _schedule_story(letter: LetterContent, run: _Run) -> list[Flowable]:
    title = letter.schedule_title or "ตารางการชำระคืนเงินยืม"
    number = letter.number.strip()
    ref = f"แนบท้ายหนังสือ{number if number.startswith('ที่') else 'ที่ ' + number}"
    if letter.date_text:
        ref += f" ลงวันที่ {letter.date_text}"
    story: list[Flowable] = [
        _numbered(run, False, mark=letter.copy_mark),
        ThaiParagraph(title, TITLE, align="centre"),
        ThaiParagraph(ref, TEXT, align="centre"),
    ]
    if letter.recipient or letter.loan_agreement:
        who = " ".join(
            p
            for p in (letter.recipient, f"สัญญาเลขที่ {letter.loan_agreement}" if letter.loan_agreement else "")
            if p
        )
        story.append(ThaiParagraph(who, TEXT, align="centre"))
    story.append(Spacer(1, GAP * 2))
    rows = [_row(line) for line in letter.schedule]
    totals = _row(letter.schedule_totals) if letter.schedule_totals else None
    # งวดที่, due date, amount, paid, remaining, status. The status ("ยังไม่ถึงกำหนด", "ครบกำหนดวันนี้") is a
    # short phrase measured as the figures are, never wrapped, and centred with room on both sides.
    aligns = ("centre", "centre", "right", "right", "right", "centre")
    story.append(ruled_table(list(letter.schedule_header), rows, totals, aligns, FRAME_W, flexible=(1,), whole=(5,)))
    return story


def _row(line: ScheduleLine) -> list[str]:
    return [line.no, line.due_date, line.amount, line.paid, line.remaining, line.status]
