"""Help → เกี่ยวกับโปรแกรม: the version, the database open, the support log, and the data folder one click away;
and the names and icon the program gives itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui import i18n, logsetup
from ui.about import AboutDialog, apply_identity
from ui.mainwindow import MainWindow
from ui.qt import QApplication, Qt


@pytest.fixture
def window(qtbot, book, wait_idle):
    win = MainWindow(book.db, book.today)
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    return win


def help_action(window, text: str):
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    return next(a for a in menus["ช่วยเหลือ"].actions() if a.text() == text)


def open_about(window, qtbot) -> AboutDialog:
    help_action(window, "เกี่ยวกับโปรแกรม").trigger()
    about = window.findChildren(AboutDialog)[-1]
    qtbot.waitUntil(about.isVisible)
    return about


def test_the_help_menu_opens_the_about_box_with_the_version_and_the_database(window, book, qtbot):
    about = open_about(window, qtbot)
    assert about.windowTitle() == "เกี่ยวกับโปรแกรม"
    assert about.version.text() == f"รุ่น {logsetup.program_version()}"
    assert logsetup.program_version()[0].isdigit()  # the installed version, not "unknown"
    assert about.database.text() == str(book.db.path)
    assert about.open_folder_button.text() == "เปิดโฟลเดอร์ข้อมูล"
    assert not about.grab().isNull()


def test_the_button_opens_the_folder_that_holds_the_database(window, book, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(AboutDialog, "open_url", staticmethod(lambda url: asked.append(url) or True))
    about = open_about(window, qtbot)
    qtbot.mouseClick(about.open_folder_button, Qt.MouseButton.LeftButton)
    assert [Path(url.toLocalFile()) for url in asked] == [book.db.path.parent]
    assert not about.problem.isVisible()


def test_a_folder_the_system_cannot_open_is_said_in_the_box(window, book, qtbot, monkeypatch):
    monkeypatch.setattr(AboutDialog, "open_url", staticmethod(lambda url: False))
    about = open_about(window, qtbot)
    qtbot.mouseClick(about.open_folder_button, Qt.MouseButton.LeftButton)
    assert about.problem.isVisible()
    assert about.problem.text() == f"เปิดโฟลเดอร์ไม่ได้: {book.db.path.parent}"


def test_the_about_box_names_the_support_log_of_an_installed_copy(window, qtbot, tmp_path):
    log = logsetup.start(tmp_path / "logs" / "fieldtool.log")
    try:
        about = open_about(window, qtbot)
        assert about.log.text() == str(log)
        about.close()
    finally:
        logsetup.stop()
    assert open_about(window, qtbot).log.text() == "ไม่ได้บันทึก (โปรแกรมที่ไม่ได้ติดตั้ง)"


def test_the_about_box_speaks_english_after_the_language_switch(window, qtbot):
    window.set_language("en")
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    about_action = next(a for a in menus["Help"].actions() if a.text() == "About fieldtool")
    about_action.trigger()
    about = window.findChild(AboutDialog)
    qtbot.waitUntil(about.isVisible)
    assert about.version.text() == f"Version {logsetup.program_version()}"
    assert about.open_folder_button.text() == "Open the data folder"
    i18n.set_language("th")


def test_the_program_has_its_names_version_and_icon(qapp):
    apply_identity(qapp)
    assert QApplication.applicationName() == "fieldtool"
    assert QApplication.organizationName() == "fieldtool"
    assert QApplication.applicationVersion() == logsetup.program_version()
    icon = QApplication.windowIcon()
    assert not icon.isNull() and icon.actualSize(icon.availableSizes()[0]).width() == 256
