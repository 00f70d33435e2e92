"""The data rows of a register sheet, under the header `headers.read_sheet` found. Rows that are not data are
passed over: empty rows, notes, the totals row (รวม, รวมทั้งสิ้น, ยอดรวม … wherever it sits, with only numbers
beside it), the header repeated on every printed page and the row of column numbers under it."""

from __future__ import annotations

from collections.abc import Iterator

from fieldtool.bookimport import values as v
from fieldtool.bookimport.headers import SheetMap, filled_top
from fieldtool.bookimport.workbook import Cell
from fieldtool.booklayout import header_key
from fieldtool.thai import InputError

Cells = dict[str, Cell]  # a row's cells by field
# A data row as `data_rows` gives it: (spreadsheet row number, cells by field, the whole row).
DataRow = tuple[int, Cells, list[Cell]]


def cell(row: list[Cell], col: int | None) -> Cell:
    if col is None or col >= len(row):
        return ""
    return row[col]


def data_rows(smap: SheetMap) -> Iterator[DataRow]:
    """The sheet's data rows as (spreadsheet row number, cells by field, the whole row); none without a header."""
    if smap.header_row is None:
        return
    layout = smap.layout
    fields = list(smap.columns.items())
    mapped = [col for _, col in fields]
    present = set(smap.columns)
    required = [c.field for c in layout.columns if c.required and not present & set(c.unless)]
    required_mapped = [f for f in required if f in smap.columns]
    unmapped = len(required) - len(required_mapped)  # a required field no column gave counts as blank
    header = _HeaderText(smap)
    last_header = smap.header_row
    for index in range(last_header + 1, len(smap.sheet.rows)):
        row = smap.sheet.rows[index]
        cells = {name: cell(row, col) for name, col in fields}
        blank = {name for name, c in cells.items() if v.is_blank(c)}
        if len(blank) == len(cells):
            continue
        blanks = unmapped + sum(1 for f in required_mapped if f in blank)
        if blanks == len(required):
            continue  # a notes row: none of the fields a row must have
        if _totals_row(row) or 2 * blanks >= len(required) and any(
                isinstance(c, str) and c.strip().startswith("รวม") for c in cells.values()):
            continue  # the totals row under a register ("รวม", "รวมทั้งสิ้น")
        if header.repeated(row):
            last_header = index  # the header again, at the top of a printed page
            continue
        if index <= last_header + 2 and _numbering_row(row, mapped):
            continue
        yield index + 1, cells, row


def has_data(m: SheetMap) -> bool:
    """Anything at all under the header (or on the sheet, when no header was found)."""
    start = m.header_row + 1 if m.header_row is not None else 0
    return any(not v.is_blank(c) for row in m.sheet.rows[start:] for c in row)


# what a totals row says, compared after header_key
TOTALS_WORDS = frozenset(header_key(w) for w in (
    "รวม", "รวมทั้งสิ้น", "รวมทั้งหมด", "ยอดรวม", "ยอดรวมทั้งสิ้น", "รวมเงิน", "total", "grand total"))


def _totals_row(row: list[Cell]) -> bool:
    """A row whose only text is รวม (รวมทั้งสิ้น, ยอดรวม …), in whatever column, with only numbers beside it."""
    if not any(isinstance(c, str) and ("รวม" in c or "otal" in c) for c in row):
        return False  # the common case, cheaply: a register has tens of thousands of rows
    words = []
    for c in row:
        if v.is_blank(c) or (isinstance(c, (int, float)) and not isinstance(c, bool)):
            continue
        if isinstance(c, str):
            try:
                v.parse_amount(c)
                continue  # "20,000", "๒๐,๐๐๐ บาท"
            except InputError:
                pass
        words.append(c)
        if len(words) > 1:
            return False
    return len(words) == 1 and isinstance(words[0], str) and header_key(words[0]) in TOTALS_WORDS


class _HeaderText:
    """The sheet's header, to know it again when a file repeats it above every printed page."""

    def __init__(self, smap: SheetMap):
        self.columns = [header_key(h) for h in smap.headers]
        top = filled_top(smap.sheet, (smap.header_row or 0) + 1)
        self.words = {header_key(c) for row in top for c in row} - {""}  # titles and both rows of a 2-row header

    def repeated(self, row: list[Cell]) -> bool:
        """Every cell is header text and at least two stand under their own header."""
        own = 0
        for col, c in enumerate(row):
            if v.is_blank(c):
                continue
            if not isinstance(c, str) or (key := header_key(c)) not in self.words:
                return False
            own += col < len(self.columns) and key == self.columns[col]
        return own >= 2


def _numbering_row(row: list[Cell], mapped: list[int]) -> bool:
    """The row of column numbers "(1) (2) (3)…" that some forms put under the header."""
    cells = [v.text_of(cell(row, c)).strip("()") for c in sorted(mapped)]
    cells = [c for c in cells if c]
    return len(cells) >= 3 and all(c.isdigit() for c in cells) and [int(c) for c in cells] == sorted(
        int(c) for c in cells) and len(set(cells)) == len(cells) and int(cells[-1]) - int(cells[0]) == len(cells) - 1
