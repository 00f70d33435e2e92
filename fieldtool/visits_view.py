"""Visits and meetings as the screens and the command line read them (read models beside fieldtool.visits).

The visit log and the meetings with what each was about named, what a new visit can be about in a village
(loans with what is due on them, households, groups), the pre-filled visit of a promised one, the day's
promised visits, and one visit's details with its photos checked. Each takes an open session and returns
plain dataclasses; the app reads them through ui/visits/data.py, one session a read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import lending, loanbook, visits
from fieldtool.households import households_with_heads
from fieldtool.loanbook import village_labels
from fieldtool.models import BorrowingGroup, EvidenceLink, Household, Loan, Meeting, Payment, Photo, Visit
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.visits import VisitTask
from fieldtool.vocabulary import EvidenceSource, EvidenceTarget, Stage


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


def loan_label(info: loanbook.LoanInfo) -> str:
    """A loan as an officer names it: the borrower, and the agreement when it has a number."""
    return f"{info.borrower} ({info.agreement_no})" if info.agreement_no else info.borrower


NAMED = (EvidenceTarget.LOAN, EvidenceTarget.HOUSEHOLD, EvidenceTarget.GROUP)  # a payment is counted, not named


def target_names(
    session: Session, loan_ids: Iterable[str], household_ids: Iterable[str], group_ids: Iterable[str]
) -> dict[str, str]:
    """id -> what an officer calls it: the borrower (and agreement) of a loan, a household's head, a group."""
    names: dict[str, str] = {}
    if loan_ids:
        for lid, info in loanbook.loan_infos(session, list(loan_ids)).items():
            names[lid] = loan_label(info)
    if household_ids:
        for h in households_with_heads(session, household_ids):
            names[h.id] = h.head
    if group_ids:
        for g in session.scalars(select(BorrowingGroup).where(col(BorrowingGroup.id).in_(list(group_ids)))):
            names[g.id] = g.name
    return names


