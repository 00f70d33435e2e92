"""The inside of a bundle: a zip of manifest.json, changes.jsonl (one change-log entry a line) and photos/.

Written from a stream of change-log entries, with the photos they name and the sha256 of every part in the
manifest. Read back from the decrypted zip with limits on size, on compression ratio (a zip bomb is refused
before it is expanded) and on the names inside, and every part checked against the manifest, before any
change is merged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from exports import scratch as scratch_files
from exports.sealed_file import CHUNK, FORMAT_VERSION, BundleError, file_sha256
from fieldtool.sync.entries import Entry
from fieldtool.sync.merge import collector_paused
from fieldtool.text import Text

MAX_UNCOMPRESSED = 8 << 30  # all parts together, bytes
MAX_RATIO = 200  # uncompressed : compressed per part; changes.jsonl compresses about 5:1, a zip bomb 1000:1
MAX_MANIFEST = 1 << 20
PHOTO_NAME = re.compile(r"photos/[0-9a-f]{64}\.jpg")


def write_payload(zip_path: Path | BinaryIO, manifest: dict, entries: Iterable[Entry], photos_from: Path | None) -> dict:
    """Write manifest.json, changes.jsonl and the photos the entries name; returns the manifest."""
    counts: Counter = Counter()
    parts: dict[str, str] = {}
    photo_names: list[str] = []
    missing: list[str] = []
    seqs = [None, None]
    n = 0
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True) as zf:
        h = hashlib.sha256()
        with zf.open("changes.jsonl", "w", force_zip64=True) as fh:
            for e in entries:
                line = (json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
                fh.write(line)
                h.update(line)
                counts[e.table_name] += 1
                n += 1
                seqs[0] = e.seq if seqs[0] is None else min(seqs[0], e.seq)
                seqs[1] = e.seq if seqs[1] is None else max(seqs[1], e.seq)
                if e.table_name == "photo" and e.action == "insert":
                    photo_names.append(json.loads(e.data).get("file_name", ""))
        parts["changes.jsonl"] = h.hexdigest()
        for name in sorted(set(photo_names)):
            if not re.fullmatch(r"[0-9a-f]{64}\.jpg", name or ""):
                continue
            source = photos_from / name if photos_from else None
            if source is None or not source.is_file() or file_sha256(source) != name[:-4]:
                missing.append(name)
                continue
            zf.write(source, f"photos/{name}", compress_type=zipfile.ZIP_STORED)
            parts[f"photos/{name}"] = name[:-4]
        manifest = {**manifest, "entries": n, "counts": dict(sorted(counts.items())), "parts": parts,
                    "photos_missing": missing}
        if seqs[0] is not None:
            manifest.setdefault("entry_seq_min", seqs[0])
            manifest.setdefault("entry_seq_max", seqs[1])
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
    return manifest


@dataclass
class Payload:
    manifest: dict
    entries: list[Entry]
    photos: list[str]  # member names under photos/
    zf: zipfile.ZipFile


MANIFEST_FIELDS = {"format": int, "kind": str, "schema_version": str, "device_id": str, "officer": str,
                   "subdistrict_code": str, "bundle_seq": int, "seq_from": int, "seq_to": int, "created": str,
                   "entries": int, "counts": dict, "parts": dict}


def _lines(fh: BinaryIO, h) -> Iterator[bytes]:
    """The lines of a file without their newlines, read a megabyte at a time (ZipExtFile's own line reading
    is Python, a line at a time), each block also into the hash `h`."""
    rest = b""
    while block := fh.read(1 << 20):
        h.update(block)
        lines = (rest + block).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def _json_line(line: bytes):
    """json.loads(line), without its guess at the encoding for the usual line, an object in UTF-8."""
    if line[:1] == b"{" and line[1:2] != b"\x00":  # what json.detect_encoding would take for UTF-8
        return json.loads(line.decode("utf-8", "surrogatepass"))
    return json.loads(line)


def read_payload(zip_path: Path | BinaryIO, name: str) -> Payload:
    """Open the decrypted zip with limits (size, ratio, names) and check every part against the manifest."""
    bad = BundleError(Text(f"ข้อมูลในชุดข้อมูลเสียหาย: {name}", f"the contents of {name} are damaged or not a bundle's"))
    try:
        zf = zipfile.ZipFile(zip_path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise bad from None
    try:
        names = [i.filename for i in infos]
        if len(set(names)) != len(names) or "manifest.json" not in names or "changes.jsonl" not in names:
            raise bad
        if any(n not in ("manifest.json", "changes.jsonl") and not PHOTO_NAME.fullmatch(n) for n in names):
            raise bad
        total = sum(i.file_size for i in infos)
        bomb = total > MAX_UNCOMPRESSED or any(
            i.file_size > (1 << 20) and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
        if bomb:
            raise BundleError(Text(f"ชุดข้อมูลขยายตัวเกินขนาดที่ยอมรับ (zip bomb): {name}",
                                   f"{name} would expand far beyond any real bundle (a zip bomb); it was not opened"))
        if zf.getinfo("manifest.json").file_size > MAX_MANIFEST:
            raise bad
        manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
        if not isinstance(manifest, dict) or any(not isinstance(manifest.get(k), t) for k, t in MANIFEST_FIELDS.items()):
            raise bad
        if manifest["format"] > FORMAT_VERSION:
            raise BundleError(Text(f"ชุดข้อมูลนี้สร้างโดยโปรแกรมรุ่นใหม่กว่า: {name}",
                                   f"{name} uses bundle format {manifest['format']}, newer than this program knows; update fieldtool"))
        parts = manifest["parts"]
        if set(parts) != set(names) - {"manifest.json"}:
            raise bad
        h = hashlib.sha256()
        with zf.open("changes.jsonl") as fh, collector_paused():
            entries = [Entry.from_json(_json_line(line)) for line in _lines(fh, h)]
        if h.hexdigest() != parts["changes.jsonl"] or len(entries) != manifest["entries"]:
            raise bad
        photos = [n for n in names if n.startswith("photos/")]
    except BundleError:
        zf.close()
        raise
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, TypeError, EOFError, UnicodeDecodeError):
        zf.close()
        raise bad from None
    return Payload(manifest, entries, photos, zf)


def place_photos(payload: Payload, into: Path, name: str, placed: list[Path]) -> None:
    """Each photo straight into the photo folder: written under a hidden part name, checked against its hash,
    renamed to it. `placed` gets the ones that were not there yet, for the caller to remove if the merge is
    rolled back; a photo is named by its hash, so one already there is the same photo."""
    into.mkdir(parents=True, exist_ok=True)
    for member in payload.photos:
        file_name = member.split("/", 1)[1]
        target = into / file_name
        fd, part = scratch_files.hidden_part(target)
        try:
            h = hashlib.sha256()
            with payload.zf.open(member) as src, os.fdopen(fd, "wb") as dst:
                for block in iter(lambda: src.read(CHUNK), b""):
                    h.update(block)
                    dst.write(block)
            if h.hexdigest() != payload.manifest["parts"][member] or h.hexdigest() != file_name[:-4]:
                raise BundleError(Text(f"ข้อมูลในชุดข้อมูลเสียหาย: {name}", f"a photo in {name} does not match its hash"))
            if not target.exists():
                os.replace(part, target)
                placed.append(target)
        finally:
            part.unlink(missing_ok=True)
