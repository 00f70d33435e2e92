"""The layout of the program's own register workbook: what `import-template` writes, what
`export-registers` fills, and what `import` reads first (before guessing at any other layout).

Four sheets, one header row each (row 1 in the template; found lower down in other files). A field's
first header is the one the template writes; the others are what Thai registers, the district's Excel
sheets and TPMAP/ThaiQM exports call the same column, matched after `header_key` (spaces, dots, dashes
and line breaks ignored).

A layout may also read columns the template never writes (`extra`): the debtor control register a district
types (ทะเบียนคุมลูกหนี้) is one sheet with the borrower's name, national ID and house on each loan's row, so a
loans sheet reads the household's columns too and needs no ผู้กู้ column when it has them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from fieldtool.text import Text


@dataclass(frozen=True)
class Column:
    field: str  # the importer's name for it
    headers: tuple[str, ...]  # headers[0] is what the template writes
    required: bool = False
    label_en: str = ""
    unless: tuple[str, ...] = ()  # a required column that any of these fields stands in for


@dataclass(frozen=True)
class SheetLayout:
    key: str  # households | groups | loans | payments
    name: str  # the template's sheet name
    title: Text
    columns: tuple[Column, ...]
    other_names: tuple[str, ...] = ()
    extra: tuple[Column, ...] = ()  # columns other files carry in a sheet of this kind: read, never written

    @property
    def fields(self) -> tuple[str, ...]:
        """The template's columns, in its order."""
        return tuple(c.field for c in self.columns)

    @property
    def readable_fields(self) -> tuple[str, ...]:
        """Every field a sheet of this kind may give: the template's and the extra ones."""
        return tuple(c.field for c in (*self.columns, *self.extra))

    def column(self, field: str) -> Column:
        return next(c for c in (*self.columns, *self.extra) if c.field == field)

    def missing(self, present: Iterable[str]) -> list[str]:
        """The fields a row must have that none of `present` gives or stands in for."""
        have = set(present)
        return [c.field for c in self.columns if c.required and c.field not in have and not have & set(c.unless)]


HOUSEHOLDS = SheetLayout(
    "households", "ครัวเรือน", Text("ครัวเรือน", "households"),
    (
        Column("moo", ("หมู่ที่", "หมู่", "ม.", "หมู่บ้าน"), True, "village no."),
        Column("house_no", ("บ้านเลขที่", "เลขที่บ้าน", "บ้านเลขที่/ที่อยู่"), False, "house no."),
        Column("title", ("คำนำหน้า", "คำนำหน้าชื่อ", "คำนำ"), False, "title"),
        Column("first_name", ("ชื่อ", "ชื่อ-สกุล", "ชื่อ - นามสกุล", "ชื่อ-นามสกุล", "ชื่อ นามสกุล",
                              "ชื่อหัวหน้าครัวเรือน", "หัวหน้าครัวเรือน", "ชื่อผู้กู้", "ชื่อ-สกุลผู้กู้",
                              "ชื่อ-สกุล หัวหน้าครัวเรือน", "ชื่อตัว"), True, "given name"),
        Column("last_name", ("นามสกุล", "สกุล"), False, "family name"),
        Column("national_id", ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "เลขประจำตัว 13 หลัก",
                               "เลขบัตรประจำตัวประชาชน", "เลขที่บัตรประชาชน", "บัตรประชาชน",
                               "เลขที่บัตรประจำตัวประชาชน", "เลขประจำตัวประชาชน 13 หลัก"), False, "national ID"),
        Column("phone", ("โทรศัพท์", "เบอร์โทร", "เบอร์โทรศัพท์", "หมายเลขโทรศัพท์", "โทร", "โทรศัพท์มือถือ",
                         "เบอร์มือถือ"), False, "phone"),
    ),
    ("ทะเบียนครัวเรือน", "ครัวเรือนเป้าหมาย", "households"),
)

GROUPS = SheetLayout(
    "groups", "กลุ่ม", Text("กลุ่ม", "groups"),
    (
        Column("name", ("ชื่อกลุ่ม", "กลุ่ม"), True, "group name"),
        Column("moo", ("หมู่ที่", "หมู่", "ม."), True, "village no."),
        Column("chair", ("ประธาน", "ประธานกลุ่ม", "ชื่อประธาน"), False, "chair"),
        Column("members", ("สมาชิก", "รายชื่อสมาชิก"), False, "members"),
    ),
    ("ทะเบียนกลุ่ม", "groups"),
)

# The borrower's household on a loan's row (a debtor control register): the households sheet's columns but
# the หมู่ที่, which is the loan's own. "ชื่อผู้กู้" stays the borrower column's header (see BORROWER_HEADERS).
BORROWER_HEADERS = ("ผู้กู้", "ชื่อผู้กู้", "ผู้กู้ (เลขประจำตัวประชาชนหรือชื่อกลุ่ม)", "ชื่อ-สกุลผู้กู้",
                    "เลขประจำตัวประชาชนผู้กู้")
