"""Benchmark: a district's 14 subdistrict bundles exported, merged into an empty office database, imported again.

Each subdistrict is the demo subdistrict (households, groups, plans, visits, 170 loans, all through the
services, so the change log is real) plus extra loans written in bulk with their change-log entries, for
about 8,000 loans in the district. Prints figures only:

* export time of the 14 bundles and their size;
* merge throughput (change-log entries and records per second) beside a plain bulk insert of the same
  rows into an empty SQLite database, measured in the same run, and their ratio by time and by CPU time
  (issue 14: the merge at least half as fast as the plain insert; CPU time is steadier on a shared machine);
* re-import time (the same files again; and full bundles whose every change is already known);
* peak memory of the merge (tracemalloc, and the process's maximum resident size).

    python bench/bench_sync.py [--subdistricts 14] [--loans 8000] [--url postgresql://…] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db import open_database  # noqa: E402
from db.office import default_key_path, open_office  # noqa: E402
from exports import bundle, keyfile, sync_keys  # noqa: E402
from fieldtool import funds, registry  # noqa: E402
from fieldtool.changelog import _json_value  # noqa: E402
from fieldtool.demo import build_demo  # noqa: E402
from fieldtool.models import (  # noqa: E402
    ChangeLog,
    Household,
    Instalment,
    Loan,
    Payment,
    PreventCheck,
    Schedule,
    Subdistrict,
)
from fieldtool.schedule import plan  # noqa: E402
from fieldtool.sync.tables import table_infos  # noqa: E402
from fieldtool.vocabulary import PreventItem  # noqa: E402

TODAY = date(2026, 11, 22)
DISTRICT = "3419"


def extra_loans(db, n: int, rng: random.Random) -> int:
    """n more household loans with schedules, instalments, checklists and payments, and their log entries."""
    with db.session() as s:
        device = registry.setting(s, "device_id")
        officer = registry.setting(s, "officer")
        fund = funds.get_fund(s, "village")
        households = [h.id for h in s.scalars(select(Household))]
        seq = s.execute(select(func.max(ChangeLog.seq)).where(ChangeLog.device_id == device)).scalar() or 0
    now = datetime.now(UTC)
    rows: dict[type, list[dict]] = {Loan: [], Schedule: [], PreventCheck: [], Instalment: [], Payment: []}
    for i in range(n):
        count = 12
        disbursed = TODAY - timedelta(days=rng.randint(30, 420))
        first_due = disbursed + relativedelta(months=1)
        principal = rng.choice((10_000, 20_000, 30_000)) * 100
        lid, sid = str(uuid.uuid4()), str(uuid.uuid4())
        rows[Loan].append(dict(id=lid, agreement_no=f"B{i:04d}/2569", fund_id=fund.id, borrower_kind="household",
                               group_id=None, household_id=rng.choice(households), purpose="เลี้ยงโค",
                               principal_satang=principal, rate_bp=600, instalments=count, frequency="monthly",
                               first_due=first_due, applied_on=disbursed - timedelta(days=20), approved_on=disbursed,
                               disbursed_on=disbursed, prevent_override=""))
        rows[Schedule].append(dict(id=sid, loan_id=lid, version=1, effective_from=disbursed - timedelta(days=20),
                                   reason="", created_at=now))
        for code in PreventItem:
            rows[PreventCheck].append(dict(id=str(uuid.uuid4()), loan_id=lid, item=code, done=True, done_on=disbursed,
                                           note="", evidence_kind="", evidence_id=None))
        late = rng.random() < 0.25
        cumulative = 0
        for p in plan(principal, count, "monthly", first_due, 600):
            cumulative += p.amount_satang
            rows[Instalment].append(dict(id=str(uuid.uuid4()), schedule_id=sid, loan_id=lid, no=p.no, due_date=p.due_date,
                                         principal_satang=p.principal_satang, interest_satang=p.interest_satang,
                                         cumulative_satang=cumulative))
            paid_on = p.due_date + timedelta(days=rng.randint(10, 60) if late else -rng.randint(0, 5))
            if paid_on <= TODAY:
                rows[Payment].append(dict(id=str(uuid.uuid4()), loan_id=lid, amount_satang=p.amount_satang,
                                          paid_on=paid_on, reverses_id=None, note="", recorded_at=now,
                                          recorded_by=officer, device_id=device))
    log = []
    for model, items in rows.items():
        for row in items:
            seq += 1
            log.append(dict(id=str(uuid.uuid4()), device_id=device, seq=seq, at=now, officer=officer,
                            table_name=model.__tablename__, record_id=row["id"], action="insert",
                            data=json.dumps({k: _json_value(v) for k, v in row.items()}, ensure_ascii=False, sort_keys=True)))
    with db.engine.begin() as conn:
        for model, items in rows.items():
            conn.execute(model.__table__.insert(), items)
        conn.execute(ChangeLog.__table__.insert(), log)
    return sum(len(v) for v in rows.values())


def build_laptop(folder: Path, k: int, loans: int, office_card: dict) -> tuple:
    db = open_database(folder / f"sub{k:02d}.sqlite")
    with db.session() as s:
        counts = build_demo(s, seed=100 + k, today=TODAY)
        sub = s.get(Subdistrict, registry.setting(s, "subdistrict_id"))
        sub.code = f"{DISTRICT}{k + 1:02d}"  # fourteen subdistricts of one district
        sub.name = f"ตำบลที่ {k + 1}"
        sync_keys.enrol(s, office_card)
    extra = extra_loans(db, max(0, loans - counts["loans"]), random.Random(k))
    keys = keyfile.new_keys("officer", db.setting("device_id"))
    keyfile.write_private_key(default_key_path(db), keys)
    with db.session() as s:
        card = sync_keys.public_card(keys, registry.setting(s, "officer"), sub.code)
    return db, card, counts["loans"] + (loans - counts["loans"] if extra else 0)


def plain_bulk_insert(source, folder: Path) -> tuple[int, float, float]:
    """The same rows the merge wrote (records and log entries), bulk-inserted into an empty SQLite file with
    Core's executemany in one transaction; returns the rows, the time and the CPU time of the insert."""
    target = open_database(folder / "plain.sqlite")
    tables = [info.table for info in sorted(table_infos().values(), key=lambda i: i.order)] + [ChangeLog.__table__]
    with source.engine.connect() as conn:
        device = source.setting("device_id")
        data = []
        for t in tables:
            q = select(t)
            if t is ChangeLog.__table__:
                q = q.where(t.c.device_id != device)
            data.append((t, [dict(r._mapping) for r in conn.execute(q)]))
    n = sum(len(rows) for _t, rows in data)
    start, cpu = time.perf_counter(), time.process_time()
    with target.engine.begin() as conn:
        for t, rows in data:
            for i in range(0, len(rows), 5000):
                conn.execute(t.insert(), rows[i:i + 5000])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    target.dispose()
    return n, elapsed, cpu


