"""Merging change logs: how the district office folds every laptop's work into one database, and back.

The change log (fieldtool.changelog) already holds every insert, update and delete with its device, the
device's own sequence number and the time. Merging never copies rows; it copies log entries and rebuilds
rows from them:

* every received entry is kept once (unique on device + sequence), so a bundle seen twice adds nothing;
* each record a bundle touches is *materialised* by folding all of that record's entries, from every
  device, sorted by (time, device, sequence): the insert gives the row, updates set their fields, a delete
  removes it. The result depends only on the set of entries, never on the order bundles arrive in;
* money is never last-write-wins because payments are insert-only events with their own ids: two payments
  from two laptops are two records and both count; the same payment twice is one record;
* two devices changing one field without having seen each other's value is a *conflict*: the fold still
  picks one value deterministically (the later change) and lists the pair in `sync_conflict` for the office;
  the office's decision is a change of its own that names the conflict (`_decision`), so every database
  that folds it – the laptops included, when it comes back in a return bundle – shows the conflict decided;
* a record whose parent (the loan of a payment, …) has not arrived waits in `sync_pending` and is written
  as soon as the parent comes, in whichever bundle.

Tables are written in foreign-key order within the caller's transaction: all or nothing.
"""

from __future__ import annotations

import gc
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from operator import attrgetter, itemgetter

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from fieldtool.models import ChangeLog, Setting, SyncBundle, SyncConflict, SyncPending
from fieldtool.succession import first_number
from fieldtool.thai import InputError

# Per-installation tables: kept in the log for the audit trail, never written into another database.
LOCAL_TABLES = frozenset({"setting", "change_log", "sync_key", "sync_bundle", "sync_conflict", "sync_pending"})
ACTIONS = ("insert", "update", "delete")
CHUNK = 500  # ids per IN (...) query: well under SQLite's and PostgreSQL's parameter limits
LOOKUP = 5000  # ids per IN (...) query where a bundle's every record is looked up (SQLite ≥ 3.32 takes 32,766)
CONFLICT_NS = uuid.UUID("6c1e3c1c-2f7d-4e55-9f55-5a2d1c0b5e11")


class SyncError(InputError):
    """A bundle's changes cannot be merged (they contradict what is already here, or cannot be read)."""


# --- entries ----------------------------------------------------------------------------------------------


_CANONICAL_AT = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def canonical_at(value: datetime | str) -> str:
    """One spelling of a change's time (UTC, microseconds, 'Z'), so every database sorts changes alike."""
    if isinstance(value, str):
        if _CANONICAL_AT.fullmatch(value):  # as every bundle spells it: checked to be a time, not spelled again
            datetime.fromisoformat(value[:-1])
            return value
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class Entry:
    """One change-log entry as it travels in a bundle (`data` is the JSON text exactly as logged)."""

    id: str
    device_id: str
    seq: int
    at: str  # canonical_at
    officer: str
    table_name: str
    record_id: str
    action: str
    data: str
    parsed: dict | None = field(default=None, compare=False, repr=False)  # `data` read once; never changed

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.at, self.device_id, self.seq)

    def values(self) -> dict:
        """`data` as a dict (shared: not to be changed)."""
        return self.parsed if self.parsed is not None else json.loads(self.data)

    def to_json(self) -> dict:
        return {"id": self.id, "device_id": self.device_id, "seq": self.seq, "at": self.at, "officer": self.officer,
                "table": self.table_name, "record_id": self.record_id, "action": self.action, "data": self.data}

    @classmethod
    def from_json(cls, obj) -> Entry:
        """Read one line of changes.jsonl; anything malformed is a ValueError."""
        if not isinstance(obj, dict):
            raise ValueError("an entry is not an object")
        try:
            entry_id, device_id, seq, at = obj["id"], obj["device_id"], obj["seq"], canonical_at(obj["at"])
            officer, table_name, record_id = obj.get("officer", ""), obj["table"], obj["record_id"]
            action, data = obj["action"], obj["data"]
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"an entry lacks a field: {exc}") from exc
        if not (isinstance(entry_id, str) and isinstance(device_id, str) and isinstance(officer, str)
                and isinstance(table_name, str) and isinstance(record_id, str) and isinstance(data, str)
                and type(seq) is int and seq >= 1):
            raise ValueError("an entry has a field of the wrong type")
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        parsed = json.loads(data)
        if not isinstance(parsed, dict):
            raise ValueError("an entry's data is not an object")
        return cls(entry_id, device_id, seq, at, officer, table_name, record_id, action, data, parsed)

    def row(self) -> dict:
        return {"id": self.id, "device_id": self.device_id, "seq": self.seq, "at": parse_at(self.at),
                "officer": self.officer, "table_name": self.table_name, "record_id": self.record_id,
                "action": self.action, "data": self.data}


