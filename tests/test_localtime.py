"""Times are stored in UTC and shown in Thailand's time, on any computer: a change made at 06:30 in the
morning in Thailand (23:30 UTC the evening before) reads 06:30 on the next day's date, in Thai and in
English, on the command line, in the district report's PDF and workbook, and in the app."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from fieldtool import thai
from fieldtool.models import SyncBundle
from fieldtool.officedesk import ConflictItem
from fieldtool.thai import format_time, iso_time, local_time
from tests.district.builder import make_district, run

LATE_EVENING_UTC = datetime(2026, 12, 1, 23, 30)  # SQLite gives stored times back without their zone


def test_a_time_stored_as_utc_2330_shows_the_next_day_at_0630():
    assert format_time(LATE_EVENING_UTC) == "2 ธ.ค. 2569 06:30 น."
    assert format_time(LATE_EVENING_UTC, "en") == "2 Dec 2026 06:30"
    assert format_time(LATE_EVENING_UTC, zone=True) == "2 ธ.ค. 2569 06:30 น. (เวลาประเทศไทย)"
    assert format_time(LATE_EVENING_UTC, "en", zone=True) == "2 Dec 2026 06:30 ICT"
    assert format_time(LATE_EVENING_UTC.replace(tzinfo=UTC)) == "2 ธ.ค. 2569 06:30 น."  # PostgreSQL keeps the zone
    assert iso_time(LATE_EVENING_UTC) == "2026-12-02T06:30:00.000000+07:00"


def test_without_the_time_zone_database_thailand_is_still_seven_hours_ahead(monkeypatch):
    def missing(_key):
        raise zoneinfo.ZoneInfoNotFoundError("No time zone found with key Asia/Bangkok")

    monkeypatch.setattr(thai, "ZoneInfo", missing)  # Windows without the tzdata package
    zone = thai._thailand()
    assert zone.utcoffset(None) == timedelta(hours=7)
    monkeypatch.setattr(thai, "LOCAL_ZONE", zone)
    assert local_time(LATE_EVENING_UTC).hour == 6
    assert format_time(LATE_EVENING_UTC, "en", zone=True) == "2 Dec 2026 06:30 ICT"


def test_the_app_shows_thailand_time_whatever_zone_the_computer_is_set_to(monkeypatch):
    from ui import i18n

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert i18n.local_time_text(LATE_EVENING_UTC) == "2 ธ.ค. 2569 06:30 น."
        i18n.set_language("en")
        assert i18n.local_time_text(LATE_EVENING_UTC, zone=True) == "2 Dec 2026 06:30 ICT"
    finally:
        i18n.set_language("th")
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_conflict_line_gives_who_and_when_in_thailand_time():
    item = ConflictItem("c1", "household", "h1", "phone", "นางมาลัย ทองคำ หมู่ที่ 2 บ้านโนนสูง", "0899999999",
                        "นายบี", LATE_EVENING_UTC, "0811111111", "นางสาวเอ", LATE_EVENING_UTC - timedelta(hours=1),
                        "open", None, "", "0899999999", "0811111111")
    assert item.text() == ("นางมาลัย ทองคำ หมู่ที่ 2 บ้านโนนสูง – โทรศัพท์: ใช้ 0899999999 "
                           "(นายบี, 2 ธ.ค. 2569 06:30 น. (เวลาประเทศไทย)) แทน 0811111111 "
                           "(นางสาวเอ, 2 ธ.ค. 2569 05:30 น. (เวลาประเทศไทย))")


@pytest.fixture
def district(tmp_path):
    built = make_district(tmp_path)
    with built.db.session() as s:  # ต.โนนกลาง's laptop wrote its bundle at 06:30 Thai time; it was merged at 08:00
        s.add(SyncBundle(direction="in", kind="field", sha256="x" * 64, source_device="laptop-1", bundle_seq=4,
                         officer="นางสาวเอ ทดสอบ", area_code="341905", created_at=LATE_EVENING_UTC.replace(tzinfo=UTC),
                         processed_at=LATE_EVENING_UTC.replace(tzinfo=UTC) + timedelta(hours=1, minutes=30),
                         file_name="341905-4.ftb"))
    yield built
    built.db.dispose()


def test_the_district_report_says_when_each_laptop_wrote_its_data_in_thailand_time(district, capsys, tmp_path):
    xlsx, pdf = tmp_path / "รายงาน.xlsx", tmp_path / "รายงาน.pdf"
    argv = ("--db", str(district.db.path), "office", "report", "--fy", "2570", "--on", "2027-02-15")
    data = json.loads(run(capsys, "--json", *argv, "--xlsx", str(xlsx), "--pdf", str(pdf)).out)
    assert data["sources"] == [{"subdistrict": "341905 ต.โนนกลาง", "officer": "นางสาวเอ ทดสอบ", "bundle_seq": 4,
                                "made_at": "2026-12-02T06:30:00.000000+07:00",
                                "received_at": "2026-12-02T08:00:00.000000+07:00"}]
    assert data["made_at"].endswith("+07:00")

    lines = run(capsys, *argv).out
    assert "ข้อมูลจาก 341905 ต.โนนกลาง นางสาวเอ ทดสอบ: ชุดที่ 4 ทำเมื่อ 2 ธ.ค. 2569 06:30 น." in lines
    assert "จัดทำเมื่อ " in lines and "น. (เวลาประเทศไทย)" in lines

    sheet = [c for row in load_workbook(xlsx)["สรุป"].iter_rows(values_only=True) for c in row if c is not None]
    assert "๒ ธ.ค. ๒๕๖๙ ๐๖:๓๐ น." in sheet and "๒ ธ.ค. ๒๕๖๙ ๐๘:๐๐ น." in sheet
    assert any(str(c).endswith("น. (เวลาประเทศไทย)") for c in sheet)  # the report's own time, zone named

    exe = shutil.which("pdftotext")
    assert exe, "pdftotext is missing: install poppler-utils (apt-get install -y poppler-utils)"
    text = subprocess.run([exe, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True,
                          env={**os.environ, "LANG": "C.UTF-8"}).stdout
    assert "ข้อมูลจากเครื่องภาคสนาม" in text and "๒ ธ.ค. ๒๕๖๙ ๐๖:๓๐ น." in text
