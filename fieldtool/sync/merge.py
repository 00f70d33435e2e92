"""Applying a bundle's changes: each kept once in the log, every record they touch folded and written.

Every received entry is kept once (unique on device + sequence), so a bundle seen twice adds nothing. Each
record a bundle touches is folded from all its changes (fieldtool.sync.fold) and written in foreign-key
order; a record whose parent has not arrived waits in `sync_pending` and is written as soon as the parent
comes, in whichever bundle; the conflicts the fold finds are listed in `sync_conflict` for the office. All
of it within the caller's transaction.

A district's bundles bring hundreds of thousands of changes, so the writing goes the short way where that
is measured to matter (bench/bench_sync.py): SQLite gets compiled statements and plain tuples, lookups of
many ids at once, a bigger page cache and no cycle collector meanwhile; what is stored stays exactly what
Core would store.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from fieldtool.models import SyncConflict, SyncPending
from fieldtool.running_sums import fill_missing
from fieldtool.sync.entries import CHUNK, LOG, Entry, at_text, chunks, entry_from_row, parse_at
from fieldtool.sync.fold import Folded, FoundConflict, fold
from fieldtool.sync.tables import Converter, TableInfo, as_is, table_infos, table_of
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import ConflictStatus

LOOKUP = 5000  # ids per IN (...) query where a bundle's every record is looked up (SQLite ≥ 3.32 takes 32,766)
MERGE_CACHE_KB = 16384

Progress = Callable[[int, int], None]  # (records written, records touched)
Key = tuple[str, str]  # (table, record id)
Row = dict[str, object]  # a record's columns and their Python values


class SyncError(InputError):
    """A bundle's changes cannot be merged (they contradict what is already here, or cannot be read)."""


@dataclass
class ApplyResult:
    entries: int = 0
    entries_new: int = 0
    records: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    pending: int = 0
    conflicts_new: int = 0
    new_entries: list[Entry] = field(default_factory=list, repr=False)


def _known_entries(session: Session, entries: list[Entry]) -> dict[tuple[str, int], str]:
    """(device, seq) -> id of the entries already here, for the devices and ranges the batch covers."""
    by_device: dict[str, list[int]] = defaultdict(list)
    for e in entries:
        by_device[e.device_id].append(e.seq)
    known: dict[tuple[str, int], str] = {}
    for device, seqs in by_device.items():
        q = select(LOG.c.seq, LOG.c.id).where(LOG.c.device_id == device, LOG.c.seq.between(min(seqs), max(seqs)))
        for seq, entry_id in session.execute(q):
            known[(device, seq)] = entry_id
    return known


