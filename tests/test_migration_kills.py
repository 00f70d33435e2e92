"""kill -9 while a database is made or upgraded: the file is left as it was or as it should be, never half.

A child `fieldtool` pauses after the n-th statement of its migration (db.PAUSE_ENV) and is killed there,
at points spread over the whole migration, the statement before COMMIT included. Afterwards the next
commands open the file as a user would: an upgrade killed midway leaves the 0004 book with every row,
which the next command upgrades; a killed `init` leaves no database, and `init` makes one.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event
from sqlmodel import SQLModel

from db import PAUSE_ENV, head_revision, make_engine, migrate
from db.snapshot import BEFORE_UPGRADE, backups_dir, copy_database
from tests.sync.test_sync_crash import wait_for_line
from tests.test_migrations import make_old_database
from ui.cli import main

ROOT = Path(__file__).resolve().parents[1]
KILLS = 9  # per migration; each kill costs a child program's start (about a second)


@pytest.fixture(scope="module")
def book_0004(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "book.sqlite"
    make_old_database(path, "0004")
    return path


def test_a_killed_upgrade_leaves_the_old_book_whole_and_the_next_command_upgrades_it(book_0004, tmp_path, capsys):
    rows_before = dump(book_0004)
    for n in kill_points(statements_of_migration(book_0004, tmp_path / "counted.sqlite")):
        path = copy_database(book_0004, tmp_path / str(n) / "book.sqlite")
        kill_after(n, path, "--json", "reminders", "--on", "2026-02-01")
        assert revision(path) == "0004" and dump(path) == rows_before, f"killed after statement {n}"
        [backup] = [f for f in backups_dir(path).iterdir() if f.name.startswith(BEFORE_UPGRADE + "0004-")]
        assert dump(backup) == rows_before

        assert cli(capsys, path, "--json", "reminders", "--on", "2026-02-01") == ["notice-30:i2"]
        assert cli(capsys, path, "--json", "loan", "show", "l1", "--on", "2026-02-01")["outstanding"] == "6666.67"
        assert schema_is_the_programs(path)
        assert cli(capsys, path, "init")


def test_a_killed_init_leaves_no_database_and_init_makes_it_again(tmp_path, capsys):
    for n in kill_points(statements_of_migration(None, tmp_path / "counted.sqlite")):
        path = tmp_path / str(n) / "field.sqlite"
        path.parent.mkdir()
        kill_after(n, path, "init")
        assert main(["--db", str(path), "reminders", "--on", "2026-02-01"]) == 2, f"killed after statement {n}"
        err = capsys.readouterr().err
        assert "fieldtool init" in err and len(err.strip().splitlines()) == 1

        assert cli(capsys, path, "--json", "init")["device_id"]
        assert cli(capsys, path, "--json", "reminders", "--on", "2026-02-01") == []
        assert schema_is_the_programs(path)


# --- helpers -------------------------------------------------------------------------------------------


def statements_of_migration(template: Path | None, scratch: Path) -> int:
    """How many statements the migration of (a copy of) `template` runs, counted as PAUSE_ENV counts them."""
    if template is not None:
        copy_database(template, scratch)
    engine = make_engine(scratch)
    seen: list[str] = []

    def on_the_migrations_connection(conn, _cursor, statement, *_args) -> None:
        if conn.engine is not engine:  # the migration runs on a connection of its own
            seen.append(statement)

    event.listen(Engine, "after_cursor_execute", on_the_migrations_connection)
    try:
        migrate(engine)
    finally:
        event.remove(Engine, "after_cursor_execute", on_the_migrations_connection)
        engine.dispose()
    assert seen[0] == "BEGIN IMMEDIATE"
    return len(seen)


def kill_points(total: int) -> list[int]:
    """KILLS points from just after BEGIN to just before COMMIT, evenly spread."""
    return sorted({1 + round(i * (total - 1) / (KILLS - 1)) for i in range(KILLS)})


def kill_after(n: int, path: Path, *command: str) -> None:
    env = {**os.environ, PAUSE_ENV: str(n)}
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "--db", str(path), *command], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_line(proc, f"migration paused after statement {n}")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def cli(capsys, path: Path, *args: str):
    """Run a command on `path` as the user would; it must succeed. Returns its JSON (reminder ids for reminders)."""
    code = main(["--db", str(path), *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    if "--json" not in args:
        return out.out
    result = json.loads(out.out)
    return [item["id"] for item in result["items"]] if "items" in result else result


def revision(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in order: what "the data is intact" means."""
    with closing(sqlite3.connect(path)) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def schema_is_the_programs(path: Path) -> bool:
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            ok = conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
            at_head = MigrationContext.configure(conn).get_current_revision() == head_revision()
    finally:
        engine.dispose()
    return ok and diff == [] and at_head
