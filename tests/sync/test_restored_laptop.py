"""A laptop restored from its backup goes on with the officer's key, on SQLite and on PostgreSQL offices: its
new device succeeds the old one, the office takes its bundles without enrolling anything, numbers them on,
counts every payment once, and refuses a bundle that claims to succeed a device its key never had."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from db import open_database
from db.office import default_key_path
from exports import backup, bundle, keyfile, sealed_file
from fieldtool import funds, handover, history, officedesk
from fieldtool.sync.laptop import return_marks
from tests.sync.conftest import snapshot, target_args
from tests.test_backup import office_totals, restore_from
from ui.cli import main


def restored(a, made: dict, office) -> dict:
    """The laptop's book replaced by the backup (opened with the office's key, as the office does)."""
    result = restore_from(a.db, Path(made["file"]), default_key_path(office))
    a.db = open_database(a.db.path)
    a.device_id = result["device_id"]
    return result


def import_line(capsys, office, path: Path, expect: int = 0) -> str:
    code = main(["bundle", "import", str(path), *target_args(office)])
    out = capsys.readouterr()
    assert code == expect, out.err
    return out.out if expect == 0 else out.err


def test_work_made_after_the_last_bundle_and_before_the_backup_reaches_the_office(laptop, office, tmp_path, capsys):
    a = laptop("a", office=office)
    first = a.loan(10_000)
    bundle.import_bundle(office, a.export())  # bundle 1
    a.pay(first, 100_000)  # never sent: the laptop dies after the backup
    made = backup.write_backup(a.db, tmp_path)
    old_device = a.device_id
    restored(a, made, office)
    a.pay(first, 30_000)
    line = import_line(capsys, office, a.export())
    assert "นำเข้าชุดที่ 2 " in line and f"going on from device {old_device[:8]}" in line
    assert "never arrived" not in line
    assert office_totals(office) == {"outstanding": [1_000_000 - 130_000], "payments": 2, "paid": 130_000}


def test_the_old_laptops_bundle_arriving_after_the_restored_ones_is_still_taken(laptop, office, tmp_path):
    a = laptop("a", office=office)
    first = a.loan(10_000)
    bundle.import_bundle(office, a.export())  # bundle 1
    made = backup.write_backup(a.db, tmp_path)
    a.pay(first, 100_000)
    late = a.export()  # bundle 2, still in the officer's bag when the laptop died
    restored(a, made, office)
    a.pay(first, 20_000)
    assert bundle.import_bundle(office, a.export())["status"] == "imported"
    assert bundle.import_bundle(office, late)["status"] == "imported"  # the same key's work, from its old device
    assert office_totals(office) == {"outstanding": [1_000_000 - 120_000], "payments": 2, "paid": 120_000}
    # what the old laptop sent after the backup goes back to the restored one, and nothing else
    back = bundle.export_return_bundle(office, a.device_id, tmp_path / "return.ftb")
    assert back["counts"] == {"payment": 1}
    bundle.import_bundle(a.db, Path(back["file"]))
    assert office_totals(a.db) == office_totals(office)


def test_a_bundle_claiming_to_succeed_a_device_that_is_not_its_keys_is_refused(laptop, office, tmp_path, capsys):
    a = laptop("a", office=office)
    b = laptop("b", office=office, officer="นางบุญมา อื่นใด")  # a colleague's laptop, its own key
    bundle.import_bundle(office, b.export())
    made = backup.write_backup(a.db, tmp_path)
    old_device = a.device_id
    restored(a, made, office)
    a.loan(2_000)
    forged = _with_manifest(a, a.export(), office, tmp_path, succeeds=[b.device_id])
    before = snapshot(office)
    err = import_line(capsys, office, forged, expect=2)
    assert "claims to succeed a device that is not the device of the key that signed it" in err
    assert snapshot(office) == before
    with office.session() as s:  # the key stays with the old laptop; the colleague's keeps hers
        assert sorted(d.device_id for d in officedesk.device_items(s)) == sorted([old_device, b.device_id])


def test_a_bundle_from_another_device_that_does_not_say_it_succeeds_the_keys_is_refused(laptop, office, tmp_path,
                                                                                      capsys):
    a = laptop("a", office=office)
    made = backup.write_backup(a.db, tmp_path)
    restored(a, made, office)
    a.loan(2_000)
    forged = _with_manifest(a, a.export(), office, tmp_path, succeeds=None)
    assert "a key file belongs to one laptop" in import_line(capsys, office, forged, expect=2)


def test_a_restored_laptop_without_its_key_file_makes_a_new_key_that_the_office_enrols(laptop, office, tmp_path, capsys):
    a = laptop("a", office=office)
    first = a.loan(10_000)
    bundle.import_bundle(office, a.export())
    made = backup.write_backup(a.db, tmp_path)
    default_key_path(a.db).unlink()  # the disk was replaced: no key file on the laptop any more
    result = restored(a, made, office)
    assert result["new_key_id"] and not result["kept_key_id"]
    a.pay(first, 40_000)
    sent = a.export()
    assert "signed by an unknown key" in import_line(capsys, office, sent, expect=2)
    a.enrol_at(office)  # the new public key file, handed to the office; the same bundle brought again
    assert bundle.import_bundle(office, sent)["status"] == "imported"
    assert office_totals(office) == {"outstanding": [1_000_000 - 40_000], "payments": 1, "paid": 40_000}


def test_return_bundles_of_the_old_device_are_not_taken_for_the_new_ones(laptop, office, tmp_path):
    a = laptop("a", office=office)
    bundle.import_bundle(office, a.export())
    for name in ("กองทุนหมู่บ้าน", "กองทุนแม่ของแผ่นดิน"):  # the office's own changes, two return bundles
        _office_fund(office, name)
        back = bundle.export_return_bundle(office, a.device_id, tmp_path / f"{name}.ftb")
        bundle.import_bundle(a.db, Path(back["file"]))
    made = backup.write_backup(a.db, tmp_path)
    restored(a, made, office)
    bundle.import_bundle(office, a.export())
    assert bundle.export_return_bundle(office, a.device_id, tmp_path / "none.ftb")["entries"] == 0
    _office_fund(office, "กองทุนเศรษฐกิจชุมชน")
    first_back = bundle.export_return_bundle(office, a.device_id, tmp_path / "new-1.ftb")
    assert (first_back["bundle_seq"], first_back["counts"]) == (1, {"fund": 1})
    bundle.import_bundle(a.db, Path(first_back["file"]))
    with a.db.session() as s:  # return bundle 1 of the new device, not bundle 2 of the old one
        assert return_marks(s)["return_bundle"] == 1
    bundle.import_bundle(office, a.export())
    assert bundle.export_return_bundle(office, a.device_id, tmp_path / "new-2.ftb")["entries"] == 0


def _office_fund(office, name: str) -> None:
    with office.session() as s:
        funds.add_fund(s, name, "village")


def _with_manifest(a, path: Path, office, tmp_path: Path, succeeds: list[str] | None) -> Path:
    """The laptop's bundle signed again with its own key, the succession its manifest declares changed."""
    sealed = sealed_file.read_header(path)
    plain, rewritten = tmp_path / "plain.zip", tmp_path / "rewritten.zip"
    sealed_file.decrypt(sealed, office.keys, plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(rewritten, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "manifest.json":
                manifest = {k: v for k, v in json.loads(data).items() if k not in ("succeeds", "numbered_after")}
                data = json.dumps({**manifest, **({"succeeds": succeeds} if succeeds else {})}).encode()
            dst.writestr(item, data)
    out = tmp_path / f"crafted-{path.name}"
    keys = keyfile.read_private_key(default_key_path(a.db), "officer")
    sealed_file.seal(rewritten, out, {"kind": "field", "sender_device": a.device_id}, keys, office.keys.box_public,
                office.keys.key_id)
    return out


def test_the_offices_change_log_names_the_key_moved_to_the_restored_laptop_and_a_revoked_one(laptop, office, tmp_path):
    a = laptop("a", office=office)
    made = backup.write_backup(a.db, tmp_path)
    old_device = a.device_id
    restored(a, made, office)
    a.loan(2_000)
    bundle.import_bundle(office, a.export())
    with office.session() as s:
        handover.revoke(s, a.device_id, "เครื่องหายระหว่างลงพื้นที่")
    with office.session() as s:
        moved, revoked = sorted((e for e in history.history_page(s) if e.table == "sync_key"), key=lambda e: e.seq)
    assert (moved.kind.th, moved.kind.en) == ("กุญแจของเครื่อง", "laptop key")
    assert moved.record == revoked.record == "กุญแจของ นางสาวทดสอบ ระบบดี ตำบล 341905"
    assert moved.changes_text("th") == f"เครื่อง: {old_device[:8]} → {a.device_id[:8]}"
    assert "เหตุที่เพิกถอน: – → เครื่องหายระหว่างลงพื้นที่" in revoked.changes_text("th")
    assert "Reason revoked: – → เครื่องหาย" in revoked.changes_text("en") and "revoked_" not in revoked.text()
