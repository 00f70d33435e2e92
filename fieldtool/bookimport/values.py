"""Reading one cell of an office's register: each kind of value in every form Thai spreadsheets write it.

Each function returns the value or raises `InputError(Text)` with one sentence. Thai digits are read
anywhere. Decisions worth knowing (also in the README):
- Dates: a date cell is taken as stored (Excel keeps the Christian Era whatever Buddhist-Era format shows
  it), except a year of 2400 or more, which is a BE year typed into a date cell (subtract 543). A number
  in a date column is an Excel serial day. Text: d/m/y with "/", "-" or "."; a 4-digit year of 2400 or
  more is BE, a lower one CE; a 2-digit year is BE 25yy ("69" = 2569); Thai month names, short or long;
  ISO yyyy-mm-dd (a BE year there too is taken as BE).
- Rates are per cent a year. A number below 1 in a cell is a cell formatted as a percentage (Excel stores
  2 % as 0.02), so it is multiplied by 100; text is always per cent ("0.5" is half a per cent).
- Amounts: numbers, or text with commas, "บาท", "฿" and the ".-" of whole baht; "-" or blank is zero
  where zero makes sense (paid to date), never for a principal or a payment.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from fieldtool import limits
from fieldtool.bookimport.workbook import Cell
from fieldtool.booklayout import FREQUENCY_WORDS, header_key
from fieldtool.names import clean, parse_title, split_name
from fieldtool.schedule import FREQUENCY_MONTHS
from fieldtool.text import Text
from fieldtool.thai import (
    BE_OFFSET,
    MIN_BE_YEAR,
    MONTHS_EN,
    MONTHS_LONG,
    MONTHS_SHORT,
    InputError,
    national_id_check_digit,
    to_arabic_digits,
    validate_phone,
)
from fieldtool.vocabulary import Frequency

EXCEL_EPOCH = date(1899, 12, 30)  # serial day 0 of Excel's (and LibreOffice's) 1900 date system
# a day outside the years the book accepts (fieldtool.limits) is a misread, not history
EARLIEST, LATEST = limits.EARLIEST_DAY, limits.LATEST_DAY


def is_blank(cell: Cell) -> bool:
    if cell is None or cell == "":
        return True
    if isinstance(cell, str):
        text = cell.strip()
        return not text or (len(text) < 8 and not clean(text))  # zero-width characters alone
    return False


def text_of(cell: Cell) -> str:
    """A cell as text: a whole number without its ".0" (Excel keeps numbers as floats), stray spaces gone."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return clean(str(cell))


def _shown(cell: Cell) -> str:
    return text_of(cell) or "-"


@lru_cache(maxsize=65536)  # a register repeats each agreement number on every payment row of the loan
def key_of(text: str) -> str:
    """How an agreement or receipt number is compared: Arabic digits, no spaces, any case."""
    return to_arabic_digits(clean(text)).replace(" ", "").casefold()


# --- dates -------------------------------------------------------------------------------------------------


def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for i, (short, long, en) in enumerate(zip(MONTHS_SHORT, MONTHS_LONG, MONTHS_EN, strict=True), start=1):
        for word in (short, long, en, short.replace(".", "")):
            table[word.replace(".", "").casefold()] = i
    for i, name in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                              "september", "october", "november", "december"), start=1):
        table[name] = i
    return table


_MONTHS = _month_table()
_NUMERIC_DATE = re.compile(r"([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]{2}|[0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?")
_WORD_DATE = re.compile(r"([0-9]{1,2})\s*([^\s0-9]+(?:\s*\.)?)\s*([0-9]{2}|[0-9]{4})")
_DATE_PREFIX = re.compile(r"^(?:วันที่|ลงวันที่|ณ\s*วันที่)\s*")


def _bad_date(cell: Cell) -> InputError:
    return InputError(Text(
        f"อ่านวันที่ไม่ได้: {_shown(cell)} ให้ใช้ วัน/เดือน/ปี พ.ศ. เช่น 22/11/2569 หรือ 22 พ.ย. 2569",
        f"cannot read the date {_shown(cell)}; write it like 22/11/2569 or 22 พ.ย. 2569",
    ))


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2500 + year - BE_OFFSET  # "69" is 2569 BE: registers never write a two-digit CE year
    return year - BE_OFFSET if year >= MIN_BE_YEAR else year


