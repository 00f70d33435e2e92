"""One loan as its page shows it (หน้าสัญญาเงินกู้), and who may apply for a new one, read in one session: the
read models the loan windows draw and a script or a test can read alike, so the windows hold no query.

The visits tab holds every time the officer met the borrower about this loan: the visits and meetings
recorded about it, and the ask steps and notices recorded as done in person (ลงพื้นที่, ที่ประชุม) with no
visit record behind them, so it counts the field visits the notices tab lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import history, lending, letters, loanbook, reminders, visits
from fieldtool.funds import ask_step_of, ladder_of
from fieldtool.history import HistoryEntry
from fieldtool.ledger import LoanState
from fieldtool.loanbook import LoanInfo, person_name, village_labels
from fieldtool.models import (
    BorrowingGroup,
    Fund,
    Household,
    Instalment,
    LetterRecord,
    Loan,
    Meeting,
    Payment,
    Person,
    PreventCheck,
    ReminderDelivery,
    Visit,
)
from fieldtool.repayments import loan_payments
from fieldtool.thai import thai_sort_key
from fieldtool.vocabulary import ContactWay, EvidenceTarget, Stage

IN_PERSON = (ContactWay.VISIT, ContactWay.MEETING)  # ways of delivery that are a visit or a meeting


@dataclass
class PaymentRow:
    payment: Payment
    reversed_by: Payment | None  # the event that cancelled this payment

    @property
    def is_reversal(self) -> bool:
        return self.payment.reverses_id is not None


@dataclass
class DeliveryRow:
    delivery: ReminderDelivery
    instalment_no: int | None
    step: str  # the notice kind, or the ask step (visit, meeting, ...) of the fund's ladder
    undone_by: ReminderDelivery | None = None  # the reversing record, when it was recorded by mistake


@dataclass
class ContactRow:
    """One time the officer met the borrower about the loan: a visit, a meeting, or a delivery done in
    person that no visit or meeting record covers."""

    on: date
    at: str
    kind: ContactWay  # VISIT or MEETING
    visit: Visit | None = None
    purposes: list[str] = field(default_factory=list)  # a visit's purpose codes
    meeting: Meeting | None = None
    delivery: DeliveryRow | None = None


@dataclass
class LoanPageData:
    loan: Loan
    info: LoanInfo
    state: LoanState
    day: date
    payments: list[PaymentRow]
    checks: list[PreventCheck]
    timeline: list[tuple[date, Stage]]
    deliveries: list[DeliveryRow]
    history: list[HistoryEntry]
    letters: list[LetterRecord]
    contacts: list[ContactRow]  # newest first

    @property
    def standing_deliveries(self) -> list[DeliveryRow]:
        return [d for d in self.deliveries if d.undone_by is None]

    @property
    def open_items(self) -> list[str]:
        return [c.item for c in self.checks if not c.done]


def loan_page(session: Session, loan_id: str, day: date) -> LoanPageData:
    """Everything the loan page shows on `day`; raises InputError for a loan that is not there."""
    loan = lending.get_loan(session, loan_id)
    state = loanbook.load_states(session, day, [loan.id])[loan.id]
    info = loanbook.loan_infos(session, [loan.id])[loan.id]
    payments = loan_payments(session, loan.id)
    reversal_of = {p.reverses_id: p for p in payments if p.reverses_id}
    inst_no = {
        iid: no
        for iid, no in session.execute(select(col(Instalment.id), col(Instalment.no)).where(col(Instalment.loan_id) == loan.id))
    }
    ladder = ladder_of(info.ask_ladder)
    deliveries = [
        DeliveryRow(d.delivery, inst_no.get(d.delivery.instalment_id), ask_step_of(d.delivery.kind, ladder), d.undone_by)
        for d in reminders.delivery_records(session, loan.id)
    ]
    return LoanPageData(
        loan=loan,
        info=info,
        state=state,
        day=day,
        payments=[PaymentRow(p, reversal_of.get(p.id)) for p in payments],
        checks=lending.prevent_checklist(session, loan.id),
        timeline=lending.stage_timeline(session, loan.id, max(day, loan.applied_on)),
        deliveries=deliveries,
        history=history.loan_history(session, loan.id),
        letters=letters.issued_letters(session, loan.id)[::-1],
        contacts=_contacts(
            visits.visits_of(session, EvidenceTarget.LOAN, loan.id),
            visits.meetings_of(session, EvidenceTarget.LOAN, loan.id), deliveries
        ),
    )


def _contacts(visit_list: list[Visit], meetings: list[Meeting], deliveries: list[DeliveryRow]) -> list[ContactRow]:
    """Visits, meetings and in-person deliveries, newest first; a delivery on the day of a visit (or a
    meeting) recorded about the loan is that visit, not another one."""
    rows = [
        ContactRow(v.visited_on, v.visited_at, ContactWay.VISIT, visit=v, purposes=json.loads(v.purposes or "[]"))
        for v in visit_list
    ]
    rows += [ContactRow(m.held_on, m.held_at, ContactWay.MEETING, meeting=m) for m in meetings]
    recorded: set[tuple[str, date]] = {(r.kind, r.on) for r in rows}
    seen: set[tuple[str, date]] = set()
    for d in deliveries:
        how, on = ContactWay.parse(d.delivery.how), d.delivery.delivered_on
        # one visit answers several ask tasks (and a notice) at once: one row for it
        if how in IN_PERSON and d.undone_by is None and (how, on) not in recorded | seen:
            seen.add((how, on))
            rows.append(ContactRow(on, "", how, delivery=d))
    return sorted(rows, key=lambda r: (r.on, r.at), reverse=True)


# --- a new application (ยื่นคำขอกู้) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """A group or a household that may apply: its name, its village, a household's house number."""

    id: str
    name: str
    village: str
    house_no: str = ""


@dataclass
class ApplicationChoices:
    groups: list[Applicant]
    households: list[Applicant]  # named by the head of the household
    funds: list[Fund]  # detached from the session: the dialog reads their rules


def application_choices(session: Session) -> ApplicationChoices:
    """Every group and household that may apply for a loan, and the funds to lend from, in Thai order."""
    villages = village_labels(session)
    groups = [Applicant(g.id, g.name, villages.get(g.village_id, "")) for g in session.scalars(select(BorrowingGroup))]
    households = [
        Applicant(h.id, person_name(title, first, last), villages.get(h.village_id, ""), h.house_no or "")
        for h, title, first, last in session.execute(
            select(Household, col(Person.title), col(Person.first_name), col(Person.last_name)).join(
                Person, col(Person.id) == Household.head_id))
    ]
    funds = list(session.scalars(select(Fund)))
    for fund in funds:
        session.expunge(fund)
    return ApplicationChoices(groups, households, sorted(funds, key=lambda f: thai_sort_key(f.name)))
