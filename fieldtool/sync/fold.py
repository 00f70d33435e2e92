"""A record made from all its changes, and the conflicts found on the way.

A record is never copied from one database to another: it is *folded* from every change of it, from every
device, in (time, device, sequence) order – the insert gives the row, updates set their fields, a delete
removes it – so the result depends only on the set of changes, never on the order bundles arrive in.

Two devices changing one field without having seen each other's value is a conflict: an update carries the
values it replaced (`_before`), and when that is not the value the field holds by then, set by another
device, the fold still takes the later change and names the pair (`FoundConflict`). The office's decision of
a conflict is a change of its own that names it (`_decision`); the fold collects those too.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from fieldtool.sync.entries import Entry

CONFLICT_NS = uuid.UUID("6c1e3c1c-2f7d-4e55-9f55-5a2d1c0b5e11")

_MISSING = object()


@dataclass
class FoundConflict:
    field: str
    chosen: Entry
    chosen_value: object
    other: Entry
    other_value: object

    def conflict_id(self, table: str, record_id: str) -> str:
        """Made from the two changes, so every database, in whatever order it merged them, names it alike."""
        name = (f"{table}|{record_id}|{self.field}|{self.chosen.device_id}|{self.chosen.seq}|"
                f"{self.other.device_id}|{self.other.seq}")
        return str(uuid.uuid5(CONFLICT_NS, name))


@dataclass
class Folded:
    table: str
    record_id: str
    values: dict[str, object]  # read only: a record's one insert gives its entry's own dict
    has_insert: bool
    deleted: bool
    first: tuple[str, str, int]  # the key of its first change
    conflicts: list[FoundConflict] = field(default_factory=list)
    decisions: dict[str, tuple[str, Entry]] = field(default_factory=dict)  # conflict id -> (take, the change)


def fold(table: str, record_id: str, entries: Sequence[Entry]) -> Folded:
    """The record as all its changes, in (time, device, sequence) order, make it."""
    if len(entries) == 1 and entries[0].action == "insert":  # most records at an office: nothing to order
        data = entries[0].values()
        if "_decision" not in data:
            return Folded(table, record_id, data, True, False, entries[0].key)
    entries = sorted(entries, key=lambda e: e.key)
    values: dict[str, object] = {}
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
            before = data.pop("_before", None)
            if not isinstance(before, dict):
                before = {}
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
