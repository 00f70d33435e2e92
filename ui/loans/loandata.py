"""Everything the loan page shows, read in one session through the loan book services (no Qt here).

The visits tab holds every time the officer met the borrower about this loan: the visits and meetings
recorded about it, and the ask steps and notices recorded as done in person (ลงพื้นที่, ที่ประชุม) with no
visit record behind them, so it counts the field visits the notices tab lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db import Database
from fieldtool import history, letters, loanbook, reminders, visits
from fieldtool.history import HistoryEntry
from fieldtool.ledger import LoanState
from fieldtool.loanbook import LoanInfo
from fieldtool.models import (
    EvidenceLink,
    Instalment,
    LetterRecord,
    Loan,
    Meeting,
    Payment,
    PreventCheck,
    ReminderDelivery,
)
from ui.visits.data import VisitRow, visit_rows_of

IN_PERSON = ("visit", "meeting")  # ways of delivery that are a visit or a meeting


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
    kind: str  # visit | meeting
    visit: VisitRow | None = None
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
    timeline: list[tuple[date, str]]
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


def load_loan_page(db: Database, loan_id: str, day: date) -> LoanPageData:
    with db.session() as s:
        loan = loanbook.get_loan(s, loan_id)
        state = loanbook.load_states(s, day, [loan.id])[loan.id]
        info = loanbook.loan_infos(s, [loan.id])[loan.id]
        payments = list(
            s.scalars(
                select(Payment)
                .where(Payment.loan_id == loan.id)
                .order_by(Payment.paid_on, Payment.recorded_at)
            )
        )
        reversal_of = {p.reverses_id: p for p in payments if p.reverses_id}
        inst_no = dict(
            s.execute(select(Instalment.id, Instalment.no).where(Instalment.loan_id == loan.id)).all()
        )
        ladder = dict(reminders.ladder_of(info.ask_ladder))
        deliveries = [
            DeliveryRow(d.delivery, inst_no.get(d.delivery.instalment_id), _step_of(d.delivery.kind, ladder), d.undone_by)
            for d in reminders.delivery_records(s, loan.id)
        ]
        checks = loanbook.prevent_checklist(s, loan.id)
        visit_rows = visit_rows_of(s, visits.visits_of(s, "loan", loan.id))
        return LoanPageData(
            loan=loan,
            info=info,
            state=state,
            day=day,
            payments=[PaymentRow(p, reversal_of.get(p.id)) for p in payments],
            checks=checks,
            timeline=loanbook.stage_timeline(s, loan.id, max(day, loan.applied_on)),
            deliveries=deliveries,
            history=history.loan_history(s, loan.id),
            letters=letters.issued_letters(s, loan.id)[::-1],
            contacts=_contacts(visit_rows, _meetings_of(s, loan.id), deliveries),
        )


def _step_of(kind: str, ladder: dict[int, str]) -> str:
    # A delivered ask task is stored as "ask-<days>"; its step comes from the fund's ladder.
    if kind.startswith("ask-") and kind[4:].isdigit():
        return ladder.get(int(kind[4:]), "visit")
    return kind


def _meetings_of(s, loan_id: str) -> list[Meeting]:
    ids = s.scalars(select(EvidenceLink.source_id).where(
        EvidenceLink.source_kind == "meeting", EvidenceLink.target_kind == "loan", EvidenceLink.target_id == loan_id))
    return list(s.scalars(select(Meeting).where(Meeting.id.in_(list(ids)))))


def _contacts(visit_rows: list[VisitRow], meetings: list[Meeting], deliveries: list[DeliveryRow]) -> list[ContactRow]:
    """Visits, meetings and in-person deliveries, newest first; a delivery on the day of a visit (or a
    meeting) recorded about the loan is that visit, not another one."""
    rows = [ContactRow(v.visit.visited_on, v.visit.visited_at, "visit", visit=v) for v in visit_rows]
    rows += [ContactRow(m.held_on, m.held_at, "meeting", meeting=m) for m in meetings]
    recorded = {(r.kind, r.on) for r in rows}
    seen = set()
    for d in deliveries:
        how, on = d.delivery.how, d.delivery.delivered_on
        # one visit answers several ask tasks (and a notice) at once: one row for it
        if how in IN_PERSON and d.undone_by is None and (how, on) not in recorded | seen:
            seen.add((how, on))
            rows.append(ContactRow(on, "", how, delivery=d))
    return sorted(rows, key=lambda r: (r.on, r.at), reverse=True)
