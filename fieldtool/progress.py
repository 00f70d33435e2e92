"""How long work tells its caller how far it has got, without printing: one line of text at a time.

The domain calls `progress(Text(th, en))` after each stage; the command line prints the line on stderr as
"ไทย (English)" (unless `--quiet`), a window may show the half in its language in its status bar, a test may
collect the lines in a list.
"""

from __future__ import annotations

from collections.abc import Callable

from fieldtool.text import Text

Progress = Callable[[Text], None]


def silent(_line: Text) -> None:
    """The progress of a caller that wants none."""


def reporter(progress: Progress | None) -> Callable[[str, str], None]:
    """A `say(th, en)` that hands the caller one line in both languages, or does nothing without a callback."""
    if progress is None:
        return lambda _th, _en: None
    return lambda th, en: progress(Text(th, en))
