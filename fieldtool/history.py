"""The change log in words (ประวัติการแก้ไข): its entries newest first, a page at a time, those of one day,
one record or one loan, each with its record named as the registers name it and every changed field in Thai
and English.

The words are made in two places this module puts together: fieldtool.change_words (kinds of record, fields,
values) and fieldtool.record_names (records, one query per table a page touches, not one per entry), so the
app, the command line and the tests read the same words from `history_page`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session
from sqlmodel import col, select

from fieldtool.change_words import (
    DELETED,
    NEW_RECORD,
    UNDO_FIELDS,
    FieldChange,
    field_label,
    kind_label,
    setting_label,
    shown,
)
from fieldtool.funds import DEFAULT_LADDER
from fieldtool.models import (
    ChangeLog,
    Instalment,
    LetterRecord,
    Payment,
    PreventCheck,
    ReminderDelivery,
    Schedule,
    WorkItem,
)
from fieldtool.record_names import RecordNames, chunks, pointer_target
from fieldtool.reminders import UNDO
from fieldtool.text import Text
from fieldtool.thai import LOCAL_ZONE, format_time, local_time, matches

PAGE_SIZE = 500

# Ids and bookkeeping that say nothing to an officer reading a new record.
_HIDDEN = {"id", "recorded_at", "created_at", "device_id", "recorded_by", "content", "details", "file_sha256",
           "ask_ladder", "demand_rules", "sha256", "purposes", "latitude", "longitude", "fields", "evidence_id", "source_kind",
           "target_kind", "table_name", "subdistrict_code", "handed_at", "from_devices", "to_device",
           "cumulative_satang"}  # an instalment's running sum: for reading the book quickly, not a term of the loan
# Bookkeeping an update carries beside its fields: a key moved to a restored laptop (fieldtool.succession).
_HIDDEN_CHANGES = {"sync_key": {"succeeds", "offset", "first"}}


@dataclass(frozen=True)
class HistoryEntry:
    """One change-log entry in words."""

    id: str
    at: datetime  # UTC
    seq: int
    officer: str
    device_id: str
    table: str
    record_id: str
    action: str  # insert | update | delete
    kind: Text  # ครัวเรือน (household)
    record: str  # "นางมาลัย ทองคำ หมู่ที่ 2 บ้านหนองบัว"
    changes: tuple[FieldChange, ...]
    record_label: Text | None = None  # a record named by a label, not a name (a setting): both languages

    def record_text(self, lang: str) -> str:
        return self.record if self.record_label is None else self.record_label.in_language(lang)

    @property
    def local_at(self) -> datetime:
        return local_time(self.at)

    def changes_text(self, lang: str | None = None) -> str:
        """The fields before → after; "เพิ่มใหม่" and what a new record holds. `lang` None: both."""
        parts = [c.text(lang) for c in self.changes]
        if self.action == "insert":
            new = str(NEW_RECORD) if lang is None else NEW_RECORD.in_language(lang)
            return "; ".join([new, *parts])
        if self.action == "delete":
            return str(DELETED) if lang is None else DELETED.in_language(lang)
        return "; ".join(parts)

    def text(self) -> str:
        """The entry on one line, Thai with English: what the command line prints."""
        when = format_time(self.at)
        record = self.record if self.record_label is None else str(self.record_label)
        return f"{when}  {self.officer or '-'}  {self.kind}  {record}  {self.changes_text()}"


def _named_field(table: str, name: str) -> bool:
    """False for a pointer this page cannot name (a bare id says nothing to an officer), and for bookkeeping."""
    if name in _HIDDEN_CHANGES.get(table, ()):
        return False
    if table == "sync_key" and name == "device_id":
        return True  # the laptop a key now signs for: its short id, as the office's list of laptops shows it
    return not name.endswith("_id") or pointer_target(table, name) is not None


def _data(row: ChangeLog) -> dict[str, object]:
    try:
        data = json.loads(row.data)
    except ValueError:
        return {"data": row.data}
    if not isinstance(data, dict):
        return {"data": data}
    data.pop("_decision", None)  # which conflict the office's change decides (fieldtool.sync): not a field
    return data


def describe(session: Session, rows: list[ChangeLog]) -> list[HistoryEntry]:
    """Change-log entries in words; their records are named with one query per table."""
    wanted: dict[str, set[str]] = defaultdict(set)
    datas = []
    for row in rows:
        data = _data(row)
        datas.append(data)
        wanted[row.table_name].add(row.record_id)
        before = data.get("_before")
        for values in (data, before if isinstance(before, dict) else {}):
            for field, value in values.items():
                if isinstance(value, str) and (target := pointer_target(row.table_name, field)):
                    wanted[target].add(value)
    names = RecordNames(session)
    names.load(wanted)
    return [_entry(row, data, names) for row, data in zip(rows, datas, strict=True)]


def _entry(row: ChangeLog, data: dict[str, object], names: RecordNames) -> HistoryEntry:
    before = data.pop("_before", None)
    table = row.table_name
    record_row = names.rows.get(table, {}).get(row.record_id)
    stage = str(data.get("stage") or getattr(record_row, "stage", ""))
    loan_id = getattr(record_row, "loan_id", None) or data.get("loan_id")
    ladder = (names.ladder(loan_id if isinstance(loan_id, str) else None)
              if table == "reminder_delivery" else DEFAULT_LADDER)
    changes: tuple[FieldChange, ...]
    if row.action == "update" and isinstance(before, dict):
        changes = tuple(
            FieldChange(k, field_label(k), names.value(table, k, before.get(k), stage, ladder),
                        names.value(table, k, v, stage, ladder))
            for k, v in data.items()
            if _named_field(table, k)
        )
    else:
        record = names.name(table, row.record_id)
        new = (
            FieldChange(k, (data.get("kind") == UNDO and UNDO_FIELDS.get(k)) or field_label(k), None,
                        names.value(table, k, v, stage, ladder))
            for k, v in data.items()
            if k not in _HIDDEN and _named_field(table, k) and v not in (None, "", False)
        )
        # A pointer whose record the name already says (a payment's loan) is left out.
        changes = tuple(
            c for c in new
            if not (c.field.endswith("_id") and isinstance(c.after, str) and c.after in record)
        )
    return HistoryEntry(
        id=row.id, at=row.at, seq=row.seq, officer=row.officer, device_id=row.device_id, table=table,
        record_id=row.record_id, action=row.action, kind=kind_label(table),
        record=names.name(table, row.record_id), changes=changes,
        record_label=setting_label(row.record_id) if table == "setting" else None,
    )


def field_words(
    session: Session, items: list[tuple[str, str, str, list[object]]]
) -> list[tuple[str, list[str]]]:
    """For each (table, record id, field, values): the record named as the change log names it and each
    value in words (records pointed at named, baht, BE dates, Thai labels of codes): what the office's
    conflicts show. One query per table for all of them."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for table, record_id, field, values in items:
        wanted[table].add(record_id)
        if target := pointer_target(table, field):
            wanted[target].update(v for v in values if isinstance(v, str))
    names = RecordNames(session)
    names.load(wanted)
    return [(names.name(table, record_id), [shown(names.value(table, field, v), None) for v in values])
            for table, record_id, field, values in items]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """A local day as the UTC times the log is written in."""
    start = datetime.combine(day, time(), LOCAL_ZONE).astimezone(UTC)
    return start, start + timedelta(days=1)


