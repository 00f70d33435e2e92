"""What the register workbook says, in Thai and English: what each sheet and each column is for, how to write
dates, IDs and amounts so the import reads them, the example rows of the instructions sheet, and what an
exported file leaves out.

Apart from exports.registers_xlsx, which lays the workbook out, because this is the wording an officer reads
and the office may want changed, while the layout is openpyxl; together they were 700 lines.
"""

from __future__ import annotations

from datetime import date

from fieldtool.booklayout import FREQUENCY_WORDS
from fieldtool.registers_book import (
    GENERATED_PREFIX,
    FundChoice,
    RegisterBook,
    TemplateChoices,
    VillageChoice,
    frequency_word,
)
from fieldtool.schedule import plan as schedule_plan
from fieldtool.text import Text
from fieldtool.vocabulary import Frequency

# --- what each column is for, in both languages ---------------------------------------------------------

SHEET_PURPOSE = {
    "households": Text(
        "ครัวเรือน: หนึ่งแถวต่อหนึ่งครัวเรือน บอกหัวหน้าครัวเรือน บ้านเลขที่ และหมู่ที่",
        "Households: one row per household – its head, house number and village.",
    ),
    "groups": Text(
        "กลุ่ม: หนึ่งแถวต่อหนึ่งกลุ่มที่กู้ (เช่น กลุ่มสตรี) พร้อมประธานและสมาชิก",
        "Groups: one row per borrowing group (a women's group, …) with its chair and members.",
    ),
    "loans": Text(
        "สัญญาเงินกู้: หนึ่งแถวต่อหนึ่งสัญญา ผู้กู้เป็นครัวเรือน (จากแผ่นครัวเรือน) หรือกลุ่ม (จากแผ่นกลุ่ม) "
        "โปรแกรมคำนวณตารางผ่อนชำระจากเงินต้น ดอกเบี้ย จำนวนงวด ชำระทุก และวันครบกำหนดงวดแรก",
        "Loans: one row per agreement; the borrower is a household (from the households sheet) or a group (from "
        "the groups sheet). The program works out the schedule from principal, rate, instalments, frequency and "
        "the first due date.",
    ),
    "payments": Text(
        "การชำระเงิน: หนึ่งแถวต่อการรับชำระหนึ่งครั้ง อ้างถึงเลขที่สัญญาในแผ่นสัญญาเงินกู้",
        "Payments: one row per repayment received, naming its agreement number from the loans sheet.",
    ),
}

_MOO = Text("หมู่ที่ของหมู่บ้าน เป็นตัวเลข เช่น 3 (หมู่บ้านต้องตั้งค่าไว้ในโปรแกรมก่อน)",
            "the village number, e.g. 3 (the village must be set up in the program first)")
_AGREEMENT = Text("เลขที่สัญญาเงินกู้ ต้องไม่ซ้ำกัน เช่น 1/2568", "the loan agreement number, unique, e.g. 1/2568")
_PERSON = ("ชื่อพร้อมคำนำหน้า เช่น นางสมศรี ใจดี หรือเลขประจำตัวประชาชนของผู้ที่อยู่ในแผ่นครัวเรือน",
           "a name with its title, e.g. นางสมศรี ใจดี, or the national ID of someone on the households sheet")

