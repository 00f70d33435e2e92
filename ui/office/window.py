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
from ui.office.conflicts import ConflictsView
from ui.office.devices import DevicesView
from ui.office.imports import ImportView
from ui.office.report import DistrictReportView
from ui.pagedwindow import PagedWindow, apply_qt_locale
from ui.qt import (
    QAction,
    QKeySequence,
    QLabel,
    QStatusBar,
    Qt,
    isValid,
)

OFFICE_PAGES = ("import", "devices", "conflicts", "report")


class OfficeWindow(PagedWindow):
    PAGE_ORDER = OFFICE_PAGES
    PAGE_KEY = "office.page.{}"

    def __init__(self, db: OfficeDatabase, day: date | None = None, parent=None):
        super().__init__(db, day, parent)
        self._build()
        first = "devices" if not (db.setting("district_code") and db.setting("sync_key_id")) else "import"
        self.show_page(first)

    def _build(self) -> None:
        apply_qt_locale(i18n.language())
        self.setWindowTitle(tr("office.window.title"))
        self._build_menus()
        self._install_toolbar()

        self.imports = ImportView(self.db, self.day)
        self.devices = DevicesView(self.db, self.day)
        self.conflicts = ConflictsView(self.db, self.day)
        self.report = DistrictReportView(self.db, self.day)
        self.pages = {"import": self.imports, "devices": self.devices, "conflicts": self.conflicts,
                      "report": self.report}
        self.imports.imported.connect(lambda: self._data_changed(self.imports))
        self.conflicts.resolved.connect(lambda: self._data_changed(self.conflicts))
        self.devices.changed.connect(self._settings_changed)

        self._install_pages()
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
        self._end_menus(bar, file_menu)

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

    def _book_closed(self, *_) -> None:
        if isValid(self.nav):  # not when the office window itself is going away with the book
            self._data_changed(None)

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
        book.destroyed.connect(self._book_closed)
        book.show()
        self.book = book
        return book
