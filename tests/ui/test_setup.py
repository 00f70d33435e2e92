"""Setting up a laptop's own subdistrict: the first-run wizard, File → ตั้งค่า…, and starting the officer's
own database from the demo."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from db import open_database
from fieldtool import groups, places, setup
from fieldtool.demo import build_demo
from fieldtool.models import ChangeLog, Loan
from fieldtool.thai import InputError
from ui import app as app_module
from ui import i18n
from ui.loans.loanpage import LoanPage
from ui.loans.newloan import NewLoanDialog
from ui.mainwindow import MainWindow
from ui.qt import Qt, QThreadPool, QWizard
from ui.setup.own import StartOwnDialog
from ui.setup.settings import SettingsDialog
from ui.setup.villages import ManyVillagesDialog, parse_village_lines
from ui.setup.wizard import SetupWizard

from .conftest import TODAY

OFFICER = "นางสาวพัชรินทร์ ศรีสุข"
PLACE = (("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง"))


def open_wizard(qtbot, db) -> SetupWizard:
    wizard = SetupWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def press(qtbot, wizard: SetupWizard, button) -> None:
    qtbot.mouseClick(wizard.button(button), Qt.MouseButton.LeftButton)


def next_page(qtbot, wizard: SetupWizard) -> None:
    press(qtbot, wizard, QWizard.WizardButton.NextButton)


def type_place(wizard: SetupWizard, place=PLACE) -> None:
    for level, (code, name) in zip(("province", "district", "subdistrict"), place, strict=True):
        wizard.parts.place.codes[level].setText(code)
        wizard.parts.place.names[level].setText(name)


def fill_wizard(qtbot, wizard: SetupWizard, monkeypatch) -> None:
    """Officer, place, two villages (one typed, one pasted), a fund at 2 % and a group with its committee."""
    parts = wizard.parts
    parts.office.officer.setText(OFFICER)
    next_page(qtbot, wizard)
    type_place(wizard)
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.pages["villages"]
    parts.villages.name.setText("บ้านโนนสูง")
    qtbot.keyClick(parts.villages.name, Qt.Key.Key_Return)  # Enter adds it, it does not leave the page
    assert wizard.currentPage() is wizard.pages["villages"]

    def paste(parent, taken):
        dialog = ManyVillagesDialog(taken, parent)
        dialog.lines.setPlainText("2 บ้านหนองบัว")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.villages

    monkeypatch.setattr(ManyVillagesDialog, "ask", paste)
    qtbot.mouseClick(parts.villages.many_button, Qt.MouseButton.LeftButton)
    assert [parts.villages.model.index(r, 2).data() for r in range(2)] == ["34190501", "34190502"]
    parts.villages.name.setText("บ้านดอนจิก")  # typed, Enter forgotten: Next takes it in
    next_page(qtbot, wizard)
    parts.funds.name.setText("กองทุนพัฒนาบทบาทสตรี ต.โนนกลาง")
    parts.funds.rate.setText("2")
    next_page(qtbot, wizard)
    parts.groups.name.setText("กลุ่มทอผ้าไหมบ้านหนองบัว")
    parts.groups.village.setCurrentIndex(parts.groups.village.findText("หมู่ที่ 2 บ้านหนองบัว"))
    parts.groups.people["chair"].setText("นางสมศรี ใจดี")
    parts.groups.people["treasurer"].setText("นาง,บุญมี,ศรีสุข,,0812345678")
    parts.groups.people["member"].setPlainText("นางมาลัย ทองคำ\nนางประนอม พันธ์ดี")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)  # the letterhead can wait


def test_the_wizard_sets_up_an_empty_database_and_its_fund_is_offered_for_a_loan(qtbot, db, monkeypatch):
    with db.session() as s:
        assert setup.is_new(s)
        before = len(s.scalars(select(ChangeLog)).all())  # the device's id, written on opening
    wizard = open_wizard(qtbot, db)
    fill_wizard(qtbot, wizard, monkeypatch)
    assert wizard.currentPage() is wizard.summary
    summary = wizard.summary.text.text()
    assert "หมู่ที่ 2 บ้านหนองบัว (34190502)" in summary
    assert "ครบแล้ว ยื่นคำขอกู้ได้ทันที" in summary
    with db.session() as s:
        assert setup.is_new(s)  # nothing written before Finish
        assert len(s.scalars(select(ChangeLog)).all()) == before

    press(qtbot, wizard, QWizard.WizardButton.FinishButton)

    assert wizard.result() == QWizard.DialogCode.Accepted
    with db.session() as s:
        view = setup.setup_view(s)
        officers = set(s.scalars(select(ChangeLog.officer).order_by(ChangeLog.seq).offset(before)))
    assert view.ready
    assert view.officer == OFFICER
    assert (view.place.subdistrict_code, view.place.subdistrict) == ("341905", "โนนกลาง")
    assert [(v.moo, v.name, v.code) for v in view.villages] == [
        (1, "บ้านโนนสูง", "34190501"), (2, "บ้านหนองบัว", "34190502"), (3, "บ้านดอนจิก", "34190503")
    ]
    assert [(f.name, f.rate_bp) for f in view.funds] == [("กองทุนพัฒนาบทบาทสตรี ต.โนนกลาง", 200)]
    group = view.groups[0]
    assert (group.name, group.village, group.chair) == ("กลุ่มทอผ้าไหมบ้านหนองบัว", "หมู่ที่ 2 บ้านหนองบัว", "นางสมศรี ใจดี")
    assert [role for role, _, _ in group.members] == ["chair", "treasurer", "member", "member"]
    assert officers == {OFFICER}  # the change log names her for every record the wizard wrote

    dialog = NewLoanDialog(db, TODAY)
    qtbot.addWidget(dialog)
    assert [dialog.fund.itemText(i) for i in range(dialog.fund.count())] == ["กองทุนพัฒนาบทบาทสตรี ต.โนนกลาง"]
    assert dialog.rate.text() == "2"
    assert dialog.borrower.findText("กลุ่มทอผ้าไหมบ้านหนองบัว (หมู่ที่ 2 บ้านหนองบัว)") >= 0


def test_a_bad_subdistrict_code_is_said_on_the_place_page_and_nothing_is_written(qtbot, db):
    wizard = open_wizard(qtbot, db)
    wizard.parts.office.officer.setText(OFFICER)
    next_page(qtbot, wizard)
    type_place(wizard, (PLACE[0], PLACE[1], ("341805", "โนนกลาง")))
    sentence = "รหัสตำบล 341805 ต้องขึ้นต้นด้วยรหัสที่อยู่เหนือขึ้นไป 3419"
    assert wizard.parts.place.check.text() == sentence  # said as it is typed

    next_page(qtbot, wizard)

    assert wizard.currentPage() is wizard.pages["place"]
    assert wizard.parts.place.check.text() == sentence
    with db.session() as s:
        assert setup.is_new(s)
        assert setup.setup_view(s).officer == ""
        assert [c.record_id for c in s.scalars(select(ChangeLog))] == ["device_id"]  # only the opening's


def test_a_refusal_at_finish_goes_back_to_its_page_and_writes_nothing(qtbot, db, monkeypatch):
    wizard = open_wizard(qtbot, db)
    fill_wizard(qtbot, wizard, monkeypatch)
    # Changed behind Next's back (as if typed and the page left by Back): Finish still checks everything.
    wizard.parts.groups.rows()[0].people["vice_chair"] = "นางสมศรี ใจดี"

    press(qtbot, wizard, QWizard.WizardButton.FinishButton)

    assert wizard.currentPage() is wizard.pages["groups"]
    assert wizard.parts.groups.message.text() == "นางสมศรี ใจดี ถูกระบุซ้ำในกลุ่ม"
    with db.session() as s:
        assert setup.is_new(s)


def test_cancel_writes_nothing_and_the_today_page_offers_the_set_up(qtbot, db, wait_idle, monkeypatch):
    wizard = open_wizard(qtbot, db)
    wizard.parts.office.officer.setText(OFFICER)
    next_page(qtbot, wizard)
    type_place(wizard)
    press(qtbot, wizard, QWizard.WizardButton.CancelButton)
    assert wizard.result() == QWizard.DialogCode.Rejected
    with db.session() as s:
        assert setup.is_new(s)
        assert [c.record_id for c in s.scalars(select(ChangeLog))] == ["device_id"]

    window = MainWindow(db, TODAY)
    qtbot.addWidget(window)
    window.show()
    wait_idle()
    today = window.today
    assert today.setup_note.isVisible()
    assert "จังหวัด อำเภอ และตำบล" in today.setup_text.text()
    assert today.setup_button.text() == "ตั้งค่าตำบล…"
    assert window.setup_button.isVisible()  # the status bar offers it too
    assert not window.demo_button.isVisible()

    opened = []
    monkeypatch.setattr(SetupWizard, "ask", lambda parent, database: opened.append(database) or False)
    qtbot.mouseClick(today.setup_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.setup_button, Qt.MouseButton.LeftButton)
    assert opened == [db, db]


def test_settings_rename_a_village_and_a_new_rate_leaves_an_earlier_loan_its_rate(qtbot, book, wait_idle):
    dialog = SettingsDialog(book.db, "villages")
    qtbot.addWidget(dialog)
    villages = dialog.parts.villages.model
    assert villages.index(0, 1).data() == "บ้านโนนสูง"
    assert villages.setData(villages.index(0, 1), "บ้านโนนสูงใต้")
    assert villages.index(0, 5).data() == "แก้ไข (ยังไม่บันทึก)"
    dialog.show_tab("funds")
    funds = dialog.parts.funds
    assert funds.old_rules_note.text().startswith("สัญญาที่ทำไว้แล้วใช้กติกาของวันที่ทำสัญญา")
    funds.view.selectRow(0)
    assert funds.rate.text() == "3"
    funds.rate.setText("4.5")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == SettingsDialog.DialogCode.Accepted

    with book.db.session() as s:
        view = setup.setup_view(s)
    assert view.villages[0].name == "บ้านโนนสูงใต้"
    assert view.funds[0].rate_bp == 450
    before = LoanPage(book.db, book.loans["somsri"], book.today)
    qtbot.addWidget(before)
    assert before.header_text("rate") == "ร้อยละ 3.00 ต่อปี"
    assert before.header_text("village") == "หมู่ที่ 1 บ้านโนนสูงใต้"
    new_loan = NewLoanDialog(book.db, book.today)
    qtbot.addWidget(new_loan)
    assert new_loan.rate.text() == "4.5"


def test_settings_refuse_a_second_fund_of_the_same_name_on_the_funds_tab(qtbot, book):
    dialog = SettingsDialog(book.db)
    qtbot.addWidget(dialog)
    dialog.parts.villages.model.setData(dialog.parts.villages.model.index(1, 1), "บ้านหนองบัวทอง")
    dialog.parts.funds.add_fund()
    dialog.parts.funds.name.setText("กองทุนพัฒนาบทบาทสตรี ต.โนนกลาง")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert dialog.tabs.currentIndex() == dialog.tab_index["funds"]
    assert dialog.parts.funds.message.text() == "มีกองทุนชื่อ กองทุนพัฒนาบทบาทสตรี ต.โนนกลาง แล้ว"
    with book.db.session() as s:
        assert places.village_views(s)[1].name == "บ้านหนองบัว"  # the rename on the other tab waited too


def test_settings_refuse_a_maximum_loan_of_zero_and_a_lower_one_leaves_loans_already_made_alone(qtbot, book):
    dialog = SettingsDialog(book.db, "funds")
    qtbot.addWidget(dialog)
    part = dialog.parts.funds
    part.view.selectRow(0)
    assert part.max_loan.text() == "" and part.model.index(0, 4).data() == "ไม่กำหนด"
    part.max_loan.setText("0")
    assert part.max_loan_check.text() == "วงเงินกู้สูงสุดต่อสัญญาต้องมากกว่าศูนย์: 0.00"  # said as typed
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert part.message.text() == "วงเงินกู้สูงสุดต่อสัญญาต้องมากกว่าศูนย์: 0.00"
    with book.db.session() as s:
        assert setup.setup_view(s).funds[0].max_loan_satang is None
    part.max_loan.setText("๑๐,๐๐๐")  # below loans already made of 12,000 and 24,000 baht
    assert part.max_loan_check.text() == "" and part.model.index(0, 4).data() == "10,000.00"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    with book.db.session() as s:
        assert setup.setup_view(s).funds[0].max_loan_satang == 1_000_000
        principals = {name: s.get(Loan, lid).principal_satang for name, lid in book.loans.items()}
    assert principals["somsri"] == 1_200_000 and principals["kamol"] == 2_400_000
    again = SettingsDialog(book.db, "funds")
    qtbot.addWidget(again)
    again.parts.funds.view.selectRow(0)
    assert again.parts.funds.max_loan.text() == "10,000.00"


WEAVERS = "กลุ่มทอผ้าไหมบ้านโนนสูง"


def add_weavers(book) -> None:
    """A saved group in หมู่ที่ 1 with its chair, a treasurer and two members, and a second group beside it."""
    with book.db.session() as s:
        groups.add_group(s, 1, WEAVERS, "women", [
            ("chair", groups.parse_person("นางสมศรี ใจดี")),
            ("treasurer", groups.parse_person("นางบุญมี ศรีสุข")),
            ("member", groups.parse_person("นางมาลัย ทองคำ")),
            ("member", groups.parse_person("นางประนอม พันธ์ดี")),
        ], groups.parse_person("นางสาวบุษบา สุวรรณชาติ"))
        groups.add_group(s, 1, "กลุ่มเลี้ยงไก่ไข่บ้านโนนสูง", "women", [("chair", groups.parse_person("นายกมล ทองดี"))])


def weavers_view(db, name=WEAVERS) -> groups.GroupView:
    with db.session() as s:
        return next(g for g in groups.group_views(s) if g.name == name)


def choose_group(dialog: SettingsDialog | SetupWizard, name: str):
    part = dialog.parts.groups
    if isinstance(dialog, SettingsDialog):
        dialog.show_tab("groups")
    part.view.selectRow(next(r for r, row in enumerate(part.rows()) if row.name == name))
    return part.saved_editor


def members_shown(editor) -> list[tuple[str, str, str]]:
    model = editor.model
    return [tuple(model.index(r, c).data() for c in range(3)) for r in range(model.rowCount())]


def test_settings_change_a_saved_group_new_name_new_chair_one_member_out_one_in(qtbot, book):
    add_weavers(book)
    dialog = SettingsDialog(book.db, "groups")
    qtbot.addWidget(dialog)
    editor = choose_group(dialog, WEAVERS)
    assert not editor.isHidden() and dialog.parts.groups.editor.isHidden()
    assert editor.name.text() == WEAVERS
    assert editor.village.text() == "หมู่ที่ 1 บ้านโนนสูง"
    assert editor.responsible.text() == "นางสาวบุษบา สุวรรณชาติ"
    assert "สัญญาเงินกู้ของกลุ่มยังอยู่กับกลุ่ม" in editor.note.text()
    assert "หนังสือถึงกลุ่มส่งถึงประธาน" in editor.note.text()
    assert members_shown(editor) == [
        ("นางสมศรี ใจดี", "ประธาน", ""), ("นางบุญมี ศรีสุข", "เหรัญญิก", ""),
        ("นางประนอม พันธ์ดี", "สมาชิก", ""), ("นางมาลัย ทองคำ", "สมาชิก", ""),
    ]

    editor.name.setText("กลุ่มทอผ้าไหมบ้านโนนสูงใต้")
    malai = editor.role_list(editor.member("นางมาลัย ทองคำ"))
    malai.setCurrentIndex(malai.findText("ประธาน"))  # the role list on her row
    editor.select_member(editor.member("นางประนอม พันธ์ดี"))
    qtbot.mouseClick(editor.take_out_button, Qt.MouseButton.LeftButton)
    assert editor.take_out_button.text() == "คืนเข้ากลุ่ม"
    editor.join_person.setText("นางลำดวน แสนทวี")
    editor.join_role.setCurrentIndex(editor.join_role.findText("เลขานุการ"))
    qtbot.keyClick(editor.join_person, Qt.Key.Key_Return)  # Enter adds her, it does not press Save
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert members_shown(editor) == [
        ("นางสมศรี ใจดี", "สมาชิก", "ตำแหน่งใหม่"), ("นางบุญมี ศรีสุข", "เหรัญญิก", ""),
        ("นางประนอม พันธ์ดี", "สมาชิก", "จะนำออก"), ("นางมาลัย ทองคำ", "ประธาน", "ตำแหน่งใหม่"),
        ("นางลำดวน แสนทวี", "เลขานุการ", "จะเข้ากลุ่ม"),
    ]
    listed = dialog.parts.groups.model
    row = next(r for r in range(listed.rowCount()) if listed.index(r, 0).data() == "กลุ่มทอผ้าไหมบ้านโนนสูงใต้")
    assert [listed.index(row, c).data() for c in (2, 3, 5)] == ["นางมาลัย ทองคำ", "4", "แก้ไข (ยังไม่บันทึก)"]
    assert weavers_view(book.db).chair == "นางสมศรี ใจดี"  # nothing written before Save

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    after = weavers_view(book.db, "กลุ่มทอผ้าไหมบ้านโนนสูงใต้")
    assert after.chair == "นางมาลัย ทองคำ"
    assert [(role, name) for role, name, _ in after.members] == [
        ("chair", "นางมาลัย ทองคำ"), ("treasurer", "นางบุญมี ศรีสุข"), ("secretary", "นางลำดวน แสนทวี"),
        ("member", "นางสมศรี ใจดี"),
    ]
    assert after.responsible == "นางสาวบุษบา สุวรรณชาติ"
    assert after.village == "หมู่ที่ 1 บ้านโนนสูง"


def test_settings_refuse_a_group_renamed_to_the_name_of_another_in_its_village_and_change_nothing(qtbot, book):
    add_weavers(book)
    before = weavers_view(book.db)
    dialog = SettingsDialog(book.db)
    qtbot.addWidget(dialog)
    editor = choose_group(dialog, WEAVERS)
    editor.name.setText("กลุ่มเลี้ยงไก่ไข่บ้านโนนสูง")
    editor.select_member(editor.member("นางมาลัย ทองคำ"))
    qtbot.mouseClick(editor.take_out_button, Qt.MouseButton.LeftButton)
    dialog.show_tab("villages")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert dialog.tabs.currentIndex() == dialog.tab_index["groups"]
    assert dialog.parts.groups.message.text() == "มีกลุ่มชื่อ กลุ่มเลี้ยงไก่ไข่บ้านโนนสูง ในหมู่บ้านนี้แล้ว"
    assert dialog.parts.groups.saved_editor.name.text() == "กลุ่มเลี้ยงไก่ไข่บ้านโนนสูง"  # the group it is about
    assert weavers_view(book.db) == before  # the member taken out is still in: nothing was written


def test_the_wizard_changes_a_saved_group_too_and_its_summary_says_so(qtbot, book):
    add_weavers(book)
    wizard = open_wizard(qtbot, book.db)
    while wizard.currentPage() is not wizard.pages["groups"]:
        next_page(qtbot, wizard)
    editor = choose_group(wizard, WEAVERS)
    treasurer = editor.role_list(editor.member("นางบุญมี ศรีสุข"))
    treasurer.setCurrentIndex(treasurer.findText("ประธาน"))
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert f"แก้ไขกลุ่ม {WEAVERS} หมู่ที่ 1 บ้านโนนสูง: 4 คน" in wizard.summary.text.text()
    assert weavers_view(book.db).chair == "นางสมศรี ใจดี"  # Next writes nothing

    press(qtbot, wizard, QWizard.WizardButton.FinishButton)

    assert [(r, n) for r, n, _ in weavers_view(book.db).members[:2]] == [
        ("chair", "นางบุญมี ศรีสุข"), ("member", "นางประนอม พันธ์ดี")]


def test_a_person_already_in_the_group_is_not_added_twice(qtbot, book):
    add_weavers(book)
    dialog = SettingsDialog(book.db, "groups")
    qtbot.addWidget(dialog)
    editor = choose_group(dialog, WEAVERS)
    editor.join_person.setText("นาง มาลัย  ทองคำ")
    qtbot.mouseClick(editor.join_button, Qt.MouseButton.LeftButton)
    assert dialog.parts.groups.message.text() == "นางมาลัย ทองคำ อยู่ในกลุ่มแล้ว เปลี่ยนตำแหน่งได้ในตาราง"
    assert len(members_shown(editor)) == 4
    assert editor.join_person.text() == "นาง มาลัย  ทองคำ"  # kept, to be corrected


def test_a_new_loan_with_no_fund_says_so_and_offers_the_settings(qtbot, db, monkeypatch):
    with db.session() as s:
        setup.set_officer(s, OFFICER)
        places.set_place(s, *PLACE)
        places.add_village(s, 1, "บ้านโนนสูง")
    dialog = NewLoanDialog(db, TODAY)
    qtbot.addWidget(dialog)
    assert not dialog.form.isRowVisible(dialog.fund)
    assert dialog.no_funds_text.text() == "ยังไม่มีกองทุนในฐานข้อมูลนี้ ต้องเพิ่มกองทุนก่อนจึงจะยื่นคำขอกู้ได้"
    assert not dialog.save_button.isEnabled()

    def add_fund(parent, database, tab=None):
        settings = SettingsDialog(database, tab, parent)
        assert settings.tabs.currentIndex() == settings.tab_index["funds"]
        settings.parts.funds.name.setText("กข.คจ. บ้านโนนสูง")
        settings.parts.funds.kind.setCurrentIndex(settings.parts.funds.kind.findData("kkkj"))
        qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
        return settings.result() == SettingsDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "ask", add_fund)
    qtbot.mouseClick(dialog.fund_settings_button, Qt.MouseButton.LeftButton)
    assert dialog.form.isRowVisible(dialog.fund)
    assert dialog.fund.currentText() == "กข.คจ. บ้านโนนสูง"
    assert dialog.rate.text() == "0"
    assert dialog.save_button.isEnabled()


# --- the demo and the officer's own subdistrict -------------------------------------------------------


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    """The demo subdistrict, built once (it takes seconds) and copied for each test."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    database = open_database(path)
    with database.session() as s:
        build_demo(s, today=TODAY)
    database.dispose()
    return path