FIELD_HELP = {
    ("households", "moo"): _MOO,
    ("households", "house_no"): Text("บ้านเลขที่ เช่น 12/1", "house number, e.g. 12/1"),
    ("households", "title"): Text("นาย นาง หรือ นางสาว (เลือกจากรายการ)", "title: นาย, นาง or นางสาว (pick from the list)"),
    ("households", "first_name"): Text("ชื่อหัวหน้าครัวเรือน ไม่ต้องมีคำนำหน้า", "the household head's given name, "
                                       "without the title"),
    ("households", "last_name"): Text("นามสกุลหัวหน้าครัวเรือน", "the household head's family name"),
    ("households", "national_id"): Text(
        "เลขประจำตัวประชาชน 13 หลักของหัวหน้าครัวเรือน ช่องนี้ตั้งเป็นข้อความไว้แล้ว Excel จะไม่เปลี่ยนเป็นตัวเลข",
        "the head's 13-digit national ID; the column is formatted as text, so Excel keeps every digit",
    ),
    ("households", "phone"): Text("เบอร์โทรศัพท์ เช่น 0812345678", "phone number, e.g. 0812345678"),
    ("groups", "name"): Text("ชื่อกลุ่ม ไม่ซ้ำกันในหมู่บ้านเดียวกัน", "the group's name, unique within its village"),
    ("groups", "moo"): _MOO,
    ("groups", "chair"): Text("ประธานกลุ่ม: " + _PERSON[0], "the chair: " + _PERSON[1]),
    ("groups", "members"): Text(
        "สมาชิกคนอื่นของกลุ่ม แต่ละคนเขียนแบบเดียวกับประธาน คั่นด้วยเครื่องหมายจุลภาค (,) "
        "คนชื่อซ้ำกันในหมู่บ้านให้เขียนบ้านเลขที่ในวงเล็บ เช่น นางสมศรี ใจดี (บ้านเลขที่ 12) "
        "ถ้าบ้านเดียวกันมีสองคนชื่อเดียวกัน เขียนคนที่สองว่า นางสมศรี ใจดี (บ้านเลขที่ 12 คนที่ 2)",
        "the group's other members, each written like the chair, separated by commas; namesakes in the village "
        "with the house in brackets, e.g. นางสมศรี ใจดี (บ้านเลขที่ 12), and a second of one name at one house "
        "as นางสมศรี ใจดี (บ้านเลขที่ 12 คนที่ 2)",
    ),
    ("loans", "agreement_no"): Text(_AGREEMENT.th + " แผ่นการชำระเงินใช้เลขนี้อ้างถึงสัญญา",
                                    _AGREEMENT.en + "; the payments sheet refers to the loan by it"),
    ("loans", "fund"): Text("ชื่อกองทุนตามที่ตั้งค่าไว้ในโปรแกรม (เลือกจากรายการ)",
                            "the fund's name as set up in the program (pick from the list)"),
    ("loans", "borrower"): Text(
        "ผู้กู้: เลขประจำตัวประชาชนของหัวหน้าครัวเรือน (อยู่ในแผ่นครัวเรือน) หรือชื่อกลุ่ม (อยู่ในแผ่นกลุ่ม) "
        "หัวหน้าครัวเรือนที่ไม่มีเลขประจำตัว เขียนชื่อกับบ้านเลขที่ เช่น นางสมศรี ใจดี (บ้านเลขที่ 12)",
        "the borrower: the household head's national ID (on the households sheet) or the group's name (on the "
        "groups sheet); a head without an ID by name and house, e.g. นางสมศรี ใจดี (บ้านเลขที่ 12)",
    ),
    ("loans", "moo"): Text("หมู่ที่ของผู้กู้ ใช้แยกกลุ่มชื่อเดียวกันในต่างหมู่บ้าน",
                           "the borrower's village number; tells apart groups of the same name in two villages"),
    ("loans", "principal"): Text("เงินต้นที่กู้ เป็นบาท เช่น 10,000.00", "the principal in baht, e.g. 10,000.00"),
    ("loans", "rate"): Text(
        "ดอกเบี้ยคงที่ ร้อยละต่อปี เช่น 2 หรือ 2.5 (ช่องนี้แสดงเป็น %) ใส่ 0 ถ้าไม่มีดอกเบี้ย ว่างไว้ใช้อัตราของกองทุน",
        "flat interest in per cent a year, e.g. 2 or 2.5 (the column shows %); 0 for none; empty: the fund's rate",
    ),
    ("loans", "instalments"): Text("จำนวนงวด ว่างไว้ใช้ค่าของกองทุน",
                                   "the number of instalments; empty: the fund's default"),
    ("loans", "frequency"): Text("ชำระทุก (เลือกจากรายการ) ว่างไว้ใช้ค่าของกองทุน",
                                 "how often an instalment falls due (pick from the list); empty: the fund's default"),
    ("loans", "disbursed_on"): Text("วันที่ผู้กู้รับเงินกู้", "the day the borrower received the money"),
    ("loans", "first_due"): Text("วันครบกำหนดชำระงวดแรก งวดต่อไปนับจากวันนี้",
                                 "the first due date; the later ones are counted from it"),
    ("loans", "purpose"): Text("วัตถุประสงค์หรืออาชีพที่กู้ไปทำ เช่น ทอผ้าไหม", "what the loan is for, e.g. silk weaving"),
    ("loans", "paid_to_date"): Text(
        "สำหรับสัญญาที่ผ่อนมาแล้วแต่ไม่ได้กรอกรายการในแผ่นการชำระเงิน: ยอดที่ชำระแล้วรวมเป็นบาท",
        "for a loan already being repaid whose payments are not on the payments sheet: the total paid so far, "
        "in baht",
    ),
    ("loans", "paid_as_of"): Text("วันที่ของยอดชำระแล้วรวม (กรอกคู่กับช่องชำระแล้วรวม)",
                                  "the day of that total (fill it in together with the total)"),
    ("payments", "agreement_no"): Text("เลขที่สัญญาตามแผ่นสัญญาเงินกู้",
                                       "the agreement number as on the loans sheet"),
    ("payments", "paid_on"): Text("วันที่รับชำระ", "the day the payment was received"),
    ("payments", "amount"): Text("จำนวนเงินที่ชำระ เป็นบาท เช่น 850.00", "the amount paid in baht, e.g. 850.00"),
    ("payments", "receipt_no"): Text("เลขที่ใบเสร็จรับเงินที่ผู้กู้ถือไว้", "the number of the receipt the borrower holds"),
}

