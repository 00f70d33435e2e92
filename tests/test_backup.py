"""Backups: the rotating daily copies, the backup file on a USB stick, restoring it, and the office's
totals after a restored laptop goes on sending bundles."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db import backup as snapshots
from db import open_database
from db.office import default_key_path
from db.snapshot import backups_dir
from exports import backup, bundle, keyfile, sealed_file, sync_keys
from fieldtool import loanbook, officedesk
from fieldtool.models import Payment
from fieldtool.sync.office import device_gaps
from fieldtool.thai import InputError
from tests.sync.conftest import laptop, make_office  # noqa: F401  (laptop is a fixture)
from ui.backup import automatic
from ui.cli import main

SUNDAY = date(2026, 11, 29)


# --- the rotation rule ------------------------------------------------------------------------------------


def test_a_month_of_daily_copies_keeps_the_last_seven_days_and_the_newest_of_four_weeks():
    month = [SUNDAY - timedelta(days=n) for n in range(30)]
    kept = snapshots.snapshots_to_keep(month)
    assert sorted(kept) == [date(2026, 11, 8), date(2026, 11, 15), *(date(2026, 11, d) for d in range(22, 30))]


def test_a_laptop_left_unused_for_weeks_keeps_its_older_copies():
    days = [date(2026, 1, 5), date(2026, 2, 10), date(2026, 3, 1), date(2026, 3, 2)]
    assert snapshots.snapshots_to_keep(days) == set(days)


def test_two_copies_in_one_week_beyond_the_seven_days_keep_only_the_newer():
    days = [date(2026, 11, 1 + n) for n in range(7)] + [date(2026, 10, 20), date(2026, 10, 22)]
    assert date(2026, 10, 22) in snapshots.snapshots_to_keep(days)
    assert date(2026, 10, 20) not in snapshots.snapshots_to_keep(days)


# --- the automatic copies -----------------------------------------------------------------------------------


def test_rotation_removes_only_its_own_old_copies(db):
    folder = backups_dir(db.path)
    folder.mkdir()
    others = [folder / "before-upgrade-0008-20260101-120000.sqlite", folder / "before-restore-20260101-120000.sqlite",
              folder / "notes.txt"]
    for path in others:
        path.write_text("kept")
    for n in range(1, 30):
        (folder / f"snapshot-{SUNDAY - timedelta(days=n):%Y-%m-%d}.sqlite").write_text("old copy")
    snapshots.take_snapshot(db.path, SUNDAY)
    assert all(path.read_text() == "kept" for path in others)
    assert sorted(snapshots.snapshots(db.path)) == sorted(snapshots.snapshots_to_keep(
        [SUNDAY - timedelta(days=n) for n in range(30)]))


def test_the_days_first_copy_is_made_once_and_closing_replaces_it_with_the_last_state(book):
    db = book.db
    first = snapshots.daily_snapshot(db.path, SUNDAY)
    assert first == backups_dir(db.path) / "snapshot-2026-11-29.sqlite"
    assert snapshots.describe(first)["counts"]["loans"] == 0
    book.loan()
    assert snapshots.daily_snapshot(db.path, SUNDAY) is None  # today's copy is there already
    assert snapshots.describe(first)["counts"]["loans"] == 0
    snapshots.take_snapshot(db.path, SUNDAY)  # the app closes
    assert snapshots.describe(first)["counts"]["loans"] == 1


def test_the_rotation_removes_what_a_killed_copy_left_but_not_a_copy_being_made(db):
    folder = backups_dir(db.path)
    folder.mkdir()
    killed = folder / ".snapshot-2026-11-28.sqlite.k1ll3d.part"
    running = folder / ".snapshot-2026-11-29.sqlite.nowrt.part"
    for part in (killed, running):
        part.write_bytes(b"half a copy")
    an_hour_ago = time.time() - 3600
    os.utime(killed, (an_hour_ago, an_hour_ago))
    snapshots.take_snapshot(db.path, SUNDAY)
    assert not killed.exists() and running.exists()
    assert sorted(p.name for p in folder.iterdir()) == [running.name, "snapshot-2026-11-29.sqlite"]


# --- the backup file ----------------------------------------------------------------------------------------


def add_photo(db, content: bytes = b"\xff\xd8 a photo of the fish pond \xff\xd9") -> Path:
    db.photo_dir.mkdir(parents=True, exist_ok=True)
    path = db.photo_dir / f"{hashlib.sha256(content).hexdigest()}.jpg"
    path.write_bytes(content)
    return path


def trust_an_office(db, folder: Path, name: str = "office") -> Path:
    """An office key pair, its private file in `folder`, its public key trusted by the laptop."""
    keys = keyfile.new_keys("office", f"{name}-device")
    key_file = folder / f"{name}.key"
    keyfile.write_private_key(key_file, keys)
    with db.session() as s:
        sync_keys.enrol(s, sync_keys.public_card(keys, "สพอ.พิบูลมังสาหาร", "3419"))
    return key_file


@pytest.fixture
def stick(tmp_path) -> Path:
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder


def restore_from(db, file: Path, key: Path | None = None) -> dict:
    db.dispose()
    with backup.open_backup(file, db.path, key) as staged:
        return backup.restore(db.path, staged)


def test_a_plain_backup_warns_that_it_is_not_encrypted_and_tells_what_it_holds(book, stick):
    loan = book.loan()
    book.pay(loan, "1,000", date(2026, 1, 20))
    add_photo(book.db)
    out = backup.write_backup(book.db, stick)
    assert Path(out["file"]).parent == stick and out["file"].endswith(".ftbackup")
    assert out["warning"] is not None and "NOT encrypted" in out["warning"].en
    info = backup.backup_info(Path(out["file"]))
    assert info["encrypted"] is False
    assert info["counts"] == {"households": 1, "loans": 1, "payments": 1, "visits": 0}
    assert (info["officer"], info["subdistrict_code"], info["photos"]) == ("นางสาวทดสอบ ระบบดี", "341905", 1)
    assert info["last_bundle"] == 0


def test_restoring_brings_back_the_book_and_its_photos_and_keeps_what_it_replaced(book, stick):
    db = book.db
    book.loan()
    photo = add_photo(db)
    made = backup.write_backup(db, stick)
    book.loan()  # work after the backup, then the photo lost
    photo.unlink()
    device = db.setting("device_id")
    result = restore_from(db, Path(made["file"]))
    restored = open_database(db.path)
    try:
        assert snapshots.describe(restored.path)["counts"]["loans"] == 1
        assert photo.exists()
        assert snapshots.describe(result["before"])["counts"]["loans"] == 2
        assert Path(result["before"]).name.startswith("before-restore-")
        assert restored.setting("device_id") == result["device_id"] != device
        assert json.loads(restored.setting("restored_from"))["previous_device"] == device
    finally:
        restored.dispose()


def test_an_encrypted_backup_opens_only_with_the_offices_private_key(book, stick, tmp_path):
    db = book.db
    book.loan()
    key = trust_an_office(db, tmp_path)
    other = trust_an_office(open_database(tmp_path / "elsewhere.sqlite"), tmp_path, "other-office")
    out = backup.write_backup(db, stick)
    file = Path(out["file"])
    assert out["warning"] is None and out["encrypted"]
    assert file.read_bytes().startswith(sealed_file.MAGIC) and b"3341900123454" not in file.read_bytes()
    info = backup.backup_info(file)  # told apart without the key
    assert info["encrypted"] and info["counts"]["loans"] == 1 and info["office"] == "สพอ.พิบูลมังสาหาร"
    with pytest.raises(InputError, match="needs the office's private key file"):
        backup.open_backup(file, db.path)
    with pytest.raises(InputError, match="encrypted to another office key"):
        backup.open_backup(file, db.path, other)
    with backup.open_backup(file, db.path, key) as staged:
        assert snapshots.describe(staged.database)["counts"]["loans"] == 1


def test_an_encrypted_backup_is_opened_without_a_plain_copy_of_it_on_disk(book, stick, tmp_path):
    book.loan()
    key = trust_an_office(book.db, tmp_path)
    file = Path(backup.write_backup(book.db, stick)["file"])
    with backup.open_backup(file, book.db.path, key) as staged:
        # only what is put in place is written out: the database and the photos, checked
        assert sorted(p.name for p in Path(staged.folder.name).iterdir()) == ["database.sqlite", "photos"]
    assert not list(book.db.path.parent.glob(".restore-*"))


def test_what_a_killed_restore_left_beside_the_database_goes_at_the_next_start(book, stick):
    book.loan()
    file = Path(backup.write_backup(book.db, stick)["file"])
    killed = subprocess.run([sys.executable, "-c", (
        "import os, signal, sys; from pathlib import Path; from exports import backup; "
        "staged = backup.open_backup(Path(sys.argv[1]), Path(sys.argv[2])); os.kill(os.getpid(), signal.SIGKILL)"),
        str(file), str(book.db.path)], cwd=Path(__file__).parent.parent)
    assert killed.returncode == -signal.SIGKILL
    left = list(book.db.path.parent.glob(".restore-*"))
    assert len(left) == 1 and (left[0] / "database.sqlite").exists()
    ours = Path(tempfile.mkdtemp(prefix=f".restore-{os.getpid()}-", dir=book.db.path.parent))  # a restore under way
    automatic._start(book.db.path)
    assert not left[0].exists() and ours.exists()


@pytest.mark.parametrize("encrypted", [False, True])
def test_a_damaged_backup_is_refused_and_nothing_changes(book, stick, tmp_path, encrypted):
    db = book.db
    book.loan()
    key = trust_an_office(db, tmp_path) if encrypted else None
    file = Path(backup.write_backup(db, stick)["file"])
    raw = bytearray(file.read_bytes())
    raw[len(raw) // 2] ^= 0x40
    file.write_bytes(bytes(raw))
    book.loan()
    with pytest.raises(InputError, match="damaged"):
        restore_from(db, file, key)
    assert snapshots.describe(db.path)["counts"]["loans"] == 2
    assert not backups_dir(db.path).exists()  # not even the copy set aside before a restore


def test_restore_waits_until_no_other_program_has_the_database_open(book, stick):
    db = book.db
    file = Path(backup.write_backup(db, stick)["file"])
    book.loan()
    with db.engine.connect():  # the app still has it open
        with backup.open_backup(file, db.path) as staged, pytest.raises(InputError, match="open in another program"):
            backup.restore(db.path, staged)
    assert snapshots.describe(db.path)["counts"]["loans"] == 1
    assert not list(backups_dir(db.path).glob("before-restore-*"))  # nothing changed, nothing left behind


def test_a_backup_from_a_newer_program_is_refused(db, tmp_path):
    newer = tmp_path / "newer.sqlite"
    con = sqlite3.connect(newer)
    con.execute("CREATE TABLE alembic_version (version_num TEXT)")
    con.execute("INSERT INTO alembic_version VALUES ('0099')")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="newer fieldtool"):
        snapshots.check_restorable(newer)


def test_a_backup_is_not_taken_for_a_bundle(book, stick, tmp_path):
    trust_an_office(book.db, tmp_path)
    file = Path(backup.write_backup(book.db, stick)["file"])
    with pytest.raises(InputError, match="is a backup, not a bundle"):
        sealed_file.read_header(file)


# --- the command line ---------------------------------------------------------------------------------------


def test_backup_and_restore_from_the_command_line_ask_first(book, stick, capsys, monkeypatch):
    db = book.db
    book.loan()
    assert main(["--db", str(db.path), "backup", "--out", str(stick)]) == 0
    out = capsys.readouterr()
    assert "NOT encrypted" in out.err and "สัญญาเงินกู้ 1" in out.out
    file = next(stick.glob("*.ftbackup"))
    book.loan()
    db.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["--db", str(db.path), "restore", str(file)]) == 0
    out = capsys.readouterr()
    assert "สัญญาเงินกู้ 1" in out.out and "สัญญาเงินกู้ 2" in out.out  # the backup, and the database now
    assert "[y/N]" in out.err and "nothing restored" in out.out
    assert snapshots.describe(db.path)["counts"]["loans"] == 2
    assert main(["--db", str(db.path), "--json", "restore", str(file), "--yes"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["restored"]["counts"]["loans"] == 1 and Path(result["before"]).exists()
    assert snapshots.describe(db.path)["counts"]["loans"] == 1


def test_a_new_laptop_restores_an_encrypted_backup_with_the_offices_key(book, stick, tmp_path, capsys):
    book.loan()
    key = trust_an_office(book.db, tmp_path)
    file = Path(backup.write_backup(book.db, stick)["file"])
    new_laptop = tmp_path / "new-laptop" / "fieldtool.sqlite"
    assert main(["--db", str(new_laptop), "restore", str(file), "--yes"]) == 2
    assert "private key file" in capsys.readouterr().err
    assert not new_laptop.exists()
    assert main(["--db", str(new_laptop), "restore", str(file), "--key", str(key), "--yes"]) == 0
    assert "no database there yet" in capsys.readouterr().out
    assert snapshots.describe(new_laptop)["counts"]["loans"] == 1


# --- the bundle sequence after a restore ----------------------------------------------------------------------


@pytest.fixture
def office(request, tmp_path):
    made = make_office("sqlite", tmp_path, request)
    yield made
    made.dispose()


def office_totals(db) -> dict:
    with db.session() as s:
        states = loanbook.load_states(s, date(2026, 2, 1))
        count, paid = s.execute(select(func.count(), func.sum(Payment.amount_satang))).one()
    return {"outstanding": sorted(st.outstanding_satang for st in states.values()), "payments": count, "paid": paid}


def test_a_restored_laptop_goes_on_with_its_bundles_and_the_office_counts_everything_once(laptop, office, stick):  # noqa: F811
    a = laptop("a", office=office)
    first = a.loan(10_000)
    a.pay(first, 100_000)
    bundle.import_bundle(office, a.export())  # bundle 1
    made = backup.write_backup(a.db, stick)
    second = a.loan(5_000)  # work after the backup, sent in bundle 2, then the laptop dies
    a.pay(second, 200_000)
    bundle.import_bundle(office, a.export())  # bundle 2
    old_device = a.device_id

    result = restore_from(a.db, Path(made["file"]), default_key_path(office))
    a.db = open_database(a.db.path)
    a.device_id = result["device_id"]
    assert result["kept_key_id"] and not result["new_key_id"]  # the officer's key file stays: nothing to enrol
    third = a.loan(2_000)  # new work after the restore
    a.pay(first, 50_000)
    a.pay(third, 20_000)
    third_bundle = bundle.import_bundle(office, a.export())  # bundle 3

    assert third_bundle["status"] == "imported" and third_bundle["gap"] is None
    assert (third_bundle["bundle_seq"], third_bundle["succeeded"]) == (3, old_device)
    with office.session() as s:
        listed = {d.key_id: d for d in officedesk.device_items(s)}
        assert [(d.device_id, d.last_bundle) for d in listed.values()] == [(a.device_id, 3)]
        assert sorted(b.bundle_seq for b in officedesk.received_bundles(s)) == [1, 2, 3]  # no "bundle 2" twice
    expected = {"outstanding": sorted([1_000_000 - 150_000, 500_000 - 200_000, 200_000 - 20_000]),
                "payments": 4, "paid": 100_000 + 200_000 + 50_000 + 20_000}
    assert office_totals(office) == expected
    with office.session() as s:
        assert device_gaps(s, old_device) is None and device_gaps(s, a.device_id) is None
    # The office's return bundle brings back to the laptop what it had sent after the backup.
    back = bundle.export_return_bundle(office, a.device_id, stick / "return.ftb")
    bundle.import_bundle(a.db, Path(back["file"]))
    assert office_totals(a.db) == expected
