"""Printing letters: number them, lay them out in one PDF, and record what was issued.

The PDF is written to a temporary file and moved into place only when complete; the letters are
recorded in the caller's transaction, so a failure anywhere leaves neither a file nor a spent number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from exports.letters_pdf import render_letters
from fieldtool import letters
from fieldtool.models import LetterRecord
from fieldtool.thai import InputError, format_date


@dataclass
class IssueResult:
    path: Path
    pages: int
    prepared: list[letters.PreparedLetter]
    records: list[LetterRecord]
    sha256: str


def issue(
    session: Session,
    requests: list[letters.LetterRequest],
    out_path: Path | str,
    on: date,
    with_dispatch: bool = True,
    progress=None,
) -> IssueResult:
    if not requests:
        raise InputError(
            f"ไม่มีหนังสือที่ต้องออกในวันที่ {format_date(on)} (no letters are due on {on.isoformat()})"
        )
    out_path = Path(out_path)
    prepared = letters.prepare(session, requests)
    dispatch = letters.dispatch_list(session, prepared, on) if with_dispatch else None
    pages = render_letters([p.content for p in prepared], out_path, dispatch=dispatch, progress=progress)
    try:
        digest = hashlib.sha256(out_path.read_bytes()).hexdigest()
        records = letters.record_issued(session, prepared, digest, out_path.name)
        session.flush()
    except BaseException:
        out_path.unlink(missing_ok=True)  # the numbers were not recorded: the file must not circulate
        raise
    return IssueResult(out_path, pages, prepared, records, digest)