FREQUENCY_CHOICES = tuple(words[0] for words in FREQUENCY_WORDS.values())

RULES = (
    (Text("วันที่", "Dates"), Text(
        "เขียนเป็น วัน/เดือน/ปี พ.ศ. เช่น 22/11/2569 หรือใช้ช่องวันที่ของ Excel ก็ได้ ช่องวันที่ในไฟล์นี้แสดงเป็น พ.ศ. "
        "อยู่แล้ว อ่านได้ทั้งเลขไทยและเลขอารบิก และแบบ 22 พ.ย. 2569",
        "Write day/month/Buddhist Era year, e.g. 22/11/2569, or use an Excel date cell; the date columns of this "
        "file already show the Buddhist Era. Thai or Arabic digits, and 22 พ.ย. 2569, are read too.",
    )),
    (Text("จำนวนเงิน", "Amounts"), Text(
        "เป็นบาท มีทศนิยมได้ 2 ตำแหน่ง เช่น 10,000.00 หรือ 10000 ไม่ต้องใส่คำว่าบาท",
        "In baht with up to two decimals, e.g. 10,000.00 or 10000; no need to write บาท.",
    )),
    (Text("เลขประจำตัวประชาชน", "National IDs"), Text(
        "13 หลัก เป็นข้อความ (ช่องนี้ตั้งรูปแบบเป็นข้อความไว้แล้ว) มีขีดคั่นได้ เช่น 3-3419-00123-45-4 "
        "ถ้าวางจากไฟล์อื่นแล้วกลายเป็นตัวเลข เช่น 3.34E+12 ให้พิมพ์ใหม่",
        "13 digits, as text (the column is already formatted as text); dashes are allowed, e.g. "
        "3-3419-00123-45-4. If a pasted ID turns into a number such as 3.34E+12, type it again.",
    )),
    (Text("ชำระทุก", "Paid every"), Text(
        "เลือกได้: " + ", ".join(f"{w} ({Frequency(f).label.th})" for f, w in zip(FREQUENCY_WORDS, FREQUENCY_CHOICES,
                                                                                 strict=True)),
        "One of: " + ", ".join(f"{w} ({f})" for f, w in zip(FREQUENCY_WORDS, FREQUENCY_CHOICES, strict=True)),
    )),
    (Text("สัญญาที่ผ่อนมาแล้ว", "Loans already being repaid"), Text(
        "สัญญาที่รับเงินไปแล้วและผ่อนมาบ้างแล้ว ต้องมีอย่างใดอย่างหนึ่ง: รายการชำระแต่ละครั้งในแผ่นการชำระเงิน "
        "หรือสองช่อง \"ชำระแล้วรวม\" กับ \"ชำระแล้ว ณ วันที่\" ในแผ่นสัญญาเงินกู้ (อย่าใส่ทั้งสองอย่าง เงินจะนับซ้ำ)",
        "A loan in mid-life needs either its payment rows on the payments sheet, or the two columns "
        "\"paid to date\" and \"paid to date as of\" on the loans sheet (not both: the money would count twice).",
    )),
)

