"""The loans sheet in the dry run: each row a new loan in mid-life (its fund, terms, paid-to-date figure and
borrower, with the borrower's new household when the row makes one), one the book has by agreement number
(with the payments the figure adds), or refused."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from fieldtool import funds as fundrules
from fieldtool.bookimport import build
from fieldtool.bookimport import values as v
from fieldtool.bookimport.headers import SheetMap
from fieldtool.bookimport.known import FundRow, village_label
from fieldtool.bookimport.plan_borrowers import loan_borrower
from fieldtool.bookimport.plan_households import new_household_text
from fieldtool.bookimport.rowplan import RowPlan, planned_row, refuse
from fieldtool.bookimport.sheetrows import Cells, DataRow
from fieldtool.bookimport.state import PlanState
from fieldtool.bookimport.workbook import Cell
from fieldtool.booklayout import header_key
from fieldtool.lending import check_loan_terms
from fieldtool.limits import check_amount, check_fund_limit
from fieldtool.schedule import flat_interest
from fieldtool.text import Text
from fieldtool.thai import InputError, format_baht, format_date, format_date_en
from fieldtool.vocabulary import Frequency, RowAction

PaidInFile = Callable[[], dict[str, list[tuple[date | None, int]]]]
PAID_TO_DATE = Text("ยอดชำระแล้วรวม", "the paid-to-date figure")


def plan_loans(state: PlanState, m: SheetMap, rows: list[DataRow], paid_in_file: PaidInFile,
               ) -> list[RowPlan]:
    """`paid_in_file()`: agreement key → (day, amount) of the file's payment rows, read when first needed."""
    sheet = m.sheet.name
    counts = Counter(v.key_of(v.text_of(cells.get("agreement_no"))) for _, cells, _ in rows)
    out = []
    for number, cells, _ in rows:
        plan = planned_row(sheet, number, _loan_row, state, sheet, number, cells, counts, paid_in_file)
        number_key = v.key_of(v.text_of(cells.get("agreement_no")))
        if number_key:
            state.file_loans[number_key] = plan
        out.append(plan)
    return out


def agreement_of(cells: Cells) -> tuple[str, str]:
    """The row's agreement number as written and as compared (values.key_of); a row without one is refused."""
    agreement = v.text_of(cells.get("agreement_no"))
    akey = v.key_of(agreement)
    if not akey:
        refuse("ไม่มีเลขที่สัญญา", "the agreement number is missing")
    return agreement, akey


def book_loan(state: PlanState, agreement: str, akey: str) -> tuple[str, date | None, int] | None:
    """The book's loan of this agreement number (id, paid out on, principal), if any; two are refused."""
    existing = state.known.loans.get(akey, [])
    if len(existing) > 1:
        refuse(f"ในเครื่องมีสัญญาเลขที่ {agreement} มากกว่าหนึ่งสัญญา", f"the book has more than one loan numbered {agreement}")
    return existing[0] if existing else None


