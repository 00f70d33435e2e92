"""Sync bundles: the one file an officer carries from the laptop to the district office, and back.

The format is described in docs/bundle-format.md. In short: a plain header (magic, format version, who
sent it to whom), the sender's Ed25519 signature, and a zip (manifest.json, changes.jsonl, photos/)
encrypted to the recipient's X25519 key (ephemeral X25519, HKDF-SHA256, ChaCha20-Poly1305 in 1 MiB
chunks), so a lost USB stick leaks no national ID and no debt. The merge itself is fieldtool.sync.
The plaintext zip lives only in an encrypted anonymous scratch file (exports.scratch), the file is written
under a hidden .part name until it is recorded as sent, and the private key file may be locked with a
passphrase (exports.keyfile).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import re
import struct
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from alembic.script import ScriptDirectory
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from db import Database, alembic_config
from db.office import default_key_path, photo_dir
from exports import keyfile
from exports import scratch as scratch_files
from exports.keyfile import (  # noqa: F401  (Keys, new_keys, … are this module's public names too)
    Keys,
    PassphraseError,
    PublicKeys,
    key_id_of,
    new_keys,
    read_private_key,
    read_public_keys,
    write_private_key,
)
from exports.keyfile import b64 as _b64
from exports.keyfile import raw_public as _raw
from exports.keyfile import unb64 as _unb64
from fieldtool import handover, registry, succession, sync
from fieldtool.models import Subdistrict, SyncBundle, SyncKey
from fieldtool.sync import Entry, collector_paused
from fieldtool.thai import InputError, busy_error, iso_time
from fieldtool.transaction_files import remove_on_rollback

MAGIC = b"FTBUNDLE"
FORMAT_VERSION = 1
CIPHER = "X25519-HKDF-SHA256-ChaCha20Poly1305-STREAM"
CHUNK = 1 << 20  # plaintext bytes per encrypted chunk
TAG = 16
SIG_CONTEXT = b"fieldtool bundle v1 signature\x00"
HKDF_INFO = b"fieldtool bundle v1 payload key"
MAX_HEADER = 64 * 1024
MAX_PAYLOAD = 8 << 30  # encrypted zip, bytes
MAX_UNCOMPRESSED = 8 << 30  # all parts together, bytes
MAX_RATIO = 200  # uncompressed : compressed per part; changes.jsonl compresses about 5:1, a zip bomb 1000:1
MAX_MANIFEST = 1 << 20
PHOTO_NAME = re.compile(r"photos/[0-9a-f]{64}\.jpg")
PAUSE_ENV = "FIELDTOOL_IMPORT_PAUSE"  # test hook: seconds to sleep inside the import transaction
EXPORT_PAUSE_ENV = "FIELDTOOL_EXPORT_PAUSE"  # test hook: "before-rename:SECONDS" or "after-rename:SECONDS"


class BundleError(InputError):
    """A bundle or key file that is refused; the message is one sentence, Thai then English."""


def _refuse(th: str, en: str) -> BundleError:
    return BundleError(f"{th} ({en})")


# --- keys (the key file itself is exports.keyfile) -------------------------------------------------------------


def public_card(keys: Keys | PublicKeys, name: str, area_code: str) -> dict:
    """What one side hands the other in person: who, which device, which area, the two public keys."""
    return {"fieldtool_public_key": 1, "role": keys.role, "device_id": keys.device_id, "name": name,
            "area_code": area_code, "key_id": keys.key_id, "sign_public": _b64(keys.sign_public),
            "box_public": _b64(keys.box_public)}


def write_public_card(path: Path, card: dict) -> None:
    _atomic_write(path, (json.dumps(card, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def read_public_card(path: Path, role: str) -> dict:
    """Read and check a public key file; every way it can be wrong gets its own sentence."""
    what = "ของสำนักงาน" if role == "office" else "ของเจ้าหน้าที่"
    made_by = "fieldtool office-keys export" if role == "office" else "fieldtool keys export"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _refuse(f"อ่านไฟล์กุญแจไม่ได้: {path}", f"cannot read the key file {path}") from exc
    try:
        card = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(f"ไฟล์นี้ไม่ใช่ไฟล์กุญแจสาธารณะ: {path}",
                      f"{path} is not a public key file; make one with '{made_by}'") from None
    if not isinstance(card, dict) or card.get("fieldtool_public_key") is None:
        if isinstance(card, dict) and card.get("fieldtool_private_key"):
            raise _refuse(f"นี่คือไฟล์กุญแจลับ ห้ามส่งต่อ ให้ใช้ไฟล์กุญแจสาธารณะแทน: {path}",
                          f"{path} is a PRIVATE key file: keep it on its machine and give the public one made by '{made_by}'")
        raise _refuse(f"ไฟล์นี้ไม่ใช่ไฟล์กุญแจสาธารณะ: {path}",
                      f"{path} is not a public key file; make one with '{made_by}'")
    if card.get("fieldtool_public_key") != 1:
        raise _refuse(f"ไฟล์กุญแจนี้สร้างโดยโปรแกรมรุ่นใหม่กว่า: {path}",
                      f"the key file {path} was made by a newer fieldtool; update the program")
    if card.get("role") != role:
        raise _refuse(f"ไฟล์นี้ไม่ใช่กุญแจ{what}: {path}",
                      f"{path} is the key of {'an officer' if card.get('role') == 'officer' else 'the office'}, "
                      f"not of {'the office' if role == 'office' else 'an officer'}")
    digits = 4 if role == "office" else 6
    try:
        sign_public = _unb64(card["sign_public"], 32)
        Ed25519PublicKey.from_public_bytes(sign_public)
        X25519PublicKey.from_public_bytes(_unb64(card["box_public"], 32))
        device_ok = isinstance(card["device_id"], str) and card["device_id"]
        area_ok = isinstance(card["area_code"], str) and re.fullmatch(rf"\d{{{digits}}}", card["area_code"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _refuse(f"ไฟล์กุญแจเสียหาย: {path}", f"the key file {path} is damaged: a key is missing or malformed") from None
    if not device_ok or not area_ok:
        raise _refuse(f"ไฟล์กุญแจเสียหาย: {path}",
                      f"the key file {path} is damaged: it lacks the device id or a {digits}-digit area code")
    if card.get("key_id") not in (None, key_id_of(sign_public)):
        raise _refuse(f"ไฟล์กุญแจถูกแก้ไข: {path}", f"the key file {path} was altered: its key id does not match its key")
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
        keys = new_keys("officer", device)
        write_private_key(path, keys, passphrase)
        if key_path:
            registry.set_setting(s, "key_file", str(Path(path).resolve()))
        registry.set_setting(s, "sync_key_id", keys.key_id)
        registry.set_setting(s, "sync_sign_public", _b64(keys.sign_public))
        registry.set_setting(s, "sync_box_public", _b64(keys.box_public))
    return {"key_file": str(path), "key_id": keys.key_id, "device_id": device, "locked": passphrase is not None}


def officer_card(db: Database, key_path: Path | None = None, area_code: str = "") -> dict:
    """This laptop's public key file content, to hand to the district office in person (`area_code`: the
    subdistrict a laptop not yet set up is to be seeded with, see exports.seed)."""
    keys = read_public_keys(key_path or default_key_path(db), "officer")  # no passphrase needed
    area_code = (area_code or "").strip()
    if area_code and not (area_code.isascii() and area_code.isdigit() and len(area_code) == 6):
        raise InputError(f"รหัสตำบลต้องเป็นตัวเลข 6 หลัก: {area_code} (a subdistrict code has 6 digits: {area_code})")
    with db.session() as s:
        card = public_card(keys, registry.setting(s, "officer"), subdistrict_code(s) or area_code)
    if not card["area_code"]:
        raise InputError("ยังไม่ได้ตั้งตำบลของเครื่องนี้ (this laptop has no subdistrict set up yet; a new laptop that "
                         "the office is to seed names its subdistrict with --subdistrict CODE)")
    return card


def trust_office(db: Database, card_path: Path) -> tuple[dict, bool]:
    """Trust the district office's public key file; an office of another district is refused."""
    card = read_public_card(Path(card_path), "office")
    with db.session() as s:
        mine = subdistrict_code(s)
        if mine and not mine.startswith(card["area_code"]):
            raise InputError(f"กุญแจนี้เป็นของสำนักงานอำเภอ {card['area_code']} ไม่ใช่อำเภอของตำบล {mine} "
                             f"(this office key is for district {card['area_code']}, not the district of subdistrict {mine})")
        _row, new = enrol(s, card)
    return card, new