@pytest.fixture
def demo(tmp_path, demo_template):
    shutil.copy(demo_template, tmp_path / "demo.sqlite")
    database = open_database(tmp_path / "demo.sqlite")
    yield database
    QThreadPool.globalInstance().waitForDone()
    database.dispose()


def test_start_my_own_from_the_demo_switches_the_window_to_a_database_the_wizard_set_up(
    qtbot, demo, tmp_path, wait_idle, monkeypatch
):
    window = MainWindow(demo, TODAY)
    qtbot.addWidget(window)
    window.show()
    wait_idle()
    assert window.demo_button.isVisible()
    assert window.demo_button.text() == "ข้อมูลตัวอย่าง – เริ่มตำบลของฉัน…"
    assert window.own_action.text() == "เริ่มตำบลของฉัน…"
    own_path = tmp_path / "mine" / "fieldtool.sqlite"
    monkeypatch.setenv("FIELDTOOL_DB", str(own_path))

    def start(parent, current):
        dialog = StartOwnDialog(current, parent)
        assert dialog.path.text() == str(own_path)  # the default place, which `fieldtool` opens
        assert "จะสร้างฐานข้อมูลใหม่ที่นี่" in dialog.state.text()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.opened

    def set_up(parent, database):
        wizard = SetupWizard(database, parent)
        qtbot.addWidget(wizard)
        wizard.show()
        fill_wizard(qtbot, wizard, monkeypatch)
        press(qtbot, wizard, QWizard.WizardButton.FinishButton)
        return wizard.result() == QWizard.DialogCode.Accepted

    monkeypatch.setattr(StartOwnDialog, "ask", start)
    monkeypatch.setattr(SetupWizard, "ask", set_up)
    qtbot.mouseClick(window.demo_button, Qt.MouseButton.LeftButton)
    wait_idle()

    assert window.db.path == own_path
    assert window.status_db.text() == f"ฐานข้อมูล: {own_path}"
    assert window.status_officer.text() == f"พัฒนากร: {OFFICER}"
    assert not window.demo_button.isVisible()
    assert window.today.message.text() == f"เปิดตำบลของฉันแล้ว ฐานข้อมูลอยู่ที่ {own_path}"
    assert window.today.notices.rowCount() == 0  # her own subdistrict has no loans yet
    with window.db.session() as s:
        assert [f.name for f in setup.setup_view(s).funds] == ["กองทุนพัฒนาบทบาทสตรี ต.โนนกลาง"]
    with demo.session() as s:
        assert len(setup.setup_view(s).funds) == 3  # the demo is left as it was
    assert demo.setting("own_database") == str(own_path)


