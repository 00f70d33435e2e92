"""The database file: migrations from the first table on, SQLite settings, refusing what it can't read."""

import json
import re
import shutil
import sqlite3
from contextlib import closing
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from db import DatabaseError, head_revision, make_engine, migrate, open_database
from db.snapshot import backups_dir
from fieldtool import lending, loanbook, reminders, repayments
from ui.cli import main

OLD_ROWS = [
    "INSERT INTO province VALUES ('p1', '34', 'อุบลราชธานี')",
    "INSERT INTO district VALUES ('d1', '3419', 'พิบูลมังสาหาร', 'p1')",
    "INSERT INTO subdistrict VALUES ('s1', '341905', 'โนนกลาง', 'd1')",
    "INSERT INTO village VALUES ('v1', '34190503', 3, 'บ้านหนองบัว', 's1')",
    "INSERT INTO person VALUES ('pe1', 'นาง', 'สมศรี', 'ใจดี', NULL, '', 'v1', '')",
    "INSERT INTO borrowing_group VALUES ('g1', 'กลุ่มทอผ้า', 'women', 'v1', 'pe1', NULL)",
    "INSERT INTO fund VALUES ('f1', 'กข.คจ.', 'kkkj', 'none', 0, 3, 'monthly')",
    # one loan paid out and one still waiting for its money
    "INSERT INTO loan VALUES ('l1', '001/2568', 'f1', 'group', 'g1', NULL, 'ทอผ้า', 1000000, 0, 3, 'monthly',"
    " '2026-01-31', '2025-11-01', '2025-11-20', '2025-12-01')",
    "INSERT INTO loan VALUES ('l2', '002/2568', 'f1', 'group', 'g1', NULL, 'ทอผ้า', 500000, 0, 1, 'monthly',"
    " '2026-06-30', '2026-05-01', NULL, NULL)",
    "INSERT INTO schedule VALUES ('sc1', 'l1', 1, '2025-11-01', '', '2025-11-01 00:00:00')",
    "INSERT INTO schedule VALUES ('sc2', 'l2', 1, '2026-05-01', '', '2026-05-01 00:00:00')",
    "INSERT INTO instalment VALUES ('i1', 'sc1', 'l1', 1, '2026-01-31', 333333, 0)",
    "INSERT INTO instalment VALUES ('i2', 'sc1', 'l1', 2, '2026-02-28', 333333, 0)",
    "INSERT INTO instalment VALUES ('i3', 'sc1', 'l1', 3, '2026-03-31', 333334, 0)",
    "INSERT INTO instalment VALUES ('i4', 'sc2', 'l2', 1, '2026-06-30', 500000, 0)",
    "INSERT INTO payment VALUES ('pay1', 'l1', 333333, '2026-01-30', NULL, '', '2026-01-30 03:00:00', 'x', 'dev')",
]


def make_old_database(path, revision="0001"):
    """A loan book written by the first program, then brought up to `revision` (its backup thrown away)."""
    engine = make_engine(path)
    migrate(engine, "0001")
    with engine.begin() as conn:
        for sql in OLD_ROWS:
            conn.execute(text(sql))
    migrate(engine, revision)
    engine.dispose()
    shutil.rmtree(backups_dir(path), ignore_errors=True)


def test_an_old_database_with_data_is_upgraded_on_open(tmp_path):
    path = tmp_path / "old.sqlite"
    make_old_database(path)
    db = open_database(path)
    try:
        with db.session() as s:
            state = loanbook.load_states(s, date(2026, 2, 1), ["l1"])["l1"]
            assert state.instalments[0].is_paid and state.days_overdue == 0
            assert state.outstanding_satang == 666_667
            # each instalment learned what its schedule asks up to it: the lists read only what is still owed
            sums = s.connection().execute(text("SELECT id, cumulative_satang FROM instalment ORDER BY id")).all()
            assert [tuple(r) for r in sums] == [("i1", 333_333), ("i2", 666_666), ("i3", 1_000_000), ("i4", 500_000)]
            assert [r.instalment_no for r in reminders.reminders_on(s, date(2026, 3, 10), ["l1"])] == [2, 3]
            # the upgraded book works: notices for the next due date, a new payment
            assert [r.kind for r in reminders.reminders_on(s, date(2026, 2, 1), ["l1"])] == ["notice-30"]
            repayments.record_payment(s, "l1", 333_333, date(2026, 2, 20))
            # the loan still waiting for its money got an open prevent checklist
            assert len(lending.open_prevent_items(s, "l2")) == 6
            with pytest.raises(Exception, match="รายการป้องกันยังไม่ครบ"):
                lending.disburse(s, "l2", date(2026, 5, 20))
    finally:
        db.dispose()


