"""A spreadsheet as plain data, the way the importer reads it: sheets of rows of cells.

`exports.workbook.read_workbook` fills it from a file (the domain opens no files); a test or the app can
build one by hand. Cells are what python-calamine gives: str, int, float, bool, date, datetime, time,
timedelta, or "" for an empty cell. Row 0 is the spreadsheet's row 1, column 0 its column A.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Cell = object
# ((first row, first column), (last row, last column)), 0-based and inclusive, as calamine gives them
MergedRange = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]
    merged: list[MergedRange] = field(default_factory=list)
    hidden: bool = False


@dataclass
class Workbook:
    path: str
    sheets: list[Sheet]
    sha256: str = ""  # of the file's bytes: the same file imported twice is recognised by it

    @property
    def file_name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int | None:
    """A → 0, AA → 26; None when it is not a column name (A to XFD)."""
    text = letters.strip().upper()
    if not text or not text.isascii() or not text.isalpha() or len(text) > 3:
        return None
    index = 0
    for ch in text:
        index = index * 26 + (ord(ch) - 64)
    return index - 1 if index <= 16384 else None
