"""Benchmark: the district report of a merged district, against its goal of under one second.

The district is built as bench/bench_sync.py builds it (its `build_laptop`): 14 subdistricts, each the demo
subdistrict plus loans written in bulk, about 8,000 loans; their bundles are exported and merged into an
empty office database. Then it times, best of --repeat runs:

* the district report (fieldtool.district.district_report, FY 2570 on the demo day), with the goal, and the
  whole year before (four quarter ends);
* beside them, in the same run, two baselines: the ledger's own pass over the whole book on one day
  (fieldtool.loanbook.load_states, what arrears and reminders run), and the bare read of the book's rows;
* its workbook and its PDF.

Each with the clock and this process's processor time: on a machine others are using, the clock counts
their work too, and the goal is judged on both.

    python bench/bench_report.py [--subdistricts 14] [--loans 8000] [--repeat 3] [--keep DIR]

With --keep the merged district is built once in DIR and reused by later runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_sync import DISTRICT, TODAY, build_laptop  # noqa: E402

from db.office import default_key_path, open_office  # noqa: E402
from exports import bundle, keyfile, sync_keys  # noqa: E402
from fieldtool.models import Instalment, Loan, Payment  # noqa: E402

GOAL_S = 1.0
FY = 2570


def build_district(folder: Path, subdistricts: int, loans: int) -> Path:
    """The merged office database of `subdistricts` laptops (kept in `folder`: built once)."""
    path = folder / "district.sqlite"
    if path.exists():
        return path
    office = open_office(folder / "building.sqlite")
    office.set_setting("district_code", DISTRICT)
    keys = keyfile.new_keys("office", office.setting("device_id"))
    keyfile.write_private_key(default_key_path(office), keys)
    card = sync_keys.public_card(keys, "สพอ.พิบูลมังสาหาร", DISTRICT)
    files = []
    for k in range(subdistricts):
        laptop, laptop_card, _n = build_laptop(folder, k, loans // subdistricts, card)
        with office.session() as s:
            sync_keys.enrol(s, laptop_card)
        files.append(Path(bundle.export_field_bundle(laptop, folder / "usb" / f"sub{k:02d}.ftb")["file"]))
        laptop.dispose()
        print(f"  laptop {k + 1}/{subdistricts} built", file=sys.stderr)
    for f in files:
        bundle.import_bundle(office, f)
    office.dispose()
    (folder / "building.sqlite").rename(path)
    return path


def best(fn, repeat: int) -> tuple[float, float, float, object]:
    """(best, median) seconds of `repeat` calls, the least processor time of one, and the last answer.

    The processor time is this process's own: on a machine others are using too, it moves less than the clock."""
    times, cpu, out = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(times), statistics.median(times), min(cpu), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subdistricts", type=int, default=14)
    ap.add_argument("--loans", type=int, default=8000, help="loans in the whole district")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", help="build the district in this folder once and reuse it")
    args = ap.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-report-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def run(args, folder: Path) -> None:
    from exports.report_pdf import write_report_pdf
    from exports.report_xlsx import write_report_xlsx
    from fieldtool.district import district_report
    from fieldtool.loanbook import load_states

    t0 = time.perf_counter()
    path = build_district(folder, args.subdistricts, args.loans)
    build_s = time.perf_counter() - t0
    office = open_office(path)
    with office.session() as s:
        loans, instalments, payments = (s.scalar(select(func.count()).select_from(t)) for t in (Loan, Instalment, Payment))

    def report(fy: int = FY):
        with office.session() as s:
            return district_report(s, fy, TODAY)

    def ledger():
        with office.session() as s:
            return load_states(s, TODAY)

    def rows():
        with office.engine.connect() as conn:
            return [conn.execute(select(t)).all() for t in (Loan.__table__, Instalment.__table__, Payment.__table__)]

    report()  # the disk cache warm for all alike
    report_best, report_median, report_cpu, rep = best(report, args.repeat)
    year_best, year_median, year_cpu, year = best(lambda: report(FY - 1), args.repeat)
    ledger_best, _m, ledger_cpu, _ = best(ledger, args.repeat)
    rows_best, _m, rows_cpu, _ = best(rows, args.repeat)
    assert rep.ok, [c.explanation for _s, _t, c in rep.failed_checks]
    t0 = time.perf_counter()
    write_report_xlsx(rep, folder / "report.xlsx")
    xlsx_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pages = write_report_pdf(rep, folder / "report.pdf")
    pdf_s = time.perf_counter() - t0
    office.dispose()

    live = sum(1 for q in rep.quarters if q.as_of)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"district: {args.subdistricts} subdistricts, {loans:,} loans, {instalments:,} instalments, "
          f"{payments:,} payments (built or reused in {build_s:.1f} s); machine load {load:.1f} on {os.cpu_count()} cores")
    print(f"{'':46} {'best':>7} {'median':>7} {'CPU':>7}")
    line("district report FY 2570 on the demo day", report_best, report_median, report_cpu,
         f"{live} quarter reached, all {len(rep.checks)} checks pass")
    if report_best < GOAL_S:
        verdict = "met"
    elif report_cpu < GOAL_S:
        verdict = "met in processor time; the clock here also counts the machine's other work"
    else:
        verdict = "NOT met"
    print(f"  goal: under {GOAL_S:.1f} s (issue 14; it took 2.7-3.9 s): {verdict}")
    line(f"district report FY {FY - 1}, 4 quarter ends", year_best, year_median, year_cpu,
         f"{len(year.checks)} checks, {'all pass' if year.ok else 'NOT all pass'}")
    line("baseline: the ledger on one day (load_states)", ledger_best, None, ledger_cpu, "what arrears and reminders run")
    line("baseline: reading loans, instalments, payments", rows_best, None, rows_cpu, "SQLAlchemy Core rows")
    line("the report as .xlsx", xlsx_s, None, None, "")
    line(f"the report as .pdf ({pages} pages)", pdf_s, None, None, "")


def line(what: str, best_s: float, median_s: float | None, cpu_s: float | None, note: str) -> None:
    def cell(v):
        return f"{v:6.2f}s" if v is not None else " " * 7

    print(f"{what:46} {cell(best_s)} {cell(median_s)} {cell(cpu_s)}  {note}".rstrip())


if __name__ == "__main__":
    main()
