"""Bringing in the books offices already keep: registers in Excel (typed by the district, exported from
TPMAP or ThaiQM, or the program's own template) with loans in mid-life.

`plan_import` reads a `Workbook` (plain data; `exports.workbook.read_workbook` makes one from a file) and
says what every row would become – create, match, or refused with a sentence (`vocabulary.RowAction`) –
writing nothing; `apply_import` writes what the plan would create, in the caller's transaction. No Qt, no
files.
"""

from fieldtool.bookimport.apply import ImportResult, apply_import
from fieldtool.bookimport.headers import parse_map_option
from fieldtool.bookimport.plan import ImportPlan, SheetPlan, plan_import
from fieldtool.bookimport.rowplan import RowPlan
from fieldtool.bookimport.workbook import Sheet, Workbook, column_index, column_letter

__all__ = [
    "ImportPlan", "ImportResult", "RowPlan", "Sheet", "SheetPlan", "Workbook", "apply_import", "column_index",
    "column_letter", "parse_map_option", "plan_import",
]
