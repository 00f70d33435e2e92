"""What the visit screens show and start from, read in one session (no Qt here).

The visit log, the meetings, what a new visit can be about in a village (loans with what is due on
them, households, groups), the pre-filled visit of a promised one, and the names of linked records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from db import Database
from fieldtool import loanbook, visits
from fieldtool.loanbook import person_name, village_labels
from fieldtool.models import (
    BorrowingGroup,
    EvidenceLink,
    Household,
    Loan,
    Meeting,
    Person,
    Photo,
    Visit,
)
from fieldtool.visits import VisitTask


@dataclass
class VisitRow:
    visit: Visit
    village: str
    purposes: list[str]
    about: list[str] = field(default_factory=list)  # names of the loans, groups, households it was about
    payments: int = 0


@dataclass
class MeetingRow:
    meeting: Meeting
    village: str
    about: list[str] = field(default_factory=list)


def target_names(s, loan_ids, household_ids, group_ids) -> dict[str, str]:
    """id -> what an officer calls it: the borrower (and agreement) of a loan, a household's head, a group."""
    names: dict[str, str] = {}
    if loan_ids:
        for lid, info in loanbook.loan_infos(s, list(loan_ids)).items():
            names[lid] = f"{info.borrower} ({info.agreement_no})" if info.agreement_no else info.borrower
    if household_ids:
        for hid, title, first, last in s.execute(
            select(Household.id, Person.title, Person.first_name, Person.last_name)
            .join(Person, Person.id == Household.head_id)
            .where(Household.id.in_(list(household_ids)))
        ):
            names[hid] = person_name(title, first, last)
    if group_ids:
        for g in s.scalars(select(BorrowingGroup).where(BorrowingGroup.id.in_(list(group_ids)))):
            names[g.id] = g.name
    return names


