"""The command line: the stable contract the district office scripts and the tests use.

`fieldtool [--db PATH] [--json] [--quiet] COMMAND ...`. Each command is one transaction: bad input prints one
clear sentence, exits 2 and writes nothing. Long work (demo, office demo, import, bundle import) says how far
it has got on stderr, a line per stage, unless --quiet; stdout holds only the result.

The command line grows by noun: each module of this package holds one noun (or a few small ones) with its
parser beside its handlers, `add_parser(sub, common)`. They share `output` (reading what was typed, printing,
exit statuses), `context` (the database, opened by the handler that needs it and disposed after), `shapes`
(the JSON printed, as README.md documents it) and `choices` (the parser's fixed lists). This module keeps the
global options, the order of the nouns in --help, and the edge where an error becomes one sentence.

The CLI is a user interface like the windows, so it lives in `ui/`; it imports Qt only when `gui` or `office
gui` is asked for, and the domain (SQLAlchemy, the models, PyThaiNLP, ReportLab) only in the handler of the
command that needs it, so `fieldtool --help` and a query start at once (bench/bench_startup.py).
"""

from __future__ import annotations

import argparse
import gc
import sys
from importlib import import_module

from ui import startup
from ui.cli.output import Exit, print_error

# The nouns in the order --help lists them: the day's work first, set-up and the office's tools after.
NOUNS = ("app", "loans", "payments", "reminders", "arrears", "lists", "history", "office", "letterhead", "letters",
         "households", "plans", "visits", "keys", "bundles", "places", "handover", "bookimport", "registers",
         "backup")
# The noun module of each command. A command builds only its own noun's parser (its module's import and
# its parser are most of what the command line does before the domain loads); --help, no command or a
# mistyped one build them all. tests/test_cli_shapes.py checks this table against the nouns' parsers.
COMMANDS = {
    "gui": "app", "init": "app", "demo": "app", "loan": "loans", "pay": "payments", "reverse": "payments",
    "reminders": "reminders", "deliver": "reminders", "arrears": "arrears", "list": "lists", "history": "history",
    "office": "office", "letterhead": "letterhead", "template": "letterhead", "letters": "letters",
    "letter": "letters", "household": "households", "plan": "plans", "plans": "plans", "visit": "visits",
    "meeting": "visits", "keys": "keys", "office-keys": "keys", "bundle": "bundles", "setup": "places",
    "village": "places", "fund": "places", "group": "places", "handover": "handover", "import": "bookimport",
    "import-template": "registers", "export-registers": "registers", "backup": "backup", "restore": "backup",
}


def _gui(args) -> int:
    """No command: the app."""
    from ui.cli.app import cmd_gui

    return cmd_gui(args)


def _command_of(argv: list[str]) -> str | None:
    """The command typed, read past the global options (--db PATH, --json, --quiet); None when there is
    none or when help is asked for, so that every noun's parser is built."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help"):
            return None
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`: with the noun of the command typed only, else with all of them."""
    common = argparse.ArgumentParser(add_help=False)  # --json and --quiet also after the command
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    quiet_help = "no progress lines on stderr during long work (demo, import, bundle import)"
    common.add_argument("--quiet", action="store_true", default=argparse.SUPPRESS, help=quiet_help)
    p = argparse.ArgumentParser(prog="fieldtool", description="ปตท. loan book of a subdistrict (offline).")
    p.add_argument("--db", help="database file (default: the user's data directory, or $FIELDTOOL_DB)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--quiet", action="store_true", help=quiet_help)
    p.set_defaults(func=_gui)
    sub = p.add_subparsers(dest="command")
    command = _command_of(argv) if argv is not None else None
    for noun in (COMMANDS[command],) if command in COMMANDS else NOUNS:
        import_module(f"ui.cli.{noun}").add_parser(sub, common)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status. Called as the program (`argv` from sys.argv), it starts without the
    garbage collector until the command has loaded what it needs (ui.startup), and spares the shutdown that
    follows a collection of everything it loaded."""
    if argv is None:
        startup.hold()
    code = _main(argv)
    if argv is None and "PySide6" not in sys.modules:
        # The program ends here, its database disposed and its files closed. Frozen, the objects it made
        # (SQLAlchemy's and pydantic's, mostly) are left out of the collection Python runs while it shuts
        # down: a tenth of a second of every command, spent on garbage nobody waits for.
        gc.freeze()
    return code


def _main(argv: list[str] | None) -> int:
    args = build_parser(sys.argv[1:] if argv is None else argv).parse_args(argv)  # --help and a mistyped command end here, before the domain is loaded
    from sqlalchemy.exc import DBAPIError

    from db import DatabaseError
    from fieldtool.thai import InputError, busy_error

    try:
        return int(args.func(args) or Exit.OK)
    except (InputError, DatabaseError) as exc:
        print_error(exc)
        return int(Exit.REFUSED)
    except DBAPIError as exc:  # another program holds the database's write lock: say to wait, not a traceback
        busy = busy_error(exc)
        if busy is None:
            raise
        print_error(busy)
        return int(Exit.REFUSED)
    except KeyboardInterrupt:
        return int(Exit.INTERRUPTED)
    except BrokenPipeError:
        # output piped into `head` and cut off: not an error of ours
        sys.stderr.close()
        return int(Exit.OK)


if __name__ == "__main__":
    sys.exit(main())
