"""The district report page of the office window: the figures a clerk reads, the check of the totals, the
breakdowns, the charts, the exports and the empty office database.

The district is tests/district/builder.py's (two subdistricts of อ.พิบูลมังสาหาร; its docstring gives the
loans and tests/test_district.py the figures they make).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from db.office import open_office
from fieldtool.district import district_report
from fieldtool.models import SyncBundle
from fieldtool.thai import format_baht
from tests.district.builder import make_district
from ui import i18n
from ui.office.report import BAD_FILL, GROUP_ROLE, QUARTER_COLOURS, DistrictReportView
from ui.office.report import view as report_page  # the page module: load_report and its worker
from ui.qt import QColor, QImage, Qt, QThreadPool

ON = date(2027, 2, 15)  # FY 2570: Q1 closed on 31 Dec 2026, Q2 taken on the report day, Q3–Q4 not reached


@pytest.fixture
def district(tmp_path):
    built = make_district(tmp_path)
    yield built
    QThreadPool.globalInstance().waitForDone()
    built.db.dispose()


def domain_report(district, fy=2570, on=ON, **kw):
    with district.db.session() as s:
        return district_report(s, fy, on, **kw)


def open_page(qtbot, db, day=ON) -> DistrictReportView:
    view = DistrictReportView(db, day)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    return view


def reload(qtbot, view, change) -> None:
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        change()


def column(model, quarter: str, heading: str) -> int:
    """The column under the quarter heading starting with `quarter` and the figure heading `heading`."""
    for c in range(1, model.columnCount()):
        group = model.headerData(c, Qt.Orientation.Horizontal, GROUP_ROLE)[0]
        if group.startswith(quarter) and model.headerData(c, Qt.Orientation.Horizontal) == heading:
            return c
    raise AssertionError(f"no column {quarter} / {heading}")


def row(model, label: str) -> int:
    for r in range(model.rowCount()):
        if model.index(r, 0).data() == label:
            return r
    raise AssertionError(f"no row {label}: {[model.index(r, 0).data() for r in range(model.rowCount())]}")


def cell(view, section: str, label: str, quarter: str, heading: str):
    """The cell a clerk reads: the section's page, the row by its name, the column by its headings."""
    model = view.show_section(section).model
    return model.index(row(model, label), column(model, quarter, heading))


def row_labels(view, section: str) -> list[str]:
    model = view.show_section(section).model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


# --- the figures ---------------------------------------------------------------------------------------------


def test_the_arrears_of_a_subdistrict_read_by_quarter_are_the_domain_report_figures(qtbot, district):
    view = open_page(qtbot, district.db)
    rep = domain_report(district)
    arrears = rep.section("arrears")
    m = arrears.measures[0]
    expected = {r.label: r for r in arrears.table("subdistrict").rows}
    assert row_labels(view, "arrears") == ["ต.พิบูล", "ต.โนนกลาง", "รวมทั้งอำเภอ"]
    q1 = cell(view, "arrears", "ต.โนนกลาง", "ไตรมาส 1", "ค้างชำระ (บาท)")
    q2 = cell(view, "arrears", "ต.โนนกลาง", "ไตรมาส 2", "ค้างชำระ (บาท)")
    assert q1.data() == "10,000.00" == format_baht(expected["ต.โนนกลาง"].value(m, 0))
    assert q2.data() == "16,000.00" == format_baht(expected["ต.โนนกลาง"].value(m, 1))
    assert q1.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert cell(view, "arrears", "ต.พิบูล", "ไตรมาส 1", "ค้างชำระ (บาท)").data() == "0.00"
    assert cell(view, "arrears", "ต.โนนกลาง", "ไตรมาส 1", "สัญญาค้างชำระ").data() == "2"
    # a quarter not reached shows no figure, and its heading says so
    q3 = cell(view, "arrears", "ต.โนนกลาง", "ไตรมาส 3", "ค้างชำระ (บาท)")
    assert q3.data() == "–"
    assert q3.data(Qt.ItemDataRole.ToolTipRole) == "ไตรมาสนี้ยังไม่ถึง ณ วันที่รายงาน"
    heading = q3.model().headerData(q3.column(), Qt.Orientation.Horizontal, GROUP_ROLE)[0]
    assert heading == "ไตรมาส 3 (เม.ย.–มิ.ย. 2570)\nยังไม่ถึง"
    q2_heading = q2.model().headerData(q2.column(), Qt.Orientation.Horizontal, GROUP_ROLE)[0]
    assert q2_heading == "ไตรมาส 2 (ม.ค.–มี.ค. 2570)\nถึง 15 ก.พ. 2570"


