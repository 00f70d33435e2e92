"""The keys of the laptops and the district office, as the two sides make, hand over and trust them.

Each installation makes its own key pair once (the private key file is exports.keyfile) and hands the other
side its public key file in person (a "card": who, which device, which area, the two public keys). The
office enrols every officer's card, a laptop trusts its office's; a bundle is then signed by its sender's
key and encrypted to its recipient's (exports.sealed_file). The command line, the field app's sync dialog
and the office window all go through here, and so does what the laptop tells of where it stands with the
office (`field_sync_status`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from db import Database
from db.office import default_key_path
from exports import keyfile
from exports.keyfile import (
    Keys,
    PublicKeys,
    b64,
    key_id_of,
    new_keys,
    read_public_keys,
    unb64,
    write_private_key,
)
from exports.sealed_file import BundleError
from fieldtool import handover, registry, succession
from fieldtool.models import Subdistrict, SyncBundle, SyncKey
from fieldtool.sync.entries import LOG
from fieldtool.sync.laptop import local_device
from fieldtool.sync.tables import LOCAL_TABLES
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import BundleDirection, BundleKind, KeyRole
from fieldtool.whole_file import PRIVATE, WholeFile

# --- the public key file ------------------------------------------------------------------------------------


def public_card(keys: Keys | PublicKeys, name: str, area_code: str) -> dict:
    """What one side hands the other in person: who, which device, which area, the two public keys."""
    return {"fieldtool_public_key": 1, "role": keys.role, "device_id": keys.device_id, "name": name,
            "area_code": area_code, "key_id": keys.key_id, "sign_public": b64(keys.sign_public),
            "box_public": b64(keys.box_public)}


def write_public_card(path: Path, card: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with WholeFile(path, PRIVATE) as part:
        part.write_bytes((json.dumps(card, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def read_public_card(path: Path, role: KeyRole) -> dict:
    """Read and check a public key file; every way it can be wrong gets its own sentence."""
    role = KeyRole(role)
    what = f"ของ{role.label.th}"
    made_by = "fieldtool office-keys export" if role is KeyRole.OFFICE else "fieldtool keys export"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BundleError(Text(f"อ่านไฟล์กุญแจไม่ได้: {path}", f"cannot read the key file {path}")) from exc
    try:
        card = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BundleError(Text(f"ไฟล์นี้ไม่ใช่ไฟล์กุญแจสาธารณะ: {path}",
                               f"{path} is not a public key file; make one with '{made_by}'")) from None
    if not isinstance(card, dict) or card.get("fieldtool_public_key") is None:
        if isinstance(card, dict) and card.get("fieldtool_private_key"):
            raise BundleError(Text(f"นี่คือไฟล์กุญแจลับ ห้ามส่งต่อ ให้ใช้ไฟล์กุญแจสาธารณะแทน: {path}",
                                   f"{path} is a PRIVATE key file: keep it on its machine and give the public one made by '{made_by}'"))
        raise BundleError(Text(f"ไฟล์นี้ไม่ใช่ไฟล์กุญแจสาธารณะ: {path}",
                               f"{path} is not a public key file; make one with '{made_by}'"))
    if card.get("fieldtool_public_key") != 1:
        raise BundleError(Text(f"ไฟล์กุญแจนี้สร้างโดยโปรแกรมรุ่นใหม่กว่า: {path}",
                               f"the key file {path} was made by a newer fieldtool; update the program"))
    if card.get("role") != role:
        raise BundleError(Text(f"ไฟล์นี้ไม่ใช่กุญแจ{what}: {path}",
                               f"{path} is the key of {'an officer' if card.get('role') == KeyRole.OFFICER else 'the office'}, "
                               f"not of {'the office' if role is KeyRole.OFFICE else 'an officer'}"))
    digits = 4 if role is KeyRole.OFFICE else 6
    try:
        sign_public = unb64(card["sign_public"], 32)
        Ed25519PublicKey.from_public_bytes(sign_public)
        X25519PublicKey.from_public_bytes(unb64(card["box_public"], 32))
        device_ok = isinstance(card["device_id"], str) and card["device_id"]
        area_ok = isinstance(card["area_code"], str) and re.fullmatch(rf"\d{{{digits}}}", card["area_code"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BundleError(Text(f"ไฟล์กุญแจเสียหาย: {path}", f"the key file {path} is damaged: a key is missing or malformed")) from None
    if not device_ok or not area_ok:
        raise BundleError(Text(f"ไฟล์กุญแจเสียหาย: {path}",
                               f"the key file {path} is damaged: it lacks the device id or a {digits}-digit area code"))
    if card.get("key_id") not in (None, key_id_of(sign_public)):
        raise BundleError(Text(f"ไฟล์กุญแจถูกแก้ไข: {path}", f"the key file {path} was altered: its key id does not match its key"))
    card["key_id"] = key_id_of(sign_public)
    return card


def enrol(session, card: dict) -> tuple[SyncKey, bool]:
    """Trust a public key; returns (row, True) if it was new. A known key's area and name follow the card
    (a laptop moved to another subdistrict hands in a fresh public key file)."""
    row = session.get(SyncKey, card["key_id"])
    handover.refuse_sending_to(row)  # a revoked key is never trusted again
    if row is not None:
        if (row.area_code, row.officer) != (card["area_code"], card.get("name") or row.officer):
            table = SyncKey.__table__
            session.execute(table.update().where(table.c.key_id == row.key_id).values(
                area_code=card["area_code"], officer=card.get("name") or row.officer))
            session.expire(row)
        return row, False
    row = SyncKey(key_id=card["key_id"], role=card["role"], device_id=card["device_id"], officer=card.get("name") or "",
                  area_code=card["area_code"], sign_public=card["sign_public"], box_public=card["box_public"],
                  enrolled_at=datetime.now(UTC))
    session.execute(SyncKey.__table__.insert(), [row.model_dump()])  # bookkeeping, not a change to sync
    return row, True


# --- the laptop's keys, as the command line and the field app's sync dialog both use them -----------------


def init_officer_keys(db: Database, key_path: Path | None = None, passphrase: str | None = None) -> dict:
    """Make this laptop's key pair (once; an existing key file is never replaced), locked by `passphrase`."""
    path = key_path or default_key_path(db)
    with db.session() as s:
        device = registry.setting(s, "device_id")
        keys = new_keys(KeyRole.OFFICER, device)
        write_private_key(path, keys, passphrase)
        if key_path:
            registry.set_setting(s, "key_file", str(Path(path).resolve()))
        registry.set_setting(s, "sync_key_id", keys.key_id)
        registry.set_setting(s, "sync_sign_public", b64(keys.sign_public))
        registry.set_setting(s, "sync_box_public", b64(keys.box_public))
    return {"key_file": str(path), "key_id": keys.key_id, "device_id": device, "locked": passphrase is not None}