def entry_from_row(row) -> Entry:
    return Entry(id=row.id, device_id=row.device_id, seq=row.seq, at=canonical_at(row.at), officer=row.officer,
                 table_name=row.table_name, record_id=row.record_id, action=row.action, data=row.data)


_LOG = ChangeLog.__table__


def device_entries(session: Session, device_id: str, after_seq: int = 0, upto: int | None = None) -> Iterable[Entry]:
    """A device's entries after a sequence number (up to `upto`), in order (what a bundle carries)."""
    q = select(_LOG).where(_LOG.c.device_id == device_id, _LOG.c.seq > after_seq).order_by(_LOG.c.seq)
    if upto is not None:
        q = q.where(_LOG.c.seq <= upto)
    for row in session.execute(q.execution_options(yield_per=2000)):
        yield entry_from_row(row)


# --- what we know about each table -------------------------------------------------------------------------


@dataclass
class TableInfo:
    name: str
    table: sa.Table
    order: int  # position in foreign-key order
    converters: dict  # column -> JSON value to Python value
    defaults: dict  # column -> value used when an (older) entry lacks the column
    required: frozenset  # columns without a default that may not be null
    parents: list  # (column, parent table)
    immutable: bool  # append-only: never updated once written
    converting: tuple = ()  # (column, converter) of the columns whose JSON value is not already the Python one
    blank: dict = field(default_factory=dict)  # every column -> its default (None where it has none)


def _to_date(v):
    return date.fromisoformat(v[:10]) if isinstance(v, str) else v


def _to_datetime(v):
    if isinstance(v, str):
        v = datetime.fromisoformat(v.replace("Z", "+00:00"))
    if isinstance(v, datetime) and v.tzinfo is None:
        v = v.replace(tzinfo=UTC)
    return v


def _to_bool(v):
    return None if v is None else bool(v)


def _to_int(v):
    return None if v is None or isinstance(v, bool) else int(v)


def _to_float(v):
    return None if v is None else float(v)


def _as_is(v):
    return v


def _converter(column: sa.Column):
    t = column.type
    t = getattr(t, "impl_instance", None) or getattr(t, "impl", t)  # through SQLModel's UTCDateTime decorator
    try:
        kind = t.python_type
    except NotImplementedError:
        return _as_is
    return {datetime: _to_datetime, date: _to_date, bool: _to_bool, int: _to_int, float: _to_float}.get(kind, _as_is)


