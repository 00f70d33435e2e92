"""Finding what each sheet holds: its layout (households, groups, loans, payments), its header row under
title rows and merged cells, and which column is which field.

A sheet is recognised by its name (the template's, or one registers use) or else by its headers. The
header row is the row among the first ones whose cells name the most fields. A loans sheet that also carries
its borrowers' name or national ID columns (a debtor control register, ทะเบียนคุมลูกหนี้) reads them as the
household each row describes. A layout's signature (the
sheet kind and its header keys, hashed) keys the mapping an officer gave for columns the importer could not
place (`--map`); it is remembered in the local setting `import.mapping.<signature>` and used for the next
file of the same layout.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from fieldtool.bookimport.workbook import Cell, Sheet, column_index
from fieldtool.booklayout import HOUSEHOLDS, INSTRUCTIONS_SHEET, SHEETS, Column, SheetLayout, header_key
from fieldtool.registry import set_setting, setting
from fieldtool.text import Text
from fieldtool.thai import InputError

HEADER_SEARCH_ROWS = 30  # TPMAP and ThaiQM lists put 3–5 rows of merged titles above the header
LAYOUTS = {layout.key: layout for layout in SHEETS}
MAPPING_SETTING = "import.mapping."
# Columns the importer does not import but reads to check a row belongs to this laptop's place.
PLACE_HEADERS = {header_key("ตำบล"): "subdistrict", header_key("ชื่อตำบล"): "subdistrict"}
_MIN_PREFIX = 6  # a header that begins with an alias this long is that alias ("เลขบัตรประชาชน (13 หลัก)")


@dataclass
class SheetMap:
    """How one sheet is read: its layout, header row and the column of each field."""

    sheet: Sheet
    layout: SheetLayout
    header_row: int | None = None  # 0-based; the spreadsheet shows it as header_row + 1
    headers: list[str] = field(default_factory=list)  # the header row's text, merged cells filled
    columns: dict[str, int] = field(default_factory=dict)  # field → 0-based column
    sources: dict[str, str] = field(default_factory=dict)  # field → header | remembered | given
    signature: str = ""
    given: dict[str, int] = field(default_factory=dict)  # what the officer mapped this time (to remember)
    place_columns: dict[str, int] = field(default_factory=dict)
    problems: list[Text] = field(default_factory=list)  # the sheet cannot be read as it is

    @property
    def unmapped(self) -> list[tuple[int, str]]:
        """Columns with a header that no field took: (column, header)."""
        taken = set(self.columns.values())
        return [(i, h) for i, h in enumerate(self.headers) if h and i not in taken]

    @property
    def missing(self) -> list[str]:
        return self.layout.missing(self.columns)


# --- aliases -------------------------------------------------------------------------------------------------


def _alias_table(columns: Iterable[Column]) -> list[tuple[str, str]]:
    """(header key, field), longest key first, so the most specific alias wins a prefix match."""
    pairs = [(header_key(h), c.field) for c in columns for h in (*c.headers, c.field, c.label_en)]
    return sorted({p for p in pairs if p[0]}, key=lambda p: (-len(p[0]), p))


_ALIASES = {key: _alias_table(layout.columns) for key, layout in LAYOUTS.items()}
# The extra columns are only read once a sheet is known to be of the kind: a households sheet must not look
# like a loans sheet for its names and national IDs.
_EXTRA_ALIASES = {key: _alias_table(layout.extra) for key, layout in LAYOUTS.items()}


def field_of(layout: SheetLayout, header: object, extra: bool = False) -> tuple[str | None, bool]:
    """(field, exact) a header names in this layout (with `extra`, in its extra columns), or (None, False)."""
    key = header_key(header)
    if not key:
        return None, False
    aliases = (_EXTRA_ALIASES if extra else _ALIASES)[layout.key]
    for alias, name in aliases:
        if key == alias:
            return name, True
    for alias, name in aliases:
        if len(alias) >= _MIN_PREFIX and key.startswith(alias):
            return name, False
    return None, False


def _auto_columns(layout: SheetLayout, headers: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """(field → column, place check → column). An exact header beats a prefix; the leftmost beats the others."""
    columns = _named_columns(layout, headers, {}, extra=False)
    places: dict[str, int] = {}
    for col, text in enumerate(headers):
        if col not in columns.values() and (place := PLACE_HEADERS.get(header_key(text))) is not None:
            places.setdefault(place, col)
    return columns, places


def _named_columns(layout: SheetLayout, headers: list[str], taken: dict[str, int], extra: bool) -> dict[str, int]:
    """The columns whose headers name fields (the layout's own, or with `extra` its extra ones) and that no
    field in `taken` reads already."""
    exact: dict[str, int] = {}
    loose: dict[str, int] = {}
    used = set(taken.values())
    for col, text in enumerate(headers):
        if col in used:
            continue
        name, is_exact = field_of(layout, text, extra)
        if name is not None and name not in taken:
            (exact if is_exact else loose).setdefault(name, col)
    columns = dict(exact)
    for name, col in loose.items():
        if name not in columns and col not in columns.values():
            columns[name] = col
    return columns


def _borrower_household(layout: SheetLayout, headers: list[str], columns: dict[str, int],
                        sources: dict[str, str]) -> None:
    """A loans sheet's columns of its borrowers' households (a debtor control register), added in place.

    A borrower column headed by a name ("ชื่อผู้กู้", "ชื่อ-สกุลผู้กู้") beside a national ID, house number or
    family name column is the name of the household the row describes, not a borrower to look up alone."""
    if not layout.extra:
        return
    found = _named_columns(layout, headers, columns, extra=True)
    if not found:
        return
    col = columns.get("borrower")
    if (col is not None and sources.get("borrower") == "header" and "first_name" not in found
            and field_of(HOUSEHOLDS, headers[col])[0] == "first_name"):
        del columns["borrower"], sources["borrower"]
        found["first_name"] = col
    for name, col in found.items():
        columns[name] = col
        sources[name] = "header"


# --- header rows -------------------------------------------------------------------------------------------


def filled_top(sheet: Sheet, limit: int = HEADER_SEARCH_ROWS) -> list[list[str]]:
    """The first rows as text, each merged area showing its top-left value in every cell it covers."""
    rows = [[_header_text(c) for c in row] for row in sheet.rows[:limit]]
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if not row[c]:
                    row[c] = value
    return rows


def _header_text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split()) if cell not in (None, "") else ""


def _row_headers(rows: list[list[str]], r: int, layout: SheetLayout) -> list[str]:
    """Row r's headers; a blank cell takes the header of the row above when that names a field (two-row headers)."""
    headers = list(rows[r])
    if r > 0:
        above = rows[r - 1]
        for c in range(len(headers)):
            if not headers[c] and c < len(above) and field_of(layout, above[c])[0]:
                headers[c] = above[c]
    return headers


def best_header_row(rows: list[list[str]], layout: SheetLayout) -> tuple[int | None, int]:
    """(row, fields it names) of the row naming the most of the layout's fields; ties go to the higher row."""
    best: int | None = None
    best_score = 0
    for r in range(len(rows)):
        columns, _ = _auto_columns(layout, _row_headers(rows, r, layout))
        required = sum(1 for c in layout.columns if c.required and c.field in columns)
        score = len(columns) + required
        if score > best_score:
            best, best_score = r, score
    return best, best_score


def _name_layout(name: str) -> SheetLayout | None:
    key = header_key(name)
    names = [(header_key(n), layout) for layout in SHEETS for n in (layout.name, layout.key, *layout.other_names)]
    for n, layout in names:
        if key == n:
            return layout
    found = [(len(n), layout) for n, layout in names if n and n in key]
    return max(found, key=lambda f: f[0])[1] if found else None


def signature(kind: str, headers: list[str]) -> str:
    keys = "\x1f".join(header_key(h) for h in headers)
    return f"{kind}-{hashlib.sha256(f'{kind}|{keys}'.encode()).hexdigest()[:16]}"


# --- remembered mappings -------------------------------------------------------------------------------------


def remember_mapping(session: Session, signature: str, mapping: dict[str, int]) -> None:
    """Keep an officer's column mapping for this layout: the next file of the same layout is read with it."""
    set_setting(session, MAPPING_SETTING + signature, json.dumps(
        {"columns": {f: int(c) for f, c in sorted(mapping.items())}}, ensure_ascii=False))


def remembered_mapping(session: Session, signature: str) -> dict[str, int]:
    raw = setting(session, MAPPING_SETTING + signature)
    if not raw:
        return {}
    try:
        return {str(f): int(c) for f, c in json.loads(raw)["columns"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}  # a damaged setting is ignored, not fatal: the officer can map again


# --- the officer's mapping -------------------------------------------------------------------------------------

_MAP_OPTION = re.compile(r"(?P<sheet>.+?):(?P<field>[^:=]+)=(?P<column>.+)")


def parse_map_option(text: str) -> tuple[str, str, str]:
    """"SHEET:FIELD=COLUMN" (column letter or header) → (sheet, field, column)."""
    m = _MAP_OPTION.fullmatch((text or "").strip())
    if not m:
        raise InputError(Text(f"รูปแบบ --map ไม่ถูกต้อง: {text} ใช้ ชีต:ช่องข้อมูล=คอลัมน์ เช่น สัญญาเงินกู้:principal=F",
                              f"--map takes SHEET:FIELD=COLUMN, e.g. สัญญาเงินกู้:principal=F, not {text}"))
    return m["sheet"].strip(), m["field"].strip(), m["column"].strip()


def _sheet_given(overrides: dict[str, dict[str, str]] | None, sheet: Sheet, layout: SheetLayout | None) -> dict[str, str]:
    """The officer's mapping meant for this sheet: named by the sheet's own name or by its kind."""
    out: dict[str, str] = {}
    for ref, fields in (overrides or {}).items():
        if header_key(ref) == header_key(sheet.name) or (
            layout is not None and header_key(ref) in {header_key(layout.name), layout.key}
        ):
            out.update(fields)
    return out


def _given_field(layout: SheetLayout, name: str, sheet: str) -> str:
    if name in layout.readable_fields:
        return name
    found = field_of(layout, name)[0] or field_of(layout, name, extra=True)[0]
    if found:
        return found
    fields = ", ".join(layout.readable_fields)
    raise InputError(Text(f"ชีต {sheet} ไม่มีช่องข้อมูล {name} (ใช้ {fields})",
                          f"sheet {sheet} has no field {name}; its fields are {fields}"))


def _given_column(ref: str, headers: list[str], sheet: str) -> int:
    index = column_index(ref)
    if index is not None:
        return index
    key = header_key(ref)
    found = [i for i, h in enumerate(headers) if key and header_key(h) == key]
    if len(found) == 1:
        return found[0]
    raise InputError(Text(f"ไม่พบคอลัมน์ {ref} ในชีต {sheet} (ใช้อักษรคอลัมน์ เช่น F หรือชื่อหัวคอลัมน์)",
                          f"sheet {sheet} has no column {ref}; give its letter (e.g. F) or its header"))


def _layout_for_fields(fields: list[str]) -> SheetLayout | None:
    fitting = [layout for layout in SHEETS if all(f in layout.fields or field_of(layout, f)[0] for f in fields)]
    return fitting[0] if len(fitting) == 1 else None


# --- a sheet ------------------------------------------------------------------------------------------------


def read_sheet(session: Session, sheet: Sheet, overrides: dict[str, dict[str, str]] | None = None,
               ) -> SheetMap | None:
    """What the sheet holds and how to read it; None for a sheet the importer cannot place."""
    if sheet.hidden or header_key(sheet.name) == header_key(INSTRUCTIONS_SHEET):
        return None
    rows = filled_top(sheet)
    layout = _name_layout(sheet.name)
    row: int | None = None
    if layout is not None:
        row, _ = best_header_row(rows, layout)
    else:
        scored = [(best_header_row(rows, candidate), candidate) for candidate in SHEETS]
        (row, score), layout = max(scored, key=lambda s: s[0][1])
        if score < 3:  # one stray word is no header row: a summary or notes sheet
            layout, row = None, None
    given = _sheet_given(overrides, sheet, layout)
    if layout is None:
        row = _widest_text_row(rows)
        remembered = _remembered_any(session, rows, row)
        if remembered is not None:
            layout = remembered
        elif given:
            layout = _layout_for_fields(list(given))
            if layout is None:
                raise InputError(Text(
                    f"บอกไม่ได้ว่าชีต {sheet.name} เป็นทะเบียนอะไร ให้ระบุช่องข้อมูลที่มีเฉพาะในทะเบียนนั้น เช่น principal",
                    f"cannot tell which register sheet {sheet.name} is; map a field only that register has, e.g. principal",
                ))
            given = _sheet_given(overrides, sheet, layout)
        else:
            return None
    if row is None:
        row = _widest_text_row(rows)
    headers = _row_headers(rows, row, layout) if row is not None else []
    columns, places = _auto_columns(layout, headers)
    sources = {f: "header" for f in columns}
    _borrower_household(layout, headers, columns, sources)
    sig = signature(layout.key, headers)
    for source, mapping in (("remembered", remembered_mapping(session, sig)),
                            ("given", {_given_field(layout, f, sheet.name): _given_column(c, headers, sheet.name)
                                       for f, c in given.items()})):
        for name, col in mapping.items():
            if name not in layout.readable_fields:
                continue
            for other in [f for f, c in columns.items() if c == col and f != name]:
                del columns[other]
                sources.pop(other, None)
            columns[name] = col
            sources[name] = source
    given_cols = {f: columns[f] for f, s in sources.items() if s == "given"}
    out = SheetMap(sheet, layout, row, headers, columns, sources, sig, given_cols, places)
    if row is None:
        out.problems.append(Text(f"ไม่พบแถวหัวตารางในชีต {sheet.name}", f"no header row found in sheet {sheet.name}"))
    for name in out.missing:
        column = layout.column(name)
        out.problems.append(Text(
            f"ชีต {sheet.name} ไม่มีคอลัมน์ {column.headers[0]} ให้ระบุด้วย --map \"{sheet.name}:{name}=คอลัมน์\"",
            f"sheet {sheet.name} has no {column.label_en or name} column; map it with --map \"{sheet.name}:{name}=COLUMN\"",
        ))
    return out


def _widest_text_row(rows: list[list[str]]) -> int | None:
    """The row with the most text cells: the header row of a sheet whose headers the importer does not know."""
    best, best_count = None, 0
    for r, row in enumerate(rows):
        count = sum(1 for c in row if c and not re.fullmatch(r"[0-9.,\-/ ]+", c))
        if count > best_count:
            best, best_count = r, count
    return best


def _remembered_any(session: Session, rows: list[list[str]], row: int | None) -> SheetLayout | None:
    if row is None:
        return None
    for layout in SHEETS:
        if remembered_mapping(session, signature(layout.key, _row_headers(rows, row, layout))):
            return layout
    return None
