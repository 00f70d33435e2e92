"""File → นำเข้าจาก Excel… in the field app: the dry run on screen (refused rows, unknown columns, a file
imported before), the import and its result; and the register template and export from the File menu."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from fieldtool import funds, loanbook, places
from fieldtool.booklayout import GROUPS, HOUSEHOLDS, LOANS, PAYMENTS
from fieldtool.register import loan_register
from fieldtool.thai import national_id_check_digit
from ui import i18n
from ui.importer.model import RowsModel, SheetsModel, ordered_rows
from ui.importer.registers import ChooseSavePath
from ui.importer.window import ChooseWorkbook, ImportWindow
from ui.mainwindow import MainWindow
from ui.qt import QDropEvent, QMimeData, QPointF, Qt, QUrl

TODAY = date(2026, 11, 22)


def nid(n: int) -> str:
    first12 = f"3{n:011d}"
    return first12 + str(national_id_check_digit(first12))


@pytest.fixture
def office(db):
    """A laptop set up through the set-up domain: its place, four villages, two funds."""
    db.set_setting("officer", "นางสาวพัชรินทร์ ทดสอบ")
    with db.session() as s:
        places.set_place(s, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))
        for moo, name in ((1, "บ้านโนนกลาง"), (2, "บ้านหนองบัว"), (3, "บ้านโนนสูง"), (4, "บ้านดอนตาล")):
            places.add_village(s, moo, name)
        funds.add_fund(s, "กข.คจ.", "kkkj")
        funds.add_fund(s, "กองทุนพัฒนาบทบาทสตรี", "women", rate_bp=200)
    return db


# --- workbooks as offices keep them ------------------------------------------------------------------------


def add_sheet(wb, layout, rows, name=None, extra_before=(), extra_after=()):
    """A register sheet: the template's headers (plus columns the importer does not know) and the rows."""
    ws = wb.create_sheet(name or layout.name)
    ws.append([*extra_before, *(c.headers[0] for c in layout.columns), *extra_after])
    for n, row in enumerate(rows, start=1):
        before = [n] if extra_before else []
        after = [row.get("note", "")] if extra_after else []
        ws.append([*before, *(row.get(c.field) for c in layout.columns), *after])
    return ws


FIRST = ("มาลัย", "สมหมาย", "บัวเรียน", "ประยูร", "สุดใจ", "คำปุ่น", "ทองใบ", "อำนวย", "บุญมี", "จันทร์เพ็ญ",
         "สมปอง", "ละเอียด")
LAST = ("ทองคำ", "ใจดี", "ศรีสุข", "บุญมา", "แก้วมณี", "พรมมา", "สายทอง", "คำดี", "วงศ์ใหญ่", "ดวงแก้ว", "ชัยมงคล")
TITLES = ("นาง", "นาย", "นางสาว")


