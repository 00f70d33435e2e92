"""The bundle file and the keys: what a lost USB stick shows, and every way a file is refused."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from db import head_revision
from db.office import default_key_path
from exports import bundle, bundle_payload, keyfile, sealed_file, sync_keys
from fieldtool.sync.entries import Entry
from tests.sync.conftest import office_card, setting_of, snapshot, target_args
from ui.cli import main


def cli(capsys, *args, expect=0):
    code = main([*args])
    out = capsys.readouterr()
    assert code == expect, out.err
    return out


def cli_json(capsys, *args):
    return json.loads(cli(capsys, "--json", *args).out)


def error_line(capsys, *args) -> str:
    out = cli(capsys, *args, expect=2)
    lines = [line for line in out.err.splitlines() if line.strip()]
    assert len(lines) == 1, out.err  # one clear sentence
    return lines[0]


# --- keys ---------------------------------------------------------------------------------------------------


def test_keys_init_keeps_the_private_key_beside_the_database_readable_by_its_owner_only(db, capsys):
    made = cli_json(capsys, "--db", str(db.path), "keys", "init")
    key_file = Path(made["key_file"])
    assert key_file == db.path.parent / "field.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert setting_of(db, "sync_key_id") == made["key_id"]
    assert setting_of(db, "sync_sign_public") and setting_of(db, "sync_box_public")
    # a second init never overwrites the key the office has enrolled
    assert "already exists" in error_line(capsys, "--db", str(db.path), "keys", "init")
    assert json.loads(key_file.read_text())["key_id"] == made["key_id"]


def test_the_public_key_file_names_officer_device_and_subdistrict(book, capsys, tmp_path):
    db = book.db
    cli(capsys, "--db", str(db.path), "keys", "init")
    cli(capsys, "--db", str(db.path), "keys", "export", "--out", str(tmp_path / "officer.pub"))
    card = json.loads((tmp_path / "officer.pub").read_text())
    assert card["role"] == "officer" and card["area_code"] == "341905"
    assert card["name"] == "นางสาวทดสอบ ระบบดี" and card["device_id"] == setting_of(db, "device_id")
    assert "sign_private" not in card and "box_private" not in card


@pytest.mark.parametrize("content, expected", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a public key file"),
    (b'{"hello": "world"}', "not a public key file"),
    ("PRIVATE", "PRIVATE key file"),
    ("OFFICER", "not of the office"),
    ("BAD_BASE64", "damaged"),
    ("ALTERED_ID", "altered"),
    ("NO_DISTRICT", "lacks the device id or a 4-digit area code"),
    ("FUTURE", "newer fieldtool"),
])
def test_every_bad_key_file_is_refused_with_one_sentence(book, office, laptop, capsys, tmp_path, content, expected):
    db = book.db
    good = office_card(office)
    other = laptop("other", office=office)
    variants = {
        "PRIVATE": json.loads(default_key_path(office).read_text()),
        "OFFICER": other.card(),
        "BAD_BASE64": {**good, "sign_public": "not base64!"},
        "ALTERED_ID": {**good, "key_id": "0" * 32},
        "NO_DISTRICT": {**good, "area_code": ""},
        "FUTURE": {**good, "fieldtool_public_key": 2},
    }
    path = tmp_path / "office.pub"
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(variants[content]).encode())
    before = snapshot(db)
    assert expected in error_line(capsys, "--db", str(db.path), "keys", "trust-office", str(path))
    assert snapshot(db) == before


def test_the_office_refuses_an_officer_of_another_district(office, laptop, capsys, tmp_path):
    stranger = laptop("stranger", code="342001")
    path = tmp_path / "officer.pub"
    sync_keys.write_public_card(path, stranger.card())
    line = error_line(capsys, "office-keys", "enrol", str(path), *target_args(office))
    assert "outside this district" in line


# --- the file -------------------------------------------------------------------------------------------------


def test_a_lost_bundle_shows_no_names_national_ids_or_amounts(laptop, office):
    a = laptop("a", office=office)
    a.pay(a.loan(12_345), 123_456)
    data = a.export().read_bytes()
    assert data.startswith(sealed_file.MAGIC)
    for secret in ("3341900123454", "บุญมี", "ศรีสุข", "123456", "0899999999"):
        assert secret.encode() not in data
    # only the plain header can be read without the office's key
    sealed = sealed_file.read_header(a.out / "a-1.ftb")
    assert sealed.header["kind"] == "field" and sealed.header["sender_device"] == a.device_id


def test_the_payload_is_a_zip_with_manifest_changes_and_photos(laptop, office, tmp_path):
    from PIL import Image

    a = laptop("a", office=office)
    picture = tmp_path / "visit.jpg"
    Image.new("RGB", (64, 48), (200, 120, 40)).save(picture)
    assert main(["--db", str(a.db.path), "visit", "add", "--on", "2026-01-10", "--village", "3",
                 "--findings", "กลุ่มทอผ้าได้ ๔ ผืน", "--photo", str(picture)]) == 0
    path = a.export()
    sealed = sealed_file.read_header(path)
    keys = keyfile.read_private_key(default_key_path(office), "office")
    sealed_file.decrypt(sealed, keys, tmp_path / "payload.zip")
    payload = bundle_payload.read_payload(tmp_path / "payload.zip", path.name)
    m = payload.manifest
    assert m["device_id"] == a.device_id and m["subdistrict_code"] == "341905" and m["bundle_seq"] == 1
    assert m["schema_version"] == head_revision() and m["seq_from"] == 1 and m["seq_to"] == len(payload.entries)
    assert m["counts"]["household"] == 1 and m["counts"]["photo"] == 1
    assert [p.startswith("photos/") for p in payload.photos] == [True]
    assert set(m["parts"]) == {"changes.jsonl", *payload.photos}
    payload.zf.close()


def test_export_is_incremental_and_full_on_request(laptop, office):
    a = laptop("a", office=office)
    first = a.export()
    a.pay(a.loan(), 10_000)
    second = a.export()
    full = a.export(full=True)
    keys = office.keys

    def manifest(path):
        sealed_file.decrypt(sealed_file.read_header(path), keys, path.with_suffix(".zip"))
        p = bundle_payload.read_payload(path.with_suffix(".zip"), path.name)
        p.zf.close()
        return p.manifest

    m1, m2, m3 = manifest(first), manifest(second), manifest(full)
    assert (m1["bundle_seq"], m2["bundle_seq"], m3["bundle_seq"]) == (1, 2, 3)
    assert m2["seq_from"] == m1["seq_to"] + 1 and m2["entries"] == m2["seq_to"] - m1["seq_to"]
    assert m3["seq_from"] == 1 and m3["entries"] == m3["seq_to"] == m2["seq_to"]


def test_a_crash_or_full_disk_while_exporting_leaves_no_file_that_looks_complete(laptop, office, monkeypatch):
    a = laptop("a", office=office)
    before = snapshot(a.db)
    real_fsync = os.fsync

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        a.export()
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert list(a.out.iterdir()) == []  # neither the bundle nor a half-written temporary file
    assert snapshot(a.db) == before  # and the bundle number was not spent
    assert sealed_file.read_header(a.export()).header["kind"] == "field"


# --- refusals ---------------------------------------------------------------------------------------------


def refused(capsys, office, path) -> str:
    before = snapshot(office)
    out = cli(capsys, "bundle", "import", str(path), *target_args(office), expect=2)
    assert snapshot(office) == before  # nothing written
    return out.err


@pytest.mark.parametrize("where", ["header", "signature", "payload", "end"])
def test_a_bundle_altered_after_signing_is_refused(laptop, office, capsys, where):
    a = laptop("a", office=office)
    path = a.export()
    data = bytearray(path.read_bytes())
    sealed = sealed_file.read_header(path)
    at = {"header": sealed.prefix.find(b'"ephemeral_public": "') + 25, "signature": len(sealed.prefix) + 10,
          "payload": sealed.body_offset + 100, "end": len(data) - 1}[where]
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    err = refused(capsys, office, path)
    assert "altered" in err or "not a fieldtool bundle" in err


def test_a_bundle_signed_by_an_unknown_key_is_refused(laptop, office, capsys):
    a = laptop("a")
    a.trust(office)  # the laptop knows the office, but the office never enrolled this laptop
    err = refused(capsys, office, a.export())
    assert "signed by an unknown key" in err


def test_a_bundle_signed_with_another_key_in_an_enrolled_name_is_refused(laptop, office, capsys, tmp_path):
    a = laptop("a", office=office)
    path = a.export()
    impostor = keyfile.new_keys("officer", a.device_id)
    sealed = sealed_file.read_header(path)
    keys = office.keys
    sealed_file.decrypt(sealed, keys, tmp_path / "p.zip")
    forged = tmp_path / "forged.ftb"
    sealed_file.seal(tmp_path / "p.zip", forged, {"kind": "field", "sender_device": a.device_id}, impostor,
                keys.box_public, keys.key_id)
    raw = bytearray(forged.read_bytes())
    header = dict(sealed_file.read_header(forged).header)
    header["sender_key"] = sealed.header["sender_key"]  # claim to be the enrolled laptop
    forged.write_bytes(_with_header(raw, header))
    assert "altered" in refused(capsys, office, forged)


def _with_header(raw: bytearray, header: dict) -> bytes:
    import struct

    hlen = struct.unpack(">I", bytes(raw[10:14]))[0]
    hjson = json.dumps(header, sort_keys=True).encode()
    return bytes(raw[:8]) + struct.pack(">HI", 1, len(hjson)) + hjson + bytes(raw[14 + hlen:])


def test_a_bundle_for_another_office_is_refused(laptop, office, new_office, capsys):
    a = laptop("a", office=office)
    elsewhere = new_office(office.kind)
    a.enrol_at(elsewhere)
    err = refused(capsys, elsewhere, a.export())
    assert "made for another office" in err


def test_a_bundle_of_a_subdistrict_outside_the_district_is_refused(laptop, office, capsys):
    stranger = laptop("stranger", code="342001")
    stranger.trust(office)
    with office.session() as s:  # enrolled by mistake (enrol itself refuses it, see above)
        sync_keys.enrol(s, stranger.card())
    err = refused(capsys, office, stranger.export())
    assert "outside this district (3419)" in err


def _sealed_payload(tmp_path, a, office, manifest: dict, entries: list, extra: dict | None = None) -> Path:
    zip_path = tmp_path / "p.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        lines = "".join(json.dumps(e) + "\n" for e in entries).encode()
        zf.writestr("changes.jsonl", lines)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
        import hashlib

        parts = {"changes.jsonl": hashlib.sha256(lines).hexdigest()}
        parts |= {name: hashlib.sha256(data).hexdigest() for name, data in (extra or {}).items()}
        zf.writestr("manifest.json", json.dumps({**manifest, "parts": parts}))
    out = tmp_path / "crafted.ftb"
    keys = keyfile.read_private_key(default_key_path(a.db), "officer")
    sealed_file.seal(zip_path, out, {"kind": "field", "sender_device": a.device_id}, keys,
                office.keys.box_public, office.keys.key_id)
    return out


def _manifest(a, **kw) -> dict:
    return {"format": 1, "kind": "field", "schema_version": "0005", "device_id": a.device_id, "officer": "x",
            "subdistrict_code": "341905", "bundle_seq": 1, "seq_from": 1, "seq_to": 0, "created": "2026-11-22T00:00:00+00:00",
            "entries": 0, "counts": {}, **kw}


def test_a_bundle_of_a_newer_schema_is_refused(laptop, office, capsys, tmp_path):
    a = laptop("a", office=office)
    path = _sealed_payload(tmp_path, a, office, _manifest(a, schema_version="0099"), [])
    assert "newer database schema (0099)" in refused(capsys, office, path)


def test_a_zip_bomb_is_refused_unopened(laptop, office, capsys, tmp_path):
    a = laptop("a", office=office)
    bomb = b"0" * (300 << 20)  # 300 MB of zeros: about 300 kB compressed
    entries = []
    path = _sealed_payload(tmp_path, a, office, _manifest(a), entries,
                           extra={"photos/" + "0" * 64 + ".jpg": bomb})
    assert path.stat().st_size < 2 << 20
    assert "zip bomb" in refused(capsys, office, path)


@pytest.mark.parametrize("what", ["random", "empty", "zip", "truncated", "text"])
def test_what_is_not_a_bundle_is_refused_with_one_sentence(laptop, office, capsys, tmp_path, what):
    a = laptop("a", office=office)
    path = tmp_path / f"{what}.ftb"
    if what == "random":
        path.write_bytes(os.urandom(4096))
    elif what == "empty":
        path.write_bytes(b"")
    elif what == "zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", b"0" * (50 << 20))
    elif what == "truncated":
        good = a.export().read_bytes()
        path.write_bytes(good[: len(good) // 2])
    else:
        path.write_text("บันทึกการประชุม")
    err = refused(capsys, office, path)
    assert len([x for x in err.splitlines() if x.strip()]) == 1  # one sentence
    assert ("not a fieldtool bundle" in err) or ("incomplete" in err)


def test_a_malformed_entry_inside_a_signed_bundle_is_refused(laptop, office, capsys, tmp_path):
    a = laptop("a", office=office)
    bad = Entry("x", a.device_id, 1, "2026-11-22T00:00:00.000000Z", "", "loan", "r", "explode", "{}").to_json()
    path = _sealed_payload(tmp_path, a, office, _manifest(a, seq_to=1, entries=1), [bad])
    assert "damaged" in refused(capsys, office, path)


def test_a_laptops_bundle_imported_on_a_laptop_says_where_it_goes(laptop, office, capsys):
    a = laptop("a", office=office)
    b = laptop("b", office=office)
    line = error_line(capsys, "--db", str(b.db.path), "bundle", "import", str(a.export()))
    assert "import it into the office database" in line or "a laptop's bundle for the district office" in line


def test_a_bundle_of_another_subdistrict_than_its_key_was_enrolled_for_is_refused(laptop, office, capsys, tmp_path):
    a = laptop("a", code="341905", office=office)
    bundle.import_bundle(office, a.export())
    with a.db.session() as s:  # the laptop is set up again for ต.พิบูล without telling the office
        from fieldtool import registry

        registry.setup_subdistrict(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341901", "พิบูล"))
    before = snapshot(office)
    moved = a.export()
    err = refused(capsys, office, moved)
    assert "enrolled for subdistrict 341905" in err
    assert snapshot(office) == before
    # the office enrols the laptop's fresh public key file: the same key, now for ต.พิบูล
    card = tmp_path / "a.pub"
    sync_keys.write_public_card(card, sync_keys.officer_card(a.db))
    sync_keys.enrol_officer(office, card)
    assert bundle.import_bundle(office, moved)["status"] == "imported"


def test_an_import_reports_its_steps_and_how_far_the_merge_has_gone(laptop, office):
    a = laptop("a", office=office)
    for _ in range(3):
        a.loan()
    seen = []
    bundle.import_bundle(office, a.export(), progress=lambda name, share=0.0: seen.append((name, share)))
    names = [n for n, _ in seen]
    assert names[0] == "verify" and names[-1] == "commit"
    assert [n for n in dict.fromkeys(names)] == list(bundle.IMPORT_STEPS)  # each step, in order
    shares = [share for name, share in seen if name == "merge"]
    assert shares == sorted(shares) and shares[-1] == 1.0 and len(shares) > 2  # table by table, to the end
