"""What every command shares: reading what was typed (days, counts, amounts), printing either JSON or lines for a
person, progress on stderr, and the exit statuses.

Nothing here imports the domain at module level: the parser is built from modules that import this one.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from enum import IntEnum

from fieldtool.progress import Progress, silent
from fieldtool.text import Text

_ANY_DAY = Text("วันที่", "the date")


class Exit(IntEnum):
    """How a command ends, as its exit status."""

    OK = 0
    REFUSED = 2  # bad input, a refused action, no database: one sentence on stderr, nothing written
    INTERRUPTED = 130  # Ctrl+C


# --- reading what was typed ------------------------------------------------------------------------------


def day(text: str | None, default_today: bool = True) -> date | None:
    """A day as typed (ISO, or Thai d/m/yyyy in the Buddhist Era); None is today unless `default_today` is off."""
    from fieldtool.thai import parse_date, today_in_thailand

    if text is None:
        return today_in_thailand() if default_today else None
    return parse_date(text)


def on_day(text: str | None, default_today: bool = True) -> date | None:
    """A day typed on the command line, within the years the book accepts (fieldtool.limits)."""
    from fieldtool import limits

    return limits.check_day_or_none(day(text, default_today), _ANY_DAY)


def count(text: str) -> int:
    """A number of rows to show (argparse type); anything else is refused by argparse in one line (status 2)."""
    n = int(text) if text.strip().lstrip("-").isdigit() else -1
    if not 1 <= n <= 1_000_000:
        raise argparse.ArgumentTypeError(f"ต้องเป็นจำนวน 1 ถึง 1,000,000: {text} (must be a number from 1 to 1,000,000)")
    return n


def positive_baht(text: str) -> int:
    """An amount in baht that must be more than zero, as satang."""
    from fieldtool.text import Text
    from fieldtool.thai import InputError, parse_baht

    satang = parse_baht(text)
    if satang <= 0:
        raise InputError(Text(f"จำนวนเงินต้องมากกว่าศูนย์: {text}", "the amount must be more than zero"))
    return satang


def read_json(path: str, what_th: str):
    """A JSON file named on the command line (`what_th`: แผน, แม่แบบ); unreadable or not JSON is one sentence."""
    from fieldtool.text import Text
    from fieldtool.thai import InputError

    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as exc:
        raise InputError(Text(f"อ่านไฟล์{what_th}ไม่ได้: {path}", f"cannot read {path}")) from exc
    except ValueError as exc:
        raise InputError(Text(f"ไฟล์{what_th}ไม่ใช่ JSON ที่ถูกต้อง: {path}", "not valid JSON")) from exc


# --- printing ----------------------------------------------------------------------------------------------


def emit(args, payload, text_lines) -> None:
    """The command's answer on stdout: `payload` as JSON with --json, else the lines for a person."""
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

    def say(line: Text) -> None:
        print(line, file=sys.stderr, flush=True)  # "ไทย (English)"

    return say


def print_error(exc: BaseException | str) -> None:
    """A refusal's one sentence, on stderr."""
    print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
