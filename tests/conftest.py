"""Shared fixtures: a fresh database file per test and a small subdistrict to lend money in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from db import Database, open_database
from fieldtool import funds, lending, loanbook, registry, repayments
from fieldtool.vocabulary import PreventItem


@pytest.fixture
def db(tmp_path) -> Database:
    database = open_database(tmp_path / "field.sqlite")
    with database.session() as s:
        registry.set_setting(s, "officer", "นางสาวทดสอบ ระบบดี")
    yield database
    database.dispose()


@dataclass
class Book:
    """Ids of a tiny subdistrict: one village, a women's group, a household, and three funds."""

    db: Database
    village_id: str
    group_id: str
    household_id: str
    women_fund: str
    kkkj_fund: str
    village_fund: str

    def loan(
        self,
        principal_baht: int = 10_000,
        instalments: int = 3,
        first_due: date = date(2026, 1, 31),
        disbursed: date | None = date(2025, 12, 1),
        fund: str | None = None,
        frequency: str = "monthly",
        rate_bp: int | None = 0,
        household: bool = False,
    ) -> str:
        with self.db.session() as s:
            loan = lending.add_loan(
                s,
                fund_id=fund or self.kkkj_fund,
                group_id=None if household else self.group_id,
                household_id=self.household_id if household else None,
                purpose="ทอผ้าไหม",
                principal_satang=principal_baht * 100,
                instalments=instalments,
                first_due=first_due,
                applied_on=date(2025, 11, 1),
                frequency=frequency,
                rate_bp=rate_bp,
            )
            if disbursed:
                for code in PreventItem:
                    lending.set_check(s, loan.id, code, True, date(2025, 11, 10))
                lending.disburse(s, loan.id, disbursed)
            return loan.id

    def pay(self, loan_id: str, baht: str, on: date) -> str:
        from fieldtool.thai import parse_baht

        with self.db.session() as s:
            return repayments.record_payment(s, loan_id, parse_baht(baht), on).id

    def state(self, loan_id: str, on: date):
        with self.db.session() as s:
            return loanbook.load_states(s, on, [loan_id])[loan_id]


@pytest.fixture
def book(db) -> Book:
    with db.session() as s:
        sub = registry.setup_subdistrict(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        village = registry.add_village(s, sub.id, 3, "บ้านหนองบัว")
        chair = registry.add_person(s, "สมศรี", "ใจดี", "นาง", phone="0812345678", village_id=village.id)
        group = registry.add_group(s, "กลุ่มทอผ้าไหมบ้านหนองบัว", village.id, chair_id=chair.id)
        head = registry.add_person(s, "บุญมี", "ศรีสุข", "นาย", village_id=village.id, house_no="12")
        household = registry.add_household(s, village.id, head.id, house_no="12")
        women = funds.add_fund(s, "กองทุนพัฒนาบทบาทสตรี", "women", rate_bp=200)
        kkkj = funds.add_fund(s, "กข.คจ.", "kkkj")
        vfund = funds.add_fund(s, "กองทุนหมู่บ้าน", "village", rate_bp=600)
        ids = (village.id, group.id, household.id, women.id, kkkj.id, vfund.id)
    return Book(db, *ids)


@pytest.fixture
def office(book) -> Book:
    """The small subdistrict with the demo office's letter settings, so letters can be issued."""
    from fieldtool import letterhead

    with book.db.session() as s:
        letterhead.demo_office_settings(s)
    return book


def issue_now(book: Book, requests_fn):
    """Prepare and record the letters `requests_fn(session)` asks for, as a batch does."""
    from fieldtool import letter_issue

    with book.db.session() as s:
        prepared = letter_issue.prepare(s, requests_fn(s))
        letter_issue.record_issued(s, prepared, "0" * 64, "test.pdf")
        return prepared
