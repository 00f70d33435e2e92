"""Household development plans (4ท) from the command line: `plan show|print|set|action` and `plans summary`.

A plan is saved from a JSON file (its shape is fieldtool.plans.plan_from_json's); each save is a new revision
and earlier ones stay readable.
"""

from __future__ import annotations

from pathlib import Path

from ui.cli.context import session
from ui.cli.output import emit, on_day, read_json


def add_parser(sub, common) -> None:
    pl = sub.add_parser("plan", help="household development plans (4ท)").add_subparsers(dest="plan_command", required=True)
    for name, func, help_ in (("show", cmd_plan_show, None),
                              ("print", cmd_plan_print, "the plan as a PDF for the household and the file")):
        ps = pl.add_parser(name, parents=[common], help=help_)
        ps.add_argument("household")
        if name == "print":
            ps.add_argument("--out", required=True)
        ps.add_argument("--revision", type=int)
        ps.add_argument("--on")
        ps.set_defaults(func=func)
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


def cmd_plan_show(args) -> None:
    from fieldtool import households, plans
    from ui.cli import shapes

    on = on_day(args.on)
    with session(args) as s:
        data = shapes.plan(plans.plan_view(s, households.get_household(s, args.household).id, on, args.revision))
    lines = [f"แผนพัฒนาครัวเรือน {data['head']} ({data['village']}) ฉบับที่ {data['revision']}"]
    for part in data["parts"]:
        lines.append(f"[{part['part_th']}] {part['findings']}")
        lines += [f"   - {a['what']} ({a['helper'] or '-'}) {a['status_th']}" + ("  เลยกำหนด" if a["overdue"] else "")
                  for a in part["actions"]]
    lines.append(f"ทางออกของครัวเรือน: {data['decision']}")
    emit(args, data, lines)


def cmd_plan_print(args) -> None:
    from exports.plan_pdf import render_plan
    from fieldtool import households, plans, registry

    on = on_day(args.on)
    with session(args) as s:
        hid = households.get_household(s, args.household).id
        plan = plans.plan_view(s, hid, on, args.revision)
        household = households.household_view(s, hid, on)
        office = registry.setting(s, "letter.office_name")
        thai = registry.setting(s, "letter.thai_digits") != "0"
    pages = render_plan(plan, household, Path(args.out), office, thai)
    emit(args, {"file": args.out, "pages": pages, "revision": plan.revision},
         [f"บันทึกไฟล์แล้ว: {args.out} ({pages} หน้า)"])


def cmd_plan_set(args) -> None:
    from fieldtool import households, plans
    from fieldtool.thai import today_in_thailand

    data = plans.plan_from_json(read_json(args.file, "แผน"), today_in_thailand())
    with session(args) as s:
        plan = plans.save_plan(s, households.get_household(s, args.household).id, data)
        out = {"plan_id": plan.id, "revision": plan.revision}
    emit(args, out, [f"บันทึกแผนฉบับที่ {out['revision']} แล้ว"])


def cmd_plan_action(args) -> None:
    from fieldtool import plans

    on = on_day(args.on)
    with session(args) as s:
        action = plans.update_action(s, args.action_id, args.status, on, args.note or "")
        out = {"id": action.id, "status": action.status}
    emit(args, out, [f"{out['status']}"])


def cmd_plans_summary(args) -> None:
    from fieldtool import plans
    from fieldtool.thai import format_baht
    from ui.cli import shapes

    on = on_day(args.on)
    with session(args) as s:
        summary = plans.plans_summary(s, on)
    lines = [f"ครัวเรือนที่มีแผน {summary.households_with_plans} ครัวเรือน",
             f"กิจกรรมครบกำหนดเดือนนี้ {len(summary.due_this_month)}  เลยกำหนด {len(summary.overdue)}",
             "ความจำเป็นตามมิติ: " + ", ".join(f"{d.label.th} {n}" for d, n in summary.needs_by_dimension.items())]
    lines += [f"  {k}: {v['actions']} กิจกรรม งบ {format_baht(v['budget_satang'])} บาท" for k, v in summary.help_by_agency.items()]
    emit(args, shapes.plans_summary(summary, on), lines)
