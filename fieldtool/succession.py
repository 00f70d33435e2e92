"""A restored laptop goes on with its officer's key: its new device succeeds the old one at the office.

Why a new device at all: a backup made before bundle N does not know that bundle N was sent, so the restored
book cannot go on numbering its changes where the backup stopped (the office may already hold those numbers,
with other content). It takes a new device id – a numbering of its own – and remembers the devices it
succeeds (setting `succeeds`: each one's highest change in this book, and the last bundle it knew that device
had sent). Why no new key: the officer is the same, and so is the key file on the machine, so the office need
enrol nothing. The next bundle, signed by that key, says in its manifest which device(s) it succeeds
(`succeeds`), carries the old devices' changes the office may never have had (made after their last bundle
and before the backup: `carried`), and the office moves the key to the new device, writing the succession in
its change log like a revocation. A bundle that claims to succeed a device that is not its key's is refused.

Numbering: the restored laptop numbers its bundles on from the last it knew of (`numbered_after`); the office,
which may hold later ones of the old device, numbers the new device's bundles on from the last it holds, once,
when the succession is recorded (`offset`), so it never lists two bundles of one laptop under one number. A
bundle of the old device that arrives late is still taken, under its own device and number: it is the same
key's work.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.changelog import _identity, _next_seq, log_data
from fieldtool.models import ChangeLog, Setting, SyncBundle, SyncKey
from fieldtool.sync.tables import table_of
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import BundleDirection, BundleKind

SETTING = "succeeds"  # on a restored laptop: JSON list of Predecessor, oldest first


# --- on the laptop ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Predecessor:
    """A device whose book this database goes on with."""

    device_id: str
    seq: int  # its highest change in this book when the backup was restored
    sent: int  # the last of its changes this book knows it sent in a bundle (that bundle's seq_to)
    bundle_seq: int  # that bundle's number (0: none)


def lineage_after_restore(lineage_json: str, device_id: str, seq: int, sent: int, bundle_seq: int) -> str:
    """The `succeeds` setting of a restored book: what the backup's book succeeded, and the backup's device."""
    known = [p for p in _parse(lineage_json) if p.device_id != device_id]
    known.append(Predecessor(device_id, seq, sent, bundle_seq))
    return json.dumps([vars(p) for p in known])


def _parse(text: str | None) -> list[Predecessor]:
    try:
        rows = json.loads(text or "[]")
        return [Predecessor(str(r["device_id"]), int(r["seq"]), int(r["sent"]), int(r["bundle_seq"])) for r in rows]
    except (ValueError, TypeError, KeyError):
        return []


def predecessors(s: Session) -> list[Predecessor]:
    row = s.get(Setting, SETTING)
    return _parse(row.value if row else None)


def signs_for(s: Session, key_device: str, device: str) -> bool:
    """Whether a key file made for `key_device` signs this book's bundles: its own, or a device it succeeds."""
    return key_device == device or key_device in {p.device_id for p in predecessors(s)}


def last_field_bundle(s: Session, devices: Iterable[str]) -> SyncBundle | None:
    """The last bundle this book sent the office from any of these devices (the highest number)."""
    return s.scalars(select(SyncBundle).where(col(SyncBundle.direction) == BundleDirection.OUT,
                                              col(SyncBundle.kind) == BundleKind.FIELD,
                                              col(SyncBundle.source_device).in_(list(devices)))
                     .order_by(col(SyncBundle.bundle_seq).desc())).first()


def manifest_fields(s: Session) -> dict[str, object]:
    """What a restored laptop's bundle says of its predecessors (nothing on a laptop never restored)."""
    lineage = predecessors(s)
    if not lineage:
        return {}
    last = last_field_bundle(s, [p.device_id for p in lineage])
    return {"succeeds": [p.device_id for p in lineage], "numbered_after": last.bundle_seq if last else 0}


def carried_ranges(s: Session) -> dict[str, list[int]]:
    """The predecessors' changes no bundle this book knows of carried: {device: [first, last]}."""
    out = {}
    for p in predecessors(s):
        sent = max([p.sent, *(b.seq_to for b in s.scalars(select(SyncBundle).where(
            col(SyncBundle.direction) == BundleDirection.OUT, col(SyncBundle.kind) == BundleKind.FIELD,
            col(SyncBundle.source_device) == p.device_id)))])
        if p.seq > sent:
            out[p.device_id] = [sent + 1, p.seq]
    return out


def acknowledged(s: Session, upto: Mapping[str, int]) -> dict[str, int]:
    """`upto` with each predecessor's own changes this book holds: the office need not send them back."""
    out = dict(upto)
    for p in predecessors(s):
        out[p.device_id] = max(int(out.get(p.device_id, 0)), p.seq)
    return out


# --- at the office ------------------------------------------------------------------------------------------


def _records(s: Session, key_id: str | None = None) -> list[dict[str, Any]]:
    """The successions written in this office's change log (for one key, or all), oldest first."""
    log = table_of(ChangeLog)
    q = select(log.c.data).where(log.c.table_name == "sync_key", log.c.action == "update")
    if key_id is not None:
        q = q.where(log.c.record_id == key_id)
    out = []  # as the office wrote them (_record): JSON
    for (data,) in s.execute(q.order_by(log.c.at, log.c.seq)):
        values = json.loads(data)
        if "succeeds" in values:
            out.append(values)
    return out


