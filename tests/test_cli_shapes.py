"""The JSON the command line prints is the JSON README.md documents: each ```text block that starts with a
`fieldtool … --json` line is run on a demo district office (its laptops, its merged database) and every object
printed must have exactly the keys the block lists, at every level the block describes.

The notation (README, "What --json prints"): `{"a", "b": value}` lists an object's keys; `[…]` a list, checked
element by element against the first object or list inside it; `"k"?` a key present only sometimes; a bare
word or `…` among the keys (`{measure: […], …}`) stands for keys named by the data, so the listed ones need
only be there; anything else after a key (words, `a|b`, `null|{…}`, a note in parentheses) describes its value.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ui.cli import main

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-11-22"


# --- the README's shapes ---------------------------------------------------------------------------------------


@dataclass
class Obj:
    keys: dict[str, object] = field(default_factory=dict)  # key -> its shape (Obj, Arr or None)
    optional: set[str] = field(default_factory=set)
    open: bool = False  # keys named by the data besides the listed ones


@dataclass
class Arr:
    item: object = None


class _Reader:
    def __init__(self, text: str):
        self.text, self.i = text, 0

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.i] if self.i < len(self.text) else ""

    def skip_space(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def string(self) -> str:
        end = self.text.index('"', self.i + 1)
        s, self.i = self.text[self.i + 1 : end], end + 1
        return s

    def skip_note(self) -> None:
        depth = 0
        while True:
            c = self.text[self.i]
            self.i += 1
            depth += {"(": 1, ")": -1}.get(c, 0)
            if depth == 0:
                return

    def value(self):
        """A value up to the next comma or closing bracket; its shape is the first object or list in it."""
        shape = None
        while (c := self.peek()) and c not in ",}]":
            if c == "{":
                found = self.obj()
            elif c == "[":
                found = self.arr()
            else:
                found = None
                if c == '"':
                    self.string()
                elif c == "(":
                    self.skip_note()
                else:
                    self.i += 1
            shape = shape or found
        return shape

    def obj(self) -> Obj:
        self.i += 1  # {
        o = Obj()
        while (c := self.peek()) != "}":
            if c == '"':
                key = self.string()
                if self.text[self.i : self.i + 1] == "?":
                    self.i += 1
                    o.optional.add(key)
                while self.peek() == "(":
                    self.skip_note()
                if self.peek() == ":":
                    self.i += 1
                    o.keys[key] = self.value()
                else:
                    o.keys[key] = self.value()  # a note after the key, if any
            else:
                o.open = True
                self.value()
            if self.peek() == ",":
                self.i += 1
        self.i += 1
        return o

    def arr(self) -> Arr:
        self.i += 1  # [
        a = Arr()
        while (c := self.peek()) != "]":
            if c == ",":
                self.i += 1
                continue
            a.item = a.item or self.value()
        self.i += 1
        return a


def readme_shapes() -> dict[str, object]:
    """`fieldtool … --json` -> the shape its README block documents."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = {}
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        first, _, rest = block.partition("\n")
        if first.startswith("fieldtool ") and first.rstrip().endswith("--json"):
            assert first not in out, f"{first} is documented twice"
            out[first.strip()] = _Reader(rest).value()
    return out


def mismatches(shape, value, where: str = "") -> list[str]:
    """Where `value` (printed) differs from `shape` (documented)."""
    if shape is None or value is None:
        return []
    if isinstance(shape, Arr):
        if not isinstance(value, list):
            return [f"{where or 'the output'}: a list is documented, {type(value).__name__} printed"]
        return [m for n, item in enumerate(value) for m in mismatches(shape.item, item, f"{where}[{n}]")]
    if not isinstance(value, dict):
        return [f"{where or 'the output'}: an object is documented, {type(value).__name__} printed"]
    listed = set(shape.keys)
    printed = set(value)
    out = [f"{where}: {k!r} is documented but not printed" for k in sorted(listed - printed - shape.optional)]
    if not shape.open:
        out += [f"{where}: {k!r} is printed but not documented" for k in sorted(printed - listed)]
    for k in sorted(listed & printed):
        out += mismatches(shape.keys[k], value[k], f"{where}.{k}")
    return out


