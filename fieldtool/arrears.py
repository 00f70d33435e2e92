"""Arrears on a day: overdue loans, aging buckets, and PAR30 by fund and by village.

PAR30 (portfolio at risk over 30 days) = outstanding principal of loans more than 30 days overdue,
divided by the outstanding principal of all disbursed, unclosed loans. All figures are derived from the
schedule and the payments, never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from fieldtool.bookrows import open_states, read_book
from fieldtool.ledger import AGING_BUCKETS, aging_bucket
from fieldtool.loanbook import LoanInfo, bulk_reading, loan_infos
from fieldtool.notices import notice_counts
from fieldtool.vocabulary import Stage


@dataclass
class OverdueLoan:
    info: LoanInfo
    days_overdue: int
    bucket: str
    arrears_satang: int
    outstanding_satang: int
    outstanding_principal: int
    oldest_due: date
    overdue_instalments: int


@dataclass
class PortfolioLine:
    """One row of a PAR table: a fund or a village."""

    key: str
    label: str
    loans: int = 0
    outstanding_principal: int = 0
    at_risk_30_principal: int = 0
    overdue_loans: int = 0
    arrears_satang: int = 0

    @property
    def par30(self) -> float:
        return self.at_risk_30_principal / self.outstanding_principal if self.outstanding_principal else 0.0


@dataclass
class ArrearsReport:
    on: date
    overdue: list[OverdueLoan]
    buckets: dict[str, dict[str, int]]  # label -> {"loans": n, "arrears_satang": x}
    by_fund: list[PortfolioLine]
    by_village: list[PortfolioLine]
    notices: dict[str, int]  # notice windows opened so far, by how they ended: delivered, missed, ...
    total: PortfolioLine = field(default_factory=lambda: PortfolioLine("all", "ทั้งหมด"))


def arrears_on(session: Session, on: date) -> ArrearsReport:
    with bulk_reading():
        return _arrears_on(session, on)


def _arrears_on(session: Session, on: date) -> ArrearsReport:
    book = read_book(session, on, whole=True)  # one bulk read for the figures and the notices (paid ones too)
    states = open_states(session, on, book=book)
    infos = loan_infos(session)
    buckets = {label: {"loans": 0, "arrears_satang": 0} for label, _, _ in AGING_BUCKETS}
    by_fund: dict[str, PortfolioLine] = {}
    by_village: dict[str, PortfolioLine] = {}
    total = PortfolioLine("all", "ทั้งหมด")
    overdue: list[OverdueLoan] = []
    for loan_id, state in states.items():
        if state.stage not in (Stage.FOLLOW, Stage.ASK):
            continue
        info = infos[loan_id]
        # each figure is a pass over the loan's instalments: once per loan, not once per line
        days, principal, arrears = state.days_overdue, state.outstanding_principal, state.arrears_satang
        fund_line = by_fund.get(info.fund_id)
        if fund_line is None:
            fund_line = by_fund[info.fund_id] = PortfolioLine(info.fund_id, info.fund)
        village_line = by_village.get(info.village_id)
        if village_line is None:
            village_line = by_village[info.village_id] = PortfolioLine(info.village_id, info.village)
        for line in (fund_line, village_line, total):
            line.loans += 1
            line.outstanding_principal += principal
            if days > 30:
                line.at_risk_30_principal += principal
            if days > 0:
                line.overdue_loans += 1
                line.arrears_satang += arrears
        if days > 0:
            bucket = aging_bucket(days)
            assert bucket is not None  # every day past due falls in a bucket
            buckets[bucket]["loans"] += 1
            buckets[bucket]["arrears_satang"] += arrears
            overdue_insts = state.overdue_instalments()
            overdue.append(
                OverdueLoan(
                    info=info,
                    days_overdue=days,
                    bucket=bucket,
                    arrears_satang=arrears,
                    outstanding_satang=state.outstanding_satang,
                    outstanding_principal=principal,
                    oldest_due=min(i.due_date for i in overdue_insts),
                    overdue_instalments=len(overdue_insts),
                )
            )
    notices = notice_counts(session, on, book, states)
    overdue.sort(key=lambda o: (-o.days_overdue, o.info.village, o.info.borrower))
    return ArrearsReport(
        on=on,
        overdue=overdue,
        buckets=buckets,
        by_fund=sorted(by_fund.values(), key=lambda line: line.label),
        by_village=sorted(by_village.values(), key=_village_order),
        notices=notices,
        total=total,
    )


def _village_order(line: PortfolioLine) -> tuple[int, str]:
    # "หมู่ที่ 10 ..." must come after "หมู่ที่ 9 ..."
    parts = line.label.split()
    try:
        return (int(parts[1]), line.label)
    except (IndexError, ValueError):
        return (10_000, line.label)

