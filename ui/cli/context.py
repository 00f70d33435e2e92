"""How a command reaches its database: opened when its handler asks, disposed when the handler is done.

`--db PATH` (else $FIELDTOOL_DB, else the user's data folder) names a SQLite file; the district office's
commands also take `--url postgresql://…` (`office_target`). A handler reads what was typed first and opens
the database after, so a refusal of bad input opens, creates and upgrades nothing; it asks for
`session(args)` when one transaction is all it needs, `database(args)` when it hands the database on.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db import Database


def office_target(parser: argparse.ArgumentParser) -> None:
    """--db or --url after an office command: the office database is a SQLite file or a PostgreSQL server."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", default=argparse.SUPPRESS, help="office database file (SQLite)")
    where.add_argument("--url", help="office database on PostgreSQL: postgresql://user@host/dbname")


def db_path(args) -> Path:
    """The SQLite file the command names (for `gui` and `restore`, which open it their own way)."""
    from db import default_db_path

    return Path(args.db) if args.db else default_db_path()


@contextmanager
def database(args, create: bool = False) -> Iterator[Database]:
    """The command's database, opened (upgraded, or with `create` made) and disposed at the end.

    With --url it is the office database on PostgreSQL; an office command (one that takes --url) given a
    file gets the same file as an office database. The command has loaded what it needs by now: the garbage
    collector runs again from here (ui.startup)."""
    from ui import startup

    startup.release()
    url = getattr(args, "url", None)
    if url:
        from db.office import open_office

        db = open_office(url)
    else:
        from db import open_database

        db = open_database(db_path(args), create=create)
        if hasattr(args, "url"):
            from db.office import as_office

            db = as_office(db)
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def session(args, create: bool = False) -> Iterator[Session]:
    """One transaction on the command's database: committed when the block ends, rolled back on an error."""
    with database(args, create) as db, db.session() as s:
        yield s
