"""Rotating snapshots of the field database, and putting a restored copy in its place.

A laptop that dies takes with it everything since its last bundle. The app copies its database
(db.snapshot.copy_database: SQLite's online backup, checked) into `<stem>-backups/` once a day when it
starts and again when it closes, and keeps 7 daily and 4 weekly copies. The same folder holds the copies
made before a schema upgrade and before a restore; the rotation removes only the files it made itself
(`snapshot-YYYY-MM-DD.sqlite`), never those.

A restored database becomes a new installation (a new device id): the laptop cannot know which of its
changes after the backup already reached the office in a bundle, so its old sequence numbers are left to
the old device. It remembers the device it succeeds, and with the officer's same key its next bundle tells
the office so (fieldtool.succession; README, "Backups").

What killed runs leave here is swept at the next start or restore: the `.restore-*` folders a restore opens
a backup in beside the database, and the hidden `.part` copies in `<stem>-backups/`.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from db import alembic_config
from db.snapshot import SnapshotError, backups_dir, copy_database
from fieldtool.models import new_id
from fieldtool.succession import SETTING as SUCCEEDS
from fieldtool.succession import lineage_after_restore
from fieldtool.text import Text

KEEP_DAILY = 7
KEEP_WEEKLY = 4
SNAPSHOT_NAME = re.compile(r"snapshot-(\d{4}-\d{2}-\d{2})\.sqlite")
BEFORE_RESTORE = "before-restore-"
PART_NAME = re.compile(r"\..+\.sqlite\.[A-Za-z0-9_]+\.part")  # copy_database's hidden name for a copy being made
PART_QUIET_SECONDS = 600  # a copy takes seconds; a part untouched this long is one a kill left
RESTORED_FROM = "restored_from"  # setting: which backup a restored database came from, and its old device id


# --- the rule ----------------------------------------------------------------------------------------------


def snapshots_to_keep(days: Iterable[date], daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY) -> set[date]:
    """The days whose snapshot stays: the newest `daily` days that have one, and the newest day of each of
    the newest `weekly` (ISO) weeks that have one. The two overlap on purpose, as restic's --keep-daily and
    --keep-weekly do: this week's newest copy is both, and the older weeks reach back about a month."""
    newest_first = sorted(set(days), reverse=True)
    keep = set(newest_first[:daily])
    weeks: set[tuple[int, int]] = set()
    for day in newest_first:
        week = day.isocalendar()[:2]
        if week in weeks:
            continue
        if len(weeks) == weekly:
            break
        weeks.add(week)
        keep.add(day)
    return keep


# --- the files -----------------------------------------------------------------------------------------------


def snapshot_path(db_path: Path | str, day: date) -> Path:
    return backups_dir(db_path) / f"snapshot-{day.isoformat()}.sqlite"


def snapshots(db_path: Path | str) -> dict[date, Path]:
    """The rotating snapshots of a database, by day (other files of the folder are not counted)."""
    folder = backups_dir(db_path)
    found = {}
    if folder.is_dir():
        for path in folder.iterdir():
            m = SNAPSHOT_NAME.fullmatch(path.name)
            if m:
                found[date.fromisoformat(m[1])] = path
    return found


def prune_snapshots(db_path: Path | str) -> list[Path]:
    """Remove the snapshots the rule no longer keeps, and the part files of copies that were killed; returns
    what was removed."""
    found = snapshots(db_path)
    keep = snapshots_to_keep(found)
    gone = [path for day, path in sorted(found.items()) if day not in keep]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone + stale_parts(db_path)


def stale_parts(db_path: Path | str, now: float | None = None) -> list[Path]:
    """Remove the hidden `.part` files a killed copy left in `<stem>-backups/` (db.snapshot.copy_database
    writes under that name). One written to in the last minutes may be a copy still being made: it stays."""
    now = time.time() if now is None else now
    gone: list[Path] = []
    folder = backups_dir(db_path)
    try:
        parts = [p for p in folder.iterdir() if PART_NAME.fullmatch(p.name)]
    except OSError:
        return gone
    for path in parts:
        try:
            if now - path.stat().st_mtime < PART_QUIET_SECONDS:
                continue
            path.unlink()
        except OSError:  # gone meanwhile, or held open (Windows)
            continue
        gone.append(path)
    return gone


