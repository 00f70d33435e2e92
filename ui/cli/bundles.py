"""Sync bundles from the command line: `bundle export` (a laptop's changes for the office) and `bundle import`
(the office merging laptops' bundles, or a laptop applying the office's return bundle or seed). The format and
the rules are exports.bundle's and fieldtool.sync's; each bundle is applied in one transaction or not at all.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ui.cli.context import database, office_target
from ui.cli.keys import key_arg, key_passphrase
from ui.cli.output import emit, print_error, progress


def add_parser(sub, common) -> None:
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


def cmd_bundle_export(args) -> None:
    from exports import bundle

    with database(args) as db:
        out = bundle.export_field_bundle(db, Path(args.out), full=args.full, key_path=key_arg(args),
                                         passphrase=key_passphrase(args, db))
    emit(args, out, [f"บันทึกชุดข้อมูลที่ {out['bundle_seq']} แล้ว: {out['file']}",
                     f"  รายการแก้ไข {out['entries']} รายการ (ลำดับ {out['seq_from']}–{out['seq_to']}), ภาพ {out['photos']}"])


def cmd_bundle_import(args) -> None:
    from exports import bundle
    from fieldtool.text import Text
    from fieldtool.thai import InputError
    from ui.cli.handover import handover_lines

    results, refused = [], []
    say = progress(args)
    with database(args) as db:
        passphrase = key_passphrase(args, db)
        for n, file in enumerate(args.files, start=1):
            try:
                results.append(bundle.import_bundle(db, Path(file), key_path=key_arg(args), passphrase=passphrase))
                say(f"[{n}/{len(args.files)}] {bundle_line(results[-1])}")
            except InputError as exc:
                if len(args.files) == 1:
                    raise  # one file, one sentence
                refused.append({"file": file, "error": str(exc)})
                print_error(exc)
    lines = []
    for r in results:
        lines.append(bundle_line(r))
        if r.get("gap"):
            lines.append(gap_line(r["gap"], r["officer"]))
        if r.get("handover"):
            lines += handover_lines(r["handover"])
    emit(args, {"bundles": results, "refused": refused}, lines)
    if refused:
        raise InputError(Text(f"ไม่รับชุดข้อมูล {len(refused)} จาก {len(args.files)} ไฟล์",
                              f"{len(refused)} of {len(args.files)} bundles were refused; nothing of them was written"))


def gap_line(gap: dict, officer: str) -> str:
    """A laptop's bundles that never arrived, and the changes missing with them."""
    ranges = ", ".join(f"{lo}–{hi}" for lo, hi in gap["changes"])
    numbers = ", ".join(str(n) for n in gap["bundles"]) or "?"
    return (f"  ยังไม่ได้รับชุดข้อมูลที่ {numbers} ของเครื่องนี้ ({officer}) (bundle {numbers} of this laptop never arrived: "
            f"changes {ranges} are missing; ask for it, or for a --full bundle)")


def bundle_line(r: dict) -> str:
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
