"""What the visit screens show and start from, read through the domain's read models (fieldtool.visits_view),
one session a read. No query lives here: the command line and the tests read the same models with a session."""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool import visits_view
from fieldtool.visits import VisitTask
from fieldtool.visits_view import (
    Choice,
    LoanChoice,
    MeetingRow,
    TaskRow,
    VillageTargets,
    VisitDetails,
    VisitPrefill,
    VisitRow,
)

__all__ = [
    "Choice",
    "LoanChoice",
    "MeetingRow",
    "TaskRow",
    "VillageTargets",
    "VisitDetails",
    "VisitPrefill",
    "VisitRow",
    "load_meetings",
    "load_visit_details",
    "load_visit_log",
    "load_visit_tasks",
    "prefill_from_household",
    "prefill_from_loan",
    "prefill_from_task",
    "village_targets",
]


def load_visit_log(db: Database) -> list[VisitRow]:
    """Every visit, newest first."""
    with db.session() as s:
        return visits_view.visit_log(s)


def load_meetings(db: Database) -> list[MeetingRow]:
    with db.session() as s:
        return visits_view.meeting_log(s)


def village_targets(db: Database, village_id: str, day: date, extra_loans: list[str] = ()) -> VillageTargets:
    """The loans (running or applied for), households and groups of a village, and any linked loan elsewhere."""
    with db.session() as s:
        return visits_view.village_targets(s, village_id, day, extra_loans)


def prefill_from_task(db: Database, task: VisitTask) -> VisitPrefill:
    with db.session() as s:
        return visits_view.prefill_from_task(s, task)


def prefill_from_loan(db: Database, loan_id: str) -> VisitPrefill:
    with db.session() as s:
        return visits_view.prefill_from_loan(s, loan_id)


def prefill_from_household(db: Database, household_id: str) -> VisitPrefill:
    with db.session() as s:
        return visits_view.prefill_from_household(s, household_id)


def load_visit_tasks(db: Database, on: date) -> list[TaskRow]:
    with db.session() as s:
        return visits_view.visit_tasks(s, on)


def load_visit_details(db: Database, visit_id: str) -> VisitDetails:
    with db.session() as s:
        return visits_view.visit_details(s, visit_id, db.photo_dir)
