"""Ten thousand damaged bundles at the district office: every one refused with one sentence, nothing merged.

A real bundle of a laptop the office has enrolled is changed at random – a bit flipped, a byte set, bytes put
in, taken out or cut off the end, in the plain header as in the encrypted body – by a seeded generator, so
CI sees the same ten thousand files every run. Most fail the signature check, so the run stays quick: one
office database for them all, checked unchanged after each import through SQLite's data_version (it moves
when anything is committed), and row by row once at the end.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from exports import bundle, sealed_file
from fieldtool.thai import InputError
from tests.sync.conftest import make_office
from tests.test_bounds import table_dump

MUTATIONS = 10_000
SEED = 20261122


def mutate(data: bytes, header_end: int, rng: random.Random) -> bytes:
    """One random change, in the header (magic, version, lengths, JSON, signature) or in the body."""
    in_header = rng.random() < 0.5
    at = rng.randrange(header_end) if in_header else rng.randrange(header_end, len(data))
    kind = rng.choice(("flip", "set", "insert", "delete", "truncate"))
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]
    if kind == "set":
        return data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
    if kind == "insert":
        return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + rng.randint(1, 64):]
    return data[:at]


def overwrite(path: Path, data: bytes) -> None:
    # in place: opening with truncation to zero makes ext4 flush the file to disk, a few ms each time
    with path.open("r+b") as fh:
        fh.write(data)
        fh.truncate()


def committed(conn: sqlite3.Connection) -> int:
    """Changes as this connection sees them: PRAGMA data_version moves when another connection commits."""
    return conn.execute("PRAGMA data_version").fetchone()[0]


@pytest.fixture
def sqlite_office(request, tmp_path):
    office = make_office("sqlite", tmp_path, request)
    yield office
    office.dispose()


def test_ten_thousand_damaged_bundles_are_each_refused_and_leave_the_office_database_unchanged(
        sqlite_office, laptop, tmp_path):
    office = sqlite_office
    lap = laptop("fuzz", office=office)
    lap.pay(lap.loan(), 100_000)
    original = lap.export().read_bytes()
    header_end = sealed_file.read_header(lap.out / "fuzz-1.ftb").body_offset
    before = table_dump(office.path)
    watch = sqlite3.connect(office.path)
    version = committed(watch)
    rng = random.Random(SEED)
    target = tmp_path / "damaged.ftb"
    target.write_bytes(original)
    refused = 0
    for n in range(MUTATIONS):
        damaged = mutate(original, header_end, rng)
        if damaged == original:
            continue
        overwrite(target, damaged)
        with pytest.raises(InputError):
            bundle.import_bundle(office, target)
        assert committed(watch) == version, f"mutation {n} wrote to the office database"
        refused += 1
    watch.close()
    assert refused > MUTATIONS * 0.99
    assert table_dump(office.path) == before
    # the untouched bundle still goes in: the refusals were about the damage, not the office
    overwrite(target, original)
    assert bundle.import_bundle(office, target)["status"] == "imported"