def take_snapshot(db_path: Path | str, day: date) -> Path:
    """Copy the database as it is now into the day's snapshot (replacing an earlier one of that day)."""
    path = copy_database(db_path, snapshot_path(db_path, day))
    prune_snapshots(db_path)
    return path


def daily_snapshot(db_path: Path | str, today: date) -> Path | None:
    """The day's first snapshot, when the app starts and there is none for today yet."""
    if snapshot_path(db_path, today).exists():
        return None
    return take_snapshot(db_path, today)


# --- what a copy holds ------------------------------------------------------------------------------------

_V = TypeVar("_V")

COUNTED = ("households", "loans", "payments", "visits")
_TABLE_OF = {"households": "household", "loans": "loan", "payments": "payment", "visits": "visit"}


def describe(path: Path | str) -> dict[str, Any]:
    """What a database file holds, as the officer knows it: who, where, how many households, loans,
    payments and visits, and the last bundle sent to the office. Read with plain SQLite, so a backup of
    any age (an older schema) can be described before it is opened."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        def one(sql: str, *args: object, default: tuple[Any, ...] = ()) -> tuple[Any, ...]:
            try:
                row = con.execute(sql, args).fetchone()
            except sqlite3.OperationalError:  # a table an older schema lacks
                return default
            return tuple(row) if row is not None else default

        def setting(key: str) -> str:
            value: str = (one("SELECT value FROM setting WHERE key = ?", key) or ("",))[0]
            return value

        place = one("SELECT code, name FROM subdistrict WHERE id = ?", setting("subdistrict_id"), default=("", ""))
        last = one("SELECT bundle_seq, created_at FROM sync_bundle WHERE direction = 'out' AND kind = 'field' "
                   "ORDER BY created_at DESC LIMIT 1", default=(0, ""))
        return {
            "officer": setting("officer"),
            "device_id": setting("device_id"),
            "subdistrict_code": place[0],
            "subdistrict": place[1],
            "schema_version": (one("SELECT version_num FROM alembic_version") or ("",))[0],
            "counts": {name: one(f"SELECT count(*) FROM {_TABLE_OF[name]}", default=(0,))[0] for name in COUNTED},
            "last_bundle": last[0],
            "last_bundle_at": last[1] or "",
        }
    except sqlite3.Error as exc:
        raise SnapshotError(Text(f"อ่านฐานข้อมูลไม่ได้: {path}", f"cannot read the database {path}: {exc}")) from exc
    finally:
        con.close()


# --- restoring ----------------------------------------------------------------------------------------------


def check_restorable(path: Path) -> str:
    """A database file fit to be put in place: whole (integrity_check) and of a schema this program knows
    (the same or older: opening upgrades it). Returns its schema revision."""
    refused = SnapshotError(Text("ฐานข้อมูลในสำเนาสำรองเสียหาย จึงไม่ได้กู้คืน",
                                 "the database in the backup is damaged, so nothing was restored"))
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise refused
            revision: str = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            con.close()
    except (sqlite3.Error, TypeError) as exc:
        raise refused from exc
    from alembic.script import ScriptDirectory  # here, not at the top: the app starts without Alembic

    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:
        known = False
    if not known:
        raise SnapshotError(Text(
            "สำเนาสำรองนี้มาจากโปรแกรมรุ่นใหม่กว่า กรุณาปรับปรุงโปรแกรม fieldtool ก่อนกู้คืน",
            f"the backup was made by a newer fieldtool (schema {revision}); update the program before restoring it",
        ))
    return revision


@dataclass
class Restored:
    before: Path | None  # the copy of the database that was replaced (None: there was none)
    device_id: str  # the restored database's new device id
    previous_device: str  # the device id the backup was made on


def restore_database(staged: Path, db_path: Path, source: Mapping[str, object], now: datetime | None = None) -> Restored:
    """Put the checked database file `staged` (a private copy, changed here) in place of `db_path`.

    The current database is copied to `before-restore-*.sqlite` first; the swap is one atomic rename, so
    `db_path` holds the old database or the restored one, never half of either. `source` (the backup's
    file name and when it was made) is remembered in the setting `restored_from`.
    """
    now = now or datetime.now()
    db_path = Path(db_path)
    before = _set_aside(db_path, now) if db_path.exists() and db_path.stat().st_size else None
    previous, device = _new_installation(staged, {**source, "restored_at": now.isoformat(timespec="seconds")})
    copy_database(staged, db_path)
    return Restored(before, device, previous)


def _set_aside(db_path: Path, now: datetime) -> Path:
    """Copy the current database aside, and make sure no other program has it open: its write-ahead log
    must be gone before another file takes its name, or SQLite would apply it to the wrong database."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    before = copy_database(db_path, backups_dir(db_path) / f"{BEFORE_RESTORE}{stamp}.sqlite")
    try:
        con = sqlite3.connect(db_path)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
    except sqlite3.Error:
        pass  # the check below says what matters
    if Path(f"{db_path}-wal").exists() or Path(f"{db_path}-shm").exists():
        before.unlink()
        raise SnapshotError(Text(
            "ฐานข้อมูลเปิดอยู่ในโปรแกรมอื่น (เช่น หน้าต่าง fieldtool) กรุณาปิดก่อนกู้คืน ข้อมูลยังเหมือนเดิม",
            f"the database {db_path} is open in another program (a fieldtool window?); close it and restore "
            "again, nothing was changed",
        ))
    return before


