"""The main window: the working date, navigation between the pages, and the status bar.

Pages: วันนี้ (today), ทะเบียนเงินกู้ (loan register), หนี้ค้างชำระ (arrears), ครัวเรือน (households),
บันทึกการลงพื้นที่ (visits), สรุปแผนครัวเรือน (plan summary), ประวัติการแก้ไข (change log). Loan and
household pages open in windows of their own. A page loads when it is shown and is marked stale when the
working date changes or something is written; switching the language rebuilds the window in the other
language. The File menu holds the office's settings for letters, the letter templates, and the exchange of sync
bundles with the district office.
"""

from __future__ import annotations

from datetime import date

from db import Database
from fieldtool.models import District, Province, Subdistrict
from ui import i18n
from ui.arrears.view import ArrearsView
from ui.history.view import HistoryView
from ui.households.page import HouseholdPage
from ui.households.register import HouseholdsView
from ui.i18n import tr
from ui.letters.dialogs import OfficeSettingsDialog, TemplateDialog
from ui.loans.loanpage import PREVENT_TAB, LoanPage
from ui.loans.newloan import NewLoanDialog
from ui.loans.register import RegisterView
from ui.plans.summary import PlansSummaryView
from ui.qt import (
    QAction,
    QActionGroup,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QLocale,
    QMainWindow,
    QStackedWidget,
    QStatusBar,
    Qt,
    QToolBar,
    QWidget,
)
from ui.syncdialog import FieldSyncDialog
from ui.today.view import TodayView
from ui.visits.data import VisitPrefill, prefill_from_household
from ui.visits.log import VisitsView
from ui.visits.meeting import MeetingDialog
from ui.visits.newvisit import NewVisitWindow
from ui.widgets import WorkingDateEdit

PAGES = ("today", "register", "arrears", "households", "visits", "plans", "history")


def apply_qt_locale(lang: str) -> None:
    """Qt's own texts (calendar day names, standard buttons) follow the chosen language."""
    if lang == "th":
        QLocale.setDefault(QLocale(QLocale.Language.Thai, QLocale.Country.Thailand))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))