def _links(session: Session, source_kind: EvidenceSource, ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    links: dict[str, list[tuple[str, str]]] = {}
    for link in session.scalars(
        select(EvidenceLink).where(col(EvidenceLink.source_kind) == source_kind, col(EvidenceLink.source_id).in_(ids))
    ):
        links.setdefault(link.source_id, []).append((link.target_kind, link.target_id))
    return links


def _names_of(session: Session, links: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    kinds: dict[str, set[str]] = {kind: set() for kind in NAMED}
    for targets in links.values():
        for kind, target in targets:
            if kind in kinds:
                kinds[kind].add(target)
    return target_names(session, kinds[EvidenceTarget.LOAN], kinds[EvidenceTarget.HOUSEHOLD],
                        kinds[EvidenceTarget.GROUP])


def visit_rows_of(session: Session, visit_list: list[Visit]) -> list[VisitRow]:
    """Visits with their village, purposes and what they were about, named for the screen."""
    if not visit_list:
        return []
    villages = village_labels(session)
    links = _links(session, EvidenceSource.VISIT, [v.id for v in visit_list])
    names = _names_of(session, links)
    rows = []
    for v in visit_list:
        targets = links.get(v.id, [])
        about = list(dict.fromkeys(names[t] for k, t in targets if k != EvidenceTarget.PAYMENT and t in names))
        rows.append(
            VisitRow(
                visit=v,
                village=villages.get(v.village_id, ""),
                purposes=json.loads(v.purposes or "[]"),
                about=about,
                payments=sum(1 for k, _ in targets if k == EvidenceTarget.PAYMENT),
            )
        )
    return rows


def recent_visits(session: Session, limit: int | None = None) -> list[Visit]:
    """Visits newest first (the latest `limit` of them)."""
    return list(
        session.scalars(select(Visit).order_by(col(Visit.visited_on).desc(), col(Visit.visited_at).desc()).limit(limit))
    )


def visit_log(session: Session) -> list[VisitRow]:
    """Every visit, newest first, named for the visit log."""
    return visit_rows_of(session, recent_visits(session))


def meeting_log(session: Session) -> list[MeetingRow]:
    """Every meeting, newest first, with its village and what it was about."""
    meetings = list(session.scalars(select(Meeting).order_by(col(Meeting.held_on).desc(), col(Meeting.held_at).desc())))
    if not meetings:
        return []
    villages = village_labels(session)
    links = _links(session, EvidenceSource.MEETING, [m.id for m in meetings])
    names = _names_of(session, links)
    return [
        MeetingRow(
            m,
            villages.get(m.village_id, "") if m.village_id else "",
            list(dict.fromkeys(names[t] for _, t in links.get(m.id, []) if t in names)),
        )
        for m in meetings
    ]


# --- what a new visit can be about -----------------------------------------------------------------------


@dataclass
class LoanChoice:
    id: str
    label: str  # borrower (agreement)
    stage: Stage
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


def village_targets(
    session: Session, village_id: str, day: date, extra_loans: Iterable[str] = ()
) -> VillageTargets:
    """The loans (running or applied for), households and groups of a village, and any linked loan elsewhere."""
    extra_loans = list(extra_loans)
    infos = loanbook.loan_infos(session)
    loan_ids = [i for i, info in infos.items() if info.village_id == village_id or i in extra_loans]
    states = loanbook.load_states(session, day, loan_ids) if loan_ids else {}
    owners = {
        lid: (gid, hid)
        for lid, gid, hid in session.execute(
            select(col(Loan.id), col(Loan.group_id), col(Loan.household_id)).where(col(Loan.id).in_(loan_ids))
        )
    }
    loans = []
    for lid in loan_ids:
        info, state = infos[lid], states.get(lid)
        if state is None or (state.stage == Stage.CLOSED and lid not in extra_loans):
            continue
        if state.arrears_satang:
            due, key, due_on = state.arrears_satang, "arrears", state.oldest_unpaid_due
        elif state.next_due is not None and state.stage != Stage.PREVENT:
            due, key, due_on = state.next_due.remaining_satang, "next", state.next_due.due_date
        else:
            due, key, due_on = 0, "none", None
        loans.append(LoanChoice(lid, loan_label(info), Stage(state.stage), due, key, due_on, *owners[lid]))
    loans.sort(key=lambda c: c.label)
    hhs = [
        Choice(h.id, h.head + (f" ({h.house_no})" if h.house_no else ""), h.phone, h.status)
        for h in households_with_heads(session, village_id=village_id)
    ]
    hhs.sort(key=lambda c: c.label)
    groups = [
        Choice(g.id, g.name)
        for g in session.scalars(select(BorrowingGroup).where(col(BorrowingGroup.village_id) == village_id))
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


def prefill_from_task(session: Session, task: VisitTask) -> VisitPrefill:
    """The visit that keeps a promised one: its village, place and what it was about."""
    earlier = session.get(Visit, task.visit_id)
    return VisitPrefill(
        village_id=earlier.village_id if earlier else None,
        place=task.place,
        loans=list(task.about.get(EvidenceTarget.LOAN, [])),
        households=list(task.about.get(EvidenceTarget.HOUSEHOLD, [])),
        groups=list(task.about.get(EvidenceTarget.GROUP, [])),
        promised_on=earlier.visited_on if earlier else None,
        promised_steps=task.next_steps,
    )


def prefill_from_loan(session: Session, loan_id: str) -> VisitPrefill:
    """A visit about one loan, in its borrower's village."""
    loan = lending.get_loan(session, loan_id)
    info = loanbook.loan_infos(session, [loan.id])[loan.id]
    return VisitPrefill(
        village_id=info.village_id,
        loans=[loan.id],
        groups=[loan.group_id] if loan.group_id else [],
        households=[loan.household_id] if loan.household_id else [],
    )


def prefill_from_household(session: Session, household_id: str) -> VisitPrefill:
    """A plan visit to one household, at its house."""
    h = session.get(Household, household_id)
    if h is None:
        raise InputError(Text(f"ไม่พบครัวเรือน {household_id}", f"no such household: {household_id}"))
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


def visit_tasks(session: Session, on: date) -> list[TaskRow]:
    """The visits promised for `on` or earlier and not yet made, each with the names of what it is about."""
    tasks = visits.next_visit_tasks(session, on)
    if not tasks:
        return []
    shown = (EvidenceTarget.HOUSEHOLD, EvidenceTarget.LOAN, EvidenceTarget.GROUP)  # in this order
    about: dict[str, set[str]] = {k: set() for k in NAMED}
    for t in tasks:
        for kind, ids in t.about.items():
            about.setdefault(kind, set()).update(ids)
    names = target_names(session, about[EvidenceTarget.LOAN], about[EvidenceTarget.HOUSEHOLD],
                         about[EvidenceTarget.GROUP])
    return [
        TaskRow(
            t,
            [names[i] for kind in shown for i in t.about.get(kind, []) if i in names],
        )
        for t in tasks
    ]


@dataclass
class VisitDetails:
    row: VisitRow
    photos: list[tuple[Photo, bool]]  # (photo, the kept file still has its hash)
    payments: list[tuple[str, int]]  # (borrower, satang)


def visit_details(session: Session, visit_id: str, photo_dir: Path) -> VisitDetails:
    """One visit with its photos (each checked against its hash in `photo_dir`) and the money collected."""
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise InputError(Text(f"ไม่พบการลงพื้นที่ {visit_id}", f"no such visit: {visit_id}"))
    row = visit_rows_of(session, [visit])[0]
    photos = [
        (p, visits.check_photo(photo_dir, p))
        for p in session.scalars(select(Photo).where(col(Photo.visit_id) == visit_id))
    ]
    payments: list[tuple[str, int]] = []
    for pid in visits.visit_links(session, visit_id).get(EvidenceTarget.PAYMENT, []):
        pay = session.get(Payment, pid)
        if pay is not None:
            info = loanbook.loan_infos(session, [pay.loan_id])[pay.loan_id]
            payments.append((info.borrower, pay.amount_satang))
    return VisitDetails(row, photos, payments)