def _new_installation(staged: Path, source: Mapping[str, object]) -> tuple[str, str]:
    """Give the staged copy a device id of its own and remember the device it succeeds (fieldtool.succession:
    how far that device's changes reach in this book, and the last bundle it knew that device sent); returns
    (the backup's device id, the new one).

    A `key_file` setting that names a file not on this machine goes: the key is then looked for beside the
    restored database (exports.backup keeps the officer's key file, or makes one).
    """
    device = new_id()
    con = sqlite3.connect(staged)
    try:
        with con:
            def row(sql: str, *args: object) -> tuple[Any, ...] | None:
                try:
                    found = con.execute(sql, args).fetchone()
                    return tuple(found) if found is not None else None
                except sqlite3.OperationalError:  # a table an older schema lacks (sync_bundle before 0005)
                    return None

            def value(sql: str, *args: object, default: _V) -> _V:
                found = row(sql, *args)
                return cast(_V, found[0]) if found and found[0] is not None else default

            previous = value("SELECT value FROM setting WHERE key = 'device_id'", default="")
            source = {**source, "previous_device": previous}
            held = value("SELECT max(seq) FROM change_log WHERE device_id = ?", previous, default=0)
            sent = row("SELECT seq_to, bundle_seq FROM sync_bundle WHERE direction = 'out' AND kind = 'field' "
                       "AND source_device = ? ORDER BY bundle_seq DESC LIMIT 1", previous) or (0, 0)
            lineage = lineage_after_restore(value("SELECT value FROM setting WHERE key = ?", SUCCEEDS, default="[]"),
                                            previous, held, *sent)
            for key, text in (("device_id", device), (RESTORED_FROM, json.dumps(source, ensure_ascii=False)),
                              (SUCCEEDS, lineage)):
                con.execute("INSERT INTO setting (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, text))
            key_file = value("SELECT value FROM setting WHERE key = 'key_file'", default="")
            if key_file and not Path(key_file).is_file():
                con.execute("DELETE FROM setting WHERE key = 'key_file'")
    finally:
        con.close()
    return previous, device