def _links(s, source_kind: str, ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    links: dict[str, list[tuple[str, str]]] = {}
    for link in s.scalars(
        select(EvidenceLink).where(EvidenceLink.source_kind == source_kind, EvidenceLink.source_id.in_(ids))
    ):
        links.setdefault(link.source_id, []).append((link.target_kind, link.target_id))
    return links


def _names_of(s, links: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    kinds: dict[str, set[str]] = {"loan": set(), "household": set(), "group": set()}
    for targets in links.values():
        for kind, target in targets:
            if kind in kinds:
                kinds[kind].add(target)
    return target_names(s, kinds["loan"], kinds["household"], kinds["group"])


def _village_names(s) -> dict[str, str]:
    return village_labels(s)


def visit_rows_of(s, visit_list: list[Visit]) -> list[VisitRow]:
    """Visits with their village, purposes and what they were about, named for the screen."""
    if not visit_list:
        return []
    villages = _village_names(s)
    links = _links(s, "visit", [v.id for v in visit_list])
    names = _names_of(s, links)
    rows = []
    for v in visit_list:
        targets = links.get(v.id, [])
        about = list(dict.fromkeys(names[t] for k, t in targets if k != "payment" and t in names))
        rows.append(
            VisitRow(
                visit=v,
                village=villages.get(v.village_id, ""),
                purposes=json.loads(v.purposes or "[]"),
                about=about,
                payments=sum(1 for k, _ in targets if k == "payment"),
            )
        )
    return rows


def load_visit_log(db: Database) -> list[VisitRow]:
    """Every visit, newest first."""
    with db.session() as s:
        rows = s.scalars(select(Visit).order_by(Visit.visited_on.desc(), Visit.visited_at.desc())).all()
        return visit_rows_of(s, list(rows))


def load_meetings(db: Database) -> list[MeetingRow]:
    with db.session() as s:
        meetings = list(s.scalars(select(Meeting).order_by(Meeting.held_on.desc(), Meeting.held_at.desc())))
        if not meetings:
            return []
        villages = _village_names(s)
        links = _links(s, "meeting", [m.id for m in meetings])
        names = _names_of(s, links)
        return [
            MeetingRow(
                m,
                villages.get(m.village_id, "") if m.village_id else "",
                list(dict.fromkeys(names[t] for _, t in links.get(m.id, []) if t in names)),
            )
            for m in meetings
        ]


def visits_about(db: Database, kind: str, target_id: str) -> list[VisitRow]:
    """Visits linked to one loan, household or group, newest first."""
    with db.session() as s:
        return visit_rows_of(s, visits.visits_of(s, kind, target_id))[::-1]


# --- what a new visit can be about -----------------------------------------------------------------------


@dataclass
class LoanChoice:
    id: str
    label: str  # borrower (agreement)
    stage: str
    due_satang: int  # what to collect: the arrears, else the next instalment still owed
    due_text_key: str  # "arrears" | "next" | "none"
    due_on: date | None
    group_id: str | None
    household_id: str | None


@dataclass
class Choice:
    id: str
    label: str
    phone: str = ""
    status: str = ""


@dataclass
class VillageTargets:
    loans: list[LoanChoice]
    households: list[Choice]
    groups: list[Choice]


def village_targets(db: Database, village_id: str, day: date, extra_loans: list[str] = ()) -> VillageTargets:
    """The loans (running or applied for), households and groups of a village, and any linked loan elsewhere."""
    with db.session() as s:
        infos = loanbook.loan_infos(s)
        loan_ids = [i for i, info in infos.items() if info.village_id == village_id or i in extra_loans]
        states = loanbook.load_states(s, day, loan_ids) if loan_ids else {}
        owners = {
            lid: (gid, hid)
            for lid, gid, hid in s.execute(
                select(Loan.id, Loan.group_id, Loan.household_id).where(Loan.id.in_(loan_ids))
            )
        }
        loans = []
        for lid in loan_ids:
            info, state = infos[lid], states.get(lid)
            if state is None or (state.stage == "closed" and lid not in extra_loans):
                continue
            if state.arrears_satang:
                due, key, due_on = state.arrears_satang, "arrears", state.oldest_unpaid_due
            elif state.next_due is not None and state.stage != "prevent":
                due, key, due_on = state.next_due.remaining_satang, "next", state.next_due.due_date
            else:
                due, key, due_on = 0, "none", None
            label = f"{info.borrower} ({info.agreement_no})" if info.agreement_no else info.borrower
            loans.append(LoanChoice(lid, label, state.stage, due, key, due_on, *owners[lid]))
        loans.sort(key=lambda c: c.label)
        hhs = [
            Choice(
                h.id,
                person_name(p.title, p.first_name, p.last_name) + (f" ({h.house_no})" if h.house_no else ""),
                h.phone or p.phone,
                h.status,
            )
            for h, p in s.execute(
                select(Household, Person)
                .join(Person, Person.id == Household.head_id)
                .where(Household.village_id == village_id)
            )
        ]
        hhs.sort(key=lambda c: c.label)
        groups = [
            Choice(g.id, g.name)
            for g in s.scalars(select(BorrowingGroup).where(BorrowingGroup.village_id == village_id))
        ]
        return VillageTargets(loans, hhs, groups)


@dataclass
class VisitPrefill:
    """What a new visit starts with: where, about what, and the promise it keeps (if any)."""

    village_id: str | None = None
    place: str = ""
    loans: list[str] = field(default_factory=list)
    households: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    promised_on: date | None = None  # the visit that promised this one
    promised_steps: str = ""


def prefill_from_task(db: Database, task: VisitTask) -> VisitPrefill:
    with db.session() as s:
        earlier = s.get(Visit, task.visit_id)
        return VisitPrefill(
            village_id=earlier.village_id if earlier else None,
            place=task.place,
            loans=list(task.about.get("loan", [])),
            households=list(task.about.get("household", [])),
            groups=list(task.about.get("group", [])),
            promised_on=earlier.visited_on if earlier else None,
            promised_steps=task.next_steps,
        )


def prefill_from_loan(db: Database, loan_id: str) -> VisitPrefill:
    with db.session() as s:
        loan = loanbook.get_loan(s, loan_id)
        info = loanbook.loan_infos(s, [loan.id])[loan.id]
        return VisitPrefill(
            village_id=info.village_id,
            loans=[loan.id],
            groups=[loan.group_id] if loan.group_id else [],
            households=[loan.household_id] if loan.household_id else [],
        )


def prefill_from_household(db: Database, household_id: str) -> VisitPrefill:
    with db.session() as s:
        h = s.get(Household, household_id)
        return VisitPrefill(
            village_id=h.village_id,
            place=f"บ้านเลขที่ {h.house_no}" if h.house_no else "",
            households=[h.id],
            purposes=["plan"],
        )


# --- the next-visit tasks of a day -------------------------------------------------------------------------


@dataclass
class TaskRow:
    task: VisitTask
    about: list[str]


def load_visit_tasks(db: Database, on: date) -> list[TaskRow]:
    with db.session() as s:
        tasks = visits.next_visit_tasks(s, on)
        if not tasks:
            return []
        about = {k: set() for k in ("loan", "household", "group")}
        for t in tasks:
            for kind, ids in t.about.items():
                about.setdefault(kind, set()).update(ids)
        names = target_names(s, about["loan"], about["household"], about["group"])
        return [
            TaskRow(
                t,
                [
                    names[i]
                    for kind in ("household", "loan", "group")
                    for i in t.about.get(kind, [])
                    if i in names
                ],
            )
            for t in tasks
        ]


@dataclass
class VisitDetails:
    row: VisitRow
    photos: list[tuple[Photo, bool]]  # (photo, the kept file still has its hash)
    payments: list[tuple[str, int]]  # (borrower, satang)


def load_visit_details(db: Database, visit_id: str) -> VisitDetails:
    from fieldtool.models import Payment

    with db.session() as s:
        visit = s.get(Visit, visit_id)
        row = visit_rows_of(s, [visit])[0]
        photos = [
            (p, visits.check_photo(db.photo_dir, p))
            for p in s.scalars(select(Photo).where(Photo.visit_id == visit_id))
        ]
        pay_ids = visits.visit_links(s, visit_id).get("payment", [])
        payments = []
        for pid in pay_ids:
            pay = s.get(Payment, pid)
            if pay is not None:
                info = loanbook.loan_infos(s, [pay.loan_id])[pay.loan_id]
                payments.append((info.borrower, pay.amount_satang))
        return VisitDetails(row, photos, payments)
