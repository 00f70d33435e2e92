"""The whole book on a day as plain rows, for the lists of a district (the day's reminders, arrears, the loan
register): `read_book` reads only what they need in a few bulk queries, `open_states` makes the loans' states
from it. A single loan, its history and its settled days are `loanbook.load_states`' business.

Most loans are plain (one schedule, no payment reversed or negative): what each owes follows from the sum it paid
and its instalments' running sums (`fieldtool.running_sums`), so only the instalments still owed are read and
become objects. The others go through the ledger as ever. tests/test_fast_paths.py holds both ways equal on random
district books, on SQLite and PostgreSQL; bench/bench_loanbook.py times them against hand-written SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain, groupby
from operator import itemgetter
from typing import cast

from sqlalchemy import Date, Executable, String, bindparam, case, func, or_, select, text, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.ledger import InstalmentState, LoanState, ScheduleState, still_owed
from fieldtool.loanbook import DayReader, day_reader, load_states
from fieldtool.models import ODD_INSTALMENT, Instalment, Loan, Payment, Schedule
from fieldtool.sync.entries import chunks
from fieldtool.vocabulary import Stage

# The book's rows as read_book reads them, days as text (parsed by BookRows.day, once per distinct day).
LoanRow = tuple[str, str | None]  # (loan id, disbursed_on)
ScheduleRow = tuple[str, str, int, str, str]  # (id, loan id, version, effective_from, reason)
# (id, no, due_date, principal, interest, schedule id, cumulative: the schedule's sum due up to and including it)
InstalmentRow = tuple[str, int, str, int, int, str, int | None]


@dataclass
class BookRows:
    """The loan book on one day as plain rows, read in a few bulk queries (`read_book`): what the lists start from."""

    as_of: date
    loans: Sequence[LoanRow]  # in the order load_states goes through them
    schedules: dict[str, list[ScheduleRow]]  # loan id -> its schedules
    plain: set[str]  # loans whose figures follow from the sum paid (ledger.still_owed): see read_book
    paid: dict[str, int]  # loan id -> the sum of its payments dated up to as_of
    # schedule id -> the sum of its instalments (what paying it up takes), for the plain schedules of which no
    # instalment was read: what was paid beyond it is their credit (the others' credit follows from their rows)
    totals: dict[str, int]
    instalments: Sequence[InstalmentRow]  # each schedule's in order: every one (`whole`) or the plain loans' owed
    day: DayReader
    whole: bool

    def plain_schedule(self, loan_id: str) -> tuple[str, int, date, str]:
        """(id, version, effective_from, reason) of a plain loan's one schedule."""
        sid, _, version, eff, reason = self.schedules[loan_id][0]
        return sid, version, self.day(eff), reason


# The instalments still owed of every schedule: for each schedule an index seek (ix_instalment_owed) on the sum its
# loan paid, so only those rows are read; the schedule is the outer loop (CROSS JOIN keeps SQLite to that order,
# else it scans every instalment). Written out because the shape of the plan is the point.
_OWED = """
SELECT i.id, i.no, i.due_date, i.principal_satang, i.interest_satang, i.schedule_id, i.cumulative_satang
FROM schedule s CROSS JOIN instalment i
WHERE i.schedule_id = s.id
  AND i.cumulative_satang > (SELECT COALESCE(SUM(p.amount_satang), 0) FROM payment p
                             WHERE p.loan_id = s.loan_id AND p.paid_on <= :on)
  {where}
ORDER BY s.id, i.cumulative_satang, i.no, i.id
"""


