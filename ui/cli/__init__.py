"""The command line: the stable contract the district office scripts and the tests use.

`fieldtool [--db PATH] [--json] [--quiet] COMMAND ...`. Each command is one transaction: bad input prints one
clear sentence, exits non-zero and writes nothing. Long work (demo, office demo, import, bundle import) says
how far it has got on stderr, a line per stage, unless --quiet; stdout holds only the result. The CLI is a user interface like the windows, so it
lives in `ui/`; it imports Qt only when the `gui` command is asked for, and the domain (SQLAlchemy, the
models, PyThaiNLP, ReportLab) only in the handler of the command that needs it, so `fieldtool --help` and
a query start at once (bench/bench_startup.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fieldtool.text import Text
from ui.cli import backup as backup_cli
from ui.cli import bookimport as bookimport_cli
from ui.cli import letters as letters_cli
from ui.cli import office_keys as office_keys_cli
from ui.cli import places as places_cli
from ui.cli import registers as registers_cli
from ui.cli.choices import DELIVERY_HOW, PREVENT_CODES
from ui.cli.output import day, emit, progress

if TYPE_CHECKING:  # building the parser imports none of the domain: each command imports what it needs
    from db import Database
    from fieldtool import reminders


_emit = emit
_ANY_DAY = Text("วันที่", "the date")


def _date(text: str | None, default_today: bool = True) -> date | None:
    """A day typed on the command line, within the years the book accepts (fieldtool.limits)."""
    from fieldtool import limits

    return limits.check_day_or_none(day(text, default_today), _ANY_DAY)


def _count(text: str) -> int:
    """A number of rows to show; anything else is refused by argparse in one line (status 2)."""
    n = int(text) if text.strip().lstrip("-").isdigit() else -1
    if not 1 <= n <= 1_000_000:
        raise argparse.ArgumentTypeError(f"ต้องเป็นจำนวน 1 ถึง 1,000,000: {text} (must be a number from 1 to 1,000,000)")
    return n


# --- commands --------------------------------------------------------------------------------------


def cmd_init(args, db: Database) -> None:
    from fieldtool import registry
    from fieldtool.setup import set_officer

    with db.session() as s:
        if args.officer:
            set_officer(s, args.officer)
        device = registry.setting(s, "device_id")
    _emit(args, {"db": str(db.path), "device_id": device}, [f"ฐานข้อมูลพร้อมใช้: {db.path}", f"รหัสเครื่อง: {device}"])


def cmd_demo(args, db: Database) -> None:
    from fieldtool.demo import build_demo

    on = _date(args.today)
    with db.session() as s:
        counts = build_demo(s, seed=args.seed, today=on, progress=progress(args))
    _emit(args, {"db": str(db.path), **counts}, [f"สร้างข้อมูลตัวอย่างแล้ว: {db.path}"] + [f"  {k}: {v}" for k, v in counts.items()])


def _loan_json(s, loan, on: date) -> dict:
    from sqlalchemy import select

    from fieldtool import loanbook
    from fieldtool.models import Payment
    from fieldtool.thai import satang_to_str

    state = loanbook.load_states(s, on, [loan.id])[loan.id]
    info = loanbook.loan_infos(s, [loan.id])[loan.id]
    checklist = loanbook.prevent_checklist(s, loan.id)
    payments = s.scalars(select(Payment).where(Payment.loan_id == loan.id).order_by(Payment.paid_on, Payment.recorded_at)).all()
    return {
        "id": loan.id,
        "agreement_no": loan.agreement_no,
        "borrower": info.borrower,
        "borrower_kind": loan.borrower_kind,
        "village": info.village,
        "fund": info.fund,
        "purpose": loan.purpose,
        "principal": satang_to_str(loan.principal_satang),
        "rate_percent": f"{loan.rate_bp / 100:.2f}",
        "frequency": loan.frequency,
        "applied_on": loan.applied_on.isoformat(),
        "approved_on": loan.approved_on.isoformat() if loan.approved_on else None,
        "disbursed_on": loan.disbursed_on.isoformat() if loan.disbursed_on else None,
        "prevent_override": loan.prevent_override,
        "as_of": on.isoformat(),
        "stage": state.stage,
        "outstanding": satang_to_str(state.outstanding_satang),
        "outstanding_principal": satang_to_str(state.outstanding_principal),
        "arrears": satang_to_str(state.arrears_satang),
        "paid": satang_to_str(state.paid_satang),
        "credit": satang_to_str(state.credit_satang),
        "days_overdue": state.days_overdue,
        "schedule_version": state.active.version if state.active else None,
        "schedule": [
            {
                "no": i.no,
                "due_date": i.due_date.isoformat(),
                "amount": satang_to_str(i.amount_satang),
                "principal": satang_to_str(i.principal_satang),
                "interest": satang_to_str(i.interest_satang),
                "paid": satang_to_str(i.paid_satang),
                "remaining": satang_to_str(i.remaining_satang),
                "status": "paid" if i.is_paid else ("overdue" if i.due_date < on else "unpaid"),
                "settled_on": i.settled_on.isoformat() if i.settled_on else None,
            }
            for i in state.instalments
        ],
        "earlier_schedules": [
            {"version": h.version, "effective_from": h.effective_from.isoformat(), "instalments": len(h.instalments)}
            for h in state.history
        ],
        "payments": [
            {
                "id": p.id,
                "paid_on": p.paid_on.isoformat(),
                "amount": satang_to_str(p.amount_satang),
                "reverses": p.reverses_id,
                "note": p.note,
            }
            for p in payments
        ],
        "prevent_checklist": [
            {"item": c.item, "done": c.done, "done_on": c.done_on.isoformat() if c.done_on else None, "note": c.note}
            for c in checklist
        ],
        "stage_timeline": [
            {"from": d.isoformat(), "stage": st} for d, st in loanbook.stage_timeline(s, loan.id, on)
        ],
    }


def cmd_loan_add(args, db: Database) -> None:
    from fieldtool import loanbook
    from fieldtool.thai import parse_baht

    applied = _date(args.applied)
    disbursed = _date(args.disbursed, default_today=False)
    with db.session() as s:
        fund = loanbook.get_fund(s, args.fund)
        rate = None
        if args.rate is not None:
            rate = parse_baht(args.rate)  # a percentage with two decimals = basis points
        loan = loanbook.add_loan(
            s,
            fund_id=fund.id,
            group_id=args.group,
            household_id=args.household,
            purpose=args.purpose or "",
            principal_satang=_positive_baht(args.principal),
            rate_bp=rate,
            instalments=fund.default_instalments if args.instalments is None else args.instalments,
            frequency=args.frequency,
            first_due=_date(args.first_due),
            applied_on=applied,
            approved_on=_date(args.approved, default_today=False),
            agreement_no=args.agreement_no or "",
        )
        if disbursed:
            loanbook.disburse(s, loan.id, disbursed, args.reason or "")
        loan_id = loan.id
    _emit(args, {"id": loan_id}, [loan_id])


def _positive_baht(text: str) -> int:
    from fieldtool.thai import InputError, parse_baht

    satang = parse_baht(text)
    if satang <= 0:
        raise InputError(f"จำนวนเงินต้องมากกว่าศูนย์: {text} (the amount must be more than zero)")
    return satang


def cmd_loan_show(args, db: Database) -> None:
    from fieldtool import loanbook
    from fieldtool.ledger import STAGE_TH
    from fieldtool.thai import format_baht, format_date, parse_baht

    on = _date(args.on)
    with db.session() as s:
        loan = loanbook.get_loan(s, args.loan_id)
        data = _loan_json(s, loan, on)
    if args.json:
        _emit(args, data, [])
        return
    lines = [
        f"สัญญา {data['agreement_no'] or '-'}  ({data['id']})",
        f"ผู้กู้: {data['borrower']}  {data['village']}",
        f"กองทุน: {data['fund']}  วัตถุประสงค์: {data['purpose']}",
        f"เงินต้น {format_baht(parse_baht(data['principal']))} บาท  ขั้น: {STAGE_TH[data['stage']]}",
        f"คงค้าง {format_baht(parse_baht(data['outstanding']))} บาท  ค้างชำระเกินกำหนด "
        f"{format_baht(parse_baht(data['arrears']))} บาท  ({data['days_overdue']} วัน)",
    ]
    if parse_baht(data["credit"]):
        lines.append(f"ชำระเกิน (เงินชำระล่วงหน้า) {format_baht(parse_baht(data['credit']))} บาท")
    lines.append("งวด  ครบกำหนด        ยอดงวด        ชำระแล้ว    สถานะ")
    status_th = {"paid": "ชำระแล้ว", "overdue": "เกินกำหนด", "unpaid": "ยังไม่ถึง"}
    for row in data["schedule"]:
        lines.append(
            f"{row['no']:>3}  {format_date(date.fromisoformat(row['due_date'])):<14}"
            f"{format_baht(parse_baht(row['amount'])):>12}  {format_baht(parse_baht(row['paid'])):>12}  "
            f"{status_th[row['status']]}"
        )
    _emit(args, data, lines)


def cmd_loan_list(args, db: Database) -> None:
    from fieldtool.ledger import STAGE_TH
    from fieldtool.thai import format_baht, satang_to_str

    on = _date(args.on)
    from fieldtool.register import loan_register

    with db.session() as s:
        rows = loan_register(s, on, search=args.search or "", stage=args.stage, fund=args.fund, village=args.village)
    payload = [
        {
            "id": r.id,
            "agreement_no": r.agreement_no,
            "borrower": r.borrower,
            "village": r.village,
            "fund": r.fund,
            "stage": r.stage,
            "principal": satang_to_str(r.principal_satang),
            "outstanding": satang_to_str(r.outstanding_satang),
            "days_overdue": r.days_overdue,
            "last_verified": r.last_verified.isoformat() if r.last_verified else None,
            "stale": r.stale,
        }
        for r in rows
    ]
    lines = [
        f"{r.id[:8]}  {r.borrower}  {r.village}  {STAGE_TH[r.stage]}  {format_baht(r.outstanding_satang)}"
        for r in rows
    ]
    _emit(args, {"on": on.isoformat(), "count": len(payload), "items": payload}, lines or ["ไม่พบสัญญา"])


def cmd_loan_check(args, db: Database) -> None:
    from fieldtool import loanbook

    with db.session() as s:
        row = loanbook.set_check(s, args.loan_id, args.item, not args.undo, _date(args.on), args.note or "")
        out = {"loan_id": row.loan_id, "item": row.item, "done": row.done, "done_on": row.done_on}
    _emit(args, out, [f"{out['item']}: {'ทำแล้ว' if out['done'] else 'ยังไม่ได้ทำ'}"])


def cmd_loan_disburse(args, db: Database) -> None:
    from fieldtool import loanbook
    from fieldtool.thai import format_date

    with db.session() as s:
        loan = loanbook.disburse(s, args.loan_id, _date(args.on), args.reason or "")
        out = {"id": loan.id, "disbursed_on": loan.disbursed_on.isoformat(), "prevent_override": loan.prevent_override}
    _emit(args, out, [f"จ่ายเงินกู้แล้ว {format_date(date.fromisoformat(out['disbursed_on']))}"])


def cmd_loan_restructure(args, db: Database) -> None:
    from fieldtool import loanbook

    with db.session() as s:
        sched = loanbook.restructure(
            s, args.loan_id, _date(args.on), args.instalments, _date(args.first_due), args.frequency, args.reason or ""
        )
        out = {"loan_id": sched.loan_id, "schedule_version": sched.version, "effective_from": sched.effective_from.isoformat()}
    _emit(args, out, [f"ปรับโครงสร้างหนี้แล้ว ตารางชำระฉบับที่ {out['schedule_version']}"])


def cmd_pay(args, db: Database) -> None:
    from fieldtool import loanbook
    from fieldtool.thai import format_baht, satang_to_str

    on = _date(args.on)
    amount = _positive_baht(args.amount)
    with db.session() as s:
        payment = loanbook.record_payment(s, args.loan_id, amount, on, args.note or "", credit=args.credit)
        state = loanbook.load_states(s, on, [payment.loan_id])[payment.loan_id]
        out = {
            "payment_id": payment.id,
            "loan_id": payment.loan_id,
            "amount": satang_to_str(amount),
            "paid_on": on.isoformat(),
            "outstanding": satang_to_str(state.outstanding_satang),
            "arrears": satang_to_str(state.arrears_satang),
            "credit": satang_to_str(state.credit_satang),
            "stage": state.stage,
        }
    credit = f"  ชำระเกิน {format_baht(state.credit_satang)} บาท" if state.credit_satang else ""
    _emit(args, out, [f"รับชำระ {format_baht(amount)} บาท  คงค้าง {format_baht(state.outstanding_satang)} บาท{credit}",
                      out["payment_id"]])


def cmd_reverse(args, db: Database) -> None:
    from fieldtool import loanbook
    from fieldtool.thai import satang_to_str

    with db.session() as s:
        rev = loanbook.reverse_payment(s, args.payment_id, _date(args.on), args.note or "")
        out = {"reversal_id": rev.id, "reverses": rev.reverses_id, "amount": satang_to_str(rev.amount_satang)}
    _emit(args, out, [f"ยกเลิกรายการรับชำระแล้ว: {out['reverses']}"])


def reminder_json(r: reminders.Reminder) -> dict:
    from fieldtool.thai import satang_to_str

    return {
        "id": r.id,
        "loan_id": r.loan_id,
        "agreement_no": r.info.agreement_no,
        "borrower": r.info.borrower,
        "village": r.info.village,
        "fund": r.info.fund,
        "phone": r.info.phone,
        "instalment_no": r.instalment_no,
        "due_date": r.due_date.isoformat(),
        "kind": r.kind,
        "step": r.step,
        "opened_on": r.opened_on.isoformat(),
        "amount_due": satang_to_str(r.amount_due_satang),
        "days_overdue": r.days_overdue,
    }


def cmd_reminders(args, db: Database) -> None:
    from fieldtool import reminders
    from fieldtool.thai import format_baht, format_date

    on = _date(args.on)
    with db.session() as s:
        items = reminders.reminders_on(s, on)
    if args.kind:
        items = [r for r in items if r.kind == args.kind or (args.kind == "notice" and r.kind != "ask")]
    lines = []
    for r in items:
        what = reminders.ASK_STEP_TH[r.step] if r.kind == "ask" else reminders.NOTICE_TH[r.kind]
        extra = f"เกินกำหนด {r.days_overdue} วัน" if r.kind == "ask" else f"ครบกำหนด {format_date(r.due_date)}"
        lines.append(f"{r.id}  {what}  {r.info.borrower} ({r.info.village})  งวดที่ {r.instalment_no}  "
                     f"{format_baht(r.amount_due_satang)} บาท  {extra}")
    payload = {"on": on.isoformat(), "count": len(items), "items": [reminder_json(r) for r in items]}
    _emit(args, payload, lines or [f"ไม่มีรายการแจ้งเตือนในวันที่ {format_date(on)}"])


def cmd_deliver(args, db: Database) -> None:
    from fieldtool import reminders
    from fieldtool.thai import InputError

    on = _date(args.on)
    if args.undo:
        return _undo_delivery(args, db, on)
    if not args.how:
        raise InputError(Text("ระบุวิธีแจ้งด้วย --how", f"give how it was delivered: --how {'|'.join(reminders.DELIVERY_HOW)}"))
    with db.session() as s:
        d = reminders.deliver(s, args.reminder_id, args.how, on, args.by or "", args.note or "")
        out = {"reminder_id": d.reminder_id, "how": d.how, "delivered_on": d.delivered_on.isoformat(), "by": d.by_whom}
    _emit(args, out, [f"บันทึกการแจ้งแล้ว ({reminders.DELIVERY_HOW[out['how']]})"])


def _undo_delivery(args, db: Database, on: date) -> None:
    """deliver ID --undo: a delivery recorded by mistake is cancelled by a reversing row; the reminder opens again."""
    from fieldtool import reminders

    with db.session() as s:
        rows = reminders.undo_delivery(s, args.reminder_id, on, args.by or "", args.note or "")
        out = {"reminder_id": args.reminder_id, "undone_on": on.isoformat(), "by": rows[0].by_whom,
               "reopened": len(rows)}
    _emit(args, out, [f"ยกเลิกการบันทึกการแจ้งแล้ว รายการนี้กลับมาเป็นงานที่ต้องทำ ({len(rows)} รายการ)"])


def cmd_arrears(args, db: Database) -> None:
    from fieldtool.arrears import arrears_on
    from fieldtool.thai import format_baht, format_date, satang_to_str

    on = _date(args.on)
    with db.session() as s:
        rep = arrears_on(s, on)

    def line_json(line):
        return {
            "key": line.key,
            "name": line.label,
            "loans": line.loans,
            "overdue_loans": line.overdue_loans,
            "outstanding_principal": satang_to_str(line.outstanding_principal),
            "at_risk_30_principal": satang_to_str(line.at_risk_30_principal),
            "arrears": satang_to_str(line.arrears_satang),
            "par30": round(line.par30, 4),
        }

    payload = {
        "on": on.isoformat(),
        "total": line_json(rep.total),
        "buckets": {k: {"loans": v["loans"], "arrears": satang_to_str(v["arrears_satang"])} for k, v in rep.buckets.items()},
        "by_fund": [line_json(x) for x in rep.by_fund],
        "by_village": [line_json(x) for x in rep.by_village],
        "notices": rep.notices,
        "items": [
            {
                "loan_id": o.info.id,
                "agreement_no": o.info.agreement_no,
                "borrower": o.info.borrower,
                "village": o.info.village,
                "fund": o.info.fund,
                "days_overdue": o.days_overdue,
                "bucket": o.bucket,
                "oldest_due_date": o.oldest_due.isoformat(),
                "overdue_instalments": o.overdue_instalments,
                "arrears": satang_to_str(o.arrears_satang),
                "outstanding": satang_to_str(o.outstanding_satang),
            }
            for o in rep.overdue
        ],
    }
    lines = [f"หนี้ค้างชำระ ณ {format_date(on)}: {len(rep.overdue)} สัญญา "
             f"{format_baht(rep.total.arrears_satang)} บาท  PAR30 {rep.total.par30 * 100:.1f}%"]
    lines.append("การแจ้งเตือนล่วงหน้าที่เปิดแล้ว: แจ้งแล้ว {delivered}  พลาด {missed}  ชำระก่อนแจ้ง {settled}  "
                 "ยังเปิดอยู่ {open}".format(**rep.notices))
    for label, v in rep.buckets.items():
        lines.append(f"  {label:>7} วัน: {v['loans']:>4} สัญญา  {format_baht(v['arrears_satang']):>14} บาท")
    for o in rep.overdue:
        lines.append(f"  {o.days_overdue:>4} วัน  {o.info.borrower} ({o.info.village})  {format_baht(o.arrears_satang)} บาท")
    _emit(args, payload, lines)


def cmd_list(args, db: Database) -> None:
    from sqlalchemy import select

    from fieldtool import loanbook
    from fieldtool.models import BorrowingGroup, Fund, Household, Person, Village

    with db.session() as s:
        if args.what == "funds":
            items = [{"id": f.id, "name": f.name, "kind": f.kind, "rate_percent": f"{f.rate_bp / 100:.2f}",
                      "default_instalments": f.default_instalments, "default_frequency": f.default_frequency}
                     for f in s.scalars(select(Fund))]
            lines = [f"{i['id']}  {i['name']}" for i in items]
        elif args.what == "villages":
            items = [{"id": v.id, "moo": v.moo, "name": v.name, "code": v.code}
                     for v in s.scalars(select(Village).order_by(Village.moo))]
            lines = [f"{i['id']}  หมู่ที่ {i['moo']} {i['name']}" for i in items]
        elif args.what == "groups":
            items = [{"id": g.id, "name": g.name, "village_id": g.village_id} for g in s.scalars(select(BorrowingGroup))]
            lines = [f"{i['id']}  {i['name']}" for i in items]
        else:
            q = select(Household, Person).join(Person, Person.id == Household.head_id)
            items = [{"id": h.id, "head": loanbook.person_name(p.title, p.first_name, p.last_name),
                      "house_no": h.house_no, "village_id": h.village_id} for h, p in s.execute(q)]
            lines = [f"{i['id']}  {i['head']}  บ้านเลขที่ {i['house_no']}" for i in items]
    _emit(args, {"count": len(items), "items": items}, lines)


def cmd_history(args, db: Database) -> None:
    from sqlalchemy import select

    from fieldtool import history
    from fieldtool.models import ChangeLog
    from fieldtool.thai import iso_time

    with db.session() as s:
        q = select(ChangeLog).order_by(ChangeLog.at.desc(), ChangeLog.seq.desc()).limit(args.limit)
        if args.record:
            q = q.where(ChangeLog.record_id == args.record)
        rows = s.scalars(q).all()
        words = history.describe(s, list(rows))
        items = [{"at": iso_time(r.at), "device_id": r.device_id, "seq": r.seq, "officer": r.officer,
                  "table": r.table_name, "record_id": r.record_id, "action": r.action, "data": json.loads(r.data),
                  "text": w.text()}
                 for r, w in zip(rows, words, strict=True)]
    _emit(args, {"count": len(items), "items": items}, [i["text"] for i in items])


def cmd_office(args, db: Database) -> None:
    from fieldtool import letters

    with db.session() as s:
        if args.office_command == "set":
            letters.set_office_setting(s, args.key, args.value)
        settings = letters.office_settings(s)
    lines = [f"{k:<16} {v or '-'}   ({letters.OFFICE_SETTINGS[k][0]})" for k, v in settings.items()]
    _emit(args, settings, lines)


def cmd_template(args, db: Database) -> None:
    from fieldtool import letters
    from fieldtool.thai import InputError

    with db.session() as s:
        if args.template_command == "set":
            try:
                data = json.loads(Path(args.file).read_text(encoding="utf-8"))
            except OSError as exc:
                raise InputError(f"อ่านไฟล์แม่แบบไม่ได้: {args.file} (cannot read {args.file})") from exc
            except ValueError as exc:
                raise InputError(f"ไฟล์แม่แบบไม่ใช่ JSON ที่ถูกต้อง: {args.file} (not valid JSON)") from exc
            letters.set_template(s, args.kind, data)
        elif args.template_command == "reset":
            letters.reset_template(s, args.kind)
        elif args.kind not in letters.KINDS:
            raise InputError(f"ไม่มีหนังสือประเภท {args.kind} (no letter kind {args.kind})")
        template = letters.get_template(s, args.kind)
    _emit(args, {"kind": args.kind, **template, "placeholders": letters.PLACEHOLDERS},
          [template["subject"], *template["body"]])


# --- households, plans, visits -------------------------------------------------------------------------


def _person_arg(text: str):
    """'นาง มาลัย ทองคำ [เลขประจำตัว] [โทรศัพท์] [ความสัมพันธ์]' typed as 'title,first,last,id,phone,relation'."""
    from fieldtool.households import PersonInput

    parts = [p.strip() for p in text.split(",")] + [""] * 6
    title, first, last, nid, phone, relation = parts[:6]
    return PersonInput(first_name=first, last_name=last, title=title, national_id=nid or None, phone=phone, relation=relation)


def _needs_arg(items: list[str] | None) -> dict[str, str]:
    needs = {}
    for item in items or []:
        dimension, _, description = item.partition(":")
        needs[dimension.strip()] = description.strip()
    return needs


def _village(s, ref: str) -> str:
    from sqlalchemy import select

    from fieldtool.models import Village
    from fieldtool.thai import InputError

    rows = s.scalars(select(Village)).all()
    for v in rows:
        if ref in (v.id, v.code, str(v.moo), v.name):
            return v.id
    raise InputError(f"ไม่พบหมู่บ้าน {ref} (no such village: {ref}; give its number, name or id)")


def household_json(view) -> dict:
    from fieldtool.households import DIMENSIONS, SOURCES, STATUSES

    return {
        "id": view.id,
        "head": view.head,
        "village": view.village,
        "house_no": view.house_no,
        "phone": view.phone,
        "source": view.source,
        "source_th": SOURCES[view.source],
        "status": view.status,
        "status_th": STATUSES[view.status],
        "members": [{"name": n, "relation": r} for n, r in view.members],
        "needs": [{"dimension": d, "dimension_th": DIMENSIONS[d], "description": t} for d, t in view.needs.items()],
        "loans": view.loans,
        "last_verified": view.last_verified.isoformat() if view.last_verified else None,
        "stale": view.stale,
    }


def cmd_household_add(args, db: Database) -> None:
    from fieldtool import households
    from fieldtool.households import DuplicateWarning, HouseholdInput

    with db.session() as s:
        data = HouseholdInput(
            village_id=_village(s, args.village),
            head=_person_arg(args.head),
            house_no=args.house_no or "",
            phone=args.phone or "",
            source=args.source,
            members=[_person_arg(m) for m in args.member or []],
            needs=_needs_arg(args.need),
        )
        try:
            household = households.add_household(s, data, force=args.force)
        except DuplicateWarning as warn:
            if args.json:
                print(json.dumps({"error": str(warn), "duplicates": [vars(m) for m in warn.matches]}, ensure_ascii=False, indent=2))
            raise
        hid = household.id
    _emit(args, {"id": hid}, [hid])


def cmd_household_show(args, db: Database) -> None:
    from fieldtool import households, visits
    from fieldtool.thai import format_date

    on = _date(args.on)
    with db.session() as s:
        view = households.household_view(s, args.household_id, on)
        data = household_json(view)
        data["visits"] = [{"id": v.id, "on": v.visited_on.isoformat(), "findings": v.findings}
                          for v in visits.visits_of(s, "household", view.id)]
    lines = [f"{data['head']}  บ้านเลขที่ {data['house_no']}  {data['village']}",
             f"ที่มา: {data['source_th']}  สถานะ: {data['status_th']}  โทร {data['phone'] or '-'}",
             "สมาชิก: " + ", ".join(f"{m['name']} ({m['relation']})" for m in data["members"]),
             "ความจำเป็น: " + ("; ".join(f"{n['dimension_th']}: {n['description']}" for n in data["needs"]) or "-"),
             f"ตรวจสอบในพื้นที่ล่าสุด: {format_date(view.last_verified) if view.last_verified else 'ยังไม่เคย'}"
             + ("  (ข้อมูลเก่า ควรลงพื้นที่ตรวจสอบ)" if view.stale else "")]
    _emit(args, data, lines)


def plan_json(view) -> dict:
    from fieldtool.plans import ACTION_STATUSES, PARTS
    from fieldtool.thai import satang_to_str

    return {
        "household_id": view.household_id,
        "head": view.head,
        "village": view.village,
        "revision": view.revision,
        "revisions": [{"revision": r, "made_on": d.isoformat()} for r, d in view.revisions],
        "made_on": view.made_on.isoformat(),
        "made_by": view.made_by,
        "participants": view.participants,
        "decision": view.decision,
        "parts": [
            {
                "part": part,
                "part_th": PARTS[part][0],
                "findings": view.findings[part],
                "actions": [
                    {
                        "id": a.id,
                        "what": a.what,
                        "helper": a.helper,
                        "due_on": a.due_on.isoformat() if a.due_on else None,
                        "resources": a.resources,
                        "budget": satang_to_str(a.budget_satang),
                        "status": a.status,
                        "status_th": ACTION_STATUSES[a.status],
                        "overdue": a.overdue,
                        "notes": [{"on": d.isoformat(), "status": st, "note": n} for d, st, n in a.notes],
                    }
                    for a in view.actions if a.part == part
                ],
            }
            for part in PARTS
        ],
    }


def cmd_plan_show(args, db: Database) -> None:
    from fieldtool import plans

    with db.session() as s:
        hid = _household_ref(s, args.household)
        data = plan_json(plans.plan_view(s, hid, _date(args.on), args.revision))
    lines = [f"แผนพัฒนาครัวเรือน {data['head']} ({data['village']}) ฉบับที่ {data['revision']}"]
    for part in data["parts"]:
        lines.append(f"[{part['part_th']}] {part['findings']}")
        lines += [f"   - {a['what']} ({a['helper'] or '-'}) {a['status_th']}" + ("  เลยกำหนด" if a["overdue"] else "")
                  for a in part["actions"]]
    lines.append(f"ทางออกของครัวเรือน: {data['decision']}")
    _emit(args, data, lines)


def _household_ref(s, ref: str) -> str:
    from fieldtool import households

    return households.get_household(s, ref).id


def cmd_plan_print(args, db: Database) -> None:
    from exports.plan_pdf import render_plan
    from fieldtool import households, plans, registry

    on = _date(args.on)
    with db.session() as s:
        hid = _household_ref(s, args.household)
        plan = plans.plan_view(s, hid, on, args.revision)
        household = households.household_view(s, hid, on)
        office = registry.setting(s, "letter.office_name")
        thai = registry.setting(s, "letter.thai_digits") != "0"
    pages = render_plan(plan, household, Path(args.out), office, thai)
    _emit(args, {"file": args.out, "pages": pages, "revision": plan.revision},
          [f"บันทึกไฟล์แล้ว: {args.out} ({pages} หน้า)"])


def cmd_plan_set(args, db: Database) -> None:
    from fieldtool import plans
    from fieldtool.plans import ActionInput, PlanInput
    from fieldtool.thai import InputError, parse_baht

    try:
        raw = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"อ่านไฟล์แผนไม่ได้: {args.file} (cannot read {args.file})") from exc
    except ValueError as exc:
        raise InputError(f"ไฟล์แผนไม่ใช่ JSON ที่ถูกต้อง: {args.file} (not valid JSON)") from exc
    if not isinstance(raw, dict):
        raise InputError("ไฟล์แผนต้องเป็นออบเจกต์ JSON (the plan file must be a JSON object)")
    findings, listed = raw.get("findings", {}), raw.get("actions", [])
    if not isinstance(findings, dict) or not isinstance(listed, list):
        raise InputError("findings ต้องเป็นออบเจกต์และ actions เป็นรายการ (findings must be an object, actions a list)")
    actions = []
    for a in listed:
        if not isinstance(a, dict):
            raise InputError("กิจกรรมในแผนต้องเป็นออบเจกต์ JSON (each action must be a JSON object)")
        actions.append(ActionInput(
            part=_plan_text(a, "part"), what=_plan_text(a, "what"), helper=_plan_text(a, "helper"),
            due_on=_date(_plan_text(a, "due_on"), default_today=False) if a.get("due_on") else None,
            resources=_plan_text(a, "resources"),
            budget_satang=parse_baht(str(a["budget"])) if a.get("budget") else 0,
            status=_plan_text(a, "status") or "planned",
        ))
    data = PlanInput(made_on=_date(_plan_text(raw, "made_on") or None),
                     findings={part: _plan_text(findings, part) for part in findings}, actions=actions,
                     decision=_plan_text(raw, "decision"), participants=_plan_text(raw, "participants"))
    with db.session() as s:
        plan = plans.save_plan(s, _household_ref(s, args.household), data)
        out = {"plan_id": plan.id, "revision": plan.revision}
    _emit(args, out, [f"บันทึกแผนฉบับที่ {out['revision']} แล้ว"])


def _plan_text(obj: dict, key: str) -> str:
    """A value of the plan file that must be text (or missing)."""
    from fieldtool.thai import InputError

    value = obj.get(key, "")
    if value is None or isinstance(value, str):
        return value or ""
    raise InputError(f"ค่า {key} ในไฟล์แผนต้องเป็นข้อความ ({key} in the plan file must be text)")


def cmd_plan_action(args, db: Database) -> None:
    from fieldtool import plans

    with db.session() as s:
        action = plans.update_action(s, args.action_id, args.status, _date(args.on), args.note or "")
        out = {"id": action.id, "status": action.status}
    _emit(args, out, [f"{out['status']}"])


def cmd_plans_summary(args, db: Database) -> None:
    from fieldtool import plans
    from fieldtool.households import DIMENSIONS
    from fieldtool.thai import format_baht, satang_to_str

    on = _date(args.on)
    with db.session() as s:
        summary = plans.plans_summary(s, on)

    def item(a):
        return {"household_id": a.household_id, "head": a.head, "village": a.village, "part": a.part, "what": a.what,
                "helper": a.helper, "due_on": a.due_on.isoformat() if a.due_on else None, "status": a.status,
                "budget": satang_to_str(a.budget_satang)}

    payload = {
        "on": on.isoformat(),
        "households_with_plans": summary.households_with_plans,
        "due_this_month": [item(a) for a in summary.due_this_month],
        "overdue": [item(a) for a in summary.overdue],
        "needs_by_dimension": summary.needs_by_dimension,
        "help_by_agency": [{"agency": k, "actions": v["actions"], "open": v["open"], "budget": satang_to_str(v["budget_satang"])}
                           for k, v in summary.help_by_agency.items()],
        "household_status": summary.status_counts,
    }
    lines = [f"ครัวเรือนที่มีแผน {summary.households_with_plans} ครัวเรือน",
             f"กิจกรรมครบกำหนดเดือนนี้ {len(summary.due_this_month)}  เลยกำหนด {len(summary.overdue)}",
             "ความจำเป็นตามมิติ: " + ", ".join(f"{DIMENSIONS[d]} {n}" for d, n in summary.needs_by_dimension.items())]
    lines += [f"  {k}: {v['actions']} กิจกรรม งบ {format_baht(v['budget_satang'])} บาท" for k, v in summary.help_by_agency.items()]
    _emit(args, payload, lines)


def _photo_dir(db: Database) -> Path:
    return db.path.parent / f"{db.path.stem}-photos"


def cmd_visit_add(args, db: Database) -> None:
    from fieldtool import loanbook, visits
    from fieldtool.thai import InputError
    from fieldtool.visits import VisitInput

    day, _, clock = (args.on or "").partition(" ")
    lat = lon = None
    if args.gps:
        try:
            lat, lon = (float(x) for x in args.gps.split(","))
        except ValueError:
            raise InputError(f"พิกัดต้องเขียนแบบ 15.24,105.23: {args.gps} (GPS must look like 15.24,105.23)") from None
    collected = []
    for item in args.collect or []:
        loan_ref, _, amount = item.rpartition(":")
        collected.append((loan_ref, _positive_baht(amount)))
    photos = [Path(p) for p in args.photo or []]
    written: list[Path] = []
    try:
        with db.session() as s:
            collected = [(loanbook.get_loan(s, ref).id, satang) for ref, satang in collected]
            updates = {}
            for item in args.set_household or []:
                ref, _, assignment = item.partition(":")
                key, _, value = assignment.partition("=")
                updates.setdefault(_household_ref(s, ref), {})[key] = value
            data = VisitInput(
                visited_on=_date(day or None), visited_at=clock or args.time or "", village_id=_village(s, args.village),
                place=args.place or "", people_met=args.met or "", purposes=args.purpose or [], findings=args.findings or "",
                next_steps=args.next_steps or "", next_visit_on=_date(args.next, default_today=False),
                latitude=lat, longitude=lon, loans=[loanbook.get_loan(s, x).id for x in args.loan or []],
                groups=args.group or [], households=[_household_ref(s, x) for x in args.household or []],
                collected=collected, photos=photos, household_updates=updates,
                verified=[(kind, ref) for kind, _, ref in (v.partition(":") for v in args.verified or [])],
            )
            result = visits.add_visit(s, data, _photo_dir(db))
            written = result.written_files
            out = {"id": result.visit.id, "visited_on": result.visit.visited_on.isoformat(), "payments": result.payments,
                   "photos": [{"sha256": p.sha256, "file": p.file_name, "width": p.width, "height": p.height} for p in result.photos],
                   "latitude": result.visit.latitude, "longitude": result.visit.longitude,
                   "next_visit_on": result.visit.next_visit_on.isoformat() if result.visit.next_visit_on else None}
    except BaseException:
        for path in written:  # the visit was not recorded: its photo files go too
            path.unlink(missing_ok=True)
        raise
    _emit(args, out, [out["id"]])


def cmd_visit_list(args, db: Database) -> None:
    from sqlalchemy import select

    from fieldtool import visits
    from fieldtool.models import Visit

    with db.session() as s:
        rows = s.scalars(select(Visit).order_by(Visit.visited_on.desc(), Visit.visited_at.desc()).limit(args.limit)).all()
        items = [{"id": v.id, "visited_on": v.visited_on.isoformat(), "time": v.visited_at, "place": v.place,
                  "purposes": json.loads(v.purposes), "findings": v.findings, "officer": v.officer,
                  "next_visit_on": v.next_visit_on.isoformat() if v.next_visit_on else None,
                  "about": visits.visit_links(s, v.id)} for v in rows]
        tasks = [{"visit_id": t.visit_id, "due_on": t.due_on.isoformat(), "village": t.village, "next_steps": t.next_steps}
                 for t in visits.next_visit_tasks(s, _date(args.on))]
    _emit(args, {"count": len(items), "items": items, "next_visit_tasks": tasks},
          [f"{i['visited_on']} {i['time']}  {i['place']}  {i['findings'][:60]}" for i in items])


def cmd_visit_purposes(args, db: Database) -> None:
    from fieldtool import visits

    table = visits.purposes()
    _emit(args, table, [f"{k:<24} {v}" for k, v in table.items()])


def cmd_meeting_add(args, db: Database) -> None:
    from fieldtool import loanbook, visits
    from fieldtool.visits import MeetingInput

    with db.session() as s:
        meeting = visits.add_meeting(s, MeetingInput(
            kind=args.kind, held_on=_date(args.on), held_at=args.time or "", place=args.place,
            village_id=_village(s, args.village) if args.village else None, attendees=args.attendees or "",
            outcomes=args.outcomes or "", loans=[loanbook.get_loan(s, x).id for x in args.loan or []],
            groups=args.group or [], households=[_household_ref(s, x) for x in args.household or []],
            purposes=args.purpose or [],
        ))
        out = {"id": meeting.id}
    _emit(args, out, [out["id"]])


# --- sync: keys, bundles, the district office ------------------------------------------------------------


def _sync_db(args, db: Database | None):
    """The database a sync command works on: --url opens PostgreSQL (the office server), else --db."""
    from db.office import as_office, open_office

    if getattr(args, "url", None):
        return open_office(args.url), True
    return as_office(db), False


def _key_arg(args) -> Path | None:
    return Path(args.key) if getattr(args, "key", None) else None


def _key_passphrase(args, db: Database) -> str | None:
    """The private key file's passphrase when it is locked (FIELDTOOL_KEY_PASSPHRASE, else asked on the
    terminal), checked once here, so a wrong one is one sentence before anything starts."""
    from db.office import default_key_path
    from exports import keyfile

    path = _key_arg(args) or default_key_path(db)
    passphrase = keyfile.passphrase_for_script(path)
    if passphrase is not None:
        keyfile.check_passphrase(path, passphrase)
    return passphrase


def _new_key_passphrase(args) -> str | None:
    """`init --passphrase`: the passphrase to lock the new key file with (asked twice, or from the environment)."""
    from exports import keyfile

    return keyfile.new_passphrase_for_script(keyfile.PASSPHRASE_ENV) if args.passphrase else None


def _change_key_passphrase(args, db: Database, role: str) -> None:
    """`keys passphrase` / `office-keys passphrase`: lock, change or (--remove) unlock the private key file."""
    from db.office import default_key_path
    from exports import keyfile

    path = _key_arg(args) or default_key_path(db)
    old = keyfile.passphrase_for_script(path)
    locked = keyfile.change_passphrase(path, role, old, None if args.remove else keyfile.new_passphrase_for_script())
    _emit(args, {"key_file": str(path), "locked": locked},
          [f"ตั้งรหัสผ่านของไฟล์กุญแจแล้ว: {path}" if locked else f"ไฟล์กุญแจไม่มีรหัสผ่านแล้ว: {path}"])


def cmd_keys(args, db: Database | None) -> None:
    from exports import bundle

    if args.keys_command == "init":
        out = bundle.init_officer_keys(db, _key_arg(args), _new_key_passphrase(args))
        _emit(args, out, [f"สร้างกุญแจแล้ว: {out['key_file']}", f"รหัสกุญแจ: {out['key_id']}"])
    elif args.keys_command == "passphrase":
        _change_key_passphrase(args, db, "officer")
    elif args.keys_command == "export":
        card = bundle.officer_card(db, _key_arg(args), args.subdistrict or "")
        bundle.write_public_card(Path(args.out), card)
        _emit(args, card, [f"บันทึกกุญแจสาธารณะแล้ว: {args.out}", f"รหัสกุญแจ: {card['key_id']}"])
    else:  # trust-office
        card, new = bundle.trust_office(db, Path(args.file))
        _emit(args, {**card, "new": new},
              [("เชื่อถือกุญแจของสำนักงานแล้ว" if new else "เชื่อถือกุญแจนี้อยู่แล้ว") + f": {card['name'] or card['area_code']} ({card['key_id']})"])


def cmd_office_keys(args, db: Database | None) -> None:
    from exports import bundle

    db, opened = _sync_db(args, db)
    try:
        if args.office_keys_command == "init":
            out = bundle.init_office_keys(db, args.district, args.name or "", _key_arg(args), _new_key_passphrase(args))
            _emit(args, out, [f"สร้างกุญแจสำนักงานแล้ว: {out['key_file']}", f"รหัสกุญแจ: {out['key_id']}"])
        elif args.office_keys_command == "passphrase":
            _change_key_passphrase(args, db, "office")
        elif args.office_keys_command == "export":
            card = bundle.office_card(db, _key_arg(args))
            bundle.write_public_card(Path(args.out), card)
            _emit(args, card, [f"บันทึกกุญแจสาธารณะของสำนักงานแล้ว: {args.out}", f"รหัสกุญแจ: {card['key_id']}"])
        else:  # enrol
            card, new = bundle.enrol_officer(db, Path(args.file))
            _emit(args, {**card, "new": new},
                  [("ลงทะเบียนกุญแจแล้ว" if new else "ลงทะเบียนกุญแจนี้ไว้แล้ว")
                   + f": {card['name']} ตำบล {card['area_code']} เครื่อง {card['device_id']}"])
    finally:
        if opened:
            db.dispose()


def cmd_bundle_export(args, db: Database) -> None:
    from exports import bundle

    out = bundle.export_field_bundle(db, Path(args.out), full=args.full, key_path=_key_arg(args),
                                     passphrase=_key_passphrase(args, db))
    _emit(args, out, [f"บันทึกชุดข้อมูลที่ {out['bundle_seq']} แล้ว: {out['file']}",
                      f"  รายการแก้ไข {out['entries']} รายการ (ลำดับ {out['seq_from']}–{out['seq_to']}), ภาพ {out['photos']}"])


def _gap_line(gap: dict, officer: str) -> str:
    ranges = ", ".join(f"{lo}–{hi}" for lo, hi in gap["changes"])
    numbers = ", ".join(str(n) for n in gap["bundles"]) or "?"
    return (f"  ยังไม่ได้รับชุดข้อมูลที่ {numbers} ของเครื่องนี้ ({officer}) (bundle {numbers} of this laptop never arrived: "
            f"changes {ranges} are missing; ask for it, or for a --full bundle)")


def _bundle_line(r: dict) -> str:
    """What one imported bundle brought, in one line."""
    from fieldtool.thai import format_time

    who = f"{r['officer'] or r['device_id']} ตำบล {r['subdistrict_code']}"
    if r["status"] == "already":
        when = format_time(datetime.fromisoformat(r["imported_at"]), zone=True)
        return (f"{Path(r['file']).name}: นำเข้าแล้วเมื่อ {when} ไม่มีการเปลี่ยนแปลง "
                f"(already imported; nothing changed) — ชุดที่ {r['bundle_seq']} {who}")
    line = (f"{Path(r['file']).name}: นำเข้าชุดที่ {r['bundle_seq']} {who}: รายการใหม่ {r['entries_new']}/{r['entries']}, "
            f"ระเบียนที่ปรับ {r['records']}, ข้อขัดแย้งใหม่ {r['conflicts_new']}, รอข้อมูลอื่น {r['pending']}")
    if r.get("succeeded"):  # a restored laptop: its key moved to the new device (fieldtool.succession)
        old = r["succeeded"][:8]
        line += (f" — เครื่องที่กู้คืนจากสำเนาสำรอง สืบต่อจากเครื่อง {old} (a restored laptop, going on from device {old}: "
                 "its key now signs for the new device)")
    return line


def cmd_bundle_import(args, db: Database | None) -> None:
    from exports import bundle
    from fieldtool.thai import InputError

    db, opened = _sync_db(args, db)
    results, refused = [], []
    say = progress(args)
    try:
        passphrase = _key_passphrase(args, db)
        for n, file in enumerate(args.files, start=1):
            try:
                results.append(bundle.import_bundle(db, Path(file), key_path=_key_arg(args), passphrase=passphrase))
                say(f"[{n}/{len(args.files)}] {_bundle_line(results[-1])}")
            except InputError as exc:
                if len(args.files) == 1:
                    raise  # one file, one sentence
                refused.append({"file": file, "error": str(exc)})
                print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
    finally:
        if opened:
            db.dispose()
    lines = []
    for r in results:
        lines.append(_bundle_line(r))
        if r.get("gap"):
            lines.append(_gap_line(r["gap"], r["officer"]))
        if r.get("handover"):
            lines += office_keys_cli.handover_lines(r["handover"])
    _emit(args, {"bundles": results, "refused": refused}, lines)
    if refused:
        raise InputError(f"ไม่รับชุดข้อมูล {len(refused)} จาก {len(args.files)} ไฟล์ "
                         f"({len(refused)} of {len(args.files)} bundles were refused; nothing of them was written)")


def _conflict_json(c, item) -> dict:
    """A conflict for --json: the raw values and devices, and the same in words (`item`, fieldtool.officedesk)."""
    from fieldtool.officedesk import field_label
    from fieldtool.thai import iso_time

    return {"id": c.id, "table": c.table_name, "record_id": c.record_id, "field": c.field,
            "record": item.record, "field_label": field_label(c.field),
            "chosen": {"value": json.loads(c.chosen_value), "words": item.chosen_words, "device_id": c.chosen_device,
                       "officer": c.chosen_officer, "at": iso_time(c.chosen_at), "seq": c.chosen_seq},
            "other": {"value": json.loads(c.other_value), "words": item.other_words, "device_id": c.other_device,
                      "officer": c.other_officer, "at": iso_time(c.other_at), "seq": c.other_seq},
            "in_use": item.in_use, "status": c.status,
            "resolved_at": iso_time(c.resolved_at) if c.resolved_at else None, "resolved_by": c.resolved_by,
            "text": item.text()}


def _conflicts_out(s, rows) -> tuple[list[dict], list[str]]:
    from fieldtool.officedesk import conflict_items

    items = {i.id: i for i in conflict_items(s, ids=[c.id for c in rows])}
    return [_conflict_json(c, items[c.id]) for c in rows], [f"{c.id[:8]}  {items[c.id].text()}" for c in rows]


def cmd_office_conflicts(args, db: Database | None) -> None:
    from fieldtool import sync

    db, opened = _sync_db(args, db)
    try:
        with db.session() as s:
            items, lines = _conflicts_out(s, sync.open_conflicts(s, include_resolved=args.all))
    finally:
        if opened:
            db.dispose()
    _emit(args, {"count": len(items), "items": items}, lines or ["ไม่มีข้อขัดแย้งที่รอตรวจ (no conflicts to review)"])


def cmd_office_resolve(args, db: Database | None) -> None:
    from fieldtool import sync

    db, opened = _sync_db(args, db)
    try:
        with db.session() as s:
            (out,), _lines = _conflicts_out(s, [sync.resolve_conflict(s, args.conflict_id, args.take)])
    finally:
        if opened:
            db.dispose()
    value = out["other"]["words"] if args.take == "other" else out["chosen"]["words"]
    _emit(args, out, [f"ตัดสินแล้ว: {out['record']} – {out['field_label']}: ใช้ {value} "
                      "(จะส่งกลับไปยังเครื่องในชุดข้อมูลขากลับ; the decision goes back in the return bundle)"])


def cmd_office_return_bundle(args, db: Database | None) -> None:
    from exports import bundle

    db, opened = _sync_db(args, db)
    try:
        out = bundle.export_return_bundle(db, args.device, Path(args.out), key_path=_key_arg(args),
                                          passphrase=_key_passphrase(args, db))
    finally:
        if opened:
            db.dispose()
    if out["file"] is None:
        _emit(args, out, [f"ไม่มีข้อมูลใหม่สำหรับเครื่อง {args.device} (nothing new for this laptop; no file written)"])
    else:
        _emit(args, out, [f"บันทึกชุดข้อมูลขากลับที่ {out['bundle_seq']} แล้ว: {out['file']} ({out['entries']} รายการ)"])


def cmd_office_devices(args, db: Database | None) -> None:
    from fieldtool.handover import laptop_keys
    from fieldtool.thai import format_date, format_time, iso_time

    db, opened = _sync_db(args, db)
    try:
        with db.session() as s:
            items = [{"device_id": d.device_id, "officer": d.officer, "subdistrict_code": d.subdistrict_code,
                      "key_id": d.key_id, "last_bundle": d.last_bundle,
                      "last_imported_at": iso_time(d.last_imported_at) if d.last_imported_at else None,
                      "gap": {"bundles": d.missing_bundles, "changes": [list(r) for r in d.missing_changes]}
                      if d.has_gap else None, "revoked_at": iso_time(d.revoked_at) if d.revoked_at else None,
                      "revoked_upto": d.revoked_upto} for d in laptop_keys(s)]
    finally:
        if opened:
            db.dispose()
    lines = []
    for i in items:
        when = f" นำเข้าเมื่อ {format_time(datetime.fromisoformat(i['last_imported_at']), zone=True)}" \
            if i["last_imported_at"] else ""
        revoked = f"  เพิกถอนแล้วเมื่อ {format_date(date.fromisoformat(i['revoked_at'][:10]))}" if i["revoked_at"] else ""
        lines.append(f"{i['subdistrict_code']}  {i['officer']}  {i['device_id']}  กุญแจ {i['key_id'][:12]}  "
                     f"ชุดล่าสุด {i['last_bundle'] or '-'}{when}{revoked}")
        if i["gap"]:
            lines.append(_gap_line(i["gap"], i["officer"]))
    _emit(args, {"count": len(items), "items": items}, lines or ["ยังไม่ได้ลงทะเบียนกุญแจของเจ้าหน้าที่ (no officer keys enrolled)"])


def cmd_office_restructures(args, db: Database | None) -> None:
    from fieldtool.officedesk import double_restructures
    from fieldtool.thai import format_baht, format_date, format_time, iso_time, satang_to_str

    db, opened = _sync_db(args, db)
    try:
        with db.session() as s:
            found = double_restructures(s)
    finally:
        if opened:
            db.dispose()
    items = [{"loan_id": d.loan_id, "loan": d.loan, "version": d.version,
              "choices": [{"schedule_id": c.schedule_id, "officer": c.officer,
                           "made_at": iso_time(c.made_at) if c.made_at else None,
                           "effective_from": c.effective_from.isoformat(), "reason": c.reason,
                           "instalments": c.instalments, "first_due": c.first_due.isoformat() if c.first_due else None,
                           "total": satang_to_str(c.total_satang)} for c in d.choices]} for d in found]
    lines = []
    for d in found:
        lines.append(f"{d.loan}: ปรับโครงสร้างหนี้บนสองเครื่อง (restructured on two laptops), ฉบับที่ {d.version}")
        lines += [f"  {c.schedule_id[:8]}  {c.officer or '-'}"
                  f"{' ' + format_time(c.made_at, zone=True) if c.made_at else ''}  {c.instalments} งวด เริ่ม {format_date(c.first_due) if c.first_due else '-'}"
                  f"  รวม {format_baht(c.total_satang)} บาท  {c.reason}" for c in d.choices]
    _emit(args, {"count": len(items), "items": items},
          lines or ["ไม่มีสัญญาที่ถูกปรับโครงสร้างหนี้ซ้ำ (no loan was restructured on two laptops)"])


def cmd_office_keep_schedule(args, db: Database | None) -> None:
    from sqlalchemy import select

    from fieldtool.models import Instalment
    from fieldtool.officedesk import keep_schedule

    db, opened = _sync_db(args, db)
    try:
        with db.session() as s:
            kept, removed = keep_schedule(s, args.schedule_id)
            count = len(s.scalars(select(Instalment).where(Instalment.schedule_id == kept.id)).all())
            out = {"schedule_id": kept.id, "loan_id": kept.loan_id, "version": kept.version, "removed": removed,
                   "instalments": count}
    finally:
        if opened:
            db.dispose()
    _emit(args, out, [f"ใช้ตารางผ่อนชำระ {count} งวด ({kept.id[:8]}) แล้ว ยกเลิกอีก {removed} ฉบับ "
                      "จะส่งกลับไปยังเครื่องในชุดข้อมูลขากลับ"])


# --- the district report ----------------------------------------------------------------------------------


def district_value_json(value, unit: str):
    """A report figure for JSON: money as baht text (two decimals), counts as numbers, ratios to 4 places."""
    from fieldtool.thai import satang_to_str

    if value is None:
        return None
    if unit == "satang":
        return satang_to_str(value)
    if unit == "ratio":
        return round(value, 4)
    return value


def district_report_json(rep) -> dict:
    from fieldtool.thai import iso_time

    def row_json(row, measures):
        return {"key": row.key, "label": row.label, **({"subdistrict": row.parent, "subdistrict_label": row.parent_label}
                                                      if row.parent else {}),
                "values": {m.key: [district_value_json(row.value(m, i), m.unit) for i in range(len(rep.quarters))]
                           for m in measures}}

    units = {}
    sections = []
    for sec in rep.sections:
        units.update({m.key: m.unit for m in sec.measures})
        tables = []
        for t in sec.tables:
            tables.append({
                "by": t.by, "title": t.title,
                "rows": [row_json(r, sec.measures) for r in t.rows],
                "total": row_json(t.total, sec.measures),
                "sum_of_rows": row_json(t.sum_of_rows, sec.measures),
                "ok": t.ok,
                "checks": [{"measure": c.measure, "quarter": c.quarter, "ok": c.ok,
                            "total": district_value_json(c.total, units[c.measure]),
                            "sum_of_rows": district_value_json(c.sum_of_rows, units[c.measure]),
                            "difference": district_value_json(c.difference, units[c.measure]),
                            "explanation": c.explanation} for c in t.checks],
            })
        sections.append({
            "key": sec.key, "title": sec.title, "title_en": sec.title_en, "description": sec.description,
            "measures": [{"key": m.key, "label": m.label, "label_en": m.label_en, "unit": m.unit, "shown": m.shown}
                         for m in sec.measures],
            "tables": tables,
        })
    failed = rep.failed_checks
    return {
        "fy": rep.fy,
        "district_code": rep.district_code,
        "district": rep.district_name,
        "office": rep.office_name,
        "on": rep.on.isoformat(),
        "made_at": iso_time(rep.made_at),
        "sources": [{"subdistrict": src.subdistrict, "officer": src.officer, "bundle_seq": src.bundle_seq,
                     "made_at": iso_time(src.made_at), "received_at": iso_time(src.received_at)} for src in rep.sources],
        "quarters": [{"no": q.no, "label": q.label(), "start": q.start.isoformat(), "end": q.end.isoformat(),
                      "as_of": q.as_of.isoformat() if q.as_of else None, "status": q.status} for q in rep.quarters],
        "ok": rep.ok,
        "checks": {"count": len(rep.checks), "failed": len(failed),
                   "failures": [{"section": s.key, "table": t.by, "measure": c.measure, "quarter": c.quarter,
                                 "explanation": c.explanation} for s, t, c in failed]},
        "problems": [{"level": p.level, "message": p.message} for p in rep.problems],
        "sections": sections,
    }


def _district_lines(rep) -> list[str]:
    from fieldtool.district import figure_text
    from fieldtool.thai import format_date, format_time

    live = [i for i, q in enumerate(rep.quarters) if q.as_of]
    lines = [f"รายงานระดับอำเภอ {rep.district_name} ({rep.district_code}) ปีงบประมาณ {rep.fy} ข้อมูล ณ {format_date(rep.on)}"]
    lines += [f"  {q.label(False)}: " + (f"ณ {format_date(q.as_of)}" if q.as_of else "ยังไม่ถึง") for q in rep.quarters]
    lines.append(f"จัดทำเมื่อ {format_time(rep.made_at, zone=True)}")
    lines += [f"  ข้อมูลจาก {src.subdistrict} {src.officer}: ชุดที่ {src.bundle_seq} "
              f"ทำเมื่อ {format_time(src.made_at)} นำเข้าเมื่อ {format_time(src.received_at)}" for src in rep.sources]
    for sec in rep.sections:
        t = sec.table("subdistrict")
        lines.append(f"{sec.title} ({sec.title_en})")
        for row in [*t.rows, t.total]:
            figures = "  ".join(
                f"{m.label} " + " / ".join(figure_text(row.value(m, i), m.unit) for i in live) for m in sec.shown_measures)
            lines.append(f"  {row.label:<24} {figures}")
    failed = rep.failed_checks
    lines.append(f"ตรวจยอดรวม {len(rep.checks)} ช่อง: " + ("ตรงกันทุกช่อง (every total matches its rows)" if not failed
                                                         else f"ไม่ตรง {len(failed)} ช่อง ({len(failed)} do not match)"))
    lines += [f"  [{p.level}] {p.message}" for p in rep.problems]
    return lines


def cmd_office_report(args, db: Database | None) -> None:
    from exports.report_xlsx import check_writable, write_report_xlsx
    from fieldtool.district import district_report
    from fieldtool.thai import InputError, fiscal_year, to_arabic_digits

    on = _date(args.on)
    fy = args.fy
    if fy is None:
        fy = fiscal_year(on)
    else:
        text = to_arabic_digits(fy.strip())
        if not (text.isascii() and text.isdigit() and len(text) == 4 and int(text) >= 2400):
            raise InputError(f"ปีงบประมาณต้องเป็น พ.ศ. 4 หลัก: {fy} (the fiscal year is a 4-digit Buddhist Era year, e.g. 2570)")
        fy = int(text)
    outputs = [Path(p) for p in (args.xlsx, args.pdf) if p]
    for path in outputs:  # before any work: an unwritable path writes nothing at all
        check_writable(path)
    db, opened = _sync_db(args, db)
    try:
        with db.session() as s:
            rep = district_report(s, fy, on, quarter=args.quarter, district_code=args.district)
    finally:
        if opened:
            db.dispose()
    written = []
    try:
        if args.xlsx:
            written.append(write_report_xlsx(rep, Path(args.xlsx)))
        if args.pdf:
            from exports.report_pdf import write_report_pdf

            pages = write_report_pdf(rep, Path(args.pdf))
            written.append(Path(args.pdf))
    except BaseException:
        for path in written:  # both files or neither
            path.unlink(missing_ok=True)
        raise
    payload = district_report_json(rep)
    payload["files"] = [str(p) for p in written]
    lines = _district_lines(rep)
    if args.xlsx:
        lines.append(f"บันทึกไฟล์แล้ว: {args.xlsx}")
    if args.pdf:
        lines.append(f"บันทึกไฟล์แล้ว: {args.pdf} ({pages} หน้า)")
    _emit(args, payload, lines)


def cmd_gui(args, db_path: Path) -> int:
    from ui.app import run_gui

    return run_gui(db_path, screenshot=args.screenshot)


def cmd_office_demo(args, db: Database | None) -> None:
    from exports.office_demo import build_office_demo

    out = build_office_demo(Path(args.folder), _date(args.day) if args.day else None, progress=progress(args))
    _emit(args, out, [f"สร้างสำนักงานตัวอย่างแล้ว: {out['office']}",
                      f"ชุดข้อมูลที่รอนำเข้า (แฟลชไดรฟ์): {out['usb']}",
                      f"เปิดด้วย: fieldtool office gui --db {out['office']}"])


def cmd_office_gui(args, db_path: Path) -> int:
    from ui.app import run_office_gui

    return run_office_gui(args.url or db_path, screenshot=args.screenshot)


# --- parser ----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    quiet_help = "no progress lines on stderr during long work (demo, import, bundle import)"
    common.add_argument("--quiet", action="store_true", default=argparse.SUPPRESS, help=quiet_help)
    p = argparse.ArgumentParser(prog="fieldtool", description="ปตท. loan book of a subdistrict (offline).")
    p.add_argument("--db", help="database file (default: the user's data directory, or $FIELDTOOL_DB)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--quiet", action="store_true", help=quiet_help)
    sub = p.add_subparsers(dest="command")

    g = sub.add_parser("gui", parents=[common], help="open the app (default)")
    g.add_argument("--screenshot", help="write a PNG of the main window and exit")
    g.set_defaults(func=None)

    i = sub.add_parser("init", parents=[common], help="create the database")
    i.add_argument("--officer", help="the officer's name, written into the change log")
    i.set_defaults(func=cmd_init)

    d = sub.add_parser("demo", parents=[common], help="fill the database with a demo subdistrict")
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--today", help="the day the demo is built around (default today)")
    d.set_defaults(func=cmd_demo)

    loan = sub.add_parser("loan", help="loans").add_subparsers(dest="loan_command", required=True)
    a = loan.add_parser("add", parents=[common], help="add a loan; prints its id")
    a.add_argument("--fund", required=True, help="fund id, name or kind")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--group", help="borrowing group id")
    who.add_argument("--household", help="household id")
    a.add_argument("--principal", required=True, help="principal in baht")
    a.add_argument("--instalments", type=int)
    a.add_argument("--frequency", choices=["monthly", "quarterly", "half-yearly", "yearly"])
    a.add_argument("--rate", help="flat interest per year in percent (default: the fund's)")
    a.add_argument("--first-due", required=True, help="first due date")
    a.add_argument("--applied", help="application date (default today)")
    a.add_argument("--approved", help="approval date")
    a.add_argument("--disbursed", help="disbursement date")
    a.add_argument("--reason", help="why disburse with prevent items open")
    a.add_argument("--purpose")
    a.add_argument("--agreement-no")
    a.set_defaults(func=cmd_loan_add)

    sh = loan.add_parser("show", parents=[common], help="a loan with its schedule")
    sh.add_argument("loan_id")
    sh.add_argument("--on", help="as of this day (default today)")
    sh.set_defaults(func=cmd_loan_show)

    ls = loan.add_parser("list", parents=[common], help="the loan register")
    ls.add_argument("--on")
    ls.add_argument("--search")
    ls.add_argument("--stage", choices=["prevent", "follow", "ask", "closed"])
    ls.add_argument("--fund")
    ls.add_argument("--village")
    ls.set_defaults(func=cmd_loan_list)

    ck = loan.add_parser("check", parents=[common], help="tick a prevent checklist item")
    ck.add_argument("loan_id")
    ck.add_argument("item", choices=list(PREVENT_CODES))
    ck.add_argument("--on")
    ck.add_argument("--note")
    ck.add_argument("--undo", action="store_true")
    ck.set_defaults(func=cmd_loan_check)

    ds = loan.add_parser("disburse", parents=[common], help="pay out a loan")
    ds.add_argument("loan_id")
    ds.add_argument("--on")
    ds.add_argument("--reason")
    ds.set_defaults(func=cmd_loan_disburse)

    rs = loan.add_parser("restructure", parents=[common], help="a new agreed schedule for what is owed")
    rs.add_argument("loan_id")
    rs.add_argument("--on")
    rs.add_argument("--instalments", type=int, required=True)
    rs.add_argument("--first-due", required=True)
    rs.add_argument("--frequency", choices=["monthly", "quarterly", "half-yearly", "yearly"])
    rs.add_argument("--reason")
    rs.set_defaults(func=cmd_loan_restructure)

    pay = sub.add_parser("pay", parents=[common], help="record a repayment")
    pay.add_argument("loan_id")
    pay.add_argument("--amount", required=True, help="baht")
    pay.add_argument("--on")
    pay.add_argument("--note")
    pay.add_argument("--credit", action="store_true",
                     help="take more than is owed: the rest stays with the loan as money paid in advance")
    pay.set_defaults(func=cmd_pay)

    rv = sub.add_parser("reverse", parents=[common], help="reverse a wrongly recorded payment")
    rv.add_argument("payment_id")
    rv.add_argument("--on")
    rv.add_argument("--note")
    rv.set_defaults(func=cmd_reverse)

    rm = sub.add_parser("reminders", parents=[common], help="notices and ask tasks open on a day")
    rm.add_argument("--on")
    rm.add_argument("--kind", choices=["notice", "notice-30", "notice-15", "notice-7", "ask"])
    rm.set_defaults(func=cmd_reminders)

    dv = sub.add_parser("deliver", parents=[common], help="record a notice delivered or an ask step done")
    dv.add_argument("reminder_id")
    dv.add_argument("--how", choices=list(DELIVERY_HOW))
    dv.add_argument("--on")
    dv.add_argument("--by")
    dv.add_argument("--note")
    dv.add_argument("--undo", action="store_true", help="cancel a delivery recorded by mistake (the task opens again)")
    dv.set_defaults(func=cmd_deliver)

    ar = sub.add_parser("arrears", parents=[common], help="overdue loans, aging and PAR30")
    ar.add_argument("--on")
    ar.set_defaults(func=cmd_arrears)

    li = sub.add_parser("list", parents=[common], help="funds, villages, groups or households")
    li.add_argument("what", choices=["funds", "villages", "groups", "households"])
    li.set_defaults(func=cmd_list)

    hi = sub.add_parser("history", parents=[common], help="the change log (audit trail)")
    hi.add_argument("--record")
    hi.add_argument("--limit", type=_count, default=50)
    hi.set_defaults(func=cmd_history)
    of = sub.add_parser("office", help="the office's details printed on letters").add_subparsers(dest="office_command", required=True)
    of.add_parser("show", parents=[common]).set_defaults(func=cmd_office)
    ofs = of.add_parser("set", parents=[common], help="set one office setting")
    ofs.add_argument("key")
    ofs.add_argument("value")
    ofs.set_defaults(func=cmd_office)

    tp = sub.add_parser("template", help="the wording of each letter kind").add_subparsers(dest="template_command", required=True)
    for name in ("show", "set", "reset"):
        t = tp.add_parser(name, parents=[common])
        t.add_argument("kind", help="notice, demand-1, demand-2, demand-final or meeting")
        if name == "set":
            t.add_argument("--file", required=True, help='JSON file: {"subject": "...", "body": ["...", ...]}')
        t.set_defaults(func=cmd_template)

    letters_cli.register(sub, common)
    hh = sub.add_parser("household", help="target households").add_subparsers(dest="household_command", required=True)
    ha = hh.add_parser("add", parents=[common], help="register a household; refuses a likely duplicate")
    ha.add_argument("--village", required=True, help="village number (หมู่ที่), name or id")
    ha.add_argument("--head", required=True, help="title,given name,family name[,national id[,phone]]")
    ha.add_argument("--member", action="append", help="title,given name,family name,national id,phone,relation")
    ha.add_argument("--house-no")
    ha.add_argument("--phone")
    ha.add_argument("--source", choices=["tpmap", "field"], default="field")
    ha.add_argument("--need", action="append", help="dimension:description (health, living, education, income, access)")
    ha.add_argument("--force", action="store_true", help="add even though it looks like an existing household")
    ha.set_defaults(func=cmd_household_add)
    hs = hh.add_parser("show", parents=[common])
    hs.add_argument("household_id")
    hs.add_argument("--on")
    hs.set_defaults(func=cmd_household_show)

    pl = sub.add_parser("plan", help="household development plans (4ท)").add_subparsers(dest="plan_command", required=True)
    ps = pl.add_parser("show", parents=[common])
    ps.add_argument("household")
    ps.add_argument("--revision", type=int)
    ps.add_argument("--on")
    ps.set_defaults(func=cmd_plan_show)
    pp = pl.add_parser("print", parents=[common], help="the plan as a PDF for the household and the file")
    pp.add_argument("household")
    pp.add_argument("--out", required=True)
    pp.add_argument("--revision", type=int)
    pp.add_argument("--on")
    pp.set_defaults(func=cmd_plan_print)
    pset = pl.add_parser("set", parents=[common], help="save a plan (a new revision) from a JSON file")
    pset.add_argument("household")
    pset.add_argument("--file", required=True)
    pset.set_defaults(func=cmd_plan_set)
    pa = pl.add_parser("action", parents=[common], help="record progress on a plan action")
    pa.add_argument("action_id")
    pa.add_argument("--status", required=True, choices=["planned", "in_progress", "done", "dropped"])
    pa.add_argument("--on")
    pa.add_argument("--note")
    pa.set_defaults(func=cmd_plan_action)

    pls = sub.add_parser("plans", help="across households").add_subparsers(dest="plans_command", required=True)
    pss = pls.add_parser("summary", parents=[common], help="actions due and overdue, needs, help by agency")
    pss.add_argument("--on")
    pss.set_defaults(func=cmd_plans_summary)

    vi = sub.add_parser("visit", help="site visits").add_subparsers(dest="visit_command", required=True)
    va = vi.add_parser("add", parents=[common], help="record a visit")
    va.add_argument("--on", help="date, optionally with time: '2026-11-22 10:30'")
    va.add_argument("--time")
    va.add_argument("--village", required=True)
    va.add_argument("--place")
    va.add_argument("--met", help="people met")
    va.add_argument("--purpose", action="append", help="see 'fieldtool visit purposes'")
    va.add_argument("--findings")
    va.add_argument("--next-steps")
    va.add_argument("--next", help="next visit date")
    va.add_argument("--gps", help="latitude,longitude (else read from a photo)")
    va.add_argument("--loan", action="append")
    va.add_argument("--group", action="append")
    va.add_argument("--household", action="append")
    va.add_argument("--collect", action="append", help="LOAN:BAHT money collected, recorded as a payment")
    va.add_argument("--photo", action="append")
    va.add_argument("--set-household", action="append", help="HOUSEHOLD:field=value changed on site (status, phone, house_no)")
    va.add_argument("--verified", action="append", help="household:ID or loan:ID checked on site")
    va.set_defaults(func=cmd_visit_add)
    vl = vi.add_parser("list", parents=[common])
    vl.add_argument("--limit", type=_count, default=50)
    vl.add_argument("--on")
    vl.set_defaults(func=cmd_visit_list)
    vi.add_parser("purposes", parents=[common]).set_defaults(func=cmd_visit_purposes)

    me = sub.add_parser("meeting", help="meetings").add_subparsers(dest="meeting_command", required=True)
    ma = me.add_parser("add", parents=[common])
    ma.add_argument("--kind", required=True, choices=["guarantee", "exchange", "repayment", "other"])
    ma.add_argument("--on")
    ma.add_argument("--time")
    ma.add_argument("--place", required=True)
    ma.add_argument("--village")
    ma.add_argument("--attendees")
    ma.add_argument("--outcomes")
    ma.add_argument("--loan", action="append")
    ma.add_argument("--group", action="append")
    ma.add_argument("--household", action="append")
    ma.add_argument("--purpose", action="append")
    ma.set_defaults(func=cmd_meeting_add)
    # --- sync -------------------------------------------------------------------------------------------
    def office_target(parser):
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--db", default=argparse.SUPPRESS, help="office database file (SQLite)")
        where.add_argument("--url", help="office database on PostgreSQL: postgresql://user@host/dbname")

    PASSPHRASE_HELP = ("lock the private key file with a passphrase (typed twice, or FIELDTOOL_KEY_PASSPHRASE); "
                       "asked again whenever a bundle is made or opened")
    CHANGE_PASSPHRASE_HELP = ("lock the private key file with a passphrase, change it, or --remove it "
                              "(FIELDTOOL_KEY_PASSPHRASE: the current one, FIELDTOOL_NEW_KEY_PASSPHRASE: the new one)")
    ks = sub.add_parser("keys", help="this laptop's sync keys").add_subparsers(dest="keys_command", required=True)
    ki = ks.add_parser("init", parents=[common], help="make the officer's key pair (private file beside the database)")
    ki.add_argument("--key", help="where to keep the private key file (default: beside the database)")
    ki.add_argument("--passphrase", action="store_true", help=PASSPHRASE_HELP)
    ki.set_defaults(func=cmd_keys)
    kp = ks.add_parser("passphrase", parents=[common], help=CHANGE_PASSPHRASE_HELP)
    kp.add_argument("--key")
    kp.add_argument("--remove", action="store_true", help="keep the private key file without a passphrase")
    kp.set_defaults(func=cmd_keys)
    ke = ks.add_parser("export", parents=[common], help="write the public key file to hand to the office")
    ke.add_argument("--out", required=True)
    ke.add_argument("--key")
    ke.add_argument("--subdistrict", metavar="CODE", help="a laptop not set up yet: the subdistrict the office is to seed it with")
    ke.set_defaults(func=cmd_keys)
    kt = ks.add_parser("trust-office", parents=[common], help="trust the district office's public key file")
    kt.add_argument("file")
    kt.set_defaults(func=cmd_keys)

    ok = sub.add_parser("office-keys", help="the district office's sync keys").add_subparsers(
        dest="office_keys_command", required=True)
    oki = ok.add_parser("init", parents=[common], help="make the office key pair and set the district code")
    oki.add_argument("--district", required=True, help="the district's 4-digit code")
    oki.add_argument("--name", help="the office's name, shown to the field")
    oki.add_argument("--key", help="where to keep the private key file")
    oki.add_argument("--passphrase", action="store_true", help=PASSPHRASE_HELP)
    office_target(oki)
    oki.set_defaults(func=cmd_office_keys)
    okp = ok.add_parser("passphrase", parents=[common], help=CHANGE_PASSPHRASE_HELP)
    okp.add_argument("--key")
    okp.add_argument("--remove", action="store_true", help="keep the private key file without a passphrase")
    office_target(okp)
    okp.set_defaults(func=cmd_office_keys)
    oke = ok.add_parser("export", parents=[common], help="write the office's public key file for the officers")
    oke.add_argument("--out", required=True)
    oke.add_argument("--key")
    office_target(oke)
    oke.set_defaults(func=cmd_office_keys)
    oken = ok.add_parser("enrol", parents=[common], help="enrol an officer's public key file")
    oken.add_argument("file")
    office_target(oken)
    oken.set_defaults(func=cmd_office_keys)

    bu = sub.add_parser("bundle", help="sync bundles").add_subparsers(dest="bundle_command", required=True)
    be = bu.add_parser("export", parents=[common], help="write this laptop's bundle for the office")
    be.add_argument("--out", required=True)
    be.add_argument("--full", action="store_true", help="all of this laptop's changes, not only the new ones")
    be.add_argument("--key")
    be.set_defaults(func=cmd_bundle_export)
    bi = bu.add_parser("import", parents=[common], help="merge bundles (office: from laptops; laptop: from the office)")
    bi.add_argument("files", nargs="+", metavar="FILE")
    bi.add_argument("--key")
    office_target(bi)
    bi.set_defaults(func=cmd_bundle_import)

    oc = of.add_parser("conflicts", parents=[common], help="fields changed on two laptops, for review")
    oc.add_argument("--all", action="store_true", help="also those already resolved")
    office_target(oc)
    oc.set_defaults(func=cmd_office_conflicts)
    orr = of.add_parser("resolve", parents=[common], help="decide a conflict; the decision travels back to the field")
    orr.add_argument("conflict_id")
    orr.add_argument("--take", required=True, choices=["other", "chosen"])
    office_target(orr)
    orr.set_defaults(func=cmd_office_resolve)
    orb = of.add_parser("return-bundle", parents=[common], help="the office's changes for one laptop")
    orb.add_argument("--device", required=True)
    orb.add_argument("--out", required=True)
    orb.add_argument("--key")
    office_target(orb)
    orb.set_defaults(func=cmd_office_return_bundle)
    odv = of.add_parser("devices", parents=[common], help="enrolled laptops, their last bundle, bundles missing")
    office_target(odv)
    odv.set_defaults(func=cmd_office_devices)
    orp = of.add_parser("report", parents=[common], help="the district report by fiscal quarter, with checked totals")
    orp.add_argument("--fy", help="Buddhist Era fiscal year, e.g. 2570 (default: the one containing --on)")
    orp.add_argument("--on", help="report day (default today); the current quarter is taken on this day")
    orp.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="only this quarter's column")
    orp.add_argument("--district", help="district code (default: the office's district_code)")
    orp.add_argument("--xlsx", help="also write an Excel workbook")
    orp.add_argument("--pdf", help="also write a landscape A4 PDF")
    office_target(orp)
    orp.set_defaults(func=cmd_office_report)
    ors = of.add_parser("restructures", parents=[common], help="loans restructured on two laptops, for the office to decide")
    office_target(ors)
    ors.set_defaults(func=cmd_office_restructures)
    oks = of.add_parser("keep-schedule", parents=[common], help="the restructuring that stands; the rival one is removed")
    oks.add_argument("schedule_id")
    office_target(oks)
    oks.set_defaults(func=cmd_office_keep_schedule)
    places_cli.register(sub, common)
    office_keys_cli.register(sub, of, common, office_target)
    bookimport_cli.register(sub, common)
    registers_cli.register(sub, common)
    backup_cli.register(sub, common)
    odm = of.add_parser("demo", parents=[common], help="a demo district office: three laptops, bundles, a conflict")
    odm.add_argument("--folder", required=True, help="an empty folder for the office, the laptops and the USB stick")
    odm.add_argument("--day", help="the demo's working day (default today)")
    odm.set_defaults(func=cmd_office_demo)
    ogu = of.add_parser("gui", parents=[common], help="the district office window: import bundles, conflicts, report")
    ogu.add_argument("--screenshot", help="write a PNG of the window to this file and exit")
    office_target(ogu)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status. Called as the program (`argv` from sys.argv), it also spares the
    shutdown that follows a collection of everything it loaded."""
    code = _main(argv)
    if argv is None and "PySide6" not in sys.modules:
        # The program ends here, its database disposed and its files closed. Frozen, the objects it made
        # (SQLAlchemy's and pydantic's, mostly) are left out of the collection Python runs while it shuts
        # down: a tenth of a second of every command, spent on garbage nobody waits for.
        gc.freeze()
    return code


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # --help and a mistyped command end here, before the domain is loaded
    from sqlalchemy.exc import DBAPIError

    from db import DatabaseError, default_db_path, open_database
    from fieldtool.thai import InputError, busy_error

    if not hasattr(args, "json"):
        args.json = False
    db_path = Path(args.db) if args.db else default_db_path()
    try:
        if args.command in (None, "gui"):
            if args.command is None:
                args.screenshot = None
            return cmd_gui(args, db_path)
        if args.command == "office" and args.office_command == "gui":
            return cmd_office_gui(args, db_path)
        if args.command == "office" and args.office_command == "demo":
            args.func(args, None)
            return 0
        if getattr(args, "url", None):  # an office database on PostgreSQL: the sync command opens it itself
            args.func(args, None)
            return 0
        if getattr(args, "takes_db_path", False):  # restore: the file may not exist yet, and is replaced whole
            args.func(args, db_path)
            return 0
        create = args.command in ("init", "demo")
        db = open_database(db_path, create=create)
        try:
            args.func(args, db)
        finally:
            db.dispose()
    except (InputError, DatabaseError) as exc:
        print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
        return 2
    except DBAPIError as exc:  # another program holds the database's write lock: say to wait, not a traceback
        busy = busy_error(exc)
        if busy is None:
            raise
        print(f"ข้อผิดพลาด: {busy}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # output piped into `head` and cut off: not an error of ours
        sys.stderr.close()
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