def _checked(d: date, cell: Cell) -> date:
    if d.year >= MIN_BE_YEAR:  # a Buddhist-Era year stored as if it were Christian Era
        try:
            d = d.replace(year=d.year - BE_OFFSET)
        except ValueError:  # 29 Feb of a BE year whose CE year is no leap year
            raise _bad_date(cell) from None
    if not EARLIEST <= d <= LATEST:
        raise InputError(Text(f"วันที่ {_shown(cell)} ไม่น่าถูกต้อง (ปี ค.ศ. {d.year})",
                              f"the date {_shown(cell)} cannot be right (year {d.year})"))
    return d


def parse_date(cell: Cell) -> date:
    if isinstance(cell, datetime):
        return _checked(cell.date(), cell)
    if isinstance(cell, date):
        return _checked(cell, cell)
    if isinstance(cell, (time, timedelta, bool)):
        raise _bad_date(cell)
    if isinstance(cell, (int, float)):
        if not math.isfinite(cell) or not 1 <= cell < 2_958_466:
            raise _bad_date(cell)
        return _checked(EXCEL_EPOCH + timedelta(days=int(cell)), cell)
    text = _DATE_PREFIX.sub("", to_arabic_digits(clean(cell)))
    if not text:
        raise InputError(Text("ไม่มีวันที่", "the date is missing"))
    try:
        if m := _ISO_DATE.fullmatch(text):
            year, month, day = int(m[1]), int(m[2]), int(m[3])
            year = year - BE_OFFSET if year >= MIN_BE_YEAR else year
        elif m := _NUMERIC_DATE.fullmatch(text):
            day, month, year = int(m[1]), int(m[3]), _year(m[4])
        elif m := _WORD_DATE.fullmatch(text):
            named = _MONTHS.get(m[2].replace(".", "").replace(" ", "").casefold())
            if named is None:
                raise _bad_date(cell)
            day, month, year = int(m[1]), named, _year(m[3])
        else:
            raise _bad_date(cell)
        found = date(year, month, day)
    except InputError:
        raise
    except ValueError:  # no such day (31/4, 29/2 of a common year)
        raise InputError(Text(f"ไม่มีวันที่นี้ในปฏิทิน: {_shown(cell)}", f"no such day in the calendar: {_shown(cell)}")) from None
    return _checked(found, cell)


# --- money -------------------------------------------------------------------------------------------------