def test_the_totals_row_is_bold_and_shows_the_total_computed_by_the_domain(qtbot, district):
    view = open_page(qtbot, district.db)
    total = domain_report(district).section("arrears").table("subdistrict").total
    q1 = cell(view, "arrears", "รวมทั้งอำเภอ", "ไตรมาส 1", "ค้างชำระ (บาท)")
    assert q1.data() == "10,000.00" == format_baht(total.values["arrears"][0])
    assert cell(view, "arrears", "รวมทั้งอำเภอ", "ไตรมาส 2", "ค้างชำระ (บาท)").data() == "16,000.00"
    assert q1.data(Qt.ItemDataRole.FontRole).bold()
    assert q1.model().index(q1.row(), 0).data(Qt.ItemDataRole.FontRole).bold()
    assert q1.row() == q1.model().rowCount() - 1  # last, under the rows (no check row: they add up)


def test_par30_is_a_percentage_and_notices_visits_and_plans_have_their_figures(qtbot, district):
    view = open_page(qtbot, district.db)
    # 31 Dec: 12,000 of 19,000 outstanding is more than 30 days overdue
    assert cell(view, "par30", "รวมทั้งอำเภอ", "ไตรมาส 1", "PAR30").data() == "63.16%"
    assert cell(view, "par30", "ต.โนนกลาง", "ไตรมาส 1", "PAR30").data() == "75.00%"
    assert cell(view, "par30", "รวมทั้งอำเภอ", "ไตรมาส 2", "PAR30").data() == "100.00%"
    assert cell(view, "notices", "รวมทั้งอำเภอ", "ไตรมาส 1", "พลาด").data() == "22"
    assert cell(view, "notices", "ต.โนนกลาง", "ไตรมาส 2", "พลาด").data() == "1"
    assert cell(view, "visits", "ต.พิบูล", "ไตรมาส 2", "ลงพื้นที่ (ครั้ง)").data() == "1"
    assert cell(view, "plans", "รวมทั้งอำเภอ", "ไตรมาส 2", "ครัวเรือนที่มีแผน").data() == "2"
    assert cell(view, "ask", "รวมทั้งอำเภอ", "ไตรมาส 2", "ยอดที่ต้องทวงถาม (บาท)").data() == "16,000.00"


def test_the_overview_lists_every_section_total_by_quarter(qtbot, district):
    view = open_page(qtbot, district.db)
    totals = view.totals
    lines, section = {}, ""
    for r in range(totals.rowCount()):  # a section's title is on its first line only
        section = totals.index(r, 0).data() or section
        lines[(section, totals.index(r, 1).data())] = r
    r = lines[("หนี้ค้างชำระ", "ค้างชำระ (บาท)")]
    assert [totals.index(r, c).data() for c in range(2, 6)] == ["10,000.00", "16,000.00", "–", "–"]
    r = lines[("PAR30 สัดส่วนเงินต้นที่เสี่ยง", "PAR30")]
    assert totals.index(r, 2).data() == "63.16%"
    assert totals.headerData(2, Qt.Orientation.Horizontal) == "ไตรมาส 1\nต.ค.–ธ.ค. 2569\nณ สิ้นไตรมาส"


# --- the check of the totals ---------------------------------------------------------------------------------


