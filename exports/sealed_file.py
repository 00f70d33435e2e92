"""The sealed file: signed by its sender, readable by its recipient alone. Bundles and backups are sealed so.

The format is described in docs/bundle-format.md. In short: a plain header (magic, format version, who
sent it to whom, and what the file is), the sender's Ed25519 signature, and the payload encrypted to the
recipient's X25519 key (ephemeral X25519, HKDF-SHA256, ChaCha20-Poly1305 in 1 MiB chunks), so a lost USB
stick leaks no national ID and no debt. The signature covers the header and every encrypted byte, so a
file changed after signing, cut short or padded is refused before anything in it is opened.

The file is written under a hidden .part name and gets its own only complete and synced (exports.scratch
sweeps what a killed writer left). Every way a file can be refused has its own sentence (`BundleError`).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from exports import scratch as scratch_files
from exports.keyfile import Keys, b64, raw_public, unb64
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import BundleKind
from fieldtool.whole_file import fsync_dir

MAGIC = b"FTBUNDLE"
FORMAT_VERSION = 1
CIPHER = "X25519-HKDF-SHA256-ChaCha20Poly1305-STREAM"
CHUNK = 1 << 20  # plaintext bytes per encrypted chunk
TAG = 16
SIG_CONTEXT = b"fieldtool bundle v1 signature\x00"
HKDF_INFO = b"fieldtool bundle v1 payload key"
MAX_HEADER = 64 * 1024
MAX_PAYLOAD = 8 << 30  # encrypted zip, bytes


class BundleError(InputError):
    """A bundle, backup or key file that is refused: one sentence, in Thai and English."""


def _nonce(index: int, last: bool) -> bytes:
    return struct.pack(">QB", index, 1 if last else 0) + b"\x00\x00\x00"


def _payload_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recipient_public,
                info=HKDF_INFO).derive(shared)


@dataclass
class Hidden:
    """A sealed bundle complete on disk under its hidden `.part` name, not yet under its own."""

    part: Path
    out: Path
    digest: str  # the sha256 the file will have under its name

    def reveal(self) -> None:
        """Give the file its name (atomic) and make the rename durable."""
        os.replace(self.part, self.out)
        fsync_dir(self.out.parent)

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)


@contextmanager
def _readable(payload: Path | BinaryIO) -> Iterator[BinaryIO]:
    """A payload given as a file name or as an open (scratch) file, read from its start."""
    if isinstance(payload, (str, os.PathLike)):
        with open(payload, "rb") as fh:
            yield fh
    else:
        payload.flush()
        payload.seek(0)
        yield payload


def seal_hidden(payload: Path | BinaryIO, out: Path, header: dict, sender: Keys, recipient_box_public: bytes,
                recipient_key_id: str) -> Hidden:
    """Encrypt `payload` to the recipient and sign it into a hidden part file beside `out`, synced.

    Nothing reads a `.part` file as a bundle (read_header refuses it by name); the caller records the bundle,
    then reveals it. Part files that killed exports left in the folder are removed first.
    """
    scratch_files.sweep_parts(out.parent, legacy_magic=MAGIC)
    ephemeral = X25519PrivateKey.generate()
    eph_public = raw_public(ephemeral.public_key())
    key = _payload_key(ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_box_public)),
                       eph_public, recipient_box_public)
    fd, tmp = scratch_files.hidden_part(out)
    try:
        with os.fdopen(fd, "w+b") as fh, _readable(payload) as src:
            size = src.seek(0, os.SEEK_END)
            src.seek(0)
            header = {**header, "format": FORMAT_VERSION, "cipher": CIPHER, "chunk_size": CHUNK, "payload_size": size,
                      "sender_key": sender.key_id, "recipient_key": recipient_key_id, "ephemeral_public": b64(eph_public)}
            hjson = json.dumps(header, sort_keys=True, ensure_ascii=True).encode("ascii")
            prefix = MAGIC + struct.pack(">HI", FORMAT_VERSION, len(hjson)) + hjson
            aead = ChaCha20Poly1305(key)
            signed = hashlib.sha256(prefix)
            fh.write(prefix)
            fh.write(b"\x00" * 64)  # the signature's place, filled in below
            chunks = max(1, -(-size // CHUNK))
            for index in range(chunks):
                block = src.read(CHUNK)
                sealed = aead.encrypt(_nonce(index, index == chunks - 1), block, prefix)
                signed.update(sealed)
                fh.write(sealed)
            signature = sender.sign.sign(SIG_CONTEXT + signed.digest())
            fh.seek(len(prefix))
            fh.write(signature)
            fh.flush()
            os.fsync(fh.fileno())
        return Hidden(tmp, out, file_sha256(tmp))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def seal(payload: Path | BinaryIO, out: Path, header: dict, sender: Keys, recipient_box_public: bytes,
         recipient_key_id: str) -> str:
    """Encrypt `payload` to the recipient, sign it, write `out` atomically; returns the file's sha256.

    The file appears under its name only complete and synced: a crash or a full disk leaves at most a
    hidden '.part' file that nothing reads as a bundle.
    """
    hidden = seal_hidden(payload, out, header, sender, recipient_box_public, recipient_key_id)
    try:
        hidden.reveal()
    except BaseException:
        hidden.discard()
        raise
    return hidden.digest


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Sealed:
    path: Path
    header: dict
    prefix: bytes
    signature: bytes
    body_offset: int
    chunks: int


def _not_a_bundle(path: Path, why: str) -> BundleError:
    return BundleError(Text(f"ไฟล์นี้ไม่ใช่ชุดข้อมูลของโปรแกรม: {path.name}", f"{path.name} is not a fieldtool bundle: {why}"))


def _cut_short(path: Path) -> BundleError:
    return BundleError(Text(f"ไฟล์ชุดข้อมูลไม่ครบ (ถูกตัดหรือคัดลอกไม่เสร็จ): {path.name}",
                            f"the bundle {path.name} is incomplete: it was cut short, perhaps copied before it was finished"))


def _other_version(path: Path, version: int, hjson: bytes) -> BundleError:
    """A format number this program does not write: a newer program's only if the header says the same number.

    Every format keeps magic, version, header length and a JSON header naming its "format"; a version that
    disagrees with its own header is a damaged byte, not a newer program.
    """
    try:
        header = json.loads(hjson.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        header = None
    if version > FORMAT_VERSION and isinstance(header, dict) and header.get("format") == version:
        return BundleError(Text(f"ชุดข้อมูลนี้สร้างโดยโปรแกรมรุ่นใหม่กว่า กรุณาปรับปรุงโปรแกรม: {path.name}",
                                f"{path.name} uses bundle format {version}, newer than this program knows; update fieldtool"))
    return BundleError(Text(f"ไฟล์ชุดข้อมูลเสียหาย (เลขรุ่นของไฟล์ผิด) ขอไฟล์ใหม่: {path.name}",
                            f"the bundle {path.name} is damaged: its format number ({version}) does not match its header; "
                            "ask for it again"))


def read_header(path: Path, kinds: tuple[str, ...] = tuple(BundleKind)) -> Sealed:
    """The plain part of a bundle (or, with kinds=("backup",), of a sealed backup), checked for shape before
    anything else is read."""
    if scratch_files.is_part_file(path):
        raise BundleError(Text(f"ไฟล์ .part เป็นไฟล์ที่ยังเขียนไม่เสร็จ ไม่ใช่ชุดข้อมูล ให้ใช้ไฟล์ชุดข้อมูลที่ไม่มี .part: {path.name}",
                               f"{path.name} is an unfinished temporary file (.part), never a bundle: use the bundle file "
                               "itself, or make the bundle again"))
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(len(MAGIC) + 6)
            if len(head) < len(MAGIC) or head[: len(MAGIC)] != MAGIC:
                raise _not_a_bundle(path, "it does not start with the bundle mark")
            if len(head) < len(MAGIC) + 6:
                raise _cut_short(path)
            version, hlen = struct.unpack(">HI", head[len(MAGIC):])
            if hlen > MAX_HEADER:
                raise _not_a_bundle(path, "its header is too large") if version == FORMAT_VERSION else \
                    _other_version(path, version, b"")
            hjson = fh.read(hlen)
            signature = fh.read(64)
    except OSError as exc:
        raise BundleError(Text(f"อ่านไฟล์ไม่ได้: {path}", f"cannot read {path}")) from exc
    if version != FORMAT_VERSION:
        raise _other_version(path, version, hjson)
    if len(hjson) < hlen or len(signature) < 64:
        raise _cut_short(path)
    try:
        header = json.loads(hjson.decode("ascii"))
        fields = ("kind", "sender_device", "sender_key", "recipient_key", "ephemeral_public", "payload_size", "chunk_size")
        if not isinstance(header, dict) or any(f not in header for f in fields):
            raise ValueError("fields missing")
        if header.get("cipher") != CIPHER or not isinstance(header["kind"], str):
            raise ValueError("unknown cipher")
        unb64(header["ephemeral_public"], 32)
        payload_size, chunk = int(header["payload_size"]), int(header["chunk_size"])
        if payload_size < 0 or chunk != CHUNK:
            raise ValueError("bad sizes")
    except (UnicodeDecodeError, ValueError, TypeError):
        raise _not_a_bundle(path, "its header cannot be read") from None
    if header["kind"] == "backup" and "backup" not in kinds:
        raise BundleError(Text(f"ไฟล์นี้เป็นสำเนาสำรอง ไม่ใช่ชุดข้อมูล ให้กู้คืนด้วย 'fieldtool restore': {path.name}",
                               f"{path.name} is a backup, not a bundle: restore it with 'fieldtool restore'"))
    if header["kind"] not in kinds:
        raise _not_a_bundle(path, "its header cannot be read")
    if payload_size > MAX_PAYLOAD:
        raise _not_a_bundle(path, "it declares a payload larger than any bundle may be")
    chunks = max(1, -(-payload_size // CHUNK))
    body_offset = len(MAGIC) + 6 + hlen + 64
    expected = payload_size + chunks * TAG
    if size - body_offset < expected:
        raise _cut_short(path)
    if size - body_offset > expected:
        raise BundleError(Text(f"ไฟล์ชุดข้อมูลถูกแก้ไขหรือเสียหาย: {path.name}",
                               f"the bundle {path.name} was altered after signing or is damaged: it has extra bytes"))
    prefix = MAGIC + struct.pack(">HI", version, hlen) + hjson
    return Sealed(path, header, prefix, signature, body_offset, chunks)


def altered(path: Path) -> BundleError:
    return BundleError(Text(f"ไฟล์ชุดข้อมูลถูกแก้ไขหลังลงนามหรือเสียหาย: {path.name}",
                            f"the bundle {path.name} was altered after it was signed, or is damaged; ask for it again"))


def _ciphertext_blocks(sealed: Sealed):
    size = sealed.header["payload_size"]
    with sealed.path.open("rb") as fh:
        fh.seek(sealed.body_offset)
        for index in range(sealed.chunks):
            plain = min(CHUNK, size - index * CHUNK) if index < sealed.chunks - 1 else size - index * CHUNK
            block = fh.read(plain + TAG)
            yield index, block


def verify(sealed: Sealed, sign_public_b64: str) -> str:
    """Check the sender's signature over header and ciphertext; returns the file's sha256."""
    signed = hashlib.sha256(sealed.prefix)
    for _index, block in _ciphertext_blocks(sealed):
        signed.update(block)
    try:
        Ed25519PublicKey.from_public_bytes(unb64(sign_public_b64, 32)).verify(sealed.signature, SIG_CONTEXT + signed.digest())
    except InvalidSignature:
        raise altered(sealed.path) from None
    return file_sha256(sealed.path)


@contextmanager
def _writable(out: Path | BinaryIO) -> Iterator[BinaryIO]:
    """A file name opened for writing, or an open (scratch) file written from its start."""
    if isinstance(out, (str, os.PathLike)):
        with open(out, "wb") as fh:
            yield fh
    else:
        out.seek(0)
        out.truncate()
        yield out
        out.flush()


def decrypt(sealed: Sealed, keys: Keys, out: Path | BinaryIO) -> None:
    """The payload zip into `out`: best a scratch file (exports.scratch), so no plaintext outlives the process."""
    eph_public = unb64(sealed.header["ephemeral_public"], 32)
    key = _payload_key(keys.box.exchange(X25519PublicKey.from_public_bytes(eph_public)), eph_public, keys.box_public)
    aead = ChaCha20Poly1305(key)
    with _writable(out) as fh:
        for index, block in _ciphertext_blocks(sealed):
            try:
                fh.write(aead.decrypt(_nonce(index, index == sealed.chunks - 1), block, sealed.prefix))
            except InvalidTag:
                raise altered(sealed.path) from None
