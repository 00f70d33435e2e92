"""The loan register: every loan with its derived figures, searchable and in Thai dictionary order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy.orm import Session

from fieldtool.bookrows import standings
from fieldtool.households import last_verified_all, stale_records
from fieldtool.loanbook import bulk_reading, loan_infos
from fieldtool.thai import normalize_search, thai_sort_key
from fieldtool.vocabulary import Stage

_T = TypeVar("_T")


@dataclass
class RegisterRow:
    id: str
    agreement_no: str
    borrower: str
    borrower_kind: str
    sort_name: str
    village_id: str
    village: str
    fund_id: str
    fund: str
    purpose: str
    stage: Stage
    principal_satang: int
    outstanding_satang: int
    arrears_satang: int
    days_overdue: int
    next_due: date | None
    disbursed_on: date | None
    search_text: str
    last_verified: date | None = None  # facts last checked on site
    stale: bool = False  # not checked on site for longer than the office allows


def loan_register(
    session: Session,
    on: date,
    search: str = "",
    stage: str | None = None,
    fund: str | None = None,
    village: str | None = None,
) -> list[RegisterRow]:
    with bulk_reading():
        rows = _register_rows(session, on)
        return filter_rows(rows, search, stage, fund, village)


def _register_rows(session: Session, on: date) -> list[RegisterRow]:
    figures = standings(session, on)  # each loan's figures from its sums, no instalment objects
    infos = loan_infos(session)
    stale = stale_records(session, "loan", on)
    verified = last_verified_all(session, "loan")
    rows = []
    for loan_id, state in figures.items():
        info = infos[loan_id]
        stage = state.stage
        rows.append(
            RegisterRow(
                id=loan_id,
                agreement_no=info.agreement_no,
                borrower=info.borrower,
                borrower_kind=info.borrower_kind,
                sort_name=info.sort_name,
                village_id=info.village_id,
                village=info.village,
                fund_id=info.fund_id,
                fund=info.fund,
                purpose=info.purpose,
                stage=stage,
                principal_satang=info.principal_satang,
                outstanding_satang=state.outstanding_satang if stage is not Stage.PREVENT else info.principal_satang,
                arrears_satang=state.arrears_satang,
                days_overdue=state.days_overdue,
                next_due=state.next_due,
                disbursed_on=info.disbursed_on,
                search_text=_search_text(" ".join([info.borrower, info.agreement_no, info.village, info.purpose])),
                last_verified=verified.get(loan_id),
                stale=loan_id in stale and stage in (Stage.FOLLOW, Stage.ASK),
            )
        )
    return rows


# The rows' search texts in normal form and their names' sort keys, kept between builds of the register.
# Normalising Thai text costs about 50 µs a row, more than the rest of a row's figures together; a district's
# 8,000 texts overflow the cache of normalize_search and barely change from one build (each refresh, each day, each
# filter) to the next.
_SEARCH_TEXTS: dict[str, str] = {}
_SORT_KEYS: dict[str, tuple[str, str, str]] = {}
_KEPT = 100_000


def _remembered(kept: dict[str, _T], fn: Callable[[str], _T], text: str) -> _T:
    found = kept.get(text)
    if found is None:
        if len(kept) >= _KEPT:
            kept.clear()
        found = kept[text] = fn(text)
    return found


def _search_text(text: str) -> str:
    return _remembered(_SEARCH_TEXTS, normalize_search, text)


def filter_rows(
    rows: Iterable[RegisterRow],
    search: str = "",
    stage: str | None = None,
    fund: str | None = None,
    village: str | None = None,
) -> list[RegisterRow]:
    # search_text is normalised once per row when the register is built; the query once per call
    query = normalize_search(search) if search else ""
    out = []
    for r in rows:
        if stage and r.stage != stage:
            continue
        if fund and fund not in (r.fund_id, r.fund):
            continue
        if village and village not in (r.village_id, r.village):
            continue
        if query and query not in r.search_text:
            continue
        out.append(r)
    out.sort(key=lambda r: (_remembered(_SORT_KEYS, thai_sort_key, r.sort_name), r.id))
    return out