def test_start_my_own_opens_the_database_already_there_without_the_wizard(qtbot, demo, tmp_path, monkeypatch):
    own_path = tmp_path / "own.sqlite"
    own = open_database(own_path)
    with own.session() as s:
        setup.set_officer(s, OFFICER)
        places.set_place(s, *PLACE)
    own.dispose()
    monkeypatch.setenv("FIELDTOOL_DB", str(own_path))
    window = MainWindow(demo, TODAY)
    qtbot.addWidget(window)

    def start(parent, current):
        dialog = StartOwnDialog(current, parent)
        assert dialog.state.text().startswith("มีฐานข้อมูลที่นี่แล้ว จะเปิดฐานข้อมูลนี้")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.opened

    asked = []
    monkeypatch.setattr(StartOwnDialog, "ask", start)
    monkeypatch.setattr(SetupWizard, "ask", lambda parent, database: asked.append(database) or True)
    window.own_action.trigger()
    assert asked == []
    assert window.db.path == own_path
    assert window.status_place.text() == "ต.โนนกลาง อ.พิบูลมังสาหาร จ.อุบลราชธานี"


def test_start_my_own_refuses_the_database_that_is_open(qtbot, demo):
    dialog = StartOwnDialog(demo)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(demo.path))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "นี่คือฐานข้อมูลที่เปิดอยู่แล้ว ให้เลือกที่อื่น"
    assert dialog.opened is None