GENERAL = (
    Text("ก่อนนำเข้า: ตั้งค่าตำบล หมู่บ้าน และกองทุนในโปรแกรมก่อน (fieldtool setup place, village add, fund add) "
         "ชื่อกองทุนและหมู่ที่ในไฟล์ต้องตรงกับที่ตั้งค่าไว้",
         "Before importing, set up the subdistrict, its villages and the funds in the program (fieldtool setup "
         "place, village add, fund add); fund names and village numbers in the file must match them."),
    Text("กรอกข้อมูลตั้งแต่แถวที่ 2 ของแต่ละแผ่น อย่าเปลี่ยนชื่อแผ่นหรือหัวคอลัมน์ในแถวที่ 1 "
         "หัวคอลัมน์สีส้มต้องกรอก แผ่นที่ไม่ใช้ปล่อยว่างไว้ได้",
         "Fill in from row 2 of each sheet; do not rename the sheets or the headers in row 1. Orange headers must be "
         "filled in; a sheet you do not need may stay empty."),
    Text("นำเข้าด้วยคำสั่ง fieldtool import ไฟล์.xlsx โปรแกรมตรวจทุกแถวก่อน ถ้ามีแถวผิดจะบอกแผ่น แถว และสาเหตุ",
         "Import with fieldtool import FILE.xlsx; every row is checked first, and a wrong row is named by sheet, row "
         "and reason."),
    Text("นำเข้าไฟล์เดิมซ้ำได้ ข้อมูลที่นำเข้าแล้วจะไม่ถูกสร้างซ้ำ (ไม่เกิดครัวเรือน กลุ่ม สัญญา หรือการชำระซ้ำ)",
         "Importing the same file twice creates nothing new: households, groups, loans and payments already "
         "imported are recognised."),
)


def examples(choices: TemplateChoices) -> dict[str, list[dict]]:
    """Rows as an officer would type them, using this laptop's first village and funds when it has them."""
    village = choices.villages[0] if choices.villages else VillageChoice(3, "บ้านหนองบัว")
    found = choices.funds or [FundChoice("กองทุนพัฒนาบทบาทสตรี", "", 200, 12, "monthly"),
                              FundChoice("กข.คจ.", "", 0, 4, "half-yearly")]
    first, second = found[0], found[1 % len(found)]
    group = f"กลุ่มทอผ้าไหม{village.name}"
    # The example payments are the first two instalments of the first example loan, as the program works
    # them out, so the example is one the officer can check against the schedule.
    instalment = schedule_plan(1_000_000, 12, "monthly", date(2025, 12, 15), first.rate_bp)[0].amount_satang
    return {
        "households": [
            {"moo": village.moo, "house_no": "12/1", "title": "นาง", "first_name": "มาลัย", "last_name": "ทองคำ",
             "national_id": "3341900123454", "phone": "0812345678"},
            {"moo": village.moo, "house_no": "45", "title": "นาย", "first_name": "บุญมี", "last_name": "ศรีสุข",
             "national_id": "3341900456780"},
        ],
        "groups": [
            {"name": group, "moo": village.moo, "chair": "นางสมศรี ใจดี",
             "members": "3341900123454, นางสาวจันทร์เพ็ญ แก้วใส"},
        ],
        "loans": [
            {"agreement_no": "1/2569", "fund": first.name, "borrower": "3341900123454", "moo": village.moo,
             "principal": 1_000_000, "rate": first.rate_bp, "instalments": 12, "frequency": frequency_word("monthly"),
             "disbursed_on": date(2025, 11, 15), "first_due": date(2025, 12, 15), "purpose": "ทอผ้าไหม"},
            {"agreement_no": "7/2566", "fund": second.name, "borrower": group, "moo": village.moo,
             "principal": 5_000_000, "rate": second.rate_bp, "instalments": 6,
             "frequency": frequency_word("half-yearly"), "disbursed_on": date(2023, 6, 1),
             "first_due": date(2023, 12, 1), "purpose": "เลี้ยงโคขุน", "paid_to_date": 2_500_000,
             "paid_as_of": date(2025, 9, 30)},
        ],
        "payments": [
            {"agreement_no": "1/2569", "paid_on": date(2025, 12, 15), "amount": instalment, "receipt_no": "0012"},
            {"agreement_no": "1/2569", "paid_on": date(2026, 1, 14), "amount": instalment, "receipt_no": "0031"},
        ],
    }


