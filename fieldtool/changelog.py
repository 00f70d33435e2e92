"""The change log: every insert and update is written down (who, which device, when, what).

It is the audit trail shown in the app and, later, what sync bundles carry. It is filled by a session
hook, so no service can forget it; payments and the log itself refuse updates and deletes. `bulk_insert`
writes many new rows at once and logs them exactly as the hook would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Table, event, func, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction
from sqlmodel import SQLModel, col, select

from fieldtool.models import ChangeLog, Payment, Setting, new_id

APPEND_ONLY = (Payment, ChangeLog)


class AppendOnlyError(RuntimeError):
    pass


def _json_value(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# json.dumps(value, ensure_ascii=False, sort_keys=True), without making a new encoder for every entry
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def log_data(values: Mapping[str, object]) -> str:
    """The `data` of a change-log entry: the values as JSON, dates and times as ISO text."""
    return _encode({k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()})


def _columns(obj: SQLModel) -> dict[str, object]:
    mapper = inspect(obj).mapper
    return {c.key: getattr(obj, c.key) for c in mapper.column_attrs}


def _changed(obj: SQLModel) -> tuple[dict[str, object], dict[str, object]]:
    state = inspect(obj)
    after: dict[str, object] = {}
    before: dict[str, object] = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            after[attr.key] = _json_value(hist.added[0] if hist.added else None)
            before[attr.key] = _json_value(hist.deleted[0] if hist.deleted else None)
    return after, before


def _identity(session: Session) -> tuple[str, str]:
    info = session.info
    if "device_id" not in info:
        with session.no_autoflush:
            rows: dict[str, str] = {key: value for key, value in session.execute(select(col(Setting.key), col(Setting.value)))}
        info["device_id"] = rows.get("device_id", "unknown-device")
        info.setdefault("officer", rows.get("officer", ""))
    return str(info["device_id"]), str(info.get("officer", ""))


def _next_seq(session: Session, device_id: str, count: int = 1) -> int:
    """The device's next sequence number; with `count`, the first of that many taken at once."""
    key = ("change_seq", device_id)
    if key not in session.info:
        with session.no_autoflush:
            current = session.execute(
                select(func.max(ChangeLog.seq)).where(col(ChangeLog.device_id) == device_id)
            ).scalar()
        session.info[key] = current or 0
    first: int = session.info[key] + 1
    session.info[key] += count
    return first


@event.listens_for(Session, "after_rollback")
def _forget_sequence(session: Session) -> None:
    # The counter was advanced for rows that were never written; read it again next time.
    for key in [k for k in session.info if isinstance(k, tuple) and k[0] == "change_seq"]:
        del session.info[key]


@event.listens_for(Session, "before_flush")
def _record_changes(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    entries: list[tuple[str, SQLModel, dict[str, object]]] = []
    for obj in list(session.deleted):
        if isinstance(obj, APPEND_ONLY):
            raise AppendOnlyError(f"{type(obj).__name__} records are append-only; record a reversal instead")
        entries.append(("delete", obj, _columns(obj)))
    for obj in list(session.dirty):
        if isinstance(obj, ChangeLog) or not session.is_modified(obj):
            continue
        if isinstance(obj, APPEND_ONLY):
            raise AppendOnlyError(f"{type(obj).__name__} records are append-only; record a reversal instead")
        after, before = _changed(obj)
        if after:
            after["_before"] = before
            entries.append(("update", obj, after))
    for obj in list(session.new):
        if isinstance(obj, ChangeLog):
            continue
        entries.append(("insert", obj, _columns(obj)))
    if not entries:
        return
    device_id, officer = _identity(session)
    now = datetime.now(UTC)
    for action, obj, data in entries:
        if isinstance(obj, Setting):
            table, record_id = "setting", obj.key
        else:
            table, record_id = _table(type(obj)).name, getattr(obj, "id")  # noqa: B009  (every other table has an id)
        session.add(
            ChangeLog(
                id=new_id(),
                device_id=device_id,
                seq=_next_seq(session, device_id),
                at=now,
                officer=officer,
                table_name=table,
                record_id=record_id,
                action=action,
                data=log_data(data),
            )
        )


# --- many new rows at once --------------------------------------------------------------------------------
# Why this exists: importing an office's register writes a few hundred thousand rows. One ORM object and
# one flush at a time, through the hook, that took two minutes for 10,000 loans; one executemany per table
# takes seconds. The log must not be able to tell the difference: the same entries, numbered on from the
# device's sequence, with the same `data`, made by the same `log_data`. Payments and the log itself are
# append-only; these are inserts, which they allow.


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models, untyped
    return table


@cache
def _defaults(
    model: type[SQLModel],
) -> tuple[dict[str, object], list[tuple[str, Callable[[], Any]]], frozenset[str], str]:
    """(plain defaults, (column, factory) pairs, required columns, primary key) of a table model."""
    fields = model.model_fields
    plain: dict[str, object] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    required: set[str] = set()
    for column in _table(model).columns:
        f = fields.get(column.name)
        if f is not None and f.default_factory is not None:
            factories.append((column.name, f.default_factory))  # type: ignore[arg-type]  # no factory here takes the data
        elif f is not None and f.default is not PydanticUndefined:
            plain[column.name] = f.default
        elif column.nullable and f is None:
            plain[column.name] = None
        else:
            required.add(column.name)
    (key,) = [c.name for c in _table(model).primary_key.columns]
    return plain, factories, frozenset(required), key


def bulk_insert(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert new rows of `model` in one executemany and log each as the change-log hook would.

    Each row is completed, in place, with the model's defaults (`id=new_id()` and the like) first. Pending
    ORM work is flushed before, so rows these point at are written and the sequence numbers stay in order.
    """
    if not rows:
        return
    session.flush()
    plain, factories, required, key = _defaults(model)
    table = _table(model)
    columns = set(table.columns.keys())
    for row in rows:
        for name in plain.keys() - row.keys():
            row[name] = plain[name]
        for name, factory in factories:
            if name not in row:
                row[name] = factory()
        if len(row) != len(columns) or not required <= row.keys():
            missing = sorted(required - row.keys())
            unknown = sorted(row.keys() - columns)
            raise ValueError(f"{table.name}: missing {missing}, unknown {unknown}")
    session.execute(insert(table), rows)
    if model is ChangeLog:
        return
    device_id, officer = _identity(session)
    first = _next_seq(session, device_id, len(rows))
    now = datetime.now(UTC)
    session.execute(insert(_table(ChangeLog)), [
        {"id": new_id(), "device_id": device_id, "seq": first + i, "at": now, "officer": officer,
         "table_name": table.name, "record_id": row[key], "action": "insert", "data": log_data(row)}
        for i, row in enumerate(rows)
    ])
