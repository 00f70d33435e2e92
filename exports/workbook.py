"""Spreadsheet files into plain data for the importer: .xlsx, .xlsm, .xls and .ods through python-calamine.

Cells come as calamine gives them (a date cell as a `date`, whatever Buddhist-Era number format shows it;
a date cell formatted General as its serial number); `fieldtool.bookimport.values` reads them. A file that
is missing, not a spreadsheet, or locked with a password is refused with one sentence.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import python_calamine as calamine

from fieldtool.bookimport.workbook import Sheet, Workbook, column_index, column_letter
from fieldtool.text import Text
from fieldtool.thai import InputError

__all__ = ["Sheet", "Workbook", "column_index", "column_letter", "read_workbook"]

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An Excel file saved with a password is an OLE2 container holding this stream (the name is UTF-16).
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def read_workbook(path: str | Path) -> Workbook:
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError(Text(f"ไม่พบไฟล์ {path}", f"no such file: {path}"))
    try:
        data = path.read_bytes()
    except OSError:
        raise InputError(Text(f"เปิดไฟล์ {name} ไม่ได้ ไฟล์อาจถูกล็อกหรือไม่มีสิทธิ์อ่าน",
                              f"cannot read {name}: it is locked or not readable")) from None
    not_sheet = InputError(Text(f"ไฟล์ {name} ไม่ใช่ไฟล์ตารางคำนวณ (ใช้ .xlsx .xlsm .xls หรือ .ods)",
                                f"{name} is not a spreadsheet (use .xlsx, .xlsm, .xls or .ods)"))
    locked = InputError(Text(f"ไฟล์ {name} ตั้งรหัสผ่านไว้ ให้เปิดใน Excel แล้วบันทึกโดยไม่ใส่รหัสผ่านก่อน",
                             f"{name} is locked with a password; save it without the password first"))
    if data.startswith(_OLE2) and _ENCRYPTED in data:
        raise locked
    if not (data.startswith(_ZIP) or data.startswith(_OLE2)):
        raise not_sheet
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets hold no rows
            sheet = book.get_sheet_by_name(meta.name)
            # skip_empty_area=False: row and column numbers stay those the spreadsheet shows
            rows = sheet.to_python(skip_empty_area=False)
            merged = [tuple(map(tuple, r)) for r in (sheet.merged_cell_ranges or [])]
            sheets.append(Sheet(meta.name, rows, merged, meta.visible != calamine.SheetVisibleEnum.Visible))
    except calamine.PasswordError:
        raise locked from None
    except (calamine.CalamineError, ValueError, OSError, TypeError):
        raise not_sheet from None
    return Workbook(str(path), sheets, hashlib.sha256(data).hexdigest())