def _loan_row(state: PlanState, sheet: str, number: int, cells: Cells, counts: Counter[str],
              paid_in_file: PaidInFile) -> RowPlan:
    agreement, akey = agreement_of(cells)
    if counts[akey] > 1:
        refuse(f"เลขที่สัญญา {agreement} ซ้ำกันในไฟล์ {counts[akey]} แถว",
               f"agreement number {agreement} is on {counts[akey]} rows of the file")
    existing = book_loan(state, agreement, akey)
    paid = check_amount(v.parse_amount(cells.get("paid_to_date"), blank_is_zero=True), PAID_TO_DATE)
    if paid < 0:
        refuse("ยอดชำระแล้วรวมติดลบไม่ได้", "the paid-to-date figure cannot be negative")
    as_of = v.parse_date(cells.get("paid_as_of")) if not v.is_blank(cells.get("paid_as_of")) else None
    if paid and as_of is None:
        refuse("มียอดชำระแล้วรวมแต่ไม่มีวันที่ (ชำระแล้ว ณ วันที่)", "a paid-to-date figure needs its day (paid to date as of)")
    in_file = paid_in_file().get(akey) if paid else None
    if in_file is not None:
        total = sum(amount for day, amount in in_file if as_of is None or day is None or day <= as_of)
        if total != paid:
            paid_baht, total_baht = format_baht(paid), format_baht(total)
            refuse(f"ชำระแล้วรวม {paid_baht} บาท ไม่ตรงกับผลรวมในชีตการชำระเงิน {total_baht} บาท",
                   f"paid to date {paid_baht} baht does not equal the payment rows' {total_baht} baht")
        paid = 0  # the payment rows carry it
    if existing:
        lid, disbursed, principal = existing
        plan = RowPlan(sheet, number, RowAction.MATCH, Text(f"มีอยู่แล้ว: สัญญา {agreement}", f"already in the book: loan {agreement}"), lid)
        plan.data = {"loan_id": lid, "disbursed_on": disbursed, "agreement_no": agreement}
        if paid and as_of is not None:  # (a figure without its day is refused above)
            _paid_on_known_loan(state, plan, lid, disbursed, paid, as_of)
        return plan
    fund = _fund(state, cells.get("fund"))
    village = state.known.village(cells.get("moo"), required=False)
    principal = v.parse_amount(cells.get("principal"))
    if principal <= 0:
        refuse("เงินต้นต้องมากกว่าศูนย์", "the principal must be more than zero")
    rate = v.parse_rate(cells.get("rate"))
    count = v.parse_instalments(cells.get("instalments")) or fund[4]
    frequency = v.parse_frequency(cells.get("frequency")) or Frequency(fund[5])
    rate = fund[3] if rate is None else rate
    disbursed = v.parse_date(cells.get("disbursed_on"))
    first_due = v.parse_date(cells.get("first_due"))
    if first_due <= disbursed:
        refuse("ครบกำหนดงวดแรกต้องหลังวันที่รับเงิน", "the first due date must be after the money was received")
    if paid and as_of is not None and as_of < disbursed:
        refuse("วันที่ของยอดชำระแล้วรวมอยู่ก่อนวันที่รับเงิน", "the paid-to-date day is before the money was received")
    purpose = v.text_of(cells.get("purpose"))
    check_loan_terms(principal, rate, count, purpose, agreement)
    check_fund_limit(principal, fund[1], state.known.fund_records[fund[0]].max_loan_satang)  # as new_loan_rows
    owed = principal + flat_interest(principal, rate, count, frequency)
    if paid > owed:
        refuse(f"ชำระแล้วรวม {format_baht(paid)} บาท เกินยอดที่ต้องชำระทั้งสัญญา {format_baht(owed)} บาท",
               f"paid to date {format_baht(paid)} baht is more than the {format_baht(owed)} baht the loan asks in all")
    found = loan_borrower(state, cells, village, (sheet, number))
    # a new household's loan is not named twice: "new household นางสมศรี … + new loan 1/2568: กข.คจ. …"
    label = Text("", "") if found.new is not None else found.label
    who, who_en = (f"{label.th} ", f"{label.en}, ") if label.th else ("", "")
    baht = format_baht(principal)
    th = (f"สัญญาใหม่ {agreement}: {who}{fund[1]} เงินต้น {baht} บาท {count} งวด "
          f"{frequency.label.th} รับเงิน {format_date(disbursed)} งวดแรก {format_date(first_due)}")
    en = (f"new loan {agreement}: {who_en}{fund[1]}, principal {baht} baht in {count} "
          f"{frequency} instalments, received {format_date_en(disbursed)}, first due {format_date_en(first_due)}")
    if rate:
        th += f" ดอกเบี้ย {rate / 100:g}% ต่อปี"
        en += f", {rate / 100:g} % a year"
    if paid and as_of is not None:
        th += f" ชำระแล้ว {format_baht(paid)} บาท ณ {format_date(as_of)}"
        en += f"; {format_baht(paid)} baht paid by {format_date_en(as_of)}"
    new = found.new
    if new is not None and village is not None:  # the row's household comes first: "new household … + new loan …"
        household = new_household_text(
            new.name, new.first, new.last, village_label(village[1], village[2]), new.house_no)
        th, en = f"{household.th} + {th}", f"{household.en} + {en}"
    plan = RowPlan(sheet, number, RowAction.CREATE, Text(th, en))
    plan.data = {
        "agreement_no": agreement, "fund_id": fund[0], "principal": principal, "rate_bp": rate,
        "instalments": count, "frequency": frequency, "disbursed_on": disbursed, "first_due": first_due,
        "purpose": purpose, "borrower": found.ref, "new_household": new.input if new else None,
        "paid": (paid, as_of) if paid else None,
    }
    # what the import will write, made now: whatever the builders refuse is refused here
    plan.data["made"] = build.loan_rows(state.known.fund_records[fund[0]], plan.data, state.file_name, sheet,
                                        number, group=found.ref[0].startswith("group"))
    if paid:
        plan.data["paid_made"] = build.paid_to_date_row(disbursed, plan.data["paid"], state.file_name)
    # nothing after this refuses the row: what it adds to the file's households is for the rows after it
    if new is not None:
        state.remember_household(new)
    if found.gains_nid is not None:
        gainer, nid = found.gains_nid
        gainer.nid = nid
        if gainer.input is not None:  # (only a household this import makes gains one)
            gainer.input.head.national_id = nid
        state.households_by_nid[nid] = gainer
    return plan


