"""Issuing letters: a batch numbered and worded (`prepare`), said before it is done (`outline`), and written
down when printed (`record_issued`) with what each letter printed frozen on its record.

A letter is a document: its record keeps the LetterContent it printed, so a reprint draws exactly that again,
marked as a copy where the office wants; a letter issued before letters were kept (migration 0007) is printed
again from the book as it stands, and said so (`PreparedLetter.frozen`). exports.letters lays the prepared
letters out and calls `record_issued` in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from fieldtool import loanbook, reminders
from fieldtool.letter_content import LetterContent
from fieldtool.letter_numbers import allocate, number_text
from fieldtool.letter_wording import letter_content
from fieldtool.letterhead import check_office, is_on, office_settings
from fieldtool.letters import LetterRequest
from fieldtool.models import LetterRecord
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import ContactWay, Delivery


@dataclass
class PreparedLetter:
    request: LetterRequest
    content: LetterContent
    year_be: int
    running: int
    amount_satang: int | None  # what the letter asks for; None for a reprint (its figures are text)
    frozen: bool = True  # False: an old letter (before 0007) printed again from the book as it stands

    @property
    def delivery(self) -> Delivery | None:
        return self.request.how()


@dataclass(frozen=True)
class BatchOutline:
    """What printing a batch will do, said before it is done: how many new letters and their numbers
    (as printed, without "ที่"), how many issued letters are printed again, and how many open notices
    are recorded as delivered by letter."""

    new: int
    first: str  # "อบ ๐๐๑๗.๑๕/๒๐๑"; "" when there is no new letter
    last: str
    reprints: int
    notices: int


def outline(session: Session, requests: Sequence[LetterRequest]) -> BatchOutline:
    """What `prepare` and `record_issued` will do with these requests, without doing it: the numbers the
    new letters will take (refused, as prepare refuses, when the block has too few left)."""
    settings = office_settings(session)
    check_office(settings)
    new = [req for req in requests if req.record is None]
    numbers = sorted(allocate(session, new, settings).values())
    thai = is_on(settings, "thai_digits")

    def printed(year_running: tuple[int, int]) -> str:
        return number_text(settings["letter_prefix"], year_running[1], thai).removeprefix("ที่ ")

    return BatchOutline(
        new=len(new),
        first=printed(numbers[0]) if numbers else "",
        last=printed(numbers[-1]) if numbers else "",
        reprints=len(requests) - len(new),
        notices=sum(1 for req in new if req.reminder_id),
    )


def prepare(session: Session, requests: Sequence[LetterRequest]) -> list[PreparedLetter]:
    """Numbers and wording for each request (numbers are allocated but not yet recorded). A batch that
    needs more numbers than the block has left is refused whole, before anything is issued."""
    settings = office_settings(session)
    check_office(settings)
    new = [req for req in requests if req.record is None]
    emblem = settings["emblem_path"]
    if new and emblem and not is_on(settings, "garuda_space") and not Path(emblem).is_file():
        raise InputError(Text(f"ไม่พบไฟล์ภาพตรา {emblem}", "the emblem image is missing"))
    thai = is_on(settings, "thai_digits")
    mark = "สำเนา" if is_on(settings, "copy_mark") else ""
    numbers = allocate(session, new, settings)
    out = []
    for req in requests:
        if req.record is not None:
            rec = req.record
            amount: int | None
            if rec.content:
                content, amount, frozen = LetterContent.from_json(rec.content), None, True
            else:  # issued before letters were frozen: rebuilt from the book as it stands, and said so
                content, amount = letter_content(session, req, settings, thai, rec.number_text)
                frozen = False
            content = replace(content, copy_mark=mark)
            out.append(PreparedLetter(req, content, rec.year_be, rec.running, amount, frozen))
            continue
        year_be, running = numbers[id(req)]
        content, amount = letter_content(session, req, settings, thai, number_text(settings["letter_prefix"], running, thai))
        out.append(PreparedLetter(req, content, year_be, running, amount))
    return out


def record_issued(
    session: Session, prepared: Sequence[PreparedLetter], file_sha256: str, file_name: str
) -> list[LetterRecord]:
    """Write down the letters just printed (new ones only), with what they printed frozen, and mark the
    notices they carry delivered by letter."""
    settings = office_settings(session)
    records = []
    for p in prepared:
        if p.request.record is not None:
            records.append(p.request.record)
            continue
        rec = LetterRecord(
            prefix=settings["letter_prefix"],
            year_be=p.year_be,
            running=p.running,
            number_text=p.content.number,
            kind=p.request.kind.value,
            issued_on=p.request.on,
            recipient=p.content.recipient,
            loan_id=p.request.loan_id,
            instalment_id=p.request.instalment_id,
            details=json.dumps(p.request.details, ensure_ascii=False) if p.request.details else "",
            file_sha256=file_sha256,
            file_name=file_name,
            device_id=loanbook.device_of(session),
            officer=loanbook.officer_of(session),
            content=p.content.to_json(),
            delivery=p.delivery.value if p.delivery else "",
            corrects_id=p.request.corrects.id if p.request.corrects is not None else None,
        )
        session.add(rec)
        session.flush()
        records.append(rec)
        if p.request.reminder_id:
            reminders.deliver(session, p.request.reminder_id, ContactWay.LETTER, p.request.on,
                              note=f"หนังสือ{p.content.number}")
    return records


def letter_json(p: PreparedLetter) -> dict[str, object]:
    """One letter of a batch as `fieldtool letters --json` prints it (README: What `--json` prints)."""
    c = p.content
    return {
        "number": c.number,
        "running": p.running,
        "year_be": p.year_be,
        "kind": p.request.kind.value,
        "reprint": p.request.record is not None,
        "frozen": p.frozen,  # false: issued before letters were kept as printed, so printed from today's book
        "copy": bool(c.copy_mark),
        "corrects": p.request.corrects.number_text if p.request.corrects is not None else None,
        "date": c.date_text,
        "date_iso": p.request.on.isoformat(),
        "loan_id": p.request.loan_id,
        "instalment_id": p.request.instalment_id,
        "recipient": c.recipient,
        "address": c.recipient_address,
        "delivery": p.delivery.value if p.delivery else None,
        "delivery_th": p.delivery.label.th if p.delivery else None,
        "subject": c.subject,
        "reference": c.reference,
        "amount": c.amount_text,
        "body": c.body,
        "schedule": [asdict(line) for line in c.schedule],
    }
