"""What a bundle leaves on disk: no plaintext after a kill, no half-written file taken as a bundle, one
bundle number however an export was stopped, and a damaged file called damaged."""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.office import photo_dir
from exports import bundle, sealed_file, sync_keys
from tests.sync.conftest import snapshot, target_args
from tests.sync.test_sync_bundle import cli, error_line
from tests.sync.test_sync_crash import ROOT, wait_for_line
from ui.cli import main
from ui.office.imports import expand

SQLITE_ONLY = pytest.mark.parametrize("office", ["sqlite"], indirect=True)
# what a lost temporary file must never show: the household's national ID, phone and name, the zip's parts
SECRETS = ("3341900123454", "0899999999", "บุญมี", "changes.jsonl", "manifest.json")


def plaintext_in(*folders: Path) -> list[str]:
    """Every file under the folders (database files aside) that shows a secret, with the secret."""
    found = []
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and ".sqlite" not in p.name:
                data = p.read_bytes()
                found += [f"{p}: {s}" for s in SECRETS if s.encode() in data]
    return found


def killed_at(args: list[str], env: dict, needle: str) -> None:
    """Run `python -m ui.cli ARGS`, wait until it says `needle` (paused at the worst moment), SIGKILL it."""
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_line(proc, needle)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def export_killed(lap, out: Path, moment: str, temp: Path) -> None:
    lap.db.engine.dispose()  # the child has the database to itself
    killed_at(["--db", str(lap.db.path), "bundle", "export", "--out", str(out)],
              {bundle.EXPORT_PAUSE_ENV: f"{moment}:120", "TMPDIR": str(temp)}, f"export paused {moment}")


def hidden_parts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".part"))


def received(office, device: str) -> list[tuple[int, int, int]]:
    """The bundles of one laptop the office lists: (number, first change, last change)."""
    from sqlalchemy import select

    from fieldtool.models import SyncBundle

    with office.session() as s:
        rows = s.scalars(select(SyncBundle).where(SyncBundle.direction == "in", SyncBundle.source_device == device)
                         .order_by(SyncBundle.bundle_seq))
        return [(r.bundle_seq, r.seq_from, r.seq_to) for r in rows]


# --- no plaintext on disk ----------------------------------------------------------------------------------


@SQLITE_ONLY
def test_an_import_killed_after_decrypting_leaves_no_plaintext_on_disk(laptop, office, tmp_path):
    a = laptop("a", office=office)
    a.pay(a.loan(), 100_000)
    path = a.export()
    temp = tmp_path / "temp"
    temp.mkdir()
    before = snapshot(office)
    office.engine.dispose()

    # paused inside the merge's transaction: the payload has been decrypted and read
    killed_at(["bundle", "import", str(path), *target_args(office)], {bundle.PAUSE_ENV: "120", "TMPDIR": str(temp)},
              "paused inside its transaction")

    assert plaintext_in(temp, a.out, office.folder) == []
    assert list(temp.iterdir()) == []
    assert snapshot(office) == before
    assert bundle.import_bundle(office, path)["status"] == "imported"


@SQLITE_ONLY
def test_an_export_killed_before_its_rename_leaves_no_plaintext_and_no_bundle(laptop, office, tmp_path, capsys):
    a = laptop("a", office=office)
    a.pay(a.loan(), 100_000)
    temp = tmp_path / "temp"
    temp.mkdir()
    out = a.out / "341905-1.ftb"

    export_killed(a, out, "before-rename", temp)

    assert not out.exists()
    [part] = hidden_parts(a.out)  # sealed and complete, but under its hidden name
    assert plaintext_in(temp, a.out) == [] and list(temp.iterdir()) == []
    assert sync_keys.field_sync_status(a.db).last_out == 0  # the laptop never recorded it as sent

    # the part file is never taken as a bundle, even named explicitly, nor picked from a folder
    before = snapshot(office)
    line = error_line(capsys, "bundle", "import", str(part), *target_args(office))
    assert ".part" in line and "never a bundle" in line
    assert snapshot(office) == before
    assert expand([a.out]) == []

    # the next export into the folder sweeps it away and makes bundle 1 whole
    made = bundle.export_field_bundle(a.db, out)
    assert made["bundle_seq"] == 1 and hidden_parts(a.out) == []
    assert bundle.import_bundle(office, out)["status"] == "imported"


@SQLITE_ONLY
@pytest.mark.parametrize("order", ["stopped file first", "new file first"])
def test_an_export_killed_after_its_rename_is_one_bundle_to_the_office(laptop, office, tmp_path, order):
    from tests.sync.test_sync_merge import paid

    a = laptop("a", office=office)
    loan = a.loan()
    a.pay(loan, 100_000)
    temp = tmp_path / "temp"
    temp.mkdir()
    stopped = a.out / "341905-1.ftb"

    export_killed(a, stopped, "after-rename", temp)

    assert sealed_file.read_header(stopped).header["kind"] == "field"  # a complete bundle under its name
    assert sync_keys.field_sync_status(a.db).last_out == 0  # that the laptop never recorded as sent
    assert plaintext_in(temp) == []
    a.pay(loan, 50_000)
    again = a.out / "341905-1-again.ftb"
    made = bundle.export_field_bundle(a.db, again)
    assert made["bundle_seq"] == 1  # so the laptop makes bundle 1 again, reaching further

    first, second = (stopped, again) if order == "stopped file first" else (again, stopped)
    bundle.import_bundle(office, first)
    answer = bundle.import_bundle(office, second)
    if order == "stopped file first":
        assert answer["status"] == "imported" and answer["made_again_of"] == stopped.name
    else:
        assert answer["status"] == "already" and answer["entries_new"] == 0
    assert received(office, a.device_id) == [(1, 1, made["seq_to"])]  # one bundle 1, the longer range
    assert paid(office, loan) == 150_000
    with office.session() as s:
        from fieldtool.sync.office import device_gaps

        assert device_gaps(s, a.device_id) is None


