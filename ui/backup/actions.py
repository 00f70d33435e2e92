"""What the main window does around the dialogs: say where a backup went; put a restored one in place.

Restoring replaces the file the window has open, so the window first lets go of it (its loan and
household windows close, background loads finish, the engine's connections close) and afterwards shows
the restored database as it would any other (`switch_database`).
"""

from __future__ import annotations

from pathlib import Path

from db import open_database
from exports import backup
from fieldtool.thai import InputError
from ui.backup.dialogs import BackupDialog, RestoreDialog
from ui.i18n import tr
from ui.qt import QThreadPool


def back_up(window) -> dict | None:
    """สำรองข้อมูล…: the dialog, then one line on the status bar saying where the file is."""
    out = BackupDialog.ask(window, window.db)
    if out is not None:
        key = "backup.saved_plain" if out["warning"] else "backup.saved"
        window.statusBar().showMessage(tr(key, path=out["file"]), 15000)
    return out


def restore(window) -> dict | None:
    """กู้คืนข้อมูล…: the dialog (the backup opened and checked), then the swap and the window on the
    restored book, with what to do next on the today page."""
    staged = RestoreDialog.ask(window, window.db)
    if staged is None:
        return None
    path = Path(window.db.path)
    with staged:
        for page in [*window.loan_pages, *window.household_pages]:
            page.close()
        QThreadPool.globalInstance().waitForDone()
        window.db.dispose()
        try:
            result = backup.restore(path, staged)
        except InputError as exc:
            window.today.message.show_error(exc)
            return None
    window.switch_database(open_database(path))
    done = (tr("restore.done", file=result["file"], before=result["before"]) if result["before"]
            else tr("restore.done_new", file=result["file"]))
    key = tr("restore.new_key") if result["new_key_id"] else tr("restore.kept_key") if result["kept_key_id"] else ""
    window.today.message.show_warning(f"{done} {key}".strip())
    return result
