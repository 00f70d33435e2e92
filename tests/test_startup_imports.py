"""The command line starts at once: `fieldtool --help` builds its parser without the domain's heavy libraries,
and a database already at the newest schema is opened without Alembic.

These check what is imported, not how long it takes (the figures are bench/bench_startup.py's).
"""

import json
import re
import subprocess
import sys
from pathlib import Path

from db import VERSIONS, head_revision, newest_revision, open_database
from fieldtool.vocabulary import ContactWay, Frequency, FundKind, GroupKind, LetterKind, PreventItem
from ui.cli import choices

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "PySide6", "reportlab", "pythainlp", "openpyxl", "fieldtool.models")


def _loaded_after(code: str) -> list[str]:
    """The heavy packages a fresh Python holds after running `code`."""
    probe = code + (
        "\nimport json, sys"
        f"\nprint(json.dumps(sorted(n for n in {HEAVY!r} if n in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_help_builds_the_whole_parser_without_the_domain_or_qt():
    code = (
        "import contextlib, io\n"
        "from ui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'reminders' in out.getvalue()\n"
    )
    assert _loaded_after(code) == []


def test_a_command_s_own_help_needs_no_domain_either():
    code = (
        "import contextlib, io\n"
        "from ui.cli import main\n"
        "for argv in (['loan', 'check', '--help'], ['fund', 'add', '--help'], ['letter', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main(argv)\n"
        "        except SystemExit:\n"
        "            pass\n"
    )
    assert _loaded_after(code) == []


def test_a_query_on_a_current_database_does_not_load_alembic(tmp_path):
    path = tmp_path / "book.sqlite"
    open_database(path).dispose()  # made and migrated here, in the test's process
    code = (
        "import contextlib, io\n"
        "from ui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['--db', {str(path)!r}, 'reminders', '--on', '2026-11-22', '--json']) == 0\n"
    )
    loaded = _loaded_after(code)
    assert "alembic" not in loaded and "PySide6" not in loaded and "reportlab" not in loaded


def test_the_newest_migration_named_in_its_file_is_alembic_s_head():
    for path in VERSIONS.glob("[0-9]*_*.py"):
        revision = re.search(r"^revision = ['\"](.+?)['\"]", path.read_text(encoding="utf-8"), re.M).group(1)
        assert path.name.startswith(f"{revision}_"), f"{path.name} holds revision {revision}"
    assert newest_revision() == head_revision()


def test_the_parser_s_lists_are_the_domain_s():
    assert choices.PREVENT_CODES == tuple(PreventItem)
    assert choices.DELIVERY_HOW == tuple(ContactWay)
    assert choices.LETTER_KINDS == tuple(LetterKind)
    assert choices.FUND_KINDS == tuple(FundKind)
    assert choices.FREQUENCIES == tuple(Frequency)
    assert choices.GROUP_KINDS == tuple(GroupKind)


def test_a_command_builds_only_its_own_nouns_parser_and_the_table_names_every_command():
    import argparse
    from importlib import import_module

    from ui import cli

    def commands(parser: argparse.ArgumentParser) -> set[str]:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return set(sub.choices)

    whole = commands(cli.build_parser(["--help"]))
    assert whole == set(cli.COMMANDS)  # every command has its noun in the table, and nothing else is there
    for command, noun in cli.COMMANDS.items():
        own = commands(cli.build_parser(["--db", "x.sqlite", command, "--json"]))
        assert command in own
        assert own == {c for c, n in cli.COMMANDS.items() if n == noun}
        assert hasattr(import_module(f"ui.cli.{noun}"), "add_parser")
    # a mistyped command still hears every command's name in its refusal
    assert commands(cli.build_parser(["remindrs"])) == whole