def key_devices(s: Session, key: SyncKey) -> set[str]:
    """Every device the key has signed for: its device now and those it succeeded."""
    devices = {key.device_id}
    for r in _records(s, key.key_id):
        devices |= {r["device_id"], r["_before"]["device_id"], *r["succeeds"]}
    return devices


def offset(s: Session, device: str) -> int:
    """What the office adds to a successor device's bundle numbers (0 for any other device)."""
    return next((int(r["offset"]) for r in _records(s) if r["device_id"] == device), 0)


def first_number(s: Session, device: str) -> int:
    """The number the office gives a device's first bundle: 1, or for a successor the one after the last the
    office held of the devices it succeeds."""
    return next((int(r["first"]) for r in _records(s) if r["device_id"] == device), 1)


def _not_its_key(name: str) -> InputError:
    return InputError(Text(f"ชุดข้อมูลนี้อ้างว่าสืบต่อจากเครื่องที่ไม่ใช่เครื่องของกุญแจที่ลงนาม จึงไม่รับ: {name}",
                           f"{name} is refused: it claims to succeed a device that is not the device of the key "
                           "that signed it"))


class Accepted(TypedDict):
    offset: int  # what to add to the bundle's number
    succeeded: str | None  # the key's device before, when this bundle moved the key


def accept_sender(s: Session, key: SyncKey, m: Mapping[str, object], name: str) -> Accepted:
    """Whether the key that signed a field bundle may send from the manifest's device; records a succession.

    Refused: a device the key never signed for that does not declare succeeding the key's device, a claim to
    succeed another key's device, a successor device that already sent work.
    """
    device = m["device_id"]
    claimed = m.get("succeeds") or []
    carried = m.get("carried") or {}
    numbered_after = m.get("numbered_after", 0)
    if not (isinstance(device, str) and isinstance(claimed, list) and all(isinstance(d, str) for d in claimed)
            and isinstance(carried, dict) and isinstance(numbered_after, int) and type(numbered_after) is int):
        raise _not_its_key(name)
    known = key_devices(s, key)
    if device in known:  # the key's laptop now, or the one it succeeded sending late
        if not set(carried) <= known:
            raise _not_its_key(name)
        return {"offset": offset(s, device), "succeeded": None}
    if not claimed:
        raise InputError(Text(
            f"ชุดข้อมูลนี้ลงนามด้วยกุญแจของเครื่องอื่น ไฟล์กุญแจใช้ได้กับเครื่องเดียว: {name}",
            f"{name} is signed with the key of device {key.device_id[:8]} but comes from device {device[:8]}, which "
            "does not succeed it; a key file belongs to one laptop"))
    if key.device_id not in claimed or not set(carried) <= set(claimed):
        raise _not_its_key(name)
    others = sorted(set(claimed) - known)  # restored twice: a device that never sent is new here, or refused
    if others and (_has_sent(s, others) or _has_key(s, others)):
        raise _not_its_key(name)
    if _has_sent(s, [device]) or _has_key(s, [device]):
        raise InputError(Text(f"เครื่อง {device[:8]} เคยส่งงานให้สำนักงานแล้ว จึงสืบต่อจากเครื่องอื่นไม่ได้: {name}",
                              f"{name} is refused: device {device[:8]} has sent the office work before, so it cannot "
                              "succeed another"))
    before = key.device_id
    return {"offset": _record(s, key, device, claimed, numbered_after), "succeeded": before}


def _has_sent(s: Session, devices: Sequence[str]) -> bool:
    return bool(s.execute(select(func.count()).select_from(ChangeLog)
                          .where(col(ChangeLog.device_id).in_(devices))).scalar())


def _has_key(s: Session, devices: Sequence[str]) -> bool:
    return s.scalars(select(col(SyncKey.key_id)).where(col(SyncKey.device_id).in_(devices))).first() is not None


def _record(s: Session, key: SyncKey, device: str, claimed: Sequence[str], numbered_after: int) -> int:
    """Move the key to its new device and write the succession into the change log (the audit trail; sync_key
    is the office's own bookkeeping, which the change-log hook does not see)."""
    held = s.execute(select(func.max(col(SyncBundle.bundle_seq))).where(
        col(SyncBundle.direction) == BundleDirection.IN, col(SyncBundle.kind) == BundleKind.FIELD,
        col(SyncBundle.source_device).in_(sorted(key_devices(s, key))))).scalar() or 0
    shift = max(0, held - numbered_after)
    before = key.device_id
    table = table_of(SyncKey)
    s.execute(table.update().where(table.c.key_id == key.key_id).values(device_id=device))
    office_device, officer = _identity(s)
    s.execute(table_of(ChangeLog).insert(), [{
        "id": str(uuid.uuid4()), "device_id": office_device, "seq": _next_seq(s, office_device),
        "at": datetime.now(UTC), "officer": officer, "table_name": "sync_key", "record_id": key.key_id,
        "action": "update", "data": log_data({"device_id": device, "succeeds": claimed, "offset": shift,
                                              "first": numbered_after + shift + 1,
                                              "_before": {"device_id": before}})}])
    s.expire(key)
    return shift
