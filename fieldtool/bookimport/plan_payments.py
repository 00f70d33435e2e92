"""The payments sheet in the dry run: each row a payment on a loan of the file or the book, one the book has
already (the same day, amount and receipt), or refused; and the payment rows summed for the loans sheet's
paid-to-date figures."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from fieldtool.bookimport import build
from fieldtool.bookimport import values as v
from fieldtool.bookimport.headers import SheetMap
from fieldtool.bookimport.plan_loans import agreement_of, book_loan
from fieldtool.bookimport.rowplan import RowPlan, planned_row, refuse
from fieldtool.bookimport.sheetrows import Cells, DataRow
from fieldtool.bookimport.state import PlanState
from fieldtool.limits import LINE, check_amount, check_text
from fieldtool.repayments import PAYMENT
from fieldtool.text import Text
from fieldtool.thai import InputError, format_baht, format_date, format_date_en
from fieldtool.vocabulary import RowAction

PaidEntry = tuple[date, int, str]  # (paid on, amount, receipt key): one payment, as two are compared
PaymentKey = tuple[str, date, int, str]  # the same with its agreement key


def paid_in_file(payment_rows: Iterable[tuple[SheetMap, list[DataRow]]]) -> dict[str, list[tuple[date | None, int]]]:
    """Agreement → (day, amount) of its payment rows, read leniently (a bad row is refused later)."""
    out: dict[str, list[tuple[date | None, int]]] = defaultdict(list)
    for _sheet, rows in payment_rows:
        for _, cells, _ in rows:
            try:
                amount = v.parse_amount(cells.get("amount"))
            except InputError:
                continue
            day: date | None
            try:
                day = v.parse_date(cells.get("paid_on"))
            except InputError:
                day = None
            out[v.key_of(v.text_of(cells.get("agreement_no")))].append((day, amount))
    return out


def plan_payments(state: PlanState, m: SheetMap, rows: list[DataRow]) -> list[RowPlan]:
    sheet = m.sheet.name
    remaining: dict[str, Counter[PaidEntry]] = {}  # loan id → the book's payments no row has matched yet
    seen: dict[PaymentKey, int] = {}
    return [planned_row(sheet, number, _payment_row, state, sheet, number, cells, remaining, seen)
            for number, cells, _ in rows]


def _payment_row(state: PlanState, sheet: str, number: int, cells: Cells, remaining: dict[str, Counter[PaidEntry]],
                 seen: dict[PaymentKey, int]) -> RowPlan:
    agreement, akey = agreement_of(cells)
    paid_on = v.parse_date(cells.get("paid_on"))
    amount = v.parse_amount(cells.get("amount"))
    if amount <= 0:
        refuse("จำนวนเงินที่ชำระต้องมากกว่าศูนย์", "the amount paid must be more than zero")
    check_amount(amount, PAYMENT)
    receipt = check_text(v.text_of(cells.get("receipt_no")), Text("เลขที่ใบเสร็จ", "the receipt number"), LINE)
    key = (akey, paid_on, amount, v.key_of(receipt))
    if receipt and key in seen:
        refuse(f"รายการชำระนี้ซ้ำกับแถว {seen[key]} (ใบเสร็จเดียวกัน)", f"the same payment as row {seen[key]} (same receipt)")
    seen.setdefault(key, number)
    loan_row = state.file_loans.get(akey)
    if loan_row is not None and loan_row.action is RowAction.REFUSED:
        refuse(f"สัญญา {agreement} ในชีต {loan_row.sheet} แถว {loan_row.row} ไม่รับ",
               f"loan {agreement} (sheet {loan_row.sheet}, row {loan_row.row}) is refused")
    if loan_row is not None and loan_row.data.get("loan_id") is None:
        target, disbursed = ("loan-row", loan_row.ref), loan_row.data["disbursed_on"]
        lid = None
    else:
        known = book_loan(state, agreement, akey)
        if known is None:
            refuse(f"ไม่พบสัญญาเลขที่ {agreement} ทั้งในไฟล์และในเครื่อง", f"loan {agreement} is neither in this file nor in the book")
        lid, disbursed, _ = known
        target = ("loan", lid)
    if disbursed is None:
        refuse(f"สัญญา {agreement} ยังไม่ได้จ่ายเงินกู้", f"loan {agreement} has not been paid out")
    if paid_on < disbursed:
        refuse(f"วันที่ชำระ {format_date(paid_on)} อยู่ก่อนวันที่รับเงินกู้ {format_date(disbursed)}",
               f"paid on {format_date_en(paid_on)}, before the money was received on {format_date_en(disbursed)}")
    baht = format_baht(amount)
    what = f"{baht} บาท สัญญา {agreement} วันที่ {format_date(paid_on)}" + (f" ใบเสร็จ {receipt}" if receipt else "")
    what_en = f"{baht} baht on loan {agreement}, {format_date_en(paid_on)}" + (f", receipt {receipt}" if receipt else "")
    if lid is not None:
        if lid not in remaining:
            book = state.known.payments.get(lid, [])
            remaining[lid] = Counter((d, a, r) for d, a, r, original in book if original)
        if remaining[lid][key[1:]] > 0:
            remaining[lid][key[1:]] -= 1
            return RowPlan(sheet, number, RowAction.MATCH, Text(f"มีอยู่แล้ว: รับชำระ {what}", f"already in the book: {what_en}"), lid)
    plan = RowPlan(sheet, number, RowAction.CREATE, Text(f"รับชำระ {what}", f"payment of {what_en}"))
    plan.data = {"loan": target, "amount": amount, "paid_on": paid_on, "receipt_no": receipt, "disbursed_on": disbursed}
    plan.data["made"] = build.payment_row(disbursed, plan.data, state.file_name)  # refused here if at all
    return plan
