"""Columns of the list of letters issued for a loan (ทะเบียนหนังสือที่ออก): number, kind, date, recipient."""

from __future__ import annotations

from fieldtool.models import LetterRecord
from ui.i18n import day_text, tr
from ui.labels import letter_kind_text
from ui.tablemodel import Column, RowTableModel

ISSUED_COLUMNS = [
    Column("col.letter_no", lambda r: r.number_text, sort_key=lambda r: (r.year_be, r.running)),
    Column("col.kind", lambda r: letter_kind_text(r.kind), max_width=300),
    Column("col.issued_on", lambda r: day_text(r.issued_on), "right", sort_key=lambda r: r.issued_on),
    Column("col.recipient", lambda r: r.recipient, max_width=260),
    Column("col.issued_by", lambda r: r.officer or "–"),
    Column(
        "col.file",
        lambda r: r.file_name or "–",
        tooltip=lambda r: tr("letters.file_hash", sha=r.file_sha256 or "–"),
    ),
]


class IssuedLettersModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(ISSUED_COLUMNS, parent)

    def record_at(self, row: int) -> LetterRecord:
        return self.row_at(row)
