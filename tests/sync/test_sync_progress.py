"""`bundle import` of several files says each file's result on stderr as it is done, not all at the end."""

from __future__ import annotations

import json

from tests.sync.conftest import target_args
from ui.cli import main


def test_several_bundles_each_get_a_line_as_they_finish(laptop, office, capsys):
    a = laptop("a", office=office)
    c = laptop("c", code="341906", office=office)
    a.pay(a.loan(), 100_000)
    first, second = a.export(), c.export()
    code = main(["--json", "bundle", "import", str(first), str(second), *target_args(office)])
    out = capsys.readouterr()
    assert code == 0, out.err
    report = json.loads(out.out)  # stdout stays the JSON alone
    lines = out.err.splitlines()
    assert len(lines) == 2
    for n, (line, path, result) in enumerate(zip(lines, (first, second), report["bundles"], strict=True), start=1):
        assert line.startswith(f"[{n}/2] {path.name}: นำเข้าชุดที่ 1 ")
        assert f"รายการใหม่ {result['entries_new']}/{result['entries']}" in line


def test_bundle_import_with_quiet_says_nothing_on_stderr(laptop, office, capsys):
    a = laptop("a", office=office)
    c = laptop("c", code="341906", office=office)
    code = main(["--quiet", "bundle", "import", str(a.export()), str(c.export()), *target_args(office)])
    out = capsys.readouterr()
    assert code == 0 and out.err == ""
    assert out.out.count("นำเข้าชุดที่ 1") == 2