def test_a_district_whose_totals_add_up_shows_a_green_banner_and_no_red_cell(qtbot, district):
    view = open_page(qtbot, district.db)
    assert view.banner.isVisible()
    assert view.banner.text() == "✓ ตรวจยอดรวมแล้ว 90 ช่อง: ยอดรวมทุกช่องตรงกับผลรวมของแถว"
    assert "#e8f5e9" in view.banner.styleSheet()  # green
    for key in ("arrears", "par30", "notices"):
        model = view.show_section(key).model
        assert not any(
            model.index(r, c).data(Qt.ItemDataRole.BackgroundRole) == BAD_FILL
            for r in range(model.rowCount())
            for c in range(model.columnCount())
        )
        assert "ผลรวมของแถว (ตรวจสอบ)" not in row_labels(view, key)
    assert view.problems.text().endswith("ไม่พบปัญหาในข้อมูล</span>")
    assert [view.contents.item(i).text() for i in range(view.contents.count())] == [
        "ภาพรวม",
        "หนี้ค้างชำระ",
        "PAR30 สัดส่วนเงินต้นที่เสี่ยง",
        "เงินต้นคงค้าง",
        "การแจ้งเตือนก่อนครบกำหนด",
        "งานทวงถามที่ค้างอยู่",
        "การลงพื้นที่",
        "แผนพัฒนาครัวเรือน",
    ]


def test_a_loan_outside_the_district_turns_the_banner_red_and_the_failing_cells_are_marked(qtbot, district):
    district.group_loan(
        district.outside_village(),
        "กลุ่มนาดี",
        3_000,
        date(2026, 11, 30),
        date(2026, 10, 1),
        instalments=1,
        agreement_no="กข.9/2570",
    )
    view = open_page(qtbot, district.db)
    rep = domain_report(district)
    failed, checked = len(rep.failed_checks), len(rep.checks)
    assert failed > 0
    text = view.banner.text()
    assert text.startswith(f"✗ ยอดรวม {failed} ช่อง จาก {checked} ช่อง ไม่ตรงกับผลรวมของแถว")
    assert "ต.ขุหลุ" in text and "กข.9/2570" in text  # the domain's explanation names the place and the loan
    assert "(village" not in text  # the Thai half only
    assert "#fdecea" in view.banner.styleSheet()  # red
    # the totals row holds 13,000 (every loan), the rows add up to 10,000: both cells are shaded red
    total = cell(view, "arrears", "รวมทั้งอำเภอ", "ไตรมาส 1", "ค้างชำระ (บาท)")
    summed = cell(view, "arrears", "ผลรวมของแถว (ตรวจสอบ)", "ไตรมาส 1", "ค้างชำระ (บาท)")
    assert (total.data(), summed.data()) == ("13,000.00", "10,000.00")
    assert (
        total.data(Qt.ItemDataRole.BackgroundRole) == BAD_FILL == summed.data(Qt.ItemDataRole.BackgroundRole)
    )
    assert "341601" in total.data(Qt.ItemDataRole.ToolTipRole)
    fine = cell(view, "visits", "รวมทั้งอำเภอ", "ไตรมาส 1", "ลงพื้นที่ (ครั้ง)")
    assert fine.data(Qt.ItemDataRole.BackgroundRole) != BAD_FILL
    page = view.show_section("arrears")
    assert page.failures.isVisible() and page.failures.text().startswith("ยอดรวมที่ไม่ตรงในตารางนี้ (4 ช่อง)")
    assert view.contents.item(1).text() == "หนี้ค้างชำระ  ✗"
    assert view.contents.item(6).text() == "การลงพื้นที่"  # visits are counted by village: all in the district
    assert "ผิดพลาด" in view.problems.text() and "กข.9/2570" in view.problems.text()


def test_a_district_set_up_on_two_laptops_is_counted_once_and_stays_green(qtbot, district):
    village = district.duplicate_district_village()
    district.group_loan(village, "กลุ่มดอนแดง", 3_000, date(2026, 11, 30), date(2026, 10, 1), instalments=1)
    view = open_page(qtbot, district.db)
    assert view.banner.text().startswith("✓ ตรวจยอดรวมแล้ว")
    assert "มีข้อสังเกตอีก 1 รายการ" in view.banner.text()
    assert cell(view, "arrears", "ต.ทรายมูล", "ไตรมาส 1", "ค้างชำระ (บาท)").data() == "3,000.00"
    assert cell(view, "arrears", "รวมทั้งอำเภอ", "ไตรมาส 1", "ค้างชำระ (บาท)").data() == "13,000.00"
    assert "หมายเหตุ" in view.problems.text() and "2 ระเบียน" in view.problems.text()


