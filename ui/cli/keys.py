"""Sync keys from the command line: `keys` (a laptop's key pair, the office key it trusts) and `office-keys` (the
district office's key pair, the officers' keys it enrols); and the passphrase of a locked private key file,
read once here for every command that signs or opens a bundle (exports.keyfile).
"""

from __future__ import annotations

from pathlib import Path

from fieldtool.vocabulary import KeyRole
from ui.cli.context import database, office_target
from ui.cli.output import emit

PASSPHRASE_HELP = ("lock the private key file with a passphrase (typed twice, or FIELDTOOL_KEY_PASSPHRASE); "
                   "asked again whenever a bundle is made or opened")
CHANGE_PASSPHRASE_HELP = ("lock the private key file with a passphrase, change it, or --remove it "
                          "(FIELDTOOL_KEY_PASSPHRASE: the current one, FIELDTOOL_NEW_KEY_PASSPHRASE: the new one)")


def add_parser(sub, common) -> None:
    ks = sub.add_parser("keys", help="this laptop's sync keys").add_subparsers(dest="keys_command", required=True)
    ki = ks.add_parser("init", parents=[common], help="make the officer's key pair (private file beside the database)")
    ki.add_argument("--key", help="where to keep the private key file (default: beside the database)")
    ki.add_argument("--passphrase", action="store_true", help=PASSPHRASE_HELP)
    ki.set_defaults(func=cmd_keys_init)
    _passphrase_parser(ks, common, office=False)
    ke = ks.add_parser("export", parents=[common], help="write the public key file to hand to the office")
    ke.add_argument("--out", required=True)
    ke.add_argument("--key")
    ke.add_argument("--subdistrict", metavar="CODE", help="a laptop not set up yet: the subdistrict the office is to seed it with")
    ke.set_defaults(func=cmd_keys_export)
    kt = ks.add_parser("trust-office", parents=[common], help="trust the district office's public key file")
    kt.add_argument("file")
    kt.set_defaults(func=cmd_keys_trust_office)

    ok = sub.add_parser("office-keys", help="the district office's sync keys").add_subparsers(
        dest="office_keys_command", required=True)
    oki = ok.add_parser("init", parents=[common], help="make the office key pair and set the district code")
    oki.add_argument("--district", required=True, help="the district's 4-digit code")
    oki.add_argument("--name", help="the office's name, shown to the field")
    oki.add_argument("--key", help="where to keep the private key file")
    oki.add_argument("--passphrase", action="store_true", help=PASSPHRASE_HELP)
    office_target(oki)
    oki.set_defaults(func=cmd_office_keys_init)
    _passphrase_parser(ok, common, office=True)
    oke = ok.add_parser("export", parents=[common], help="write the office's public key file for the officers")
    oke.add_argument("--out", required=True)
    oke.add_argument("--key")
    office_target(oke)
    oke.set_defaults(func=cmd_office_keys_export)
    oken = ok.add_parser("enrol", parents=[common], help="enrol an officer's public key file")
    oken.add_argument("file")
    office_target(oken)
    oken.set_defaults(func=cmd_office_keys_enrol)


def _passphrase_parser(commands, common, office: bool) -> None:
    p = commands.add_parser("passphrase", parents=[common], help=CHANGE_PASSPHRASE_HELP)
    p.add_argument("--key")
    p.add_argument("--remove", action="store_true", help="keep the private key file without a passphrase")
    if office:
        office_target(p)
    p.set_defaults(func=cmd_passphrase, role=KeyRole.OFFICE if office else KeyRole.OFFICER)


# --- the private key file and its passphrase ------------------------------------------------------------------


def key_arg(args) -> Path | None:
    """--key: the private key file named on the command line (else the database's own, beside it)."""
    return Path(args.key) if getattr(args, "key", None) else None


