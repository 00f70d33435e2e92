"""Thai personal names as registers write them: the title in its own column or at the front of the name,
abbreviated (น.ส.), with stray or zero-width spaces; split into title, given name and family name."""

from __future__ import annotations

import re

from fieldtool.limits import NAME, check_text
from fieldtool.text import Text
from fieldtool.thai import InputError

TITLES = ("นาย", "นาง", "นางสาว")
# What registers write for a title, longest first so that นางสาว is not read as นาง + สาว…
_TITLE_FORMS = (
    ("นางสาว", "นางสาว"), ("น.ส.", "นางสาว"), ("น.ส", "นางสาว"), ("นส.", "นางสาว"),
    ("นาง", "นาง"), ("นาย", "นาย"),
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def clean(text: object) -> str:
    """Zero-width characters gone, every run of spaces (also non-breaking ones) one space."""
    return " ".join(str(text or "").translate(_INVISIBLE).split())


def parse_title(text: str) -> str:
    raw = clean(text).replace(" ", "")
    if not raw:
        return ""
    for form, title in _TITLE_FORMS:
        if raw == form:
            return title
    raise InputError(Text(f"คำนำหน้าชื่อไม่ถูกต้อง: {text} (ใช้ นาย นาง หรือ นางสาว)",
                          f"title must be นาย, นาง or นางสาว: {text}"))


def split_name(text: str, title: str = "") -> tuple[str, str, str]:
    """(title, given name, family name) of "นางสาวสมศรี  ใจดี", "น.ส. สมศรี ใจดี" or "สมศรี ใจดี".

    A title given in its own column wins; one at the front of the name is taken off either way, so a
    register that writes it twice is read right. Everything after the first space is the family name.
    """
    name = clean(text)
    given_title = parse_title(title) if clean(title) else ""
    found = ""
    for form, canonical in _TITLE_FORMS:
        if not name.startswith(form):
            continue
        rest = name[len(form):]
        if given_title and not (rest.startswith(" ") or "." in form):
            continue  # with a title column, "นางนวล" is a given name, not นาง + นวล
        rest = rest.strip()
        # "นางสาว" must not be read off "นางสาวิตรี": a name goes on with a consonant or a leading vowel
        if rest and re.match(r"[\u0e01-\u0e2e\u0e40-\u0e44]", rest):
            found, name = canonical, rest
            break
    first, _, last = name.partition(" ")
    if not first:
        raise InputError(Text(f"ไม่มีชื่อ: {text}", f"no given name in: {text}"))
    check_text(first, Text("ชื่อ", "the given name"), NAME)
    check_text(last, Text("นามสกุล", "the family name"), NAME)
    return given_title or found, first, clean(last)
