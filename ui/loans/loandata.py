"""Everything the loan page shows, read in one session through the loan book services (no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db import Database
from fieldtool import letters, loanbook, reminders, visits
from fieldtool.ledger import LoanState
from fieldtool.loanbook import LoanInfo
from fieldtool.models import (
    ChangeLog,
    Instalment,
    LetterRecord,
    Loan,
    Payment,
    PreventCheck,
    ReminderDelivery,
    Schedule,
)
from ui.visits.data import VisitRow, visit_rows_of


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
    history: list[ChangeLog]
    letters: list[LetterRecord]
    visits: list[VisitRow]

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
            DeliveryRow(d, inst_no.get(d.instalment_id), _step_of(d.kind, ladder))
            for d in reminders.deliveries_of(s, loan.id)
        ]
        checks = loanbook.prevent_checklist(s, loan.id)
        return LoanPageData(
            loan=loan,
            info=info,
            state=state,
            day=day,
            payments=[PaymentRow(p, reversal_of.get(p.id)) for p in payments],
            checks=checks,
            timeline=loanbook.stage_timeline(s, loan.id, max(day, loan.applied_on)),
            deliveries=deliveries,
            history=_history(s, loan.id, inst_no, payments, checks, deliveries),
            letters=letters.issued_letters(s, loan.id)[::-1],
            visits=visit_rows_of(s, visits.visits_of(s, "loan", loan.id))[::-1],
        )


def _step_of(kind: str, ladder: dict[int, str]) -> str:
    # A delivered ask task is stored as "ask-<days>"; its step comes from the fund's ladder.
    if kind.startswith("ask-") and kind[4:].isdigit():
        return ladder.get(int(kind[4:]), "visit")
    return kind


def _history(s, loan_id, inst_no, payments, checks, deliveries) -> list[ChangeLog]:
    """Change-log rows of the loan and of everything that hangs from it, newest first."""
    schedule_ids = list(s.scalars(select(Schedule.id).where(Schedule.loan_id == loan_id)))
    ids = [loan_id, *schedule_ids, *inst_no, *(p.id for p in payments), *(c.id for c in checks)]
    ids += [d.delivery.id for d in deliveries]
    q = (
        select(ChangeLog)
        .where(ChangeLog.record_id.in_(ids))
        .order_by(ChangeLog.at.desc(), ChangeLog.seq.desc())
    )
    return list(s.scalars(q))
