"""The one helper for work off the UI thread: answers arrive on the UI thread, or not at all."""

from __future__ import annotations

import threading

import pytest

from ui import worker
from ui.qt import QThreadPool, QWidget, isValid


def test_success_and_failure_are_delivered_on_the_ui_thread(qtbot):
    seen = []
    ui_thread = threading.get_ident()

    def work():
        seen.append(("work", threading.get_ident() != ui_thread))
        return 42

    def boom():
        raise ValueError("บกพร่อง")

    worker.run_in_background(work, lambda v: seen.append(("ok", v, threading.get_ident() == ui_thread)))
    worker.run_in_background(
        boom, None, lambda e: seen.append(("failed", str(e), threading.get_ident() == ui_thread))
    )
    qtbot.waitUntil(lambda: worker.pending() == 0)
    assert ("work", True) in seen
    assert ("ok", 42, True) in seen
    assert ("failed", "บกพร่อง", True) in seen


def test_answer_for_a_closed_widget_is_dropped(qtbot):
    seen = []
    widget = QWidget()
    gate = threading.Event()
    worker.run_in_background(lambda: gate.wait(5) and 1, seen.append, context=widget)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not isValid(widget))
    gate.set()
    qtbot.waitUntil(lambda: worker.pending() == 0)
    assert seen == []


def test_emitting_many_times_leaves_true_alone(qtbot):
    """PySide6 6.12's emit() drops a reference to True; ui.qt.emit gives it back (else: abort at exit)."""
    import sys

    from ui.qt import QObject, Signal, emit

    class Pinger(QObject):
        ping = Signal(object)

    pinger = Pinger()
    for _ in range(10):  # warm up: first calls may cache a reference to True somewhere
        emit(pinger.ping, 1)
    before = sys.getrefcount(True)
    for _ in range(5_000):
        emit(pinger.ping, 1)
    after = sys.getrefcount(True)  # outside the assert: pytest's rewriting holds True meanwhile
    assert after == before


def test_progress_reports_arrive_on_the_ui_thread_before_the_answer(qtbot):
    ui_thread = threading.get_ident()
    seen = []
    relay = worker.ProgressRelay(
        lambda done, total: seen.append((done, total, threading.get_ident() == ui_thread))
    )

    def work():
        for n in range(1, 1201):  # more emits than the 6.12 reference bug survives without ui.qt.emit
            relay(n, 1200)
        return "done"

    worker.run_in_background(work, lambda v: seen.append(v))
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=20_000)
    assert seen[-1] == "done"
    reports = seen[:-1]
    assert len(reports) == 1200 and reports[-1] == (1200, 1200, True)
    assert all(on_ui for _, _, on_ui in reports)


@pytest.mark.parametrize("first_ends", ["answer", "error"])
def test_a_page_sees_only_its_latest_load(qtbot, first_ends):
    """Day 1 is asked, then day 2; day 1 comes back after day 2 and is dropped, answer or error alike."""
    pool = QThreadPool.globalInstance()
    if pool.maxThreadCount() < 2:  # both loads must run at once for the first to end last
        pool.setMaxThreadCount(2)
    page = QWidget()
    loads = worker.Latest(page)
    assert not loads.started
    seen, ended = [], []
    second_shown = threading.Event()

    def day_1():
        second_shown.wait(10)
        ended.append("day 1")
        if first_ends == "error":
            raise ValueError("day 1 failed")
        return "day 1"

    def day_2():
        ended.append("day 2")
        return "day 2"

    loads.run(day_1, seen.append, seen.append)
    loads.run(day_2, lambda rows: (seen.append(rows), second_shown.set()), seen.append)
    assert loads.started
    assert worker.wait_until_idle(20_000)
    assert ended == ["day 2", "day 1"]
    assert seen == ["day 2"]
