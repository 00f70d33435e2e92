"""The support log of an installed copy: start, version, the command's words and how it ended, errors by type
and place; never a name, a national ID, a phone number, an amount, a record id or a path."""

from __future__ import annotations

import logging
import sys

import pytest

from fieldtool.thai import InputError, national_id_check_digit, parse_date
from ui import cli, logsetup

NATIONAL_ID = "310050012345" + str(national_id_check_digit("310050012345"))


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "data" / "logs" / "fieldtool.log"
    hook, raising = sys.excepthook, logging.raiseExceptions
    yield path
    logsetup.stop()
    sys.excepthook, logging.raiseExceptions = hook, raising


def run(log, db, *args) -> int:
    return logsetup.run_logged(cli.main, ["--db", str(db.path), *args], cli.build_parser(), path=log)


def test_the_log_names_the_commands_and_the_version_but_nothing_the_officer_typed(book, log, capsys):
    head = f"นาง,มาลัย,ทองคำ,{NATIONAL_ID},0891234567"
    assert run(log, book.db, "household", "add", "--village", "3", "--head", head, "--house-no", "77") == 0
    loan = book.loan()
    assert run(log, book.db, "pay", loan, "--amount", "1,234.50", "--on", "2026-01-10") == 0
    assert run(log, book.db, "pay", loan, "--amount", "-5", "--on", "2026-01-10") == 2  # refused
    text = log.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert f"start fieldtool {logsetup.program_version()}" in lines[0]
    assert [line.split("INFO ")[1] for line in lines if "INFO command" in line] == [
        "command: household add", "command: pay", "command: pay"]
    assert [line.split("INFO ")[1] for line in lines if "INFO end" in line] == [
        "end: exit 0", "end: exit 0", "end: exit 2 (refused: input or database)"]
    for private in ("มาลัย", "ทองคำ", NATIONAL_ID, "0891234567", "1,234.50", loan, str(book.db.path),
                    "นางสาวทดสอบ"):
        assert private not in text


def test_an_error_is_logged_by_its_type_and_place_never_its_message(log):
    def main(argv):
        return parse_date("31/02/2569")  # a date that does not exist: the message repeats what was typed

    with pytest.raises(InputError):
        logsetup.run_logged(main, [], path=log)
    text = log.read_text(encoding="utf-8")
    assert "ERROR ended by InputError at fieldtool.thai:" in text
    assert "in parse_date" in text
    assert "31/02" not in text and "วันที่" not in text


def test_an_error_nobody_caught_in_a_window_goes_to_the_log_and_on_to_the_console(log, monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: seen.append(exc[0]))
    logsetup.start(log)
    logsetup.install_excepthook()
    try:
        parse_date("นางสมศรี")
    except InputError:
        sys.excepthook(*sys.exc_info())  # what PySide does with an exception out of a slot
    assert seen == [InputError]
    text = log.read_text(encoding="utf-8")
    assert "ERROR uncaught InputError at fieldtool.thai:" in text
    assert "สมศรี" not in text


def test_the_log_stays_small_keeping_a_few_older_files(log, monkeypatch):
    monkeypatch.setattr(logsetup, "MAX_BYTES", 2_000)
    logsetup.start(log)
    for n in range(400):
        logsetup.logger.info("command: list funds (%d)", n)
    kept = sorted(p.name for p in log.parent.iterdir())
    assert kept == ["fieldtool.log", "fieldtool.log.1", "fieldtool.log.2", "fieldtool.log.3"]
    assert all(p.stat().st_size <= 2_100 for p in log.parent.iterdir())


def test_a_folder_the_log_cannot_be_written_to_never_stops_the_program(tmp_path, log):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    assert logsetup.start(blocked / "logs" / "fieldtool.log") is None
    assert logsetup.run_logged(lambda argv: 0, ["list", "funds"], path=blocked / "x" / "fieldtool.log") == 0


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--db", "book.sqlite", "--json", "loan", "add", "--fund", "กข.คจ.", "--principal", "10,000"], "loan add"),
        (["office", "gui", "--db", "office.sqlite"], "office gui"),
        (["--db=book.sqlite", "reminders", "--on", "22/11/2569", "--json"], "reminders"),
        (["household", "show", "0b8e6bbb-e8b0-4bcb"], "household show"),
        (["deliver", "0b8e6bbb", "--how", "visit", "--by", "นางสมศรี"], "deliver"),
        ([], "gui"),
    ],
)
def test_the_command_words_are_told_apart_from_their_values(argv, words):
    assert logsetup.command_words(argv, cli.build_parser()) == words
