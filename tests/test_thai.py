"""Tests for fieldtool.thai: the Thai formats read and written at the program's edges."""

from datetime import date

import pytest
from pythainlp.util import collate

from fieldtool.thai import (
    THAI_DIGITS,
    InputError,
    baht_in_words,
    fiscal_quarter,
    fiscal_year,
    format_baht,
    format_date,
    format_date_en,
    matches,
    national_id_check_digit,
    normalize_search,
    parse_baht,
    parse_date,
    satang_to_str,
    thai_sort_key,
    to_arabic_digits,
    to_thai_digits,
    validate_national_id,
    validate_phone,
)

# --- digits ------------------------------------------------------------------------------------------


def test_thai_digits_round_trip():
    assert to_thai_digits("0123456789") == THAI_DIGITS
    assert to_arabic_digits(THAI_DIGITS) == "0123456789"
    text = "หมู่ที่ 7 ยอด 1,250.00 บาท"
    assert to_thai_digits(text) == "หมู่ที่ ๗ ยอด ๑,๒๕๐.๐๐ บาท"
    assert to_arabic_digits(to_thai_digits(text)) == text


def test_input_error_is_value_error():
    assert issubclass(InputError, ValueError)


# --- dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-22",
        "22/11/2569",
        "๒๒/๑๑/๒๕๖๙",
        "22-11-2569",
        "22.11.2569",
        "  22/11/2569\n",
        "๒๒/11/๒๕๖๙",
    ],
)
def test_parse_date_forms(text):
    assert parse_date(text) == date(2026, 11, 22)


def test_parse_date_single_digit_and_padded():
    assert parse_date("1/2/2569") == date(2026, 2, 1)
    assert parse_date("01/02/2569") == date(2026, 2, 1)
    assert parse_date("2026-2-1") == date(2026, 2, 1)


def test_parse_date_month_ends_and_leap_years():
    assert parse_date("31/01/2569") == date(2026, 1, 31)
    assert parse_date("30/04/2569") == date(2026, 4, 30)
    assert parse_date("31/12/2569") == date(2026, 12, 31)
    assert parse_date("29/02/2567") == date(2024, 2, 29)
    assert parse_date("28/02/2569") == date(2026, 2, 28)
    for text in ("29/02/2569", "31/04/2569", "31/02/2569", "32/01/2569", "0/01/2569", "2026-13-01"):
        with pytest.raises(InputError, match="วันที่ไม่ถูกต้อง"):
            parse_date(text)


def test_parse_date_error_quotes_input():
    with pytest.raises(InputError) as err:
        parse_date("31/02/2569")
    assert str(err.value).startswith('วันที่ไม่ถูกต้อง: "31/02/2569"')
    assert "(invalid date" in str(err.value)


def test_parse_date_wants_buddhist_era():
    for text in ("22/11/2026", "22/11/69", "22/11/0"):
        with pytest.raises(InputError, match="Buddhist Era"):
            parse_date(text)


def test_parse_date_iso_is_christian_era():
    with pytest.raises(InputError, match="Christian Era"):
        parse_date("2569-11-22")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_parse_date_empty(text):
    with pytest.raises(InputError, match="required"):
        parse_date(text)


@pytest.mark.parametrize(
    "text", ["พรุ่งนี้", "22 พ.ย. 2569", "22/11-2569", "22/11/2569/1", "2026/11/22x", "٢٢/١١/٢٥٦٩"]
)
def test_parse_date_garbage(text):
    with pytest.raises(InputError) as err:
        parse_date(text)
    assert f'"{text}"' in str(err.value)


def test_format_date_styles():
    d = date(2026, 11, 22)
    assert format_date(d) == "22 พ.ย. 2569"
    assert format_date(d, "short") == "22 พ.ย. 2569"
    assert format_date(d, "long") == "22 พฤศจิกายน 2569"
    assert format_date(d, "numeric") == "22/11/2569"
    assert format_date(d, thai_digits=True) == "๒๒ พ.ย. ๒๕๖๙"
    assert format_date(d, "long", thai_digits=True) == "๒๒ พฤศจิกายน ๒๕๖๙"
    assert format_date(d, "numeric", thai_digits=True) == "๒๒/๑๑/๒๕๖๙"


def test_format_date_every_month():
    short = "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split()
    for month, abbr in enumerate(short, start=1):
        assert format_date(date(2024, month, 1)) == f"1 {abbr} 2567"
    assert format_date(date(2024, 2, 29), "long") == "29 กุมภาพันธ์ 2567"
    assert format_date(date(2024, 1, 5), "numeric") == "05/01/2567"