def place_text(choices: TemplateChoices) -> Text:
    p = choices.place
    return Text(f"ตำบล{p.subdistrict} อำเภอ{p.district} จังหวัด{p.province} (รหัสตำบล {p.subdistrict_code})",
                f"Subdistrict {p.subdistrict}, district {p.district}, province {p.province} "
                f"(subdistrict code {p.subdistrict_code})")


def export_notes(book: RegisterBook) -> list[Text]:
    """What to know about an exported file: what it leaves out and what it writes differently from the book."""
    notes = [
        Text("การชำระที่ถูกยกเลิก (กลับรายการ) ไม่อยู่ในไฟล์ ทั้งรายการเดิมและรายการยกเลิก จึงเหลือเฉพาะเงินที่รับจริง"
             + (f" ({book.reversed_payments:,} รายการที่ยกเลิก)" if book.reversed_payments else ""),
             "Reversed payments are left out together with their reversals: only money that stands is listed"
             + (f" ({book.reversed_payments:,} reversed)" if book.reversed_payments else "") + "."),
        Text("คำขอกู้ที่ยังไม่ได้จ่ายเงิน (ขั้นป้องกัน) ไม่อยู่ในไฟล์ เพราะยังไม่เป็นสัญญาในทะเบียน"
             + (f" ({book.undisbursed:,} คำขอ)" if book.undisbursed else ""),
             "Loans never paid out (applications at the prevent stage) are left out: they are not in the books yet"
             + (f" ({book.undisbursed:,})" if book.undisbursed else "") + "."),
        Text(f"สัญญาที่ไม่มีเลขที่สัญญาได้เลขจากรหัสในโปรแกรม ขึ้นต้นด้วย {GENERATED_PREFIX} และได้เลขเดิมทุกครั้งที่ส่งออก"
             + (f" ({len(book.numbered):,} สัญญา)" if book.numbered else ""),
             f"A loan without an agreement number is written under one made from its id, beginning {GENERATED_PREFIX}, "
             "the same on every export" + (f" ({len(book.numbered):,} loans)" if book.numbered else "") + "."),
        Text("ช่องชำระแล้วรวมและชำระแล้ว ณ วันที่ว่างไว้ เพราะการชำระทุกครั้งอยู่ในแผ่นการชำระเงิน",
             "The paid-to-date columns are empty: every payment is on the payments sheet."),
        Text("ไม่รวม: สมาชิกครัวเรือนนอกจากหัวหน้า ความต้องการ แผนพัฒนาครัวเรือน ตำแหน่งในกลุ่มนอกจากประธาน "
             "(เขียนเป็นสมาชิก) กรรมการผู้รับผิดชอบกลุ่ม รายการตรวจขั้นป้องกัน การลงพื้นที่ การแจ้งเตือน "
             "และหนังสือที่ออกไปแล้ว",
             "Not included: household members other than the head, needs, household plans, group offices other "
             "than the chair (written as members), the committee member responsible for a group, the prevent "
             "checklist, visits, notices delivered and letters issued."),
    ]
    if book.renumbered:
        shared = ", ".join(sorted({typed for typed, _ in book.renumbered}))
        notes.append(Text(
            f"เลขที่สัญญาที่ซ้ำกันหลายสัญญา ({shared}) เขียนต่อท้ายด้วยเลขจากรหัสในโปรแกรม เพื่อไม่ให้รวมเป็นสัญญาเดียว",
            f"Agreement numbers shared by several loans ({shared}) are written with the loan's id-based number "
            "after them, so that they are not taken for one loan.",
        ))
    if book.restructured:
        notes.append(Text(
            "สัญญาที่ปรับโครงสร้างหนี้แล้วเขียนตามเงื่อนไขเดิม ตารางผ่อนชำระใหม่ต้องบันทึกซ้ำหลังนำเข้า "
            f"(fieldtool loan restructure): {', '.join(book.restructured)}",
            "Restructured loans are written with their original terms; enter the new schedule again after importing "
            f"(fieldtool loan restructure): {', '.join(book.restructured)}",
        ))
    return notes
