"""How each notice window ended (ต): delivered, settled (paid up before it shut), missed, or still open.

A notice opens 30, 15 and 7 days before a due date (`fieldtool.reminders`); the arrears report and the
district's quarterly tally count how those windows ended, over the whole book and its history, so the
counting reads the book in bulk (`bookrows.read_book`) rather than loan by loan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import chain, groupby
from operator import itemgetter
from typing import cast

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.bookrows import BookRows, read_book
from fieldtool.ledger import LoanState, days_paid_up
from fieldtool.loanbook import load_states
from fieldtool.models import Loan, Payment
from fieldtool.reminders import FIRST_NOTICE, delivered_days, notice_days
from fieldtool.vocabulary import ReminderKind

# What the counting needs of one instalment: (loan id, instalment id, due date, settled_on, the first day a notice
# may open (paid out, schedule begun), the day this schedule's notices stop or None, the day the loan was first
# followed or None).
_Instalment = tuple[str, str, date, date | None, date, date | None, date | None]
# How one window ended: (loan id, kind, instalment id, due date, result)
_Result = tuple[str, ReminderKind, str, date, str]


@dataclass
class NoticeOutcome:
    """How one notice window ended (or stands): for counting delivered and missed notices."""

    reminder_id: str
    loan_id: str
    kind: ReminderKind
    due_date: date
    state: str  # open | delivered | missed | settled


def notice_outcomes(
    session: Session, on: date, loan_ids: Collection[str] | None = None, states: dict[str, LoanState] | None = None
) -> list[NoticeOutcome]:
    """Every notice window that has opened by `on`, and how it ended: delivered, missed, settled or open."""
    if states is None:
        states = load_states(session, on, loan_ids)
    delivered = delivered_days(session, loan_ids)
    followed = _followed_from(session, list(states))
    return [
        NoticeOutcome(f"{kind}:{iid}", loan_id, kind, due, result)
        for loan_id, kind, iid, due, result in _window_results(_instalments_of(states, on, followed), on, delivered)
    ]


def _instalments_of(states: dict[str, LoanState], on: date, followed: dict[str, date]) -> Iterator[_Instalment]:
    """What _window_results needs of each instalment of every schedule of the loans paid out by `on`."""
    for loan_id, state in states.items():
        if state.disbursed_on is None or state.disbursed_on > on:
            continue
        since = followed.get(loan_id)
        for idx, sched in enumerate(state.schedules):
            # a schedule replaced by a restructuring has no notices after the new one began
            ends = state.schedules[idx + 1].effective_from if idx + 1 < len(state.schedules) else None
            starts = max(state.disbursed_on, sched.effective_from)
            for inst in sched.instalments:
                yield loan_id, inst.id, inst.due_date, inst.settled_on, starts, ends, since


def _window_results(instalments: Iterable[_Instalment], on: date, delivered: dict[str, date]) -> Iterator[_Result]:
    """(loan id, kind, instalment id, due date, result) of every notice window opened by `on`, and how it ended:
    delivered, settled (paid up before it shut), missed (shut) or open."""
    answered = {rid.partition(":")[2] for rid in delivered}  # instalments with a delivery: few
    days: dict[date, tuple[tuple[ReminderKind, date, date], ...]] = {}  # due date -> its notices: few due dates
    for loan_id, iid, due, settled_on, starts, ends, since in instalments:
        windows = days.get(due)
        if windows is None:
            windows = days[due] = notice_days(due)
        for kind, opened, closes in windows:
            if opened < starts or opened > on or (ends and opened >= ends):
                continue
            if since is not None and closes <= since:
                continue  # its time passed while the loan was kept in the old book
            done = delivered.get(f"{kind}:{iid}") if iid in answered else None
            if done is not None and done < closes and done <= on:
                result = "delivered"
            elif settled_on is not None and settled_on < closes:
                result = "settled"
            elif closes <= on:
                result = "missed"
            else:
                result = "open"
            yield loan_id, kind, iid, due, result


def notice_counts(
    session: Session, on: date, book: BookRows | None = None, states: dict[str, LoanState] | None = None
) -> dict[str, int]:
    """How many notice windows opened by `on` were delivered, missed, settled or are open: `notice_outcomes`
    of the whole book, counted.

    Plain loans (bookrows.read_book) are counted from their rows: an instalment was paid up on the first day the
    running sum of the loan's payments reached the running sum of its instalments, which is the day
    `apply_payments` finds when one schedule takes every payment and none is negative or reversed. The other
    loans go through the ledger (`states` from open_states already holds them whole).
    """
    book = book or read_book(session, on, whole=True)
    if not book.whole:
        raise ValueError("the notices' tally needs the book read whole (read_book(..., whole=True))")
    delivered = delivered_days(session, None)
    followed = _followed_from(session, [lid for lid, _ in book.loans])
    odd = [lid for lid, _ in book.loans if lid not in book.plain]
    if odd and (states is None or any(lid not in states for lid in odd)):
        states = load_states(session, on, odd)
    odd_states = {lid: states[lid] for lid in odd} if odd and states is not None else {}
    counts = Counter({"delivered": 0, "missed": 0, "settled": 0, "open": 0})
    counts.update(map(itemgetter(4), _window_results(
        chain(_plain_instalments(session, book, on, followed), _instalments_of(odd_states, on, followed)),
        on, delivered,
    )))
    return dict(counts)


def _plain_instalments(session: Session, book: BookRows, on: date, followed: dict[str, date]) -> Iterator[_Instalment]:
    """_window_results' rows of the plain loans paid out by `on`, from the book's rows and the days paid."""
    day = book.day
    out_on = {}
    for lid, disbursed_text in book.loans:
        disbursed = day(disbursed_text)
        if lid in book.plain and disbursed is not None and disbursed <= on:
            out_on[book.schedules[lid][0][0]] = lid, disbursed
    # sums in SQL: what each loan paid on each day up to `on`, day by day
    paid_q = (
        select(col(Payment.loan_id), type_coerce(Payment.paid_on, String), func.sum(col(Payment.amount_satang)))
        .where(col(Payment.paid_on) <= on)
        .group_by(col(Payment.loan_id), col(Payment.paid_on))
        .order_by(col(Payment.loan_id), col(Payment.paid_on))
    )
    paid_days = {lid: [(paid_on, paid) for _, paid_on, paid in rows]
                 for lid, rows in groupby(session.connection().execute(paid_q).all(), itemgetter(0))}
    last_day = on + FIRST_NOTICE  # no notice of an instalment due later has opened
    # due dates read as ISO text compare as the days do: parse only those kept (a driver that reads dates gives dates)
    last_due = cast(str, last_day.isoformat() if book.instalments and isinstance(book.instalments[0][2], str)
                    else last_day)
    for sid, group in groupby(book.instalments, itemgetter(5)):
        loan = out_on.get(sid)
        if loan is None:
            continue
        lid, disbursed = loan
        _, _, eff, _ = book.plain_schedule(lid)
        starts, since = max(disbursed, eff), followed.get(lid)
        rows = list(group)
        paid_up = days_paid_up([row[3] + row[4] for row in rows], paid_days.get(lid, []))
        for (iid, _, due, *_), settled_on in zip(rows, paid_up, strict=True):
            if due > last_due:
                continue
            yield lid, iid, day(due), day(settled_on), starts, None, since


def _followed_from(session: Session, loan_ids: Collection[str]) -> dict[str, date]:
    """Loans brought in from an old book: the day the program began following each (few loans have one)."""
    rows = session.execute(
        select(col(Loan.id), col(Loan.followed_from)).where(col(Loan.followed_from).is_not(None))
    ).all()
    wanted = set(loan_ids)
    return {lid: day for lid, day in rows if lid in wanted and day is not None}
