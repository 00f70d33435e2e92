"""Nothing lost, from the command line: `office seed` (a subdistrict handed to a new laptop from what the office
holds), `office revoke` (a lost laptop's key) and `handover` (the handovers recorded here, on a laptop or at
the office). The rules are fieldtool.handover's; the seed file is exports.seed's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ui.cli.context import database, office_target, session
from ui.cli.keys import key_passphrase
from ui.cli.output import day, emit


def add_parser(sub, common) -> None:
    ho = sub.add_parser("handover", parents=[common], help="the handovers of subdistricts recorded here (laptop or office)")
    office_target(ho)
    ho.set_defaults(func=cmd_handover)


def add_office_parsers(office, common) -> None:
    """`office seed` and `office revoke` (`office` is the `office` command's subparsers)."""
    se = office.add_parser("seed", parents=[common],
                           help="a subdistrict handed to a new laptop: everything the office holds of it, for a new key")
    se.add_argument("--subdistrict", required=True, metavar="CODE", help="the 6-digit code of the subdistrict")
    se.add_argument("--key", dest="card", required=True, metavar="CARD", help="the new laptop's public key file")
    se.add_argument("--out", required=True, metavar="FILE", help="the seed bundle to write")
    se.add_argument("--on", help="the day of the handover, its figures taken on it (default today)")
    office_target(se)
    se.set_defaults(func=cmd_office_seed)
    rv = office.add_parser("revoke", parents=[common],
                           help="revoke an officer's key (a lost laptop): its later bundles are refused, merged work stays")
    rv.add_argument("key", metavar="KEY", help="key id, device id (6 characters or more) or officer name, as 'office devices' lists them")
    rv.add_argument("--reason", help="why (kept with the revocation)")
    office_target(rv)
    rv.set_defaults(func=cmd_office_revoke)


def handover_lines(h: dict) -> list[str]:
    """A handover in a few lines: to whom, from whom, and the book as it stood that day."""
    from fieldtool.district_areas import subdistrict_label
    from fieldtool.thai import format_baht, format_date, parse_baht

    lines = [f"  ส่งมอบ {h['subdistrict_code']} {subdistrict_label(h['subdistrict'])} ให้ {h['to_officer'] or '-'} "
             f"(เครื่อง {h['to_device'][:8]}) วันที่ {format_date(date.fromisoformat(h['handed_on']))}"
             + (f" โดย {h['by']}" if h["by"] else ""),
             f"  ผู้รับผิดชอบเดิม: {', '.join(h['from_officers']) or '-'}",
             f"  ครัวเรือน {h['households']:,}  สัญญา {h['loans']:,} (ยังไม่ปิด {h['open_loans']:,}, "
             f"ค้างชำระ {h['overdue_loans']:,})  ยอดคงค้าง {format_baht(parse_baht(h['outstanding']))} บาท "
             f"(เงินต้น {format_baht(parse_baht(h['outstanding_principal']))}, "
             f"เกินกำหนด {format_baht(parse_baht(h['arrears']))})"]
    if "differs" in h:
        if h["differs"]:
            lines += [f"  ไม่ตรงกับที่สำนักงานส่งมอบ: {k} สำนักงาน {v['handed_over']:,} เครื่องนี้ {v['here']:,} "
                      f"(differs from what the office handed over)" for k, v in h["differs"].items()]
        else:
            lines.append("  ข้อมูลในเครื่องตรงกับยอดที่สำนักงานส่งมอบ (this laptop's book matches the handover)")
    return lines


def cmd_office_seed(args) -> None:
    from exports.seed import export_seed_bundle

    on = day(args.on)
    with database(args) as db:
        out = export_seed_bundle(db, args.subdistrict.strip(), Path(args.card), Path(args.out), on,
                                 passphrase=key_passphrase(args, db))
    emit(args, out, [f"บันทึกชุดข้อมูลตั้งต้นของตำบล {out['subdistrict_code']} แล้ว: {out['file']} "
                     f"(รายการแก้ไข {out['entries']:,}, ภาพ {out['photos']:,})", *handover_lines(out["handover"])])


def cmd_office_revoke(args) -> None:
    from fieldtool import handover
    from ui.cli import shapes

    with session(args) as s:
        key = handover.revoke(s, args.key, args.reason or "")
        out = shapes.revoked_key(key)
    kept = f"ถึงรายการที่ {key.revoked_upto:,}" if key.revoked_upto else "(ยังไม่เคยได้รับงานจากเครื่องนี้)"
    emit(args, out, [f"เพิกถอนกุญแจของ {key.officer or '-'} ตำบล {key.area_code} แล้ว (กุญแจ {key.key_id[:12]}, "
                     f"เครื่อง {key.device_id[:8]}): จะไม่รับชุดข้อมูลของกุญแจนี้อีก งานที่รับไว้แล้ว{kept}ยังอยู่ครบ"])


def cmd_handover(args) -> None:
    from fieldtool import handover

    with session(args) as s:
        items = [handover.handover_json(s, h) for h in handover.handovers(s)]
    lines = []
    for h in items:
        lines += handover_lines(h)
    emit(args, {"count": len(items), "items": items}, lines or ["ยังไม่มีการส่งมอบงาน (no handover recorded here)"])