def _paid_on_known_loan(state: PlanState, plan: RowPlan, lid: str, disbursed: date | None, paid: int, as_of: date,
                        ) -> None:
    recorded = sum(amount for day, amount, _, _ in state.known.payments.get(lid, []) if day <= as_of)
    agreement = plan.data["agreement_no"]
    if paid < recorded:
        paid_baht, recorded_baht = format_baht(paid), format_baht(recorded)
        refuse(f"ชำระแล้วรวม {paid_baht} บาท น้อยกว่าที่บันทึกไว้แล้ว {recorded_baht} บาท (สัญญา {agreement})",
               f"paid to date {paid_baht} baht is less than the {recorded_baht} baht already recorded (loan {agreement})")
    if paid == recorded:
        return
    if disbursed is None or as_of < disbursed:
        refuse(f"สัญญา {agreement} ยังไม่ได้จ่ายเงินกู้ในวันที่ {format_date(as_of)}",
               f"loan {agreement} was not paid out by {format_date_en(as_of)}")
    extra = paid - recorded
    plan.data["paid_made"] = build.paid_to_date_row(disbursed, (extra, as_of), state.file_name)
    extra_baht = format_baht(extra)
    plan.action = RowAction.CREATE
    plan.text = Text(f"สัญญา {agreement} มีอยู่แล้ว: บันทึกยอดชำระเพิ่ม {extra_baht} บาท ณ {format_date(as_of)}",
                     f"loan {agreement} is in the book: {extra_baht} baht more paid by {format_date_en(as_of)}")
    plan.data["paid"] = (extra, as_of)


def _fund(state: PlanState, cell: Cell) -> FundRow:
    """The fund a loan row names, by name (or id) or by kind when the book has one fund of that kind."""
    text = v.text_of(cell)
    if not text:
        refuse("ไม่มีชื่อกองทุน", "the fund is missing")
    funds = state.known.funds
    by_name = [f for f in funds if header_key(f[1]) == header_key(text) or f[0] == text]
    if len(by_name) == 1:
        return by_name[0]
    try:
        kind = fundrules.parse_kind(text)
    except InputError:
        kind = None
    by_kind = [f for f in funds if f[2] == kind]
    if kind is not None and len(by_kind) == 1:
        return by_kind[0]
    refuse(f"ไม่มีกองทุน {text} ในเครื่องนี้ ให้เพิ่มกองทุนก่อนนำเข้า",
           f"there is no fund {text} on this laptop; add the fund before importing")
