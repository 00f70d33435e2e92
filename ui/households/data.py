"""What the household screens show, read through the domain's read models (fieldtool.households_view), one
session a read. No query lives here: the command line and the tests read the same models with a session."""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool import households_view
from fieldtool.households_view import HouseholdPageData, HouseholdRow, LoanRow, VerificationRow

__all__ = [
    "HouseholdPageData",
    "HouseholdRow",
    "LoanRow",
    "VerificationRow",
    "load_household_page",
    "load_register",
    "villages",
]


def load_register(db: Database, on: date) -> list[HouseholdRow]:
    with db.session() as s:
        return households_view.household_register(s, on)


def villages(db: Database) -> list[tuple[str, str]]:
    """(id, "หมู่ที่ N name") of every village, in village-number order."""
    with db.session() as s:
        return households_view.village_choices(s)


def load_household_page(db: Database, household_id: str, on: date) -> HouseholdPageData:
    with db.session() as s:
        return households_view.household_page(s, household_id, on)
