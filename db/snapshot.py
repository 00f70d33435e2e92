"""A whole-database copy that is either complete and checked, or not there at all.

Used before every schema upgrade, by the rotating backups and by `fieldtool backup`. SQLite's online
backup copies a consistent picture even while the program has the file open (WAL included); the copy is
written to a hidden '.part' file beside its destination (fieldtool.whole_file), checked with `PRAGMA
integrity_check`, flushed to disk and only then renamed into place, so a kill at any moment leaves the old
state or the new one.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.whole_file import PRIVATE, WholeFile

BEFORE_UPGRADE = "before-upgrade-"  # the rotating backups keep their hands off files named so


class SnapshotError(InputError):
    """A copy of the database could not be made or failed its check."""


def backups_dir(db_path: Path | str) -> Path:
    """Where a database's copies live: `<stem>-backups/` beside the file (before-upgrade and rotating ones)."""
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.stem}-backups"


def backup_before_upgrade(db_path: Path | str, revision: str, now: datetime | None = None) -> Path:
    """The whole database as it is at `revision`, kept before a newer program changes its schema."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return copy_database(db_path, backups_dir(db_path) / f"{BEFORE_UPGRADE}{revision}-{stamp}.sqlite")


def copy_database(src: Path | str, dest: Path | str) -> Path:
    """Copy the SQLite database `src` to `dest` (replacing it atomically); return `dest`."""
    src, dest = Path(src), Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        whole = WholeFile(dest, PRIVATE)
    except OSError as exc:  # a read-only disk, a file where the folder should be: a sentence, not a traceback
        raise SnapshotError(Text(
            f"เขียนสำเนาฐานข้อมูลลงใน {dest.parent} ไม่ได้: {exc.strerror or exc}",
            f"cannot write a copy of the database into {dest.parent}: {exc.strerror or exc}",
        )) from exc
    try:
        with whole as tmp:
            source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
            try:
                target = sqlite3.connect(tmp)
                try:
                    source.backup(target)
                    target.execute("PRAGMA journal_mode=DELETE")
                    ok = target.execute("PRAGMA integrity_check").fetchone()[0]
                finally:
                    target.close()
            finally:
                source.close()
            if ok != "ok":
                raise SnapshotError(Text(
                    f"สำเนาฐานข้อมูลไม่ผ่านการตรวจสอบ ({ok}) จึงไม่ได้บันทึก",
                    f"the copy of the database failed its integrity check ({ok}) and was not kept",
                ))
        return dest
    except (sqlite3.Error, OSError) as exc:
        raise SnapshotError(Text(
            f"ทำสำเนาฐานข้อมูลไม่ได้: {exc}",
            f"cannot copy the database: {exc}",
        )) from exc
