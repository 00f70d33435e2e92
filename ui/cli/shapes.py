"""The JSON the commands print with --json: one builder a shape, from the domain's read models.

This is the contract the district office's scripts read; README.md ("What --json prints") documents each
shape and tests/test_cli_shapes.py checks the two agree. Money is baht text with two decimals, days ISO,
times ISO with Thailand's offset. Handlers import this module inside themselves: it brings the domain,
which building the parser must not (tests/test_startup_imports.py).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from fieldtool.thai import iso_time, satang_to_str

if TYPE_CHECKING:
    from fieldtool import reminders
    from fieldtool.lookups import LoanCard


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


# --- loans and payments -------------------------------------------------------------------------------------


def loan(card: LoanCard) -> dict:
    """`loan show`: the loan's terms, its state on the day, schedule, payments, checklist and stages."""
    loan, info, state, on = card.loan, card.info, card.state, card.on
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
        "approved_on": _day(loan.approved_on),
        "disbursed_on": _day(loan.disbursed_on),
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
                "settled_on": _day(i.settled_on),
            }
            for i in state.instalments
        ],
        "earlier_schedules": [
            {"version": h.version, "effective_from": h.effective_from.isoformat(), "instalments": len(h.instalments)}
            for h in state.history
        ],
        "payments": [
            {"id": p.id, "paid_on": p.paid_on.isoformat(), "amount": satang_to_str(p.amount_satang),
             "reverses": p.reverses_id, "note": p.note}
            for p in card.payments
        ],
        "prevent_checklist": [
            {"item": c.item, "done": c.done, "done_on": _day(c.done_on), "note": c.note} for c in card.checklist
        ],
        "stage_timeline": [{"from": d.isoformat(), "stage": st} for d, st in card.timeline],
    }


def loan_row(r) -> dict:
    """A row of `loan list` (fieldtool.register.RegisterRow)."""
    return {
        "id": r.id,
        "agreement_no": r.agreement_no,
        "borrower": r.borrower,
        "village": r.village,
        "fund": r.fund,
        "stage": r.stage,
        "principal": satang_to_str(r.principal_satang),
        "outstanding": satang_to_str(r.outstanding_satang),
        "days_overdue": r.days_overdue,
        "last_verified": _day(r.last_verified),
        "stale": r.stale,
    }


def payment(p, state, on: date) -> dict:
    """`pay`: the payment recorded and where the loan stands after it."""
    return {
        "payment_id": p.id,
        "loan_id": p.loan_id,
        "amount": satang_to_str(p.amount_satang),
        "paid_on": on.isoformat(),
        "outstanding": satang_to_str(state.outstanding_satang),
        "arrears": satang_to_str(state.arrears_satang),
        "credit": satang_to_str(state.credit_satang),
        "stage": state.stage,
    }


# --- reminders and arrears ----------------------------------------------------------------------------------


def reminder(r: reminders.Reminder) -> dict:
    """An item of `reminders`: `id` is what `deliver` takes."""
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


def arrears_line(line) -> dict:
    """A line of the arrears report: the total, a fund or a village, with its PAR30."""
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


def arrears(rep, on: date) -> dict:
    """`arrears`: the overdue loans, the aging buckets and PAR30 by fund, by village and in total."""
    return {
        "on": on.isoformat(),
        "total": arrears_line(rep.total),
        "buckets": {k: {"loans": v["loans"], "arrears": satang_to_str(v["arrears_satang"])} for k, v in rep.buckets.items()},
        "by_fund": [arrears_line(x) for x in rep.by_fund],
        "by_village": [arrears_line(x) for x in rep.by_village],
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


# --- lists and the change log -------------------------------------------------------------------------------


def fund_row(f) -> dict:
    return {"id": f.id, "name": f.name, "kind": f.kind, "rate_percent": f"{f.rate_bp / 100:.2f}",
            "default_instalments": f.default_instalments, "default_frequency": f.default_frequency,
            "max_loan": None if f.max_loan_satang is None else satang_to_str(f.max_loan_satang)}


def village_row(v) -> dict:
    return {"id": v.id, "moo": v.moo, "name": v.name, "code": v.code}


def group_row(g) -> dict:
    return {"id": g.id, "name": g.name, "village_id": g.village_id}


def household_row(h) -> dict:
    """A household of `list households` (fieldtool.households.HouseholdHead)."""
    return {"id": h.id, "head": h.head, "house_no": h.house_no, "village_id": h.village_id}


def change(row, words) -> dict:
    """An entry of `history`: the change-log row as stored, and in words."""
    return {"at": iso_time(row.at), "device_id": row.device_id, "seq": row.seq, "officer": row.officer,
            "table": row.table_name, "record_id": row.record_id, "action": row.action, "data": json.loads(row.data),
            "text": words.text()}


# --- households, plans, visits ------------------------------------------------------------------------------


def household(view, visits) -> dict:
    """`household show`: the household, its members, needs, loans and the visits about it."""
    from fieldtool.vocabulary import Dimension

    return {
        "id": view.id,
        "head": view.head,
        "village": view.village,
        "house_no": view.house_no,
        "phone": view.phone,
        "source": view.source,
        "source_th": view.source.label.th,
        "status": view.status,
        "status_th": view.status.label.th,
        "members": [{"name": n, "relation": r} for n, r in view.members],
        "needs": [{"dimension": d, "dimension_th": Dimension(d).label.th, "description": t} for d, t in view.needs.items()],
        "loans": view.loans,
        "last_verified": _day(view.last_verified),
        "stale": view.stale,
        "visits": [{"id": v.id, "on": v.visited_on.isoformat(), "findings": v.findings} for v in visits],
    }


def duplicates(warn) -> dict:
    """`household add --json` refused as a likely duplicate: the sentence and the households it resembles."""
    return {"error": str(warn), "duplicates": [vars(m) for m in warn.matches]}


def plan(view) -> dict:
    """`plan show`: one revision of a household's 4ท plan, part by part, with its actions' progress."""
    from fieldtool.vocabulary import PlanPart

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
                "part": part.value,
                "part_th": part.label.th,
                "findings": view.findings[part],
                "actions": [
                    {
                        "id": a.id,
                        "what": a.what,
                        "helper": a.helper,
                        "due_on": _day(a.due_on),
                        "resources": a.resources,
                        "budget": satang_to_str(a.budget_satang),
                        "status": a.status,
                        "status_th": a.status.label.th,
                        "overdue": a.overdue,
                        "notes": [{"on": d.isoformat(), "status": st, "note": n} for d, st, n in a.notes],
                    }
                    for a in view.actions if a.part == part
                ],
            }
            for part in PlanPart
        ],
    }


