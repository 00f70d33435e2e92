"""`fieldtool history`: the change log, the audit trail: each entry as stored and in words (fieldtool.history)."""

from __future__ import annotations

from ui.cli.context import session
from ui.cli.output import count, emit


def add_parser(sub, common) -> None:
    hi = sub.add_parser("history", parents=[common], help="the change log (audit trail)")
    hi.add_argument("--record")
    hi.add_argument("--limit", type=count, default=50)
    hi.set_defaults(func=cmd_history)


def cmd_history(args) -> None:
    from fieldtool import history, lookups
    from ui.cli import shapes

    with session(args) as s:
        rows = lookups.latest_changes(s, args.limit, args.record)
        items = [shapes.change(r, w) for r, w in zip(rows, history.describe(s, rows), strict=True)]
    emit(args, {"count": len(items), "items": items}, [i["text"] for i in items])
