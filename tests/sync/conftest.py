"""Fixtures for the sync tests: laptops with keys, and a district office on SQLite and on real PostgreSQL."""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from db import Database, migrate, open_database
from db.office import OfficeDatabase, default_key_path, open_office
from exports import bundle, keyfile, sync_keys
from fieldtool import funds, lending, registry, repayments
from fieldtool.models import ChangeLog, Setting
from fieldtool.sync.tables import table_infos
from tests.pg import PostgresMissing, PostgresServer

DISTRICT = "3419"


# --- PostgreSQL ----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server():
    """A private PostgreSQL server for the whole run; missing server programs fail the tests, never skip them."""
    try:
        server = PostgresServer().start()
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        # Every office database is a copy of one migrated template: CREATE DATABASE ... TEMPLATE is fast.
        url = server.create_database("template")
        engine = create_engine(url)
        migrate(engine)
        engine.dispose()
        server.template = make_url(url).database
        yield server
    finally:
        server.stop()


def new_pg_url(pg_server) -> str:
    return pg_server.create_database("office", template=pg_server.template)


# --- the office ------------------------------------------------------------------------------------------


def make_office(kind: str, tmp_path: Path, request) -> OfficeDatabase:
    folder = tmp_path / f"office-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    if kind == "sqlite":
        office = open_office(folder / "office.sqlite")
    else:
        pg = request.getfixturevalue("pg_server")
        office = open_office(new_pg_url(pg))
        office.set_setting("key_file", str(folder / "office.key"))
        office.set_setting("photo_dir", str(folder / "photos"))
    with office.session() as s:
        registry.set_setting(s, "officer", "นายอำเภอ ทดสอบ (พัฒนาการอำเภอ)")
        registry.set_setting(s, "district_code", DISTRICT)
    keys = keyfile.new_keys("office", office.setting("device_id"))
    keyfile.write_private_key(default_key_path(office), keys)
    office.keys = keys
    office.kind = kind
    office.folder = folder
    return office


@pytest.fixture(params=["sqlite", "postgresql"])
def office(request, tmp_path):
    """An empty district office database with its keys: once on SQLite, once on PostgreSQL."""
    made = [make_office(request.param, tmp_path, request)]
    yield made[0]
    made[0].dispose()


@pytest.fixture
def new_office(request, tmp_path):
    """Make more empty offices of the same kind as `office` (for comparing merge orders)."""
    made = []

    def factory(kind: str) -> OfficeDatabase:
        o = make_office(kind, tmp_path, request)
        made.append(o)
        return o

    yield factory
    for o in made:
        o.dispose()


def office_card(office: OfficeDatabase) -> dict:
    return sync_keys.public_card(office.keys, "สพอ.พิบูลมังสาหาร", DISTRICT)


def target_args(office: OfficeDatabase) -> list[str]:
    """How the command line names this office database."""
    return ["--url", office.url] if office.url else ["--db", str(office.path)]


# --- laptops ---------------------------------------------------------------------------------------------


@dataclass
class Laptop:
    """A field laptop: its database, keys, and the ids of its small subdistrict."""

    name: str
    db: Database
    device_id: str
    code: str
    village_id: str = ""
    group_id: str = ""
    household_id: str = ""
    head_id: str = ""
    fund_id: str = ""
    out: Path | None = None
    bundles: int = 0

    def export(self, full: bool = False) -> Path:
        self.bundles += 1
        path = self.out / f"{self.name}-{self.bundles}{'-full' if full else ''}.ftb"
        bundle.export_field_bundle(self.db, path, full=full)
        return path

    def loan(self, principal_baht: int = 10_000, disbursed: bool = True) -> str:
        with self.db.session() as s:
            loan = lending.add_loan(s, fund_id=self.fund_id, group_id=self.group_id, household_id=None,
                                     purpose="ทอผ้าไหม", principal_satang=principal_baht * 100, instalments=3,
                                     first_due=date(2026, 1, 31), applied_on=date(2025, 11, 1), frequency="monthly",
                                     rate_bp=0)
            if disbursed:
                lending.disburse(s, loan.id, date(2025, 12, 1), "ย้ายสัญญาเดิมเข้าระบบ")
            return loan.id

    def pay(self, loan_id: str, satang: int, on: date = date(2026, 1, 20)) -> str:
        with self.db.session() as s:
            return repayments.record_payment(s, loan_id, satang, on).id

    def set_phone(self, phone: str) -> None:
        with self.db.session() as s:
            from fieldtool.models import Household

            s.get(Household, self.household_id).phone = phone

    def trust(self, office: OfficeDatabase) -> None:
        with self.db.session() as s:
            sync_keys.enrol(s, office_card(office))

    def card(self) -> dict:
        keys = keyfile.read_private_key(default_key_path(self.db), "officer")
        with self.db.session() as s:
            return sync_keys.public_card(keys, registry.setting(s, "officer"), self.code)

    def enrol_at(self, office: OfficeDatabase) -> None:
        with office.session() as s:
            sync_keys.enrol(s, self.card())


