"""Thai text at the program's edges: BE dates, times in Thailand's time, baht and amounts in words, IDs,
phones, sorting, search. Inside, money is integer satang, dates are Gregorian datetime.date and times are
UTC; only this module reads and writes text.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fieldtool.text import Text

BE_OFFSET = 543
# A BE year below this is almost surely a CE year typed by mistake (2400 BE = 1857 CE).
MIN_BE_YEAR = 2400

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")

MONTHS_SHORT = tuple("ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split())
MONTHS_LONG = tuple(
    "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม".split()
)
# A fixed table rather than strftime("%b"), which follows the OS locale.
MONTHS_EN = tuple("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())


class InputError(ValueError):
    """Bad user input, as one sentence fit to show the user: a `Text`, kept as `.text`, so a screen shows it
    in its language and the command line prints str() – "Thai (English)" – without parsing anything."""

    def __init__(self, message: Text):
        self.text = message
        super().__init__(str(message))


DATABASE_BUSY = Text("ฐานข้อมูลกำลังถูกใช้งานโดยอีกโปรแกรมหนึ่ง กรุณารอสักครู่แล้วลองใหม่",
                     "the database is busy with another program; wait a moment and try again")


def busy_error(exc: BaseException) -> InputError | None:
    """SQLite's "database is locked" (another program kept the write lock past the busy timeout: two imports
    at once) as the sentence a person can act on; None for any other error. SQLAlchemy wraps the driver's
    error in `.orig`."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.OperationalError) and ("locked" in str(orig) or "busy" in str(orig)):
        return InputError(DATABASE_BUSY)
    return None


def to_thai_digits(s: str) -> str:
    return s.translate(_TO_THAI)


def to_arabic_digits(s: str) -> str:
    return s.translate(_TO_ARABIC)


# --- dates -------------------------------------------------------------------------------------------

# [0-9], not \d: \d would also match Thai and other Unicode digits that int() then reads silently.
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DMY_RE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]+)")


def parse_date(text: str) -> date:
    """Read "2026-11-22" (ISO, CE) or "22/11/2569" (d/m/yyyy in BE; "/", "-" or "."; Thai or Arabic digits)."""
    raw = (text or "").strip()
    if not raw:
        raise InputError(Text("กรุณากรอกวันที่", "date is required"))
    s = to_arabic_digits(raw)
    if m := _ISO_RE.fullmatch(s):
        year, month, day = (int(g) for g in m.groups())
        if year >= MIN_BE_YEAR:
            # ISO is CE by definition; a BE year here would put the date 543 years in the future.
            raise InputError(Text(f'วันที่แบบ ปปปป-ดด-วว ต้องใช้ปี ค.ศ.: "{raw}"',
                                  "ISO dates use the Christian Era year, e.g. 2026-11-22"))
    elif m := _DMY_RE.fullmatch(s):
        day, month, be_year = int(m[1]), int(m[3]), int(m[4])
        if be_year < MIN_BE_YEAR or len(m[4]) != 4:
            raise InputError(Text(f'ปีต้องเป็น พ.ศ. 4 หลัก: "{raw}"',
                                  "the year must be a 4-digit Buddhist Era year, e.g. 22/11/2569"))
        year = be_year - BE_OFFSET
    else:
        raise InputError(Text(f'รูปแบบวันที่ไม่ถูกต้อง: "{raw}" ให้ใช้ วัน/เดือน/ปี พ.ศ. เช่น 22/11/2569',
                              "unrecognised date; use d/m/yyyy in the Buddhist Era, e.g. 22/11/2569"))
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(Text(f'วันที่ไม่ถูกต้อง: "{raw}"', "invalid date: no such day in the calendar")) from None


def format_date(d: date, style: str = "short", thai_digits: bool = False) -> str:
    """Buddhist Era: "short" 22 พ.ย. 2569, "long" 22 พฤศจิกายน 2569, "numeric" 22/11/2569."""
    be_year = d.year + BE_OFFSET
    if style == "short":
        text = f"{d.day} {MONTHS_SHORT[d.month - 1]} {be_year}"
    elif style == "long":
        text = f"{d.day} {MONTHS_LONG[d.month - 1]} {be_year}"
    elif style == "numeric":
        # Zero-padded so the dates line up in table columns; parse_date reads both forms.
        text = f"{d.day:02d}/{d.month:02d}/{be_year}"
    else:
        raise ValueError(f"unknown date style: {style!r}")
    return to_thai_digits(text) if thai_digits else text


def format_date_en(d: date) -> str:
    """English UI: "22 Nov 2026" (CE)."""
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


# --- times ---------------------------------------------------------------------------------------------


def _thailand() -> tzinfo:
    # Windows has no tz database unless the tzdata package is installed; Thailand keeps +07:00 all year
    # (no daylight saving), so the fixed offset is the same zone.
    try:
        return ZoneInfo("Asia/Bangkok")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=7), "ICT")


LOCAL_ZONE = _thailand()
ZONE_TH = "เวลาประเทศไทย"
ZONE_EN = "ICT"


