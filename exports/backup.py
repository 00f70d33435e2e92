"""The backup an officer keeps on a USB stick: the whole database and its visit photos in one file.

When the district office's key is trusted the file is sealed to it with the bundles' own sealing
(exports.sealed_file.seal: X25519, HKDF-SHA256, ChaCha20-Poly1305, signed), so a lost stick leaks no national ID
and no debt, and only the office's private key opens it: the office restores it for the officer. Without
a trusted office key it is a plain zip, and the officer is told so.

Inside (a zip): manifest.json (when it was made, officer, subdistrict, counts, the last bundle sent, and the
sha256 of every part), database.sqlite (a checked copy, db.snapshot) and photos/<sha256>.jpg. A sealed
backup also carries that description (never a name or an amount of a borrower) in its plain header, so it
can be told apart before the office's key is at hand.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from db import Database, open_database
from db.backup import BEFORE_RESTORE, check_restorable, describe, restore_database
from db.office import default_key_path
from db.snapshot import copy_database
from exports import bundle_payload, keyfile, sealed_file, sync_keys
from exports import scratch as scratch_files
from exports.keyfile import b64
from fieldtool import registry, succession
from fieldtool.sync.laptop import local_device
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import KeyRole
from fieldtool.whole_file import PRIVATE, WholeFile, check_writable

FORMAT = 1
SUFFIX = ".ftbackup"
MANIFEST = "manifest.json"
DATABASE = "database.sqlite"


class BackupError(InputError):
    """A backup that cannot be written, read or restored; one sentence, nothing changed."""


def _damaged(path: Path) -> BackupError:
    return BackupError(Text(f"ไฟล์สำรองข้อมูลเสียหายหรือถูกแก้ไข จึงไม่ได้กู้คืน: {path.name}",
                            f"the backup {path.name} is damaged or was altered, so nothing was restored"))


# --- writing --------------------------------------------------------------------------------------------------


def backup_name(code: str, now: datetime) -> str:
    return f"fieldtool-{code or 'laptop'}-{now.astimezone():%Y%m%d-%H%M}{SUFFIX}"


def write_backup(db: Database, out: Path, now: datetime | None = None) -> dict:
    """Write the backup to `out` (a file, or a folder to put it in under its own name); returns what it
    holds, with `encrypted` and, for a plain one, `warning`."""
    now = now or datetime.now(UTC)
    office = sync_keys.trusted_office(db)
    with tempfile.TemporaryDirectory(prefix="ftbackup-") as tmp:
        copy = copy_database(db.path, Path(tmp) / DATABASE)
        photos = photo_files(db)
        summary = _summary(copy, photos, office, now)
        out = Path(out).expanduser()
        if out.is_dir():
            out = out / backup_name(summary["subdistrict_code"], now)
        check_writable(out)
        if office is None:
            with WholeFile(out, PRIVATE) as part:  # renamed into place only once written and synced
                _write_zip(part, summary, copy, photos)
        else:
            with scratch_files.scratch() as payload:  # the plain zip never gets a name on disk
                _write_zip(payload, summary, copy, photos)
                _seal(payload, out, summary, office)
    return {"file": str(out), **summary, "warning": None if office else NOT_ENCRYPTED}


NOT_ENCRYPTED = Text(
    "สำเนานี้ไม่ได้เข้ารหัส ใครได้ไฟล์ไปก็อ่านเลขประจำตัวและหนี้ของทุกครัวเรือนได้ ให้เก็บให้มิดชิด "
    "(รับกุญแจของสำนักงานอำเภอก่อน แล้วสำเนาจะเข้ารหัสให้เอง)",
    "this backup is NOT encrypted: whoever has the file can read every household's national ID and debt; "
    "keep it locked away (once the district office's key is trusted, backups are encrypted to it)")


def _summary(copy: Path, photos: list[Path], office, now: datetime) -> dict:
    """What the backup holds (db.backup.describe of the copy), when it was made and whom it is sealed to."""
    return {**describe(copy), "made": now.isoformat(timespec="seconds"), "photos": len(photos),
            "encrypted": office is not None, "office": office.officer if office else "",
            "office_code": office.area_code if office else ""}


def photo_files(db: Database) -> list[Path]:
    """The visit photos kept beside the database (named by their hash)."""
    return sorted(p for p in db.photo_dir.glob("*.jpg") if bundle_payload.PHOTO_NAME.fullmatch(f"photos/{p.name}"))


def holdings(db: Database) -> dict:
    """What a backup made now would hold (describe's figures and the photos), to show before it is made."""
    return {**describe(db.path), "photos": len(photo_files(db))}


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _write_zip(path: Path | BinaryIO, summary: dict, database: Path, photos: list[Path]) -> None:
    parts = {DATABASE: _sha256(database)}
    with zipfile.ZipFile(path, "w", allowZip64=True) as zf:
        zf.write(database, DATABASE, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
        for photo in photos:
            member = f"photos/{photo.name}"
            zf.write(photo, member, compress_type=zipfile.ZIP_STORED)  # JPEG does not shrink
            parts[member] = _sha256(photo)
        manifest = {"fieldtool_backup": FORMAT, **summary, "parts": parts}
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))


