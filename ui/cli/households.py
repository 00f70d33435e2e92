"""Target households from the command line: `household add` (refuses a likely duplicate unless --force) and
`household show`. People are typed as "title,given,family[,national id[,phone[,relation]]]"."""

from __future__ import annotations

from ui.cli.context import session
from ui.cli.output import emit, on_day


def add_parser(sub, common) -> None:
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


def _person(text: str):
    """'นาง มาลัย ทองคำ [เลขประจำตัว] [โทรศัพท์] [ความสัมพันธ์]' typed as 'title,first,last,id,phone,relation'."""
    from fieldtool.households import PersonInput

    parts = [p.strip() for p in text.split(",")] + [""] * 6
    title, first, last, nid, phone, relation = parts[:6]
    return PersonInput(first_name=first, last_name=last, title=title, national_id=nid or None, phone=phone, relation=relation)


def _needs(items: list[str] | None) -> dict[str, str]:
    needs = {}
    for item in items or []:
        dimension, _, description = item.partition(":")
        needs[dimension.strip()] = description.strip()
    return needs


def cmd_household_add(args) -> None:
    from fieldtool import households, places
    from fieldtool.households import DuplicateWarning, HouseholdInput
    from ui.cli import shapes

    with session(args) as s:
        data = HouseholdInput(
            village_id=places.find_village(s, args.village).id,
            head=_person(args.head),
            house_no=args.house_no or "",
            phone=args.phone or "",
            source=args.source,
            members=[_person(m) for m in args.member or []],
            needs=_needs(args.need),
        )
        try:
            household = households.add_household(s, data, force=args.force)
        except DuplicateWarning as warn:
            if args.json:  # the likely duplicates for a script, before the one sentence on stderr
                emit(args, shapes.duplicates(warn), [])
            raise
        hid = household.id
    emit(args, {"id": hid}, [hid])


def cmd_household_show(args) -> None:
    from fieldtool import households, visits
    from fieldtool.thai import format_date
    from fieldtool.vocabulary import EvidenceTarget
    from ui.cli import shapes

    on = on_day(args.on)
    with session(args) as s:
        view = households.household_view(s, args.household_id, on)
        data = shapes.household(view, visits.visits_of(s, EvidenceTarget.HOUSEHOLD, view.id))
    lines = [f"{data['head']}  บ้านเลขที่ {data['house_no']}  {data['village']}",
             f"ที่มา: {data['source_th']}  สถานะ: {data['status_th']}  โทร {data['phone'] or '-'}",
             "สมาชิก: " + ", ".join(f"{m['name']} ({m['relation']})" for m in data["members"]),
             "ความจำเป็น: " + ("; ".join(f"{n['dimension_th']}: {n['description']}" for n in data["needs"]) or "-"),
             f"ตรวจสอบในพื้นที่ล่าสุด: {format_date(view.last_verified) if view.last_verified else 'ยังไม่เคย'}"
             + ("  (ข้อมูลเก่า ควรลงพื้นที่ตรวจสอบ)" if view.stale else "")]
    emit(args, data, lines)
