"""The support log: what an installed copy did, for whoever helps an office when something goes wrong.

A rotating file in the data folder (`<data>/logs/fieldtool.log`, a few hundred kB at most) gets one line when
the program starts (its version, Python, the system), the command's words (`loan add`, `gui`) and how it
ended, and for an error its type and where it happened (module and line). It never gets what a person typed
or what the book holds: no arguments beyond the command's words, no error messages (they name borrowers),
no paths (a Windows path carries the user's name). The packaged program turns it on
(`packaging/fieldtool_main.py`); running from source writes none, so tests and `make run` leave no trace.
"""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from collections.abc import Callable
from importlib import metadata
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "fieldtool"
LOG_FILE = "fieldtool.log"
MAX_BYTES = 256 * 1024
BACKUPS = 3
OUR_PACKAGES = ("fieldtool", "db", "exports", "ui")

logger = logging.getLogger("fieldtool.support")


def data_dir() -> Path:
    """The user's data folder of the program (also where the database lives unless told otherwise)."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_log_path() -> Path:
    return data_dir() / "logs" / LOG_FILE


def program_version() -> str:
    try:
        return metadata.version(APP_NAME)
    except metadata.PackageNotFoundError:
        return "unknown"


def current_log_path() -> Path | None:
    """The file the support log goes to in this process, if it was started."""
    for handler in logger.handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def start(path: Path | None = None) -> Path | None:
    """Send the support log to `path` (default: the data folder); None when it cannot be written.

    A log that cannot be written never stops the program: it is for support, not for the work.
    """
    path = Path(path) if path else default_log_path()
    if current_log_path() == path.resolve():
        return path
    stop()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the support log only: never echoed on a terminal's stderr
    # A library that configures logging with disable_existing_loggers (dictConfig's default) would
    # silence this logger for good; starting the log means it writes again.
    logger.disabled = False
    return path


def stop() -> None:
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def command_words(argv: list[str], parser) -> str:
    """The command's own words from the command line (`loan add`), never its values.

    Walks argparse's sub-command tree: an option and its value are passed over, and the first word that is
    not a sub-command (a loan id, a file, a name) ends the walk.
    """
    words: list[str] = []
    level = parser
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg.startswith("-"):
            action = level._option_string_actions.get(arg.split("=", 1)[0])
            if action is not None and action.nargs != 0 and "=" not in arg and args:
                args.pop(0)  # the option's value
            continue
        subcommands = _subcommands(level)
        if arg not in subcommands:
            break
        words.append(arg)
        level = subcommands[arg]
    return " ".join(words) or "gui"


def _subcommands(parser) -> dict:
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            return action.choices
    return {}


def error_place(tb) -> str:
    """Where an error happened, by module and line: the innermost frame of ours, and the innermost of all."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    if not frames:
        return "unknown place"
    ours = [f for f in frames if _module_of(f.filename).split(".")[0] in OUR_PACKAGES]
    places = []
    if ours:
        places.append(_place(ours[-1]))
    if not ours or ours[-1] is not frames[-1]:
        places.append(_place(frames[-1]))
    return " via ".join(places)


def _place(frame) -> str:
    return f"{_module_of(frame.filename)}:{frame.lineno} in {frame.name}"


def _module_of(filename: str) -> str:
    """`…/site-packages/exports/letters_pdf.py` -> `exports.letters_pdf`; the folders above are left out
    (they hold the user's name on Windows)."""
    parts = Path(filename).with_suffix("").parts
    for n in range(len(parts) - 1, -1, -1):
        if parts[n] in OUR_PACKAGES:
            return ".".join(parts[n:])
        if parts[n] in ("site-packages", "_internal", "lib", "Lib"):
            inside = [p for p in parts[n + 1:] if not p.startswith("python3")]
            return ".".join(inside) or parts[-1]
    return parts[-1] if parts else "?"


def note_error(exc: BaseException, what: str = "error") -> None:
    """One line for an error: its type and its place, never its message."""
    logger.error("%s %s at %s", what, type(exc).__name__, error_place(exc.__traceback__))
    try:
        exc._support_logged = True  # the excepthook, which sees it next, need not write it twice
    except AttributeError:
        pass


def install_excepthook() -> None:
    """Errors nobody caught (in the command line, or in a window's slot) go to the log, then on as before."""
    previous = sys.excepthook

    def hook(kind, exc, tb):
        if not issubclass(kind, KeyboardInterrupt) and not getattr(exc, "_support_logged", False):
            logger.error("uncaught %s at %s", kind.__name__, error_place(tb))
        previous(kind, exc, tb)

    sys.excepthook = hook


def run_logged(main: Callable[[list[str]], int], argv: list[str], parser=None, path: Path | None = None) -> int:
    """Run the command line with the support log: start, command, how it ended."""
    # A log that fails (the app holds the file while a command rotates it, on Windows) stays silent
    # instead of printing logging's own traceback on the officer's screen.
    logging.raiseExceptions = False
    start(path)
    frozen = "packaged" if getattr(sys, "frozen", False) else "source"
    logger.info("start %s %s (%s), Python %s, %s", APP_NAME, program_version(), frozen,
                platform.python_version(), platform.platform(terse=True))
    try:
        logger.info("command: %s", command_words(argv, parser) if parser is not None else "?")
    except Exception:  # the log must never stop the program
        logger.info("command: ?")
    install_excepthook()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: --help, or words it does not know
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except BaseException as exc:
        note_error(exc, "ended by")
        raise
    logger.info("end: exit %s%s", code, " (refused: input or database)" if code == 2 else "")
    return code
