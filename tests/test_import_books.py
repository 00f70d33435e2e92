"""Importing the registers offices keep in Excel: plan (dry run), apply, import again, and what the loan
book then says about loans that came in mid-life."""

import zipfile
from datetime import date
from xml.sax.saxutils import escape

import openpyxl
import pytest
from sqlalchemy import func, inspect, select, text

from exports.workbook import read_workbook
from fieldtool import funds, places
from fieldtool.arrears import arrears_on
from fieldtool.bookimport import apply_import, plan_import
from fieldtool.booklayout import GROUPS, HOUSEHOLDS, LOANS, PAYMENTS
from fieldtool.loanbook import load_states
from fieldtool.models import BorrowingGroup, GroupMember, Household, Loan, Payment
from fieldtool.reminders import reminders_on
from fieldtool.thai import InputError, national_id_check_digit
from fieldtool.vocabulary import RowAction


def nid(n: int) -> str:
    first12 = f"3{n:011d}"
    return first12 + str(national_id_check_digit(first12))


MALAI, SOMMAI, BUA = nid(1), nid(2), nid(3)


@pytest.fixture
def office(db):
    """A laptop set up the way the register needs it: place, villages 3 and 4, two funds."""
    with db.session() as s:
        places.set_place(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        places.add_village(s, 3, "บ้านหนองบัว")
        places.add_village(s, 4, "บ้านโนนสูง")
        funds.add_fund(s, "กข.คจ.", "kkkj")
        funds.add_fund(s, "กองทุนพัฒนาบทบาทสตรี", "women", rate_bp=200)
    return db


def snapshot(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in inspect(conn).get_table_names()}


def sheet(wb, layout, rows, name=None):
    ws = wb.create_sheet(name or layout.name)
    ws.append([c.headers[0] for c in layout.columns])
    for row in rows:
        ws.append([row.get(c.field) for c in layout.columns])
    return ws


def register(path, households=(), groups=(), loans=(), payments=()):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheet(wb, HOUSEHOLDS, households)
    sheet(wb, GROUPS, groups)
    sheet(wb, LOANS, loans)
    sheet(wb, PAYMENTS, payments)
    wb.save(path)
    return path


HOUSEHOLD_ROWS = [
    {"moo": 3, "house_no": "12", "title": "นาง", "first_name": "มาลัย", "last_name": "ทองคำ",
     "national_id": float(MALAI), "phone": 812345678},
    {"moo": "ม.4", "first_name": "นายสมหมาย ใจดี", "national_id": SOMMAI},
    {"moo": "หมู่ที่ 3", "first_name": "นางบัว ทองดี", "national_id": BUA, "phone": "089-111-2222"},
]
GROUP_ROWS = [{"name": "กลุ่มทอผ้าไหม", "moo": 3, "chair": "นางสมศรี ใจงาม", "members": f"{MALAI}\nนางบัว ทองดี"}]
LOAN_ROWS = [
    # 12,000 baht in 12 monthly instalments of 1,000 from 15 Jan 2026, five paid (payments sheet)
    {"agreement_no": "1/2569", "fund": "กข.คจ.", "borrower": MALAI, "moo": 3, "principal": 12000,
     "instalments": 12, "frequency": "เดือน", "disbursed_on": "15/12/2568", "first_due": "15 ม.ค. 69",
     "purpose": "เลี้ยงไก่"},
    # the same loan with a paid-to-date figure instead of payment rows
    {"agreement_no": "2/2569", "fund": "กข.คจ.", "borrower": SOMMAI, "principal": "12,000.00",
     "instalments": 12, "frequency": "รายเดือน", "disbursed_on": date(2025, 12, 15), "first_due": date(2569, 1, 15),
     "paid_to_date": "5,000", "paid_as_of": "15/05/2569"},
    # a group loan of the women's fund at 2 %: 50,000 + 2,000 interest in four half-yearly instalments
    {"agreement_no": "ส.1/2569", "fund": "กองทุนพัฒนาบทบาทสตรี", "borrower": "กลุ่มทอผ้าไหม", "moo": 3,
     "principal": 50000, "rate": 0.02, "instalments": 4, "frequency": "6 เดือน", "disbursed_on": "1/1/2569",
     "first_due": "1/7/2569", "purpose": "ทอผ้าไหม"},
]
PAYMENT_ROWS = [
    {"agreement_no": "1/2569", "paid_on": date(2026, m, 15), "amount": 1000, "receipt_no": f"ร{m}"} for m in range(1, 6)
]


def full_register(tmp_path, name="register.xlsx"):
    return register(tmp_path / name, HOUSEHOLD_ROWS, GROUP_ROWS, LOAN_ROWS, PAYMENT_ROWS)


def plan_file(db, path, overrides=None):
    with db.session() as s:
        return plan_import(s, read_workbook(path), overrides)


def import_file(db, path, overrides=None, today=date(2026, 12, 1)):
    with db.session() as s:
        plan = plan_import(s, read_workbook(path), overrides)
        return plan, apply_import(s, plan, today)


def test_a_dry_run_says_what_each_row_becomes_and_writes_nothing(office, tmp_path):
    path = full_register(tmp_path)
    before = snapshot(office)
    plan = plan_file(office, path)
    assert snapshot(office) == before
    assert plan.ok and plan.counts == {RowAction.CREATE: 12, RowAction.MATCH: 0, RowAction.REFUSED: 0}
    by_sheet = {s.name: s for s in plan.sheets}
    assert by_sheet["สัญญาเงินกู้"].header_row == 1 and by_sheet["สัญญาเงินกู้"].counts[RowAction.CREATE] == 3
    loan = by_sheet["สัญญาเงินกู้"].rows[0]
    assert loan.row == 2 and "สัญญาใหม่ 1/2569: นางมาลัย ทองคำ กข.คจ. เงินต้น 12,000.00 บาท 12 งวด รายเดือน" in loan.text.th
    assert "ดอกเบี้ย 2% ต่อปี" in by_sheet["สัญญาเงินกู้"].rows[2].text.th
    assert "ชำระแล้ว 5,000.00 บาท ณ 15 พ.ค. 2569" in by_sheet["สัญญาเงินกู้"].rows[1].text.th


def test_importing_makes_the_books_and_importing_again_creates_nothing(office, tmp_path):
    path = full_register(tmp_path)
    plan, result = import_file(office, path)
    assert result.created == {"households": 3, "groups": 1, "loans": 3, "payments": 6}
    with office.session() as s:
        group = s.scalars(select(BorrowingGroup)).one()
        members = s.scalars(select(GroupMember).where(GroupMember.group_id == group.id)).all()
        assert len(members) == 3 and group.chair_id is not None
        loans = {ln.agreement_no: ln for ln in s.scalars(select(Loan))}
        assert loans["1/2569"].applied_on == loans["1/2569"].approved_on == loans["1/2569"].disbursed_on == date(2025, 12, 15)
        assert loans["1/2569"].prevent_override.startswith("นำเข้าจากทะเบียนเดิม (register.xlsx)")
        assert loans["ส.1/2569"].rate_bp == 200 and loans["ส.1/2569"].group_id == group.id
        receipts = sorted(p.receipt_no for p in s.scalars(select(Payment).where(Payment.loan_id == loans["1/2569"].id)))
        assert receipts == ["ร1", "ร2", "ร3", "ร4", "ร5"]
        paid_to_date = s.scalars(select(Payment).where(Payment.loan_id == loans["2/2569"].id)).one()
        assert (paid_to_date.amount_satang, paid_to_date.paid_on) == (500_000, date(2026, 5, 15))
        assert "paid-to-date figure of the old book" in paid_to_date.note
        assert s.scalar(select(func.count()).select_from(Household)) == 3
    before = snapshot(office)
    again = plan_file(office, path)
    assert again.counts == {RowAction.CREATE: 0, RowAction.MATCH: 12, RowAction.REFUSED: 0} and again.nothing_new
    assert again.imported_before["on"] == "2026-12-01" and again.imported_before["created"]["loans"] == 3
    with office.session() as s:
        assert apply_import(s, again, date(2026, 12, 2)).created == dict.fromkeys(("households", "groups", "loans", "payments"), 0)
    after = snapshot(office)
    assert after == before  # nothing at all: not even the record of the import changes
    assert plan_file(office, path).imported_before["on"] == "2026-12-01"


def test_loans_brought_in_mid_life_show_the_arrears_and_reminders_worked_out_by_hand(office, tmp_path):
    import_file(office, full_register(tmp_path))
    on = date(2026, 8, 20)
    # 12 instalments of 1,000 due on the 15th from January; five paid. By 20 Aug eight are due (Jan–Aug):
    # 3,000 in arrears, the oldest unpaid (no. 6, 15 Jun) 66 days overdue, 7,000 of principal outstanding.
    with office.session() as s:
        report = arrears_on(s, on)
        overdue = {o.info.agreement_no: o for o in report.overdue}
        for number in ("1/2569", "2/2569"):  # payment rows and the paid-to-date figure give the same book
            o = overdue[number]
            assert (o.arrears_satang, o.days_overdue, o.bucket, o.overdue_instalments) == (300_000, 66, "61-90", 3)
            assert o.outstanding_principal == 700_000 and o.oldest_due == date(2026, 6, 15)
        # the group loan: 52,000 in four of 13,000; the first (1 Jul) unpaid, 50 days overdue
        assert (overdue["ส.1/2569"].arrears_satang, overdue["ส.1/2569"].days_overdue) == (1_300_000, 50)
        assert report.total.at_risk_30_principal == 700_000 * 2 + 5_000_000
        items = [r for r in reminders_on(s, on) if r.info.agreement_no == "1/2569"]
    # the ask ladder: 66 days → relief (60), 36 days → meeting (30), 5 days → field visit (1);
    # instalment 9 (15 Sep) has its 30-day notice open since 16 Aug, the 15-day one opens on 31 Aug
    got = sorted((r.kind, r.step, r.instalment_no, r.days_overdue, r.amount_due_satang) for r in items)
    assert got == [
        ("ask", "meeting", 7, 36, 100_000), ("ask", "relief", 6, 66, 100_000), ("ask", "visit", 8, 5, 100_000),
        ("notice-30", "notice-30", 9, 0, 100_000),
    ]
    notice = next(r for r in items if r.kind == "notice-30")
    assert notice.opened_on == date(2026, 8, 16) and notice.due_date == date(2026, 9, 15)


def test_refused_rows_name_their_sheet_and_row_and_the_rest_is_still_planned(office, tmp_path):
    wrong_check = MALAI[:12] + str((int(MALAI[12]) + 1) % 10)
    path = register(
        tmp_path / "bad.xlsx",
        households=[
            HOUSEHOLD_ROWS[0],
            {"moo": 3, "first_name": "นายเลขผิด ทดลอง", "national_id": wrong_check},
            {"moo": 9, "first_name": "นางไม่มี หมู่บ้าน"},
            {"moo": 3, "first_name": "นางมาลัย ทองคำ", "national_id": MALAI},
        ],
        loans=[
            LOAN_ROWS[0],
            {**LOAN_ROWS[0], "agreement_no": "3/2569", "fund": "กองทุนที่ไม่มี"},
            {**LOAN_ROWS[0], "agreement_no": "4/2569", "principal": 0},
            {**LOAN_ROWS[0], "agreement_no": "5/2569"},
            {**LOAN_ROWS[0], "agreement_no": "5/2569", "principal": 5000},
            {**LOAN_ROWS[0], "agreement_no": "6/2569", "first_due": "1/12/2568"},
            {**LOAN_ROWS[0], "agreement_no": "7/2569", "borrower": nid(99)},
        ],
        payments=[
            {"agreement_no": "1/2569", "paid_on": "1/12/2568", "amount": 1000},
            {"agreement_no": "99/2569", "paid_on": "1/1/2569", "amount": 1000},
            {"agreement_no": "5/2569", "paid_on": "1/1/2569", "amount": 1000},
            {"agreement_no": "1/2569", "paid_on": "15/1/2569", "amount": 1000},
        ],
    )
    plan = plan_file(office, path)
    refused = {(r.sheet, r.row): r.text for r in plan.refused}
    assert set(refused) == {("ครัวเรือน", 3), ("ครัวเรือน", 4), ("ครัวเรือน", 5), ("สัญญาเงินกู้", 3),
                            ("สัญญาเงินกู้", 4), ("สัญญาเงินกู้", 5), ("สัญญาเงินกู้", 6), ("สัญญาเงินกู้", 7),
                            ("สัญญาเงินกู้", 8), ("การชำระเงิน", 2), ("การชำระเงิน", 3), ("การชำระเงิน", 4)}
    assert "check digit" in refused[("ครัวเรือน", 3)].en
    assert refused[("ครัวเรือน", 4)].th == "ไม่มีหมู่ที่ 9 ในตำบลนี้ ให้เพิ่มหมู่บ้านก่อนนำเข้า"
    assert "also in row 2" in refused[("ครัวเรือน", 5)].en
    assert "no fund กองทุนที่ไม่มี" in refused[("สัญญาเงินกู้", 3)].en
    assert "principal must be more than zero" in refused[("สัญญาเงินกู้", 4)].en
    assert "on 2 rows of the file" in refused[("สัญญาเงินกู้", 5)].en and ("สัญญาเงินกู้", 6) in refused
    assert "after the money was received" in refused[("สัญญาเงินกู้", 7)].en
    assert f"no borrower with national ID {nid(99)}" in refused[("สัญญาเงินกู้", 8)].en
    assert "before the money was received" in refused[("การชำระเงิน", 2)].en
    assert "neither in this file nor in the book" in refused[("การชำระเงิน", 3)].en
    assert "is refused" in refused[("การชำระเงิน", 4)].en
    assert plan.counts[RowAction.CREATE] == 3  # มาลัย, loan 1/2569 and its payment of 15 Jan
    with office.session() as s:
        result = apply_import(s, plan)
    assert result.created == {"households": 1, "groups": 0, "loans": 1, "payments": 1} and result.refused == 12


def tpmap_sheet(wb, rows):
    """A TPMAP-style list: merged title rows, a two-row header, IDs Excel turned into numbers."""
    ws = wb.create_sheet("TPMAP ครัวเรือนเป้าหมาย")
    ws["A1"] = "รายชื่อครัวเรือนเป้าหมาย (TPMAP) ปี 2569"
    ws.merge_cells("A1:H1")
    ws["A2"] = "จังหวัดอุบลราชธานี อำเภอพิบูลมังสาหาร ตำบลโนนกลาง"
    ws.merge_cells("A2:H2")
    ws["A3"] = "ข้อมูล ณ วันที่ 30 ก.ย. 2568"
    ws.merge_cells("A3:H3")
    for col, title in zip("ABCDEFGH", ("ลำดับ", "ตำบล", "หมู่ที่", "ชื่อ-สกุล", None, "เลขบัตรประชาชน (13 หลัก)",
                                       "บ้านเลขที่", "ปัญหาด้าน"), strict=True):
        if title:
            ws[f"{col}4"] = title
    for col in "ABCFGH":
        ws.merge_cells(f"{col}4:{col}5")
    ws.merge_cells("D4:E4")
    ws["D5"], ws["E5"] = "ชื่อ", "นามสกุล"
    for i, row in enumerate(rows, start=6):
        for col, value in zip("ABCDEFGH", (i - 5, *row), strict=True):
            ws[f"{col}{i}"] = value
    return ws


def test_a_tpmap_list_with_merged_title_rows_is_found_and_its_households_come_from_tpmap(office, tmp_path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    tpmap_sheet(wb, [
        ("ตำบลโนนกลาง", "หมู่ 3", "นางมาลัย", "ทองคำ", int(MALAI), "12", "รายได้"),
        ("ต.โนนกลาง", 4, "นายสมหมาย", "ใจดี", "3-0000-00000-xx-x", "5", "สุขภาพ"),
        ("ตำบลหนองเต่า", 3, "นางบัว", "ทองดี", BUA, "7", "รายได้"),
    ])
    wb.save(tmp_path / "tpmap.xlsx")
    plan = plan_file(office, tmp_path / "tpmap.xlsx")
    (sheet_plan,) = plan.sheets
    assert plan.source == "tpmap" and sheet_plan.kind == "households" and sheet_plan.header_row == 5
    assert {c.field: c.header for c in sheet_plan.columns} == {
        "moo": "หมู่ที่", "first_name": "ชื่อ", "last_name": "นามสกุล",
        "national_id": "เลขบัตรประชาชน (13 หลัก)", "house_no": "บ้านเลขที่"}
    assert [h for _, h in sheet_plan.unmapped] == ["ลำดับ", "ตำบล", "ปัญหาด้าน"]
    assert [r.action for r in sheet_plan.rows] == [RowAction.CREATE, RowAction.CREATE, RowAction.REFUSED]
    assert "masked national ID left out" in sheet_plan.rows[1].text.en
    assert sheet_plan.rows[2].row == 8 and "this laptop serves โนนกลาง" in sheet_plan.rows[2].text.en
    with office.session() as s:
        apply_import(s, plan)
        assert {h.source for h in s.scalars(select(Household))} == {"tpmap"}


def test_a_mapping_given_once_is_remembered_for_the_next_file_of_the_same_layout(office, tmp_path):
    def district_file(name, rows):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "ทะเบียนคุมลูกหนี้ 2569"
        ws.append(["เลขที่สัญญา", "กองทุน", "ผู้กู้", "หมู่ที่", "ยอดอนุมัติ (บาท)", "จำนวนงวด", "ชำระทุก",
                   "วันที่รับเงิน", "ครบกำหนดงวดแรก"])
        for row in rows:
            ws.append(row)
        wb.save(tmp_path / name)
        return tmp_path / name

    import_file(office, register(tmp_path / "people.xlsx", households=HOUSEHOLD_ROWS))
    first = district_file("a.xlsx", [["1/2569", "กข.คจ.", MALAI, 3, 12000, 12, "เดือน", "15/12/2568", "15/1/2569"]])
    plan = plan_file(office, first)
    assert "principal" in plan.sheets[0].problems[0].en and not plan.ok
    overrides = {"ทะเบียนคุมลูกหนี้ 2569": {"principal": "E"}}
    plan, result = import_file(office, first, overrides)
    assert result.created["loans"] == 1
    assert {c.field: c.source for c in plan.sheets[0].columns}["principal"] == "given"
    second = district_file("b.xlsx", [["2/2569", "กข.คจ.", SOMMAI, 4, 8000, 8, "เดือน", "15/12/2568", "15/1/2569"]])
    plan = plan_file(office, second)
    assert plan.ok and {c.field: c.source for c in plan.sheets[0].columns}["principal"] == "remembered"
    assert "เงินต้น 8,000.00 บาท" in plan.sheets[0].rows[0].text.th


def test_a_household_the_duplicate_guard_finds_under_a_similar_name_is_a_match(office, tmp_path):
    import_file(office, register(tmp_path / "a.xlsx", households=[{"moo": 3, "first_name": "นางมาลัย ทองคำ"}]))
    plan = plan_file(office, register(tmp_path / "b.xlsx", households=[
        {"moo": 3, "first_name": "นางมาไล ทองคํา"},  # another spelling of the same name
        {"moo": 4, "first_name": "นางมาลัย ทองคำ"},  # the same name in another village: someone else
    ]))
    assert [r.action for r in plan.rows] == [RowAction.MATCH, RowAction.CREATE]
    assert "similar name in the same village" in plan.rows[0].text.en


def test_paid_to_date_must_agree_with_the_payment_rows_and_a_later_figure_adds_the_difference(office, tmp_path):
    people = register(tmp_path / "p.xlsx", households=HOUSEHOLD_ROWS)
    import_file(office, people)
    loan = {**LOAN_ROWS[0], "paid_to_date": 4000, "paid_as_of": "31/5/2569"}
    plan = plan_file(office, register(tmp_path / "a.xlsx", loans=[loan], payments=PAYMENT_ROWS))
    assert "does not equal the payment rows' 5,000.00 baht" in plan.refused[0].text.en
    # paid-to-date 3,000 by April, imported; the office's later book says 5,000 by June: 2,000 more
    import_file(office, register(tmp_path / "b.xlsx", loans=[{**LOAN_ROWS[0], "paid_to_date": 3000,
                                                              "paid_as_of": "30/4/2569"}]))
    plan, result = import_file(office, register(tmp_path / "c.xlsx", loans=[{**LOAN_ROWS[0], "paid_to_date": 5000,
                                                                             "paid_as_of": "30/6/2569"}]))
    assert result.created["payments"] == 1 and "2,000.00 baht more paid" in plan.rows[0].text.en
    with office.session() as s:
        lid = s.scalars(select(Loan.id)).one()
        assert load_states(s, date(2026, 7, 1), [lid])[lid].paid_satang == 500_000
    plan = plan_file(office, register(tmp_path / "d.xlsx", loans=[{**LOAN_ROWS[0], "paid_to_date": 1000,
                                                                   "paid_as_of": "30/6/2569"}]))
    assert "less than the 5,000.00 baht already recorded" in plan.refused[0].text.en


def test_a_register_needs_its_villages_and_funds_set_up_first(db, tmp_path):
    with db.session() as s:
        places.set_place(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
    plan = plan_file(db, full_register(tmp_path))
    assert plan.counts[RowAction.CREATE] == 0
    assert "add the village before importing" in plan.refused[0].text.en


# --- other spreadsheet files ------------------------------------------------------------------------------


def _ods(path, sheets):
    """A minimal OpenDocument spreadsheet written by hand (no writer library is needed for it)."""
    body = []
    for name, rows in sheets:
        body.append(f'<table:table table:name="{escape(name)}">')
        for row in rows:
            cells = []
            for v in row:
                if isinstance(v, date):
                    cells.append(f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}">'
                                 f"<text:p>{v.isoformat()}</text:p></table:table-cell>")
                elif isinstance(v, (int, float)):
                    cells.append(f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p>'
                                 "</table:table-cell>")
                else:
                    cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(str(v or ""))}</text:p>'
                                 "</table:table-cell>")
            body.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        body.append("</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(body)}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def _rows(layout, rows):
    return [[c.headers[0] for c in layout.columns], *[[r.get(c.field, "") for c in layout.columns] for r in rows]]


SMALL = [(HOUSEHOLDS, HOUSEHOLD_ROWS[:1]), (LOANS, LOAN_ROWS[:1]), (PAYMENTS, PAYMENT_ROWS)]


def test_an_ods_file_is_read_like_an_xlsx(office, tmp_path):
    path = _ods(tmp_path / "register.ods", [(layout.name, _rows(layout, rows)) for layout, rows in SMALL])
    plan = plan_file(office, path)
    assert plan.ok and plan.counts == {RowAction.CREATE: 7, RowAction.MATCH: 0, RowAction.REFUSED: 0}
    assert "15 ม.ค. 2569" in plan.sheets[2].rows[0].text.th


def test_an_xls_file_is_read_like_an_xlsx(office, tmp_path):
    import xlwt  # the test extra installs it: an old .xls must be read, not skipped
    book = xlwt.Workbook()
    dates = xlwt.easyxf(num_format_str="d/mm/yyyy")
    for layout, rows in SMALL:
        ws = book.add_sheet(layout.name)
        for r, row in enumerate(_rows(layout, rows)):
            for c, value in enumerate(row):
                ws.write(r, c, value, dates) if isinstance(value, date) else ws.write(r, c, value)
    book.save(str(tmp_path / "register.xls"))
    plan = plan_file(office, tmp_path / "register.xls")
    assert plan.ok and plan.counts == {RowAction.CREATE: 7, RowAction.MATCH: 0, RowAction.REFUSED: 0}
    assert "15 ม.ค. 2569" in plan.sheets[2].rows[0].text.th


@pytest.mark.parametrize("content, words", [
    (b"hello, this is text", "not a spreadsheet"),
    (b"PK\x03\x04 broken zip", "not a spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64, "password"),
])
def test_a_file_that_is_not_a_readable_spreadsheet_is_refused_in_one_sentence(tmp_path, content, words):
    path = tmp_path / "file.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_workbook(path)
    assert words in err.value.text.en and "\n" not in str(err.value)
    with pytest.raises(InputError, match="no such file"):
        read_workbook(tmp_path / "missing.xlsx")


def test_a_totals_row_and_an_empty_sheet_are_not_refusals(office, tmp_path):
    path = register(tmp_path / "t.xlsx", households=HOUSEHOLD_ROWS[:1], loans=[LOAN_ROWS[0]])
    wb = openpyxl.load_workbook(path)
    wb["สัญญาเงินกู้"].append(["รวมทั้งสิ้น", None, None, None, 12000])
    del wb["กลุ่ม"]
    wb.create_sheet("กลุ่ม")  # nothing in it, not even the header
    wb.save(path)
    plan = plan_file(office, path)
    assert plan.ok and plan.counts == {RowAction.CREATE: 2, RowAction.MATCH: 0, RowAction.REFUSED: 0}


def test_notices_whose_time_passed_in_the_old_book_are_not_counted_as_missed(office, tmp_path):
    import_file(office, full_register(tmp_path), today=date(2026, 8, 20))
    with office.session() as s:
        # on the day of the import nothing is the program's to have missed, however long the loans have run
        assert arrears_on(s, date(2026, 8, 20)).notices["missed"] == 0
        # a month on, the notices of 15 Sep that nobody delivered are missed: the program follows the loans now
        later = arrears_on(s, date(2026, 9, 20)).notices
        loans = s.scalars(select(Loan)).all()
    assert later["missed"] > 0
    assert {loan.followed_from for loan in loans} == {date(2026, 8, 20)}