def _matches(entry: HistoryEntry, query: str) -> bool:
    return any(matches(query, text) for text in (entry.record, entry.kind.th, entry.kind.en))


def change_log(
    session: Session, *, record_id: str | None = None, offset: int = 0, limit: int | None = PAGE_SIZE
) -> list[ChangeLog]:
    """The log's entries as recorded (not in words), newest first: all of them or one record's, a page at a
    time (`limit` None: to the end)."""
    q = select(ChangeLog).order_by(col(ChangeLog.at).desc(), col(ChangeLog.seq).desc())
    if record_id:
        q = q.where(col(ChangeLog.record_id) == record_id)
    return list(session.scalars(q.offset(offset).limit(limit)))


def history_page(
    session: Session,
    *,
    query: str = "",
    day: date | None = None,
    record_id: str | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[HistoryEntry]:
    """Entries newest first, in words: those of one local day, of one record, whose record or kind
    contains `query` (inside Thai words too); `offset` and `limit` count the entries that match."""
    q = select(ChangeLog).order_by(col(ChangeLog.at).desc(), col(ChangeLog.seq).desc())
    if day is not None:
        start, end = _day_bounds(day)
        q = q.where(col(ChangeLog.at) >= start, col(ChangeLog.at) < end)
    if record_id:
        q = q.where(col(ChangeLog.record_id) == record_id)
    if not query.strip():
        return describe(session, list(session.scalars(q.offset(offset).limit(limit))))
    # Names are made here, not stored, so a search reads the log a page at a time and keeps what matches.
    found: list[HistoryEntry] = []
    read = 0
    while len(found) < offset + limit:
        rows = list(session.scalars(q.offset(read).limit(PAGE_SIZE)))
        if not rows:
            break
        read += len(rows)
        found.extend(e for e in describe(session, rows) if _matches(e, query))
    return found[offset : offset + limit]


# What hangs from a loan, whose entries its history holds beside its own.
_LOAN_PARTS = (Schedule, Instalment, Payment, PreventCheck, ReminderDelivery, LetterRecord, WorkItem)


def loan_history(session: Session, loan_id: str, limit: int = PAGE_SIZE) -> list[HistoryEntry]:
    """The entries of one loan and of everything that hangs from it (schedules, instalments, payments,
    checklist, deliveries and their undoing, letters, work items), newest first, in words: the loan
    page's history tab."""
    ids = [loan_id]
    for model in _LOAN_PARTS:
        ids += session.scalars(select(col(model.id)).where(col(model.loan_id) == loan_id))
    rows: list[ChangeLog] = []
    for chunk in chunks(ids, 900):
        rows += session.scalars(select(ChangeLog).where(col(ChangeLog.record_id).in_(chunk)))
    rows.sort(key=lambda r: (r.at, r.seq), reverse=True)
    entries = describe(session, rows[:limit])
    # on the loan's own page its name would end every record: say it once, on the loan's own entries
    loan_name = RecordNames(session)
    loan_name.load({"loan": {loan_id}})
    own = f" {loan_name.name('loan', loan_id)}"
    return [e if e.table == "loan" else replace(e, record=e.record.removesuffix(own)) for e in entries]
