"""The debtor control register a district types (ทะเบียนคุมลูกหนี้): one sheet under title rows, the borrower's
name, national ID, หมู่ and house beside each loan. It imports with no mapping on a laptop set up with only
its villages and funds: each row's household is found or made, and rows that are not data are passed over."""

from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import select

from fieldtool import funds, households, places
from fieldtool.arrears import arrears_on
from fieldtool.booklayout import HOUSEHOLDS, LOANS
from fieldtool.households import HouseholdInput, PersonInput
from fieldtool.loanbook import loan_infos
from fieldtool.models import Household, Loan, Payment, Person, Village
from fieldtool.reminders import reminders_on
from fieldtool.vocabulary import RowAction
from tests.test_import_books import import_file, nid, plan_file, register, snapshot

SOMSRI = "3341900123454"  # typed into a number cell, as Excel keeps it
BOONMEE = nid(41900)
HEADERS = ["ลำดับ", "ชื่อ - นามสกุล", "เลขบัตรประชาชน", "ม.", "บ้านเลขที่", "วงเงินกู้", "วันที่กู้", "ครบกำหนดงวดแรก",
           "เลขที่สัญญา", "กองทุน", "จำนวนงวด", "ชำระทุก", "ชำระแล้วรวม", "ชำระแล้ว ณ วันที่"]
ROWS = [
    [1, "นางสมศรี  ใจดี", int(SOMSRI), "ม.1", "12/1", "๑๒,๐๐๐ บาท", "15/6/2568", "15 ธ.ค. 68", "1/2568", "กข.คจ.", 4,
     "6 เดือน", "3,000", "30/11/2569"],
    [2, "นาย บุญมี ศรีสุข", int(BOONMEE), 2, "5", 8000, datetime(2025, 7, 1), "1 ม.ค. 2569", "2/2568", "กข.คจ.", 4,
     "ครึ่งปี", 0, "30/11/2569"],
]
TOTALS = [None, "รวม", None, None, None, 20000]


