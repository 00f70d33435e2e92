"""What the import window lists: one line per sheet of the dry run, one per row, and the words for both.

The row list puts refused rows first (what the officer must look at), then what will be created, then what
is already in the book; a refused row is marked by its word (ไม่รับ, in bold) as well as by its colour.
"""

from __future__ import annotations

from fieldtool.bookimport import ImportPlan, RowPlan, SheetPlan
from fieldtool.booklayout import SHEETS, SheetLayout
from fieldtool.vocabulary import RowAction
from ui import i18n
from ui.i18n import label_text, text_of, tr
from ui.qt import QColor
from ui.tablemodel import Column, RowTableModel

ACTION_ORDER = (RowAction.REFUSED, RowAction.CREATE, RowAction.MATCH)
LAYOUTS: dict[str, SheetLayout] = {layout.key: layout for layout in SHEETS}
KINDS = tuple(layout.key for layout in SHEETS)  # households, groups, loans, payments: the order they are made in

RED, RED_BG, GREEN, GREY = QColor("#b71c1c"), QColor("#fdecea"), QColor("#1b5e20"), QColor("#607d8b")


def action_text(action: RowAction) -> str:
    return label_text(action)


def kind_text(kind: str) -> str:
    layout = LAYOUTS.get(kind)
    return text_of(layout.title) if layout else kind


def field_text(layout: SheetLayout, field: str) -> str:
    """A field by the name officers know: the template's Thai header, or its English label."""
    column = layout.column(field)
    if i18n.language() == "en" and column.label_en:
        return column.label_en
    return column.headers[0]


def missing_fields(sheet: SheetPlan) -> list[str]:
    """The fields a row of this sheet must have that no column gives (its rows are not read until they do)."""
    return LAYOUTS[sheet.kind].missing(c.field for c in sheet.columns)


def ordered_rows(plan: ImportPlan) -> list[RowPlan]:
    """Refused rows first, then those to create, then those already there; in sheet and row order within."""
    sheet_no = {s.name: n for n, s in enumerate(plan.sheets)}
    return sorted(plan.rows, key=lambda r: (ACTION_ORDER.index(r.action), sheet_no.get(r.sheet, 0), r.row))


def created_text(created: dict[str, int]) -> str:
    """"ครัวเรือน 3, สัญญาเงินกู้ 3": what an import made, the kinds it made nothing of left out."""
    parts = [tr("importer.created_list", kind=tr(f"importer.kind.{k}"), n=f"{n:,}") for k, n in created.items() if n]
    return ", ".join(parts) or "0"


def _action_color(row: RowPlan) -> QColor | None:
    return {RowAction.REFUSED: RED, RowAction.CREATE: GREEN, RowAction.MATCH: GREY}.get(row.action)


def _background(row: RowPlan) -> QColor | None:
    return RED_BG if row.action is RowAction.REFUSED else None


ROW_COLUMNS = [
    Column("importer.col.sheet", lambda r: r.sheet, max_width=160, background=_background),
    Column("importer.col.row", lambda r: f"{r.row:,}", "right", sort_key=lambda r: (r.sheet, r.row),
           background=_background),
    Column("importer.col.action", lambda r: action_text(r.action), color=_action_color,
           bold=lambda r: r.action is RowAction.REFUSED, sort_key=lambda r: ACTION_ORDER.index(r.action),
           background=_background),
    Column("importer.col.what", lambda r: text_of(r.text), max_width=4000, tooltip=lambda r: text_of(r.text),
           color=lambda r: RED if r.action is RowAction.REFUSED else None, background=_background),
]


def _header_row_text(sheet: SheetPlan) -> str:
    return f"{sheet.header_row:,}" if sheet.header_row else tr("importer.no_header_row")


def _count_column(title: str, action: RowAction, color: QColor | None = None) -> Column:
    return Column(title, lambda s: f"{s.count(action):,}", "right", sort_key=lambda s: s.count(action),
                  color=(lambda s: color if s.count(action) else None) if color else None,
                  bold=(lambda s: s.count(action) > 0) if action is RowAction.REFUSED else None)


SHEET_COLUMNS = [
    Column("importer.col.sheet", lambda s: s.name, max_width=220),
    Column("importer.col.kind", lambda s: kind_text(s.kind)),
    Column("importer.col.header_row", _header_row_text, "right"),
    _count_column("importer.col.create", RowAction.CREATE),
    _count_column("importer.col.match", RowAction.MATCH),
    _count_column("importer.col.refused", RowAction.REFUSED, RED),
]


class RowsModel(RowTableModel):
    """The rows of the dry run, one per spreadsheet row, in the order `ordered_rows` gives."""

    def __init__(self, parent=None):
        super().__init__(ROW_COLUMNS, parent)


class SheetsModel(RowTableModel):
    """One line per sheet the importer read: its register, header row and what its rows become."""

    def __init__(self, parent=None):
        super().__init__(SHEET_COLUMNS, parent)
