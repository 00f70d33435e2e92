"""A change-log entry as it travels between databases: its line in a bundle, its time spelt one way.

Every database sorts a record's changes by (time, device, sequence), so a change's time has one spelling
everywhere (`canonical_at`: UTC, microseconds, 'Z'), whatever the database or the laptop's clock wrote.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldtool.models import ChangeLog
from fieldtool.sync.tables import table_of

ACTIONS = ("insert", "update", "delete")
CHUNK = 500  # ids per IN (...) query: well under SQLite's and PostgreSQL's parameter limits
LOG = table_of(ChangeLog)

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


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


def at_text(at: str) -> str:
    """'2026-11-22 03:04:05.123456' for '2026-11-22T03:04:05.123456Z'; empty for any other spelling."""
    return f"{at[:10]} {at[11:26]}" if _CANONICAL_AT.fullmatch(at) else ""


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
    action: str  # one of ACTIONS
    data: str
    parsed: dict[str, object] | None = field(default=None, compare=False, repr=False)  # `data` read once; never changed

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.at, self.device_id, self.seq)

    def values(self) -> dict[str, object]:
        """`data` as a dict (shared: not to be changed)."""
        if self.parsed is not None:
            return self.parsed
        values: dict[str, object] = json.loads(self.data)
        return values

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "device_id": self.device_id, "seq": self.seq, "at": self.at, "officer": self.officer,
                "table": self.table_name, "record_id": self.record_id, "action": self.action, "data": self.data}

    @classmethod
    def from_json(cls, obj: object) -> Entry:
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

    def row(self) -> dict[str, object]:
        return {"id": self.id, "device_id": self.device_id, "seq": self.seq, "at": parse_at(self.at),
                "officer": self.officer, "table_name": self.table_name, "record_id": self.record_id,
                "action": self.action, "data": self.data}


def entry_from_row(row: sa.Row[Any]) -> Entry:
    return Entry(id=row.id, device_id=row.device_id, seq=row.seq, at=canonical_at(row.at), officer=row.officer,
                 table_name=row.table_name, record_id=row.record_id, action=row.action, data=row.data)


def device_entries(session: Session, device_id: str, after_seq: int = 0, upto: int | None = None) -> Iterator[Entry]:
    """A device's entries after a sequence number (up to `upto`), in order (what a bundle carries)."""
    q = select(LOG).where(LOG.c.device_id == device_id, LOG.c.seq > after_seq).order_by(LOG.c.seq)
    if upto is not None:
        q = q.where(LOG.c.seq <= upto)
    for row in session.execute(q.execution_options(yield_per=2000)):
        yield entry_from_row(row)