def test_format_date_unknown_style():
    with pytest.raises(ValueError):
        format_date(date(2026, 1, 1), "fancy")


def test_format_then_parse_round_trip():
    for d in (date(2024, 2, 29), date(2026, 1, 1), date(2026, 12, 31), date(1990, 7, 4)):
        for thai_digits in (False, True):
            assert parse_date(format_date(d, "numeric", thai_digits=thai_digits)) == d


def test_format_date_en():
    assert format_date_en(date(2026, 11, 22)) == "22 Nov 2026"
    assert format_date_en(date(2024, 2, 1)) == "1 Feb 2024"


@pytest.mark.parametrize(
    ("d", "fy", "quarter"),
    [
        (date(2026, 9, 30), 2569, 4),
        (date(2026, 10, 1), 2570, 1),
        (date(2026, 12, 31), 2570, 1),
        (date(2027, 1, 1), 2570, 2),
        (date(2027, 3, 31), 2570, 2),
        (date(2027, 4, 1), 2570, 3),
        (date(2027, 6, 30), 2570, 3),
        (date(2027, 7, 1), 2570, 4),
        (date(2027, 9, 30), 2570, 4),
    ],
)
def test_fiscal_year_and_quarter(d, fy, quarter):
    assert fiscal_year(d) == fy
    assert fiscal_quarter(d) == (fy, quarter)


# --- money -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "satang"),
    [
        ("1000", 100000),
        ("1,000.50", 100050),
        ("1000.5", 100050),
        ("๑,๐๐๐.๕๐", 100050),
        ("  250.00  ", 25000),
        ("0", 0),
        ("0.01", 1),
        ("1,234,567.89", 123456789),
        ("1,000.50 บาท", 100050),
        ("฿1,000", 100000),
        # Beyond float's 15-16 significant digits: must still be exact.
        ("12345678901234567.89", 1234567890123456789),
    ],
)
def test_parse_baht(text, satang):
    assert parse_baht(text) == satang


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "required"),
        ("   ", "required"),
        ("-100", "negative"),
        ("1.005", "2 decimal"),
        ("abc", "invalid amount"),
        ("NaN", "invalid amount"),
        ("inf", "invalid amount"),
        ("1e5", "invalid amount"),
        ("1,00", "invalid amount"),
        ("10,00.00", "invalid amount"),
        ("1 000", "invalid amount"),
        ("1.", "invalid amount"),
        ("1.2.3", "invalid amount"),
    ],
)
def test_parse_baht_rejects(text, reason):
    with pytest.raises(InputError, match=reason):
        parse_baht(text)


def test_format_baht():
    assert format_baht(123456789) == "1,234,567.89"
    assert format_baht(0) == "0.00"
    assert format_baht(5) == "0.05"
    assert format_baht(100000) == "1,000.00"
    assert format_baht(-100000) == "-1,000.00"
    assert format_baht(-5) == "-0.05"
    assert format_baht(100050, symbol=True) == "1,000.50 บาท"
    assert format_baht(100050, thai_digits=True) == "๑,๐๐๐.๕๐"
    assert format_baht(100050, thai_digits=True, symbol=True) == "๑,๐๐๐.๕๐ บาท"


def test_format_baht_rejects_float():
    with pytest.raises(TypeError):
        format_baht(1000.5)


def test_baht_round_trip():
    for satang in (0, 1, 99, 100, 100050, 123456789, 10**15 + 7):
        assert parse_baht(format_baht(satang)) == satang
        assert parse_baht(format_baht(satang, thai_digits=True, symbol=True)) == satang
        assert parse_baht(satang_to_str(satang)) == satang


def test_satang_to_str():
    assert satang_to_str(123456789) == "1234567.89"
    assert satang_to_str(0) == "0.00"
    assert satang_to_str(7) == "0.07"
    assert satang_to_str(-100000) == "-1000.00"