def read_book(
    session: Session, as_of: date, loan_ids: Collection[str] | None = None, *, whole: bool = False,
    due_by: date | None = None,
) -> BookRows:
    """Read the book for `as_of` in bulk, as rows, not ORM objects (each object costs more than its row's worth).

    A loan is plain when it has one schedule, whose rows carry their running sums, and no payment reversed or
    negative (nor an instalment below zero): all its payments then go to that schedule oldest instalment first,
    and what it owes follows from their sum (`ledger.still_owed`), which SQL adds up. Most loans are plain; the
    others need the whole ledger.

    Of the plain loans only the instalments still owed are read, those whose running sum is above what the loan
    paid by `as_of` (most of a district's book is paid), and of those only the ones due by `due_by` if given (the
    day's reminders look no further than the first notice). `whole` reads every instalment of every schedule:
    the notices' tally needs the paid ones too.
    """
    conn = session.connection()
    loans, schedules, paid, plain = _plain_loans(conn, as_of, loan_ids)
    instalments = conn.execute(_instalments_query(as_of, loan_ids, whole, due_by)).all()
    unread = sorted({schedules[lid][0][0] for lid in plain} - {row[5] for row in instalments})
    return BookRows(as_of, loans, schedules, plain, paid, _totals(conn, unread), instalments, day_reader(), whole)


def _plain_loans(
    conn: Connection, as_of: date, loan_ids: Collection[str] | None
) -> tuple[Sequence[LoanRow], dict[str, list[ScheduleRow]], dict[str, int], set[str]]:
    """The loans (id, disbursed_on), their schedules, what each paid by `as_of`, and which are plain (read_book)."""
    loan_q = select(col(Loan.id), type_coerce(Loan.disbursed_on, String))
    sched_q = select(
        col(Schedule.id), col(Schedule.loan_id), col(Schedule.version), type_coerce(Schedule.effective_from, String),
        col(Schedule.reason),
    )
    # per loan: the sum paid by as_of, and whether any payment is a reversal or below zero (one pass over payments)
    amount = col(Payment.amount_satang)
    paid_q = select(
        col(Payment.loan_id),
        func.sum(case((col(Payment.paid_on) <= as_of, amount), else_=0)),
        func.max(case((or_(col(Payment.reverses_id).is_not(None), amount < 0), 1), else_=0)),
    ).group_by(col(Payment.loan_id))
    # schedules that need the whole ledger: an instalment below zero, or rows without their running sums
    odd_q = select(col(Instalment.schedule_id)).distinct().where(text(ODD_INSTALMENT))  # as ix_instalment_odd says
    if loan_ids is not None:
        ids = list(loan_ids)
        loan_q = loan_q.where(col(Loan.id).in_(ids))
        sched_q = sched_q.where(col(Schedule.loan_id).in_(ids))
        paid_q = paid_q.where(col(Payment.loan_id).in_(ids))
        odd_q = odd_q.where(col(Instalment.loan_id).in_(ids))
    loans = conn.execute(loan_q).all()
    schedules: dict[str, list[ScheduleRow]] = defaultdict(list)
    for row in conn.execute(sched_q).all():
        schedules[row[1]].append(row)
    paid: dict[str, int] = {}
    odd: set[str] = set()
    for lid, paid_sum, reversed_or_negative in conn.execute(paid_q).all():
        paid[lid] = paid_sum
        if reversed_or_negative:
            odd.add(lid)
    odd_scheds = set(conn.scalars(odd_q).all())
    plain = {
        lid for lid, _ in loans
        if lid not in odd and len(schedules.get(lid, ())) == 1 and schedules[lid][0][0] not in odd_scheds
    }
    return loans, schedules, paid, plain


def _totals(conn: Connection, schedule_ids: Sequence[str]) -> dict[str, int]:
    """What paying each schedule up takes: its last running sum, one seek each in ix_instalment_owed."""
    out: dict[str, int] = {}
    sid, cumulative = col(Instalment.schedule_id), col(Instalment.cumulative_satang)
    for chunk in chunks(schedule_ids):
        for schedule_id, total in conn.execute(select(sid, func.max(cumulative)).where(sid.in_(chunk)).group_by(sid)):
            out[schedule_id] = total or 0
    return out


