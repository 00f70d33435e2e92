"""Every window opens inside a small laptop's screen (1366×768, and 1280×720) with its Save, OK or Close
button in sight at the bottom: long forms scroll instead of running off the screen. Every dialog with a
primary button is opened here; `scripts/screenshots.py` draws them all for a person to look at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db.office import open_office
from fieldtool import plans, repayments
from fieldtool.handover import LaptopKey
from fieldtool.plans import ActionInput, PlanInput
from fieldtool.vocabulary import PreventItem
from ui.about import AboutDialog
from ui.households.dialogs import AddHouseholdDialog, NeedsDialog
from ui.households.page import HouseholdPage
from ui.loans.dialogs import CheckDialog, DisburseDialog, PaymentDialog, RestructureDialog, ReverseDialog
from ui.loans.loanpage import LoanPage
from ui.loans.newloan import NewLoanDialog
from ui.mainwindow import MainWindow
from ui.office.devices import RevokeDialog
from ui.office.seed import SeedDialog
from ui.office.window import OfficeWindow
from ui.plans.progress import ActionProgressDialog
from ui.qt import QAbstractButton, QApplication, QPushButton, QRect, QScrollArea, QWizard
from ui.screen import available_geometry, fit_size, fit_to_screen
from ui.setup.wizard import SetupWizard
from ui.syncdialog import FieldSyncDialog
from ui.visits.data import VisitPrefill, prefill_from_loan
from ui.visits.meeting import MeetingDialog
from ui.visits.newvisit import NewVisitWindow

from .conftest import add_target_household

SCREENS = {"1366x768": QRect(0, 0, 1366, 768), "1280x720": QRect(0, 0, 1280, 720)}
SHOTS = Path("/tmp/shots")


@pytest.fixture(params=list(SCREENS))
def screen(request) -> QRect:
    return SCREENS[request.param]


def opened_on(qtbot, window, screen: QRect):
    """The window shown and fitted as it would be on a laptop whose free screen area is `screen`; first,
    it opened no taller than the screen the tests run on (offscreen: 800×800; narrower than any laptop,
    so only its height is held to it)."""
    qtbot.addWidget(window)
    window.show()
    QApplication.processEvents()
    assert window.height() <= available_geometry(window).height()
    fit_to_screen(window, available=screen)
    QApplication.processEvents()
    return window


def assert_inside_screen(window, screen: QRect) -> None:
    assert window.width() <= screen.width() and window.height() <= screen.height()
    assert screen.contains(window.geometry())


def assert_fully_visible(window, button) -> None:
    """The button is shown, lies inside the window and nothing (a scroll area, the window's edge) cuts it."""
    assert button.isVisible()
    top_left = button.mapTo(window, button.rect().topLeft())
    assert window.rect().contains(QRect(top_left, button.size()))
    assert button.visibleRegion().boundingRect() == button.rect()


def assert_buttons_outside_scroll_areas_visible(window) -> None:
    """Every button of the window that does not sit in a scroll area is wholly on the window."""
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or button.width() == 0:
            continue
        parent, scrolled = button.parentWidget(), False
        while parent is not None and parent is not window:
            scrolled |= isinstance(parent, QScrollArea)
            parent = parent.parentWidget()
        if not scrolled:
            assert_fully_visible(window, button)


def test_a_window_opens_at_its_size_or_nine_tenths_of_a_smaller_screen():
    assert fit_size((1320, 860), SCREENS["1366x768"]) == (1229, 691)
    assert fit_size((1320, 860), SCREENS["1280x720"]) == (1152, 648)
    assert fit_size((1320, 860), QRect(0, 0, 1920, 1040)) == (1320, 860)
    assert fit_size((500, 300), SCREENS["1280x720"]) == (500, 300)  # a small form stays small
    assert fit_size((1280, 800), QRect(0, 0, 800, 800)) == (800, 720)  # never wider than the screen


def test_the_main_window_fits_the_laptop_screen(qtbot, book, screen):
    window = opened_on(qtbot, MainWindow(book.db, book.today), screen)
    assert_inside_screen(window, screen)
    assert_fully_visible(window, window.statusBar())
    assert_buttons_outside_scroll_areas_visible(window)


def test_the_new_visit_save_button_is_on_the_screen(qtbot, book, screen):
    prefill = prefill_from_loan(book.db, book.loans["pairoj"])
    window = opened_on(qtbot, NewVisitWindow(book.db, book.today, prefill), screen)
    assert_inside_screen(window, screen)
    assert_fully_visible(window, window.save_button)


def test_the_meeting_dialog_save_button_is_on_the_screen(qtbot, book, screen):
    dialog = opened_on(qtbot, MeetingDialog(book.db, book.today, book.village2, [book.loans["pairoj"]]), screen)
    assert_inside_screen(dialog, screen)
    assert_fully_visible(dialog, dialog.save_button)


def test_household_windows_fit_with_save_in_sight(qtbot, book, screen):
    add = opened_on(qtbot, AddHouseholdDialog(book.db, book.village1), screen)
    assert_inside_screen(add, screen)
    assert_fully_visible(add, add.save_button)

    hid = add_target_household(book.db, book.village1, "นาง", "มาลัย", "ศรีสุข", {"income": "รายได้ไม่พอ"})
    needs = opened_on(qtbot, NeedsDialog(book.db, hid, {"income": "รายได้ไม่พอ"}), screen)
    assert_inside_screen(needs, screen)
    assert_fully_visible(needs, needs.save_button)

    page = opened_on(qtbot, HouseholdPage(book.db, hid, book.today), screen)
    assert_inside_screen(page, screen)
    assert_buttons_outside_scroll_areas_visible(page)


def test_the_plan_editor_on_the_household_page_keeps_save_in_sight(qtbot, book, screen):
    hid = add_target_household(book.db, book.village1, "นาง", "มาลัย", "ศรีสุข", {"income": "รายได้ไม่พอ"})
    page = opened_on(qtbot, HouseholdPage(book.db, hid, book.today), screen)
    page.tabs.setCurrentWidget(page.plan)
    QApplication.processEvents()
    assert page.plan.isVisible()
    assert_fully_visible(page, page.plan.save_button)

    with book.db.session() as s:
        plans.save_plan(
            s,
            hid,
            PlanInput(
                made_on=book.today - timedelta(days=30),
                actions=[ActionInput("resources", "ขอทุนจาก อบต.", "อบต.โนนกลาง", book.today)],
            ),
        )
        action_id = plans.plan_view(s, hid, book.today).actions[0].id
    progress = opened_on(
        qtbot, ActionProgressDialog(book.db, action_id, "ขอทุนจาก อบต.", "planned", book.today), screen
    )
    assert_inside_screen(progress, screen)
    assert_fully_visible(progress, progress.save_button)


def test_the_loan_page_and_its_dialogs_fit_with_save_in_sight(qtbot, book, screen):
    page = opened_on(qtbot, LoanPage(book.db, book.loans["pairoj"], book.today), screen)
    assert_inside_screen(page, screen)
    assert_buttons_outside_scroll_areas_visible(page)

    with book.db.session() as s:
        payment_id = repayments.record_payment(s, book.loans["kamol"], 100_00, book.today, "").id
    arunee = book.loans["arunee"]
    dialogs = [
        PaymentDialog(book.db, book.loans["somsri"], book.today),
        ReverseDialog(book.db, payment_id, book.today, 100_00, book.today),
        CheckDialog(book.db, arunee, PreventItem.UNDERSTANDING, book.today),
        DisburseDialog(book.db, arunee, book.today, list(PreventItem)),
        RestructureDialog(book.db, book.loans["pairoj"], book.today, 12, "monthly"),
        NewLoanDialog(book.db, book.today),
    ]
    for dialog in dialogs:
        opened_on(qtbot, dialog, screen)
        assert_inside_screen(dialog, screen)
        assert_fully_visible(dialog, dialog.save_button)


def test_the_sync_dialog_close_button_is_on_the_screen(qtbot, book, screen):
    dialog = opened_on(qtbot, FieldSyncDialog(book.db), screen)
    assert_inside_screen(dialog, screen)
    assert_buttons_outside_scroll_areas_visible(dialog)


def test_the_office_window_fits_the_laptop_screen(qtbot, tmp_path, screen):
    db = open_office(tmp_path / "office" / "office.sqlite")
    try:
        window = opened_on(qtbot, OfficeWindow(db), screen)
        assert_inside_screen(window, screen)
        assert_fully_visible(window, window.statusBar())
        for name in window.PAGE_ORDER:
            window.show_page(name)
            QApplication.processEvents()
            assert_buttons_outside_scroll_areas_visible(window)
    finally:
        window.close()
        db.dispose()


def test_the_office_dialog_that_revokes_a_lost_laptops_key_keeps_its_button_in_sight(qtbot, tmp_path, screen):
    db = open_office(tmp_path / "office" / "office.sqlite")
    try:
        window = opened_on(qtbot, OfficeWindow(db), screen)
        lost = LaptopKey("d" * 36, "นางสาวพัชรินทร์ ศรีสุขสวัสดิ์วัฒนา (พัฒนากรชำนาญการพิเศษ)", "341905",
                         "341905 ต.โนนกลางเหนือ", "k" * 16, datetime(2026, 12, 1, 23, 30, tzinfo=UTC), 12,
                         None, [], [])
        dialog = opened_on(qtbot, RevokeDialog(lost, window), screen)
        assert_inside_screen(dialog, screen)
        assert_fully_visible(dialog, dialog.save_button)
        assert_buttons_outside_scroll_areas_visible(dialog)
    finally:
        window.close()
        db.dispose()


def test_screenshots_of_the_new_visit_and_main_windows_on_a_1366_by_768_laptop(qtbot, book, wait_idle):
    SHOTS.mkdir(parents=True, exist_ok=True)
    laptop = SCREENS["1366x768"]
    main = opened_on(qtbot, MainWindow(book.db, book.today), laptop)
    wait_idle()
    QApplication.processEvents()
    assert main.grab().save(str(SHOTS / "fit-main.png"))
    visit = opened_on(qtbot, NewVisitWindow(book.db, book.today, VisitPrefill(village_id=book.village2)), laptop)
    assert_fully_visible(visit, visit.save_button)
    assert visit.grab().save(str(SHOTS / "fit-newvisit.png"))


def button_named(window, text: str) -> QPushButton:
    return next(b for b in window.findChildren(QPushButton) if b.text() == text and b.isVisibleTo(window))


def one_page_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, "fieldtool")
    pdf.save()
    return path


