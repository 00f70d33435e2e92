"""Rows of the change log as tables: the history page in words (HistoryModel, from fieldtool.history)
and the raw entries of one loan on its page (ChangeLogModel).

The full log can be long (every insert and update is in it), so the page model reads it newest first
in pages of 500 through Qt's canFetchMore/fetchMore: the view asks for more as the officer scrolls.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from db import Database
from fieldtool import history
from fieldtool.history import HistoryEntry
from fieldtool.models import ChangeLog
from fieldtool.thai import format_date, local_time
from fieldtool.vocabulary import ContactWay, PreventItem
from ui.i18n import day_text, label_text, language, local_time_text, money_text, strings, text_of, tr
from ui.qt import QModelIndex
from ui.tablemodel import Column, RowTableModel

PAGE_SIZE = history.PAGE_SIZE
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def when_text(row: ChangeLog) -> str:
    t = local_time(row.at)
    d = t.date()
    return f"{format_date(d, 'numeric') if language() == 'th' else d.isoformat()} {t:%H:%M:%S}"


def field_label(name: str) -> str:
    key = f"field.{name}"
    return tr(key) if key in strings() else name


def value_text(name: str, value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if name.endswith("_satang") and isinstance(value, int):
        return money_text(value)
    if name == "item":
        item = PreventItem.parse(value)
        return label_text(item) if item else value
    if name == "how":
        way = ContactWay.parse(value)
        return label_text(way) if way else value
    if isinstance(value, str) and _ISO_DAY.match(value):
        return day_text(datetime.fromisoformat(value).date())
    return str(value)


# Ids and bookkeeping that say nothing to an officer reading the log.
_HIDDEN = {"id", "recorded_at", "created_at", "device_id", "recorded_by"}


def change_summary(row: ChangeLog) -> str:
    try:
        data = json.loads(row.data)
    except ValueError:
        return row.data
    before = data.pop("_before", None)
    data.pop("_decision", None)  # the conflict an office decision settles: not a field
    if row.action == "update" and isinstance(before, dict):
        parts = [
            f"{field_label(k)}: {value_text(k, before.get(k))} → {value_text(k, v)}" for k, v in data.items()
        ]
    else:
        parts = [
            f"{field_label(k)}: {value_text(k, v)}"
            for k, v in data.items()
            if k not in _HIDDEN and not k.endswith("_id") and v not in (None, "", False)
        ]
    return "; ".join(parts)


def change_details(row: ChangeLog) -> str:
    try:
        return json.dumps(json.loads(row.data), ensure_ascii=False, indent=1)
    except ValueError:
        return row.data


def _label(prefix: str, code: str) -> str:
    key = f"{prefix}.{code}"
    return tr(key) if key in strings() else code


CHANGELOG_COLUMNS = [
    Column("col.when", when_text, sort_key=lambda r: (r.at, r.seq)),
    Column("col.officer", lambda r: r.officer or "–"),
    Column("col.device", lambda r: r.device_id[:8], tooltip=lambda r: r.device_id),
    Column("col.action", lambda r: _label("action", r.action)),
    Column("col.table", lambda r: _label("table", r.table_name)),
    Column("col.record", lambda r: r.record_id[:8], tooltip=lambda r: r.record_id),
    Column("col.changes", change_summary, tooltip=change_details),
]


def load_changelog(db: Database, offset: int = 0, limit: int | None = None) -> list[ChangeLog]:
    """One page of the change log, newest first."""
    with db.session() as s:
        return history.change_log(s, offset=offset, limit=limit or PAGE_SIZE)


class ChangeLogModel(RowTableModel):
    """The change log newest first; a list of rows, or the whole log page by page (`db` given)."""

    def __init__(self, db: Database | None = None, parent=None):
        super().__init__(CHANGELOG_COLUMNS, parent)
        self.db = db
        self._more = False

    def set_first_page(self, rows: list[ChangeLog]) -> None:
        self.set_rows(rows)
        self._more = self.db is not None and len(rows) == PAGE_SIZE

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        more = load_changelog(self.db, offset=len(self._rows))
        self._more = len(more) == PAGE_SIZE
        if more:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()


# --- the history page: the log in words (fieldtool.history) -----------------------------------------


def entry_when(entry: HistoryEntry) -> str:
    return local_time_text(entry.at)


HISTORY_COLUMNS = [
    Column("history.col.when", entry_when, sort_key=lambda e: (e.at, e.seq), tooltip=lambda e: e.device_id),
    Column("history.col.officer", lambda e: e.officer or "–"),
    Column("history.col.register", lambda e: text_of(e.kind)),
    Column("history.col.record", lambda e: e.record_text(language()), max_width=360),
    Column("history.col.changes", lambda e: e.changes_text(language()), max_width=520,
           tooltip=lambda e: "\n".join(c.text(language()) for c in e.changes)),
]


@dataclass(frozen=True)
class HistoryFilter:
    query: str = ""  # words inside the record's name
    day: date | None = None  # a local day


def load_history(db: Database, where: HistoryFilter = HistoryFilter(), offset: int = 0) -> list[HistoryEntry]:  # noqa: B008
    with db.session() as s:
        return history.history_page(s, query=where.query, day=where.day, offset=offset, limit=PAGE_SIZE)


class HistoryModel(RowTableModel):
    """The change log in words, newest first, page by page as the officer scrolls."""

    def __init__(self, db: Database, parent=None):
        super().__init__(HISTORY_COLUMNS, parent)
        self.db = db
        self.where = HistoryFilter()
        self._more = False

    def set_first_page(self, rows: list[HistoryEntry], where: HistoryFilter = HistoryFilter()) -> None:  # noqa: B008
        self.where = where
        self.set_rows(rows)
        self._more = len(rows) == PAGE_SIZE

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        more = load_history(self.db, self.where, offset=len(self._rows))
        self._more = len(more) == PAGE_SIZE
        if more:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()
