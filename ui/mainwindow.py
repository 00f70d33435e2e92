"""The main window: the working date, navigation between the pages, and the status bar.

Pages: วันนี้ (today), ทะเบียนเงินกู้ (loan register), หนี้ค้างชำระ (arrears), ครัวเรือน (households),
บันทึกการลงพื้นที่ (visits), สรุปแผนครัวเรือน (plan summary), ประวัติการแก้ไข (change log). Loan and
household pages open in windows of their own. A page loads when it is shown and is marked stale when the
working date changes or something is written; switching the language rebuilds the window in the other
language. The File menu holds the set-up (ตั้งค่า…: officer, place, villages, funds, groups, letterhead), the
start of the officer's own subdistrict from the demo, the office's settings for letters, the letter templates,
the import of registers kept in Excel (with the template to fill in and the registers' export; `ui.importer`)
the exchange of sync bundles with the district office, and the backup on a USB stick and its restore
(`ui.backup`). On a database nobody has set up the first-run
wizard opens when the window is first shown (when `open_setup_when_shown` asked for it); the window can switch
to another database (the officer's own, started from the demo) and disposes what it opened itself.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from db import Database
from fieldtool import setup
from fieldtool.places import current_place
from ui import i18n
from ui.arrears.view import ArrearsView
from ui.history.view import HistoryView
from ui.households.register import HouseholdsView
from ui.i18n import tr
from ui.loans.register import RegisterView
from ui.pagedwindow import PagedWindow, apply_qt_locale
from ui.plans.summary import PlansSummaryView
from ui.qt import (
    QAction,
    QPushButton,
    QStatusBar,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    emit,
)
from ui.setup.part import setup_needed
from ui.today.view import TodayView
from ui.visits.data import VisitPrefill, prefill_from_household
from ui.visits.log import VisitsView
from ui.widgets import ElidedLabel

if TYPE_CHECKING:
    from ui.households.page import HouseholdPage
    from ui.importer.window import ImportWindow
    from ui.loans.loanpage import LoanPage
    from ui.syncdialog import FieldSyncDialog

# The pages are imported here; the windows and dialogs they open (a loan, a household, a visit, the set-up,
# the import, the exchange with the office) are imported when first opened: with them would come ReportLab,
# the bundle crypto, Alembic and the importer, which the window does not need to appear (issue 14).

PAGES = ("today", "register", "arrears", "households", "visits", "plans", "history")


class MainWindow(PagedWindow):
    PAGE_ORDER = PAGES
    PAGE_KEY = "page.{}"
    database_switched = Signal(object)  # the path of the database now shown (the one-copy guard follows it)

    def __init__(self, db: Database, day: date | None = None, parent=None):
        super().__init__(db, day, parent)
        self.loan_pages: list[LoanPage] = []
        self.household_pages: list[HouseholdPage] = []
        self._opened: Database | None = None  # a database this window opened itself (the officer's own)
        self._setup_on_show = False
        self._build()
        self.show_page("today")

    # --- building (again on a language switch) --------------------------------------------------------

    def _build(self) -> None:
        apply_qt_locale(i18n.language())
        self.setWindowTitle(tr("app.title"))
        officer = self.db.setting("officer")
        self._build_menus()
        self._install_toolbar()

        self.today = TodayView(self.db, self.day, officer)
        self.register = RegisterView(self.db, self.day)
        self.arrears = ArrearsView(self.db, self.day)
        self.households = HouseholdsView(self.db, self.day)
        self.visits = VisitsView(self.db, self.day)
        self.plans = PlansSummaryView(self.db, self.day)
        self.history = HistoryView(self.db)
        self.pages = {
            "today": self.today,
            "register": self.register,
            "arrears": self.arrears,
            "households": self.households,
            "visits": self.visits,
            "plans": self.plans,
            "history": self.history,
        }
        for page in (self.today, self.register, self.arrears):
            page.open_loan.connect(self.open_loan)
        self.register.new_loan.connect(self.new_loan)
        for page in (self.households, self.plans):
            page.open_household.connect(self.open_household)
        self.today.changed.connect(lambda: self._data_changed(self.today))
        self.today.setup_requested.connect(self.set_up)
        self.households.changed.connect(lambda: self._data_changed(self.households))
        self.households.new_visit.connect(lambda hid: self.new_visit(prefill_from_household(self.db, hid)))
        self.visits.new_visit.connect(lambda: self.new_visit(None))
        self.visits.new_meeting.connect(self.new_meeting)

        self._install_pages()  # deletes the widgets of the previous language
        self._build_status(officer)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        file_menu = bar.addMenu(tr("menu.file"))
        self.settings_action = QAction(tr("setup.menu.settings"), self)
        self.settings_action.triggered.connect(lambda: self.open_settings())
        file_menu.addAction(self.settings_action)
        self.own_action = QAction(tr("setup.menu.own"), self)
        self.own_action.triggered.connect(self.start_own_subdistrict)
        file_menu.addAction(self.own_action)
        file_menu.addSeparator()
        self.office_action = QAction(tr("menu.office"), self)
        self.office_action.triggered.connect(self.edit_office_settings)
        file_menu.addAction(self.office_action)
        self.template_action = QAction(tr("menu.templates"), self)
        self.template_action.triggered.connect(self.edit_templates)
        file_menu.addAction(self.template_action)
        file_menu.addSeparator()
        self.import_action = QAction(tr("importer.menu.import"), self)
        self.import_action.triggered.connect(self.import_from_excel)
        file_menu.addAction(self.import_action)
        self.import_template_action = QAction(tr("importer.menu.template"), self)
        self.import_template_action.triggered.connect(lambda: _register_files().save_template(self))
        file_menu.addAction(self.import_template_action)
        self.export_registers_action = QAction(tr("importer.menu.export"), self)
        self.export_registers_action.triggered.connect(lambda: _register_files().export_registers(self))
        file_menu.addAction(self.export_registers_action)
        file_menu.addSeparator()
        self.sync_action = QAction(tr("sync.menu"), self)
        self.sync_action.triggered.connect(self.exchange_with_office)
        file_menu.addAction(self.sync_action)
        self.backup_action = QAction(tr("backup.menu.backup"), self)
        self.backup_action.triggered.connect(lambda: _backups().back_up(self))
        file_menu.addAction(self.backup_action)
        self.restore_action = QAction(tr("backup.menu.restore"), self)
        self.restore_action.triggered.connect(lambda: _backups().restore(self))
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        self._end_menus(bar, file_menu)

    def _build_status(self, officer: str) -> None:
        status = QStatusBar()
        # The place, the officer and the database path are elided (whole in their tooltips) when the window is
        # narrow: in English they are long enough together to hold the window wider than a 1280 screen.
        self.status_place = ElidedLabel(self._place_text())
        self.status_officer = ElidedLabel(tr("status.officer", officer=officer or tr("status.no_officer")))
        self.status_db = ElidedLabel(tr("status.db", path=str(self.db.path)))
        with self.db.session() as s:
            needed = setup_needed(s)
        # The demo says so, and offers the officer's own subdistrict; a database not set up offers the set-up.
        self.demo_button = QPushButton(tr("setup.status.demo"))
        self.demo_button.setToolTip(tr("setup.status.demo_tip"))
        self.demo_button.setStyleSheet(
            "QPushButton { background: #fff3cd; color: #7a5200; border: 1px solid #e0b84c; border-radius: 4px;"
            " padding: 2px 10px; }"
        )
        self.demo_button.clicked.connect(self.start_own_subdistrict)
        # The status bar squeezes its widgets; the hint must be read whole.
        self.demo_button.setMinimumWidth(self.demo_button.fontMetrics().horizontalAdvance(self.demo_button.text()) + 32)
        self.setup_button = QPushButton(tr("setup.status.set_up"))
        self.setup_button.clicked.connect(self.set_up)
        status.addWidget(self.demo_button)
        for label in (self.status_place, self.setup_button, self.status_officer):
            status.addWidget(label)
        status.addPermanentWidget(self.status_db)
        self.setStatusBar(status)
        self.demo_button.setVisible(self.db.setting("demo") == "1")
        self.setup_button.setVisible(bool(needed))

    def _place_text(self) -> str:
        sub_id = self.db.setting("subdistrict_id")
        if not sub_id and self.db.setting("district_code"):  # the office's database: the whole district
            return tr("status.whole_district", code=self.db.setting("district_code"),
                      name=self.db.setting("office_name") or "–")
        if not sub_id:
            return tr("status.no_subdistrict")
        with self.db.session() as s:
            place = current_place(s)
        if place is None:
            return tr("status.no_subdistrict")
        return tr(
            "status.place",
            subdistrict=place.subdistrict,
            district=place.district or "–",
            province=place.province or "–",
        )

    # --- windows of their own ----------------------------------------------------------------------

    def open_loan(self, loan_id: str) -> LoanPage:
        from ui.loans.loanpage import LoanPage

        page = LoanPage(self.db, loan_id, self.day, self)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.changed.connect(self._data_changed)
        page.destroyed.connect(lambda *_: self.loan_pages.remove(page) if page in self.loan_pages else None)
        self.loan_pages.append(page)
        page.show()
        return page

    def new_loan(self, household_id: str | None = None) -> str | None:
        """A new loan application; its page opens on the prevent checklist."""
        from ui.loans.loanpage import PREVENT_TAB
        from ui.loans.newloan import NewLoanDialog

        loan_id = NewLoanDialog.ask(self, self.db, self.day, household_id)
        if loan_id is None:
            return None
        self.statusBar().showMessage(tr("newloan.saved"), 8000)
        self._data_changed()
        page = self.open_loan(loan_id)
        page.tabs.setCurrentIndex(PREVENT_TAB)
        return loan_id

    def open_household(self, household_id: str) -> HouseholdPage:
        from ui.households.page import HouseholdPage

        page = HouseholdPage(self.db, household_id, self.day, self)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.changed.connect(self._data_changed)
        page.open_loan.connect(self.open_loan)
        page.new_visit.connect(lambda hid, p=page: self.new_visit(prefill_from_household(self.db, hid), p))
        page.new_loan.connect(lambda hid, p=page: self.new_loan(hid) and p.reload())
        page.destroyed.connect(
            lambda *_: self.household_pages.remove(page) if page in self.household_pages else None
        )
        self.household_pages.append(page)
        page.show()
        return page

    def new_visit(self, prefill: VisitPrefill | None, parent=None) -> None:
        """The new-visit window; after a save every page (and the window it came from) shows it."""
        from ui.households.page import HouseholdPage
        from ui.visits.newvisit import NewVisitWindow

        saved = NewVisitWindow.ask(parent or self, self.db, self.day, prefill)
        if saved is not None:
            if isinstance(parent, HouseholdPage):
                parent.reload()
            self.statusBar().showMessage(tr("visits.saved"), 8000)
            self._data_changed()

    def new_meeting(self) -> None:
        from ui.visits.meeting import MeetingDialog

        if MeetingDialog.ask(self, self.db, self.day):
            self.statusBar().showMessage(tr("meeting.saved"), 8000)
            self._data_changed()

    def edit_office_settings(self) -> None:
        from ui.letters.dialogs import OfficeSettingsDialog

        if OfficeSettingsDialog.ask(self, self.db):
            self.statusBar().showMessage(tr("office.saved"), 8000)

    def exchange_with_office(self) -> FieldSyncDialog:
        from ui.syncdialog import FieldSyncDialog

        dialog = FieldSyncDialog(self.db, self)
        dialog.received.connect(self._data_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def import_from_excel(self) -> ImportWindow:
        """นำเข้าจาก Excel…: the registers an office keeps in Excel; after an import every page reloads."""
        from ui.importer.window import ImportWindow

        window = ImportWindow(self.db, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.imported.connect(lambda: self._data_changed())
        window.show()
        return window

    def edit_templates(self) -> None:
        from ui.letters.dialogs import TemplateDialog

        if TemplateDialog.ask(self, self.db):
            self.statusBar().showMessage(tr("template.saved"), 8000)

    # --- setting up, and the officer's own subdistrict --------------------------------------------------

    def open_setup_when_shown(self) -> None:
        """On a database nobody has set up, open the first-run wizard once the window is on screen."""
        self._setup_on_show = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._setup_on_show:
            self._setup_on_show = False
            QTimer.singleShot(0, self._first_run)

    def _first_run(self) -> None:
        with self.db.session() as s:
            new = setup.is_new(s)
        if new:
            self.set_up()

    def set_up(self) -> bool:
        """ตั้งค่าตำบล…: the wizard on a new database, else the settings; True when something was saved."""
        from ui.setup.parts import first_missing_tab
        from ui.setup.settings import SettingsDialog
        from ui.setup.wizard import SetupWizard

        with self.db.session() as s:
            new = setup.is_new(s)
            tab = None if new else first_missing_tab(setup.setup_view(s))
        saved = SetupWizard.ask(self, self.db) if new else SettingsDialog.ask(self, self.db, tab)
        if saved:
            self._setup_saved()
        return saved

    def open_settings(self, tab: str | None = None) -> bool:
        from ui.setup.settings import SettingsDialog

        if not SettingsDialog.ask(self, self.db, tab):
            return False
        self._setup_saved()
        return True

    def _setup_saved(self) -> None:
        # The officer's name, the place and the lists of funds and villages show all over: build again.
        self.retranslate()
        self.statusBar().showMessage(tr("setup.saved"), 8000)

    def start_own_subdistrict(self) -> bool:
        """เริ่มตำบลของฉัน…: create (or open) the officer's own database, set it up, and switch to it."""
        from ui.setup.own import StartOwnDialog
        from ui.setup.wizard import SetupWizard

        own = StartOwnDialog.ask(self, self.db)
        if own is None:
            return False
        with own.session() as s:
            new = setup.is_new(s)
        if new and not SetupWizard.ask(self, own):
            own.dispose()
            self.statusBar().showMessage(tr("setup.own.cancelled"), 8000)
            return False
        if self.db.setting("demo") == "1":
            self.db.set_setting("own_database", str(own.path))  # the demo remembers where to send her next time
        self.switch_database(own)
        self.today.message.show_info(tr("setup.own.switched", path=str(own.path)))
        self.statusBar().showMessage(tr("setup.own.switched", path=str(own.path)), 15000)
        return True

    def switch_database(self, db: Database) -> None:
        """Show another database in this window; the window disposes it (it opened it) when closed."""
        for page in [*self.loan_pages, *self.household_pages]:
            page.close()
        QThreadPool.globalInstance().waitForDone()  # loads still reading the old file end first
        if self._opened is not None and self._opened is not db:
            self._opened.dispose()
        self.db = db
        self._opened = db
        if db.setting("language", "th") != i18n.language():
            db.set_setting("language", i18n.language())  # the language chosen goes along
        self._build()
        self.show_page("today")
        emit(self.database_switched, db.path)

    def closeEvent(self, event) -> None:
        super().closeEvent(event)
        if self._opened is not None:
            QThreadPool.globalInstance().waitForDone()
            self._opened.dispose()
            self._opened = None


def _register_files():
    from ui.importer import registers

    return registers


def _backups():
    """The backup and restore actions, loaded when first used: they bring the bundle crypto and the backup
    files' code, which the window does not need to open (issue 14: the app starts at once)."""
    from ui.backup import actions

    return actions
