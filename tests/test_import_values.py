"""Every form in which Thai registers write a date, an amount, an ID, a phone, a หมู่ที่, a name or a rate."""

from datetime import date, datetime, time

import pytest

from fieldtool.bookimport import values
from fieldtool.thai import InputError, national_id_check_digit


def nid(first12: str) -> str:
    return first12 + str(national_id_check_digit(first12))


NID = nid("110370012345")


@pytest.mark.parametrize("cell", [
    date(2026, 11, 22),  # a real date cell, whatever BE format shows it: its value is CE already
    datetime(2026, 11, 22, 0, 0),
    date(2569, 11, 22),  # a BE year typed into a date cell: Excel stores the year 2569
    46348.0,  # a date cell formatted General: the serial day
    46348,
    "22/11/2569", "22/11/69", "22-11-2569", "22.11.2569", "22 / 11 / 2569",
    "22 พ.ย. 69", "22 พ.ย. 2569", "22 พ.ย.2569", "22พ.ย.69", "22 พย 2569", "22 พฤศจิกายน 2569",
    "๒๒ พ.ย. ๒๕๖๙", "๒๒/๑๑/๒๕๖๙", "2026-11-22", "2026-11-22 00:00:00", "2569-11-22", "วันที่ 22 พ.ย. 2569",
    "22/11/2026", "22 Nov 2026",
])
def test_every_way_of_writing_22_november_2026_reads_the_same_day(cell):
    assert values.parse_date(cell) == date(2026, 11, 22)


@pytest.mark.parametrize("cell", ["", "31/04/2569", "hello", "22/13/2569", time(10, 0), "22 ธันวา 2569", 5.5e7, True])
def test_a_date_that_cannot_be_read_is_refused_with_one_sentence(cell):
    with pytest.raises(InputError) as err:
        values.parse_date(cell)
    assert err.value.text is not None and "\n" not in str(err.value)


def test_a_date_far_outside_any_loan_is_a_misread():
    with pytest.raises(InputError, match="cannot be right"):
        values.parse_date(1.0)  # serial day 1: a number typed into a date column


@pytest.mark.parametrize("cell, satang", [
    (12000, 1_200_000), (12000.0, 1_200_000), (1234.56, 123_456), (0.1 + 0.2, 30),
    ("12,000", 1_200_000), ("12,000.50", 1_200_050), ("12000 บาท", 1_200_000), ("฿12,000", 1_200_000),
    ("12,000.-", 1_200_000), ("๑๒,๐๐๐", 1_200_000), ("๑๒๐๐๐.๕", 1_200_050), (" 1 000 ", 100_000),
])
def test_amounts_in_numbers_and_text(cell, satang):
    assert values.parse_amount(cell) == satang


def test_blank_or_dash_is_zero_only_where_zero_makes_sense():
    assert values.parse_amount("-", blank_is_zero=True) == 0
    assert values.parse_amount("", blank_is_zero=True) == 0
    with pytest.raises(InputError, match="missing"):
        values.parse_amount("")
    with pytest.raises(InputError, match="missing"):
        values.parse_amount("-")


@pytest.mark.parametrize("cell", ["-500", "(500)", "1,00", "12.345", 333.3333, "abc", float("nan")])
def test_bad_amounts_are_refused(cell):
    with pytest.raises(InputError):
        values.parse_amount(cell)


@pytest.mark.parametrize("cell", [
    float(NID), int(NID), NID, f"{NID[0]}-{NID[1:5]}-{NID[5:10]}-{NID[10:12]}-{NID[12]}", f" {NID} ",
    NID.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")), f"{NID[:4]} {NID[4:]}",
])
def test_national_ids_excel_made_numbers_or_typed_with_dashes_read_as_13_digits(cell):
    assert values.parse_national_id(cell) == NID


def test_national_id_check_digit_and_length_are_checked():
    wrong = NID[:12] + str((int(NID[12]) + 1) % 10)
    with pytest.raises(InputError, match="check digit"):
        values.parse_national_id(wrong)
    with pytest.raises(InputError, match="13 digits"):
        values.parse_national_id(NID[:12])
    with pytest.raises(InputError, match="scientific"):
        values.parse_national_id("1.10370E+12")
    assert values.parse_national_id("") is None
    assert values.is_masked_id("1-1037-xxxxx-45-1") and not values.is_masked_id(NID)


@pytest.mark.parametrize("cell, phone", [
    ("081-234-5678", "0812345678"), (812345678.0, "0812345678"), (45123456, "045123456"),
    ("๐๘๑ ๒๓๔ ๕๖๗๘", "0812345678"), ("081-234-5678, 089-999-9999", "0812345678"),
    ("+66 81 234 5678", "0812345678"), ("โทร. 081-234-5678", "0812345678"), ("", ""),
])
def test_phones(cell, phone):
    assert values.parse_phone(cell) == phone


