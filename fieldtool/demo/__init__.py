"""A believable demo subdistrict: villages, households, women's groups, three funds, loans in every stage.

Made by the same row builders and rules as real work and written in bulk with its change log (`book.Book`:
`changelog.bulk_insert`, the import's way), with dates around the given day, so every screen has something
to show: notices due today, loans overdue in every aging bucket, loans paid early, paid late, restructured,
closed, and applications still in the prevent stage. `fieldtool demo` and `make run` build it.

By noun: `people` (villages, households, groups), `loans` (funds, loans and how each is paid), `plans`
(needs and 4ท plans), `visits` (the field work that makes and follows them); `book` writes it all. One seeded
random generator runs through them in a fixed order, so a seed always makes the same demo.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtool import letterhead, registry
from fieldtool.demo.book import Book
from fieldtool.demo.loans import OFFICER, add_loans
from fieldtool.demo.people import VILLAGES, add_groups, add_households
from fieldtool.demo.visits import add_plans_and_visits
from fieldtool.models import Loan, Payment
from fieldtool.progress import Progress, reporter
from fieldtool.text import Text
from fieldtool.thai import InputError, today_in_thailand


def build_demo(session: Session, seed: int = 1, today: date | None = None, progress: Progress | None = None,
               ) -> dict[str, int]:
    """Fill an empty database with the demo subdistrict; returns counts of what was made.

    `progress`, when given, is told each stage as it is done, with its count (it takes a second or two).
    """
    today = today or today_in_thailand()
    say = reporter(progress)
    if session.execute(select(func.count()).select_from(Loan)).scalar():
        raise InputError(Text("ฐานข้อมูลนี้มีสัญญาเงินกู้อยู่แล้ว จึงไม่สร้างข้อมูลตัวอย่างทับ",
                              "the database already holds loans; demo data is only made in an empty one"))
    rng = random.Random(seed)
    registry.set_setting(session, "officer", OFFICER)
    registry.set_setting(session, "demo", "1")  # the app marks it as a demo and offers starting the real one
    session.info["officer"] = OFFICER
    letterhead.demo_office_settings(session)
    sub = registry.setup_subdistrict(
        session, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง")
    )
    villages = [registry.add_village(session, sub.id, moo, name) for moo, name in enumerate(VILLAGES, start=1)]
    say(f"หมู่บ้าน {len(villages)} หมู่", f"villages: {len(villages)}")
    book = Book(session)
    households, women = add_households(book, rng, villages)
    say(f"ครัวเรือน {len(households)} ครัวเรือน", f"households: {len(households)}")
    groups = add_groups(book, rng, villages, women)
    say(f"กลุ่ม {len(groups)} กลุ่ม", f"groups: {len(groups)}")
    loans = add_loans(book, rng, today, households, groups)
    counts = {"villages": len(villages), "households": len(households), "groups": len(groups), "loans": len(loans)}
    book.write()
    say(f"สัญญาเงินกู้ {counts['loans']} สัญญา", f"loans: {counts['loans']}")
    paid = book.counts[Payment]
    say(f"รายการชำระ {paid} รายการ", f"payments: {paid}")
    counts |= add_plans_and_visits(book, rng, today, villages, households, groups, loans)
    book.write()
    session.flush()
    say(f"แผนพัฒนาครัวเรือน {counts['households_with_plans']} ครัวเรือน, การเยี่ยม {counts['visits']} ครั้ง",
        f"household plans: {counts['households_with_plans']}, visits: {counts['visits']}")
    return counts
