"""The 4ท plan editor (revisions, actions typed in the table, progress notes, printing) and the summary page."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from fieldtool import plans
from fieldtool.models import HouseholdPlan
from fieldtool.plans import ActionInput, PlanInput
from fieldtool.vocabulary import Dimension
from ui.plans.editor import PlanEditor
from ui.plans.progress import ActionProgressDialog
from ui.plans.summary import PlansSummaryView
from ui.qt import Qt

from .conftest import add_target_household, ink


def new_household(book, needs=None):
    return add_target_household(
        book.db, book.village1, "นาง", "มาลัย", "ศรีสุข", needs or {"income": "รายได้ไม่พอ"}
    )


def open_editor(qtbot, book, hid, day=None):
    editor = PlanEditor(book.db, hid, day or book.today)
    qtbot.addWidget(editor)
    editor.resize(1150, 720)
    editor.show()
    return editor


def type_action(tab, *values) -> int:
    row = tab.add_action()
    for col, value in enumerate(values):
        assert tab.model.setData(tab.model.index(row, col), value)
    return row


def revisions(db, hid) -> int:
    with db.session() as s:
        return s.scalar(
            select(func.count()).select_from(HouseholdPlan).where(HouseholdPlan.household_id == hid)
        )


def test_first_plan_is_typed_in_and_saved_as_revision_one(qtbot, book):
    hid = new_household(book)
    editor = open_editor(qtbot, book, hid)
    assert editor.is_draft() and editor.revision.currentText() == "ร่างฉบับที่ 1 (ยังไม่บันทึก)"
    assert [editor.tabs.tabText(i) for i in range(4)] == ["ทัศนคติ", "ทักษะ", "ทรัพยากร", "ทางออก"]
    editor.participants.setText("หัวหน้าครัวเรือน พัฒนากร ผู้ใหญ่บ้าน")
    editor.parts["attitude"].findings.setPlainText("อยากมีรายได้ประจำ ยังไม่เคยทำบัญชีครัวเรือน")
    editor.parts["skills"].findings.setPlainText("เลี้ยงไก่พื้นเมืองเป็น")
    editor.tabs.setCurrentIndex(1)
    type_action(editor.parts["skills"], "อบรมการเลี้ยงไก่ไข่", "ปศุสัตว์อำเภอ", "15/12/2569", "วิทยากร", "1,500")
    type_action(editor.parts["attitude"], "จดบัญชีครัวเรือนทุกวัน", "ตนเอง", "", "", "")
    assert editor.tabs.tabText(1) == "ทักษะ (1)"
    skills = editor.parts["skills"].model
    assert [skills.index(0, c).data() for c in range(6)] == [
        "อบรมการเลี้ยงไก่ไข่",
        "ปศุสัตว์อำเภอ",
        "15 ธ.ค. 2569",
        "วิทยากร",
        "1,500.00",
        "ยังไม่เริ่ม",
    ]
    assert skills.index(0, 4).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    editor.decision.setPlainText("จะเลี้ยงไก่ไข่ ๒๐ ตัว ขายไข่ในหมู่บ้าน")
    with qtbot.waitSignal(editor.changed):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.message.text() == "บันทึกแผนฉบับที่ 1 แล้ว ฉบับก่อนหน้ายังเปิดอ่านได้"
    assert not editor.is_draft() and editor.shown_revision() == 1
    assert editor.parts["skills"].findings.isReadOnly() and not editor.parts["skills"].model.editable
    with book.db.session() as s:
        view = plans.plan_view(s, hid, book.today)
    assert view.revision == 1 and view.decision == "จะเลี้ยงไก่ไข่ ๒๐ ตัว ขายไข่ในหมู่บ้าน"
    (skill,) = [a for a in view.actions if a.part == "skills"]
    assert (skill.what, skill.due_on, skill.budget_satang) == ("อบรมการเลี้ยงไก่ไข่", date(2026, 12, 15), 150_000)


def saved_plan(book, hid, made_on):
    with book.db.session() as s:
        plans.save_plan(
            s,
            hid,
            PlanInput(
                made_on=made_on,
                findings={"attitude": "ท้อแท้ หนี้นอกระบบ", "skills": "ทอผ้าเป็น"},
                actions=[
                    ActionInput("skills", "อบรมการตลาดออนไลน์", "พัฒนากร", made_on + timedelta(days=20)),
                    ActionInput(
                        "resources",
                        "ขอรับเส้นไหม",
                        "อบต.โนนกลาง",
                        made_on + timedelta(days=40),
                        budget_satang=200_000,
                    ),
                ],
                decision="ทอผ้าขายเพิ่ม",
                participants="หัวหน้าครัวเรือน",
            ),
        )


def test_revision_two_is_saved_and_revision_one_stays_readable(qtbot, book):
    hid = new_household(book)
    saved_plan(book, hid, book.today - timedelta(days=60))
    editor = open_editor(qtbot, book, hid)
    assert editor.shown_revision() == 1 and not editor.is_draft()
    assert "ฉบับล่าสุด" in editor.state.text()

    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    assert editor.is_draft() and editor.revision.currentText() == "ร่างฉบับที่ 2 (ยังไม่บันทึก)"
    # what was found is kept; the open actions are carried over
    assert editor.parts["skills"].findings.toPlainText() == "ทอผ้าเป็น"
    assert editor.parts["resources"].model.rowCount() == 1
    editor.parts["skills"].findings.setPlainText("ทอผ้าเป็น ขายได้ในตลาดนัดแล้ว")
    type_action(editor.parts["way_out"], "เปิดร้านค้าออนไลน์", "ลูกสาว", "31/1/2570", "โทรศัพท์มือถือ", "")
    editor.decision.setPlainText("ขายผ้าทางออนไลน์ด้วย")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert revisions(book.db, hid) == 2
    assert editor.shown_revision() == 2
    assert [editor.revision.itemText(i) for i in range(editor.revision.count())] == [
        "ฉบับที่ 1 · 23 ก.ย. 2569",
        "ฉบับที่ 2 · 22 พ.ย. 2569 · ล่าสุด",
    ]

    editor.revision.setCurrentIndex(0)  # the earlier revision, read-only
    assert editor.shown_revision() == 1
    assert editor.parts["skills"].findings.toPlainText() == "ทอผ้าเป็น"
    assert editor.decision.toPlainText() == "ทอผ้าขายเพิ่ม"
    assert editor.parts["way_out"].model.rowCount() == 0
    assert editor.decision.isReadOnly() and editor.made_on.isReadOnly()
    assert "อ่านอย่างเดียว (ฉบับล่าสุดคือฉบับที่ 2)" in editor.state.text()
    assert not editor.new_button.isHidden() and editor.save_button.isHidden()
    with book.db.session() as s:
        assert plans.plan_view(s, hid, book.today, 1).decision == "ทอผ้าขายเพิ่ม"
        assert plans.plan_view(s, hid, book.today).decision == "ขายผ้าทางออนไลน์ด้วย"


def test_a_bad_date_in_an_action_is_refused_and_nothing_is_saved(qtbot, book):
    hid = new_household(book)
    editor = open_editor(qtbot, book, hid)
    row = type_action(editor.parts["resources"], "ซ่อมหลังคา", "อบต.", "31/02/2570", "", "15,000")
    assert editor.parts["resources"].model.index(row, 2).data(Qt.ItemDataRole.ForegroundRole) is not None
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.message.text().startswith("วันที่ไม่ถูกต้อง")
    assert editor.is_draft() and revisions(book.db, hid) == 0
    editor.parts["resources"].model.setData(editor.parts["resources"].model.index(row, 2), "28/02/2570")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert revisions(book.db, hid) == 1


def test_an_empty_plan_is_refused(qtbot, book):
    editor = open_editor(qtbot, book, new_household(book))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.message.text() == "แผนว่างเปล่า บันทึกสิ่งที่พบหรือกิจกรรมอย่างน้อยหนึ่งอย่าง"


def test_progress_note_on_an_action_of_the_latest_revision(qtbot, book, monkeypatch):
    hid = new_household(book)
    saved_plan(book, hid, book.today - timedelta(days=60))
    editor = open_editor(qtbot, book, hid)
    editor.tabs.setCurrentIndex(2)
    tab = editor.parts["resources"]
    assert not tab.progress_button.isEnabled()
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    assert tab.progress_button.isEnabled()

    def answer(parent, db, action_id, what, status, day):
        dlg = ActionProgressDialog(db, action_id, what, status, day, parent=parent)
        assert dlg.status.currentData() == "in_progress"
        dlg.note.setText("อบต. อนุมัติงบแล้ว")
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
        return dlg.result() == dlg.DialogCode.Accepted

    monkeypatch.setattr(ActionProgressDialog, "ask", answer)
    with qtbot.waitSignal(editor.changed):
        qtbot.mouseClick(tab.progress_button, Qt.MouseButton.LeftButton)
    assert tab.model.index(0, 5).data() == "กำลังดำเนินการ"
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    assert tab.notes.text().endswith("22 พ.ย. 2569 · กำลังดำเนินการ · อบต. อนุมัติงบแล้ว")
    # the next revision carries the action with its history
    editor.start_draft()
    assert editor.parts["resources"].model.row_at(0).notes[-1][2] == "อบต. อนุมัติงบแล้ว"


def test_overdue_action_is_marked(qtbot, book):
    hid = new_household(book)
    saved_plan(book, hid, book.today - timedelta(days=60))
    editor = open_editor(qtbot, book, hid)
    skills = editor.parts["skills"].model
    assert skills.index(0, 2).data() == "13 ต.ค. 2569 (เลยกำหนด)"
    assert skills.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_print_plan_opens_the_preview(qtbot, book):
    hid = new_household(book)
    saved_plan(book, hid, book.today - timedelta(days=60))
    editor = open_editor(qtbot, book, hid)
    qtbot.mouseClick(editor.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.preview is not None, timeout=30_000)
    qtbot.addWidget(editor.preview)
    assert editor.preview.page_count() >= 1
    image = editor.preview.page_image(0)
    assert not image.isNull() and ink(image) > 100
    assert editor.preview.windowTitle() == "แผนพัฒนาครัวเรือน นางมาลัย ศรีสุข ฉบับที่ 1"


def test_printing_a_draft_is_not_offered(qtbot, book):
    editor = open_editor(qtbot, book, new_household(book))
    assert not editor.print_button.isEnabled()
    editor.print_plan()
    assert editor.message.text() == "บันทึกแผนก่อนจึงจะพิมพ์ได้"


def test_actions_model_passes_the_model_tester(qtbot, qtmodeltester, book):
    hid = new_household(book)
    saved_plan(book, hid, book.today - timedelta(days=60))
    editor = open_editor(qtbot, book, hid)
    qtmodeltester.check(editor.parts["resources"].model)
    editor.start_draft()
    type_action(editor.parts["skills"], "อบรม", "", "", "", "")
    qtmodeltester.check(editor.parts["skills"].model)


# --- the summary ------------------------------------------------------------------------------------


def test_summary_numbers_match_the_domain(qtbot, book):
    day = book.today
    a = new_household(book, {"income": "รายได้ไม่พอ", "health": "ติดเตียง"})
    b = add_target_household(book.db, book.village2, "นาย", "บุญมี", "ทองคำ", {"income": "ไม่มีงาน"})
    saved_plan(
        book, a, day - timedelta(days=30)
    )  # one action overdue (due 20 days after), one due this month
    with book.db.session() as s:
        plans.save_plan(
            s,
            b,
            PlanInput(
                made_on=day,
                findings={"skills": "ซ่อมรถเป็น"},
                actions=[
                    ActionInput(
                        "skills",
                        "ขอทุนตั้งร้านซ่อม",
                        "อบต.โนนกลาง",
                        day + timedelta(days=3),
                        budget_satang=500_000,
                    )
                ],
            ),
        )
        expected = plans.plans_summary(s, day)
    view = PlansSummaryView(book.db, day)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    assert view.title.text() == "สรุปแผนพัฒนาครัวเรือน ณ วันที่ 22 พฤศจิกายน 2569"
    assert view.due.rowCount() == len(expected.due_this_month)
    assert view.overdue.rowCount() == len(expected.overdue) == 1
    assert view.tabs.tabText(0) == f"กิจกรรมครบกำหนดเดือนนี้ ({len(expected.due_this_month)})"
    assert view.tabs.tabText(1) == "กิจกรรมเลยกำหนด (1)"
    assert view.overdue.index(0, 4).data() == expected.overdue[0].what
    assert expected.needs_by_dimension["income"] == 2
    assert view.chart.items == [(Dimension(d).label.th, n) for d, n in expected.needs_by_dimension.items()]
    agencies = {
        view.agencies.index(r, 0).data(): [view.agencies.index(r, c).data() for c in (1, 2, 3)]
        for r in range(view.agencies.rowCount())
    }
    assert agencies == {
        k: [str(v["actions"]), str(v["open"]), f"{v['budget_satang'] / 100:,.2f}"]
        for k, v in expected.help_by_agency.items()
    }
    assert agencies["อบต.โนนกลาง"] == ["2", "2", "7,000.00"]
    statuses = {view.statuses.index(r, 0).data(): int(view.statuses.index(r, 1).data()) for r in range(5)}
    assert statuses["กำลังพัฒนา"] == expected.status_counts["in_progress"] == 2
    assert (
        f"ครัวเรือนที่มีแผน {expected.households_with_plans} ครัวเรือน" in view.totals.text()
        and "งบประมาณรวม 7,000.00 บาท" in view.totals.text()
    )
    with qtbot.waitSignal(view.open_household) as opened:
        from ui.qt import emit

        emit(view.overdue_view.activated, view.overdue.index(0, 0))
    assert opened.args == [a]


def test_summary_models_pass_the_model_tester(qtbot, qtmodeltester, book):
    hid = new_household(book)
    saved_plan(book, hid, book.today - timedelta(days=30))
    view = PlansSummaryView(book.db, book.today)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    for model in (view.due, view.overdue, view.agencies, view.statuses):
        qtmodeltester.check(model)


def test_summary_of_an_empty_book_says_so(qtbot, db):
    from .conftest import TODAY

    view = PlansSummaryView(db, TODAY)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    assert view.chart.items == []
    assert view.due.rowCount() == 0
    assert view.empty_notes["due"].label.text() == "ไม่มีกิจกรรมที่ครบกำหนดในเดือนนี้"
    assert view.empty_notes["agencies"].label.isVisibleTo(view.agency_view)