def apply_entries(session: Session, entries: Iterable[Entry], progress: Progress | None = None) -> ApplyResult:
    """Keep the entries not seen before and materialise every record they touch (caller commits).

    `progress(done, total)`, when given, is told how many of the touched records are written, table by table.
    """
    with collector_paused():
        return _apply(session, list(entries), progress)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a bundle's hundreds of thousands of entries, rows and folds are made:
    reference counting frees them (they form no cycles), and every pass of the collector would walk them all
    again (a quarter of the merge's time). Cycles made meanwhile are collected once it is back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _apply(session: Session, entries: list[Entry], progress: Progress | None) -> ApplyResult:
    result = ApplyResult(entries=len(entries))
    known = _known_entries(session, entries)
    new: dict[tuple[str, int], Entry] = {}
    for e in entries:
        k = (e.device_id, e.seq)
        if k in known:
            if known[k] != e.id:
                raise SyncError(Text(
                    f"รายการแก้ไขที่ {e.seq} ของเครื่อง {e.device_id} ไม่ตรงกับที่รับไว้แล้ว",
                    f"change {e.seq} of device {e.device_id} differs from the one already received; "
                    "two laptops may share one device id"))
            continue
        if k in new and new[k].id != e.id:
            raise SyncError(Text("ชุดข้อมูลมีรายการซ้ำที่ขัดกัน", f"the bundle holds two different changes numbered {e.seq}"))
        new[k] = e
    if not new:
        return result
    fresh = list(new.values())
    result.entries_new = len(fresh)
    result.new_entries = fresh
    infos = table_infos()
    by_record: dict[Key, list[Entry]] = defaultdict(list)
    for e in fresh:
        if e.table_name in infos:
            by_record[(e.table_name, e.record_id)].append(e)
    touched = set(by_record)
    # Records that waited for a parent get another chance now.
    pending = table_of(SyncPending)
    pend = session.execute(select(pending.c.table_name, pending.c.record_id)).all()
    touched |= {(t, r) for t, r in pend if t in infos}
    _load_entries(session, touched, by_record)
    with _roomy_cache(session):
        _store_entries(session, sorted(fresh, key=attrgetter("device_id", "seq")))
        _materialize(session, touched, by_record, result, progress)
    return result


_LOG_COLUMNS = ("id", "device_id", "seq", "at", "officer", "table_name", "record_id", "action", "data")


def _store_entries(session: Session, entries: list[Entry]) -> None:
    """The new entries into the log, in this order.

    SQLite keeps a time as text; a canonical time's text is cut out of it rather than made by turning it into
    a datetime and back (checked against the column type's own conversion on the first entry)."""
    if not entries:
        return
    dialect = session.get_bind().dialect
    stored = LOG.c.at.type.dialect_impl(dialect).bind_processor(dialect) if dialect.name == "sqlite" else None
    first = entries[0].at
    rows: list[tuple[object, ...]]
    if stored is not None and stored(parse_at(first)) == at_text(first):
        rows = [(e.id, e.device_id, e.seq, at_text(e.at) or stored(parse_at(e.at)), e.officer, e.table_name,
                 e.record_id, e.action, e.data) for e in entries]
        _insert_rows(session, LOG, rows, _LOG_COLUMNS, converted=True)
    else:
        rows = [(e.id, e.device_id, e.seq, parse_at(e.at), e.officer, e.table_name, e.record_id, e.action, e.data)
                for e in entries]
        _insert_rows(session, LOG, rows, _LOG_COLUMNS)


@contextmanager
def _roomy_cache(session: Session) -> Iterator[None]:
    """A bigger SQLite page cache while a bundle is written: its rows land all over the log's indexes, and with
    the default 2 MB most of each transaction's pages would be written out and read back before it commits."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = int(session.execute(sa.text("PRAGMA cache_size")).scalar_one())
    session.execute(sa.text(f"PRAGMA cache_size=-{MERGE_CACHE_KB}"))
    try:
        yield
    finally:
        session.execute(sa.text(f"PRAGMA cache_size={int(before)}"))


def _load_entries(session: Session, keys: set[Key], by_record: dict[Key, list[Entry]]) -> None:
    """Add the entries already in the log for these records (from any device) to by_record."""
    # Most records of a bundle are new here: first which have any entry (the index alone answers), then
    # those entries. By record id alone: with the table's name in the query too SQLite would walk that
    # table's whole log (ix_change_log_table_name) once per chunk, which grows with the district.
    logged = _ids_found(session, LOG.c.record_id, {r for _t, r in keys})
    for chunk in chunks(sorted(logged), LOOKUP):
        for row in session.execute(select(LOG).where(LOG.c.record_id.in_(chunk))):
            key = (row.table_name, row.record_id)
            if key in keys:
                by_record[key].append(entry_from_row(row))


def rematerialize(session: Session, keys: set[Key]) -> ApplyResult:
    """Rebuild these records from the log (after the office wrote a change of its own into it)."""
    result = ApplyResult()
    by_record: dict[Key, list[Entry]] = defaultdict(list)
    keys = {k for k in keys if k[0] in table_infos()}
    _load_entries(session, keys, by_record)
    _materialize(session, keys, by_record, result)
    return result


def _row_for(info: TableInfo, folded: Folded) -> Row | None:
    """The Python row to write; None when an insert lacks a column that has no default."""
    values = folded.values
    if folded.has_insert:
        if not values.keys() >= info.required:
            return None
        row = {**info.blank, **values}
        if len(row) != len(info.blank):  # values that are no column (any more): left out
            row = {c: row[c] for c in info.blank}
        converting: Sequence[tuple[str, Converter]] = info.converting
    else:
        row = {c: v for c, v in values.items() if c in info.converters}
        converting = [(c, info.converters[c]) for c in row if info.converters[c] is not as_is]
    try:
        for c, convert in converting:
            row[c] = convert(row[c])
        return row
    except (TypeError, ValueError) as exc:
        raise SyncError(Text(
            f"อ่านค่าในรายการแก้ไขของตาราง {info.name} ไม่ได้",
            f"a change to {info.name} {folded.record_id} holds a value that cannot be read: {exc}")) from exc


def _existing_ids(session: Session, table: sa.Table, ids: Iterable[str]) -> set[str]:
    return _ids_found(session, table.c.id, set(ids))


def _ids_found(session: Session, column: sa.Column[Any], ids: set[str]) -> set[str]:
    """Which of these (text) ids the column holds. On SQLite the query goes to the driver as it is: a bundle
    looks up every record it brings, and Core's handling of thousands of parameters a query costs more than
    SQLite's answer."""
    found: set[str] = set()
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        quote = conn.dialect.identifier_preparer
        name, table = quote.quote(column.name), quote.format_table(column.table)
        for chunk in chunks(sorted(ids), LOOKUP):
            sql = f"SELECT DISTINCT {name} FROM {table} WHERE {name} IN ({', '.join('?' * len(chunk))})"
            found.update(r[0] for r in conn.exec_driver_sql(sql, tuple(chunk)))
        return found
    for chunk in chunks(sorted(ids), LOOKUP):
        found.update(session.scalars(select(column).where(column.in_(chunk)).distinct()))
    return found


def _materialize(session: Session, touched: set[Key], by_record: Mapping[Key, Sequence[Entry]], result: ApplyResult,
                 progress: Progress | None = None) -> None:
    infos = table_infos()
    done, total = 0, len(touched)
    folded_by_table: dict[str, list[Folded]] = defaultdict(list)
    # In the order the changes came (a bundle's own order, nearly the order written below): sorting is then cheap.
    for t, r in [*(k for k in by_record if k in touched), *(k for k in touched if k not in by_record)]:
        folded_by_table[t].append(fold(t, r, by_record.get((t, r), [])))
    present: dict[str, set[str]] = defaultdict(set)  # ids known to exist (in the database or written now)
    pending: dict[Key, str] = {}
    deletes: list[tuple[TableInfo, str]] = []
    all_conflicts: list[tuple[Folded, FoundConflict]] = []
    for info in sorted(infos.values(), key=lambda i: i.order):
        records = sorted(folded_by_table.get(info.name, []), key=attrgetter("first", "record_id"))
        if not records:
            continue
        existing = _existing_ids(session, info.table, (f.record_id for f in records))
        present[info.name] |= existing
        rows: list[tuple[Folded, Row | None]] = [(f, None if f.deleted else _row_for(info, f)) for f in records]
        # Parents not yet known to exist are looked up once, table by table.
        wanted: dict[str, set[str]] = defaultdict(set)
        for _f, row in rows:
            for col, parent in info.parents:
                if row and row.get(col) is not None and row[col] not in present[parent]:
                    wanted[parent].add(cast(str, row[col]))  # ids are text
        for parent, ids in wanted.items():
            present[parent] |= _existing_ids(session, infos[parent].table, ids)
        inserts: list[Row] = []
        full_updates: list[Row] = []
        partial_updates: list[Row] = []
        for f, row in rows:
            if f.conflicts:
                all_conflicts.extend((f, c) for c in f.conflicts)
            if f.deleted:
                if f.record_id in existing:
                    deletes.append((info, f.record_id))
                    present[info.name].discard(f.record_id)
                continue
            if row is None:
                pending[(info.name, f.record_id)] = "incomplete: a column without a default is missing"
                continue
            if not f.has_insert and f.record_id not in existing:
                pending[(info.name, f.record_id)] = "waiting for the record's first version (insert)"
                continue
            lacking = [f"{parent} {row[col]}" for col, parent in info.parents
                       if row.get(col) is not None and row[col] not in present[parent]]
            if lacking:
                pending[(info.name, f.record_id)] = "waiting for " + ", ".join(lacking)
                continue
            present[info.name].add(f.record_id)
            if f.record_id not in existing:
                inserts.append(row)
            elif info.immutable:
                continue
            elif f.has_insert:
                full_updates.append(row)
            else:
                partial_updates.append(row)
        _insert_rows(session, info.table, inserts)
        if info.name == "instalment":  # a schedule from a laptop on an older program comes without its sums
            fill_missing(session, {str(r["schedule_id"]) for r in inserts if r.get("cumulative_satang") is None})
        _update(session, info.table, full_updates)
        for row in partial_updates:
            _update(session, info.table, [row])
        result.inserted += len(inserts)
        result.updated += len(full_updates) + len(partial_updates)
        result.records += len(inserts) + len(full_updates) + len(partial_updates)
        done += len(records)
        if progress is not None:
            progress(done, total)
    for info, record_id in sorted(deletes, key=lambda d: -d[0].order):
        session.execute(info.table.delete().where(info.table.c.id == record_id))
        result.deleted += 1
    _store_pending(session, touched, pending)
    result.pending = session.execute(select(func.count()).select_from(table_of(SyncPending))).scalar_one()
    result.conflicts_new = _store_conflicts(session, touched, all_conflicts)


def _insert_rows(session: Session, table: sa.Table, rows: Sequence[Any], columns: tuple[str, ...] | None = None,
                 converted: bool = False) -> None:
    """Insert rows that all have the same columns, in this order: dicts, or tuples of `columns` (`converted`:
    tuples already holding what SQLite stores).

    On SQLite the statement Core would run is compiled once and given plain tuples, each value through its
    column type's own bind processor (so what is stored is the same): Core's handling of every row's parameters
    costs more than SQLite's insert itself. PostgreSQL keeps Core's executemany, which sends many rows at once.
    """
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    keys = list(columns or rows[0])
    compiled = table.insert().compile(dialect=dialect, column_keys=keys)
    names = compiled.positiontup
    if dialect.name != "sqlite" or names is None or sorted(names) != sorted(keys):
        for batch in chunks(rows, 1000):
            conn.execute(table.insert(), [dict(zip(keys, r, strict=True)) for r in batch] if columns else batch)
        return
    where: Sequence[int | str] = [keys.index(name) for name in names] if columns else names
    take: Callable[[Any], tuple[object, ...]] = itemgetter(*where) if len(where) > 1 else (lambda r: (r[where[0]],))
    processors: list[tuple[int, Callable[[Any], Any]]] = [] if converted else [
        (i, p) for i, name in enumerate(names)
        if (p := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    for batch in chunks(rows, 5000):
        params: list[tuple[object, ...]]
        if processors:
            params = []
            for row in batch:
                values = list(take(row))
                for i, process in processors:
                    values[i] = process(values[i])
                params.append(tuple(values))
        else:
            params = [take(row) for row in batch]
        conn.exec_driver_sql(compiled.string, params)


def _update(session: Session, table: sa.Table, rows: Sequence[Row]) -> None:
    if not rows:
        return
    names = [c for c in rows[0] if c != "id"]
    if not names:
        return
    stmt = table.update().where(table.c.id == bindparam("b_id")).values({c: bindparam(f"b_{c}") for c in names})
    for batch in chunks(rows, 1000):
        session.execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in batch])


def _store_pending(session: Session, touched: set[Key], pending: Mapping[Key, str]) -> None:
    table = table_of(SyncPending)
    if len(touched) > CHUNK:  # a whole bundle: what waits is few, so read it rather than look up every record
        ids = sorted(i for i, t, r in session.execute(select(table.c.id, table.c.table_name, table.c.record_id))
                     if (t, r) in touched)
    else:
        ids = sorted(f"{t}:{r}" for t, r in touched)
    for chunk in chunks(ids):
        session.execute(table.delete().where(table.c.id.in_(chunk)))
    rows = [{"id": f"{t}:{r}", "table_name": t, "record_id": r, "reason": why} for (t, r), why in sorted(pending.items())]
    for batch in chunks(rows, 1000):
        session.execute(table.insert(), batch)


def _decided(f: Folded, cid: str) -> Row:
    """The columns that say a conflict is open, or how and when the office decided it."""
    if cid not in f.decisions:
        return {"status": ConflictStatus.OPEN, "resolved_at": None, "resolved_by": "", "resolution_seq": None}
    take, e = f.decisions[cid]
    return {"status": ConflictStatus.TOOK_OTHER if take == "other" else ConflictStatus.KEPT, "resolved_at": parse_at(e.at),
            "resolved_by": e.officer, "resolution_seq": e.seq}


def _store_conflicts(session: Session, touched: set[Key], found: list[tuple[Folded, FoundConflict]]) -> int:
    """Make the open conflicts of the touched records exactly those the fold found, each decided where the
    office's decision is among the changes; returns how many new ones wait for the office."""
    table = table_of(SyncConflict)
    record_ids = sorted({r for _t, r in touched})
    existing: dict[str, str] = {}
    if len(record_ids) > CHUNK and session.execute(select(func.count()).select_from(table)).scalar_one() <= len(record_ids):
        wanted_ids = set(record_ids)  # fewer conflicts than records: read them all rather than look each record up
        for cid, status, record_id in session.execute(select(table.c.id, table.c.status, table.c.record_id)):
            if record_id in wanted_ids:
                existing[cid] = status
        record_ids = []
    for chunk in chunks(record_ids):
        for cid, status in session.execute(select(table.c.id, table.c.status).where(table.c.record_id.in_(chunk))):
            existing[cid] = status
    wanted: dict[str, Row] = {}
    for f, c in found:
        cid = c.conflict_id(f.table, f.record_id)
        wanted[cid] = {
            "id": cid, "table_name": f.table, "record_id": f.record_id, "field": c.field,
            "chosen_value": json.dumps(c.chosen_value, ensure_ascii=False), "chosen_device": c.chosen.device_id,
            "chosen_seq": c.chosen.seq, "chosen_at": parse_at(c.chosen.at), "chosen_officer": c.chosen.officer,
            "other_value": json.dumps(c.other_value, ensure_ascii=False), "other_device": c.other.device_id,
            "other_seq": c.other.seq, "other_at": parse_at(c.other.at), "other_officer": c.other.officer,
            **_decided(f, cid),
        }
    stale = [cid for cid, status in existing.items() if status == ConflictStatus.OPEN and cid not in wanted]
    for chunk in chunks(sorted(stale)):
        session.execute(table.delete().where(table.c.id.in_(chunk)))
    rows = [row for cid, row in sorted(wanted.items()) if cid not in existing]
    for batch in chunks(rows, 1000):
        session.execute(table.insert(), batch)
    # a decision that arrived after the conflict (the office's, back on a laptop) closes it here too
    for cid, row in sorted(wanted.items()):
        if existing.get(cid) == ConflictStatus.OPEN and row["status"] != ConflictStatus.OPEN:
            session.execute(table.update().where(table.c.id == cid).values(
                {k: row[k] for k in ("status", "resolved_at", "resolved_by", "resolution_seq")}))
    return sum(1 for row in rows if row["status"] == ConflictStatus.OPEN)
