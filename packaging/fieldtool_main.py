"""The packaged program's entry point (PyInstaller builds `fieldtool` from this file).

It is `fieldtool` as installed from source (`ui.cli:main`: the command line, and the app with no command or
with `gui`), with the support log turned on (`ui.logsetup`). On Windows the copy the Start menu opens is a
windowed program with no console: it has no stdout or stderr, so they go nowhere instead of failing.
"""

import os
import sys


def _streams_for_a_windowed_program() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # lives as long as the process


def _pythainlp_data_in_our_folder(data_dir) -> None:
    # PyThaiNLP makes a folder for downloads when imported (~/pythainlp-data); the program downloads nothing,
    # so keep that folder inside the program's own instead of in the officer's home folder.
    if not os.environ.get("PYTHAINLP_DATA") and not os.environ.get("PYTHAINLP_DATA_DIR"):
        os.environ["PYTHAINLP_DATA"] = str(data_dir / "pythainlp-data")


def main() -> int:
    from ui import startup

    startup.hold()  # as `fieldtool` from source: no garbage collection until the command has loaded its code
    _streams_for_a_windowed_program()
    from ui import logsetup

    _pythainlp_data_in_our_folder(logsetup.data_dir())
    from ui import cli

    return logsetup.run_logged(cli.main, sys.argv[1:], cli.build_parser(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
