"""Starting the program: fonts, a screenshot instead of a window, clear sentences for a bad database."""

from __future__ import annotations

from pathlib import Path

from db import open_database
from ui import app as app_module
from ui.app import has_display, load_fonts, run_gui
from ui.qt import QApplication, QFontDatabase, QImage

from .conftest import build_book


def test_sarabun_is_loaded_and_is_the_application_font(qapp):
    families = load_fonts(qapp)
    assert "Sarabun" in families
    assert "Sarabun" in QFontDatabase.families()
    assert QApplication.font().family() == "Sarabun"
    assert QApplication.font().pointSize() == 11


def test_screenshot_is_written_and_the_program_returns(qapp, tmp_path, capsys):
    db = open_database(tmp_path / "t.sqlite")
    build_book(db)
    db.dispose()
    png = tmp_path / "shots" / "main.png"
    assert run_gui(tmp_path / "t.sqlite", screenshot=str(png)) == 0
    assert png.stat().st_size > 10_000
    image = QImage(str(png))
    assert image.width() >= 1000 and image.height() >= 600
    assert str(png) in capsys.readouterr().out


def test_without_a_display_it_says_so_and_writes_a_screenshot(qapp, tmp_path, monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(app_module.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert not has_display()
    assert run_gui(tmp_path / "new.sqlite") == 0
    out = capsys.readouterr().out
    assert "ไม่พบจอแสดงผล" in out and "No display found" in out
    shot = Path(out.strip().splitlines()[-1].split(": ", 1)[1])
    assert shot.is_relative_to(tmp_path / "cache") and shot.stat().st_size > 0


def test_a_file_that_is_not_a_database_is_one_thai_sentence(qapp, tmp_path, capsys):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("รายชื่อผู้กู้", encoding="utf-8")
    assert run_gui(bad, screenshot=str(tmp_path / "x.png")) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"ข้อผิดพลาด: ไฟล์นี้ไม่ใช่ฐานข้อมูลของโปรแกรม: {bad}"
    assert "Traceback" not in err
    assert not (tmp_path / "x.png").exists()
