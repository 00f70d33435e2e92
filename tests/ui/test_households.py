"""The household register and page: search inside Thai words, filters, the stale flag, adding a household
with the duplicate guard (open the existing one, or add anyway), status and needs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from fieldtool import households, visits
from fieldtool.models import Household
from fieldtool.visits import VisitInput
from ui.households.dialogs import AddHouseholdDialog, NeedsDialog
from ui.households.page import HouseholdPage
from ui.households.register import HouseholdsView
from ui.qt import QItemSelectionModel, Qt, emit

from .conftest import add_target_household, household_of
from .test_register import type_thai


def household_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Household))


def with_targets(book):
    """Two TPMAP households in need, one of them checked on site last month."""
    malai = add_target_household(
        book.db, book.village1, "นาง", "มาลัย", "ศรีสุข", {"income": "รายได้ไม่พอ", "health": "ผู้สูงอายุติดเตียง"}
    )
    boonmee = add_target_household(
        book.db, book.village2, "นาย", "บุญมี", "ทองคำ", {"education": "บุตรหลุดจากระบบ"}, source="field"
    )
    with book.db.session() as s:
        visits.add_visit(
            s,
            VisitInput(
                visited_on=book.today - timedelta(days=30),
                village_id=book.village1,
                purposes=["plan"],
                findings="ตรวจข้อมูลครัวเรือน",
                households=[malai],
                verified=[("household", malai)],
            ),
            book.db.photo_dir,
        )
    return malai, boonmee


def open_households(qtbot, book):
    view = HouseholdsView(book.db, book.today)
    qtbot.addWidget(view)
    view.resize(1280, 700)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    return view


def heads(view) -> list[str]:
    return [view.model.index(r, 0).data() for r in range(view.model.rowCount())]


def row_of(view, name):
    r = heads(view).index(name)
    return [view.model.index(r, c).data() for c in range(view.model.columnCount())]


def test_register_shows_source_status_needs_and_the_stale_flag(qtbot, book):
    with_targets(book)
    view = open_households(qtbot, book)
    assert view.model.rowCount() == 6  # four borrowers' households and two target households
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())]
    assert headers == [
        "หัวหน้าครัวเรือน",
        "หมู่บ้าน",
        "บ้านเลขที่",
        "ที่มา",
        "สถานะครัวเรือน",
        "ความจำเป็น",
        "แผน 4ท",
        "ตรวจสอบในพื้นที่",
    ]
    malai = row_of(view, "นางมาลัย ศรีสุข")
    assert malai[:7] == [
        "นางมาลัย ศรีสุข",
        "หมู่ที่ 1 บ้านโนนสูง",
        "9",
        "TPMAP",
        "ครัวเรือนเป้าหมาย",
        "สุขภาพ, รายได้",
        "–",
    ]
    assert malai[7] == "23 ต.ค. 2569"  # checked on site a month ago: fresh
    boonmee = row_of(view, "นายบุญมี ทองคำ")
    assert boonmee[3] == "นอก TPMAP"
    assert boonmee[7] == "⚠ ยังไม่เคยตรวจสอบ"  # never checked on site: stale, highlighted
    r = heads(view).index("นายบุญมี ทองคำ")
    assert view.model.index(r, 7).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert view.model.index(heads(view).index("นางมาลัย ศรีสุข"), 7).data(Qt.ItemDataRole.BackgroundRole) is None
    assert view.count.text() == "แสดง 6 จาก 6 ครัวเรือน · ข้อมูลเก่า 5"


def test_search_inside_thai_words_and_filters(qtbot, book):
    with_targets(book)
    view = open_households(qtbot, book)
    type_thai(view.search, "สุข")
    qtbot.waitUntil(lambda: heads(view) == ["นางมาลัย ศรีสุข"])
    view.search.setText("ติดเตียง")  # a need's description
    view.apply_filters()
    assert heads(view) == ["นางมาลัย ศรีสุข"]
    view.search.clear()
    view.need.setCurrentIndex(view.need.findData("education"))
    assert heads(view) == ["นายบุญมี ทองคำ"]
    view.need.setCurrentIndex(0)
    view.village.setCurrentIndex(view.village.findData(book.village2))
    assert set(heads(view)) == {"นายไพโรจน์ บุญมา", "นางสาวอรุณี แก้วมณี", "นายบุญมี ทองคำ"}
    view.village.setCurrentIndex(0)
    view.stale_only.setChecked(True)
    assert "นางมาลัย ศรีสุข" not in heads(view) and len(heads(view)) == 5
    view.stale_only.setChecked(False)
    view.status.setCurrentIndex(view.status.findData("out_of_poverty"))
    assert heads(view) == []
    assert view.empty.label.isVisibleTo(view.view) or not view.isVisible()
    assert view.empty.label.text() == "ไม่พบครัวเรือนที่ตรงกับการค้นหาและตัวกรอง"


def test_household_model_passes_the_model_tester(qtbot, qtmodeltester, book):
    with_targets(book)
    view = open_households(qtbot, book)
    qtmodeltester.check(view.model)


def fill(dlg, village, title, first, last, **kw):
    dlg.village.setCurrentIndex(dlg.village.findData(village))
    dlg.title_box.setCurrentText(title)
    dlg.first_name.setText(first)
    dlg.last_name.setText(last)
    dlg.house_no.setText(kw.get("house_no", "12"))
    dlg.phone.setText(kw.get("phone", ""))
    dlg.national_id.setText(kw.get("national_id", ""))


def test_add_a_household_with_members_and_needs(qtbot, book, monkeypatch):
    view = open_households(qtbot, book)

    def answer(parent, db, village_id=None):
        dlg = AddHouseholdDialog(db, village_id, parent=parent)
        fill(dlg, book.village2, "นาง", "ประนอม", "จันทร์หอม", phone="0812223333")
        dlg.source.setCurrentIndex(dlg.source.findData("tpmap"))
        dlg.add_member_row("นาย", "สมพงษ์", "จันทร์หอม", "", "สามี")
        dlg.needs.set_need("living", "หลังคารั่ว")
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
        return dlg.outcome

    monkeypatch.setattr(AddHouseholdDialog, "ask", answer)
    with qtbot.waitSignal(view.open_household) as opened:
        qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    with book.db.session() as s:
        hv = households.household_view(s, opened.args[0], book.today)
    assert hv.head == "นางประนอม จันทร์หอม" and hv.source == "tpmap" and hv.phone == "0812223333"
    assert hv.members == [("นางประนอม จันทร์หอม", "หัวหน้าครัวเรือน"), ("นายสมพงษ์ จันทร์หอม", "สามี")]
    assert hv.needs == {"living": "หลังคารั่ว"}
    qtbot.waitUntil(lambda: "นางประนอม จันทร์หอม" in heads(view), timeout=20_000)


def test_duplicate_warning_then_open_the_existing_household(qtbot, book, monkeypatch):
    """A spelling variant (ส for ศ) of a head already in the village is caught; the officer opens the old one."""
    view = open_households(qtbot, book)
    before = household_count(book.db)
    somsri = household_of(book.db, book.loans["somsri"])
    seen = {}

    def answer(parent, db, village_id=None):
        dlg = AddHouseholdDialog(db, village_id, parent=parent)
        fill(dlg, book.village1, "นาง", "สมสรี", "ใจดี")
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
        seen["visible"] = dlg.duplicates.isVisibleTo(dlg)
        seen["error"] = dlg.error.text()
        seen["matches"] = [dlg.match_list.item(i).text() for i in range(dlg.match_list.count())]
        seen["save_enabled"] = dlg.save_button.isEnabled()
        qtbot.mouseClick(dlg.open_existing_button, Qt.MouseButton.LeftButton)
        return dlg.outcome

    monkeypatch.setattr(AddHouseholdDialog, "ask", answer)
    with qtbot.waitSignal(view.open_household) as opened:
        qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    assert seen["visible"] and not seen["save_enabled"]
    assert seen["error"].startswith("นางสมสรี ใจดี อาจซ้ำกับ นางสมศรี ใจดี (หมู่ที่ 1 บ้านโนนสูง) ที่มีในทะเบียนแล้ว")
    assert seen["matches"][0].startswith("นางสมศรี ใจดี · หมู่ที่ 1 บ้านโนนสูง · ชื่อคล้ายกันในหมู่บ้านเดียวกัน")
    assert opened.args == [somsri]
    assert household_count(book.db) == before  # nothing was added


def test_duplicate_by_national_id_and_add_anyway(qtbot, book):
    from fieldtool.thai import national_id_check_digit

    nid = "110170012345" + str(national_id_check_digit("110170012345"))
    add_target_household(book.db, book.village1, "นาย", "ประเสริฐ", "ทองสุข", national_id=nid)
    dlg = AddHouseholdDialog(book.db)
    qtbot.addWidget(dlg)
    fill(dlg, book.village2, "นาย", "ประสิทธิ์", "มีสุข", national_id=nid)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.duplicates.isVisibleTo(dlg)
    assert "เลขประจำตัวประชาชนเดียวกัน" in dlg.match_list.item(0).text()
    # the officer corrects the ID: the warning goes and saving is possible again
    dlg.national_id.clear()
    emit(dlg.national_id.textEdited, "")
    assert not dlg.duplicates.isVisibleTo(dlg) and dlg.save_button.isEnabled()
    before = household_count(book.db)
    fill(dlg, book.village1, "นาย", "กมล", "ทองดี")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.duplicates.isVisibleTo(dlg)  # the same name in the same village
    qtbot.mouseClick(dlg.add_anyway_button, Qt.MouseButton.LeftButton)  # a namesake: add it anyway
    assert dlg.outcome[0] == "new"
    assert household_count(book.db) == before + 1


def test_add_household_refuses_a_missing_name(qtbot, book):
    dlg = AddHouseholdDialog(book.db)
    qtbot.addWidget(dlg)
    before = household_count(book.db)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.error.text() == "กรุณากรอกชื่อหัวหน้าครัวเรือน"
    fill(dlg, book.village1, "นาง", "ทดลอง", "ระบบ", phone="12345")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.error.text().startswith('เบอร์โทรศัพท์ไม่ถูกต้อง: "12345"')
    assert household_count(book.db) == before


# --- the household page ------------------------------------------------------------------------------------


def open_page(qtbot, book, hid):
    page = HouseholdPage(book.db, hid, book.today)
    qtbot.addWidget(page)
    page.show()
    return page


def test_household_page_shows_details_loans_visits_and_verification(qtbot, book):
    malai, _ = with_targets(book)
    page = open_page(qtbot, book, malai)
    assert page.header_text("head") == "นางมาลัย ศรีสุข"
    assert page.header_text("village") == "หมู่ที่ 1 บ้านโนนสูง"
    assert page.header_text("source") == "TPMAP"
    assert page.header_text("status") == "ครัวเรือนเป้าหมาย"
    assert page.header_text("verified") == "23 ต.ค. 2569 โดย นางสาวพัชรินทร์ ทดสอบ"
    assert page.header_text("plan") == "ยังไม่มีแผน"
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "สมาชิก (1)",
        "ความจำเป็น (2)",
        "สัญญาเงินกู้ (0)",
        "การลงพื้นที่ (1)",
        "ตรวจสอบในพื้นที่ (1)",
        "แผน 4ท",
    ]
    assert page.verified.index(0, 2).data() == "ตรวจสอบทุกรายการ ถูกต้อง"
    assert page.visits.index(0, 0).data().startswith("23 ต.ค. 2569")

    borrower = open_page(qtbot, book, household_of(book.db, book.loans["pairoj"]))
    assert borrower.loans.rowCount() == 1
    assert [borrower.loans.index(0, c).data() for c in (0, 3, 6)] == ["ส-002", "ทวงถาม", "515.00"]
    assert borrower.header_text("verified") == "ยังไม่เคยตรวจสอบ · ข้อมูลเก่า ควรลงพื้นที่ตรวจสอบ"
    assert borrower.header_text("phone") == "089-876-5432"
    with qtbot.waitSignal(borrower.open_loan) as opened:
        emit(borrower.loan_view.activated, borrower.loans.index(0, 0))
    assert opened.args == [book.loans["pairoj"]]


def test_status_and_needs_changed_on_the_page(qtbot, book, monkeypatch):
    malai, _ = with_targets(book)
    page = open_page(qtbot, book, malai)
    page.status.setCurrentIndex(page.status.findData("out_of_poverty"))
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.status_button, Qt.MouseButton.LeftButton)
    assert page.header_text("status") == "พ้นความยากจน"
    assert page.message.text() == 'เปลี่ยนสถานะเป็น "พ้นความยากจน" แล้ว'

    def answer(parent, db, household_id, needs):
        dlg = NeedsDialog(db, household_id, needs, parent=parent)
        dlg.editor.boxes["health"].setChecked(False)
        dlg.editor.set_need("access", "ยังไม่ได้ลงทะเบียนสวัสดิการแห่งรัฐ")
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
        return dlg.result() == dlg.DialogCode.Accepted

    monkeypatch.setattr(NeedsDialog, "ask", answer)
    qtbot.mouseClick(page.needs_button, Qt.MouseButton.LeftButton)
    assert [page.needs.index(r, 0).data() for r in range(page.needs.rowCount())] == [
        "รายได้",
        "การเข้าถึงบริการภาครัฐ",
    ]
    with book.db.session() as s:
        assert households.household_view(s, malai, book.today).needs == {
            "income": "รายได้ไม่พอ",
            "access": "ยังไม่ได้ลงทะเบียนสวัสดิการแห่งรัฐ",
        }


def test_household_page_models_pass_the_model_tester(qtbot, qtmodeltester, book):
    malai, _ = with_targets(book)
    page = open_page(qtbot, book, malai)
    for model in (page.members, page.needs, page.loans, page.visits, page.verified):
        qtmodeltester.check(model)


def test_select_and_open_from_the_register(qtbot, book):
    with_targets(book)
    view = open_households(qtbot, book)
    assert not view.open_button.isEnabled()
    r = heads(view).index("นายบุญมี ทองคำ")
    view.view.selectionModel().select(
        view.model.index(r, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert view.open_button.isEnabled() and view.visit_button.isEnabled()
    with qtbot.waitSignal(view.new_visit) as asked:
        qtbot.mouseClick(view.visit_button, Qt.MouseButton.LeftButton)
    assert asked.args == [view.model.row_at(r).id]
