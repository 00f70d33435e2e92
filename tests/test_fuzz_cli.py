"""The command line given random arguments: a sentence or a result, never a traceback, and a refusal writes
nothing.

Each example runs `ui.cli.main` in this process on a fresh copy of one small book (a running loan with
payments, a loan applied for, a household with a plan) and compares every table, row by row, before and
after. Derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import open_database
from fieldtool import funds, lending, plans, registry, reminders, repayments
from fieldtool.plans import ActionInput, PlanInput
from fieldtool.vocabulary import ActionStatus, PlanPart, PreventItem
from tests.test_bounds import table_dump
from ui.cli import main

TODAY = date(2026, 11, 22)


@dataclass
class Book:
    path: Path
    dump: list[str]
    loans: list[str]
    payments: list[str]
    households: list[str]
    group: str
    actions: list[str]
    reminders: list[str]


def build_book(path: Path) -> Book:
    db = open_database(path)
    with db.session() as s:
        registry.set_setting(s, "officer", "นางสาวทดสอบ ระบบดี")
        sub = registry.setup_subdistrict(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        village = registry.add_village(s, sub.id, 3, "บ้านหนองบัว")
        chair = registry.add_person(s, "สมศรี", "ใจดี", "นาง", phone="0812345678", village_id=village.id)
        group = registry.add_group(s, "กลุ่มทอผ้าไหมบ้านหนองบัว", village.id, chair_id=chair.id)
        head = registry.add_person(s, "บุญมี", "ศรีสุข", "นาย", national_id="3341900123454", village_id=village.id)
        household = registry.add_household(s, village.id, head.id, house_no="12")
        kkkj = funds.add_fund(s, "กข.คจ.", "kkkj")
        funds.add_fund(s, "กองทุนพัฒนาบทบาทสตรี", "women", rate_bp=200)
        running = lending.add_loan(s, fund_id=kkkj.id, group_id=group.id, principal_satang=1_200_000, instalments=12,
                                    first_due=date(2026, 1, 31), applied_on=date(2025, 11, 1), agreement_no="1/2568")
        lending.disburse(s, running.id, date(2025, 12, 1), "ย้ายสัญญาเดิมเข้าระบบ")
        payments = [repayments.record_payment(s, running.id, 100_000, date(2026, m, 27)).id for m in (1, 2, 3)]
        applied = lending.add_loan(s, fund_id=kkkj.id, household_id=household.id, principal_satang=500_000,
                                    instalments=6, first_due=date(2027, 1, 31), applied_on=date(2026, 11, 1))
        plan = plans.save_plan(s, household.id, PlanInput(
            made_on=date(2026, 10, 1), findings={"attitude": "อยากมีรายได้เสริม"},
            actions=[ActionInput("skills", "อบรมทอผ้า", helper="พัฒนาชุมชนอำเภอ", budget_satang=500_000)]))
        actions = [a.id for a in plans.plan_view(s, household.id, TODAY).actions]
        due = [r.id for r in reminders.reminders_on(s, TODAY)]
        book = Book(path, [], [running.id, applied.id], payments, [household.id], group.id, actions, due)
        assert plan.revision == 1
    db.dispose()
    book.dump = table_dump(path)
    return book


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Book:
    return build_book(tmp_path_factory.mktemp("fuzz") / "book.sqlite")


# --- what is typed -----------------------------------------------------------------------------------------

GARBAGE = st.text(max_size=12)
AMOUNTS = st.one_of(
    st.integers(0, 2_000_000_000).map(lambda s: f"{s // 100:,}.{s % 100:02d}"),
    st.integers(0, 20_000).map(str),
    st.sampled_from(["0", "-1", "1,00", "0.001", "99999999999999999999999", "10,000,000.01", "1e5", "๑,๐๐๐", "nan"]),
    GARBAGE,
)
LIKELY_DAYS = st.dates(date(2025, 6, 1), date(2027, 12, 31))
DAYS = st.one_of(
    LIKELY_DAYS.map(date.isoformat),
    LIKELY_DAYS.map(lambda d: f"{d.day}/{d.month}/{d.year + 543}"),
    st.dates(date(1950, 1, 1), date(2070, 12, 31)).map(date.isoformat),
    st.dates(date(1950, 1, 1), date(2070, 12, 31)).map(lambda d: f"{d.day}/{d.month}/{d.year + 543}"),
    st.sampled_from(["0001-01-01", "9999-12-31", "31/12/2499", "1/1/2601", "29/2/2569", "2569-01-01", "1/1/2500"]),
    GARBAGE,
)
WORDS = st.one_of(st.text(max_size=30), st.integers(0, 12_000).map(lambda n: "ก" * n))
COUNTS = st.one_of(st.integers(-3, 400), st.sampled_from([100_000, 10**25])).map(str)
RATES = st.one_of(st.sampled_from(["0", "2", "2.5", "100", "100.01", "-1", "1e3", "99999999999999"]), GARBAGE)
FREQUENCIES = st.sampled_from(["monthly", "quarterly", "half-yearly", "yearly", "weekly"])


# plausible values, so that the commands also succeed often enough to be tried on what they wrote
TAME_AMOUNTS = st.integers(1, 2_000_000).map(lambda s: f"{s // 100}.{s % 100:02d}")
TAME_DAYS = LIKELY_DAYS.map(date.isoformat)
TAME_COUNTS = st.integers(1, 360).map(str)
TAME_WORDS = st.text("กขคงจ ฉ1", max_size=30)


@st.composite
def tame_loan_days(draw) -> list[str]:
    """Applied for, then perhaps paid out, then first due, in that order."""
    applied = draw(LIKELY_DAYS)
    first_due = applied + timedelta(days=draw(st.integers(2, 400)))
    days = ["--applied", applied.isoformat(), "--first-due", first_due.isoformat()]
    if draw(st.booleans()):
        paid_out = applied + timedelta(days=draw(st.integers(0, (first_due - applied).days - 1)))
        days += ["--disbursed", paid_out.isoformat(), "--reason", "ย้ายสัญญาเดิมเข้าระบบ"]
    return days


FILE = "@file:"  # run() writes what follows to a file and passes its path instead
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=8)
PLAN_FILES = st.one_of(JSON, st.fixed_dictionaries({
    "made_on": DAYS,
    "findings": st.dictionaries(st.sampled_from([*(part.value for part in PlanPart), "x"]), WORDS, max_size=3),
    "actions": st.lists(st.fixed_dictionaries({
        "part": st.sampled_from([*(part.value for part in PlanPart), "x"]), "what": WORDS, "budget": AMOUNTS | st.integers(),
        "due_on": DAYS, "status": st.sampled_from([*(status.value for status in ActionStatus), "x"])}), max_size=3),
    "decision": WORDS,
})).map(lambda content: FILE + json.dumps(content, ensure_ascii=False))

def ids(known: list[str]):
    return st.one_of(st.sampled_from(known), st.sampled_from(known).map(lambda i: i[:8]), GARBAGE)


@st.composite
def command(draw, words, required=(), optional=()):
    """Fixed words (or strategies for positional values, or for a list of words), the required options, then any
    of the optional ones (a value strategy, or None for a flag)."""
    argv = []
    for w in words:
        value = draw(w) if isinstance(w, st.SearchStrategy) else w
        argv += value if isinstance(value, list) else [value]
    for flag, values in required:
        argv += [flag, draw(values)]
    for flag, values in optional:
        if draw(st.booleans()):
            argv += [flag] if values is None else [flag, draw(values)]
    return argv


def write_commands(b: Book):
    loans, payments = ids(b.loans), ids(b.payments)
    person = st.one_of(st.sampled_from(["นาง,มาลัย,ทองคำ", "นาย,สมชาย,ใจงาม,3341900123454", ",,", "นางสาว,ก,ข,1,0812"]),
                       WORDS.map(lambda w: f"นาง,{w},ทดสอบ"), GARBAGE)
    tame = st.one_of(
        command(["loan", "add", "--household", b.households[0], tame_loan_days()],
                [("--fund", st.sampled_from(["กข.คจ.", "women"])), ("--principal", TAME_AMOUNTS)],
                [("--instalments", TAME_COUNTS), ("--frequency", FREQUENCIES), ("--purpose", TAME_WORDS)]),
        command(["pay", st.just(b.loans[0])], [("--amount", TAME_AMOUNTS), ("--on", TAME_DAYS)],
                [("--note", TAME_WORDS), ("--credit", None)]),
        command(["loan", "restructure", st.just(b.loans[0])],
                [("--instalments", TAME_COUNTS), ("--first-due", TAME_DAYS), ("--on", TAME_DAYS)], []),
        command(["visit", "add", "--village", "3"], [("--on", TAME_DAYS)],
                [("--findings", TAME_WORDS), ("--next", TAME_DAYS),
                 ("--collect", TAME_AMOUNTS.map(lambda a: f"{b.loans[0]}:{a}"))]),
    )
    wild = st.one_of(
        command(["loan", "add", st.one_of(st.sampled_from([b.group, "x"]).map(lambda g: ["--group", g]),
                                          ids(b.households).map(lambda h: ["--household", h]))],
                [("--fund", st.sampled_from(["กข.คจ.", "women", "ไม่มีกองทุนนี้"])), ("--principal", AMOUNTS),
                 ("--first-due", DAYS)],
                [("--instalments", COUNTS), ("--frequency", FREQUENCIES), ("--rate", RATES), ("--applied", DAYS),
                 ("--approved", DAYS), ("--disbursed", DAYS), ("--reason", WORDS), ("--purpose", WORDS),
                 ("--agreement-no", WORDS)]),
        command(["pay", loans], [("--amount", AMOUNTS)], [("--on", DAYS), ("--note", WORDS), ("--credit", None)]),
        command(["reverse", payments], [], [("--on", DAYS), ("--note", WORDS)]),
        command(["loan", "check", loans, st.sampled_from([*(item.value for item in PreventItem), "nothing"])], [("--on", DAYS)],
                [("--note", WORDS), ("--undo", None)]),
        command(["loan", "disburse", loans], [("--on", DAYS)], [("--reason", WORDS)]),
        command(["loan", "restructure", loans], [("--instalments", COUNTS), ("--first-due", DAYS)],
                [("--on", DAYS), ("--frequency", FREQUENCIES), ("--reason", WORDS)]),
        command(["deliver", ids(b.reminders)], [("--how", st.sampled_from(["visit", "phone", "letter", "fax"]))],
                [("--on", DAYS), ("--by", WORDS), ("--note", WORDS)]),
        command(["household", "add"], [("--village", st.sampled_from(["3", "9", "บ้านหนองบัว"])), ("--head", person)],
                [("--member", person), ("--house-no", WORDS), ("--phone", GARBAGE),
                 ("--need", WORDS.map(lambda w: f"income:{w}"))]),
        command(["visit", "add"], [("--village", st.sampled_from(["3", "x"]))],
                [("--on", DAYS), ("--time", st.sampled_from(["10:30", "25:00", "9.15 น.", ""]) | GARBAGE),
                 ("--place", WORDS), ("--met", WORDS), ("--findings", WORDS), ("--next-steps", WORDS), ("--next", DAYS),
                 ("--gps", st.sampled_from(["15.2,105.2", "nan,nan", "91,0", "1"]) | GARBAGE),
                 ("--collect", st.tuples(loans, AMOUNTS).map(":".join)), ("--purpose", st.sampled_from(["ask:field", "x"]))]),
        command(["meeting", "add"], [("--kind", st.sampled_from(["guarantee", "repayment", "party"])), ("--place", WORDS)],
                [("--on", DAYS), ("--time", GARBAGE), ("--attendees", WORDS), ("--outcomes", WORDS)]),
        command(["plan", "action", ids(b.actions)], [("--status", st.sampled_from(["done", "in_progress", "lost"]))],
                [("--on", DAYS), ("--note", WORDS)]),
        command(["fund", "add"], [("--name", WORDS), ("--kind", st.sampled_from(["women", "village", "x"]))],
                [("--rate", RATES), ("--instalments", COUNTS), ("--ask-ladder", GARBAGE | st.just("1:visit,99999999999:meeting")),
                 ("--demand-days", GARBAGE | st.just("1,30,99999999999")), ("--demand-gap", COUNTS)]),
        command(["village", "add"], [("--moo", COUNTS), ("--name", WORDS)]),
        command(["village", "rename", st.sampled_from(["3", "บ้านหนองบัว", "4"])], [("--name", WORDS)]),
        command(["fund", "edit", st.sampled_from(["กข.คจ.", "women", "x"])], [],
                [("--name", WORDS), ("--rate", RATES), ("--instalments", COUNTS), ("--demand-gap", COUNTS)]),
        command(["group", "add"], [("--village", st.sampled_from(["3", "x"])), ("--name", WORDS)],
                [("--chair", person), ("--member", person), ("--responsible", person)]),
        command(["group", "edit", st.sampled_from([b.group, "x"])], [],
                [("--name", WORDS), ("--member", person), ("--remove", person)]),
        command(["plan", "set", ids(b.households)], [("--file", PLAN_FILES)]),
        command(["setup", "officer", WORDS]),
        command(["office", "set", st.sampled_from(["office_name", "letter_block", "address", "nothing"]),
                 st.one_of(WORDS, st.sampled_from(["1-99999999999999999999", "201-400"]))]),
    )
    return st.one_of(tame, wild)


def read_commands(b: Book):
    loans = ids(b.loans)
    return st.one_of(
        command(["loan", "show", loans], [], [("--on", DAYS)]),
        command(["loan", "list"], [], [("--on", DAYS), ("--search", WORDS)]),
        command(["reminders"], [], [("--on", DAYS), ("--kind", st.sampled_from(["notice", "ask"]))]),
        command(["arrears"], [], [("--on", DAYS)]),
        command(["history"], [], [("--limit", COUNTS), ("--record", loans)]),
        command(["household", "show", ids(b.households)], [], [("--on", DAYS)]),
        command(["plan", "show", ids(b.households)], [], [("--on", DAYS), ("--revision", COUNTS)]),
        command(["plans", "summary"], [], [("--on", DAYS)]),
        command(["visit", "list"], [], [("--limit", COUNTS), ("--on", DAYS)]),
        command(["list", st.sampled_from(["funds", "villages", "groups", "households"])]),
    )


# --- running them ------------------------------------------------------------------------------------------


def run(book: Book, argv: list[str], tmp: Path) -> tuple[int, str, list[str]]:
    """(exit status, stderr, the tables afterwards) of one command on a fresh copy of the book."""
    copy = tmp / "copy.sqlite"
    for leftover in ("-wal", "-shm"):  # never let the last run's log replay onto the fresh copy
        Path(f"{copy}{leftover}").unlink(missing_ok=True)
    shutil.copyfile(book.path, copy)
    for n, word in enumerate(argv):
        if word.startswith(FILE):
            (tmp / "given.json").write_text(word.removeprefix(FILE), encoding="utf-8")
            argv = [*argv[:n], str(tmp / "given.json"), *argv[n + 1:]]
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            output = "--json" if len(argv) % 2 else "--quiet"  # the JSON of about half the commands too
            code = main(["--db", str(copy), output, *argv])
        except SystemExit as exit_:  # argparse refusing the arguments
            code = exit_.code
    return code, err.getvalue(), table_dump(copy)


FUZZ = settings(max_examples=150, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("runs")


def test_a_writing_command_given_anything_answers_with_a_result_or_one_refusal_that_writes_nothing(book, scratch):
    @FUZZ
    @given(argv=write_commands(book))
    def check(argv):
        code, err, after = run(book, argv, scratch)
        assert code in (0, 2), (argv, err)
        assert "Traceback" not in err, (argv, err)
        if code == 2:
            assert after == book.dump, (argv, err)

    check()


def test_a_reading_command_given_anything_answers_and_never_writes(book, scratch):
    @settings(FUZZ, max_examples=60)
    @given(argv=read_commands(book))
    def check(argv):
        code, err, after = run(book, argv, scratch)
        assert code in (0, 2), (argv, err)
        assert "Traceback" not in err, (argv, err)
        assert after == book.dump, (argv, err)

    check()
