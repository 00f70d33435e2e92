"""The demo subdistrict exercises every screen: every stage, every notice, every aging bucket."""

from collections import Counter
from datetime import date

import pytest
from sqlmodel import func, select

from db import open_database
from fieldtool import loanbook, reminders
from fieldtool.arrears import arrears_on
from fieldtool.demo import build_demo
from fieldtool.models import BorrowingGroup, Household, Schedule, Village
from fieldtool.register import loan_register
from fieldtool.thai import InputError

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    with db.session() as s:
        build_demo(s, seed=7, today=TODAY)
    yield db
    db.dispose()


def count(s, model):
    return s.exec(select(func.count()).select_from(model)).one()


def test_a_believable_subdistrict(demo_db):
    with demo_db.session() as s:
        assert count(s, Village) == 10
        assert count(s, Household) == 300
        assert count(s, BorrowingGroup) == 20
        funds = {f.name for f in s.exec(select(loanbook.Fund)).all()}
        assert funds == {"กองทุนพัฒนาบทบาทสตรี", "โครงการแก้ไขปัญหาความยากจน (กข.คจ.)", "กองทุนหมู่บ้าน"}


def test_loans_in_every_stage_and_some_restructured(demo_db):
    with demo_db.session() as s:
        rows = loan_register(s, TODAY)
        restructured = s.exec(select(func.count()).select_from(Schedule).where(Schedule.version > 1)).one()
    assert set(Counter(r.stage for r in rows)) == {"prevent", "follow", "ask", "closed"}
    assert restructured >= 1


def test_today_has_notices_of_every_kind_and_ask_tasks(demo_db):
    with demo_db.session() as s:
        items = reminders.reminders_on(s, TODAY)
    kinds = Counter(r.kind for r in items)
    assert {"notice-30", "notice-15", "notice-7", "ask"} <= set(kinds)
    assert {r.step for r in items if r.kind == "ask"} == {"visit", "meeting", "relief", "partners"}


def test_arrears_fill_several_aging_buckets(demo_db):
    with demo_db.session() as s:
        report = arrears_on(s, TODAY)
    filled = [label for label, v in report.buckets.items() if v["loans"]]
    assert len(filled) >= 4
    assert 0 < report.total.par30 < 1


def test_the_same_seed_makes_the_same_subdistrict(tmp_path):
    def borrowers(seed, name):
        db = open_database(tmp_path / name)
        with db.session() as s:
            build_demo(s, seed=seed, today=TODAY)
            out = sorted((r.borrower, r.principal_satang, r.stage) for r in loan_register(s, TODAY))
        db.dispose()
        return out

    assert borrowers(3, "a.sqlite") == borrowers(3, "b.sqlite")


def test_demo_refuses_to_write_over_a_real_book(demo_db):
    with pytest.raises(InputError), demo_db.session() as s:
        build_demo(s, seed=1, today=TODAY)
