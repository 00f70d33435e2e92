"""Every visible string of the windows, by key, in Thai (the default) and English.

The strings live in resources/i18n/*.json (ui.json for the field app, office.json for the district
office window) as {"key": {"th": ..., "en": ...}}; a key defined twice is an error. The language is one
setting of the database ("language"), read at start and switched from the menu. What the domain words
itself comes in both languages and the screen shows one half: a stored code's label (fieldtool.vocabulary,
`label_text`) and a sentence of an InputError (fieldtool.text.Text, `error_text`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path

from fieldtool.text import Text
from fieldtool.thai import InputError, format_baht, format_date, format_date_en, format_time
from fieldtool.vocabulary import Coded

LANGUAGES = ("th", "en")
STRINGS_DIR = Path(__file__).resolve().parents[1] / "resources" / "i18n"

_language = "th"


@cache
def strings() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(STRINGS_DIR.glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        twice = sorted(set(part) & set(merged))
        if twice:
            raise ValueError(f"{path.name} defines keys already defined elsewhere: {', '.join(twice[:5])}")
        merged.update(part)
    return merged


def language() -> str:
    return _language


def set_language(lang: str) -> None:
    global _language
    _language = lang if lang in LANGUAGES else "th"


def tr(key: str, **values) -> str:
    """The text of `key` in the current language; a missing key shows itself so it is noticed.

    `n` is a count: written with thousands separators (10,901), and when it is 1 the entry's "en_one"
    (or "th_one") form is used if it has one ("in 1 day", not "in 1 days")."""
    entry = strings().get(key)
    n = values.get("n")
    if entry is None:
        text = key
    else:
        one = entry.get(f"{_language}_one") if n == 1 else None
        text = one or entry.get(_language) or entry.get("th") or key
    if isinstance(n, int) and not isinstance(n, bool):
        values["n"] = f"{n:,}"
    return text.format(**values) if values else text


def text_of(text: Text) -> str:
    """A sentence of the domain (a Text) in the language of the screen."""
    return text.in_language(_language)


def label_text(code: Coded, in_sentence: bool = False) -> str:
    """A stored code's label (fieldtool.vocabulary) in the language of the screen. On its own – a choice in a
    list, a cell, a field's name – English begins with a capital ("Monthly", "Chair"); `in_sentence` keeps it
    as the vocabulary writes it ("24 instalments, monthly")."""
    if _language == "th":
        return code.label.th
    return code.label.en if in_sentence else code.label.in_language("en")


def day_text(d: date | None) -> str:
    """A date as shown in lists: Buddhist Era in Thai (22 พ.ย. 2569), the Christian Era in English."""
    if d is None:
        return ""
    return format_date(d) if _language == "th" else format_date_en(d)


def local_time_text(at: datetime, zone: bool = False) -> str:
    """A stored time (UTC) as a day and a clock in Thailand's time, in the screen's language
    (fieldtool.thai.format_time); `zone` names the zone where the text may be read elsewhere."""
    return format_time(at, _language, zone)


def long_day_text(d: date) -> str:
    return format_date(d, "long") if _language == "th" else format_date_en(d)


def money_text(satang: int) -> str:
    return format_baht(satang)


def error_text(exc: BaseException) -> str:
    """An error as one sentence in the language of the screen: an InputError's Text has both."""
    if isinstance(exc, InputError):
        return exc.text.in_language(_language)
    return str(exc)