def _reset_peak_rss() -> bool:
    """Linux lets a process reset its resident-memory high-water mark; elsewhere we report the process's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def merge(office, files: list[Path]) -> tuple[list[dict], float, float, float]:
    """Import the files; returns the results, the time, the CPU time and the peak resident memory during the
    merge (MB). Timed without tracemalloc, which slows Python code several times over."""
    _reset_peak_rss()
    start, cpu = time.perf_counter(), time.process_time()
    results = [bundle.import_bundle(office, f) for f in files]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return results, elapsed, cpu, _peak_rss_mb()


def traced_peak(office, files: list[Path]) -> float:
    """Peak Python allocation (tracemalloc) of merging one bundle, in MB."""
    tracemalloc.start()
    bundle.import_bundle(office, files[0])
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def district_report_times(office, folder: Path) -> str:
    """The district report of the merged database (FY 2570 on the demo day), then its workbook and PDF."""
    from exports.report_pdf import write_report_pdf
    from exports.report_xlsx import write_report_xlsx
    from fieldtool.district import district_report

    t0 = time.perf_counter()
    with office.session() as s:
        rep = district_report(s, 2570, TODAY)
    report_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_report_xlsx(rep, folder / "report.xlsx")
    xlsx_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pages = write_report_pdf(rep, folder / "report.pdf")
    pdf_s = time.perf_counter() - t0
    assert rep.ok, [c.explanation for _s, _t, c in rep.failed_checks]
    return (f"district report FY 2570 (all checks pass) {report_s:4.1f} s;  .xlsx {xlsx_s:4.1f} s;"
            f"  .pdf {pdf_s:4.1f} s ({pages} pages)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subdistricts", type=int, default=14)
    ap.add_argument("--loans", type=int, default=8000, help="loans in the whole district")
    ap.add_argument("--url", help="also merge into this (empty) PostgreSQL database")
    ap.add_argument("--keep", help="build in this folder and keep it")
    args = ap.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-sync-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def run(args, folder: Path) -> None:
    per = args.loans // args.subdistricts
    office = open_office(folder / "district.sqlite")
    office.set_setting("district_code", DISTRICT)
    office_keys = keyfile.new_keys("office", office.setting("device_id"))
    keyfile.write_private_key(default_key_path(office), office_keys)
    office_card = sync_keys.public_card(office_keys, "สพอ.พิบูลมังสาหาร", DISTRICT)

    t0 = time.perf_counter()
    laptops = []
    for k in range(args.subdistricts):
        db, card, _n = build_laptop(folder, k, per, office_card)
        laptops.append(db)
        with office.session() as s:
            sync_keys.enrol(s, card)
    build_s = time.perf_counter() - t0

    usb = folder / "usb"
    t0 = time.perf_counter()
    files, entries = [], 0
    for k, db in enumerate(laptops):
        made = bundle.export_field_bundle(db, usb / f"sub{k:02d}.ftb")
        files.append(Path(made["file"]))
        entries += made["entries"]
    export_s = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in files)

    load_before = os.getloadavg()[0]
    results, merge_s, merge_cpu, peak_rss = merge(office, files)
    records = sum(r["records"] for r in results)
    with office.session() as s:
        loans = s.execute(select(func.count()).select_from(Loan)).scalar()
        payments = s.execute(select(func.count()).select_from(Payment)).scalar()
        visits = s.execute(select(func.count()).select_from(table_infos()["visit"].table)).scalar()
    plain_rows, plain_s, plain_cpu = plain_bulk_insert(office, folder)
    load_after = os.getloadavg()[0]

    t0 = time.perf_counter()
    again = [bundle.import_bundle(office, f) for f in files]
    reimport_s = time.perf_counter() - t0
    assert all(r["status"] == "already" for r in again)
    fulls = [Path(bundle.export_field_bundle(db, usb / f"sub{k:02d}-full.ftb", full=True)["file"])
             for k, db in enumerate(laptops)]
    t0 = time.perf_counter()
    known = [bundle.import_bundle(office, f) for f in fulls]
    known_s = time.perf_counter() - t0
    assert sum(r["entries_new"] for r in known) == 0

    report_line = district_report_times(office, folder)

    pg_line = None
    if args.url:
        pg = open_office(args.url)
        pg.set_setting("district_code", DISTRICT)
        keyfile.write_private_key(default_key_path(pg), office_keys) if not default_key_path(pg).exists() else None
        with pg.session() as s:
            for db in laptops:
                sync_keys.enrol(s, {**office_card, **_card_of(db)})
        _r, pg_s, _c, _p = merge(pg, files)
        pg_line = f"merge into PostgreSQL                 {pg_s:8.1f} s   {entries / pg_s:10,.0f} entries/s"
        pg.dispose()

    spare = open_office(folder / "district-traced.sqlite")
    spare.set_setting("district_code", DISTRICT)
    keyfile.write_private_key(default_key_path(spare), office_keys)
    with spare.session() as s:
        for db in laptops:
            sync_keys.enrol(s, {**office_card, **_card_of(db)})
    traced = traced_peak(spare, files)
    spare.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"district: {args.subdistricts} subdistricts, {loans:,} loans, {payments:,} payments, {visits:,} visits; "
          f"{entries:,} change-log entries, {records:,} records")
    print(f"build the laptops (demo + bulk)       {build_s:8.1f} s")
    print(f"export {len(files)} bundles                     {export_s:8.1f} s   {size / 1e6:8.1f} MB in all")
    print(f"merge into empty SQLite district      {merge_s:8.1f} s   {entries / merge_s:10,.0f} entries/s"
          f"   {records / merge_s:10,.0f} records/s   (CPU {merge_cpu:.1f} s)")
    print(f"plain bulk insert of the same rows    {plain_s:8.1f} s   {plain_rows / plain_s:10,.0f} rows/s"
          f"   ({plain_rows:,} rows: records + log entries; CPU {plain_cpu:.1f} s)")
    print(f"merge speed against the plain insert  {plain_s / merge_s:8.2f}×  by time, {plain_cpu / merge_cpu:.2f}× by CPU"
          f"   (goal ≥ 0.5×; load average {load_before:.1f} before the merge, {load_after:.1f} after the insert)")
    if pg_line:
        print(pg_line)
    print(f"re-import the same 14 files           {reimport_s:8.1f} s   (all 'already imported')")
    print(f"re-import as full bundles (all known) {known_s:8.1f} s   {entries / known_s:10,.0f} entries/s checked")
    print(report_line)
    print(f"peak memory during the merge          {peak_rss:8.0f} MB resident (whole process, reset before the merge;"
          " goal < 300 MB)")
    print(f"peak Python allocation, one bundle    {traced:8.0f} MB (tracemalloc, merged into another empty database)")
    print(f"process max RSS over the whole run    {rss_mb:8.0f} MB")
    for db in laptops:
        db.dispose()
    office.dispose()


def _card_of(db) -> dict:
    keys = keyfile.read_private_key(default_key_path(db), "officer")
    with db.session() as s:
        sub = s.get(Subdistrict, registry.setting(s, "subdistrict_id"))
        return sync_keys.public_card(keys, registry.setting(s, "officer"), sub.code)


if __name__ == "__main__":
    main()