def _instalments_query(
    as_of: date, loan_ids: Collection[str] | None, whole: bool, due_by: date | None
) -> Executable:
    """read_book's instalments: every one, or those still owed (`_OWED`), each schedule's in order."""
    if whole:
        q = select(
            col(Instalment.id), col(Instalment.no), type_coerce(Instalment.due_date, String),
            col(Instalment.principal_satang), col(Instalment.interest_satang), col(Instalment.schedule_id),
            col(Instalment.cumulative_satang),
        ).order_by(col(Instalment.schedule_id), col(Instalment.no), col(Instalment.id))
        return q if loan_ids is None else q.where(col(Instalment.loan_id).in_(list(loan_ids)))
    where, params = [], [bindparam("on", as_of, type_=Date)]
    if due_by is not None:
        where.append("AND i.due_date <= :due_by")
        params.append(bindparam("due_by", due_by, type_=Date))
    if loan_ids is not None:
        where.append("AND s.loan_id IN :ids")
        params.append(bindparam("ids", list(loan_ids), expanding=True))
    return text(_OWED.format(where=" ".join(where))).bindparams(*params)


# Above this many loans that need the whole ledger, one load_states of everything is quicker than a long IN list.
_MANY_ODD_LOANS = 500


def load_odd_states(session: Session, book: BookRows, loan_ids: Collection[str] | None) -> dict[str, LoanState]:
    """load_states of the loans of `book` that are not plain."""
    return _odd_states(session, book.as_of, book.loans, book.plain, loan_ids)


def _odd_states(
    session: Session, as_of: date, loans: Sequence[LoanRow], plain: set[str], loan_ids: Collection[str] | None
) -> dict[str, LoanState]:
    odd = [lid for lid, _ in loans if lid not in plain]
    if len(odd) > _MANY_ODD_LOANS:
        return load_states(session, as_of, loan_ids)
    return load_states(session, as_of, odd) if odd else {}


# --- what a list of loans shows of each ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Standing:
    """What the loan register shows of a loan on a day: its stage, what it owes, what of it is overdue and since
    when, and when the next instalment falls due; the figures of its `LoanState` (`of`)."""

    stage: Stage
    outstanding_satang: int
    arrears_satang: int
    days_overdue: int
    next_due: date | None

    @staticmethod
    def of(state: LoanState) -> Standing:
        nxt = state.next_due
        return Standing(state.stage, state.outstanding_satang, state.arrears_satang, state.days_overdue,
                        nxt.due_date if nxt else None)


# For each schedule, from its running sums and what its loan paid by the day (one seek each in ix_instalment_owed,
# the payments' sum from ix_payment_paid): the whole sum; the first instalment still owed (its running sum above what
# was paid, in the order the ledger pays them); and, of those still owed and due before the day, what is left of
# them (of each, the lesser of its amount and its running sum less what was paid) and the oldest due date of one
# with something to pay.
_STANDING = """
SELECT s.id, s.paid,
  (SELECT MAX(i.cumulative_satang) FROM instalment i WHERE i.schedule_id = s.id),
  (SELECT i.due_date FROM instalment i WHERE i.schedule_id = s.id AND i.cumulative_satang > s.paid
   ORDER BY i.cumulative_satang, i.no, i.id LIMIT 1),
  (SELECT SUM(CASE WHEN i.principal_satang + i.interest_satang < i.cumulative_satang - s.paid
                   THEN i.principal_satang + i.interest_satang ELSE i.cumulative_satang - s.paid END)
   FROM instalment i WHERE i.schedule_id = s.id AND i.cumulative_satang > s.paid AND i.due_date < :on),
  (SELECT MIN(i.due_date) FROM instalment i WHERE i.schedule_id = s.id AND i.cumulative_satang > s.paid
   AND i.due_date < :on AND i.principal_satang + i.interest_satang > 0)
FROM (SELECT sc.id, (SELECT COALESCE(SUM(p.amount_satang), 0) FROM payment p
                     WHERE p.loan_id = sc.loan_id AND p.paid_on <= :on) AS paid
      FROM schedule sc) s
"""