def dialogs_with_their_primary_button(office, tmp_path):
    """Every dialog with a primary button that the tests above do not open, with that button: the set-up and
    the settings, the letters, the backups, the keys, the About box, a visit recorded, a PDF preview."""
    from fieldtool import letter_issue, letters, reminders, visits
    from fieldtool.visits import VisitInput
    from ui.backup.dialogs import BackupDialog, RestoreDialog
    from ui.letters.dialogs import BatchConfirmDialog, LetterDialog, OfficeSettingsDialog, TemplateDialog
    from ui.passphrase import PassphraseDialog
    from ui.pdfpreview import PdfPreview
    from ui.setup.own import StartOwnDialog
    from ui.setup.settings import SettingsDialog
    from ui.setup.villages import ManyVillagesDialog
    from ui.today.delivery import DeliveryDialog
    from ui.visits.log import VisitDetailsDialog

    db, day, pairoj = office.db, office.today, office.loans["pairoj"]
    with db.session() as s:
        reminder = next(r for r in reminders.reminders_on(s, day) if r.kind == "ask")
        outline = letter_issue.outline(s, letters.letters_due(s, day))
        visit = visits.add_visit(s, VisitInput(visited_on=day, village_id=office.village2, place="บ้านผู้กู้",
                                               findings="พบผู้กู้", loans=[pairoj]), tmp_path).visit.id
    form_dialogs = [
        DeliveryDialog(db, reminder, day, "นางสาวพัชรินทร์ ทดสอบ"),
        LetterDialog(db, pairoj, day, "meeting", "<b>นายไพโรจน์ บุญมา</b>"),
        BatchConfirmDialog(outline),
        OfficeSettingsDialog(db),
        TemplateDialog(db),
        PassphraseDialog(),
        PassphraseDialog(tmp_path / "office.key"),
        SettingsDialog(db),
        ManyVillagesDialog({1, 2}),
        StartOwnDialog(db),
        BackupDialog(db),
        RestoreDialog(db),
    ]
    yield from ((d, d.save_button) for d in form_dialogs)
    about = AboutDialog(db.path)
    yield about, button_named(about, "ปิด")
    details = VisitDetailsDialog(db, visit)
    yield details, button_named(details, "ปิด")
    preview = PdfPreview(one_page_pdf(tmp_path / "letter.pdf"), "หนังสือ")
    yield preview, button_named(preview, "ปิด")


