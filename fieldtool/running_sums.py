"""An instalment's running sum (`Instalment.cumulative_satang`): what its schedule asks up to and including it,
principal and interest, in the order the ledger pays instalments (by no, then id).

The lists of a district's book read only the instalments still owed by comparing this sum with what the loan paid
(`bookrows.read_book`), so it must be the sum of the schedule's own rows. A schedule is written whole and never
edited (a restructuring writes a new one), so the sums are written with it (`sum_up`, from
`lending.schedule_rows`) and never change. A schedule that reaches the office without them, from a laptop still on
an older program, gets them from its rows when it is merged (`fill_missing`); until then, and wherever one is
missing, the lists read that loan through the whole ledger.
"""

from __future__ import annotations

from collections.abc import Collection, MutableMapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from fieldtool.sync.entries import chunks

# One statement SQLite and PostgreSQL both run (migration 0011 holds its own copy, as migrations do).
_FILL = text(
    "UPDATE instalment SET cumulative_satang = ("
    " SELECT SUM(e.principal_satang + e.interest_satang) FROM instalment e"
    " WHERE e.schedule_id = instalment.schedule_id"
    " AND (e.no < instalment.no OR (e.no = instalment.no AND e.id <= instalment.id)))"
    " WHERE instalment.schedule_id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def sum_up(instalments: Sequence[MutableMapping[str, Any]]) -> None:
    """Set each row's running sum: the rows of one schedule, each with id, no, principal_satang, interest_satang."""
    cumulative = 0
    for row in sorted(instalments, key=itemgetter("no", "id")):
        cumulative += row["principal_satang"] + row["interest_satang"]
        row["cumulative_satang"] = cumulative


def fill_missing(session: Session, schedule_ids: Collection[str]) -> None:
    """Work out the running sums of these schedules' instalments from their rows (the caller commits)."""
    for chunk in chunks(sorted(set(schedule_ids))):
        session.execute(_FILL, {"ids": list(chunk)})
