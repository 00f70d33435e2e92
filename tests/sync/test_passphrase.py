"""A passphrase on the private key files: set when the keys are made or later, asked for whenever a bundle
is made or opened (environment for scripts, the terminal for a person), one sentence when wrong."""

from __future__ import annotations

import json
import os
import pty
import select
import stat
import subprocess
import sys
import time

import pytest

from db.office import default_key_path
from exports import bundle, keyfile
from fieldtool.models import Household
from tests.sync.conftest import snapshot, target_args
from tests.sync.test_sync_bundle import cli, cli_json, error_line
from tests.sync.test_sync_crash import ROOT

PASSPHRASE = "ผักบุ้ง ลอยฟ้า 2569"
SQLITE_ONLY = pytest.mark.parametrize("office", ["sqlite"], indirect=True)


def lock(capsys, monkeypatch, db_args: list[str], command: str = "keys", old: str | None = None,
         new: str = PASSPHRASE) -> dict:
    """`keys passphrase` as a script runs it: the current passphrase and the new one from the environment."""
    if old is None:
        monkeypatch.delenv(keyfile.PASSPHRASE_ENV, raising=False)
    else:
        monkeypatch.setenv(keyfile.PASSPHRASE_ENV, old)
    monkeypatch.setenv(keyfile.NEW_PASSPHRASE_ENV, new)
    out = cli_json(capsys, *db_args, command, "passphrase")
    monkeypatch.delenv(keyfile.NEW_PASSPHRASE_ENV)
    monkeypatch.delenv(keyfile.PASSPHRASE_ENV, raising=False)
    return out


def test_keys_made_with_a_passphrase_keep_no_private_key_in_the_clear(db, capsys, monkeypatch):
    monkeypatch.setenv(keyfile.PASSPHRASE_ENV, PASSPHRASE)
    made = cli_json(capsys, "--db", str(db.path), "keys", "init", "--passphrase")
    key_file = default_key_path(db)
    data = json.loads(key_file.read_text())
    assert made["locked"] and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "sign_private" not in data and "box_private" not in data
    assert keyfile.read_private_key(key_file, "officer", PASSPHRASE).key_id == made["key_id"]


@SQLITE_ONLY
def test_a_locked_laptop_key_is_asked_for_when_a_bundle_is_made(laptop, office, capsys, monkeypatch):
    a = laptop("a", office=office)
    a.loan()
    lock(capsys, monkeypatch, ["--db", str(a.db.path)])
    out = a.out / "341905-1.ftb"
    before = snapshot(a.db)

    # a script without the passphrase, and one with a wrong one: one sentence each, nothing written
    line = error_line(capsys, "--db", str(a.db.path), "bundle", "export", "--out", str(out))
    assert "locked" in line and keyfile.PASSPHRASE_ENV in line
    monkeypatch.setenv(keyfile.PASSPHRASE_ENV, "ผักบุ้ง ลอยน้ำ")
    line = error_line(capsys, "--db", str(a.db.path), "bundle", "export", "--out", str(out))
    assert "รหัสผ่านของไฟล์กุญแจไม่ถูกต้อง" in line and "is wrong" in line
    assert snapshot(a.db) == before and list(a.out.iterdir()) == []

    monkeypatch.setenv(keyfile.PASSPHRASE_ENV, PASSPHRASE)
    assert cli_json(capsys, "--db", str(a.db.path), "bundle", "export", "--out", str(out))["bundle_seq"] == 1
    monkeypatch.delenv(keyfile.PASSPHRASE_ENV)
    assert bundle.import_bundle(office, out)["status"] == "imported"  # the office never knew it was locked


@SQLITE_ONLY
def test_a_person_types_the_passphrase_on_the_terminal(laptop, office, capsys, monkeypatch):
    a = laptop("a", office=office)
    lock(capsys, monkeypatch, ["--db", str(a.db.path)])
    out = a.out / "341905-1.ftb"
    a.db.engine.dispose()
    env = {k: v for k, v in os.environ.items() if k != keyfile.PASSPHRASE_ENV}
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "--db", str(a.db.path), "bundle", "export", "--out",
                             str(out)], cwd=ROOT, env=env, stdin=follower, stdout=follower, stderr=follower,
                            start_new_session=True)
    os.close(follower)
    try:
        said = read_until(leader, "key passphrase")
        os.write(leader, (PASSPHRASE + "\n").encode())
        said += read_until(leader, "341905-1.ftb")
        assert proc.wait(timeout=60) == 0, said
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    assert PASSPHRASE not in said  # not echoed
    assert bundle.import_bundle(office, out)["status"] == "imported"