def officer_card(db: Database, key_path: Path | None = None, area_code: str = "") -> dict:
    """This laptop's public key file content, to hand to the district office in person (`area_code`: the
    subdistrict a laptop not yet set up is to be seeded with, see exports.seed)."""
    keys = read_public_keys(key_path or default_key_path(db), KeyRole.OFFICER)  # no passphrase needed
    area_code = (area_code or "").strip()
    if area_code and not (area_code.isascii() and area_code.isdigit() and len(area_code) == 6):
        raise InputError(Text(f"รหัสตำบลต้องเป็นตัวเลข 6 หลัก: {area_code}", f"a subdistrict code has 6 digits: {area_code}"))
    with db.session() as s:
        card = public_card(keys, registry.setting(s, "officer"), subdistrict_code(s) or area_code)
    if not card["area_code"]:
        raise InputError(Text("ยังไม่ได้ตั้งตำบลของเครื่องนี้",
                              "this laptop has no subdistrict set up yet; a new laptop that the office is to seed "
                              "names its subdistrict with --subdistrict CODE"))
    return card


def trust_office(db: Database, card_path: Path) -> tuple[dict, bool]:
    """Trust the district office's public key file; an office of another district is refused."""
    card = read_public_card(Path(card_path), KeyRole.OFFICE)
    with db.session() as s:
        mine = subdistrict_code(s)
        if mine and not mine.startswith(card["area_code"]):
            raise InputError(Text(f"กุญแจนี้เป็นของสำนักงานอำเภอ {card['area_code']} ไม่ใช่อำเภอของตำบล {mine}",
                                  f"this office key is for district {card['area_code']}, not the district of "
                                  f"subdistrict {mine}"))
        _row, new = enrol(s, card)
    return card, new


def trusted_office(db: Database) -> SyncKey | None:
    """The office key this laptop trusts (detached from the session), or None."""
    with db.session() as s:
        row = office_key(s)
        if row is not None:
            s.expunge(row)
        return row


def office_key(s: Session) -> SyncKey | None:
    """The office key this laptop trusts: the one enrolled last."""
    return s.scalars(select(SyncKey).where(col(SyncKey.role) == KeyRole.OFFICE)
                     .order_by(col(SyncKey.enrolled_at).desc())).first()


@dataclass
class FieldSyncStatus:
    """Where this laptop stands with the office: its key, the office's, the bundles made and received."""

    has_key: bool
    key_id: str
    subdistrict_code: str
    office_name: str  # the trusted office key's name ("" when not trusted yet)
    office_code: str
    last_out: int  # the number of the last bundle made (0: none yet)
    last_out_at: datetime | None
    changes_waiting: int  # this laptop's changes not in any bundle yet
    last_return: int  # the number of the last return bundle applied (0: none)
    last_return_at: datetime | None
    key_locked: bool = False  # the private key file asks for a passphrase


