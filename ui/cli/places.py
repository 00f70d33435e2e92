"""Setting up the laptop's own subdistrict from the command line: `setup`, `village`, `fund`, `group`.

Each noun keeps its parser beside its handlers; each command is one transaction, and a refusal is one
sentence with nothing written (the session rolls back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.cli.choices import FREQUENCIES, FUND_KINDS, GROUP_KINDS
from ui.cli.context import session
from ui.cli.output import emit

if TYPE_CHECKING:
    from fieldtool import funds, groups


def add_parser(sub, common) -> None:
    st = sub.add_parser("setup", help="the laptop's officer and place").add_subparsers(dest="setup_command", required=True)
    st.add_parser("show", parents=[common], help="what is set up and what is missing").set_defaults(func=cmd_setup_show)
    sp = st.add_parser("place", parents=[common], help="province, district and subdistrict (code and name each)")
    sp.add_argument("--province", nargs=2, metavar=("CODE", "NAME"), required=True)
    sp.add_argument("--district", nargs=2, metavar=("CODE", "NAME"), required=True)
    sp.add_argument("--subdistrict", nargs=2, metavar=("CODE", "NAME"), required=True)
    sp.set_defaults(func=cmd_setup_place)
    so = st.add_parser("officer", parents=[common], help="the officer's name, written into the change log")
    so.add_argument("name")
    so.set_defaults(func=cmd_setup_officer)

    vi = sub.add_parser("village", help="villages of the subdistrict").add_subparsers(dest="village_command", required=True)
    va = vi.add_parser("add", parents=[common], help="add a village (หมู่ที่)")
    va.add_argument("--moo", required=True, help="หมู่ที่")
    va.add_argument("--name", required=True)
    va.add_argument("--code", help="8-digit village code (checked: the subdistrict's code + หมู่ที่)")
    va.set_defaults(func=cmd_village_add)
    vr = vi.add_parser("rename", parents=[common], help="correct a village's name")
    vr.add_argument("village", help="หมู่ที่, name, code or id")
    vr.add_argument("--name", required=True)
    vr.set_defaults(func=cmd_village_rename)
    vi.add_parser("list", parents=[common]).set_defaults(func=cmd_village_list)

    fu = sub.add_parser("fund", help="funds and their rules").add_subparsers(dest="fund_command", required=True)
    for name in ("add", "edit"):
        f = fu.add_parser(name, parents=[common], help="add a fund" if name == "add" else "change a fund's rules "
                          "(loans already made keep theirs)")
        if name == "edit":
            f.add_argument("fund", help="fund id or name")
            f.add_argument("--name")
            f.add_argument("--kind", help=", ".join(FUND_KINDS))
        else:
            f.add_argument("--name", required=True)
            f.add_argument("--kind", required=True, help=", ".join(FUND_KINDS))
        f.add_argument("--rate", help="flat interest per year in per cent (0 or none: no interest)")
        f.add_argument("--instalments", type=int, help="default number of instalments")
        f.add_argument("--frequency", choices=list(FREQUENCIES), help="default frequency")
        f.add_argument("--max-loan", metavar="BAHT", help="the most one loan may lend (วงเงินกู้สูงสุดต่อสัญญา); "
                       "none: only the absolute limit")
        f.add_argument("--ask-ladder", help="DAYS:STEP,… e.g. 1:visit,30:meeting,60:relief,90:partners")
        f.add_argument("--demand-days", help="days overdue of the first, second and final demand letter, e.g. 1,30,60")
        f.add_argument("--demand-gap", type=int, help="least days between two demand letters (default 15)")
        f.set_defaults(func=cmd_fund_add if name == "add" else cmd_fund_edit)
    fu.add_parser("list", parents=[common]).set_defaults(func=cmd_fund_list)

    gr = sub.add_parser("group", help="borrowing groups").add_subparsers(dest="group_command", required=True)
    ga = gr.add_parser("add", parents=[common], help="a group with its members and committee")
    ga.add_argument("--village", required=True, help="หมู่ที่, name or code")
    ga.add_argument("--name", required=True)
    ga.add_argument("--kind", choices=list(GROUP_KINDS), default="women")
    person = "'title,given,family[,national id[,phone]]', 'นางสมศรี ใจดี' or a registered national ID"
    for role in ("chair", "vice-chair", "treasurer", "secretary", "committee", "member"):
        ga.add_argument(f"--{role}", action="append", default=[], metavar="PERSON", help=person if role == "member" else None)
    ga.add_argument("--responsible", metavar="PERSON", help="the driving-team member who follows the group")
    ga.set_defaults(func=cmd_group_add)
    ge = gr.add_parser("edit", parents=[common], help="rename a group, change roles, add or take out members")
    ge.add_argument("group", help="group id or name")
    ge.add_argument("--name")
    ge.add_argument("--kind", choices=list(GROUP_KINDS))
    for role in ("chair", "vice-chair", "treasurer", "secretary", "committee", "member"):
        ge.add_argument(f"--{role}", action="append", default=[], metavar="PERSON")
    ge.add_argument("--remove", action="append", default=[], metavar="PERSON", help="take a member out of the group")
    ge.add_argument("--responsible", metavar="PERSON")
    ge.set_defaults(func=cmd_group_edit)
    gr.add_parser("list", parents=[common]).set_defaults(func=cmd_group_list)


# --- setup -----------------------------------------------------------------------------------------------


def cmd_setup_show(args) -> None:
    from fieldtool import setup

    with session(args) as s:
        view = setup.setup_view(s)
    lines = [f"พัฒนากร: {view.officer or '-'}"]
    if view.place:
        p = view.place
        lines.append(f"จังหวัด{p.province} ({p.province_code})  อำเภอ{p.district} ({p.district_code})  "
                     f"ตำบล{p.subdistrict} ({p.subdistrict_code})")
    else:
        lines.append("ยังไม่ได้ตั้งค่าตำบล")
    lines.append(f"หมู่บ้าน {len(view.villages)} หมู่")
    lines += [f"  หมู่ที่ {v.moo} {v.name} ({v.code})  ครัวเรือน {v.households}  กลุ่ม {v.groups}" for v in view.villages]
    lines.append(f"กองทุน {len(view.funds)} กองทุน")
    lines += [_fund_line(f) for f in view.funds]
    lines.append(f"กลุ่ม {len(view.groups)} กลุ่ม")
    lines += [f"  {g.name}  {g.village}  ประธาน {g.chair or '-'}  สมาชิก {len(g.members)} คน" for g in view.groups]
    lines.append(f"หัวหนังสือ: {view.letterhead.get('office_name') or '-'}")
    if view.missing:
        lines.append("ยังต้องตั้งค่า (still to set up): " + ", ".join(str(m) for m in view.missing))
    emit(args, view.to_json(), lines)


def cmd_setup_place(args) -> None:
    from fieldtool import places

    with session(args) as s:
        place = places.set_place(s, tuple(args.province), tuple(args.district), tuple(args.subdistrict))
    emit(args, place.to_json(), [f"ตั้งค่าแล้ว: ตำบล{place.subdistrict} อำเภอ{place.district} จังหวัด{place.province} "
                                 f"({place.subdistrict_code})"])


def cmd_setup_officer(args) -> None:
    from fieldtool import setup

    with session(args) as s:
        name = setup.set_officer(s, args.name)
    emit(args, {"officer": name}, [f"พัฒนากร: {name}"])


# --- villages --------------------------------------------------------------------------------------------


def cmd_village_add(args) -> None:
    from fieldtool import places

    with session(args) as s:
        v = places.add_village(s, places.parse_moo(args.moo), args.name, args.code)
        out = {"id": v.id, "code": v.code, "moo": v.moo, "name": v.name}
    emit(args, out, [f"เพิ่มหมู่ที่ {out['moo']} {out['name']} ({out['code']}) แล้ว", out["id"]])


def cmd_village_rename(args) -> None:
    from fieldtool import places

    with session(args) as s:
        v = places.rename_village(s, args.village, args.name)
        out = {"id": v.id, "code": v.code, "moo": v.moo, "name": v.name}
    emit(args, out, [f"หมู่ที่ {out['moo']} ชื่อ {out['name']}"])


def cmd_village_list(args) -> None:
    from fieldtool import places

    with session(args) as s:
        views = places.village_views(s)
    emit(args, {"count": len(views), "items": [v.to_json() for v in views]},
         [f"{v.id}  หมู่ที่ {v.moo} {v.name}  ({v.code})" for v in views] or ["ยังไม่มีหมู่บ้าน"])


# --- funds -----------------------------------------------------------------------------------------------


def _fund_line(f: funds.FundView) -> str:
    from fieldtool.thai import format_baht
    from fieldtool.vocabulary import Frequency

    rate = f"ดอกเบี้ย {f.rate_bp / 100:g}% ต่อปี" if f.rate_bp else "ไม่มีดอกเบี้ย"
    ladder = ",".join(f"{d}:{s}" for d, s in f.ask_ladder)
    most = "ไม่กำหนด" if f.max_loan_satang is None else f"{format_baht(f.max_loan_satang)} บาท"
    frequency = Frequency.parse(f.default_frequency)
    return (f"  {f.name} [{f.kind_label.th}]  {rate}  {f.default_instalments} งวด "
            f"{frequency.label.th if frequency else f.default_frequency}  วงเงินกู้สูงสุด {most}  ทวงถาม {ladder}  "
            f"หนังสือทวงถาม {','.join(map(str, f.demand.days))} (ห่าง {f.demand.gap} วัน)  สัญญา {f.loans}")


def _rule_changes(args) -> dict:
    from fieldtool import funds

    out = {}
    if args.rate is not None:
        out["rate_bp"] = funds.parse_rate(args.rate)
    if args.instalments is not None:
        out["default_instalments"] = args.instalments
    if args.frequency is not None:
        out["default_frequency"] = args.frequency
    if args.ask_ladder is not None:
        out["ask_ladder"] = funds.parse_ladder(args.ask_ladder)
    if args.demand_days is not None:
        out["demand_days"] = funds.parse_demand_days(args.demand_days)
    if args.demand_gap is not None:
        out["demand_gap"] = args.demand_gap
    if args.max_loan is not None:
        out["max_loan_satang"] = funds.parse_max_loan(args.max_loan)
    return out


def _fund_out(s, fund_id: str) -> funds.FundView:
    from fieldtool import funds

    return next(f for f in funds.fund_views(s) if f.id == fund_id)


def cmd_fund_add(args) -> None:
    from fieldtool import funds

    with session(args) as s:
        fund = funds.add_fund(s, args.name, funds.parse_kind(args.kind), **_rule_changes(args))
        view = _fund_out(s, fund.id)
    emit(args, view.to_json(), [f"เพิ่มกองทุนแล้ว: {view.name}", _fund_line(view), view.id])


def cmd_fund_edit(args) -> None:
    from fieldtool import funds
    from fieldtool.text import Text
    from fieldtool.thai import InputError

    changes = {}
    if args.name is not None:
        changes["name"] = args.name
    if args.kind is not None:
        changes["kind"] = funds.parse_kind(args.kind)
    with session(args) as s:
        changes.update(_rule_changes(args))
        if not changes:
            raise InputError(Text("ไม่มีสิ่งที่จะแก้ไข", "nothing to change: give --name, --rate, --instalments, …"))
        fund = funds.edit_fund(s, args.fund, **changes)
        view = _fund_out(s, fund.id)
    emit(args, view.to_json(), [f"แก้ไขกองทุนแล้ว (สัญญาที่ทำไว้ก่อนใช้กติกาเดิม): {view.name}", _fund_line(view)])


def cmd_fund_list(args) -> None:
    from fieldtool import funds

    with session(args) as s:
        views = funds.fund_views(s)
    emit(args, {"count": len(views), "items": [f.to_json() for f in views]},
         [line for f in views for line in (f.id, _fund_line(f))] or ["ยังไม่มีกองทุน"])


# --- groups ----------------------------------------------------------------------------------------------


def _roles(args) -> list:
    from fieldtool import groups

    members = []
    for role in ("chair", "vice_chair", "treasurer", "secretary", "committee", "member"):
        members += [(role, groups.parse_person(text)) for text in getattr(args, role)]
    return members


def _group_line(view: groups.GroupView) -> str:
    return f"{view.name} {view.village}  ประธาน {view.chair or '-'}  สมาชิก {len(view.members)} คน"


def cmd_group_edit(args) -> None:
    from fieldtool import groups

    changes: dict = {"roles": _roles(args), "remove": [groups.parse_person(t) for t in args.remove]}
    if args.name is not None:
        changes["name"] = args.name
    if args.kind is not None:
        changes["kind"] = args.kind
    if args.responsible is not None:
        changes["responsible"] = groups.parse_person(args.responsible)
    with session(args) as s:
        group = groups.edit_group(s, args.group, **changes)
        view = next(g for g in groups.group_views(s) if g.id == group.id)
    emit(args, view.to_json(), [f"แก้ไขกลุ่มแล้ว: {_group_line(view)}"])


def cmd_group_add(args) -> None:
    from fieldtool import groups

    members = _roles(args)
    responsible = groups.parse_person(args.responsible) if args.responsible else None
    with session(args) as s:
        group = groups.add_group(s, args.village, args.name, args.kind, members, responsible)
        view = next(g for g in groups.group_views(s) if g.id == group.id)
    emit(args, view.to_json(), [f"เพิ่มกลุ่มแล้ว: {_group_line(view)}", view.id])


def cmd_group_list(args) -> None:
    from fieldtool import groups
    from fieldtool.vocabulary import MemberRole

    with session(args) as s:
        views = groups.group_views(s)
    lines = []
    for g in views:
        lines.append(f"{g.id}  {g.name}  {g.village}  ประธาน {g.chair or '-'}")
        lines += [f"    {role.label.th if (role := MemberRole.parse(r)) else r}: {n}" for r, n, _ in g.members]
    emit(args, {"count": len(views), "items": [g.to_json() for g in views]}, lines or ["ยังไม่มีกลุ่ม"])
