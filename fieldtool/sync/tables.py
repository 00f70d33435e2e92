"""What the merge knows of each table: its place in foreign-key order, its parents, its columns' defaults and
how a JSON value in a change becomes the column's Python value.

Worked out once from the models (`table_infos`), so a merge of a hundred thousand changes never asks
SQLAlchemy about a column again. The per-installation tables (`LOCAL_TABLES`) are left out: their changes
are kept in the log for the audit trail, never written into another database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlmodel import SQLModel

LOCAL_TABLES = frozenset({"setting", "change_log", "sync_key", "sync_bundle", "sync_conflict", "sync_pending"})

Converter = Callable[[object], object]  # a JSON value to the column's Python value


def table_of(model: type[SQLModel]) -> sa.Table:
    """A model's Core table (for bulk statements that skip the ORM)."""
    table = model.__table__  # type: ignore[attr-defined]  # SQLModel sets it on every table model, undeclared
    assert isinstance(table, sa.Table)
    return table


@dataclass
class TableInfo:
    name: str
    table: sa.Table
    order: int  # position in foreign-key order
    converters: dict[str, Converter]  # every column
    defaults: dict[str, object]  # column -> value used when an (older) entry lacks the column
    required: frozenset[str]  # columns without a default that may not be null
    parents: list[tuple[str, str]]  # (column, parent table)
    immutable: bool  # append-only: never updated once written
    converting: tuple[tuple[str, Converter], ...] = ()  # the columns whose JSON value is not already the Python one
    blank: dict[str, object] = field(default_factory=dict)  # every column -> its default (None where it has none)


def _to_date(v: object) -> object:
    return date.fromisoformat(v[:10]) if isinstance(v, str) else v


def _to_datetime(v: object) -> object:
    if isinstance(v, str):
        v = datetime.fromisoformat(v.replace("Z", "+00:00"))
    if isinstance(v, datetime) and v.tzinfo is None:
        v = v.replace(tzinfo=UTC)
    return v


def _to_bool(v: object) -> object:
    return None if v is None else bool(v)


def _to_int(v: object) -> object:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float, str)):
        return int(v)
    raise _not_a_number("int", v)


def _to_float(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, (int, float, str)):
        return float(v)
    raise _not_a_number("float", v)


def _not_a_number(kind: str, v: object) -> TypeError:
    return TypeError(f"{kind}() argument must be a string or a real number, not '{type(v).__name__}'")


def as_is(v: object) -> object:
    return v


def _converter(column: sa.Column[Any]) -> Converter:
    wrapped = getattr(column.type, "impl_instance", None)  # through SQLModel's UTCDateTime decorator to the
    inner = getattr(column.type, "impl", column.type) if wrapped is None else wrapped  # type that knows its Python type
    try:
        kind = inner.python_type
    except NotImplementedError:
        return as_is
    by_kind: dict[type, Converter] = {datetime: _to_datetime, date: _to_date, bool: _to_bool, int: _to_int,
                                      float: _to_float}
    return by_kind.get(kind, as_is)


@cache
def table_infos() -> dict[str, TableInfo]:
    models = {m.local_table: m.class_ for m in SQLModel._sa_registry.mappers}
    infos = {}
    for order, table in enumerate(SQLModel.metadata.sorted_tables):
        if table.name in LOCAL_TABLES or "id" not in table.c:
            continue
        fields = getattr(models.get(table), "model_fields", {})
        defaults: dict[str, object] = {}
        required: set[str] = set()
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
            converting=tuple((c, f) for c, f in converters.items() if f is not as_is),
            blank={c: defaults.get(c) for c in converters},
        )
    return infos
