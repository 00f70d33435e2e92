"""The district report: the figures a district clerk checks, quarter by quarter, and totals that must add up.

The district is built with the services (tests/district/builder.py says what is in it and why).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from fieldtool.arrears import arrears_on
from fieldtool.district import district_report, fiscal_quarters
from fieldtool.thai import fiscal_quarter
from tests.district.builder import make_district, run


@pytest.fixture
def district(tmp_path):
    built = make_district(tmp_path)
    yield built
    built.db.dispose()

ON = date(2027, 2, 15)  # FY 2570, the middle of the second quarter


def report(district, fy=2570, on=ON, **kw):
    with district.db.session() as s:
        return district_report(s, fy, on, **kw)


def figures(rep, section: str, by: str, measure: str) -> dict[str, list]:
    """{row label: [value per quarter]} of one table, the totals row under "รวม"."""
    sec = rep.section(section)
    m = next(x for x in sec.measures if x.key == measure)
    table = sec.table(by)
    out = {r.label: [r.value(m, i) for i in range(len(rep.quarters))] for r in table.rows}
    out["รวม"] = [table.total.value(m, i) for i in range(len(rep.quarters))]
    return out


# --- quarters ------------------------------------------------------------------------------------------


def test_fiscal_year_2570_runs_from_1_october_2026_to_30_september_2027_with_thai_labels():
    qs = fiscal_quarters(2570, date(2027, 2, 15))
    assert [(q.start, q.end) for q in qs] == [
        (date(2026, 10, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 6, 30)), (date(2027, 7, 1), date(2027, 9, 30))]
    assert [q.label() for q in qs] == ["ไตรมาส ๑ (ต.ค.–ธ.ค. ๒๕๖๙)", "ไตรมาส ๒ (ม.ค.–มี.ค. ๒๕๗๐)",
                                       "ไตรมาส ๓ (เม.ย.–มิ.ย. ๒๕๗๐)", "ไตรมาส ๔ (ก.ค.–ก.ย. ๒๕๗๐)"]
    # closed quarters are taken at their end, the current one on the report day, later ones not at all
    assert [q.as_of for q in qs] == [date(2026, 12, 31), date(2027, 2, 15), None, None]
    assert [q.status for q in qs] == ["closed", "current", "future", "future"]
    for q in qs:  # the same quarters as the program's one fiscal-year rule
        assert fiscal_quarter(q.start) == fiscal_quarter(q.end) == (2570, q.no)


# --- loans -----------------------------------------------------------------------------------------------


def test_arrears_by_subdistrict_village_and_fund_with_the_district_total(district):
    rep = report(district)
    assert figures(rep, "arrears", "subdistrict", "arrears") == {
        "ต.พิบูล": [0, 0, None, None],
        "ต.โนนกลาง": [1_000_000, 1_600_000, None, None],  # 31 Dec: L1 8,000 + L2 2,000; 15 Feb: 12,000 + 4,000
        "รวม": [1_000_000, 1_600_000, None, None],
    }
    assert figures(rep, "arrears", "subdistrict", "overdue_loans")["รวม"] == [2, 2, None, None]
    assert figures(rep, "arrears", "village", "arrears") == {
        "หมู่ที่ 1 บ้านท่าช้าง": [0, 0, None, None],
        "หมู่ที่ 3 บ้านหนองบัว": [800_000, 1_200_000, None, None],
        "หมู่ที่ 5 บ้านโนนสูง": [200_000, 400_000, None, None],
        "รวม": [1_000_000, 1_600_000, None, None],
    }
    assert figures(rep, "arrears", "fund", "arrears") == {
        "กองทุนพัฒนาบทบาทสตรี": [800_000, 1_200_000, None, None],
        "กข.คจ.": [200_000, 400_000, None, None],
        "รวม": [1_000_000, 1_600_000, None, None],
    }
    assert rep.ok and not rep.failed_checks
    assert rep.problems == []


def test_par30_is_the_principal_over_30_days_overdue_over_all_outstanding_principal(district):
    rep = report(district)
    par = figures(rep, "par30", "subdistrict", "par30")
    # 31 Dec: L1 (61 days overdue) holds 12,000 of 19,000 outstanding; L2 (16 days) and L3 are not at risk
    assert par["รวม"][0] == pytest.approx(12_000 / 19_000)
    assert par["ต.โนนกลาง"][0] == pytest.approx(12_000 / 16_000)
    assert par["ต.พิบูล"][0] == 0
    # 15 Feb: L3 is paid up, L1 and L2 are both more than 30 days overdue
    assert par["รวม"][1] == 1.0
    assert figures(rep, "outstanding", "subdistrict", "outstanding")["รวม"][:2] == [1_900_000, 1_600_000]
    assert figures(rep, "outstanding", "fund", "active_loans")["กข.คจ."][:2] == [2, 1]


def test_the_current_quarter_agrees_with_the_arrears_report_of_the_same_day(district):
    rep = report(district)
    with district.db.session() as s:
        arrears = arrears_on(s, ON)
    q2 = 1
    assert figures(rep, "arrears", "subdistrict", "arrears")["รวม"][q2] == arrears.total.arrears_satang
    assert figures(rep, "arrears", "subdistrict", "overdue_loans")["รวม"][q2] == arrears.total.overdue_loans
    assert figures(rep, "par30", "subdistrict", "par30")["รวม"][q2] == pytest.approx(arrears.total.par30)


def test_a_payment_on_30_september_belongs_to_the_old_year_and_one_on_1_october_to_the_new(district):
    # E1 and E2 were both due 15 Sep 2026; E1 was paid on 30 Sep, E2 on 1 Oct
    old = report(district, fy=2569, on=date(2026, 10, 20))
    assert [q.status for q in old.quarters] == ["closed"] * 4
    q4 = figures(old, "arrears", "village", "arrears")
    assert q4["หมู่ที่ 3 บ้านหนองบัว"][3] == 0  # E1: paid on the last day of the year
    assert q4["หมู่ที่ 1 บ้านท่าช้าง"][3] == 500_000  # E2: still owed at the end of 30 Sep
    # in FY 2570 both are closed: nothing of them is counted
    new = report(district)
    assert figures(new, "outstanding", "subdistrict", "active_loans")["รวม"][0] == 3


def test_visits_fall_in_the_quarter_of_their_day(district):
    # visits on 30 Sep 2026 and 1 Oct 2026 (หมู่ 3), 31 Dec 2026 and 1 Jan 2027 (ต.พิบูล)
    rep = report(district)
    assert figures(rep, "visits", "subdistrict", "visits") == {
        "ต.พิบูล": [1, 1, None, None],
        "ต.โนนกลาง": [1, 0, None, None],
        "รวม": [2, 1, None, None],
    }
    old = report(district, fy=2569, on=date(2026, 10, 20))
    assert figures(old, "visits", "subdistrict", "visits")["รวม"] == [0, 0, 0, 1]


def test_notices_count_in_the_quarter_they_fell_due_with_how_they_ended(district):
    rep = report(district)
    due = figures(rep, "notices", "subdistrict", "due")
    missed = figures(rep, "notices", "subdistrict", "missed")
    delivered = figures(rep, "notices", "subdistrict", "delivered")
    # 3 notices for each of the 9 instalments; all opened in Q1 but the 7-day notice of L2's 15 Jan
    # instalment, which opened on 8 Jan (Q2) and was missed there.
    assert due["รวม"][:2] == [26, 1]
    assert missed["รวม"][:2] == [22, 1]
    assert missed["ต.โนนกลาง"][:2] == [15, 1] and missed["ต.พิบูล"][:2] == [7, 0]
    assert delivered["รวม"][:2] == [1, 0]  # L2's 30-day notice, by phone on 20 Oct
    settled = figures(rep, "notices", "subdistrict", "settled")["รวม"][0]
    assert due["รวม"][0] == delivered["รวม"][0] + missed["รวม"][0] + settled  # nothing still open in Q1


def test_ask_tasks_open_at_the_quarter_end_leave_out_those_answered(district):
    rep = report(district)
    # 31 Dec: L1 has open ask tasks; L2's was answered by the visit of 20 Dec
    assert figures(rep, "ask", "subdistrict", "ask_loans")["รวม"][:2] == [1, 2]
    assert figures(rep, "ask", "fund", "ask_amount")["กข.คจ."][:2] == [0, 400_000]


def test_household_plans_are_cumulative_and_overdue_actions_are_as_they_stood_at_the_quarter_end(district):
    rep = report(district)
    assert figures(rep, "plans", "subdistrict", "households")["รวม"][:2] == [1, 2]
    # A's action was due 15 Dec and marked done only on 20 Jan: overdue on 31 Dec, not on 15 Feb
    assert figures(rep, "plans", "subdistrict", "actions_overdue") == {
        "ต.พิบูล": [0, 1, None, None],
        "ต.โนนกลาง": [1, 0, None, None],
        "รวม": [1, 1, None, None],
    }


def test_one_quarter_only(district):
    rep = report(district, quarter=1)
    assert [q.no for q in rep.quarters] == [1]
    assert figures(rep, "arrears", "subdistrict", "arrears")["รวม"] == [1_000_000]
    assert rep.ok


# --- the checks ---------------------------------------------------------------------------------------------


def test_a_loan_in_a_village_outside_the_district_is_reported_not_dropped_or_counted_twice(district):
    outside = district.outside_village()
    district.group_loan(outside, "กลุ่มนาดี", 3_000, date(2026, 11, 30), date(2026, 10, 1), instalments=1,
                        agreement_no="กข.9/2570")
    rep = report(district)
    sub = figures(rep, "arrears", "subdistrict", "arrears")
    # the rows are this district's subdistricts only, as before; the total counts every loan of the data
    assert "ต.ขุหลุ" not in sub
    assert sub["ต.โนนกลาง"][0] + sub["ต.พิบูล"][0] == 1_000_000
    assert sub["รวม"][0] == 1_300_000
    check = rep.section("arrears").table("subdistrict").check("arrears", 1)
    assert not check.ok and check.sum_of_rows == 1_000_000 and check.difference == 300_000
    assert "341601" in check.explanation and "3416" in check.explanation
    assert not rep.ok
    errors = [p.message for p in rep.problems if p.level == "error"]
    assert any("กข.9/2570" in m and "ต.ขุหลุ" in m for m in errors)  # the loan is named, once
    assert sum("กข.9/2570" in m for m in errors) == 1
    # the same loan is not counted in any fund row either
    assert not rep.section("arrears").table("fund").check("arrears", 1).ok


def test_duplicated_district_rows_are_one_district_and_nothing_is_counted_twice(district):
    village = district.duplicate_district_village()
    district.group_loan(village, "กลุ่มดอนแดง", 3_000, date(2026, 11, 30), date(2026, 10, 1), instalments=1)
    rep = report(district)
    sub = figures(rep, "arrears", "subdistrict", "arrears")
    assert sub["ต.ทรายมูล"] == [300_000, 300_000, None, None]
    assert sub["รวม"] == [1_300_000, 1_900_000, None, None]
    assert rep.ok
    notes = [p.message for p in rep.problems if p.level == "note"]
    assert any("3419" in m and "2 ระเบียน" in m for m in notes)


def test_villages_of_two_subdistricts_never_share_a_row_even_with_copied_codes(district):
    from fieldtool.models import Village

    with district.db.session() as s:  # a laptop copied from another subdistrict kept its village codes
        s.get(Village, district.villages["B1"]).code = "34190503"
    rep = report(district)
    village = rep.section("arrears").table("village")
    assert [(r.parent, r.label) for r in village.rows] == [
        ("341901", "หมู่ที่ 1 บ้านท่าช้าง"), ("341905", "หมู่ที่ 3 บ้านหนองบัว"), ("341905", "หมู่ที่ 5 บ้านโนนสูง")]
    assert any("34190503" in p.message for p in rep.problems if p.level == "warning")


# --- the command line ------------------------------------------------------------------------------------


def test_the_command_prints_every_section_with_quarters_totals_and_checks_as_json(district, capsys):
    out = run(capsys, "--db", str(district.db.path), "--json", "office", "report", "--fy", "๒๕๗๐", "--on", "15/02/2570")
    data = json.loads(out.out)
    assert data["fy"] == 2570 and data["district_code"] == "3419" and data["on"] == "2027-02-15"
    assert [q["as_of"] for q in data["quarters"]] == ["2026-12-31", "2027-02-15", None, None]
    assert [s["key"] for s in data["sections"]] == ["arrears", "par30", "outstanding", "notices", "ask", "visits", "plans"]
    arrears = data["sections"][0]["tables"][0]
    assert arrears["by"] == "subdistrict"
    assert {r["label"]: r["values"]["arrears"] for r in arrears["rows"]} == {
        "ต.พิบูล": ["0.00", "0.00", None, None], "ต.โนนกลาง": ["10000.00", "16000.00", None, None]}
    assert arrears["total"]["values"]["arrears"][:2] == ["10000.00", "16000.00"]
    assert arrears["ok"] and data["ok"] and data["checks"]["failed"] == 0 and data["checks"]["count"] > 0
    assert arrears["checks"][0] == {"measure": "arrears", "quarter": 1, "ok": True, "total": "10000.00",
                                    "sum_of_rows": "10000.00", "difference": "0.00", "explanation": ""}
    par = data["sections"][1]["tables"][0]["total"]["values"]["par30"]
    assert par[:2] == [0.6316, 1.0]


def test_the_command_text_names_a_failed_check(district, capsys):
    district.group_loan(district.outside_village(), "กลุ่มนาดี", 3_000, date(2026, 11, 30), date(2026, 10, 1),
                        instalments=1)
    out = run(capsys, "--db", str(district.db.path), "office", "report", "--fy", "2570", "--on", "2027-02-15")
    assert "do not match" in out.out and "341601" in out.out


def test_bad_input_is_one_sentence_and_exit_2(district, capsys):
    err = run(capsys, "--db", str(district.db.path), "office", "report", "--fy", "70", expect=2).err
    assert "fiscal year" in err and len(err.strip().splitlines()) == 1
    err = run(capsys, "--db", str(district.db.path), "office", "report", "--district", "9999", expect=2).err
    assert "no district 9999" in err


# --- in Thai and in English -------------------------------------------------------------------------------


def test_a_total_that_does_not_add_up_is_explained_whole_in_thai_and_whole_in_english(district):
    from fieldtool.district_areas import ProblemCode

    district.group_loan(district.outside_village(), "กลุ่มนาดี", 3_000, date(2026, 11, 30), date(2026, 10, 1),
                        instalments=1, agreement_no="กข.9/2570")
    rep = report(district)
    reason = rep.section("arrears").table("subdistrict").check("arrears", 1).reason
    assert reason.th.startswith("ค้างชำระ (บาท) รายตำบล ไตรมาส 1: ผลรวมของแถว 10,000.00 บาท ไม่เท่ากับยอดรวม 13,000.00 บาท")
    assert "341601" in reason.th and "district" not in reason.th
    assert reason.en == ("amount overdue by subdistrict, Q1: the rows add up to 10,000.00 baht, the total is "
                         "13,000.00 baht — 1 loan: village 34160102: subdistrict 341601 is in district 3416, not 3419")
    # the screen tells the problems apart by their code, not by their wording
    assert [p.code for p in rep.problems if p.level == "error"] == [ProblemCode.CHECKS_FAILED, ProblemCode.UNPLACED]
    unplaced = next(p for p in rep.problems if p.code == ProblemCode.UNPLACED)
    assert unplaced.text.en.startswith("1 loan counted in the total but in no row, so the totals do not add up: ")
    assert "loan กข.9/2570 กลุ่มนาดี" in unplaced.text.en and "ไม่ได้นับ" not in unplaced.text.en
    assert unplaced.message == f"{unplaced.text.th} ({unplaced.text.en})"  # the command line's line


def test_every_section_says_in_both_languages_what_it_counts_and_how():
    from fieldtool.district import LOAN_SECTIONS, NOTICES, PLANS, VISITS
    from fieldtool.district_tally import Measure
    from fieldtool.text import Text

    for spec in [*LOAN_SECTIONS.values(), NOTICES, VISITS, PLANS]:
        assert spec.title.th and spec.title.en and spec.about.th
        assert spec.about.en[:1].isupper() and spec.about.en.endswith(".")
        money = [m.heading for m in spec.measures if m.unit == "satang"]
        assert all(h.th.endswith("(บาท)") and h.en.endswith("(baht)") for h in money)
    assert Measure("visits", Text("ลงพื้นที่ (ครั้ง)", "visits made"), "count").heading.in_language("en") == "Visits made"


def test_the_office_report_waits_for_a_first_import_and_asks_which_district_among_several(district, tmp_path):
    from db.office import open_office
    from fieldtool import registry
    from fieldtool.district import SeveralDistricts, office_report

    office = open_office(tmp_path / "office.sqlite")
    try:
        with office.session() as s:
            assert office_report(s, 2570, ON) is None  # nothing imported yet
    finally:
        office.dispose()
    district.outside_village()
    with district.db.session() as s:
        registry.set_setting(s, "district_code", "")
    with district.db.session() as s, pytest.raises(SeveralDistricts) as raised:
        office_report(s, 2570, ON)
    assert raised.value.codes == ["3416", "3419"]
    with district.db.session() as s:
        registry.set_setting(s, "district_code", "3419")  # the office says which: its report, as the command's
    with district.db.session() as s:
        assert office_report(s, 2570, ON, quarter=2).district_code == "3419"
