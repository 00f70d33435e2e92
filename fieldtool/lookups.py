"""Read models the command line asks for that no feature module answers yet: one function a question.

They return the domain's rows and dataclasses, never text or JSON (the command line's shapes are
`ui/cli/shapes.py`), so the app and the tests can ask the same. They sit here rather than in loanbook,
history or sync while those modules are being reworked; each may move beside its feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import lending, loanbook, repayments
from fieldtool.ledger import LoanState
from fieldtool.loanbook import LoanInfo
from fieldtool.models import BorrowingGroup, ChangeLog, Fund, Instalment, Loan, Payment, PreventCheck, Village
from fieldtool.vocabulary import Stage


@dataclass
class LoanCard:
    """One loan as `loan show` gives it: its terms, its state on `on`, payments, checklist and stages."""

    loan: Loan
    info: LoanInfo
    state: LoanState
    on: date
    payments: list[Payment]
    checklist: list[PreventCheck]
    timeline: list[tuple[date, Stage]]


def loan_card(session: Session, loan_ref: str, on: date) -> LoanCard:
    """The loan `loan_ref` (its id, first characters or agreement number) as it stands on `on`."""
    loan = lending.get_loan(session, loan_ref)
    return LoanCard(
        loan=loan,
        info=loanbook.loan_infos(session, [loan.id])[loan.id],
        state=loanbook.load_states(session, on, [loan.id])[loan.id],
        on=on,
        payments=repayments.loan_payments(session, loan.id),
        checklist=lending.prevent_checklist(session, loan.id),
        timeline=lending.stage_timeline(session, loan.id, on),
    )


def funds(session: Session) -> list[Fund]:
    return list(session.scalars(select(Fund)))


def villages(session: Session) -> list[Village]:
    """The villages by หมู่ที่."""
    return list(session.scalars(select(Village).order_by(col(Village.moo))))


def groups(session: Session) -> list[BorrowingGroup]:
    return list(session.scalars(select(BorrowingGroup)))


def latest_changes(session: Session, limit: int, record_id: str | None = None) -> list[ChangeLog]:
    """The newest `limit` change-log entries (of one record), newest first."""
    q = select(ChangeLog).order_by(col(ChangeLog.at).desc(), col(ChangeLog.seq).desc()).limit(limit)
    if record_id:
        q = q.where(col(ChangeLog.record_id) == record_id)
    return list(session.scalars(q))


def instalment_count(session: Session, schedule_id: str) -> int:
    """How many instalments a schedule has."""
    q = select(func.count()).select_from(Instalment).where(col(Instalment.schedule_id) == schedule_id)
    return session.scalar(q) or 0
