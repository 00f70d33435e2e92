"""The office side of the merge: a laptop's missing bundles, and what goes back to a laptop.

Bundles are numbered per laptop, and each says which range of its device's changes it carries, so a bundle
lost on the way shows as a hole in those ranges (`device_gaps`) until its changes come another way. What a
return bundle carries is the office's own changes that concern the laptop's subdistrict
(`office_entries_for`) and the work of the subdistrict's other laptops (`peer_entries`), each from where the
laptop last acknowledged it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.models import SyncBundle
from fieldtool.succession import first_number
from fieldtool.sync.entries import LOG, Entry, chunks, entry_from_row
from fieldtool.sync.fold import fold
from fieldtool.sync.tables import table_infos
from fieldtool.vocabulary import BundleDirection, BundleKind


@dataclass
class Gap:
    device_id: str
    officer: str
    bundles: list[int]  # bundle numbers never received
    changes: list[tuple[int, int]]  # change-sequence ranges missing because of them


def device_gaps(session: Session, device_id: str) -> Gap | None:
    """A missing bundle of a laptop, told by its numbers, when its changes have not come another way."""
    rows = session.execute(
        select(col(SyncBundle.bundle_seq), col(SyncBundle.seq_from), col(SyncBundle.seq_to), col(SyncBundle.officer))
        .where(col(SyncBundle.direction) == BundleDirection.IN, col(SyncBundle.kind) == BundleKind.FIELD,
               col(SyncBundle.source_device) == device_id)
    ).all()
    if not rows:
        return None
    numbers = {r.bundle_seq for r in rows}
    ranges = sorted((r.seq_from, r.seq_to) for r in rows if r.seq_to >= r.seq_from)
    holes: list[tuple[int, int]] = []
    covered = 0
    for lo, hi in ranges:
        if lo > covered + 1:
            holes.append((covered + 1, lo - 1))
        covered = max(covered, hi)
    first = first_number(session, device_id)  # a restored laptop's numbers go on from its predecessor's
    missing_bundles = [n for n in range(first, max(numbers) + 1) if n not in numbers]
    if not holes:
        return None
    officer = max(rows, key=lambda r: r.bundle_seq).officer
    return Gap(device_id, officer, missing_bundles, holes)


def peer_entries(session: Session, peers: Sequence[str], upto: Mapping[str, int]) -> tuple[list[Entry], dict[str, int]]:
    """The changes of other laptops of a subdistrict after what the target laptop has acknowledged of each.

    Returns the entries and, per peer, the highest sequence the target will have once it applies them.
    """
    infos = table_infos()
    entries: list[Entry] = []
    tops: dict[str, int] = {}
    for peer in sorted(peers):
        after = int(upto.get(peer, 0))
        rows = session.execute(select(LOG).where(LOG.c.device_id == peer, LOG.c.seq > after).order_by(LOG.c.seq))
        got = [entry_from_row(r) for r in rows]
        tops[peer] = max([after, *(e.seq for e in got)])
        entries += [e for e in got if e.table_name in infos]
    return entries, tops


def office_entries_for(session: Session, office_device: str, area_devices: Sequence[str], after_seq: int) -> list[Entry]:
    """The office's own changes after `after_seq` that concern the records of one subdistrict.

    A record concerns the subdistrict when a laptop of that subdistrict has changed it, when it refers
    (by any *_id column) to a record that does (a loan approved at the office for a group of the
    subdistrict, its schedule and instalments), or when it is a fund the office made for the whole district.
    """
    infos = table_infos()
    mine = [entry_from_row(r) for r in session.execute(
        select(LOG).where(LOG.c.device_id == office_device, LOG.c.seq > after_seq).order_by(LOG.c.seq))]
    mine = [e for e in mine if e.table_name in infos]
    if not mine:
        return []
    relevant: set[str] = set()
    if area_devices:
        q = select(LOG.c.record_id).where(LOG.c.device_id.in_(area_devices)).distinct()
        relevant = set(session.scalars(q))
    records: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in mine:
        records[(e.table_name, e.record_id)].append(e)
    chosen: set[tuple[str, str]] = set()
    order = sorted(records, key=lambda k: (infos[k[0]].order, records[k][0].seq))
    rows_by_table: dict[str, dict[str, dict[str, object]]] = {}
    for table in {k[0] for k in order}:
        t = infos[table].table
        ids = [r for tt, r in order if tt == table]
        rows_by_table[table] = {}
        for chunk in chunks(ids):
            for found in session.execute(select(t).where(t.c.id.in_(chunk))):
                rows_by_table[table][found.id] = dict(found._mapping)
    for key in order:
        table, record_id = key
        if record_id in relevant:
            chosen.add(key)
            continue
        row = rows_by_table[table].get(record_id) or fold(table, record_id, records[key]).values
        refs = {v for c, v in row.items() if c.endswith("_id") and c != "id" and isinstance(v, str)}
        if refs & relevant:
            chosen.add(key)
            relevant.add(record_id)
        elif table == "fund":
            others = session.execute(select(func.count()).select_from(LOG).where(
                LOG.c.record_id == record_id, LOG.c.device_id != office_device)).scalar()
            if not others:
                chosen.add(key)
                relevant.add(record_id)
    return [e for e in mine if (e.table_name, e.record_id) in chosen]
