"""Printing letters: number them, lay them out in one PDF with the batch's register of letters sent, write
the address labels of those that go by post, and record what was issued.

The PDFs are written to temporary files and moved into place only when complete; the letters are
recorded in the caller's transaction, which owns the files (fieldtool.transaction_files): a failure anywhere,
up to its commit, leaves neither a file nor a spent number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from exports.dispatch_pdf import render_labels
from exports.letters_pdf import render_letters
from fieldtool.letter_dispatch import address_labels, dispatch_register
from fieldtool.letter_issue import PreparedLetter, prepare, record_issued
from fieldtool.letter_numbers import NumberBlock, block_warning, number_block
from fieldtool.letters import LetterRequest
from fieldtool.models import LetterRecord
from fieldtool.text import Text
from fieldtool.thai import InputError, format_date, format_date_en
from fieldtool.transaction_files import remove_on_rollback


@dataclass
class IssueResult:
    path: Path
    pages: int
    prepared: list[PreparedLetter]
    records: list[LetterRecord]
    sha256: str
    labels_path: Path | None  # the address labels, when any letter goes by post
    labels: int  # how many labels
    block: NumberBlock  # this laptop's letter numbers after the batch
    warning: Text | None  # the block is nearly used

    @property
    def rebuilt(self) -> list[PreparedLetter]:
        """Letters issued before they were kept as printed: printed again from the book as it stands."""
        return [p for p in self.prepared if not p.frozen]


def no_letters_on(on: date) -> Text:
    return Text(f"ไม่มีหนังสือที่ต้องออกในวันที่ {format_date(on)}",
                f"no letters are due on {on.isoformat()} ({format_date_en(on)})")


def labels_path_for(out_path: Path) -> Path:
    """Where the labels go when the caller does not say: beside the letters, "<name>-labels.pdf"."""
    return out_path.with_name(f"{out_path.stem}-labels.pdf")


def issue(
    session: Session,
    requests: list[LetterRequest],
    out_path: Path | str,
    on: date,
    with_dispatch: bool = True,
    progress=None,
    labels_path: Path | str | None = None,
) -> IssueResult:
    """Print `requests` into out_path (with the register of letters sent after them when with_dispatch),
    the labels of those going by post into labels_path (default beside out_path), and record them."""
    if not requests:
        raise InputError(no_letters_on(on))
    out_path = Path(out_path)
    prepared = prepare(session, requests)
    register = dispatch_register(session, prepared, on) if with_dispatch else None
    labels = address_labels(prepared)
    labels_out = Path(labels_path) if labels_path else labels_path_for(out_path)
    # The files are the transaction's: if it does not commit, the numbers were not spent and the files go.
    pages = render_letters([p.content for p in prepared], out_path, dispatch=register, progress=progress)
    remove_on_rollback(session, out_path)
    if labels:
        render_labels(labels, labels_out)
        remove_on_rollback(session, labels_out)
    digest = hashlib.sha256(out_path.read_bytes()).hexdigest()
    records = record_issued(session, prepared, digest, out_path.name)
    session.flush()
    new = sum(1 for p in prepared if p.request.record is None)
    block = number_block(session, on)
    return IssueResult(
        out_path, pages, prepared, records, digest, labels_out if labels else None, len(labels), block,
        block_warning(block) if new else None,
    )