def field_sync_status(db: Database) -> FieldSyncStatus:
    key_file = default_key_path(db)
    with db.session() as s:
        device = local_device(s)
        office = office_key(s)
        lineage = [p.device_id for p in succession.predecessors(s)]
        last = succession.last_field_bundle(s, [device, *lineage])  # a restored laptop goes on from the old one's
        own = succession.last_field_bundle(s, [device])
        back = s.scalars(select(SyncBundle).where(col(SyncBundle.direction) == BundleDirection.IN,
                                                  col(SyncBundle.kind) == BundleKind.RETURN,
                                                  col(SyncBundle.target_device).in_([device, *lineage]))
                         .order_by(col(SyncBundle.processed_at).desc())).first()
        waiting = _changes_between(s, device, own.seq_to if own else 0)
        if own is None and _key_device(key_file) not in ("", device):  # also what the predecessors never sent
            waiting += sum(_changes_between(s, d, lo - 1, hi) for d, (lo, hi) in succession.carried_ranges(s).items())
        return FieldSyncStatus(key_file.exists(), registry.setting(s, "sync_key_id"), subdistrict_code(s),
                               office.officer if office else "", office.area_code if office else "",
                               last.bundle_seq if last else 0, last.created_at if last else None, waiting,
                               back.bundle_seq if back else 0, back.processed_at if back else None,
                               keyfile.is_locked(key_file))


def _key_device(key_file: Path) -> str:
    try:
        return read_public_keys(key_file, KeyRole.OFFICER).device_id
    except InputError:
        return ""


def _changes_between(s: Session, device: str, after: int, upto: int | None = None) -> int:
    """How many of a device's changes to records (not its own settings) lie after `after` (up to `upto`)."""
    q = select(func.count()).select_from(LOG).where(LOG.c.device_id == device, LOG.c.seq > after,
                                                    LOG.c.table_name.not_in(sorted(LOCAL_TABLES)))
    return s.execute(q if upto is None else q.where(LOG.c.seq <= upto)).scalar() or 0


# --- the office's keys, as the command line and the office window both use them ---------------------------


def init_office_keys(db: Database, district: str, name: str = "", key_path: Path | None = None,
                     passphrase: str | None = None) -> dict:
    """Make the office key pair and set the district code (once; an existing key file is never replaced)."""
    district = (district or "").strip()
    if not (district.isascii() and district.isdigit() and len(district) == 4):
        raise InputError(Text(f"รหัสอำเภอต้องเป็นตัวเลข 4 หลัก: {district}", "the district code has 4 digits"))
    path = key_path or default_key_path(db)
    with db.session() as s:
        device = registry.setting(s, "device_id")
        keys = new_keys(KeyRole.OFFICE, device)
        write_private_key(path, keys, passphrase)
        registry.set_setting(s, "district_code", district)
        if name:
            registry.set_setting(s, "office_name", name)
        if key_path:
            registry.set_setting(s, "key_file", str(Path(path).resolve()))
        registry.set_setting(s, "sync_key_id", keys.key_id)
    return {"key_file": str(path), "key_id": keys.key_id, "device_id": device, "district_code": district,
            "locked": passphrase is not None}


def office_card(db: Database, key_path: Path | None = None) -> dict:
    """The office's public key file content, to hand to every officer."""
    keys = read_public_keys(key_path or default_key_path(db), KeyRole.OFFICE)  # no passphrase needed
    with db.session() as s:
        return public_card(keys, registry.setting(s, "office_name") or registry.setting(s, "officer"),
                           registry.setting(s, "district_code"))


def enrol_officer(db: Database, card_path: Path) -> tuple[dict, bool]:
    """Enrol an officer's public key file at the office; a laptop of another district is refused."""
    card = read_public_card(Path(card_path), KeyRole.OFFICER)
    with db.session() as s:
        district = registry.setting(s, "district_code")
        if not district:
            raise InputError(NO_DISTRICT)
        if not card["area_code"].startswith(district):
            raise InputError(Text(f"ตำบล {card['area_code']} ไม่อยู่ในอำเภอนี้ ({district})",
                                  f"subdistrict {card['area_code']} is outside this district, {district}"))
        _row, new = enrol(s, card)
    return card, new


NO_DISTRICT = Text("ฐานข้อมูลสำนักงานยังไม่ได้ตั้งรหัสอำเภอ",
                   "this office database has no district code: run 'fieldtool office-keys init --district CODE'")


def subdistrict_code(session: Session) -> str:
    sub_id = registry.setting(session, "subdistrict_id")
    sub = session.get(Subdistrict, sub_id) if sub_id else None
    return sub.code if sub else ""