_BAHT = re.compile(r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?")


def _bad_amount(cell: Cell) -> InputError:
    return InputError(Text(f"จำนวนเงินไม่ถูกต้อง: {_shown(cell)} เช่น 1,000.50",
                           f"cannot read the amount {_shown(cell)}; write it like 1,000.50"))


def _satang(value: Decimal, cell: Cell) -> int:
    if value < 0:
        raise InputError(Text(f"จำนวนเงินติดลบไม่ได้: {_shown(cell)}", f"an amount cannot be negative: {_shown(cell)}"))
    satang = value * 100
    if satang != satang.to_integral_value():
        raise InputError(Text(f"จำนวนเงินมีทศนิยมเกิน 2 ตำแหน่ง: {_shown(cell)}",
                              f"the amount {_shown(cell)} has more than two decimals"))
    return int(satang)


def parse_amount(cell: Cell, blank_is_zero: bool = False) -> int:
    """Baht in a cell → satang. `blank_is_zero`: an empty cell or "-" means nothing (paid to date)."""
    if cell is None:
        cell = ""
    if isinstance(cell, bool):
        raise _bad_amount(cell)
    if isinstance(cell, (int, float)):
        if not math.isfinite(cell):
            raise _bad_amount(cell)
        # a float carries binary noise (1234.56 is 1234.5599…): six places keep every real satang
        return _satang(Decimal(f"{cell:.6f}").normalize(), cell)
    if not isinstance(cell, str):
        raise _bad_amount(cell)
    text = to_arabic_digits(clean(cell)).replace(" ", "")
    text = text.removeprefix("฿").removesuffix("บาท").removesuffix("฿")
    text = re.sub(r"\.?-$", "", text) if len(text) > 1 else text  # "1,000.-" is whole baht
    if text in ("", "-"):
        if blank_is_zero:
            return 0
        raise InputError(Text("ไม่มีจำนวนเงิน", "the amount is missing"))
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("()").removeprefix("-")
    if not _BAHT.fullmatch(text):
        raise _bad_amount(cell)
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise _bad_amount(cell) from None
    return _satang(-value if negative else value, cell)


# --- identifiers -------------------------------------------------------------------------------------------

_MASK = re.compile(r"[xX*×#]")


def is_masked_id(cell: Cell) -> bool:
    """A national ID with some digits hidden ("1-2345-xxxxx-12-1"), as public TPMAP lists print them."""
    return isinstance(cell, str) and bool(_MASK.search(cell)) and sum(c.isdigit() for c in to_arabic_digits(cell)) >= 4


def parse_national_id(cell: Cell) -> str | None:
    """The 13 digits of a national ID, or None for an empty cell; the check digit must match."""
    if is_blank(cell):
        return None
    if isinstance(cell, float):
        if not cell.is_integer():
            raise InputError(Text(f"เลขประจำตัวประชาชนไม่ถูกต้อง: {_shown(cell)}", f"invalid national ID: {_shown(cell)}"))
        text = str(int(cell))
    elif isinstance(cell, int) and not isinstance(cell, bool):
        text = str(cell)
    else:
        text = to_arabic_digits(clean(str(cell)))
        if re.fullmatch(r"[0-9.]+[eE]\+?[0-9]+", text):
            raise InputError(Text(
                f"เลขประจำตัวประชาชน {text} ถูก Excel ตัดเป็นเลขยกกำลัง ตัวเลขหายไปแล้ว ให้พิมพ์ใหม่ทั้ง 13 หลัก",
                f"the national ID {text} was cut short by Excel (scientific notation); type the 13 digits again",
            ))
        text = re.sub(r"[\s\-.'’]", "", text)
    if len(text) != 13 or not text.isascii() or not text.isdigit():
        raise InputError(Text(f"เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก: {_shown(cell)}",
                              f"a national ID has 13 digits: {_shown(cell)}"))
    if national_id_check_digit(text[:12]) != int(text[12]):
        raise InputError(Text(f"เลขประจำตัวประชาชน {text} หลักสุดท้ายไม่ตรง อาจพิมพ์ผิด",
                              f"the national ID {text} fails its check digit; it is probably mistyped"))
    return text


def parse_phone(cell: Cell) -> str:
    """A phone number, or "" for an empty cell. A number cell lost its leading 0: it is put back."""
    if is_blank(cell):
        return ""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        digits = text_of(cell)
        if digits.isdigit() and len(digits) in (8, 9):
            digits = "0" + digits
        text = digits
    else:
        # "081-234-5678, 089-…" or one per line: the first number is the one to call
        text = re.split(r"[,;/\n]| หรือ ", clean(str(cell)).replace("\n", ","))[0]
        text = re.sub(r"^(?:โทร\.?|tel\.?)\s*", "", text.strip(), flags=re.IGNORECASE)
    try:
        return validate_phone(text)
    except InputError:
        raise InputError(Text(f"เบอร์โทรศัพท์ไม่ถูกต้อง: {_shown(cell)} (ขึ้นต้นด้วย 0 มือถือ 10 หลัก)",
                              f"invalid phone number {_shown(cell)}: 10 digits starting with 0")) from None


# --- places ------------------------------------------------------------------------------------------------

_MOO_TEXT = re.compile(r"(?:หมู่ที่|หมู่|ม\.|ม)\s*([0-9]{1,2})(?![0-9])\s*(.*)")
_MOO_NUMBER = re.compile(r"([0-9]{1,2})(?:\.0+)?(?:\s+(.*))?")


def parse_village(cell: Cell) -> tuple[int | None, str]:
    """(หมู่ที่, village name) of 3, "ม.3", "หมู่ 3", "๓", "หมู่ที่ 3 บ้านหนองบัว" or a bare "บ้านหนองบัว"."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if float(cell).is_integer() and 1 <= cell <= 99:
            return int(cell), ""
        raise InputError(Text(f"หมู่ที่ไม่ถูกต้อง: {_shown(cell)}", f"invalid village number (หมู่ที่): {_shown(cell)}"))
    text = to_arabic_digits(clean(str(cell or "")))
    if not text:
        return None, ""
    m = _MOO_TEXT.fullmatch(text) or _MOO_NUMBER.fullmatch(text)
    if m:
        moo = int(m[1])
        if not 1 <= moo <= 99:
            raise InputError(Text(f"หมู่ที่ไม่ถูกต้อง: {_shown(cell)}", f"invalid village number (หมู่ที่): {_shown(cell)}"))
        return moo, clean(m[2] or "")
    return None, text


# --- names -------------------------------------------------------------------------------------------------


def parse_name(title_cell: Cell, first_cell: Cell, last_cell: Cell = "") -> tuple[str, str, str]:
    """(title, given name, family name): the title in its own column or at the front of the name, and a
    single column holding the whole name ("ชื่อ-สกุล") split at its first space."""
    title = text_of(title_cell)
    first = text_of(first_cell)
    last = text_of(last_cell)
    if not first:
        raise InputError(Text("ไม่มีชื่อ", "the name is missing"))
    if not last:
        return split_name(first, title)
    found_title, given, rest = split_name(first, title)
    return found_title or (parse_title(title) if title else ""), clean(f"{given} {rest}"), last


# The note after a name that tells namesakes apart, as the register export writes it and an officer may:
# "นางสมศรี ใจดี (บ้านเลขที่ 12)", "นางสมศรี ใจดี (บ้านเลขที่ 12 คนที่ 2)".
_NOTE = re.compile(r"^(?P<name>[^()]*?)\s*\((?P<note>[^()]*)\)$")
_HOUSE = re.compile(r"บ้านเลขที่\s*([^\s,]+)")
_NTH = re.compile(r"คนที่\s*([0-9]+)")


def name_note(text: str) -> tuple[str, str, int]:
    """(the name, its house number, which of the namesakes at that house: 0 when not said) of a name written
    with a note. A parenthesis that says neither is left as part of the name, as it always was."""
    text = clean(text)
    m = _NOTE.match(text)
    if m is None:
        return text, "", 0
    note = to_arabic_digits(m["note"])
    house, nth = _HOUSE.search(note), _NTH.search(note)
    if house is None and nth is None:
        return text, "", 0
    rest = _NTH.sub("", _HOUSE.sub("", note)).strip(" ,")
    if rest:
        raise InputError(Text(f"ไม่เข้าใจ \"{rest}\" ในวงเล็บหลังชื่อ {m['name']} (เขียนได้: บ้านเลขที่ … คนที่ …)",
                              f"\"{rest}\" in the note after {m['name']} is not understood "
                              "(it may say บ้านเลขที่ … and คนที่ …)"))
    number = int(nth.group(1)) if nth else 0
    if nth and number < 1:
        raise InputError(Text(f"คนที่ {number} หลังชื่อ {m['name']} ต้องเป็น 1 ขึ้นไป",
                              f"คนที่ {number} after {m['name']} must be 1 or more"))
    return m["name"], house.group(1) if house else "", number


def house_key(house_no: str) -> str:
    """How two house numbers are compared: Arabic digits, no spaces (12/1 and ๑๒/๑ are one house)."""
    return key_of(house_no)


# --- loan terms --------------------------------------------------------------------------------------------

_NO_INTEREST = {"", "-", "0", "ไม่มี", "ไม่คิด", "ไม่คิดดอกเบี้ย", "ไม่มีดอกเบี้ย", "ปลอดดอกเบี้ย"}


def parse_rate(cell: Cell) -> int | None:
    """Interest per year as basis points (2 % = 200); None for an empty cell (the fund's own rate)."""
    if cell is None or (isinstance(cell, str) and not clean(cell)):
        return None
    bad = InputError(Text(f"อัตราดอกเบี้ยไม่ถูกต้อง: {_shown(cell)} เช่น 2 หรือ 2%",
                          f"cannot read the interest rate {_shown(cell)}; write it like 2 or 2%"))
    if isinstance(cell, bool):
        raise bad
    if isinstance(cell, (int, float)):
        if not math.isfinite(cell) or cell < 0:
            raise bad
        percent = Decimal(f"{cell:.8f}")
        if 0 < percent < 1:
            percent *= 100  # a percentage cell: Excel keeps 2 % as 0.02
    else:
        text = to_arabic_digits(clean(cell)).replace(" ", "")
        text = re.sub(r"^(?:ร้อยละ|อัตรา)", "", text)
        text = re.sub(r"(?:%|ต่อปี|/ปี|ร้อยละ)+$", "", text)
        text = text.removesuffix("%")
        if text in _NO_INTEREST or clean(cell) in _NO_INTEREST:
            return 0
        try:
            percent = Decimal(text)
        except InvalidOperation:
            raise bad from None
        if not percent.is_finite() or percent < 0:
            raise bad
    basis_points = percent * 100
    if basis_points != basis_points.to_integral_value():
        basis_points = basis_points.quantize(Decimal("1.000000"))
        if basis_points != basis_points.to_integral_value():
            raise InputError(Text(f"อัตราดอกเบี้ยละเอียดเกิน 2 ตำแหน่งทศนิยม: {_shown(cell)}",
                                  f"the interest rate {_shown(cell)} has more than two decimals"))
    if basis_points > limits.MAX_RATE_BP:
        raise InputError(Text(f"อัตราดอกเบี้ยต้องไม่เกิน 100% ต่อปี: {_shown(cell)}",
                              f"the interest rate cannot be over 100 % a year: {_shown(cell)}"))
    return int(basis_points)


def parse_instalments(cell: Cell) -> int | None:
    """The number of instalments; None for an empty cell (the fund's default)."""
    if is_blank(cell):
        return None
    bad = InputError(Text(f"จำนวนงวดไม่ถูกต้อง: {_shown(cell)}", f"cannot read the number of instalments {_shown(cell)}"))
    if isinstance(cell, bool):
        raise bad
    if isinstance(cell, (int, float)):
        if not float(cell).is_integer():
            raise bad
        count = int(cell)
    else:
        m = re.fullmatch(r"([0-9]+)\s*(?:งวด)?", to_arabic_digits(clean(cell)))
        if not m:
            raise bad
        count = int(m[1])
    return limits.check_instalments(count)


def _frequency_table() -> dict[str, Frequency]:
    table: dict[str, Frequency] = {}
    for code, words in FREQUENCY_WORDS.items():
        for word in (code, *words):
            key = header_key(word)
            frequency = Frequency(code)
            table[key] = frequency
            table[key.removeprefix("ทุก").removeprefix("ราย")] = frequency
            table["ทุก" + key.removeprefix("ทุก")] = frequency
            table["ราย" + key.removeprefix("ราย")] = frequency
    return table


_FREQUENCIES = _frequency_table()
_MONTHS_TO_FREQUENCY = {months: frequency for frequency, months in FREQUENCY_MONTHS.items()}


def parse_frequency(cell: Cell) -> Frequency | None:
    """monthly, quarterly, half-yearly or yearly from "เดือน", "ราย 3 เดือน", "6 เดือน", 12 …; None if empty."""
    if is_blank(cell):
        return None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool) and float(cell) in _MONTHS_TO_FREQUENCY:
        return _MONTHS_TO_FREQUENCY[int(cell)]
    key = header_key(text_of(cell))
    found = _FREQUENCIES.get(key) or _FREQUENCIES.get(key.removeprefix("ทุก").removeprefix("ราย"))
    if found is None:
        raise InputError(Text(
            f"อ่านระยะการชำระไม่ได้: {_shown(cell)} ใช้ เดือน, 3 เดือน, 6 เดือน หรือ ปี",
            f"cannot read how often it is paid: {_shown(cell)}; use เดือน, 3 เดือน, 6 เดือน or ปี",
        ))
    return found