def run_gui_once(qapp, qtbot, monkeypatch, path) -> list:
    """`run_gui` as on a laptop with a screen (offscreen here), its event loop run briefly; the wizards asked."""
    asked = []
    monkeypatch.setattr(app_module, "HEADLESS_PLATFORMS", ())
    monkeypatch.setattr(SetupWizard, "ask", lambda parent, database: asked.append(database.path) or False)

    def event_loop():
        qtbot.wait(200)
        return 0

    monkeypatch.setattr(qapp, "exec", event_loop)
    assert app_module.run_gui(path) == 0
    return asked


def test_the_wizard_opens_by_itself_on_an_empty_database_but_not_on_the_demo(
    qapp, qtbot, tmp_path, demo_template, monkeypatch
):
    empty = tmp_path / "new.sqlite"
    assert run_gui_once(qapp, qtbot, monkeypatch, empty) == [empty]
    demo_copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_template, demo_copy)
    assert run_gui_once(qapp, qtbot, monkeypatch, demo_copy) == []


# --- small pieces ------------------------------------------------------------------------------------


def test_village_lines_are_read_as_typed_or_pasted():
    text = "1 บ้านโนนสูง\nหมู่ 2 บ้านหนองบัว\n๓\tบ้านดอนจิก\n\nบ้านคำแคน\nม.10 บ้านดงบัง"
    assert parse_village_lines(text, set()) == [
        (1, "บ้านโนนสูง"), (2, "บ้านหนองบัว"), (3, "บ้านดอนจิก"), (4, "บ้านคำแคน"), (10, "บ้านดงบัง")
    ]
    with pytest.raises(InputError, match="บรรทัดที่ 2: มีหมู่ที่ 1 แล้ว"):
        parse_village_lines("5 บ้านนาโพธิ์\n1 บ้านซ้ำ", {1})


