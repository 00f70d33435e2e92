"""The district office from the command line: `office conflicts|resolve|devices|restructures|keep-schedule`
(what the merge leaves for the office to decide), `office return-bundle`, `office demo` and `office gui`; the
report (`office report`, ui/cli/report.py) and the handover of a subdistrict (`office seed|revoke`,
ui/cli/handover.py) add themselves to the same noun. Each takes --db or --url (PostgreSQL).

`office show|set` are still accepted as the old spelling of `letterhead show|set` (ui/cli/letterhead.py).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ui.cli import handover, letterhead, report
from ui.cli.bundles import gap_line
from ui.cli.context import database, db_path, office_target, session
from ui.cli.keys import key_arg, key_passphrase
from ui.cli.output import emit, on_day, progress


def add_parser(sub, common) -> None:
    of = sub.add_parser(
        "office", help="the district office: bundles merged, conflicts, devices, the district report "
                       "('office show|set': old spelling of 'letterhead show|set')",
    ).add_subparsers(dest="office_command", required=True)
    letterhead.add_old_spelling(of, common)
    oc = of.add_parser("conflicts", parents=[common], help="fields changed on two laptops, for review")
    oc.add_argument("--all", action="store_true", help="also those already resolved")
    office_target(oc)
    oc.set_defaults(func=cmd_conflicts)
    orr = of.add_parser("resolve", parents=[common], help="decide a conflict; the decision travels back to the field")
    orr.add_argument("conflict_id")
    orr.add_argument("--take", required=True, choices=["other", "chosen"])
    office_target(orr)
    orr.set_defaults(func=cmd_resolve)
    orb = of.add_parser("return-bundle", parents=[common], help="the office's changes for one laptop")
    orb.add_argument("--device", required=True)
    orb.add_argument("--out", required=True)
    orb.add_argument("--key")
    office_target(orb)
    orb.set_defaults(func=cmd_return_bundle)
    odv = of.add_parser("devices", parents=[common], help="enrolled laptops, their last bundle, bundles missing")
    office_target(odv)
    odv.set_defaults(func=cmd_devices)
    report.add_office_parser(of, common)
    ors = of.add_parser("restructures", parents=[common], help="loans restructured on two laptops, for the office to decide")
    office_target(ors)
    ors.set_defaults(func=cmd_restructures)
    oks = of.add_parser("keep-schedule", parents=[common], help="the restructuring that stands; the rival one is removed")
    oks.add_argument("schedule_id")
    office_target(oks)
    oks.set_defaults(func=cmd_keep_schedule)
    handover.add_office_parsers(of, common)
    odm = of.add_parser("demo", parents=[common], help="a demo district office: three laptops, bundles, a conflict")
    odm.add_argument("--folder", required=True, help="an empty folder for the office, the laptops and the USB stick")
    odm.add_argument("--day", help="the demo's working day (default today)")
    odm.set_defaults(func=cmd_demo)
    ogu = of.add_parser("gui", parents=[common], help="the district office window: import bundles, conflicts, report")
    ogu.add_argument("--screenshot", help="write a PNG of the window to this file and exit")
    office_target(ogu)
    ogu.set_defaults(func=cmd_gui)


# --- what the merge leaves for the office -------------------------------------------------------------------


def _conflicts(s, rows) -> tuple[list[dict], list[str]]:
    """Conflicts for --json and as lines, named in words (fieldtool.officedesk)."""
    from fieldtool.officedesk import conflict_items
    from ui.cli import shapes

    items = {i.id: i for i in conflict_items(s, ids=[c.id for c in rows])}
    return [shapes.conflict(c, items[c.id]) for c in rows], [f"{c.id[:8]}  {items[c.id].text()}" for c in rows]


def cmd_conflicts(args) -> None:
    from fieldtool.sync.conflicts import open_conflicts
    from fieldtool.text import Text

    with session(args) as s:
        items, lines = _conflicts(s, open_conflicts(s, include_resolved=args.all))
    none = Text("ไม่มีข้อขัดแย้งที่รอตรวจ", "no conflicts to review")
    emit(args, {"count": len(items), "items": items}, lines or [str(none)])


def cmd_resolve(args) -> None:
    from fieldtool.sync.conflicts import resolve_conflict

    with session(args) as s:
        (out,), _lines = _conflicts(s, [resolve_conflict(s, args.conflict_id, args.take)])
    value = out["other"]["words"] if args.take == "other" else out["chosen"]["words"]
    emit(args, out, [f"ตัดสินแล้ว: {out['record']} – {out['field_label']}: ใช้ {value} "
                     "(จะส่งกลับไปยังเครื่องในชุดข้อมูลขากลับ; the decision goes back in the return bundle)"])


def cmd_restructures(args) -> None:
    from fieldtool.officedesk import double_restructures
    from fieldtool.thai import format_baht, format_date, format_time
    from ui.cli import shapes

    with session(args) as s:
        found = double_restructures(s)
    lines = []
    for d in found:
        lines.append(f"{d.loan}: ปรับโครงสร้างหนี้บนสองเครื่อง (restructured on two laptops), ฉบับที่ {d.version}")
        lines += [f"  {c.schedule_id[:8]}  {c.officer or '-'}"
                  f"{' ' + format_time(c.made_at, zone=True) if c.made_at else ''}  {c.instalments} งวด เริ่ม {format_date(c.first_due) if c.first_due else '-'}"
                  f"  รวม {format_baht(c.total_satang)} บาท  {c.reason}" for c in d.choices]
    emit(args, {"count": len(found), "items": [shapes.double_restructure(d) for d in found]},
         lines or ["ไม่มีสัญญาที่ถูกปรับโครงสร้างหนี้ซ้ำ (no loan was restructured on two laptops)"])


def cmd_keep_schedule(args) -> None:
    from fieldtool.lookups import instalment_count
    from fieldtool.officedesk import keep_schedule

    with session(args) as s:
        kept, removed = keep_schedule(s, args.schedule_id)
        count = instalment_count(s, kept.id)
        out = {"schedule_id": kept.id, "loan_id": kept.loan_id, "version": kept.version, "removed": removed,
               "instalments": count}
    emit(args, out, [f"ใช้ตารางผ่อนชำระ {count} งวด ({kept.id[:8]}) แล้ว ยกเลิกอีก {removed} ฉบับ "
                     "จะส่งกลับไปยังเครื่องในชุดข้อมูลขากลับ"])


# --- laptops and their bundles ------------------------------------------------------------------------------


def cmd_devices(args) -> None:
    from fieldtool.handover import laptop_keys
    from fieldtool.thai import format_date, format_time
    from ui.cli import shapes

    with session(args) as s:
        items = [shapes.device(d) for d in laptop_keys(s)]
    lines = []
    for i in items:
        when = f" นำเข้าเมื่อ {format_time(datetime.fromisoformat(i['last_imported_at']), zone=True)}" \
            if i["last_imported_at"] else ""
        revoked = f"  เพิกถอนแล้วเมื่อ {format_date(date.fromisoformat(i['revoked_at'][:10]))}" if i["revoked_at"] else ""
        lines.append(f"{i['subdistrict_code']}  {i['officer']}  {i['device_id']}  กุญแจ {i['key_id'][:12]}  "
                     f"ชุดล่าสุด {i['last_bundle'] or '-'}{when}{revoked}")
        if i["gap"]:
            lines.append(gap_line(i["gap"], i["officer"]))
    emit(args, {"count": len(items), "items": items}, lines or ["ยังไม่ได้ลงทะเบียนกุญแจของเจ้าหน้าที่ (no officer keys enrolled)"])


def cmd_return_bundle(args) -> None:
    from exports import bundle

    with database(args) as db:
        out = bundle.export_return_bundle(db, args.device, Path(args.out), key_path=key_arg(args),
                                          passphrase=key_passphrase(args, db))
    if out["file"] is None:
        emit(args, out, [f"ไม่มีข้อมูลใหม่สำหรับเครื่อง {args.device} (nothing new for this laptop; no file written)"])
    else:
        emit(args, out, [f"บันทึกชุดข้อมูลขากลับที่ {out['bundle_seq']} แล้ว: {out['file']} ({out['entries']} รายการ)"])


# --- the demo office and the window -------------------------------------------------------------------------


def cmd_demo(args) -> None:
    from exports.office_demo import build_office_demo
    from ui import startup

    startup.release()  # three laptops and an office are built: collect as usual (the command opens no database)
    out = build_office_demo(Path(args.folder), on_day(args.day) if args.day else None, progress=progress(args))
    emit(args, out, [f"สร้างสำนักงานตัวอย่างแล้ว: {out['office']}",
                     f"ชุดข้อมูลที่รอนำเข้า (แฟลชไดรฟ์): {out['usb']}",
                     f"เปิดด้วย: fieldtool office gui --db {out['office']}"])


def cmd_gui(args) -> int:
    from ui.app import run_office_gui

    return run_office_gui(args.url or db_path(args), screenshot=args.screenshot)
