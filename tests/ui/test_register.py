"""The loan register: search inside Thai words, filters, Thai dictionary order, numeric money sort."""

from __future__ import annotations

from ui.loans.register import BORROWER_COLUMN, RegisterModel, RegisterView
from ui.qt import QApplication, QEvent, QKeyEvent, QPoint, Qt


def type_thai(widget, text: str) -> None:
    """Type as a keyboard would; QTest.keyClicks knows only ASCII keys."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def open_register(qtbot, book):
    view = RegisterView(book.db, book.today)
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    return view


def borrowers(view) -> list[str]:
    model = view.model
    return [model.index(r, BORROWER_COLUMN).data() for r in range(model.rowCount())]


def test_search_finds_text_inside_a_thai_word(qtbot, book):
    view = open_register(qtbot, book)
    type_thai(view.search, "ศรี")
    assert view.search.text() == "ศรี"
    qtbot.waitUntil(lambda: borrowers(view) == ["นางสมศรี ใจดี"])
    assert view.count.text() == "แสดง 1 จาก 4 สัญญา"


def test_search_by_agreement_number_and_purpose(qtbot, book):
    view = open_register(qtbot, book)
    view.search.setText("ส-002")
    view.apply_filters()
    assert borrowers(view) == ["นายไพโรจน์ บุญมา"]
    view.search.setText("ผัก")
    view.apply_filters()
    assert borrowers(view) == ["นางสาวอรุณี แก้วมณี"]


def test_borrowers_in_thai_dictionary_order(qtbot, book):
    view = open_register(qtbot, book)
    # By given name, and ไ (a leading vowel) sorts by the letter after it: ไพโรจน์ under พ.
    expected = ["นายกมล ทองดี", "นายไพโรจน์ บุญมา", "นางสมศรี ใจดี", "นางสาวอรุณี แก้วมณี"]
    assert borrowers(view) == expected
    header = view.view.horizontalHeader()
    click_at = QPoint(header.sectionViewportPosition(BORROWER_COLUMN) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=click_at)
    assert borrowers(view) == list(reversed(expected))


def test_money_columns_sort_as_numbers(qtbot, book):
    view = open_register(qtbot, book)
    col = view.model.column_of("col.principal")
    view.view.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    shown = [view.model.index(r, col).data() for r in range(view.model.rowCount())]
    # As text "24,000.00" < "6,000.00"; as money 6,000 comes first.
    assert shown == ["6,000.00", "10,000.00", "12,000.00", "24,000.00"]


def test_filters_by_stage_village_and_fund(qtbot, book):
    view = open_register(qtbot, book)
    view.stage.setCurrentIndex(view.stage.findText("ป้องกัน"))
    assert borrowers(view) == ["นางสาวอรุณี แก้วมณี"]
    view.stage.setCurrentIndex(0)
    view.village.setCurrentIndex(view.village.findText("หมู่ที่ 1 บ้านโนนสูง"))
    assert borrowers(view) == ["นายกมล ทองดี", "นางสมศรี ใจดี"]
    view.fund.setCurrentIndex(view.fund.findData(book.fund))
    assert view.count.text() == "แสดง 2 จาก 4 สัญญา"


def test_row_shows_stage_money_and_next_due_in_buddhist_era(qtbot, book):
    view = open_register(qtbot, book)
    row = borrowers(view).index("นายไพโรจน์ บุญมา")
    shown = [view.model.index(row, c).data() for c in range(view.model.columnCount())]
    assert shown[0] == "ส-002"
    assert shown[4] == "ทวงถาม"
    assert shown[5] == "6,000.00"
    assert shown[7] == "10"
    assert shown[8].endswith("2569")
    align = view.model.index(row, 5).data(Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight


def test_enter_opens_the_loan(qtbot, book):
    view = open_register(qtbot, book)
    view.view.setFocus()
    view.view.setCurrentIndex(view.model.index(0, 0))
    with qtbot.waitSignal(view.open_loan) as opened:
        qtbot.keyClick(view.view, Qt.Key.Key_Return)
    assert opened.args == [book.loans["kamol"]]


def test_register_model_passes_the_model_tester(qtbot, qtmodeltester, book):
    view = open_register(qtbot, book)
    qtmodeltester.check(view.model)
    empty = RegisterModel()
    qtmodeltester.check(empty)


def test_screen_search_finds_what_the_domain_search_finds(qtbot, book):
    from fieldtool.register import loan_register

    view = open_register(qtbot, book)
    for query in ("ศรี", "ส-00", "บ้านโนน", "ผัก", "ไก่", "นาย", "หมู่ที่ 2", "ไม่มีใคร"):
        view.search.setText(query)
        view.apply_filters()
        with book.db.session() as s:
            expected = [r.borrower for r in loan_register(s, book.today, search=query)]
        assert sorted(borrowers(view)) == sorted(expected), query