@pytest.mark.parametrize("cell, expected", [
    (3, (3, "")), (3.0, (3, "")), ("3", (3, "")), ("๓", (3, "")), ("ม.3", (3, "")), ("ม. 3", (3, "")),
    ("หมู่ 3", (3, "")), ("หมู่ที่ 3", (3, "")), ("หมู่ที่ ๓ บ้านหนองบัว", (3, "บ้านหนองบัว")),
    ("บ้านหนองบัว", (None, "บ้านหนองบัว")), ("", (None, "")),
])
def test_village_numbers(cell, expected):
    assert values.parse_village(cell) == expected


@pytest.mark.parametrize("title, first, last, expected", [
    ("นาง", "มาลัย", "ทองคำ", ("นาง", "มาลัย", "ทองคำ")),
    ("", "นางมาลัย", "ทองคำ", ("นาง", "มาลัย", "ทองคำ")),
    ("", "นางมาลัย ทองคำ", "", ("นาง", "มาลัย", "ทองคำ")),  # one column "ชื่อ-สกุล"
    ("น.ส.", "สมศรี  ใจดี", "", ("นางสาว", "สมศรี", "ใจดี")),
    ("", "น.ส.สมศรี\u200b ใจดี", "", ("นางสาว", "สมศรี", "ใจดี")),  # a zero-width space typed in
    ("", "\u00a0นายสมหมาย\u00a0\u00a0ใจดี ", "", ("นาย", "สมหมาย", "ใจดี")),
    ("นาง", "นางนวล", "ศรีสุข", ("นาง", "นางนวล", "ศรีสุข")),  # with a title column, นางนวล is a name
])
def test_names(title, first, last, expected):
    assert values.parse_name(title, first, last) == expected


def test_a_title_the_program_does_not_know_is_refused():
    with pytest.raises(InputError, match="title"):
        values.parse_name("ดร.", "สมชาย", "ใจดี")


@pytest.mark.parametrize("cell, basis_points", [
    (2, 200), (2.0, 200), ("2", 200), ("2%", 200), ("2 %", 200), ("ร้อยละ 2 ต่อปี", 200), (0.02, 200),
    (0.025, 250), ("0.5", 50), ("๖", 600), ("-", 0), ("ไม่มี", 0), (0, 0), ("", None), (None, None),
])
def test_rates_are_per_cent_a_year_and_a_fraction_below_one_is_a_percentage_cell(cell, basis_points):
    assert values.parse_rate(cell) == basis_points


@pytest.mark.parametrize("cell", ["สองเปอร์เซ็นต์", 150, "2.125"])
def test_bad_rates(cell):
    with pytest.raises(InputError):
        values.parse_rate(cell)


@pytest.mark.parametrize("cell, count", [(12, 12), (12.0, 12), ("12", 12), ("12 งวด", 12), ("๑๒", 12), ("", None)])
def test_instalments(cell, count):
    assert values.parse_instalments(cell) == count


@pytest.mark.parametrize("cell", [0, 12.5, "สิบสอง", 361])
def test_bad_instalments(cell):
    with pytest.raises(InputError):
        values.parse_instalments(cell)


@pytest.mark.parametrize("cell, frequency", [
    ("เดือน", "monthly"), ("รายเดือน", "monthly"), ("ทุกเดือน", "monthly"), ("1 เดือน", "monthly"), (1, "monthly"),
    ("3 เดือน", "quarterly"), ("ราย 3 เดือน", "quarterly"), ("ไตรมาส", "quarterly"), (3.0, "quarterly"),
    ("6 เดือน", "half-yearly"), ("รายครึ่งปี", "half-yearly"), ("๖ เดือน", "half-yearly"),
    ("ปี", "yearly"), ("รายปี", "yearly"), ("12 เดือน", "yearly"), ("yearly", "yearly"), ("", None),
])
def test_frequencies(cell, frequency):
    assert values.parse_frequency(cell) == frequency


def test_an_unknown_frequency_is_refused():
    with pytest.raises(InputError, match="how often"):
        values.parse_frequency("ทุกสัปดาห์")


def test_text_of_numbers_keeps_agreement_and_receipt_numbers_whole():
    assert values.text_of(125.0) == "125" and values.text_of(" ๑/๒๕๖๙ ") == "๑/๒๕๖๙"
    assert values.key_of("๑/๒๕๖๙") == values.key_of("1/2569")
