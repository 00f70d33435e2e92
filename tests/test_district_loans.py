"""The district report's loan figures (fieldtool.district_loans) are the ledger's, loan for loan and day for day.

The report works the figures out in a closed form from one bulk read of the book instead of replaying every
payment per quarter end; on a random book – partial payments, credits, payments before the money was paid
out, same-day payments, instalments asking for nothing or out of order, restructurings (two laptops making
the same version too), reversals, loans without a schedule or never paid out – it must say what
`load_states` says: stage, arrears, outstanding principal, days overdue, each overdue instalment, and the
day each instalment was settled; so the notices it counts end as `notice_outcomes` has them.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from fieldtool.district_loans import Book
from fieldtool.loanbook import load_states
from fieldtool.models import Instalment, Loan, Payment, Schedule
from fieldtool.notices import notice_outcomes

START = date(2025, 1, 1)


def random_book(book, n: int, seed: int) -> None:
    rng = random.Random(seed)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rows: dict[type, list[dict]] = {Loan: [], Schedule: [], Instalment: [], Payment: []}
    for k in range(n):
        lid = str(uuid.uuid4())
        applied = START + timedelta(days=rng.randint(0, 400))
        disbursed = None if rng.random() < 0.08 else applied + timedelta(days=rng.randint(0, 40))
        rows[Loan].append(dict(id=lid, agreement_no=f"R{k}", fund_id=book.kkkj_fund, borrower_kind="group",
                               group_id=book.group_id, household_id=None, purpose="", principal_satang=1,
                               rate_bp=0, instalments=1, frequency="monthly", first_due=applied,
                               applied_on=applied, approved_on=None, disbursed_on=disbursed, prevent_override=""))
        shape = rng.random()
        versions = 0 if shape < 0.04 else (1 if shape < 0.8 else rng.randint(2, 3))
        total = 0
        for v in range(versions):
            sid = str(uuid.uuid4())
            version = v + 1 if rng.random() < 0.9 else max(1, v)  # two laptops may both make version 2
            effective = applied + timedelta(days=rng.randint(0, 30) + 120 * v)
            rows[Schedule].append(dict(id=sid, loan_id=lid, version=version, effective_from=effective, reason="",
                                       created_at=now))
            due = effective + timedelta(days=rng.randint(10, 40))
            for no in range(1, rng.randint(0 if rng.random() < 0.03 else 1, 12) + 1):
                nothing = rng.random() < 0.05
                principal = 0 if nothing else rng.choice((0, 50_000, 100_000, 333_333))
                interest = 0 if nothing else rng.choice((0, 0, 1_000, 2_500))
                rows[Instalment].append(dict(id=str(uuid.uuid4()), schedule_id=sid, loan_id=lid, no=no,
                                             due_date=due, principal_satang=principal, interest_satang=interest))
                total += principal + interest
                due += timedelta(days=rng.choice((30, 31, 91)) if rng.random() < 0.95 else -45)  # rarely out of order
        paid_ids = []
        for _ in range(rng.randint(0, 14)):
            base = disbursed or applied
            day = base + timedelta(days=rng.randint(-10, 500))
            amount = rng.choice((10_000, 51_000, 101_000, 250_000, max(1, total // 3), total + 5_000))
            pid = str(uuid.uuid4())
            paid_ids.append((pid, amount, day))
            rows[Payment].append(dict(id=pid, loan_id=lid, amount_satang=amount, paid_on=day, reverses_id=None,
                                      note="", recorded_at=now + timedelta(seconds=rng.randint(0, 99)),
                                      recorded_by="", device_id="d"))
        if paid_ids and rng.random() < 0.07:
            pid, amount, day = rng.choice(paid_ids)
            rows[Payment].append(dict(id=str(uuid.uuid4()), loan_id=lid, amount_satang=amount,
                                      paid_on=day + timedelta(days=rng.randint(0, 60)), reverses_id=pid, note="",
                                      recorded_at=now, recorded_by="", device_id="d"))
    with book.db.engine.begin() as conn:
        for model, items in rows.items():
            conn.execute(model.__table__.insert(), items)


DAYS = [START + timedelta(days=d) for d in range(0, 1000, 37)]


@pytest.mark.parametrize("seed", [1, 2])
def test_every_loans_figures_on_every_day_are_the_ledgers(book, seed):
    random_book(book, 250, seed)
    with book.db.session() as s:
        bulk = Book(s)
        assert bulk.others, "the random book has loans only the ledger takes"
        compared = 0
        for on in DAYS:
            figures = bulk.figures(on)
            states = {lid: st for lid, st in load_states(s, on).items() if st.stage in ("follow", "ask")}
            assert set(figures) == set(states), on
            for lid, st in states.items():
                got = figures[lid]
                assert (got.stage, got.arrears_satang, got.outstanding_principal, got.days_overdue) == (
                    st.stage, st.arrears_satang, st.outstanding_principal, st.days_overdue), (on, lid)
                assert list(got.overdue) == st.overdue_instalments(), (on, lid)
                reminder = got.overdue_state()
                assert (reminder.arrears_satang, reminder.days_overdue) == (st.arrears_satang, st.days_overdue)
                compared += 1
        assert compared > 1500


@pytest.mark.parametrize("seed", [3])
def test_instalments_are_settled_on_the_ledgers_day_and_notices_end_the_same(book, seed):
    random_book(book, 250, seed)
    due_from, due_to = date(2025, 6, 1), date(2026, 3, 31)
    with book.db.session() as s:
        bulk = Book(s)
        for on in (date(2025, 9, 30), date(2026, 2, 15), date(2027, 6, 30)):
            states = load_states(s, on)
            pruned = bulk.notice_states(on, due_from, due_to)
            assert set(pruned) == {lid for lid, st in states.items() if st.disbursed_on and st.disbursed_on <= on
                                   and any(due_from <= i.due_date <= due_to for sc in st.schedules for i in sc.instalments)}
            for lid, got in pruned.items():
                want = [(sc.id, [i for i in sc.instalments if due_from <= i.due_date <= due_to])
                        for sc in states[lid].schedules]
                assert [(sc.id, sc.instalments) for sc in got.schedules] == want, (on, lid)
            everything = notice_outcomes(s, on, states=states)
            expected = [o for o in everything if due_from <= o.due_date <= due_to]
            def key(o):
                return o.reminder_id

            assert sorted(notice_outcomes(s, on, states=pruned), key=key) == sorted(expected, key=key)
            assert len(expected) > 300
