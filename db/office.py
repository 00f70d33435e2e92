"""The district office database: a SQLite file by default, or PostgreSQL given a URL.

It is a fieldtool database like a laptop's (the same tables, the same migrations) plus a district code,
the office keys and the officers' keys; bundles from the field are merged into it by fieldtool.sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from db import Database, DatabaseError, _ensure_device, migrate, open_database
from fieldtool.text import Text


@dataclass
class OfficeDatabase(Database):
    """A Database whose `path` is only meaningful for SQLite; `url` names a PostgreSQL one."""

    url: str = ""

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @property
    def label(self) -> str:
        return _safe_url(self.url) if self.url else str(self.path)


def is_url(target: str | Path | None) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql:", "postgresql+", "postgres:"))


def _driver_url(url: str) -> str:
    # The plain URL people write ("postgresql://user@host/db") names no driver; psycopg 3 is ours.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "postgresql://…"


def make_pg_engine(url: str) -> Engine:
    try:
        return create_engine(_driver_url(url), pool_pre_ping=True)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(Text(f"ที่อยู่ฐานข้อมูลไม่ถูกต้อง: {_safe_url(url)}", "not a valid PostgreSQL URL")) from exc


def open_office(target: str | Path | None, create: bool = True) -> OfficeDatabase:
    """Open (create, upgrade) the office database: a PostgreSQL URL or a SQLite path."""
    if is_url(target):
        engine = make_pg_engine(str(target))
        try:
            migrate(engine)
            _ensure_device(engine)
        except OperationalError as exc:
            engine.dispose()
            raise DatabaseError(Text(
                f"เชื่อมต่อฐานข้อมูล PostgreSQL ไม่ได้: {_safe_url(str(target))}",
                f"cannot connect to the PostgreSQL database: {str(exc.orig).strip().splitlines()[0]}",
            )) from exc
        except BaseException:
            engine.dispose()
            raise
        return OfficeDatabase(path=Path(make_url(engine.url).database or "postgresql"), engine=engine, url=str(target))
    db = open_database(target, create=create)
    return OfficeDatabase(path=db.path, engine=db.engine)


def as_office(db: Database) -> OfficeDatabase:
    if isinstance(db, OfficeDatabase):
        return db
    return OfficeDatabase(path=db.path, engine=db.engine)


def office_data_dir() -> Path:
    """The office's data folder when its database is on a server: its key file and photos are kept here."""
    return Path(user_data_dir("fieldtool", appauthor=False))


def server_photo_dir(db: Database) -> Path:
    """The photos of an office on PostgreSQL: the `photo_dir` setting, else "<database>-photos" in the office's
    data folder. (`Database.photo_dir` asks this; a server database's `path` is only its name, and a folder
    beside it would be the current directory.)"""
    configured = db.setting("photo_dir")
    if configured:
        return Path(configured)
    name = make_url(db.engine.url).database or "office"
    return office_data_dir() / f"{name}-photos"


def photo_dir(db: Database) -> Path:
    """`db.photo_dir`, for the callers that still ask here (exports.bundle.import_bundle)."""
    return db.photo_dir


def default_key_path(db: Database) -> Path:
    """Where this installation's private key file lives unless the `key_file` setting says otherwise."""
    configured = db.setting("key_file")
    if configured:
        return Path(configured)
    if db.engine.dialect.name == "sqlite":
        return db.path.parent / f"{db.path.stem}.key"
    name = make_url(db.engine.url).database or "office"
    return office_data_dir() / f"{name}.key"
