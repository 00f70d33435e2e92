"""`fieldtool list funds|villages|groups|households`: the ids a script needs to name records, with a few fields
each (fieldtool.lookups; `fund list`, `village list` and `group list` give the fuller set-up views)."""

from __future__ import annotations

from ui.cli.context import session
from ui.cli.output import emit


def add_parser(sub, common) -> None:
    li = sub.add_parser("list", parents=[common], help="funds, villages, groups or households")
    li.add_argument("what", choices=["funds", "villages", "groups", "households"])
    li.set_defaults(func=cmd_list)


def cmd_list(args) -> None:
    from fieldtool import lookups
    from fieldtool.households import households_with_heads
    from ui.cli import shapes

    with session(args) as s:
        if args.what == "funds":
            items = [shapes.fund_row(f) for f in lookups.funds(s)]
            lines = [f"{i['id']}  {i['name']}" for i in items]
        elif args.what == "villages":
            items = [shapes.village_row(v) for v in lookups.villages(s)]
            lines = [f"{i['id']}  หมู่ที่ {i['moo']} {i['name']}" for i in items]
        elif args.what == "groups":
            items = [shapes.group_row(g) for g in lookups.groups(s)]
            lines = [f"{i['id']}  {i['name']}" for i in items]
        else:
            items = [shapes.household_row(h) for h in households_with_heads(s)]
            lines = [f"{i['id']}  {i['head']}  บ้านเลขที่ {i['house_no']}" for i in items]
    emit(args, {"count": len(items), "items": items}, lines)