# --- choices -------------------------------------------------------------------------------------------------


def test_rows_by_village_and_by_fund(qtbot, district):
    view = open_page(qtbot, district.db)
    view.set_breakdown("village")
    assert row_labels(view, "arrears") == [
        "ต.พิบูล  หมู่ที่ 1 บ้านท่าช้าง",
        "ต.โนนกลาง  หมู่ที่ 3 บ้านหนองบัว",
        "ต.โนนกลาง  หมู่ที่ 5 บ้านโนนสูง",
        "รวมทั้งอำเภอ",
    ]
    assert (
        cell(view, "arrears", "ต.โนนกลาง  หมู่ที่ 3 บ้านหนองบัว", "ไตรมาส 1", "ค้างชำระ (บาท)").data() == "8,000.00"
    )
    assert (
        cell(view, "arrears", "ต.โนนกลาง  หมู่ที่ 5 บ้านโนนสูง", "ไตรมาส 2", "ค้างชำระ (บาท)").data() == "4,000.00"
    )
    model = view.show_section("arrears").model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "ตำบล / หมู่บ้าน"
    view.set_breakdown("fund")
    assert cell(view, "arrears", "กองทุนพัฒนาบทบาทสตรี", "ไตรมาส 2", "ค้างชำระ (บาท)").data() == "12,000.00"
    assert cell(view, "arrears", "กข.คจ.", "ไตรมาส 2", "ค้างชำระ (บาท)").data() == "4,000.00"
    # visits are not kept by fund: the page says so and shows subdistricts
    page = view.show_section("visits")
    assert page.note.isVisible() and page.note.text() == "หัวข้อนี้ไม่แยกตามกองทุน ตารางจึงแสดงรายตำบล"
    assert row_labels(view, "visits") == ["ต.พิบูล", "ต.โนนกลาง", "รวมทั้งอำเภอ"]


def test_sorting_by_a_figure_keeps_the_totals_row_last(qtbot, district):
    view = open_page(qtbot, district.db)
    view.set_breakdown("village")
    page = view.show_section("arrears")
    c = column(page.model, "ไตรมาส 2", "ค้างชำระ (บาท)")
    page.view.sortByColumn(c, Qt.SortOrder.DescendingOrder)
    assert [page.model.index(r, c).data() for r in range(page.model.rowCount())] == [
        "12,000.00",
        "4,000.00",
        "0.00",
        "16,000.00",
    ]
    assert page.model.index(3, 0).data() == "รวมทั้งอำเภอ"


def test_the_fiscal_year_is_the_one_of_the_working_day_and_another_can_be_chosen(qtbot, district):
    before = DistrictReportView(district.db, date(2026, 9, 30))
    qtbot.addWidget(before)
    assert before.fiscal_year() == 2569 and before.fy_box.currentText().startswith("2569 ")
    view = open_page(qtbot, district.db, day=date(2026, 10, 20))
    assert view.fiscal_year() == 2570
    assert view.fy_box.currentText() == "2570 (1 ต.ค. 2569 – 30 ก.ย. 2570)"
    assert view.title.text() == "รายงานระดับอำเภอ อำเภอพิบูลมังสาหาร ปีงบประมาณ 2570"
    reload(qtbot, view, lambda: view.set_fiscal_year(2569))
    assert view.title.text().endswith("ปีงบประมาณ 2569")
    view.set_breakdown("village")
    # E2 was due 15 Sep 2026 and paid on 1 Oct: still owed at the end of FY 2569
    assert cell(view, "arrears", "ต.พิบูล  หมู่ที่ 1 บ้านท่าช้าง", "ไตรมาส 4", "ค้างชำระ (บาท)").data() == "5,000.00"


