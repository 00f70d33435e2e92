"""Benchmark (not a test): how the register and today lists feel with many loans. Prints its numbers.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/bench_register.py [--loans 10000] [--db PATH]

Building 10,000 loans through the services takes about a minute; pass --db to reuse a database.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import fieldtool.changelog  # noqa: E402, F401
from db import open_database  # noqa: E402
from fieldtool import funds, lending, registry, repayments  # noqa: E402

DAY = date(2026, 11, 22)
NAMES = ("สมศรี", "บุญมี", "มาลัย", "ประนอม", "ไพโรจน์", "เกษร", "อำไพ", "ทองใบ", "ใจดี", "แสงเดือน")


def build(path: Path, count: int) -> None:
    rng = random.Random(1)
    db = open_database(path)
    with db.session() as s:
        sub = registry.setup_subdistrict(
            s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง")
        )
        villages = [registry.add_village(s, sub.id, moo, f"บ้านทดสอบ{moo}") for moo in range(1, 21)]
        fund = funds.add_fund(s, "กองทุนทดสอบ", "women", rate_bp=300)
        for n in range(count):
            village = villages[n % len(villages)]
            person = registry.add_person(
                s, f"{rng.choice(NAMES)}{n}", "ทดสอบ", title="นาง", village_id=village.id
            )
            household = registry.add_household(s, village.id, person.id)
            start = DAY - timedelta(days=rng.randint(30, 400))
            loan = lending.add_loan(
                s,
                fund_id=fund.id,
                household_id=household.id,
                instalments=12,
                principal_satang=rng.randint(10, 100) * 100_000,
                first_due=start + timedelta(days=30),
                applied_on=start,
            )
            lending.disburse(s, loan.id, start, reason="benchmark")
            if n % 3 == 0:
                repayments.record_payment(s, loan.id, 100_000, start + timedelta(days=31))
    db.dispose()


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<40} {time.perf_counter() - start:7.3f} s")
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    path = args.db or Path(f"/tmp/fieldtool-bench-{args.loans}.sqlite")
    if not path.exists():
        timed(f"build {args.loans} loans", lambda: build(path, args.loans))

    from ui.app import load_fonts
    from ui.loans.register import RegisterView, load_register
    from ui.qt import QApplication, Qt
    from ui.today.view import load_reminders

    app = QApplication.instance() or QApplication([])
    load_fonts(app)
    db = open_database(path)
    rows = timed("load register (off the UI thread)", lambda: load_register(db, DAY))
    view = RegisterView(db, DAY)
    view.resize(1200, 700)
    view.show()
    timed(
        f"fill model with {len(rows)} rows, paint",
        lambda: (view._loaded(rows), app.processEvents()),
    )
    for query in ("ศรี", "สมศรี12", ""):
        view.search.setText(query)
        timed(f"search {query!r}", lambda: (view.apply_filters(), app.processEvents()))
    for col in (1, 6, 8):
        timed(
            f"sort by column {col}",
            lambda c=col: (view.view.sortByColumn(c, Qt.SortOrder.AscendingOrder), app.processEvents()),
        )
    timed("scroll to the end", lambda: (view.view.scrollToBottom(), app.processEvents()))
    items = timed("today list (off the UI thread)", lambda: load_reminders(db, DAY))
    print(f"{len(items)} reminders open on {DAY}")
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
