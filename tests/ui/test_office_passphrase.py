"""The office's key passphrase in the office window: set on the keys page, asked for before the next import,
and removed again, all without the command line."""

from __future__ import annotations

from db.office import default_key_path
from exports import keyfile
from tests.ui import test_office_window as office_tests
from ui.passphrase import PassphraseDialog

PASSPHRASE = "ทุ่งกุลา ร้องไห้ 2569"
# the office window's fixtures, used as they are
demo_template, demo, office_db, window = (office_tests.demo_template, office_tests.demo, office_tests.office_db,
                                          office_tests.window)
bundles_in, wait = office_tests.bundles_in, office_tests.wait


def answer(monkeypatch, method: str, value, asked: list | None = None) -> None:
    """The person's answer to the passphrase dialog (the class method a test replaces); `asked` counts it."""
    def reply(cls, *args, **kw):
        if asked is not None:
            asked.append(method)
        return value
    monkeypatch.setattr(PassphraseDialog, method, classmethod(reply))


def test_the_office_locks_its_key_on_the_keys_page_is_asked_for_it_when_importing_and_removes_it(
        qtbot, window, demo, office_db, monkeypatch):
    key_file = default_key_path(office_db)
    page = window.show_page("devices")
    wait(qtbot)
    assert page.passphrase_button.isVisible() and page.passphrase_button.text() == "รหัสผ่านกุญแจ…"
    assert "(มีรหัสผ่าน)" not in page.key_info.text()

    answer(monkeypatch, "ask_new", None)  # the person cancels: nothing changes
    assert not page.change_passphrase() and not keyfile.is_locked(key_file)

    asked: list[str] = []
    answer(monkeypatch, "ask", "", asked)
    answer(monkeypatch, "ask_new", PASSPHRASE, asked)
    assert page.change_passphrase()
    assert asked == ["ask_new"]  # a key file without a passphrase is not asked for one first
    assert "ตั้งรหัสผ่านของไฟล์กุญแจแล้ว" in page.message.text()
    wait(qtbot)
    assert "(มีรหัสผ่าน)" in page.key_info.text() and keyfile.is_locked(key_file)

    imports = window.show_page("import")
    wait(qtbot)
    before = bundles_in(office_db)
    answer(monkeypatch, "ask", None)  # asked, and cancelled: nothing imported
    assert not imports.start([demo / "usb"]) and bundles_in(office_db) == before
    asked.clear()
    answer(monkeypatch, "ask", PASSPHRASE, asked)
    assert imports.start([demo / "usb"])
    wait(qtbot)
    qtbot.waitUntil(lambda: not imports.busy)
    assert asked == ["ask"] and bundles_in(office_db) > before

    page = window.show_page("devices")
    wait(qtbot)
    asked.clear()
    answer(monkeypatch, "ask", PASSPHRASE, asked)  # the passphrase now, then both new fields left empty
    answer(monkeypatch, "ask_new", "", asked)
    assert page.change_passphrase()
    assert asked == ["ask", "ask_new"] and "ไม่มีรหัสผ่านแล้ว" in page.message.text()
    wait(qtbot)
    assert "(มีรหัสผ่าน)" not in page.key_info.text() and not keyfile.is_locked(key_file)
    # the same key as before, opened without a passphrase
    assert keyfile.read_private_key(key_file, "office").key_id == office_db.setting("sync_key_id")