def test_one_quarter_only(qtbot, district):
    view = open_page(qtbot, district.db)
    reload(qtbot, view, lambda: view.set_fiscal_year(2570, quarter=2))
    assert view.quarter_box.currentText() == "ไตรมาส 2 (ม.ค.–มี.ค. 2570)"
    model = view.show_section("arrears").model
    assert model.columnCount() == 3  # the areas, then the amount and the loans of Q2
    assert cell(view, "arrears", "รวมทั้งอำเภอ", "ไตรมาส 2", "ค้างชำระ (บาท)").data() == "16,000.00"


def test_an_answer_to_an_older_choice_is_not_shown(qtbot, district, monkeypatch):
    real = report_page.load_report

    def slow_for_2569(db, fy, on, quarter):
        if fy == 2569:
            time.sleep(0.6)  # the first choice answers last
        return real(db, fy, on, quarter)

    monkeypatch.setattr(report_page, "load_report", slow_for_2569)
    view = open_page(qtbot, district.db)
    view.set_fiscal_year(2569)
    reload(qtbot, view, lambda: view.set_fiscal_year(2570))
    qtbot.waitUntil(lambda: report_page.worker.pending() == 0, timeout=20_000)
    assert view.report.fy == 2570
    assert view.title.text().endswith("ปีงบประมาณ 2570")


def test_the_page_is_in_english_when_the_language_is_english(qtbot, district):
    i18n.set_language("en")
    view = open_page(qtbot, district.db)
    assert view.title.text() == "District report: พิบูลมังสาหาร district, fiscal year 2570"
    assert view.banner.text() == "✓ Every total matches its rows (90 totals checked)"
    assert view.contents.item(1).text() == "Arrears"
    assert cell(view, "arrears", "District total", "Q1", "Amount overdue (baht)").data() == "10,000.00"
    q3 = cell(view, "arrears", "District total", "Q3", "Loans overdue")
    assert q3.model().headerData(q3.column(), Qt.Orientation.Horizontal, GROUP_ROLE)[0] == (
        "Q3 (Apr–Jun 2027)\nnot reached"
    )
    assert view.xlsx_button.text() == "Export Excel…"


def test_the_english_page_says_why_totals_do_not_match_in_english_only(qtbot, district):
    district.group_loan(
        district.outside_village(), "กลุ่มนาดี", 3_000, date(2026, 11, 30), date(2026, 10, 1), instalments=1,
        agreement_no="กข.9/2570",
    )
    i18n.set_language("en")
    view = open_page(qtbot, district.db)
    banner = view.banner.text().splitlines()
    assert banner[0].startswith("✗ ") and banner[0].endswith("totals do not match the sum of their rows (those cells are shown in red)")
    assert banner[1].startswith("• 1 loan counted in the total but in no row, so the totals do not add up: village 34160102")
    assert "กข.9/2570" in banner[1] and "ไม่ได้นับ" not in view.banner.text()  # names as they are, no Thai sentence
    total = cell(view, "arrears", "District total", "Q1", "Amount overdue (baht)")
    assert total.data(Qt.ItemDataRole.ToolTipRole) == (
        "Amount overdue by subdistrict, Q1: the rows add up to 10,000.00 baht, the total is 13,000.00 baht"
        " — 1 loan: village 34160102: subdistrict 341601 is in district 3416, not 3419")
    assert "totals checked do not match the sum of their rows" in view.problems.text()
    assert "ยอดรวม" not in view.problems.text()  # the list of problems is in English too
    assert view.show_section("arrears").about.text().startswith("Instalments past their due date")


# --- charts --------------------------------------------------------------------------------------------------


def colour_pixels(widget, colour: QColor) -> int:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y) == colour
    )


