"""The seed bundle: a subdistrict handed to a new laptop from what the district office holds.

A replacement laptop, or a new officer taking a subdistrict over, starts from it instead of from nothing.
It is a return bundle (the same sealed file, docs/bundle-format.md) for a newly enrolled officer key, encrypted
to it and signed by the office, that carries every change the office holds for the subdistrict: all its
laptops' changes (relayed, as return bundles relay a colleague's work), the office's own that concern it,
the handover record (fieldtool.handover) and the photos; its manifest's `seed` names the subdistrict row to
serve and the letterhead the laptops printed. Being return bundle number 1 of the new device, the new
laptop's first bundle acknowledges it, so the office sends none of it again; the laptop keeps its own new
device id, so its changes never collide with the old laptop's numbers. `fieldtool bundle import` on an empty
database applies it (fieldtool.handover.check_seed, take_seed).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from db import Database
from db.office import default_key_path
from exports import bundle, keyfile, sealed_file, sync_keys
from fieldtool import handover, registry
from fieldtool.models import SyncBundle, SyncKey
from fieldtool.sync.laptop import local_device
from fieldtool.sync.office import office_entries_for, peer_entries
from fieldtool.text import Text
from fieldtool.thai import InputError, today_in_thailand
from fieldtool.vocabulary import BundleDirection, BundleKind, KeyRole


def export_seed_bundle(db: Database, code: str, card_path: Path, out: Path, on: date | None = None,
                       key_path: Path | None = None, passphrase: str | None = None) -> dict:
    """Enrol the new officer's key for subdistrict `code`, record the handover and write the seed: all or nothing."""
    keys = keyfile.read_private_key(key_path or default_key_path(db), KeyRole.OFFICE, passphrase)
    card = sync_keys.read_public_card(Path(card_path), KeyRole.OFFICER)
    on = on or today_in_thailand()
    out = Path(out)
    # the file is the transaction's (bundle.write_recorded): not recorded, it does not circulate
    with db.session() as s:
        target = _enrol_for(s, card, code)
        office_device = local_device(s)
        devices = handover.area_devices(s, code)
        area = handover.area_of(s, code, devices)
        record = handover.record_handover(s, area, devices, target, on)
        entries = office_entries_for(s, office_device, devices, 0)
        relayed, peer_tops = peer_entries(s, [d for d in devices if d != target.device_id], {})
        entries += relayed
        top = bundle.last_change(s, office_device)
        bundle_seq = bundle.next_return_number(s, target.device_id)
        officer = registry.setting(s, "officer")
        seed = {"handover_id": record.id, "subdistrict_id": area.subdistrict_id,
                "letterhead": handover.letterhead_of(s, devices)}
        manifest = {"format": sealed_file.FORMAT_VERSION, "kind": BundleKind.RETURN, "schema_version": bundle.schema_version(s),
                    "device_id": office_device, "officer": officer, "subdistrict_code": code,
                    "district_code": registry.setting(s, "district_code"), "target_device": target.device_id,
                    "bundle_seq": bundle_seq, "full": True, "seq_from": 1, "seq_to": top,
                    "created": bundle.now_text(), "marks": {"upto": {**peer_tops, office_device: top}}, "seed": seed}
        manifest, digest = bundle.write_recorded(
            s, out, manifest, entries, db.photo_dir, {"kind": BundleKind.RETURN, "sender_device": office_device}, keys,
            target, lambda m, digest: SyncBundle(
                direction=BundleDirection.OUT, kind=BundleKind.RETURN, sha256=digest, source_device=office_device,
                target_device=target.device_id, bundle_seq=bundle_seq, officer=officer, area_code=code, full=True,
                seq_from=1, seq_to=top, entries=len(entries), entries_new=len(entries),
                marks=json.dumps(m["marks"]), schema_version=m["schema_version"], created_at=datetime.now(UTC),
                processed_at=datetime.now(UTC), file_name=out.name))
        summary = handover.handover_json(s, record)
    return {"file": str(out), "sha256": digest, "bundle_seq": bundle_seq, "device_id": target.device_id,
            "subdistrict_code": code, "entries": len(entries), "counts": manifest["counts"],
            "photos": len(manifest["parts"]) - 1, "handover": summary}


def _enrol_for(s, card: dict, code: str) -> SyncKey:
    """The new officer's key, enrolled for the subdistrict it is to serve (a known key whose laptop is new is fine)."""
    district = registry.setting(s, "district_code")
    if not district:
        raise InputError(sync_keys.NO_DISTRICT)
    if not (code.isascii() and code.isdigit() and len(code) == 6 and code.startswith(district)):
        raise InputError(Text(f"รหัสตำบล {code} ไม่ใช่ตำบลในอำเภอนี้ ({district})",
                              f"{code} is not the 6-digit code of a subdistrict of this district ({district})"))
    if card["area_code"] != code:
        raise InputError(Text(f"ไฟล์กุญแจนี้ทำไว้สำหรับตำบล {card['area_code']} ไม่ใช่ตำบล {code}",
                              f"the key file is for subdistrict {card['area_code']}, not {code}; "
                              f"make it again with 'fieldtool keys export --subdistrict {code}'"))
    handover.refuse_sending_to(s.get(SyncKey, card["key_id"]))
    handover.check_new_laptop(s, card["device_id"])
    row, _new = sync_keys.enrol(s, card)
    return row
