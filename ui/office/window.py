"""The district office window (`fieldtool office gui`): the same program in office mode.

Pages: นำเข้าชุดข้อมูล (import the bundles officers bring), เครื่องและกุญแจ (the office's key, the laptops
enrolled, bundles missing, return bundles), ข้อขัดแย้ง (conflicts to review), รายงานอำเภอ (the district
report by fiscal quarter). The database is the office's SQLite file or its PostgreSQL server; the status
bar says which, with the district and the office's name. An import or a decision marks the other pages
out of date, and the one on screen loads again.
"""

from __future__ import annotations

from datetime import date

from db.office import OfficeDatabase
from ui import i18n
from ui.i18n import tr
from ui.mainwindow import apply_qt_locale
from ui.office.conflicts import ConflictsView
from ui.office.devices import DevicesView
from ui.office.imports import ImportView
from ui.office.report import DistrictReportView
from ui.qt import (
    QAction,
    QActionGroup,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QStatusBar,
    Qt,
    QToolBar,
    QWidget,
)
from ui.widgets import WorkingDateEdit

OFFICE_PAGES = ("import", "devices", "conflicts", "report")


class OfficeWindow(QMainWindow):
    def __init__(self, db: OfficeDatabase, day: date | None = None, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day or date.today()
        self._toolbar: QToolBar | None = None
        self.resize(1280, 800)
        self._build()
        first = "devices" if not (db.setting("district_code") and db.setting("sync_key_id")) else "import"
        self.show_page(first)

    def _build(self) -> None:
        apply_qt_locale(i18n.language())
        self.setWindowTitle(tr("office.window.title"))
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

        self.imports = ImportView(self.db, self.day)
        self.devices = DevicesView(self.db, self.day)
        self.conflicts = ConflictsView(self.db, self.day)
        self.report = DistrictReportView(self.db, self.day)
        self.pages = {"import": self.imports, "devices": self.devices, "conflicts": self.conflicts,
                      "report": self.report}
        self.imports.imported.connect(lambda: self._data_changed(self.imports))
        self.conflicts.resolved.connect(lambda: self._data_changed(self.conflicts))
        self.devices.changed.connect(self._settings_changed)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.stack = QStackedWidget()
        for name in OFFICE_PAGES:
            self.nav.addItem(tr(f"office.page.{name}"))
            self.stack.addWidget(self.pages[name])
        self.nav.setStyleSheet("QListWidget#nav::item { padding: 10px 8px; }")
        self.nav.setFixedWidth(max(self.nav.sizeHintForColumn(0) + 28, 120))
        self.nav.currentRowChanged.connect(self._page_chosen)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 6)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_status()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        file_menu = bar.addMenu(tr("menu.file"))
        import_action = QAction(tr("office.import.choose"), self)
        import_action.setShortcut(QKeySequence.StandardKey.Open)
        import_action.triggered.connect(lambda: (self.show_page("import"), self.imports.choose_files()))
        file_menu.addAction(import_action)
        self.book_action = QAction(tr("office.menu.book"), self)
        self.book_action.triggered.connect(self.open_book)
        file_menu.addAction(self.book_action)
        file_menu.addSeparator()
        quit_action = QAction(tr("menu.quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        go_menu = bar.addMenu(tr("menu.go"))
        for n, name in enumerate(OFFICE_PAGES, start=1):
            action = QAction(tr(f"office.page.{name}"), self)
            action.setShortcut(QKeySequence(f"Ctrl+{n}"))
            action.triggered.connect(lambda _=False, p=name: self.show_page(p))
            go_menu.addAction(action)
        go_menu.addSeparator()
        reload_action = QAction(tr("menu.reload"), self)
        reload_action.setShortcut(QKeySequence.StandardKey.Refresh)
        reload_action.triggered.connect(lambda: self.pages[self.current_page_name()].refresh())
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

    def _build_status(self) -> None:
        status = QStatusBar()
        self.status_office = QLabel()
        where = self.db.label
        self.status_db = QLabel(tr("office.status.db", where=where))
        self.status_db.setToolTip(where)
        status.addWidget(self.status_office)
        status.addPermanentWidget(self.status_db)
        self.setStatusBar(status)
        self._settings_changed()

    def _settings_changed(self) -> None:
        district = self.db.setting("district_code")
        if district:
            self.status_office.setText(tr("office.status.office", name=self.db.setting("office_name") or "–",
                                          district=district))
        else:
            self.status_office.setText(tr("office.status.no_keys"))

    def open_book(self):
        """The field app's screens on the district database: loans, households, visits of every subdistrict.

        What the clerk corrects or approves there is a change of the office, so it goes back to the
        laptops in their return bundles; the office pages load again when the window closes.
        """
        from ui.mainwindow import MainWindow

        book = MainWindow(self.db, self.day, self)
        book.setWindowFlag(Qt.WindowType.Window)
        book.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        book.setWindowTitle(tr("office.book.title", district=self.db.setting("district_code") or "–"))
        book.destroyed.connect(lambda *_: self._data_changed(None))
        book.show()
        self.book = book
        return book

    # --- pages --------------------------------------------------------------------------------------

    def current_page_name(self) -> str:
        return OFFICE_PAGES[max(0, self.nav.currentRow())]

    def show_page(self, name: str):
        self.nav.setCurrentRow(OFFICE_PAGES.index(name))
        return self.pages[name]

    def _page_chosen(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.pages[OFFICE_PAGES[row]]
        if page.stale:
            page.refresh()

    def set_day(self, day: date) -> None:
        self.day = day
        if self.date_edit.value() != day:
            self.date_edit.set_value(day)
            return
        for page in self.pages.values():
            page.set_day(day)
            page.stale = True
        self.pages[self.current_page_name()].refresh()

    def _data_changed(self, source=None) -> None:
        for page in self.pages.values():
            if page is not source:
                page.stale = True
        current = self.pages[self.current_page_name()]
        if current.stale:
            current.refresh()

    # --- language -----------------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        if lang == i18n.language():
            return
        self.db.set_setting("language", lang)
        i18n.set_language(lang)
        current = self.current_page_name()
        self._build()
        self.show_page(current)
