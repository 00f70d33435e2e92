"""Every Qt import of the program goes through here (as in Anki's aqt.qt), so the binding and its
version checks live in one place and the rest of `ui/` reads `from ui.qt import QWidget, ...`."""

import ctypes
import sys

from PySide6.QtCore import *  # noqa: F403
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import *  # noqa: F403
from PySide6.QtPdf import QPdfDocument  # noqa: F401  (letter and plan previews; PySide6-Pdf)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # noqa: F401
from PySide6.QtWidgets import *  # noqa: F403
from shiboken6 import isValid  # noqa: F401  (is the C++ side of a wrapper still alive?)


def _emit_drops_a_reference() -> bool:
    """PySide6 6.12's `SignalInstance.emit()` returns True without owning a reference to it, so each
    emit from Python lowers True's reference count by one; after some thousands the interpreter
    aborts ("bool_dealloc: deallocating True"). Find out once whether this binding does that."""

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    probe.ping.emit()
    dropped = sys.getrefcount(True) < before
    if dropped:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # give back what the probe took
    return dropped


ctypes.pythonapi.Py_IncRef.argtypes = [ctypes.py_object]
ctypes.pythonapi.Py_IncRef.restype = None
_EMIT_DROPS_A_REFERENCE = _emit_drops_a_reference()


def emit(signal, *args) -> None:
    """`signal.emit(*args)`, giving back the reference a buggy binding drops. Use it for every emit."""
    result = signal.emit(*args)
    if _EMIT_DROPS_A_REFERENCE and result is not None:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
