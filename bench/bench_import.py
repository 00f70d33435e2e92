"""Benchmark: importing a district-sized register from Excel.

Builds (in a temporary folder) an .xlsx register of 10,000 loans in mid-life with 60,000 payment rows
and the 10,000 households that borrow, then times in the same run:
  (a)  reading the file with python-calamine alone,
  (b)  a plain insert of the spreadsheet rows (executemany into simple tables in a fresh file),
  (c)  the full `fieldtool import` of it (read, plan, write, commit) into a freshly set-up database,
       in-process,
  (b2) a plain SQLite executemany, into a fresh database of the same schema (and the program's settings:
       WAL, foreign keys on, synchronous FULL), of exactly the rows (c) wrote: every table it touched,
       the change log included (read back from the imported database first; only the inserts are timed),
and prints the figures, (c) broken down into its steps, and the ratios c / (a + b) and c / (a + b2).

    python bench/bench_import.py [--loans 10000] [--payments-per-loan 6] [--keep DIR] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import python_calamine
from dateutil.relativedelta import relativedelta
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db import open_database  # noqa: E402
from exports.workbook import read_workbook  # noqa: E402
from fieldtool import funds, places  # noqa: E402
from fieldtool.bookimport import apply_import, plan_import  # noqa: E402
from fieldtool.booklayout import HOUSEHOLDS, LOANS, PAYMENTS  # noqa: E402
from fieldtool.thai import national_id_check_digit  # noqa: E402

VILLAGES = 20
TODAY = date(2026, 11, 22)
GIVEN = ("สมศรี", "บุญมี", "ประนอม", "ทองดี", "มาลัย", "สมหมาย", "บัวผัน", "คำปุน")
FAMILY = ("ใจดี", "ทองคำ", "ศรีสุข", "แก้วมณี", "บุญมา", "พรหมวงศ์")


def national_id(n: int) -> str:
    first12 = f"3{n:011d}"
    return first12 + str(national_id_check_digit(first12))


def build_register(path: Path, n_loans: int, per_loan: int, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    hh = wb.create_sheet(HOUSEHOLDS.name)
    hh.append([c.headers[0] for c in HOUSEHOLDS.columns])
    loans = wb.create_sheet(LOANS.name)
    loans.append([c.headers[0] for c in LOANS.columns])
    pays = wb.create_sheet(PAYMENTS.name)
    pays.append([c.headers[0] for c in PAYMENTS.columns])
    n_pay = 0
    for i in range(n_loans):
        nid = national_id(i + 1)
        moo = i % VILLAGES + 1
        hh.append([moo, f"{i % 300 + 1}", "นาง", rng.choice(GIVEN), f"{rng.choice(FAMILY)}{i}", float(nid),
                   f"08{rng.randrange(10**8):08d}"])
        disbursed = TODAY - timedelta(days=rng.randint(200, 400))
        first_due = disbursed + relativedelta(months=1)
        principal = rng.choice((12_000, 24_000, 36_000))
        loans.append([f"{i + 1}/2568", "กข.คจ." if i % 3 else "กองทุนพัฒนาบทบาทสตรี", nid, moo, principal,
                      0 if i % 3 else 2, 12, "เดือน", disbursed, first_due, "เลี้ยงสัตว์", None, None])
        for k in range(per_loan):
            pays.append([f"{i + 1}/2568", first_due + relativedelta(months=k), principal / 12, f"R{i}-{k}"])
            n_pay += 1
    wb.save(path)
    return {"households": n_loans, "loans": n_loans, "payments": n_pay}


def read_with_calamine(path: Path) -> dict[str, list[list]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def plain_insert(folder: Path, data: dict[str, list[list]]) -> None:
    def cells(rows):
        return [[c.isoformat() if isinstance(c, (date, datetime)) else c for c in row] for row in rows[1:]]

    conn = sqlite3.connect(folder / "plain.sqlite")
    for i, (name, rows) in enumerate(data.items()):
        width = len(rows[0])
        conn.execute(f"CREATE TABLE t{i} ({', '.join(f'c{j}' for j in range(width))})")
        conn.executemany(f"INSERT INTO t{i} VALUES ({', '.join('?' * width)})", cells(rows))
        del name
    conn.commit()
    conn.close()


def fresh_office(path: Path):
    db = open_database(path)
    with db.session() as s:
        places.set_place(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        for moo in range(1, VILLAGES + 1):
            places.add_village(s, moo, f"บ้านทดสอบ{moo}")
        funds.add_fund(s, "กข.คจ.", "kkkj")
        funds.add_fund(s, "กองทุนพัฒนาบทบาทสตรี", "women", rate_bp=200)
    return db


def _profiled(prof, title: str, fn):
    if prof is None:
        return fn()
    prof.enable()
    try:
        return fn()
    finally:
        prof.disable()
        print(f"--- profile: {title} ---")
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        prof.clear()


def full_import(db, path: Path, profile: bool) -> dict[str, float]:
    steps = {}
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    workbook = read_workbook(path)
    t1 = time.perf_counter()
    with db.session() as s:
        plan = _profiled(prof, "plan", lambda: plan_import(s, workbook))
        t2 = time.perf_counter()
        assert plan.ok, plan.refused[:3]
        result = _profiled(prof, "write", lambda: apply_import(s, plan))
        t3 = time.perf_counter()
    t4 = time.perf_counter()
    steps.update(read=t1 - t0, plan=t2 - t1, apply=t3 - t2, commit=t4 - t3, total=t4 - t0)
    steps["created"] = result.created
    return steps


def last_seq(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]
    finally:
        conn.close()


def written_rows(path: Path, after_seq: int) -> list[tuple[str, list[str], list[tuple]]]:
    """(table, columns, rows) of every row the import wrote, the change log last, in the order written."""
    conn = sqlite3.connect(path)
    try:
        device = conn.execute("SELECT value FROM setting WHERE key = 'device_id'").fetchone()[0]
        entries = conn.execute("SELECT table_name, record_id FROM change_log WHERE device_id = ? AND seq > ? "
                               "ORDER BY seq", (device, after_seq)).fetchall()
        ids: dict[str, set[str]] = {}
        for table, record_id in entries:
            ids.setdefault(table, set()).add(record_id)
        out = []
        for table, wanted in ids.items():
            key = "key" if table == "setting" else "id"
            cur = conn.execute(f'SELECT * FROM "{table}"')
            columns = [c[0] for c in cur.description]
            at = columns.index(key)
            out.append((table, columns, [r for r in cur if r[at] in wanted]))
        cur = conn.execute("SELECT * FROM change_log WHERE device_id = ? AND seq > ? ORDER BY seq", (device, after_seq))
        out.append(("change_log", [c[0] for c in cur.description], cur.fetchall()))
        return out
    finally:
        conn.close()


def plain_insert_written(folder: Path, office: Path, written) -> float:
    """Seconds to executemany `written` into a fresh database of the program's schema and settings.

    The places and funds the rows point at are copied over first, untimed, so that the foreign keys are
    checked as they were in the import."""
    target = folder / "plain-written.sqlite"
    for leftover in folder.glob("plain-written.sqlite*"):
        leftover.unlink()
    open_database(target).dispose()
    conn = sqlite3.connect(target)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL"):
        conn.execute(f"PRAGMA {pragma}")
    touched = {table for table, _, _ in written}
    conn.execute("ATTACH DATABASE ? AS imported", (str(office),))
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in touched and table.name != "setting" and not table.name.startswith("sync_"):
            conn.execute(f'INSERT INTO "{table.name}" SELECT * FROM imported."{table.name}"')
    conn.commit()
    conn.execute("DETACH DATABASE imported")
    t = time.perf_counter()
    for table, columns, rows in written:
        names = ", ".join(f'"{c}"' for c in columns)
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})', rows)
    conn.commit()
    seconds = time.perf_counter() - t
    conn.close()
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loans", type=int, default=10_000)
    ap.add_argument("--payments-per-loan", type=int, default=6)
    ap.add_argument("--keep", help="build in this folder and keep it")
    ap.add_argument("--profile", action="store_true", help="print where the plan and the write spend their time")
    args = ap.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "register.xlsx"
    t = time.perf_counter()
    rows = build_register(path, args.loans, args.payments_per_loan)
    print(f"register: {rows} in {path} ({path.stat().st_size / 1e6:.1f} MB, built in {time.perf_counter() - t:.1f} s)")

    t = time.perf_counter()
    data = read_with_calamine(path)
    a = time.perf_counter() - t
    (folder / "plain.sqlite").unlink(missing_ok=True)  # from an earlier run in a kept folder
    t = time.perf_counter()
    plain_insert(folder, data)
    b = time.perf_counter() - t
    office = folder / "office.sqlite"
    for leftover in folder.glob("office.sqlite*"):
        leftover.unlink()
    db = fresh_office(office)
    before = last_seq(office)
    c_steps = full_import(db, path, args.profile)
    c = c_steps["total"]
    with db.session() as s:
        again = plan_import(s, read_workbook(path))
    db.dispose()
    written = written_rows(office, before)
    b2 = plain_insert_written(folder, office, written)
    counts = ", ".join(f"{table} {len(table_rows):,}" for table, _, table_rows in written)

    print(f"(a)  calamine read:                          {a:7.2f} s")
    print(f"(b)  plain insert of the spreadsheet rows:   {b:7.2f} s")
    print(f"(b2) plain insert of the rows written:       {b2:7.2f} s  ({counts})")
    print(f"(c)  fieldtool import:                       {c:7.2f} s  (read {c_steps['read']:.2f}, "
          f"plan {c_steps['plan']:.2f}, write {c_steps['apply']:.2f}, commit {c_steps['commit']:.2f}); "
          f"created {c_steps['created']}")
    print(f"c / (a + b)  = {c / (a + b):.1f}")
    print(f"c / (a + b2) = {c / (a + b2):.1f}   (goal: 3 or less)")
    print(f"second import of the same file: {again.counts} (nothing new: {again.nothing_new})")


if __name__ == "__main__":
    main()