@pytest.fixture
def laptop(db):
    """A laptop just set up: the place, villages 1–3 and the fund กข.คจ.; no household, no loan."""
    with db.session() as s:
        places.set_place(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        for moo, name in ((1, "บ้านโนนกลาง"), (2, "บ้านหนองบัว"), (3, "บ้านดอนแดง")):
            places.add_village(s, moo, name)
        funds.add_fund(s, "กข.คจ.", "kkkj")
    return db


def debtor_register(path, rows=ROWS, after=(TOTALS,), headers=HEADERS):
    """The district's sheet: two merged title rows, an empty row, the header on row 4, the loans, the totals."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "ทะเบียนคุมลูกหนี้โครงการแก้ไขปัญหาความยากจน (กข.คจ.)"
    ws.merge_cells("A1:H1")
    ws["A2"] = "ตำบลโนนกลาง อำเภอพิบูลมังสาหาร จังหวัดอุบลราชธานี"
    ws.merge_cells("A2:H2")
    ws.append([])
    ws.append(headers)
    for row in [*rows, *after]:
        ws.append(row)
    wb.save(path)
    return path


def by_nid(session) -> dict[str, tuple]:
    """National ID → (หมู่ที่, house no., name) of every household head."""
    out = {}
    for h, p, v in session.execute(select(Household, Person, Village).join(Person, Household.head_id == Person.id)
                                   .join(Village, Household.village_id == Village.id)):
        out[p.national_id] = (v.moo, h.house_no, f"{p.title}{p.first_name} {p.last_name}")
    return out


def test_a_debtor_control_register_is_read_with_no_mapping_and_each_row_makes_its_household_and_loan(
        laptop, tmp_path):
    path = debtor_register(tmp_path / "ทะเบียนคุมลูกหนี้.xlsx")
    plan = plan_file(laptop, path)
    (sheet,) = plan.sheets
    assert sheet.kind == "loans" and sheet.header_row == 4 and not sheet.problems
    assert [h for _, h in sheet.unmapped] == ["ลำดับ"]  # name, ID and house are read, not left over
    assert plan.ok and plan.counts == {RowAction.CREATE: 2, RowAction.MATCH: 0, RowAction.REFUSED: 0}  # the totals row is no row
    first, second = sheet.rows
    assert first.row == 5 and first.text.th.startswith(
        "ครัวเรือนใหม่: นางสมศรี ใจดี หมู่ที่ 1 บ้านโนนกลาง บ้านเลขที่ 12/1 + สัญญาใหม่ 1/2568: กข.คจ. เงินต้น 12,000.00 บาท")
    assert "ชำระแล้ว 3,000.00 บาท ณ 30 พ.ย. 2569" in first.text.th
    assert second.text.en.startswith("new household: บุญมี ศรีสุข, หมู่ที่ 2 บ้านหนองบัว, house 5 + new loan 2/2568")
    plan, result = import_file(laptop, path)
    assert result.created == {"households": 2, "groups": 0, "loans": 2, "payments": 1}
    with laptop.session() as s:
        assert by_nid(s) == {SOMSRI: (1, "12/1", "นางสมศรี ใจดี"), BOONMEE: (2, "5", "นายบุญมี ศรีสุข")}
        infos = {i.agreement_no: i for i in loan_infos(s).values()}
        assert infos["1/2568"].borrower == "นางสมศรี ใจดี" and infos["1/2568"].village == "หมู่ที่ 1 บ้านโนนกลาง"
        paid = s.scalars(select(Payment)).one()
        assert (paid.amount_satang, paid.paid_on) == (300_000, date(2026, 11, 30))


def test_the_registers_loans_show_the_arrears_and_reminders_worked_out_by_hand(laptop, tmp_path):
    import_file(laptop, debtor_register(tmp_path / "r.xlsx"))
    on = date(2026, 12, 10)
    # 1/2568: 12,000 in four half-yearly instalments of 3,000 due 15 Dec 2025, 15 Jun, 15 Dec 2026, 15 Jun 2027;
    # 3,000 paid by 30 Nov 2026 settles the first. On 10 Dec the second (15 Jun) is unpaid: 3,000 in arrears,
    # 178 days overdue (15 + 31 + 31 + 30 + 31 + 30 + 10), 9,000 of principal outstanding.
    # 2/2568: 8,000 in four of 2,000 due 1 Jan, 1 Jul 2026, 1 Jan, 1 Jul 2027; nothing paid: 4,000 in arrears,
    # the oldest 343 days overdue (365 - 22), the whole 8,000 outstanding.
    with laptop.session() as s:
        report = arrears_on(s, on)
        overdue = {o.info.agreement_no: o for o in report.overdue}
        got = {n: (o.arrears_satang, o.days_overdue, o.oldest_due, o.overdue_instalments, o.outstanding_principal)
               for n, o in overdue.items()}
        assert got == {"1/2568": (300_000, 178, date(2026, 6, 15), 1, 900_000),
                       "2/2568": (400_000, 343, date(2026, 1, 1), 2, 800_000)}
        items = reminders_on(s, on)
    # each unpaid instalment has its ask task, past 90 days overdue at the ladder's last rung (partners),
    # opened on its 90th day; the next instalments' notices: 15 Dec is 5 days away (the 7-day notice opened
    # on 8 Dec), 1 Jan 2027 is 22 days away (the 30-day notice opened on 2 Dec)
    shown = sorted((r.info.agreement_no, r.kind, r.step, r.instalment_no, r.days_overdue, r.amount_due_satang,
                    r.opened_on) for r in items)
    assert shown == [
        ("1/2568", "ask", "partners", 2, 178, 300_000, date(2026, 9, 13)),
        ("1/2568", "notice-7", "notice-7", 3, 0, 300_000, date(2026, 12, 8)),
        ("2/2568", "ask", "partners", 1, 343, 200_000, date(2026, 4, 1)),
        ("2/2568", "ask", "partners", 2, 162, 200_000, date(2026, 9, 29)),
        ("2/2568", "notice-30", "notice-30", 3, 0, 200_000, date(2026, 12, 2)),
    ]


def test_importing_the_register_again_creates_nothing(laptop, tmp_path):
    path = debtor_register(tmp_path / "r.xlsx")
    import_file(laptop, path)
    before = snapshot(laptop)
    plan, result = import_file(laptop, path, today=date(2026, 12, 2))
    assert plan.counts == {RowAction.CREATE: 0, RowAction.MATCH: 2, RowAction.REFUSED: 0} and plan.nothing_new
    assert not any(result.created.values()) and snapshot(laptop) == before


def test_two_loans_of_the_same_person_make_one_household(laptop, tmp_path):
    row = ROWS[0]
    rows = [
        row,
        [2, "นางสมศรี ใจดี", SOMSRI, "ม.1", "12/1", 5000, "1/10/2568", "1/4/2569", "3/2568", "กข.คจ.", 2, "6 เดือน"],
        [3, "นางสมสี ใจดี", None, 1, None, 4000, "1/11/2568", "1/5/2569", "4/2568", "กข.คจ.", 2, "6 เดือน"],  # no ID
        # a borrower first typed without her ID, whose ID a later row gives: one household, with the ID
        [4, "นางบัว ทองดี", None, 3, "7", 3000, "1/11/2568", "1/5/2569", "5/2568", "กข.คจ.", 2, "6 เดือน"],
        [5, "นางบัว ทองดี", nid(41901), 3, "7", 2000, "1/12/2568", "1/6/2569", "6/2568", "กข.คจ.", 2, "6 เดือน"],
    ]
    plan, result = import_file(laptop, debtor_register(tmp_path / "r.xlsx", rows, after=()))
    texts = [r.text.th for r in plan.rows]
    assert texts[0].startswith("ครัวเรือนใหม่: นางสมศรี ใจดี")
    assert texts[1].startswith("สัญญาใหม่ 3/2568: นางสมศรี ใจดี (ครัวเรือนใหม่ของแถว 5) กข.คจ.")
    assert texts[2].startswith(  # the guard's likeness
        "สัญญาใหม่ 4/2568: นางสมศรี ใจดี (ครัวเรือนใหม่ของแถว 5, ชื่อคล้ายกันในหมู่บ้านเดียวกัน) กข.คจ.")
    assert texts[4].startswith("สัญญาใหม่ 6/2568: นางบัว ทองดี (ครัวเรือนใหม่ของแถว 8)")
    assert result.created == {"households": 2, "groups": 0, "loans": 5, "payments": 1}
    with laptop.session() as s:
        assert set(by_nid(s)) == {SOMSRI, nid(41901)}
        owners = {ln.agreement_no: ln.household_id for ln in s.scalars(select(Loan))}
        assert owners["1/2568"] == owners["3/2568"] == owners["4/2568"] != owners["5/2568"] == owners["6/2568"]


def two_somsris(db):
    """Two households in หมู่ที่ 1 whose heads the duplicate guard cannot tell apart by name."""
    with db.session() as s:
        moo1 = s.scalars(select(Village.id).where(Village.moo == 1)).one()
        for first, house in (("สมศรี", "12"), ("สมสี", "40")):
            households.add_household(s, HouseholdInput(moo1, PersonInput(first, "ใจดี", "นาง"), house), force=True)


def test_a_name_only_borrower_the_guard_finds_twice_is_refused_naming_both(laptop, tmp_path):
    two_somsris(laptop)
    rows = [[1, "นางสมศรี ใจดี", None, 1, None, 5000, "1/10/2568", "1/4/2569", "7/2568", "กข.คจ.", 2, "6 เดือน"]]
    plan = plan_file(laptop, debtor_register(tmp_path / "r.xlsx", rows, after=()))
    (refused,) = plan.refused
    assert refused.sheet == "Sheet1" and refused.row == 5
    assert refused.text.th == ("หมู่ที่ 1 มีผู้ชื่อคล้าย นางสมศรี ใจดี 2 คน: นางสมศรี ใจดี บ้านเลขที่ 12, "
                               "นางสมสี ใจดี บ้านเลขที่ 40 ให้ระบุเลขประจำตัวประชาชนของผู้กู้")
    assert "give the borrower's national ID" in refused.text.en
    # the same in the ผู้กู้ column of the program's own loans sheet
    loan = {"agreement_no": "7/2568", "fund": "กข.คจ.", "borrower": "นางสมศรี ใจดี", "moo": 1, "principal": 5000,
            "instalments": 2, "frequency": "6 เดือน", "disbursed_on": "1/10/2568", "first_due": "1/4/2569"}
    plan = plan_file(laptop, register(tmp_path / "t.xlsx", loans=[loan]))
    assert [r.text.th for r in plan.refused] == [refused.text.th]


def test_a_name_only_borrower_is_the_one_household_the_guard_finds_or_else_a_new_one(laptop, tmp_path):
    two_somsris(laptop)
    loan = {"agreement_no": "7/2568", "fund": "กข.คจ.", "moo": 1, "principal": 5000, "instalments": 2,
            "frequency": "6 เดือน", "disbursed_on": "1/10/2568", "first_due": "1/4/2569"}
    plan, result = import_file(laptop, register(tmp_path / "t.xlsx", loans=[
        {**loan, "borrower": "นางสมใจ ใจดี"},  # someone else: not alike enough
        {**loan, "agreement_no": "8/2568", "borrower": "นายมานะ ใจดี", "moo": 2},
    ]))
    assert [r.text.th.split(":")[0] for r in plan.rows] == ["ครัวเรือนใหม่", "ครัวเรือนใหม่"]
    assert result.created["households"] == 2 and result.created["loans"] == 2
    with laptop.session() as s:
        households.add_household(s, HouseholdInput(
            s.scalars(select(Village.id).where(Village.moo == 3)).one(), PersonInput("ดวงใจ", "ทองมา", "นาง"), "9"))
    plan = plan_file(laptop, register(tmp_path / "u.xlsx", loans=[
        {**loan, "agreement_no": "9/2568", "borrower": "นางดวงไจ ทองมา", "moo": 3}]))
    assert plan.rows[0].action == RowAction.CREATE and plan.rows[0].text.th.startswith(
        "สัญญาใหม่ 9/2568: นางดวงใจ ทองมา บ้านเลขที่ 9 (มีอยู่แล้ว: ชื่อคล้ายกันในหมู่บ้านเดียวกัน) กข.คจ.")


def test_a_borrower_column_wins_over_the_household_columns(laptop, tmp_path):
    headers = [*HEADERS, "ผู้กู้"]
    with laptop.session() as s:
        households.add_household(s, HouseholdInput(
            s.scalars(select(Village.id).where(Village.moo == 1)).one(), PersonInput("มาลัย", "ทองคำ", "นาง", nid(7))))
    rows = [[*ROWS[0][:12], None, None, nid(7)]]  # the name columns say สมศรี; the ผู้กู้ column says มาลัย
    plan, result = import_file(laptop, debtor_register(tmp_path / "r.xlsx", rows, after=(), headers=headers))
    assert plan.rows[0].text.th.startswith("สัญญาใหม่ 1/2568: นางมาลัย ทองคำ กข.คจ.")
    assert result.created == {"households": 0, "groups": 0, "loans": 1, "payments": 0}


def test_headers_repeated_for_each_printed_page_empty_rows_and_totals_anywhere_are_not_rows(laptop, tmp_path):
    title = ["ทะเบียนคุมลูกหนี้โครงการแก้ไขปัญหาความยากจน (กข.คจ.)"]
    rows = [
        ROWS[0],
        [],
        [None, "ยอดรวม", None, None, None, "12,000", None, None, None, None, None, None, "3,000"],
        title,
        HEADERS,
        ROWS[1],
        [None, None, None, None, None, "๘,๐๐๐", None, None, "รวมทั้งสิ้น", None, None, None, 0],
    ]
    plan = plan_file(laptop, debtor_register(tmp_path / "r.xlsx", rows, after=(TOTALS,)))
    assert plan.ok and [(r.row, r.action) for r in plan.rows] == [(5, RowAction.CREATE), (10, RowAction.CREATE)]
    # the template's loans sheet repeats its header too, and a header typed with other spacing is still it
    loan = {"agreement_no": "7/2568", "fund": "กข.คจ.", "borrower": "นางสมศรี ใจดี", "moo": 1, "principal": 5000,
            "instalments": 2, "frequency": "6 เดือน", "disbursed_on": "1/10/2568", "first_due": "1/4/2569"}
    path = register(tmp_path / "t.xlsx", loans=[loan])
    wb = openpyxl.load_workbook(path)
    ws = wb[LOANS.name]
    ws.append([f" {c.headers[0]} " for c in LOANS.columns])
    ws.append([{**loan, "agreement_no": "8/2568"}.get(c.field) for c in LOANS.columns])
    wb.save(path)
    plan = plan_file(laptop, path)
    assert plan.ok and [(r.sheet, r.row, r.action) for r in plan.rows] == [(LOANS.name, 2, RowAction.CREATE), (LOANS.name, 4, RowAction.CREATE)]


def test_a_borrower_the_files_households_sheet_lists_is_that_household(laptop, tmp_path):
    path = debtor_register(tmp_path / "r.xlsx", [
        ROWS[0],
        [2, "นายบุญมี ศรีสุก", None, 2, "5", 8000, "1/7/2568", "1/1/2569", "2/2568", "กข.คจ.", 4, "6 เดือน"],
    ], after=())
    wb = openpyxl.load_workbook(path)
    people = wb.create_sheet(HOUSEHOLDS.name, 0)
    people.append([c.headers[0] for c in HOUSEHOLDS.columns])
    people.append([1, "12/1", "นาง", "สมศรี", "ใจดี", SOMSRI, "0812345678"])
    people.append([2, "5", "นาย", "บุญมี", "ศรีสุข", BOONMEE, None])
    wb.save(path)
    plan, result = import_file(laptop, path)
    loans = {r.row: r.text.th for r in plan.rows if r.sheet == "Sheet1"}
    assert loans[5].startswith("สัญญาใหม่ 1/2568: นางสมศรี ใจดี กข.คจ.")  # the same national ID
    assert loans[6].startswith("สัญญาใหม่ 2/2568: นายบุญมี ศรีสุข (ชื่อคล้ายกันในหมู่บ้านเดียวกัน) กข.คจ.")
    assert result.created == {"households": 2, "groups": 0, "loans": 2, "payments": 1}


def test_a_register_mapped_by_hand_to_its_id_column_reads_the_same(laptop, tmp_path):
    path = debtor_register(tmp_path / "r.xlsx")
    plan = plan_file(laptop, path, {"Sheet1": {"borrower": "C"}})
    assert plan.ok and [r.text.th.split(" + ")[0] for r in plan.rows] == [
        "ครัวเรือนใหม่: นางสมศรี ใจดี หมู่ที่ 1 บ้านโนนกลาง บ้านเลขที่ 12/1",
        "ครัวเรือนใหม่: นายบุญมี ศรีสุข หมู่ที่ 2 บ้านหนองบัว บ้านเลขที่ 5"]