@cache
def table_infos() -> dict[str, TableInfo]:
    models = {m.local_table.name: m.class_ for m in SQLModel._sa_registry.mappers}
    infos = {}
    for order, table in enumerate(SQLModel.metadata.sorted_tables):
        if table.name in LOCAL_TABLES or "id" not in table.c:
            continue
        fields = getattr(models.get(table.name), "model_fields", {})
        defaults, required = {}, set()
        for col in table.columns:
            f = fields.get(col.name)
            if f is not None and f.default is not PydanticUndefined and f.default_factory is None:
                defaults[col.name] = f.default
            elif col.nullable:
                defaults[col.name] = None
            else:
                required.add(col.name)
        converters = {c.name: _converter(c) for c in table.columns}
        infos[table.name] = TableInfo(
            name=table.name, table=table, order=order, converters=converters, defaults=defaults,
            required=frozenset(required),
            parents=[(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys],
            immutable=table.name == "payment",
            converting=tuple((c, f) for c, f in converters.items() if f is not _as_is),
            blank={c: defaults.get(c) for c in converters},
        )
    return infos


# --- folding --------------------------------------------------------------------------------------------------

_MISSING = object()


@dataclass
class FoundConflict:
    field: str
    chosen: Entry
    chosen_value: object
    other: Entry
    other_value: object

    def conflict_id(self, table: str, record_id: str) -> str:
        name = (f"{table}|{record_id}|{self.field}|{self.chosen.device_id}|{self.chosen.seq}|"
                f"{self.other.device_id}|{self.other.seq}")
        return str(uuid.uuid5(CONFLICT_NS, name))


@dataclass
class Folded:
    table: str
    record_id: str
    values: dict  # read only: a record's one insert gives its entry's own dict
    has_insert: bool
    deleted: bool
    first: tuple
    conflicts: list[FoundConflict] = field(default_factory=list)
    decisions: dict[str, tuple[str, Entry]] = field(default_factory=dict)  # conflict id -> (take, the change)


def fold(table: str, record_id: str, entries: list[Entry]) -> Folded:
    """The record as all its changes, in (time, device, sequence) order, make it."""
    if len(entries) == 1 and entries[0].action == "insert":  # most records at an office: nothing to order
        data = entries[0].values()
        if "_decision" not in data:
            return Folded(table, record_id, data, True, False, entries[0].key)
    entries = sorted(entries, key=lambda e: e.key)
    values: dict = {}
    setters: dict[str, Entry] = {}
    has_insert = deleted = False
    conflicts: list[FoundConflict] = []
    decisions: dict[str, tuple[str, Entry]] = {}
    for e in entries:
        if deleted:
            break  # a deleted record stays deleted; later edits of it have nothing to change
        data = e.values()
        if "_decision" in data or "_before" in data:
            data = dict(data)  # the entry's own dict is shared: popped from a copy
        decision = data.pop("_decision", None)
        if isinstance(decision, dict) and decision.get("take") in ("other", "chosen"):
            decisions[str(decision.get("conflict"))] = (decision["take"], e)
        if e.action == "insert":
            has_insert = True
            values.update(data)
            setters.update(dict.fromkeys(data, e))
        elif e.action == "update":
            before = data.pop("_before", None) or {}
            for name, value in data.items():
                last = setters.get(name)
                current = values.get(name, _MISSING)
                # Concurrent: another device set the field and this change was made without seeing that value.
                if (last is not None and last.device_id != e.device_id and name in before
                        and current is not _MISSING and before[name] != current and value != current):
                    conflicts.append(FoundConflict(name, e, value, last, current))
                values[name] = value
                setters[name] = e
        else:
            deleted = True
    return Folded(table, record_id, values, has_insert, deleted, entries[0].key if entries else ("", "", 0), conflicts,
                  decisions)


# --- applying -------------------------------------------------------------------------------------------------


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


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _known_entries(session: Session, entries: list[Entry]) -> dict[tuple[str, int], str]:
    """(device, seq) -> id of the entries already here, for the devices and ranges the batch covers."""
    by_device: dict[str, list[int]] = defaultdict(list)
    for e in entries:
        by_device[e.device_id].append(e.seq)
    known = {}
    for device, seqs in by_device.items():
        q = select(_LOG.c.seq, _LOG.c.id).where(_LOG.c.device_id == device, _LOG.c.seq.between(min(seqs), max(seqs)))
        for seq, entry_id in session.execute(q):
            known[(device, seq)] = entry_id
    return known


def apply_entries(session: Session, entries: Iterable[Entry], progress=None) -> ApplyResult:
    """Keep the entries not seen before and materialise every record they touch (caller commits).

    `progress(done, total)`, when given, is told how many of the touched records are written, table by table.
    """
    with collector_paused():
        return _apply(session, list(entries), progress)


@contextmanager
def collector_paused():
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


def _apply(session: Session, entries: list[Entry], progress) -> ApplyResult:
    result = ApplyResult(entries=len(entries))
    known = _known_entries(session, entries)
    new: dict[tuple[str, int], Entry] = {}
    for e in entries:
        k = (e.device_id, e.seq)
        if k in known:
            if known[k] != e.id:
                raise SyncError(
                    f"รายการแก้ไขที่ {e.seq} ของเครื่อง {e.device_id} ไม่ตรงกับที่รับไว้แล้ว "
                    f"(change {e.seq} of device {e.device_id} differs from the one already received; "
                    "two laptops may share one device id)"
                )
            continue
        if k in new and new[k].id != e.id:
            raise SyncError(f"ชุดข้อมูลมีรายการซ้ำที่ขัดกัน (the bundle holds two different changes numbered {e.seq})")
        new[k] = e
    if not new:
        return result
    fresh = list(new.values())
    result.entries_new = len(fresh)
    result.new_entries = fresh
    infos = table_infos()
    by_record: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in fresh:
        if e.table_name in infos:
            by_record[(e.table_name, e.record_id)].append(e)
    touched = set(by_record)
    # Records that waited for a parent get another chance now.
    pend = session.execute(select(SyncPending.table_name, SyncPending.record_id)).all()
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
    stored = _LOG.c.at.type.dialect_impl(dialect).bind_processor(dialect) if dialect.name == "sqlite" else None
    first = entries[0].at
    if stored is not None and stored(parse_at(first)) == _at_text(first):
        rows = [(e.id, e.device_id, e.seq, _at_text(e.at) or stored(parse_at(e.at)), e.officer, e.table_name,
                 e.record_id, e.action, e.data) for e in entries]
        _insert_rows(session, _LOG, rows, _LOG_COLUMNS, converted=True)
    else:
        rows = [(e.id, e.device_id, e.seq, parse_at(e.at), e.officer, e.table_name, e.record_id, e.action, e.data)
                for e in entries]
        _insert_rows(session, _LOG, rows, _LOG_COLUMNS)


def _at_text(at: str) -> str:
    """'2026-11-22 03:04:05.123456' for '2026-11-22T03:04:05.123456Z'; empty for any other spelling."""
    return f"{at[:10]} {at[11:26]}" if _CANONICAL_AT.fullmatch(at) else ""


MERGE_CACHE_KB = 16384


@contextmanager
def _roomy_cache(session: Session):
    """A bigger SQLite page cache while a bundle is written: its rows land all over the log's indexes, and with
    the default 2 MB most of each transaction's pages would be written out and read back before it commits."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = session.execute(sa.text("PRAGMA cache_size")).scalar()
    session.execute(sa.text(f"PRAGMA cache_size=-{MERGE_CACHE_KB}"))
    try:
        yield
    finally:
        session.execute(sa.text(f"PRAGMA cache_size={int(before)}"))


def _load_entries(session: Session, keys: set, by_record: dict) -> None:
    """Add the entries already in the log for these records (from any device) to by_record."""
    # Most records of a bundle are new here: first which have any entry (the index alone answers), then
    # those entries. By record id alone: with the table's name in the query too SQLite would walk that
    # table's whole log (ix_change_log_table_name) once per chunk, which grows with the district.
    logged = _ids_found(session, _LOG.c.record_id, {r for _t, r in keys})
    for chunk in _chunks(sorted(logged), LOOKUP):
        for row in session.execute(select(_LOG).where(_LOG.c.record_id.in_(chunk))):
            key = (row.table_name, row.record_id)
            if key in keys:
                by_record[key].append(entry_from_row(row))


def rematerialize(session: Session, keys: set[tuple[str, str]]) -> ApplyResult:
    """Rebuild these records from the log (after the office wrote a change of its own into it)."""
    result = ApplyResult()
    by_record: dict = defaultdict(list)
    keys = {k for k in keys if k[0] in table_infos()}
    _load_entries(session, keys, by_record)
    _materialize(session, keys, by_record, result)
    return result


def _row_for(info: TableInfo, folded: Folded) -> dict | None:
    """The Python row to write; None when an insert lacks a column that has no default."""
    values = folded.values
    if folded.has_insert:
        if not values.keys() >= info.required:
            return None
        row = {**info.blank, **values}
        if len(row) != len(info.blank):  # values that are no column (any more): left out
            row = {c: row[c] for c in info.blank}
        converting = info.converting
    else:
        row = {c: v for c, v in values.items() if c in info.converters}
        converting = [(c, info.converters[c]) for c in row if info.converters[c] is not _as_is]
    try:
        for c, convert in converting:
            row[c] = convert(row[c])
        return row
    except (TypeError, ValueError) as exc:
        raise SyncError(
            f"อ่านค่าในรายการแก้ไขของตาราง {info.name} ไม่ได้ (a change to {info.name} {folded.record_id} holds a "
            f"value that cannot be read: {exc})"
        ) from exc


def _existing_ids(session: Session, table: sa.Table, ids: Iterable[str]) -> set[str]:
    return _ids_found(session, table.c.id, set(ids))


def _ids_found(session: Session, column: sa.Column, ids: set[str]) -> set[str]:
    """Which of these (text) ids the column holds. On SQLite the query goes to the driver as it is: a bundle
    looks up every record it brings, and Core's handling of thousands of parameters a query costs more than
    SQLite's answer."""
    found: set[str] = set()
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        quote = conn.dialect.identifier_preparer
        name, table = quote.quote(column.name), quote.format_table(column.table)
        for chunk in _chunks(sorted(ids), LOOKUP):
            sql = f"SELECT DISTINCT {name} FROM {table} WHERE {name} IN ({', '.join('?' * len(chunk))})"
            found.update(r[0] for r in conn.exec_driver_sql(sql, tuple(chunk)))
        return found
    for chunk in _chunks(sorted(ids), LOOKUP):
        found.update(session.scalars(select(column).where(column.in_(chunk)).distinct()))
    return found


def _materialize(session: Session, touched: set, by_record: dict, result: ApplyResult, progress=None) -> None:
    infos = table_infos()
    done, total = 0, len(touched)
    folded_by_table: dict[str, list[Folded]] = defaultdict(list)
    # In the order the changes came (a bundle's own order, nearly the order written below): sorting is then cheap.
    for t, r in [*(k for k in by_record if k in touched), *(k for k in touched if k not in by_record)]:
        folded_by_table[t].append(fold(t, r, by_record.get((t, r), [])))
    present: dict[str, set[str]] = defaultdict(set)  # ids known to exist (in the database or written now)
    pending: dict[tuple[str, str], str] = {}
    deletes: list[tuple[TableInfo, str]] = []
    all_conflicts: list[tuple[Folded, FoundConflict]] = []
    for info in sorted(infos.values(), key=lambda i: i.order):
        records = sorted(folded_by_table.get(info.name, []), key=attrgetter("first", "record_id"))
        if not records:
            continue
        existing = _existing_ids(session, info.table, (f.record_id for f in records))
        present[info.name] |= existing
        rows: list[tuple[Folded, dict | None]] = [(f, None if f.deleted else _row_for(info, f)) for f in records]
        # Parents not yet known to exist are looked up once, table by table.
        wanted: dict[str, set[str]] = defaultdict(set)
        for _f, row in rows:
            for col, parent in info.parents:
                if row and row.get(col) is not None and row[col] not in present[parent]:
                    wanted[parent].add(row[col])
        for parent, ids in wanted.items():
            present[parent] |= _existing_ids(session, infos[parent].table, ids)
        inserts, full_updates, partial_updates = [], [], []
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
    result.pending = session.execute(select(func.count()).select_from(SyncPending)).scalar()
    result.conflicts_new = _store_conflicts(session, touched, all_conflicts)


def _insert_rows(session: Session, table: sa.Table, rows: list, columns: tuple | None = None,
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
    if dialect.name != "sqlite" or sorted(names) != sorted(keys):
        for batch in _chunks(rows, 1000):
            conn.execute(table.insert(), [dict(zip(keys, r, strict=True)) for r in batch] if columns else batch)
        return
    where = [keys.index(name) for name in names] if columns else names
    take = itemgetter(*where) if len(where) > 1 else (lambda r: (r[where[0]],))
    processors = [] if converted else [
        (i, p) for i, name in enumerate(names)
        if (p := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    for batch in _chunks(rows, 5000):
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


def _update(session: Session, table: sa.Table, rows: list[dict]) -> None:
    if not rows:
        return
    names = [c for c in rows[0] if c != "id"]
    if not names:
        return
    stmt = table.update().where(table.c.id == bindparam("b_id")).values({c: bindparam(f"b_{c}") for c in names})
    for batch in _chunks(rows, 1000):
        session.execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in batch])


def _store_pending(session: Session, touched: set, pending: dict) -> None:
    table = SyncPending.__table__
    if len(touched) > CHUNK:  # a whole bundle: what waits is few, so read it rather than look up every record
        ids = sorted(i for i, t, r in session.execute(select(table.c.id, table.c.table_name, table.c.record_id))
                     if (t, r) in touched)
    else:
        ids = sorted(f"{t}:{r}" for t, r in touched)
    for chunk in _chunks(ids):
        session.execute(table.delete().where(table.c.id.in_(chunk)))
    rows = [{"id": f"{t}:{r}", "table_name": t, "record_id": r, "reason": why} for (t, r), why in sorted(pending.items())]
    for batch in _chunks(rows, 1000):
        session.execute(table.insert(), batch)


def _decided(f: Folded, cid: str) -> dict:
    """The columns that say a conflict is open, or how and when the office decided it."""
    if cid not in f.decisions:
        return {"status": "open", "resolved_at": None, "resolved_by": "", "resolution_seq": None}
    take, e = f.decisions[cid]
    return {"status": "took_other" if take == "other" else "kept", "resolved_at": parse_at(e.at),
            "resolved_by": e.officer, "resolution_seq": e.seq}


def _store_conflicts(session: Session, touched: set, found: list[tuple[Folded, FoundConflict]]) -> int:
    """Make the open conflicts of the touched records exactly those the fold found, each decided where the
    office's decision is among the changes; returns how many new ones wait for the office."""
    table = SyncConflict.__table__
    record_ids = sorted({r for _t, r in touched})
    existing: dict[str, str] = {}
    if len(record_ids) > CHUNK and session.execute(select(func.count()).select_from(table)).scalar() <= len(record_ids):
        wanted_ids = set(record_ids)  # fewer conflicts than records: read them all rather than look each record up
        for cid, status, record_id in session.execute(select(table.c.id, table.c.status, table.c.record_id)):
            if record_id in wanted_ids:
                existing[cid] = status
        record_ids = []
    for chunk in _chunks(record_ids):
        for cid, status in session.execute(select(table.c.id, table.c.status).where(table.c.record_id.in_(chunk))):
            existing[cid] = status
    wanted = {}
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
    stale = [cid for cid, status in existing.items() if status == "open" and cid not in wanted]
    for chunk in _chunks(sorted(stale)):
        session.execute(table.delete().where(table.c.id.in_(chunk)))
    rows = [row for cid, row in sorted(wanted.items()) if cid not in existing]
    for batch in _chunks(rows, 1000):
        session.execute(table.insert(), batch)
    # a decision that arrived after the conflict (the office's, back on a laptop) closes it here too
    for cid, row in sorted(wanted.items()):
        if existing.get(cid) == "open" and row["status"] != "open":
            session.execute(table.update().where(table.c.id == cid).values(
                {k: row[k] for k in ("status", "resolved_at", "resolved_by", "resolution_seq")}))
    return sum(1 for row in rows if row["status"] == "open")


# --- conflicts: review and decide -----------------------------------------------------------------------------


def open_conflicts(session: Session, include_resolved: bool = False) -> list[SyncConflict]:
    q = select(SyncConflict).order_by(SyncConflict.chosen_at, SyncConflict.id)
    if not include_resolved:
        q = q.where(SyncConflict.status == "open")
    return list(session.scalars(q))


def get_conflict(session: Session, ref: str) -> SyncConflict:
    row = session.get(SyncConflict, ref) if ref else None
    if row is None and ref and len(ref) >= 6:
        rows = session.scalars(select(SyncConflict).where(SyncConflict.id.like(f"{ref}%"))).all()
        row = rows[0] if len(rows) == 1 else None
    if row is None:
        raise InputError(f"ไม่พบข้อขัดแย้ง {ref} (no such conflict: {ref}; see 'fieldtool office conflicts')")
    return row


def resolve_conflict(session: Session, ref: str, take: str) -> SyncConflict:
    """The office decides: keep the chosen value or take the other one.

    Either way the decision is written as a change of this (office) device that names the conflict, so it
    travels back to the field in the return bundle: every laptop ends with the value the office picked and
    lists the conflict as decided.
    """
    from fieldtool.changelog import _identity, _next_seq  # the same counter the change-log hook uses

    if take not in ("other", "chosen"):
        raise InputError("เลือกได้เฉพาะ other หรือ chosen (take must be 'other' or 'chosen')")
    conflict = get_conflict(session, ref)
    if conflict.status != "open":
        raise InputError(f"ข้อขัดแย้งนี้ตัดสินแล้ว ({conflict.status}) (this conflict was already resolved: {conflict.status})")
    chosen, other = json.loads(conflict.chosen_value), json.loads(conflict.other_value)
    value, superseded = (other, chosen) if take == "other" else (chosen, other)
    device_id, officer = _identity(session)
    now = datetime.now(UTC)
    seq = _next_seq(session, device_id)
    data = json.dumps({conflict.field: value, "_before": {conflict.field: superseded},
                       "_decision": {"conflict": conflict.id, "take": take}}, ensure_ascii=False, sort_keys=True)
    session.execute(_LOG.insert(), [{
        "id": str(uuid.uuid4()), "device_id": device_id, "seq": seq, "at": now, "officer": officer,
        "table_name": conflict.table_name, "record_id": conflict.record_id, "action": "update", "data": data,
    }])
    rematerialize(session, {(conflict.table_name, conflict.record_id)})
    table = SyncConflict.__table__
    session.execute(table.update().where(table.c.id == conflict.id).values(
        status="took_other" if take == "other" else "kept", resolved_at=now, resolved_by=officer, resolution_seq=seq))
    session.expire(conflict)
    return session.get(SyncConflict, conflict.id)


# --- the field side: a complete log, acknowledgements -------------------------------------------------------


def baseline(session: Session, device_id: str, officer: str) -> int:
    """Write an insert entry for every row that has none (rows made by a migration, or before the log).

    Without it the office would receive updates of a record it never saw created. Returns how many.
    """
    from fieldtool.changelog import _next_seq, log_data

    infos = table_infos()
    added = 0
    now = datetime.now(UTC)
    for info in sorted(infos.values(), key=lambda i: i.order):
        logged = select(_LOG.c.record_id).where(_LOG.c.table_name == info.name, _LOG.c.action == "insert")
        q = select(info.table).where(info.table.c.id.not_in(logged)).order_by(info.table.c.id)
        rows = []
        for row in session.execute(q):
            rows.append({"id": str(uuid.uuid4()), "device_id": device_id, "seq": _next_seq(session, device_id),
                         "at": now, "officer": officer, "table_name": info.name, "record_id": row.id,
                         "action": "insert", "data": log_data(dict(row._mapping))})
        for batch in _chunks(rows, 2000):
            session.execute(_LOG.insert(), batch)
        added += len(rows)
    return added


def local_device(session: Session) -> str:
    row = session.get(Setting, "device_id")
    return row.value if row else ""


def return_marks(session: Session, devices: list[str] | None = None) -> dict:
    """What this laptop has applied from the office, counting only return bundles received without a gap.

    Return bundles are numbered per laptop (device), so only those made for this device count; `devices`
    names it and, on a restored laptop, the devices it succeeds, newest first: until the office has sent the
    new device anything, what its predecessor applied (the book it holds) is what it acknowledges.
    """
    marks: dict = {"return_bundle": 0, "upto": {}}
    for device in devices or [local_device(session)]:
        marks = _applied_returns(session, device)
        if marks["return_bundle"]:
            break
    return marks


def _applied_returns(session: Session, device: str) -> dict:
    rows = session.execute(
        select(SyncBundle.bundle_seq, SyncBundle.marks)
        .where(SyncBundle.direction == "in", SyncBundle.kind == "return", SyncBundle.target_device == device)
        .order_by(SyncBundle.bundle_seq)
    ).all()
    marks, expected = {"return_bundle": 0, "upto": {}}, 1
    for seq, text in rows:
        if seq < expected:
            continue
        if seq != expected:
            break
        marks = {"return_bundle": seq, "upto": json.loads(text).get("upto", {})}
        expected += 1
    return marks


# --- the office side: gaps, what goes back to a laptop ----------------------------------------------------


@dataclass
class Gap:
    device_id: str
    officer: str
    bundles: list[int]  # bundle numbers never received
    changes: list[tuple[int, int]]  # change-sequence ranges missing because of them


def device_gaps(session: Session, device_id: str) -> Gap | None:
    """A missing bundle of a laptop, told by its numbers, when its changes have not come another way."""
    rows = session.execute(
        select(SyncBundle.bundle_seq, SyncBundle.seq_from, SyncBundle.seq_to, SyncBundle.officer)
        .where(SyncBundle.direction == "in", SyncBundle.kind == "field", SyncBundle.source_device == device_id)
    ).all()
    if not rows:
        return None
    numbers = {r.bundle_seq for r in rows}
    ranges = sorted((r.seq_from, r.seq_to) for r in rows if r.seq_to >= r.seq_from)
    holes, covered = [], 0
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


def peer_entries(session: Session, peers: list[str], upto: dict) -> tuple[list[Entry], dict[str, int]]:
    """The changes of other laptops of a subdistrict after what the target laptop has acknowledged of each.

    Returns the entries and, per peer, the highest sequence the target will have once it applies them.
    """
    infos = table_infos()
    entries: list[Entry] = []
    tops: dict[str, int] = {}
    for peer in sorted(peers):
        after = int(upto.get(peer, 0))
        rows = session.execute(select(_LOG).where(_LOG.c.device_id == peer, _LOG.c.seq > after).order_by(_LOG.c.seq))
        got = [entry_from_row(r) for r in rows]
        tops[peer] = max([after, *(e.seq for e in got)])
        entries += [e for e in got if e.table_name in infos]
    return entries, tops


def office_entries_for(session: Session, office_device: str, area_devices: list[str], after_seq: int) -> list[Entry]:
    """The office's own changes after `after_seq` that concern the records of one subdistrict.

    A record concerns the subdistrict when a laptop of that subdistrict has changed it, when it refers
    (by any *_id column) to a record that does (a loan approved at the office for a group of the
    subdistrict, its schedule and instalments), or when it is a fund the office made for the whole district.
    """
    infos = table_infos()
    mine = [entry_from_row(r) for r in session.execute(
        select(_LOG).where(_LOG.c.device_id == office_device, _LOG.c.seq > after_seq).order_by(_LOG.c.seq))]
    mine = [e for e in mine if e.table_name in infos]
    if not mine:
        return []
    relevant: set[str] = set()
    if area_devices:
        q = select(_LOG.c.record_id).where(_LOG.c.device_id.in_(area_devices)).distinct()
        relevant = set(session.scalars(q))
    records: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in mine:
        records[(e.table_name, e.record_id)].append(e)
    chosen: set[tuple[str, str]] = set()
    order = sorted(records, key=lambda k: (infos[k[0]].order, records[k][0].seq))
    rows_by_table: dict[str, dict[str, dict]] = {}
    for table in {k[0] for k in order}:
        t = infos[table].table
        ids = [r for tt, r in order if tt == table]
        rows_by_table[table] = {}
        for chunk in _chunks(ids):
            for row in session.execute(select(t).where(t.c.id.in_(chunk))):
                rows_by_table[table][row.id] = dict(row._mapping)
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
            others = session.execute(select(func.count()).select_from(_LOG).where(
                _LOG.c.record_id == record_id, _LOG.c.device_id != office_device)).scalar()
            if not others:
                chosen.add(key)
                relevant.add(record_id)
    return [e for e in mine if (e.table_name, e.record_id) in chosen]
