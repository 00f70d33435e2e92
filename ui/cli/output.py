"""What every command shares: reading a day, printing either JSON or lines for a person, and progress."""

from __future__ import annotations

import json
import sys
from datetime import date

from fieldtool.progress import Progress, silent


def day(text: str | None, default_today: bool = True) -> date | None:
    from fieldtool.thai import parse_date, today_in_thailand

    if text is None:
        return today_in_thailand() if default_today else None
    return parse_date(text)


def emit(args, payload, text_lines) -> None:
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        for line in text_lines:
            print(line)


def progress(args) -> Progress:
    """Where long work reports its stages: a line each on stderr, so the JSON on stdout stays clean;
    nothing with --quiet."""
    if getattr(args, "quiet", False):
        return silent

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    return say
