"""What every command shares: reading a day, and printing either JSON or lines for a person."""

from __future__ import annotations

import json
from datetime import date

from fieldtool.thai import parse_date


def day(text: str | None, default_today: bool = True) -> date | None:
    if text is None:
        return date.today() if default_today else None
    return parse_date(text)


def emit(args, payload, text_lines) -> None:
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        for line in text_lines:
            print(line)
