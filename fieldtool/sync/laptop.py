"""The field side of the merge: a laptop's log made complete before it is sent, and what it acknowledges.

A laptop's bundle carries its change log, so every row it holds must have an insert in that log (`baseline`),
or the office would receive updates of a record it never saw created. What the laptop has applied of the
office's return bundles (`return_marks`) travels back in its next bundle, so the office never sends it
the same changes twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.changelog import _next_seq, log_data
from fieldtool.models import Setting, SyncBundle
from fieldtool.sync.entries import LOG, chunks
from fieldtool.sync.tables import table_infos
from fieldtool.vocabulary import BundleDirection, BundleKind


class Marks(TypedDict):
    """How far a laptop has applied the office's return bundles: the last one taken without a gap, and per
    device the highest change those carried."""

    return_bundle: int
    upto: dict[str, int]


def baseline(session: Session, device_id: str, officer: str) -> int:
    """Write an insert entry for every row that has none (rows made by a migration, or before the log).

    Without it the office would receive updates of a record it never saw created. Returns how many.
    """
    infos = table_infos()
    added = 0
    now = datetime.now(UTC)
    for info in sorted(infos.values(), key=lambda i: i.order):
        logged = select(LOG.c.record_id).where(LOG.c.table_name == info.name, LOG.c.action == "insert")
        q = select(info.table).where(info.table.c.id.not_in(logged)).order_by(info.table.c.id)
        rows = []
        for row in session.execute(q):
            rows.append({"id": str(uuid.uuid4()), "device_id": device_id, "seq": _next_seq(session, device_id),
                         "at": now, "officer": officer, "table_name": info.name, "record_id": row.id,
                         "action": "insert", "data": log_data(dict(row._mapping))})
        for batch in chunks(rows, 2000):
            session.execute(LOG.insert(), batch)
        added += len(rows)
    return added


def local_device(session: Session) -> str:
    row = session.get(Setting, "device_id")
    return row.value if row else ""


def return_marks(session: Session, devices: Sequence[str] | None = None) -> Marks:
    """What this laptop has applied from the office, counting only return bundles received without a gap.

    Return bundles are numbered per laptop (device), so only those made for this device count; `devices`
    names it and, on a restored laptop, the devices it succeeds, newest first: until the office has sent the
    new device anything, what its predecessor applied (the book it holds) is what it acknowledges.
    """
    marks: Marks = {"return_bundle": 0, "upto": {}}
    for device in devices or [local_device(session)]:
        marks = _applied_returns(session, device)
        if marks["return_bundle"]:
            break
    return marks


def _applied_returns(session: Session, device: str) -> Marks:
    rows = session.execute(
        select(col(SyncBundle.bundle_seq), col(SyncBundle.marks))
        .where(col(SyncBundle.direction) == BundleDirection.IN, col(SyncBundle.kind) == BundleKind.RETURN,
               col(SyncBundle.target_device) == device)
        .order_by(col(SyncBundle.bundle_seq))
    ).all()
    marks: Marks = {"return_bundle": 0, "upto": {}}
    expected = 1
    for seq, text in rows:
        if seq < expected:
            continue
        if seq != expected:
            break
        marks = {"return_bundle": seq, "upto": json.loads(text).get("upto", {})}
        expected += 1
    return marks
