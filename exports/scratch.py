"""Where a bundle's plaintext lives while it is written or read, and what a killed run leaves behind.

The payload zip of a bundle (names, national IDs, phones, photos) has to exist somewhere while it is made
or opened, and a zip needs a file it can seek in; a big one (photos) does not fit in memory. It lives in an
anonymous temporary file, which the operating system removes when the process ends however it ends (a kill
included), and what reaches that file is encrypted with a key held only in this process's memory: a kill
leaves no file to find, and the disk's freed blocks hold no plaintext either.

The bundle file itself is written under a hidden `.part` name and renamed when complete; the part files a
killed export left (and the plaintext folders older versions left in the temporary folder) are swept up
at the next export or import.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BUFFER = 256 * 1024
BLOCK = 16  # AES block: the counter counts these
LEGACY_TEMP_PREFIX = "ftbundle-"  # folders with a plain payload.zip, made by versions before this one
LEGACY_QUIET_SECONDS = 600  # a legacy folder changed more recently may still be in use by an old version
PART_SUFFIX = ".part"
_OURS = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[A-Za-z0-9_]+\.part$")  # see hidden_part_name
_STAGING = re.compile(r"^\.incoming-(?P<pid>\d+)$")  # photo staging folders of versions before this one


class _SealedScratch(io.RawIOBase):
    """A seekable file whose bytes on disk are AES-256-CTR under a key that never leaves this object.

    CTR mode, not an authenticated cipher: the scratch is read back by the process that wrote it, and only
    random access (what zipfile needs) matters here; the bundle's own encryption is authenticated.
    """

    def __init__(self, backing) -> None:
        super().__init__()
        self._file = backing
        self._key = os.urandom(32)
        self._nonce = int.from_bytes(os.urandom(8), "big") << 64  # high half random, low half the block counter
        self._pos = 0

    def _xor(self, data: bytes, offset: int) -> bytes:
        block, skip = divmod(offset, BLOCK)
        counter = (self._nonce + block) % (1 << 128)
        stream = Cipher(algorithms.AES(self._key), modes.CTR(counter.to_bytes(16, "big"))).encryptor()
        return stream.update(bytes(skip) + data)[skip:]

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self._file.seek(self._pos)
        raw = self._file.read(len(buffer))
        n = len(raw)
        buffer[:n] = self._xor(raw, self._pos)
        self._pos += n
        return n

    def write(self, data) -> int:
        data = bytes(data)
        self._file.seek(self._pos)
        self._file.write(self._xor(data, self._pos))
        self._pos += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: os.fstat(self._file.fileno()).st_size}[whence]
        if base + offset < 0:
            raise OSError(22, "negative seek position")
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def truncate(self, size: int | None = None) -> int:
        size = self._pos if size is None else size
        self._file.truncate(size)
        return size

    def close(self) -> None:
        if not self.closed:
            self._file.close()
            self._key = b""
        super().close()


@contextmanager
def scratch() -> Iterator[io.BufferedRandom]:
    """A private, seekable scratch file for plaintext: gone when the block ends or the process dies."""
    # no name on disk (O_TMPFILE, or unlinked at once); unbuffered, so its size on disk is the true size
    backing = tempfile.TemporaryFile(prefix="ftscratch-", buffering=0)
    f = io.BufferedRandom(_SealedScratch(backing), buffer_size=BUFFER)
    try:
        yield f
    finally:
        f.close()


# --- part files: a file under a hidden name until it is complete ------------------------------------------------


def hidden_part(target: Path) -> tuple[int, Path]:
    """Open a new hidden part file beside `target`, named with this process's id; returns (fd, path).

    The process id tells the sweep whether its writer is still alive.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}-", suffix=PART_SUFFIX)
    return fd, Path(tmp)


def is_part_file(path: Path) -> bool:
    """A file still being written (or left by a killed writer): never a bundle, whatever it holds."""
    return path.name.lower().endswith(PART_SUFFIX)


def sweep_parts(folder: Path, legacy_magic: bytes | None = None) -> list[Path]:
    """Remove the hidden part files in `folder` whose writer is gone; returns what was removed.

    A part named by this module carries its writer's process id and is left alone while that process runs.
    A hidden part without one (an older version's) is removed only when it starts with `legacy_magic`, so
    another program's files are never touched.
    """
    removed: list[Path] = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(".") and is_part_file(p)]
    except OSError:
        return removed
    for path in candidates:
        m = _OURS.match(path.name)
        if m is not None:
            if _alive(int(m["pid"])):
                continue
        elif legacy_magic is None or not _starts_with(path, legacy_magic):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:  # in use (Windows keeps an open file), or not ours to remove
            continue
    return removed


def sweep_staging(photos: Path) -> None:
    """Photo staging folders of killed imports of older versions (`.incoming-<pid>`)."""
    try:
        folders = [p for p in photos.iterdir() if p.is_dir() and _STAGING.match(p.name)]
    except OSError:
        return
    for folder in folders:
        if not _alive(int(_STAGING.match(folder.name)["pid"])):
            shutil.rmtree(folder, ignore_errors=True)


def sweep_legacy_temp(temp_dir: Path | None = None) -> list[Path]:
    """The `ftbundle-*` folders older versions left in the temporary folder when killed: they hold the plain
    payload. One changed in the last minutes is left alone, in case an old version is still using it."""
    root = Path(temp_dir or tempfile.gettempdir())
    removed = []
    try:
        folders = [p for p in root.glob(f"{LEGACY_TEMP_PREFIX}*") if p.is_dir() and not p.is_symlink()]
    except OSError:
        return removed
    for folder in folders:
        try:
            st = folder.stat()
        except OSError:
            continue
        if (os.name == "posix" and st.st_uid != os.getuid()) or time.time() - st.st_mtime < LEGACY_QUIET_SECONDS:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(magic))
    except OSError:
        return False
    return head == magic or head == b""  # an empty part was cut off before its first byte


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # Windows refuses to remove a file its writer still has open: the sweep skips it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True