def standings(session: Session, as_of: date) -> dict[str, Standing]:
    """Every loan's `Standing` on `as_of`, without making its instalments into objects: a plain loan's (read_book)
    from its schedule's sums, the others' from the ledger. tests/test_fast_paths.py holds them equal to
    `Standing.of` the ledger's states on random district books."""
    conn = session.connection()
    loans, schedules, _paid, plain = _plain_loans(conn, as_of, None)
    sums = {row[0]: row for row in conn.execute(text(_STANDING).bindparams(bindparam("on", as_of, type_=Date)))}
    odd = _odd_states(session, as_of, loans, plain, None)
    day = day_reader()
    out: dict[str, Standing] = {}
    for lid, disbursed in loans:
        if lid not in plain:
            out[lid] = Standing.of(odd[lid])
            continue
        _, paid, total, next_due, arrears, oldest = sums[schedules[lid][0][0]]
        out[lid] = _from_sums(day(disbursed), as_of, paid, total or 0, day(next_due), arrears or 0, day(oldest))
    return out


def _from_sums(disbursed: date | None, as_of: date, paid: int, total: int, next_due: date | None, arrears: int,
               oldest_overdue: date | None) -> Standing:
    """A plain loan's standing from its sums, by the rules of LoanState: paid out after the day is prevent; nothing
    left to pay (no first instalment still owed) closed; something overdue ask; else follow."""
    if disbursed is None or disbursed > as_of:
        stage = Stage.PREVENT
    elif next_due is None:
        stage = Stage.CLOSED
    else:
        stage = Stage.ASK if oldest_overdue is not None else Stage.FOLLOW
    days = (as_of - oldest_overdue).days if oldest_overdue is not None else 0
    return Standing(stage, max(0, total - paid), arrears, days, next_due)


def open_states(
    session: Session, as_of: date, loan_ids: Collection[str] | None = None, book: BookRows | None = None,
    due_by: date | None = None,
) -> dict[str, LoanState]:
    """Every loan (or the given ones) on `as_of` as `load_states` has it, except that of its schedule in force it
    holds only the instalments still owed: what the lists need (stage, outstanding, arrears, days overdue, next
    due, credit) without the mostly paid-up book. A loan's history and settled days need `load_states`.

    Plain loans (see read_book) are worked out from their rows and the sum paid; only their instalments still
    owed become objects. The others go through `ledger.apply_payments` as ever. tests/test_fast_paths.py holds
    both ways equal on a random district book.

    `due_by` leaves out a plain loan's instalments due after that day (the day's reminders look no further): what
    falls by then (arrears, days overdue, the instalments due) holds, but such a loan owing only later ones reads as
    closed and its outstanding is short, so the lists of loans do not pass it.
    """
    book = book or read_book(session, as_of, loan_ids, due_by=due_by)
    day, paid, plain = book.day, book.paid, book.plain
    loan_of = {book.schedules[lid][0][0]: lid for lid in plain}
    owed: dict[str, tuple[list[InstalmentState], int]] = {}
    for sid, rows in groupby(book.instalments, itemgetter(5)):
        lid = loan_of.get(sid)
        if lid is not None:
            first = next(rows)
            # what the instalments before the first one read come to (nothing when the book was read whole)
            before = cast(int, first[6]) - first[3] - first[4]
            owed[sid] = still_owed(chain((first,), rows), paid.get(lid, 0) - before, as_of, day)  # noqa: B031
    odd = load_odd_states(session, book, loan_ids)
    out: dict[str, LoanState] = {}
    for lid, disbursed in book.loans:
        if lid not in plain:
            out[lid] = odd[lid]
            continue
        sid, version, eff, reason = book.plain_schedule(lid)
        total = paid.get(lid, 0)
        # paid beyond the last instalment: what still_owed had left, or, when none was read, beyond the whole sum
        instalments, credit = owed.get(sid) or ([], max(0, total - book.totals.get(sid, 0)))
        sched = ScheduleState(sid, version, eff, reason, instalments, credit)
        out[lid] = LoanState(lid, as_of, day(disbursed), [sched], sched, total)
    return out
