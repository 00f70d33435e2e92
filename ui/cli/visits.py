"""Site visits and meetings from the command line: `visit add|list|purposes` and `meeting add`.

Money collected on a visit is a payment in the loan book; photos are kept beside the database and belong to
the visit's transaction (fieldtool.transaction_files): a visit that is refused leaves none behind.
"""

from __future__ import annotations

from pathlib import Path

from ui.cli.context import database, session
from ui.cli.output import count, emit, on_day, positive_baht


def add_parser(sub, common) -> None:
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
    _about(va)
    va.add_argument("--collect", action="append", help="LOAN:BAHT money collected, recorded as a payment")
    va.add_argument("--photo", action="append")
    va.add_argument("--set-household", action="append", help="HOUSEHOLD:field=value changed on site (status, phone, house_no)")
    va.add_argument("--verified", action="append", help="household:ID or loan:ID checked on site")
    va.set_defaults(func=cmd_visit_add)
    vl = vi.add_parser("list", parents=[common])
    vl.add_argument("--limit", type=count, default=50)
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
    _about(ma)
    ma.add_argument("--purpose", action="append")
    ma.set_defaults(func=cmd_meeting_add)


def _about(parser) -> None:
    """What a visit or a meeting was about: loans, groups and households, each option given once a record."""
    for what in ("--loan", "--group", "--household"):
        parser.add_argument(what, action="append")


def _targets(s, args) -> dict:
    """--loan, --group and --household as ids (a loan or household may be named as people name it)."""
    from fieldtool import households, lending

    return {"loans": [lending.get_loan(s, x).id for x in args.loan or []], "groups": args.group or [],
            "households": [households.get_household(s, x).id for x in args.household or []]}


def cmd_visit_add(args) -> None:
    from fieldtool import households, lending, places, visits
    from fieldtool.visits import VisitInput
    from ui.cli import shapes

    day, _, clock = (args.on or "").partition(" ")
    lat, lon = visits.parse_position(args.gps or "")
    collected = []
    for item in args.collect or []:
        loan_ref, _, amount = item.rpartition(":")
        collected.append((loan_ref, positive_baht(amount)))
    with database(args) as db, db.session() as s:
        collected = [(lending.get_loan(s, ref).id, satang) for ref, satang in collected]
        updates = {}
        for item in args.set_household or []:
            ref, _, assignment = item.partition(":")
            key, _, value = assignment.partition("=")
            updates.setdefault(households.get_household(s, ref).id, {})[key] = value
        data = VisitInput(
            visited_on=on_day(day or None), visited_at=clock or args.time or "",
            village_id=places.find_village(s, args.village).id, place=args.place or "", people_met=args.met or "",
            purposes=args.purpose or [], findings=args.findings or "", next_steps=args.next_steps or "",
            next_visit_on=on_day(args.next, default_today=False), latitude=lat, longitude=lon, **_targets(s, args),
            collected=collected, photos=[Path(p) for p in args.photo or []], household_updates=updates,
            verified=[(kind, ref) for kind, _, ref in (v.partition(":") for v in args.verified or [])],
        )
        out = shapes.visit_added(visits.add_visit(s, data, db.photo_dir))
    emit(args, out, [out["id"]])


def cmd_visit_list(args) -> None:
    from fieldtool import visits
    from fieldtool.visits_view import recent_visits
    from ui.cli import shapes

    on = on_day(args.on)
    with session(args) as s:
        items = [shapes.visit(v, visits.visit_links(s, v.id)) for v in recent_visits(s, args.limit)]
        tasks = [shapes.visit_task(t) for t in visits.next_visit_tasks(s, on)]
    emit(args, {"count": len(items), "items": items, "next_visit_tasks": tasks},
         [f"{i['visited_on']} {i['time']}  {i['place']}  {i['findings'][:60]}" for i in items])


def cmd_visit_purposes(args) -> None:
    from fieldtool.vocabulary import purposes

    table = {code: label.th for code, label in purposes().items()}
    emit(args, table, [f"{k:<24} {v}" for k, v in table.items()])


def cmd_meeting_add(args) -> None:
    from fieldtool import places, visits
    from fieldtool.visits import MeetingInput

    on = on_day(args.on)
    with session(args) as s:
        meeting = visits.add_meeting(s, MeetingInput(
            kind=args.kind, held_on=on, held_at=args.time or "", place=args.place,
            village_id=places.find_village(s, args.village).id if args.village else None,
            attendees=args.attendees or "", outcomes=args.outcomes or "", purposes=args.purpose or [], **_targets(s, args),
        ))
        out = {"id": meeting.id}
    emit(args, out, [out["id"]])