def test_the_shape_notation_is_read_as_the_readme_explains_it():
    shape = _Reader('{"a", "b" (a note, with a comma): x|y, "c"?: null|{"d"}, "e": [{"f": "A"}], "g": {k: [v], …}}').value()
    assert set(shape.keys) == {"a", "b", "c", "e", "g"} and shape.optional == {"c"} and not shape.open
    assert set(shape.keys["c"].keys) == {"d"} and set(shape.keys["e"].item.keys) == {"f"}
    assert shape.keys["g"].open and not shape.keys["g"].keys
    printed = {"a": 1, "b": "x", "e": [{"f": "A"}, {"f": "B", "h": 2}], "g": {"health": [1]}}
    assert mismatches(shape, printed) == [".e[1]: 'h' is printed but not documented"]
    assert mismatches(shape, {"a": 1, "b": None}) == [": 'e' is documented but not printed",
                                                      ": 'g' is documented but not printed"]


# --- what the commands print -------------------------------------------------------------------------------------


@dataclass
class Office:
    """The demo district office: the merged office database and a laptop of its district."""

    folder: Path
    office: Path
    laptop: Path

    def run(self, db: Path, *argv: str) -> dict:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(["--db", str(db), "--json", "--quiet", *argv])
        assert code == 0, argv
        return json.loads(out.getvalue())

    def laptop_copy(self, name: str) -> Path:
        """A copy of the laptop, for a command that writes."""
        return Path(shutil.copy(self.laptop, self.folder / f"{name}.sqlite"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Office:
    folder = tmp_path_factory.mktemp("shapes")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--quiet", "office", "demo", "--folder", str(folder / "office"), "--day", DAY]) == 0
    return Office(folder, folder / "office" / "office.sqlite", folder / "office" / "laptops" / "laptop-341905.sqlite")


def _ask_loan(o: Office) -> str:
    return next(i["id"] for i in o.run(o.laptop, "loan", "list", "--on", DAY, "--stage", "ask")["items"])


def _planned_household(o: Office) -> str:
    summary = o.run(o.laptop, "plans", "summary", "--on", DAY)
    return (summary["overdue"] or summary["due_this_month"])[0]["household_id"]


def _imports(o: Office) -> list[dict]:
    """The laptop's registers imported into a copy of it twice: the second time it was imported before."""
    book = o.laptop_copy("import")
    workbook = o.folder / "registers.xlsx"
    o.run(book, "export-registers", "--out", str(workbook))
    return [o.run(book, "import", str(workbook), "--accept-refusals") for _ in range(2)]


# Each documented command, run on the demo: the README's line -> what it prints (one output or several).
RUNS = {
    "fieldtool reminders --json": lambda o: o.run(o.laptop, "reminders", "--on", DAY),
    "fieldtool arrears --json": lambda o: o.run(o.laptop, "arrears", "--on", DAY),
    "fieldtool loan show ID --json": lambda o: o.run(o.laptop, "loan", "show", _ask_loan(o), "--on", DAY),
    "fieldtool loan list --json": lambda o: o.run(o.laptop, "loan", "list", "--on", DAY),
    "fieldtool pay ID --json": lambda o: o.run(o.laptop_copy("pay"), "pay", _ask_loan(o), "--amount", "100", "--on", DAY),
    "fieldtool history --json": lambda o: o.run(o.laptop, "history", "--limit", "200"),
    "fieldtool household show ID --json": lambda o: o.run(o.laptop, "household", "show", _planned_household(o), "--on", DAY),
    "fieldtool plan show HOUSEHOLD --json": lambda o: o.run(o.laptop, "plan", "show", _planned_household(o), "--on", DAY),
    "fieldtool plans summary --json": lambda o: o.run(o.laptop, "plans", "summary", "--on", DAY),
    "fieldtool visit list --json": lambda o: o.run(o.laptop, "visit", "list", "--on", DAY),
    "fieldtool letters --json": lambda o: o.run(o.laptop_copy("letters"), "letters", "--on", DAY,
                                                "--out", str(o.folder / "letters.pdf")),
    "fieldtool setup show --json": lambda o: o.run(o.laptop, "setup", "show"),
    "fieldtool import FILE --json": _imports,
    "fieldtool office conflicts --json": lambda o: o.run(o.office, "office", "conflicts", "--all"),
    "fieldtool office devices --json": lambda o: o.run(o.office, "office", "devices"),
    "fieldtool office restructures --json": lambda o: o.run(o.office, "office", "restructures"),
    "fieldtool office report --json": lambda o: o.run(o.office, "office", "report", "--on", DAY),
}


def test_every_documented_shape_is_run_here():
    assert set(readme_shapes()) == set(RUNS)


@pytest.mark.parametrize("command", list(RUNS))
def test_the_command_prints_the_shape_the_readme_documents(demo, command):
    shape = readme_shapes()[command]
    printed = RUNS[command](demo)
    for output in printed if isinstance(printed, list) else [printed]:
        assert mismatches(shape, output) == [], command
