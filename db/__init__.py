"""The field database: one SQLite file, WAL, foreign keys on, synchronous FULL (this is money).

Opening a database brings it up to the newest schema through Alembic migrations; a database made by a
newer program is refused with a clear sentence, never opened half-understood.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session, select

import fieldtool.changelog  # noqa: F401  (registers the change-log hook on every session)
from fieldtool.models import Setting, new_id
from fieldtool.thai import InputError

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(InputError):
    """The database file cannot be used (newer schema, not a database, cannot be created)."""


def default_db_path() -> Path:
    env = os.environ.get("FIELDTOOL_DB")
    if env:
        return Path(env)
    return Path(user_data_dir("fieldtool", appauthor=False)) / "fieldtool.sqlite"


def make_engine(path: Path | str) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.close()

    return engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema; refuse a database whose revision this program does not know."""
    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    if current is not None:
        try:
            script.get_revision(current)
        except Exception as exc:
            raise DatabaseError(
                "ฐานข้อมูลนี้สร้างโดยโปรแกรมรุ่นที่ใหม่กว่า กรุณาปรับปรุงโปรแกรมก่อนเปิด "
                f"(this database was made by a newer version of fieldtool, schema {current}; "
                "update the program first)"
            ) from exc
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@dataclass
class Database:
    path: Path
    engine: Engine

    @contextmanager
    def session(self):
        """A session that commits on success and rolls everything back on any error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def setting(self, key: str, default: str = "") -> str:
        with Session(self.engine) as session:
            row = session.get(Setting, key)
            return row.value if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.session() as session:
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value

    @property
    def photo_dir(self) -> Path:
        """Where visit photos are kept: beside the database file, named by their hash."""
        return self.path.parent / f"{self.path.stem}-photos"

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str | None = None, create: bool = True) -> Database:
    """Open (and create or upgrade) the database file, and make sure the device has its id."""
    path = Path(path) if path else default_db_path()
    if not path.exists():
        if not create:
            raise DatabaseError(f"ไม่พบฐานข้อมูล {path} (no database at {path}; run 'fieldtool init')")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"สร้างโฟลเดอร์ฐานข้อมูลไม่ได้: {path.parent} (cannot create {path.parent})") from exc
    elif not _looks_like_sqlite(path):
        raise DatabaseError(f"ไฟล์นี้ไม่ใช่ฐานข้อมูลของโปรแกรม: {path} (not a fieldtool database: {path})")
    engine = make_engine(path)
    try:
        migrate(engine)
        _ensure_device(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(path=path, engine=engine)


def _looks_like_sqlite(path: Path) -> bool:
    if path.stat().st_size == 0:
        return True
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def _ensure_device(engine: Engine) -> None:
    with Session(engine) as session:
        if session.exec(select(Setting).where(Setting.key == "device_id")).first():
            return
        device_id = new_id()
        session.info["device_id"] = device_id
        session.add(Setting(key="device_id", value=device_id))
        session.commit()
