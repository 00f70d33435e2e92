"""A crash in the middle of an import: the office database is as it was, and the bundle imports again."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from exports.bundle import PAUSE_ENV, import_bundle
from tests.sync.conftest import district_dump, snapshot, target_args

ROOT = Path(__file__).resolve().parents[2]


def wait_for_line(proc: subprocess.Popen, needle: str, seconds: float = 120) -> str:
    """Read the child's stderr until `needle` shows up; fail with what it said if it never does."""
    seen = ""
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + seconds
    while needle not in seen:
        if time.monotonic() > deadline or proc.poll() is not None:
            raise AssertionError(f"the import never paused; it said:\n{seen}{proc.stderr.read() if proc.poll() is not None else ''}")
        if sel.select(timeout=0.5):
            chunk = os.read(proc.stderr.fileno(), 4096).decode("utf-8", "replace")
            seen += chunk
    return seen


def test_killing_the_import_midway_leaves_the_office_as_before(laptop, office):
    a = laptop("a", office=office)
    loan = a.loan()
    a.pay(loan, 100_000)
    first = a.export()
    import_bundle(office, first)
    a.pay(loan, 50_000)
    a.set_phone("0811111111")
    second = a.export()
    before_counts, before_rows = snapshot(office), district_dump(office)
    office.engine.dispose()  # the child gets the database to itself, as a second program would

    env = {**os.environ, PAUSE_ENV: "120"}
    cmd = [sys.executable, "-m", "ui.cli", "bundle", "import", str(second), *target_args(office)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_line(proc, "paused inside its transaction")
        # the new changes have been written inside the transaction when it pauses: kill it there
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    assert snapshot(office) == before_counts
    assert district_dump(office) == before_rows
    result = import_bundle(office, second)  # the same bundle goes in whole the second time
    assert result["status"] == "imported" and result["entries_new"] > 0
    from tests.sync.test_sync_merge import paid, phone

    assert paid(office, loan) == 150_000 and phone(office, a.household_id) == "0811111111"
