"""What the household screens show, read in one session (no Qt here).

The domain has `household_view` for one household; the register needs the same facts for hundreds at
once, so `load_register` reads them with a handful of queries instead of one call per household, and
takes the stale rule from `households.stale_records` so the register and the household page agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from db import Database
from fieldtool import households, loanbook, plans, visits
from fieldtool.households import DIMENSIONS, HouseholdView
from fieldtool.ledger import LoanState
from fieldtool.loanbook import LoanInfo, person_name, village_label, village_labels
from fieldtool.models import Household, HouseholdNeed, HouseholdPlan, Person, Verification, Village
from fieldtool.plans import PlanView
from fieldtool.thai import normalize_search
from ui.visits.data import VisitRow, visit_rows_of


@dataclass
class HouseholdRow:
    id: str
    head: str
    sort_name: str
    village_id: str
    village: str
    moo: int
    house_no: str
    phone: str
    source: str
    status: str
    needs: dict[str, str]  # dimension -> description
    plan_revision: int | None
    last_verified: date | None
    stale: bool
    search_text: str = ""


def load_register(db: Database, on: date) -> list[HouseholdRow]:
    with db.session() as s:
        head = aliased(Person)
        needs: dict[str, dict[str, str]] = {}
        for n in s.scalars(select(HouseholdNeed)):
            needs.setdefault(n.household_id, {})[n.dimension] = n.description
        revisions = dict(
            s.execute(
                select(HouseholdPlan.household_id, func.max(HouseholdPlan.revision)).group_by(
                    HouseholdPlan.household_id
                )
            ).all()
        )
        verified = households.last_verified_all(s, "household")
        stale = households.stale_records(s, "household", on)
        rows = []
        q = (
            select(
                Household, head.title, head.first_name, head.last_name, head.phone, Village.moo, Village.name
            )
            .join(head, head.id == Household.head_id)
            .join(Village, Village.id == Household.village_id)
        )
        labels = village_labels(s)
        for h, title, first, last, head_phone, moo, vname in s.execute(q):
            name = person_name(title, first, last)
            village = labels.get(h.village_id) or village_label(moo, vname)
            hh_needs = {d: needs.get(h.id, {})[d] for d in DIMENSIONS if d in needs.get(h.id, {})}
            phone = h.phone or head_phone or ""
            rows.append(
                HouseholdRow(
                    id=h.id,
                    head=name,
                    sort_name=f"{first} {last}",
                    village_id=h.village_id,
                    village=village,
                    moo=moo,
                    house_no=h.house_no,
                    phone=phone,
                    source=h.source,
                    status=h.status,
                    needs=hh_needs,
                    plan_revision=revisions.get(h.id),
                    last_verified=verified.get(h.id),
                    stale=h.id in stale,
                    search_text=normalize_search(
                        " ".join([name, village, h.house_no, phone, *hh_needs.values()])
                    ),
                )
            )
        return rows


def villages(db: Database) -> list[tuple[str, str]]:
    """(id, "หมู่ที่ N name") of every village, in village-number order."""
    with db.session() as s:
        labels = village_labels(s)
        return [(v.id, labels[v.id]) for v in s.scalars(select(Village).order_by(Village.moo))]


@dataclass
class VerificationRow:
    verified_on: date
    officer: str
    fields: list[str]
    visit_id: str | None


@dataclass
class LoanRow:
    info: LoanInfo
    state: LoanState


@dataclass
class HouseholdPageData:
    view: HouseholdView
    stale_after_days: int
    verifications: list[VerificationRow]
    loans: list[LoanRow]
    visits: list[VisitRow]
    plan: PlanView | None


def load_household_page(db: Database, household_id: str, on: date) -> HouseholdPageData:
    with db.session() as s:
        view = households.household_view(s, household_id, on)
        checks = [
            VerificationRow(v.verified_on, v.officer, json.loads(v.fields or "[]"), v.visit_id)
            for v in s.scalars(
                select(Verification)
                .where(Verification.table_name == "household", Verification.record_id == view.id)
                .order_by(Verification.verified_on.desc())
            )
        ]
        infos = loanbook.loan_infos(s, view.loans) if view.loans else {}
        states = loanbook.load_states(s, on, view.loans) if view.loans else {}
        loans = [LoanRow(infos[i], states[i]) for i in view.loans if i in infos and i in states]
        visit_rows = visit_rows_of(s, visits.visits_of(s, "household", view.id))
        plan = plans.plan_view(s, view.id, on) if plans.latest_plan(s, view.id) else None
        return HouseholdPageData(view, households.stale_after_days(s), checks, loans, visit_rows[::-1], plan)
