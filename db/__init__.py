"""The field database: one SQLite file, WAL, foreign keys on, synchronous FULL (this is money).

Opening a database brings it up to the newest schema through Alembic migrations, all of them in one
transaction, after a copy of the old file is kept: a kill at any moment leaves the old schema or the new
one, never half of each. A database made by a newer program, a file that is not ours and an empty file
where a database was expected are refused with one sentence, never opened half-understood.

A database already at the newest schema (every start but the first after an upgrade) is told apart with
plain SQL against the newest migration's revision, read from the file names in migrations/versions, so a
command does not load Alembic (0.4 s) only to learn that there is nothing to do.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

import fieldtool.changelog  # noqa: F401  (registers the change-log hook on every session)
from fieldtool.models import Setting, new_id
from fieldtool.text import Text
from fieldtool.thai import InputError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSIONS = MIGRATIONS / "versions"
PAUSE_ENV = "FIELDTOOL_PAUSE_MIGRATION"  # test hook: stop after the migration's n-th statement


class DatabaseError(InputError):
    """The database file cannot be used (newer schema, not a database, cannot be created)."""


def default_db_path() -> Path:
    env = os.environ.get("FIELDTOOL_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir  # (it brings tempfile: only when the path is not given)

    return Path(user_data_dir("fieldtool", appauthor=False)) / "fieldtool.sqlite"


def make_engine(path: Path | str) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _pragmas)
    return engine


def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {VERSIONS}")  # a broken installation, not the officer's doing
    return head


def newest_revision() -> str:
    """The head revision without Alembic: migrations are named "<revision>_<what>.py" ("0009_handover…"), one
    after another, so the newest is the greatest name. tests/test_startup_imports.py checks both that each
    file is named after its revision and that this is Alembic's head."""
    return max(p.name.partition("_")[0] for p in VERSIONS.glob("[0-9]*_*.py"))


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema in one transaction, after a backup of a SQLite file that has one to lose.

    A database whose revision this program does not know is refused untouched.
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    if current is not None:
        try:
            script.get_revision(current)
        except Exception as exc:
            raise DatabaseError(Text(
                "ฐานข้อมูลนี้สร้างโดยโปรแกรมรุ่นที่ใหม่กว่า กรุณาปรับปรุงโปรแกรม fieldtool เป็นรุ่นใหม่ก่อนเปิด",
                f"this database was made by a newer version of fieldtool (schema {current}); "
                "update the program first",
            )) from exc
    if current == script.as_revision_number(revision):
        return
    if current is not None and (path := _sqlite_file(engine)):
        _backup(path, current)
    cfg = alembic_config()
    try:
        with _one_transaction(engine) as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except SQLAlchemyError as exc:  # e.g. a file half-built by an older program: nothing was changed
        raise DatabaseError(Text(
            "เตรียมฐานข้อมูลให้ใช้กับโปรแกรมรุ่นนี้ไม่สำเร็จ ไฟล์ยังเหมือนเดิม",
            "the database could not be brought up to this version of fieldtool and is unchanged: "
            f"{str(getattr(exc, 'orig', exc)).strip()}",
        )) from exc


def _sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    return Path(database) if database and database != ":memory:" else None


def _backup(path: Path, revision: str) -> Path:
    from db.snapshot import SnapshotError, backup_before_upgrade, backups_dir

    try:
        return backup_before_upgrade(path, revision)
    except SnapshotError as exc:
        raise DatabaseError(Text(
            f"ทำสำเนาสำรองใน {backups_dir(path)} ไม่ได้ จึงยังไม่ปรับรุ่นฐานข้อมูล",
            f"the database was not upgraded because its backup could not be written: "
            f"{exc.text.en if exc.text else exc}",
        )) from exc


