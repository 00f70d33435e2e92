"""Sync bundles: the one file an officer carries from the laptop to the district office, and back.

A field bundle carries a laptop's change-log entries since its previous bundle; a return bundle carries
the office's own changes that concern the laptop's subdistrict and the work of its other laptops (a seed,
exports.seed, is a return bundle that carries everything). Both are the same sealed file
(exports.sealed_file, docs/bundle-format.md) around the same zip (exports.bundle_payload), signed and
encrypted with the keys the two sides exchanged (exports.sync_keys); the merge itself is fieldtool.sync.

Here: making a bundle (recorded as sent in the same transaction that gives the file its name) and taking
one in (verified, opened and merged in one transaction: all of it or none of it).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlmodel import col

from db import Database, alembic_config
from db.office import default_key_path, photo_dir
from exports import scratch as scratch_files
from exports.bundle_payload import place_photos, read_payload, write_payload
from exports.keyfile import Keys, read_private_key
from exports.sealed_file import (
    FORMAT_VERSION,
    BundleError,
    altered,
    decrypt,
    read_header,
    seal_hidden,
    verify,
)
from exports.sync_keys import office_key, subdistrict_code
from fieldtool import handover, registry, succession
from fieldtool.models import SyncBundle, SyncKey
from fieldtool.sync.entries import LOG, Entry, device_entries, parse_at
from fieldtool.sync.laptop import baseline, local_device, return_marks
from fieldtool.sync.merge import apply_entries
from fieldtool.sync.office import device_gaps, office_entries_for, peer_entries
from fieldtool.text import Text
from fieldtool.thai import busy_error, iso_time
from fieldtool.transaction_files import remove_on_rollback
from fieldtool.vocabulary import BundleDirection, BundleKind, KeyRole

PAUSE_ENV = "FIELDTOOL_IMPORT_PAUSE"  # test hook: seconds to sleep inside the import transaction
EXPORT_PAUSE_ENV = "FIELDTOOL_EXPORT_PAUSE"  # test hook: "before-rename:SECONDS" or "after-rename:SECONDS"


# --- export ------------------------------------------------------------------------------------------------


def schema_version(session) -> str:
    from alembic.runtime.migration import MigrationContext  # only when a bundle is made or read

    return MigrationContext.configure(session.connection()).get_current_revision() or ""


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def last_change(s: Session, device: str) -> int:
    """The highest change number of a device held here (0: none): where the bundle made now ends."""
    return s.execute(select(func.max(LOG.c.seq)).where(LOG.c.device_id == device)).scalar() or 0


def next_return_number(s: Session, device: str) -> int:
    """The number of the next return bundle for a laptop (return bundles are numbered per laptop)."""
    last = s.execute(select(func.max(col(SyncBundle.bundle_seq))).where(
        col(SyncBundle.direction) == BundleDirection.OUT, col(SyncBundle.kind) == BundleKind.RETURN,
        col(SyncBundle.target_device) == device)).scalar()
    return (last or 0) + 1


def write_recorded(s: Session, out: Path, manifest: dict, entries: Iterable[Entry], photos_from: Path, header: dict,
                   keys: Keys, recipient: SyncKey, row: Callable[[dict, str], SyncBundle]) -> tuple[dict, str]:
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
    keys = read_private_key(key_path or default_key_path(db), KeyRole.OFFICER, passphrase)
    out = Path(out)
    # the file is the transaction's (write_recorded): not recorded as sent, it does not circulate
    with db.session() as s:
        device = local_device(s)
        officer = registry.setting(s, "officer")
        if not succession.signs_for(s, keys.device_id, device):  # a restored book keeps its officer's key
            raise BundleError(Text("กุญแจนี้เป็นของเครื่องอื่น", f"the key file belongs to device {keys.device_id}, not this one"))
        office = office_key(s)
        if office is None:
            raise BundleError(Text("ยังไม่ได้รับกุญแจของสำนักงาน ให้ใช้ 'fieldtool keys trust-office FILE' ก่อน",
                                   "the office's key is not trusted yet: run 'fieldtool keys trust-office FILE' first"))
        code = subdistrict_code(s)
        if not code:
            raise BundleError(Text("ยังไม่ได้ตั้งตำบลของเครื่องนี้", "this laptop has no subdistrict set up yet"))
        baseline(s, device, officer)
        s.flush()
        lineage = [p.device_id for p in succession.predecessors(s)]
        last = succession.last_field_bundle(s, [device])
        newest = succession.last_field_bundle(s, [device, *lineage])  # a predecessor's too: a restored laptop
        bundle_seq = (newest.bundle_seq if newest else 0) + 1  # numbered on from the last this book knows of
        after = 0 if full or last is None else last.seq_to
        top = last_change(s, device)
        marks = return_marks(s, [device, *reversed(lineage)])
        # signed with the key of a device it succeeds: the bundle says so, and the predecessors' changes that
        # no bundle carried travel with this device's first range (a new key vouches for this device only)
        inherited = keys.device_id != device
        carried = succession.carried_ranges(s) if inherited and after == 0 else {}
        manifest = {"format": FORMAT_VERSION, "kind": BundleKind.FIELD, "schema_version": schema_version(s),
                    "device_id": device, "officer": officer, "subdistrict_code": code, "bundle_seq": bundle_seq,
                    "full": full, "seq_from": after + 1, "seq_to": top, "created": now_text(),
                    "marks": {**marks, "upto": succession.acknowledged(s, marks["upto"])},
                    **(succession.manifest_fields(s) if inherited else {}), **({"carried": carried} if carried else {})}
        entries = itertools.chain(*(device_entries(s, d, lo - 1, hi) for d, (lo, hi) in sorted(carried.items())),
                                  device_entries(s, device, after))
        manifest, digest = write_recorded(
            s, out, manifest, entries, db.photo_dir,
            {"kind": BundleKind.FIELD, "sender_device": device}, keys, office, lambda m, digest: SyncBundle(
                direction=BundleDirection.OUT, kind=BundleKind.FIELD, sha256=digest, source_device=device,
                target_device=office.device_id, bundle_seq=bundle_seq, officer=officer, area_code=code, full=full,
                seq_from=after + 1, seq_to=top, entries=m["entries"], entries_new=m["entries"],
                marks=json.dumps(m["marks"]), schema_version=m["schema_version"], created_at=datetime.now(UTC),
                processed_at=datetime.now(UTC), file_name=out.name))
        _pause_export("after-rename")
    return {"file": str(out), "sha256": digest, "bundle_seq": bundle_seq, "entries": manifest["entries"],
            "seq_from": after + 1, "seq_to": top, "full": full, "counts": manifest["counts"],
            "photos": len(manifest["parts"]) - 1, "photos_missing": manifest["photos_missing"]}


def export_return_bundle(db: Database, device_id: str, out: Path, key_path: Path | None = None,
                         passphrase: str | None = None) -> dict:
    """The office's bundle for one laptop: the office's own changes to that subdistrict it has not received."""
    keys = read_private_key(key_path or default_key_path(db), KeyRole.OFFICE, passphrase)
    out = Path(out)
    # the file is the transaction's (write_recorded)
    with db.session() as s:
        office_device = local_device(s)
        target = s.scalars(select(SyncKey).where(SyncKey.role == KeyRole.OFFICER, SyncKey.device_id == device_id)
                           .order_by(SyncKey.enrolled_at.desc())).first()
        if target is None:
            raise BundleError(Text(f"ยังไม่ได้ลงทะเบียนกุญแจของเครื่อง {device_id}",
                                   f"no officer key is enrolled for device {device_id}: run 'fieldtool office-keys enrol FILE'"))
        handover.refuse_sending_to(target)
        area_devices = handover.area_devices(s, target.area_code)
        latest = s.scalars(select(SyncBundle).where(SyncBundle.direction == BundleDirection.IN,
                                                    SyncBundle.kind == BundleKind.FIELD,
                                                    SyncBundle.source_device == device_id)
                           .order_by(SyncBundle.bundle_seq.desc())).first()
        marks = json.loads(latest.marks) if latest else {}
        upto = marks.get("upto", {})
        after = int(upto.get(office_device, 0))
        entries = office_entries_for(s, office_device, area_devices, after)
        top = last_change(s, office_device)
        # what the subdistrict's other laptops sent the office travels on to this one (a colleague's
        # work, the restructuring the office chose), each from where this laptop last acknowledged it
        peers = [d for d in area_devices if d not in (device_id, office_device)]
        relayed, peer_tops = peer_entries(s, peers, upto)
        entries += relayed
        result = {"file": None, "device_id": device_id, "entries": len(entries), "after_seq": after}
        if not entries:
            return result
        bundle_seq = next_return_number(s, device_id)
        officer = registry.setting(s, "officer")
        manifest = {"format": FORMAT_VERSION, "kind": BundleKind.RETURN, "schema_version": schema_version(s),
                    "device_id": office_device, "officer": officer, "subdistrict_code": target.area_code,
                    "district_code": registry.setting(s, "district_code"), "target_device": device_id,
                    "bundle_seq": bundle_seq, "full": False, "seq_from": after + 1, "seq_to": top,
                    "created": now_text(), "marks": {"upto": {**peer_tops, office_device: top}}}
        manifest, digest = write_recorded(
            s, out, manifest, entries, db.photo_dir, {"kind": BundleKind.RETURN, "sender_device": office_device}, keys,
            target, lambda m, digest: SyncBundle(
                direction=BundleDirection.OUT, kind=BundleKind.RETURN, sha256=digest, source_device=office_device,
                target_device=device_id, bundle_seq=bundle_seq, officer=officer, area_code=target.area_code,
                seq_from=after + 1, seq_to=top, entries=len(entries), entries_new=len(entries),
                marks=json.dumps(m["marks"]), schema_version=m["schema_version"], created_at=datetime.now(UTC),
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
        raise BundleError(Text(f"ชุดข้อมูลนี้มาจากโปรแกรมรุ่นใหม่กว่า (โครงสร้าง {version}) กรุณาปรับปรุงโปรแกรมก่อน: {name}",
                               f"{name} was made with a newer database schema ({version}) than this program knows; update fieldtool first"))


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
    kind = BundleKind(sealed.header["kind"])  # read_header let in only these kinds
    role = kind.recipient
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
                field = kind is BundleKind.FIELD
                raise BundleError(Text(f"ชุดข้อมูลนี้ทำไว้สำหรับ{'สำนักงาน' if field else 'เครื่อง'}อื่น: {name}",
                                       f"{name} was made for {'another office' if field else 'another laptop'}"
                                       " and cannot be opened with this database's key"))
            sender = s.get(SyncKey, sealed.header["sender_key"])
            if sender is None or sender.role != kind.sender:
                raise BundleError(Text(f"ชุดข้อมูลนี้ลงนามด้วยกุญแจที่ไม่รู้จัก: {name}",
                                       f"{name} is signed by an unknown key; enrol the "
                                       f"{kind.sender}'s public key first"))
            if kind is BundleKind.RETURN and sender.device_id != sealed.header["sender_device"]:
                raise altered(path)  # a laptop's key may sign for a device that succeeds its own: below
            step("verify")
            digest = verify(sealed, sender.sign_public)
            seen = s.scalars(select(SyncBundle).where(SyncBundle.direction == BundleDirection.IN,
                                                      SyncBundle.sha256 == digest)).first()
            if seen is not None:
                return _already(path, kind, seen)
            handover.refuse_revoked(sender, name)
            step("decrypt")
            decrypt(sealed, keys, plain)
            payload = read_payload(plain, name)
            with payload.zf:
                m = payload.manifest
                if m["kind"] != kind or m["device_id"] != sealed.header["sender_device"]:
                    raise altered(path)
                _check_schema(m["schema_version"], name)
                _check_area(s, kind, m, name)
                if kind is BundleKind.FIELD and sender.area_code and m["subdistrict_code"] != sender.area_code:
                    raise BundleError(Text(
                                 f"ชุดข้อมูลนี้เป็นของตำบล {m['subdistrict_code']} แต่กุญแจของเครื่องนี้ลงทะเบียนไว้สำหรับตำบล "
                                 f"{sender.area_code}: {name} ถ้าเครื่องย้ายตำบล ให้ลงทะเบียนไฟล์กุญแจสาธารณะใหม่ของเครื่อง",
                                 f"{name} is for subdistrict {m['subdistrict_code']}, but this laptop's key was enrolled for "
                                 f"subdistrict {sender.area_code}; if the laptop moved, enrol its new public key file"))
                succeeded = None
                if kind is BundleKind.FIELD:  # the key's laptop, a restored one succeeding it, or the old one late
                    taken = succession.accept_sender(s, sender, m, name)
                    m, succeeded = {**m, "bundle_seq": m["bundle_seq"] + taken["offset"]}, taken["succeeded"]
                _check_entries(payload.entries, m, name)
                handover.check_seed(s, m.get("seed"), name)
                again = _same_bundle_again(s, kind, m)
                if again is not None and m["seq_to"] <= again.seq_to:
                    return _already(path, kind, again)  # all its changes came with the other file
                made_again_of = again.file_name if again is not None else None
                place_photos(payload, photos_here, name, placed)
                step("merge")
                result = apply_entries(
                    s, payload.entries, lambda done, total: step("merge", done / total if total else 1.0))
            seeded = handover.take_seed(s, m.get("seed"))  # a seed: the subdistrict it hands over, checked
            now = datetime.now(UTC)
            _record_received(s, again, SyncBundle(
                direction=BundleDirection.IN, kind=kind, sha256=digest, source_device=m["device_id"],
                target_device=m.get("target_device", ""), bundle_seq=m["bundle_seq"], officer=m["officer"],
                area_code=m["subdistrict_code"], full=bool(m.get("full")), seq_from=m["seq_from"], seq_to=m["seq_to"],
                entries=m["entries"], entries_new=result.entries_new, marks=json.dumps(m.get("marks", {})),
                schema_version=m["schema_version"], created_at=parse_at(m["created"]) if _is_time(m["created"]) else now,
                processed_at=now, file_name=name))
            s.flush()
            gap = device_gaps(s, m["device_id"]) if kind is BundleKind.FIELD else None
            _pause_for_tests()
            step("commit")
    except DBAPIError as exc:  # a clash with data already here (a letter number used twice, …), or a value refused
        for p in placed:
            p.unlink(missing_ok=True)
        if (busy := busy_error(exc)) is not None:  # another import holds the database: wait, not refused
            raise busy from exc
        raise BundleError(Text(f"รวมชุดข้อมูลไม่ได้ ไม่มีการบันทึกใด ๆ: {name}",
                               f"{name} cannot be merged into this database, nothing was written: "
                               f"{str(exc.orig).strip().splitlines()[0]}")) from exc
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


def _already(path: Path, kind: BundleKind, row: SyncBundle) -> dict:
    return {"file": str(path), "status": "already", "kind": kind, "device_id": row.source_device,
            "officer": row.officer, "subdistrict_code": row.area_code, "bundle_seq": row.bundle_seq,
            "imported_at": iso_time(row.processed_at), "entries_new": 0}


def _same_bundle_again(s, kind: BundleKind, m: dict) -> SyncBundle | None:
    """The bundle received before with this one's number and first change from the same sender: the same
    bundle made twice, because the sender was stopped after its file got its name but before it was recorded
    as sent. The later file starts where the earlier did and reaches as far or further."""
    return s.scalars(select(SyncBundle).where(
        SyncBundle.direction == BundleDirection.IN, SyncBundle.kind == kind, SyncBundle.source_device == m["device_id"],
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


def _check_direction(key_file: Path, role: KeyRole, name: str) -> None:
    """A laptop's bundle opened on a laptop (or the office's on the office) gets a sentence saying where it goes."""
    try:
        here = json.loads(key_file.read_text(encoding="utf-8")).get("role")
    except (OSError, ValueError, AttributeError):
        return  # read_private_key tells what is wrong with the key file
    if here == KeyRole.OFFICER and role is KeyRole.OFFICE:
        raise BundleError(Text(f"ชุดข้อมูลนี้เป็นของเครื่องภาคสนาม ต้องนำเข้าที่ฐานข้อมูลของสำนักงานอำเภอ: {name}",
                               f"{name} is a laptop's bundle for the district office: import it into the office database "
                               "(--db office.sqlite or --url postgresql://…)"))
    if here == KeyRole.OFFICE and role is KeyRole.OFFICER:
        raise BundleError(Text(f"ชุดข้อมูลนี้เป็นชุดข้อมูลขากลับสำหรับเครื่องภาคสนาม: {name}",
                               f"{name} is a return bundle for a laptop: import it on that laptop"))


def _is_time(value: str) -> bool:
    try:
        parse_at(value)
        return True
    except ValueError:
        return False


def _check_area(s, kind: BundleKind, m: dict, name: str) -> None:
    code = m["subdistrict_code"]
    if kind is BundleKind.FIELD:
        district = registry.setting(s, "district_code")
        if not district:
            raise BundleError(Text("ฐานข้อมูลสำนักงานยังไม่ได้ตั้งรหัสอำเภอ ให้ใช้ 'fieldtool office-keys init --district CODE'",
                                   "this office database has no district code: run 'fieldtool office-keys init --district CODE'"))
        if not code.startswith(district):
            raise BundleError(Text(f"ชุดข้อมูลนี้เป็นของตำบล {code} ซึ่งไม่อยู่ในอำเภอนี้ ({district}): {name}",
                                   f"{name} is for subdistrict {code}, which is outside this district ({district})"))
        return
    if m.get("target_device") != local_device(s):
        raise BundleError(Text(f"ชุดข้อมูลนี้ทำไว้สำหรับเครื่องอื่น: {name}", f"{name} was made for another laptop"))
    mine = subdistrict_code(s)
    if mine and code != mine:
        raise BundleError(Text(f"ชุดข้อมูลนี้เป็นของตำบล {code} ไม่ใช่ตำบลของเครื่องนี้ ({mine}): {name}",
                               f"{name} is for subdistrict {code}, not this laptop's ({mine})"))


def _check_entries(entries: list[Entry], m: dict, name: str) -> None:
    device = m["device_id"]
    relayed = set(m.get("marks", {}).get("upto", {})) - {device} if m["kind"] == BundleKind.RETURN else set()
    carried = m.get("carried", {}) if m["kind"] == BundleKind.FIELD else {}
    for e in entries:
        if m["kind"] == BundleKind.RETURN and e.device_id in relayed and e.seq <= m["marks"]["upto"][e.device_id]:
            continue  # the office relays another laptop of the subdistrict, up to what it declares
        if e.device_id in carried and _within(e.seq, carried[e.device_id]):
            continue  # a restored laptop carries what the device it succeeds never sent (fieldtool.succession)
        if e.device_id != device or (m["kind"] == BundleKind.FIELD and not m["seq_from"] <= e.seq <= m["seq_to"]):
            raise BundleError(Text(f"ข้อมูลในชุดข้อมูลเสียหาย: {name}",
                                   f"{name} holds a change that is not its sender's or lies outside its declared range"))


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
