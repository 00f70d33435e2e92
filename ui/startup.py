"""Start-up without the garbage collector, then collection as usual.

A command imports SQLAlchemy, SQLModel, the schema and its part of the domain before it does anything: about
120,000 objects, none of them garbage. Python's collector, counting them as new, runs its full collection
over them once or twice on the way – a twentieth of a second of every command and of the app's start
(bench/bench_startup.py, issue 14). So the collector waits (`hold`, first thing in `fieldtool`) until the
imports are done: when a command opens its database, or the app has built its window (`release`). What was
made by then is frozen – kept out of every later collection, as it lives as long as the program – and
collection goes on as usual for the work itself, so a long import or merge keeps its memory in check.
"""

from __future__ import annotations

import gc


def hold() -> None:
    gc.disable()


def release() -> None:
    """Collection from here on, over what is made from here on (a second call does nothing)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