def test_the_charts_draw_arrears_and_par30_by_subdistrict_per_quarter(qtbot, district):
    view = open_page(qtbot, district.db)
    chart = view.arrears_chart
    assert [label for label, _ in chart.items] == ["ต.พิบูล", "ต.โนนกลาง"]
    assert [chart.value_text(v) for v in chart.items[1][1][:2]] == ["10,000", "16,000"]
    assert [text for text, _c, _r in chart.series] == [
        "ไตรมาส 1",
        "ไตรมาส 2",
        "ไตรมาส 3 (ยังไม่ถึง)",
        "ไตรมาส 4 (ยังไม่ถึง)",
    ]
    # bars of Q1 and Q2 are drawn; Q3 and Q4 have only their (grey) legend
    assert colour_pixels(chart, QUARTER_COLOURS[0]) > 50 and colour_pixels(chart, QUARTER_COLOURS[1]) > 50
    assert colour_pixels(chart, QUARTER_COLOURS[2]) == 0
    par = view.par30_chart
    assert [par.value_text(v) for v in par.items[1][1][:2]] == ["75.00%", "100.00%"]


def test_a_fiscal_year_not_begun_has_empty_charts_and_nothing_to_check(qtbot, district):
    view = open_page(qtbot, district.db)
    reload(qtbot, view, lambda: view.set_fiscal_year(2572))
    assert not view.arrears_chart.has_bars()
    assert view.arrears_chart.empty_text == "ยังไม่มีไตรมาสที่ถึงแล้ว"
    assert colour_pixels(view.arrears_chart, QUARTER_COLOURS[0]) == 0
    assert view.banner.text().startswith("ยังไม่มีตัวเลขให้ตรวจ: ปีงบประมาณ 2572 ยังไม่เริ่ม")


def test_a_chart_with_no_arrears_says_so(qtbot, district):
    for loan, baht in (("L1", 12_000), ("L2", 4_000)):
        district.pay(district.loans[loan], baht, date(2026, 10, 30))
    view = open_page(qtbot, district.db)
    assert not view.arrears_chart.has_bars()
    assert view.arrears_chart.empty_text == "ไม่มีหนี้ค้างชำระในช่วงนี้"


# --- exports -------------------------------------------------------------------------------------------------


def test_export_to_excel_through_the_save_dialog_writes_a_workbook_that_opens(
    qtbot, district, tmp_path, monkeypatch
):
    view = open_page(qtbot, district.db)
    asked = []

    def answer(parent, kind, suggested):
        asked.append((kind, suggested))
        return str(tmp_path / "รายงาน")  # without the extension: it is added

    monkeypatch.setattr(DistrictReportView, "ask_export_path", classmethod(lambda cls, *a: answer(*a)))
    with qtbot.waitSignal(view.exported, timeout=30_000):
        view.xlsx_button.click()
    out = tmp_path / "รายงาน.xlsx"
    assert asked == [("xlsx", asked[0][1])] and asked[0][1].endswith("รายงานระดับอำเภอ_3419_ปีงบ2570.xlsx")
    book = load_workbook(out)
    assert "หนี้ค้างชำระ" in book.sheetnames and "สรุป" in book.sheetnames
    values = [c for r in book["หนี้ค้างชำระ"].iter_rows(values_only=True) for c in r]
    assert 10000 in values and 16000 in values  # ต.โนนกลาง in Q1 and Q2, in baht
    assert view.message.text() == f"บันทึกรายงานแล้ว: {out}"
    assert view.xlsx_button.isEnabled()


def test_export_to_pdf_writes_a_pdf_and_says_how_many_pages(qtbot, district, tmp_path):
    view = open_page(qtbot, district.db)
    out = tmp_path / "district.pdf"
    with qtbot.waitSignal(view.exported, timeout=60_000):
        view.export_pdf(out)
    assert out.read_bytes()[:5] == b"%PDF-"
    assert view.message.text().startswith(f"บันทึกรายงานแล้ว: {out} (")
    assert view.message.text().endswith(" หน้า)")


