"""The register workbook going out: the empty template officers fill in, and the laptop's books in its layout.

Both are the layout of `fieldtool.booklayout` (sheet names, header row 1 = each column's first header), so
what `import-template` writes and `export-registers` fills is what `fieldtool import` reads first. The
instructions sheet (คำอธิบาย) comes first and holds the examples: rows inside a data sheet would be imported.
Cells are made for Excel in a Thai office: IDs, phones and numbers like 1/2568 kept as text (Excel would
turn them into numbers and dates), dates as real date cells shown in the Buddhist Era while the stored value
stays Christian Era, amounts as numbers. The file is saved beside its target and moved into place whole.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from exports.registers_words import (
    FIELD_HELP,
    FREQUENCY_CHOICES,
    GENERAL,
    RULES,
    SHEET_PURPOSE,
    export_notes,
    place_text,
)
from exports.registers_words import examples as registers_examples
from exports.report_xlsx import FONT
from fieldtool.booklayout import INSTRUCTIONS_SHEET, SHEETS, SheetLayout
from fieldtool.names import TITLES
from fieldtool.registers_book import (
    RegisterBook,
    TemplateChoices,
    frequency_word,
)
from fieldtool.text import Text
from fieldtool.thai import InputError, format_date
from fieldtool.whole_file import check_writable, write_whole

# A date cell shown as 22/11/2569: the locale code 107041E asks Excel (and LibreOffice) for the Thai
# Buddhist calendar; the value stored is the ordinary (Christian Era) date.
DATE_FORMAT = "[$-107041E]d/mm/yyyy"
MONEY_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"
WHOLE_FORMAT = "0"
# The rate is a per-cent cell (2 % is stored as 0.02): the importer reads a number below 1 as such a cell,
# and an officer typing 2 into the column gets 2 % in Excel.
RATE_FORMAT = "0.00%"

DATE_FIELDS = {"disbursed_on", "first_due", "paid_as_of", "paid_on"}
MONEY_FIELDS = {"principal", "paid_to_date", "amount"}
# Text so that Excel keeps what is typed: 13-digit IDs (as numbers they lose digits in scientific
# notation), phones (the leading 0), house numbers and agreement numbers like 12/1 or 1/2568 (dates).
TEXT_FIELDS = {"national_id", "phone", "house_no", "agreement_no", "receipt_no", "chair", "members", "borrower"}
WHOLE_FIELDS = {"moo", "instalments"}

# Column widths in characters, for Thai names and the values each column holds.
WIDTHS = {
    ("households", "moo"): 9, ("households", "house_no"): 12, ("households", "title"): 11,
    ("households", "first_name"): 18, ("households", "last_name"): 18, ("households", "national_id"): 22,
    ("households", "phone"): 14,
    ("groups", "name"): 34, ("groups", "moo"): 9, ("groups", "chair"): 26, ("groups", "members"): 70,
    ("loans", "agreement_no"): 16, ("loans", "fund"): 26, ("loans", "borrower"): 30, ("loans", "moo"): 9,
    ("loans", "principal"): 14, ("loans", "rate"): 12, ("loans", "instalments"): 10, ("loans", "frequency"): 11,
    ("loans", "disbursed_on"): 14, ("loans", "first_due"): 16, ("loans", "purpose"): 28,
    ("loans", "paid_to_date"): 14, ("loans", "paid_as_of"): 17,
    ("payments", "agreement_no"): 16, ("payments", "paid_on"): 14, ("payments", "amount"): 14,
    ("payments", "receipt_no"): 16,
}
# Data validation reaches this far down an empty sheet (and this far past the last row of an export).
VALIDATED_ROWS = 5000
MAX_WIDTH = 60

PLAIN = Font(name=FONT, size=14)
BOLD = Font(name=FONT, size=14, bold=True)
GREY = Font(name=FONT, size=13, italic=True, color="595959")
TITLE = Font(name=FONT, size=20, bold=True)
HEADING = Font(name=FONT, size=16, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADING_FILL = PatternFill("solid", fgColor="E2EFDA")
THIN = Side(style="thin", color="A6A6A6")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(vertical="top", wrap_text=True)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
NUMBER_ALIGN = Alignment(horizontal="right", vertical="top", indent=1)
CENTRE = Alignment(horizontal="center", vertical="top")
TOP = Alignment(vertical="top")

# The instructions sheet is a grid of equal columns: paragraphs span PARA_COLUMNS of them, example tables
# put one field in each.
GRID_WIDTH = 15
PARA_COLUMNS = 10
LINE_HEIGHT = 21  # points per line of 14 pt Thai text, with room for marks above and below

# --- the two workbooks -------------------------------------------------------------------------------------


@dataclass
class Written:
    path: Path
    counts: dict[str, int]  # rows per sheet, by the layout's key


def write_template(choices: TemplateChoices, out: Path) -> Written:
    """The empty register workbook: instructions with examples first, then the four sheets to fill in."""
    out = xlsx_path(out)
    check_writable(out)
    wb = Workbook()
    info = _Instructions(wb.active)
    info.title(Text("แม่แบบทะเบียนสำหรับนำเข้าข้อมูล", "Register template for importing"))
    info.para(Text(
        "ไฟล์นี้ใช้ย้ายทะเบียนที่มีอยู่ (ครัวเรือน กลุ่ม สัญญาเงินกู้ การชำระเงิน) เข้าโปรแกรม fieldtool "
        "กรอกในแผ่นถัดไป แผ่นนี้เป็นคำอธิบายและตัวอย่าง จะไม่ถูกนำเข้า",
        "This file moves existing registers (households, groups, loans, payments) into fieldtool. Fill in the "
        "sheets after this one; this sheet holds the instructions and examples and is not imported.",
    ))
    if choices.place:
        info.para(place_text(choices))
    info.heading(Text("วิธีใช้", "How to use it"))
    for text in GENERAL:
        info.para(text)
    info.rules()
    info.columns()
    info.examples(choices)
    sources = info.choices(choices)
    _data_sheets(wb, sources, {})
    _save(wb, out, Text("แม่แบบทะเบียน", "register template"))
    return Written(out, {layout.key: 0 for layout in SHEETS})


def write_registers(book: RegisterBook, exported_on: date, out: Path) -> Written:
    """The laptop's books in the template's layout, ready to import into a database set up the same way."""
    out = xlsx_path(out)
    check_writable(out)
    wb = Workbook()
    info = _Instructions(wb.active)
    info.title(Text("ทะเบียนที่ส่งออกจาก fieldtool", "Registers exported from fieldtool"))
    info.para(Text(
        f"ส่งออกเมื่อ {format_date(exported_on)} ข้อมูลของเครื่องนี้ ณ วันนั้น ในรูปแบบเดียวกับแม่แบบนำเข้า "
        "นำเข้าเครื่องที่ตั้งค่าตำบล หมู่บ้าน และกองทุนแบบเดียวกันด้วย fieldtool import ได้ทะเบียนเดียวกัน",
        f"Exported on {exported_on.isoformat()}: this laptop's books on that day, in the import template's "
        "layout. Importing it (fieldtool import) into a laptop set up with the same subdistrict, villages and "
        "funds gives the same books.",
    ))
    if book.choices.place:
        info.para(place_text(book.choices))
    counts = book.counts()
    info.para(Text(
        "  ".join(f"{layout.name} {counts[layout.key]:,} แถว" for layout in SHEETS),
        "  ".join(f"{layout.title.en} {counts[layout.key]:,} rows" for layout in SHEETS),
    ))
    info.heading(Text("สิ่งที่ควรรู้เกี่ยวกับไฟล์นี้", "What to know about this file"))
    for text in export_notes(book):
        info.para(text)
    info.rules()
    info.columns()
    sources = info.choices(book.choices)
    _data_sheets(wb, sources, {layout.key: book.rows(layout.key) for layout in SHEETS})
    _save(wb, out, Text("ทะเบียน", "registers"))
    return Written(out, counts)


def xlsx_path(out) -> Path:
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(Text(f"ชื่อไฟล์ต้องลงท้ายด้วย .xlsx: {out}", f"the file name must end in .xlsx: {out}"))
    return out


def _save(wb: Workbook, out: Path, what: Text) -> None:
    for ws in wb.worksheets:
        # printed landscape on A4, every column on the page's width (the header row repeated on each page)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if ws.title != INSTRUCTIONS_SHEET:
            ws.print_title_rows = "1:1"
    wb.properties.title = what.th
    wb.properties.creator = "fieldtool"
    write_whole(out, wb.save)


# --- the data sheets ---------------------------------------------------------------------------------------


def _data_sheets(wb: Workbook, sources: dict[str, str], rows: dict[str, list]) -> None:
    for layout in SHEETS:
        ws = wb.create_sheet(layout.name)
        data = rows.get(layout.key, [])
        _header(ws, layout)
        longest = [0.0] * len(layout.columns)
        for r, row in enumerate(data, start=2):
            lines = 1
            for c, column in enumerate(layout.columns, start=1):
                cell = ws.cell(r, c)
                _cell(cell, column.field, getattr(row, column.field))
                if isinstance(cell.value, str):
                    length = _visual_len(cell.value)
                    longest[c - 1] = max(longest[c - 1], length)
                    if length > MAX_WIDTH - 3:  # a long list of members wraps in its cell
                        cell.alignment = WRAP
                        lines = max(lines, _lines(cell.value, MAX_WIDTH - 10))
            ws.row_dimensions[r].height = LINE_HEIGHT * lines + (4 if lines > 1 else 0)
        for c, length in enumerate(longest, start=1):
            # wide enough for the longest name written (a long fund or group name), within reason; with room
            # to spare, since a Thai font other than the one asked for draws wider
            dim = ws.column_dimensions[get_column_letter(c)]
            dim.width = max(dim.width, min(MAX_WIDTH, math.ceil(length * 1.2) + 2))
        _validations(ws, layout, sources, len(data) + 1 + VALIDATED_ROWS)


def _header(ws, layout: SheetLayout) -> None:
    for c, column in enumerate(layout.columns, start=1):
        cell = ws.cell(1, c, column.headers[0])
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cell.border = GRID
        help_ = FIELD_HELP[(layout.key, column.field)]
        need = "จำเป็นต้องกรอก (required)\n" if column.required else ""
        note = f"{need}{help_.th}\n{help_.en}"
        cell.comment = Comment(note, "fieldtool", width=320, height=max(160, 20 * _lines(note, 36)))
        letter = get_column_letter(c)
        dim = ws.column_dimensions[letter]
        dim.width = max(WIDTHS.get((layout.key, column.field), 14), math.ceil(_visual_len(column.headers[0])) + 4)
        # The column's own format: Excel gives it to every cell typed in later.
        fmt = _format(column.field)
        if fmt:
            dim.number_format = fmt
    ws.row_dimensions[1].height = LINE_HEIGHT * 2 + 2  # a long header wraps onto a second line
    ws.freeze_panes = "A2"


def _format(field: str) -> str | None:
    if field in DATE_FIELDS:
        return DATE_FORMAT
    if field in MONEY_FIELDS:
        return MONEY_FORMAT
    if field in TEXT_FIELDS:
        return TEXT_FORMAT
    if field in WHOLE_FIELDS:
        return WHOLE_FORMAT
    if field == "rate":
        return RATE_FORMAT
    return None


def _cell(cell, field: str, value) -> None:
    """One value as the register shows it: satang as baht, basis points as per cent, dates as date cells."""
    cell.font = PLAIN
    if value is None or value == "":
        return
    if field in MONEY_FIELDS:
        value = value / 100 if value % 100 else value // 100
    elif field == "rate":
        # 100 % or more would be a per-cent cell of 1 or more, which the importer reads as plain per cent:
        # such a rate goes out as text, always read as per cent
        value = value / 10_000 if value < 10_000 else f"{value / 100:g}"
    cell.value = value
    fmt = _format(field)
    if fmt:
        cell.number_format = fmt
    if field in WHOLE_FIELDS:
        cell.alignment = CENTRE
    elif isinstance(value, str):
        cell.alignment = TOP
    else:
        cell.alignment = NUMBER_ALIGN


def _validations(ws, layout: SheetLayout, sources: dict[str, str], last_row: int) -> None:
    for c, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(c)
        formula = None
        if column.field == "title":
            formula, message = _inline(TITLES), Text("เลือก นาย นาง หรือ นางสาว", "pick นาย, นาง or นางสาว")
        elif column.field == "frequency":
            formula, message = _inline(FREQUENCY_CHOICES), Text(
                "เลือก " + " ".join(FREQUENCY_CHOICES), "pick one of " + ", ".join(FREQUENCY_CHOICES))
        elif column.field in ("moo", "fund") and column.field in sources:
            formula = sources[column.field]
            message = (Text("เลือกหมู่ที่ที่ตั้งค่าไว้ (ดูแผ่นคำอธิบาย)", "pick a village set up on this laptop "
                            "(see the instructions sheet)") if column.field == "moo" else
                       Text("เลือกกองทุนที่ตั้งค่าไว้ (ดูแผ่นคำอธิบาย)", "pick a fund set up on this laptop "
                            "(see the instructions sheet)"))
        elif column.field == "moo":
            dv = DataValidation(type="whole", operator="between", formula1="1", formula2="99", allow_blank=True)
            _message(dv, Text("หมู่ที่เป็นตัวเลข 1 ถึง 99", "a village number from 1 to 99"))
            dv.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(dv)
        if formula:
            dv = DataValidation(type="list", formula1=formula, allow_blank=True)
            _message(dv, message)
            dv.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(dv)


def _inline(words) -> str:
    return '"' + ",".join(words) + '"'


def _message(dv: DataValidation, text: Text) -> None:
    dv.showErrorMessage = True
    dv.errorTitle = "ค่าไม่อยู่ในรายการ"
    dv.error = f"{text.th} ({text.en})"
    dv.showInputMessage = False


# --- the instructions sheet --------------------------------------------------------------------------------


def _visual_len(text: str) -> float:
    """About how many column-width units a line of text takes: vowels and tone marks above and below the
    letters take none, and a Thai letter is narrower than the digit the width is measured in."""
    return sum(0.0 if unicodedata.category(ch) == "Mn" else 0.8 if "\u0e00" <= ch <= "\u0e7f" else 1.0
               for ch in text)


def _lines(text: str, width: int) -> int:
    return sum(max(1, math.ceil(_visual_len(line) / width)) for line in text.split("\n"))


class _Instructions:
    """Writes the คำอธิบาย sheet from the top down: paragraphs (Thai, then English under it), tables."""

    def __init__(self, ws):
        self.ws = ws
        ws.title = INSTRUCTIONS_SHEET
        ws.sheet_view.showGridLines = False
        for c in range(1, 14):
            ws.column_dimensions[get_column_letter(c)].width = GRID_WIDTH
        self.row = 1

    def _merged(self, text: str, font: Font, first: int = 1, last: int = PARA_COLUMNS, fill=None) -> None:
        ws = self.ws
        cell = ws.cell(self.row, first, text)
        cell.font = font
        cell.alignment = WRAP
        if fill:
            for c in range(first, last + 1):
                ws.cell(self.row, c).fill = fill
        if last > first:
            ws.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=last)
        # Excel does not grow a merged cell to its text; size the row for the lines it will wrap into.
        width = GRID_WIDTH * (last - first + 1) - 2
        ws.row_dimensions[self.row].height = max(ws.row_dimensions[self.row].height or 0,
                                                 LINE_HEIGHT * _lines(str(text), width) + 4)

    def title(self, text: Text) -> None:
        self._merged(text.th, TITLE)
        self.ws.row_dimensions[self.row].height = 36
        self.row += 1
        self._merged(text.en, GREY)
        self.row += 2

    def heading(self, text: Text) -> None:
        self.row += 1
        self._merged(f"{text.th}  ({text.en})", HEADING, fill=HEADING_FILL)
        self.ws.row_dimensions[self.row].height = 28
        self.row += 1

    def para(self, text: Text) -> None:
        self._merged(text.th, PLAIN)
        self.row += 1
        self._merged(text.en, GREY)
        self.row += 1

    def rules(self) -> None:
        self.heading(Text("วิธีเขียนข้อมูล", "How to write things"))
        for topic, text in RULES:
            self._merged(topic.th, BOLD, 1, 2)
            self._merged(text.th, PLAIN, 3, PARA_COLUMNS)
            self.row += 1
            self._merged(topic.en, GREY, 1, 2)
            self._merged(text.en, GREY, 3, PARA_COLUMNS)
            self.row += 1

    def columns(self) -> None:
        for layout in SHEETS:
            self.heading(Text(f"แผ่น {layout.name}", f"Sheet {layout.name} ({layout.title.en})"))
            purpose = SHEET_PURPOSE[layout.key]
            self.para(purpose)
            for column in layout.columns:
                help_ = FIELD_HELP[(layout.key, column.field)]
                fill = REQUIRED_FILL if column.required else HEADER_FILL
                self._merged(column.headers[0], BOLD, 1, 2, fill=fill)
                self._merged("จำเป็น\nrequired" if column.required else "", PLAIN, 3, 3)
                self._merged(f"{help_.th}\n{help_.en}", PLAIN, 4, PARA_COLUMNS)
                self.row += 1

    def examples(self, choices: TemplateChoices) -> None:
        self.heading(Text("ตัวอย่าง (ไม่ถูกนำเข้า กรอกจริงในแผ่นของแต่ละเรื่อง)",
                          "Examples (not imported: fill in the real rows on each sheet)"))
        examples = registers_examples(choices)
        for layout in SHEETS:
            self._merged(f"แผ่น {layout.name} ({layout.title.en})", BOLD)
            self.row += 1
            for c, column in enumerate(layout.columns, start=1):
                cell = self.ws.cell(self.row, c, column.headers[0])
                cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, HEADER_ALIGN, GRID
            self.ws.row_dimensions[self.row].height = LINE_HEIGHT * 2 + 4
            self.row += 1
            for example in examples[layout.key]:
                height = 1
                for c, column in enumerate(layout.columns, start=1):
                    cell = self.ws.cell(self.row, c)
                    _cell(cell, column.field, example.get(column.field))
                    if isinstance(cell.value, str):
                        cell.alignment = WRAP
                    cell.border = GRID
                    if isinstance(cell.value, str):
                        height = max(height, _lines(cell.value, GRID_WIDTH - 1))
                self.ws.row_dimensions[self.row].height = LINE_HEIGHT * height + 4
                self.row += 1
            self.row += 1

    def choices(self, choices: TemplateChoices) -> dict[str, str]:
        """The villages and funds of this laptop; returns the ranges the data sheets' lists point at."""
        sources = {}
        self.heading(Text("หมู่บ้านและกองทุนที่ตั้งค่าไว้ในเครื่องนี้", "Villages and funds set up on this laptop"))
        if not choices.villages and not choices.funds:
            self.para(Text("ยังไม่ได้ตั้งค่า ตั้งค่าก่อนนำเข้า แล้วสร้างแม่แบบใหม่เพื่อให้เลือกจากรายการได้",
                           "None yet: set them up before importing, then make the template again to pick from "
                           "lists."))
            return sources
        if choices.villages:
            sources["moo"] = self._table(
                (Text("หมู่ที่", "village no."), Text("ชื่อหมู่บ้าน", "village name")), (1, 3),
                [(v.moo, v.name) for v in choices.villages])
        if choices.funds:
            sources["fund"] = self._table(
                (Text("กองทุน", "fund"), Text("ประเภท", "kind"), Text("ดอกเบี้ยต่อปี", "rate"),
                 Text("ค่าตั้งต้น", "defaults")), (3, 3, 1, 3),
                [(f.name, f.kind_label, f"{f.rate_bp / 100:g}%",
                  f"{f.default_instalments} งวด ชำระทุก {frequency_word(f.default_frequency)}")
                 for f in choices.funds])
        return sources

    def _table(self, headers: tuple[Text, ...], spans: tuple[int, ...], rows: list[tuple]) -> str:
        def put(values, font, fill=None):
            c = 1
            for value, span in zip(values, spans, strict=True):
                self._merged(value, font, c, c + span - 1, fill=fill)
                if not isinstance(value, str):
                    self.ws.cell(self.row, c).alignment = Alignment(horizontal="left", vertical="top")
                c += span

        self.row += 1
        put([f"{h.th}\n{h.en}" for h in headers], BOLD, HEADER_FILL)
        self.row += 1
        first = self.row
        for row in rows:
            put(row, PLAIN)
            self.row += 1
        return f"{quote_sheetname(INSTRUCTIONS_SHEET)}!$A${first}:$A${self.row - 1}"
