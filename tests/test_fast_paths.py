"""The quick ways the lists read a district's book give what the ledger gives, on any book.

`bookrows.open_states` works plain loans out from the sum paid (`ledger.still_owed`) and the notice count works
out the days instalments were paid up from running sums (`ledger.days_paid_up`); the ledger itself applies
payment after payment (`ledger.apply_payments`, what `load_states` runs). These tests hold them equal: the two
rules on random schedules and payments, and every screen on a random district book that has what the
benchmark's lacks – restructured loans, reversed and negative payments, credits, deliveries and undone ones,
loans brought in from an old book, loans not yet paid out, group borrowers, funds with their own ask ladder.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldtool import (
    arrears,
    bookrows,
    lending,
    loanbook,
    notices,
    register,
    registry,
    reminders,
    repayments,
    running_sums,
)
from fieldtool.funds import add_fund
from fieldtool.ledger import (
    InstalmentState,
    PaymentEvent,
    ScheduleState,
    apply_payments,
    days_paid_up,
    still_owed,
)
from fieldtool.models import Instalment, Loan, Payment, Schedule
from fieldtool.thai import InputError

START = date(2025, 6, 1)

# --- the two rules against apply_payments ----------------------------------------------------------------

instalment_parts = st.lists(st.tuples(st.integers(0, 50_000), st.integers(0, 5_000)), min_size=0, max_size=8)
payments = st.lists(st.tuples(st.integers(0, 400), st.integers(0, 80_000)), max_size=12)


def _fresh_schedule(parts) -> ScheduleState:
    return ScheduleState("s", 1, START, "", [
        InstalmentState(f"i{n}", n + 1, START + timedelta(days=30 * (n + 1)), principal, interest)
        for n, (principal, interest) in enumerate(parts)
    ])


def _events(pays) -> list[PaymentEvent]:
    return [PaymentEvent(f"p{n}", START + timedelta(days=day), amount, None, ("", f"p{n}"))
            for n, (day, amount) in enumerate(pays)]


@settings(max_examples=300, deadline=None)
@given(instalment_parts, payments, st.integers(0, 420))
def test_what_is_still_owed_follows_from_the_sum_paid(parts, pays, day):
    on = START + timedelta(days=day)
    state = apply_payments("l", START, [_fresh_schedule(parts)], _events(pays), on)
    rows = [(i.id, i.no, i.due_date, i.principal_satang, i.interest_satang) for i in _fresh_schedule(parts).instalments]
    owed, credit = still_owed(rows, sum(a for d, a in pays if START + timedelta(days=d) <= on), on)
    expected = [i for i in state.instalments if not i.is_paid]
    assert [(i.id, i.paid_interest, i.paid_principal, i.settled_on) for i in owed] == [
        (i.id, i.paid_interest, i.paid_principal, i.settled_on) for i in expected
    ]
    assert credit == state.credit_satang


@settings(max_examples=300, deadline=None)
@given(instalment_parts, payments, st.integers(0, 420))
def test_the_day_an_instalment_was_paid_up_follows_from_running_sums(parts, pays, day):
    on = START + timedelta(days=day)
    state = apply_payments("l", START, [_fresh_schedule(parts)], _events(pays), on)
    by_day = Counter()
    for d, amount in pays:
        if START + timedelta(days=d) <= on:
            by_day[START + timedelta(days=d)] += amount
    found = days_paid_up([p + i for p, i in parts], sorted(by_day.items()))
    assert found == [i.settled_on for i in state.instalments]


# --- every screen on a random district book --------------------------------------------------------------

DAYS = (date(2025, 5, 1), date(2025, 12, 31), date(2026, 3, 15), date(2026, 11, 22), date(2028, 1, 1))


def _random_book(db, seed: int, n_loans: int = 70) -> None:
    rng = random.Random(seed)
    with db.session() as s:
        sub = registry.setup_subdistrict(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        villages = [registry.add_village(s, sub.id, m, f"บ้านทดสอบ{m}") for m in range(1, 6)]
        households = []
        for i in range(n_loans):
            head = registry.add_person(s, rng.choice(("สมศรี", "บุญมี", "ประนอม")), f"สกุล{i}", "นาง",
                                       village_id=villages[i % 5].id)
            households.append(registry.add_household(s, head.village_id, head.id).id)
        chair = registry.add_person(s, "ทองดี", "มีสุข", "นาย", village_id=villages[0].id)
        group = registry.add_group(s, "กลุ่มทอผ้า", villages[0].id, chair_id=chair.id).id
        funds = [
            add_fund(s, "กองทุนหมู่บ้าน", "village", rate_bp=600),
            add_fund(s, "กข.คจ.", "kkkj"),
            add_fund(s, "กองทุนสตรี", "women", rate_bp=200, ask_ladder=[(5, "visit"), (45, "meeting")]),
        ]
        rows = {Loan: [], Schedule: [], Instalment: [], Payment: []}
        now = datetime(2026, 1, 1, tzinfo=UTC)
        for i in range(n_loans):
            count = rng.choice((3, 6, 12))
            applied = START + timedelta(days=rng.randint(0, 400))
            first_due = applied + timedelta(days=rng.randint(35, 70))
            new = lending.new_loan_rows(
                rng.choice(funds), principal_satang=rng.choice((5_000, 12_345, 30_000)) * 100, instalments=count,
                first_due=first_due, applied_on=applied, household_id=None if i % 9 == 0 else households[i],
                group_id=group if i % 9 == 0 else None, purpose="ทดสอบ", agreement_no=f"{i:04d}",
            )
            disbursed = None if i % 11 == 0 else applied + timedelta(days=rng.randint(1, 20))
            new.loan.update(disbursed_on=disbursed, approved_on=disbursed)
            if i % 13 == 5:
                new.loan.update(followed_from=applied + timedelta(days=rng.randint(30, 200)))
            if i % 17 == 3:
                new.instalments[1].update(principal_satang=0, interest_satang=0)  # an instalment of nothing
                running_sums.sum_up(new.instalments)  # as the row builder sums them
            if i % 23 == 4:  # a schedule from an older program's bundle: no running sums
                for inst in new.instalments:
                    inst["cumulative_satang"] = None
            rows[Loan].append(new.loan)
            rows[Schedule].append(new.schedule)
            rows[Instalment].extend(new.instalments)
            if disbursed is None:
                continue
            habit = rng.random()
            for inst in new.instalments:
                amount = inst["principal_satang"] + inst["interest_satang"]
                if habit < 0.15 or rng.random() < 0.1:
                    continue  # never paid, or this one missed
                paid_on = inst["due_date"] + timedelta(days=rng.randint(-10, 60) if habit < 0.5 else -rng.randint(0, 5))
                paid_on = max(paid_on, disbursed)
                parts = [amount] if rng.random() < 0.7 else [amount // 3, amount - amount // 3 + rng.choice((0, 0, 700))]
                for k, part in enumerate(parts):
                    rows[Payment].append(dict(
                        id=str(uuid.uuid4()), loan_id=new.loan["id"], amount_satang=part,
                        paid_on=paid_on + timedelta(days=k), reverses_id=None, note="", receipt_no="",
                        recorded_at=now + timedelta(seconds=len(rows[Payment])), recorded_by="t", device_id="t",
                    ))
            if i % 19 == 7:  # a loan with no schedule at all, as a damaged book might have
                gone = rows[Schedule].pop()["id"]
                rows[Instalment] = [r for r in rows[Instalment] if r["schedule_id"] != gone]
        conn = s.connection()
        for model in (Loan, Schedule, Instalment, Payment):
            conn.execute(model.__table__.insert(), rows[model])
        loans = [r["id"] for r in rows[Loan] if r["disbursed_on"] is not None]
        early = [r["id"] for r in rows[Loan] if r["disbursed_on"] and r["disbursed_on"] < date(2026, 1, 1)]
        pays = list(rows[Payment])
    with db.session() as s:
        for lid in rng.sample(loans, 6):  # restructured
            try:
                lending.restructure(s, lid, date(2026, 2, 1), 4, date(2026, 3, 1), reason="ภัยแล้ง")
            except InputError:
                pass
        for pay in rng.sample(pays, 8):  # payments reversed
            repayments.reverse_payment(s, pay["id"], pay["paid_on"] + timedelta(days=3), "ผิด")
        lid = rng.choice(early)
        s.add(Payment(loan_id=lid, amount_satang=-5_000, paid_on=date(2026, 1, 5), note="", recorded_at=now,
                      recorded_by="t", device_id="t"))  # a negative payment from an old import
        repayments.record_payment(s, rng.choice(early), 900_000, date(2026, 4, 1), credit=True)  # paid beyond
    for on in (date(2025, 12, 20), date(2026, 3, 15), date(2026, 6, 1)):  # notices delivered, one undone
        with db.session() as s:
            open_items = reminders.reminders_on(s, on)
            for item in rng.sample(open_items, min(12, len(open_items))):
                if reminders.standing_delivery(s, item.id) is None:
                    reminders.deliver(s, item.id, "visit", on)
            if open_items and reminders.standing_delivery(s, open_items[0].id) is not None:
                reminders.undo_delivery(s, open_items[0].id, on, note="บันทึกผิด")


def _ledger_only(monkeypatch) -> None:
    """Make the lists read every loan through load_states and count notices from notice_outcomes: the ledger."""

    def whole_states(session, as_of, loan_ids=None, book=None, due_by=None):
        return loanbook.load_states(session, as_of, loan_ids)

    def outcome_counts(session, on, book=None, states=None):
        counts = {"delivered": 0, "missed": 0, "settled": 0, "open": 0}
        counts.update(Counter(o.state for o in notices.notice_outcomes(session, on)))
        return counts

    def ledger_standings(session, as_of):
        return {lid: bookrows.Standing.of(st) for lid, st in loanbook.load_states(session, as_of).items()}

    for module in (reminders, arrears):
        monkeypatch.setattr(module, "open_states", whole_states)
    monkeypatch.setattr(register, "standings", ledger_standings)
    monkeypatch.setattr(arrears, "notice_counts", outcome_counts)


def _figures(state):
    return (state.stage, state.outstanding_satang, state.outstanding_principal, state.arrears_satang,
            state.days_overdue, state.oldest_unpaid_due, state.credit_satang, state.paid_satang,
            state.next_due and state.next_due.id,
            [(i.id, i.due_date, i.paid_interest, i.paid_principal) for i in state.instalments if not i.is_paid])


@pytest.fixture(scope="module")
def pg_server():
    """A private PostgreSQL server: the district office's book may be kept in one (missing programs fail)."""
    from tests.pg import PostgresMissing, PostgresServer

    try:
        server = PostgresServer().start()
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def office_pg(pg_server):
    from db.office import open_office

    office = open_office(pg_server.create_database("office"))
    with office.session() as s:
        registry.set_setting(s, "officer", "นางสาวทดสอบ ระบบดี")
    yield office
    office.dispose()


