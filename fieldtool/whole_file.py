"""A file saved whole or not at all: written under a hidden part name beside its target, synced to the disk,
renamed onto the target in one step and the rename made durable; on any failure the part file goes and the
target is as it was (a kill leaves at most a hidden `.<name>.<random>.part`, which db.backup sweeps for its
copies).

It sits in fieldtool, the lowest layer, because every layer saves files so and a layer may import only those
below it (ui -> exports -> db -> fieldtool): exports (PDFs, workbooks, backups, key files), db (the checked
copies of the database, db.snapshot) and fieldtool itself (visit photos). It touches only the file system.

A file written for what a transaction records (a letter, a photo, a bundle) stays the transaction's
business: once saved, the caller names it with fieldtool.transaction_files.remove_on_rollback.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from fieldtool.text import Text
from fieldtool.thai import InputError

PART_SUFFIX = ".part"
PRIVATE = 0o600  # owner only: backups, database copies, key files, photos


class WholeFile:
    """The hidden part file beside `out`, made at once, so that a folder that cannot be written fails before
    any work. `with WholeFile(out) as part:` gives the part's path to write (and close); when the block ends
    without an error the part is synced and renamed onto `out`, and in every case no part file is left.
    Errors are the file system's own (OSError); `write_whole` turns them into one sentence."""

    def __init__(self, out: Path, mode: int = 0o666) -> None:
        self.out = Path(out)
        self.part = self.out.with_name(f".{self.out.name}.{secrets.token_hex(4)}{PART_SUFFIX}")
        os.close(os.open(self.part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))

    def __enter__(self) -> Path:
        return self.part

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            if kind is None:
                with open(self.part, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(self.part, self.out)
                fsync_dir(self.out.parent)
        finally:
            self.part.unlink(missing_ok=True)  # after the rename the name is already gone


def write_whole(out: Path, write: Callable[[Path], object], mode: int = 0o666) -> Path:
    """Save `out` whole with `write(part)` (which writes the part file by its path); returns `out`.

    A file system error becomes one sentence, "cannot write <out>: <reason>"; `out` is then untouched."""
    out = Path(out)
    try:
        with WholeFile(out, mode) as part:
            write(part)
    except OSError as e:
        raise _cannot_write(out, e) from e
    return out


def check_writable(out: Path) -> None:
    """Refuse at once, with one sentence, a path that cannot be written (missing folder, a folder, read-only)."""
    out = Path(out)
    if out.is_dir():
        raise InputError(Text(f"บันทึกไฟล์ไม่ได้: {out} เป็นโฟลเดอร์", f"cannot write {out}: it is a folder"))
    try:
        probe = WholeFile(out)
    except OSError as e:
        raise _cannot_write(out, e) from e
    probe.part.unlink(missing_ok=True)


def _cannot_write(out: Path, e: OSError) -> InputError:
    return InputError(Text(f"บันทึกไฟล์ไม่ได้: {out}", f"cannot write {out}: {e.strerror or e}"))


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (a no-op where directories cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