def small_register(path: Path, refused: bool = True) -> Path:
    """Three households, two loans with their payments; with `refused`, a household of หมู่ที่ 9 (which this
    subdistrict does not have) and a payment of a loan nobody knows."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    households = [
        {"moo": 1, "house_no": "12", "title": "นาง", "first_name": "มาลัย", "last_name": "ทองคำ", "national_id": nid(1)},
        {"moo": 2, "house_no": "5", "title": "นาย", "first_name": "สมหมาย", "last_name": "ใจดี", "national_id": nid(2)},
        {"moo": 3, "title": "นาง", "first_name": "บัวเรียน", "last_name": "ศรีสุข", "national_id": nid(3)},
    ]
    if refused:
        households.append({"moo": 9, "title": "นาง", "first_name": "สุดใจ", "last_name": "แก้วมณี"})
    add_sheet(wb, HOUSEHOLDS, households)
    add_sheet(wb, LOANS, [
        {"agreement_no": "1/2569", "fund": "กข.คจ.", "borrower": nid(1), "moo": 1, "principal": 12000,
         "instalments": 12, "frequency": "เดือน", "disbursed_on": "15/12/2568", "first_due": "15/1/2569",
         "purpose": "เลี้ยงไก่ไข่"},
        {"agreement_no": "2/2569", "fund": "กข.คจ.", "borrower": nid(2), "moo": 2, "principal": 6000,
         "instalments": 6, "frequency": "เดือน", "disbursed_on": "1/2/2569", "first_due": "1/3/2569",
         "purpose": "ปลูกผัก"},
    ])
    payments = [{"agreement_no": "1/2569", "paid_on": date(2026, m, 15), "amount": 1000, "receipt_no": f"ร{m}"}
                for m in range(1, 4)]
    if refused:
        payments.append({"agreement_no": "99/2569", "paid_on": "1/3/2569", "amount": 500})
    add_sheet(wb, PAYMENTS, payments)
    wb.save(path)
    return path


def district_register(path: Path) -> Path:
    """A district's debtor book: its own sheet name, a principal column headed ยอดอนุมัติ (บาท) the importer
    does not know, and the households on a sheet of their own."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    add_sheet(wb, HOUSEHOLDS, [
        {"moo": 1, "title": "นาง", "first_name": "มาลัย", "last_name": "ทองคำ", "national_id": nid(1)},
        {"moo": 2, "title": "นาย", "first_name": "สมหมาย", "last_name": "ใจดี", "national_id": nid(2)},
    ])
    ws = wb.create_sheet("ทะเบียนคุมลูกหนี้ 2569")
    ws.append(["เลขที่สัญญา", "กองทุน", "ผู้กู้", "หมู่ที่", "ยอดอนุมัติ (บาท)", "จำนวนงวด", "ชำระทุก",
               "วันที่รับเงิน", "ครบกำหนดงวดแรก"])
    ws.append(["1/2569", "กข.คจ.", nid(1), 1, 12000, 12, "เดือน", "15/12/2568", "15/1/2569"])
    ws.append(["2/2569", "กข.คจ.", nid(2), 2, 8000, 8, "เดือน", "15/12/2568", "15/1/2569"])
    wb.save(path)
    return path


