"""The register template and the register export: the sheets an officer fills in, and the books written out
so that importing them into a laptop set up the same way gives the same books."""

from __future__ import annotations

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db import open_database
from exports.workbook import read_workbook
from fieldtool import (
    bookimport,
    funds,
    groups,
    households,
    lending,
    loanbook,
    places,
    registry,
    reminders,
    repayments,
)
from fieldtool.booklayout import INSTRUCTIONS_SHEET, SHEETS
from fieldtool.models import Household, Loan, Payment, Person, Village
from fieldtool.thai import parse_baht
from tests.test_cli import run, run_json, snapshot

BE_DATE = "[$-107041E]d/mm/yyyy"
MALAI_ID = "3341900123454"
BUNMA_ID = "3341900456780"


def column_of(ws, header: str) -> str:
    """The letter of the column whose row-1 header is `header`."""
    return next(c.column_letter for c in ws[1] if c.value == header)


def cells_of(ws, header: str) -> list:
    letter = column_of(ws, header)
    return [ws[f"{letter}{r}"] for r in range(2, ws.max_row + 1)]


def rows_of(ws) -> list[dict]:
    headers = [c.value for c in ws[1]]
    return [dict(zip(headers, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def list_choices(wb, ws, header: str) -> list | None:
    """What a list validation on the column offers: its inline words, or the cells its range points at."""
    letter = column_of(ws, header)
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list" and any(str(r).startswith(f"{letter}2:") for r in dv.sqref.ranges):
            formula = dv.formula1
            if formula.startswith('"'):
                return formula.strip('"').split(",")
            sheet, first, last = re.fullmatch(r"'?(.+?)'?!\$A\$(\d+):\$A\$(\d+)", formula).groups()
            return [wb[sheet][f"A{r}"].value for r in range(int(first), int(last) + 1)]
    return None


def pay(db, loan_id: str, baht: str, on: date, receipt: str = "") -> str:
    """A payment as the book records it, with the number of the receipt the borrower holds."""
    with db.session() as s:
        return repayments.record_payment(s, loan_id, parse_baht(baht), on, receipt_no=receipt).id


def small_book(book) -> dict[str, str]:
    """The conftest subdistrict with what an officer keeps in it: households with IDs, a group with members,
    a household loan with payments (one reversed), a group loan without an agreement number, an application."""
    db = book.db
    with db.session() as s:
        malai = households.add_household(s, households.HouseholdInput(
            book.village_id, households.PersonInput("มาลัย", "ทองคำ", "นาง", MALAI_ID, "0812345678"), house_no="12/1"))
        households.add_household(s, households.HouseholdInput(
            book.village_id, households.PersonInput("บุญมา", "แสนทวี", "นางสาว", BUNMA_ID), house_no="45"))
        registry.add_group_member(s, book.group_id, s.get(households.Household, malai.id).head_id)
        outsider = registry.add_person(s, "จันทร์เพ็ญ", "แก้วใส", "นางสาว", village_id=book.village_id)
        registry.add_group_member(s, book.group_id, outsider.id, "treasurer")
        household_loan = lending.add_loan(
            s, fund_id=book.women_fund, household_id=malai.id, principal_satang=1_000_000, instalments=12,
            first_due=date(2025, 12, 15), applied_on=date(2025, 11, 1), agreement_no="1/2569", purpose="ทอผ้าไหม")
        group_loan = lending.add_loan(
            s, fund_id=book.kkkj_fund, group_id=book.group_id, principal_satang=3_000_000, instalments=6,
            frequency="half-yearly", first_due=date(2026, 6, 1), applied_on=date(2025, 11, 1), purpose="เลี้ยงโค")
        application = lending.add_loan(
            s, fund_id=book.village_fund, household_id=book.household_id, principal_satang=500_000, instalments=10,
            first_due=date(2026, 12, 31), applied_on=date(2026, 1, 5), agreement_no="9/2569")
        for loan in (household_loan, group_loan):
            lending.disburse(s, loan.id, date(2025, 11, 15) if loan is household_loan else date(2025, 12, 1),
                              reason="ย้ายสัญญาเดิมเข้าระบบ")
        ids = {"household_loan": household_loan.id, "group_loan": group_loan.id, "application": application.id}
    pay(db, ids["household_loan"], "850", date(2025, 12, 15), "0012")
    pay(db, ids["household_loan"], "850", date(2026, 1, 14), "0031")
    wrong = pay(db, ids["household_loan"], "5,000", date(2026, 1, 20), "0040")
    with db.session() as s:
        repayments.reverse_payment(s, wrong, date(2026, 1, 21), "พิมพ์ผิด")
    pay(db, ids["group_loan"], "1,000.50", date(2026, 2, 2))
    return ids


# --- the template ------------------------------------------------------------------------------------------


def test_the_template_has_the_instructions_first_then_each_sheet_with_the_layouts_headers(db, capsys, tmp_path):
    out = tmp_path / "แม่แบบ.xlsx"
    shown = run_json(db, capsys, "import-template", "--out", str(out))
    assert shown["path"] == str(out) and shown["counts"] == {"households": 0, "groups": 0, "loans": 0, "payments": 0}
    wb = load_workbook(out)
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, "ครัวเรือน", "กลุ่ม", "สัญญาเงินกู้", "การชำระเงิน"]
    for layout in SHEETS:
        ws = wb[layout.name]
        assert [c.value for c in ws[1]] == [c.headers[0] for c in layout.columns]
        assert ws.max_row == 1, "examples belong on the instructions sheet: rows here would be imported"
        assert ws.freeze_panes == "A2" and ws["A1"].font.b
    households_ws, loans, payments = wb["ครัวเรือน"], wb["สัญญาเงินกู้"], wb["การชำระเงิน"]
    assert households_ws.column_dimensions[column_of(households_ws, "เลขประจำตัวประชาชน")].number_format == "@"
    assert households_ws.column_dimensions[column_of(households_ws, "โทรศัพท์")].number_format == "@"
    assert loans.column_dimensions[column_of(loans, "วันที่รับเงิน")].number_format == BE_DATE
    assert loans.column_dimensions[column_of(loans, "ครบกำหนดงวดแรก")].number_format == BE_DATE
    assert loans.column_dimensions[column_of(loans, "เลขที่สัญญา")].number_format == "@"
    assert loans.column_dimensions[column_of(loans, "เงินต้น")].number_format == "#,##0.00"
    assert payments.column_dimensions[column_of(payments, "วันที่ชำระ")].number_format == BE_DATE
    assert list_choices(wb, loans, "ชำระทุก") == ["เดือน", "3 เดือน", "6 เดือน", "ปี"]
    assert list_choices(wb, households_ws, "คำนำหน้า") == ["นาย", "นาง", "นางสาว"]


def test_the_instructions_explain_in_thai_with_english_and_show_examples(db, capsys, tmp_path):
    out = tmp_path / "template.xlsx"
    run(db, "import-template", "--out", str(out), capsys=capsys)
    text = "\n".join(str(c.value) for row in load_workbook(out)[INSTRUCTIONS_SHEET].iter_rows() for c in row
                     if c.value is not None)
    for words in ("22/11/2569", "13 หลัก", "ชำระทุก", "6 เดือน", "ตั้งค่าตำบล หมู่บ้าน และกองทุน", "ชำระแล้วรวม",
                  "นำเข้าไฟล์เดิมซ้ำได้", "Importing the same file twice creates nothing new",
                  "A loan in mid-life needs either its payment rows", "3341900123454", "1/2569"):
        assert words in text, words
    for layout in SHEETS:
        for column in layout.columns:
            assert column.headers[0] in text


def test_a_set_up_laptops_template_offers_its_own_funds_and_villages(book, capsys, tmp_path):
    with book.db.session() as s:
        registry.add_village(s, places.own_subdistrict(s).id, 7, "บ้านโนนสูง")
    out = tmp_path / "template.xlsx"
    shown = run_json(book.db, capsys, "import-template", "--out", str(out))
    assert shown["villages"] == [3, 7]
    wb = load_workbook(out)
    assert sorted(list_choices(wb, wb["สัญญาเงินกู้"], "กองทุน")) == sorted(
        ["กองทุนพัฒนาบทบาทสตรี", "กข.คจ.", "กองทุนหมู่บ้าน"])
    for sheet in ("ครัวเรือน", "กลุ่ม", "สัญญาเงินกู้"):
        assert list_choices(wb, wb[sheet], "หมู่ที่") == [3, 7]
    examples = [c.value for row in wb[INSTRUCTIONS_SHEET].iter_rows() for c in row]
    assert "กลุ่มทอผ้าไหมบ้านหนองบัว" in examples, "the examples use the laptop's own first village"


def test_a_template_from_a_laptop_not_yet_set_up_lets_any_village_number_be_typed(db, capsys, tmp_path):
    out = tmp_path / "template.xlsx"
    printed = run(db, "import-template", "--out", str(out), capsys=capsys).out
    assert "ยังไม่ได้ตั้งค่าหมู่บ้านหรือกองทุน" in printed
    wb = load_workbook(out)
    loans = wb["สัญญาเงินกู้"]
    assert list_choices(wb, loans, "กองทุน") is None
    moo = column_of(loans, "หมู่ที่")
    whole = [dv for dv in loans.data_validations.dataValidation if str(dv.sqref).startswith(f"{moo}2:")]
    assert [(dv.type, dv.formula1, dv.formula2) for dv in whole] == [("whole", "1", "99")]


def test_the_examples_on_the_instructions_sheet_are_rows_the_importer_takes(book, capsys, tmp_path):
    out = tmp_path / "template.xlsx"
    run(book.db, "import-template", "--out", str(out), capsys=capsys)
    wb = load_workbook(out)
    rows = list(wb[INSTRUCTIONS_SHEET].iter_rows(values_only=True))
    for layout in SHEETS:
        # each example table starts with the sheet's own header row; copy its rows into the sheet
        headers = [c.headers[0] for c in layout.columns]
        at = next(i for i, r in enumerate(rows) if list(r[:len(headers)]) == headers) + 1
        while at < len(rows) and any(cell is not None for cell in rows[at][:len(headers)]):
            wb[layout.name].append(list(rows[at][:len(headers)]))
            at += 1
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    with book.db.session() as s:
        plan = bookimport.plan_import(s, read_workbook(filled))
    # the book already has นายบุญมี ศรีสุข and the silk group of หมู่ที่ 3: the examples find them
    assert plan.ok and plan.counts == {"create": 5, "match": 2, "refused": 0}
    loans = next(sheet for sheet in plan.sheets if sheet.kind == "loans")
    # the women's fund's example rate, shown as 2.00 %, is read as 2 % a year
    assert "ดอกเบี้ย 2% ต่อปี" in loans.rows[1].text.th and "กองทุนพัฒนาบทบาทสตรี" in loans.rows[1].text.th


# --- the export --------------------------------------------------------------------------------------------


def test_the_export_holds_the_books_as_the_officer_keeps_them(book, capsys, tmp_path):
    ids = small_book(book)
    out = tmp_path / "ทะเบียน.xlsx"
    shown = run_json(book.db, capsys, "export-registers", "--out", str(out))
    assert shown["counts"] == {"households": 3, "groups": 1, "loans": 2, "payments": 3}
    assert shown["left_out"] == {"undisbursed_loans": 1, "reversed_payments": 1}
    generated = f"FT-{ids['group_loan'][:8]}"
    assert shown["numbered"] == [generated]
    wb = load_workbook(out)
    assert wb.sheetnames[0] == INSTRUCTIONS_SHEET

    people = wb["ครัวเรือน"]
    malai = next(r for r in rows_of(people) if r["ชื่อ"] == "มาลัย")
    assert malai == {"หมู่ที่": 3, "บ้านเลขที่": "12/1", "คำนำหน้า": "นาง", "ชื่อ": "มาลัย", "นามสกุล": "ทองคำ",
                     "เลขประจำตัวประชาชน": MALAI_ID, "โทรศัพท์": "0812345678"}
    id_cell = next(c for c in cells_of(people, "เลขประจำตัวประชาชน") if c.value == MALAI_ID)
    assert id_cell.data_type == "s" and id_cell.number_format == "@"

    group = rows_of(wb["กลุ่ม"])[0]
    assert group["ชื่อกลุ่ม"] == "กลุ่มทอผ้าไหมบ้านหนองบัว" and group["หมู่ที่"] == 3
    assert group["ประธาน"] == "นางสมศรี ใจดี"
    assert group["สมาชิก"].split(", ") == ["นางสาวจันทร์เพ็ญ แก้วใส", MALAI_ID]

    loans = {r["เลขที่สัญญา"]: r for r in rows_of(wb["สัญญาเงินกู้"])}
    assert set(loans) == {"1/2569", generated}, "the application never paid out is not in the books"
    mine = loans["1/2569"]
    assert (mine["กองทุน"], mine["ผู้กู้"], mine["หมู่ที่"], mine["เงินต้น"], mine["อัตราดอกเบี้ยต่อปี"],
            mine["จำนวนงวด"], mine["ชำระทุก"], mine["วัตถุประสงค์"]) == (
        "กองทุนพัฒนาบทบาทสตรี", MALAI_ID, 3, 10_000, 0.02, 12, "เดือน", "ทอผ้าไหม")
    assert mine["ชำระแล้วรวม"] is None and mine["ชำระแล้ว ณ วันที่"] is None
    assert loans[generated]["ผู้กู้"] == "กลุ่มทอผ้าไหมบ้านหนองบัว" and loans[generated]["ชำระทุก"] == "6 เดือน"
    row = next(c.row for c in cells_of(wb["สัญญาเงินกู้"], "เลขที่สัญญา") if c.value == "1/2569")
    disbursed = next(c for c in cells_of(wb["สัญญาเงินกู้"], "วันที่รับเงิน") if c.row == row)
    assert disbursed.value.date() == date(2025, 11, 15) and disbursed.number_format == BE_DATE

    payments = wb["การชำระเงิน"]
    assert [(r["เลขที่สัญญา"], r["วันที่ชำระ"].date(), r["จำนวนเงิน"], r["เลขที่ใบเสร็จ"]) for r in rows_of(payments)] == [
        ("1/2569", date(2025, 12, 15), 850, "0012"),
        ("1/2569", date(2026, 1, 14), 850, "0031"),
        (generated, date(2026, 2, 2), 1000.5, None),
    ], "the reversed 5,000 and its reversal are not exported"
    amount = next(c for c in cells_of(payments, "จำนวนเงิน") if c.value == 1000.5)
    assert amount.number_format == "#,##0.00"

    notes = "\n".join(str(c.value) for row in wb[INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)
    assert "ตำบลโนนกลาง" in notes and "FT-" in notes and "ไม่ได้จ่ายเงิน" in notes


def test_an_agreement_number_two_loans_share_is_written_apart_for_each(book, capsys, tmp_path):
    first = book.loan(fund=book.women_fund)
    second = book.loan(fund=book.village_fund)
    with book.db.session() as s:
        for loan_id in (first, second):
            # two funds that each number their agreements from 1: a register's everyday case
            s.get(loanbook.Loan, loan_id).agreement_no = "1/2568"
    out = tmp_path / "out.xlsx"
    shown = run_json(book.db, capsys, "export-registers", "--out", str(out))
    written = sorted(r["written"] for r in shown["renumbered"])
    assert written == sorted([f"1/2568 FT-{first[:8]}", f"1/2568 FT-{second[:8]}"])
    assert sorted(r["เลขที่สัญญา"] for r in rows_of(load_workbook(out)["สัญญาเงินกู้"])) == written


def test_an_export_to_a_path_that_cannot_be_written_is_one_sentence_and_leaves_nothing(book, capsys, tmp_path):
    small_book(book)
    before = snapshot(book.db)
    err = run(book.db, "export-registers", "--out", str(tmp_path / "ไม่มีโฟลเดอร์" / "out.xlsx"), expect=2,
              capsys=capsys).err
    assert err.count("\n") == 1 and "บันทึกไฟล์ไม่ได้" in err
    err = run(book.db, "export-registers", "--out", str(tmp_path / "out.xls"), expect=2, capsys=capsys).err
    assert ".xlsx" in err and not (tmp_path / "out.xls").exists()
    left = [p.name for p in tmp_path.rglob("*") if not p.name.startswith("field.sqlite")]
    assert left == [], "no half-written or probe file is left"
    assert snapshot(book.db) == before


# --- the round trip ----------------------------------------------------------------------------------------


def set_up_like_the_book(path):
    """A fresh laptop set up the way the conftest book is: the same place, village and funds."""
    fresh = open_database(path)
    with fresh.session() as s:
        registry.set_setting(s, "officer", "นางสาวทดสอบ ระบบดี")
        sub = registry.setup_subdistrict(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        registry.add_village(s, sub.id, 3, "บ้านหนองบัว")
        funds.add_fund(s, "กองทุนพัฒนาบทบาทสตรี", "women", rate_bp=200)
        funds.add_fund(s, "กข.คจ.", "kkkj")
        funds.add_fund(s, "กองทุนหมู่บ้าน", "village", rate_bp=600)
    return fresh


def the_books(db, on: date) -> dict:
    """Everything a user sees of the books, read from the domain (not from the export's read model), in words
    that do not depend on record ids: a loan is named by its agreement number, or the one export gives it."""
    with db.session() as s:
        people = {p.id: p for p in s.scalars(select(Person))}
        moo = {v.id: v.moo for v in s.scalars(select(Village))}
        heads = sorted(
            (moo[h.village_id], h.house_no, people[h.head_id].title, people[h.head_id].first_name,
             people[h.head_id].last_name, people[h.head_id].national_id, h.phone or people[h.head_id].phone)
            for h in s.scalars(select(Household))
        )
        # The register has a chair and members, not the other offices of a committee: members by name.
        group_list = sorted((g.name, g.village, g.chair, sorted(name for _, name, _ in g.members))
                            for g in groups.group_views(s))
        infos = {i: info for i, info in loanbook.loan_infos(s).items() if info.disbursed_on is not None}
        name = {i: info.agreement_no or f"FT-{i[:8]}" for i, info in infos.items()}
        loans = {}
        for loan in s.scalars(select(Loan).where(Loan.id.in_(list(infos)))):
            info = infos[loan.id]
            loans[name[loan.id]] = (info.fund, info.borrower, info.village, loan.principal_satang, loan.rate_bp,
                                    loan.instalments, loan.frequency, loan.disbursed_on, loan.first_due,
                                    loan.purpose, loan.ask_ladder, loan.demand_rules)
        payments = s.scalars(select(Payment)).all()
        cancelled = {p.reverses_id for p in payments if p.reverses_id}
        standing = sorted((name[p.loan_id], p.paid_on, p.amount_satang, p.receipt_no) for p in payments
                          if p.reverses_id is None and p.id not in cancelled)
        states = loanbook.load_states(s, on, list(infos))
        schedules = {
            name[i]: ([(n.no, n.due_date, n.principal_satang, n.interest_satang) for n in st.instalments],
                      (st.stage, st.paid_satang, st.outstanding_satang, st.arrears_satang, st.days_overdue))
            for i, st in states.items()
        }
        todo = sorted((r.kind, r.step, name[r.loan_id], r.instalment_no, r.due_date, r.amount_due_satang,
                       r.days_overdue, r.info.borrower, r.info.village) for r in reminders.reminders_on(s, on))
    return {"households": heads, "groups": group_list, "loans": loans, "payments": standing,
            "schedules": schedules, "reminders": todo}


@pytest.mark.parametrize("on", [date(2026, 1, 10), date(2026, 3, 5)])
def test_export_then_import_into_a_laptop_set_up_the_same_way_gives_the_same_books(book, capsys, tmp_path, on):
    small_book(book)
    book.loan(household=False)  # a second group loan, agreement number generated too
    out = tmp_path / "registers.xlsx"
    run(book.db, "export-registers", "--out", str(out), capsys=capsys)
    fresh = set_up_like_the_book(tmp_path / "fresh.sqlite")
    try:
        workbook = read_workbook(out)
        with fresh.session() as s:
            plan = bookimport.plan_import(s, workbook)
            bookimport.apply_import(s, plan)
        expected, got = the_books(book.db, on), the_books(fresh, on)
        for key in expected:
            assert got[key] == expected[key], key
        assert expected["reminders"] and len(expected["payments"]) == 3 and len(expected["loans"]) == 3, \
            "the books have work and money in them, so the comparison means something"
        # importing the same file again creates nothing
        before = snapshot(fresh)
        with fresh.session() as s:
            bookimport.apply_import(s, bookimport.plan_import(s, workbook))
        assert snapshot(fresh) == before
    finally:
        fresh.dispose()