@contextmanager
def _one_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection whose whole migration is one transaction, DDL included.

    Python's sqlite3 driver commits before each CREATE or ALTER on its own, so a killed migration used to
    leave half a schema. SQLAlchemy's pysqlite recipe: the driver leaves transactions alone and we say
    BEGIN ourselves (IMMEDIATE: a second program waits rather than migrating the same file). PostgreSQL's
    DDL is transactional already.
    """
    if _sqlite_file(engine) is None:
        with engine.begin() as conn:
            yield conn
        return
    own = create_engine(engine.url, poolclass=NullPool)
    event.listen(own, "connect", _pragmas)  # foreign_keys is set here: it cannot change inside a transaction
    event.listen(own, "connect", _driver_leaves_transactions_alone)
    event.listen(own, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    _pause_for_tests(own)
    try:
        with own.begin() as conn:
            yield conn
    finally:
        own.dispose()


def _driver_leaves_transactions_alone(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    dbapi_conn.isolation_level = None


def _pause_for_tests(engine: Engine) -> None:
    """FIELDTOOL_PAUSE_MIGRATION=n: after the n-th statement, say so on stderr and wait to be killed.

    tests/test_migration_kills.py kills the program there; unset, nothing is listening.
    """
    after = os.environ.get(PAUSE_ENV, "")
    if not after.isdigit():
        return
    count = itertools.count(1)

    @event.listens_for(engine, "after_cursor_execute")
    def _pause(*_args: object) -> None:
        if next(count) == int(after):
            print(f"migration paused after statement {after}", file=sys.stderr, flush=True)
            time.sleep(600)


@dataclass
class Database:
    path: Path
    engine: Engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls everything back on any error, with the files written
        for it (`fieldtool.transaction_files.remove_on_rollback`: letters, photos, bundles)."""
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
        """Where visit photos are kept, named by their hash: beside a SQLite file ("<name>-photos"); for an
        office on PostgreSQL, which has no file to stand beside, the folder `db.office.server_photo_dir` says.
        The one answer for the app, the command line, bundles and backups."""
        if self.engine.dialect.name == "sqlite":
            return self.path.parent / f"{self.path.stem}-photos"
        from db.office import server_photo_dir  # (db.office builds on this module)

        return server_photo_dir(self)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str | None = None, create: bool = True) -> Database:
    """Open (and upgrade) the database file, and make sure the device has its id.

    With `create`, a missing or empty file becomes a new database; without, it is refused (run init).
    """
    path = Path(path) if path else default_db_path()
    if _is_blank(path):
        if not create:
            raise DatabaseError(Text(
                f"ไม่พบฐานข้อมูลที่ {path} กรุณาสั่ง fieldtool init ก่อน",
                f"there is no database in {path}; run 'fieldtool init' first",
            ))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(Text(
                f"สร้างโฟลเดอร์ฐานข้อมูลไม่ได้: {path.parent}", f"cannot create {path.parent}",
            )) from exc
    engine = make_engine(path)
    if _ready(path):
        return Database(path=path, engine=engine)
    try:
        migrate(engine)
        _ensure_device(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(path=path, engine=engine)


def _is_blank(path: Path) -> bool:
    """No database yet: no file, an empty one, or one whose making was stopped before anything was kept.

    A file that holds something else (not SQLite, or another program's tables) is refused here, before
    the engine's pragmas could turn it to WAL.
    """
    if not path.exists():
        return True
    if path.is_file() and path.stat().st_size == 0:
        return True
    tables = _tables(path)
    if tables is None or (tables and "alembic_version" not in tables):
        raise DatabaseError(Text(
            f"ไฟล์นี้ไม่ใช่ฐานข้อมูลของโปรแกรม: {path}", f"not a fieldtool database: {path}",
        ))
    return not tables


def _tables(path: Path) -> set[str] | None:
    """The names of the tables in a SQLite file, or None when it is not one."""
    if not _looks_like_sqlite(path):
        return None
    try:
        conn = sqlite3.connect(path, timeout=5)
        try:
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:  # locked, unreadable: ours perhaps, but not openable now
        raise DatabaseError(Text(f"เปิดฐานข้อมูลไม่ได้: {path}", f"cannot open the database {path}: {exc}")) from exc
    except sqlite3.DatabaseError:  # "file is not a database", "malformed"
        return None


def _ready(path: Path) -> bool:
    """The file is at the newest schema and has its device id: nothing to migrate nor to add (plain SQL)."""
    if not _looks_like_sqlite(path):
        return False
    try:
        conn = sqlite3.connect(path, timeout=5)
        try:
            versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
            device = conn.execute("SELECT 1 FROM setting WHERE key = 'device_id'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:  # no such table, locked, ...: the full path below says what is wrong
        return False
    return versions == [newest_revision()] and device is not None


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _ensure_device(engine: Engine) -> None:
    with Session(engine) as session:
        if session.exec(select(Setting).where(Setting.key == "device_id")).first():
            return
        device_id = new_id()
        session.info["device_id"] = device_id
        session.add(Setting(key="device_id", value=device_id))
        session.commit()
