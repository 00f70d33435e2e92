"""Benchmark: reminders and arrears over a district-sized loan book.

Builds (once per run, in a temporary folder unless --db is given) a database of about 8,000 loans,
100,000 instalments and 60,000 payments, written in bulk straight into the tables (the change log is
not needed to measure the reads), then times the day's reminders, the arrears report and the loan
register, in-process and through the command line as the district office would call it.

    python bench/bench_loanbook.py [--loans 8000] [--repeat 3] [--db PATH]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db import open_database  # noqa: E402
from fieldtool import loanbook, registry  # noqa: E402
from fieldtool.arrears import arrears_on  # noqa: E402
from fieldtool.models import Instalment, Loan, Payment, PreventCheck, Schedule  # noqa: E402
from fieldtool.register import loan_register  # noqa: E402
from fieldtool.reminders import reminders_on  # noqa: E402
from fieldtool.schedule import plan  # noqa: E402

TODAY = date(2026, 11, 22)


def build(path: Path, n_loans: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    db = open_database(path)
    with db.session() as s:
        sub = registry.setup_subdistrict(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341900", "ทั้งอำเภอ"))
        villages = [registry.add_village(s, sub.id, m, f"บ้านทดสอบ{m}") for m in range(1, 180)]
        heads = [
            registry.add_person(s, rng.choice(("สมศรี", "บุญมี", "ประนอม", "ทองดี")), f"สกุล{i}", "นาง", village_id=villages[i % 179].id)
            for i in range(n_loans)
        ]
        households = [registry.add_household(s, heads[i].village_id, heads[i].id) for i in range(n_loans)]
        fund = loanbook.add_fund(s, "กองทุนหมู่บ้าน", "village", rate_bp=600)
        hh_ids, fund_id = [h.id for h in households], fund.id
    now = datetime.now(UTC)
    loans, schedules, insts, pays, checks = [], [], [], [], []
    for i in range(n_loans):
        count = 12 if i % 2 else 13
        disbursed = TODAY - timedelta(days=rng.randint(30, 480))
        first_due = disbursed + relativedelta(months=1)
        principal = rng.choice((10_000, 20_000, 30_000)) * 100
        lid, sid = str(uuid.uuid4()), str(uuid.uuid4())
        loans.append(dict(id=lid, agreement_no=f"{i:05d}", fund_id=fund_id, borrower_kind="household", group_id=None,
                          household_id=hh_ids[i], purpose="ทดสอบ", principal_satang=principal, rate_bp=600,
                          instalments=count, frequency="monthly", first_due=first_due, applied_on=disbursed - timedelta(days=20),
                          approved_on=disbursed, disbursed_on=disbursed, prevent_override=""))
        schedules.append(dict(id=sid, loan_id=lid, version=1, effective_from=disbursed - timedelta(days=20), reason="", created_at=now))
        for code in loanbook.PREVENT_CODES:
            checks.append(dict(id=str(uuid.uuid4()), loan_id=lid, item=code, done=True, done_on=disbursed, note=""))
        late = rng.random() < 0.25
        for p in plan(principal, count, "monthly", first_due, 600):
            insts.append(dict(id=str(uuid.uuid4()), schedule_id=sid, loan_id=lid, no=p.no, due_date=p.due_date,
                              principal_satang=p.principal_satang, interest_satang=p.interest_satang))
            paid_on = p.due_date + timedelta(days=rng.randint(10, 60) if late else -rng.randint(0, 5))
            # some borrowers pay an instalment in two parts
            parts = [p.amount_satang] if rng.random() < 0.8 else [p.amount_satang // 2, p.amount_satang - p.amount_satang // 2]
            for k, amount in enumerate(parts):
                if paid_on + timedelta(days=k) <= TODAY and len(pays) < 60_000 * n_loans // 8000:
                    pays.append(dict(id=str(uuid.uuid4()), loan_id=lid, amount_satang=amount, paid_on=paid_on + timedelta(days=k),
                                     reverses_id=None, note="", recorded_at=now, recorded_by="bench", device_id="bench"))
    with db.engine.begin() as conn:
        for model, rows in ((Loan, loans), (Schedule, schedules), (Instalment, insts), (Payment, pays), (PreventCheck, checks)):
            conn.execute(model.__table__.insert(), rows)
    db.dispose()
    return {"loans": len(loans), "instalments": len(insts), "payments": len(pays)}


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loans", type=int, default=8000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--db")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = Path(args.db) if args.db else Path(tmp.name) / "district.sqlite"
    if not path.exists():
        t0 = time.perf_counter()
        counts = build(path, args.loans)
        print(f"built {counts} in {time.perf_counter() - t0:.1f} s -> {path}")
    db = open_database(path)
    print(f"{'what':<34}{'median s':>10}{'best s':>10}  result")
    for name, fn, show in (
        ("reminders_on (in-process)", lambda s: reminders_on(s, TODAY), lambda r: f"{len(r)} open items"),
        ("arrears_on (in-process)", lambda s: arrears_on(s, TODAY), lambda r: f"{len(r.overdue)} overdue loans"),
        ("loan_register (in-process)", lambda s: loan_register(s, TODAY), lambda r: f"{len(r)} rows"),
        ("loan_register search 'ศรี'", lambda s: loan_register(s, TODAY, search="ศรี"), lambda r: f"{len(r)} rows"),
    ):
        def run(fn=fn):
            with db.session() as s:
                return fn(s)

        med, best, result = timed(run, args.repeat)
        print(f"{name:<34}{med:>10.3f}{best:>10.3f}  {show(result)}")
    db.dispose()
    for cmd in (["reminders", "--on", TODAY.isoformat()], ["arrears", "--on", TODAY.isoformat()]):
        full = [sys.executable, "-m", "ui.cli", "--db", str(path), "--json", *cmd]
        med, best, out = timed(lambda full=full: subprocess.run(full, cwd=ROOT, capture_output=True, check=True), args.repeat)
        print(f"{'fieldtool ' + cmd[0] + ' --json (process)':<34}{med:>10.3f}{best:>10.3f}  {len(out.stdout) // 1024} KiB JSON")
    tmp.cleanup()


if __name__ == "__main__":
    main()
