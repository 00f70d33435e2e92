"""Field laptops of two subdistricts that send their bundles to a district office (SQLite or PostgreSQL).

The office and the laptops are made the way tests/sync makes them (its helpers are reused); the private
PostgreSQL server is started again for the district tests, as fixtures of tests/sync are not visible here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from db import migrate, open_database
from db.office import default_key_path
from exports import keyfile
from fieldtool import funds, registry
from tests.pg import PostgresMissing, PostgresServer
from tests.sync.conftest import DISTRICT, Laptop


def start_pg_server() -> PostgresServer:
    """A private PostgreSQL server with a migrated template database; missing programs fail, never skip."""
    try:
        server = PostgresServer().start()
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    url = server.create_database("template")
    engine = create_engine(url)
    migrate(engine)
    engine.dispose()
    server.template = make_url(url).database
    return server


def make_laptop(folder: Path, name: str, code: str, subdistrict: str, office, officer: str) -> Laptop:
    """A laptop serving one subdistrict (its own Province and District rows), enrolled at the office."""
    db = open_database(folder / name / f"{name}.sqlite")
    with db.session() as s:
        registry.set_setting(s, "officer", officer)
    with db.session() as s:
        sub = registry.setup_subdistrict(s, ("34", "อุบลราชธานี"), (DISTRICT, "พิบูลมังสาหาร"), (code, subdistrict))
        village = registry.add_village(s, sub.id, 3, "บ้านหนองบัว")
        chair = registry.add_person(s, "สมศรี", "ใจดี", "นาง", phone="0812345678", village_id=village.id)
        group = registry.add_group(s, f"กลุ่มทอผ้า{subdistrict}", village.id, chair_id=chair.id)
        fund = funds.add_fund(s, "กข.คจ.", "kkkj")
        ids = dict(village_id=village.id, group_id=group.id, fund_id=fund.id)
    keys = keyfile.new_keys("officer", db.setting("device_id"))
    keyfile.write_private_key(default_key_path(db), keys)
    out = folder / "usb"
    out.mkdir(exist_ok=True)
    lap = Laptop(name, db, db.setting("device_id"), code, out=out, **ids)
    lap.trust(office)
    lap.enrol_at(office)
    return lap