def _seal(payload: BinaryIO, out: Path, summary: dict, office) -> None:
    # A one-time signing key: the signature lets a damaged file be told before the office's key is asked
    # for; who made the backup is what the sealed manifest says.
    signer = keyfile.new_keys(KeyRole.OFFICER, summary["device_id"])
    header = {"kind": "backup", "sender_device": summary["device_id"],
              "signer_public": base64.b64encode(signer.sign_public).decode("ascii"), "summary": summary}
    sealed_file.seal(payload, out, header, signer, base64.b64decode(office.box_public), office.key_id)


# --- reading ------------------------------------------------------------------------------------------------


def _not_a_backup(path: Path) -> BackupError:
    return BackupError(Text(f"ไฟล์นี้ไม่ใช่ไฟล์สำรองข้อมูลของโปรแกรม: {path.name}",
                            f"{path.name} is not a fieldtool backup"))


def backup_info(path: Path) -> dict:
    """What a backup holds, read without opening it: the description made with it, `encrypted`, and for
    a sealed one the office key that opens it (`office_key`)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(sealed_file.MAGIC))
    except OSError as exc:
        raise BackupError(Text(f"อ่านไฟล์ไม่ได้: {path}", f"cannot read {path}: {exc.strerror or exc}")) from exc
    if head == sealed_file.MAGIC:
        sealed = sealed_file.read_header(path, kinds=("backup",))
        summary = sealed.header.get("summary")
        if not isinstance(summary, dict):
            raise _not_a_backup(path)
        return {**summary, "file": str(path), "encrypted": True, "office_key": sealed.header["recipient_key"]}
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = _manifest(zf, path)
    except (zipfile.BadZipFile, OSError):
        raise _not_a_backup(path) from None
    manifest.pop("parts")
    return {**manifest, "file": str(path), "encrypted": False, "office_key": ""}


def _manifest(zf: zipfile.ZipFile, path: Path) -> dict:
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (KeyError, ValueError, UnicodeDecodeError):
        raise _not_a_backup(path) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("parts"), dict) or "fieldtool_backup" not in manifest:
        raise _not_a_backup(path)
    if manifest["fieldtool_backup"] != FORMAT:
        raise BackupError(Text(f"ไฟล์สำรองข้อมูลนี้สร้างโดยโปรแกรมรุ่นใหม่กว่า กรุณาปรับปรุงโปรแกรม: {path.name}",
                               f"{path.name} was made by a newer fieldtool; update the program"))
    return manifest


@dataclass
class StagedBackup:
    """A backup opened and checked in a private folder beside the database, not yet put in place."""

    info: dict
    database: Path
    photos: list[Path]
    folder: tempfile.TemporaryDirectory = field(repr=False)

    def close(self) -> None:
        self.folder.cleanup()

    def __enter__(self) -> StagedBackup:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


STAGING = re.compile(r"\.restore-(?P<pid>\d+)-[A-Za-z0-9_]+")  # named with the restoring process's id


def open_backup(path: Path, db_path: Path, office_key: Path | None = None, passphrase: str | None = None) -> StagedBackup:
    """Open the backup (with the office's private key file, and its passphrase if it is locked, when the
    backup is sealed), check every part against its hash and the database with integrity_check; nothing
    is changed yet.

    A sealed backup is decrypted into an anonymous scratch file (exports.scratch), never into a named file: a
    kill leaves no plain copy. The parts are checked in a `.restore-<pid>-…` folder beside the database (the
    same disk, for the final rename); what a killed restore left there is removed first.
    """
    path, db_path = Path(path), Path(db_path)
    info = backup_info(path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    sweep_restore_leftovers(db_path)
    folder = tempfile.TemporaryDirectory(prefix=f".restore-{os.getpid()}-", dir=db_path.parent)
    try:
        where = Path(folder.name)
        with contextlib.ExitStack() as stack:
            payload: Path | BinaryIO = path
            if info["encrypted"]:
                payload = stack.enter_context(scratch_files.scratch())
                _unseal(path, info, office_key, passphrase, payload)
            database, photos = _extract(payload, path, where)
        check_restorable(database)
        return StagedBackup(info, database, photos, folder)
    except BaseException:
        folder.cleanup()
        raise


def sweep_restore_leftovers(db_path: Path) -> list[Path]:
    """The `.restore-*` folders beside the database whose restore was killed (its process is gone)."""
    removed = []
    try:
        folders = [p for p in Path(db_path).parent.iterdir() if p.is_dir() and STAGING.fullmatch(p.name)]
    except OSError:
        return removed
    for folder in folders:
        if not scratch_files._alive(int(STAGING.fullmatch(folder.name)["pid"])):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _unseal(path: Path, info: dict, office_key: Path | None, passphrase: str | None, plain: BinaryIO) -> None:
    if office_key is None:
        raise BackupError(Text(
            "สำเนานี้เข้ารหัสถึงสำนักงานอำเภอ ต้องใช้ไฟล์กุญแจลับของสำนักงานในการกู้คืน",
            "this backup is encrypted to the district office: restoring it needs the office's private key file (--key)"))
    keys = keyfile.read_private_key(Path(office_key), KeyRole.OFFICE, passphrase)
    if keys.key_id != info["office_key"]:
        raise BackupError(Text(
            f"สำเนานี้เข้ารหัสถึงกุญแจของสำนักงานอื่น เปิดด้วยกุญแจนี้ไม่ได้: {path.name}",
            f"{path.name} was encrypted to another office key and cannot be opened with {Path(office_key).name}"))
    sealed = sealed_file.read_header(path, kinds=("backup",))
    signer = sealed.header.get("signer_public", "")
    try:
        if keyfile.key_id_of(base64.b64decode(signer)) != sealed.header["sender_key"]:
            raise _damaged(path)
        sealed_file.verify(sealed, signer)
        sealed_file.decrypt(sealed, keys, plain)
    except (sealed_file.BundleError, ValueError) as exc:
        raise _damaged(path) from exc


def _extract(payload: Path | BinaryIO, path: Path, where: Path) -> tuple[Path, list[Path]]:
    """The database and the photos into `where`, each checked against the manifest's sha256."""
    try:
        with zipfile.ZipFile(payload) as zf:
            parts = _manifest(zf, path)["parts"]
            names = set(zf.namelist()) - {MANIFEST}
            photos = {n for n in names if bundle_payload.PHOTO_NAME.fullmatch(n)}
            if names != set(parts) or names != photos | {DATABASE}:
                raise _damaged(path)
            if sum(zf.getinfo(n).file_size for n in names) > bundle_payload.MAX_UNCOMPRESSED:
                raise _damaged(path)
            (where / "photos").mkdir()
            for member in sorted(names):
                _extract_one(zf, member, where / member, parts[member], path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _damaged(path) from exc
    return where / DATABASE, [where / n for n in sorted(photos)]


def _extract_one(zf: zipfile.ZipFile, member: str, target: Path, sha256: str, path: Path) -> None:
    h = hashlib.sha256()
    with zf.open(member) as src, target.open("wb") as dst:
        for block in iter(lambda: src.read(sealed_file.CHUNK), b""):
            h.update(block)
            dst.write(block)
    if h.hexdigest() != sha256:
        raise _damaged(path)


# --- restoring ----------------------------------------------------------------------------------------------


def restore(db_path: Path, staged: StagedBackup, now: datetime | None = None) -> dict:
    """Put the staged backup in place of the database at `db_path` (its current file kept aside first).

    The restored database is a new installation with a device id of its own that succeeds the backup's
    (fieldtool.succession). The officer's key file, when it is on this machine, stays and signs its next
    bundle, which tells the office of the succession: nothing to enrol (`kept_key_id`). Only without it is a
    new key pair made, whose public key file the office enrols as another laptop (`new_key_id`).
    """
    now = now or datetime.now()
    db_path = Path(db_path)
    source = {"file": Path(staged.info["file"]).name, "made": staged.info.get("made", "")}
    done = restore_database(staged.database, db_path, source, now)
    db = open_database(db_path)  # an older backup is upgraded here, as any older database is
    try:
        placed = _place_photos(staged.photos, db.photo_dir)
        kept = _officer_key(db)
        key_id = "" if kept else _new_key(db, now)
    finally:
        db.dispose()
    return {"file": source["file"], "restored": {k: v for k, v in staged.info.items() if k != "file"},
            "before": str(done.before) if done.before else None, "device_id": done.device_id,
            "previous_device": done.previous_device, "kept_key_id": kept, "new_key_id": key_id,
            "photos_placed": placed}


def _place_photos(photos: list[Path], into: Path) -> int:
    if photos:
        into.mkdir(parents=True, exist_ok=True)
    placed = 0
    for photo in photos:
        target = into / photo.name
        if not target.exists():
            os.replace(photo, target)  # the staging folder lies beside the database: the same disk
            placed += 1
    return placed


def _officer_key(db: Database) -> str:
    """The key id of the officer's key file at the database's key path when it belongs to this book (made for
    the backup's device or one it succeeds), now this book's key; "" when there is none such."""
    path = default_key_path(db)
    try:
        keys = keyfile.read_public_keys(path, KeyRole.OFFICER)  # no passphrase needed
    except InputError:  # none there, or not an officer's: a new one is made
        return ""
    with db.session() as s:
        if not succession.signs_for(s, keys.device_id, local_device(s)):
            return ""
        registry.set_setting(s, "sync_key_id", keys.key_id)
        registry.set_setting(s, "sync_sign_public", b64(keys.sign_public))
        registry.set_setting(s, "sync_box_public", b64(keys.box_public))
    return keys.key_id


def _new_key(db: Database, now: datetime) -> str:
    """A key pair for the restored laptop if the backup's book or this laptop had one (or the book trusts the
    office: it sends bundles); a key file of another book at the database's key path is set aside (renamed,
    never deleted)."""
    path = default_key_path(db)
    had_key = path.exists() or bool(db.setting("sync_key_id")) or sync_keys.trusted_office(db) is not None
    if path.exists():
        os.replace(path, path.with_name(f"{path.name}.{BEFORE_RESTORE}{now:%Y%m%d-%H%M%S}"))
    return sync_keys.init_officer_keys(db)["key_id"] if had_key else ""
