"""The household register and one household's page as the screens and the command line read them (read
models beside fieldtool.households, whose `household_view` is one household's facts).

The register needs the same facts for hundreds of households at once, so `household_register` reads them
with a handful of queries instead of one call per household, and takes the stale rule from
`households.stale_records` so the register and the household page agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import households, loanbook, plans, visits
from fieldtool.households import HouseholdView, households_with_heads
from fieldtool.ledger import LoanState
from fieldtool.loanbook import LoanInfo, village_label, village_labels
from fieldtool.models import HouseholdNeed, HouseholdPlan, Verification, Village
from fieldtool.plans import PlanView
from fieldtool.thai import normalize_search
from fieldtool.visits_view import VisitRow, visit_rows_of
from fieldtool.vocabulary import Dimension, EvidenceTarget, HouseholdSource, HouseholdStatus


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
    source: HouseholdSource
    status: HouseholdStatus
    needs: dict[Dimension, str]  # dimension -> description, in the dimensions' order
    plan_revision: int | None
    last_verified: date | None
    stale: bool
    search_text: str = ""


def household_register(session: Session, on: date) -> list[HouseholdRow]:
    """Every household with its head, village, needs, latest plan revision and on-site check, as of `on`."""
    needs: dict[str, dict[str, str]] = {}
    for n in session.scalars(select(HouseholdNeed)):
        needs.setdefault(n.household_id, {})[n.dimension] = n.description
    revisions = dict(
        session.execute(
            select(col(HouseholdPlan.household_id), func.max(col(HouseholdPlan.revision)))
            .group_by(col(HouseholdPlan.household_id))
        ).all()
    )
    verified = households.last_verified_all(session, "household")
    stale = households.stale_records(session, "household", on)
    villages = {v.id: v for v in session.scalars(select(Village))}
    labels = village_labels(session)
    rows = []
    for h in households_with_heads(session):
        place = villages.get(h.village_id)
        if place is None:
            continue  # (a household whose village row is missing has no line in the register)
        village = labels.get(h.village_id) or village_label(place.moo, place.name)
        hh_needs = {d: needs.get(h.id, {})[d] for d in Dimension if d in needs.get(h.id, {})}
        rows.append(
            HouseholdRow(
                id=h.id,
                head=h.head,
                sort_name=h.sort_name,
                village_id=h.village_id,
                village=village,
                moo=place.moo,
                house_no=h.house_no,
                phone=h.phone,
                source=h.source,
                status=h.status,
                needs=hh_needs,
                plan_revision=revisions.get(h.id),
                last_verified=verified.get(h.id),
                stale=h.id in stale,
                search_text=normalize_search(" ".join([h.head, village, h.house_no, h.phone, *hh_needs.values()])),
            )
        )
    return rows


def village_choices(session: Session) -> list[tuple[str, str]]:
    """(id, "หมู่ที่ N name") of every village, in village-number order: what a village box offers."""
    labels = village_labels(session)
    return [(v.id, labels[v.id]) for v in session.scalars(select(Village).order_by(col(Village.moo)))]


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


def verifications_of(session: Session, table: str, record_id: str) -> list[VerificationRow]:
    """The on-site checks of one household or loan, newest first."""
    return [
        VerificationRow(v.verified_on, v.officer, json.loads(v.fields or "[]"), v.visit_id)
        for v in session.scalars(
            select(Verification)
            .where(col(Verification.table_name) == table, col(Verification.record_id) == record_id)
            .order_by(col(Verification.verified_on).desc())
        )
    ]


def household_page(session: Session, household_id: str, on: date) -> HouseholdPageData:
    """Everything a household's page shows on `on`: its facts, checks, loans, visits (newest first), plan."""
    view = households.household_view(session, household_id, on)
    checks = verifications_of(session, "household", view.id)
    infos = loanbook.loan_infos(session, view.loans) if view.loans else {}
    states = loanbook.load_states(session, on, view.loans) if view.loans else {}
    loans = [LoanRow(infos[i], states[i]) for i in view.loans if i in infos and i in states]
    visit_rows = visit_rows_of(session, visits.visits_of(session, EvidenceTarget.HOUSEHOLD, view.id))
    plan = plans.plan_view(session, view.id, on) if plans.latest_plan(session, view.id) else None
    return HouseholdPageData(view, households.stale_after_days(session), checks, loans, visit_rows[::-1], plan)