@SQLITE_ONLY
def test_photos_go_straight_to_the_office_photo_folder(laptop, office, tmp_path):
    from PIL import Image

    a = laptop("a", office=office)
    picture = tmp_path / "visit.jpg"
    Image.new("RGB", (64, 48), (200, 120, 40)).save(picture)
    assert main(["--db", str(a.db.path), "visit", "add", "--on", "2026-01-10", "--village", "3",
                 "--findings", "กลุ่มทอผ้าได้ ๔ ผืน", "--photo", str(picture)]) == 0
    result = bundle.import_bundle(office, a.export())
    photos = sorted(photo_dir(office).iterdir())
    assert result["photos_new"] == 1 and [p.suffix for p in photos] == [".jpg"]  # no staging folder, no part


# --- part files -----------------------------------------------------------------------------------------------


@SQLITE_ONLY
def test_part_files_of_a_dead_export_are_swept_but_a_running_ones_and_other_programs_are_kept(laptop, office):
    a = laptop("a", office=office)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    dead = a.out / f".341905-7.ftb.{dead_pid}-k2j4.part"
    running = a.out / f".341905-8.ftb.{os.getpid()}-x9q1.part"
    older = a.out / ".341905-6.ftb.a8d3kq0z.part"  # an older version's name, without the writer's id
    foreign = a.out / ".notes.txt.part"  # another program's
    for p in (dead, running, older):
        p.write_bytes(sealed_file.MAGIC + b"\x00\x01")
    foreign.write_text("ร่างบันทึก")

    a.export()

    assert hidden_parts(a.out) == sorted([running, foreign])


def test_a_folder_import_takes_only_bundle_files(tmp_path):
    stick = tmp_path / "usb"
    (stick / "เดือนนี้").mkdir(parents=True)
    bundle_file = stick / "เดือนนี้" / "341905-3.ftb"
    for p in (bundle_file, stick / "._341905-3.ftb", stick / ".341905-4.ftb.123-abc.part", stick / "อ่านก่อน.txt"):
        p.write_bytes(sealed_file.MAGIC)
    assert expand([stick]) == [bundle_file]


@SQLITE_ONLY
def test_plain_payload_folders_older_versions_left_are_removed_at_the_next_import(laptop, office, tmp_path,
                                                                                   monkeypatch):
    import tempfile

    a = laptop("a", office=office)
    temp = tmp_path / "temp"
    stale, fresh = temp / "ftbundle-k2j4abcd", temp / "ftbundle-x9q1abcd"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
        (folder / "payload.zip").write_bytes(b"PK\x03\x04 3341900123454")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # this run's temporary folder

    bundle.import_bundle(office, a.export())

    assert not stale.exists()
    assert fresh.exists()  # changed minutes ago: an old version may still be at work in it


# --- a damaged file is called damaged ----------------------------------------------------------------------


def _with_version(data: bytes, version: int, header_format: int | None = None) -> bytes:
    """The bundle with its version field set; with `header_format`, the header's "format" too (well formed)."""
    hlen = struct.unpack(">I", data[10:14])[0]
    header = data[14:14 + hlen]
    if header_format is not None:
        header = json.dumps({**json.loads(header), "format": header_format}, sort_keys=True).encode()
    return data[:8] + struct.pack(">HI", version, len(header)) + header + data[14 + hlen:]


@SQLITE_ONLY
@pytest.mark.parametrize("version, header_format, expected", [
    (0x0101, None, "is damaged"),  # a bit flipped in the high byte
    (0, None, "is damaged"),  # the low bit flipped
    (3, None, "is damaged"),  # a plausible number its header does not agree with
    (2, 2, "newer than this program knows"),  # a well-formed header of format 2
])
def test_a_damaged_version_is_called_damaged_and_only_a_well_formed_newer_one_newer(
        laptop, office, capsys, version, header_format, expected):
    a = laptop("a", office=office)
    path = a.export()
    path.write_bytes(_with_version(path.read_bytes(), version, header_format))
    before = snapshot(office)
    line = error_line(capsys, "bundle", "import", str(path), *target_args(office))
    assert expected in line
    if expected == "is damaged":
        assert "ไฟล์ชุดข้อมูลเสียหาย" in line and "newer" not in line
    assert snapshot(office) == before
    out = cli(capsys, "--json", "bundle", "import", str(a.export()), *target_args(office))
    assert json.loads(out.out)["bundles"][0]["status"] == "imported"  # the office is as it was