def key_passphrase(args, db) -> str | None:
    """The private key file's passphrase when it is locked (FIELDTOOL_KEY_PASSPHRASE, else asked on the
    terminal), checked once here, so a wrong one is one sentence before anything starts."""
    from db.office import default_key_path
    from exports import keyfile

    path = key_arg(args) or default_key_path(db)
    passphrase = keyfile.passphrase_for_script(path)
    if passphrase is not None:
        keyfile.check_passphrase(path, passphrase)
    return passphrase


def _new_key_passphrase(args) -> str | None:
    """`init --passphrase`: the passphrase to lock the new key file with (asked twice, or from the environment)."""
    from exports import keyfile

    return keyfile.new_passphrase_for_script(keyfile.PASSPHRASE_ENV) if args.passphrase else None


def cmd_passphrase(args) -> None:
    """`keys passphrase` / `office-keys passphrase`: lock, change or (--remove) unlock the private key file."""
    from db.office import default_key_path
    from exports import keyfile

    with database(args) as db:
        path = key_arg(args) or default_key_path(db)
        old = keyfile.passphrase_for_script(path)
        locked = keyfile.change_passphrase(path, args.role, old, None if args.remove else keyfile.new_passphrase_for_script())
    emit(args, {"key_file": str(path), "locked": locked},
         [f"ตั้งรหัสผ่านของไฟล์กุญแจแล้ว: {path}" if locked else f"ไฟล์กุญแจไม่มีรหัสผ่านแล้ว: {path}"])


# --- a laptop's keys and the office's ---------------------------------------------------------------------------


def _init(args, make_keys, said: str) -> None:
    """A new key pair, its private file locked with a passphrase when --passphrase asks."""
    with database(args) as db:
        out = make_keys(db, key_arg(args), _new_key_passphrase(args))
    emit(args, out, [f"{said}: {out['key_file']}", f"รหัสกุญแจ: {out['key_id']}"])


def _export(args, make_card, said: str) -> None:
    """The public key file for the other side: written whole, its key id said."""
    from exports import sync_keys

    with database(args) as db:
        card = make_card(db, key_arg(args))
    sync_keys.write_public_card(Path(args.out), card)
    emit(args, card, [f"{said}: {args.out}", f"รหัสกุญแจ: {card['key_id']}"])


def _take(args, take_card, said) -> None:
    """The other side's public key file, trusted (laptop) or enrolled (office); `said(card, new)` is the line."""
    with database(args) as db:
        card, new = take_card(db, Path(args.file))
    emit(args, {**card, "new": new}, [said(card, new)])


def cmd_keys_init(args) -> None:
    from exports import sync_keys

    _init(args, sync_keys.init_officer_keys, "สร้างกุญแจแล้ว")


def cmd_keys_export(args) -> None:
    from exports import sync_keys

    _export(args, lambda db, key: sync_keys.officer_card(db, key, args.subdistrict or ""), "บันทึกกุญแจสาธารณะแล้ว")


def cmd_keys_trust_office(args) -> None:
    from exports import sync_keys

    _take(args, sync_keys.trust_office, lambda card, new: ("เชื่อถือกุญแจของสำนักงานแล้ว" if new else "เชื่อถือกุญแจนี้อยู่แล้ว")
          + f": {card['name'] or card['area_code']} ({card['key_id']})")


def cmd_office_keys_init(args) -> None:
    from exports import sync_keys

    _init(args, lambda db, key, passphrase: sync_keys.init_office_keys(db, args.district, args.name or "", key, passphrase),
          "สร้างกุญแจสำนักงานแล้ว")


def cmd_office_keys_export(args) -> None:
    from exports import sync_keys

    _export(args, sync_keys.office_card, "บันทึกกุญแจสาธารณะของสำนักงานแล้ว")


def cmd_office_keys_enrol(args) -> None:
    from exports import sync_keys

    _take(args, sync_keys.enrol_officer, lambda card, new: ("ลงทะเบียนกุญแจแล้ว" if new else "ลงทะเบียนกุญแจนี้ไว้แล้ว")
          + f": {card['name']} ตำบล {card['area_code']} เครื่อง {card['device_id']}")