def test_a_cancelled_save_dialog_writes_nothing(qtbot, district, tmp_path, monkeypatch):
    view = open_page(qtbot, district.db)
    monkeypatch.setattr(DistrictReportView, "ask_export_path", classmethod(lambda cls, *a: ""))
    view.pdf_button.click()
    assert report_page.worker.pending() == 0 and not view.message.isVisible()


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_an_unwritable_path_is_one_thai_sentence_and_leaves_no_file(qtbot, district, tmp_path, kind):
    view = open_page(qtbot, district.db)
    out = tmp_path / "no-such-folder" / f"report.{kind}"
    view.export(kind, out)
    qtbot.waitUntil(lambda: report_page.worker.pending() == 0, timeout=30_000)
    assert view.message.isVisible() and "#fdecea" in view.message.styleSheet()
    assert view.message.text() == f"บันทึกไฟล์ไม่ได้: {out}"
    assert not out.exists() and not out.parent.exists()
    assert list(tmp_path.glob("**/*.part")) == []


# --- the empty office ----------------------------------------------------------------------------------------


def test_an_office_database_with_nothing_imported_says_what_to_do(qtbot, tmp_path):
    office = open_office(tmp_path / "office.sqlite")
    try:
        office.set_setting("district_code", "3419")
        view = open_page(qtbot, office)
        assert view.body.currentWidget() is view.empty_page and view.empty_page.isVisible()
        assert view.empty_title.text() == "ยังไม่มีข้อมูลจากพัฒนากร"
        assert "นำเข้าชุดข้อมูล" in view.empty_text.text()
        assert not view.message.isVisible() and not view.banner.isVisible()  # no error, no figures
        assert not view.xlsx_button.isEnabled() and not view.pdf_button.isEnabled()
    finally:
        QThreadPool.globalInstance().waitForDone()
        office.dispose()


def test_a_database_of_several_districts_without_the_office_district_says_to_set_it(qtbot, district):
    from fieldtool import registry

    district.outside_village()  # a village of อ.ตระการพืชผล (3416)
    with district.db.session() as s:
        registry.set_setting(s, "district_code", "")
    view = open_page(qtbot, district.db)
    assert view.message.isVisible()
    assert view.message.text() == (
        "ฐานข้อมูลมีข้อมูลหลายอำเภอ (3416, 3419) ตั้งรหัสอำเภอของสำนักงาน (district_code) ก่อน"
    )
    assert view.body.currentWidget() is view.loading_page and view.loading_page.text() == ""
    assert not view.banner.isVisible() and not view.xlsx_button.isEnabled()


def test_the_report_table_passes_the_model_tester(qtbot, qtmodeltester, district):
    district.group_loan(
        district.outside_village(), "กลุ่มนาดี", 3_000, date(2026, 11, 30), date(2026, 10, 1), instalments=1
    )
    view = open_page(qtbot, district.db)
    qtmodeltester.check(view.show_section("arrears").model)
    qtmodeltester.check(view.totals)


def test_the_report_page_says_when_each_laptop_wrote_its_data_in_thailand_time(qtbot, district):
    wrote = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 06:30 the next morning in Thailand
    with district.db.session() as s:
        s.add(SyncBundle(direction="in", kind="field", sha256="x" * 64, source_device="laptop-1", bundle_seq=4,
                         officer="นางสาวเอ ทดสอบ", area_code="341905", created_at=wrote,
                         processed_at=wrote + timedelta(hours=1, minutes=30), file_name="341905-4.ftb"))
    view = open_page(qtbot, district.db)
    rows = [[view.sources.index(0, c).data() for c in range(view.sources.columnCount())]]
    assert rows == [["341905 ต.โนนกลาง", "นางสาวเอ ทดสอบ", "4", "2 ธ.ค. 2569 06:30 น.", "2 ธ.ค. 2569 08:00 น."]]
    assert view.sources_view.isVisibleTo(view) and "จัดทำเมื่อ" in view.subtitle.text()
    assert view.subtitle.text().endswith("น. (เวลาประเทศไทย)")
    i18n.set_language("en")
    try:
        english = open_page(qtbot, district.db)
        assert english.sources.index(0, 3).data() == "2 Dec 2026 06:30"
        assert english.subtitle.text().endswith(" ICT")
    finally:
        i18n.set_language("th")