def test_every_dialog_keeps_its_primary_button_in_sight(qtbot, office, tmp_path, screen):
    seen = []
    for dialog, button in dialogs_with_their_primary_button(office, tmp_path):
        opened_on(qtbot, dialog, screen)
        assert_inside_screen(dialog, screen)
        assert_fully_visible(dialog, button)
        seen.append(type(dialog).__name__)
        dialog.close()
    assert len(seen) == 15


def test_the_set_up_wizard_keeps_next_and_finish_in_sight_on_every_page(qtbot, db, screen):
    wizard = opened_on(qtbot, SetupWizard(db), screen)
    for page_id in wizard.pageIds():
        wizard.setStartId(page_id)
        wizard.restart()
        QApplication.processEvents()
        assert_inside_screen(wizard, screen)
        last = page_id == wizard.pageIds()[-1]
        assert_fully_visible(wizard, wizard.button(QWizard.WizardButton.FinishButton if last else QWizard.WizardButton.NextButton))


def test_the_offices_seed_dialog_keeps_its_button_in_sight(qtbot, tmp_path, screen):
    db = open_office(tmp_path / "office" / "office.sqlite")
    try:
        dialog = opened_on(qtbot, SeedDialog(db), screen)
        assert_inside_screen(dialog, screen)
        assert_fully_visible(dialog, dialog.save_button)
        dialog.close()
    finally:
        db.dispose()
