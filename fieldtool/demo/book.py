"""The demo's rows, kept in memory and written table by table in one executemany each (`Book`).

One record at a time through the services, each with its flush and change-log hook, the demo took 10–15
seconds; this way it takes one or two. The rows come from the services' own row builders where there are some
(people, households, loans, payments) and are those the services write otherwise, so the book is the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from fieldtool.changelog import bulk_insert
from fieldtool.loanbook import device_of, officer_of
from fieldtool.models import (
    ActionNote,
    BorrowingGroup,
    EvidenceLink,
    GroupMember,
    Household,
    HouseholdMember,
    HouseholdNeed,
    HouseholdPlan,
    Instalment,
    Loan,
    Meeting,
    Payment,
    Person,
    PlanAction,
    PlanPart,
    PreventCheck,
    ReminderDelivery,
    Schedule,
    Verification,
    Visit,
    WorkItem,
    new_id,
)

# A record's columns as the services' row builders make them and `changelog.bulk_insert` writes them.
Row = dict[str, Any]
Model = type[SQLModel]
Change = tuple[Model, str, dict[str, object]]


class Book:
    """What the demo writes, kept as rows and written table by table in one executemany each.

    `changelog.bulk_insert` logs each new row as the hook would; what the services change afterwards (a
    prevent item ticked, a loan paid out, a household's status) is set on the written rows through the ORM,
    so the hook logs each change as its own entry, exactly as before, only later in the log.
    """

    ORDER: tuple[Model, ...] = (
        Person, Household, HouseholdMember, BorrowingGroup, GroupMember, Loan, Schedule, Instalment, PreventCheck,
        Payment, ReminderDelivery, HouseholdNeed, HouseholdPlan, PlanPart, PlanAction, ActionNote, Visit, Meeting,
        EvidenceLink, WorkItem, Verification,
    )

    def __init__(self, session: Session):
        self.session = session
        self.officer = officer_of(session)
        self.device_id = device_of(session)
        self.rows: dict[Model, list[Row]] = {model: [] for model in self.ORDER}
        self.changes: list[Change] = []
        self.counts: dict[Model, int] = dict.fromkeys(self.ORDER, 0)

    def add(self, model: Model, **values: object) -> Row:
        """A new row of `model` (its id made here unless given); returned, to be pointed at."""
        row = {"id": values.pop("id", None) or new_id(), **values}
        return self.add_row(model, row)

    def add_row(self, model: Model, row: Row) -> Row:
        self.rows[model].append(row)
        self.counts[model] += 1
        return row

    def change(self, model: Model, record_id: str, **values: object) -> None:
        """What a service sets on a record after it was made, in the order it happened."""
        self.changes.append((model, record_id, values))

    def write(self) -> None:
        """Everything so far into the session: new rows table by table, then the changes in rounds, a record's
        n-th change in the n-th round (one flush each), so the hook logs every change as the services did."""
        for model in self.ORDER:
            rows, self.rows[model] = self.rows[model], []
            bulk_insert(self.session, model, rows)
        changes, self.changes = self.changes, []
        rounds: list[list[Change]] = []
        seen: dict[tuple[Model, str], int] = {}
        for model, record_id, values in changes:
            n = seen.get((model, record_id), 0)
            seen[(model, record_id)] = n + 1
            if n == len(rounds):
                rounds.append([])
            rounds[n].append((model, record_id, values))
        for batch in rounds:
            wanted: dict[Model, set[str]] = {}
            for model, record_id, _values in batch:
                wanted.setdefault(model, set()).add(record_id)
            loaded: dict[tuple[Model, str], SQLModel] = {}
            for model, ids in wanted.items():
                key = inspect(model).primary_key[0]  # the record's id
                for chunk in _chunks(sorted(ids)):
                    for obj, record_id in self.session.execute(select(model, key).where(key.in_(chunk))):
                        loaded[(model, record_id)] = obj
            for model, record_id, values in batch:
                obj = loaded[(model, record_id)]
                for name, value in values.items():
                    setattr(obj, name, value)
            self.session.flush()


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
