"""One running copy per database: a second launch (a real second process) brings the open window forward and
opens nothing; a launch on another database, or after a copy that crashed, opens as usual."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ui.mainwindow import MainWindow
from ui.qt import QDir, Qt
from ui.single_instance import InstanceServer, bring_forward_running, guard_window, server_name

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def first_copy(qtbot, book, wait_idle):
    """The officer's window, open and minimised, listening for later launches on its database."""
    win = MainWindow(book.db, book.today)
    qtbot.addWidget(win)
    server = guard_window(win, book.db.path)
    win.show()
    win.setWindowState(Qt.WindowState.WindowMinimized)
    wait_idle()
    yield win
    server.close()


def launch(qtbot, tmp_path, db_path) -> subprocess.CompletedProcess:
    """`fieldtool --db DB gui` as a second process; this process's event loop keeps answering meanwhile."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "--db", str(db_path), "gui"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=120_000)
    out, err = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def screenshot_written(tmp_path) -> bool:
    return (tmp_path / "cache" / "fieldtool" / "fieldtool-main-window.png").exists()


def test_a_second_launch_brings_the_open_window_forward_and_opens_nothing(first_copy, book, qtbot, tmp_path):
    assert first_copy.isMinimized()
    # The same file by another spelling of its path is the same database.
    other_spelling = book.db.path.parent / "." / book.db.path.name
    second = launch(qtbot, tmp_path, other_spelling)
    assert second.returncode == 0, second.stderr
    assert "already has" in second.stdout and "brought forward" in second.stdout
    assert "โปรแกรมเปิดฐานข้อมูลนี้อยู่แล้ว" in second.stdout
    qtbot.waitUntil(lambda: not first_copy.isMinimized() and first_copy.isVisible())
    assert not screenshot_written(tmp_path)  # the second copy never opened the database to draw it


def test_a_launch_on_another_database_opens_its_own_window(first_copy, qtbot, tmp_path):
    second = launch(qtbot, tmp_path, tmp_path / "another.sqlite")
    assert second.returncode == 0, second.stderr
    assert "already has" not in second.stdout
    assert screenshot_written(tmp_path)  # headless, it drew its own window
    assert first_copy.isMinimized()  # nobody asked the first window to come forward


def test_a_socket_left_by_a_crashed_copy_does_not_stop_the_next_launch(qapp, tmp_path):
    db_path = tmp_path / "book.sqlite"
    leftover = Path(QDir.tempPath()) / server_name(db_path)
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(leftover))  # bound, never listening: what a killed copy leaves behind
    dead.close()
    try:
        assert not bring_forward_running(db_path, wait_ms=500)
        server = InstanceServer(db_path)
        assert server.listen()
        server.close()
    finally:
        leftover.unlink(missing_ok=True)
