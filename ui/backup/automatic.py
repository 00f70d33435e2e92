"""The app's automatic copies of the field database (db.backup): the day's first when it starts, and the
last state of the day when it closes. The demo's made-up book is not copied. Starting also clears what a
killed restore or copy left beside the database."""

from __future__ import annotations

import sys
from pathlib import Path

from db import backup as snapshots
from fieldtool.thai import InputError, today_in_thailand
from ui import worker
from ui.i18n import error_text, tr


def _wanted(db) -> bool:
    return db.engine.dialect.name == "sqlite" and db.setting("demo") != "1"


def start_of_day(window) -> None:
    """Today's first copy, in the background; a copy that cannot be made is said on the status bar."""
    db = window.db
    if not _wanted(db):
        return

    def failed(exc: BaseException) -> None:
        detail = error_text(exc) if isinstance(exc, InputError) else str(exc)
        window.statusBar().showMessage(tr("backup.snapshot_failed", detail=detail))

    worker.run_in_background(lambda: _start(db.path), None, failed, window)


def _start(db_path: Path):
    """What killed runs left beside the database (a restore's folder, a copy's part file), then the copy.
    The restore code (bundles, keys, workbooks) is loaded here, in the background, not before the window."""
    from exports import backup

    backup.sweep_restore_leftovers(db_path)
    snapshots.stale_parts(db_path)
    return snapshots.daily_snapshot(db_path, today_in_thailand())


def at_close(window) -> None:
    """The day's copy again as the app closes (the window is gone: a failure goes to stderr)."""
    db = window.db
    if not _wanted(db):
        return
    try:
        snapshots.take_snapshot(db.path, today_in_thailand())
    except (InputError, OSError) as exc:
        print(f"ทำสำเนาอัตโนมัติไม่ได้ (automatic copy failed): {exc}", file=sys.stderr)