def trusted_office(db: Database) -> SyncKey | None:
    with db.session() as s:
        row = s.scalars(select(SyncKey).where(SyncKey.role == "office").order_by(SyncKey.enrolled_at.desc())).first()
        if row is not None:
            s.expunge(row)
        return row


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
        device = sync.local_device(s)
        office = s.scalars(select(SyncKey).where(SyncKey.role == "office").order_by(SyncKey.enrolled_at.desc())).first()
        lineage = [p.device_id for p in succession.predecessors(s)]
        last = succession.last_field_bundle(s, [device, *lineage])  # a restored laptop goes on from the old one's
        own = succession.last_field_bundle(s, [device])
        back = s.scalars(select(SyncBundle).where(SyncBundle.direction == "in", SyncBundle.kind == "return",
                                                  SyncBundle.target_device.in_([device, *lineage]))
                         .order_by(SyncBundle.processed_at.desc())).first()
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
        return read_public_keys(key_file, "officer").device_id
    except InputError:
        return ""


def _changes_between(s, device: str, after: int, upto: int | None = None) -> int:
    """How many of a device's changes to records (not its own settings) lie after `after` (up to `upto`)."""
    log = sync._LOG
    q = select(func.count()).select_from(log).where(log.c.device_id == device, log.c.seq > after,
                                                    log.c.table_name.not_in(sorted(sync.LOCAL_TABLES)))
    return s.execute(q if upto is None else q.where(log.c.seq <= upto)).scalar() or 0


# --- the office's keys, as the command line and the office window both use them ---------------------------


def init_office_keys(db: Database, district: str, name: str = "", key_path: Path | None = None,
                     passphrase: str | None = None) -> dict:
    """Make the office key pair and set the district code (once; an existing key file is never replaced)."""
    district = (district or "").strip()
    if not (district.isascii() and district.isdigit() and len(district) == 4):
        raise InputError(f"รหัสอำเภอต้องเป็นตัวเลข 4 หลัก: {district} (the district code has 4 digits)")
    path = key_path or default_key_path(db)
    with db.session() as s:
        device = registry.setting(s, "device_id")
        keys = new_keys("office", device)
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
    keys = read_public_keys(key_path or default_key_path(db), "office")  # no passphrase needed
    with db.session() as s:
        return public_card(keys, registry.setting(s, "office_name") or registry.setting(s, "officer"),
                           registry.setting(s, "district_code"))


def enrol_officer(db: Database, card_path: Path) -> tuple[dict, bool]:
    """Enrol an officer's public key file at the office; a laptop of another district is refused."""
    card = read_public_card(Path(card_path), "officer")
    with db.session() as s:
        district = registry.setting(s, "district_code")
        if not district:
            raise InputError("ฐานข้อมูลสำนักงานยังไม่ได้ตั้งรหัสอำเภอ (this office database has no district code: "
                             "run 'fieldtool office-keys init --district CODE')")
        if not card["area_code"].startswith(district):
            raise InputError(f"ตำบล {card['area_code']} ไม่อยู่ในอำเภอนี้ ({district}) "
                             f"(subdistrict {card['area_code']} is outside this district, {district})")
        _row, new = enrol(s, card)
    return card, new


def subdistrict_code(session) -> str:
    sub_id = registry.setting(session, "subdistrict_id")
    sub = session.get(Subdistrict, sub_id) if sub_id else None
    return sub.code if sub else ""


# --- the sealed file ------------------------------------------------------------------------------------


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = scratch_files.hidden_part(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _nonce(index: int, last: bool) -> bytes:
    return struct.pack(">QB", index, 1 if last else 0) + b"\x00\x00\x00"


def _payload_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recipient_public,
                info=HKDF_INFO).derive(shared)


@dataclass
class Hidden:
    """A sealed bundle complete on disk under its hidden `.part` name, not yet under its own."""

    part: Path
    out: Path
    digest: str  # the sha256 the file will have under its name

    def reveal(self) -> None:
        """Give the file its name (atomic) and make the rename durable."""
        os.replace(self.part, self.out)
        _fsync_dir(self.out.parent)

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)


@contextmanager
def _readable(payload: Path | BinaryIO) -> Iterator[BinaryIO]:
    """A payload given as a file name or as an open (scratch) file, read from its start."""
    if isinstance(payload, (str, os.PathLike)):
        with open(payload, "rb") as fh:
            yield fh
    else:
        payload.flush()
        payload.seek(0)
        yield payload


