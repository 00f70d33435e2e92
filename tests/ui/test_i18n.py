"""Every visible string in Thai and English; the domain's sentences shown in the screen's language."""

from __future__ import annotations

import re
from pathlib import Path

from fieldtool.text import Text
from fieldtool.thai import InputError
from ui import i18n

UI_DIR = Path(__file__).resolve().parents[2] / "ui"


def test_every_string_has_thai_and_english():
    for key, entry in i18n.strings().items():
        assert entry.get("th", "").strip(), key
        assert entry.get("en", "").strip(), key


def test_every_key_the_screens_use_exists():
    used = set()
    for path in UI_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:tr|input_error|Column)\(\s*"([a-z_]+\.[a-z_.0-9-]+)"', text))
    missing = sorted(k for k in used if k not in i18n.strings())
    assert not missing


def test_same_placeholders_in_both_languages():
    for key, entry in i18n.strings().items():
        names = [set(re.findall(r"{(\w+)", entry[lang])) for lang in ("th", "en")]
        assert names[0] == names[1], key


def test_error_sentence_in_the_language_of_the_screen():
    exc = InputError(Text("จำนวนเงินต้องมากกว่าศูนย์", "the amount must be more than zero"))
    assert i18n.error_text(exc) == "จำนวนเงินต้องมากกว่าศูนย์"
    i18n.set_language("en")
    assert i18n.error_text(exc) == "The amount must be more than zero"
    assert i18n.tr("page.today") == "Today"