@pytest.mark.parametrize(
    ("satang", "words"),
    [
        (0, "ศูนย์บาทถ้วน"),
        (1, "หนึ่งสตางค์"),
        (50, "ห้าสิบสตางค์"),
        (100, "หนึ่งบาทถ้วน"),
        (1000, "สิบบาทถ้วน"),
        (1100, "สิบเอ็ดบาทถ้วน"),
        (2000, "ยี่สิบบาทถ้วน"),
        (2100, "ยี่สิบเอ็ดบาทถ้วน"),
        (11100, "หนึ่งร้อยสิบเอ็ดบาทถ้วน"),
        (100000, "หนึ่งพันบาทถ้วน"),
        (100121, "หนึ่งพันเอ็ดบาทยี่สิบเอ็ดสตางค์"),
        (333333, "สามพันสามร้อยสามสิบสามบาทสามสิบสามสตางค์"),
        (1250000, "หนึ่งหมื่นสองพันห้าร้อยบาทถ้วน"),
        (193442200, "หนึ่งล้านเก้าแสนสามหมื่นสี่พันสี่ร้อยยี่สิบสองบาทถ้วน"),
        (100_000_000, "หนึ่งล้านบาทถ้วน"),
        (100_000_100, "หนึ่งล้านเอ็ดบาทถ้วน"),
        (1_100_000_000, "สิบเอ็ดล้านบาทถ้วน"),
        (2_100_000_000, "ยี่สิบเอ็ดล้านบาทถ้วน"),
        (2_395_156_500, "ยี่สิบสามล้านเก้าแสนห้าหมื่นหนึ่งพันห้าร้อยหกสิบห้าบาทถ้วน"),
        (100_000_000_000, "หนึ่งพันล้านบาทถ้วน"),
        (100_000_000_000_000, "หนึ่งล้านล้านบาทถ้วน"),
        (100_000_099, "หนึ่งล้านบาทเก้าสิบเก้าสตางค์"),
    ],
)
def test_baht_in_words(satang, words):
    assert baht_in_words(satang) == words


# The Royal Institute's forms: a final ๑ after a higher digit is เอ็ด, in the millions too; satang alone
# have no ศูนย์บาท before them; ถ้วน only after whole baht.
@pytest.mark.parametrize(
    ("baht", "words"),
    [
        ("1", "หนึ่งบาทถ้วน"),
        ("11", "สิบเอ็ดบาทถ้วน"),
        ("21", "ยี่สิบเอ็ดบาทถ้วน"),
        ("101", "หนึ่งร้อยเอ็ดบาทถ้วน"),
        ("1,001", "หนึ่งพันเอ็ดบาทถ้วน"),
        ("2,501", "สองพันห้าร้อยเอ็ดบาทถ้วน"),
        ("10,000", "หนึ่งหมื่นบาทถ้วน"),
        ("12,000,001", "สิบสองล้านเอ็ดบาทถ้วน"),
        ("501,000,000", "ห้าร้อยเอ็ดล้านบาทถ้วน"),
        ("501,741,221", "ห้าร้อยเอ็ดล้านเจ็ดแสนสี่หมื่นหนึ่งพันสองร้อยยี่สิบเอ็ดบาทถ้วน"),
        ("0.50", "ห้าสิบสตางค์"),
        ("0.01", "หนึ่งสตางค์"),
        ("100.25", "หนึ่งร้อยบาทยี่สิบห้าสตางค์"),
        ("101.21", "หนึ่งร้อยเอ็ดบาทยี่สิบเอ็ดสตางค์"),
        ("1,000,000.01", "หนึ่งล้านบาทหนึ่งสตางค์"),
        ("12345678901234567.89",
         "หนึ่งหมื่นสองพันสามร้อยสี่สิบห้าล้านหกแสนเจ็ดหมื่นแปดพันเก้าร้อยเอ็ดล้านสองแสนสามหมื่นสี่พันห้าร้อย"
         "หกสิบเจ็ดบาทแปดสิบเก้าสตางค์"),
    ],
)
def test_amounts_in_words_follow_the_royal_institute(baht, words):
    assert baht_in_words(parse_baht(baht)) == words


def test_baht_in_words_rejects_negative_and_float():
    with pytest.raises(ValueError):
        baht_in_words(-100)
    with pytest.raises(TypeError):
        baht_in_words(100.0)


# --- identifiers -------------------------------------------------------------------------------------

VALID_ID = "1101700203450"  # weighted sum 144; 144 % 11 = 1; (11 - 1) % 10 = 0


def test_national_id_check_digit():
    assert national_id_check_digit(VALID_ID[:12]) == 0
    # 11 - sum % 11 == 10 or 11 wraps to 0 or 1 with the final % 10.
    assert national_id_check_digit("000000000000") == 1
    assert national_id_check_digit("๑๑๐๑๗๐๐๒๐๓๔๕") == 0
    for bad in ("12345", "1101700203451", "11017002034x"):
        with pytest.raises(ValueError):
            national_id_check_digit(bad)