def read_until(fd: int, needle: str, seconds: float = 60) -> str:
    seen = b""
    deadline = time.monotonic() + seconds
    while needle.encode() not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"the terminal never showed {needle!r}; it showed:\n{seen.decode('utf-8', 'replace')}")
        if select.select([fd], [], [], 0.5)[0]:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
    return seen.decode("utf-8", "replace")


@SQLITE_ONLY
def test_the_passphrase_is_set_changed_and_removed_and_the_key_stays_the_same(laptop, office, capsys, monkeypatch,
                                                                              tmp_path):
    a = laptop("a", office=office)
    db_args = ["--db", str(a.db.path)]
    key_file = default_key_path(a.db)
    key_id = json.loads(key_file.read_text())["key_id"]

    assert lock(capsys, monkeypatch, db_args)["locked"]
    # the public key file needs no passphrase: it is made from what the locked file keeps readable
    cli(capsys, *db_args, "keys", "export", "--out", str(tmp_path / "a.pub"))
    assert json.loads((tmp_path / "a.pub").read_text())["key_id"] == key_id

    lock(capsys, monkeypatch, db_args, old=PASSPHRASE, new="มะม่วง หิมพานต์ 99")
    assert keyfile.read_private_key(key_file, "officer", "มะม่วง หิมพานต์ 99").key_id == key_id
    with pytest.raises(keyfile.PassphraseError):
        keyfile.read_private_key(key_file, "officer", PASSPHRASE)

    monkeypatch.setenv(keyfile.PASSPHRASE_ENV, "มะม่วง หิมพานต์ 99")
    assert not cli_json(capsys, *db_args, "keys", "passphrase", "--remove")["locked"]
    monkeypatch.delenv(keyfile.PASSPHRASE_ENV)
    assert "sign_private" in json.loads(key_file.read_text())  # back to the first release's form
    assert bundle.import_bundle(office, a.export())["status"] == "imported"  # still the key the office enrolled


@SQLITE_ONLY
def test_a_wrong_current_passphrase_or_a_short_new_one_changes_nothing(laptop, office, capsys, monkeypatch):
    a = laptop("a", office=office)
    db_args = ["--db", str(a.db.path)]
    key_file = default_key_path(a.db)
    monkeypatch.setenv(keyfile.NEW_PASSPHRASE_ENV, "สั้น")
    assert "at least 8 characters" in error_line(capsys, *db_args, "keys", "passphrase")
    lock(capsys, monkeypatch, db_args)
    locked = key_file.read_bytes()

    monkeypatch.setenv(keyfile.PASSPHRASE_ENV, "not the passphrase")
    monkeypatch.setenv(keyfile.NEW_PASSPHRASE_ENV, "another passphrase")
    assert "is wrong" in error_line(capsys, *db_args, "keys", "passphrase")
    assert "is wrong" in error_line(capsys, *db_args, "keys", "passphrase", "--remove")
    assert key_file.read_bytes() == locked


@SQLITE_ONLY
def test_a_locked_office_key_opens_bundles_and_writes_return_bundles_with_its_passphrase(
        laptop, office, capsys, monkeypatch):
    a = laptop("a", office=office)
    office_args = target_args(office)
    assert lock(capsys, monkeypatch, office_args, command="office-keys")["locked"]
    path = a.export()
    before = snapshot(office)
    assert "locked" in error_line(capsys, "bundle", "import", str(path), *office_args)
    assert snapshot(office) == before

    monkeypatch.setenv(keyfile.PASSPHRASE_ENV, PASSPHRASE)
    assert cli_json(capsys, "bundle", "import", str(path), *office_args)["bundles"][0]["status"] == "imported"
    with office.session() as s:  # the office corrects the household's phone: a change to send back
        s.get(Household, a.household_id).phone = "0850000000"
    back = a.out / "back.ftb"
    cli(capsys, "office", "return-bundle", "--device", a.device_id, "--out", str(back), *office_args)
    monkeypatch.delenv(keyfile.PASSPHRASE_ENV)
    assert bundle.import_bundle(a.db, back)["status"] == "imported"
    with a.db.session() as s:
        assert s.get(Household, a.household_id).phone == "0850000000"