def plans_summary(summary, on: date) -> dict:
    """`plans summary`: actions due this month and overdue, needs by dimension, help by agency."""

    def item(a):
        return {"household_id": a.household_id, "head": a.head, "village": a.village, "part": a.part, "what": a.what,
                "helper": a.helper, "due_on": _day(a.due_on), "status": a.status,
                "budget": satang_to_str(a.budget_satang)}

    return {
        "on": on.isoformat(),
        "households_with_plans": summary.households_with_plans,
        "due_this_month": [item(a) for a in summary.due_this_month],
        "overdue": [item(a) for a in summary.overdue],
        "needs_by_dimension": summary.needs_by_dimension,
        "help_by_agency": [{"agency": k, "actions": v["actions"], "open": v["open"], "budget": satang_to_str(v["budget_satang"])}
                           for k, v in summary.help_by_agency.items()],
        "household_status": summary.status_counts,
    }


def visit_added(result) -> dict:
    """`visit add`: the visit, the payments collected on it and its photos as kept."""
    v = result.visit
    return {"id": v.id, "visited_on": v.visited_on.isoformat(), "payments": result.payments,
            "photos": [{"sha256": p.sha256, "file": p.file_name, "width": p.width, "height": p.height}
                       for p in result.photos],
            "latitude": v.latitude, "longitude": v.longitude, "next_visit_on": _day(v.next_visit_on)}


def visit(v, about: dict) -> dict:
    """An item of `visit list`; `about` is what it was about (fieldtool.visits.visit_links)."""
    return {"id": v.id, "visited_on": v.visited_on.isoformat(), "time": v.visited_at, "place": v.place,
            "purposes": json.loads(v.purposes), "findings": v.findings, "officer": v.officer,
            "next_visit_on": _day(v.next_visit_on), "about": about}


def visit_task(t) -> dict:
    return {"visit_id": t.visit_id, "due_on": t.due_on.isoformat(), "village": t.village, "next_steps": t.next_steps}


# --- letters ------------------------------------------------------------------------------------------------


def issued(result, with_dispatch: bool) -> dict:
    """`letters` and `letter`: the PDF written, each letter as printed, the number block and its warning."""
    from fieldtool.letter_issue import letter_json

    return {
        "file": str(result.path),
        "pages": result.pages,
        "sha256": result.sha256,
        "count": len(result.prepared),
        "register": with_dispatch,
        "labels": str(result.labels_path) if result.labels_path else None,
        "labels_count": result.labels,
        "letters": [letter_json(p) for p in result.prepared],
        "block": {"low": result.block.low, "high": result.block.high, "left": result.block.left,
                  "year_be": result.block.year_be},
        "warning": {"th": result.warning.th, "en": result.warning.en} if result.warning else None,
        "rebuilt": [rebuilt(p.content.number) for p in result.rebuilt],
    }


def rebuilt(number: str) -> dict:
    """A letter issued before letters were frozen as printed: said in both languages."""
    from fieldtool.thai import to_arabic_digits

    return {
        "number": number,
        "th": f"หนังสือ{number} ออกก่อนที่โปรแกรมจะเก็บหนังสือตามที่พิมพ์ไว้ จึงพิมพ์จากข้อมูลในทะเบียน ณ วันนี้",
        "en": f"{to_arabic_digits(number)} was issued before letters were kept as printed, so it was printed "
              "from the book as it stands today",
    }


