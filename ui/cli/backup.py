"""`fieldtool backup` and `fieldtool restore`: the laptop's whole book on a USB stick, and back.

`backup --out FILE|FOLDER` writes exports.backup's file (sealed to the district office when its key is
trusted, else plain, with a warning). `restore FILE` opens and checks the backup first (an encrypted one
with the office's private key file, `--key`), shows what it holds beside what the database holds now, asks
y/N (`--yes` does not ask) and only then puts it in place, the current file kept aside. The database need
not exist yet (a new laptop), so `restore` is given its path, not an opened database.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from ui.cli import context
from ui.cli.output import emit


def add_parser(sub, common) -> None:
    b = sub.add_parser("backup", parents=[common],
                       help="write a backup of this laptop (database and visit photos), encrypted to the office if trusted")
    b.add_argument("--out", required=True, metavar="FILE|FOLDER", help="the file, or a folder (a USB stick) to put it in")
    b.set_defaults(func=cmd_backup)
    r = sub.add_parser("restore", parents=[common],
                       help="show what a backup holds, ask, and put it in place of this laptop's database")
    r.add_argument("file", metavar="FILE")
    r.add_argument("--key", metavar="OFFICE_KEY", help="the district office's private key file (for an encrypted backup)")
    r.add_argument("--yes", action="store_true", help="restore without asking")
    r.set_defaults(func=cmd_restore)


def cmd_backup(args) -> None:
    from exports import backup

    with context.database(args) as db:
        out = backup.write_backup(db, Path(args.out))
    lines = [f"สำรองข้อมูลแล้ว (backup written): {out['file']}", *summary_lines(out)]
    if out["warning"]:
        print(f"คำเตือน: {out['warning']}", file=sys.stderr)
    emit(args, {**out, "warning": str(out["warning"]) if out["warning"] else None}, lines)


def cmd_restore(args) -> None:
    """The database need not exist yet (a new laptop) and is replaced whole: given its path, not opened."""
    from db.backup import describe
    from exports import backup
    from exports.keyfile import passphrase_for_script

    db_path = context.db_path(args)
    file = Path(args.file).expanduser()
    info = backup.backup_info(file)
    key = Path(args.key).expanduser() if args.key else None
    passphrase = passphrase_for_script(key) if info["encrypted"] and key else None
    say = sys.stderr if args.json else sys.stdout  # --json keeps stdout for the answer
    for line in [f"สำเนาสำรอง (backup): {file}", *summary_lines(info)]:
        print(line, file=say, flush=True)
    with backup.open_backup(file, db_path, key, passphrase) as staged:  # checked before anything is asked
        current = describe(db_path) if db_path.is_file() and db_path.stat().st_size else None
        for line in _current_lines(current, db_path):
            print(line, file=say)
        if not args.yes and not _confirm():
            print("ไม่ได้กู้คืน ข้อมูลยังเหมือนเดิม (nothing restored, nothing changed)", file=say)
            return
        result = backup.restore(db_path, staged)
    emit(args, {**result, "database": str(db_path)}, restored_lines(result, db_path))


def _confirm() -> bool:
    print("กู้คืนสำเนานี้แทนฐานข้อมูลปัจจุบันหรือไม่ (restore this backup in place of the current database?) [y/N] ",
          end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes", "ใช่")


# --- what is shown ------------------------------------------------------------------------------------------


def _when(iso: str) -> str:
    """A stored time (UTC; SQLite gives it back without a zone) as a BE day and a local clock ("" is "-")."""
    from fieldtool.thai import format_date

    if not iso:
        return "-"
    at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone()
    return f"{format_date(local.date())} {local:%H:%M}"


def summary_lines(info: dict) -> list[str]:
    """What a backup (or a database, which has no `made`, `photos` nor `encrypted`) holds."""
    c = info["counts"]
    place = f"{info['subdistrict_code']} {info['subdistrict']}".strip() or "-"
    who = f"เจ้าหน้าที่ {info['officer'] or '-'} ตำบล {place}"
    lines = [f"  ทำเมื่อ {_when(info['made'])} {who} (made, officer, subdistrict)" if "made" in info
             else f"  {who} (officer, subdistrict)"]
    counts = f"ครัวเรือน {c['households']:,} สัญญาเงินกู้ {c['loans']:,} รายการชำระ {c['payments']:,} การลงพื้นที่ {c['visits']:,}"
    if "photos" in info:
        lines.append(f"  {counts} ภาพ {info['photos']:,} (households, loans, payments, visits, photos)")
    else:
        lines.append(f"  {counts} (households, loans, payments, visits)")
    if info["last_bundle"]:
        lines.append(f"  ชุดข้อมูลล่าสุดที่ส่งอำเภอ: ชุดที่ {info['last_bundle']} เมื่อ {_when(info['last_bundle_at'])} "
                     "(last bundle sent to the office)")
    else:
        lines.append("  ยังไม่เคยส่งชุดข้อมูลให้อำเภอ (no bundle sent to the office yet)")
    if info.get("encrypted"):
        office = " ".join(x for x in (info.get("office"), info.get("office_code")) if x)
        lines.append(f"  เข้ารหัสถึงสำนักงาน {office} (encrypted to the district office's key)")
    elif "encrypted" in info:
        lines.append("  ไม่ได้เข้ารหัส (not encrypted)")
    return lines


def _current_lines(current: dict | None, db_path: Path) -> list[str]:
    if current is None:
        return [f"ยังไม่มีฐานข้อมูลที่ {db_path} (no database there yet)"]
    return [f"ฐานข้อมูลปัจจุบัน (the current database, kept aside before the restore): {db_path}",
            *summary_lines(current)]


def restored_lines(result: dict, db_path: Path) -> list[str]:
    lines = [f"กู้คืนแล้ว (restored): {result['file']} → {db_path}"]
    if result["before"]:
        lines.append(f"  ฐานข้อมูลเดิมเก็บไว้ที่ (the database it replaced is kept at) {result['before']}")
    lines.append(f"  เครื่องนี้ได้รหัสเครื่องใหม่ (this laptop now has a new device id): {result['device_id']}")
    if result["kept_key_id"]:
        lines.append("  ใช้ไฟล์กุญแจเดิมต่อไป ชุดข้อมูลครั้งต่อไปจะแจ้งสำนักงานอำเภอว่าเครื่องนี้สืบต่อจากเครื่องเดิม ไม่ต้องลงทะเบียนใหม่ "
                     "(the officer's key file stays: the next bundle tells the office this laptop succeeds the old one; "
                     "nothing to enrol)")
    elif result["new_key_id"]:
        lines.append("  สร้างกุญแจใหม่แล้ว ให้บันทึกกุญแจสาธารณะ (fieldtool keys export --out FILE) ไปให้สำนักงานอำเภอ"
                     "ลงทะเบียนก่อนส่งชุดข้อมูลครั้งต่อไป (a new key was made: hand its public key file to the office "
                     "to enrol before the next bundle)")
    lines.append("  งานที่ส่งอำเภอไปแล้วหลังวันที่สำรอง จะกลับมากับชุดข้อมูลขากลับจากอำเภอ อย่าบันทึกซ้ำ (work sent to "
                 "the office after this backup was made comes back in the office's next return bundle: do not type it again)")
    return lines