def test_the_migrated_schema_is_exactly_the_models(tmp_path):
    db = open_database(tmp_path / "new.sqlite")
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    db.dispose()
    assert diff == []


def test_a_database_from_a_newer_program_is_refused_untouched(tmp_path):
    path = tmp_path / "future.sqlite"
    open_database(path).dispose()
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="newer version.*update the program"):
        open_database(path)
    engine = make_engine(path)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"
    engine.dispose()


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("บันทึกการประชุม")
    with pytest.raises(DatabaseError, match="not a fieldtool database"):
        open_database(path)
    assert path.read_text() == "บันทึกการประชุม"


def test_sqlite_is_set_up_for_money(tmp_path):
    db = open_database(tmp_path / "f.sqlite")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    db.dispose()


def test_an_upgraded_book_keeps_payments_append_only_and_its_loans_follow_their_fund(tmp_path):
    path = tmp_path / "old.sqlite"
    make_old_database(path)
    db = open_database(path)
    try:
        with db.engine.begin() as conn:
            with pytest.raises(Exception, match="append-only"):
                conn.execute(text("UPDATE payment SET amount_satang = 1 WHERE id = 'pay1'"))
        with db.session() as s:
            # a loan made before the rules were copied runs on its fund's ask ladder
            asks = [r for r in reminders.reminders_on(s, date(2026, 3, 2), ["l1"]) if r.kind == "ask"]
            assert [r.step for r in asks] == ["visit"]
            assert loanbook.loan_infos(s, ["l1"])["l1"].ask_ladder == ""
    finally:
        db.dispose()


def test_an_upgrade_keeps_a_copy_of_the_old_book_first_and_a_new_database_makes_none(tmp_path):
    path = tmp_path / "old.sqlite"
    make_old_database(path, "0004")
    open_database(path).dispose()
    [backup] = backups_dir(path).iterdir()
    assert re.fullmatch(r"before-upgrade-0004-\d{8}-\d{6}\.sqlite", backup.name)
    with closing(sqlite3.connect(backup)) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
        assert old.execute("SELECT amount_satang FROM payment").fetchall() == [(333_333,)]
    open_database(tmp_path / "new.sqlite").dispose()
    assert not backups_dir(tmp_path / "new.sqlite").exists()


def test_an_upgrade_whose_backup_cannot_be_written_is_refused_in_one_sentence(tmp_path, capsys):
    path = tmp_path / "old.sqlite"
    make_old_database(path, "0004")
    backups_dir(path).write_text("a file where the backups folder should be")
    assert main(["--db", str(path), "reminders", "--on", "2026-02-01"]) == 2
    err = capsys.readouterr().err
    assert "not upgraded" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _revision(path) == "0004"


def test_an_empty_file_is_refused_except_by_init_which_makes_the_database_in_it(tmp_path, capsys):
    path = tmp_path / "empty.sqlite"
    path.touch()
    assert main(["--db", str(path), "reminders", "--on", "2026-02-01"]) == 2
    assert "fieldtool init" in capsys.readouterr().err
    assert path.stat().st_size == 0
    assert main(["--db", str(path), "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "--json", "reminders", "--on", "2026-02-01"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 0


def test_another_programs_database_is_refused_untouched_even_by_init(tmp_path, capsys):
    path = tmp_path / "notes.sqlite"
    with closing(sqlite3.connect(path)) as other, other:
        other.execute("CREATE TABLE note (body TEXT)")
        other.execute("INSERT INTO note VALUES ('ประชุมหมู่บ้าน')")
    before = path.read_bytes()
    assert main(["--db", str(path), "init"]) == 2
    assert "not a fieldtool database" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_file_half_built_by_an_older_program_is_refused_in_one_sentence(tmp_path, capsys):
    path = tmp_path / "half.sqlite"
    with closing(sqlite3.connect(path)) as half, half:  # what a kill during `init` used to leave
        half.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        half.execute("CREATE TABLE change_log (id VARCHAR NOT NULL)")
    assert main(["--db", str(path), "init"]) == 2
    err = capsys.readouterr().err
    assert "unchanged" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    with closing(sqlite3.connect(path)) as half:
        assert half.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall() == [
            ("alembic_version",), ("change_log",)
        ]


def _revision(path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
