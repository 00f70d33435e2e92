"""Where an office keeps the photos it receives: one answer (`Database.photo_dir`) for every caller. Beside a
SQLite file; for an office on PostgreSQL, which has no file to stand beside, in the office's data folder –
never the folder the program happened to be started from."""

from __future__ import annotations

from datetime import date

from db.office import default_key_path, open_office, photo_dir
from exports import bundle, keyfile
from fieldtool import registry, visits
from tests.sync.conftest import DISTRICT, new_pg_url


def _visit_with_photo(lap, tmp_path) -> None:
    from PIL import Image

    picture = tmp_path / "visit.jpg"
    Image.new("RGB", (64, 48), (200, 120, 40)).save(picture)
    with lap.db.session() as s:
        visits.add_visit(s, visits.VisitInput(visited_on=date(2026, 1, 10), village_id=lap.village_id,
                                              findings="กลุ่มทอผ้าได้ ๔ ผืน", photos=[picture]), lap.db.photo_dir)


def test_photos_imported_into_a_postgresql_office_land_in_its_data_folder_not_the_current_one(
    pg_server, laptop, tmp_path, monkeypatch
):
    data_home = tmp_path / "data-home"
    started_in = tmp_path / "started-here"
    started_in.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))  # the office's data folder: <it>/fieldtool
    monkeypatch.chdir(started_in)
    office = open_office(new_pg_url(pg_server))  # no photo_dir setting, no key_file setting
    try:
        with office.session() as s:
            registry.set_setting(s, "officer", "นายอำเภอ ทดสอบ (พัฒนาการอำเภอ)")
            registry.set_setting(s, "district_code", DISTRICT)
        office.keys = keyfile.new_keys("office", office.setting("device_id"))
        keyfile.write_private_key(default_key_path(office), office.keys)
        a = laptop("a", office=office)
        _visit_with_photo(a, tmp_path)

        result = bundle.import_bundle(office, a.export())

        folder = office.photo_dir
        assert folder.is_absolute() and folder.parent == data_home / "fieldtool"
        assert photo_dir(office) == folder  # the older name asks the same question
        assert result["photos_new"] == 1 and [p.suffix for p in folder.iterdir()] == [".jpg"]
        assert list(started_in.iterdir()) == []
    finally:
        office.dispose()


def test_a_setting_chooses_a_postgresql_offices_photo_folder(pg_server, tmp_path):
    office = open_office(new_pg_url(pg_server))
    try:
        office.set_setting("photo_dir", str(tmp_path / "photos"))
        assert office.photo_dir == photo_dir(office) == tmp_path / "photos"
    finally:
        office.dispose()


def test_a_sqlite_books_photos_are_beside_it(laptop, tmp_path):
    a = laptop("a")
    assert a.db.photo_dir == photo_dir(a.db) == tmp_path / "a" / "a-photos"