@pytest.mark.parametrize(
    "text",
    [VALID_ID, "1-1017-00203-45-0", "1 1017 00203 45 0", " ๑๑๐๑๗๐๐๒๐๓๔๕๐ ", "1-1017-๐๐๒๐๓-45-0"],
)
def test_validate_national_id_accepts(text):
    assert validate_national_id(text) == VALID_ID


@pytest.mark.parametrize("text", ["1101700203451", "110170020345", "11017002034512", "", "abcdefghijklm"])
def test_validate_national_id_rejects(text):
    with pytest.raises(InputError, match=r"^เลขประจำตัวประชาชนไม่ถูกต้อง.*\(invalid national ID"):
        validate_national_id(text)


def test_generated_ids_validate():
    for first12 in ("310040012345", "570990000001", "000000000000", "999999999999"):
        full = first12 + str(national_id_check_digit(first12))
        assert validate_national_id(full) == full


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("0812345678", "0812345678"),
        ("081-234-5678", "0812345678"),
        ("081 234 5678", "0812345678"),
        ("๐๘๑๒๓๔๕๖๗๘", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("045-441-234", "045441234"),
    ],
)
def test_validate_phone_accepts(text, digits):
    assert validate_phone(text) == digits


@pytest.mark.parametrize("text", ["", "812345678", "1812345678", "08123456789", "08123", "081-234-567a"])
def test_validate_phone_rejects(text):
    with pytest.raises(InputError, match="invalid phone number"):
        validate_phone(text)


# --- sorting and search ------------------------------------------------------------------------------


def test_sort_leading_vowels_do_not_sort_first():
    assert sorted(["ขวด", "ไก่", "กา"], key=thai_sort_key) == ["กา", "ไก่", "ขวด"]


def test_sort_given_names():
    # Given names from a register ("นางสาวใจดี", "นายเอกชัย" ...): sort on the given name, not the title.
    names = ["สมศรี", "แสงเดือน", "ใจดี", "โสภา", "เอกชัย", "กมล", "ขจร", "บุญมี", "ไพรวัลย์", "อำไพ", "ประเสริฐ"]
    expected = ["กมล", "ขจร", "ใจดี", "บุญมี", "ประเสริฐ", "ไพรวัลย์", "สมศรี", "แสงเดือน", "โสภา", "อำไพ", "เอกชัย"]
    assert sorted(names, key=thai_sort_key) == expected
    assert collate(names) == expected


def test_sort_agrees_with_pythainlp_collate():
    words = ["ไก่", "เกิด", "กาล", "เป็ด", "หมู", "วัว", "วันที่", "แม่", "มะม่วง", "โต๊ะ", "ใบ", "ฤดู", "รัก", "ลม"]
    assert sorted(words, key=thai_sort_key) == collate(words)


def test_sort_tone_marks_are_secondary():
    # Letters decide first (กา < กาก); the tone mark only breaks a tie (ปา < ป่า < ป้า).
    assert sorted(["กาก", "ก่า"], key=thai_sort_key) == ["ก่า", "กาก"]
    assert sorted(["ป้า", "ป่า", "ปา"], key=thai_sort_key) == ["ปา", "ป่า", "ป้า"]
    assert sorted(["เก้า", "เกา", "เก่า"], key=thai_sort_key) == ["เกา", "เก่า", "เก้า"]


def test_normalize_search():
    assert normalize_search("  นาง\u200bสมศรี \n  ใจดี ") == "นางสมศรี ใจดี"
    assert normalize_search("Somsri JAIDEE") == "somsri jaidee"
    assert normalize_search("หมู่ที่ ๗") == "หมู่ที่ 7"
    assert normalize_search("เเสง") == "แสง"  # two sara e typed for sara ae
    assert normalize_search("ดีี") == "ดี"  # duplicated vowel
    assert normalize_search("ก\u0e49\u0e31น") == "ก\u0e31\u0e49น"  # tone typed before the vowel
    assert normalize_search("สม\u200dศรี\ufeff") == "สมศรี"


def test_matches():
    assert matches("ศรี", "นางสมศรี ใจดี")
    assert matches("สมศรี", "นางสมศรี")
    assert matches("สมศรี ใจดี", "นางสมศรี   ใจดี")
    assert matches("somsri", "Somsri Jaidee")
    assert matches("หมู่ที่ 7", "บ้านโนนสูง หมู่ที่ ๗")
    assert matches("เเสง", "แสงเดือน")
    assert matches("", "อะไรก็ได้")
    assert matches("", "")
    assert not matches("สมหญิง", "นางสมศรี ใจดี")
    assert not matches("ศรีสุข", "นางสมศรี ใจดี")