# --- the district office ------------------------------------------------------------------------------------


def conflict(c, item) -> dict:
    """A conflict: the raw values and devices, and the same in words (`item`, fieldtool.officedesk)."""
    from fieldtool.officedesk import field_label

    return {"id": c.id, "table": c.table_name, "record_id": c.record_id, "field": c.field,
            "record": item.record, "field_label": field_label(c.field),
            "chosen": {"value": json.loads(c.chosen_value), "words": item.chosen_words, "device_id": c.chosen_device,
                       "officer": c.chosen_officer, "at": iso_time(c.chosen_at), "seq": c.chosen_seq},
            "other": {"value": json.loads(c.other_value), "words": item.other_words, "device_id": c.other_device,
                      "officer": c.other_officer, "at": iso_time(c.other_at), "seq": c.other_seq},
            "in_use": item.in_use, "status": c.status,
            "resolved_at": iso_time(c.resolved_at) if c.resolved_at else None, "resolved_by": c.resolved_by,
            "text": item.text()}


def device(d) -> dict:
    """An item of `office devices`: an enrolled laptop, its last bundle and the bundles missing."""
    return {"device_id": d.device_id, "officer": d.officer, "subdistrict_code": d.subdistrict_code,
            "key_id": d.key_id, "last_bundle": d.last_bundle,
            "last_imported_at": iso_time(d.last_imported_at) if d.last_imported_at else None,
            "gap": {"bundles": d.missing_bundles, "changes": [list(r) for r in d.missing_changes]} if d.has_gap else None,
            "revoked_at": iso_time(d.revoked_at) if d.revoked_at else None, "revoked_upto": d.revoked_upto}


def double_restructure(d) -> dict:
    """An item of `office restructures`: one loan restructured on two laptops, and each choice."""
    return {"loan_id": d.loan_id, "loan": d.loan, "version": d.version,
            "choices": [{"schedule_id": c.schedule_id, "officer": c.officer,
                         "made_at": iso_time(c.made_at) if c.made_at else None,
                         "effective_from": c.effective_from.isoformat(), "reason": c.reason,
                         "instalments": c.instalments, "first_due": _day(c.first_due),
                         "total": satang_to_str(c.total_satang)} for c in d.choices]}


def revoked_key(key) -> dict:
    """`office revoke`: the key revoked, and the highest change number then held from it."""
    return {"key_id": key.key_id, "device_id": key.device_id, "officer": key.officer, "subdistrict_code": key.area_code,
            "revoked_at": iso_time(key.revoked_at), "revoked_by": key.revoked_by,
            "revoked_upto": key.revoked_upto, "reason": key.revoked_reason}


def district_value(value, unit: str):
    """A report figure: money as baht text (two decimals), counts as numbers, ratios to 4 places."""
    if value is None:
        return None
    if unit == "satang":
        return satang_to_str(value)
    if unit == "ratio":
        return round(value, 4)
    return value


def district_report(rep) -> dict:
    """`office report`: the district report by fiscal quarter, every table with its checked totals."""

    def row_json(row, measures):
        return {"key": row.key, "label": row.label, **({"subdistrict": row.parent, "subdistrict_label": row.parent_label}
                                                      if row.parent else {}),
                "values": {m.key: [district_value(row.value(m, i), m.unit) for i in range(len(rep.quarters))]
                           for m in measures}}

    units = {}
    sections = []
    for sec in rep.sections:
        units.update({m.key: m.unit for m in sec.measures})
        tables = []
        for t in sec.tables:
            tables.append({
                "by": t.by, "title": t.title.th,
                "rows": [row_json(r, sec.measures) for r in t.rows],
                "total": row_json(t.total, sec.measures),
                "sum_of_rows": row_json(t.sum_of_rows, sec.measures),
                "ok": t.ok,
                "checks": [{"measure": c.measure, "quarter": c.quarter, "ok": c.ok,
                            "total": district_value(c.total, units[c.measure]),
                            "sum_of_rows": district_value(c.sum_of_rows, units[c.measure]),
                            "difference": district_value(c.difference, units[c.measure]),
                            "explanation": c.explanation} for c in t.checks],
            })
        sections.append({
            "key": sec.key, "title": sec.title.th, "title_en": sec.title.en, "description": sec.about.th,
            "measures": [{"key": m.key, "label": m.label.th, "label_en": m.label.en, "unit": m.unit, "shown": m.shown}
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
                      "as_of": _day(q.as_of), "status": q.status} for q in rep.quarters],
        "ok": rep.ok,
        "checks": {"count": len(rep.checks), "failed": len(failed),
                   "failures": [{"section": s.key, "table": t.by, "measure": c.measure, "quarter": c.quarter,
                                 "explanation": c.explanation} for s, t, c in failed]},
        "problems": [{"level": p.level, "message": p.message} for p in rep.problems],
        "sections": sections,
    }