def realistic_register(path: Path, households: int = 48) -> Path:
    """A subdistrict's book in mid-life: households of four villages, two women's groups, loans with their
    payments, a row number and a remarks column the importer does not know, and a few rows an office would
    get wrong (a หมู่ที่ the subdistrict lacks, a national ID with a bad check digit, a fund not set up, an
    agreement number typed twice)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    rows = []
    for i in range(households):
        rows.append({"moo": i % 4 + 1, "house_no": f"{10 + i}/{i % 3 + 1}", "title": TITLES[i % 3],
                     "first_name": FIRST[i % len(FIRST)], "last_name": LAST[(i * 7) % len(LAST)],
                     "national_id": nid(100 + i), "phone": f"08{i:08d}",
                     "note": "ย้ายมาจากหมู่ 2" if i == 5 else ""})
    rows[9]["moo"] = 9
    rows[17]["national_id"] = nid(117)[:12] + str((int(nid(117)[12]) + 1) % 10)
    add_sheet(wb, HOUSEHOLDS, rows, extra_before=("ลำดับ",), extra_after=("หมายเหตุ",))
    add_sheet(wb, GROUPS, [
        {"name": "กลุ่มทอผ้าไหมบ้านโนนกลาง", "moo": 1, "chair": nid(100), "members": f"{nid(104)}\n{nid(108)}"},
        {"name": "กลุ่มแปรรูปข้าวฮาง", "moo": 2, "chair": nid(101), "members": nid(105)},
    ])
    loans, payments = [], []
    for i in range(households // 2):
        number = f"{i + 1}/2568"
        start = date(2025, 1 + i % 10, 5)
        loans.append({"agreement_no": number, "fund": "กข.คจ.", "borrower": nid(100 + 2 * i), "moo": (2 * i) % 4 + 1,
                      "principal": 6000 + 1000 * (i % 7), "instalments": 12, "frequency": "เดือน",
                      "disbursed_on": start, "first_due": start + timedelta(days=31), "purpose": "เลี้ยงไก่ไข่"})
        for m in range(i % 5):
            payments.append({"agreement_no": number, "paid_on": start + timedelta(days=31 * (m + 1)),
                             "amount": 500 + 100 * (i % 7), "receipt_no": f"{i + 1:03d}/{m + 1}"})
    loans.append({"agreement_no": "ส.1/2568", "fund": "กองทุนพัฒนาบทบาทสตรี", "borrower": "กลุ่มทอผ้าไหมบ้านโนนกลาง",
                  "moo": 1, "principal": 50000, "rate": 0.02, "instalments": 4, "frequency": "6 เดือน",
                  "disbursed_on": "1/1/2568", "first_due": "1/7/2568", "purpose": "ทอผ้าไหม"})
    loans[3]["fund"] = "กองทุนหมู่บ้าน"
    loans[7]["agreement_no"] = loans[6]["agreement_no"]
    add_sheet(wb, LOANS, loans)
    add_sheet(wb, PAYMENTS, payments)
    ws = wb.create_sheet("สรุป")
    ws.append(["สรุปยอดทะเบียน ณ 30 ก.ย. 2568"])
    wb.save(path)
    return path


# --- driving the window ------------------------------------------------------------------------------------


@pytest.fixture
def import_window(qtbot, office):
    win = ImportWindow(office, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


def load(win, path, wait_idle):
    assert win.load(path)
    wait_idle()
    return win


def rows_shown(win) -> list[tuple[str, str, str, str]]:
    m = win.preview.rows_model
    return [tuple(m.data(m.index(r, c)) for c in range(m.columnCount())) for r in range(m.rowCount())]


def sheet_line(win, name) -> tuple[str, ...]:
    m = win.preview.sheets_model
    for r in range(m.rowCount()):
        if m.data(m.index(r, 0)) == name:
            return tuple(m.data(m.index(r, c)) for c in range(m.columnCount()))
    raise AssertionError(name)


# --- the dry run ---------------------------------------------------------------------------------------------


def test_the_preview_shows_each_refused_row_with_its_sheet_row_and_sentence_and_the_import_button_counts(
        import_window, tmp_path, wait_idle):
    win = load(import_window, small_register(tmp_path / "ทะเบียน.xlsx"), wait_idle)
    assert win.pages.currentIndex() == win.PREVIEW
    assert sheet_line(win, "ครัวเรือน") == ("ครัวเรือน", "ครัวเรือน", "1", "3", "0", "1")
    assert sheet_line(win, "การชำระเงิน") == ("การชำระเงิน", "การชำระเงิน", "1", "3", "0", "1")
    shown = rows_shown(win)
    assert shown[:2] == [
        ("ครัวเรือน", "5", "ไม่รับ", "ไม่มีหมู่ที่ 9 ในตำบลนี้ ให้เพิ่มหมู่บ้านก่อนนำเข้า"),
        ("การชำระเงิน", "5", "ไม่รับ", "ไม่พบสัญญาเลขที่ 99/2569 ทั้งในไฟล์และในเครื่อง"),
    ]
    assert shown[2][:3] == ("ครัวเรือน", "2", "จะสร้าง") and "ครัวเรือนใหม่: นางมาลัย ทองคำ" in shown[2][3]
    assert win.preview.import_button.text() == "นำเข้า 8 รายการ"
    assert win.preview.skip_box.isVisible() and win.preview.skip_box.text() == "นำเข้าเฉพาะแถวที่ถูกต้อง (ข้ามแถวที่ไม่รับ 2 แถว)"
    assert not win.preview.before_note.isVisible() and not win.preview.mapping_panel.isVisible()
    # a refused row is marked by its word and its colour
    m = win.preview.rows_model
    assert m.data(m.index(0, 2), Qt.ItemDataRole.FontRole).bold()
    assert m.data(m.index(0, 3), Qt.ItemDataRole.BackgroundRole) is not None
    assert m.data(m.index(3, 3), Qt.ItemDataRole.BackgroundRole) is None


def test_the_filter_shows_the_rows_of_one_kind(import_window, tmp_path, wait_idle):
    win = load(import_window, small_register(tmp_path / "a.xlsx"), wait_idle)
    assert win.preview.filter_buttons["refused"].text() == "ไม่รับ (2)"
    assert win.preview.filter_buttons[None].text() == "ทั้งหมด (10)"
    win.preview.filter_buttons["refused"].click()
    assert [r[:2] for r in rows_shown(win)] == [("ครัวเรือน", "5"), ("การชำระเงิน", "5")]
    win.preview.filter_buttons["create"].click()
    assert len(rows_shown(win)) == 8 and {r[2] for r in rows_shown(win)} == {"จะสร้าง"}
    win.preview.filter_buttons["match"].click()
    assert rows_shown(win) == []


def test_with_refused_rows_the_import_waits_for_the_skip_box(import_window, tmp_path, wait_idle, office):
    win = load(import_window, small_register(tmp_path / "a.xlsx"), wait_idle)
    assert not win.preview.import_button.isEnabled()
    assert not win.start_import()
    with office.session() as s:
        assert loan_register(s, TODAY) == []
    win.preview.skip_box.setChecked(True)
    assert win.preview.import_button.isEnabled()
    win.preview.skip_box.setChecked(False)
    assert not win.preview.import_button.isEnabled()


def test_importing_writes_the_books_and_the_result_view_says_what_was_created(
        qtbot, import_window, tmp_path, wait_idle, office):
    win = load(import_window, small_register(tmp_path / "a.xlsx"), wait_idle)
    win.preview.skip_box.setChecked(True)
    with qtbot.waitSignal(win.imported, timeout=20_000):
        qtbot.mouseClick(win.preview.import_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert win.pages.currentIndex() == win.RESULT
    assert {k: label.text() for k, label in win.result_page.created_labels.items()} == {
        "households": "3", "groups": "0", "loans": "2", "payments": "3"}
    assert win.result_page.skipped_label.text().startswith("ข้ามแถวที่ไม่รับ: 2 แถว")
    assert win.result_page.skipped_model.rowCount() == 2
    assert "a.xlsx" in win.result_page.done_label.text() and "22 พ.ย. 2569" in win.result_page.done_label.text()
    with office.session() as s:
        loans = {r.agreement_no: r for r in loan_register(s, TODAY)}
        assert set(loans) == {"1/2569", "2/2569"}
        state = loanbook.load_states(s, TODAY, [loans["1/2569"].id])[loans["1/2569"].id]
    assert state.paid_satang == 300_000
    assert loans["1/2569"].borrower == "นางมาลัย ทองคำ" and loans["1/2569"].principal_satang == 1_200_000


def test_a_debtor_control_register_is_previewed_as_households_and_loans_with_nothing_to_map(
        qtbot, import_window, tmp_path, wait_idle):
    from tests.test_import_registers import debtor_register

    win = load(import_window, debtor_register(tmp_path / "ทะเบียนคุมลูกหนี้.xlsx"), wait_idle)
    assert sheet_line(win, "Sheet1") == ("Sheet1", "สัญญาเงินกู้", "4", "2", "0", "0")
    assert not win.preview.problems_note.isVisible()
    assert [c for s, c in win.preview.mapping_panel.combos if s == "Sheet1"] == [0]  # only ลำดับ is left over
    combo = win.preview.mapping_panel.combo("Sheet1", "A")
    assert "เลขประจำตัวประชาชน (ตอนนี้อ่านจากคอลัมน์ C)" in [combo.itemText(i) for i in range(combo.count())]
    assert rows_shown(win)[0][3].startswith("ครัวเรือนใหม่: นางสมศรี ใจดี หมู่ที่ 1 บ้านโนนกลาง บ้านเลขที่ 12/1 + "
                                            "สัญญาใหม่ 1/2568")
    assert win.preview.import_button.text() == "นำเข้า 2 รายการ"
    with qtbot.waitSignal(win.imported, timeout=20_000):
        win.start_import()
    wait_idle()
    assert {k: label.text() for k, label in win.result_page.created_labels.items()} == {
        "households": "2", "groups": "0", "loans": "2", "payments": "1"}


def test_a_second_load_of_the_same_file_says_it_was_imported_before_and_nothing_is_left_to_import(
        qtbot, import_window, tmp_path, wait_idle):
    path = small_register(tmp_path / "a.xlsx", refused=False)
    win = load(import_window, path, wait_idle)
    assert win.preview.import_button.isEnabled() and not win.preview.skip_box.isVisible()
    with qtbot.waitSignal(win.imported, timeout=20_000):
        win.start_import()
    wait_idle()
    assert win.result_page.skipped_label.text() == "ไม่มีแถวที่ไม่รับ"
    again = load(import_window, path, wait_idle)
    assert again.pages.currentIndex() == again.PREVIEW
    assert again.preview.before_note.isVisible()
    assert again.preview.before_note.text().startswith("ไฟล์นี้เคยนำเข้าแล้วเมื่อ 22 พ.ย. 2569 (สร้าง ครัวเรือน 3")
    assert not again.preview.import_button.isEnabled() and again.preview.import_button.text() == "นำเข้า"
    assert again.preview.state_note.text() == "ทุกแถวของไฟล์นี้มีอยู่ในทะเบียนแล้ว ไม่มีอะไรต้องนำเข้า"
    assert sheet_line(again, "สัญญาเงินกู้")[3:] == ("0", "2", "0")


def test_an_unknown_column_is_offered_and_choosing_its_field_makes_the_rows_importable(
        qtbot, import_window, tmp_path, wait_idle, office):
    win = load(import_window, district_register(tmp_path / "อำเภอ.xlsx"), wait_idle)
    sheet = "ทะเบียนคุมลูกหนี้ 2569"
    assert win.preview.mapping_panel.isVisible()
    assert any(f"{sheet} ไม่มีคอลัมน์ เงินต้น" in p for p in win.preview.problem_sentences())
    assert sheet_line(win, sheet)[3:] == ("0", "0", "0")
    combo = win.preview.mapping_panel.combo(sheet, "E")
    assert combo.currentText() == "ไม่ใช้"
    assert "เงินต้น *" in [combo.itemText(i) for i in range(combo.count())]
    assert not win.preview.skip_box.isChecked() and win.preview.skip_box.isVisible()  # the sheet's rows are not read yet
    combo.setCurrentIndex(combo.findData("principal"))
    wait_idle()
    assert sheet_line(win, sheet)[3:] == ("2", "0", "0")
    assert not win.preview.problems_note.isVisible()
    assert win.preview.mapping_panel.combo(sheet, "E").currentData() == "principal"  # still listed, to take it back
    assert win.preview.import_button.isEnabled() and win.preview.import_button.text() == "นำเข้า 4 รายการ"
    assert any("เงินต้น 8,000.00 บาท" in r[3] for r in rows_shown(win))
    with qtbot.waitSignal(win.imported, timeout=20_000):
        win.start_import()
    wait_idle()
    assert win.result_page.remembered_label.isVisible()
    # the next file of the same layout is read with the column remembered
    other = district_register(tmp_path / "อำเภอ-2.xlsx")
    again = load(win, other, wait_idle)
    assert not any("เงินต้น" in p for p in again.preview.problem_sentences())
    assert ("ทะเบียนคุมลูกหนี้ 2569", 4) not in again.preview.mapping_panel.combos


def test_taking_a_column_back_to_not_used_checks_the_file_again_without_it(import_window, tmp_path, wait_idle):
    win = load(import_window, district_register(tmp_path / "d.xlsx"), wait_idle)
    sheet = "ทะเบียนคุมลูกหนี้ 2569"
    combo = win.preview.mapping_panel.combo(sheet, "E")
    combo.setCurrentIndex(combo.findData("principal"))
    wait_idle()
    assert win.mapping == {sheet: {"principal": 4}}
    win.preview.mapping_panel.combo(sheet, "E").setCurrentIndex(0)
    wait_idle()
    assert win.mapping == {} and sheet_line(win, sheet)[3:] == ("0", "0", "0")


def test_a_file_fixed_in_excel_is_loaded_again_with_the_same_button(import_window, tmp_path, wait_idle):
    path = small_register(tmp_path / "a.xlsx")
    win = load(import_window, path, wait_idle)
    assert win.plan.counts["refused"] == 2
    small_register(path, refused=False)  # the officer fixes the file and saves it
    assert win.reload_button.isEnabled()
    win.reload_button.click()
    wait_idle()
    assert win.plan.counts["refused"] == 0 and win.preview.import_button.isEnabled()


def test_a_file_that_is_not_a_spreadsheet_is_one_sentence(import_window, tmp_path, wait_idle):
    bad = tmp_path / "รายงาน.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    win = load(import_window, bad, wait_idle)
    assert win.pages.currentIndex() == win.START
    assert win.message.isVisible()
    assert win.message.text() == "ไฟล์ รายงาน.xlsx ไม่ใช่ไฟล์ตารางคำนวณ (ใช้ .xlsx .xlsm .xls หรือ .ods)"
    assert win.plan is None and not win.preview.import_button.isEnabled()


def test_a_file_with_no_register_or_no_rows_is_one_sentence(import_window, tmp_path, wait_idle):
    wb = openpyxl.Workbook()
    wb.active.title = "งบประมาณ"
    wb.active.append(["รายการ", 1500])
    wb.save(tmp_path / "budget.xlsx")
    win = load(import_window, tmp_path / "budget.xlsx", wait_idle)
    assert win.pages.currentIndex() == win.START
    assert win.message.text().startswith("ไม่พบทะเบียนที่โปรแกรมอ่านได้ในไฟล์ budget.xlsx (ชีต: งบประมาณ)")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    add_sheet(wb, LOANS, [])
    wb.create_sheet(HOUSEHOLDS.name)  # an empty sheet
    wb.save(tmp_path / "empty.xlsx")
    win = load(import_window, tmp_path / "empty.xlsx", wait_idle)
    assert win.pages.currentIndex() == win.START
    assert win.message.text() == "ไฟล์ empty.xlsx ไม่มีแถวข้อมูลให้นำเข้า"


def test_a_file_is_chosen_through_the_chooser(monkeypatch, import_window, tmp_path, wait_idle):
    path = small_register(tmp_path / "a.xlsx")
    monkeypatch.setattr(ChooseWorkbook, "ask", classmethod(lambda cls, parent: str(path)))
    import_window.start.drop.choose.click()
    wait_idle()
    assert import_window.plan is not None and import_window.file_label.text() == f"ไฟล์: {path}"
    assert import_window.windowTitle() == "นำเข้าจาก Excel – a.xlsx"


def test_a_file_dropped_on_the_window_is_read(import_window, tmp_path, wait_idle):
    path = small_register(tmp_path / "dropped.xlsx")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    point = QPointF(import_window.width() / 2, import_window.height() / 2)
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    import_window.dropEvent(drop)
    wait_idle()
    assert import_window.plan is not None and import_window.plan.file_name == "dropped.xlsx"
    assert import_window.preview.import_button.text() == "นำเข้า 8 รายการ"


def test_the_window_stays_open_while_the_import_is_written(import_window, tmp_path, wait_idle):
    win = load(import_window, small_register(tmp_path / "a.xlsx", refused=False), wait_idle)
    assert win.start_import()
    assert not win.close() and win.isVisible()
    assert win.message.text() == "รอให้นำเข้าเสร็จก่อน แล้วจึงปิดหน้าต่าง"
    wait_idle()
    assert win.pages.currentIndex() == win.RESULT and win.close()


def test_in_english_the_sentences_are_english(import_window, tmp_path, wait_idle):
    i18n.set_language("en")
    win = ImportWindow(import_window.db, today=TODAY)
    win.show()
    try:
        load(win, small_register(tmp_path / "a.xlsx"), wait_idle)
        shown = rows_shown(win)
        assert shown[0] == ("ครัวเรือน", "5", "REFUSED",
                            "There is no หมู่ที่ 9 in this subdistrict; add the village before importing")
        assert win.preview.import_button.text() == "Import 8 records"
    finally:
        win.close()
        win.deleteLater()


def test_the_tables_pass_the_model_tester(qtmodeltester, office, tmp_path):
    from exports.workbook import read_workbook
    from fieldtool.bookimport import plan_import

    with office.session() as s:
        plan = plan_import(s, read_workbook(realistic_register(tmp_path / "r.xlsx")))
    rows, sheets = RowsModel(), SheetsModel()
    rows.set_rows(ordered_rows(plan))
    sheets.set_rows(plan.sheets)
    qtmodeltester.check(rows)
    qtmodeltester.check(sheets)
    rows.sort(3, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(rows)


def test_the_window_fits_a_small_laptop_screen(import_window, tmp_path, wait_idle):
    win = load(import_window, realistic_register(tmp_path / "r.xlsx"), wait_idle)
    hint = win.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700
    win.resize(1366, 700)
    wait_idle()
    assert win.preview.import_button.isVisible() and win.preview.skip_box.isVisible()
    # the sentence column takes the room the other columns leave, so a refusal is read whole
    header = win.preview.rows_view.horizontalHeader()
    used = sum(header.sectionSize(c) for c in range(header.count()))
    assert used <= win.preview.rows_view.viewport().width() + 1


# --- from the main window ----------------------------------------------------------------------------------


@pytest.fixture
def main_window(qtbot, office, wait_idle):
    win = MainWindow(office, TODAY)
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    return win


def test_the_file_menu_opens_the_import_and_every_page_shows_what_came_in(
        qtbot, monkeypatch, main_window, tmp_path, wait_idle):
    win = main_window
    path = small_register(tmp_path / "a.xlsx", refused=False)
    register = win.show_page("register")
    wait_idle()
    assert register.model.rowCount() == 0
    dialog = win.import_from_excel()
    load(dialog, path, wait_idle)
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        dialog.start_import()
    wait_idle()
    assert register.model.rowCount() == 2  # the page on screen reloaded
    assert all(page.stale for name, page in win.pages.items() if name != "register")
    dialog.close()


def test_the_template_and_the_export_are_written_where_the_officer_chooses(
        monkeypatch, main_window, tmp_path, wait_idle, office):
    win = main_window
    chosen = iter([str(tmp_path / "แม่แบบ"), str(tmp_path / "ทะเบียน.xlsx")])
    monkeypatch.setattr(ChooseSavePath, "ask", classmethod(lambda cls, parent, title, suggested: next(chosen)))
    win.import_template_action.trigger()
    wait_idle()
    assert win.statusBar().currentMessage() == f"บันทึกแม่แบบนำเข้าแล้ว: {tmp_path / 'แม่แบบ.xlsx'}"
    book = openpyxl.load_workbook(tmp_path / "แม่แบบ.xlsx")
    assert book.sheetnames == ["คำอธิบาย", "ครัวเรือน", "กลุ่ม", "สัญญาเงินกู้", "การชำระเงิน"]
    # what came in from a register goes out again in the export
    dialog = ImportWindow(office, win, TODAY)
    load(dialog, small_register(tmp_path / "a.xlsx", refused=False), wait_idle)
    dialog.start_import()
    wait_idle()
    dialog.close()
    win.export_registers_action.trigger()
    wait_idle()
    assert win.statusBar().currentMessage() == (
        f"ส่งออกทะเบียนแล้ว: {tmp_path / 'ทะเบียน.xlsx'} (ครัวเรือน 3, กลุ่ม 0, สัญญาเงินกู้ 2, รายการชำระเงิน 3)")
    book = openpyxl.load_workbook(tmp_path / "ทะเบียน.xlsx")
    assert book.sheetnames == ["คำอธิบาย", "ครัวเรือน", "กลุ่ม", "สัญญาเงินกู้", "การชำระเงิน"]
    assert book["สัญญาเงินกู้"].max_row == 3


def test_a_path_that_cannot_be_written_is_one_sentence(monkeypatch, main_window, tmp_path, wait_idle):
    monkeypatch.setattr(ChooseSavePath, "ask",
                        classmethod(lambda cls, parent, title, suggested: str(tmp_path / "ไม่มี" / "t.xlsx")))
    main_window.import_template_action.trigger()
    wait_idle()
    message = main_window.statusBar().currentMessage()
    assert message.startswith("บันทึกไฟล์ไม่ได้:") and "(" not in message
    assert not (tmp_path / "ไม่มี").exists()


def test_cancelling_the_chooser_writes_nothing(monkeypatch, main_window, tmp_path, wait_idle):
    monkeypatch.setattr(ChooseSavePath, "ask", classmethod(lambda cls, parent, title, suggested: ""))
    main_window.export_registers_action.trigger()
    wait_idle()
    assert main_window.statusBar().currentMessage() == "" and list(tmp_path.glob("*.xlsx")) == []
