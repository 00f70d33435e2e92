"""Start the windows: fonts, database, language, the main window; or a screenshot when there is no screen.

`fieldtool gui` calls `run_gui`. On a machine without a display (a server, CI, a terminal session) it
says so plainly, renders on Qt's offscreen platform and writes a PNG of the main window instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_cache_dir

import fieldtool.changelog  # noqa: F401  (registers the audit-trail hook for everything written here)
from db import Database, open_database
from fieldtool.thai import InputError
from ui import i18n, logsetup, single_instance, startup, worker
from ui.about import apply_identity
from ui.backup import automatic as automatic_copies
from ui.qt import QApplication, QFont, QFontDatabase, QMessageBox, Qt, QThreadPool, qInstallMessageHandler
from ui.screen import COMMON_LAPTOP, fit_to_screen

FONTS_DIR = Path(__file__).resolve().parents[1] / "resources" / "fonts"
FONT_FAMILY = "Sarabun"
SCREEN_POINT_SIZE = 11  # TH Sarabun is set at 16 pt on paper; Sarabun reads well at 11 pt on screen
HEADLESS_PLATFORMS = ("offscreen", "minimal")

_fonts_loaded: list[str] = []


def load_fonts(app: QApplication) -> list[str]:
    """Register the bundled TTFs and make Sarabun the application font (Thai marks need its shaping)."""
    if not _fonts_loaded:
        for ttf in sorted(FONTS_DIR.glob("*.ttf")):
            font_id = QFontDatabase.addApplicationFont(str(ttf))
            if font_id >= 0:
                _fonts_loaded.extend(QFontDatabase.applicationFontFamilies(font_id))
    if FONT_FAMILY in _fonts_loaded:
        app.setFont(QFont(FONT_FAMILY, SCREEN_POINT_SIZE))
    return sorted(set(_fonts_loaded))


def has_display() -> bool:
    """False on Linux when neither X11 nor Wayland is there and no Qt platform was chosen."""
    if not sys.platform.startswith("linux"):
        return True
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def default_screenshot_path() -> Path:
    return Path(user_cache_dir("fieldtool", appauthor=False)) / "fieldtool-main-window.png"


def write_screenshot(widget, path: Path) -> Path:
    """Render the window as it would look, after its background loads have answered."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if QApplication.platformName() not in HEADLESS_PLATFORMS:
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)  # no flash on a real screen
    else:
        fit_to_screen(widget, available=COMMON_LAPTOP)  # as an officer's laptop shows it, not Qt's 800×800
    widget.show()
    QApplication.processEvents()
    worker.wait_until_idle()
    QApplication.processEvents()
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"cannot write {path}")
    return path


def _drop_offscreen_noise(_mode, _context, message: str) -> None:
    # The offscreen platform warns on every window about a feature it lacks; say the rest.
    if "does not support propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def _startup_error(message_th: str, detail: str, headless: bool) -> None:
    if headless:
        print(f"ข้อผิดพลาด: {message_th}", file=sys.stderr)
        if detail and detail != message_th:
            print(f"  ({detail})", file=sys.stderr)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "fieldtool", message_th)
    if detail and detail != message_th:
        box.setInformativeText(detail)
    box.exec()


def _open(opener, where: str, headless: bool) -> Database | None:
    try:
        return opener()
    except InputError as exc:  # DatabaseError too: newer schema, not a database, cannot create
        logsetup.note_error(exc, "start-up refused:")
        th, _, en = str(exc).partition(" (")
        _startup_error(th, en.rstrip(")"), headless)
    except Exception as exc:  # a locked or unreadable file: still one sentence, not a traceback
        logsetup.note_error(exc, "start-up failed:")
        _startup_error(f"เปิดฐานข้อมูลไม่ได้: {where}", f"cannot open the database: {exc}", headless)
    return None


def run_gui(db_path: Path, screenshot: str | None = None) -> int:
    """Run the field app; with `screenshot`, or without a display, write a PNG of the main window and return.

    On a database nobody has set up (a fresh install), the first-run wizard opens over the window.
    """
    def window(db, interactive: bool):
        from ui.mainwindow import MainWindow  # after QApplication exists and fonts are in

        win = MainWindow(db)
        if interactive:
            win.open_setup_when_shown()
            automatic_copies.start_of_day(win)  # the day's first copy of the database (db.backup)
        return win

    return _run(lambda: open_database(Path(db_path)), str(db_path), window, screenshot, "fieldtool-main-window.png",
                on_quit=automatic_copies.at_close)


def run_office_gui(target: str | Path, screenshot: str | None = None) -> int:
    """Run the district office window on a SQLite file or a PostgreSQL URL (created and upgraded on open)."""
    from db.office import _safe_url, is_url, open_office

    def window(db, interactive: bool):
        from ui.office.window import OfficeWindow

        return OfficeWindow(db)

    where = _safe_url(str(target)) if is_url(target) else str(target)
    return _run(lambda: open_office(target), where, window, screenshot, "fieldtool-office-window.png")


def _run(opener, where: str, make_window, screenshot: str | None, shot_name: str, on_quit=None) -> int:
    no_display = not has_display()
    if no_display:
        print("ไม่พบจอแสดงผล จึงเปิดโปรแกรมแบบไม่มีหน้าจอและบันทึกภาพหน้าจอแทน")
        print(
            "No display found (no DISPLAY or WAYLAND_DISPLAY): running offscreen and saving a screenshot instead."
        )
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "fieldtool"])
    apply_identity(app)
    load_fonts(app)
    # One copy per database: a second launch brings the first one's window forward and opens nothing.
    if not screenshot and single_instance.bring_forward_running(where):
        print("โปรแกรมเปิดฐานข้อมูลนี้อยู่แล้ว จึงนำหน้าต่างที่เปิดอยู่ขึ้นมาให้แทน")
        print(f"fieldtool already has {where} open: its window was brought forward instead.")
        return 0
    # Offscreen with no screenshot asked for would run invisibly for ever: take the screenshot instead.
    headless = no_display or QApplication.platformName() in HEADLESS_PLATFORMS
    previous_handler = qInstallMessageHandler(_drop_offscreen_noise) if headless else None

    db = _open(opener, where, headless)
    if db is None:
        if headless:
            qInstallMessageHandler(previous_handler)
        return 2

    window = guard = None
    try:
        i18n.set_language(db.setting("language", "th"))
        window = make_window(db, interactive=not (screenshot or headless))
        startup.release()  # the window is built: the garbage collector runs again, over what is made from now
        if screenshot or headless:
            target = Path(screenshot) if screenshot else default_screenshot_path().with_name(shot_name)
            path = write_screenshot(window, target)
            print(f"บันทึกภาพหน้าจอแล้ว: {path}")
            print(f"Screenshot written: {path}")
            return 0
        guard = single_instance.guard_window(window, where)
        window.show()
        code = app.exec()
        if on_quit is not None:
            on_quit(window)
        return code
    finally:
        if guard is not None:
            guard.close()  # the socket file goes now, not whenever the window is deleted
        if window is not None:
            window.close()
            window.deleteLater()
        QThreadPool.globalInstance().waitForDone()
        db.dispose()
        if headless:
            qInstallMessageHandler(previous_handler)
