"""Letter numbers: the block of numbers the office gave this laptop, the next ones a batch takes, and an issued
letter found again by the number it printed.

Numbers come from a block per laptop ("201-400", the letterhead setting `letter_block`) and run through a
Buddhist year, so officers numbering offline never collide; a batch that needs more than the block has left
is refused whole, before anything is issued, with the way to the next block in the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.letterhead import office_settings, parse_block
from fieldtool.letters import LetterRequest
from fieldtool.models import LetterRecord
from fieldtool.text import Text
from fieldtool.thai import InputError, to_arabic_digits, to_thai_digits

# Warn when fewer numbers than this are left in the laptop's block after a batch.
BLOCK_WARN_LEFT = 20


@dataclass(frozen=True)
class NumberBlock:
    """This laptop's block of letter numbers in a Buddhist year, and how far it is used."""

    low: int
    high: int
    used: int  # the highest running number issued in the block that year (low - 1 when none)
    year_be: int

    @property
    def left(self) -> int:
        return self.high - self.used

    def next_block(self) -> str:
        """The block after this one, of the same size, as an example of what the office gives next."""
        size = self.high - self.low + 1
        return f"{self.high + 1}-{self.high + size}"


def number_block(session: Session, on: date, settings: dict[str, str] | None = None) -> NumberBlock:
    settings = settings or office_settings(session)
    low, high = parse_block(settings["letter_block"])
    year_be = on.year + 543
    used = session.execute(
        select(func.max(LetterRecord.running)).where(
            col(LetterRecord.prefix) == settings["letter_prefix"],
            col(LetterRecord.year_be) == year_be,
            col(LetterRecord.running) >= low,
            col(LetterRecord.running) <= high,
        )
    ).scalar()
    return NumberBlock(low, high, used or low - 1, year_be)


def _how_to_renew(block: NumberBlock) -> Text:
    nxt = block.next_block()
    return Text(
        f"ขอช่วงเลขใหม่จากสำนักงานอำเภอแล้วตั้งค่า เช่น fieldtool office set letter_block {nxt} "
        "หรือเมนู แฟ้ม › ตั้งค่าหนังสือราชการ",
        f"ask the office for the next block and set it, e.g. fieldtool office set letter_block {nxt} "
        "or File › Office settings for letters",
    )


def block_warning(block: NumberBlock, need: int = 0) -> Text | None:
    """A warning when the block is nearly used: fewer than BLOCK_WARN_LEFT numbers left after `need` more."""
    left = block.left - need
    if left >= BLOCK_WARN_LEFT:
        return None
    renew = _how_to_renew(block)
    return Text(
        f"เลขที่หนังสือช่วง {block.low}-{block.high} ของเครื่องนี้เหลืออีก {max(left, 0)} เลข {renew.th}",
        f"only {_numbers(max(left, 0))} left in this laptop's block {block.low}-{block.high}; {renew.en}",
    )


def _block_refusal(block: NumberBlock, need: int) -> Text:
    renew = _how_to_renew(block)
    if block.left <= 0:
        return Text(f"เลขที่หนังสือช่วง {block.low}-{block.high} ของเครื่องนี้หมดแล้ว {renew.th}",
                    f"this laptop's letter numbers {block.low}-{block.high} are used up; {renew.en}")
    return Text(
        f"เลขที่หนังสือช่วง {block.low}-{block.high} ของเครื่องนี้เหลือ {block.left} เลข "
        f"ไม่พอสำหรับหนังสือใหม่ {need} ฉบับ จึงยังไม่ออกหนังสือฉบับใด {renew.th}",
        f"only {_numbers(block.left)} left in this laptop's block {block.low}-{block.high} for {need} new "
        f"letters, so none was issued; {renew.en}",
    )


def _numbers(n: int) -> str:
    return f"{n} number is" if n == 1 else f"{n} numbers are"


def number_text(prefix: str, running: int, thai: bool) -> str:
    """A letter's number as printed: "ที่ อบ ๐๐๑๗.๑๕/๒๐๑"."""
    text = f"ที่ {prefix}/{running}"
    return to_thai_digits(text) if thai else text


def allocate(session: Session, new: Sequence[LetterRequest], settings: dict[str, str]) -> dict[int, tuple[int, int]]:
    """(Buddhist year, running number) for each new letter, by id(); a batch that needs more numbers
    than the block has left in a year is refused whole."""
    numbers: dict[int, tuple[int, int]] = {}
    for year_be in sorted({req.on.year + 543 for req in new}):
        wanted = [req for req in new if req.on.year + 543 == year_be]
        block = number_block(session, date(year_be - 543, 1, 1), settings)
        if len(wanted) > block.left:
            raise InputError(_block_refusal(block, len(wanted)))
        for k, req in enumerate(wanted, start=1):
            numbers[id(req)] = (year_be, block.used + k)
    return numbers


def find_letter(session: Session, number: str, year_be: int | None = None) -> LetterRecord:
    """An issued letter by its number as printed ("ที่ อบ ๐๐๑๗.๑๕/๒๐๑", Thai or Arabic digits) or its
    running number alone; `year_be` when the same number was used in several years."""
    raw = " ".join(to_arabic_digits(number or "").split())
    raw = raw.removeprefix("ที่").strip()
    prefix, _, running = raw.rpartition("/")
    if not running.strip().isdigit():
        raise InputError(Text(f"เลขที่หนังสือไม่ถูกต้อง: {number} เช่น ๒๐๑ หรือ อบ ๐๐๑๗.๑๕/๒๐๑",
                              f"not a letter number: {number}; e.g. 201 or อบ 0017.15/201"))
    if year_be is not None and year_be < 2400:
        year_be += 543
    q = select(LetterRecord).where(col(LetterRecord.running) == int(running))
    if year_be is not None:
        q = q.where(col(LetterRecord.year_be) == year_be)

    def squeeze(text: str) -> str:
        return to_arabic_digits(text).replace(" ", "")

    found = [r for r in session.scalars(q) if not prefix or squeeze(r.prefix) == squeeze(prefix)]
    if not found:
        raise InputError(Text(f"ไม่พบหนังสือเลขที่ {number} ในทะเบียน", f"no letter numbered {number} in the register"))
    years = sorted({r.year_be for r in found})
    if len(years) > 1:
        raise InputError(Text(
            f"เลขที่ {number} มีหนังสือในปี {', '.join(map(str, years))} ระบุปีด้วย",
            f"number {number} was used in the years {', '.join(map(str, years))}; give the year (--year)",
        ))
    if len(found) > 1:
        raise InputError(Text(f"เลขที่ {number} มีหลายรหัสหนังสือ ระบุเลขที่เต็มตามที่พิมพ์",
                              f"number {number} was used under several prefixes; give the whole number as printed"))
    return found[0]