BORROWER_HOUSEHOLD = tuple(
    Column(c.field, tuple(h for h in c.headers if h not in BORROWER_HEADERS), False, f"borrower's {c.label_en}")
    for c in HOUSEHOLDS.columns if c.field != "moo"
)
# A loans sheet that names its borrower by these needs no ผู้กู้ column.
BORROWER_IDENTITY = ("first_name", "national_id")

LOANS = SheetLayout(
    "loans", "สัญญาเงินกู้", Text("สัญญาเงินกู้", "loans"),
    (
        Column("agreement_no", ("เลขที่สัญญา", "สัญญาเลขที่", "เลขสัญญา"), True, "agreement no."),
        Column("fund", ("กองทุน", "ชื่อกองทุน", "แหล่งเงินทุน"), True, "fund"),
        Column("borrower", BORROWER_HEADERS, True, "borrower", unless=BORROWER_IDENTITY),
        Column("moo", ("หมู่ที่", "หมู่", "ม."), False, "village no."),
        Column("principal", ("เงินต้น", "วงเงินกู้", "จำนวนเงินกู้", "จำนวนเงินที่กู้", "เงินกู้"), True, "principal"),
        Column("rate", ("อัตราดอกเบี้ยต่อปี", "อัตราดอกเบี้ย", "ดอกเบี้ย (%)", "ดอกเบี้ย"), False, "rate % a year"),
        Column("instalments", ("จำนวนงวด", "งวด"), False, "instalments"),
        Column("frequency", ("ชำระทุก", "ระยะการชำระ", "การชำระ"), False, "paid every"),
        Column("disbursed_on", ("วันที่รับเงิน", "วันที่กู้", "วันที่จ่ายเงินกู้", "วันที่ทำสัญญา", "วันที่รับเงินกู้",
                                "วันที่ได้รับเงิน"), True, "money received on"),
        Column("first_due", ("ครบกำหนดงวดแรก", "วันครบกำหนดงวดแรก", "กำหนดชำระงวดแรก", "วันที่ครบกำหนดงวดแรก",
                             "กำหนดส่งงวดแรก"), True, "first due date"),
        Column("purpose", ("วัตถุประสงค์", "อาชีพ", "วัตถุประสงค์การกู้", "โครงการ"), False, "purpose"),
        Column("paid_to_date", ("ชำระแล้วรวม", "ยอดชำระแล้ว", "ชำระคืนแล้ว"), False, "paid to date"),
        Column("paid_as_of", ("ชำระแล้ว ณ วันที่", "ยอดชำระ ณ วันที่"), False, "paid to date as of"),
    ),
    ("ทะเบียนลูกหนี้", "ทะเบียนคุมลูกหนี้", "สัญญา", "loans"),
    BORROWER_HOUSEHOLD,
)

PAYMENTS = SheetLayout(
    "payments", "การชำระเงิน", Text("การชำระเงิน", "payments"),
    (
        Column("agreement_no", ("เลขที่สัญญา", "สัญญาเลขที่", "เลขสัญญา"), True, "agreement no."),
        Column("paid_on", ("วันที่ชำระ", "วันที่รับชำระ", "วันที่"), True, "paid on"),
        Column("amount", ("จำนวนเงิน", "จำนวนเงินที่ชำระ", "ยอดชำระ", "เงินที่ชำระ", "จำนวนเงินชำระ",
                          "ยอดเงินที่ชำระ", "ชำระคืน"), True, "amount"),
        Column("receipt_no", ("เลขที่ใบเสร็จ", "ใบเสร็จเลขที่", "เลขที่ใบเสร็จรับเงิน", "เลขใบเสร็จ", "ใบเสร็จ"), False,
               "receipt no."),
    ),
    ("การชำระ", "รับชำระ", "payments"),
)

SHEETS = (HOUSEHOLDS, GROUPS, LOANS, PAYMENTS)
INSTRUCTIONS_SHEET = "คำอธิบาย"

# ชำระทุก: what the template writes for each frequency, and the other ways registers say it.
FREQUENCY_WORDS = {
    "monthly": ("เดือน", "1 เดือน", "รายเดือน", "ทุกเดือน", "monthly"),
    "quarterly": ("3 เดือน", "ไตรมาส", "รายไตรมาส", "ราย 3 เดือน", "quarterly"),
    "half-yearly": ("6 เดือน", "ครึ่งปี", "รายครึ่งปี", "ราย 6 เดือน", "half-yearly"),
    "yearly": ("ปี", "1 ปี", "รายปี", "ทุกปี", "12 เดือน", "yearly"),
}

_IGNORED = re.compile(r"[\s.\-–—_:()/*]+")


def header_key(text: object) -> str:
    """A header compared without spaces, dots, dashes, brackets and line breaks: "ชื่อ - นามสกุล" = "ชื่อ-นามสกุล"."""
    from fieldtool.thai import to_arabic_digits

    return _IGNORED.sub("", to_arabic_digits(str(text or "")).replace("\u200b", "")).casefold()
