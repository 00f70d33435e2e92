"""The district report of a merged district database, on SQLite and on PostgreSQL: the office sees each
subdistrict exactly as its officer sees it on the laptop, and the total is theirs added up.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from fieldtool.arrears import arrears_on
from fieldtool.district import fiscal_quarters
from tests.district.builder import run
from tests.district.field import make_laptop, start_pg_server
from tests.sync.conftest import make_office, target_args

FY, ON = 2569, date(2026, 6, 30)  # FY 2569: 1 Oct 2025 – 30 Sep 2026; the report made at the end of Q3


@pytest.fixture(scope="module")
def pg_server():
    server = start_pg_server()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def office(request, tmp_path):
    made = make_office(request.param, tmp_path, request)
    yield made
    made.dispose()


@pytest.fixture
def merged(office, tmp_path, capsys):
    """Two officers' laptops (ต.โนนกลาง, ต.พิบูล) with a loan each, their bundles merged at the office."""
    a = make_laptop(tmp_path, "nonklang", "341905", "โนนกลาง", office, "นางสาวพัชรินทร์ ศรีสุข")
    b = make_laptop(tmp_path, "phibun", "341901", "ตำบลพิบูล", office, "นายสมชาย ใจดี")
    a.loan()  # 10,000 in 3 monthly instalments from 31 Jan 2026, never paid
    b.pay(b.loan(), 150_000, date(2026, 1, 20))
    b.pay(b.loan(principal_baht=6_000), 600_000, date(2026, 3, 1))  # paid off
    run(capsys, "bundle", "import", str(a.export()), str(b.export()), *target_args(office))
    yield office, {"ต.โนนกลาง": a, "ต.พิบูล": b}
    for lap in (a, b):
        lap.db.dispose()


def test_each_subdistrict_row_is_what_its_officer_sees_and_the_total_adds_up(merged, capsys):
    office, laptops = merged
    data = json.loads(run(capsys, "--json", "office", "report", "--fy", str(FY), "--on", ON.isoformat(),
                          *target_args(office)).out)
    assert data["ok"] and data["checks"]["failed"] == 0
    # each laptop made its own District row for 3419: grouped by code, said so, not counted twice
    assert any("3419" in p["message"] and "2 ระเบียน" in p["message"] for p in data["problems"])
    table = data["sections"][0]["tables"][0]
    rows = {r["label"]: r for r in table["rows"]}
    assert set(rows) == {"ต.โนนกลาง", "ต.พิบูล"}
    ends = [q.as_of for q in fiscal_quarters(FY, ON)]
    for label, lap in laptops.items():
        for qi, end in enumerate(ends):
            if end is None:
                assert rows[label]["values"]["arrears"][qi] is None
                continue
            with lap.db.session() as s:
                own = arrears_on(s, end).total
            assert rows[label]["values"]["arrears"][qi] == f"{own.arrears_satang / 100:.2f}"
            assert rows[label]["values"]["overdue_loans"][qi] == own.overdue_loans
    # Q2 (31 Mar): 3,333.33 × 2 unpaid in ต.โนนกลาง; 1,833.33 + 3,333.33 in ต.พิบูล
    assert rows["ต.โนนกลาง"]["values"]["arrears"][1] == "6666.66"
    assert rows["ต.พิบูล"]["values"]["arrears"][1] == "5166.66"
    assert table["total"]["values"]["arrears"][:3] == ["0.00", "11833.32", "18500.00"]
    par = data["sections"][1]["tables"][0]["total"]["values"]["par30"]
    assert par[2] == 1.0  # 30 Jun: both open loans more than 30 days overdue


def test_the_merged_report_writes_both_files(merged, capsys, tmp_path):
    office, _laptops = merged
    xlsx, pdf = tmp_path / "district.xlsx", tmp_path / "district.pdf"
    out = run(capsys, "office", "report", "--fy", str(FY), "--on", ON.isoformat(), "--xlsx", str(xlsx), "--pdf", str(pdf),
              *target_args(office)).out
    assert "every total matches its rows" in out
    assert xlsx.stat().st_size > 5_000 and pdf.read_bytes().startswith(b"%PDF")
