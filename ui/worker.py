"""The one helper that runs long database work off the UI thread (Anki's "operation").

`run_in_background(task, on_success, on_failure, context)` runs `task()` on Qt's global thread pool
and calls `on_success(result)` or `on_failure(exc)` back on the UI thread. `task` must open its own
database session (a session belongs to one thread) and return plain data. The callbacks are dropped if
`context` (the widget that asked) has been deleted meanwhile, so a closed window is never touched.

A task that reports progress (a batch of letters: one call per letter) is given a `ProgressRelay`: a
callable the task may call from its thread, which hands each report to a UI-thread callback.

A page that loads again whenever it is shown (a new day, a filter) keeps a `Latest`: only the answer
of the load it started last reaches the page; an older load that finishes later is dropped, its error too.

A database another program holds locked (two imports at once) reaches `on_failure` as the one sentence
that says to wait and try again (`fieldtool.thai.busy_error`), never as SQLite's own words.

Tests wait with `qtbot.waitUntil(lambda: worker.pending() == 0)`; scripts use `wait_until_idle()`.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from fieldtool.thai import busy_error
from ui.qt import (
    QCoreApplication,
    QElapsedTimer,
    QEventLoop,
    QObject,
    QRunnable,
    QThreadPool,
    Signal,
    Slot,
    emit,
    isValid,
)

# Relays whose answer has not been delivered yet; holding them here also keeps them alive.
_pending: set[_Relay] = set()


class _Relay(QObject):
    """Lives in the UI thread; the worker emits on it, so the slot runs in the UI thread (queued)."""

    finished = Signal(bool, object)

    def __init__(self, on_success, on_failure, context):
        super().__init__()
        self._on_success = on_success
        self._on_failure = on_failure
        self._context = context
        self.finished.connect(self._deliver)

    @Slot(bool, object)
    def _deliver(self, ok: bool, value: Any) -> None:
        _pending.discard(self)
        if self._context is not None and not isValid(self._context):
            return
        if ok:
            if self._on_success is not None:
                self._on_success(value)
        elif self._on_failure is not None:
            self._on_failure(value)
        else:
            traceback.print_exception(value, file=sys.stderr)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # delivered to the UI thread, which shows it
            emit(self._relay.finished, False, busy_error(exc) or exc)
        else:
            emit(self._relay.finished, True, result)


def run_in_background(
    task: Callable[[], Any],
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    context: QObject | None = None,
) -> None:
    """Run `task()` on the thread pool; call back on the UI thread. Call this from the UI thread."""
    relay = _Relay(on_success, on_failure, context)
    _pending.add(relay)
    QThreadPool.globalInstance().start(_Task(task, relay))


class Latest:
    """Loads of one page where only the newest counts: `self.loads = worker.Latest(self)`.

    `run(task, on_success, on_failure)` is `run_in_background` with the page as context, except that
    the callbacks of a load are dropped once a later `run` has started (the user moved on to another
    day before the old answer came back).
    """

    def __init__(self, context: QObject):
        self._context = context
        self._newest = 0

    @property
    def started(self) -> bool:
        """Whether any load has been asked for (until then an empty list says nothing)."""
        return self._newest > 0

    def run(
        self,
        task: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._newest += 1
        ticket = self._newest

        def success(value: Any) -> None:
            if ticket == self._newest:
                on_success(value)

        def failure(exc: BaseException) -> None:
            if ticket != self._newest:
                return
            if on_failure is not None:
                on_failure(exc)
            else:
                traceback.print_exception(exc, file=sys.stderr)

        run_in_background(task, success, failure, self._context)

    def drop(self) -> None:
        """Let no load under way answer: what it was asked for is no longer wanted."""
        self._newest += 1


class ProgressRelay(QObject):
    """`relay(done, total)` from any thread; `callback(done, total)` runs later on the UI thread.

    Reports are queued before the task's answer, so the last report arrives before on_success.
    """

    progressed = Signal(int, int)

    def __init__(self, callback: Callable[[int, int], None], context: QObject | None = None):
        super().__init__()
        self._callback = callback
        self._context = context
        self.progressed.connect(self._deliver)

    def __call__(self, done: int, total: int) -> None:
        emit(self.progressed, int(done), int(total))

    @Slot(int, int)
    def _deliver(self, done: int, total: int) -> None:
        if self._context is not None and not isValid(self._context):
            return
        self._callback(done, total)


def pending() -> int:
    """How many background operations have not delivered their answer yet."""
    return len(_pending)


def wait_until_idle(timeout_ms: int = 30_000) -> bool:
    """Process events until every operation has answered (for screenshots and scripts)."""
    timer = QElapsedTimer()
    timer.start()
    while _pending and timer.elapsed() < timeout_ms:
        QThreadPool.globalInstance().waitForDone(20)
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return not _pending