def _make_keys(db: Database) -> None:
    keys = keyfile.new_keys("officer", db.setting("device_id"))
    keyfile.write_private_key(default_key_path(db), keys)


@pytest.fixture
def laptop(tmp_path):
    """make(name, subdistrict code, officer) -> a Laptop with a village, a group, a household and a fund."""
    made = []
    out = tmp_path / "usb"
    out.mkdir()

    def make(name: str, code: str = "341905", officer: str = "นางสาวทดสอบ ระบบดี", office=None) -> Laptop:
        db = open_database(tmp_path / name / f"{name}.sqlite")
        with db.session() as s:
            registry.set_setting(s, "officer", officer)
        with db.session() as s:
            sub = registry.setup_subdistrict(s, ("34", "อุบลราชธานี"), (DISTRICT, "พิบูลมังสาหาร"), (code, f"ตำบล{name}"))
            village = registry.add_village(s, sub.id, 3, "บ้านหนองบัว")
            chair = registry.add_person(s, "สมศรี", "ใจดี", "นาง", national_id=None, phone="0812345678",
                                        village_id=village.id)
            group = registry.add_group(s, "กลุ่มทอผ้าไหมบ้านหนองบัว", village.id, chair_id=chair.id)
            head = registry.add_person(s, "บุญมี", "ศรีสุข", "นาย", national_id="3341900123454", village_id=village.id)
            household = registry.add_household(s, village.id, head.id, house_no="12", phone="0899999999")
            fund = funds.add_fund(s, "กข.คจ.", "kkkj")
            ids = dict(village_id=village.id, group_id=group.id, household_id=household.id, head_id=head.id,
                       fund_id=fund.id)
        _make_keys(db)
        lap = Laptop(name, db, db.setting("device_id"), code, out=out, **ids)
        made.append(lap)
        if office is not None:
            lap.trust(office)
            lap.enrol_at(office)
        return lap

    yield make
    for lap in made:
        lap.db.dispose()


def clone_laptop(source: Laptop, name: str, office) -> Laptop:
    """A second laptop set up from a copy of the first (a colleague taking over part of the subdistrict)."""
    target = source.db.path.parent.parent / name / f"{name}.sqlite"
    target.parent.mkdir(parents=True)
    src = sqlite3.connect(source.db.path)
    dst = sqlite3.connect(target)
    src.backup(dst)
    new_device = str(uuid.uuid4())
    dst.execute("UPDATE setting SET value = ? WHERE key = 'device_id'", (new_device,))
    dst.execute("DELETE FROM sync_bundle")  # this laptop has sent nothing yet
    dst.commit()
    src.close()
    dst.close()
    db = open_database(target)
    _make_keys(db)
    lap = Laptop(name, db, new_device, source.code, source.village_id, source.group_id, source.household_id,
                 source.head_id, source.fund_id, out=source.out)
    lap.enrol_at(office)
    return lap


# --- what a user would compare -----------------------------------------------------------------------------

SKIP_COLUMNS = {"sync_bundle": None, "setting": None}  # bookkeeping of when and where, not district data


def district_dump(db: Database) -> dict[str, list[tuple]]:
    """Every row of every district table (and the merged log, conflicts, waiting records), sorted."""
    local = db.setting("device_id")
    names = sorted(table_infos()) + ["change_log", "sync_conflict", "sync_pending"]
    out = {}
    with db.engine.connect() as conn:
        for name in names:
            rows = conn.execute(select(SQLModel.metadata.tables[name])).all()  # typed alike on both databases
            if name == "change_log":  # this installation's own settings are not district data
                rows = [r for r in rows if r.device_id != local]
            out[name] = sorted(tuple(_plain(v) for v in r) for r in rows)
    return out


def _plain(v):
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def snapshot(db: Database) -> dict[str, int]:
    """Row counts of every table: what 'wrote nothing' means to a user."""
    with db.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}


def log_entries(db: Database, device_id: str) -> list[ChangeLog]:
    with db.session() as s:
        return list(s.scalars(select(ChangeLog).where(ChangeLog.device_id == device_id).order_by(ChangeLog.seq)))


def setting_of(db: Database, key: str) -> str:
    with db.session() as s:
        row = s.get(Setting, key)
        return row.value if row else ""


def copy_file(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