def test_the_villages_list_passes_the_model_tester(qtbot, qtmodeltester, book):
    dialog = SettingsDialog(book.db)
    qtbot.addWidget(dialog)
    dialog.parts.villages.add(3, "บ้านดอนจิก")
    qtmodeltester.check(dialog.parts.villages.model)
    qtmodeltester.check(dialog.parts.funds.model)
    qtmodeltester.check(dialog.parts.groups.model)
    add_weavers(book)
    dialog = SettingsDialog(book.db, "groups")
    qtbot.addWidget(dialog)
    editor = choose_group(dialog, WEAVERS)
    editor.join_person.setText("นางลำดวน แสนทวี")
    editor.join_typed()
    qtmodeltester.check(editor.model)


def test_the_wizard_speaks_english_when_the_language_is_switched(qtbot, db):
    i18n.set_language("en")
    wizard = open_wizard(qtbot, db)
    assert wizard.currentPage().title() == "Step 1 of 7: Officer and office"
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "Next >"
    next_page(qtbot, wizard)  # no name: refused, in English
    assert wizard.parts.office.message.text() == "The officer's name is required"
    assert wizard.currentPage() is wizard.pages["office"]


def test_a_set_up_subdistrict_offers_no_set_up_and_file_settings_opens_the_settings(
    qtbot, book, wait_idle, monkeypatch
):
    window = MainWindow(book.db, book.today + timedelta(days=1))
    qtbot.addWidget(window)
    window.show()
    wait_idle()
    assert not window.today.setup_note.isVisible()
    assert not window.setup_button.isVisible()
    asked = []
    monkeypatch.setattr(SettingsDialog, "ask", lambda parent, database, tab=None: asked.append(tab) or True)
    window.settings_action.trigger()
    assert asked == [None]
    assert window.statusBar().currentMessage() == "บันทึกการตั้งค่าแล้ว"


def test_half_set_up_the_today_button_opens_the_settings_on_what_is_missing(qtbot, db, wait_idle, monkeypatch):
    with db.session() as s:
        setup.set_officer(s, OFFICER)
        places.set_place(s, *PLACE)
        places.add_village(s, 1, "บ้านโนนสูง")
    window = MainWindow(db, TODAY)
    qtbot.addWidget(window)
    window.show()
    wait_idle()
    assert window.today.setup_text.text().endswith("กองทุนอย่างน้อยหนึ่งกองทุน")
    asked = []
    monkeypatch.setattr(SettingsDialog, "ask", lambda parent, database, tab=None: asked.append(tab) or False)
    qtbot.mouseClick(window.today.setup_button, Qt.MouseButton.LeftButton)
    assert asked == ["funds"]