@pytest.mark.parametrize(("seed", "many_odd_loans"), [(1, 500), (2, 1)])
def test_the_lists_read_quickly_give_what_the_ledger_gives(db, monkeypatch, seed, many_odd_loans):
    _lists_agree(db, monkeypatch, seed, many_odd_loans)


def test_the_lists_read_quickly_give_what_the_ledger_gives_on_postgresql(office_pg, monkeypatch):
    _lists_agree(office_pg, monkeypatch, 3, 500)  # dates come back as dates, not text


def _lists_agree(db, monkeypatch, seed: int, many_odd_loans: int) -> None:
    _random_book(db, seed)
    monkeypatch.setattr(bookrows, "_MANY_ODD_LOANS", many_odd_loans)  # 1: the odd loans read with all the others
    screens = {}
    with db.session() as s:
        book = bookrows.read_book(s, DAYS[0])
        assert 0 < len(book.plain) < len(book.loans)  # both ways are taken
        for on in DAYS:
            quick, whole = bookrows.open_states(s, on), loanbook.load_states(s, on)
            assert list(quick) == list(whole)
            assert {lid: _figures(st) for lid, st in quick.items()} == {lid: _figures(st) for lid, st in whole.items()}
            # the register's figures from the schedules' sums
            assert bookrows.standings(s, on) == {lid: bookrows.Standing.of(st) for lid, st in whole.items()}
            outcomes = Counter(o.state for o in notices.notice_outcomes(s, on))
            assert notices.notice_counts(s, on) == {k: outcomes[k] for k in ("delivered", "missed", "settled", "open")}
            screens[on] = (reminders.reminders_on(s, on), arrears.arrears_on(s, on), register.loan_register(s, on))
        assert any(screens[on][1].notices["delivered"] for on in DAYS)
        assert any(r.kind == "ask" for r in screens[date(2026, 11, 22)][0])
    _ledger_only(monkeypatch)
    with db.session() as s:
        for on in DAYS:
            assert screens[on] == (reminders.reminders_on(s, on), arrears.arrears_on(s, on),
                                   register.loan_register(s, on)), on