def seal_hidden(payload: Path | BinaryIO, out: Path, header: dict, sender: Keys, recipient_box_public: bytes,
                recipient_key_id: str) -> Hidden:
    """Encrypt `payload` to the recipient and sign it into a hidden part file beside `out`, synced.

    Nothing reads a `.part` file as a bundle (read_header refuses it by name); the caller records the bundle,
    then reveals it. Part files that killed exports left in the folder are removed first.
    """
    scratch_files.sweep_parts(out.parent, legacy_magic=MAGIC)
    ephemeral = X25519PrivateKey.generate()
    eph_public = _raw(ephemeral.public_key())
    key = _payload_key(ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_box_public)),
                       eph_public, recipient_box_public)
    fd, tmp = scratch_files.hidden_part(out)
    try:
        with os.fdopen(fd, "w+b") as fh, _readable(payload) as src:
            size = src.seek(0, os.SEEK_END)
            src.seek(0)
            header = {**header, "format": FORMAT_VERSION, "cipher": CIPHER, "chunk_size": CHUNK, "payload_size": size,
                      "sender_key": sender.key_id, "recipient_key": recipient_key_id, "ephemeral_public": _b64(eph_public)}
            hjson = json.dumps(header, sort_keys=True, ensure_ascii=True).encode("ascii")
            prefix = MAGIC + struct.pack(">HI", FORMAT_VERSION, len(hjson)) + hjson
            aead = ChaCha20Poly1305(key)
            signed = hashlib.sha256(prefix)
            fh.write(prefix)
            fh.write(b"\x00" * 64)  # the signature's place, filled in below
            chunks = max(1, -(-size // CHUNK))
            for index in range(chunks):
                block = src.read(CHUNK)
                sealed = aead.encrypt(_nonce(index, index == chunks - 1), block, prefix)
                signed.update(sealed)
                fh.write(sealed)
            signature = sender.sign.sign(SIG_CONTEXT + signed.digest())
            fh.seek(len(prefix))
            fh.write(signature)
            fh.flush()
            os.fsync(fh.fileno())
        return Hidden(tmp, out, _file_sha256(tmp))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def seal(payload: Path | BinaryIO, out: Path, header: dict, sender: Keys, recipient_box_public: bytes,
         recipient_key_id: str) -> str:
    """Encrypt `payload` to the recipient, sign it, write `out` atomically; returns the file's sha256.

    The file appears under its name only complete and synced: a crash or a full disk leaves at most a
    hidden '.part' file that nothing reads as a bundle.
    """
    hidden = seal_hidden(payload, out, header, sender, recipient_box_public, recipient_key_id)
    try:
        hidden.reveal()
    except BaseException:
        hidden.discard()
        raise
    return hidden.digest


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Sealed:
    path: Path
    header: dict
    prefix: bytes
    signature: bytes
    body_offset: int
    chunks: int


def _not_a_bundle(path: Path, why: str) -> BundleError:
    return _refuse(f"ไฟล์นี้ไม่ใช่ชุดข้อมูลของโปรแกรม: {path.name}", f"{path.name} is not a fieldtool bundle: {why}")


def _cut_short(path: Path) -> BundleError:
    return _refuse(f"ไฟล์ชุดข้อมูลไม่ครบ (ถูกตัดหรือคัดลอกไม่เสร็จ): {path.name}",
                   f"the bundle {path.name} is incomplete: it was cut short, perhaps copied before it was finished")


def _other_version(path: Path, version: int, hjson: bytes) -> BundleError:
    """A format number this program does not write: a newer program's only if the header says the same number.

    Every format keeps magic, version, header length and a JSON header naming its "format"; a version that
    disagrees with its own header is a damaged byte, not a newer program.
    """
    try:
        header = json.loads(hjson.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        header = None
    if version > FORMAT_VERSION and isinstance(header, dict) and header.get("format") == version:
        return _refuse(f"ชุดข้อมูลนี้สร้างโดยโปรแกรมรุ่นใหม่กว่า กรุณาปรับปรุงโปรแกรม: {path.name}",
                       f"{path.name} uses bundle format {version}, newer than this program knows; update fieldtool")
    return _refuse(f"ไฟล์ชุดข้อมูลเสียหาย (เลขรุ่นของไฟล์ผิด) ขอไฟล์ใหม่: {path.name}",
                   f"the bundle {path.name} is damaged: its format number ({version}) does not match its header; "
                   "ask for it again")


def read_header(path: Path, kinds: tuple[str, ...] = ("field", "return")) -> Sealed:
    """The plain part of a bundle (or, with kinds=("backup",), of a sealed backup), checked for shape before
    anything else is read."""
    if scratch_files.is_part_file(path):
        raise _refuse(f"ไฟล์ .part เป็นไฟล์ที่ยังเขียนไม่เสร็จ ไม่ใช่ชุดข้อมูล ให้ใช้ไฟล์ชุดข้อมูลที่ไม่มี .part: {path.name}",
                      f"{path.name} is an unfinished temporary file (.part), never a bundle: use the bundle file "
                      "itself, or make the bundle again")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(len(MAGIC) + 6)
            if len(head) < len(MAGIC) or head[: len(MAGIC)] != MAGIC:
                raise _not_a_bundle(path, "it does not start with the bundle mark")
            if len(head) < len(MAGIC) + 6:
                raise _cut_short(path)
            version, hlen = struct.unpack(">HI", head[len(MAGIC):])
            if hlen > MAX_HEADER:
                raise _not_a_bundle(path, "its header is too large") if version == FORMAT_VERSION else \
                    _other_version(path, version, b"")
            hjson = fh.read(hlen)
            signature = fh.read(64)
    except OSError as exc:
        raise _refuse(f"อ่านไฟล์ไม่ได้: {path}", f"cannot read {path}") from exc
    if version != FORMAT_VERSION:
        raise _other_version(path, version, hjson)
    if len(hjson) < hlen or len(signature) < 64:
        raise _cut_short(path)
    try:
        header = json.loads(hjson.decode("ascii"))
        fields = ("kind", "sender_device", "sender_key", "recipient_key", "ephemeral_public", "payload_size", "chunk_size")
        if not isinstance(header, dict) or any(f not in header for f in fields):
            raise ValueError("fields missing")
        if header.get("cipher") != CIPHER or not isinstance(header["kind"], str):
            raise ValueError("unknown cipher")
        _unb64(header["ephemeral_public"], 32)
        payload_size, chunk = int(header["payload_size"]), int(header["chunk_size"])
        if payload_size < 0 or chunk != CHUNK:
            raise ValueError("bad sizes")
    except (UnicodeDecodeError, ValueError, TypeError):
        raise _not_a_bundle(path, "its header cannot be read") from None
    if header["kind"] == "backup" and "backup" not in kinds:
        raise _refuse(f"ไฟล์นี้เป็นสำเนาสำรอง ไม่ใช่ชุดข้อมูล ให้กู้คืนด้วย 'fieldtool restore': {path.name}",
                      f"{path.name} is a backup, not a bundle: restore it with 'fieldtool restore'")
    if header["kind"] not in kinds:
        raise _not_a_bundle(path, "its header cannot be read")
    if payload_size > MAX_PAYLOAD:
        raise _not_a_bundle(path, "it declares a payload larger than any bundle may be")
    chunks = max(1, -(-payload_size // CHUNK))
    body_offset = len(MAGIC) + 6 + hlen + 64
    expected = payload_size + chunks * TAG
    if size - body_offset < expected:
        raise _cut_short(path)
    if size - body_offset > expected:
        raise _refuse(f"ไฟล์ชุดข้อมูลถูกแก้ไขหรือเสียหาย: {path.name}",
                      f"the bundle {path.name} was altered after signing or is damaged: it has extra bytes")
    prefix = MAGIC + struct.pack(">HI", version, hlen) + hjson
    return Sealed(path, header, prefix, signature, body_offset, chunks)


def _altered(path: Path) -> BundleError:
    return _refuse(f"ไฟล์ชุดข้อมูลถูกแก้ไขหลังลงนามหรือเสียหาย: {path.name}",
                   f"the bundle {path.name} was altered after it was signed, or is damaged; ask for it again")


def _ciphertext_blocks(sealed: Sealed):
    size = sealed.header["payload_size"]
    with sealed.path.open("rb") as fh:
        fh.seek(sealed.body_offset)
        for index in range(sealed.chunks):
            plain = min(CHUNK, size - index * CHUNK) if index < sealed.chunks - 1 else size - index * CHUNK
            block = fh.read(plain + TAG)
            yield index, block


def verify(sealed: Sealed, sign_public_b64: str) -> str:
    """Check the sender's signature over header and ciphertext; returns the file's sha256."""
    signed = hashlib.sha256(sealed.prefix)
    for _index, block in _ciphertext_blocks(sealed):
        signed.update(block)
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(sign_public_b64, 32)).verify(sealed.signature, SIG_CONTEXT + signed.digest())
    except InvalidSignature:
        raise _altered(sealed.path) from None
    return _file_sha256(sealed.path)


@contextmanager
def _writable(out: Path | BinaryIO) -> Iterator[BinaryIO]:
    """A file name opened for writing, or an open (scratch) file written from its start."""
    if isinstance(out, (str, os.PathLike)):
        with open(out, "wb") as fh:
            yield fh
    else:
        out.seek(0)
        out.truncate()
        yield out
        out.flush()


def decrypt(sealed: Sealed, keys: Keys, out: Path | BinaryIO) -> None:
    """The payload zip into `out`: best a scratch file (exports.scratch), so no plaintext outlives the process."""
    eph_public = _unb64(sealed.header["ephemeral_public"], 32)
    key = _payload_key(keys.box.exchange(X25519PublicKey.from_public_bytes(eph_public)), eph_public, keys.box_public)
    aead = ChaCha20Poly1305(key)
    with _writable(out) as fh:
        for index, block in _ciphertext_blocks(sealed):
            try:
                fh.write(aead.decrypt(_nonce(index, index == sealed.chunks - 1), block, sealed.prefix))
            except InvalidTag:
                raise _altered(sealed.path) from None


# --- the payload -----------------------------------------------------------------------------------------------


def write_payload(zip_path: Path | BinaryIO, manifest: dict, entries, photos_from: Path | None) -> dict:
    """Write manifest.json, changes.jsonl and the photos the entries name; returns the manifest."""
    counts: Counter = Counter()
    parts: dict[str, str] = {}
    photo_names: list[str] = []
    missing: list[str] = []
    seqs = [None, None]
    n = 0
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True) as zf:
        h = hashlib.sha256()
        with zf.open("changes.jsonl", "w", force_zip64=True) as fh:
            for e in entries:
                line = (json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
                fh.write(line)
                h.update(line)
                counts[e.table_name] += 1
                n += 1
                seqs[0] = e.seq if seqs[0] is None else min(seqs[0], e.seq)
                seqs[1] = e.seq if seqs[1] is None else max(seqs[1], e.seq)
                if e.table_name == "photo" and e.action == "insert":
                    photo_names.append(json.loads(e.data).get("file_name", ""))
        parts["changes.jsonl"] = h.hexdigest()
        for name in sorted(set(photo_names)):
            if not re.fullmatch(r"[0-9a-f]{64}\.jpg", name or ""):
                continue
            source = photos_from / name if photos_from else None
            if source is None or not source.is_file() or _file_sha256(source) != name[:-4]:
                missing.append(name)
                continue
            zf.write(source, f"photos/{name}", compress_type=zipfile.ZIP_STORED)
            parts[f"photos/{name}"] = name[:-4]
        manifest = {**manifest, "entries": n, "counts": dict(sorted(counts.items())), "parts": parts,
                    "photos_missing": missing}
        if seqs[0] is not None:
            manifest.setdefault("entry_seq_min", seqs[0])
            manifest.setdefault("entry_seq_max", seqs[1])
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
    return manifest


@dataclass
class Payload:
    manifest: dict
    entries: list[Entry]
    photos: list[str]  # member names under photos/
    zf: zipfile.ZipFile


MANIFEST_FIELDS = {"format": int, "kind": str, "schema_version": str, "device_id": str, "officer": str,
                   "subdistrict_code": str, "bundle_seq": int, "seq_from": int, "seq_to": int, "created": str,
                   "entries": int, "counts": dict, "parts": dict}


def _lines(fh: BinaryIO, h) -> Iterator[bytes]:
    """The lines of a file without their newlines, read a megabyte at a time (ZipExtFile's own line reading
    is Python, a line at a time), each block also into the hash `h`."""
    rest = b""
    while block := fh.read(1 << 20):
        h.update(block)
        lines = (rest + block).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def _json_line(line: bytes):
    """json.loads(line), without its guess at the encoding for the usual line, an object in UTF-8."""
    if line[:1] == b"{" and line[1:2] != b"\x00":  # what json.detect_encoding would take for UTF-8
        return json.loads(line.decode("utf-8", "surrogatepass"))
    return json.loads(line)


def read_payload(zip_path: Path | BinaryIO, name: str) -> Payload:
    """Open the decrypted zip with limits (size, ratio, names) and check every part against the manifest."""
    bad = _refuse(f"ข้อมูลในชุดข้อมูลเสียหาย: {name}", f"the contents of {name} are damaged or not a bundle's")
    try:
        zf = zipfile.ZipFile(zip_path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise bad from None
    try:
        names = [i.filename for i in infos]
        if len(set(names)) != len(names) or "manifest.json" not in names or "changes.jsonl" not in names:
            raise bad
        if any(n not in ("manifest.json", "changes.jsonl") and not PHOTO_NAME.fullmatch(n) for n in names):
            raise bad
        total = sum(i.file_size for i in infos)
        bomb = total > MAX_UNCOMPRESSED or any(
            i.file_size > (1 << 20) and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
        if bomb:
            raise _refuse(f"ชุดข้อมูลขยายตัวเกินขนาดที่ยอมรับ (zip bomb): {name}",
                          f"{name} would expand far beyond any real bundle (a zip bomb); it was not opened")
        if zf.getinfo("manifest.json").file_size > MAX_MANIFEST:
            raise bad
        manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
        if not isinstance(manifest, dict) or any(not isinstance(manifest.get(k), t) for k, t in MANIFEST_FIELDS.items()):
            raise bad
        if manifest["format"] > FORMAT_VERSION:
            raise _refuse(f"ชุดข้อมูลนี้สร้างโดยโปรแกรมรุ่นใหม่กว่า: {name}",
                          f"{name} uses bundle format {manifest['format']}, newer than this program knows; update fieldtool")
        parts = manifest["parts"]
        if set(parts) != set(names) - {"manifest.json"}:
            raise bad
        h = hashlib.sha256()
        with zf.open("changes.jsonl") as fh, collector_paused():
            entries = [Entry.from_json(_json_line(line)) for line in _lines(fh, h)]
        if h.hexdigest() != parts["changes.jsonl"] or len(entries) != manifest["entries"]:
            raise bad
        photos = [n for n in names if n.startswith("photos/")]
    except BundleError:
        zf.close()
        raise
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, TypeError, EOFError, UnicodeDecodeError):
        zf.close()
        raise bad from None
    return Payload(manifest, entries, photos, zf)


def _place_photos(payload: Payload, into: Path, name: str, placed: list[Path]) -> None:
    """Each photo straight into the photo folder: written under a hidden part name, checked against its hash,
    renamed to it. `placed` gets the ones that were not there yet, for the caller to remove if the merge is
    rolled back; a photo is named by its hash, so one already there is the same photo."""
    into.mkdir(parents=True, exist_ok=True)
    for member in payload.photos:
        file_name = member.split("/", 1)[1]
        target = into / file_name
        fd, part = scratch_files.hidden_part(target)
        try:
            h = hashlib.sha256()
            with payload.zf.open(member) as src, os.fdopen(fd, "wb") as dst:
                for block in iter(lambda: src.read(CHUNK), b""):
                    h.update(block)
                    dst.write(block)
            if h.hexdigest() != payload.manifest["parts"][member] or h.hexdigest() != file_name[:-4]:
                raise _refuse(f"ข้อมูลในชุดข้อมูลเสียหาย: {name}", f"a photo in {name} does not match its hash")
            if not target.exists():
                os.replace(part, target)
                placed.append(target)
        finally:
            part.unlink(missing_ok=True)


# --- export ------------------------------------------------------------------------------------------------


def _schema_version(session) -> str:
    from alembic.runtime.migration import MigrationContext  # only when a bundle is made or read

    return MigrationContext.configure(session.connection()).get_current_revision() or ""


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_recorded(s, out: Path, manifest: dict, entries, photos_from: Path, header: dict, keys: Keys,
                    recipient: SyncKey, row: Callable[[dict, str], SyncBundle]) -> tuple[dict, str]:
    """Write the payload (in a scratch file), seal it under a hidden name, record it as sent in the open
    transaction, and only then give it its name; returns (manifest, sha256).

    The record and the rename are as close as a database and a folder allow: the row is written first and
    the rename is the last thing before the caller's commit. A kill before the rename leaves a hidden .part
    and no record (the next export into that folder removes it); a kill after it leaves a file never recorded
    as sent: the next bundle then has the same number and starts at the same change, and the receiver takes
    the two as one bundle (_same_bundle_again).
    """
    scratch_files.sweep_legacy_temp()
    with scratch_files.scratch() as payload:
        manifest = write_payload(payload, manifest, entries, photos_from)
        hidden = seal_hidden(payload, out, header, keys, base64.b64decode(recipient.box_public), recipient.key_id)
    try:
        s.execute(SyncBundle.__table__.insert(), [row(manifest, hidden.digest).model_dump()])
        s.flush()
        _pause_export("before-rename")
        hidden.reveal()
    except BaseException:
        hidden.discard()
        raise
    remove_on_rollback(s, out)  # named now, and gone again if the transaction that records it does not commit
    return manifest, hidden.digest


def export_field_bundle(db: Database, out: Path, full: bool = False, key_path: Path | None = None,
                        passphrase: str | None = None) -> dict:
    """The laptop's bundle for the office: its own changes since its previous bundle (all with `full`)."""
    keys = read_private_key(key_path or default_key_path(db), "officer", passphrase)
    out = Path(out)
    # the file is the transaction's (_write_recorded): not recorded as sent, it does not circulate
    with db.session() as s:
        device = sync.local_device(s)
        officer = registry.setting(s, "officer")
        if not succession.signs_for(s, keys.device_id, device):  # a restored book keeps its officer's key
            raise _refuse("กุญแจนี้เป็นของเครื่องอื่น", f"the key file belongs to device {keys.device_id}, not this one")
        office = s.scalars(select(SyncKey).where(SyncKey.role == "office").order_by(SyncKey.enrolled_at.desc())).first()
        if office is None:
            raise _refuse("ยังไม่ได้รับกุญแจของสำนักงาน ให้ใช้ 'fieldtool keys trust-office FILE' ก่อน",
                          "the office's key is not trusted yet: run 'fieldtool keys trust-office FILE' first")
        code = subdistrict_code(s)
        if not code:
            raise _refuse("ยังไม่ได้ตั้งตำบลของเครื่องนี้", "this laptop has no subdistrict set up yet")
        sync.baseline(s, device, officer)
        s.flush()
        lineage = [p.device_id for p in succession.predecessors(s)]
        last = succession.last_field_bundle(s, [device])
        newest = succession.last_field_bundle(s, [device, *lineage])  # a predecessor's too: a restored laptop
        bundle_seq = (newest.bundle_seq if newest else 0) + 1  # numbered on from the last this book knows of
        after = 0 if full or last is None else last.seq_to
        top = s.execute(select(func.max(sync._LOG.c.seq)).where(sync._LOG.c.device_id == device)).scalar() or 0
        marks = sync.return_marks(s, [device, *reversed(lineage)])
        # signed with the key of a device it succeeds: the bundle says so, and the predecessors' changes that
        # no bundle carried travel with this device's first range (a new key vouches for this device only)
        inherited = keys.device_id != device
        carried = succession.carried_ranges(s) if inherited and after == 0 else {}
        manifest = {"format": FORMAT_VERSION, "kind": "field", "schema_version": _schema_version(s),
                    "device_id": device, "officer": officer, "subdistrict_code": code, "bundle_seq": bundle_seq,
                    "full": full, "seq_from": after + 1, "seq_to": top, "created": _now_text(),
                    "marks": {**marks, "upto": succession.acknowledged(s, marks["upto"])},
                    **(succession.manifest_fields(s) if inherited else {}), **({"carried": carried} if carried else {})}
        entries = itertools.chain(*(sync.device_entries(s, d, lo - 1, hi) for d, (lo, hi) in sorted(carried.items())),
                                  sync.device_entries(s, device, after))
        manifest, digest = _write_recorded(
            s, out, manifest, entries, db.photo_dir,
            {"kind": "field", "sender_device": device}, keys, office, lambda m, digest: SyncBundle(
                direction="out", kind="field", sha256=digest, source_device=device, target_device=office.device_id,
                bundle_seq=bundle_seq, officer=officer, area_code=code, full=full, seq_from=after + 1, seq_to=top,
                entries=m["entries"], entries_new=m["entries"], marks=json.dumps(m["marks"]),
                schema_version=m["schema_version"], created_at=datetime.now(UTC),
                processed_at=datetime.now(UTC), file_name=out.name))
        _pause_export("after-rename")
    return {"file": str(out), "sha256": digest, "bundle_seq": bundle_seq, "entries": manifest["entries"],
            "seq_from": after + 1, "seq_to": top, "full": full, "counts": manifest["counts"],
            "photos": len(manifest["parts"]) - 1, "photos_missing": manifest["photos_missing"]}


def export_return_bundle(db: Database, device_id: str, out: Path, key_path: Path | None = None,
                         passphrase: str | None = None) -> dict:
    """The office's bundle for one laptop: the office's own changes to that subdistrict it has not received."""
    keys = read_private_key(key_path or default_key_path(db), "office", passphrase)
    out = Path(out)
    # the file is the transaction's (_write_recorded)
    with db.session() as s:
        office_device = sync.local_device(s)
        target = s.scalars(select(SyncKey).where(SyncKey.role == "officer", SyncKey.device_id == device_id)
                           .order_by(SyncKey.enrolled_at.desc())).first()
        if target is None:
            raise _refuse(f"ยังไม่ได้ลงทะเบียนกุญแจของเครื่อง {device_id}",
                          f"no officer key is enrolled for device {device_id}: run 'fieldtool office-keys enrol FILE'")
        handover.refuse_sending_to(target)
        area_devices = sorted(set(s.scalars(select(SyncKey.device_id).where(SyncKey.area_code == target.area_code)))
                              | set(s.scalars(select(SyncBundle.source_device).where(
                                  SyncBundle.direction == "in", SyncBundle.area_code == target.area_code))))
        latest = s.scalars(select(SyncBundle).where(SyncBundle.direction == "in", SyncBundle.kind == "field",
                                                    SyncBundle.source_device == device_id)
                           .order_by(SyncBundle.bundle_seq.desc())).first()
        marks = json.loads(latest.marks) if latest else {}
        upto = marks.get("upto", {})
        after = int(upto.get(office_device, 0))
        entries = sync.office_entries_for(s, office_device, area_devices, after)
        top = s.execute(select(func.max(sync._LOG.c.seq)).where(sync._LOG.c.device_id == office_device)).scalar() or 0
        # what the subdistrict's other laptops sent the office travels on to this one (a colleague's
        # work, the restructuring the office chose), each from where this laptop last acknowledged it
        peers = [d for d in area_devices if d not in (device_id, office_device)]
        relayed, peer_tops = sync.peer_entries(s, peers, upto)
        entries += relayed
        result = {"file": None, "device_id": device_id, "entries": len(entries), "after_seq": after}
        if not entries:
            return result
        last = s.execute(select(func.max(SyncBundle.bundle_seq)).where(
            SyncBundle.direction == "out", SyncBundle.kind == "return", SyncBundle.target_device == device_id)).scalar()
        bundle_seq = (last or 0) + 1
        officer = registry.setting(s, "officer")
        manifest = {"format": FORMAT_VERSION, "kind": "return", "schema_version": _schema_version(s),
                    "device_id": office_device, "officer": officer, "subdistrict_code": target.area_code,
                    "district_code": registry.setting(s, "district_code"), "target_device": device_id,
                    "bundle_seq": bundle_seq, "full": False, "seq_from": after + 1, "seq_to": top,
                    "created": _now_text(), "marks": {"upto": {**peer_tops, office_device: top}}}
        manifest, digest = _write_recorded(
            s, out, manifest, entries, db.photo_dir, {"kind": "return", "sender_device": office_device}, keys,
            target, lambda m, digest: SyncBundle(
                direction="out", kind="return", sha256=digest, source_device=office_device, target_device=device_id,
                bundle_seq=bundle_seq, officer=officer, area_code=target.area_code, seq_from=after + 1, seq_to=top,
                entries=len(entries), entries_new=len(entries), marks=json.dumps(m["marks"]),
                schema_version=m["schema_version"], created_at=datetime.now(UTC),
                processed_at=datetime.now(UTC), file_name=out.name))
        _pause_export("after-rename")
    return {**result, "file": str(out), "sha256": digest, "bundle_seq": bundle_seq, "counts": manifest["counts"]}


# --- import -----------------------------------------------------------------------------------------------


def _check_schema(version: str, name: str) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(version) is not None
    except Exception:
        known = False
    if not known:
        raise _refuse(f"ชุดข้อมูลนี้มาจากโปรแกรมรุ่นใหม่กว่า (โครงสร้าง {version}) กรุณาปรับปรุงโปรแกรมก่อน: {name}",
                      f"{name} was made with a newer database schema ({version}) than this program knows; update fieldtool first")


IMPORT_STEPS = ("verify", "decrypt", "merge", "commit")  # what `progress` is told, in this order


def import_bundle(db: Database, path: Path, key_path: Path | None = None, progress=None,
                  passphrase: str | None = None) -> dict:
    """Verify, open and merge one bundle in one transaction: all of it or none of it.

    `progress`, when given, is called with each of IMPORT_STEPS as the import reaches it, and during the
    merge with ("merge", share of the records written, 0 to 1) (a window shows it).
    """
    step = progress or (lambda _name, _share=0.0: None)
    path = Path(path)
    name = path.name
    sealed = read_header(path)
    kind = sealed.header["kind"]
    role = "office" if kind == "field" else "officer"
    key_file = key_path or default_key_path(db)
    _check_direction(key_file, role, name)
    keys = read_private_key(key_file, role, passphrase)
    photos_here = photo_dir(db)
    _sweep_import_leftovers(photos_here)
    placed: list[Path] = []
    try:
        with db.session() as s, scratch_files.scratch() as plain:  # the payload: never in plain on disk
            if s.get_bind().dialect.name == "postgresql":
                s.execute(text("SELECT pg_advisory_xact_lock(74103019)"))  # one import at a time per office
            if sealed.header["recipient_key"] != keys.key_id:
                raise _refuse(f"ชุดข้อมูลนี้ทำไว้สำหรับ{'สำนักงาน' if kind == 'field' else 'เครื่อง'}อื่น: {name}",
                              f"{name} was made for {'another office' if kind == 'field' else 'another laptop'}"
                              " and cannot be opened with this database's key")
            sender = s.get(SyncKey, sealed.header["sender_key"])
            if sender is None or sender.role != ("officer" if kind == "field" else "office"):
                raise _refuse(f"ชุดข้อมูลนี้ลงนามด้วยกุญแจที่ไม่รู้จัก: {name}",
                              f"{name} is signed by an unknown key; enrol the "
                              f"{'officer' if kind == 'field' else 'office'}'s public key first")
            if kind == "return" and sender.device_id != sealed.header["sender_device"]:
                raise _altered(path)  # a laptop's key may sign for a device that succeeds its own: below
            step("verify")
            digest = verify(sealed, sender.sign_public)
            seen = s.scalars(select(SyncBundle).where(SyncBundle.direction == "in", SyncBundle.sha256 == digest)).first()
            if seen is not None:
                return _already(path, kind, seen)
            handover.refuse_revoked(sender, name)
            step("decrypt")
            decrypt(sealed, keys, plain)
            payload = read_payload(plain, name)
            with payload.zf:
                m = payload.manifest
                if m["kind"] != kind or m["device_id"] != sealed.header["sender_device"]:
                    raise _altered(path)
                _check_schema(m["schema_version"], name)
                _check_area(s, kind, m, name)
                if kind == "field" and sender.area_code and m["subdistrict_code"] != sender.area_code:
                    raise _refuse(
                        f"ชุดข้อมูลนี้เป็นของตำบล {m['subdistrict_code']} แต่กุญแจของเครื่องนี้ลงทะเบียนไว้สำหรับตำบล "
                        f"{sender.area_code}: {name} ถ้าเครื่องย้ายตำบล ให้ลงทะเบียนไฟล์กุญแจสาธารณะใหม่ของเครื่อง",
                        f"{name} is for subdistrict {m['subdistrict_code']}, but this laptop's key was enrolled for "
                        f"subdistrict {sender.area_code}; if the laptop moved, enrol its new public key file")
                succeeded = None
                if kind == "field":  # the key's laptop, a restored one that succeeds it, or the old one sending late
                    taken = succession.accept_sender(s, sender, m, name)
                    m, succeeded = {**m, "bundle_seq": m["bundle_seq"] + taken["offset"]}, taken["succeeded"]
                _check_entries(payload.entries, m, name)
                handover.check_seed(s, m.get("seed"), name)
                again = _same_bundle_again(s, kind, m)
                if again is not None and m["seq_to"] <= again.seq_to:
                    return _already(path, kind, again)  # all its changes came with the other file
                made_again_of = again.file_name if again is not None else None
                _place_photos(payload, photos_here, name, placed)
                step("merge")
                result = sync.apply_entries(
                    s, payload.entries, lambda done, total: step("merge", done / total if total else 1.0))
            seeded = handover.take_seed(s, m.get("seed"))  # a seed: the subdistrict it hands over, checked
            now = datetime.now(UTC)
            _record_received(s, again, SyncBundle(
                direction="in", kind=kind, sha256=digest, source_device=m["device_id"],
                target_device=m.get("target_device", ""), bundle_seq=m["bundle_seq"], officer=m["officer"],
                area_code=m["subdistrict_code"], full=bool(m.get("full")), seq_from=m["seq_from"], seq_to=m["seq_to"],
                entries=m["entries"], entries_new=result.entries_new, marks=json.dumps(m.get("marks", {})),
                schema_version=m["schema_version"], created_at=sync.parse_at(m["created"]) if _is_time(m["created"]) else now,
                processed_at=now, file_name=name))
            s.flush()
            gap = sync.device_gaps(s, m["device_id"]) if kind == "field" else None
            _pause_for_tests()
            step("commit")
    except DBAPIError as exc:  # a clash with data already here (a letter number used twice, …), or a value refused
        for p in placed:
            p.unlink(missing_ok=True)
        if (busy := busy_error(exc)) is not None:  # another import holds the database: wait, not refused
            raise busy from exc
        raise _refuse(f"รวมชุดข้อมูลไม่ได้ ไม่มีการบันทึกใด ๆ: {name}",
                      f"{name} cannot be merged into this database, nothing was written: "
                      f"{str(exc.orig).strip().splitlines()[0]}") from exc
    except BaseException:
        for p in placed:  # the merge was rolled back: so are the photos it brought
            p.unlink(missing_ok=True)
        raise
    return {"file": str(path), "status": "imported", "kind": kind, "device_id": m["device_id"], "officer": m["officer"],
            "subdistrict_code": m["subdistrict_code"], "bundle_seq": m["bundle_seq"], "schema_version": m["schema_version"],
            "entries": m["entries"], "entries_new": result.entries_new, "records": result.records,
            "inserted": result.inserted, "updated": result.updated, "deleted": result.deleted,
            "conflicts_new": result.conflicts_new, "pending": result.pending, "photos_new": len(placed),
            "made_again_of": made_again_of, "succeeded": succeeded,
            "gap": None if gap is None else {"bundles": gap.bundles, "changes": [list(r) for r in gap.changes]},
            "handover": seeded}


def _sweep_import_leftovers(photos: Path) -> None:
    """What killed imports left: photo part files, older versions' staging folders and plain temp folders."""
    scratch_files.sweep_legacy_temp()
    scratch_files.sweep_parts(photos)
    scratch_files.sweep_staging(photos)


def _already(path: Path, kind: str, row: SyncBundle) -> dict:
    return {"file": str(path), "status": "already", "kind": kind, "device_id": row.source_device,
            "officer": row.officer, "subdistrict_code": row.area_code, "bundle_seq": row.bundle_seq,
            "imported_at": iso_time(row.processed_at), "entries_new": 0}


def _same_bundle_again(s, kind: str, m: dict) -> SyncBundle | None:
    """The bundle received before with this one's number and first change from the same sender: the same
    bundle made twice, because the sender was stopped after its file got its name but before it was recorded
    as sent. The later file starts where the earlier did and reaches as far or further."""
    return s.scalars(select(SyncBundle).where(
        SyncBundle.direction == "in", SyncBundle.kind == kind, SyncBundle.source_device == m["device_id"],
        SyncBundle.target_device == m.get("target_device", ""), SyncBundle.bundle_seq == m["bundle_seq"],
        SyncBundle.seq_from == m["seq_from"])).first()


def _record_received(s, again: SyncBundle | None, row: SyncBundle) -> None:
    """A new bundle gets its row; the same bundle made again, reaching further, takes over the earlier row, so
    the bundle is listed once under its number, with the longer range and the later file."""
    if again is None:
        s.execute(SyncBundle.__table__.insert(), [row.model_dump()])
        return
    table = SyncBundle.__table__
    values = row.model_dump(exclude={"id"}) | {"entries_new": again.entries_new + row.entries_new}
    s.execute(table.update().where(table.c.id == again.id).values(**values))


def _check_direction(key_file: Path, role: str, name: str) -> None:
    """A laptop's bundle opened on a laptop (or the office's on the office) gets a sentence saying where it goes."""
    try:
        here = json.loads(key_file.read_text(encoding="utf-8")).get("role")
    except (OSError, ValueError, AttributeError):
        return  # read_private_key tells what is wrong with the key file
    if here == "officer" and role == "office":
        raise _refuse(f"ชุดข้อมูลนี้เป็นของเครื่องภาคสนาม ต้องนำเข้าที่ฐานข้อมูลของสำนักงานอำเภอ: {name}",
                      f"{name} is a laptop's bundle for the district office: import it into the office database "
                      "(--db office.sqlite or --url postgresql://…)")
    if here == "office" and role == "officer":
        raise _refuse(f"ชุดข้อมูลนี้เป็นชุดข้อมูลขากลับสำหรับเครื่องภาคสนาม: {name}",
                      f"{name} is a return bundle for a laptop: import it on that laptop")


def _is_time(value: str) -> bool:
    try:
        sync.parse_at(value)
        return True
    except ValueError:
        return False


def _check_area(s, kind: str, m: dict, name: str) -> None:
    code = m["subdistrict_code"]
    if kind == "field":
        district = registry.setting(s, "district_code")
        if not district:
            raise _refuse("ฐานข้อมูลสำนักงานยังไม่ได้ตั้งรหัสอำเภอ ให้ใช้ 'fieldtool office-keys init --district CODE'",
                          "this office database has no district code: run 'fieldtool office-keys init --district CODE'")
        if not code.startswith(district):
            raise _refuse(f"ชุดข้อมูลนี้เป็นของตำบล {code} ซึ่งไม่อยู่ในอำเภอนี้ ({district}): {name}",
                          f"{name} is for subdistrict {code}, which is outside this district ({district})")
        return
    if m.get("target_device") != sync.local_device(s):
        raise _refuse(f"ชุดข้อมูลนี้ทำไว้สำหรับเครื่องอื่น: {name}", f"{name} was made for another laptop")
    mine = subdistrict_code(s)
    if mine and code != mine:
        raise _refuse(f"ชุดข้อมูลนี้เป็นของตำบล {code} ไม่ใช่ตำบลของเครื่องนี้ ({mine}): {name}",
                      f"{name} is for subdistrict {code}, not this laptop's ({mine})")


def _check_entries(entries: list[Entry], m: dict, name: str) -> None:
    device = m["device_id"]
    relayed = set(m.get("marks", {}).get("upto", {})) - {device} if m["kind"] == "return" else set()
    carried = m.get("carried", {}) if m["kind"] == "field" else {}
    for e in entries:
        if m["kind"] == "return" and e.device_id in relayed and e.seq <= m["marks"]["upto"][e.device_id]:
            continue  # the office relays another laptop of the subdistrict, up to what it declares
        if e.device_id in carried and _within(e.seq, carried[e.device_id]):
            continue  # a restored laptop carries what the device it succeeds never sent (fieldtool.succession)
        if e.device_id != device or (m["kind"] == "field" and not m["seq_from"] <= e.seq <= m["seq_to"]):
            raise _refuse(f"ข้อมูลในชุดข้อมูลเสียหาย: {name}",
                          f"{name} holds a change that is not its sender's or lies outside its declared range")


def _within(seq: int, span) -> bool:
    return isinstance(span, list) and len(span) == 2 and all(type(n) is int for n in span) and span[0] <= seq <= span[1]


def _pause_export(moment: str) -> None:
    """Test hook: a real kill just before or just after the bundle file gets its name (EXPORT_PAUSE_ENV)."""
    wanted, _, seconds = os.environ.get(EXPORT_PAUSE_ENV, "").partition(":")
    if wanted == moment:
        print(f"export paused {moment}", file=sys.stderr, flush=True)
        time.sleep(float(seconds or 60))


def _pause_for_tests() -> None:
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        print("import paused inside its transaction", file=sys.stderr, flush=True)
        time.sleep(float(seconds))
