"""How much a person may enter: the bounds every service checks before it writes anything.

The services check here, so the app, the command line and the importer refuse the same values with the
same sentence, and nothing out of bounds reaches the database (an amount past 64-bit satang, a date whose
schedule runs past the year 9999, a note of a hundred thousand characters). Why these numbers:

- Amounts (a principal, a payment, a plan's budget): at most 10,000,000 baht. Community funds lend a few
  thousand to a few hundred thousand baht a loan (DOMAIN.md: twenty women's-fund projects of a subdistrict
  came to 1.9 million together), so a bigger figure is digits typed twice, not a loan. A fund may set a
  smaller maximum loan of its own (วงเงินกู้สูงสุดต่อสัญญา, `check_fund_limit`), within this one.
- Instalments 1–360: thirty years paid monthly, longer than any fund lends.
- Interest 0–100 % a year, flat: the funds lend at 0–6 %; more is a misplaced decimal point.
- Days overdue in a fund's rules (the ask ladder, the demand letters): at most 3,650, ten years; the ladder
  the funds follow ends at 90.
- Days typed: Buddhist Era 2500–2600 (1957–2057). กข.คจ. lends since 2536 (1993); a day outside is a year
  misread (Christian Era taken for Buddhist or the reverse, two digits for four), not history or plans.
  Due dates are computed from them and may run later.
- Text: a name 100 characters (the longest Thai names and group names are far shorter), a line (a house
  number, an agreement or receipt number, a place, a purpose, a reason, who helps) 300, a note or a list of
  people 2,000 (a page), the account of a visit, a meeting or a plan's part 10,000 (a few pages).
"""

from __future__ import annotations

from datetime import date

from fieldtool.text import Text
from fieldtool.thai import BE_OFFSET, InputError, format_baht, format_date

MAX_AMOUNT_SATANG = 10_000_000 * 100
MIN_INSTALMENTS, MAX_INSTALMENTS = 1, 360
MAX_RATE_BP = 10_000  # 100 % a year
MAX_DAYS_OVERDUE = 3_650
EARLIEST_BE, LATEST_BE = 2500, 2600
EARLIEST_DAY = date(EARLIEST_BE - BE_OFFSET, 1, 1)
LATEST_DAY = date(LATEST_BE - BE_OFFSET, 12, 31)

NAME = 100
LINE = 300
NOTE = 2_000
ACCOUNT = 10_000


def check_amount(satang: int, what: Text, most: int = MAX_AMOUNT_SATANG) -> int:
    """`satang` if it is at most `most` (the absolute limit unless a smaller one applies)."""
    if satang > most:
        raise InputError(Text(f"{what.th}ต้องไม่เกิน {format_baht(most)} บาท: {format_baht(satang)}",
                              f"{what.en} cannot be more than {format_baht(most)} baht: {format_baht(satang)}"))
    return satang


def check_fund_limit(satang: int, fund_name: str, most: int | None) -> int:
    """A new loan's principal within its fund's maximum loan (`most`; None: the fund sets none). The sentence
    names the fund and its limit, so the officer knows which rule refused it."""
    if most is not None and satang > most:
        raise InputError(Text(
            f"เงินต้น {format_baht(satang)} บาท เกินวงเงินกู้สูงสุดต่อสัญญาของ{fund_name} {format_baht(most)} บาท",
            f"the principal of {format_baht(satang)} baht is more than {fund_name}'s maximum loan of "
            f"{format_baht(most)} baht",
        ))
    return satang


def check_instalments(n: int) -> int:
    if not MIN_INSTALMENTS <= n <= MAX_INSTALMENTS:
        raise InputError(Text(f"จำนวนงวดต้องอยู่ระหว่าง {MIN_INSTALMENTS} ถึง {MAX_INSTALMENTS}: {n}",
                              f"the number of instalments must be from {MIN_INSTALMENTS} to {MAX_INSTALMENTS}: {n}"))
    return n


def check_rate(rate_bp: int) -> int:
    if not 0 <= rate_bp <= MAX_RATE_BP:
        raise InputError(Text("อัตราดอกเบี้ยต้องอยู่ระหว่าง 0 ถึง 100 ต่อปี",
                              "the interest rate must be between 0 and 100 per cent a year"))
    return rate_bp


def check_day(d: date, what: Text) -> date:
    if not EARLIEST_DAY <= d <= LATEST_DAY:
        raise InputError(Text(
            f"{what.th} {format_date(d)} อยู่นอกช่วงปี พ.ศ. {EARLIEST_BE}–{LATEST_BE}",
            f"{what.en} {d.isoformat()} is outside the years {EARLIEST_BE}–{LATEST_BE} BE "
            f"({EARLIEST_DAY.year}–{LATEST_DAY.year})",
        ))
    return d


def check_day_or_none(d: date | None, what: Text) -> date | None:
    return None if d is None else check_day(d, what)


def check_text(text: str, what: Text, most: int) -> str:
    """`text` if it has at most `most` characters."""
    if len(text or "") > most:
        raise InputError(Text(f"{what.th}ยาวเกิน {most:,} ตัวอักษร ({len(text):,} ตัวอักษร)",
                              f"{what.en} is longer than {most:,} characters ({len(text):,})"))
    return text