class MainWindow(QMainWindow):
    def __init__(self, db: Database, day: date | None = None, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day or date.today()
        self.loan_pages: list[LoanPage] = []
        self.household_pages: list[HouseholdPage] = []
        self._toolbar: QToolBar | None = None
        self.resize(1280, 800)
        self._build()
        self.show_page("today")

    # --- building (again on a language switch) --------------------------------------------------------

    def _build(self) -> None:
        apply_qt_locale(i18n.language())
        self.setWindowTitle(tr("app.title"))
        officer = self.db.setting("officer")
        self._build_menus()

        if self._toolbar is not None:
            self.removeToolBar(self._toolbar)
            self._toolbar.deleteLater()
        self._toolbar = QToolBar(tr("toolbar.name"))
        self._toolbar.setMovable(False)
        self.date_edit = WorkingDateEdit(self.day)
        self.date_edit.dateChanged.connect(self.set_day)
        self._toolbar.addWidget(self.date_edit)
        self.addToolBar(self._toolbar)

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
        self.households.changed.connect(lambda: self._data_changed(self.households))
        self.households.new_visit.connect(lambda hid: self.new_visit(prefill_from_household(self.db, hid)))
        self.visits.new_visit.connect(lambda: self.new_visit(None))
        self.visits.new_meeting.connect(self.new_meeting)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.stack = QStackedWidget()
        for name in PAGES:
            self.nav.addItem(tr(f"page.{name}"))
            self.stack.addWidget(self.pages[name])
        self.nav.setStyleSheet("QListWidget#nav::item { padding: 10px 8px; }")
        self.nav.setFixedWidth(max(self.nav.sizeHintForColumn(0) + 28, 120))
        self.nav.currentRowChanged.connect(self._page_chosen)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 6)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)  # deletes the widgets of the previous language
        self._build_status(officer)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        file_menu = bar.addMenu(tr("menu.file"))
        self.office_action = QAction(tr("menu.office"), self)
        self.office_action.triggered.connect(self.edit_office_settings)
        file_menu.addAction(self.office_action)
        self.template_action = QAction(tr("menu.templates"), self)
        self.template_action.triggered.connect(self.edit_templates)
        file_menu.addAction(self.template_action)
        file_menu.addSeparator()
        self.sync_action = QAction(tr("sync.menu"), self)
        self.sync_action.triggered.connect(self.exchange_with_office)
        file_menu.addAction(self.sync_action)
        file_menu.addSeparator()
        quit_action = QAction(tr("menu.quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        go_menu = bar.addMenu(tr("menu.go"))
        for n, name in enumerate(PAGES, start=1):
            action = QAction(tr(f"page.{name}"), self)
            action.setShortcut(QKeySequence(f"Ctrl+{n}"))
            action.triggered.connect(lambda _=False, p=name: self.show_page(p))
            go_menu.addAction(action)
        go_menu.addSeparator()
        reload_action = QAction(tr("menu.reload"), self)
        reload_action.setShortcut(QKeySequence.StandardKey.Refresh)
        reload_action.triggered.connect(self.reload_current)
        go_menu.addAction(reload_action)

        lang_menu = bar.addMenu(tr("menu.language"))
        group = QActionGroup(self)
        group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        for lang, label in (("th", "ไทย"), ("en", "English")):
            action = QAction(label, self, checkable=True)
            action.setChecked(lang == i18n.language())
            action.triggered.connect(lambda _=False, lg=lang: self.set_language(lg))
            group.addAction(action)
            lang_menu.addAction(action)
            self.language_actions[lang] = action

    def _build_status(self, officer: str) -> None:
        status = QStatusBar()
        self.status_place = QLabel(self._place_text())
        self.status_officer = QLabel(tr("status.officer", officer=officer or tr("status.no_officer")))
        self.status_db = QLabel(tr("status.db", path=str(self.db.path)))
        self.status_db.setToolTip(str(self.db.path))
        for label in (self.status_place, self.status_officer):
            status.addWidget(label)
        status.addPermanentWidget(self.status_db)
        self.setStatusBar(status)

    def _place_text(self) -> str:
        sub_id = self.db.setting("subdistrict_id")
        if not sub_id and self.db.setting("district_code"):  # the office's database: the whole district
            return tr("status.whole_district", code=self.db.setting("district_code"),
                      name=self.db.setting("office_name") or "–")
        if not sub_id:
            return tr("status.no_subdistrict")
        with self.db.session() as s:
            sub = s.get(Subdistrict, sub_id)
            if sub is None:
                return tr("status.no_subdistrict")
            dist = s.get(District, sub.district_id)
            prov = s.get(Province, dist.province_id) if dist else None
            return tr(
                "status.place",
                subdistrict=sub.name,
                district=dist.name if dist else "–",
                province=prov.name if prov else "–",
            )

    # --- pages --------------------------------------------------------------------------------------

    def current_page_name(self) -> str:
        return PAGES[max(0, self.nav.currentRow())]

    def show_page(self, name: str):
        self.nav.setCurrentRow(PAGES.index(name))
        return self.pages[name]

    def _page_chosen(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.pages[PAGES[row]]
        if page.stale:
            page.refresh()

    def reload_current(self) -> None:
        self.pages[self.current_page_name()].refresh()

    def set_day(self, day: date) -> None:
        """Look at another day: every page is computed again for it."""
        self.day = day
        if self.date_edit.value() != day:
            self.date_edit.set_value(day)
            return  # set_value comes back here through dateChanged
        for page in self.pages.values():
            page.set_day(day)
            page.stale = True
        self.reload_current()

    def _data_changed(self, source=None) -> None:
        # Something was written: every other page is out of date; the one on screen reloads now.
        for page in self.pages.values():
            if page is not source:
                page.stale = True
        current = self.pages[self.current_page_name()]
        if current.stale:
            current.refresh()

    def open_loan(self, loan_id: str) -> LoanPage:
        page = LoanPage(self.db, loan_id, self.day, self)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.changed.connect(self._data_changed)
        page.destroyed.connect(lambda *_: self.loan_pages.remove(page) if page in self.loan_pages else None)
        self.loan_pages.append(page)
        page.show()
        return page

    def new_loan(self, household_id: str | None = None) -> str | None:
        """A new loan application; its page opens on the prevent checklist."""
        loan_id = NewLoanDialog.ask(self, self.db, self.day, household_id)
        if loan_id is None:
            return None
        self.statusBar().showMessage(tr("newloan.saved"), 8000)
        self._data_changed()
        page = self.open_loan(loan_id)
        page.tabs.setCurrentIndex(PREVENT_TAB)
        return loan_id

    def open_household(self, household_id: str) -> HouseholdPage:
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
        saved = NewVisitWindow.ask(parent or self, self.db, self.day, prefill)
        if saved is not None:
            if isinstance(parent, HouseholdPage):
                parent.reload()
            self.statusBar().showMessage(tr("visits.saved"), 8000)
            self._data_changed()

    def new_meeting(self) -> None:
        if MeetingDialog.ask(self, self.db, self.day):
            self.statusBar().showMessage(tr("meeting.saved"), 8000)
            self._data_changed()

    def edit_office_settings(self) -> None:
        if OfficeSettingsDialog.ask(self, self.db):
            self.statusBar().showMessage(tr("office.saved"), 8000)

    def exchange_with_office(self) -> FieldSyncDialog:
        dialog = FieldSyncDialog(self.db, self)
        dialog.received.connect(self._data_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def edit_templates(self) -> None:
        if TemplateDialog.ask(self, self.db):
            self.statusBar().showMessage(tr("template.saved"), 8000)

    # --- language -----------------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        if lang == i18n.language():
            return
        self.db.set_setting("language", lang)
        i18n.set_language(lang)
        self.retranslate()

    def retranslate(self) -> None:
        """Build the window again in the current language, on the same page and day."""
        current = self.current_page_name()
        self._build()
        self.show_page(current)
