"""Fixtures of the window tests: a fresh database file built through the services, and Qt offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import dataclass  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import pytest  # noqa: E402
from dateutil.relativedelta import relativedelta  # noqa: E402

import fieldtool.changelog  # noqa: E402, F401  (the audit trail hook, as the app registers it)
from db import Database, open_database  # noqa: E402
from fieldtool import funds, lending, registry, repayments  # noqa: E402
from fieldtool.vocabulary import PreventItem
from ui import i18n, worker  # noqa: E402
from ui.qt import QThreadPool  # noqa: E402

TODAY = date(2026, 11, 22)


@dataclass
class Book:
    """A small subdistrict: two villages, one women's fund, a few loans in known states."""

    db: Database
    today: date
    village1: str
    village2: str
    fund: str
    loans: dict[str, str]  # name -> loan id


def add_person_household(s, village_id, title, first, last, phone=""):
    person = registry.add_person(s, first, last, title=title, phone=phone, village_id=village_id)
    return registry.add_household(s, village_id, person.id, house_no="1")


def add_running_loan(
    s, fund_id, household_id, principal_baht, first_due, applied, disbursed, count=12, agreement=""
):
    """A loan with its prevent checklist complete, paid out on `disbursed`."""
    loan = lending.add_loan(
        s,
        fund_id=fund_id,
        household_id=household_id,
        principal_satang=principal_baht * 100,
        instalments=count,
        first_due=first_due,
        applied_on=applied,
        purpose="เลี้ยงไก่ไข่",
        agreement_no=agreement,
    )
    for code in PreventItem:
        lending.set_check(s, loan.id, code, True, applied)
    lending.disburse(s, loan.id, disbursed)
    return loan


def build_book(db: Database, today: date = TODAY) -> Book:
    db.set_setting("officer", "นางสาวพัชรินทร์ ทดสอบ")  # first, so the change log names her
    with db.session() as s:
        sub = registry.setup_subdistrict(
            s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง")
        )
        v1 = registry.add_village(s, sub.id, 1, "บ้านโนนสูง")
        v2 = registry.add_village(s, sub.id, 2, "บ้านหนองบัว")
        fund = funds.add_fund(s, "กองทุนพัฒนาบทบาทสตรี ต.โนนกลาง", "women", rate_bp=300)
        start = today - relativedelta(months=3)
        loans = {}
        # Due in 7 days: the notice-7 is open today.
        hh = add_person_household(s, v1.id, "นาง", "สมศรี", "ใจดี", "0812345678")
        loans["somsri"] = add_running_loan(
            s, fund.id, hh.id, 12_000, today + timedelta(days=7), start, start, agreement="ส-001"
        ).id
        # Overdue by 10 days: an ask task.
        hh = add_person_household(s, v2.id, "นาย", "ไพโรจน์", "บุญมา", "0898765432")
        loans["pairoj"] = add_running_loan(
            s, fund.id, hh.id, 6_000, today - timedelta(days=10), start, start, agreement="ส-002"
        ).id
        # Paid up on the first instalment, next due in 3 weeks (no notice today).
        hh = add_person_household(s, v1.id, "นาย", "กมล", "ทองดี")
        loans["kamol"] = add_running_loan(
            s, fund.id, hh.id, 24_000, today - timedelta(days=5), start, start, agreement="ส-003"
        ).id
        repayments.record_payment(s, loans["kamol"], 2_060_00, today - timedelta(days=6), "งวดที่ 1")
        # Applied for, checklist open: stage ป (prevent).
        hh = add_person_household(s, v2.id, "นางสาว", "อรุณี", "แก้วมณี")
        loans["arunee"] = lending.add_loan(
            s,
            fund_id=fund.id,
            household_id=hh.id,
            principal_satang=10_000_00,
            instalments=10,
            first_due=today + relativedelta(months=2),
            applied_on=today - timedelta(days=3),
            purpose="ปลูกผัก",
            agreement_no="ส-004",
        ).id
    return Book(db, today, v1.id, v2.id, fund.id, loans)


@pytest.fixture(autouse=True)
def thai_first():
    """Every test starts in Thai, as the program does."""
    i18n.set_language("th")
    yield
    i18n.set_language("th")


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "t.sqlite")
    yield database
    # Background loads must end before the file goes away.
    QThreadPool.globalInstance().waitForDone()
    database.dispose()


@pytest.fixture
def book(db) -> Book:
    return build_book(db)


@pytest.fixture
def wait_idle(qtbot):
    def wait():
        qtbot.waitUntil(lambda: worker.pending() == 0, timeout=20_000)

    return wait


@pytest.fixture
def office(book) -> Book:
    """The test book with the district office's letter settings filled in (as the demo has them)."""
    from fieldtool import letterhead

    with book.db.session() as s:
        letterhead.demo_office_settings(s)
    return book


def add_target_household(
    db, village_id, title, first, last, needs=None, source="tpmap", house_no="9", national_id=None
):
    from fieldtool import households
    from fieldtool.households import HouseholdInput, PersonInput

    with db.session() as s:
        return households.add_household(
            s,
            HouseholdInput(
                village_id=village_id,
                head=PersonInput(first_name=first, last_name=last, title=title, national_id=national_id),
                house_no=house_no,
                source=source,
                needs=needs or {},
            ),
            force=True,
        ).id


def household_of(db, loan_id: str) -> str:
    from fieldtool.models import Loan

    with db.session() as s:
        return s.get(Loan, loan_id).household_id


def ink(image) -> int:
    """How many of a grid of sampled pixels are dark: a rendered page with text has some."""
    dark = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            if image.pixelColor(x, y).lightness() < 128:
                dark += 1
    return dark
