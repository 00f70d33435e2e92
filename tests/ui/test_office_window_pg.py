"""The office window on the office's PostgreSQL server (a real private server, as in tests/sync): importing
by the window, the laptops page, conflicts and the district report read the same as on SQLite."""

from __future__ import annotations

from datetime import date

import pytest

from db.office import default_key_path, open_office
from exports import keyfile, sync_keys
from tests.district.field import make_laptop, start_pg_server
from ui import worker
from ui.office.window import OfficeWindow
from ui.qt import QThreadPool


@pytest.fixture(scope="module")
def pg_server():
    server = start_pg_server()
    yield server
    server.stop()


@pytest.fixture
def pg_office(pg_server, tmp_path):
    url = pg_server.create_database("office", template=pg_server.template)
    office = open_office(url)
    office.set_setting("key_file", str(tmp_path / "office.key"))
    office.set_setting("photo_dir", str(tmp_path / "photos"))
    office.set_setting("officer", "นางวิไลวรรณ แสงทอง")
    sync_keys.init_office_keys(office, "3419", "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร")
    office.keys = keyfile.read_private_key(default_key_path(office), "office")
    yield office
    QThreadPool.globalInstance().waitForDone()
    office.dispose()


def test_the_window_imports_and_reports_on_postgresql(qtbot, pg_office, tmp_path):
    a = make_laptop(tmp_path, "nonklang", "341905", "โนนกลาง", pg_office, "นางสาวพัชรินทร์ ศรีสุข")
    b = make_laptop(tmp_path, "phibun", "341901", "พิบูล", pg_office, "นายสมชาย ใจดี")
    try:
        a.loan()  # 10,000 in 3 monthly instalments from 31 Jan 2026, never paid
        files = [a.export(), b.export()]
    finally:
        a.db.dispose()
        b.db.dispose()
    win = OfficeWindow(pg_office, date(2026, 6, 30))
    qtbot.addWidget(win)
    win.show()
    assert "postgresql" in win.status_db.text() and "3419" in win.status_office.text()
    page = win.show_page("import")
    page.start(files)
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=60_000)
    assert [r.status for r in page.results] == ["imported", "imported"]
    assert page.history_model.rowCount() == 2

    devices = win.show_page("devices")
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=60_000)
    assert sorted(d.subdistrict for d in devices.model.rows) == ["341901 ต.พิบูล", "341905 ต.โนนกลาง"]

    report = win.show_page("report")
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=60_000)
    rep = report.report
    assert rep is not None and rep.ok
    rows = {r.label: r for r in rep.section("arrears").table("subdistrict").rows}
    assert rows["ต.โนนกลาง"].values["arrears"][2] == 1_000_000  # all three instalments unpaid on 30 Jun 2026