def today_in_thailand(now: datetime | None = None) -> date:
    """Today's date in Thailand, whatever zone the computer is set to (a laptop left on UTC turns the day at
    07:00): every "today" the program starts from – the working date, the command line's default day, the
    day's backup – is this one. `now` (aware, or naive UTC) is for tests."""
    return local_time(now or datetime.now(UTC)).date()


def local_time(at: datetime) -> datetime:
    """A stored time (UTC; SQLite gives it back without a zone) in Thailand's time, whatever the computer's."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(LOCAL_ZONE)


def format_time(at: datetime, lang: str = "th", zone: bool = False) -> str:
    """A stored time as people read it, in Thailand's time: "2 ธ.ค. 2569 14:05 น." or "2 Dec 2026 14:05";
    with `zone`, where a reader elsewhere could take it for another zone (the command line, a printed
    report): "2 ธ.ค. 2569 14:05 น. (เวลาประเทศไทย)" or "2 Dec 2026 14:05 ICT"."""
    local = local_time(at)
    if lang == "en":
        return f"{format_date_en(local.date())} {local:%H:%M}" + (f" {ZONE_EN}" if zone else "")
    return f"{format_date(local.date())} {local:%H:%M} น." + (f" ({ZONE_TH})" if zone else "")


def iso_time(at: datetime) -> str:
    """A stored time for JSON: ISO 8601 in Thailand's time with its offset, to the microsecond so that two
    changes of one second still sort apart ("2026-12-02T06:30:00.000000+07:00")."""
    return local_time(at).isoformat(timespec="microseconds")


def fiscal_year(d: date) -> int:
    """Thai government fiscal year in BE; it starts on 1 October (FY 2570 = 1 Oct 2026 – 30 Sep 2027)."""
    return d.year + BE_OFFSET + (1 if d.month >= 10 else 0)


def parse_fiscal_year(text: str) -> int:
    """A fiscal year as typed: four digits of the Buddhist Era, Thai or Arabic ("2570", "๒๕๗๐")."""
    digits = to_arabic_digits(text.strip())
    if not (digits.isascii() and digits.isdigit() and len(digits) == 4 and int(digits) >= 2400):
        raise InputError(Text(f"ปีงบประมาณต้องเป็น พ.ศ. 4 หลัก: {text}",
                              "the fiscal year is a 4-digit Buddhist Era year, e.g. 2570"))
    return int(digits)


def fiscal_quarter(d: date) -> tuple[int, int]:
    """(BE fiscal year, quarter 1..4); Q1 is October–December."""
    return fiscal_year(d), ((d.month - 10) % 12) // 3 + 1


# --- money -------------------------------------------------------------------------------------------

# Either plain digits or correctly grouped thousands; "1,00" is rejected as it may mean 1.00 to someone.
_BAHT_RE = re.compile(r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.([0-9]+))?")


def parse_baht(text: str) -> int:
    """Read an amount in baht ("1,000.50", "๑๐๐๐.๕") and return satang. Zero is allowed; callers decide."""
    raw = (text or "").strip()
    s = to_arabic_digits(raw)
    # Accept what format_baht(symbol=True) writes, and the ฿ sign, so output can be pasted back.
    s = s.removeprefix("฿").removesuffix("บาท").strip()
    if not s:
        raise InputError(Text("กรุณากรอกจำนวนเงิน", "amount is required"))
    if s.startswith("-"):
        raise InputError(Text(f'จำนวนเงินต้องไม่ติดลบ: "{raw}"', "amount must not be negative"))
    m = _BAHT_RE.fullmatch(s)
    if not m:
        raise InputError(Text(f'จำนวนเงินไม่ถูกต้อง: "{raw}" เช่น 1,000.50', "invalid amount, e.g. 1,000.50"))
    if m[1] is not None and len(m[1]) > 2:
        raise InputError(Text(f'จำนวนเงินมีทศนิยมเกิน 2 ตำแหน่ง: "{raw}"', "amount has more than 2 decimal places"))
    # Decimal keeps it exact; the regex has already ruled out NaN, inf and exponents.
    return int(Decimal(s.replace(",", "")) * 100)


def _check_satang(satang: int) -> None:
    # A float here means a bug upstream; fail loudly rather than print a rounded amount.
    if not isinstance(satang, int) or isinstance(satang, bool):
        raise TypeError(f"satang must be an int, not {type(satang).__name__}")


def format_baht(satang: int, thai_digits: bool = False, symbol: bool = False) -> str:
    """Thousands separators and always two decimals: 1,234,567.89; negative as -1,000.00."""
    _check_satang(satang)
    baht, st = divmod(abs(satang), 100)
    text = f"{'-' if satang < 0 else ''}{baht:,}.{st:02d}"
    if symbol:
        text += " บาท"
    return to_thai_digits(text) if thai_digits else text


def satang_to_str(satang: int) -> str:
    """Plain "1234567.89" with no separators, for JSON and CSV."""
    _check_satang(satang)
    baht, st = divmod(abs(satang), 100)
    return f"{'-' if satang < 0 else ''}{baht}.{st:02d}"


def baht_in_words(satang: int) -> str:
    """Amount in words as on official documents, by the Royal Institute's rule: 1250000 →
    "หนึ่งหมื่นสองพันห้าร้อยบาทถ้วน"; a final ๑ after a higher digit is เอ็ด (๑๐๑ หนึ่งร้อยเอ็ด,
    ๑,๐๐๑ หนึ่งพันเอ็ด, ๕๐๑,๐๐๐,๐๐๐ ห้าร้อยเอ็ดล้าน); 0.50 is ห้าสิบสตางค์; ถ้วน only after whole baht.

    The numbers are PyThaiNLP's num_to_thaiword, exact on integers. Not its bahttext: that takes a
    float (inexact past 15 digits) and writes "ศูนย์บาทห้าสิบสตางค์" for 0.50.
    """
    # PyThaiNLP loads its whole toolbox (a tenth of a second of every command): only where words are wanted.
    from pythainlp.util import num_to_thaiword

    _check_satang(satang)
    if satang < 0:
        raise ValueError("amounts in words are for non-negative amounts")
    if satang == 0:
        return "ศูนย์บาทถ้วน"
    baht, st = divmod(satang, 100)
    text = num_to_thaiword(baht) + "บาท" if baht else ""
    return text + (num_to_thaiword(st) + "สตางค์" if st else "ถ้วน")


# --- identifiers ---------------------------------------------------------------------------------------

_SEPARATORS_RE = re.compile(r"[\s\-]+")


def national_id_check_digit(first12: str) -> int:
    """Check digit of a Thai national ID from its first 12 digits (mod 11)."""
    digits = to_arabic_digits(first12)
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"need exactly 12 digits, got {first12!r}")
    total = sum(int(c) * (13 - i) for i, c in enumerate(digits))
    return (11 - total % 11) % 10


def validate_national_id(text: str) -> str:
    """Return the 13-digit ID from "1-2345-67890-12-1", "๑๒๓๔…" and the like, or raise InputError."""
    raw = (text or "").strip()
    s = _SEPARATORS_RE.sub("", to_arabic_digits(raw))
    if len(s) != 13 or not s.isascii() or not s.isdigit():
        raise InputError(Text(f'เลขประจำตัวประชาชนไม่ถูกต้อง: "{raw}" ต้องเป็นตัวเลข 13 หลัก',
                              "invalid national ID: must be 13 digits"))
    if national_id_check_digit(s[:12]) != int(s[12]):
        raise InputError(Text(f'เลขประจำตัวประชาชนไม่ถูกต้อง: "{raw}" เลขหลักสุดท้ายไม่ตรง',
                              "invalid national ID: the check digit does not match, please check for a typo"))
    return s


def validate_phone(text: str) -> str:
    """Return the digits of a Thai mobile (10 digits) or landline (9 digits) number starting with 0."""
    raw = (text or "").strip()
    s = _SEPARATORS_RE.sub("", to_arabic_digits(raw))
    if s.startswith("+66"):
        # International form of the same number: +66 81 234 5678 = 081 234 5678.
        s = "0" + s[3:]
    if not (s.isascii() and s.isdigit() and s.startswith("0") and len(s) in (9, 10)):
        raise InputError(Text(f'เบอร์โทรศัพท์ไม่ถูกต้อง: "{raw}" ต้องขึ้นต้นด้วย 0 มือถือ 10 หลัก โทรศัพท์บ้าน 9 หลัก',
                              "invalid phone number: it must start with 0 and have 10 digits, or 9 for a landline"))
    return s


# --- sorting and search --------------------------------------------------------------------------------

# Tone marks, mai taikhu and thanthakhat: the dictionary compares them only when the letters are equal.
_TONE_RE = re.compile("[\u0e47-\u0e4c]")
# A leading vowel (เ แ โ ใ ไ) is written before its consonant but sorted after it.
_LEAD_VOWEL_RE = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")


def thai_sort_key(s: str) -> tuple[str, str, str]:
    """Key for sorted(): Thai dictionary order, so "ไก่" sorts between "กา" and "ขวด".

    Same rules as pythainlp.util.collate, but the tone marks form a true secondary key (collate appends
    them to the letters, putting "กาก" before "ก่า"); the text itself breaks the remaining ties.
    """
    letters = _LEAD_VOWEL_RE.sub(r"\2\1", _TONE_RE.sub("", s)).casefold()
    return letters, "".join(_TONE_RE.findall(s)), s


# ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen: pythainlp's normalize removes only the first two.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WHITESPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def normalize_search(s: str) -> str:
    """Canonical form for matching: Thai mark order and duplicates fixed, invisibles gone, Latin
    casefolded, whitespace collapsed, Thai digits made Arabic. Cached: search calls it per row per key."""
    from pythainlp.util import normalize as thai_normalize  # loaded by the first search, not by every command

    s = _INVISIBLE_RE.sub("", s)
    s = _WHITESPACE_RE.sub(" ", s).strip()
    return to_arabic_digits(thai_normalize(s)).casefold()


def matches(query: str, text: str) -> bool:
    """True when the query occurs anywhere in the text, inside Thai words too; an empty query matches all."""
    return normalize_search(query or "") in normalize_search(text or "")
