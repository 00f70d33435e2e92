"""What the field app's main window and the office window share: pages chosen from a list on the left,
the working date in the toolbar, the Go, Language and Help menus (the About box), and when pages load.

A page loads when it is shown and is marked stale when the working date changes or something is
written; switching the language builds the window again in the other language, on the same page.
Subclasses set PAGE_ORDER and PAGE_KEY and implement `_build()` (menus, pages, status bar) with the
helpers here.
"""

from __future__ import annotations

from datetime import date

from fieldtool.thai import today_in_thailand
from ui import i18n
from ui.about import AboutDialog
from ui.i18n import tr
from ui.qt import (
    QAction,
    QActionGroup,
    QHBoxLayout,
    QKeySequence,
    QListWidget,
    QLocale,
    QMainWindow,
    QStackedWidget,
    Qt,
    QToolBar,
    QWidget,
)
from ui.screen import fit_to_screen
from ui.widgets import WorkingDateEdit


def apply_qt_locale(lang: str) -> None:
    """Qt's own texts (calendar day names, standard buttons) follow the chosen language."""
    if lang == "th":
        QLocale.setDefault(QLocale(QLocale.Language.Thai, QLocale.Country.Thailand))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))


class PagedWindow(QMainWindow):
    PAGE_ORDER: tuple[str, ...] = ()
    PAGE_KEY = "page.{}"  # the i18n key of a page's name in the list and the Go menu

    def __init__(self, db, day: date | None = None, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day or today_in_thailand()
        self.pages: dict = {}
        self._toolbar: QToolBar | None = None
        fit_to_screen(self, (1280, 800))

    def _build(self) -> None:
        raise NotImplementedError

    # --- building blocks ------------------------------------------------------------------------------

    def _install_toolbar(self) -> None:
        """The working date; a new toolbar replaces the one of the previous language."""
        if self._toolbar is not None:
            self.removeToolBar(self._toolbar)
            self._toolbar.deleteLater()
        self._toolbar = QToolBar(tr("toolbar.name"))
        self._toolbar.setMovable(False)
        self.date_edit = WorkingDateEdit(self.day)
        self.date_edit.dateChanged.connect(self.set_day)
        self._toolbar.addWidget(self.date_edit)
        self.addToolBar(self._toolbar)

    def _install_pages(self) -> None:
        """The list of pages and the stack showing one; replaces the widgets of the previous language."""
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.stack = QStackedWidget()
        for name in self.PAGE_ORDER:
            self.nav.addItem(tr(self.PAGE_KEY.format(name)))
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

    def _end_menus(self, bar, file_menu) -> None:
        """Quit at the end of the File menu, then the Go, Language and Help menus."""
        quit_action = QAction(tr("menu.quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self._add_go_menu(bar)
        self._add_language_menu(bar)
        help_menu = bar.addMenu(tr("menu.help"))
        self.about_action = QAction(tr("about.menu"), self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def show_about(self) -> AboutDialog:
        """Help → เกี่ยวกับโปรแกรม: the version, the database open (the office's server by its name), the support
        log, the data folder."""
        dialog = AboutDialog(self.db.path, self, label=getattr(self.db, "label", None))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _add_go_menu(self, bar) -> None:
        go_menu = bar.addMenu(tr("menu.go"))
        for n, name in enumerate(self.PAGE_ORDER, start=1):
            action = QAction(tr(self.PAGE_KEY.format(name)), self)
            action.setShortcut(QKeySequence(f"Ctrl+{n}"))
            action.triggered.connect(lambda _=False, p=name: self.show_page(p))
            go_menu.addAction(action)
        go_menu.addSeparator()
        reload_action = QAction(tr("menu.reload"), self)
        reload_action.setShortcut(QKeySequence.StandardKey.Refresh)
        reload_action.triggered.connect(self.reload_current)
        go_menu.addAction(reload_action)

    def _add_language_menu(self, bar) -> None:
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

    # --- pages ----------------------------------------------------------------------------------------

    def current_page_name(self) -> str:
        return self.PAGE_ORDER[max(0, self.nav.currentRow())]

    def show_page(self, name: str):
        self.nav.setCurrentRow(self.PAGE_ORDER.index(name))
        return self.pages[name]

    def _page_chosen(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.pages[self.PAGE_ORDER[row]]
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

    # --- language -------------------------------------------------------------------------------------

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
